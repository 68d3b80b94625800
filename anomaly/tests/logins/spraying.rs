//! Password spraying and low-and-slow guessing, with their look-alikes.

use chrono::TimeDelta;
use nexzo_anomaly::AlertKind;
use nexzo_schemas::LoginEvent;

use crate::support::{Login, at_min, history, incidents, of_kind, sorted, t0};

/// One password tried on `accounts` accounts, one every `gap_min` minutes,
/// rotating over `addresses` addresses in different networks.
fn spray(accounts: i64, addresses: i64, gap_min: i64) -> Vec<LoginEvent> {
    (0..accounts)
        .map(|n| {
            let ip = format!("192.0.{}.{}", n % addresses, 10 + n % 7);
            Login::failure(&format!("tenant-user-{n}"), at_min(n * gap_min), &ip).build()
        })
        .collect()
}

#[test]
fn few_tries_on_many_accounts_from_many_addresses_is_a_spray_on_the_tenant() {
    for (accounts, addresses, gap_min) in [(40, 12, 3), (25, 5, 6), (80, 30, 1)] {
        let alerts = of_kind(
            &spray(accounts, addresses, gap_min),
            AlertKind::LoginPasswordSpraying,
        );

        assert_eq!(
            alerts.len(),
            1,
            "{accounts}/{addresses}/{gap_min}: {alerts:#?}"
        );
        assert_eq!(alerts[0].tenant_id, "t1");
        assert_eq!(alerts[0].subject.user_id, None);
        assert!(alerts[0].evidence["accounts_count"].as_u64() >= Some(10));
    }
}

#[test]
fn users_who_fail_from_their_own_networks_and_get_in_later_stay_quiet() {
    let mut events = Vec::new();
    for n in 0..30 {
        let user = format!("resident-{n}");
        let home = format!("198.18.{n}.4");
        events.extend(history(&user, 2).into_iter().map(|mut e| {
            e.source_ip = home.parse().expect("address");
            e
        }));
        let ts = at_min(n * 4);
        events.push(Login::failure(&user, ts, &home).device("laptop").build());
        let later = ts + TimeDelta::minutes(20);
        events.push(Login::success(&user, later, &home).device("laptop").build());
    }

    let alerts = incidents(&sorted(events));

    assert!(alerts.is_empty(), "{alerts:#?}");
}

#[test]
fn a_failure_every_half_hour_on_one_account_for_a_day_is_low_and_slow() {
    let mut events = history("dave", 3);
    for n in 0..30 {
        let ip = format!("192.0.2.{}", 1 + n % 3);
        events.push(Login::failure("dave", at_min(n * 35), &ip).build());
    }

    let alerts = of_kind(&sorted(events), AlertKind::LoginLowAndSlow);

    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].subject.user_id.as_deref(), Some("dave"));
    assert_eq!(alerts[0].subject.ip.as_deref(), Some("192.0.2.0/24"));
    assert!(of_kind(&sorted(history("dave", 0)), AlertKind::LoginBruteForce).is_empty());
}

#[test]
fn one_address_trying_another_account_every_forty_minutes_is_low_and_slow_about_it() {
    let events: Vec<LoginEvent> = (0..20)
        .map(|n| Login::failure(&format!("acct-{n}"), at_min(n * 40), "203.0.113.99").build())
        .collect();

    let alerts = of_kind(&events, AlertKind::LoginLowAndSlow);

    assert_eq!(alerts.len(), 1, "{alerts:#?}");
    assert_eq!(alerts[0].subject.ip.as_deref(), Some("203.0.113.99"));
    assert_eq!(alerts[0].subject.user_id, None);
}

#[test]
fn a_burst_then_one_more_failure_a_day_later_is_brute_force_only() {
    let mut events = history("erin", 3);
    for n in 0..30 {
        events
            .push(Login::failure("erin", t0() + TimeDelta::seconds(n * 4), "203.0.113.5").build());
    }
    events.push(Login::failure("erin", t0() + TimeDelta::hours(23), "203.0.113.6").build());

    let alerts = incidents(&sorted(events));

    let kinds: Vec<AlertKind> = alerts.keys().copied().collect();
    assert_eq!(kinds, [AlertKind::LoginBruteForce], "{alerts:#?}");
}
