//! Opening, carrying and closing a meter's usage episode.

use chrono::{DateTime, Utc};

use super::{Meter, Settings};
use crate::alert::{Alert, Subject};
use crate::usage::components::{self, Component, Components, Context};
use crate::usage::episode::{Episode, severity};
use crate::usage::evidence::Sighting;

impl Meter {
    /// Opens, carries or closes the usage episode after one observation.
    pub(super) fn advance(
        &mut self,
        meter_id: &str,
        parts: &Components,
        context: Context,
        sighting: &Sighting<'_>,
        settings: &Settings,
    ) -> Option<Alert> {
        let (rules, clock) = (&settings.rules, &settings.clock);
        let (score, ts) = (sighting.score, sighting.ts);
        match &mut self.episode {
            None if score >= rules.open => {
                let kind = components::kind(parts, context);
                let alert = Alert::open(
                    kind,
                    severity(score),
                    self.tenant_id.clone(),
                    Subject::meter(meter_id),
                    ts,
                    score,
                    sighting.summary(kind, meter_id, clock),
                )
                .with_evidence(sighting.evidence(clock))
                .since(self.first_seen(sighting.component, ts));
                self.episode = Some(Episode::start(alert.clone()));
                Some(alert)
            }
            None => None,
            Some(episode) if score >= rules.close => {
                episode.hot(ts, score, rules, || sighting.evidence(clock))
            }
            Some(episode) => {
                let over = episode.cool(ts, rules);
                over.then(|| self.episode.take().map(Episode::close))
                    .flatten()
            }
        }
    }

    /// When the deviation that opens an episode began.
    fn first_seen(&self, component: Component, ts: DateTime<Utc>) -> DateTime<Utc> {
        let since = match component {
            Component::Point => None,
            Component::Sustained => self.hours.since,
            Component::Level => self.level.since,
            Component::OffHours => self.off_hours.since,
            Component::Flatline => self.run.since,
        };
        since.unwrap_or(ts)
    }
}
