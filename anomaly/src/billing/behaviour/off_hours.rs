//! The finding for money moved at hours or on days the actor never works.

use nexzo_schemas::LedgerEntry;
use serde_json::json;

use super::hours::{HourProfile, Unfamiliar, hour_of, weekday_of};
use crate::billing::finding::Finding;
use crate::{AlertKind, Severity, Subject};

/// The finding for `entry`, whose time is unfamiliar as `unfamiliar` says.
pub(crate) fn off_hours(
    entry: &LedgerEntry,
    hours: &HourProfile,
    unfamiliar: Unfamiliar,
) -> Finding {
    let reason = match (unfamiliar.hour, unfamiliar.weekday) {
        (true, true) => "hour_and_weekday_never_worked",
        (true, false) => "hour_never_worked",
        _ => "weekday_never_worked",
    };
    // Both at once (a night on a weekend) is the stronger sign.
    let score = if unfamiliar.hour && unfamiliar.weekday {
        0.8
    } else {
        0.65
    };
    let worked_hours: Vec<usize> = (0..24)
        .filter(|h| hours.hour_days.get(*h).is_some_and(|d| *d > 0))
        .collect();
    let summary = format!(
        "{} moved money at {:02}:00 UTC on weekday {} which they never work",
        entry.actor_id,
        hour_of(entry.ts),
        weekday_of(entry.ts) + 1
    );
    Finding::new(
        AlertKind::BillingOffHours,
        Severity::Medium,
        &entry.tenant_id,
        Subject::actor(entry.actor_id.clone()),
        entry.ts,
        score,
        summary,
    )
    .with_entries(vec![entry.entry_id.clone()])
    .with_details(json!({
        "reason": reason,
        "hour_utc": hour_of(entry.ts),
        "weekday_monday_is_1": weekday_of(entry.ts) + 1,
        "worked_hours_utc": worked_hours,
        "active_days": hours.active_days,
    }))
}
