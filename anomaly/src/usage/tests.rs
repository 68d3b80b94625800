//! Unit tests of the usage detector's parts; its behaviour as a whole is
//! tested through the public API in `anomaly/tests/usage`.

use chrono::{TimeDelta, TimeZone, Utc};

use super::clock::{Clock, Slot};
use super::config::UsageConfig;
use super::flatline::Run;
use super::holiday::HolidayRun;
use super::model::Model;
use super::score::{score, surprise_at};

fn clock(cadence_secs: u32) -> Clock {
    Clock::new(&UsageConfig::with_cadence(cadence_secs))
}

#[test]
fn monday_midnight_opens_the_week_and_sunday_at_eleven_closes_it() {
    let clock = clock(900);
    let monday = Utc
        .with_ymd_and_hms(2025, 1, 6, 0, 0, 0)
        .single()
        .expect("date");
    let sunday_late = monday + TimeDelta::days(6) + TimeDelta::minutes(23 * 60 + 45);

    assert_eq!(clock.slot(monday, 0), Slot { week: 0, day: 0 });
    assert_eq!(clock.slot(sunday_late, 0), Slot { week: 167, day: 23 });
    assert_eq!(
        clock.slot(monday, -3600),
        Slot { week: 167, day: 23 },
        "local clock"
    );
    assert_eq!((clock.week_len(), clock.day_len()), (168, 24));
}

#[test]
fn a_daily_meter_has_seven_slots_and_no_neighbouring_hours() {
    let clock = clock(86_400);
    let wednesday = Utc
        .with_ymd_and_hms(2025, 1, 8, 0, 0, 0)
        .single()
        .expect("date");
    let slot = clock.slot(wednesday, 0);

    assert_eq!(slot, Slot { week: 2, day: 0 });
    assert_eq!((clock.week_len(), clock.day_len()), (7, 1));
    assert!(clock.neighbours(slot).is_none());
    assert_eq!(clock.same_hour_each_day(slot).count(), 7);
}

#[test]
fn the_score_rises_with_surprise_and_maps_back() {
    let surprises = [0.0, 2.0, 4.0, 5.0, 6.0, 8.0];
    let scores: Vec<f64> = surprises.iter().map(|u| score(*u)).collect();

    assert!(
        scores.windows(2).all(|pair| pair[0] < pair[1]),
        "{scores:?}"
    );
    assert!(scores[1] < 0.05, "two deviations are nothing");
    assert!(scores[5] > 0.95);
    for value in [0.3, 0.7, 0.9] {
        assert!((score(surprise_at(value)) - value).abs() < 1e-9);
    }
}

#[test]
fn two_holiday_like_days_in_a_row_are_excused_and_a_third_is_not() {
    let mut run = HolidayRun::default();
    let mut excused = Vec::new();
    for day in 100..104 {
        excused.push(run.allows(day));
        run.record(day);
    }
    run.ordinary(110);

    assert_eq!(excused, vec![true, true, false, false]);
    assert!(run.allows(106), "after a gap, a new holiday");
    assert!(
        !run.allows(110),
        "a day shown to be ordinary excuses no drop"
    );
}

#[test]
fn a_value_that_never_repeats_looks_stuck_after_an_hour_of_repeats() {
    let start = Utc
        .with_ymd_and_hms(2025, 1, 6, 0, 0, 0)
        .single()
        .expect("date");
    let mut run = Run::default();
    let mut surprises = Vec::new();
    for i in 0..8 {
        run.push(4.2, 0.001, start + TimeDelta::minutes(15 * i));
        surprises.push(run.surprise(900, 3, 3600));
    }

    assert_eq!(surprises[0], 0.0, "one value is no run");
    assert!(surprises.windows(2).all(|pair| pair[0] <= pair[1]));
    assert!(surprises[3] < surprises[4], "ramped in over the first hour");
    assert!(
        surprises[4] > surprise_at(0.7),
        "an hour of repeats is stuck"
    );
    run.interrupt();
    assert_eq!(run.surprise(900, 3, 3600), 0.0);
}

#[test]
fn moving_the_log_floor_keeps_what_was_learned_in_place() {
    let clock = clock(3600);
    let share = UsageConfig::default().floor_share_of_mean;
    let start = Utc
        .with_ymd_and_hms(2025, 1, 6, 0, 0, 0)
        .single()
        .expect("date");
    let mut model = Model::new(&clock);
    for i in 0..24 * 14 {
        let ts = start + TimeDelta::hours(i);
        let value = if i % 24 < 12 { 10.0 } else { 1.0 };
        let y = model.log_value(value, share);
        let slot = clock.slot(ts, 0);
        let pred = model.predict(slot, None, &clock);
        model.learn(value, y, slot, pred.as_ref(), &clock);
    }
    let raw = |model: &Model, hour: i64| {
        let slot = clock.slot(start + TimeDelta::hours(hour), 0);
        let pred = model.predict(slot, None, &clock).expect("learned");
        pred.center.exp() - model.floor
    };
    let (busy, quiet) = (raw(&model, 3), raw(&model, 15));

    let mut moved = model.clone();
    super::model::remap_floor(&mut moved, model.floor * 3.0);

    assert!(
        (raw(&moved, 3) / busy - 1.0).abs() < 0.02,
        "{} vs {busy}",
        raw(&moved, 3)
    );
    assert!(
        (raw(&moved, 15) / quiet - 1.0).abs() < 0.05,
        "{} vs {quiet}",
        raw(&moved, 15)
    );
}
