//! Opening a connection.

use std::time::Duration;

use tokio_postgres::{Client, NoTls};
use tracing::debug;

use crate::error::StorageError;

/// How long a connection attempt may take before it counts as failed (and is
/// retried by the caller): long enough for a loaded server, short enough that
/// an unreachable one is noticed quickly.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects to the database at `url` and drives the connection on a
/// background task.
///
/// # Errors
///
/// The URL is invalid (not retryable) or the server cannot be reached
/// (retryable).
pub async fn connect(url: &str) -> Result<Client, StorageError> {
    let mut config: tokio_postgres::Config = url
        .parse()
        .map_err(|e| StorageError::config("parsing the database URL", e))?;
    config.connect_timeout(CONNECT_TIMEOUT);
    config.application_name("nexzo-telemetry");

    let (client, connection) = config
        .connect(NoTls)
        .await
        .map_err(|e| StorageError::new("connecting", e))?;
    tokio::spawn(async move {
        if let Err(err) = connection.await {
            debug!(cause = %err, "database connection closed");
        }
    });
    Ok(client)
}
