//! Alerts: upserted by the detector stage inside its batch's transaction,
//! published to Kafka through an outbox, and moved through their lifecycle
//! by analysts.

use chrono::{DateTime, Utc};
use tokio_postgres::{Client, GenericClient};

use crate::error::StorageError;

/// One incident as a detector last described it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRow {
    pub alert_id: String,
    pub tenant_id: String,
    /// `usage`, `billing`, `logins` or `api`.
    pub family: &'static str,
    pub kind: String,
    pub severity: String,
    /// The subject's fields, e.g. `{"user_id": "u-1"}`.
    pub subject: serde_json::Value,
    pub raised_at: DateTime<Utc>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub score: f64,
    pub phase: String,
    pub summary: String,
    pub evidence: serde_json::Value,
}

/// A detector update that changes nothing (a replay after a restart) is
/// skipped, so it neither bumps the version nor publishes again. The
/// analysts' status is never touched here.
const UPSERT: &str = "
    INSERT INTO alerts (alert_id, tenant_id, family, kind, severity, subject, raised_at,
                        first_seen, last_seen, score, phase, summary, evidence)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                         $6::jsonb[], $7::timestamptz[], $8::timestamptz[], $9::timestamptz[],
                         $10::float8[], $11::text[], $12::text[], $13::jsonb[])
    ON CONFLICT (alert_id) DO UPDATE SET
        severity = EXCLUDED.severity,
        first_seen = LEAST(alerts.first_seen, EXCLUDED.first_seen),
        last_seen = GREATEST(alerts.last_seen, EXCLUDED.last_seen),
        score = EXCLUDED.score, phase = EXCLUDED.phase, summary = EXCLUDED.summary,
        evidence = EXCLUDED.evidence, version = alerts.version + 1, updated_at = now()
    WHERE (alerts.severity, alerts.last_seen, alerts.score, alerts.phase, alerts.evidence)
        IS DISTINCT FROM
          (EXCLUDED.severity, EXCLUDED.last_seen, EXCLUDED.score, EXCLUDED.phase,
           EXCLUDED.evidence)";

/// Upserts `rows`, which must not name one alert twice. Returns how many
/// rows were new or changed.
///
/// # Errors
///
/// The statement failed; nothing of it is applied.
pub async fn upsert(client: &impl GenericClient, rows: &[AlertRow]) -> Result<u64, StorageError> {
    if rows.is_empty() {
        return Ok(0);
    }
    let text = |f: fn(&AlertRow) -> &str| rows.iter().map(f).collect::<Vec<&str>>();
    let json = |f: fn(&AlertRow) -> &serde_json::Value| rows.iter().map(f).collect::<Vec<_>>();
    let time = |f: fn(&AlertRow) -> DateTime<Utc>| rows.iter().map(f).collect::<Vec<_>>();
    let scores: Vec<f64> = rows.iter().map(|r| r.score).collect();
    client
        .execute(
            UPSERT,
            &[
                &text(|r| &r.alert_id),
                &text(|r| &r.tenant_id),
                &text(|r| r.family),
                &text(|r| &r.kind),
                &text(|r| &r.severity),
                &json(|r| &r.subject),
                &time(|r| r.raised_at),
                &time(|r| r.first_seen),
                &time(|r| r.last_seen),
                &scores,
                &text(|r| &r.phase),
                &text(|r| &r.summary),
                &json(|r| &r.evidence),
            ],
        )
        .await
        .map_err(|e| StorageError::new("upserting alerts", e))
}

/// One alert version waiting to be published.
#[derive(Debug, Clone, PartialEq)]
pub struct Unpublished {
    pub alert_id: String,
    pub tenant_id: String,
    pub version: i64,
    /// The alert as published: every detector field plus its status.
    pub document: serde_json::Value,
}

/// Up to `limit` alerts whose latest version is not yet published, oldest
/// change first.
///
/// # Errors
///
/// The query failed.
pub async fn unpublished(client: &Client, limit: i64) -> Result<Vec<Unpublished>, StorageError> {
    let rows = client
        .query(
            "SELECT alert_id, tenant_id, version,
                    jsonb_build_object(
                        'id', alert_id, 'tenant_id', tenant_id, 'family', family, 'kind', kind,
                        'severity', severity, 'ts', raised_at, 'first_seen', first_seen,
                        'last_seen', last_seen, 'score', score, 'phase', phase,
                        'summary', summary, 'evidence', evidence, 'status', status,
                        'version', version) || subject
             FROM alerts WHERE published_version < version
             ORDER BY updated_at LIMIT $1",
            &[&limit],
        )
        .await
        .map_err(|e| StorageError::new("reading alerts to publish", e))?;
    Ok(rows
        .iter()
        .map(|r| Unpublished {
            alert_id: r.get(0),
            tenant_id: r.get(1),
            version: r.get(2),
            document: r.get(3),
        })
        .collect())
}

/// Records that these versions reached the topic. A version superseded in
/// the meantime stays unpublished.
///
/// # Errors
///
/// The statement failed.
pub async fn mark_published(client: &Client, done: &[(String, i64)]) -> Result<(), StorageError> {
    let ids: Vec<&str> = done.iter().map(|(id, _)| id.as_str()).collect();
    let versions: Vec<i64> = done.iter().map(|(_, v)| *v).collect();
    client
        .execute(
            "UPDATE alerts a SET published_version = GREATEST(a.published_version, d.version)
             FROM unnest($1::text[], $2::int8[]) AS d(alert_id, version)
             WHERE a.alert_id = d.alert_id",
            &[&ids, &versions],
        )
        .await
        .map_err(|e| StorageError::new("marking alerts published", e))?;
    Ok(())
}
