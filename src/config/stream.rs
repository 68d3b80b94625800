//! `[stream]`: energy rollups computed from meter registers.

use chrono_tz::Tz;
use nexzo_stream::MeterConfig;
use serde::{Deserialize, Serialize};

/// Quiet meters are checked once a minute: buckets close within a minute
/// of becoming closable, and a tick costs one pass over the meters held.
const DEFAULT_IDLE_TICK_MS: u64 = 60_000;

/// Below a second the idle pass would run more often than it can matter,
/// since the idle timeout it applies is counted in hours.
const MIN_IDLE_TICK_MS: u64 = 1_000;

/// `[stream]`: 15-minute, hourly and daily rollups per meter, with their
/// state checkpointed alongside every batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StreamConfig {
    /// Compute rollups. Without them readings are stored raw only.
    /// Default: true.
    pub enabled: bool,
    /// The IANA time zone of daily buckets for meters registered without
    /// one (`meters put --time-zone`). Default: `UTC`.
    pub default_time_zone: String,
    /// How often, in milliseconds, quiet meters' windows are closed by
    /// processing time while the sources are caught up. Default: 60000.
    pub idle_tick_ms: u64,
    /// How registers become consumption and how long late readings are
    /// waited for, the same for every meter. See `nexzo_stream::MeterConfig`
    /// for each field and its default.
    pub meter: MeterConfig,
}

impl Default for StreamConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            default_time_zone: "UTC".into(),
            idle_tick_ms: DEFAULT_IDLE_TICK_MS,
            meter: MeterConfig::default(),
        }
    }
}

impl StreamConfig {
    /// The default zone, parsed; UTC when the name is not a zone (which
    /// [`StreamConfig::problems`] reports before start).
    pub fn default_tz(&self) -> Tz {
        self.default_time_zone.parse().unwrap_or(Tz::UTC)
    }

    /// Every problem with these settings.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.default_time_zone.parse::<Tz>().is_err() {
            problems.push(format!(
                "stream.default_time_zone: {:?} is not an IANA time zone such as Europe/Berlin",
                self.default_time_zone
            ));
        }
        if self.idle_tick_ms < MIN_IDLE_TICK_MS {
            problems.push(format!(
                "stream.idle_tick_ms: must be at least {MIN_IDLE_TICK_MS}"
            ));
        }
        if let Err(err) = self.meter.validate() {
            problems.extend(err.problems.iter().map(|p| format!("stream.meter.{p}")));
        }
        problems
    }
}
