//! Bursts of one actor's entries: many just below the approval threshold
//! (splitting one payout to dodge the second person), or many write-offs in
//! a short time.
//!
//! A burst is judged against the count a Poisson process at the actor's
//! settled rate would give in the window (the peers' median rate while the
//! actor is new): a collections clerk who writes off all day is not
//! compared with a receptionist. The expected count assumes at most
//! [`WORKDAY_HOURS`] active hours per day of the window, since rates are
//! per active hour. Until the actor or one of their peers has enough active
//! hours for a rate, no burst is judged: with no baseline at all, a
//! routine batch cannot be told from a spree.

mod splitting;
mod spree;

use chrono::{DateTime, Utc};
use nexzo_schemas::LedgerEntry;

use super::profile::{ActorProfile, RecentAction};
use crate::billing::finding::Finding;
use crate::billing::time::{before, secs};
use crate::{AlertKind, Severity, Subject};

pub(crate) use splitting::splitting;
pub(crate) use spree::{WriteOffCounts, spree, write_off_counts};

/// Working hours in a day, used to turn a rate per active hour into an
/// expected count over a window of a day or more.
const WORKDAY_HOURS: f64 = 8.0;

/// A burst found unusual: how unlikely it was, and its entries.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Burst {
    pub(crate) chance: f64,
    pub(crate) max_chance: f64,
    pub(crate) entry_ids: Vec<String>,
    pub(crate) first_seen: DateTime<Utc>,
}

/// The expected count over `window_secs` at the actor's own rate per
/// active hour, or the peers' while the actor has too little history;
/// `None` when neither is known yet (a tenant's first days), when no
/// burst is judged at all.
pub(crate) fn expected(own: Option<f64>, peers: Option<f64>, window_secs: u64) -> Option<f64> {
    let hours = active_hours_in(window_secs);
    let rate = own.or(peers)?;
    Some(rate * hours)
}

/// The active hours a window can hold: up to [`WORKDAY_HOURS`] per whole
/// day in it, and of the rest.
pub(crate) fn active_hours_in(window_secs: u64) -> f64 {
    let days = (window_secs / 86_400) as f64;
    let rest_hours = (window_secs % 86_400) as f64 / 3_600.0;
    days * WORKDAY_HOURS + rest_hours.min(WORKDAY_HOURS)
}

/// The actions matching `pick` within `window_secs` up to `ts`.
pub(crate) fn window(
    profile: &ActorProfile,
    ts: DateTime<Utc>,
    window_secs: u64,
    pick: impl Fn(&RecentAction) -> bool,
) -> (u32, Vec<String>, DateTime<Utc>) {
    let start = before(ts, secs(window_secs));
    let mut count = 0_u32;
    let mut ids = Vec::new();
    let mut first = ts;
    for action in profile
        .recent
        .iter()
        .filter(|a| a.ts > start && a.ts <= ts && pick(a))
    {
        count = count.saturating_add(1);
        ids.push(action.entry_id.clone());
        first = first.min(action.ts);
    }
    (count, ids, first)
}

pub(crate) fn finding(
    kind: AlertKind,
    entry: &LedgerEntry,
    burst: &Burst,
    summary: String,
) -> Finding {
    // 0.6 at the chance limit, rising towards 1 as the burst gets less
    // likely by further orders of magnitude.
    let orders = (burst.max_chance / burst.chance.max(f64::MIN_POSITIVE)).log10();
    let score = 0.6 + 0.4 * (orders / 6.0).clamp(0.0, 1.0);
    Finding::new(
        kind,
        Severity::High,
        &entry.tenant_id,
        Subject::actor(entry.actor_id.clone()),
        entry.ts,
        score,
        summary,
    )
    .since(burst.first_seen)
    .with_entries(burst.entry_ids.clone())
}
