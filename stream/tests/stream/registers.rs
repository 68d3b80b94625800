//! What the register does between readings, as seen in the buckets.

use crate::support::{METER, at, current, push_all, render, stream, with_modulus};
use nexzo_stream::{Consumption, MeterConfig, Outcome};

#[test]
fn readings_straddling_quarter_hours_are_split_by_time_and_add_up_exactly() {
    // A half-hourly meter, so that 35 minutes between readings is no gap.
    let mut meter = stream(MeterConfig {
        expected_cadence_secs: 1_800,
        ..MeterConfig::default()
    });
    let mut updates = push_all(&mut meter, &[("10:05", 1_000), ("10:40", 1_100)]);

    // 10:40 to 11:10 is 5, 15 and 10 minutes in three quarter-hours; the
    // third push republishes in full only the buckets it changed.
    let third = meter.push(at("11:10"), 1_160);
    assert_eq!(
        render(&third.updates),
        [
            "15m 03-10T10:30 38",
            "15m 03-10T10:45 30",
            "15m 03-10T11:00 20",
            "1h 03-10T10:00 140",
            "1h 03-10T11:00 20",
            "1d 03-09T23:00 160",
        ]
    );
    updates.extend(third.updates);

    // 100 Wh over 10, 15 and 10 minutes is 28.6, 42.9 and 28.6: the spare
    // Wh go to the largest remainder, then to the earliest of a tie.
    assert_eq!(
        current(&updates),
        [
            "15m 03-10T10:00 29",
            "15m 03-10T10:15 43",
            "15m 03-10T10:30 38",
            "15m 03-10T10:45 30",
            "15m 03-10T11:00 20",
            "1h 03-10T10:00 140",
            "1h 03-10T11:00 20",
            "1d 03-09T23:00 160",
        ]
    );
}

#[test]
fn a_register_wrapping_at_its_modulus_counts_the_consumption_across_the_wrap() {
    let mut meter = stream(with_modulus(1_000_000_000));
    let mut updates = push_all(&mut meter, &[("10:00", 999_999_900)]);
    let wrap = meter.push(at("10:15"), 50);
    assert_eq!(wrap.intervals[0].consumption, Consumption::Wrapped(150));
    updates.extend(wrap.updates);
    updates.extend(push_all(&mut meter, &[("10:30", 250)]));

    assert_eq!(
        current(&updates),
        [
            "15m 03-10T10:00 150 rollovers=1",
            "15m 03-10T10:15 200",
            "1h 03-10T10:00 350 rollovers=1",
            "1d 03-09T23:00 350 rollovers=1",
        ]
    );
}

#[test]
fn a_register_that_drops_is_a_reset_whose_interval_is_unknown() {
    let mut meter = stream(MeterConfig::default());
    let readings = [
        ("10:00", 5_000),
        ("10:15", 5_100),
        ("10:30", 20),
        ("10:45", 120),
    ];
    let updates = push_all(&mut meter, &readings);

    // Counting resumes from 20 Wh; the quarter-hour of the drop says its
    // value is a lower bound.
    assert_eq!(
        current(&updates),
        [
            "15m 03-10T10:00 100",
            "15m 03-10T10:15 0 resets=1",
            "15m 03-10T10:30 100",
            "1h 03-10T10:00 200 resets=1",
            "1d 03-09T23:00 200 resets=1",
        ]
    );
    let dropped = updates.iter().rfind(|u| u.start == at("10:15")).unwrap();
    assert!(!dropped.flags.is_complete());
}

