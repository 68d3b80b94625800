//! The usage detector's settings: how fast it learns and forgets, when a
//! score becomes an alert and when the alert ends.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The pipeline feeds settled quarter-hour buckets.
pub const DEFAULT_CADENCE_SECS: u32 = 900;

/// The shortest cadence the slot layout and the time constants are meant
/// for: below a minute, meter readings are power samples, not consumption.
pub const MIN_CADENCE_SECS: u32 = 60;

/// The longest cadence: a daily series still shows the day of the week.
pub const MAX_CADENCE_SECS: u32 = 86_400;

/// Four weeks: a weekly slot sees one value a week at hourly cadence, so a
/// shorter memory would rest on two or three samples, and a longer one
/// would trail seasonal drift by more than a month.
pub const DEFAULT_WEEKLY_HALF_LIFE_DAYS: f64 = 28.0;

/// Ten days: the hour-of-day profile gets seven times as many samples as a
/// weekly slot, so it can afford to follow drift faster.
pub const DEFAULT_DAILY_HALF_LIFE_DAYS: f64 = 10.0;

/// Two weeks: long enough that the spread of one slot rests on a dozen
/// days, short enough to follow a season's change in variability.
pub const DEFAULT_SCALE_HALF_LIFE_DAYS: f64 = 14.0;

/// Two days: a level shift is reported for a day or two and then becomes
/// the new normal, while a single unusual day moves the level by little.
pub const DEFAULT_LEVEL_HALF_LIFE_HOURS: f64 = 48.0;

/// Values are compared as `ln(value + floor)`, the floor being this share
/// of the meter's mean. A tenth keeps relative comparison for ordinary
/// loads while differences among near-zero night values stay small.
pub const DEFAULT_FLOOR_SHARE_OF_MEAN: f64 = 0.1;

/// Scores above this open an episode; about 5.6 robust standard deviations
/// after tail calibration, which ordinary weeks of data rarely reach.
pub const DEFAULT_OPEN_SCORE: f64 = 0.7;

/// An episode may end once scores stay below this; the gap to
/// `open_score` keeps a borderline incident from flapping.
pub const DEFAULT_CLOSE_SCORE: f64 = 0.4;

/// One hour below `close_score` ends an episode: an appliance cycling on
/// and off within the hour stays one incident.
pub const DEFAULT_CLOSE_QUIET_SECS: u32 = 3600;

/// At least two quiet intervals end an episode, so that a daily series is
/// not closed by one ordinary day in the middle of an incident.
pub const DEFAULT_CLOSE_QUIET_COUNT: u32 = 2;

/// An open episode is re-published at most hourly unless its severity
/// rises: analysts see it is still going without a message per interval.
pub const DEFAULT_UPDATE_INTERVAL_SECS: u32 = 3600;

/// A slot is one of the meter's quiet hours when its usual consumption is
/// within half again of the quietest hour of the day: an office's nights
/// and weekends, a home's small hours.
pub const DEFAULT_QUIET_WITHIN_RATIO: f64 = 1.5;

/// Quiet hours are watched for left-on load only on meters whose busiest
/// hour uses at least three times their quietest: without such a rhythm
/// there is no "normally off" to leave something on in.
pub const DEFAULT_QUIET_MIN_CONTRAST_RATIO: f64 = 3.0;

/// A repeated value is judged stuck only after an hour: before that a
/// coarse register legitimately repeats.
pub const DEFAULT_FLATLINE_MIN_SECS: u32 = 3600;

/// And only after three repeats, which at daily cadence is three days.
pub const DEFAULT_FLATLINE_MIN_COUNT: u32 = 3;

/// Six hours without data is reported: shorter gaps are radio or gateway
/// hiccups that the stream stage fills by spreading.
pub const DEFAULT_MISSING_MIN_SECS: u32 = 6 * 3600;

/// 35 days: longer than a billing period, so a meter that reports monthly
/// is not forgotten between reports, while decommissioned meters go.
pub const DEFAULT_RETENTION_DAYS: u32 = 35;

/// The property profile is pooled from at most this many peers: enough for
/// a stable median, and the cost per cold observation stays bounded.
pub const DEFAULT_PEER_MAX_COUNT: u32 = 32;

