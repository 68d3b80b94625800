//! Mass export through the query API: one credential (an API key or a
//! person's token) reading far more rows in a window than it ever has.
//!
//! A leaked key is used like any key, within its scopes and its rate
//! limit; what gives it away is volume against its own habits. The caller
//! counts rows returned per reader and hands each window's counts over;
//! the detector compares every reader's window with the largest window of
//! its own recent history (its peak), which already holds its nightly
//! exports and busy dashboard days.
//!
//! A window alerts when it is above `min_rows` and above `factor` times the
//! peak, or, for a reader younger than `warmup_hours`, above
//! `cold_max_rows`. Alerting windows are kept out of the history while the
//! incident goes on, so an export going on does not become its own
//! baseline. The incident closes at the first window back under the
//! threshold (reading nothing counts), and its largest window then enters
//! the history: an analyst has been told once, and a scheduled job that
//! alerted on its first run is its own normal from the next.
//!
//! Known shortcomings:
//! - An exporter ramping up slowly, each window well under `factor` times
//!   the last, stays under the threshold; the rate limit bounds what it
//!   can take meanwhile.
//! - Likewise, an export that alerted once raises the reader's peak: the
//!   same size again within `history_days` is not reported a second time.
//! - State is in memory: after a restart every reader warms up again, so
//!   only `cold_max_rows` guards the first `warmup_hours`, and an incident
//!   open at the restart is never closed (it stays `opened` in the store).

mod config;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, VecDeque};

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

pub use config::{ExportConfig, ExportConfigError};

use crate::{Alert, AlertKind, Severity, Subject};

/// Who read: the tenant whose rows they were and the credential.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reader {
    pub tenant_id: String,
    pub credential: Credential,
}

/// A credential of the query API, by its public identity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Credential {
    /// An integrator's API key, by its id.
    ApiKey(String),
    /// A person, by their token's subject.
    User(String),
}

impl Reader {
    fn subject(&self) -> Subject {
        match &self.credential {
            Credential::ApiKey(id) => Subject {
                api_key_id: Some(id.clone()),
                ..Subject::default()
            },
            Credential::User(id) => Subject::user(id.clone()),
        }
    }
}

/// One reader's remembered windows and open incident.
#[derive(Debug, Clone, Default)]
struct History {
    first_read: Option<DateTime<Utc>>,
    /// `(window end, rows)` of the non-empty windows within
    /// `history_days`, oldest first: ordinary ones, and the largest of each
    /// closed incident.
    windows: VecDeque<(DateTime<Utc>, u64)>,
    /// The incident going on, and its largest window so far.
    open: Option<(Alert, u64)>,
}

/// The detector: every reader's recent windows.
#[derive(Debug, Clone)]
pub struct ExportDetector {
    config: ExportConfig,
    readers: BTreeMap<Reader, History>,
}

impl ExportDetector {
    /// A detector with no history.
    ///
    /// # Errors
    ///
    /// The configuration is invalid.
    pub fn new(config: ExportConfig) -> Result<Self, ExportConfigError> {
        config.validate()?;
        Ok(Self {
            config,
            readers: BTreeMap::new(),
        })
    }

    /// The window length, for the caller's timer.
    pub fn window(&self) -> TimeDelta {
        TimeDelta::seconds(i64::try_from(self.config.window_secs).unwrap_or(i64::MAX))
    }

    /// Readers remembered (those with history or an open incident).
    pub fn readers(&self) -> usize {
        self.readers.len()
    }

    /// Takes the rows each reader read in the window ending at `end` (a
    /// reader absent from `counts` read nothing) and returns the alerts
    /// opened, updated or closed by it.
    pub fn observe_window(
        &mut self,
        end: DateTime<Utc>,
        counts: &BTreeMap<Reader, u64>,
    ) -> Vec<Alert> {
        let mut alerts = Vec::new();
        for (reader, &rows) in counts {
            let history = self.readers.entry(reader.clone()).or_default();
            history.first_read.get_or_insert(end);
            alerts.extend(judge(&self.config, reader, history, end, rows));
        }
        for (reader, history) in &mut self.readers {
            if history.open.is_some() && !counts.contains_key(reader) {
                alerts.extend(judge(&self.config, reader, history, end, 0));
            }
        }
        self.forget_before(end);
        alerts
    }

