use super::*;
use crate::config::MeterConfig;
use chrono::TimeDelta;

const T0: &str = "2026-03-10T10:00:00Z";

fn sample(offset_secs: i64, energy_wh: i64) -> Sample {
    Sample {
        ts: T0.parse::<DateTime<Utc>>().unwrap() + TimeDelta::seconds(offset_secs),
        energy_wh,
    }
}

fn config(modulus: Option<i64>) -> MeterConfig {
    MeterConfig {
        register_modulus_wh: modulus,
        ..MeterConfig::default()
    }
}

const GIGA: Option<i64> = Some(1_000_000_000);
const TWO_32: Option<i64> = Some(1 << 32);

#[test]
fn each_register_movement_is_classified_by_its_cause() {
    // (what, modulus, from Wh, to Wh, seconds between, expected)
    let cases = [
        (
            "an advance is measured",
            None,
            1_000,
            1_250,
            900,
            Consumption::Measured(250),
        ),
        (
            "a standstill is zero",
            None,
            1_000,
            1_000,
            900,
            Consumption::Measured(0),
        ),
        (
            "a drop without a modulus is a reset",
            None,
            5_000,
            20,
            900,
            Consumption::Reset,
        ),
        (
            "a drop just below 10^9 to a small value wraps",
            GIGA,
            999_999_900,
            50,
            900,
            Consumption::Wrapped(150),
        ),
        (
            "a drop just below 2^32 to a small value wraps",
            TWO_32,
            4_294_967_200,
            100,
            900,
            Consumption::Wrapped(196),
        ),
        (
            "a wrap landing on zero consumes up to the modulus",
            GIGA,
            999_999_999,
            0,
            900,
            Consumption::Wrapped(1),
        ),
        (
            "a drop whose wrap would exceed the power cap is a replacement",
            GIGA,
            987_654_321,
            3,
            900,
            Consumption::Reset,
        ),
        (
            "a drop from above the modulus cannot be a wrap",
            GIGA,
            1_000_000_100,
            50,
            900,
            Consumption::Reset,
        ),
        (
            "exactly the power cap is plausible",
            None,
            0,
            250_000,
            900,
            Consumption::Measured(250_000),
        ),
        (
            "one Wh over the power cap is implausible",
            None,
            0,
            250_001,
            900,
            Consumption::Implausible(250_001),
        ),
        (
            "an advance over more than the spread limit is held out",
            None,
            0,
            100,
            35 * 86_400 + 1,
            Consumption::TooLong(100),
        ),
        (
            "a wrap over more than the spread limit is a reset",
            GIGA,
            999_999_900,
            50,
            35 * 86_400 + 1,
            Consumption::Reset,
        ),
    ];
    for (what, modulus, from, to, secs, expected) in cases {
        let interval = interval_between(sample(0, from), sample(secs, to), &config(modulus));
        assert_eq!(interval.consumption, expected, "{what}");
    }
}

#[test]
fn an_interval_longer_than_cadence_times_factor_is_a_gap() {
    // Default cadence 900 s and factor 2: 1800 s is jitter, 1801 s a gap.
    let cases = [(900, false), (1_800, false), (1_801, true), (86_400, true)];
    for (secs, gap) in cases {
        let interval = interval_between(sample(0, 0), sample(secs, 10), &config(None));
        assert_eq!(interval.gap, gap, "{secs} s");
        assert_eq!(interval.consumption, Consumption::Measured(10), "{secs} s");
    }
}

#[test]
fn a_reading_given_out_of_order_has_no_time_to_consume_in() {
    let interval = interval_between(sample(900, 10), sample(0, 20), &config(None));
    assert_eq!(interval.consumption, Consumption::Implausible(10));
}

#[test]
fn only_measured_and_wrapped_consumption_is_spread() {
    assert_eq!(Consumption::Measured(7).spread_wh(), Some(7));
    assert_eq!(Consumption::Wrapped(7).spread_wh(), Some(7));
    assert_eq!(Consumption::Reset.spread_wh(), None);
    assert_eq!(Consumption::Implausible(7).spread_wh(), None);
    assert_eq!(Consumption::TooLong(7).spread_wh(), None);
}
