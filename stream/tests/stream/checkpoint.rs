//! A checkpoint taken mid-stream, serialised and restored in a new stream,
//! resumes exactly as if nothing had happened.

use crate::support::{BERLIN, METER, at, with_modulus};
use chrono::{DateTime, TimeDelta, Utc};
use nexzo_stream::{
    BucketUpdate, CHECKPOINT_VERSION, Checkpoint, MeterConfig, MeterStream, Outcome, RestoreError,
};

/// What the stream is given, in arrival order.
#[derive(Clone, Copy)]
enum Event {
    Reading(DateTime<Utc>, i64),
    Idle(DateTime<Utc>),
}

/// Two and a half days of readings every seven minutes, with jittered
/// timestamps, swapped neighbours, repeats and conflicts, a gap, a meter
/// reset, a wrap, idle ticks and readings the idle timeout overtook:
/// everything the stream keeps state for.
fn eventful_series() -> Vec<Event> {
    let t0 = at("2026-10-24T06:00:00Z");
    let mut readings = Vec::new();
    let mut register = 999_990_000_i64;
    for k in 0..540_i64 {
        register += (k * k) % 90;
        if k == 300 {
            register = 5;
        }
        if (100..=112).contains(&k) {
            continue;
        }
        let ts = t0 + TimeDelta::minutes(7 * k) + TimeDelta::seconds((k * 37) % 50);
        readings.push((ts, register % 1_000_000_000));
    }

    let mut events: Vec<Event> = Vec::new();
    for (i, &(ts, wh)) in readings.iter().enumerate() {
        events.push(Event::Reading(ts, wh));
        if i % 17 == 0 {
            events.push(Event::Reading(ts, wh));
        }
        if i % 29 == 0 {
            events.push(Event::Reading(ts, wh + 1));
        }
        if i % 40 == 0 {
            events.push(Event::Idle(ts + TimeDelta::minutes(30)));
        }
        // Silence long enough for the idle timeout to overtake the next
        // hour of readings: they arrive too late.
        if i == 200 {
            events.push(Event::Idle(ts + TimeDelta::hours(5)));
        }
    }
    for pair in events.chunks_mut(11) {
        pair.swap(0, 1);
    }
    events
}

/// What one event did: the reading's outcome (none for an idle tick) and
/// the updates published.
type Played = (Option<Outcome>, Vec<BucketUpdate>);

fn play(stream: &mut MeterStream, events: &[Event]) -> Vec<Played> {
    let step = |event: &Event| match *event {
        Event::Reading(ts, wh) => {
            let pushed = stream.push(ts, wh);
            (Some(pushed.outcome), pushed.updates)
        }
        Event::Idle(now) => (None, stream.on_idle(now)),
    };
    events.iter().map(step).collect()
}

fn config() -> MeterConfig {
    with_modulus(1_000_000_000)
}

/// Plays `events[..split]`, checkpoints through JSON into a new stream,
/// and plays the rest there.
fn play_interrupted(events: &[Event], split: usize) -> (MeterStream, Vec<Played>) {
    let mut before = MeterStream::new(METER, config(), BERLIN).unwrap();
    play(&mut before, &events[..split]);
    let saved = serde_json::to_string(&before.checkpoint()).unwrap();
    drop(before);

    let checkpoint: Checkpoint = serde_json::from_str(&saved).unwrap();
    let mut after = MeterStream::restore(checkpoint, config(), BERLIN).unwrap();
    let resumed = play(&mut after, &events[split..]);
    (after, resumed)
}

#[test]
fn a_restored_checkpoint_resumes_exactly_like_an_uninterrupted_run() {
    let events = eventful_series();
    let mut uninterrupted = MeterStream::new(METER, config(), BERLIN).unwrap();
    let expected = play(&mut uninterrupted, &events);

    // Each moment is a different state to carry over: every idle tick, and
    // a spread of others (inside a gap, between a reading and its repeat).
    let after_idle = |split: usize| split > 0 && matches!(events[split - 1], Event::Idle(_));
    let splits = (0..=events.len()).filter(|&split| split % 9 == 0 || after_idle(split));
    for split in splits {
        let (after, resumed) = play_interrupted(&events, split);
        assert_eq!(
            resumed,
            expected[split..],
            "checkpoint after {split} events"
        );
        assert_eq!(
            after.checkpoint(),
            uninterrupted.checkpoint(),
            "after {split}"
        );
    }

    // The series really exercised what a checkpoint carries.
    let outcomes: Vec<Outcome> = expected.iter().filter_map(|(o, _)| *o).collect();
    for kind in [Outcome::Duplicate, Outcome::Applied] {
        assert!(outcomes.contains(&kind), "{kind:?}");
    }
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, Outcome::Conflict { .. }))
    );
    assert!(
        outcomes
            .iter()
            .any(|o| matches!(o, Outcome::TooLate { .. }))
    );
    let finals = expected
        .iter()
        .flat_map(|(_, u)| u)
        .filter(|u| u.is_final)
        .count();
    assert!(finals > 300, "{finals} final buckets");
}

#[test]
fn a_checkpoint_is_refused_in_another_time_zone() {
    let mut meter = MeterStream::new(METER, config(), BERLIN).unwrap();
    meter.push(at("10:00"), 5);
    let err =
        MeterStream::restore(meter.checkpoint(), config(), chrono_tz::Europe::Lisbon).unwrap_err();
    assert_eq!(
        err,
        RestoreError::TimeZoneChanged {
            meter_id: METER.into(),
            saved: "Europe/Berlin".into(),
            given: "Europe/Lisbon".into(),
        }
    );
}

#[test]
fn a_checkpoint_of_another_layout_is_refused() {
    let meter = MeterStream::new(METER, config(), BERLIN).unwrap();
    let mut saved = serde_json::to_value(meter.checkpoint()).unwrap();
    let other = CHECKPOINT_VERSION + 1;
    saved["version"] = other.into();
    let checkpoint: Checkpoint = serde_json::from_value(saved).unwrap();
    let err = MeterStream::restore(checkpoint, config(), BERLIN).unwrap_err();
    assert_eq!(err, RestoreError::UnsupportedVersion { found: other });
}

#[test]
fn a_checkpoint_naming_an_interval_kind_this_layout_never_writes_is_refused() {
    let mut meter = MeterStream::new(METER, config(), BERLIN).unwrap();
    meter.push(at("10:00"), 1_000);
    meter.push(at("10:05"), 1_050);
    let mut saved = serde_json::to_value(meter.checkpoint()).unwrap();
    // An interval is [start, end, kind, Wh, gap].
    saved["intervals"][0][2] = 9.into();
    let checkpoint: Checkpoint = serde_json::from_value(saved).unwrap();
    let err = MeterStream::restore(checkpoint, config(), BERLIN).unwrap_err();
    assert_eq!(
        err,
        RestoreError::UnknownIntervalKind {
            meter_id: METER.into(),
            code: 9
        }
    );
}
