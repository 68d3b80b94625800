//! What every rule reads, and which failures an alerted network claims.

use std::collections::HashMap;

use chrono::{DateTime, TimeDelta, Utc};

use crate::AlertKind;
use crate::logins::LoginConfig;
use crate::logins::attempt::Attempt;
use crate::logins::incidents::IncidentBook;
use crate::logins::state::{Facts, LoginState, UserState};

/// What every rule reads.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    pub(crate) config: &'a LoginConfig,
    pub(crate) state: &'a LoginState,
    pub(crate) incidents: &'a IncidentBook,
    pub(crate) attempt: &'a Attempt<'a>,
    pub(crate) facts: &'a Facts,
}

impl<'a> Context<'a> {
    /// The user the event is about; recorded before the rules run.
    pub(crate) fn user(&self) -> Option<&'a UserState> {
        let event = self.attempt.event;
        self.state.user(&event.tenant_id, &event.user_id)
    }

    /// The event's time.
    pub(crate) fn ts(&self) -> DateTime<Utc> {
        self.attempt.event.ts
    }

    /// The start of a window of `secs` ending at the event.
    pub(crate) fn since(&self, secs: u32) -> DateTime<Utc> {
        self.ts() - TimeDelta::seconds(i64::from(secs))
    }

    /// The start of a window of `secs` ending at the event, but after the
    /// last event of a closed incident of `kind` about `subject_key`.
    pub(crate) fn fresh_since(
        &self,
        kind: AlertKind,
        subject_key: &str,
        secs: u32,
    ) -> DateTime<Utc> {
        self.after_closed(kind, subject_key, self.since(secs))
    }

    /// `from`, or just after the last event of a closed incident of `kind`
    /// about `subject_key` if that is later: that evidence was reported.
    pub(crate) fn after_closed(
        &self,
        kind: AlertKind,
        subject_key: &str,
        from: DateTime<Utc>,
    ) -> DateTime<Utc> {
        match self.incidents.closed_at(kind, subject_key) {
            Some(last_seen) => from.max(last_seen + TimeDelta::milliseconds(1)),
            None => from,
        }
    }
}

/// Which networks' failures belong to an incident about the network itself
/// (stuffing, low-and-slow) alerted within a window of them: those
/// failures are that incident's evidence and raise nothing else.
pub(crate) struct Claims<'c> {
    cx: &'c Context<'c>,
    window: TimeDelta,
    alerted: HashMap<String, Option<DateTime<Utc>>>,
}

impl<'c> Claims<'c> {
    /// Claims looked up with a window of `window_secs`.
    pub(crate) fn new(cx: &'c Context<'c>, window_secs: u32) -> Self {
        Self {
            cx,
            window: TimeDelta::seconds(i64::from(window_secs)),
            alerted: HashMap::new(),
        }
    }

    /// Whether a failure from `network` at `ts` is claimed. Each network is
    /// looked up once.
    pub(crate) fn claims(&mut self, network: &str, ts: DateTime<Utc>) -> bool {
        let cx = self.cx;
        let alerted_at = *self
            .alerted
            .entry(network.to_owned())
            .or_insert_with(|| cx.state.network(network).and_then(|n| n.alerted_at));
        alerted_at.is_some_and(|at| (at - ts).abs() <= self.window)
    }
}
