//! Reading the input file, scoring it, writing the output file.

use csv::{ReaderBuilder, StringRecord, Trim, WriterBuilder};

use super::parse::{self, Row};
use super::series::{SeriesPoint, score_series};
use super::{BacktestError, BacktestSummary, Input, MAX_ROWS, Output};

/// The header written when the input has none.
const DEFAULT_HEADER: [&str; 2] = ["timestamp", "value"];

/// The columns the backtest adds.
const ADDED_COLUMNS: [&str; 2] = ["anomaly_score", "alert"];

/// Reads a `timestamp,value` series from `input`, scores every row and
/// writes it to `output` with `anomaly_score` and `alert` added.
/// `progress` is called with the number of rows scored so far, every few
/// thousand rows and once at the end.
///
/// # Errors
///
/// [`BacktestError`] for unreadable CSV, a timestamp or value that cannot
/// be read (naming its line), more than [`MAX_ROWS`] rows, or an output
/// that cannot be written.
pub fn run(
    input: Input<'_>,
    output: Output<'_>,
    progress: &mut dyn FnMut(u64),
) -> Result<BacktestSummary, BacktestError> {
    let (header, rows) = read(input)?;
    let points: Vec<SeriesPoint> = rows
        .iter()
        .map(|row| SeriesPoint {
            ts: row.ts,
            value: row.value,
            utc_offset_secs: row.utc_offset_secs,
        })
        .collect();
    let scores = score_series(&points, None, progress)?;

    let mut writer = WriterBuilder::new().flexible(true).from_writer(output);
    let header = header.unwrap_or_else(|| DEFAULT_HEADER.iter().map(|h| (*h).to_owned()).collect());
    writer.write_record(header.iter().map(String::as_str).chain(ADDED_COLUMNS))?;
    for ((row, score), flag) in rows.iter().zip(&scores.scores).zip(&scores.alerts) {
        let score = format!("{score:.4}");
        let flag = if *flag { "1" } else { "0" };
        let added = [score.as_str(), flag];
        writer.write_record(row.fields.iter().map(String::as_str).chain(added))?;
    }
    writer.flush()?;

    Ok(BacktestSummary {
        rows: rows.len() as u64,
        cadence_secs: scores.cadence_secs,
        episodes: scores.episodes.len() as u64,
        flagged_rows: scores.alerts.iter().filter(|f| **f).count() as u64,
    })
}

/// The optional header and every data row.
fn read(input: Input<'_>) -> Result<(Option<Vec<String>>, Vec<Row>), BacktestError> {
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(Trim::All)
        .from_reader(input);
    let mut header = None;
    let mut rows = Vec::new();
    let mut record = StringRecord::new();
    let mut first = true;
    while reader.read_record(&mut record)? {
        let line = record.position().map_or(0, csv::Position::line);
        let fields: Vec<String> = record.iter().map(str::to_owned).collect();
        if fields.iter().all(String::is_empty) {
            continue;
        }
        if std::mem::take(&mut first) && parse::is_header(&fields) {
            header = Some(fields);
            continue;
        }
        if rows.len() >= MAX_ROWS {
            return Err(BacktestError::TooManyRows);
        }
        rows.push(parse::row(fields, line)?);
    }
    Ok((header, rows))
}
