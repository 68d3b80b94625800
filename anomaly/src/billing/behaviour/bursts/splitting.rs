//! Threshold splitting: many unapproved entries just below the approval
//! threshold within the splitting window.

use nexzo_schemas::LedgerEntry;
use serde_json::json;

use super::{Burst, expected, finding, window};
use crate::AlertKind;
use crate::billing::behaviour::profile::ActorProfile;
use crate::billing::config::BillingConfig;
use crate::billing::finding::Finding;
use crate::billing::stats::poisson_tail;

/// Many unapproved entries just below the threshold in the window.
pub(crate) fn splitting(
    profile: &ActorProfile,
    entry: &LedgerEntry,
    peer_rate: Option<f64>,
    threshold_minor: i64,
    config: &BillingConfig,
) -> Option<Finding> {
    let own_rate = profile
        .rates
        .near_threshold_per_hour(config.rate_min_active_hours_count);
    let (count, entry_ids, first_seen) =
        window(profile, entry.ts, config.splitting_window_secs, |a| {
            a.near_threshold
        });
    let expected = expected(own_rate, peer_rate, config.splitting_window_secs)?;
    let chance = poisson_tail(count, expected);
    if count < config.splitting_min_count || chance > config.splitting_max_chance {
        return None;
    }

    let burst = Burst {
        chance,
        max_chance: config.splitting_max_chance,
        entry_ids,
        first_seen,
    };
    let summary = format!(
        "{} booked {count} entries just below the approval threshold within {} hours",
        entry.actor_id,
        config.splitting_window_secs / 3_600
    );
    let band_low =
        threshold_minor - threshold_minor * i64::from(config.splitting_band_percent) / 100;
    Some(
        finding(AlertKind::BillingThresholdSplitting, entry, &burst, summary).with_details(json!({
            "count": count,
            "window_secs": config.splitting_window_secs,
            "band_minor": [band_low, threshold_minor],
            "approval_threshold_minor": threshold_minor,
            "currency": entry.currency,
            "expected_count": expected,
            "chance": chance,
        })),
    )
}
