//! The JSON-lines backtest behind `nexzo-telemetry backtest logins`.

use nexzo_anomaly::backtest::logins::{MAX_REPORTED_REJECTIONS, run};
use nexzo_anomaly::logins::LoginConfig;
use nexzo_anomaly::{Alert, AlertKind, AlertPhase};

use crate::support::{Login, at_sec, history, to_json_line};

/// Two attacks and some history, as shuffled JSON lines with a blank line
/// and two lines that are not login events.
fn input() -> String {
    let mut events = history("quinn", 3);
    for n in 0..30 {
        events.push(Login::failure("quinn", at_sec(n * 10), "203.0.113.50").build());
    }
    for n in 0..25 {
        events.push(Login::failure(&format!("r-{n}"), at_sec(n * 4), "198.18.0.9").build());
    }
    let mut lines: Vec<String> = events.iter().map(to_json_line).collect();
    lines.reverse();
    lines.insert(3, String::new());
    lines.insert(7, r#"{"schema_version":1,"event_id":"x"}"#.to_owned());
    lines.insert(9, "not json at all".to_owned());
    lines.join("\n")
}

#[test]
fn a_file_becomes_one_alert_per_incident_in_its_final_state_ordered_by_time() {
    let mut output = Vec::new();
    let summary = run(
        LoginConfig::default(),
        input().as_bytes(),
        &mut output,
        |_| {},
    )
    .expect("runs");

    let alerts: Vec<Alert> = String::from_utf8(output)
        .expect("utf-8")
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is an alert"))
        .collect();
    let kinds: Vec<AlertKind> = alerts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds.len(), 2, "{alerts:#?}");
    assert!(kinds.contains(&AlertKind::LoginBruteForce));
    assert!(kinds.contains(&AlertKind::LoginCredentialStuffing));
    assert!(alerts.iter().all(|a| a.phase == AlertPhase::Closed));
    assert!(alerts.windows(2).all(|w| w[0].ts <= w[1].ts));
    assert_eq!(summary.alerts_written, 2);
    assert_eq!(summary.alerts_by_kind["login_brute_force"], 1);
}

#[test]
fn lines_that_do_not_decode_are_counted_with_their_reason_and_never_stop_the_run() {
    let text = input();
    let mut lines_seen = 0;
    let summary = run(
        LoginConfig::default(),
        text.as_bytes(),
        std::io::sink(),
        |n| {
            lines_seen = n;
        },
    )
    .expect("runs");

    assert_eq!(
        summary.lines_read,
        u64::try_from(text.lines().count()).expect("small")
    );
    assert_eq!(summary.events, 6 + 30 + 25);
    assert_eq!(summary.rejected_lines, 2);
    let codes: Vec<&str> = summary.rejections.iter().map(|r| r.code.as_str()).collect();
    assert_eq!(codes, ["schema_violation", "malformed_json"]);
    assert_eq!(summary.rejections[0].line, 8);
    assert_eq!(summary.rejections[1].line, 10);
    assert_eq!(
        lines_seen, summary.lines_read,
        "the last progress call covers every line"
    );
}

#[test]
fn a_file_of_garbage_gives_a_short_report() {
    let garbage = "{}\n".repeat(500);
    let summary = run(
        LoginConfig::default(),
        garbage.as_bytes(),
        std::io::sink(),
        |_| {},
    )
    .expect("runs");

    assert_eq!(summary.rejected_lines, 500);
    assert_eq!(summary.rejections.len(), MAX_REPORTED_REJECTIONS);
    assert_eq!(summary.alerts_written, 0);
}

#[test]
fn an_invalid_configuration_is_refused_before_reading() {
    let mut config = LoginConfig::default();
    config.brute_force.window_secs = 0;

    let result = run(config, "not read".as_bytes(), std::io::sink(), |_| {});

    assert!(result.is_err());
}
