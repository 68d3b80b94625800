//! Building login events for the generated set.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use nexzo_schemas::{Geo, LoginEvent, LoginOutcome, MfaOutcome};

use super::world::City;

/// Where and with what a login is made.
#[derive(Debug, Clone)]
pub(super) struct Source {
    pub(super) ip: IpAddr,
    pub(super) city: City,
    pub(super) device: Option<String>,
}

/// User agents of the generated events: present as the auth service sends
/// them, so that a test can check none leaks into an alert.
const USER_AGENTS: [&str; 2] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Gecko/20100101 Firefox/140.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148",
];

/// Collects events with unique ids.
#[derive(Debug, Default)]
pub(super) struct Emitter {
    pub(super) events: Vec<LoginEvent>,
}

impl Emitter {
    /// A successful login.
    pub(super) fn success(
        &mut self,
        tenant: &str,
        user: &str,
        ts: DateTime<Utc>,
        source: &Source,
        mfa: Option<MfaOutcome>,
    ) {
        self.push(tenant, user, ts, source, None, mfa);
    }

    /// A failed login with its reason.
    pub(super) fn failure(
        &mut self,
        tenant: &str,
        user: &str,
        ts: DateTime<Utc>,
        source: &Source,
        reason: &str,
        mfa: Option<MfaOutcome>,
    ) {
        self.push(tenant, user, ts, source, Some(reason), mfa);
    }

    fn push(
        &mut self,
        tenant: &str,
        user: &str,
        ts: DateTime<Utc>,
        source: &Source,
        reason: Option<&str>,
        mfa: Option<MfaOutcome>,
    ) {
        let n = self.events.len();
        self.events.push(LoginEvent {
            event_id: format!("ev-{n}"),
            tenant_id: tenant.to_owned(),
            user_id: user.to_owned(),
            ts,
            outcome: if reason.is_some() {
                LoginOutcome::Failure
            } else {
                LoginOutcome::Success
            },
            failure_reason: reason.map(str::to_owned),
            source_ip: source.ip,
            device_id: source.device.clone(),
            user_agent: Some(USER_AGENTS[n % USER_AGENTS.len()].to_owned()),
            mfa,
            geo: Some(Geo {
                country: source.city.country.to_owned(),
                region: None,
                city: Some(source.city.name.to_owned()),
                lat: source.city.lat,
                lon: source.city.lon,
            }),
        });
    }
}
