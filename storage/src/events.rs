//! Integration events, ledger entries and login events: one `INSERT …
//! SELECT FROM unnest(…)` per table and batch, idempotent on the producer's
//! ids.

use chrono::{DateTime, Utc};
use nexzo_schemas::events::IntegrationEvent;
use nexzo_schemas::ledger::LedgerEntry;
use nexzo_schemas::login::LoginEvent;
use nexzo_schemas::{AcceptedEvent, EventRecord};
use tokio_postgres::Transaction;

use crate::error::StorageError;

/// What one batch's events changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct EventCounts {
    pub inserted: u64,
    pub duplicates: u64,
}

impl EventCounts {
    fn add(&mut self, staged: usize, inserted: u64) {
        self.inserted += inserted;
        self.duplicates += staged as u64 - inserted;
    }
}

const INSERT_INTEGRATION: &str = "
    INSERT INTO integration_events
        (source, event_id, event_type, tenant_id, property_id, site_id, ts, payload, received_at)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                         $7::timestamptz[], $8::jsonb[], $9::timestamptz[])
    ON CONFLICT DO NOTHING";

const INSERT_LEDGER: &str = "
    INSERT INTO ledger_entries
        (entry_id, tenant_id, property_id, account_id, kind, amount_minor, currency, actor_id,
         approver_id, reason_code, ts, prev_hash, hash, received_at)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[],
                         $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[],
                         $12::text[], $13::text[], $14::timestamptz[])
    ON CONFLICT DO NOTHING";

const INSERT_LOGIN: &str = "
    INSERT INTO login_events
        (event_id, tenant_id, user_id, ts, outcome, failure_reason, source_ip, device_id,
         user_agent, mfa, geo_country, geo_region, geo_city, geo_lat, geo_lon, received_at)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::text[],
                         $6::text[], $7::inet[], $8::text[], $9::text[], $10::text[], $11::text[],
                         $12::text[], $13::text[], $14::float8[], $15::float8[],
                         $16::timestamptz[])
    ON CONFLICT DO NOTHING";

/// A batch's events split by kind, each with the envelope it came in.
#[derive(Default)]
struct ByKind<'a> {
    integration: Vec<(&'a AcceptedEvent, &'a IntegrationEvent)>,
    ledger: Vec<(&'a AcceptedEvent, &'a LedgerEntry)>,
    logins: Vec<(&'a AcceptedEvent, &'a LoginEvent)>,
}

fn by_kind(events: &[AcceptedEvent]) -> ByKind<'_> {
    let mut split = ByKind::default();
    for event in events {
        match &event.record {
            EventRecord::Integration(i) => split.integration.push((event, i)),
            EventRecord::Ledger(l) => split.ledger.push((event, l)),
            EventRecord::Login(l) => split.logins.push((event, l)),
        }
    }
    split
}

/// Stores every event of a batch inside the caller's transaction.
pub(crate) async fn insert(
    tx: &Transaction<'_>,
    events: &[AcceptedEvent],
) -> Result<EventCounts, StorageError> {
    let mut counts = EventCounts::default();
    let split = by_kind(events);
    if !split.integration.is_empty() {
        counts.add(
            split.integration.len(),
            insert_integration(tx, &split.integration).await?,
        );
    }
    if !split.ledger.is_empty() {
        counts.add(split.ledger.len(), insert_ledger(tx, &split.ledger).await?);
    }
    if !split.logins.is_empty() {
        counts.add(split.logins.len(), insert_logins(tx, &split.logins).await?);
    }
    Ok(counts)
}

fn received<T>(rows: &[(&AcceptedEvent, T)]) -> Vec<DateTime<Utc>> {
    rows.iter().map(|(e, _)| e.received_at).collect()
}

async fn insert_integration(
    tx: &Transaction<'_>,
    rows: &[(&AcceptedEvent, &IntegrationEvent)],
) -> Result<u64, StorageError> {
    let source: Vec<&str> = rows.iter().map(|(_, i)| i.source.as_str()).collect();
    let event_id: Vec<&str> = rows.iter().map(|(_, i)| i.event_id.as_str()).collect();
    let event_type: Vec<&str> = rows.iter().map(|(_, i)| i.event_type.as_str()).collect();
    let tenant: Vec<&str> = rows.iter().map(|(e, _)| &*e.tenant_id).collect();
    let property: Vec<Option<&str>> = rows.iter().map(|(e, _)| e.property_id.as_deref()).collect();
    let site: Vec<Option<&str>> = rows.iter().map(|(_, i)| i.site_id.as_deref()).collect();
    let ts: Vec<DateTime<Utc>> = rows.iter().map(|(_, i)| i.ts).collect();
    let payload: Vec<&serde_json::Value> = rows.iter().map(|(_, i)| &i.payload).collect();
    tx.execute(
        INSERT_INTEGRATION,
        &[
            &source,
            &event_id,
            &event_type,
            &tenant,
            &property,
            &site,
            &ts,
            &payload,
            &received(rows),
        ],
    )
    .await
    .map_err(|e| StorageError::new("inserting integration events", e))
}

