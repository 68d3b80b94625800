//! Serving the router until shutdown.

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::Context;
use metrics_exporter_prometheus::PrometheusHandle;
use nexzo_storage::portal;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;
use tracing::info;

use crate::config::ApiConfig;
use crate::routes::router;
use crate::state::{AppState, TenantFilter, connection_pool};

/// Binds `config.listen`, opens the pool and checks the database, and
/// returns the listener and the handlers' state, with the process's
/// Prometheus exporter (if any) behind `/metrics`. The caller keeps a clone
/// of the state (for its read counts) and hands both to [`serve_on`].
///
/// # Errors
///
/// The configuration has problems, the database cannot be reached or its
/// `nexzo_api` role cannot be used, or the address cannot be bound.
pub async fn prepare(
    config: ApiConfig,
    database_url: &str,
    metrics: Option<PrometheusHandle>,
) -> anyhow::Result<(TcpListener, AppState)> {
    let listener = TcpListener::bind(&config.listen)
        .await
        .with_context(|| format!("binding the API to {}", config.listen))?;
    let pool = connection_pool(database_url, &config)?;
    let state = AppState::new(config, pool, metrics, TenantFilter::SqlAndRowSecurity)?;
    check_database(&state).await?;
    Ok((listener, state))
}

/// Serves `state`'s router on `listener` until `shutdown`, pruning the rate
/// limiters meanwhile. Tests use it with a listener bound to port 0.
///
/// # Errors
///
/// Accepting connections failed.
///
/// # Cancel safety
///
/// Dropping the future drops in-flight requests; cancel `shutdown` to let
/// them finish.
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    info!(address = %listener.local_addr()?, "query API listening");
    let prune = Duration::from_secs(state.config().rate_limit_prune_interval_secs);
    let pruner = tokio::spawn(prune_until(state.clone(), prune, shutdown.clone()));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown.clone().cancelled_owned())
        .await
        .context("serving the API")?;
    shutdown.cancel();
    pruner.await.ok();
    info!("query API stopped");
    Ok(())
}

/// Refuses to start when the API's statements could not run.
async fn check_database(state: &AppState) -> anyhow::Result<()> {
    let client = state
        .connection()
        .await
        .map_err(|_| anyhow::anyhow!("the API cannot reach the database"))?;
    if let Some(problem) = portal::api_role_problem(&client).await? {
        anyhow::bail!("the API cannot run its queries: {problem}");
    }
    Ok(())
}

async fn prune_until(state: AppState, every: Duration, shutdown: CancellationToken) {
    let mut tick = tokio::time::interval(every);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            _ = tick.tick() => state.limits().prune(),
        }
    }
}
