//! Many meters held together.

use crate::support::{BERLIN, at};
use nexzo_stream::{MeterConfig, MeterStream, Outcome, ReadingPoint, StreamState, UntrackedMeter};

fn reading(meter: &str, ts: &str, energy_wh: i64) -> ReadingPoint {
    ReadingPoint {
        meter_id: meter.into(),
        ts: at(ts),
        energy_wh,
    }
}

fn tracked(meters: &[&str]) -> StreamState {
    let mut state = StreamState::new();
    for meter in meters {
        state.insert(MeterStream::new(*meter, MeterConfig::default(), BERLIN).unwrap());
    }
    state
}

#[test]
fn a_reading_for_an_untracked_meter_is_handed_back_as_an_error() {
    let mut state = tracked(&["m-1"]);
    let err = state.push(&reading("m-2", "10:00", 1)).unwrap_err();
    assert_eq!(
        err,
        UntrackedMeter {
            meter_id: "m-2".into()
        }
    );
    assert_eq!(state.len(), 1);
}

#[test]
fn one_meters_readings_never_move_another_meters_watermark() {
    let mut state = tracked(&["m-1", "m-2"]);
    state.push(&reading("m-1", "10:00", 0)).unwrap();
    state.push(&reading("m-1", "18:00", 100)).unwrap();
    let other = state.push(&reading("m-2", "10:00", 0)).unwrap();
    assert_eq!(
        other.outcome,
        Outcome::Applied,
        "m-1's watermark is 16:00, m-2 has none"
    );
    assert_eq!(state.get("m-2").unwrap().watermark(), Some(at("08:00")));
}

#[test]
fn idle_ticks_close_every_quiet_meters_windows_in_meter_order() {
    let mut state = tracked(&["m-2", "m-1"]);
    for meter in ["m-1", "m-2"] {
        for (ts, wh) in [("10:00", 0), ("10:15", 10), ("10:30", 20)] {
            state.push(&reading(meter, ts, wh)).unwrap();
        }
    }
    let closed: Vec<(String, bool)> = state
        .on_idle(at("20:00"))
        .into_iter()
        .map(|u| (u.meter_id, u.is_final))
        .collect();
    let expected = [("m-1", true), ("m-1", true), ("m-2", true), ("m-2", true)];
    assert_eq!(closed, expected.map(|(m, f)| (m.to_owned(), f)));
    assert_eq!(state.checkpoints().len(), 2);
    assert!(state.remove("m-1").is_some() && state.get("m-1").is_none());
}