async fn insert_ledger(
    tx: &Transaction<'_>,
    events: &[(&AcceptedEvent, &LedgerEntry)],
) -> Result<u64, StorageError> {
    let rows: Vec<&LedgerEntry> = events.iter().map(|(_, l)| *l).collect();
    let text = |f: fn(&LedgerEntry) -> &str| -> Vec<&str> { rows.iter().map(|l| f(l)).collect() };
    let kind: Vec<&str> = rows.iter().map(|l| l.kind.as_str()).collect();
    let amount: Vec<i64> = rows.iter().map(|l| l.amount_minor).collect();
    let approver: Vec<Option<&str>> = rows.iter().map(|l| l.approver_id.as_deref()).collect();
    let ts: Vec<DateTime<Utc>> = rows.iter().map(|l| l.ts).collect();
    tx.execute(
        INSERT_LEDGER,
        &[
            &text(|l| &l.entry_id),
            &text(|l| &l.tenant_id),
            &text(|l| &l.property_id),
            &text(|l| &l.account_id),
            &kind,
            &amount,
            &text(|l| &l.currency),
            &text(|l| &l.actor_id),
            &approver,
            &text(|l| &l.reason_code),
            &ts,
            &text(|l| &l.prev_hash),
            &text(|l| &l.hash),
            &received(events),
        ],
    )
    .await
    .map_err(|e| StorageError::new("inserting ledger entries", e))
}

async fn insert_logins(
    tx: &Transaction<'_>,
    events: &[(&AcceptedEvent, &LoginEvent)],
) -> Result<u64, StorageError> {
    let rows: Vec<&LoginEvent> = events.iter().map(|(_, l)| *l).collect();
    let event_id: Vec<&str> = rows.iter().map(|l| l.event_id.as_str()).collect();
    let tenant: Vec<&str> = rows.iter().map(|l| l.tenant_id.as_str()).collect();
    let user: Vec<&str> = rows.iter().map(|l| l.user_id.as_str()).collect();
    let ts: Vec<DateTime<Utc>> = rows.iter().map(|l| l.ts).collect();
    let outcome: Vec<&str> = rows.iter().map(|l| l.outcome.as_str()).collect();
    let reason: Vec<Option<&str>> = rows.iter().map(|l| l.failure_reason.as_deref()).collect();
    let ip: Vec<std::net::IpAddr> = rows.iter().map(|l| l.source_ip).collect();
    let device: Vec<Option<&str>> = rows.iter().map(|l| l.device_id.as_deref()).collect();
    let agent: Vec<Option<&str>> = rows.iter().map(|l| l.user_agent.as_deref()).collect();
    let mfa: Vec<Option<&str>> = rows.iter().map(|l| l.mfa.map(|m| m.as_str())).collect();
    let geo = |f: fn(&nexzo_schemas::login::Geo) -> Option<&str>| -> Vec<Option<&str>> {
        rows.iter().map(|l| l.geo.as_ref().and_then(f)).collect()
    };
    let lat: Vec<Option<f64>> = rows.iter().map(|l| l.geo.as_ref().map(|g| g.lat)).collect();
    let lon: Vec<Option<f64>> = rows.iter().map(|l| l.geo.as_ref().map(|g| g.lon)).collect();
    tx.execute(
        INSERT_LOGIN,
        &[
            &event_id,
            &tenant,
            &user,
            &ts,
            &outcome,
            &reason,
            &ip,
            &device,
            &agent,
            &mfa,
            &geo(|g| Some(g.country.as_str())),
            &geo(|g| g.region.as_deref()),
            &geo(|g| g.city.as_deref()),
            &lat,
            &lon,
            &received(events),
        ],
    )
    .await
    .map_err(|e| StorageError::new("inserting login events", e))
}
