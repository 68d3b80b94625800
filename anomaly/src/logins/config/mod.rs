//! What the login detector counts as an attack, and how long it remembers.
//!
//! Every limit is a named field with its unit in its name. The defaults are
//! chosen so that the benign look-alikes of each attack stay quiet: an
//! office behind one NAT address, a user who mistypes a few times, a real
//! flight, a user's second device, an MFA push left to time out once.

mod guessing;
mod slow;
mod takeover;

use serde::{Deserialize, Serialize};
use thiserror::Error;

pub use guessing::{BruteForceConfig, CredentialStuffingConfig, PasswordSprayingConfig};
pub use slow::LowAndSlowConfig;
pub use takeover::{ImpossibleTravelConfig, MfaFatigueConfig, NewDeviceConfig};

/// Tuning of the [`LoginDetector`](super::LoginDetector).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoginConfig {
    /// How long a user, network or tenant may stay silent before its state is
    /// dropped, in seconds. Default 40 days: residents who log in only to pay
    /// the monthly rent keep their known devices, countries and places from
    /// one payment to the next.
    pub retention_secs: u32,
    /// How far behind the latest event time an event may arrive and still
    /// be counted in its windows, in seconds. Default 10 minutes: the auth
    /// service's batches and Kafka partitions reorder by seconds to minutes.
    pub allowed_lateness_secs: u32,
    /// The most entries one user, network or tenant window keeps. Default
    /// 1024: far above every threshold, so an attack of any size still
    /// crosses them, while a flood cannot grow memory without bound.
    pub max_window_entries_count: u32,
    /// The most devices, countries, networks and places remembered per user.
    /// Default 16: people use a handful of each; the least recently seen is
    /// forgotten first.
    pub max_known_per_user_count: u32,
    /// How long after a failed password a success of the same user from the
    /// same network or device marks the failure as a typo, in seconds.
    /// Default 1 hour: long enough for a password reset mail.
    pub typo_redeem_secs: u32,
    /// Successful logins a network needs, and at least as many as its
    /// failures, before failures from it stop counting as foreign. Default 3:
    /// an office or a mobile carrier's shared addresses earn it within a
    /// morning; an attacker's address, failing far more than it succeeds,
    /// never does.
    pub trusted_network_min_successes_count: u32,
    /// The least time between two `updated` alerts of one incident, in
    /// seconds, unless its severity rises or its evidence doubles. Default
    /// 15 minutes: analysts see progress without one alert per attempt.
    pub update_interval_secs: u32,
    /// Many failed passwords against one account.
    pub brute_force: BruteForceConfig,
    /// One address or network failing across many accounts.
    pub credential_stuffing: CredentialStuffingConfig,
    /// Few attempts per account across many accounts and addresses of one
    /// tenant.
    pub password_spraying: PasswordSprayingConfig,
    /// Two successes further apart than anyone could travel.
    pub impossible_travel: ImpossibleTravelConfig,
    /// A success from a new device and a new country after failures.
    pub new_device: NewDeviceConfig,
    /// Rejected MFA pushes, then an accepted one.
    pub mfa_fatigue: MfaFatigueConfig,
    /// Guessing kept under rate limits over many hours.
    pub low_and_slow: LowAndSlowConfig,
}

impl Default for LoginConfig {
    fn default() -> Self {
        Self {
            retention_secs: 40 * 24 * 3600,
            allowed_lateness_secs: 600,
            max_window_entries_count: 1024,
            max_known_per_user_count: 16,
            typo_redeem_secs: 3600,
            trusted_network_min_successes_count: 3,
            update_interval_secs: 900,
            brute_force: BruteForceConfig::default(),
            credential_stuffing: CredentialStuffingConfig::default(),
            password_spraying: PasswordSprayingConfig::default(),
            impossible_travel: ImpossibleTravelConfig::default(),
            new_device: NewDeviceConfig::default(),
            mfa_fatigue: MfaFatigueConfig::default(),
            low_and_slow: LowAndSlowConfig::default(),
        }
    }
}

/// A configuration the detector refuses, with every problem found.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("invalid login detector configuration: {}", problems.join("; "))]
pub struct LoginConfigError {
    /// One sentence per broken rule, naming the field.
    pub problems: Vec<String>,
}

impl LoginConfig {
    /// Checks every field and reports all problems at once.
    ///
    /// # Errors
    ///
    /// [`LoginConfigError`] listing each field that is zero where a positive
    /// value is needed, a ratio outside (0, 1], or windows that contradict
    /// each other.
    pub fn validate(&self) -> Result<(), LoginConfigError> {
        let mut problems = Vec::new();
        let check = &mut |ok: bool, problem: &str| {
            if !ok {
                problems.push(problem.to_owned());
            }
        };
        check(self.retention_secs > 0, "retention_secs must be positive");
        check(
            self.max_window_entries_count > 0,
            "max_window_entries_count must be positive",
        );
        check(
            self.max_known_per_user_count > 0,
            "max_known_per_user_count must be positive",
        );
        check(
            self.typo_redeem_secs > 0,
            "typo_redeem_secs must be positive",
        );
        check(
            self.update_interval_secs > 0,
            "update_interval_secs must be positive",
        );
        check(
            self.longest_window_secs() < self.retention_secs,
            "retention_secs must exceed every rule's window",
        );

        self.brute_force.check(check);
        self.credential_stuffing.check(check);
        self.password_spraying.check(check);
        self.impossible_travel.check(check);
        self.new_device.check(check);
        self.mfa_fatigue.check(check);
        self.low_and_slow.check(check);

        if problems.is_empty() {
            Ok(())
        } else {
            Err(LoginConfigError { problems })
        }
    }

    /// The longest look-back of any rule: how long per-key windows must
    /// keep entries.
    pub(crate) fn longest_window_secs(&self) -> u32 {
        [
            self.brute_force.window_secs,
            self.credential_stuffing.window_secs,
            self.password_spraying.window_secs,
            self.impossible_travel.lookback_secs,
            self.new_device.lookback_secs,
            self.mfa_fatigue.window_secs,
            self.low_and_slow.window_secs,
            self.typo_redeem_secs,
        ]
        .into_iter()
        .max()
        .unwrap_or_default()
    }
}
