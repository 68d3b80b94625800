//! The first half of a meter's step: what the observation looks like
//! against the meter's normal, and what the views that need time make of
//! it.

use super::{Look, Meter, Settings};
use crate::usage::components::{Components, Context};
use crate::usage::holiday;
use crate::usage::observation::UsageObservation;
use crate::usage::peers::PeerShape;
use crate::usage::surprise::{Calendar, assess};
use crate::usage::window;

impl Meter {
    /// Predicts the observation's slot and measures its surprise.
    pub(super) fn look(
        &mut self,
        obs: &UsageObservation,
        peer: Option<PeerShape>,
        settings: &Settings,
    ) -> Look {
        let clock = &settings.clock;
        let slot = clock.slot(obs.start, obs.utc_offset_secs);
        let today = holiday::local_day(obs.start, obs.utc_offset_secs);
        let y = self
            .model
            .log_value(obs.consumption, settings.config.floor_share_of_mean);
        let pred = self.model.predict(slot, peer, clock);
        let excusable = self.holidays.allows(today);
        let calendar = Calendar {
            excuse_holidays: excusable,
            measure_other_days: self.holidays.undecided(today),
        };
        let surprise = pred
            .as_ref()
            .map(|p| assess(&self.model, y, slot, p, clock, calendar));
        Look {
            slot,
            today,
            y,
            pred,
            surprise,
            excusable,
        }
    }

    /// Feeds the views that need time, and gathers every view's surprise
    /// and what else the kind of an incident depends on.
    pub(super) fn watch(
        &mut self,
        obs: &UsageObservation,
        look: &mut Look,
        settings: &Settings,
    ) -> (Components, Context) {
        let (clock, value) = (&settings.clock, obs.consumption);
        if let Some(s) = look.surprise.as_mut() {
            self.track_holidays(s, look.today, look.excusable);
        }

        let left_on = look.pred.as_ref().is_some_and(|p| {
            self.is_quiet_hour(p, &settings.config) && self.substantial_excess(value, p)
        });
        if let Some(s) = look.surprise {
            let calm = self.calm(clock);
            self.hours
                .push(s.sustained, calm, &window::HOURS, clock, obs.start);
            self.level
                .push(s.sustained, calm, &window::DAY, clock, obs.start);
            self.off_hours
                .push(s.sustained, left_on, clock.weight(), obs.start);
        }
        let repeat_rate = self.model.profile.repeat_rate(look.slot, clock);
        let repeated = self.run.push(value, repeat_rate, obs.start);

        let parts = self.components(look.surprise, settings);
        let drifting = look
            .surprise
            .is_some_and(|s| self.level.building(s.signed, &window::DAY, clock));
        let context = Context {
            left_on,
            share_of_mean: value / self.model.mean_value.max(f64::MIN_POSITIVE),
            repeated,
            zero: value == 0.0,
            drifting,
        };
        (parts, context)
    }
}
