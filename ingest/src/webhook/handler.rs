//! One webhook request, from its path to its answer, in the order of checks
//! the module documentation gives.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::Response;
use bytes::Bytes;
use chrono::Utc;
use governor::clock::Clock;
use nexzo_schemas::{SourcePosition, Transport};

use super::reply::{Refusal, UNKNOWN_SOURCE, accepted};
use super::server::{Endpoint, Source};
use crate::envelope::{AckToken, Envelope, WebhookAck};

/// `POST /webhooks/{source}`.
pub(super) async fn receive(
    State(endpoint): State<Arc<Endpoint>>,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let source = path
        .ok()
        .and_then(|Path(name)| endpoint.sources.get(name.as_str()));
    let Some(source) = source else {
        return Refusal::UnknownSource.reply(UNKNOWN_SOURCE);
    };
    match accept(&endpoint, source, request).await {
        Ok(()) => accepted(source.name),
        Err(refusal) => refusal.reply(source.name),
    }
}

/// Any path outside the webhook route.
pub(super) async fn not_found() -> Response {
    Refusal::UnknownSource.reply(UNKNOWN_SOURCE)
}

/// The webhook route with a method other than POST.
pub(super) async fn method_not_allowed() -> Response {
    Refusal::MethodNotAllowed.reply(UNKNOWN_SOURCE)
}

async fn accept(endpoint: &Endpoint, source: &Source, request: Request) -> Result<(), Refusal> {
    let signature = request.headers().get(&source.header).cloned();
    let body = read_body(request, endpoint.max_body_bytes).await?;

    admit(source)?;

    let signature = signature.as_ref().map(|v| v.as_bytes());
    source
        .check
        .verify(signature, &body, Utc::now())
        .map_err(Refusal::Unauthenticated)?;

    hand_on(endpoint, source, body).await
}

/// The body, within the size limit set by the router's `DefaultBodyLimit`.
async fn read_body(request: Request, max_body_bytes: usize) -> Result<Bytes, Refusal> {
    // A declared length over the limit is refused before a byte is read;
    // a chunked body is cut off by the limit as it streams in.
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max_body_bytes) {
        return Err(Refusal::BodyTooLarge);
    }

    Bytes::from_request(request, &())
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Refusal::BodyTooLarge
            } else {
                Refusal::UnreadableBody
            }
        })
}

/// Takes one request from the source's rate limit.
fn admit(source: &Source) -> Result<(), Refusal> {
    source.limiter.check().map_err(|not_until| {
        let wait = not_until.wait_time_from(source.limiter.clock().now());
        Refusal::RateLimited {
            retry_after_secs: whole_seconds_up(wait),
        }
    })
}

/// `Retry-After` counts whole seconds; rounding down could tell a sender to
/// come back before the limiter lets it in.
fn whole_seconds_up(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

/// Hands the body to the pipeline and waits until its rows are committed.
///
/// The timeout covers the hand-off too: a full channel is the pipeline
/// pushing back, and a sender is better served by a 503 it will retry than
/// by a connection held open past its own timeout. If the timeout strikes
/// after the hand-off, the rows are still committed later; the sender's
/// retry is then deduplicated by storage.
async fn hand_on(endpoint: &Endpoint, source: &Source, body: Bytes) -> Result<(), Refusal> {
    let (ack, committed) = WebhookAck::new();
    let envelope = Envelope {
        payload: body,
        position: SourcePosition {
            transport: Transport::Webhook,
            topic: source.topic.clone(),
            partition: None,
            offset: None,
        },
        received_at: Utc::now(),
        ack: AckToken::Webhook(ack),
    };

    let delivered = async {
        let sent = endpoint.tx.send(envelope).await;
        sent.map_err(|_| Refusal::PipelineClosed)?;
        committed.await.map_err(|_| Refusal::NotCommitted)
    };
    tokio::time::timeout(endpoint.response_timeout, delivered)
        .await
        .map_err(|_| Refusal::CommitTimeout)?
}
