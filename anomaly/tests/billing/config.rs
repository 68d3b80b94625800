//! The detector's settings.

use nexzo_anomaly::billing::{BillingConfig, BillingDetector};

#[test]
fn the_defaults_are_valid() {
    assert_eq!(BillingConfig::default().validate(), Ok(()));
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut config = BillingConfig::default();
    config.approval_threshold_minor = 0;
    config.splitting_band_percent = 80;
    config.actor_retention_secs = config.dormant_after_secs;
    config
        .approval_threshold_minor_by_currency
        .insert("yen".into(), 100);
    let problems = BillingDetector::new(config).unwrap_err().problems;

    assert_eq!(problems.len(), 4, "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("approval_threshold_minor"))
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("splitting_band_percent"))
    );
    assert!(problems.iter().any(|p| p.contains("actor_retention_secs")));
    assert!(problems.iter().any(|p| p.contains("\"yen\"")));
}

#[test]
fn a_config_file_may_set_some_fields_and_must_not_misspell_any() {
    let partial: BillingConfig =
        serde_json::from_str(r#"{"approval_threshold_minor": 20000}"#).unwrap();
    assert_eq!(partial.approval_threshold_minor, 20_000);
    assert_eq!(
        partial.splitting_band_percent,
        BillingConfig::default().splitting_band_percent
    );

    let misspelt = serde_json::from_str::<BillingConfig>(r#"{"approval_treshold_minor": 20000}"#);
    assert!(misspelt.is_err());
}

#[test]
fn settings_of_forever_do_not_overflow_event_time() {
    let config = BillingConfig {
        entry_memory_secs: u64::MAX,
        actor_retention_secs: u64::MAX,
        account_retention_secs: u64::MAX,
        incident_quiet_secs: u64::MAX,
        ..BillingConfig::default()
    };
    let mut detector = BillingDetector::new(config).unwrap();
    let mut ledger = crate::support::Ledger::new();
    let refund = ledger.book(crate::support::draft(
        "t1",
        "u-clerk",
        nexzo_schemas::LedgerKind::Refund,
        75_000,
        crate::support::at(0, 10, 0),
    ));
    assert_eq!(detector.observe(&refund).len(), 1);
    assert!(
        detector
            .advance_to(crate::support::at(400, 0, 0))
            .is_empty()
    );
}
