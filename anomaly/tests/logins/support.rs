//! Building login events and running the detector over them.

use std::collections::BTreeMap;
use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use nexzo_anomaly::logins::{LoginConfig, LoginDetector};
use nexzo_anomaly::{Alert, AlertKind};
use nexzo_schemas::{Geo, LoginEvent, LoginOutcome, MfaOutcome};

/// A Monday morning, the start of every scenario.
pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 8, 0, 0)
        .single()
        .expect("valid time")
}

/// `t0` plus some minutes.
pub(crate) fn at_min(minutes: i64) -> DateTime<Utc> {
    t0() + TimeDelta::minutes(minutes)
}

/// `t0` plus some seconds.
pub(crate) fn at_sec(seconds: i64) -> DateTime<Utc> {
    t0() + TimeDelta::seconds(seconds)
}

/// A city's location.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place(pub &'static str, pub &'static str, pub f64, pub f64);

pub(crate) const BERLIN: Place = Place("DE", "Berlin", 52.52, 13.405);
pub(crate) const HAMBURG: Place = Place("DE", "Hamburg", 53.55, 9.99);
pub(crate) const NEW_YORK: Place = Place("US", "New York", 40.71, -74.01);
pub(crate) const LAGOS: Place = Place("NG", "Lagos", 6.52, 3.38);
pub(crate) const JAKARTA: Place = Place("ID", "Jakarta", -6.21, 106.85);

/// One login attempt, built fluently.
#[derive(Debug, Clone)]
pub(crate) struct Login {
    event: LoginEvent,
}

static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

impl Login {
    /// A successful login of `user` in tenant `t1`, from Berlin.
    pub(crate) fn success(user: &str, ts: DateTime<Utc>, ip: &str) -> Self {
        let n = NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self {
            event: LoginEvent {
                event_id: format!("e-{n}"),
                tenant_id: "t1".to_owned(),
                user_id: user.to_owned(),
                ts,
                outcome: LoginOutcome::Success,
                failure_reason: None,
                source_ip: ip.parse::<IpAddr>().expect("test address"),
                device_id: None,
                user_agent: Some("Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0".to_owned()),
                mfa: None,
                geo: None,
            },
        }
        .at(BERLIN)
    }

    /// A failed password.
    pub(crate) fn failure(user: &str, ts: DateTime<Utc>, ip: &str) -> Self {
        Self::success(user, ts, ip).reason("bad_password")
    }

    /// An MFA push that was denied or left unanswered.
    pub(crate) fn rejected_push(user: &str, ts: DateTime<Utc>, ip: &str, mfa: MfaOutcome) -> Self {
        let mut login = Self::success(user, ts, ip).reason("mfa_failed");
        login.event.mfa = Some(mfa);
        login
    }

    /// Fails with `reason`.
    pub(crate) fn reason(mut self, reason: &str) -> Self {
        self.event.outcome = LoginOutcome::Failure;
        self.event.failure_reason = Some(reason.to_owned());
        self
    }

    /// From `device`.
    pub(crate) fn device(mut self, device: &str) -> Self {
        self.event.device_id = Some(device.to_owned());
        self
    }

    /// Located at `place`.
    pub(crate) fn at(mut self, place: Place) -> Self {
        self.event.geo = Some(Geo {
            country: place.0.to_owned(),
            region: None,
            city: Some(place.1.to_owned()),
            lat: place.2,
            lon: place.3,
        });
        self
    }

    /// With the MFA outcome of a success.
    pub(crate) fn mfa(mut self, mfa: MfaOutcome) -> Self {
        self.event.mfa = Some(mfa);
        self
    }

    /// The event.
    pub(crate) fn build(self) -> LoginEvent {
        self.event
    }
}

/// Events sorted by time.
pub(crate) fn sorted(mut events: Vec<LoginEvent>) -> Vec<LoginEvent> {
    events.sort_by_key(|e| e.ts);
    events
}

/// A detector with the default configuration.
pub(crate) fn detector() -> LoginDetector {
    LoginDetector::new(LoginConfig::default()).expect("the default configuration is valid")
}

/// Every incident's last state after the events (in the order given) and
/// closing what is still open, by kind.
pub(crate) fn incidents(events: &[LoginEvent]) -> BTreeMap<AlertKind, Vec<Alert>> {
    let mut detector = detector();
    let alerts = nexzo_anomaly::backtest::logins::final_alerts(&mut detector, events);
    let mut by_kind: BTreeMap<AlertKind, Vec<Alert>> = BTreeMap::new();
    for alert in alerts {
        by_kind.entry(alert.kind).or_default().push(alert);
    }
    by_kind
}

/// The incidents of one kind.
pub(crate) fn of_kind(events: &[LoginEvent], kind: AlertKind) -> Vec<Alert> {
    incidents(events).remove(&kind).unwrap_or_default()
}

/// A user's ordinary history: a success from their laptop at home in
/// Berlin every morning for `days` days before `t0`, and from their phone
/// on a carrier address every evening.
pub(crate) fn history(user: &str, days: i64) -> Vec<LoginEvent> {
    let mut events = Vec::new();
    for day in 1..=days {
        let morning = t0() - TimeDelta::days(day);
        events.push(
            Login::success(user, morning, "198.51.100.7")
                .device("laptop")
                .build(),
        );
        let evening = morning + TimeDelta::hours(11);
        let phone = Login::success(user, evening, "100.64.3.9")
            .device("phone")
            .at(HAMBURG);
        events.push(phone.build());
    }
    events
}

/// The event as a line of the `login-event` v1 contract.
pub(crate) fn to_json_line(event: &LoginEvent) -> String {
    let geo = event.geo.as_ref().map(
        |g| serde_json::json!({"country": g.country, "city": g.city, "lat": g.lat, "lon": g.lon}),
    );
    serde_json::json!({
        "schema_version": 1,
        "event_id": event.event_id,
        "tenant_id": event.tenant_id,
        "user_id": event.user_id,
        "ts": event.ts.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "outcome": event.outcome.as_str(),
        "failure_reason": event.failure_reason,
        "source_ip": event.source_ip.to_string(),
        "device_id": event.device_id,
        "user_agent": event.user_agent,
        "mfa": event.mfa.map(|m| m.as_str()),
        "geo": geo,
    })
    .to_string()
}