#[test]
fn a_replaced_meter_starts_a_new_segment_even_where_a_wrap_is_possible() {
    // Wrapping from 987,654,400 to 3 would mean 12.3 MWh in 15 minutes:
    // far over the 1 MW cap, so this is a new meter, not a wrap.
    let mut meter = stream(with_modulus(1_000_000_000));
    let mut updates = push_all(
        &mut meter,
        &[("10:00", 987_654_321), ("10:15", 987_654_400)],
    );
    let swap = meter.push(at("10:30"), 3);
    assert_eq!(swap.outcome, Outcome::Applied);
    assert_eq!(swap.intervals[0].consumption, Consumption::Reset);
    updates.extend(swap.updates);
    updates.extend(push_all(&mut meter, &[("10:45", 60)]));

    assert_eq!(
        current(&updates),
        [
            "15m 03-10T10:00 79",
            "15m 03-10T10:15 0 resets=1",
            "15m 03-10T10:30 57",
            "1h 03-10T10:00 136 resets=1",
            "1d 03-09T23:00 136 resets=1",
        ]
    );
}

#[test]
fn a_gap_is_spread_over_the_quarter_hours_it_covers_and_they_are_estimated() {
    let mut meter = stream(MeterConfig::default());
    let updates = push_all(
        &mut meter,
        &[("10:00", 1_000), ("11:00", 1_400), ("11:15", 1_450)],
    );

    // Counts add up over quarter-hours: the hour holds four gap quarters.
    assert_eq!(
        current(&updates),
        [
            "15m 03-10T10:00 100 estimated gaps=1",
            "15m 03-10T10:15 100 estimated gaps=1",
            "15m 03-10T10:30 100 estimated gaps=1",
            "15m 03-10T10:45 100 estimated gaps=1",
            "15m 03-10T11:00 50",
            "1h 03-10T10:00 400 estimated gaps=4",
            "1h 03-10T11:00 50",
            "1d 03-09T23:00 450 estimated gaps=4",
        ]
    );
}

#[test]
fn an_advance_above_the_power_cap_is_flagged_and_kept_out_of_the_buckets() {
    let config = MeterConfig {
        max_power_w: 10_000,
        ..MeterConfig::default()
    };
    let mut meter = stream(config);
    // 10 kW for 15 minutes is 2,500 Wh; 2,501 Wh is one too many.
    let readings = [
        ("10:00", 0),
        ("10:15", 2_500),
        ("10:30", 5_001),
        ("10:45", 5_101),
    ];
    let updates = push_all(&mut meter, &readings);

    assert_eq!(
        current(&updates),
        [
            "15m 03-10T10:00 2500",
            "15m 03-10T10:15 0 implausible=1",
            "15m 03-10T10:30 100",
            "1h 03-10T10:00 2600 implausible=1",
            "1d 03-09T23:00 2600 implausible=1",
        ]
    );
}

#[test]
fn a_repeated_reading_is_ignored_and_a_conflicting_one_keeps_the_first_value() {
    let mut meter = stream(MeterConfig::default());
    let mut updates = push_all(&mut meter, &[("10:00", 1_000), ("10:15", 1_100)]);

    let repeat = meter.push(at("10:15"), 1_100);
    assert_eq!(repeat.outcome, Outcome::Duplicate);
    assert!(repeat.updates.is_empty() && repeat.intervals.is_empty());

    let conflict = meter.push(at("10:15"), 1_180);
    assert_eq!(conflict.outcome, Outcome::Conflict { kept_wh: 1_100 });
    assert!(
        conflict
            .updates
            .iter()
            .all(|u| u.flags.conflicts == 1 && u.meter_id == METER)
    );
    updates.extend(conflict.updates);

    // The next interval counts from the kept 1,100 Wh, not 1,180.
    updates.extend(push_all(&mut meter, &[("10:30", 1_200)]));
    assert_eq!(
        current(&updates),
        [
            "15m 03-10T10:00 100",
            "15m 03-10T10:15 100 conflicts=1",
            "1h 03-10T10:00 200 conflicts=1",
            "1d 03-09T23:00 200 conflicts=1",
        ]
    );
}

#[test]
fn a_register_outside_the_contract_range_is_not_applied() {
    let mut meter = stream(MeterConfig::default());
    for energy_wh in [-1, 1 << 53] {
        let pushed = meter.push(at("10:00"), energy_wh);
        assert_eq!(pushed.outcome, Outcome::RegisterOutOfRange, "{energy_wh}");
    }
    assert_eq!(meter.watermark(), None, "nothing was taken in");
}
