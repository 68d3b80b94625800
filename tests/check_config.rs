//! `check-config` validates a file before anything starts: every problem at
//! once, secrets masked in what it prints.

#![allow(clippy::unwrap_used)] // in tests a panic is the failure report

mod support;

use std::process::Command;

use support::pipeline::BINARY;

fn check(text: &str, env: &[(&str, &str)]) -> (i32, String, String) {
    let path = std::env::temp_dir().join(format!("{}.toml", support::unique_name("check")));
    std::fs::write(&path, text).unwrap();
    let output = Command::new(BINARY)
        .args(["--config", path.to_str().unwrap(), "check-config"])
        .envs(env.iter().copied())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_bad_file_is_rejected_with_every_problem_listed() {
    let text = r#"
[mqtt]
url = "http://broker"
client_id = ""
keep_alive_secs = "30s"
qos = 2

[database]
url = "postgres://u:pw@h:notaport/db"

[writer]
batch_max_rows = 0
linger_ms = 60000

[ingest]
max_payload_bytes = -5

[metrics]
enabled = true
"#;
    let (code, stdout, stderr) = check(text, &[("NEXZO_WRITER__RETRY_MAX_MS", "\"soon\"")]);
    assert_eq!(code, 2, "exit code for a bad configuration");
    assert!(stdout.is_empty(), "nothing printed as valid: {stdout}");
    let expected = [
        "mqtt.url",
        "mqtt.client_id",
        "mqtt.keep_alive_secs",
        "mqtt.qos: unknown key",
        "database.url",
        "writer.batch_max_rows",
        "writer.linger_ms",
        "writer.retry_max_ms",
        "ingest.max_payload_bytes",
        "metrics: unknown key",
    ];
    let listed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.trim_start().starts_with("- "))
        .collect();
    for key in expected {
        assert!(
            listed.iter().any(|l| l.contains(key)),
            "{key} not reported in:\n{stderr}"
        );
    }
    assert_eq!(
        listed.len(),
        expected.len(),
        "one line per problem:\n{stderr}"
    );
    assert!(
        stderr.contains(&format!("{} problem(s)", expected.len())),
        "{stderr}"
    );
    assert!(
        !stderr.contains("pw@"),
        "the password must not be printed:\n{stderr}"
    );
}

#[test]
fn a_good_file_prints_the_effective_configuration_with_secrets_masked() {
    let text = r#"
[mqtt]
username = "pipeline"
password = "mqtt-secret"

[database]
url = "postgres://nexzo:db-secret@db.internal:5432/nexzo"
"#;
    let (code, stdout, stderr) = check(text, &[("NEXZO_WRITER__LINGER_MS", "75")]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("linger_ms = 75"), "{stdout}");
    assert!(
        stdout.contains("postgres://nexzo:********@db.internal:5432/nexzo"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("db-secret") && !stdout.contains("mqtt-secret"),
        "{stdout}"
    );
}

#[test]
fn an_unparsable_file_names_the_file_and_the_line() {
    let (code, _, stderr) = check("[mqtt\nurl = 1", &[]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(".toml") && stderr.contains("line"),
        "{stderr}"
    );
}
