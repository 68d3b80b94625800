use std::net::IpAddr;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use nexzo_schemas::Secret;
use nexzo_storage::portal::api_keys::StoredKey;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::address::client_address;
use super::*;
use crate::authz::{Credential, Role};
use crate::config::{JwtConfig, JwtKeyConfig};

const HMAC_SECRET: &str = "test-only-hmac-secret-0123456789abcdef";
const RSA_PUBLIC: &str = include_str!("../../tests/keys/rsa_public.pem");
const RSA_PRIVATE: &str = include_str!("../../tests/keys/rsa_private.pem");
const RSA_OTHER_PRIVATE: &str = include_str!("../../tests/keys/rsa_other_private.pem");
const EC_PUBLIC: &str = include_str!("../../tests/keys/ec_public.pem");
const EC_PRIVATE: &str = include_str!("../../tests/keys/ec_private.pem");
const NOW_SLACK: i64 = 3600;

fn verifier() -> JwtVerifier {
    let key = |id: &str, algorithm: &str, secret: Option<&str>, pem: Option<&str>| JwtKeyConfig {
        id: id.into(),
        algorithm: algorithm.into(),
        secret: secret.map(Secret::new),
        public_key_pem: pem.map(Into::into),
    };
    let config = JwtConfig {
        issuer: "https://idp.test".into(),
        audience: "nexzo-portal-api".into(),
        leeway_secs: 30,
        keys: vec![
            key("hs", "HS256", Some(HMAC_SECRET), None),
            key("rs", "RS256", None, Some(RSA_PUBLIC)),
            key("es", "ES256", None, Some(EC_PUBLIC)),
        ],
    };
    JwtVerifier::new(&config).expect("test keys parse")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn claims() -> Value {
    json!({
        "sub": "u-1", "tenant_id": "t-1", "role": "landlord", "properties": ["p-1"],
        "iss": "https://idp.test", "aud": "nexzo-portal-api",
        "nbf": now() - 60, "exp": now() + NOW_SLACK,
    })
}

fn with(changes: Value) -> Value {
    let mut claims = claims();
    for (k, v) in changes.as_object().expect("object") {
        if v.is_null() {
            claims.as_object_mut().expect("object").remove(k);
        } else {
            claims[k] = v.clone();
        }
    }
    claims
}

fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(Into::into);
    jsonwebtoken::encode(&header, claims, key).expect("sign")
}

fn hs(claims: &Value) -> String {
    let key = EncodingKey::from_secret(HMAC_SECRET.as_bytes());
    sign(Algorithm::HS256, Some("hs"), &key, claims)
}

fn rs(kid: Option<&str>, private: &str, claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(private.as_bytes()).expect("rsa key");
    sign(Algorithm::RS256, kid, &key, claims)
}

fn es(claims: &Value) -> String {
    let key = EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).expect("ec key");
    sign(Algorithm::ES256, Some("es"), &key, claims)
}

#[test]
fn valid_tokens_of_each_pinned_algorithm_are_accepted() {
    let v = verifier();
    for token in [
        hs(&claims()),
        rs(Some("rs"), RSA_PRIVATE, &claims()),
        es(&claims()),
    ] {
        let principal = v.verify(&token).expect("accepted");
        assert_eq!(principal.tenant_id, "t-1");
        assert_eq!(
            principal.credential,
            Credential::User {
                role: Role::Landlord,
                properties: vec!["p-1".into()],
                units: Vec::new()
            }
        );
    }
}

#[test]
fn a_token_without_kid_is_tried_against_the_keys_of_its_algorithm() {
    let token = rs(None, RSA_PRIVATE, &claims());
    assert!(verifier().verify(&token).is_ok());
}

