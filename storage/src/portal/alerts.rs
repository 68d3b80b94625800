//! Alerts as analysts list, read and triage them.

use chrono::{DateTime, Utc};
use tokio_postgres::{Row, Transaction};

use super::Scope;
use crate::error::StorageError;

/// An alert without its evidence, as lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertSummary {
    pub alert_id: String,
    pub family: String,
    pub kind: String,
    pub severity: String,
    pub subject: serde_json::Value,
    pub raised_at: DateTime<Utc>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    pub score: f64,
    pub phase: String,
    pub summary: String,
    pub status: String,
    pub status_by: Option<String>,
    pub status_at: Option<DateTime<Utc>>,
}

/// An alert with its evidence and every status change, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertDetail {
    pub alert: AlertSummary,
    pub evidence: serde_json::Value,
    pub history: Vec<StatusChange>,
}

/// One analyst decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusChange {
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
    pub from_status: String,
    pub to_status: String,
    pub note: Option<String>,
}

/// Which alerts to list: every filter is optional but the time range.
/// `before` is the keyset cursor: the (raised_at, alert_id) of the last
/// row of the previous page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AlertFilter {
    pub kind: Option<String>,
    pub severity: Option<String>,
    pub status: Option<String>,
    /// Alerts whose subject contains these fields, e.g. `{"meter_id": "m-1"}`.
    pub subject: Option<serde_json::Value>,
    pub raised_from: Option<DateTime<Utc>>,
    pub raised_to: Option<DateTime<Utc>>,
    pub before: Option<(DateTime<Utc>, String)>,
    pub limit: i64,
}

const COLUMNS: &str = "alert_id, family, kind, severity, subject, raised_at, first_seen, \
                       last_seen, score, phase, summary, status, status_by, status_at";

/// Newest first; ties on time are broken by id so that the cursor never
/// skips or repeats a row.
const LIST: &str = "
    WHERE ($1::text IS NULL OR tenant_id = $1)
      AND ($2::text IS NULL OR kind = $2)
      AND ($3::text IS NULL OR severity = $3)
      AND ($4::text IS NULL OR status = $4)
      AND ($5::jsonb IS NULL OR subject @> $5)
      AND ($6::timestamptz IS NULL OR raised_at >= $6)
      AND ($7::timestamptz IS NULL OR raised_at < $7)
      AND ($8::timestamptz IS NULL OR (raised_at, alert_id) < ($8, $9::text))
    ORDER BY raised_at DESC, alert_id DESC
    LIMIT $10";

/// Lists alerts, newest first.
///
/// # Errors
///
/// The query failed.
pub async fn list(
    tx: &Transaction<'_>,
    scope: &Scope,
    filter: &AlertFilter,
) -> Result<Vec<AlertSummary>, StorageError> {
    let sql = format!("SELECT {COLUMNS} FROM alerts {LIST}");
    let (before_at, before_id) = match &filter.before {
        Some((at, id)) => (Some(*at), Some(id.as_str())),
        None => (None, None),
    };
    let rows = tx
        .query(
            &sql,
            &[
                &scope.sql_tenant(),
                &filter.kind,
                &filter.severity,
                &filter.status,
                &filter.subject,
                &filter.raised_from,
                &filter.raised_to,
                &before_at,
                &before_id,
                &filter.limit,
            ],
        )
        .await
        .map_err(|e| StorageError::new("listing alerts", e))?;
    Ok(rows.iter().map(summary).collect())
}

/// One alert with its evidence and history; `None` when the scope holds no
/// such alert.
///
/// # Errors
///
/// A query failed.
pub async fn detail(
    tx: &Transaction<'_>,
    scope: &Scope,
    alert_id: &str,
) -> Result<Option<AlertDetail>, StorageError> {
    let sql = format!(
        "SELECT {COLUMNS}, evidence FROM alerts
         WHERE alert_id = $1 AND ($2::text IS NULL OR tenant_id = $2)"
    );
    let Some(row) = tx
        .query_opt(&sql, &[&alert_id, &scope.sql_tenant()])
        .await
        .map_err(|e| StorageError::new("reading an alert", e))?
    else {
        return Ok(None);
    };
    let history = history(tx, scope, alert_id).await?;
    Ok(Some(AlertDetail {
        alert: summary(&row),
        evidence: row.get(14),
        history,
    }))
}

