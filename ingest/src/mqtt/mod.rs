//! The MQTT source: a persistent QoS 1 session whose messages are
//! acknowledged only after the rows they produced are committed.
//!
//! Three pieces cooperate:
//! - [`MqttSource::run`] polls the connection and hands each message on
//!   through a bounded channel. When that channel is full it stops reading
//!   the socket, so a slow database slows the broker's delivery to us rather
//!   than growing our memory; the broker holds the backlog (its queue limit
//!   must be lifted for that, see `deploy/README.md`).
//! - [`MqttAcker`] takes acknowledgements from the writer after each commit
//!   and feeds them to the connection in commit order, on a task of its own
//!   so that the writer never waits on the connection.
//! - [`MqttSourceConfig`] is the connector's configuration.
//!
//! Shutdown: the source stops handing on messages, keeps the connection open
//! while the pipeline drains and the acker sends the last acknowledgements,
//! then disconnects. Messages that arrived during the drain stay
//! unacknowledged and the broker delivers them again to the next session.

mod ack;
mod config;
mod epoch;
mod source;

pub use ack::MqttAcker;
pub use config::MqttSourceConfig;
pub use source::MqttSource;