    /// Drops windows older than the history and readers with nothing left.
    fn forget_before(&mut self, end: DateTime<Utc>) {
        let horizon = end - TimeDelta::days(i64::from(self.config.history_days));
        self.readers.retain(|_, history| {
            while history
                .windows
                .front()
                .is_some_and(|(at, _)| *at <= horizon)
            {
                history.windows.pop_front();
            }
            !history.windows.is_empty() || history.open.is_some()
        });
    }
}

/// The threshold a reader's window is held to, and the peak it came from
/// (`None` while warming up).
fn threshold(config: &ExportConfig, history: &History, end: DateTime<Utc>) -> (u64, Option<u64>) {
    let warm_since = end - TimeDelta::hours(i64::from(config.warmup_hours));
    let warm = history.first_read.is_some_and(|first| first <= warm_since);
    if !warm {
        return (config.cold_max_rows, None);
    }
    let peak = history
        .windows
        .iter()
        .map(|(_, rows)| *rows)
        .max()
        .unwrap_or(0);
    // Rounded down to whole rows: a threshold is a count.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let scaled = (peak as f64 * config.factor) as u64;
    (scaled.max(config.min_rows), Some(peak))
}

/// Judges one reader's window: opens, updates or closes its incident, and
/// remembers the window when it was ordinary.
fn judge(
    config: &ExportConfig,
    reader: &Reader,
    history: &mut History,
    end: DateTime<Utc>,
    rows: u64,
) -> Option<Alert> {
    let (limit, peak) = threshold(config, history, end);
    if rows <= limit {
        let closed = history.open.take().map(|(alert, largest)| {
            history.windows.push_back((alert.last_seen, largest));
            alert.closed(end)
        });
        if rows > 0 {
            history.windows.push_back((end, rows));
        }
        return closed;
    }
    let (score, severity) = rate(rows, limit);
    let evidence = json!({
        "rows": rows,
        "threshold_rows": limit,
        "peak_rows": peak,
        "window_secs": config.window_secs,
        "history_days": config.history_days,
        "warming_up": peak.is_none(),
    });
    let (alert, largest) = match history.open.take() {
        Some((open, largest)) => (open.updated(end, score, severity), largest.max(rows)),
        None => (
            Alert::open(
                AlertKind::ApiMassExport,
                severity,
                reader.tenant_id.clone(),
                reader.subject(),
                end,
                score,
                summary(reader, rows, limit),
            )
            .since(end - TimeDelta::seconds(i64::try_from(config.window_secs).unwrap_or(0))),
            rows,
        ),
    };
    let alert = alert.with_evidence(evidence);
    history.open = Some((alert.clone(), largest));
    Some(alert)
}

/// Score and severity from how far past the threshold the window went:
/// 0.5 at the threshold itself, approaching 1 as the multiple grows;
/// high from four times the threshold.
fn rate(rows: u64, limit: u64) -> (f64, Severity) {
    #[allow(clippy::cast_precision_loss)]
    let multiple = rows as f64 / limit.max(1) as f64;
    let score = 1.0 - 0.5 / multiple;
    let severity = if multiple >= 4.0 {
        Severity::High
    } else {
        Severity::Medium
    };
    (score, severity)
}

fn summary(reader: &Reader, rows: u64, limit: u64) -> String {
    let who = match &reader.credential {
        Credential::ApiKey(id) => format!("API key {id}"),
        Credential::User(id) => format!("user {id}"),
    };
    format!("{who} read {rows} rows in one window, above its threshold of {limit}")
}
