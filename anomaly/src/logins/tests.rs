//! Unit tests of the helpers; the detector's behaviour is tested in
//! `anomaly/tests/logins/`.

use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::geo::distance_km;
use super::network::network_of;
use super::window::{Known, Timed, Window};

fn ip(text: &str) -> IpAddr {
    text.parse().expect("test address")
}

#[test]
fn addresses_group_into_slash_24_and_slash_64_networks() {
    for (address, network) in [
        ("203.0.113.77", "203.0.113.0/24"),
        ("203.0.113.0", "203.0.113.0/24"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64"),
        ("2001:db8::1", "2001:db8::/64"),
    ] {
        assert_eq!(network_of(ip(address)), network, "{address}");
    }
}

#[test]
fn distances_match_known_city_pairs_within_one_percent() {
    for ((lat1, lon1), (lat2, lon2), km) in [
        ((52.52, 13.405), (40.7128, -74.006), 6385.0),
        ((52.52, 13.405), (52.52, 13.405), 0.0),
        ((51.5074, -0.1278), (48.8566, 2.3522), 344.0),
    ] {
        let got = distance_km(lat1, lon1, lat2, lon2);
        assert!((got - km).abs() <= km * 0.01 + 0.5, "{got} vs {km}");
    }
}

#[derive(Debug)]
struct At(DateTime<Utc>, u32);

impl Timed for At {
    fn ts(&self) -> DateTime<Utc> {
        self.0
    }
}

fn minute(m: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0)
        .single()
        .expect("valid")
        + TimeDelta::minutes(m)
}

#[test]
fn a_late_entry_is_slotted_in_time_order_and_the_cap_drops_the_oldest() {
    let mut window = Window::default();
    for (m, id) in [(1, 1), (5, 2), (3, 3)] {
        assert!(window.insert(At(minute(m), id), 3).is_empty());
    }
    let order: Vec<u32> = window.iter().map(|a| a.1).collect();
    assert_eq!(order, [1, 3, 2]);

    let evicted = window.insert(At(minute(4), 4), 3);
    assert_eq!(evicted.iter().map(|a| a.1).collect::<Vec<_>>(), [1]);
    assert_eq!(window.between(minute(3), minute(4)).count(), 2);
    assert_eq!(window.evict_before(minute(5)).len(), 2);
    assert_eq!(window.iter().count(), 1);
}

#[test]
fn the_least_recently_seen_known_thing_is_forgotten_first() {
    let mut known = Known::default();
    known.learn("laptop", minute(0), 2);
    known.learn("phone", minute(1), 2);
    known.learn("laptop", minute(2), 2);
    known.learn("tablet", minute(3), 2);
    assert!(known.contains("laptop") && known.contains("tablet"));
    assert!(!known.contains("phone"));
    assert_eq!(known.count("laptop"), 2);
}
