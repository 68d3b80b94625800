//! The webhook source: signed HTTP requests from Stripe and OriginFD,
//! each answered only after the rows it produced are committed.
//!
//! A request to `POST /webhooks/{source}` passes these checks in order,
//! cheapest and least trusting first:
//!
//! 1. the source is one configured here, else 404;
//! 2. the body is within `max_body_bytes`, else 413;
//! 3. the source's rate limit has room, else 429 with `Retry-After`;
//! 4. the signature header signs this body with one of the source's secrets
//!    at a time inside the tolerance window ([`SignatureCheck`]), else 401.
//!    A request refused here is never stored: it is unauthenticated, and
//!    storing it would hand anyone a way to fill the quarantine. The answer
//!    names the failed check; that tells a forger nothing (the timestamp is
//!    judged only once the signature matched) and tells a real sender with a
//!    skewed clock what to fix;
//! 5. the body goes to the pipeline as an [`Envelope`](crate::Envelope)
//!    whose acknowledgement is this request's answer: 200 once its rows are
//!    committed, 503 with `Retry-After` if the pipeline is closed, drops the
//!    token, or takes longer than `response_timeout_ms`.
//!
//! Whether the body is valid JSON and an allowlisted event is decided
//! downstream, like for every other source: a signed but unusable body is
//! quarantined there and still answered 200, since a retry would bring the
//! same bytes.
//!
//! # Replay protection
//!
//! A captured request stays valid only while its signed timestamp is inside
//! the tolerance window (`tolerance_secs`, five minutes by default, in both
//! directions). Replayed inside the window, it carries the same event id as
//! the original, and event ids are the natural keys of the event tables, so
//! storage deduplicates it. Nothing is kept here to recognise replays:
//! storage already must deduplicate the senders' own retries, and a second
//! record of recent ids would only agree with it.
//!
//! # Known shortcomings
//!
//! - The rate limit is counted before authentication, so a flood of forged
//!   requests spends the same budget as the real sender and delays its
//!   deliveries until the flood stops (the sender retries; nothing is
//!   lost). Checking signatures first would instead let the flood spend our
//!   CPU on HMACs of up to `max_body_bytes`. Limits per client address in a
//!   proxy in front would lift this.
//! - TLS is not terminated here; the endpoint belongs behind a proxy that
//!   does, which both senders require anyway.

mod config;
mod handler;
mod reply;
mod server;
mod signature;
mod tag;

pub use config::{
    MAX_TOLERANCE_SECS, MIN_RESPONSE_TIMEOUT_MS, MIN_SECRET_BYTES, WebhookConfig,
    WebhookSourceConfig,
};
pub use server::{ROUTE, router, serve, serve_on};
pub use signature::{MAX_SIGNATURES_PER_HEADER, SignatureCheck, SignatureError, sign};
