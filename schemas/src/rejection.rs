//! Why a record was refused: a stable machine code plus a human message.

use std::fmt;

/// The stable reason code stored with every quarantined record.
///
/// Codes are part of the operator interface (metrics labels, `quarantine`
/// filters, replay selection): add new ones, never rename or reuse one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RejectCode {
    /// The payload is not JSON at all, or is truncated.
    MalformedJson,
    /// The payload names a contract version this build does not speak.
    UnsupportedSchemaVersion,
    /// Well-formed JSON that breaks the contract: missing, unknown or
    /// mistyped fields, bad identifiers or timestamps.
    SchemaViolation,
    /// The cumulative energy register is negative, fractional or too large.
    InvalidRegister,
    /// The reading's timestamp lies further in the future than clock skew
    /// explains.
    FutureTimestamp,
    /// The meter is not in the registry.
    UnknownMeter,
    /// The meter is in the registry but deactivated.
    InactiveMeter,
    /// The payload speaks for a meter its topic does not own: a spoofing
    /// attempt or a misconfigured device.
    MeterMismatch,
    /// The payload is larger than the configured cap.
    OversizedPayload,
    /// A gateway batch holds more readings than the contract allows.
    BatchTooLarge,
    /// The topic is not one the pipeline knows how to read.
    UnknownTopic,
    /// The record passed validation but the database refused its row.
    RejectedByDatabase,
    /// An OriginFD or Stripe event whose type is outside the allowlist: the
    /// pipeline refuses what it has not been taught to read rather than
    /// storing it unexamined.
    UnknownEventType,
    /// An integration event names a site that is not in the registry or is
    /// deactivated. Decoders never give this code; the allowlist does.
    UnknownSite,
    /// A ledger entry whose `hash` is not the SHA-256 of its canonical form:
    /// corrupted in transit, or edited after it was chained.
    HashMismatch,
}

impl RejectCode {
    /// Every code, in a stable order.
    pub const ALL: [RejectCode; 15] = [
        Self::MalformedJson,
        Self::UnsupportedSchemaVersion,
        Self::SchemaViolation,
        Self::InvalidRegister,
        Self::FutureTimestamp,
        Self::UnknownMeter,
        Self::InactiveMeter,
        Self::MeterMismatch,
        Self::OversizedPayload,
        Self::BatchTooLarge,
        Self::UnknownTopic,
        Self::RejectedByDatabase,
        Self::UnknownEventType,
        Self::UnknownSite,
        Self::HashMismatch,
    ];

    /// The code as stored and exported, in snake case.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MalformedJson => "malformed_json",
            Self::UnsupportedSchemaVersion => "unsupported_schema_version",
            Self::SchemaViolation => "schema_violation",
            Self::InvalidRegister => "invalid_register",
            Self::FutureTimestamp => "future_timestamp",
            Self::UnknownMeter => "unknown_meter",
            Self::InactiveMeter => "inactive_meter",
            Self::MeterMismatch => "meter_mismatch",
            Self::OversizedPayload => "oversized_payload",
            Self::BatchTooLarge => "batch_too_large",
            Self::UnknownTopic => "unknown_topic",
            Self::RejectedByDatabase => "rejected_by_database",
            Self::UnknownEventType => "unknown_event_type",
            Self::UnknownSite => "unknown_site",
            Self::HashMismatch => "hash_mismatch",
        }
    }

    /// Parses a stored code back.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == code)
    }
}

impl fmt::Display for RejectCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal: the code for machines, the message for the person reading the
/// quarantine.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct Rejection {
    pub code: RejectCode,
    pub message: String,
}

impl Rejection {
    pub fn new(code: RejectCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_code_parses_back_from_its_name_and_no_two_share_a_name() {
        let mut names = BTreeSet::new();
        for code in RejectCode::ALL {
            assert_eq!(RejectCode::parse(code.as_str()), Some(code));
            assert!(names.insert(code.as_str()), "{code} is named twice");
        }
        assert_eq!(RejectCode::parse("Malformed_JSON"), None);
    }

    #[test]
    fn all_lists_the_codes_in_the_order_they_were_added() {
        let mut sorted = RejectCode::ALL;
        sorted.sort();
        assert_eq!(sorted, RejectCode::ALL);
    }

    #[test]
    fn the_codes_of_the_event_contracts_come_last_under_their_stored_names() {
        let names: Vec<&str> = RejectCode::ALL[12..].iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            ["unknown_event_type", "unknown_site", "hash_mismatch"]
        );
    }
}
