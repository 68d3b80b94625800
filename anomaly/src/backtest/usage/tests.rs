//! Golden inputs and outputs of the usage backtest.

use std::fmt::Write as _;

use chrono::{TimeDelta, TimeZone, Utc};

use super::cadence::infer;
use super::{BacktestError, run};

fn backtest(input: &str) -> Result<(String, super::BacktestSummary), BacktestError> {
    let mut output = Vec::new();
    let mut reader = input.as_bytes();
    let summary = run(&mut reader, &mut output, &mut |_| {})?;
    Ok((String::from_utf8(output).expect("utf-8"), summary))
}

/// The output's rows as (original fields, score, alert).
fn rows(output: &str) -> Vec<(String, f64, u8)> {
    output
        .lines()
        .skip(1)
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let n = fields.len();
            let score = fields[n - 2].parse().expect("score");
            let alert = fields[n - 1].parse().expect("alert");
            (fields[..n - 2].join(","), score, alert)
        })
        .collect()
}

/// Five weeks of an hourly office meter with a tenfold spike on a
/// Wednesday afternoon, as CSV with epoch seconds.
fn office_with_spike() -> (String, usize) {
    let start = Utc
        .with_ymd_and_hms(2025, 1, 6, 0, 0, 0)
        .single()
        .expect("date");
    let mut csv = String::from("timestamp,value\n");
    let spike = 24 * 30 + 14;
    for i in 0..24 * 35 {
        let ts = start + TimeDelta::hours(i);
        let weekday = (i / 24) % 7 < 5;
        let working = weekday && (8..18).contains(&(i % 24));
        let wobble = 1.0 + 0.05 * ((i * 7919 % 13) as f64 / 13.0 - 0.5);
        let mut value = if working { 10.0 } else { 2.0 } * wobble;
        if i == spike {
            value *= 10.0;
        }
        writeln!(csv, "{},{value:.3}", ts.timestamp()).expect("write");
    }
    (csv, usize::try_from(spike).expect("fits"))
}

#[test]
fn a_spike_in_a_long_series_is_flagged_and_ordinary_rows_are_not() {
    let (input, spike) = office_with_spike();
    let (output, summary) = backtest(&input).expect("runs");
    let rows = rows(&output);

    assert_eq!(summary.cadence_secs, 3600);
    assert_eq!(rows.len(), 24 * 35);
    assert_eq!(rows[spike].2, 1, "the spike row is flagged");
    assert!(rows[spike].1 >= 0.7);
    let flagged = rows.iter().filter(|r| r.2 == 1).count();
    assert!(flagged <= 3, "{flagged} rows flagged");
    assert_eq!(summary.flagged_rows, flagged as u64);
}

#[test]
fn rows_come_back_in_their_own_order_with_two_columns_added_and_the_header_kept() {
    let input = "time , kwh\n\
                 2025-01-06 02:00:00, 3\n\
                 2025-01-06 00:00:00 ,1\n\
                 2025-01-06 01:00:00,2.5\n";
    let (output, summary) = backtest(input).expect("runs");
    let lines: Vec<&str> = output.lines().collect();

    assert_eq!(lines[0], "time,kwh,anomaly_score,alert");
    assert!(lines[1].starts_with("2025-01-06 02:00:00,3,"));
    assert!(lines[2].starts_with("2025-01-06 00:00:00,1,"));
    assert!(lines[3].starts_with("2025-01-06 01:00:00,2.5,"));
    assert_eq!(summary.rows, 3);
    assert!(
        lines[1].split(',').nth(2).is_some_and(|s| s.len() == 6),
        "four decimals"
    );
}

#[test]
fn every_timestamp_spelling_is_read_row_by_row_and_a_missing_header_is_written() {
    let input = "\u{feff}2025-01-06T00:00:00Z,1\n\
                 2025-01-06 00:15:00,1\n\
                 1736123400,1\n\
                 1736124300000,1\n\
                 2025-01-06T01:00:00+01:00,1\n";
    let (output, summary) = backtest(input).expect("runs");

    assert_eq!(
        output.lines().next(),
        Some("timestamp,value,anomaly_score,alert")
    );
    assert_eq!(rows(&output).len(), 5);
    assert_eq!(
        summary.cadence_secs, 900,
        "01:00+01:00 is midnight UTC, a duplicate"
    );
}

#[test]
fn an_unreadable_timestamp_is_an_error_naming_its_line() {
    let input = "timestamp,value\n2025-01-06 00:00:00,1\nyesterday,2\n";

    match backtest(input) {
        Err(BacktestError::Timestamp { line, text }) => {
            assert_eq!((line, text.as_str()), (3, "yesterday"));
        }
        other => panic!("expected a timestamp error, got {other:?}"),
    }
}

