//! The login detector over a JSON-lines file of login events, for
//! `nexzo-telemetry backtest logins --input events.jsonl --output alerts.jsonl`.
//!
//! Each input line is one event in the `login-event` v1 contract. Lines
//! that do not decode are counted and the first few reported with their
//! reason; they never stop the run. Events are sorted by event time
//! (stably, so equal times keep file order) and fed to the same
//! [`LoginDetector`] the pipeline runs. The output has one JSON alert per
//! line per incident, in its final state, ordered by the time it was raised.
//!
//! Known shortcoming: the whole file is held in memory to sort it, about
//! half a kilobyte per event; files beyond a few million events need a
//! machine with gigabytes to spare, or to be split by time first.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, BufRead, BufWriter, Write};

use nexzo_schemas::{LoginEvent, decode_login_event};
use serde::Serialize;
use thiserror::Error;

use crate::Alert;
use crate::logins::{LoginConfig, LoginConfigError, LoginDetector};

/// How many undecodable lines the summary describes one by one; the rest
/// are only counted, so a file of garbage gives a short report.
pub const MAX_REPORTED_REJECTIONS: usize = 20;

/// How many lines pass between two progress calls: often enough for a
/// smooth bar, rarely enough to cost nothing.
pub const PROGRESS_EVERY_LINES: u64 = 1024;

/// What a backtest run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoginBacktestSummary {
    /// Lines read, blank ones included.
    pub lines_read: u64,
    /// Lines that held a valid login event.
    pub events: u64,
    /// Non-blank lines that did not decode.
    pub rejected_lines: u64,
    /// The first [`MAX_REPORTED_REJECTIONS`] undecodable lines and why.
    pub rejections: Vec<RejectedLine>,
    /// Alerts written, one per incident.
    pub alerts_written: u64,
    /// Alerts written per kind, by the kind's stored name.
    pub alerts_by_kind: BTreeMap<String, u64>,
}

/// One input line that did not decode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedLine {
    /// The line number, from 1.
    pub line: u64,
    /// The stable reason code, as in the quarantine.
    pub code: String,
    /// What was wrong, for a person.
    pub message: String,
}

/// Why a backtest could not finish. Bad lines are not errors: they are in
/// the summary.
#[derive(Debug, Error)]
pub enum LoginBacktestError {
    /// The detector configuration is invalid; nothing was read.
    #[error(transparent)]
    Config(#[from] LoginConfigError),
    /// The input could not be read.
    #[error("reading line {line} of the input failed: {source}")]
    Read {
        /// The line being read, from 1.
        line: u64,
        /// What the reader reported.
        source: io::Error,
    },
    /// The output could not be written.
    #[error("writing alerts failed: {0}")]
    Write(#[from] io::Error),
}

/// Runs the login detector over `input` and writes the alerts to `output`.
/// `progress` is called with the number of lines read every
/// [`PROGRESS_EVERY_LINES`] lines and once at the end of the input.
///
/// # Errors
///
/// [`LoginBacktestError`] for an invalid configuration, an unreadable input
/// or an unwritable output; undecodable lines are counted instead.
pub fn run(
    config: LoginConfig,
    input: impl BufRead,
    output: impl Write,
    progress: impl FnMut(u64),
) -> Result<LoginBacktestSummary, LoginBacktestError> {
    let mut detector = LoginDetector::new(config)?;
    let mut summary = LoginBacktestSummary::default();

    let mut events = read_events(input, &mut summary, progress)?;
    events.sort_by_key(|event| event.ts);
    let alerts = final_alerts(&mut detector, &events);

    write_alerts(output, &alerts, &mut summary)?;
    Ok(summary)
}

/// Decodes every line, counting the ones that fail.
fn read_events(
    mut input: impl BufRead,
    summary: &mut LoginBacktestSummary,
    mut progress: impl FnMut(u64),
) -> Result<Vec<LoginEvent>, LoginBacktestError> {
    let mut events = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let read =
            input
                .read_until(b'\n', &mut line)
                .map_err(|source| LoginBacktestError::Read {
                    line: summary.lines_read + 1,
                    source,
                })?;
        if read == 0 {
            break;
        }
        summary.lines_read += 1;
        if summary.lines_read % PROGRESS_EVERY_LINES == 0 {
            progress(summary.lines_read);
        }

        let text = line.trim_ascii();
        if text.is_empty() {
            continue;
        }
        match decode_login_event(text) {
            Ok(event) => {
                summary.events += 1;
                events.push(event);
            }
            Err(rejection) => note_rejection(summary, rejection.code.as_str(), rejection.message),
        }
    }
    progress(summary.lines_read);
    Ok(events)
}

fn note_rejection(summary: &mut LoginBacktestSummary, code: &str, message: String) {
    summary.rejected_lines += 1;
    if summary.rejections.len() < MAX_REPORTED_REJECTIONS {
        summary.rejections.push(RejectedLine {
            line: summary.lines_read,
            code: code.to_owned(),
            message,
        });
    }
}

/// Every incident's last published state, after closing those still open
/// at the end of the file, ordered by when each was raised.
pub fn final_alerts(detector: &mut LoginDetector, events: &[LoginEvent]) -> Vec<Alert> {
    let mut latest: HashMap<String, Alert> = HashMap::new();
    for event in events {
        for alert in detector.observe(event) {
            latest.insert(alert.id.clone(), alert);
        }
    }
    for alert in detector.flush() {
        latest.insert(alert.id.clone(), alert);
    }

    let mut alerts: Vec<Alert> = latest.into_values().collect();
    alerts.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.id.cmp(&b.id)));
    alerts
}

fn write_alerts(
    output: impl Write,
    alerts: &[Alert],
    summary: &mut LoginBacktestSummary,
) -> Result<(), LoginBacktestError> {
    let mut out = BufWriter::new(output);
    for alert in alerts {
        serde_json::to_writer(&mut out, alert).map_err(io::Error::from)?;
        out.write_all(b"\n")?;
        summary.alerts_written += 1;
        *summary
            .alerts_by_kind
            .entry(alert.kind.as_str().to_owned())
            .or_default() += 1;
    }
    out.flush()?;
    Ok(())
}
