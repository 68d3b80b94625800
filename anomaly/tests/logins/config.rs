//! The detector's configuration.

use nexzo_anomaly::logins::{LoginConfig, LoginDetector};

#[test]
fn the_default_configuration_is_valid_and_round_trips_through_json() {
    let config = LoginConfig::default();
    assert_eq!(config.validate(), Ok(()));

    let json = serde_json::to_value(&config).expect("serialises");
    let back: LoginConfig = serde_json::from_value(json).expect("deserialises");
    assert_eq!(back, config);

    let partial: LoginConfig =
        serde_json::from_str(r#"{"brute_force": {"min_failures_count": 12}}"#).expect("defaults");
    assert_eq!(partial.brute_force.min_failures_count, 12);
    assert_eq!(
        partial.brute_force.window_secs,
        config.brute_force.window_secs
    );
}

#[test]
fn unknown_keys_are_refused() {
    for json in [
        r#"{"brute_forse": {}}"#,
        r#"{"brute_force": {"min_failure": 3}}"#,
    ] {
        assert!(serde_json::from_str::<LoginConfig>(json).is_err(), "{json}");
    }
}

#[test]
fn every_problem_of_a_bad_configuration_is_reported_at_once() {
    let mut config = LoginConfig {
        retention_secs: 0,
        ..LoginConfig::default()
    };
    config.credential_stuffing.min_failure_ratio = 1.5;
    config.impossible_travel.max_speed_kmh = 0.0;
    config.low_and_slow.min_span_secs = config.low_and_slow.window_secs;

    let error = LoginDetector::new(config).expect_err("refused");

    assert_eq!(error.problems.len(), 5, "{:#?}", error.problems);
    for field in [
        "retention_secs",
        "min_failure_ratio",
        "max_speed_kmh",
        "min_span_secs",
    ] {
        assert!(
            error.to_string().contains(field),
            "{field} missing from {error}"
        );
    }
}
