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
}

impl RejectCode {
    /// Every code, in a stable order.
    pub const ALL: [RejectCode; 12] = [
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
