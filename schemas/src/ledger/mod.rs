//! Ledger entries: the `ledger-entry` contract, version 1.
//!
//! The billing service publishes every change to a tenant's ledger as an
//! entry chained to the one before it: `prev_hash` is the previous entry's
//! `hash` (or [`GENESIS_HASH`] for a tenant's first entry), and `hash` is the
//! SHA-256 of the entry's canonical form (see [`LedgerEntry::canonical_bytes`]).
//! An insider who edits an entry after the fact must then rewrite every later
//! entry too, which the stored history exposes.
//!
//! The decoder checks what one entry can prove on its own: its shape and that
//! its `hash` matches its content. Whether `prev_hash` names the tenant's
//! previous entry needs that tenant's chain head, so it is checked by the
//! consumer that holds it, not here.

mod canonical;
mod decode;

use std::fmt;

use chrono::{DateTime, Utc};

pub use decode::decode_ledger_entry;

/// The contract version this build reads.
pub const LEDGER_SCHEMA_VERSION: u32 = 1;

/// The `prev_hash` of a tenant's first entry: 64 zeros, a value no SHA-256
/// is known to produce.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The largest amount accepted, in minor units (cents for EUR): 10^12, ten
/// billion in a two-decimal currency, far beyond any property charge yet well
/// inside the 2^53 that every JSON implementation keeps exact.
pub const MAX_ABS_AMOUNT_MINOR: i64 = 1_000_000_000_000;

/// What a ledger entry records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LedgerKind {
    Charge,
    Payment,
    Adjustment,
    Refund,
    Credit,
    WriteOff,
}

impl LedgerKind {
    /// Every kind, in a stable order.
    pub const ALL: [Self; 6] = [
        Self::Charge,
        Self::Payment,
        Self::Adjustment,
        Self::Refund,
        Self::Credit,
        Self::WriteOff,
    ];

    /// The kind as sent and stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Charge => "charge",
            Self::Payment => "payment",
            Self::Adjustment => "adjustment",
            Self::Refund => "refund",
            Self::Credit => "credit",
            Self::WriteOff => "write_off",
        }
    }

    /// Parses a kind as sent; `None` for any other text.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for LedgerKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One validated ledger entry whose hash matches its content.
///
/// Identifiers are 1 to 64 characters of `A-Z a-z 0-9 . _ : -`, starting
/// with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerEntry {
    /// The billing service's id for the entry; unique within the tenant.
    pub entry_id: String,
    pub tenant_id: String,
    pub property_id: String,
    /// The tenant's account the entry is booked on.
    pub account_id: String,
    pub kind: LedgerKind,
    /// The signed amount in the currency's minor unit, at most
    /// [`MAX_ABS_AMOUNT_MINOR`] either way. The sign convention is the
    /// billing service's; this contract bounds only the magnitude.
    pub amount_minor: i64,
    /// An ISO 4217 code: three capital letters. The code list itself is not
    /// checked, since it changes more often than this contract.
    pub currency: String,
    /// Who made the entry: a user or a service account.
    pub actor_id: String,
    /// Who approved it, for entries that need a second person.
    pub approver_id: Option<String>,
    /// Why the entry was made: a snake_case code of 1 to 64 characters.
    pub reason_code: String,
    /// When the entry was made, with at most millisecond precision.
    pub ts: DateTime<Utc>,
    /// The previous entry's `hash` in the tenant's chain, or [`GENESIS_HASH`].
    pub prev_hash: String,
    /// The lowercase hex SHA-256 of [`LedgerEntry::canonical_bytes`].
    pub hash: String,
}
