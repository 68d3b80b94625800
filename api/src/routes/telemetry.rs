//! One counter and one latency histogram per route and status.

use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use metrics::{counter, histogram};

/// The label of requests no route matched: the path itself is never a
/// label, or a scanner could mint a time series per request.
const UNMATCHED: &str = "unmatched";

/// Counts the request and times it.
pub(super) async fn track(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED.to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    histogram!("nexzo_api_request_duration_seconds", "route" => route.clone())
        .record(started.elapsed().as_secs_f64());
    counter!("nexzo_api_requests_total", "route" => route, "status" => status).increment(1);
    response
}
