//! One meter's state and what one observation does to it: look (predict
//! and measure surprise), watch (the views that need time), judge (score
//! and episode), then learn.

mod alerting;
mod events;
mod learn;
mod look;
mod views;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::clock::{Clock, Slot};
use super::config::UsageConfig;
use super::episode::{Episode, Hysteresis};
use super::evidence::Sighting;
use super::flatline::Run;
use super::holiday::HolidayRun;
use super::model::Model;
use super::observation::{MeterRef, Scored, UsageObservation};
use super::off_hours::OffHoursWatch;
use super::peers::PeerShape;
use super::predict::Prediction;
use super::score::{score, surprise_at};
use super::surprise::Surprise;
use super::window::WindowWatch;
use crate::alert::Alert;

use self::learn::Lesson;

/// Everything a meter's step needs besides the meter.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) config: UsageConfig,
    pub(crate) clock: Clock,
    pub(crate) rules: Hysteresis,
    /// The surprise at which the score is `open_score`.
    pub(crate) open_surprise: f64,
    /// The surprise at which the score is `close_score`.
    pub(crate) close_surprise: f64,
}

impl Settings {
    pub(crate) fn new(config: UsageConfig) -> Self {
        Self {
            clock: Clock::new(&config),
            rules: Hysteresis::new(&config),
            open_surprise: surprise_at(config.open_score),
            close_surprise: surprise_at(config.close_score),
            config,
        }
    }
}

/// The state of one meter: what it normally uses and what is going on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Meter {
    pub(crate) tenant_id: String,
    pub(crate) property_id: Option<String>,
    pub(crate) model: Model,
    /// Sustained deviation over hours.
    pub(crate) hours: WindowWatch,
    /// Sustained deviation over a day: the level.
    pub(crate) level: WindowWatch,
    /// Load left on at quiet hours.
    pub(crate) off_hours: OffHoursWatch,
    /// The current run of identical values.
    pub(crate) run: Run,
    /// Consecutive days with drops that look like another weekday.
    pub(crate) holidays: HolidayRun,
    /// The open usage incident (spike, drop, shift, flatline, off-hours).
    pub(crate) episode: Option<Episode>,
    /// The open missing-data incident.
    pub(crate) missing: Option<Alert>,
    /// The open register-backwards incident.
    pub(crate) backwards: Option<Alert>,
    /// Start of the latest interval learned.
    pub(crate) last_ts: Option<DateTime<Utc>>,
    /// Latest event time of anything about the meter, for retention.
    pub(crate) last_activity: DateTime<Utc>,
}

/// What one observation looks like against the meter's normal.
#[derive(Debug, Clone, Copy)]
struct Look {
    slot: Slot,
    today: i64,
    y: f64,
    pred: Option<Prediction>,
    surprise: Option<Surprise>,
    /// A holiday-like drop may still be excused today.
    excusable: bool,
}

impl Meter {
    pub(crate) fn new(meter: &MeterRef, ts: DateTime<Utc>, clock: &Clock) -> Self {
        Self {
            tenant_id: meter.tenant_id.clone(),
            property_id: meter.property_id.clone(),
            model: Model::new(clock),
            hours: WindowWatch::default(),
            level: WindowWatch::default(),
            off_hours: OffHoursWatch::default(),
            run: Run::default(),
            holidays: HolidayRun::default(),
            episode: None,
            missing: None,
            backwards: None,
            last_ts: None,
            last_activity: ts,
        }
    }

    /// Scores and learns one observation.
    pub(crate) fn observe(
        &mut self,
        obs: &UsageObservation,
        peer: Option<PeerShape>,
        settings: &Settings,
    ) -> Scored {
        let ts = obs.start;
        let mut alerts = self.resume(ts, settings);
        self.last_activity = self.last_activity.max(ts);
        if !obs.consumption.is_finite() || obs.consumption < 0.0 {
            return Scored { score: 0.0, alerts };
        }

        let mut look = self.look(obs, peer, settings);
        if self.last_ts.is_some_and(|last| ts <= last) {
            // A repeated or late interval: scored against what is known,
            // but it neither learns nor moves an episode.
            let late = look.surprise.map_or(0.0, |s| score(s.magnitude()));
            return Scored {
                score: late,
                alerts,
            };
        }

        let (parts, context) = self.watch(obs, &mut look, settings);
        let (component, strongest) = parts.strongest();
        let sighting = Sighting {
            value: obs.consumption,
            ts,
            slot: look.slot,
            prediction: look.pred.as_ref(),
            floor: self.model.floor,
            samples: self.model.n,
            component,
            repeats: self.run.repeats,
            score: score(strongest),
        };
        alerts.extend(self.advance(&obs.meter.meter_id, &parts, context, &sighting, settings));

        self.learn(
            &Lesson::new(obs, &look, peer, &parts, context, settings),
            settings,
        );
        self.last_ts = Some(ts);
        Scored {
            score: sighting.score,
            alerts,
        }
    }
}
