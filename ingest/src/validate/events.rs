//! Integration events, ledger entries and logins: the contract, the clock,
//! and (for OriginFD) the site allowlist.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use nexzo_schemas::events::{IntegrationEvent, decode_originfd_event, decode_stripe_event};
use nexzo_schemas::ledger::decode_ledger_entry;
use nexzo_schemas::login::decode_login_event;
use nexzo_schemas::{AcceptedEvent, EventRecord, Origin, RejectCode, Rejection};

use super::{IngestRules, Input, Outcome, RecordKind, quarantine};
use crate::registry::Registry;

/// An event decided on: the record and the owner it is stored under.
struct Owned {
    record: EventRecord,
    tenant_id: Arc<str>,
    property_id: Option<Arc<str>>,
}

impl IngestRules {
    pub(super) fn check_event(
        &self,
        input: &Input<'_>,
        kind: RecordKind,
        registry: &Registry,
        now: DateTime<Utc>,
    ) -> Outcome {
        let decided = match kind {
            RecordKind::OriginFd => {
                decode_originfd_event(input.payload).and_then(|e| allow_site(e, registry))
            }
            RecordKind::Stripe => decode_stripe_event(input.payload).and_then(stripe_owner),
            RecordKind::Ledger => decode_ledger_entry(input.payload).map(|entry| Owned {
                tenant_id: Arc::from(entry.tenant_id.as_str()),
                property_id: Some(Arc::from(entry.property_id.as_str())),
                record: EventRecord::Ledger(entry),
            }),
            RecordKind::Logins => decode_login_event(input.payload).map(|login| Owned {
                tenant_id: Arc::from(login.tenant_id.as_str()),
                property_id: None,
                record: EventRecord::Login(login),
            }),
            RecordKind::Readings => unreachable!("readings are decided by check_readings"),
        };
        let decided =
            decided.and_then(|owned| self.check_clock(owned.record.ts(), now).map(|()| owned));

        match decided {
            Ok(owned) => Outcome::Event(AcceptedEvent {
                record: owned.record,
                tenant_id: owned.tenant_id,
                property_id: owned.property_id,
                received_at: input.received_at,
                origin: Origin {
                    position: input.position.clone(),
                    raw: input.payload.clone(),
                    item_index: None,
                },
            }),
            Err(rejection) => quarantine(input, rejection, None, input.payload.clone(), None),
        }
    }
}

/// OriginFD events must come from a registered, active site; the site gives
/// the event its tenant and property.
fn allow_site(mut event: IntegrationEvent, registry: &Registry) -> Result<Owned, Rejection> {
    let site_id = event.site_id.as_deref().unwrap_or_default();
    let site = match registry.site(site_id) {
        Some(site) if site.active => site,
        Some(_) => {
            return Err(Rejection::new(
                RejectCode::UnknownSite,
                format!("site {site_id:?} is deactivated"),
            ));
        }
        None => {
            return Err(Rejection::new(
                RejectCode::UnknownSite,
                format!("site {site_id:?} is not registered"),
            ));
        }
    };
    event.tenant_id = Some(site.tenant_id.to_string());
    Ok(Owned {
        tenant_id: site.tenant_id.clone(),
        property_id: Some(site.property_id.clone()),
        record: EventRecord::Integration(event),
    })
}

/// Stripe events name their tenant in the object's metadata, which the
/// decoder requires.
fn stripe_owner(event: IntegrationEvent) -> Result<Owned, Rejection> {
    let Some(tenant) = event.tenant_id.as_deref() else {
        return Err(Rejection::new(
            RejectCode::SchemaViolation,
            "metadata.tenant_id is required",
        ));
    };
    Ok(Owned {
        tenant_id: Arc::from(tenant),
        property_id: None,
        record: EventRecord::Integration(event),
    })
}
