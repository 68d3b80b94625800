//! The detector: one event in, the alerts it causes out.

use chrono::{DateTime, Utc};
use nexzo_schemas::LoginEvent;

use super::attempt::{Attempt, Step};
use super::incidents::IncidentBook;
use super::rules::{self, Context};
use super::state::LoginState;
use super::{LoginConfig, LoginConfigError};
use crate::Alert;

/// Watches login events for brute force, credential stuffing, password
/// spraying, impossible travel, a new device after failures, MFA fatigue
/// and low-and-slow guessing.
///
/// Feed it every login event of every tenant, in roughly event-time order
/// (lateness up to [`LoginConfig::allowed_lateness_secs`] is absorbed).
/// Each incident is one alert: opened once, re-published as `updated`
/// while it goes on, and `closed` after its rule's quiet period, measured
/// in event time. State is bounded by the window caps and by
/// [`LoginConfig::retention_secs`], and is checkpointed through
/// [`Checkpointed`](crate::Checkpointed) under the detector name
/// [`DETECTOR_NAME`](super::DETECTOR_NAME).
#[derive(Debug)]
pub struct LoginDetector {
    config: LoginConfig,
    pub(super) state: LoginState,
    pub(super) incidents: IncidentBook,
}

impl LoginDetector {
    /// A detector with no history.
    ///
    /// # Errors
    ///
    /// [`LoginConfigError`] with every problem of the configuration.
    pub fn new(config: LoginConfig) -> Result<Self, LoginConfigError> {
        config.validate()?;
        Ok(Self {
            config,
            state: LoginState::default(),
            incidents: IncidentBook::default(),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &LoginConfig {
        &self.config
    }

    /// The latest event time observed, if any.
    pub fn watermark(&self) -> Option<DateTime<Utc>> {
        self.state.watermark
    }

    /// Observes one login event and returns the alerts it opened, updated
    /// or (by moving event time on) closed. A redelivered event (same id
    /// and time as one already observed) changes nothing.
    pub fn observe(&mut self, event: &LoginEvent) -> Vec<Alert> {
        let attempt = Attempt::new(event);
        if self.state.is_duplicate(&attempt) {
            return Vec::new();
        }
        self.state.advance(event.ts);
        let mut alerts = self.close_idle();

        let facts = self.state.facts(&attempt, &self.config);
        self.state.record(&attempt, &facts, &self.config);
        let cx = Context {
            config: &self.config,
            state: &self.state,
            incidents: &self.incidents,
            attempt: &attempt,
            facts: &facts,
        };
        let verdict = rules::check(&cx);

        let suspicious = verdict.is_suspicious();
        for (kind, subject_key) in verdict.completed {
            alerts.extend(
                self.incidents
                    .escalate(kind, &subject_key, event.ts, &event.event_id),
            );
        }
        let interval = self.config.update_interval_secs;
        for finding in verdict.findings {
            self.state
                .mark_network_alerted(&finding.subject_key, finding.at);
            alerts.extend(self.incidents.apply(finding, interval));
        }
        if attempt.step == Step::Success {
            if suspicious {
                self.state.flag_success(&attempt);
            }
            self.state.learn(&attempt, !suspicious, &self.config);
        }
        self.prune();
        alerts
    }

    /// Moves event time on to `now` without an event, closing incidents
    /// quiet since and dropping idle state: what a quiet source's idle
    /// timeout calls so that its incidents do not stay open forever.
    pub fn advance_to(&mut self, now: DateTime<Utc>) -> Vec<Alert> {
        self.state.advance(now);
        let closed = self.close_idle();
        self.prune();
        closed
    }

    /// Closes every open incident: the end of a backtest file. The detector
    /// keeps its other state.
    pub fn flush(&mut self) -> Vec<Alert> {
        self.incidents.close_all()
    }

    /// Drops idle keys and the closed incidents no window reaches back to.
    fn prune(&mut self) {
        if self.state.prune_idle(self.config.retention_secs) {
            let reach = self.config.longest_window_secs();
            self.incidents
                .forget_closed_before(self.state.window_start(reach));
        }
    }

    fn close_idle(&mut self) -> Vec<Alert> {
        match self.state.watermark {
            Some(now) => self.incidents.close_idle(now),
            None => Vec::new(),
        }
    }
}
