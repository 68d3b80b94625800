//! The limits of the fast guessing patterns: brute force, stuffing and
//! spraying.

use serde::{Deserialize, Serialize};

/// Reports one problem when `ok` is false.
pub(crate) type Check<'a> = &'a mut dyn FnMut(bool, &str);

/// Many failed passwords against one account in a short time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BruteForceConfig {
    /// The window failures are counted in, in seconds. Default 15 minutes:
    /// guessing tools try several passwords a minute.
    pub window_secs: u32,
    /// Failed passwords in the window that make an attack. Default 8: a
    /// person who forgot a password gives up or resets it after 3 to 5.
    pub min_failures_count: u32,
    /// Time without a new failure after which the incident closes, in
    /// seconds. Default 1 hour.
    pub quiet_secs: u32,
}

impl Default for BruteForceConfig {
    fn default() -> Self {
        Self {
            window_secs: 900,
            min_failures_count: 8,
            quiet_secs: 3600,
        }
    }
}

impl BruteForceConfig {
    pub(crate) fn check(&self, check: Check<'_>) {
        check(
            self.window_secs > 0,
            "brute_force.window_secs must be positive",
        );
        check(
            self.min_failures_count > 1,
            "brute_force.min_failures_count must be at least 2",
        );
        check(
            self.quiet_secs > 0,
            "brute_force.quiet_secs must be positive",
        );
    }
}

/// One address or network failing across many accounts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CredentialStuffingConfig {
    /// The window attempts are counted in, in seconds. Default 30 minutes:
    /// even throttled stuffing tools try dozens of accounts in that time.
    pub window_secs: u32,
    /// Distinct accounts failing from one network in the window. Default
    /// 10: a morning rush behind an office NAT has a few typists at a time.
    pub min_accounts_count: u32,
    /// The least share of the network's attempts in the window that failed,
    /// in (0, 1]. Default 0.5: behind an office or carrier NAT most logins
    /// succeed; a stuffing list fails for almost every account.
    pub min_failure_ratio: f64,
    /// Time without a new failure after which the incident closes, in
    /// seconds. Default 1 hour.
    pub quiet_secs: u32,
}

impl Default for CredentialStuffingConfig {
    fn default() -> Self {
        Self {
            window_secs: 1800,
            min_accounts_count: 10,
            min_failure_ratio: 0.5,
            quiet_secs: 3600,
        }
    }
}

impl CredentialStuffingConfig {
    pub(crate) fn check(&self, check: Check<'_>) {
        check(
            self.window_secs > 0,
            "credential_stuffing.window_secs must be positive",
        );
        check(
            self.min_accounts_count > 1,
            "credential_stuffing.min_accounts_count must be at least 2",
        );
        check(
            self.min_failure_ratio > 0.0 && self.min_failure_ratio <= 1.0,
            "credential_stuffing.min_failure_ratio must be in (0, 1]",
        );
        check(
            self.quiet_secs > 0,
            "credential_stuffing.quiet_secs must be positive",
        );
    }
}

/// Few attempts per account, across many accounts and addresses of one
/// tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PasswordSprayingConfig {
    /// The window foreign failures are counted in, in seconds. Default 4
    /// hours: sprayers pace themselves to stay under lockout policies.
    pub window_secs: u32,
    /// Distinct accounts with foreign, unredeemed failures in the window.
    /// Default 10: a tenant's users who fail from an unknown network and
    /// never log in afterwards are a few a day.
    pub min_accounts_count: u32,
    /// Distinct source addresses among those failures. Default 3: one
    /// address failing across accounts is stuffing or low-and-slow.
    pub min_addresses_count: u32,
    /// The largest share of those failures one address may hold, in (0, 1].
    /// Default 0.5: above it the guessing comes from one place.
    pub max_top_address_ratio: f64,
    /// The most failures one account may have in the window and still count
    /// as sprayed. Default 3: a sprayer tries one or two passwords per round.
    pub max_failures_per_account_count: u32,
    /// Time without a new failure after which the incident closes, in
    /// seconds. Default 2 hours: sprays pause between rounds.
    pub quiet_secs: u32,
}

impl Default for PasswordSprayingConfig {
    fn default() -> Self {
        Self {
            window_secs: 4 * 3600,
            min_accounts_count: 10,
            min_addresses_count: 3,
            max_top_address_ratio: 0.5,
            max_failures_per_account_count: 3,
            quiet_secs: 2 * 3600,
        }
    }
}

impl PasswordSprayingConfig {
    pub(crate) fn check(&self, check: Check<'_>) {
        check(
            self.window_secs > 0,
            "password_spraying.window_secs must be positive",
        );
        check(
            self.min_accounts_count > 1,
            "password_spraying.min_accounts_count must be at least 2",
        );
        check(
            self.min_addresses_count > 0,
            "password_spraying.min_addresses_count must be positive",
        );
        check(
            self.max_top_address_ratio > 0.0 && self.max_top_address_ratio <= 1.0,
            "password_spraying.max_top_address_ratio must be in (0, 1]",
        );
        check(
            self.max_failures_per_account_count > 0,
            "password_spraying.max_failures_per_account_count must be positive",
        );
        check(
            self.quiet_secs > 0,
            "password_spraying.quiet_secs must be positive",
        );
    }
}
