//! The billing detector's settings: the approval rule, how long the ledger
//! and each actor are remembered, and when behaviour counts as unusual.

mod defaults;
mod validate;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use defaults::*;
pub use validate::BillingConfigError;

/// How the billing detector judges ledger entries. Every field has a
/// default; unknown fields are refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BillingConfig {
    /// Absolute amount, in minor units, above which an adjustment, credit,
    /// refund or write-off needs an approver. Default: 50,000.
    pub approval_threshold_minor: i64,
    /// Per-currency overrides of `approval_threshold_minor`, keyed by ISO
    /// 4217 code (a yen threshold is not a euro threshold). Default: none.
    pub approval_threshold_minor_by_currency: BTreeMap<String, i64>,
    /// Actor ids starting with one of these are services: rules apply,
    /// behaviour checks do not. Default: `svc`, `service`, `system`.
    pub service_actor_prefixes: Vec<String>,
    /// Seconds an entry waits for its chain predecessor. Default: 1,800.
    pub chain_link_lateness_secs: u64,
    /// Seconds entry ids and hashes are remembered. Default: 14 days.
    pub entry_memory_secs: u64,
    /// Seconds an idle account's owner is remembered. Default: 400 days.
    pub account_retention_secs: u64,
    /// Seconds an idle actor's profile is remembered; longer than
    /// `dormant_after_secs`. Default: 400 days.
    pub actor_retention_secs: u64,
    /// Seconds without new evidence that close an incident. Default: 86,400.
    pub incident_quiet_secs: u64,
    /// Amounts kept per actor and kind. Default: 64.
    pub amount_history_max_count: usize,
    /// Own amounts of a kind before the actor's median is used. Default: 8.
    pub amount_min_history_count: usize,
    /// Pooled peer amounts before the peers' median is used. Default: 40.
    pub amount_peer_min_history_count: usize,
    /// Robust z-score of log-amount above which an amount is unusual.
    /// Default: 3.5.
    pub amount_robust_z_threshold: f64,
    /// Least robust z-score above the peers' pooled median, when judged
    /// against the actor's own baseline. Default: 1.
    pub amount_peer_min_z: f64,
    /// Least ratio of amount to median for an unusual amount. Default: 8.
    pub amount_min_ratio_to_median: f64,
    /// Least ratio of amount to the peers' median when the actor has too
    /// little history of their own. Default: 10.
    pub amount_cold_start_min_ratio: f64,
    /// Least spread assumed, in decades of amount. Default: 0.15.
    pub amount_min_spread_log10: f64,
    /// Width, in percent of the threshold, of the band just below it, 1 to
    /// 50. Default: 15.
    pub splitting_band_percent: u32,
    /// Seconds over which just-below entries are counted. Default: 86,400.
    pub splitting_window_secs: u64,
    /// Least just-below entries in the window for splitting. Default: 3.
    pub splitting_min_count: u32,
    /// Seconds over which write-offs are counted. Default: 14,400.
    pub write_off_window_secs: u64,
    /// Seconds of the second, shorter spree window, at most
    /// `write_off_window_secs`. Default: 3,600.
    pub write_off_short_window_secs: u64,
    /// Least write-offs in the window for a spree. Default: 5.
    pub write_off_spree_min_count: u32,
    /// A spree exceeds the actor's largest earlier count in a window by
    /// this factor. Default: 1.5.
    pub write_off_peak_factor: f64,
    /// Largest Poisson tail probability of a write-off count still called a
    /// spree. Default: 1e-4.
    pub write_off_max_chance: f64,
    /// Largest Poisson tail probability of a just-below count still called
    /// splitting. Default: 1e-3.
    pub splitting_max_chance: f64,
    /// Active hours before an actor's own rates are used. Default: 20.
    pub rate_min_active_hours_count: u32,
    /// Active days before working hours are judged. Default: 10.
    pub off_hours_min_active_days_count: u32,
    /// Largest chance of never having been seen at an hour or on a
    /// weekday by luck alone for it to count as never worked, in (0, 1).
    /// Default: 1e-3.
    pub off_hours_max_chance: f64,
    /// Share of active hours the hypothesis of working near an hour
    /// assumes, in (0, 1). Default: 0.2.
    pub off_hours_min_share: f64,
    /// Hours either side of a worked hour that count as worked, 0 to 6.
    /// Default: 2.
    pub off_hours_tolerance_hours: u32,
    /// Days a flagged hour or weekday is seen before it is adopted.
    /// Default: 3.
    pub off_hours_adopt_after_days_count: u32,
    /// Least seconds of absence before a return is dormant. Default: 35 days.
    pub dormant_after_secs: u64,
    /// A dormant absence exceeds the actor's longest earlier one by this
    /// factor. Default: 1.5.
    pub dormant_gap_factor: f64,
    /// Seconds after a return in which a money-moving entry is reported.
    /// Default: 259,200.
    pub dormant_return_window_secs: u64,
    /// Staff peers pooled into a baseline, at most. Default: 32.
    pub peer_max_count: usize,
}

