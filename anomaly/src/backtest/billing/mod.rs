//! The billing detector over a JSON-lines file of ledger entries, as
//! `nexzo-telemetry backtest billing --input events.jsonl --output
//! alerts.jsonl` runs it.
//!
//! Each input line is one entry in the `ledger-entry` v1 contract, decoded
//! and hash-verified exactly as ingest does; lines the contract refuses are
//! counted by reason, not fatal. The entries are sorted by event time
//! (stably, so entries with the same time keep their file order, which for
//! a ledger export is chain order) and run through one
//! [`BillingDetector`]. The output holds one JSON alert per line per
//! incident, in its final state, ordered by the time it was raised.
//!
//! Every decoded entry is held in memory for the sort: a file larger than
//! memory has to be split by tenant first (each tenant's chain and actors
//! are independent, except for cross-tenant refunds, which a split by
//! tenant no longer sees).

mod read;

use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use nexzo_schemas::LedgerEntry;
use thiserror::Error;

use crate::Alert;
use crate::billing::{BillingConfig, BillingConfigError, BillingDetector};

pub use read::RefusedLine;

/// Why a billing backtest stopped. Refused input lines never stop it.
#[derive(Debug, Error)]
pub enum BillingBacktestError {
    /// The detector settings are invalid.
    #[error(transparent)]
    Config(#[from] BillingConfigError),
    /// The input could not be read (not: a line could not be decoded).
    #[error("reading line {line} of the input")]
    Read {
        /// The 1-based line being read.
        line: u64,
        /// What the reader reported.
        #[source]
        source: io::Error,
    },
    /// The output could not be written.
    #[error("writing the alerts")]
    Write(#[source] io::Error),
    /// An alert could not be encoded as JSON (a NaN or infinite score or
    /// evidence value would do it; the detector produces none).
    #[error("encoding alert {id} as JSON")]
    Encode {
        /// The alert's id.
        id: String,
        /// What the encoder reported.
        #[source]
        source: serde_json::Error,
    },
}

/// What a billing backtest read and wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BillingBacktestSummary {
    /// Lines read, blank ones included.
    pub lines: u64,
    /// Lines holding only whitespace, skipped.
    pub blank_lines: u64,
    /// Entries decoded, verified and run through the detector.
    pub entries: u64,
    /// Lines the contract refused, by reason code (`hash_mismatch`,
    /// `schema_violation`, …).
    pub refused_by_reason: std::collections::BTreeMap<&'static str, u64>,
    /// The first refused lines, with their reason, at most
    /// [`MAX_REFUSED_LINES_KEPT`].
    pub first_refused: Vec<RefusedLine>,
    /// Incidents written, one line each.
    pub incidents: u64,
}

impl BillingBacktestSummary {
    /// Lines the contract refused, whatever the reason.
    pub fn refused(&self) -> u64 {
        self.refused_by_reason.values().sum()
    }
}

/// Refused lines kept with their reason in the summary: enough to show an
/// operator what is wrong, bounded for a file that is wrong throughout.
pub const MAX_REFUSED_LINES_KEPT: usize = 20;

/// Runs the billing detector over `input` and writes one alert per
/// incident to `output`. `progress` is called with the number of input
/// lines read so far, every [`PROGRESS_EVERY_LINES`] lines and once at the
/// end of reading (detection after reading takes a small share of the
/// time: decoding verifies a SHA-256 per line).
///
/// # Errors
///
/// [`BillingBacktestError`] for invalid settings, unreadable input or
/// unwritable output; refused lines are counted in the summary instead.
pub fn run<R: BufRead, W: Write>(
    config: BillingConfig,
    input: R,
    mut output: W,
    progress: impl FnMut(u64),
) -> Result<BillingBacktestSummary, BillingBacktestError> {
    let mut detector = BillingDetector::new(config)?;
    let (mut entries, mut summary) = read::read_entries(input, progress)?;
    entries.sort_by_key(|entry| entry.ts);

    let finals = final_states(&mut detector, &entries);
    for alert in &finals {
        write_alert(&mut output, alert)?;
    }
    output.flush().map_err(BillingBacktestError::Write)?;
    summary.incidents = finals.len() as u64;
    Ok(summary)
}

/// Runs `entries`, in the order given, through `detector`, ends the input
/// ([`BillingDetector::finish`]) and returns the final state of every
/// incident, ordered by the time it was raised (then by id).
pub fn final_states(detector: &mut BillingDetector, entries: &[LedgerEntry]) -> Vec<Alert> {
    let mut incidents: HashMap<String, Alert> = HashMap::new();
    let mut keep = |alerts: Vec<Alert>| {
        for alert in alerts {
            incidents.insert(alert.id.clone(), alert);
        }
    };
    for entry in entries {
        keep(detector.observe(entry));
    }
    keep(detector.finish());

    let mut finals: Vec<Alert> = incidents.into_values().collect();
    finals.sort_by(|a, b| a.ts.cmp(&b.ts).then_with(|| a.id.cmp(&b.id)));
    finals
}

/// Lines between two progress reports.
pub const PROGRESS_EVERY_LINES: u64 = 1_000;

fn write_alert(output: &mut impl Write, alert: &Alert) -> Result<(), BillingBacktestError> {
    let line = serde_json::to_string(alert).map_err(|source| BillingBacktestError::Encode {
        id: alert.id.clone(),
        source,
    })?;
    writeln!(output, "{line}").map_err(BillingBacktestError::Write)
}
