//! The connection loop of the MQTT source.

use std::sync::Arc;
use std::time::Duration;

use backon::{BackoffBuilder, ExponentialBuilder};
use chrono::Utc;
use nexzo_schemas::{SourcePosition, Transport};
use rumqttc::{
    AsyncClient, ConnectionError, Event, EventLoop, Incoming, MqttOptions, Outgoing, Publish, QoS,
    SubscribeReasonCode,
};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{error, info, warn};

use super::epoch::Epoch;
use super::{MqttAcker, MqttSourceConfig};
use crate::envelope::{AckToken, Envelope};
use crate::health::Readiness;

/// Capacity of the client's request queue (acknowledgements, subscriptions).
/// It needs room for every message the broker may have in flight to us, so
/// that acknowledging never stalls: far above the 10,000 the project's
/// Mosquitto configuration allows.
const REQUEST_QUEUE_CAPACITY: usize = 65_536;

/// A configured, not yet running MQTT source.
#[allow(missing_debug_implementations)] // rumqttc's EventLoop has no Debug
pub struct MqttSource {
    config: MqttSourceConfig,
    client: AsyncClient,
    eventloop: EventLoop,
    /// Numbers connections, so acknowledgements reach only the connection
    /// their message arrived on.
    epoch: Epoch,
    /// True while connected to the broker.
    ready: Readiness,
}

impl MqttSource {
    /// Builds the client and its acknowledger. Nothing connects until
    /// [`MqttSource::run`].
    ///
    /// # Errors
    ///
    /// The configuration's `url` is unusable.
    pub fn new(config: MqttSourceConfig) -> Result<(Self, MqttAcker, JoinHandle<()>), String> {
        let (host, port) = config.host_port()?;
        let mut options = MqttOptions::new(config.client_id.clone(), host, port);
        options
            .set_clean_session(false)
            .set_manual_acks(true)
            .set_keep_alive(Duration::from_secs(config.keep_alive_secs))
            .set_max_packet_size(config.max_packet_bytes, config.max_packet_bytes);
        if let Some(user) = &config.username {
            let password = config
                .password
                .as_ref()
                .map(|p| p.expose().to_owned())
                .unwrap_or_default();
            options.set_credentials(user.clone(), password);
        }

        let (client, eventloop) = AsyncClient::new(options, REQUEST_QUEUE_CAPACITY);
        let epoch = Epoch::default();
        let (acker, acker_task) = MqttAcker::spawn(client.clone(), epoch.clone());
        Ok((
            Self {
                config,
                client,
                eventloop,
                epoch,
                ready: Readiness::default(),
            },
            acker,
            acker_task,
        ))
    }

    /// The source's connection state, for readiness checks.
    pub fn readiness(&self) -> Readiness {
        self.ready.clone()
    }

    /// Reads messages into `tx` until `shutdown`, then keeps the connection up
    /// until the acker has sent the final acknowledgements and disconnected.
    ///
    /// Connection failures are retried with backoff for as long as the source
    /// runs; they are logged, never fatal.
    pub async fn run(mut self, tx: mpsc::Sender<Envelope>, shutdown: CancellationToken) {
        let mut forward = Some(tx);
        let mut backoff = self.backoff();
        let mut subscribe_pending = false;

        loop {
            let polled = match &forward {
                Some(_) => tokio::select! {
                    biased;
                    () = shutdown.cancelled() => { forward = None; continue; }
                    polled = self.eventloop.poll() => polled,
                },
                None => self.eventloop.poll().await,
            };

            match polled {
                Ok(Event::Incoming(Incoming::Publish(publish))) => {
                    let Some(tx) = &forward else { continue };
                    let envelope = self.envelope(publish);
                    let sent = tokio::select! {
                        sent = tx.send(envelope) => sent.is_ok(),
                        () = shutdown.cancelled() => false,
                    };
                    if !sent {
                        forward = None;
                    }
                }
                Ok(Event::Incoming(Incoming::ConnAck(ack))) => {
                    let n = self.epoch.advance(|| {});
                    info!(
                        connection = n,
                        session_present = ack.session_present,
                        "mqtt source connected"
                    );
                    backoff = self.backoff();
                    subscribe_pending = true;
                    self.ready.set(true);
                }
                Ok(Event::Incoming(Incoming::SubAck(ack))) => self.log_suback(&ack.return_codes),
                Ok(Event::Outgoing(Outgoing::Disconnect)) if forward.is_none() => break,
                Ok(_) => {}
                Err(err) if forward.is_none() => {
                    info!(cause = %err, "mqtt source closed while draining");
                    break;
                }
                Err(err) => {
                    self.ready.set(false);
                    // Acknowledgements queued for the lost connection must
                    // not go out on the next one.
                    let eventloop = &mut self.eventloop;
                    self.epoch.advance(|| eventloop.clean());
                    let fallback = Duration::from_millis(self.config.reconnect_max_ms);
                    wait_to_reconnect(err, &mut backoff, fallback, &shutdown).await;
                }
            }

            if subscribe_pending {
                subscribe_pending = !self.try_subscribe();
            }
        }
    }

    fn envelope(&self, publish: Publish) -> Envelope {
        let ack = match publish.qos {
            QoS::AtMostOnce => AckToken::None,
            QoS::AtLeastOnce | QoS::ExactlyOnce => AckToken::Mqtt {
                connection: self.epoch.current(),
                pkid: publish.pkid,
            },
        };
        Envelope {
            payload: publish.payload,
            position: SourcePosition {
                transport: Transport::Mqtt,
                topic: Arc::from(publish.topic.as_str()),
                partition: None,
                offset: None,
            },
            received_at: Utc::now(),
            ack,
        }
    }

    /// Queues the subscriptions; `false` when the request queue was full and
    /// it must be tried again after the next poll. Subscribing on every
    /// connection is harmless for a resumed session and required for a new
    /// one.
    fn try_subscribe(&self) -> bool {
        let filters = self.config.topic_filters();
        let topics = filters
            .iter()
            .map(|f| rumqttc::SubscribeFilter::new(f.clone(), QoS::AtLeastOnce));
        self.client.try_subscribe_many(topics).is_ok()
    }

    fn log_suback(&self, codes: &[SubscribeReasonCode]) {
        let filters = self.config.topic_filters();
        if codes
            .iter()
            .any(|c| matches!(c, SubscribeReasonCode::Failure))
        {
            error!(topics = ?filters, "mqtt broker refused a subscription; no readings arrive on it");
        } else {
            info!(topics = ?filters, "mqtt source subscribed");
        }
    }

    fn backoff(&self) -> impl Iterator<Item = Duration> + use<> {
        ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(self.config.reconnect_min_ms))
            .with_max_delay(Duration::from_millis(self.config.reconnect_max_ms))
            .with_jitter()
            .without_max_times()
            .build()
    }
}

/// Sleeps before the next connection attempt; a shutdown cuts it short.
async fn wait_to_reconnect(
    err: ConnectionError,
    backoff: &mut impl Iterator<Item = Duration>,
    fallback: Duration,
    shutdown: &CancellationToken,
) {
    let delay = backoff.next().unwrap_or(fallback);
    warn!(cause = %err, retry_in_ms = delay.as_millis(), "mqtt connection lost; reconnecting");
    tokio::select! {
        () = tokio::time::sleep(delay) => {}
        () = shutdown.cancelled() => {}
    }
}
