//! Alerts: the list analysts triage, one alert with its evidence, and its
//! status changes.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use nexzo_storage::portal::alerts::{self, AlertFilter, AlertSummary, StatusOutcome};
use nexzo_storage::portal::{self, Access};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{
    ApiJson, ApiPath, ApiQuery, check_id, decode_cursor, encode_cursor, page_rows,
};
use crate::auth::Caller;
use crate::authz::{self, Action};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Longest note on a status change, in characters.
const MAX_NOTE_CHARS: usize = 2000;

/// Longest subject field name accepted in a filter, in bytes.
const MAX_SUBJECT_FIELD_BYTES: usize = 32;

/// How far back the list reaches when the caller names no start (or
/// `max_range_days`, if shorter): a month covers a triage queue without
/// scanning a year of history.
const DEFAULT_LOOKBACK_DAYS: i64 = 30;

/// An alert's severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

/// Where an alert stands with the analysts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Acknowledged,
    Resolved,
    FalsePositive,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Acknowledged => "acknowledged",
            Self::Resolved => "resolved",
            Self::FalsePositive => "false_positive",
        }
    }
}

/// A status an analyst can move an alert to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Acknowledged,
    Resolved,
    FalsePositive,
}

/// Filters of the alert list; all optional.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AlertQuery {
    /// The detector's kind, e.g. `usage_spike`.
    pub kind: Option<String>,
    pub severity: Option<Severity>,
    pub status: Option<Status>,
    /// One subject field as `field:value`, e.g. `meter_id:m-1`.
    pub subject: Option<String>,
    /// Raised at or after (RFC 3339). Default: 30 days (or the server's
    /// maximum range, if shorter) before `to`.
    pub from: Option<DateTime<Utc>>,
    /// Raised before (RFC 3339). Default: now.
    pub to: Option<DateTime<Utc>>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, capped by the server's maximum.
    pub limit: Option<u32>,
}

/// An alert as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Alert {
    pub alert_id: String,
    /// `usage`, `billing`, `logins` or `api`.
    pub family: String,
    pub kind: String,
    pub severity: String,
    /// Who or what it is about, e.g. `{"meter_id": "m-1"}`.
    #[schema(value_type = Object)]
    pub subject: serde_json::Value,
    pub raised_at: DateTime<Utc>,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Detector's confidence, 0 to 1.
    pub score: f64,
    /// The detector's view: `opened`, `updated` or `closed`.
    pub phase: String,
    pub summary: String,
    pub status: String,
    pub status_by: Option<String>,
    pub status_at: Option<DateTime<Utc>>,
}

/// A page of alerts, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertPage {
    pub items: Vec<Alert>,
    pub next_cursor: Option<String>,
}

/// One analyst decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub changed_at: DateTime<Utc>,
    pub changed_by: String,
    pub from_status: String,
    pub to_status: String,
    pub note: Option<String>,
}

/// An alert with its evidence and history.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertDetail {
    pub alert: Alert,
    /// What the detector saw.
    #[schema(value_type = Object)]
    pub evidence: serde_json::Value,
    /// Status changes, oldest first.
    pub history: Vec<HistoryEntry>,
}

/// A status change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: Decision,
    /// Why, for the next analyst; at most 2000 characters.
    pub note: Option<String>,
}

/// What a status change did.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatusChanged {
    pub alert_id: String,
    pub status: Decision,
    /// False when the alert already had this status (nothing recorded).
    pub changed: bool,
}

/// The keyset position of the last alert on a page.
#[derive(Debug, Serialize, Deserialize)]
struct Position {
    raised_at: DateTime<Utc>,
    alert_id: String,
}

/// Lists the tenant's alerts, newest first.
#[utoipa::path(get, path = "/v1/alerts", tag = "alerts", params(AlertQuery),
    responses((status = 200, body = AlertPage), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<AlertQuery>,
) -> Result<Json<AlertPage>, ApiError> {
    let reach =
        authz::decide(&caller.principal, Action::ReadAlerts).map_err(|_| ApiError::Forbidden)?;
    let limit = page_rows(query.limit, state.config())?;
    let mut filter = filter(&query, state.config().max_range_days)?;
    filter.limit = limit + 1;
    let scope = state.scope(&caller.principal, reach);

    let mut client = state.connection().await?;
    let tx = state
        .begin(&mut client, Some(&scope.tenant_id), Access::ReadOnly)
        .await?;
    let mut rows = alerts::list(&tx, &scope, &filter).await?;
    drop(tx);

    let next_cursor = next_cursor(&mut rows, limit);
    state.count_reads(&caller.principal, rows.len());
    let items = rows.into_iter().map(alert).collect();
    Ok(Json(AlertPage { items, next_cursor }))
}

/// One alert with its evidence and status history.
#[utoipa::path(get, path = "/v1/alerts/{alert_id}", tag = "alerts",
    params(("alert_id" = String, Path, description = "The alert's id")),
    responses((status = 200, body = AlertDetail), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(alert_id): ApiPath<String>,
) -> Result<Json<AlertDetail>, ApiError> {
    check_id("alert_id", &alert_id)?;
    let reach =
        authz::decide(&caller.principal, Action::ReadAlerts).map_err(|_| ApiError::Forbidden)?;
    let scope = state.scope(&caller.principal, reach);

    let mut client = state.connection().await?;
    let tx = state
        .begin(&mut client, Some(&scope.tenant_id), Access::ReadOnly)
        .await?;
    let found = alerts::detail(&tx, &scope, &alert_id).await?;
    drop(tx);

    let found = found.ok_or(ApiError::NotFound)?;
    state.count_reads(&caller.principal, 1 + found.history.len());
    Ok(Json(AlertDetail {
        alert: alert(found.alert),
        evidence: found.evidence,
        history: found.history.into_iter().map(history_entry).collect(),
    }))
}

