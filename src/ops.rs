//! The operator's endpoints: liveness, readiness and Prometheus metrics,
//! on one small HTTP listener (`runtime.ops_listen`).

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use nexzo_ingest::Readiness;
use serde_json::json;
use tokio_util::sync::CancellationToken;

/// The components whose readiness makes the pipeline ready, by name.
#[derive(Debug, Clone, Default)]
pub struct Health {
    components: Arc<Mutex<Vec<(&'static str, Readiness)>>>,
}

impl Health {
    /// Adds a component to the readiness report.
    pub fn register(&self, name: &'static str, readiness: Readiness) {
        self.components
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((name, readiness));
    }

    /// Ready when at least one component is registered and all are ready.
    fn report(&self) -> (bool, serde_json::Value) {
        let components = self
            .components
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let states: serde_json::Map<String, serde_json::Value> = components
            .iter()
            .map(|(name, r)| ((*name).to_owned(), r.is_ready().into()))
            .collect();
        let ready = !components.is_empty() && components.iter().all(|(_, r)| r.is_ready());
        (ready, json!({ "ready": ready, "components": states }))
    }
}

#[derive(Clone)]
struct Ops {
    health: Health,
    metrics: PrometheusHandle,
}

/// Serves `/healthz`, `/readyz` and `/metrics` on `listen` until `shutdown`.
///
/// # Errors
///
/// The address cannot be bound.
pub async fn serve(
    listen: SocketAddr,
    health: Health,
    metrics: PrometheusHandle,
    shutdown: CancellationToken,
) -> std::io::Result<()> {
    let router = Router::new()
        .route(
            "/healthz",
            get(|| async { axum::Json(json!({ "status": "ok" })) }),
        )
        .route("/readyz", get(readyz))
        .route("/metrics", get(render_metrics))
        .with_state(Ops { health, metrics });
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!(address = %listen, "ops endpoint listening");
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown.cancelled_owned())
        .await
}

async fn readyz(State(ops): State<Ops>) -> Response {
    let (ready, body) = ops.health.report();
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, axum::Json(body)).into_response()
}

async fn render_metrics(State(ops): State<Ops>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        ops.metrics.render(),
    )
        .into_response()
}
