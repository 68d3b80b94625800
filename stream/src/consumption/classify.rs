//! Telling a register's advance from a wrap, a reset and a misreading.

use super::{Consumption, Interval, Sample};
use crate::config::MeterConfig;
use crate::time::nanos;
use chrono::TimeDelta;

/// Wh × this = W × ns: one Wh is 3600 W·s.
const NANOS_PER_HOUR: i128 = 3_600_000_000_000;

/// What the register did between two successive readings of one meter.
///
/// A drop counts as a wrap only when the meter has a modulus, both values
/// lie below it, and the wrapped advance is plausible under the power cap;
/// the cap is what turns "just below the modulus to a small value" into a
/// number. Any other drop is a reset (a meter replacement looks the same).
///
/// `from` is expected to be the earlier reading; if it is not, the interval
/// has no duration and any advance over it is implausible.
pub fn interval_between(from: Sample, to: Sample, config: &MeterConfig) -> Interval {
    let span = to.ts - from.ts;
    Interval {
        start: from.ts,
        end: to.ts,
        consumption: consumption(from.energy_wh, to.energy_wh, span, config),
        gap: span > config.gap_threshold(),
    }
}

fn consumption(from_wh: i64, to_wh: i64, span: TimeDelta, config: &MeterConfig) -> Consumption {
    let advance = to_wh - from_wh;
    if advance < 0 {
        return wrap(from_wh, to_wh, span, config).unwrap_or(Consumption::Reset);
    }
    if !plausible(advance, span, config.max_power_w) {
        return Consumption::Implausible(advance);
    }
    if span > config.max_spread() {
        return Consumption::TooLong(advance);
    }
    Consumption::Measured(advance)
}

/// The consumption across a wrap, when a wrap explains the drop.
fn wrap(from_wh: i64, to_wh: i64, span: TimeDelta, config: &MeterConfig) -> Option<Consumption> {
    let modulus = config.register_modulus_wh?;
    if from_wh >= modulus || to_wh < 0 {
        return None;
    }
    let wrapped = modulus - from_wh + to_wh;
    if !plausible(wrapped, span, config.max_power_w) {
        return None;
    }

    // A wrap is inferred, never measured: over a span too long to spread
    // the inference is too weak to stand on, so it is a reset.
    (span <= config.max_spread()).then_some(Consumption::Wrapped(wrapped))
}

/// `wh` over `span` averages at most `max_power_w`.
fn plausible(wh: i64, span: TimeDelta, max_power_w: i64) -> bool {
    i128::from(wh) * NANOS_PER_HOUR <= i128::from(max_power_w) * nanos(span)
}
