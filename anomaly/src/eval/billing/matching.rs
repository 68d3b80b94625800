//! Labelled incidents and the matching of alerts to them.
//!
//! An alert matches a label of the same kind and tenant whose subject ids
//! it carries (the actor, and the entry where the label names one) and
//! whose time span, widened by [`MATCH_SLACK_SECS`] either side, holds the
//! alert's `ts`. A label is caught when some alert matches it; every
//! further alert matching an already caught label counts as a false
//! positive, since one incident should be one alert. An alert matching no
//! label is a false positive, except where it matches a label kept only to
//! excuse it: a side effect the injection really has (an injected amount a
//! few times the actor's habit may or may not be called unusual; neither
//! answer is wrong), which is then neither a hit nor a miss.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use crate::eval::KindScore;
use crate::{Alert, AlertKind};

/// Slack either side of a label's span: two hours, room for the link
/// lateness of a chain break and for an incident raised on the last of
/// its entries.
pub const MATCH_SLACK_SECS: i64 = 7_200;

/// Every alert kind the billing detector raises, in report order.
pub const BILLING_KINDS: [AlertKind; 10] = [
    AlertKind::BillingUnapproved,
    AlertKind::BillingSelfApproval,
    AlertKind::BillingCrossTenant,
    AlertKind::BillingChainBroken,
    AlertKind::BillingEntryRewritten,
    AlertKind::BillingUnusualAmount,
    AlertKind::BillingThresholdSplitting,
    AlertKind::BillingOffHours,
    AlertKind::BillingDormantActor,
    AlertKind::BillingWriteOffSpree,
];

/// One injected incident, or one tolerated side effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    /// The kind an alert about it should have.
    pub kind: AlertKind,
    /// The tenant it happened in.
    pub tenant_id: String,
    /// The actor, where the incident is about one.
    pub actor_id: Option<String>,
    /// The entry, for entry-level kinds.
    pub entry_id: Option<String>,
    /// Event time of its first entry.
    pub from: DateTime<Utc>,
    /// Event time of its last entry.
    pub until: DateTime<Utc>,
    /// Counted as a hit or a miss; `false` for a tolerated side effect.
    pub scored: bool,
}

impl Label {
    /// Whether `alert` is about this incident.
    pub fn matches(&self, alert: &Alert) -> bool {
        let slack = Duration::seconds(MATCH_SLACK_SECS);
        let same = |want: &Option<String>, got: &Option<String>| want.is_none() || want == got;
        alert.kind == self.kind
            && alert.tenant_id == self.tenant_id
            && same(&self.actor_id, &alert.subject.actor_id)
            && same(&self.entry_id, &alert.subject.entry_id)
            && alert.ts >= self.from - slack
            && alert.ts <= self.until + slack
    }
}

/// Precision and recall per billing kind of `alerts` (one per incident)
/// against `labels`.
pub fn score(alerts: &[Alert], labels: &[Label]) -> Vec<KindScore> {
    let mut counts: BTreeMap<AlertKind, (u32, u32, u32)> = BTreeMap::new();
    let mut caught = vec![false; labels.len()];
    for alert in alerts {
        let scored = labels.iter().enumerate().find(|(i, l)| {
            l.scored && !caught.get(*i).copied().unwrap_or(true) && l.matches(alert)
        });
        let entry = counts.entry(alert.kind).or_default();
        if let Some((index, _)) = scored {
            if let Some(flag) = caught.get_mut(index) {
                *flag = true;
            }
            entry.0 += 1;
        } else if !labels.iter().any(|l| !l.scored && l.matches(alert)) {
            entry.1 += 1;
        }
    }
    for (label, hit) in labels.iter().zip(&caught) {
        if label.scored && !hit {
            counts.entry(label.kind).or_default().2 += 1;
        }
    }

    BILLING_KINDS
        .iter()
        .map(|kind| {
            let (tp, fp, fn_) = counts.get(kind).copied().unwrap_or_default();
            KindScore {
                family: "billing",
                kind: kind.as_str().to_owned(),
                true_positives: tp,
                false_positives: fp,
                false_negatives: fn_,
            }
        })
        .collect()
}
