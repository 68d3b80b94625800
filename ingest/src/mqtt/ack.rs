//! Acknowledgements back to the broker, after commit and in commit order.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rumqttc::{AsyncClient, Publish, QoS};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::envelope::AckToken;

/// Hands acknowledgements to the MQTT connection.
///
/// [`MqttAcker::acknowledge`] never blocks: tokens go to a task that feeds
/// them to the connection's request queue. That queue only drains while the
/// source polls the connection, and the source may itself be waiting for the
/// pipeline to take a message; acknowledging from the writer directly could
/// close that circle into a deadlock. The hand-off channel is unbounded, but
/// it never holds more tokens than the broker has messages in flight to us.
#[derive(Debug, Clone)]
pub struct MqttAcker {
    tx: mpsc::UnboundedSender<Vec<AckToken>>,
}

impl MqttAcker {
    pub(super) fn spawn(client: AsyncClient, connection: Arc<AtomicU64>) -> (Self, JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(feed(client, connection, rx));
        (Self { tx }, task)
    }

    /// Queues acknowledgements for messages whose rows are committed.
    pub fn acknowledge(&self, tokens: Vec<AckToken>) {
        // The task ends only after every sender is gone, so this cannot fail
        // while `self` exists.
        let _ = self.tx.send(tokens);
    }
}

/// Sends every queued acknowledgement, then disconnects once the pipeline has
/// dropped the last [`MqttAcker`] (which it does after its final commit).
async fn feed(
    client: AsyncClient,
    connection: Arc<AtomicU64>,
    mut rx: mpsc::UnboundedReceiver<Vec<AckToken>>,
) {
    while let Some(tokens) = rx.recv().await {
        let current = connection.load(Ordering::Acquire);
        for token in tokens {
            let AckToken::Mqtt {
                connection: conn,
                pkid,
            } = token
            else {
                continue;
            };
            // A message from an older connection is redelivered on the new
            // one and acknowledged there; acking its old packet id here
            // could acknowledge a different message.
            if conn != current {
                continue;
            }
            let mut publish = Publish::new("", QoS::AtLeastOnce, Vec::new());
            publish.pkid = pkid;
            if client.ack(&publish).await.is_err() {
                return; // the connection's event loop is gone: nothing left to ack on
            }
        }
    }
    let _ = client.disconnect().await;
}
