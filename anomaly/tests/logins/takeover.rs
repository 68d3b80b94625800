//! Impossible travel, a new device after failures, MFA fatigue, and their
//! benign look-alikes.

use nexzo_anomaly::{AlertKind, Severity};
use nexzo_schemas::{LoginEvent, MfaOutcome};

use crate::support::{
    BERLIN, HAMBURG, JAKARTA, LAGOS, Login, NEW_YORK, Place, at_min, history, incidents, of_kind,
    sorted,
};

/// A success from home in Berlin, then one from `place` after `minutes`,
/// from `ip` and `device`.
fn trip(place: Place, minutes: i64, ip: &str, device: &str) -> Vec<LoginEvent> {
    let mut events = history("fay", 5);
    events.push(
        Login::success("fay", at_min(0), "198.51.100.7")
            .device("laptop")
            .build(),
    );
    events.push(
        Login::success("fay", at_min(minutes), ip)
            .device(device)
            .at(place)
            .build(),
    );
    sorted(events)
}

#[test]
fn logins_too_far_apart_for_the_time_between_are_impossible_travel() {
    for (place, minutes) in [(LAGOS, 60), (JAKARTA, 300), (NEW_YORK, 120)] {
        let alerts = of_kind(
            &trip(place, minutes, "203.0.113.1", "unknown"),
            AlertKind::LoginImpossibleTravel,
        );

        assert_eq!(alerts.len(), 1, "{}: {alerts:#?}", place.1);
        let alert = &alerts[0];
        assert_eq!(alert.subject.user_id.as_deref(), Some("fay"));
        assert_eq!(alert.severity, Severity::High);
        assert!(alert.evidence["speed_kmh"].as_f64() > Some(1000.0));
        assert_eq!(alert.evidence["to"]["country"], place.0);
    }
}

#[test]
fn real_trips_and_geolocation_jitter_stay_quiet() {
    for (case, place, minutes) in [
        ("a flight from Berlin to New York", NEW_YORK, 9 * 60),
        ("a carrier locating the phone in Hamburg", HAMBURG, 5),
        ("the same city", BERLIN, 1),
    ] {
        let alerts = incidents(&trip(place, minutes, "100.64.3.9", "phone"));
        assert!(alerts.is_empty(), "{case}: {alerts:#?}");
    }
}

#[test]
fn failures_then_a_success_from_a_new_device_abroad_is_reported_once() {
    let mut events = history("gus", 5);
    for n in 0..3 {
        events.push(
            Login::failure("gus", at_min(n * 4), "203.0.113.8")
                .at(LAGOS)
                .build(),
        );
    }
    let success = Login::success("gus", at_min(15), "203.0.113.8")
        .device("intruder")
        .at(LAGOS);
    events.push(success.build());

    let alerts = incidents(&sorted(events));

    let kinds: Vec<AlertKind> = alerts.keys().copied().collect();
    assert_eq!(
        kinds,
        [AlertKind::LoginNewDeviceAfterFailures],
        "{alerts:#?}"
    );
    let alert = &alerts[&AlertKind::LoginNewDeviceAfterFailures][0];
    assert_eq!(alert.evidence["country"], "NG");
    assert_eq!(alert.evidence["failures_count"], 3);
    assert_eq!(alert.first_seen, at_min(0));
}

#[test]
fn typos_before_a_familiar_device_or_country_stay_quiet() {
    let cases: [(&str, &str, Place); 3] = [
        ("the usual second device at home", "phone", BERLIN),
        ("a new phone at home", "new-phone", BERLIN),
        ("the usual laptop abroad", "laptop", NEW_YORK),
    ];
    for (case, device, place) in cases {
        let mut events = history("hal", 5);
        events.push(
            Login::success("hal", at_min(-600), "198.51.100.7")
                .device("laptop")
                .build(),
        );
        for n in 0..3 {
            events.push(
                Login::failure("hal", at_min(n), "198.51.100.80")
                    .device(device)
                    .at(place)
                    .build(),
            );
        }
        events.push(
            Login::success("hal", at_min(4), "198.51.100.80")
                .device(device)
                .at(place)
                .build(),
        );

        let alerts = incidents(&sorted(events));

        assert!(alerts.is_empty(), "{case}: {alerts:#?}");
    }
}

fn pushes(user: &str, outcomes: &[MfaOutcome], accepted: bool) -> Vec<LoginEvent> {
    let mut events = history(user, 3);
    let ip = "198.51.100.7";
    for (n, outcome) in (0..).zip(outcomes) {
        events.push(
            Login::rejected_push(user, at_min(n * 2), ip, *outcome)
                .device("laptop")
                .build(),
        );
    }
    if accepted {
        let done = at_min(i64::try_from(outcomes.len()).expect("small") * 2);
        events.push(
            Login::success(user, done, ip)
                .device("laptop")
                .mfa(MfaOutcome::Passed)
                .build(),
        );
    }
    sorted(events)
}

#[test]
fn rejected_pushes_then_an_accepted_one_is_critical_mfa_fatigue() {
    use MfaOutcome::{Denied, TimedOut};
    let events = pushes("ivy", &[Denied, TimedOut, Denied, Denied], true);

    let alerts = of_kind(&events, AlertKind::LoginMfaFatigue);

    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].severity, Severity::Critical);
    assert_eq!(alerts[0].evidence["rejected_prompts_count"], 4);
    assert_eq!(alerts[0].evidence["accepted"], true);
}

#[test]
fn a_long_run_of_rejected_pushes_is_reported_before_any_is_accepted() {
    let events = pushes("jon", &[MfaOutcome::Denied; 8], false);

    let alerts = of_kind(&events, AlertKind::LoginMfaFatigue);

    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].severity, Severity::High);
    assert_eq!(alerts[0].evidence["accepted"], false);
}

#[test]
fn a_push_left_to_time_out_once_or_twice_stays_quiet() {
    for outcomes in [
        &[MfaOutcome::TimedOut][..],
        &[MfaOutcome::TimedOut, MfaOutcome::Denied],
    ] {
        let alerts = incidents(&pushes("kim", outcomes, true));
        assert!(alerts.is_empty(), "{outcomes:?}: {alerts:#?}");
    }
}
