//! Produces stored alert changes to Kafka. The detector stage only writes
//! alerts to TimescaleDB, in its batch's transaction; this task reads the
//! changes not yet produced, produces them, then marks them produced. A
//! crash in between produces a change again (at least once); consumers
//! tell repeats apart by the alert's `id` and `version`.

use std::time::Duration;

use nexzo_storage::StorageError;
use nexzo_storage::alerts::{self, Unpublished};
use rdkafka::producer::{FutureProducer, FutureRecord};
use tokio_postgres::Client;
use tokio_util::sync::CancellationToken;

use super::telemetry;

/// Alert changes produced per round: enough for a burst of incidents,
/// small enough that one slow broker round trip does not hold many.
const PAGE_ALERTS: i64 = 500;

/// How long one record may wait for the broker before the round gives up
/// and tries again later.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Where and how often to produce.
pub(crate) struct Outbox {
    pub(crate) database_url: String,
    pub(crate) producer: FutureProducer,
    pub(crate) topic: String,
    pub(crate) every: Duration,
}

/// Runs until `shutdown`.
pub(crate) async fn publish_alerts(outbox: Outbox, shutdown: CancellationToken) {
    let mut client: Option<Client> = None;
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(outbox.every) => {}
        }
        match round(&outbox, &mut client).await {
            Ok(produced) => telemetry::alerts_produced(produced),
            Err(err) => {
                client = None;
                telemetry::alerts_produce_failed(&err);
            }
        }
    }
}

/// One round: read a page, produce it, mark what the broker took.
async fn round(outbox: &Outbox, client: &mut Option<Client>) -> Result<usize, StorageError> {
    if client.as_ref().is_none_or(Client::is_closed) {
        *client = Some(nexzo_storage::connect(&outbox.database_url).await?);
    }
    let Some(db) = client.as_ref() else {
        return Ok(0);
    };
    let page = alerts::unpublished(db, PAGE_ALERTS).await?;
    let produced = produce(outbox, &page).await;
    if produced.len() < page.len() {
        telemetry::alerts_undelivered(page.len() - produced.len());
    }
    if !produced.is_empty() {
        alerts::mark_published(db, &produced).await?;
    }
    Ok(produced.len())
}

/// Produces every change and returns those the broker acknowledged.
async fn produce(outbox: &Outbox, page: &[Unpublished]) -> Vec<(String, i64)> {
    let sends = page.iter().map(|alert| async move {
        let payload = alert.document.to_string();
        let record = FutureRecord::to(&outbox.topic)
            .key(&alert.alert_id)
            .payload(&payload);
        let sent = outbox.producer.send(record, DELIVERY_TIMEOUT).await;
        sent.ok().map(|_| (alert.alert_id.clone(), alert.version))
    });
    futures_util::future::join_all(sends)
        .await
        .into_iter()
        .flatten()
        .collect()
}
