//! Brute force: many failed passwords against one account in a short time.
//!
//! Failures from a device the user has logged in with are left out: that
//! is the user's own phone retrying a password changed elsewhere, which no
//! attacker can imitate without the device's id. Failures from a network
//! alerted for stuffing or low-and-slow belong to that incident, even when
//! its list tries one account several times.

use serde_json::json;

use super::{
    Claims, Context, as_f64, as_u64, last_event_ids, score_over, some_addresses, span_secs,
};
use crate::logins::incidents::Finding;
use crate::logins::state::{user_key, usize_of};
use crate::{AlertKind, Severity, Subject};

/// Failures beyond this multiple of the threshold make the attack high
/// severity: a tool, not a person.
const HIGH_SEVERITY_MULTIPLE: usize = 3;

/// Reports a brute force when the failures against the account in the
/// window ending at this failure reach the threshold.
pub(super) fn on_failure(cx: &Context<'_>) -> Option<Finding> {
    let config = &cx.config.brute_force;
    let user = cx.user()?;
    let key = user_key(&user.tenant_id, &user.user_id);
    let from = cx.fresh_since(AlertKind::LoginBruteForce, &key, config.window_secs);
    let mut claims = Claims::new(cx, config.window_secs);
    let failures: Vec<_> = user
        .failures
        .between(from, cx.ts())
        .filter(|f| !f.known_device && !claims.claims(&f.network, f.ts))
        .collect();
    let count = failures.len();
    let threshold = usize_of(config.min_failures_count);
    if count < threshold {
        return None;
    }

    let first_seen = failures.first().map_or(cx.ts(), |f| f.ts);
    let addresses = some_addresses(failures.iter().map(|f| f.ip));
    let address_count = failures
        .iter()
        .map(|f| f.ip)
        .collect::<std::collections::HashSet<_>>()
        .len();
    let severity = if count >= threshold.saturating_mul(HIGH_SEVERITY_MULTIPLE) {
        Severity::High
    } else {
        Severity::Medium
    };

    Some(Finding {
        kind: AlertKind::LoginBruteForce,
        subject_key: key,
        tenant_id: user.tenant_id.clone(),
        subject: Subject::user(&user.user_id),
        severity,
        score: score_over(as_f64(count), f64::from(config.min_failures_count)),
        first_seen,
        at: cx.ts(),
        size: as_u64(count),
        summary: format!(
            "{count} failed passwords against one account within {} minutes from {address_count} \
             address(es)",
            config.window_secs / 60
        ),
        evidence: json!({
            "failures_count": count,
            "window_secs": config.window_secs,
            "span_secs": span_secs(first_seen, cx.ts()),
            "addresses_count": address_count,
            "addresses": addresses,
            "unknown_user_count": failures.iter().filter(|f| f.unknown_user).count(),
            "event_ids": last_event_ids(failures.iter().map(|f| f.event_id.as_str())),
        }),
        quiet_secs: config.quiet_secs,
    })
}

/// The open brute force against the account a success entered.
pub(super) fn takeover_of(cx: &Context<'_>) -> Option<(AlertKind, String)> {
    let event = cx.attempt.event;
    let key = user_key(&event.tenant_id, &event.user_id);
    let kind = AlertKind::LoginBruteForce;
    cx.incidents.is_open(kind, &key).then_some((kind, key))
}
