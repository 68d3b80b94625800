//! A ledger entry before it is chained: everything but the hashes.

use chrono::{DateTime, Duration, Utc};
use nexzo_schemas::LedgerKind;
use rand::RngExt;
use rand::rngs::StdRng;

use super::world::{Staff, day_start};

/// One entry to be chained into its tenant's ledger.
#[derive(Debug, Clone)]
pub(super) struct Draft {
    pub(super) tenant: String,
    pub(super) entry_id: String,
    pub(super) property: String,
    pub(super) account: String,
    pub(super) kind: LedgerKind,
    pub(super) amount_minor: i64,
    pub(super) actor: String,
    pub(super) approver: Option<String>,
    pub(super) reason: &'static str,
    pub(super) ts: DateTime<Utc>,
}

/// Hands out entry ids, unique across the whole set.
#[derive(Debug, Default)]
pub(super) struct Ids {
    next: u64,
}

impl Ids {
    pub(super) fn next(&mut self) -> String {
        self.next += 1;
        format!("le-{:08}", self.next)
    }
}

/// The money-moving kinds, in the order of a staff member's weights.
pub(super) const MONEY_MOVING: [LedgerKind; 4] = [
    LedgerKind::Adjustment,
    LedgerKind::Credit,
    LedgerKind::Refund,
    LedgerKind::WriteOff,
];

/// The reason code and the sign the billing service uses for a kind.
pub(super) fn reason_and_sign(kind: LedgerKind) -> (&'static str, i64) {
    match kind {
        LedgerKind::Charge => ("monthly_rent", 1),
        LedgerKind::Payment => ("card_payment", -1),
        LedgerKind::Adjustment => ("billing_correction", -1),
        LedgerKind::Credit => ("service_credit", -1),
        LedgerKind::Refund => ("deposit_return", 1),
        LedgerKind::WriteOff => ("bad_debt", -1),
    }
}

/// A random instant within the staff member's shift on `day`, the shift
/// stretched by `extra_hours` at its end.
pub(super) fn in_shift(
    rng: &mut StdRng,
    staff: &Staff,
    day: u32,
    extra_hours: u32,
) -> DateTime<Utc> {
    let from = i64::from(staff.start_hour) * 3_600_000;
    let to = i64::from(staff.start_hour + staff.shift_hours + extra_hours) * 3_600_000;
    day_start(day) + Duration::milliseconds(rng.random_range(from..to))
}

/// A random instant within the `extra_hours` after the staff member's
/// shift on `day`.
pub(super) fn after_shift(
    rng: &mut StdRng,
    staff: &Staff,
    day: u32,
    extra_hours: u32,
) -> DateTime<Utc> {
    let from = i64::from(staff.start_hour + staff.shift_hours) * 3_600_000;
    let to = from + i64::from(extra_hours.max(1)) * 3_600_000;
    day_start(day) + Duration::milliseconds(rng.random_range(from..to))
}

/// A random instant within `hour` of `day`.
pub(super) fn in_hour(rng: &mut StdRng, day: u32, hour: u32) -> DateTime<Utc> {
    let from = i64::from(hour) * 3_600_000;
    day_start(day) + Duration::milliseconds(rng.random_range(from..from + 3_600_000))
}
