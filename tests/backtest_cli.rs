//! `nexzo-telemetry backtest` as users run it: files in, files out, the
//! same detectors as the pipeline.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

use std::path::PathBuf;
use std::process::Command;

use chrono::{DateTime, TimeDelta, Utc};

const BINARY: &str = env!("CARGO_BIN_EXE_nexzo-telemetry");

fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("backtest-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs `backtest <kind>` over `input` and returns the output file's text.
fn backtest(kind: &str, input: &str, extension: &str) -> (String, String) {
    let (input_path, output_path) = (
        temp(&format!("{kind}-in.{extension}")),
        temp(&format!("{kind}-out.{extension}")),
    );
    std::fs::write(&input_path, input).unwrap();
    let out = Command::new(BINARY)
        .args(["backtest", kind, "--input"])
        .arg(&input_path)
        .arg("--output")
        .arg(&output_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "backtest {kind} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        std::fs::read_to_string(&output_path).unwrap(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn start() -> DateTime<Utc> {
    "2026-01-05T00:00:00Z".parse().unwrap()
}

#[test]
fn a_usage_series_comes_back_row_for_row_with_a_score_and_the_spike_flagged() {
    // Four weeks of hourly consumption with a daily shape, then a spike.
    let hours = 24 * 28;
    let mut csv = String::from("timestamp,value\n");
    for h in 0..hours {
        let at = start() + TimeDelta::hours(h);
        let hour_of_day = h % 24;
        let base = if (7..22).contains(&hour_of_day) {
            800.0
        } else {
            200.0
        };
        let value = if h == hours - 5 {
            base * 8.0
        } else {
            base + (h % 7) as f64 * 10.0
        };
        csv.push_str(&format!("{},{value}\n", at.format("%Y-%m-%d %H:%M:%S")));
    }
    let (scored, _) = backtest("usage", &csv, "csv");

    let lines: Vec<&str> = scored.lines().collect();
    assert_eq!(lines[0], "timestamp,value,anomaly_score,alert");
    assert_eq!(lines.len(), csv.lines().count(), "every row comes back");
    for (input, output) in csv.lines().zip(&lines).skip(1) {
        assert!(
            output.starts_with(input),
            "{output} does not extend {input}"
        );
    }
    let spike: Vec<&str> = lines[lines.len() - 5].split(',').collect();
    let score: f64 = spike[2].parse().unwrap();
    assert!(score > 0.8, "the spike scored {score}");
    assert_eq!(spike[3], "1");
    let quiet = lines[1..lines.len() - 24]
        .iter()
        .skip(24 * 14)
        .filter(|l| l.ends_with(",1"))
        .count();
    assert_eq!(quiet, 0, "no alert in two ordinary weeks");
}

fn login(i: i64, user: &str, failed: bool) -> String {
    let at = start() + TimeDelta::seconds(i * 15);
    let outcome = if failed {
        r#""failure","failure_reason":"bad_password""#
    } else {
        r#""success""#
    };
    format!(
        r#"{{"schema_version":1,"event_id":"e-{user}-{i}","tenant_id":"t-1","user_id":"{user}","ts":"{}","outcome":{outcome},"source_ip":"198.51.100.20"}}"#,
        at.to_rfc3339()
    )
}

#[test]
fn a_login_file_yields_one_alert_per_incident_with_its_subject_and_bad_lines_are_counted() {
    let mut lines: Vec<String> = (0..15).map(|i| login(i, "u-target", true)).collect();
    lines.push("{not json".into());
    lines.extend((0..4).map(|i| login(i, "u-clumsy", i < 3)));
    let (alerts, summary) = backtest("logins", &(lines.join("\n") + "\n"), "jsonl");

    let alerts: Vec<serde_json::Value> = alerts
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let brute: Vec<_> = alerts
        .iter()
        .filter(|a| a["kind"] == "login_brute_force")
        .collect();
    assert_eq!(brute.len(), 1, "{alerts:?}");
    assert_eq!(brute[0]["user_id"], "u-target");
    assert_eq!(brute[0]["tenant_id"], "t-1");
    assert!(brute[0]["ts"].is_string() && brute[0]["severity"].is_string());
    assert!(
        alerts.iter().all(|a| a["user_id"] != "u-clumsy"),
        "{alerts:?}"
    );
    assert!(summary.contains("1 lines refused"), "{summary}");
}
