//! What one login event means for the rules.

use std::net::IpAddr;

use nexzo_schemas::{LoginEvent, LoginOutcome, MfaOutcome};

use super::network::{canonical, network_of};

/// The step of a login an event reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// The user got in.
    Success,
    /// The password step failed: a guess, a typo, a locked or unknown
    /// account.
    PasswordFailure,
    /// The password was right but a push prompt was denied or went
    /// unanswered: whoever tried knows the password.
    MfaRejection,
    /// A failure that says nothing about guessing: an expired password, a
    /// wrong one-time code.
    OtherFailure,
}

/// One login event with what the rules derive from it.
#[derive(Debug)]
pub(crate) struct Attempt<'a> {
    pub(crate) event: &'a LoginEvent,
    pub(crate) step: Step,
    /// The source address in canonical form.
    pub(crate) ip: IpAddr,
    /// The source network, in CIDR notation.
    pub(crate) network: String,
}

impl<'a> Attempt<'a> {
    pub(crate) fn new(event: &'a LoginEvent) -> Self {
        Self {
            event,
            step: step_of(event),
            ip: canonical(event.source_ip),
            network: network_of(event.source_ip),
        }
    }

    /// Whether the failure names an account that does not exist: a sign of
    /// a bought or guessed list of user names.
    pub(crate) fn unknown_user(&self) -> bool {
        self.event.failure_reason.as_deref() == Some("unknown_user")
    }
}

/// A failure with `mfa_failed` but no MFA outcome is taken as a rejected
/// push: the auth service reports push denials that way when it does not
/// fill `mfa`, and a wrong one-time code is reported as `failed`.
fn step_of(event: &LoginEvent) -> Step {
    if event.outcome == LoginOutcome::Success {
        return Step::Success;
    }
    match (event.mfa, event.failure_reason.as_deref()) {
        (Some(MfaOutcome::Denied | MfaOutcome::TimedOut), _) => Step::MfaRejection,
        (Some(MfaOutcome::Failed), _) => Step::OtherFailure,
        (None, Some("mfa_failed")) => Step::MfaRejection,
        (_, Some("mfa_failed" | "expired_password")) => Step::OtherFailure,
        _ => Step::PasswordFailure,
    }
}