/// Acknowledges, resolves or marks an alert a false positive. The status
/// and its history row are written in one transaction.
#[utoipa::path(post, path = "/v1/alerts/{alert_id}/status", tag = "alerts",
    params(("alert_id" = String, Path, description = "The alert's id")),
    request_body = StatusChange,
    responses((status = 200, body = StatusChanged), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn change_status(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(alert_id): ApiPath<String>,
    ApiJson(change): ApiJson<StatusChange>,
) -> Result<Json<StatusChanged>, ApiError> {
    check_id("alert_id", &alert_id)?;
    let reach = authz::decide(&caller.principal, Action::ChangeAlertStatus)
        .map_err(|_| ApiError::Forbidden)?;
    let note_ok = |n: &String| n.chars().count() <= MAX_NOTE_CHARS && !n.contains('\0');
    if !change.note.as_ref().is_none_or(note_ok) {
        return Err(ApiError::invalid(
            "note",
            format!("at most {MAX_NOTE_CHARS} characters, without NUL"),
        ));
    }
    let scope = state.scope(&caller.principal, reach);
    let to = match change.status {
        Decision::Acknowledged => Status::Acknowledged,
        Decision::Resolved => Status::Resolved,
        Decision::FalsePositive => Status::FalsePositive,
    };

    let mut client = state.connection().await?;
    let tx = state
        .begin(&mut client, Some(&scope.tenant_id), Access::ReadWrite)
        .await?;
    let actor = caller.principal.actor();
    let outcome = alerts::change_status(
        &tx,
        &scope,
        &alert_id,
        to.as_str(),
        &actor,
        change.note.as_deref(),
    )
    .await?;
    let changed = match outcome {
        StatusOutcome::NotFound => return Err(ApiError::NotFound),
        StatusOutcome::Unchanged => false,
        StatusOutcome::Changed { .. } => true,
    };
    portal::commit(tx).await?;
    Ok(Json(StatusChanged {
        alert_id,
        status: change.status,
        changed,
    }))
}

/// Turns the query into the storage filter, checking each parameter.
fn filter(query: &AlertQuery, max_range_days: u32) -> Result<AlertFilter, ApiError> {
    let to = query.to.unwrap_or_else(Utc::now);
    let lookback_days = DEFAULT_LOOKBACK_DAYS.min(max_range_days.into());
    let from = query.from.unwrap_or(to - Duration::days(lookback_days));
    if from >= to {
        return Err(ApiError::invalid("to", "must be after from"));
    }
    if to - from > Duration::days(max_range_days.into()) {
        return Err(ApiError::invalid(
            "from",
            format!("the range may span at most {max_range_days} days"),
        ));
    }
    if let Some(kind) = &query.kind {
        super::params::check_id("kind", kind)?;
    }
    let before = query
        .cursor
        .as_deref()
        .map(decode_cursor::<Position>)
        .transpose()?
        .map(|p| (p.raised_at, p.alert_id));
    Ok(AlertFilter {
        kind: query.kind.clone(),
        severity: query.severity.map(|s| severity(s).to_owned()),
        status: query.status.map(|s| s.as_str().to_owned()),
        subject: query.subject.as_deref().map(subject).transpose()?,
        raised_from: Some(from),
        raised_to: Some(to),
        before,
        limit: 0,
    })
}

/// `field:value` as the JSON object the subject must contain.
fn subject(text: &str) -> Result<serde_json::Value, ApiError> {
    let invalid = || ApiError::invalid("subject", "expected field:value, e.g. meter_id:m-1");
    let (field, value) = text.split_once(':').ok_or_else(invalid)?;
    let field_ok = !field.is_empty()
        && field.len() <= MAX_SUBJECT_FIELD_BYTES
        && field.bytes().all(|b| b.is_ascii_lowercase() || b == b'_');
    if !field_ok {
        return Err(invalid());
    }
    check_id("subject", value)?;
    Ok(serde_json::json!({ field: value }))
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

fn next_cursor(rows: &mut Vec<AlertSummary>, limit: i64) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() <= limit {
        return None;
    }
    rows.truncate(limit);
    rows.last().map(|a| {
        encode_cursor(&Position {
            raised_at: a.raised_at,
            alert_id: a.alert_id.clone(),
        })
    })
}

fn alert(a: AlertSummary) -> Alert {
    Alert {
        alert_id: a.alert_id,
        family: a.family,
        kind: a.kind,
        severity: a.severity,
        subject: a.subject,
        raised_at: a.raised_at,
        first_seen: a.first_seen,
        last_seen: a.last_seen,
        score: a.score,
        phase: a.phase,
        summary: a.summary,
        status: a.status,
        status_by: a.status_by,
        status_at: a.status_at,
    }
}

fn history_entry(h: nexzo_storage::portal::alerts::StatusChange) -> HistoryEntry {
    HistoryEntry {
        changed_at: h.changed_at,
        changed_by: h.changed_by,
        from_status: h.from_status,
        to_status: h.to_status,
        note: h.note,
    }
}
