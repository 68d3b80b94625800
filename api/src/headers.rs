//! Headers every response carries, errors included, and CORS.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderName, HeaderValue, Method, header};
use axum::response::Response;
use tower_http::cors::{AllowOrigin, CorsLayer};

use crate::config::ApiConfig;

/// How long, in seconds, a browser may cache a CORS preflight answer.
const PREFLIGHT_MAX_AGE_SECS: u64 = 600;

/// The API serves JSON only: nothing in a response may load, frame or run
/// anything, and nothing is worth sending a referrer for.
const FIXED: [(HeaderName, &str); 4] = [
    (
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
    ),
    (header::X_FRAME_OPTIONS, "DENY"),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    (header::REFERRER_POLICY, "no-referrer"),
];

/// The `Strict-Transport-Security` value for `config`.
pub(crate) fn hsts(config: &ApiConfig) -> HeaderValue {
    let value = format!("max-age={}; includeSubDomains", config.hsts_max_age_secs);
    HeaderValue::from_str(&value).unwrap_or(HeaderValue::from_static("max-age=31536000"))
}

/// Sets the security headers on a response, replacing any already there.
pub(crate) async fn secure(State(hsts): State<HeaderValue>, mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in FIXED {
        headers.insert(name, HeaderValue::from_static(value));
    }
    headers.insert(header::STRICT_TRANSPORT_SECURITY, hsts);
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// CORS for the configured origins; with none, no origin is allowed.
pub(crate) fn cors(config: &ApiConfig) -> CorsLayer {
    let origins: Vec<HeaderValue> = config
        .allowed_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(Duration::from_secs(PREFLIGHT_MAX_AGE_SECS))
}
