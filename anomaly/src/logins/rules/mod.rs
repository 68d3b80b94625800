//! The attack patterns, one file each. A rule reads the state after the
//! event was recorded and reports a [`Finding`] when its pattern holds; the
//! incident book turns findings into alerts.
//!
//! Which rule speaks for an event is decided here, so that one attack is
//! one incident: a success that completes a guessing attack already alerted
//! escalates that incident rather than opening a takeover incident, and of
//! the takeover patterns the most specific one wins (MFA fatigue, then a
//! new device after failures, then impossible travel).

mod brute_force;
mod context;
mod evidence;
mod low_and_slow;
mod mfa_fatigue;
mod new_device;
mod spraying;
mod stuffing;
mod travel;

use nexzo_schemas::MfaOutcome;

pub(crate) use context::{Claims, Context};
pub(crate) use evidence::{
    as_f64, as_u64, count_by, last_event_ids, score_over, some_addresses, span_secs,
};

use super::attempt::Step;
use super::incidents::Finding;
use crate::AlertKind;

/// What the rules concluded from one event.
#[derive(Debug, Default)]
pub(crate) struct Verdict {
    /// Guessing incidents the event completes: a success into an account
    /// under an alerted attack, from a source the user never used. They
    /// are escalated rather than reported again as a takeover.
    pub(crate) completed: Vec<(AlertKind, String)>,
    /// New or continued incidents.
    pub(crate) findings: Vec<Finding>,
}

impl Verdict {
    /// Whether the event is part of an alerted attack, so that its source
    /// is not learnt as the user's own.
    pub(crate) fn is_suspicious(&self) -> bool {
        !self.completed.is_empty() || !self.findings.is_empty()
    }
}

/// Runs the rules that apply to the event's step.
pub(crate) fn check(cx: &Context<'_>) -> Verdict {
    match cx.attempt.step {
        Step::PasswordFailure => Verdict {
            completed: Vec::new(),
            findings: on_failure(cx),
        },
        Step::MfaRejection => Verdict {
            completed: Vec::new(),
            findings: mfa_fatigue::on_prompt(cx).into_iter().collect(),
        },
        Step::Success => {
            let completed = completed_attacks(cx);
            let findings = if completed.is_empty() {
                on_success(cx).into_iter().collect()
            } else {
                Vec::new()
            };
            Verdict {
                completed,
                findings,
            }
        }
        Step::OtherFailure => Verdict::default(),
    }
}

/// The guessing patterns. A failure that makes its network a stuffing
/// incident is that incident's alone: the spray and low-and-slow rules
/// would otherwise count the same failures.
fn on_failure(cx: &Context<'_>) -> Vec<Finding> {
    let stuffing = stuffing::on_failure(cx);
    let (spraying, slow_network) = if stuffing.is_some() {
        (None, None)
    } else {
        (
            spraying::on_failure(cx),
            low_and_slow::on_network_failure(cx),
        )
    };
    [
        brute_force::on_failure(cx),
        stuffing,
        spraying,
        low_and_slow::on_user_failure(cx),
        slow_network,
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The takeover patterns, most specific first; only one speaks.
fn on_success(cx: &Context<'_>) -> Option<Finding> {
    let passed = cx.attempt.event.mfa == Some(MfaOutcome::Passed);
    passed
        .then(|| mfa_fatigue::on_prompt(cx))
        .flatten()
        .or_else(|| new_device::on_success(cx))
        .or_else(|| travel::on_success(cx))
}

/// The open guessing incidents a success completes. A success from the
/// user's own device and network is the user, not the attacker.
fn completed_attacks(cx: &Context<'_>) -> Vec<(AlertKind, String)> {
    if cx.facts.known_device && cx.facts.known_network {
        return Vec::new();
    }
    [
        brute_force::takeover_of(cx),
        low_and_slow::user_takeover_of(cx),
        low_and_slow::network_takeover_of(cx),
        stuffing::takeover_of(cx),
        spraying::takeover_of(cx),
    ]
    .into_iter()
    .flatten()
    .collect()
}
