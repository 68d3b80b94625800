//! The routes and the layers around them.

pub mod alerts;
pub mod health;
pub mod meters;
pub mod params;
pub mod quarantine;
mod telemetry;
pub mod usage;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::ApiError;
use crate::headers;
use crate::limits;
use crate::state::AppState;

/// The API's router. Serve it with
/// `into_make_service_with_connect_info::<SocketAddr>()` (as [`crate::serve`]
/// does): without the peer address, per-address limits share one bucket
/// and keys with an address allowlist are refused.
pub fn router(state: AppState) -> Router {
    let config = state.config();
    let (hsts, cors, body_limit) = (
        headers::hsts(config),
        headers::cors(config),
        config.max_body_bytes,
    );
    Router::new()
        .route("/v1/usage/meters/{meter_id}", get(usage::meter))
        .route("/v1/usage/properties/{property_id}", get(usage::property))
        .route("/v1/usage/tenant", get(usage::tenant))
        .route("/v1/properties/{property_id}/meters", get(meters::registry))
        .route(
            "/v1/properties/{property_id}/latest-readings",
            get(meters::property_latest),
        )
        .route(
            "/v1/meters/{meter_id}/latest-reading",
            get(meters::meter_latest),
        )
        .route("/v1/alerts", get(alerts::list))
        .route("/v1/alerts/{alert_id}", get(alerts::detail))
        .route("/v1/alerts/{alert_id}/status", post(alerts::change_status))
        .route("/v1/quarantine", get(quarantine::list))
        .route("/v1/quarantine/{id}", get(quarantine::detail))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/openapi.json", get(health::openapi))
        .fallback(|| async { ApiError::NoRoute })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::per_address,
        ))
        .layer(middleware::from_fn(telemetry::track))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal.into_response()
        }))
        .layer(cors)
        .layer(middleware::map_response_with_state(hsts, headers::secure))
        .with_state(state)
}
