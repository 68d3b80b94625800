//! The one error shape every failed request gets,
//! `{"error": {"code": "...", "message": "..."}}`, and the status, headers,
//! metric and log line of each error.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use metrics::counter;
use nexzo_storage::{ErrorKind, StorageError};
use serde::Serialize;
use tracing::{debug, error, warn};
use utoipa::ToSchema;

/// What `Retry-After` says when the database is unavailable: long enough
/// for a reconnect, short enough that a dashboard recovers quickly.
const RETRY_AFTER_UNAVAILABLE_SECS: u64 = 2;

/// Why a request failed. The message is safe to show to the caller: it
/// never carries database text, other tenants' ids or secrets.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No usable credential; the reason goes to the log and metrics only,
    /// the caller learns which check failed for tokens (so a client knows
    /// to refresh) and nothing more for API keys.
    #[error("{0}")]
    Unauthenticated(crate::auth::AuthFailure),
    /// The caller's role or key may never do this, whatever the resource.
    #[error("this credential may not use this endpoint")]
    Forbidden,
    /// No such resource, or none the caller may see: the two look alike
    /// so that ids of other tenants cannot be probed.
    #[error("not found")]
    NotFound,
    #[error("no such endpoint")]
    NoRoute,
    #[error("this endpoint does not accept that method")]
    MethodNotAllowed,
    /// A parameter is malformed or out of bounds.
    #[error("invalid parameter {name}: {why}")]
    InvalidParameter { name: &'static str, why: String },
    #[error("invalid request body: {0}")]
    InvalidBody(String),
    #[error("the request body is larger than this endpoint accepts")]
    BodyTooLarge,
    #[error("too many requests; retry after the indicated delay")]
    RateLimited { retry_after_secs: u64 },
    /// The database is unreachable, or a statement ran past its timeout.
    #[error("the service is briefly unavailable; retry later")]
    Unavailable,
    #[error("internal error")]
    Internal,
}

/// The JSON body of every error response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// A stable machine-readable code and a sentence for people.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable: clients may branch on it.
    #[schema(example = "not_found")]
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    /// A stable name for the response and the `reason` metric label.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(f) => f.code(),
            Self::Forbidden => "forbidden",
            Self::NotFound | Self::NoRoute => "not_found",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::InvalidParameter { .. } => "invalid_parameter",
            Self::InvalidBody(_) => "invalid_body",
            Self::BodyTooLarge => "body_too_large",
            Self::RateLimited { .. } => "rate_limited",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
        }
    }

    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden => StatusCode::FORBIDDEN,
            Self::NotFound | Self::NoRoute => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::InvalidParameter { .. } | Self::InvalidBody(_) => StatusCode::BAD_REQUEST,
            Self::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A parameter error.
    pub fn invalid(name: &'static str, why: impl Into<String>) -> Self {
        Self::InvalidParameter {
            name,
            why: why.into(),
        }
    }

    fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::RateLimited { retry_after_secs } => Some(*retry_after_secs),
            Self::Unavailable => Some(RETRY_AFTER_UNAVAILABLE_SECS),
            _ => None,
        }
    }
}

impl From<StorageError> for ApiError {
    /// Logs the database's own words (never shown to the caller) once,
    /// here, where every storage failure passes.
    fn from(err: StorageError) -> Self {
        match err.kind() {
            ErrorKind::Transient => {
                warn!(cause = %err, "API query failed; answered 503");
                Self::Unavailable
            }
            ErrorKind::Rejected | ErrorKind::Operator => {
                error!(cause = %err, "API query failed; answered 500");
                Self::Internal
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        counter!("nexzo_api_errors_total", "code" => self.code()).increment(1);
        debug!(
            code = self.code(),
            status = status.as_u16(),
            "API request refused"
        );
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code(),
                message: self.to_string(),
            },
        };
        let mut response = (status, Json(body)).into_response();
        let headers = response.headers_mut();
        if let Some(secs) = self.retry_after_secs() {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if matches!(self, Self::Unauthenticated(_)) {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
