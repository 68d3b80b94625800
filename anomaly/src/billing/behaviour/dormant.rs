//! An actor who was absent far longer than usual and comes back moving
//! money.
//!
//! An absence counts from the actor's last entry made or approved. It is a
//! dormancy when it lasts at least the configured period and is longer, by
//! the gap factor, than any absence the actor had before; the return is
//! reported if the actor books a money-moving entry within the return
//! window (their first entry back may be an ordinary charge).

use chrono::{DateTime, Utc};
use nexzo_schemas::LedgerEntry;
use serde_json::json;

use super::profile::{ActorProfile, Return};
use crate::billing::config::BillingConfig;
use crate::billing::finding::Finding;
use crate::billing::time::{after, secs};
use crate::{AlertKind, Severity, Subject};

/// How sure a dormant return is worth a look: moderate, since people do
/// come back from long leave.
const DORMANT_SCORE: f64 = 0.7;

impl ActorProfile {
    /// Notes activity at `ts`: a return after a dormancy is remembered,
    /// and the absence joins the actor's history of absences.
    pub(crate) fn note_activity(&mut self, ts: DateTime<Utc>, config: &BillingConfig) {
        if ts <= self.last_seen {
            return;
        }
        let gap = (ts - self.last_seen).num_seconds();
        let long = gap >= i64::try_from(config.dormant_after_secs).unwrap_or(i64::MAX);
        let unusual = gap as f64 >= config.dormant_gap_factor * self.longest_gap_secs as f64;
        if long && unusual {
            self.returned = Some(Return {
                at: ts,
                absent_secs: gap,
            });
        }
        self.longest_gap_secs = self.longest_gap_secs.max(gap);
        self.last_seen = ts;
    }
}

/// A money-moving entry within the return window after a dormancy.
pub(crate) fn dormant(
    profile: &ActorProfile,
    entry: &LedgerEntry,
    config: &BillingConfig,
) -> Option<Finding> {
    let back = profile.returned.as_ref()?;
    let window_end = after(back.at, secs(config.dormant_return_window_secs));
    let within = entry.ts >= back.at && entry.ts <= window_end;
    if !within {
        return None;
    }

    let absent_days = back.absent_secs / 86_400;
    let summary = format!(
        "{} moved money after {absent_days} days without any ledger activity",
        entry.actor_id
    );
    Some(
        Finding::new(
            AlertKind::BillingDormantActor,
            Severity::Medium,
            &entry.tenant_id,
            Subject::actor(entry.actor_id.clone()),
            entry.ts,
            DORMANT_SCORE,
            summary,
        )
        .since(back.at)
        .with_entries(vec![entry.entry_id.clone()])
        .with_details(json!({
            "absent_days": absent_days,
            "returned_at": back.at,
            "dormant_after_secs": config.dormant_after_secs,
            "entry_kind": entry.kind.as_str(),
            "amount_minor": entry.amount_minor,
        })),
    )
}