#[test]
fn an_unreadable_value_is_an_error_but_a_blank_one_is_a_missing_reading() {
    let bad = backtest("2025-01-06 00:00:00,1\n2025-01-06 01:00:00,lots\n");
    let blank = backtest("2025-01-06 00:00:00,1\n2025-01-06 01:00:00,\n2025-01-06 02:00:00,NaN\n");

    assert!(
        matches!(bad, Err(BacktestError::Value { line: 2, .. })),
        "{bad:?}"
    );
    let (output, _) = blank.expect("blank values are fine");
    let rows = rows(&output);
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[1].1, rows[2].1), (0.0, 0.0));
}

#[test]
fn duplicates_share_the_score_of_the_first_row_with_a_value() {
    let (mut input, spike) = office_with_spike();
    let spike_line = input.lines().nth(spike + 1).expect("line").to_owned();
    let timestamp = spike_line.split(',').next().expect("ts");
    writeln!(input, "{timestamp},").expect("write");
    writeln!(input, "{timestamp},2").expect("write");
    let (output, _) = backtest(&input).expect("runs");
    let rows = rows(&output);
    let n = rows.len();

    assert_eq!(rows[n - 1].1, rows[spike].1);
    assert_eq!(rows[n - 2].1, rows[spike].1);
    assert_eq!(rows[n - 1].2, 1);
}

#[test]
fn a_negative_value_is_a_register_running_backwards() {
    let (input, spike) = office_with_spike();
    let mut lines: Vec<String> = input.lines().map(str::to_owned).collect();
    // Line `spike - 40` (after the header) is data row `spike - 41`.
    let ts = lines[spike - 40].split(',').next().expect("ts").to_owned();
    lines[spike - 40] = format!("{ts},-5");
    let (output, summary) = backtest(&(lines.join("\n") + "\n")).expect("runs");
    let rows = rows(&output);

    assert_eq!((rows[spike - 41].1, rows[spike - 41].2), (1.0, 1));
    assert_eq!(rows[spike - 42].2, 0);
    assert!(summary.episodes >= 2, "the reversal and the spike");
}

#[test]
fn a_long_blank_stretch_is_flagged_as_missing_data_and_a_short_one_is_not() {
    let (input, _) = office_with_spike();
    let mut lines: Vec<String> = input.lines().map(str::to_owned).collect();
    for (first, count) in [(300, 2), (500, 8)] {
        for line in &mut lines[first..first + count] {
            let ts = line.split(',').next().expect("ts").to_owned();
            *line = format!("{ts},");
        }
    }
    let (output, _) = backtest(&(lines.join("\n") + "\n")).expect("runs");
    let rows = rows(&output);

    assert!(
        rows[299..301].iter().all(|r| r.2 == 0),
        "two hours is a hiccup"
    );
    assert!(
        rows[499..507].iter().all(|r| r.2 == 1),
        "eight hours is missing data"
    );
    assert_eq!(rows[507].2, 0, "the row that resumes is data again");
}

#[test]
fn progress_is_reported_and_ends_at_the_row_count() {
    let (input, _) = office_with_spike();
    let mut seen = Vec::new();
    let mut output = Vec::new();
    run(&mut input.as_bytes(), &mut output, &mut |done| {
        seen.push(done)
    })
    .expect("runs");

    assert_eq!(seen.last(), Some(&(24 * 35)));
    assert!(seen.windows(2).all(|pair| pair[0] <= pair[1]));
}

#[test]
fn the_cadence_is_the_median_step_rounded_to_the_usual_grid() {
    let start = Utc
        .with_ymd_and_hms(2025, 1, 6, 0, 0, 0)
        .single()
        .expect("date");
    let times = |steps: &[i64]| -> Vec<_> {
        let mut at = start;
        let mut out = vec![at];
        for step in steps {
            at += TimeDelta::seconds(*step);
            out.push(at);
        }
        out
    };
    let cases: [(&[i64], u32); 5] = [
        (&[898, 903, 900, 1800, 899], 900),
        (&[60, 61, 59, 60], 60),
        (&[86_400, 86_400, 172_800], 86_400),
        (&[30, 30, 30], 60),
        (&[3_600 * 48, 3_600 * 48], 86_400),
    ];
    for (steps, expected) in cases {
        assert_eq!(infer(&times(steps)), expected, "{steps:?}");
    }
    assert_eq!(infer(&[start]), super::cadence::FALLBACK_CADENCE_SECS);
}