#[test]
fn bad_tokens_are_refused_with_the_check_that_failed() {
    let v = verifier();
    let long_ago = now() - NOW_SLACK;
    let cases: Vec<(&str, String, AuthFailure)> = vec![
        (
            "forged",
            rs(Some("rs"), RSA_OTHER_PRIVATE, &claims()),
            AuthFailure::BadSignature,
        ),
        (
            "expired",
            hs(&with(json!({"exp": long_ago}))),
            AuthFailure::Expired,
        ),
        (
            "not yet valid",
            hs(&with(json!({"nbf": now() + 600}))),
            AuthFailure::NotYetValid,
        ),
        (
            "wrong audience",
            hs(&with(json!({"aud": "billing-api"}))),
            AuthFailure::WrongAudience,
        ),
        (
            "wrong issuer",
            hs(&with(json!({"iss": "https://evil.test"}))),
            AuthFailure::WrongIssuer,
        ),
        (
            "no exp",
            hs(&with(json!({"exp": null}))),
            AuthFailure::BadClaims,
        ),
        (
            "no nbf",
            hs(&with(json!({"nbf": null}))),
            AuthFailure::BadClaims,
        ),
        (
            "unknown role",
            hs(&with(json!({"role": "root"}))),
            AuthFailure::BadClaims,
        ),
        (
            "empty tenant",
            hs(&with(json!({"tenant_id": ""}))),
            AuthFailure::BadClaims,
        ),
        ("not a jwt", "abc.def".into(), AuthFailure::MalformedToken),
    ];
    for (name, token, expected) in cases {
        assert_eq!(v.verify(&token), Err(expected), "{name}");
    }
}

#[test]
fn a_token_expired_within_the_leeway_is_still_accepted() {
    // The benign look-alike of an expired token: clocks a few seconds apart.
    let token = hs(&with(json!({"exp": now() - 5})));
    assert!(verifier().verify(&token).is_ok());
}

#[test]
fn the_rsa_public_key_used_as_an_hmac_secret_is_refused() {
    // The classic confusion: the attacker knows the public key and signs
    // HS256 with it, naming the RSA key's kid.
    let key = EncodingKey::from_secret(RSA_PUBLIC.as_bytes());
    let token = sign(Algorithm::HS256, Some("rs"), &key, &claims());
    assert_eq!(verifier().verify(&token), Err(AuthFailure::UnknownKey));
    let token = sign(Algorithm::HS256, None, &key, &claims());
    assert_eq!(verifier().verify(&token), Err(AuthFailure::BadSignature));
}