async fn history(
    tx: &Transaction<'_>,
    scope: &Scope,
    alert_id: &str,
) -> Result<Vec<StatusChange>, StorageError> {
    let rows = tx
        .query(
            "SELECT changed_at, changed_by, from_status, to_status, note
             FROM alert_status_changes
             WHERE alert_id = $1 AND ($2::text IS NULL OR tenant_id = $2)
             ORDER BY changed_at, from_status",
            &[&alert_id, &scope.sql_tenant()],
        )
        .await
        .map_err(|e| StorageError::new("reading an alert's history", e))?;
    Ok(rows
        .iter()
        .map(|r| StatusChange {
            changed_at: r.get(0),
            changed_by: r.get(1),
            from_status: r.get(2),
            to_status: r.get(3),
            note: r.get(4),
        })
        .collect())
}

/// What a status change did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusOutcome {
    /// The scope holds no such alert.
    NotFound,
    /// The alert already had that status; nothing was written.
    Unchanged,
    /// The status moved from this one.
    Changed { from: String },
}

/// Moves an alert to `to` on behalf of `by`, recording the change in its
/// history. Run it in a read-write transaction and commit afterwards: the
/// row lock taken here makes concurrent changes queue, so each history row
/// names the status it really replaced.
///
/// # Errors
///
/// A statement failed; the caller's transaction should be dropped.
pub async fn change_status(
    tx: &Transaction<'_>,
    scope: &Scope,
    alert_id: &str,
    to: &str,
    by: &str,
    note: Option<&str>,
) -> Result<StatusOutcome, StorageError> {
    let Some(row) = tx
        .query_opt(
            "SELECT status, tenant_id FROM alerts
             WHERE alert_id = $1 AND ($2::text IS NULL OR tenant_id = $2) FOR UPDATE",
            &[&alert_id, &scope.sql_tenant()],
        )
        .await
        .map_err(|e| StorageError::new("locking an alert", e))?
    else {
        return Ok(StatusOutcome::NotFound);
    };
    let (from, tenant): (String, String) = (row.get(0), row.get(1));
    if from == to {
        return Ok(StatusOutcome::Unchanged);
    }

    // Stamped with the clock after the lock, not now(): that is the
    // transaction's start, and a change that queued behind another would
    // otherwise appear to have happened before it.
    tx.execute(
        "UPDATE alerts SET status = $2, status_by = $3, status_at = clock_timestamp()
         WHERE alert_id = $1",
        &[&alert_id, &to, &by],
    )
    .await
    .map_err(|e| StorageError::new("changing an alert's status", e))?;
    tx.execute(
        "INSERT INTO alert_status_changes
             (alert_id, tenant_id, changed_at, changed_by, from_status, to_status, note)
         VALUES ($1, $2, clock_timestamp(), $3, $4, $5, $6)",
        &[&alert_id, &tenant, &by, &from, &to, &note],
    )
    .await
    .map_err(|e| StorageError::new("recording an alert's status change", e))?;
    Ok(StatusOutcome::Changed { from })
}

fn summary(r: &Row) -> AlertSummary {
    AlertSummary {
        alert_id: r.get(0),
        family: r.get(1),
        kind: r.get(2),
        severity: r.get(3),
        subject: r.get(4),
        raised_at: r.get(5),
        first_seen: r.get(6),
        last_seen: r.get(7),
        score: r.get(8),
        phase: r.get(9),
        summary: r.get(10),
        status: r.get(11),
        status_by: r.get(12),
        status_at: r.get(13),
    }
}
