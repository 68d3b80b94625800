//! What the detector remembers of one actor: when they were active, the
//! hours they work, the amounts they book, and their settled rates of
//! just-below-threshold entries and write-offs.

use std::collections::VecDeque;

use chrono::{DateTime, TimeDelta, Utc};
use nexzo_schemas::{LedgerEntry, LedgerKind};
use serde::{Deserialize, Serialize};

use super::amounts::AmountHistory;
use super::bursts::WriteOffCounts;
use super::hours::HourProfile;
use super::rates::Rates;
use crate::billing::time::after;

/// Recent money-moving entries kept per actor, at most: far more than any
/// honest day's work within the longest window, so a flood cannot grow
/// state without bound (the oldest are settled early instead).
pub(crate) const MAX_RECENT_ACTIONS: usize = 512;

/// Charges or payments within one second that show an actor is a
/// service: no person books ten entries in a second, a billing run books
/// hundreds.
pub(crate) const AUTOMATED_MIN_ENTRIES_PER_SECOND: u32 = 10;

/// One money-moving entry within the burst windows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RecentAction {
    pub(crate) ts: DateTime<Utc>,
    pub(crate) entry_id: String,
    pub(crate) write_off: bool,
    /// Within the band just below the approval threshold, unapproved.
    pub(crate) near_threshold: bool,
    /// Write-offs in the spree windows when this one was booked.
    pub(crate) write_offs_in_windows: WriteOffCounts,
    /// Part of a splitting or spree alert: never learned as normal.
    pub(crate) flagged: bool,
}

/// The actor came back after a long absence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Return {
    pub(crate) at: DateTime<Utc>,
    pub(crate) absent_secs: i64,
}

/// Everything remembered of one actor in one tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct ActorProfile {
    pub(crate) first_seen: DateTime<Utc>,
    /// The latest entry made or approved.
    pub(crate) last_seen: DateTime<Utc>,
    /// The longest absence before the current one.
    pub(crate) longest_gap_secs: i64,
    pub(crate) returned: Option<Return>,
    pub(crate) hours: HourProfile,
    pub(crate) amounts: AmountHistory,
    pub(crate) recent: VecDeque<RecentAction>,
    pub(crate) rates: Rates,
    /// Money-moving entries made: an actor with none is not a peer.
    pub(crate) money_moving_count: u64,
    /// Seen booking charges or payments in bulk: a service whatever its
    /// id, with no habits to judge.
    pub(crate) automated: bool,
    /// The second of the latest charge or payment, and how many fell in it.
    pub(crate) bulk_second: i64,
    pub(crate) bulk_count: u32,
}

impl ActorProfile {
    /// A profile for an actor first seen at `ts`.
    pub(crate) fn new(ts: DateTime<Utc>) -> Self {
        Self {
            first_seen: ts,
            last_seen: ts,
            longest_gap_secs: 0,
            returned: None,
            hours: HourProfile::default(),
            amounts: AmountHistory::default(),
            recent: VecDeque::new(),
            rates: Rates::default(),
            money_moving_count: 0,
            automated: false,
            bulk_second: 0,
            bulk_count: 0,
        }
    }

    /// Counts charges and payments per second; an actor who books
    /// [`AUTOMATED_MIN_ENTRIES_PER_SECOND`] of them in one second is
    /// automated from then on. Only charges and payments count, so an
    /// insider who scripts write-offs is not excused by their own speed.
    pub(crate) fn note_bulk(&mut self, entry: &LedgerEntry) {
        if !matches!(entry.kind, LedgerKind::Charge | LedgerKind::Payment) {
            return;
        }
        let second = entry.ts.timestamp();
        if second == self.bulk_second {
            self.bulk_count = self.bulk_count.saturating_add(1);
        } else {
            self.bulk_second = second;
            self.bulk_count = 1;
        }
        if self.bulk_count >= AUTOMATED_MIN_ENTRIES_PER_SECOND {
            self.automated = true;
        }
    }

    /// Settles recent actions older than `window` before `now` (and the
    /// oldest beyond [`MAX_RECENT_ACTIONS`]) into the rates.
    pub(crate) fn settle(&mut self, now: DateTime<Utc>, window: TimeDelta) {
        while let Some(front) = self.recent.front() {
            let aged = after(front.ts, window) < now;
            if !aged && self.recent.len() <= MAX_RECENT_ACTIONS {
                break;
            }
            let Some(action) = self.recent.pop_front() else {
                break;
            };
            self.settle_one(&action, window);
        }
    }

    /// Learns from one action leaving the burst windows (`gap` apart from
    /// the previous one starts a new burst). Reported bursts add nothing
    /// to the rates, so an attack never raises its own Poisson baseline,
    /// and they raise the write-off peak only once a reported size has
    /// recurred (see `SPREE_ADOPT_AFTER_BURSTS`).
    fn settle_one(&mut self, action: &RecentAction, gap: TimeDelta) {
        if action.flagged {
            if action.write_off {
                self.rates.note_flagged_write_off(action, gap);
            }
            return;
        }
        self.rates.near_threshold += f64::from(u8::from(action.near_threshold));
        if action.write_off {
            self.rates.write_offs += 1.0;
            let count = action.write_offs_in_windows;
            self.rates.write_off_peak = self.rates.write_off_peak.max(count);
        }
    }

    /// Adds a recent action, keeping the queue in event-time order even
    /// when entries arrive slightly out of order.
    pub(crate) fn push_recent(&mut self, action: RecentAction) {
        let at = self.recent.partition_point(|a| a.ts <= action.ts);
        self.recent.insert(at, action);
    }

    /// Marks the recent actions with these ids as part of an alert.
    pub(crate) fn flag_recent(&mut self, entry_ids: &[String]) {
        for action in self.recent.iter_mut() {
            if entry_ids.contains(&action.entry_id) {
                action.flagged = true;
            }
        }
    }
}
