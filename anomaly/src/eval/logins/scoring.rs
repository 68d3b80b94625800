//! Matching alerts to labelled incidents.

use std::net::IpAddr;

use chrono::TimeDelta;

use super::{LabelledIncident, MATCH_SLACK_SECS};
use crate::eval::KindScore;
use crate::logins::network_of;
use crate::{Alert, AlertKind};

/// The login kinds, in the order reported.
const LOGIN_KINDS: [AlertKind; 7] = [
    AlertKind::LoginBruteForce,
    AlertKind::LoginCredentialStuffing,
    AlertKind::LoginPasswordSpraying,
    AlertKind::LoginImpossibleTravel,
    AlertKind::LoginNewDeviceAfterFailures,
    AlertKind::LoginMfaFatigue,
    AlertKind::LoginLowAndSlow,
];

/// Scores alerts against incidents, per login kind. Alerts of other kinds
/// are ignored.
pub fn score(incidents: &[LabelledIncident], alerts: &[Alert]) -> Vec<KindScore> {
    LOGIN_KINDS
        .iter()
        .map(|&kind| score_kind(kind, incidents, alerts))
        .collect()
}

fn score_kind(kind: AlertKind, incidents: &[LabelledIncident], alerts: &[Alert]) -> KindScore {
    let labelled: Vec<&LabelledIncident> = incidents.iter().filter(|i| i.kind == kind).collect();
    let mut matched = vec![false; labelled.len()];
    let mut false_positives = 0;
    for alert in alerts.iter().filter(|a| a.kind == kind) {
        let free = labelled
            .iter()
            .enumerate()
            .position(|(n, incident)| !matched[n] && matches(alert, incident));
        match free {
            Some(n) => matched[n] = true,
            None => false_positives += 1,
        }
    }

    let true_positives = matched.iter().filter(|m| **m).count();
    KindScore {
        family: "logins",
        kind: kind.as_str().to_owned(),
        true_positives: count(true_positives),
        false_positives,
        false_negatives: count(labelled.len() - true_positives),
    }
}

/// Whether an alert reports the incident: same kind and tenant, a matching
/// subject, raised within the incident's span widened by the slack.
pub fn matches(alert: &Alert, incident: &LabelledIncident) -> bool {
    let slack = TimeDelta::seconds(MATCH_SLACK_SECS);
    let in_time = alert.ts >= incident.start - slack && alert.ts <= incident.end + slack;
    let subject = match (&incident.user_id, &incident.ip) {
        (Some(user), _) => alert.subject.user_id.as_ref() == Some(user),
        (None, Some(ip)) if incident.kind != AlertKind::LoginPasswordSpraying => alert
            .subject
            .ip
            .as_deref()
            .is_some_and(|got| same_source(got, ip)),
        (None, _) => true,
    };
    alert.kind == incident.kind && alert.tenant_id == incident.tenant_id && in_time && subject
}

/// Two sources are the same when equal, or when one is an address in the
/// other's network.
fn same_source(a: &str, b: &str) -> bool {
    let network = |text: &str| text.parse::<IpAddr>().map(network_of).ok();
    a == b || network(a).as_deref() == Some(b) || network(b).as_deref() == Some(a)
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
