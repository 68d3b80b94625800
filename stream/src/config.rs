//! Per-meter settings of the stream stage: what a register looks like, how
//! often the meter reports, what it can plausibly draw and how long the
//! stage waits for late readings.

use chrono::TimeDelta;
use nexzo_schemas::reading::MAX_REGISTER_WH;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Smart meters in the field report every 15 minutes.
pub const DEFAULT_CADENCE_SECS: u32 = 900;

/// One missed reading (an interval of twice the cadence) is ordinary
/// jitter and loss on a radio or MQTT link; two in a row is a gap.
pub const DEFAULT_GAP_FACTOR: u32 = 2;

/// 1 MW: a large residential building's grid connection is a few hundred
/// kW, so a property meter advancing faster than this is misreporting.
pub const DEFAULT_MAX_POWER_W: i64 = 1_000_000;

/// Two hours covers a gateway buffering through a short outage and a broker
/// redelivering after a pipeline restart. Every bucket stays provisional
/// for at least this long after its end, so longer costs freshness.
pub const DEFAULT_ALLOWED_LATENESS_SECS: u32 = 2 * 3600;

/// Four hours: twice the default lateness, so only a meter that has been
/// silent well past any normal delivery delay has its windows closed by
/// processing time.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u32 = 4 * 3600;

/// 35 days: a monthly billing period with margin. Spreading a longer
/// silence would be a guess, not an estimate, and one silent meter could
/// hold thousands of open quarter-hours.
pub const DEFAULT_MAX_SPREAD_SECS: u32 = 35 * 24 * 3600;

/// How one meter's readings become consumption and buckets. Every field has
/// a default; see each field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MeterConfig {
    /// The register's modulus in Wh: it counts up to one less than this and
    /// wraps to zero (10^9 for a nine-digit display, 2^32 for a 32-bit
    /// counter). At most 2^53. Default: none, meaning the register never
    /// wraps and every drop is a reset.
    pub register_modulus_wh: Option<i64>,
    /// How often the meter reports, in seconds. Default: 900.
    pub expected_cadence_secs: u32,
    /// An interval longer than `expected_cadence_secs` × this is a gap: its
    /// consumption is spread over it and the buckets are marked estimated.
    /// Default: 2.
    pub gap_factor: u32,
    /// The highest plausible average power in W. An advance implying more is
    /// flagged implausible and kept out of the buckets; a drop that would
    /// need more to be a wrap is a reset. Default: 1,000,000 (1 MW).
    pub max_power_w: i64,
    /// How far behind the newest reading, in seconds, a reading may arrive
    /// and still correct the buckets. Default: 7200 (2 h).
    pub allowed_lateness_secs: u32,
    /// Processing time, in seconds, after which a reading not yet delivered
    /// is presumed never to come: `on_idle(now)` raises the watermark to
    /// `now` minus this. At least `allowed_lateness_secs`. Default: 14400.
    pub idle_timeout_secs: u32,
    /// The longest interval, in seconds, whose consumption is spread over
    /// its buckets; a longer one is recorded but not spread. Default:
    /// 3,024,000 (35 days).
    pub max_spread_secs: u32,
}

impl Default for MeterConfig {
    fn default() -> Self {
        Self {
            register_modulus_wh: None,
            expected_cadence_secs: DEFAULT_CADENCE_SECS,
            gap_factor: DEFAULT_GAP_FACTOR,
            max_power_w: DEFAULT_MAX_POWER_W,
            allowed_lateness_secs: DEFAULT_ALLOWED_LATENESS_SECS,
            idle_timeout_secs: DEFAULT_IDLE_TIMEOUT_SECS,
            max_spread_secs: DEFAULT_MAX_SPREAD_SECS,
        }
    }
}

/// Every problem found in a [`MeterConfig`], reported together.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid meter config: {}", problems.join("; "))]
pub struct ConfigError {
    /// One sentence per problem.
    pub problems: Vec<String>,
}

impl MeterConfig {
    /// Checks every field at once.
    ///
    /// # Errors
    ///
    /// All the problems found, when there is at least one.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let problems: Vec<String> = self.checks().into_iter().flatten().collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(ConfigError { problems })
        }
    }

    fn checks(&self) -> [Option<String>; 6] {
        let modulus_ok = self
            .register_modulus_wh
            .is_none_or(|m| (1..=MAX_REGISTER_WH + 1).contains(&m));
        [
            (!modulus_ok).then(|| "register_modulus_wh must be between 1 and 2^53".into()),
            (self.expected_cadence_secs == 0).then(|| "expected_cadence_secs must be > 0".into()),
            (self.gap_factor == 0).then(|| "gap_factor must be > 0".into()),
            (self.max_power_w <= 0).then(|| "max_power_w must be > 0".into()),
            (self.idle_timeout_secs < self.allowed_lateness_secs)
                .then(|| "idle_timeout_secs must be at least allowed_lateness_secs".into()),
            (self.max_spread_secs < self.expected_cadence_secs)
                .then(|| "max_spread_secs must be at least expected_cadence_secs".into()),
        ]
    }

    pub(crate) fn allowed_lateness(&self) -> TimeDelta {
        TimeDelta::seconds(self.allowed_lateness_secs.into())
    }

    pub(crate) fn idle_timeout(&self) -> TimeDelta {
        TimeDelta::seconds(self.idle_timeout_secs.into())
    }

    /// Intervals longer than this are gaps.
    pub(crate) fn gap_threshold(&self) -> TimeDelta {
        TimeDelta::seconds(i64::from(self.expected_cadence_secs) * i64::from(self.gap_factor))
    }

    pub(crate) fn max_spread(&self) -> TimeDelta {
        TimeDelta::seconds(self.max_spread_secs.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid() {
        assert_eq!(MeterConfig::default().validate(), Ok(()));
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let config = MeterConfig {
            register_modulus_wh: Some(0),
            expected_cadence_secs: 0,
            gap_factor: 0,
            max_power_w: -1,
            allowed_lateness_secs: 10,
            idle_timeout_secs: 5,
            max_spread_secs: 0,
        };
        let err = config.validate().unwrap_err();
        assert_eq!(err.problems.len(), 5, "{err}");
        assert!(err.to_string().contains("idle_timeout_secs"), "{err}");
    }

    #[test]
    fn a_modulus_of_two_to_the_53_is_the_largest_accepted() {
        let at = |m| MeterConfig {
            register_modulus_wh: Some(m),
            ..MeterConfig::default()
        };
        assert_eq!(at(MAX_REGISTER_WH + 1).validate(), Ok(()));
        assert!(at(MAX_REGISTER_WH + 2).validate().is_err());
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = serde_json::from_str::<MeterConfig>(r#"{"max_power_kw": 5}"#).unwrap_err();
        assert!(err.to_string().contains("max_power_kw"), "{err}");
    }
}
