//! `backtest`: the pipeline's detectors run offline over files, with the
//! same code and the `[anomaly]` settings of the configuration.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use nexzo_anomaly::backtest;

use crate::config::Config;

/// `backtest usage`: scores a `timestamp,value` series; the output has the
/// same rows plus `anomaly_score` and `alert`. The cadence is inferred, and
/// the usage settings are the defaults for that cadence.
///
/// # Errors
///
/// A file cannot be opened, a row cannot be read (the message names its
/// line), or the output cannot be written.
pub fn usage(input: &Path, output: &Path) -> anyhow::Result<()> {
    let (mut reader, mut writer) = open(input, output)?;
    let bar = spinner("rows")?;
    let summary = backtest::usage::run(&mut reader, &mut writer, &mut |rows| {
        bar.set_position(rows);
    })
    .with_context(|| format!("scoring {}", input.display()))?;
    bar.finish_and_clear();
    println!(
        "scored {} rows at a {} s cadence: {} alert episodes over {} rows",
        summary.rows, summary.cadence_secs, summary.episodes, summary.flagged_rows
    );
    Ok(())
}

/// `backtest logins`: login events (the login-event contract, one per
/// line) in, one alert per incident out.
///
/// # Errors
///
/// A file cannot be opened or written, or the settings are invalid.
/// Lines that are not valid events are counted and reported, not fatal.
pub fn logins(config: &Config, input: &Path, output: &Path) -> anyhow::Result<()> {
    let (reader, writer) = open(input, output)?;
    let bar = spinner("lines")?;
    let summary = backtest::logins::run(config.anomaly.logins.clone(), reader, writer, |n| {
        bar.set_position(n);
    })
    .with_context(|| format!("running the login detectors over {}", input.display()))?;
    bar.finish_and_clear();
    println!(
        "{} events read, {} lines refused, {} alerts written",
        summary.events, summary.rejected_lines, summary.alerts_written
    );
    for refused in &summary.rejections {
        println!(
            "  line {}: {} ({})",
            refused.line, refused.code, refused.message
        );
    }
    Ok(())
}

/// `backtest billing`: ledger entries (the ledger-entry contract, one per
/// line) in, one alert per incident out.
///
/// # Errors
///
/// A file cannot be opened or written, or the settings are invalid.
/// Lines that are not valid entries are counted and reported, not fatal.
pub fn billing(config: &Config, input: &Path, output: &Path) -> anyhow::Result<()> {
    let (reader, writer) = open(input, output)?;
    let bar = spinner("lines")?;
    let summary = backtest::billing::run(config.anomaly.billing.clone(), reader, writer, |n| {
        bar.set_position(n);
    })
    .with_context(|| format!("running the billing detectors over {}", input.display()))?;
    bar.finish_and_clear();
    println!(
        "{} entries read, {} lines refused, {} alerts written",
        summary.entries,
        summary.refused(),
        summary.incidents
    );
    for refused in &summary.first_refused {
        println!(
            "  line {}: {} ({})",
            refused.line,
            refused.code.as_str(),
            refused.message
        );
    }
    Ok(())
}

fn open(input: &Path, output: &Path) -> anyhow::Result<(BufReader<File>, BufWriter<File>)> {
    let reader = File::open(input).with_context(|| format!("opening {}", input.display()))?;
    let writer = File::create(output).with_context(|| format!("creating {}", output.display()))?;
    Ok((BufReader::new(reader), BufWriter::new(writer)))
}

/// A counter of work done: the input's length in rows is not known until
/// it has been read.
fn spinner(unit: &str) -> anyhow::Result<ProgressBar> {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template(&format!("{{spinner}} {{pos}} {unit}  {{elapsed_precise}}"))
            .context("progress bar template")?,
    );
    Ok(bar)
}
