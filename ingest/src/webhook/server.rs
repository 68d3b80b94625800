//! The HTTP server: one route per known source, each with its own secrets,
//! signature header and rate limiter.

use std::collections::HashMap;
use std::io;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderName;
use axum::routing::post;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::info;

use super::config::known_source;
use super::{SignatureCheck, WebhookConfig, WebhookSourceConfig, handler};
use crate::envelope::Envelope;

/// The one route; `{source}` is a key of [`WebhookConfig::sources`].
pub const ROUTE: &str = "/webhooks/{source}";

/// What every request handler shares.
pub(super) struct Endpoint {
    pub(super) sources: HashMap<&'static str, Source>,
    pub(super) tx: mpsc::Sender<Envelope>,
    pub(super) max_body_bytes: usize,
    pub(super) response_timeout: Duration,
}

/// One configured sender.
pub(super) struct Source {
    pub(super) name: &'static str,
    /// The envelopes' topic: the source name, shared rather than copied.
    pub(super) topic: Arc<str>,
    pub(super) header: HeaderName,
    pub(super) check: SignatureCheck,
    pub(super) limiter: DefaultDirectRateLimiter,
}

/// The webhook routes, handing accepted requests to `tx`.
///
/// # Panics
///
/// If `config.problems()` is not empty: check the configuration first, as
/// the binary does with all of it at start-up.
pub fn router(config: &WebhookConfig, tx: mpsc::Sender<Envelope>) -> Router {
    let problems = config.problems();
    assert!(
        problems.is_empty(),
        "invalid webhook configuration: {}",
        problems.join("; ")
    );

    let sources = config.sources.iter();
    let endpoint = Endpoint {
        sources: sources
            .map(|(n, s)| source(n, s, config.tolerance_secs))
            .collect(),
        tx,
        max_body_bytes: config.max_body_bytes,
        response_timeout: Duration::from_millis(config.response_timeout_ms),
    };
    Router::new()
        .route(ROUTE, post(handler::receive))
        .method_not_allowed_fallback(handler::method_not_allowed)
        .fallback(handler::not_found)
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .with_state(Arc::new(endpoint))
}

/// Builds one source's state from configuration `problems()` has passed.
fn source(name: &str, config: &WebhookSourceConfig, tolerance_secs: u64) -> (&'static str, Source) {
    let checked = "checked by WebhookConfig::problems";
    let name = known_source(name).expect(checked);
    let header = config.header_name(name).expect(checked);
    let per_sec = NonZeroU32::new(config.rate_limit_per_sec).expect(checked);
    let burst = NonZeroU32::new(config.rate_limit_burst).expect(checked);
    let source = Source {
        name,
        topic: Arc::from(name),
        header: HeaderName::try_from(header).expect(checked),
        check: SignatureCheck::new(config.secrets.clone(), tolerance_secs),
        limiter: RateLimiter::direct(Quota::per_second(per_sec).allow_burst(burst)),
    };
    (name, source)
}

/// Serves the endpoint on `config.listen` until `shutdown`; returns at once
/// when `listen` is unset (the endpoint is off).
///
/// # Errors
///
/// `InvalidInput` when the configuration has problems; otherwise whatever
/// binding the address or accepting connections fails with.
///
/// # Cancel safety
///
/// Dropping the future drops in-flight requests unanswered (their senders
/// retry); cancel `shutdown` instead to drain them.
pub async fn serve(
    config: WebhookConfig,
    tx: mpsc::Sender<Envelope>,
    shutdown: CancellationToken,
) -> io::Result<()> {
    let Some(listen) = &config.listen else {
        return Ok(());
    };
    ensure_valid(&config)?;
    let listener = TcpListener::bind(listen).await?;
    serve_on(listener, &config, tx, shutdown).await
}

/// Serves the endpoint on `listener` (ignoring `config.listen`) until
/// `shutdown`. Tests use it with a listener bound to port 0.
///
/// On `shutdown` it stops accepting connections and returns once every
/// in-flight request is answered, each within `response_timeout_ms`. It
/// holds `tx` until then, so the pipeline must keep committing, or drop
/// the acknowledgement tokens it holds, while it drains; a pipeline that
/// waits for its channel to close first only delays those requests until
/// their timeout.
///
/// # Errors
///
/// As [`serve`].
///
/// # Cancel safety
///
/// As [`serve`].
pub async fn serve_on(
    listener: TcpListener,
    config: &WebhookConfig,
    tx: mpsc::Sender<Envelope>,
    shutdown: CancellationToken,
) -> io::Result<()> {
    ensure_valid(config)?;
    info!(address = %listener.local_addr()?, "webhook endpoint listening");
    axum::serve(listener, router(config, tx))
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await?;
    info!("webhook endpoint stopped");
    Ok(())
}

fn ensure_valid(config: &WebhookConfig) -> io::Result<()> {
    let problems = config.problems();
    if problems.is_empty() {
        return Ok(());
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        problems.join("; "),
    ))
}
