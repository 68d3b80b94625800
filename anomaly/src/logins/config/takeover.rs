//! The limits of the takeover patterns: impossible travel, a new device
//! after failures, and MFA fatigue.

use serde::{Deserialize, Serialize};

use super::guessing::Check;

/// Two successful logins further apart than anyone could travel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ImpossibleTravelConfig {
    /// The fastest plausible travel, in km/h. Default 1000: an airliner's
    /// ground speed with a tail wind; every real trip is slower door to door.
    pub max_speed_kmh: f64,
    /// Distances below this are never impossible, in km. Default 500:
    /// geolocation of mobile and broadband addresses is often off by a
    /// region, placing a user in the next big city.
    pub min_distance_km: f64,
    /// How far back earlier successes are compared, in seconds. Default 24
    /// hours: any two places on earth are reachable within it.
    pub lookback_secs: u32,
    /// Earlier successes a place needs before a jump between two such
    /// places is taken as routine (a VPN exit, a home and an office abroad).
    /// Default 3.
    pub familiar_place_min_logins_count: u32,
    /// Time without a new impossible login after which the incident closes,
    /// in seconds. Default 6 hours.
    pub quiet_secs: u32,
}

impl Default for ImpossibleTravelConfig {
    fn default() -> Self {
        Self {
            max_speed_kmh: 1000.0,
            min_distance_km: 500.0,
            lookback_secs: 24 * 3600,
            familiar_place_min_logins_count: 3,
            quiet_secs: 6 * 3600,
        }
    }
}

impl ImpossibleTravelConfig {
    pub(crate) fn check(&self, check: Check<'_>) {
        check(
            self.max_speed_kmh > 0.0,
            "impossible_travel.max_speed_kmh must be positive",
        );
        check(
            self.min_distance_km >= 0.0,
            "impossible_travel.min_distance_km must not be negative",
        );
        check(
            self.lookback_secs > 0,
            "impossible_travel.lookback_secs must be positive",
        );
        check(
            self.familiar_place_min_logins_count > 0,
            "impossible_travel.familiar_place_min_logins_count must be positive",
        );
        check(
            self.quiet_secs > 0,
            "impossible_travel.quiet_secs must be positive",
        );
    }
}

/// A success from a device and a country never seen for the user, after
/// recent failed passwords.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct NewDeviceConfig {
    /// How far back failures are looked for, in seconds. Default 6 hours: an
    /// attacker with a short list of candidate passwords tries them within a
    /// session.
    pub lookback_secs: u32,
    /// Failed passwords in the look-back. Default 2: a single typo on a new
    /// phone abroad is routine.
    pub min_failures_count: u32,
    /// Time without another such success after which the incident closes,
    /// in seconds. Default 6 hours.
    pub quiet_secs: u32,
}

impl Default for NewDeviceConfig {
    fn default() -> Self {
        Self {
            lookback_secs: 6 * 3600,
            min_failures_count: 2,
            quiet_secs: 6 * 3600,
        }
    }
}

impl NewDeviceConfig {
    pub(crate) fn check(&self, check: Check<'_>) {
        check(
            self.lookback_secs > 0,
            "new_device.lookback_secs must be positive",
        );
        check(
            self.min_failures_count > 0,
            "new_device.min_failures_count must be positive",
        );
        check(
            self.quiet_secs > 0,
            "new_device.quiet_secs must be positive",
        );
    }
}

/// Repeated denied or unanswered MFA pushes, then an accepted one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MfaFatigueConfig {
    /// The window rejected prompts are counted in, in seconds. Default 1
    /// hour: push bombing wears the user down within minutes.
    pub window_secs: u32,
    /// Rejected prompts before an accepted one. Default 3: a push left to
    /// time out once or twice, then accepted, is a distracted user.
    pub min_rejected_count: u32,
    /// Rejected prompts that raise an alert even without an accepted one.
    /// Default 6: nobody refuses their own login that often; someone else
    /// holds the password.
    pub min_rejected_without_pass_count: u32,
    /// Time without a new prompt after which the incident closes, in
    /// seconds. Default 1 hour.
    pub quiet_secs: u32,
}

impl Default for MfaFatigueConfig {
    fn default() -> Self {
        Self {
            window_secs: 3600,
            min_rejected_count: 3,
            min_rejected_without_pass_count: 6,
            quiet_secs: 3600,
        }
    }
}

impl MfaFatigueConfig {
    pub(crate) fn check(&self, check: Check<'_>) {
        check(
            self.window_secs > 0,
            "mfa_fatigue.window_secs must be positive",
        );
        check(
            self.min_rejected_count > 0,
            "mfa_fatigue.min_rejected_count must be positive",
        );
        check(
            self.min_rejected_without_pass_count >= self.min_rejected_count,
            "mfa_fatigue.min_rejected_without_pass_count must be at least min_rejected_count",
        );
        check(
            self.quiet_secs > 0,
            "mfa_fatigue.quiet_secs must be positive",
        );
    }
}
