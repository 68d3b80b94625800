//! Login anomaly detection over the auth service's login events.
//!
//! One [`LoginDetector`] watches every tenant's login attempts and raises
//! seven kinds of alert:
//!
//! | kind (`login_…`) | subject | pattern |
//! |---|---|---|
//! | `brute_force` | user | many failed passwords on one account in minutes |
//! | `credential_stuffing` | address, or /24 or /64 | one source failing on many accounts |
//! | `password_spraying` | tenant (+ main network) | few tries each, many accounts and addresses |
//! | `impossible_travel` | user | two successes too far apart for the time between |
//! | `new_device_after_failures` | user | failures, then a new device in a new country |
//! | `mfa_fatigue` | user | rejected push prompts, then an accepted one |
//! | `low_and_slow` | user or address | paced failures adding up over many hours |
//!
//! Data flow: an event is classified (`attempt`), recorded in bounded
//! per-user, per-network and per-tenant windows (`state`), checked by the
//! rules (`rules`, one file per pattern), and the findings become alerts
//! through the open incidents (`incidents`).
//!
//! What keeps the benign look-alikes quiet is memory of what is normal for
//! each user: the devices, countries, networks and places they log in from,
//! learnt from their successes. A failure from none of those, on a network
//! whose own users do not vouch for it, is *foreign*; a failure followed by
//! a success from the same source is a typo, *redeemed*. The slow patterns
//! count only foreign, unredeemed failures.
//!
//! # Known shortcomings
//!
//! - Memory of the normal is learnt, so a stream that starts cold treats
//!   every source as foreign until users have logged in a few times: the
//!   slow patterns are then more easily reached by benign failures.
//! - An attacker on a network whose other users mostly succeed (a carrier's
//!   shared addresses) stays under the stuffing failure ratio, and such a
//!   network is trusted, so its failures never count as foreign.
//! - Failures from a device id the user logged in with are taken as the
//!   user's own; a thief holding the user's unlocked device is not seen
//!   guessing.
//! - Two slow single-address attacks on one tenant at the same time look
//!   like a spray from few addresses and are reported as one spray.
//! - Impossible travel is reported at the login that cannot be the user;
//!   when the intruder's login comes first and the user had no login in the
//!   day before it, nothing is reported.

mod attempt;
mod checkpoint;
mod config;
mod detector;
mod geo;
mod incidents;
mod network;
mod rules;
mod state;
mod window;

pub use config::{
    BruteForceConfig, CredentialStuffingConfig, ImpossibleTravelConfig, LoginConfig,
    LoginConfigError, LowAndSlowConfig, MfaFatigueConfig, NewDeviceConfig, PasswordSprayingConfig,
};
pub use detector::LoginDetector;
pub use geo::distance_km;
pub use network::network_of;

/// The detector name in checkpoint entries.
pub const DETECTOR_NAME: &str = "logins";

#[cfg(test)]
mod tests;
