//! The refused records of the tenant's meters, for its administrators.

use axum::Json;
use axum::extract::State;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use nexzo_storage::portal::Access;
use nexzo_storage::portal::quarantine::{self, QuarantineSummary};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{ApiPath, ApiQuery, check_id, decode_cursor, encode_cursor, page_rows};
use crate::auth::Caller;
use crate::authz::{self, Action};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// Filters of the quarantine list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QuarantineQuery {
    /// Only this reason, e.g. `implausible_register`.
    pub reason_code: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, capped by the server's maximum.
    pub limit: Option<u32>,
}

/// A refused record, without its bytes.
#[derive(Debug, Serialize, ToSchema)]
pub struct Entry {
    pub id: i64,
    pub received_at: DateTime<Utc>,
    pub quarantined_at: DateTime<Utc>,
    /// `mqtt`, `kafka` or `webhook`.
    pub transport: String,
    pub topic: String,
    pub kafka_partition: Option<i32>,
    pub kafka_offset: Option<i64>,
    /// Position in a gateway batch, when the record was one reading of it.
    pub item_index: Option<i32>,
    pub reason_code: String,
    pub reason: String,
    pub meter_id: Option<String>,
    pub replayed_at: Option<DateTime<Utc>>,
    /// Size of the refused bytes.
    pub raw_bytes: i32,
}

/// A page of entries, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryPage {
    pub items: Vec<Entry>,
    pub next_cursor: Option<String>,
}

/// One entry with its exact bytes.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryDetail {
    pub entry: Entry,
    /// The refused bytes, base64 (standard alphabet, padded).
    pub raw_base64: String,
}

/// Lists the tenant's quarantined records, newest first.
#[utoipa::path(get, path = "/v1/quarantine", tag = "quarantine", params(QuarantineQuery),
    responses((status = 200, body = EntryPage), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<QuarantineQuery>,
) -> Result<Json<EntryPage>, ApiError> {
    let reach = authz::decide(&caller.principal, Action::ReadQuarantine)
        .map_err(|_| ApiError::Forbidden)?;
    if let Some(reason) = &query.reason_code {
        check_id("reason_code", reason)?;
    }
    let before: Option<i64> = query.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = page_rows(query.limit, state.config())?;
    let scope = state.scope(&caller.principal, reach);

    let mut client = state.connection().await?;
    let tx = state
        .begin(&mut client, Some(&scope.tenant_id), Access::ReadOnly)
        .await?;
    let reason = query.reason_code.as_deref();
    let mut rows = quarantine::list(&tx, &scope, reason, before, limit + 1).await?;
    drop(tx);

    let page = usize::try_from(limit).unwrap_or(usize::MAX);
    let next_cursor = (rows.len() > page).then(|| {
        rows.truncate(page);
        rows.last().map(|e| encode_cursor(&e.id))
    });
    state.count_reads(&caller.principal, rows.len());
    Ok(Json(EntryPage {
        items: rows.into_iter().map(entry).collect(),
        next_cursor: next_cursor.flatten(),
    }))
}

/// One quarantined record with its exact bytes.
#[utoipa::path(get, path = "/v1/quarantine/{id}", tag = "quarantine",
    params(("id" = i64, Path, description = "The entry's id")),
    responses((status = 200, body = EntryDetail), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<EntryDetail>, ApiError> {
    let reach = authz::decide(&caller.principal, Action::ReadQuarantine)
        .map_err(|_| ApiError::Forbidden)?;
    let scope = state.scope(&caller.principal, reach);

    let mut client = state.connection().await?;
    let tx = state
        .begin(&mut client, Some(&scope.tenant_id), Access::ReadOnly)
        .await?;
    let found = quarantine::detail(&tx, &scope, id).await?;
    drop(tx);

    let (summary, raw) = found.ok_or(ApiError::NotFound)?;
    state.count_reads(&caller.principal, 1);
    Ok(Json(EntryDetail {
        entry: entry(summary),
        raw_base64: STANDARD.encode(raw),
    }))
}

fn entry(e: QuarantineSummary) -> Entry {
    Entry {
        id: e.id,
        received_at: e.received_at,
        quarantined_at: e.quarantined_at,
        transport: e.transport,
        topic: e.topic,
        kafka_partition: e.kafka_partition,
        kafka_offset: e.kafka_offset,
        item_index: e.item_index,
        reason_code: e.reason_code,
        reason: e.reason,
        meter_id: e.meter_id,
        replayed_at: e.replayed_at,
        raw_bytes: e.raw_bytes,
    }
}
