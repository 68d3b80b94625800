//! Write-off sprees.
//!
//! Write-offs are counted over two windows up to each one: the spree
//! window catches a spree spread over an afternoon, the short window one
//! packed into minutes, which for an actor who writes off all day is the
//! only visible sign. The smaller of the two Poisson tails, doubled for
//! looking twice, is the burst's chance. A spree must also exceed, by the
//! peak factor, the actor's own largest earlier count in at least one of
//! the windows, so that a batch the actor books routinely is no spree.

use chrono::DateTime;
use chrono::Utc;
use nexzo_schemas::LedgerEntry;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Burst, expected, finding, window};
use crate::AlertKind;
use crate::billing::behaviour::profile::ActorProfile;
use crate::billing::config::BillingConfig;
use crate::billing::finding::Finding;
use crate::billing::stats::poisson_tail;

/// Write-offs in the spree window and in the short window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct WriteOffCounts {
    pub(crate) long: u32,
    pub(crate) short: u32,
}

impl WriteOffCounts {
    /// The larger of two counts, window by window.
    pub(crate) fn max(self, other: Self) -> Self {
        Self {
            long: self.long.max(other.long),
            short: self.short.max(other.short),
        }
    }

    /// The smaller of two counts, window by window.
    pub(crate) fn min(self, other: Self) -> Self {
        Self {
            long: self.long.min(other.long),
            short: self.short.min(other.short),
        }
    }
}

/// Write-offs in both windows up to `ts`, in the actor's recent actions.
pub(crate) fn write_off_counts(
    profile: &ActorProfile,
    ts: DateTime<Utc>,
    config: &BillingConfig,
) -> WriteOffCounts {
    WriteOffCounts {
        long: window(profile, ts, config.write_off_window_secs, |a| a.write_off).0,
        short: window(profile, ts, config.write_off_short_window_secs, |a| {
            a.write_off
        })
        .0,
    }
}

/// Many write-offs up to this one: more than chance allows at the
/// baseline rate, and more than the actor's own earlier peak by the peak
/// factor.
pub(crate) fn spree(
    profile: &ActorProfile,
    entry: &LedgerEntry,
    peer_rate: Option<f64>,
    config: &BillingConfig,
) -> Option<Finding> {
    let own_rate = profile
        .rates
        .write_offs_per_hour(config.rate_min_active_hours_count);
    let (count, entry_ids, first_seen) =
        window(profile, entry.ts, config.write_off_window_secs, |a| {
            a.write_off
        });
    let counts = write_off_counts(profile, entry.ts, config);
    let long = expected(own_rate, peer_rate, config.write_off_window_secs)?;
    let short = expected(own_rate, peer_rate, config.write_off_short_window_secs)?;
    let chance =
        (2.0 * poisson_tail(counts.long, long).min(poisson_tail(counts.short, short))).min(1.0);

    let peak = profile.rates.write_off_peak;
    let factor = config.write_off_peak_factor;
    let above = |count: u32, peak: u32| f64::from(count) > factor * f64::from(peak);
    let above_peak = above(counts.long, peak.long) || above(counts.short, peak.short);
    if count < config.write_off_spree_min_count
        || chance > config.write_off_max_chance
        || !above_peak
    {
        return None;
    }

    let burst = Burst {
        chance,
        max_chance: config.write_off_max_chance,
        entry_ids,
        first_seen,
    };
    let summary = format!(
        "{} booked {count} write-offs within {} minutes",
        entry.actor_id,
        config.write_off_window_secs / 60
    );
    Some(
        finding(AlertKind::BillingWriteOffSpree, entry, &burst, summary).with_details(json!({
            "count": count,
            "short_window_count": counts.short,
            "window_secs": config.write_off_window_secs,
            "short_window_secs": config.write_off_short_window_secs,
            "expected_count": long,
            "expected_short_window_count": short,
            "own_peak_count": peak.long,
            "own_short_window_peak_count": peak.short,
            "chance": chance,
        })),
    )
}
