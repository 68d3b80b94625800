//! The detector's settings.

use nexzo_anomaly::usage::{UsageConfig, UsageDetector};

#[test]
fn the_defaults_are_valid_at_every_supported_cadence() {
    for cadence in [60, 300, 900, 3600, 21_600, 86_400] {
        assert!(
            UsageConfig::with_cadence(cadence).validate().is_ok(),
            "{cadence}"
        );
    }
}

#[test]
fn every_invalid_setting_is_reported_at_once() {
    let config = UsageConfig {
        cadence_secs: 30,
        open_score: 0.3,
        close_score: 0.5,
        close_quiet_count: 0,
        ..UsageConfig::default()
    };

    let problems = config.validate().expect_err("invalid").problems;

    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(UsageDetector::new(config).is_err());
}

#[test]
fn unknown_keys_are_refused_and_missing_ones_take_their_default() {
    let partial: UsageConfig =
        serde_json::from_str(r#"{"cadence_secs": 3600}"#).expect("partial config");
    let unknown = serde_json::from_str::<UsageConfig>(r#"{"cadence": 3600}"#);

    assert_eq!(partial, UsageConfig::with_cadence(3600));
    assert!(unknown.is_err());
}
