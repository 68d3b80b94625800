//! An actor's settled rates of just-below-threshold entries and
//! write-offs, and their largest write-off bursts.

use std::collections::VecDeque;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::bursts::WriteOffCounts;
use super::profile::RecentAction;
use crate::billing::time::after;

/// A reported write-off burst size that recurs this many times becomes
/// part of the peak: a batch the actor books every month is reported
/// twice, then learned, while a second spree by the same insider is still
/// reported.
pub(crate) const SPREE_ADOPT_AFTER_BURSTS: usize = 2;

/// Active hours after which rates are halved: about six months of full
/// days, so rates follow a changed role within a season.
const RATE_MEMORY_HOURS: f64 = 1_000.0;

/// Counts over the actor's settled history (entries older than the burst
/// windows), so that a burst in progress never raises its own baseline.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Rates {
    /// Distinct clock hours in which the actor booked anything.
    pub(crate) active_hours: f64,
    pub(crate) near_threshold: f64,
    pub(crate) write_offs: f64,
    /// The most write-offs seen in each spree window, not reported, or
    /// reported and recurring.
    pub(crate) write_off_peak: WriteOffCounts,
    /// The sizes of the latest reported write-off bursts, newest last.
    pub(crate) flagged_bursts: VecDeque<WriteOffCounts>,
    /// When the latest reported write-off was booked.
    pub(crate) flagged_at: Option<DateTime<Utc>>,
}

impl Rates {
    /// Near-threshold entries per active hour, once there is enough history.
    pub(crate) fn near_threshold_per_hour(&self, min_hours: u32) -> Option<f64> {
        self.per_hour(self.near_threshold, min_hours)
    }

    /// Write-offs per active hour, once there is enough history.
    pub(crate) fn write_offs_per_hour(&self, min_hours: u32) -> Option<f64> {
        self.per_hour(self.write_offs, min_hours)
    }

    fn per_hour(&self, count: f64, min_hours: u32) -> Option<f64> {
        (self.active_hours >= f64::from(min_hours).max(1.0)).then(|| count / self.active_hours)
    }

    /// Notes a reported write-off leaving the windows: it starts a new
    /// burst when `gap` after the previous one, and once
    /// [`SPREE_ADOPT_AFTER_BURSTS`] bursts were reported, the smallest of
    /// them becomes the peak.
    pub(super) fn note_flagged_write_off(&mut self, action: &RecentAction, gap: TimeDelta) {
        let count = action.write_offs_in_windows;
        let new_burst = self.flagged_at.is_none_or(|at| after(at, gap) < action.ts);
        match self.flagged_bursts.back_mut() {
            Some(size) if !new_burst => *size = (*size).max(count),
            _ => self.flagged_bursts.push_back(count),
        }
        while self.flagged_bursts.len() > SPREE_ADOPT_AFTER_BURSTS {
            self.flagged_bursts.pop_front();
        }
        self.flagged_at = Some(action.ts);
        if self.flagged_bursts.len() == SPREE_ADOPT_AFTER_BURSTS {
            let recurring = self
                .flagged_bursts
                .iter()
                .copied()
                .reduce(WriteOffCounts::min);
            self.write_off_peak = self.write_off_peak.max(recurring.unwrap_or_default());
        }
    }

    /// Counts one more active hour, halving everything once the memory is
    /// full so that old habits fade.
    pub(crate) fn add_active_hour(&mut self) {
        self.active_hours += 1.0;
        if self.active_hours > RATE_MEMORY_HOURS {
            self.active_hours /= 2.0;
            self.near_threshold /= 2.0;
            self.write_offs /= 2.0;
        }
    }
}
