//! What is remembered per user: recent attempts, and the devices,
//! countries, networks and places the user is known to log in from.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::logins::window::{Known, Timed, Window};

/// A failed password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Failure {
    pub(crate) ts: DateTime<Utc>,
    pub(crate) event_id: String,
    pub(crate) ip: IpAddr,
    pub(crate) network: String,
    pub(crate) device: Option<String>,
    /// From a device the user had logged in with: a stale saved password
    /// on the user's own phone, not a guess.
    pub(crate) known_device: bool,
    /// From a device and network the user never logged in from, on a
    /// network that is not trusted: where guesses come from.
    pub(crate) foreign: bool,
    /// The success from the same network or device soon after that makes
    /// this failure a typo.
    pub(crate) redeemed_by: Option<String>,
    /// The account named does not exist.
    pub(crate) unknown_user: bool,
}

/// Where a login was located, reduced to what the rules need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct Place {
    pub(crate) country: String,
    pub(crate) city: Option<String>,
    pub(crate) lat: f64,
    pub(crate) lon: f64,
}

impl Place {
    /// A name for the place that stays the same across the small
    /// coordinate changes of one city: the city if known, else a cell of
    /// whole degrees (about 100 km).
    pub(crate) fn key(&self) -> String {
        match &self.city {
            Some(city) => format!("{}/{city}", self.country),
            None => format!("{}/{:.0}/{:.0}", self.country, self.lat, self.lon),
        }
    }
}

/// A successful login.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Success {
    pub(crate) ts: DateTime<Utc>,
    pub(crate) event_id: String,
    pub(crate) network: String,
    pub(crate) device: Option<String>,
    pub(crate) place: Option<Place>,
    /// Made with a device and from a network the user had used before.
    #[serde(default)]
    pub(crate) familiar: bool,
    /// Part of an alerted attack: never a reference for where the user
    /// really was.
    #[serde(default)]
    pub(crate) flagged: bool,
}

/// An MFA push prompt and how it ended.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Prompt {
    pub(crate) ts: DateTime<Utc>,
    pub(crate) event_id: String,
    /// Accepted; otherwise denied or left unanswered.
    pub(crate) passed: bool,
}

impl Failure {
    /// Whether a success from the same source made it a typo.
    pub(crate) fn is_redeemed(&self) -> bool {
        self.redeemed_by.is_some()
    }
}

impl Timed for Failure {
    fn ts(&self) -> DateTime<Utc> {
        self.ts
    }
}

impl Timed for Success {
    fn ts(&self) -> DateTime<Utc> {
        self.ts
    }
}

impl Timed for Prompt {
    fn ts(&self) -> DateTime<Utc> {
        self.ts
    }
}

/// One user's state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct UserState {
    pub(crate) tenant_id: String,
    pub(crate) user_id: String,
    /// The latest event time of any attempt: what retention is measured
    /// from.
    pub(crate) last_ts: Option<DateTime<Utc>>,
    pub(crate) failures: Window<Failure>,
    pub(crate) successes: Window<Success>,
    pub(crate) prompts: Window<Prompt>,
    /// Device ids the user logged in with.
    pub(crate) devices: Known,
    /// Countries the user logged in from.
    pub(crate) countries: Known,
    /// Networks the user logged in from.
    pub(crate) networks: Known,
    /// Places (see [`Place::key`]) the user logged in from.
    pub(crate) places: Known,
}

impl UserState {
    /// Whether an event with this id and time was already recorded: the
    /// auth service redelivers after a crash, with the same id.
    pub(crate) fn has_seen(&self, event_id: &str, ts: DateTime<Utc>) -> bool {
        self.failures
            .between(ts, ts)
            .any(|f| f.event_id == event_id)
            || self
                .successes
                .between(ts, ts)
                .any(|s| s.event_id == event_id)
            || self.prompts.between(ts, ts).any(|p| p.event_id == event_id)
    }

    /// Whether the device is one the user logged in with; a missing id is
    /// never known.
    pub(crate) fn knows_device(&self, device: Option<&str>) -> bool {
        device.is_some_and(|d| self.devices.contains(d))
    }

    /// Whether the device is new to the user. A missing id means the auth
    /// service did not recognise the client, which is new for a user whose
    /// devices it used to recognise, and unknown otherwise.
    pub(crate) fn is_new_device(&self, device: Option<&str>) -> bool {
        match device {
            Some(d) => !self.devices.contains(d),
            None => !self.devices.is_empty(),
        }
    }

    /// The first success of the user from the same network or device within
    /// `redeem_secs` after `ts`, by event id.
    pub(crate) fn success_after(
        &self,
        ts: DateTime<Utc>,
        network: &str,
        device: Option<&str>,
        redeem_secs: u32,
    ) -> Option<String> {
        let until = ts + chrono::TimeDelta::seconds(i64::from(redeem_secs));
        self.successes
            .between(ts, until)
            .find(|s| s.network == network || (device.is_some() && s.device.as_deref() == device))
            .map(|s| s.event_id.clone())
    }
}
