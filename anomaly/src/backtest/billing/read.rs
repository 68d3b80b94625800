//! Reading and decoding the input lines, counting the refused ones.

use std::io::BufRead;

use nexzo_schemas::{LedgerEntry, RejectCode, decode_ledger_entry};

use super::{
    BillingBacktestError, BillingBacktestSummary, MAX_REFUSED_LINES_KEPT, PROGRESS_EVERY_LINES,
};

/// One input line the contract refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusedLine {
    /// The 1-based line number.
    pub line: u64,
    /// Why, as a stable code.
    pub code: RejectCode,
    /// The decoder's message: field names and values from the line, such
    /// as the received and expected hash.
    pub message: String,
}

/// Every entry the contract accepts, in file order, and the counts.
pub(super) fn read_entries(
    mut input: impl BufRead,
    mut progress: impl FnMut(u64),
) -> Result<(Vec<LedgerEntry>, BillingBacktestSummary), BillingBacktestError> {
    let mut summary = BillingBacktestSummary::default();
    let mut entries = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let read =
            input
                .read_until(b'\n', &mut line)
                .map_err(|source| BillingBacktestError::Read {
                    line: summary.lines + 1,
                    source,
                })?;
        if read == 0 {
            break;
        }
        summary.lines += 1;
        decode_line(&line, &mut entries, &mut summary);
        if summary.lines % PROGRESS_EVERY_LINES == 0 {
            progress(summary.lines);
        }
    }
    progress(summary.lines);
    Ok((entries, summary))
}

/// Decodes one line (bytes, so that invalid UTF-8 is a refused line like
/// any other) into `entries` or the refusal counts.
fn decode_line(line: &[u8], entries: &mut Vec<LedgerEntry>, summary: &mut BillingBacktestSummary) {
    if line.iter().all(u8::is_ascii_whitespace) {
        summary.blank_lines += 1;
        return;
    }
    match decode_ledger_entry(line.trim_ascii()) {
        Ok(entry) => {
            summary.entries += 1;
            entries.push(entry);
        }
        Err(rejection) => {
            *summary
                .refused_by_reason
                .entry(rejection.code.as_str())
                .or_insert(0) += 1;
            if summary.first_refused.len() < MAX_REFUSED_LINES_KEPT {
                summary.first_refused.push(RefusedLine {
                    line: summary.lines,
                    code: rejection.code,
                    message: rejection.message,
                });
            }
        }
    }
}
