//! Energy usage per meter, property and tenant, in quarter-hour, hourly or
//! local-day buckets.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Duration, Utc};
use nexzo_storage::portal::Access;
use nexzo_storage::portal::usage::{self, Subject, UsageBucket, Window};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{ApiPath, ApiQuery, check_id};
use crate::auth::Caller;
use crate::authz::{self, Action};
use crate::config::ApiConfig;
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// A bucket width. Days are the property's local days (23 or 25 hours
/// when the clocks change), as the stream stage stores them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub enum Width {
    #[serde(rename = "15m")]
    QuarterHour,
    #[serde(rename = "1h")]
    Hour,
    #[serde(rename = "1d")]
    Day,
}

impl Width {
    fn as_str(self) -> &'static str {
        match self {
            Self::QuarterHour => "15m",
            Self::Hour => "1h",
            Self::Day => "1d",
        }
    }

    /// The shortest a bucket of this width can be, for counting buckets in
    /// a range: a local day can be 23 hours.
    fn shortest(self) -> Duration {
        match self {
            Self::QuarterHour => Duration::minutes(15),
            Self::Hour => Duration::hours(1),
            Self::Day => Duration::hours(23),
        }
    }
}

/// Which buckets: a width and bucket starts in `[from, to)`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UsageQuery {
    /// `15m`, `1h` or `1d`.
    pub width: Width,
    /// First bucket start included (RFC 3339).
    pub from: DateTime<Utc>,
    /// Bucket starts before this (RFC 3339).
    pub to: DateTime<Utc>,
}

/// One bucket summed over the subject's meters.
#[derive(Debug, Serialize, ToSchema)]
pub struct Bucket {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// Consumption in whole Wh.
    pub energy_wh: i64,
    /// Meters with a rollup in this bucket.
    pub meters: i64,
    /// Part of it is a gap's consumption spread by time.
    pub estimated: bool,
    /// No meter had a reset, an implausible jump or an over-long silence.
    pub complete: bool,
    /// Late readings can no longer change it.
    pub is_final: bool,
}

/// A usage series.
#[derive(Debug, Serialize, ToSchema)]
pub struct UsageSeries {
    pub width: Width,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// Oldest first; buckets without data are absent.
    pub buckets: Vec<Bucket>,
}

impl UsageQuery {
    /// Checks the range against the configured caps.
    fn window(&self, config: &ApiConfig) -> Result<Window<'static>, ApiError> {
        if self.from >= self.to {
            return Err(ApiError::invalid("to", "must be after from"));
        }
        let span = self.to - self.from;
        if span > Duration::days(config.max_range_days.into()) {
            return Err(ApiError::invalid(
                "from",
                format!("the range may span at most {} days", config.max_range_days),
            ));
        }
        let buckets = span.num_seconds() / self.width.shortest().num_seconds();
        if buckets > i64::from(config.max_usage_buckets) {
            return Err(ApiError::invalid(
                "width",
                format!(
                    "the range holds more than {} buckets of this width; use a wider one",
                    config.max_usage_buckets
                ),
            ));
        }
        Ok(Window {
            width: self.width.as_str(),
            from: self.from,
            to: self.to,
        })
    }
}

/// Usage of one meter.
#[utoipa::path(get, path = "/v1/usage/meters/{meter_id}", tag = "usage",
    params(("meter_id" = String, Path, description = "The meter's id"), UsageQuery),
    responses((status = 200, body = UsageSeries), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn meter(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(meter_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<UsageQuery>,
) -> Result<Json<UsageSeries>, ApiError> {
    check_id("meter_id", &meter_id)?;
    series(
        &state,
        &caller,
        Action::MeterUsage,
        Subject::Meter(&meter_id),
        &query,
    )
    .await
}

/// Usage of one property: the sum over its meters.
#[utoipa::path(get, path = "/v1/usage/properties/{property_id}", tag = "usage",
    params(("property_id" = String, Path, description = "The property's id"), UsageQuery),
    responses((status = 200, body = UsageSeries), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn property(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(property_id): ApiPath<String>,
    ApiQuery(query): ApiQuery<UsageQuery>,
) -> Result<Json<UsageSeries>, ApiError> {
    check_id("property_id", &property_id)?;
    let subject = Subject::Property(&property_id);
    series(&state, &caller, Action::PropertyUsage, subject, &query).await
}

/// Usage of the caller's whole tenant.
#[utoipa::path(get, path = "/v1/usage/tenant", tag = "usage",
    params(UsageQuery),
    responses((status = 200, body = UsageSeries), (status = "4XX", body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn tenant(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<UsageQuery>,
) -> Result<Json<UsageSeries>, ApiError> {
    series(
        &state,
        &caller,
        Action::TenantUsage,
        Subject::Tenant,
        &query,
    )
    .await
}

async fn series(
    state: &AppState,
    caller: &Caller,
    action: Action,
    subject: Subject<'_>,
    query: &UsageQuery,
) -> Result<Json<UsageSeries>, ApiError> {
    let reach = authz::decide(&caller.principal, action).map_err(|_| ApiError::Forbidden)?;
    let window = query.window(state.config())?;
    let scope = state.scope(&caller.principal, reach);

    let mut client = state.connection().await?;
    let tx = state
        .begin(&mut client, Some(&scope.tenant_id), Access::ReadOnly)
        .await?;
    if !usage::visible(&tx, &scope, subject).await? {
        return Err(ApiError::NotFound);
    }
    let limit = i64::from(state.config().max_usage_buckets);
    let rows = usage::buckets(&tx, &scope, subject, window, limit).await?;
    drop(tx);

    state.count_reads(&caller.principal, rows.len());
    Ok(Json(UsageSeries {
        width: query.width,
        from: query.from,
        to: query.to,
        buckets: rows.into_iter().map(bucket).collect(),
    }))
}

fn bucket(row: UsageBucket) -> Bucket {
    Bucket {
        start: row.bucket_start,
        end: row.bucket_end,
        energy_wh: row.energy_wh,
        meters: row.meters,
        estimated: row.estimated,
        complete: row.complete,
        is_final: row.is_final,
    }
}
