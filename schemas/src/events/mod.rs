//! Integration events: the `originfd-event` and `stripe-event` contracts,
//! version 1.
//!
//! Both integrators are outside parties, so both are read through an event
//! type allowlist: a type this pipeline has not been taught to read is
//! refused as [`RejectCode::UnknownEventType`](crate::RejectCode) rather than
//! stored unexamined. Each source keeps its own envelope (OriginFD's is ours
//! to define and refuses unknown fields; Stripe's is Stripe's and grows over
//! time, so only the fields read here are checked), and both decode to one
//! [`IntegrationEvent`].

mod originfd;
mod stripe;

use std::fmt;

use chrono::{DateTime, Utc};

pub use originfd::{ORIGINFD_EVENT_TYPES, ORIGINFD_SCHEMA_VERSION, decode_originfd_event};
pub use stripe::{STRIPE_EVENT_TYPES, decode_stripe_event};

/// The integrator an event came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventSource {
    OriginFd,
    Stripe,
}

impl EventSource {
    /// The source as stored with the event.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OriginFd => "originfd",
            Self::Stripe => "stripe",
        }
    }
}

impl fmt::Display for EventSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One validated event from an integrator.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegrationEvent {
    pub source: EventSource,
    /// The integrator's own id for the event; redeliveries repeat it, so it
    /// is the event's natural key within its source.
    pub event_id: String,
    /// One of [`ORIGINFD_EVENT_TYPES`] or [`STRIPE_EVENT_TYPES`].
    pub event_type: String,
    /// The OriginFD site the event concerns; always set for OriginFD, always
    /// `None` for Stripe.
    pub site_id: Option<String>,
    /// The tenant the event belongs to. Stripe events carry it in the
    /// object's metadata, so it is always set for them; OriginFD events do
    /// not, so it is `None` until the site registry supplies it.
    pub tenant_id: Option<String>,
    /// When the integrator says the event happened: OriginFD's `ts`, Stripe's
    /// `created`.
    pub ts: DateTime<Utc>,
    /// The type-specific body: OriginFD's `payload` rebuilt from its
    /// validated fields (so a register sent as `1e3` is stored as `1000`),
    /// or Stripe's `data.object` exactly as sent.
    pub payload: serde_json::Value,
}
