//! A new device and a new country after failures: someone who guessed or
//! bought the password, logging in from their own machine far away.
//!
//! A user's second device in their usual country, or their usual laptop
//! abroad, stays quiet: both the device and the country must be new, and
//! the user must have logged in before (a first login is new everywhere).

use serde_json::json;

use super::{Context, as_f64, as_u64, last_event_ids, score_over};
use crate::logins::incidents::Finding;
use crate::logins::state::{user_key, usize_of};
use crate::{AlertKind, Severity, Subject};

/// Reports a success from a new device and a new country that follows
/// enough failed passwords.
pub(super) fn on_success(cx: &Context<'_>) -> Option<Finding> {
    let config = &cx.config.new_device;
    let facts = cx.facts;
    if !facts.has_history || !facts.new_device || facts.known_country != Some(false) {
        return None;
    }
    let user = cx.user()?;
    let key = user_key(&user.tenant_id, &user.user_id);
    let kind = AlertKind::LoginNewDeviceAfterFailures;
    let failures: Vec<_> = user
        .failures
        .between(cx.fresh_since(kind, &key, config.lookback_secs), cx.ts())
        .filter(|f| !f.known_device)
        .filter(|f| {
            f.redeemed_by
                .as_ref()
                .is_none_or(|by| by == &cx.attempt.event.event_id)
        })
        .collect();
    let count = failures.len();
    if count < usize_of(config.min_failures_count) {
        return None;
    }

    let geo = cx.attempt.event.geo.as_ref()?;
    let first_seen = failures.first().map_or(cx.ts(), |f| f.ts);
    Some(Finding {
        kind,
        subject_key: key,
        tenant_id: user.tenant_id.clone(),
        subject: Subject::user(&user.user_id),
        severity: Severity::High,
        score: score_over(as_f64(count) + 1.0, f64::from(config.min_failures_count)),
        first_seen,
        at: cx.ts(),
        size: as_u64(count),
        summary: format!(
            "login from a new device in a new country ({}) after {count} failed passwords",
            geo.country
        ),
        evidence: json!({
            "failures_count": count,
            "lookback_secs": config.lookback_secs,
            "country": geo.country,
            "city": geo.city,
            "device_recognised": cx.attempt.event.device_id.is_some(),
            "success_event_id": cx.attempt.event.event_id,
            "event_ids": last_event_ids(failures.iter().map(|f| f.event_id.as_str())),
        }),
        quiet_secs: config.quiet_secs,
    })
}
