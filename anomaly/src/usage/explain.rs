//! The benign explanations an observation is measured against, besides
//! its own prediction: the hour before or after, and the same hour on the
//! other days of the week.

use super::clock::{Clock, Slot};
use super::model::Model;

/// How much worse than the prediction an alternative explanation must be
/// taken for the point score: `factor × distance + offset`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Penalty {
    pub(crate) factor: f64,
    pub(crate) offset: f64,
}

/// The hour before or after is accepted at `1.5 × distance + 1`: a value
/// that matches the neighbouring hour's usual is let through, a spike that
/// merely lands next to a busier hour is not.
pub(crate) const NEIGHBOUR_PENALTY: Penalty = Penalty {
    factor: 1.5,
    offset: 1.0,
};

/// Another day of the week is accepted, for drops, at `1.5 × distance +
/// 1.5`: a weekday that falls to Sunday's level is let through, one that
/// falls below it is not.
const HOLIDAY_PENALTY: Penalty = Penalty {
    factor: 1.5,
    offset: 1.5,
};

/// The same hour an hour off, on another day, is accepted for drops at
/// `1.5 × distance + 2`: a holiday in data stamped in UTC after a clock
/// change.
const HOLIDAY_SHIFTED_PENALTY: Penalty = Penalty {
    factor: 1.5,
    offset: 2.0,
};

/// Other days are consulted only once their slots have been seen this
/// many weeks, so a holiday is not excused by a single odd week.
const HOLIDAY_MIN_WEEKS: f64 = 2.0;

/// The smallest distance with and without penalties.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Best {
    /// For the point view.
    pub(crate) penalised: f64,
    /// For the views that add up over time.
    pub(crate) plain: f64,
}

impl Best {
    /// An explanation for both views.
    pub(crate) fn offer(&mut self, distance: f64, penalty: Penalty) {
        self.offer_penalised(distance, penalty);
        self.plain = self.plain.min(distance);
    }

    /// An explanation too loose to excuse a deviation that lasts: taken
    /// for the point view only.
    fn offer_penalised(&mut self, distance: f64, penalty: Penalty) {
        self.penalised = self
            .penalised
            .min(penalty.factor * distance + penalty.offset);
    }
}

/// How `y` compares with the same hour on the other days of the week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct OtherDays {
    /// Distance to the closest of them, in their deviations.
    pub(crate) closest: f64,
    /// How far `y` stands above the lowest of them, in its deviations:
    /// large when this hour tells working days from days off and this is
    /// a working day.
    pub(crate) above_lowest: f64,
}

/// Measures the same hour on every other day of the week that has been
/// seen long enough, and offers it and the hours either side of it (a
/// holiday after a clock change) to `best` when given.
pub(crate) fn other_days(
    model: &Model,
    y: f64,
    slot: Slot,
    clock: &Clock,
    mut best: Option<&mut Best>,
) -> Option<OtherDays> {
    let mut found: Option<OtherDays> = None;
    for other in clock.same_hour_each_day(slot).filter(|s| *s != slot) {
        let weeks = model.profile.week(other, clock).map_or(0.0, |(_, w)| w);
        let Some(signed) =
            signed_distance(model, y, other, clock).filter(|_| weeks >= HOLIDAY_MIN_WEEKS)
        else {
            continue;
        };
        let d = signed.abs();
        found = Some(match found {
            None => OtherDays {
                closest: d,
                above_lowest: signed,
            },
            Some(f) => OtherDays {
                closest: f.closest.min(d),
                above_lowest: f.above_lowest.max(signed),
            },
        });
        let Some(best) = best.as_deref_mut() else {
            continue;
        };
        best.offer(d, HOLIDAY_PENALTY);
        for shifted in clock.neighbours(other).into_iter().flatten() {
            let d = distance(model, y, shifted, clock);
            best.offer_penalised(d, HOLIDAY_SHIFTED_PENALTY);
        }
    }
    found
}

/// Standardised distance of `y` from the meter's own expectation at
/// another slot; infinite when that slot has not been seen.
pub(crate) fn distance(model: &Model, y: f64, slot: Slot, clock: &Clock) -> f64 {
    signed_distance(model, y, slot, clock).map_or(f64::INFINITY, f64::abs)
}

/// `(y - expectation) / spread` at another slot. None when that slot's
/// hour has no spread of its own yet: an alternative judged by a warm-up
/// spread (a young meter's neighbour hour, without the property's help)
/// would excuse anything.
fn signed_distance(model: &Model, y: f64, slot: Slot, clock: &Clock) -> Option<f64> {
    model.profile.day(slot, clock)?;
    if model.profile.scale(slot).1 <= 0.0 {
        return None;
    }
    model
        .predict(slot, None, clock)
        .map(|p| (y - p.center) / p.scale)
}
