//! Extractors whose rejections take the API's error shape, and the checks
//! every parameter passes before it reaches a statement (as a bound
//! parameter, never as SQL text).

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Json, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::config::ApiConfig;
use crate::error::ApiError;

/// Longest id accepted in a path or filter, in bytes. Ids are short slugs;
/// anything longer is refused before it costs a query.
pub const MAX_ID_BYTES: usize = 128;

/// Longest cursor accepted, in bytes: an encoded time and an id fit well
/// within it.
const MAX_CURSOR_BYTES: usize = 512;

/// `Query` with the API's error shape.
#[derive(Debug)]
pub struct ApiQuery<T>(pub T);

/// `Path` with the API's error shape.
#[derive(Debug)]
pub struct ApiPath<T>(pub T);

/// `Json` with the API's error shape.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| Self(value))
            .map_err(|e: QueryRejection| ApiError::invalid("query", e.body_text()))
    }
}

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        Path::<T>::from_request_parts(parts, state)
            .await
            .map(|Path(value)| Self(value))
            .map_err(|e: PathRejection| ApiError::invalid("path", e.body_text()))
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        Json::<T>::from_request(request, state)
            .await
            .map(|Json(value)| Self(value))
            .map_err(|e: JsonRejection| match e.status() {
                StatusCode::PAYLOAD_TOO_LARGE => ApiError::BodyTooLarge,
                _ => ApiError::InvalidBody(e.body_text()),
            })
    }
}

/// Refuses an empty or overlong id, or one with control characters
/// (PostgreSQL refuses a NUL in text, which would otherwise surface as an
/// internal error).
///
/// # Errors
///
/// `InvalidParameter` naming `name`.
pub fn check_id(name: &'static str, value: &str) -> Result<(), ApiError> {
    if value.is_empty() || value.len() > MAX_ID_BYTES || value.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            name,
            format!("must be 1 to {MAX_ID_BYTES} bytes without control characters"),
        ));
    }
    Ok(())
}

/// The page size to use: the caller's, within bounds, or the default.
///
/// # Errors
///
/// A limit of zero.
pub fn page_rows(asked: Option<u32>, config: &ApiConfig) -> Result<i64, ApiError> {
    match asked {
        Some(0) => Err(ApiError::invalid("limit", "must be at least 1")),
        Some(n) => Ok(i64::from(n.min(config.max_page_rows))),
        None => Ok(i64::from(config.default_page_rows)),
    }
}

/// Encodes a keyset position as an opaque cursor.
pub fn encode_cursor<T: Serialize>(position: &T) -> String {
    let json = serde_json::to_vec(position).unwrap_or_default();
    URL_SAFE_NO_PAD.encode(json)
}

/// Decodes a cursor made by [`encode_cursor`].
///
/// # Errors
///
/// The cursor was not made by this API (or was tampered with).
pub fn decode_cursor<T: DeserializeOwned>(cursor: &str) -> Result<T, ApiError> {
    let invalid = || ApiError::invalid("cursor", "not a cursor this API returned");
    if cursor.len() > MAX_CURSOR_BYTES {
        return Err(invalid());
    }
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
}
