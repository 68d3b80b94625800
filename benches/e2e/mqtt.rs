//! MQTT: the publisher every MQTT run shares, and the transport ceiling, a
//! subscriber that only counts what the broker delivers.

use std::sync::Arc;
use std::time::Instant;

use rumqttc::{AsyncClient, Event, Incoming, MqttOptions, Outgoing, QoS};

use crate::latency::{Pacer, SendLog};
use crate::support::{PATIENCE, mqtt_address, unique_name};

/// Largest packet the publisher sends or accepts: a gateway batch of 100
/// readings is about 9 KB, far below.
const MAX_PACKET_BYTES: usize = 1024 * 1024;

/// QoS 1 messages the publisher keeps unacknowledged, as the test
/// publisher does: enough that the broker's PUBACK round trip does not set
/// the pace on loopback.
const PUBLISHER_INFLIGHT: u16 = 200;

/// Publish requests queued between the sending task and the event loop.
const REQUEST_QUEUE: usize = 1000;

/// Publishes `count` messages at QoS 1, paced at `per_second` messages per
/// second or as fast as the broker acknowledges, and returns the instant
/// the last one was acknowledged. A message's send instant is noted in
/// `sends` when the client has written and flushed it to the socket.
pub(crate) async fn publish<I>(
    messages: I,
    count: usize,
    per_second: Option<f64>,
    sends: Arc<SendLog>,
) -> Instant
where
    I: Iterator<Item = (String, Vec<u8>)> + Send + 'static,
{
    let (host, port) = mqtt_address();
    let mut options = MqttOptions::new(unique_name("bench-pub"), host, port);
    options
        .set_max_packet_size(MAX_PACKET_BYTES, MAX_PACKET_BYTES)
        .set_inflight(PUBLISHER_INFLIGHT);
    let (client, mut eventloop) = AsyncClient::new(options, REQUEST_QUEUE);

    let sender = tokio::spawn(async move {
        let pacer = per_second.map(Pacer::new);
        for (index, (topic, payload)) in messages.enumerate() {
            if let Some(pacer) = &pacer {
                pacer.wait_for(index).await;
            }
            client
                .publish(topic, QoS::AtLeastOnce, false, payload)
                .await
                .expect("queue a publish");
        }
        client
    });

    let (mut sent, mut acked) = (0, 0);
    while acked < count {
        match eventloop.poll().await {
            Ok(Event::Outgoing(Outgoing::Publish(_))) => {
                sends.mark(sent);
                sent += 1;
            }
            Ok(Event::Incoming(Incoming::PubAck(_))) => acked += 1,
            Ok(_) => {}
            Err(err) => panic!("the bench publisher lost the broker: {err}"),
        }
    }
    let last_ack = Instant::now();
    let client = sender.await.unwrap();
    client.disconnect().await.ok();
    while eventloop.poll().await.is_ok() {}
    last_ack
}

/// A subscriber that only counts what it receives.
#[allow(missing_debug_implementations)] // rumqttc's event loop has no Debug
pub(crate) struct Subscriber {
    /// Kept alive because the event loop ends once every client handle is
    /// gone.
    _client: AsyncClient,
    eventloop: rumqttc::EventLoop,
}

impl Subscriber {
    /// Subscribes to `filter` at QoS 1 and returns once the broker has
    /// confirmed it.
    pub(crate) async fn new(filter: &str) -> Subscriber {
        let (host, port) = mqtt_address();
        let mut options = MqttOptions::new(unique_name("bench-ceiling"), host, port);
        options.set_max_packet_size(MAX_PACKET_BYTES, MAX_PACKET_BYTES);
        let (client, mut eventloop) = AsyncClient::new(options, 10);
        client.subscribe(filter, QoS::AtLeastOnce).await.unwrap();
        while !matches!(
            eventloop.poll().await.unwrap(),
            Event::Incoming(Incoming::SubAck(_))
        ) {}
        Subscriber {
            _client: client,
            eventloop,
        }
    }

    /// Counts `count` messages (each acknowledged by the client as it
    /// arrives) and returns the instant the last one arrived.
    pub(crate) async fn count(mut self, count: usize) -> Instant {
        let deadline = Instant::now() + PATIENCE;
        let mut received = 0;
        while received < count {
            if let Event::Incoming(Incoming::Publish(_)) = self.eventloop.poll().await.unwrap() {
                received += 1;
            }
            assert!(
                Instant::now() < deadline,
                "the ceiling subscriber saw {received} of {count}"
            );
        }
        Instant::now()
    }
}
