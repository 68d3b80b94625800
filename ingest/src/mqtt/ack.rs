//! Acknowledgements back to the broker, after commit and in commit order.

use std::time::Duration;

use rumqttc::{AsyncClient, Publish, QoS};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::epoch::Epoch;
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
    pub(super) fn spawn(client: AsyncClient, epoch: Epoch) -> (Self, JoinHandle<()>) {
        let (tx, rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(feed(client, epoch, rx));
        (Self { tx }, task)
    }

    /// Queues acknowledgements for messages whose rows are committed.
    pub fn acknowledge(&self, tokens: Vec<AckToken>) {
        // The task ends only after every sender is gone, so this cannot fail
        // while `self` exists.
        let _ = self.tx.send(tokens);
    }
}

/// How long the acker waits before trying again when the connection's
/// request queue is full, and how often: the queue is sized far above the
/// broker's in-flight window, so a full queue for this long means the event
/// loop is gone.
const QUEUE_FULL_PAUSE: Duration = Duration::from_millis(1);
const QUEUE_FULL_TRIES: u32 = 10_000;

/// Sends every queued acknowledgement, then disconnects once the pipeline has
/// dropped the last [`MqttAcker`] (which it does after its final commit).
async fn feed(client: AsyncClient, epoch: Epoch, mut rx: mpsc::UnboundedReceiver<Vec<AckToken>>) {
    while let Some(tokens) = rx.recv().await {
        for token in tokens {
            let AckToken::Mqtt { connection, pkid } = token else {
                continue;
            };
            if !send_ack(&client, &epoch, connection, pkid).await {
                return; // the connection's event loop is gone: nothing left to ack on
            }
        }
    }
    let _ = client.disconnect().await;
}

/// Queues one acknowledgement if its connection is still the live one. A
/// message from an older connection is redelivered on the new one and
/// acknowledged there. False when the event loop no longer takes requests.
async fn send_ack(client: &AsyncClient, epoch: &Epoch, connection: u64, pkid: u16) -> bool {
    let mut publish = Publish::new("", QoS::AtLeastOnce, Vec::new());
    publish.pkid = pkid;
    for _ in 0..QUEUE_FULL_TRIES {
        match epoch.if_current(connection, || client.try_ack(&publish)) {
            None | Some(Ok(())) => return true,
            Some(Err(_)) => tokio::time::sleep(QUEUE_FULL_PAUSE).await,
        }
    }
    false
}
