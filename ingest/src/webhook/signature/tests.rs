//! The signature check, case by case, against a fixed clock.

use chrono::{DateTime, Utc};
use nexzo_schemas::Secret;

use super::{MAX_SIGNATURES_PER_HEADER, SignatureCheck, SignatureError, sign};

use SignatureError::{MalformedHeader, MissingHeader, NoMatchingSignature, StaleTimestamp};

const NOW: i64 = 1_800_000_000;
const TOLERANCE_SECS: u64 = 300;
const BODY: &[u8] = br#"{"id":"evt_1","type":"charge.succeeded"}"#;

fn old_secret() -> Secret {
    Secret::new("whsec_old_0123456789abcdef0123")
}

fn new_secret() -> Secret {
    Secret::new("whsec_new_0123456789abcdef0123")
}

fn stranger() -> Secret {
    Secret::new("whsec_not_ours_0123456789abcdef")
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW, 0).unwrap()
}

/// The `v1` value of a header made by [`sign`].
fn v1(secret: &Secret, timestamp: i64, body: &[u8]) -> String {
    let header = sign(secret, timestamp, body);
    header.split_once(",v1=").unwrap().1.to_owned()
}

fn check(header: Option<&[u8]>, body: &[u8]) -> Result<(), SignatureError> {
    let secrets = vec![old_secret(), new_secret()];
    SignatureCheck::new(secrets, TOLERANCE_SECS).verify(header, body, now())
}

#[test]
fn each_header_gets_the_verdict_its_case_names() {
    let tolerance = i64::try_from(TOLERANCE_SECS).unwrap();
    let good = v1(&new_secret(), NOW, BODY);
    let forged = v1(&stranger(), NOW, BODY);
    let too_many = vec![format!("v1={forged}"); MAX_SIGNATURES_PER_HEADER + 1].join(",");
    let cases: Vec<(&str, String, Result<(), SignatureError>)> = vec![
        (
            "signed with the new secret",
            sign(&new_secret(), NOW, BODY),
            Ok(()),
        ),
        (
            "signed with the old secret",
            sign(&old_secret(), NOW, BODY),
            Ok(()),
        ),
        (
            "second v1 matches",
            format!("t={NOW},v1={forged},v1={good}"),
            Ok(()),
        ),
        (
            "v0 alongside v1",
            format!("t={NOW},v0={forged},v1={good}"),
            Ok(()),
        ),
        ("spaces after commas", format!("t={NOW}, v1={good}"), Ok(())),
        ("v1 before t", format!("v1={good},t={NOW}"), Ok(())),
        (
            "at the edge of the past",
            sign(&new_secret(), NOW - tolerance, BODY),
            Ok(()),
        ),
        (
            "at the edge of the future",
            sign(&new_secret(), NOW + tolerance, BODY),
            Ok(()),
        ),
        (
            "just too old",
            sign(&new_secret(), NOW - tolerance - 1, BODY),
            Err(StaleTimestamp),
        ),
        (
            "too far ahead",
            sign(&new_secret(), NOW + tolerance + 1, BODY),
            Err(StaleTimestamp),
        ),
        (
            "forged and stale",
            sign(&stranger(), NOW - 3600, BODY),
            Err(NoMatchingSignature),
        ),
        (
            "unknown secret",
            sign(&stranger(), NOW, BODY),
            Err(NoMatchingSignature),
        ),
        (
            "only a v0",
            format!("t={NOW},v0={good}"),
            Err(NoMatchingSignature),
        ),
        (
            "no signature at all",
            format!("t={NOW}"),
            Err(NoMatchingSignature),
        ),
        (
            "timestamp moved",
            format!("t={},v1={good}", NOW + 1),
            Err(NoMatchingSignature),
        ),
        ("empty", String::new(), Err(MalformedHeader)),
        ("no timestamp", format!("v1={good}"), Err(MalformedHeader)),
        (
            "two timestamps",
            format!("t={NOW},t={NOW},v1={good}"),
            Err(MalformedHeader),
        ),
        (
            "signed timestamp",
            format!("t=+{NOW},v1={good}"),
            Err(MalformedHeader),
        ),
        (
            "timestamp in ms",
            format!("t={NOW}000000000000,v1={good}"),
            Err(MalformedHeader),
        ),
        (
            "short v1",
            format!("t={NOW},v1={}", &good[..62]),
            Err(MalformedHeader),
        ),
        (
            "non-hex v1",
            format!("t={NOW},v1=z{}", &good[1..]),
            Err(MalformedHeader),
        ),
        (
            "trailing comma",
            format!("t={NOW},v1={good},"),
            Err(MalformedHeader),
        ),
        (
            "item without =",
            format!("t={NOW},v1"),
            Err(MalformedHeader),
        ),
        (
            "too many v1",
            format!("t={NOW},{too_many},v1={good}"),
            Err(MalformedHeader),
        ),
    ];

    for (case, header, expected) in cases {
        assert_eq!(
            check(Some(header.as_bytes()), BODY),
            expected,
            "{case}: {header}"
        );
    }
}

#[test]
fn a_missing_header_is_refused_as_missing() {
    assert_eq!(check(None, BODY), Err(MissingHeader));
}

#[test]
fn a_header_that_is_not_utf8_is_malformed() {
    let mut header = sign(&new_secret(), NOW, BODY).into_bytes();
    header.push(0xff);
    assert_eq!(check(Some(&header), BODY), Err(MalformedHeader));
}

#[test]
fn a_changed_body_no_longer_matches_its_signature() {
    let header = sign(&new_secret(), NOW, BODY);
    let mut altered = BODY.to_vec();
    altered[7] ^= 1;
    assert_eq!(
        check(Some(header.as_bytes()), &altered),
        Err(NoMatchingSignature)
    );
}

#[test]
fn a_source_without_secrets_accepts_nothing() {
    let header = sign(&new_secret(), NOW, BODY);
    let verdict = SignatureCheck::new(Vec::new(), TOLERANCE_SECS).verify(
        Some(header.as_bytes()),
        BODY,
        now(),
    );
    assert_eq!(verdict, Err(NoMatchingSignature));
}

#[test]
fn reasons_keep_their_metric_names() {
    let names = [
        MissingHeader,
        MalformedHeader,
        StaleTimestamp,
        NoMatchingSignature,
    ]
    .map(SignatureError::as_str);
    let expected = [
        "missing_header",
        "malformed_header",
        "stale_timestamp",
        "no_matching_signature",
    ];
    assert_eq!(names, expected);
}

#[test]
fn secrets_never_show_in_a_printed_check() {
    let printed = format!(
        "{:?}",
        SignatureCheck::new(vec![new_secret()], TOLERANCE_SECS)
    );
    assert!(!printed.contains("whsec"), "{printed}");
}
