//! Routing acknowledgements to the sources their messages came from.

use crate::envelope::AckToken;
use crate::kafka::KafkaAcker;
use crate::mqtt::MqttAcker;

/// The acknowledgers of every running source. The writer hands each
/// committed batch's tokens here, in commit order.
#[derive(Debug, Default)]
pub struct Acknowledgers {
    pub mqtt: Option<MqttAcker>,
    pub kafka: Option<KafkaAcker>,
}

impl Acknowledgers {
    /// Sends each token to its source; never blocks.
    pub fn acknowledge(&self, tokens: Vec<AckToken>) {
        let mut mqtt = Vec::new();
        let mut kafka = Vec::new();
        for token in tokens {
            match token {
                AckToken::Mqtt { .. } => mqtt.push(token),
                AckToken::Kafka { .. } => kafka.push(token),
                AckToken::Webhook(waiting) => waiting.complete(),
                AckToken::None => {}
            }
        }
        if let (Some(acker), false) = (&self.mqtt, mqtt.is_empty()) {
            acker.acknowledge(mqtt);
        }
        if let (Some(acker), false) = (&self.kafka, kafka.is_empty()) {
            acker.acknowledge(kafka);
        }
    }
}
