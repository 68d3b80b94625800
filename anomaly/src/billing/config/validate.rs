//! Checking a [`BillingConfig`] as a whole, so that every problem is
//! reported in one go.

use thiserror::Error;

use super::BillingConfig;

/// Every problem found in a [`BillingConfig`], reported together.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid billing detector config: {}", problems.join("; "))]
pub struct BillingConfigError {
    /// One sentence per problem.
    pub problems: Vec<String>,
}

impl BillingConfig {
    /// Checks every field at once.
    ///
    /// # Errors
    ///
    /// All the problems found, when there is at least one.
    pub fn validate(&self) -> Result<(), BillingConfigError> {
        let mut problems: Vec<String> = self.field_checks().into_iter().flatten().collect();
        problems.extend(self.currency_checks());
        if problems.is_empty() {
            Ok(())
        } else {
            Err(BillingConfigError { problems })
        }
    }

    fn field_checks(&self) -> [Option<String>; 18] {
        let positive = |value: f64| value.is_finite() && value > 0.0;
        let at_least_one = |value: f64| value.is_finite() && value >= 1.0;
        let chances = [
            self.write_off_max_chance,
            self.splitting_max_chance,
            self.off_hours_max_chance,
            self.off_hours_min_share,
        ];
        let probability = |value: f64| value > 0.0 && value < 1.0;
        let secs = [
            self.chain_link_lateness_secs,
            self.incident_quiet_secs,
            self.splitting_window_secs,
            self.write_off_window_secs,
            self.dormant_return_window_secs,
        ];
        let counts = [
            self.amount_history_max_count,
            self.amount_peer_min_history_count,
            self.peer_max_count,
        ];
        [
            (self.approval_threshold_minor <= 0)
                .then(|| "approval_threshold_minor must be > 0".into()),
            self.service_actor_prefixes
                .iter()
                .any(String::is_empty)
                .then(|| "service_actor_prefixes must not hold an empty prefix".into()),
            secs.contains(&0).then(|| {
                "chain_link_lateness_secs, incident_quiet_secs, splitting_window_secs, \
                 write_off_window_secs and dormant_return_window_secs must be > 0"
                    .into()
            }),
            (self.write_off_short_window_secs == 0
                || self.write_off_short_window_secs > self.write_off_window_secs)
                .then(|| {
                    "write_off_short_window_secs must be from 1 to write_off_window_secs".into()
                }),
            (self.entry_memory_secs <= self.chain_link_lateness_secs)
                .then(|| "entry_memory_secs must exceed chain_link_lateness_secs".into()),
            (self.actor_retention_secs <= self.dormant_after_secs)
                .then(|| "actor_retention_secs must exceed dormant_after_secs".into()),
            (self.account_retention_secs == 0).then(|| "account_retention_secs must be > 0".into()),
            counts
                .contains(&0)
                .then(|| "amount and peer counts must be >= 1".into()),
            (self.amount_min_history_count < 3
                || self.amount_min_history_count > self.amount_history_max_count)
                .then(|| {
                    "amount_min_history_count must be from 3 to amount_history_max_count".into()
                }),
            (!positive(self.amount_robust_z_threshold) || !self.amount_peer_min_z.is_finite())
                .then(|| "amount_robust_z_threshold must be > 0, amount_peer_min_z finite".into()),
            (!at_least_one(self.amount_min_ratio_to_median)
                || !at_least_one(self.amount_cold_start_min_ratio))
            .then(|| {
                "amount_min_ratio_to_median and amount_cold_start_min_ratio must be >= 1".into()
            }),
            (!positive(self.amount_min_spread_log10))
                .then(|| "amount_min_spread_log10 must be > 0".into()),
            (!(1..=50).contains(&self.splitting_band_percent))
                .then(|| "splitting_band_percent must be from 1 to 50".into()),
            (self.splitting_min_count < 2 || self.write_off_spree_min_count < 2)
                .then(|| "splitting_min_count and write_off_spree_min_count must be >= 2".into()),
            (!at_least_one(self.write_off_peak_factor) || !at_least_one(self.dormant_gap_factor))
                .then(|| "write_off_peak_factor and dormant_gap_factor must be >= 1".into()),
            (!chances.into_iter().all(probability))
                .then(|| "chances and off_hours_min_share must be in (0, 1)".into()),
            (self.off_hours_min_active_days_count == 0
                || self.off_hours_adopt_after_days_count == 0)
                .then(|| "off-hours day counts must be >= 1".into()),
            (self.off_hours_tolerance_hours > 6)
                .then(|| "off_hours_tolerance_hours must be from 0 to 6".into()),
        ]
    }

    fn currency_checks(&self) -> Vec<String> {
        self.approval_threshold_minor_by_currency
            .iter()
            .filter_map(|(code, threshold)| {
                let code_ok = code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase());
                if !code_ok {
                    Some(format!(
                        "approval threshold currency {code:?} is not an ISO 4217 code"
                    ))
                } else if *threshold <= 0 {
                    Some(format!("approval threshold for {code} must be > 0"))
                } else {
                    None
                }
            })
            .collect()
    }
}
