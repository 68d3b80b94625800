//! Login events: the `login-event` contract, version 1.
//!
//! The auth service reports every login attempt, successful or not, for the
//! login anomaly detector. The contract fixes the facts of one attempt; it
//! does not judge combinations that are merely suspicious (a success after
//! a failed MFA prompt, a country change): that is the detector's work, and
//! refusing such events here would hide exactly what it looks for.

mod decode;

use std::fmt;
use std::net::IpAddr;

use chrono::{DateTime, Utc};

pub use decode::decode_login_event;

/// The contract version this build reads.
pub const LOGIN_SCHEMA_VERSION: u32 = 1;

/// Why a login failed, as the auth service classifies it. `failure_reason`
/// holds one of these when the outcome is a failure, and nothing otherwise.
pub const FAILURE_REASONS: [&str; 6] = [
    "bad_password",
    "unknown_user",
    "locked",
    "mfa_failed",
    "expired_password",
    "other",
];

/// Whether the attempt let the user in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LoginOutcome {
    Success,
    Failure,
}

impl LoginOutcome {
    /// Every outcome, in a stable order.
    pub const ALL: [Self; 2] = [Self::Success, Self::Failure];

    /// The outcome as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }

    /// Parses an outcome as sent; `None` for any other text.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

/// What happened at the second factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MfaOutcome {
    /// No second factor was asked for.
    NotRequired,
    Passed,
    /// A wrong code or a failed device check.
    Failed,
    /// The user rejected the push prompt: a sign that someone else holds
    /// the password.
    Denied,
    /// The prompt went unanswered.
    TimedOut,
}

impl MfaOutcome {
    /// Every outcome, in a stable order.
    pub const ALL: [Self; 5] = [
        Self::NotRequired,
        Self::Passed,
        Self::Failed,
        Self::Denied,
        Self::TimedOut,
    ];

    /// The outcome as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::NotRequired => "not_required",
            Self::Passed => "passed",
            Self::Failed => "failed",
            Self::Denied => "denied",
            Self::TimedOut => "timed_out",
        }
    }

    /// Parses an outcome as sent; `None` for any other text.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }
}

impl fmt::Display for LoginOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for MfaOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the auth service located the source address.
#[derive(Debug, Clone, PartialEq)]
pub struct Geo {
    /// ISO 3166-1 alpha-2: two capital letters. The code list is not
    /// checked, since geolocation providers also use user-assigned codes
    /// such as `XK`.
    pub country: String,
    pub region: Option<String>,
    pub city: Option<String>,
    /// Degrees north, −90 to 90.
    pub lat: f64,
    /// Degrees east, −180 to 180.
    pub lon: f64,
}

/// One validated login attempt.
///
/// Identifiers are 1 to 64 characters of `A-Z a-z 0-9 . _ : -`, starting
/// with a letter or digit.
#[derive(Debug, Clone, PartialEq)]
pub struct LoginEvent {
    /// The auth service's id for the attempt; redeliveries repeat it.
    pub event_id: String,
    pub tenant_id: String,
    pub user_id: String,
    pub ts: DateTime<Utc>,
    pub outcome: LoginOutcome,
    /// One of [`FAILURE_REASONS`] when `outcome` is a failure; `None` on
    /// success.
    pub failure_reason: Option<String>,
    pub source_ip: IpAddr,
    pub device_id: Option<String>,
    /// The client's User-Agent header, at most 512 characters.
    pub user_agent: Option<String>,
    pub mfa: Option<MfaOutcome>,
    pub geo: Option<Geo>,
}
