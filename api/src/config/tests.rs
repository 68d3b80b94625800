use nexzo_schemas::Secret;

use super::*;

fn hs256(secret: &str) -> JwtKeyConfig {
    JwtKeyConfig {
        id: "hs".into(),
        algorithm: "HS256".into(),
        secret: Some(Secret::new(secret)),
        public_key_pem: None,
    }
}

#[test]
fn the_defaults_have_no_problems() {
    assert_eq!(ApiConfig::default().problems(), Vec::<String>::new());
}

#[test]
fn every_problem_is_reported_at_once() {
    let config = ApiConfig {
        listen: "nowhere".into(),
        allowed_origins: vec!["portal.example.com".into()],
        trusted_proxies: vec!["10.0.0.0/33".into()],
        rate_limit_per_key_per_sec: 0,
        default_page_rows: 900,
        jwt: JwtConfig {
            keys: vec![hs256("short")],
            ..JwtConfig::default()
        },
        ..ApiConfig::default()
    };
    let problems = config.problems();
    let expected = [
        "api.listen",
        "api.allowed_origins",
        "api.trusted_proxies",
        "api.rate_limit_per_key_per_sec",
        "api.default_page_rows",
        "api.jwt.issuer",
        "api.jwt.keys[0].secret",
    ];
    for field in expected {
        assert!(
            problems.iter().any(|p| p.starts_with(field)),
            "{field} missing from {problems:?}"
        );
    }
    assert_eq!(problems.len(), expected.len(), "{problems:?}");
}

#[test]
fn a_public_key_that_is_not_pem_is_a_problem_and_a_real_one_is_not() {
    let mut key = JwtKeyConfig {
        id: "rs".into(),
        algorithm: "RS256".into(),
        secret: None,
        public_key_pem: Some("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----".into()),
    };
    let jwt = |key: &JwtKeyConfig| JwtConfig {
        issuer: "idp".into(),
        keys: vec![key.clone()],
        ..JwtConfig::default()
    };
    assert_eq!(jwt(&key).problems().len(), 1);

    key.public_key_pem = Some(include_str!("../../tests/keys/rsa_public.pem").into());
    assert_eq!(jwt(&key).problems(), Vec::<String>::new());
}

#[test]
fn an_algorithm_outside_the_pinned_list_is_a_problem() {
    for algorithm in ["none", "HS512", "rs256", "PS256"] {
        let key = JwtKeyConfig {
            algorithm: algorithm.into(),
            ..hs256("0123456789abcdef0123456789abcdef")
        };
        let jwt = JwtConfig {
            issuer: "idp".into(),
            keys: vec![key],
            ..JwtConfig::default()
        };
        assert!(
            jwt.problems().iter().any(|p| p.contains("algorithm")),
            "{algorithm}"
        );
    }
}

#[test]
fn unknown_keys_are_refused_and_secrets_print_masked() {
    let unknown = serde_json::from_str::<ApiConfig>(r#"{"listen_addr": "127.0.0.1:1"}"#);
    assert!(unknown.is_err());

    let config = ApiConfig {
        jwt: JwtConfig {
            keys: vec![hs256("a-very-long-secret-that-must-not-leak")],
            ..JwtConfig::default()
        },
        ..ApiConfig::default()
    };
    let printed = serde_json::to_string(&config).expect("serialise");
    assert!(!printed.contains("must-not-leak"));
    assert!(!format!("{config:?}").contains("must-not-leak"));
}