#[test]
fn a_token_naming_a_key_of_another_algorithm_or_alg_none_is_refused() {
    let v = verifier();
    let es_as_rs = {
        let key = EncodingKey::from_ec_pem(EC_PRIVATE.as_bytes()).expect("ec key");
        sign(Algorithm::ES256, Some("rs"), &key, &claims())
    };
    assert_eq!(v.verify(&es_as_rs), Err(AuthFailure::UnknownKey));

    let header = base64_url(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = base64_url(claims().to_string().as_bytes());
    assert_eq!(
        v.verify(&format!("{header}.{payload}.")),
        Err(AuthFailure::MalformedToken)
    );
}

fn base64_url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn stored(secret: &str, cidrs: &[&str], revoked: bool) -> StoredKey {
    let mut hash = Sha256::new();
    hash.update(b"0123456789abcdef01234567.");
    hash.update(secret.as_bytes());
    StoredKey {
        tenant_id: "t-1".into(),
        secret_sha256: hash.finalize().to_vec(),
        scopes: vec!["usage:read".into(), "no:such-scope".into()],
        allow_cidrs: cidrs.iter().map(|c| (*c).to_owned()).collect(),
        revoked,
    }
}

fn ip(text: &str) -> IpAddr {
    text.parse().expect("address")
}

#[test]
fn api_keys_are_checked_for_secret_revocation_and_address() {
    let id = "0123456789abcdef01234567";
    type Case = (
        &'static str,
        Option<StoredKey>,
        &'static str,
        Result<(), AuthFailure>,
    );
    let cases: Vec<Case> = vec![
        (
            "good",
            Some(stored("s3cret", &[], false)),
            "203.0.113.9",
            Ok(()),
        ),
        (
            "unknown",
            None,
            "203.0.113.9",
            Err(AuthFailure::UnknownApiKey),
        ),
        (
            "wrong secret",
            Some(stored("other", &[], false)),
            "203.0.113.9",
            Err(AuthFailure::WrongApiKeySecret),
        ),
        (
            "revoked",
            Some(stored("s3cret", &[], true)),
            "203.0.113.9",
            Err(AuthFailure::RevokedApiKey),
        ),
        (
            "inside allowlist",
            Some(stored("s3cret", &["203.0.113.0/24"], false)),
            "203.0.113.9",
            Ok(()),
        ),
        (
            "outside allowlist",
            Some(stored("s3cret", &["198.51.100.0/24"], false)),
            "203.0.113.9",
            Err(AuthFailure::AddressNotAllowed),
        ),
        (
            "mapped v4",
            Some(stored("s3cret", &["203.0.113.0/24"], false)),
            "::ffff:203.0.113.9",
            Ok(()),
        ),
        (
            "garbled allowlist",
            Some(stored("s3cret", &["not-a-cidr"], false)),
            "203.0.113.9",
            Err(AuthFailure::AddressNotAllowed),
        ),
    ];
    for (name, key, address, expected) in cases {
        let got = api_key::check(key, id, "s3cret", ip(address)).map(|p| {
            assert_eq!(p.tenant_id, "t-1");
            assert_eq!(
                p.credential,
                Credential::ApiKey {
                    scopes: vec![crate::authz::KeyScope::UsageRead]
                },
                "unknown stored scopes are dropped"
            );
        });
        assert_eq!(got, expected, "{name}");
    }
}

#[test]
fn only_well_formed_keys_parse() {
    let id = "0123456789abcdef01234567";
    assert_eq!(
        api_key::parse(&format!("nxk_{id}_abc_def")),
        Some((id, "abc_def"))
    );
    for bad in [
        format!("nxk_{id}_"),
        format!("nxk_{id}"),
        "nxk_short_secret".to_owned(),
        format!("nxk_{}_secret", "g".repeat(24)),
        format!("NXK_{id}_secret"),
        format!("nxk_{id}_{}", "a".repeat(65)),
    ] {
        assert_eq!(api_key::parse(&bad), None, "{bad}");
    }
}

#[test]
fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let proxies = vec!["10.0.0.0/8".parse().expect("cidr")];
    let cases = [
        (
            "direct client ignores the header",
            "198.51.100.7",
            Some("203.0.113.9"),
            "198.51.100.7",
        ),
        (
            "proxy forwards the client",
            "10.0.0.2",
            Some("203.0.113.9"),
            "203.0.113.9",
        ),
        (
            "spoofed left entry is skipped",
            "10.0.0.2",
            Some("1.2.3.4, 203.0.113.9"),
            "203.0.113.9",
        ),
        (
            "chain of proxies",
            "10.0.0.2",
            Some("203.0.113.9, 10.0.0.3"),
            "203.0.113.9",
        ),
        (
            "garbled hop stops the walk",
            "10.0.0.2",
            Some("203.0.113.9, junk"),
            "10.0.0.2",
        ),
        ("proxy without header", "10.0.0.2", None, "10.0.0.2"),
    ];
    for (name, peer, header, expected) in cases {
        assert_eq!(
            client_address(ip(peer), header, &proxies),
            ip(expected),
            "{name}"
        );
    }
}

#[test]
fn auth_failures_of_keys_all_look_alike_to_the_caller() {
    let key_failures = [
        AuthFailure::UnknownApiKey,
        AuthFailure::WrongApiKeySecret,
        AuthFailure::RevokedApiKey,
        AuthFailure::AddressNotAllowed,
    ];
    for failure in key_failures {
        assert_eq!(failure.code(), "invalid_api_key");
        assert_eq!(failure.to_string(), "the API key is not valid");
    }
}
