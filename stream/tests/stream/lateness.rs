//! Late readings, the watermark, and when buckets become final.

use crate::support::{at, current, every_quarter, push_all, render, stream};
use nexzo_stream::{MeterConfig, Outcome};

#[test]
fn a_late_reading_within_the_lateness_republishes_the_buckets_it_corrects_in_full() {
    let mut late = stream(MeterConfig::default());
    let mut updates = push_all(&mut late, &[("10:00", 0), ("10:15", 100), ("10:45", 400)]);

    // Before it, 300 Wh over 10:15–10:45 split evenly; it says 200 then 100.
    let correction = late.push(at("10:30"), 300);
    assert_eq!(correction.outcome, Outcome::Applied);
    assert_eq!(
        correction.intervals.len(),
        2,
        "it split one interval in two"
    );
    assert_eq!(
        render(&correction.updates),
        ["15m 03-10T10:15 200", "15m 03-10T10:30 100"],
        "full values, and the unchanged hour and day are not republished"
    );
    updates.extend(correction.updates);

    let mut in_order = stream(MeterConfig::default());
    let ordered = push_all(
        &mut in_order,
        &[("10:00", 0), ("10:15", 100), ("10:30", 300), ("10:45", 400)],
    );
    assert_eq!(current(&updates), current(&ordered));
}

#[test]
fn a_reading_later_than_the_lateness_is_returned_as_too_late_and_changes_nothing() {
    let mut meter = stream(MeterConfig::default());
    for (ts, wh) in every_quarter("10:00", "13:00", 0, 100) {
        assert_eq!(meter.push(ts, wh).outcome, Outcome::Applied);
    }
    let before = meter.checkpoint();

    // The newest reading is 13:00 and the lateness two hours. The second
    // is a redelivery of a reading applied long ago.
    for (ts, wh) in [("10:50", 560), ("10:45", 300)] {
        let pushed = meter.push(at(ts), wh);
        let watermark = at("11:00");
        assert_eq!(pushed.outcome, Outcome::TooLate { watermark }, "{ts}");
        assert!(
            pushed.updates.is_empty() && pushed.intervals.is_empty(),
            "{ts}"
        );
    }
    assert_eq!(
        meter.checkpoint(),
        before,
        "the stream's state is untouched"
    );
}

#[test]
fn buckets_close_once_the_watermark_has_passed_a_reading_after_them() {
    let mut meter = stream(MeterConfig::default());
    let updates = push_all(&mut meter, &[("10:00", 0), ("10:15", 100), ("10:30", 200)]);
    assert!(updates.iter().all(|u| !u.is_final));

    // 12:20 puts the watermark at 10:20: the reading at 10:15 is settled,
    // and so is every bucket ending by then.
    let pushed = meter.push(at("12:20"), 1_000);
    let finals: Vec<String> = render(pushed.updates.iter().filter(|u| u.is_final));
    assert_eq!(finals, ["15m 03-10T10:00 100 final"]);
}

#[test]
fn a_gap_the_watermark_sits_in_stays_provisional_while_a_late_reading_could_divide_it() {
    let mut meter = stream(MeterConfig::default());
    let mut updates = push_all(&mut meter, &[("10:00", 0), ("13:00", 1_200)]);
    assert!(
        updates.iter().all(|u| !u.is_final),
        "10:00–11:00 is behind the watermark, yet open"
    );

    // Inside the gap and within the lateness: the gap is divided anew.
    updates.extend(push_all(&mut meter, &[("11:30", 900)]));
    updates.extend(push_all(&mut meter, &[("13:45", 1_300)]));

    // The watermark is now 11:45, past the 11:30 reading: 10:00–11:30 is
    // settled at 150 Wh per quarter-hour, the rest at 50.
    let settled: Vec<String> = current(&updates)
        .into_iter()
        .filter(|l| l.starts_with("15m"))
        .collect();
    assert_eq!(
        settled[..8],
        [
            "15m 03-10T10:00 150 estimated gaps=1 final",
            "15m 03-10T10:15 150 estimated gaps=1 final",
            "15m 03-10T10:30 150 estimated gaps=1 final",
            "15m 03-10T10:45 150 estimated gaps=1 final",
            "15m 03-10T11:00 150 estimated gaps=1 final",
            "15m 03-10T11:15 150 estimated gaps=1 final",
            "15m 03-10T11:30 50 estimated gaps=1",
            "15m 03-10T11:45 50 estimated gaps=1",
        ]
    );
}

#[test]
fn an_idle_timeout_closes_the_windows_of_a_quiet_meter() {
    let mut meter = stream(MeterConfig::default());
    let mut updates = push_all(&mut meter, &[("10:00", 0), ("10:15", 100), ("10:30", 200)]);

    assert!(
        meter.on_idle(at("10:45")).is_empty(),
        "not idle for four hours yet"
    );

    // Four hours of silence after 10:45: the watermark moves to 10:45 by
    // processing time. What lies before the last reading closes; the
    // quarter-hour after it waits for the meter to say what it used.
    let idle = meter.on_idle(at("14:45"));
    assert_eq!(
        render(&idle),
        ["15m 03-10T10:00 100 final", "15m 03-10T10:15 100 final"]
    );
    assert_eq!(meter.watermark(), Some(at("10:45")));
    updates.extend(idle);

    let stale = meter.push(at("10:40"), 250);
    assert_eq!(
        stale.outcome,
        Outcome::TooLate {
            watermark: at("10:45")
        }
    );

    updates.extend(push_all(&mut meter, &[("11:00", 300)]));
    let idle = meter.on_idle(at("16:00"));
    assert_eq!(
        render(&idle),
        [
            "15m 03-10T10:30 50 final",
            "15m 03-10T10:45 50 final",
            "1h 03-10T10:00 300 final"
        ]
    );
    updates.extend(idle);
    assert_eq!(
        current(&updates).last().unwrap(),
        "1d 03-09T23:00 300",
        "the day is still open"
    );
}
