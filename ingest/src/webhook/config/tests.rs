//! What the configuration check reports, and what it lets through.

use nexzo_schemas::Secret;

use super::{WebhookConfig, WebhookSourceConfig};

const SECRET: &str = "whsec_config_tests_0123456789";

fn source() -> WebhookSourceConfig {
    WebhookSourceConfig {
        secrets: vec![Secret::new(SECRET)],
        ..WebhookSourceConfig::default()
    }
}

fn working() -> WebhookConfig {
    WebhookConfig {
        listen: Some("127.0.0.1:8088".into()),
        sources: [
            ("stripe".to_owned(), source()),
            ("originfd".to_owned(), source()),
        ]
        .into(),
        ..WebhookConfig::default()
    }
}

#[test]
fn the_defaults_and_a_working_endpoint_have_no_problems() {
    assert_eq!(WebhookConfig::default().problems(), Vec::<String>::new());
    assert_eq!(working().problems(), Vec::<String>::new());
}

#[test]
fn every_problem_is_reported_at_once_under_its_key() {
    let mut config = working();
    config.listen = Some("localhost:http".into());
    config.max_body_bytes = 0;
    config.tolerance_secs = 3601;
    config.response_timeout_ms = 999;
    config.sources.insert("paypal".into(), source());
    let stripe = config.sources.get_mut("stripe").unwrap();
    stripe.secrets = vec![Secret::new("short")];
    stripe.rate_limit_burst = 0;
    let originfd = config.sources.get_mut("originfd").unwrap();
    originfd.secrets.clear();
    originfd.signature_header = Some("bad header".into());

    let keys: Vec<String> = config
        .problems()
        .iter()
        .map(|p| p.split_once(": ").unwrap().0.to_owned())
        .collect();
    let expected = [
        "webhook.listen",
        "webhook.max_body_bytes",
        "webhook.tolerance_secs",
        "webhook.response_timeout_ms",
        "webhook.sources.originfd.secrets",
        "webhook.sources.originfd.signature_header",
        "webhook.sources.paypal",
        "webhook.sources.stripe.secrets",
        "webhook.sources.stripe",
    ];
    assert_eq!(keys, expected);
}

#[test]
fn an_endpoint_that_serves_no_source_is_a_problem() {
    let config = WebhookConfig {
        listen: Some("0.0.0.0:8088".into()),
        ..WebhookConfig::default()
    };
    assert_eq!(
        config.problems(),
        ["webhook.sources: the endpoint is on but serves no source"]
    );
}

#[test]
fn missing_fields_take_their_defaults() {
    let text = format!(r#"{{"sources": {{"stripe": {{"secrets": ["{SECRET}"]}}}}}}"#);
    let config: WebhookConfig = serde_json::from_str(&text).unwrap();

    let expected = WebhookConfig {
        sources: [("stripe".to_owned(), source())].into(),
        ..WebhookConfig::default()
    };
    assert_eq!(config, expected);
}

#[test]
fn secrets_are_masked_when_the_configuration_is_printed() {
    let config = working();
    let printed = [
        format!("{config:?}"),
        serde_json::to_string(&config).unwrap(),
    ];
    for text in printed {
        assert!(!text.contains(SECRET), "{text}");
        assert!(text.contains("********"), "{text}");
    }
}

#[test]
fn each_source_has_its_own_default_signature_header() {
    let custom = WebhookSourceConfig {
        signature_header: Some("X-Signature".into()),
        ..source()
    };
    assert_eq!(source().header_name("stripe"), Some("Stripe-Signature"));
    assert_eq!(
        source().header_name("originfd"),
        Some("X-OriginFD-Signature")
    );
    assert_eq!(source().header_name("paypal"), None);
    assert_eq!(custom.header_name("stripe"), Some("X-Signature"));
}
