//! The four views of one observation, and which kind of incident the
//! strongest of them reports.

use serde::Serialize;

use crate::alert::AlertKind;

/// Off-hours load is "modest" up to this multiple of the meter's mean:
/// more than that at a normally quiet hour is a spike, whatever the hour.
const OFF_HOURS_MAX_SHARE_OF_MEAN: f64 = 2.0;

/// Which view of an observation carried its score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Component {
    /// This one value against its slot.
    Point,
    /// A deviation lasting hours.
    Sustained,
    /// A lasting move of the level.
    Level,
    /// Sustained load at normally quiet hours.
    OffHours,
    /// A run of identical values.
    Flatline,
}

/// Every view's surprise, on the one scale the score is a function of.
/// `point`, `sustained` and `level` are signed: positive above normal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Components {
    pub(crate) point: f64,
    pub(crate) sustained: f64,
    pub(crate) level: f64,
    pub(crate) off_hours: f64,
    pub(crate) flatline: f64,
}

impl Components {
    /// The strongest view and its (unsigned) surprise.
    pub(crate) fn strongest(&self) -> (Component, f64) {
        [
            (Component::Point, self.point.abs()),
            (Component::Sustained, self.sustained.abs()),
            (Component::Level, self.level.abs()),
            (Component::OffHours, self.off_hours),
            (Component::Flatline, self.flatline),
        ]
        .into_iter()
        .fold((Component::Point, 0.0), |best, next| {
            if next.1 > best.1 { next } else { best }
        })
    }
}

/// What else is known when an episode opens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Context {
    /// The slot is one of the meter's quiet hours and the value exceeds
    /// its usual by a load worth reporting.
    pub(crate) left_on: bool,
    /// The value over the meter's mean.
    pub(crate) share_of_mean: f64,
    /// The value repeats the previous one.
    pub(crate) repeated: bool,
    /// The value is exactly zero: the meter reports nothing.
    pub(crate) zero: bool,
    /// The level was already drifting the way the point deviates.
    pub(crate) drifting: bool,
}

/// The kind of incident an episode opened by `parts` reports.
///
/// A deviation lasting hours or a day is a level shift. A point deviation
/// becomes a level shift when the level was already drifting that way,
/// off-hours load when it is load left on at a quiet hour and modest, and a
/// flatline when it repeats the previous value or is exactly zero. An
/// abrupt large shift is therefore reported as the spike or drop it starts
/// with; the kind is fixed when the alert opens.
pub(crate) fn kind(parts: &Components, context: Context) -> AlertKind {
    match parts.strongest().0 {
        Component::Level | Component::Sustained => AlertKind::UsageLevelShift,
        Component::OffHours => AlertKind::UsageOffHours,
        Component::Flatline => AlertKind::UsageFlatline,
        Component::Point if parts.point >= 0.0 => {
            if context.left_on && context.share_of_mean <= OFF_HOURS_MAX_SHARE_OF_MEAN {
                AlertKind::UsageOffHours
            } else if context.drifting {
                AlertKind::UsageLevelShift
            } else {
                AlertKind::UsageSpike
            }
        }
        Component::Point => {
            if context.repeated || context.zero {
                AlertKind::UsageFlatline
            } else if context.drifting {
                AlertKind::UsageLevelShift
            } else {
                AlertKind::UsageDrop
            }
        }
    }
}
