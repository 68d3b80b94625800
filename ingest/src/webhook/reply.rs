//! Answers to webhook requests, and the metric and log line each one
//! writes. Every response leaves through here, so the counters and the
//! error shape cannot drift apart.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics::counter;
use serde_json::json;
use tracing::{debug, warn};

use super::SignatureError;

/// The `source` label of requests for no known source. Whatever the path
/// says is never used as a label: a scanner could mint a new time series
/// per request.
pub(super) const UNKNOWN_SOURCE: &str = "unknown";

/// What `Retry-After` tells a sender whose request could not be committed.
/// Long enough for a pipeline restart or a database reconnect to be under
/// way; the senders apply their own backoff on top.
const RETRY_AFTER_UNAVAILABLE_SECS: u64 = 5;

/// Why a request was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(super) enum Refusal {
    #[error("no webhook source is served at this path")]
    UnknownSource,
    #[error("webhook sources accept POST only")]
    MethodNotAllowed,
    #[error("the request body is larger than this endpoint accepts")]
    BodyTooLarge,
    #[error("the request body could not be read")]
    UnreadableBody,
    #[error("too many requests from this source; retry after the indicated delay")]
    RateLimited { retry_after_secs: u64 },
    #[error("{0}")]
    Unauthenticated(SignatureError),
    #[error("the pipeline is not taking requests; retry later")]
    PipelineClosed,
    #[error("the request was not committed; retry later")]
    NotCommitted,
    #[error("the request was not committed in time; retry later")]
    CommitTimeout,
}

impl Refusal {
    /// A stable name, used both as the response's error code and as the
    /// `reason` label of the rejection counter.
    fn code(self) -> &'static str {
        match self {
            Self::UnknownSource => "unknown_source",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::BodyTooLarge => "body_too_large",
            Self::UnreadableBody => "unreadable_body",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unauthenticated(e) => e.as_str(),
            Self::PipelineClosed => "pipeline_closed",
            Self::NotCommitted => "not_committed",
            Self::CommitTimeout => "commit_timeout",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            Self::UnknownSource => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnreadableBody => StatusCode::BAD_REQUEST,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::PipelineClosed | Self::NotCommitted | Self::CommitTimeout => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    fn retry_after_secs(self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } => Some(retry_after_secs),
            Self::PipelineClosed | Self::NotCommitted | Self::CommitTimeout => {
                Some(RETRY_AFTER_UNAVAILABLE_SECS)
            }
            _ => None,
        }
    }

    /// Counts and logs the refusal, then builds its response.
    pub(super) fn reply(self, source: &'static str) -> Response {
        self.record(source);
        let body = json!({ "error": { "code": self.code(), "message": self.to_string() } });
        let mut response = (self.status(), Json(body)).into_response();
        if let Some(secs) = self.retry_after_secs() {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }

    fn record(self, source: &'static str) {
        let reason = self.code();
        count_request(source, self.status());
        counter!("nexzo_webhook_rejected_total", "source" => source, "reason" => reason)
            .increment(1);
        match self {
            // These come after the rate limit, which bounds their log lines.
            Self::Unauthenticated(_) => {
                warn!(
                    source,
                    reason, "webhook request refused: signature check failed"
                );
            }
            Self::PipelineClosed | Self::NotCommitted | Self::CommitTimeout => {
                warn!(
                    source,
                    reason, "webhook request not committed; the sender will retry"
                );
            }
            // Possibly one per request of a flood: counted, logged at debug.
            _ => debug!(source, reason, "webhook request refused"),
        }
    }
}

/// The answer to a request whose rows are committed.
pub(super) fn accepted(source: &'static str) -> Response {
    count_request(source, StatusCode::OK);
    debug!(source, "webhook request committed");
    (StatusCode::OK, Json(json!({ "status": "accepted" }))).into_response()
}

fn count_request(source: &'static str, status: StatusCode) {
    let status = status.as_u16().to_string();
    counter!("nexzo_webhook_requests_total", "source" => source, "status" => status).increment(1);
}
