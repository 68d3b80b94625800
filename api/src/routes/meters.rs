//! The meter registry of a property and the meters' latest readings.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use nexzo_storage::portal::Access;
use nexzo_storage::portal::meters::{self, LatestReading, MeterInfo, Selection};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{ApiPath, ApiQuery, check_id, decode_cursor, encode_cursor, page_rows};
use crate::auth::Caller;
use crate::authz::{self, Action};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A page position.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PageQuery {
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Rows per page, capped by the server's maximum.
    pub limit: Option<u32>,
}

/// A registered meter.
#[derive(Debug, Serialize, ToSchema)]
pub struct Meter {
    pub meter_id: String,
    pub property_id: String,
    pub unit_id: Option<String>,
    pub gateway_id: Option<String>,
    pub active: bool,
    /// IANA zone of the property's local days; absent means the pipeline's default.
    pub time_zone: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// A page of meters.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeterPage {
    pub items: Vec<Meter>,
    /// Pass as `cursor` for the next page; absent on the last one.
    pub next_cursor: Option<String>,
}

/// A meter's newest stored reading; reading fields are absent for a meter
/// that has not reported.
#[derive(Debug, Serialize, ToSchema)]
pub struct Latest {
    pub meter_id: String,
    pub property_id: String,
    pub ts: Option<DateTime<Utc>>,
    /// Cumulative import register, whole Wh.
    pub energy_wh: Option<i64>,
    pub power_w: Option<f64>,
    pub voltage_v: Option<f64>,
    pub current_a: Option<f64>,
}

/// A page of latest readings.
#[derive(Debug, Serialize, ToSchema)]
pub struct LatestPage {
    pub items: Vec<Latest>,
    pub next_cursor: Option<String>,
}

/// The meters of a property.
#[utoipa::path(get, path = "/v1/properties/{property_id}/meters", tag = "meters",
    params(("property_id" = String, Path, description = "The property's id"), PageQuery),
    responses((status = 200, body = MeterPage), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn registry(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(property_id): ApiPath<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<MeterPage>, ApiError> {
    check_id("property_id", &property_id)?;
    let (rows, next_cursor) = select(
        &state,
        &caller,
        Action::MeterRegistry,
        Some(&property_id),
        None,
        &page,
        Kind::Registry,
    )
    .await?;
    let items = rows.registry.into_iter().map(meter).collect();
    Ok(Json(MeterPage { items, next_cursor }))
}

/// The latest reading of each meter of a property.
#[utoipa::path(get, path = "/v1/properties/{property_id}/latest-readings", tag = "meters",
    params(("property_id" = String, Path, description = "The property's id"), PageQuery),
    responses((status = 200, body = LatestPage), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn property_latest(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(property_id): ApiPath<String>,
    ApiQuery(page): ApiQuery<PageQuery>,
) -> Result<Json<LatestPage>, ApiError> {
    check_id("property_id", &property_id)?;
    let (rows, next_cursor) = select(
        &state,
        &caller,
        Action::LatestReadings,
        Some(&property_id),
        None,
        &page,
        Kind::Latest,
    )
    .await?;
    let items = rows.latest.into_iter().map(latest).collect();
    Ok(Json(LatestPage { items, next_cursor }))
}

/// The latest reading of one meter.
#[utoipa::path(get, path = "/v1/meters/{meter_id}/latest-reading", tag = "meters",
    params(("meter_id" = String, Path, description = "The meter's id")),
    responses((status = 200, body = Latest), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn meter_latest(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(meter_id): ApiPath<String>,
) -> Result<Json<Latest>, ApiError> {
    check_id("meter_id", &meter_id)?;
    let page = PageQuery {
        cursor: None,
        limit: Some(1),
    };
    let (rows, _) = select(
        &state,
        &caller,
        Action::LatestReadings,
        None,
        Some(&meter_id),
        &page,
        Kind::Latest,
    )
    .await?;
    rows.latest
        .into_iter()
        .next()
        .map(|r| Json(latest(r)))
        .ok_or(ApiError::NotFound)
}

/// Which statement to run.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Registry,
    Latest,
}

/// The rows of either statement.
#[derive(Default)]
struct Rows {
    registry: Vec<MeterInfo>,
    latest: Vec<LatestReading>,
}

/// Runs one page of either statement. An empty first page means the
/// property (or meter) is not one the caller may see: "not found", alike
/// for other tenants' ids and for ids that do not exist.
async fn select(
    state: &AppState,
    caller: &Caller,
    action: Action,
    property_id: Option<&str>,
    meter_id: Option<&str>,
    page: &PageQuery,
    kind: Kind,
) -> Result<(Rows, Option<String>), ApiError> {
    let reach = authz::decide(&caller.principal, action).map_err(|_| ApiError::Forbidden)?;
    let after: Option<String> = page.cursor.as_deref().map(decode_cursor).transpose()?;
    let limit = page_rows(page.limit, state.config())?;
    let scope = state.scope(&caller.principal, reach);
    let selection = Selection {
        property_id,
        meter_id,
        after_meter_id: after.as_deref(),
        limit: limit + 1,
    };

    let mut client = state.connection().await?;
    let tx = state
        .begin(&mut client, Some(&scope.tenant_id), Access::ReadOnly)
        .await?;
    let mut rows = Rows::default();
    match kind {
        Kind::Registry => rows.registry = meters::list(&tx, &scope, selection).await?,
        Kind::Latest => rows.latest = meters::latest(&tx, &scope, selection).await?,
    }
    drop(tx);

    let count = rows.registry.len() + rows.latest.len();
    if count == 0 && after.is_none() {
        return Err(ApiError::NotFound);
    }
    let next = trim_page(&mut rows, limit);
    state.count_reads(
        &caller.principal,
        count.min(usize::try_from(limit).unwrap_or(usize::MAX)),
    );
    Ok((rows, next))
}

/// Drops the probe row fetched beyond the page and returns the cursor to
/// the next page, if there is one.
fn trim_page(rows: &mut Rows, limit: i64) -> Option<String> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let last_id = |id: &str| Some(encode_cursor(&id));
    if rows.registry.len() > limit {
        rows.registry.truncate(limit);
        return rows.registry.last().and_then(|m| last_id(&m.meter_id));
    }
    if rows.latest.len() > limit {
        rows.latest.truncate(limit);
        return rows.latest.last().and_then(|m| last_id(&m.meter_id));
    }
    None
}

fn meter(m: MeterInfo) -> Meter {
    Meter {
        meter_id: m.meter_id,
        property_id: m.property_id,
        unit_id: m.unit_id,
        gateway_id: m.gateway_id,
        active: m.active,
        time_zone: m.time_zone,
        updated_at: m.updated_at,
    }
}

fn latest(r: LatestReading) -> Latest {
    Latest {
        meter_id: r.meter_id,
        property_id: r.property_id,
        ts: r.ts,
        energy_wh: r.energy_wh,
        power_w: r.power_w,
        voltage_v: r.voltage_v,
        current_a: r.current_a,
    }
}
