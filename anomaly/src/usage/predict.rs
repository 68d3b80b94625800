//! What a meter is expected to use in a slot, and how sure that is.
//!
//! The expectation is built in three layers, each shrinking towards the one
//! below as far as its own evidence is thin: the meter's (or its
//! property's) overall level, the hour-of-day profile, the hour-of-week
//! baseline. How fast a layer takes over depends on how much it differs
//! from the one below compared with the noise: an office, whose weekends
//! look nothing like its weekdays, trusts its weekly slots after one week;
//! a household without a weekly rhythm keeps leaning on the steadier daily
//! profile.

use serde::Serialize;

use super::clock::{Clock, Slot};
use super::model::Model;
use super::peers::PeerShape;

/// Spreads never fall below 2 % (in log units): finer than that is below
/// the resolution meters report at.
const MIN_SCALE_LOG: f64 = 0.02;

/// An hour's spread is at least this share of the meter's overall one, so
/// a run of identical night values cannot make the next small load look
/// enormous.
const RESID_FLOOR_SHARE: f64 = 0.25;

/// Days of pseudo-evidence behind the prior of an hour's spread.
const SCALE_PRIOR_DAYS: f64 = 2.0;

/// On its first day a meter has no idea of its own rhythm; its spread is
/// at least this (a factor of 1.6 either way) until it does.
const FIRST_DAY_MIN_SCALE_LOG: f64 = 0.5;

/// Spreads are widened by `1 + this / (1 + days of data for the hour)`:
/// a spread estimated from a few days is itself uncertain.
const WARMUP_BOOST: f64 = 1.0;

/// Spreads are doubled for a day of the week not seen yet: the first
/// weekend of an office is not an anomaly.
const UNSEEN_WEEK_BOOST: f64 = 1.0;

/// Bounds on the shrinkage constant (noise variance over contrast), in
/// visits: a layer never takes over after less than a twentieth of a
/// visit, nor needs more than four visits to carry half the weight.
const SHRINK_BOUNDS: (f64, f64) = (0.05, 4.0);

/// An exponential average with per-sample weight `r` rests on about `2/r`
/// samples, however many it has seen.
const EFFECTIVE_SAMPLES_PER_RATE: f64 = 2.0;

/// What the expectation mostly rests on; reported in alert evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Baseline {
    /// The meter's first days: its overall level with a wide spread.
    WarmUp,
    /// The property's pooled profile, scaled to this meter.
    Peers,
    /// The meter's own hour-of-day profile.
    Daily,
    /// The meter's own hour-of-week baseline.
    Weekly,
}

impl Baseline {
    /// The stable name used in evidence.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WarmUp => "warm_up",
            Self::Peers => "peers",
            Self::Daily => "daily",
            Self::Weekly => "weekly",
        }
    }
}

/// The expected log value of one observation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Prediction {
    /// Expected log value.
    pub(crate) center: f64,
    /// The part of `center` that is recent drift, not long-run pattern.
    pub(crate) drift: f64,
    /// Predictive spread in log units, warm-up widening included.
    pub(crate) scale: f64,
    /// Weight of the hour-of-week baseline in `center`, 0 to 1.
    pub(crate) week_weight: f64,
    /// What it mostly rests on.
    pub(crate) source: Baseline,
    /// The property's pooled profile went into it.
    pub(crate) borrowed: bool,
}

impl Model {
    /// The expectation for `slot`, or None before the first observation.
    pub(crate) fn predict(
        &self,
        slot: Slot,
        peer: Option<PeerShape>,
        clock: &Clock,
    ) -> Option<Prediction> {
        let peer = peer.filter(|_| self.peer_n > 0);
        let (mut center, base_scale, mut source) = match peer {
            Some(p) => (self.peer_level + p.shape, p.scale, Baseline::Peers),
            None if self.n > 0 => (self.all_loc, self.all_scale, Baseline::WarmUp),
            None => return None,
        };
        let noise = if self.resid_n > 0 {
            self.resid_scale * self.resid_scale
        } else {
            base_scale * base_scale
        };

        let mut drift = 0.0;
        let mut day_weight = 0.0;
        if let Some((loc, seen)) = self.profile.day(slot, clock) {
            let days = seen.min(EFFECTIVE_SAMPLES_PER_RATE / (clock.day_rate * clock.per_visit()));
            day_weight = shrink(days, noise, self.day_contrast);
            center += day_weight * (self.level + loc - center);
            drift = day_weight * self.level;
        }

        let mut week_weight = 0.0;
        let mut weeks = 0.0;
        if let Some((loc, seen)) = self.profile.week(slot, clock) {
            weeks = seen.min(EFFECTIVE_SAMPLES_PER_RATE / (clock.week_rate * clock.per_visit()));
            week_weight = shrink(weeks, noise, self.week_contrast);
            center += week_weight * (self.level + loc - center);
            drift += week_weight * (self.level - drift);
        }

        if week_weight >= 0.5 {
            source = Baseline::Weekly;
        } else if day_weight >= 0.5 {
            source = Baseline::Daily;
        }
        // The spread is learned from prediction errors, so it already holds
        // the error of the expectation itself; only its own uncertainty
        // while young is added.
        let scale =
            self.spread(slot, base_scale, clock) * self.boost(slot, weeks, peer.is_some(), clock);
        Some(Prediction {
            center,
            drift,
            scale,
            week_weight,
            source,
            borrowed: peer.is_some(),
        })
    }

    /// The hour's predictive spread, shrunk towards the meter's overall
    /// one while the hour has few residuals behind it.
    fn spread(&self, slot: Slot, base_scale: f64, clock: &Clock) -> f64 {
        let base = if self.days(clock) < 1.0 {
            base_scale.max(FIRST_DAY_MIN_SCALE_LOG)
        } else {
            base_scale
        };
        let (resid_n, per_day) = (f64::from(self.resid_n), clock.per_day());
        let resid2 = self.resid_scale * self.resid_scale;
        let prior2 = (resid_n * resid2 + per_day * base * base) / (resid_n + per_day);

        let (hour, seen) = self.profile.scale(slot);
        let pseudo = SCALE_PRIOR_DAYS * clock.per_visit();
        let spread2 = (seen * hour * hour + pseudo * prior2) / (seen + pseudo);
        spread2
            .sqrt()
            .max(MIN_SCALE_LOG)
            .max(RESID_FLOOR_SHARE * self.resid_scale)
    }

    /// How much wider than its estimate the spread is taken while the
    /// meter is young.
    fn boost(&self, slot: Slot, weeks: f64, has_peers: bool, clock: &Clock) -> f64 {
        let (_, seen) = self.profile.scale(slot);
        let days = seen / clock.per_visit();
        let warm = if has_peers {
            WARMUP_BOOST / 2.0
        } else {
            WARMUP_BOOST
        };
        let unseen_week = if has_peers {
            0.0
        } else {
            UNSEEN_WEEK_BOOST * (1.0 - weeks.min(1.0))
        };
        (1.0 + warm / (1.0 + days)) * (1.0 + unseen_week)
    }
}

/// The weight a layer with `visits` of evidence gets over the layer below,
/// given the noise variance and how different the layers usually are.
fn shrink(visits: f64, noise: f64, contrast: f64) -> f64 {
    if visits <= 0.0 {
        return 0.0;
    }
    let constant = if contrast > 0.0 {
        (noise / contrast).clamp(SHRINK_BOUNDS.0, SHRINK_BOUNDS.1)
    } else {
        SHRINK_BOUNDS.1
    };
    visits / (visits + constant)
}
