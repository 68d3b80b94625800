//! What a meter learns from one observation once it has been scored.

use super::{Look, Meter, Settings};
use crate::usage::clock::Slot;
use crate::usage::components::{Components, Context};
use crate::usage::observation::UsageObservation;
use crate::usage::peers::PeerShape;
use crate::usage::predict::Prediction;
use crate::usage::score::score;
use crate::usage::surprise::Surprise;

/// Repeats are learned unconditionally during a meter's first week, when
/// a coarse register's ordinary runs have to be learned before they can be
/// judged.
const REPEAT_LEARN_ALWAYS_DAYS: f64 = 7.0;

/// What one observation brought, for learning.
#[derive(Debug, Clone, Copy)]
pub(super) struct Lesson {
    value: f64,
    y: f64,
    slot: Slot,
    pred: Option<Prediction>,
    peer: Option<PeerShape>,
    surprise: Option<Surprise>,
    repeated: bool,
    /// The current run of repeats is not (yet) suspicious.
    ordinary_run: bool,
    /// No view that adds up over time is building towards an episode.
    nothing_building: bool,
}

impl Lesson {
    pub(super) fn new(
        obs: &UsageObservation,
        look: &Look,
        peer: Option<PeerShape>,
        parts: &Components,
        context: Context,
        settings: &Settings,
    ) -> Self {
        Self {
            value: obs.consumption,
            y: look.y,
            slot: look.slot,
            pred: look.pred,
            peer,
            surprise: look.surprise,
            repeated: context.repeated,
            ordinary_run: parts.flatline < settings.close_surprise,
            nothing_building: [parts.sustained.abs(), parts.level.abs(), parts.off_hours]
                .iter()
                .all(|u| *u < settings.close_surprise),
        }
    }
}

impl Meter {
    /// Learns one observation after it was scored.
    pub(super) fn learn(&mut self, lesson: &Lesson, settings: &Settings) {
        let clock = &settings.clock;
        if let Some(p) = lesson.peer {
            self.model.learn_peer_level(lesson.y, p.shape);
        }

        // Only ordinary observations teach the tail: an incident that is
        // not yet an episode (a load left on, building up over the night)
        // must not make the meter harder to alarm.
        let ordinary =
            |s: &Surprise| lesson.nothing_building && score(s.magnitude()) < settings.rules.close;
        if let Some(s) = lesson.surprise.filter(|s| self.calm(clock) && ordinary(s)) {
            self.model.learn_tail(s.raw);
        }

        // A stuck run must not teach the meter that repeats are normal.
        if lesson.ordinary_run || self.model.days(clock) < REPEAT_LEARN_ALWAYS_DAYS {
            self.model
                .profile
                .learn_repeat(lesson.slot, lesson.repeated, clock);
        }

        // A holiday is learned as the nearest ordinary day it resembles
        // would predict it, not as a new normal for its weekday.
        let learned_y = match (lesson.surprise.and_then(|s| s.holiday), lesson.pred) {
            (Some(distance), Some(p)) => p.center - distance * p.scale,
            _ => lesson.y,
        };
        let pred = lesson.pred.as_ref();
        self.model
            .learn(lesson.value, learned_y, lesson.slot, pred, clock);
        self.model
            .refresh_floor(settings.config.floor_share_of_mean);
    }
}