/// How the usage detector learns and alerts. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UsageConfig {
    /// Seconds between observations of one meter, 60 to 86,400. At a day or
    /// more the pattern is by day of the week only. Default: 900.
    pub cadence_secs: u32,
    /// Half-life, in days, of the hour-of-week baselines. Default: 28.
    pub weekly_half_life_days: f64,
    /// Half-life, in days, of the hour-of-day fallback profile. Default: 10.
    pub daily_half_life_days: f64,
    /// Half-life, in days, of the robust spread per hour of day. Default: 14.
    pub scale_half_life_days: f64,
    /// Half-life, in hours, of the level that tracks drift. Default: 48.
    pub level_half_life_hours: f64,
    /// The log floor as a share of the meter's mean, above 0. Default: 0.1.
    pub floor_share_of_mean: f64,
    /// Score at which an episode opens, in (0, 1]. Default: 0.7.
    pub open_score: f64,
    /// Score below which an episode may close, below `open_score`.
    /// Default: 0.4.
    pub close_score: f64,
    /// Seconds below `close_score` before an episode closes. Default: 3600.
    pub close_quiet_secs: u32,
    /// Observations below `close_score` before an episode closes, at
    /// least 1. Default: 2.
    pub close_quiet_count: u32,
    /// Least seconds between two updates of an open episode. Default: 3600.
    pub update_interval_secs: u32,
    /// A slot is quiet when its usual consumption is at most this many times
    /// the quietest hour's, at least 1. Default: 1.5.
    pub quiet_within_ratio: f64,
    /// Quiet hours are watched only when the busiest hour uses at least this
    /// many times the quietest, at least 1. Default: 3.
    pub quiet_min_contrast_ratio: f64,
    /// Seconds a value must repeat before it counts as stuck. Default: 3600.
    pub flatline_min_secs: u32,
    /// Repeats before a value counts as stuck, at least 2. Default: 3.
    pub flatline_min_count: u32,
    /// Seconds of silence reported as missing data; never less than two
    /// intervals, whatever is set. Default: 21,600.
    pub missing_min_secs: u32,
    /// Days after which a silent meter's state is dropped. Default: 35.
    pub retention_days: u32,
    /// Peers pooled into a property profile, at least 1. Default: 32.
    pub peer_max_count: u32,
}

impl Default for UsageConfig {
    fn default() -> Self {
        Self {
            cadence_secs: DEFAULT_CADENCE_SECS,
            weekly_half_life_days: DEFAULT_WEEKLY_HALF_LIFE_DAYS,
            daily_half_life_days: DEFAULT_DAILY_HALF_LIFE_DAYS,
            scale_half_life_days: DEFAULT_SCALE_HALF_LIFE_DAYS,
            level_half_life_hours: DEFAULT_LEVEL_HALF_LIFE_HOURS,
            floor_share_of_mean: DEFAULT_FLOOR_SHARE_OF_MEAN,
            open_score: DEFAULT_OPEN_SCORE,
            close_score: DEFAULT_CLOSE_SCORE,
            close_quiet_secs: DEFAULT_CLOSE_QUIET_SECS,
            close_quiet_count: DEFAULT_CLOSE_QUIET_COUNT,
            update_interval_secs: DEFAULT_UPDATE_INTERVAL_SECS,
            quiet_within_ratio: DEFAULT_QUIET_WITHIN_RATIO,
            quiet_min_contrast_ratio: DEFAULT_QUIET_MIN_CONTRAST_RATIO,
            flatline_min_secs: DEFAULT_FLATLINE_MIN_SECS,
            flatline_min_count: DEFAULT_FLATLINE_MIN_COUNT,
            missing_min_secs: DEFAULT_MISSING_MIN_SECS,
            retention_days: DEFAULT_RETENTION_DAYS,
            peer_max_count: DEFAULT_PEER_MAX_COUNT,
        }
    }
}

/// Every problem found in a [`UsageConfig`], reported together.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid usage detector config: {}", problems.join("; "))]
pub struct UsageConfigError {
    /// One sentence per problem.
    pub problems: Vec<String>,
}

impl UsageConfig {
    /// The default settings for another cadence, as the backtest uses them.
    pub fn with_cadence(cadence_secs: u32) -> Self {
        Self {
            cadence_secs,
            ..Self::default()
        }
    }

    /// Checks every field at once.
    ///
    /// # Errors
    ///
    /// All the problems found, when there is at least one.
    pub fn validate(&self) -> Result<(), UsageConfigError> {
        let problems: Vec<String> = self.checks().into_iter().flatten().collect();
        if problems.is_empty() {
            Ok(())
        } else {
            Err(UsageConfigError { problems })
        }
    }

    fn checks(&self) -> [Option<String>; 10] {
        let positive = |value: f64| value.is_finite() && value > 0.0;
        let cadence_ok = (MIN_CADENCE_SECS..=MAX_CADENCE_SECS).contains(&self.cadence_secs);
        let half_lives = [
            self.weekly_half_life_days,
            self.daily_half_life_days,
            self.scale_half_life_days,
            self.level_half_life_hours,
        ];
        [
            (!cadence_ok).then(|| "cadence_secs must be between 60 and 86400".into()),
            (!half_lives.into_iter().all(positive)).then(|| "half-lives must be > 0".into()),
            (!positive(self.floor_share_of_mean)).then(|| "floor_share_of_mean must be > 0".into()),
            (!(self.open_score > 0.0 && self.open_score <= 1.0))
                .then(|| "open_score must be in (0, 1]".into()),
            (!(self.close_score >= 0.0 && self.close_score < self.open_score))
                .then(|| "close_score must be in [0, open_score)".into()),
            (self.close_quiet_count == 0).then(|| "close_quiet_count must be >= 1".into()),
            (!(self.quiet_within_ratio >= 1.0 && self.quiet_min_contrast_ratio >= 1.0))
                .then(|| "quiet_within_ratio and quiet_min_contrast_ratio must be >= 1".into()),
            (self.flatline_min_count < 2).then(|| "flatline_min_count must be >= 2".into()),
            (self.retention_days == 0).then(|| "retention_days must be >= 1".into()),
            (self.peer_max_count == 0).then(|| "peer_max_count must be >= 1".into()),
        ]
    }
}
