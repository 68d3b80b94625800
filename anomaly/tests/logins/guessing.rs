//! Brute force and credential stuffing, with their benign look-alikes.

use nexzo_anomaly::{AlertKind, AlertPhase, Severity};
use nexzo_schemas::LoginEvent;

use crate::support::{Login, at_min, at_sec, history, of_kind, sorted};

fn brute_force(user: &str, attempts: i64, gap_secs: i64, ip: &str) -> Vec<LoginEvent> {
    (0..attempts)
        .map(|n| Login::failure(user, at_sec(n * gap_secs), ip).build())
        .collect()
}

#[test]
fn many_failed_passwords_against_one_account_raise_one_brute_force_alert() {
    let mut events = history("alice", 3);
    events.extend(brute_force("alice", 40, 10, "203.0.113.50"));

    let alerts = of_kind(&sorted(events), AlertKind::LoginBruteForce);

    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    let alert = &alerts[0];
    assert_eq!(alert.subject.user_id.as_deref(), Some("alice"));
    assert_eq!(alert.tenant_id, "t1");
    assert_eq!(alert.phase, AlertPhase::Closed);
    assert_eq!(alert.first_seen, at_sec(0));
    assert!(alert.evidence["failures_count"].as_u64() >= Some(8));
    assert_eq!(alert.evidence["addresses"][0], "203.0.113.50");
}

#[test]
fn benign_failures_on_one_account_stay_quiet() {
    let cases: [(&str, Vec<LoginEvent>); 3] = [
        ("three typos, then in", {
            let mut e = brute_force("bob", 3, 8, "198.51.100.7");
            e.push(
                Login::success("bob", at_sec(30), "198.51.100.7")
                    .device("laptop")
                    .build(),
            );
            e
        }),
        ("a forgotten password, five tries, then a reset", {
            let mut e = brute_force("bob", 5, 40, "198.51.100.7");
            e.push(
                Login::success("bob", at_min(25), "198.51.100.7")
                    .device("laptop")
                    .build(),
            );
            e
        }),
        (
            "a phone retrying a changed password every minute",
            (0..30)
                .map(|n| {
                    Login::failure("bob", at_min(n), "100.64.3.9")
                        .device("phone")
                        .build()
                })
                .collect(),
        ),
    ];
    for (case, attempts) in cases {
        let mut events = history("bob", 3);
        events.extend(attempts);
        let alerts = of_kind(&sorted(events), AlertKind::LoginBruteForce);
        assert!(alerts.is_empty(), "{case}: {alerts:#?}");
    }
}

#[test]
fn a_success_from_the_attacking_address_makes_the_brute_force_critical() {
    let mut events = history("carol", 3);
    events.extend(brute_force("carol", 12, 20, "203.0.113.50"));
    events.push(
        Login::success("carol", at_min(5), "203.0.113.50")
            .at(crate::support::LAGOS)
            .build(),
    );

    let mut alerts = crate::support::incidents(&sorted(events));

    let brute_force = alerts
        .remove(&AlertKind::LoginBruteForce)
        .unwrap_or_default();
    assert_eq!(brute_force.len(), 1);
    assert_eq!(brute_force[0].severity, Severity::Critical);
    assert!(brute_force[0].evidence["takeover_event_id"].is_string());
    assert!(
        alerts.is_empty(),
        "the takeover is the brute force's, not another incident: {alerts:#?}"
    );
}

fn stuffing_from(addresses: &[&str], accounts: i64) -> Vec<LoginEvent> {
    (0..accounts)
        .map(|n| {
            let ip = addresses[usize::try_from(n).expect("small") % addresses.len()];
            Login::failure(&format!("user-{n}"), at_sec(n * 5), ip).build()
        })
        .collect()
}

#[test]
fn one_source_failing_across_many_accounts_is_stuffing_about_the_address_or_network() {
    for (addresses, subject) in [
        (vec!["203.0.113.77"], "203.0.113.77"),
        (
            vec!["203.0.113.10", "203.0.113.11", "203.0.113.12"],
            "203.0.113.0/24",
        ),
        (
            vec!["2001:db8:9:9::1", "2001:db8:9:9::2"],
            "2001:db8:9:9::/64",
        ),
    ] {
        let alerts = of_kind(
            &stuffing_from(&addresses, 60),
            AlertKind::LoginCredentialStuffing,
        );

        assert_eq!(alerts.len(), 1, "{subject}: {alerts:#?}");
        assert_eq!(alerts[0].subject.ip.as_deref(), Some(subject));
        assert_eq!(alerts[0].severity, Severity::High);
        assert!(alerts[0].evidence["accounts_count"].as_u64() >= Some(10));
        let sprays = of_kind(
            &stuffing_from(&addresses, 60),
            AlertKind::LoginPasswordSpraying,
        );
        assert!(sprays.is_empty(), "{subject}: one attack, one alert");
    }
}

#[test]
fn an_office_nat_with_many_users_logging_in_and_a_few_typos_stays_quiet() {
    let nat = "198.51.100.200";
    let mut events = Vec::new();
    for n in 0..120 {
        let user = format!("staff-{n}");
        let ts = at_sec(n * 20);
        if n % 8 == 0 {
            events.push(Login::failure(&user, ts, nat).build());
            events.push(Login::failure(&user, ts + chrono::TimeDelta::seconds(9), nat).build());
        }
        events.push(Login::success(&user, ts + chrono::TimeDelta::seconds(15), nat).build());
    }

    let alerts = crate::support::incidents(&sorted(events));

    assert!(alerts.is_empty(), "{alerts:#?}");
}
