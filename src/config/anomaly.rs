//! `[anomaly]`: the detectors that run in the stream.

use nexzo_anomaly::billing::BillingConfig;
use nexzo_anomaly::export::ExportConfig;
use nexzo_anomaly::logins::LoginConfig;
use nexzo_anomaly::usage::UsageConfig;
use serde::{Deserialize, Serialize};

/// `[anomaly]`: energy usage, billing and login detectors. Each detector's
/// fields and defaults are documented on its config type in `anomaly/`;
/// `backtest` uses the same settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnomalyConfig {
    /// Run the detectors in the pipeline. Default: true.
    pub enabled: bool,
    /// Per-meter usage: settled 15-minute buckets against the meter's own
    /// pattern. See `nexzo_anomaly::usage::UsageConfig`.
    pub usage: UsageConfig,
    /// Logins. See `nexzo_anomaly::logins::LoginConfig`.
    pub logins: LoginConfig,
    /// Ledger entries. See `nexzo_anomaly::billing::BillingConfig`.
    pub billing: BillingConfig,
    /// Query API readers reading far more than their own history. Runs
    /// wherever the API runs. See `nexzo_anomaly::export::ExportConfig`.
    pub api_export: ExportConfig,
}

impl Default for AnomalyConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            usage: UsageConfig::default(),
            logins: LoginConfig::default(),
            billing: BillingConfig::default(),
            api_export: ExportConfig::default(),
        }
    }
}

impl AnomalyConfig {
    /// Every problem with these settings, each naming its key.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut add = |section: &str, found: Vec<String>| {
            problems.extend(found.into_iter().map(|p| format!("anomaly.{section}: {p}")));
        };
        if let Err(err) = self.usage.validate() {
            add("usage", err.problems);
        }
        if let Err(err) = self.logins.validate() {
            add("logins", err.problems);
        }
        if let Err(err) = self.billing.validate() {
            add("billing", err.problems);
        }
        if let Err(err) = self.api_export.validate() {
            add("api_export", err.problems);
        }
        problems
    }
}