impl Default for BillingConfig {
    fn default() -> Self {
        Self {
            approval_threshold_minor: DEFAULT_APPROVAL_THRESHOLD_MINOR,
            approval_threshold_minor_by_currency: BTreeMap::new(),
            service_actor_prefixes: DEFAULT_SERVICE_ACTOR_PREFIXES.map(String::from).to_vec(),
            chain_link_lateness_secs: DEFAULT_CHAIN_LINK_LATENESS_SECS,
            entry_memory_secs: DEFAULT_ENTRY_MEMORY_SECS,
            account_retention_secs: DEFAULT_ACCOUNT_RETENTION_SECS,
            actor_retention_secs: DEFAULT_ACTOR_RETENTION_SECS,
            incident_quiet_secs: DEFAULT_INCIDENT_QUIET_SECS,
            amount_history_max_count: DEFAULT_AMOUNT_HISTORY_MAX_COUNT,
            amount_min_history_count: DEFAULT_AMOUNT_MIN_HISTORY_COUNT,
            amount_peer_min_history_count: DEFAULT_AMOUNT_PEER_MIN_HISTORY_COUNT,
            amount_robust_z_threshold: DEFAULT_AMOUNT_ROBUST_Z_THRESHOLD,
            amount_peer_min_z: DEFAULT_AMOUNT_PEER_MIN_Z,
            amount_min_ratio_to_median: DEFAULT_AMOUNT_MIN_RATIO_TO_MEDIAN,
            amount_cold_start_min_ratio: DEFAULT_AMOUNT_COLD_START_MIN_RATIO,
            amount_min_spread_log10: DEFAULT_AMOUNT_MIN_SPREAD_LOG10,
            splitting_band_percent: DEFAULT_SPLITTING_BAND_PERCENT,
            splitting_window_secs: DEFAULT_SPLITTING_WINDOW_SECS,
            splitting_min_count: DEFAULT_SPLITTING_MIN_COUNT,
            write_off_window_secs: DEFAULT_WRITE_OFF_WINDOW_SECS,
            write_off_short_window_secs: DEFAULT_WRITE_OFF_SHORT_WINDOW_SECS,
            write_off_spree_min_count: DEFAULT_WRITE_OFF_SPREE_MIN_COUNT,
            write_off_peak_factor: DEFAULT_WRITE_OFF_PEAK_FACTOR,
            write_off_max_chance: DEFAULT_WRITE_OFF_MAX_CHANCE,
            splitting_max_chance: DEFAULT_SPLITTING_MAX_CHANCE,
            rate_min_active_hours_count: DEFAULT_RATE_MIN_ACTIVE_HOURS_COUNT,
            off_hours_min_active_days_count: DEFAULT_OFF_HOURS_MIN_ACTIVE_DAYS_COUNT,
            off_hours_max_chance: DEFAULT_OFF_HOURS_MAX_CHANCE,
            off_hours_min_share: DEFAULT_OFF_HOURS_MIN_SHARE,
            off_hours_tolerance_hours: DEFAULT_OFF_HOURS_TOLERANCE_HOURS,
            off_hours_adopt_after_days_count: DEFAULT_OFF_HOURS_ADOPT_AFTER_DAYS_COUNT,
            dormant_after_secs: DEFAULT_DORMANT_AFTER_SECS,
            dormant_gap_factor: DEFAULT_DORMANT_GAP_FACTOR,
            dormant_return_window_secs: DEFAULT_DORMANT_RETURN_WINDOW_SECS,
            peer_max_count: DEFAULT_PEER_MAX_COUNT,
        }
    }
}

impl BillingConfig {
    /// The approval threshold, in minor units, for entries in `currency`.
    pub fn approval_threshold_for(&self, currency: &str) -> i64 {
        self.approval_threshold_minor_by_currency
            .get(currency)
            .copied()
            .unwrap_or(self.approval_threshold_minor)
    }
}
