//! The usage detector over one series held in memory: sorted, de-duplicated
//! and gap-checked on the way in, scores and alert flags handed back in
//! the caller's order.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use super::cadence;
use crate::alert::{Alert, AlertKind, AlertPhase};
use crate::usage::{MeterRef, UsageConfig, UsageConfigError, UsageDetector, UsageObservation};

/// Progress is reported every this many rows: often enough for a smooth
/// bar, rarely enough to cost nothing.
pub(crate) const PROGRESS_EVERY_ROWS: u64 = 4096;

/// A step longer than this many cadences is a gap in the series.
const GAP_FACTOR: f64 = 1.5;

/// One point of a series.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPoint {
    /// The start of the interval.
    pub ts: DateTime<Utc>,
    /// Consumption over the interval; None when blank. A negative value is
    /// a register that ran backwards.
    pub value: Option<f64>,
    /// The local clock's offset from UTC at `ts`, in seconds: the day and
    /// week are learned on that clock. 0 for UTC.
    pub utc_offset_secs: i32,
}

/// One alert episode over the series.
#[derive(Debug, Clone, PartialEq)]
pub struct EpisodeSpan {
    /// What the alert reported.
    pub kind: AlertKind,
    /// The first row time the episode covers.
    pub from: DateTime<Utc>,
    /// The last row time it covers (for missing data, the first row time
    /// after it: the silence is `from..to`).
    pub to: DateTime<Utc>,
}

impl EpisodeSpan {
    /// Whether a row at `ts` falls inside the episode.
    pub fn covers(&self, ts: DateTime<Utc>) -> bool {
        if self.kind == AlertKind::UsageMissingData {
            self.from <= ts && ts < self.to
        } else {
            self.from <= ts && ts <= self.to
        }
    }
}

/// The detector's verdict on a series, in the order the points were given.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesScores {
    /// The cadence used, in seconds.
    pub cadence_secs: u32,
    /// Each point's anomaly score in [0, 1]; 0 for a blank value.
    pub scores: Vec<f64>,
    /// Whether an alert episode was open at each point.
    pub alerts: Vec<bool>,
    /// Every episode, in the order they opened.
    pub episodes: Vec<EpisodeSpan>,
}

/// Scores `points` (any order, duplicates and blanks allowed) at
/// `cadence_secs`, or at the cadence inferred from them.
///
/// # Errors
///
/// [`UsageConfigError`] when `cadence_secs` is outside one minute to one day.
pub fn score_series(
    points: &[SeriesPoint],
    cadence_secs: Option<u32>,
    progress: &mut dyn FnMut(u64),
) -> Result<SeriesScores, UsageConfigError> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by_key(|&i| points[i].ts);
    let cadence_secs = cadence_secs.unwrap_or_else(|| infer(points, &order));
    let mut detector = UsageDetector::new(UsageConfig::with_cadence(cadence_secs))?;
    let cadence = TimeDelta::seconds(cadence_secs.into());
    let meter = MeterRef::new("backtest", "series");

    let mut scores = vec![0.0; points.len()];
    let mut alerts: Vec<Alert> = Vec::new();
    let mut last_valid: Option<DateTime<Utc>> = None;
    let mut done = 0_u64;
    for group in order.chunk_by(|a, b| points[*a].ts == points[*b].ts) {
        let ts = points[group[0]].ts;
        let score = match group.iter().find_map(|&i| points[i].value) {
            Some(value) if value < 0.0 => {
                alerts.extend(detector.register_backwards(&meter, ts));
                1.0
            }
            Some(value) => {
                if let Some(last) = last_valid.filter(|l| is_gap(ts - *l, cadence)) {
                    alerts.extend(detector.gap(&meter, last + cadence, ts));
                }
                last_valid = Some(ts);
                let mut obs = UsageObservation::new(meter.clone(), ts, value);
                obs.utc_offset_secs = points[group[0]].utc_offset_secs;
                let scored = detector.observe(&obs);
                alerts.extend(scored.alerts);
                scored.score
            }
            None => 0.0,
        };
        for &i in group {
            scores[i] = score;
        }
        done += group.len() as u64;
        if done % PROGRESS_EVERY_ROWS < group.len() as u64 {
            progress(done);
        }
    }
    progress(done);

    let end = order.last().map(|&i| points[i].ts);
    let episodes = spans(&alerts, end);
    let flags = flags(points, &order, &episodes);
    Ok(SeriesScores {
        cadence_secs,
        scores,
        alerts: flags,
        episodes,
    })
}

fn infer(points: &[SeriesPoint], order: &[usize]) -> u32 {
    let mut times: Vec<DateTime<Utc>> = order.iter().map(|&i| points[i].ts).collect();
    times.dedup();
    cadence::infer(&times)
}

fn is_gap(step: TimeDelta, cadence: TimeDelta) -> bool {
    step.num_seconds() as f64 > GAP_FACTOR * cadence.num_seconds() as f64
}

/// The latest state of each alert as a span of row times; one still open
/// at the end runs to the last row.
fn spans(alerts: &[Alert], end: Option<DateTime<Utc>>) -> Vec<EpisodeSpan> {
    let mut latest: HashMap<&str, &Alert> = HashMap::new();
    let mut opened: Vec<&str> = Vec::new();
    for alert in alerts {
        if latest.insert(alert.id.as_str(), alert).is_none() {
            opened.push(alert.id.as_str());
        }
    }
    opened
        .into_iter()
        .filter_map(|id| latest.get(id))
        .map(|alert| {
            let still_open = alert.phase != AlertPhase::Closed;
            let missing = alert.kind == AlertKind::UsageMissingData;
            let to = match end {
                Some(end) if still_open && !missing => end,
                _ => alert.last_seen,
            };
            let from = if missing { alert.first_seen } else { alert.ts };
            EpisodeSpan {
                kind: alert.kind,
                from,
                to,
            }
        })
        .collect()
}

/// Marks each point covered by an episode, by binary search over the
/// sorted times.
fn flags(points: &[SeriesPoint], order: &[usize], episodes: &[EpisodeSpan]) -> Vec<bool> {
    let mut flags = vec![false; points.len()];
    for episode in episodes {
        let start = order.partition_point(|&i| points[i].ts < episode.from);
        for &i in order[start..]
            .iter()
            .take_while(|&&i| points[i].ts <= episode.to)
        {
            if episode.covers(points[i].ts) {
                flags[i] = true;
            }
        }
    }
    flags
}
