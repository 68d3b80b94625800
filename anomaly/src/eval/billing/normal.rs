//! Ordinary ledger traffic with its benign look-alikes: the billing run's
//! month-start batch (every account charged at the same millisecond),
//! payments, staff corrections with approvals above the threshold, long
//! days, holidays, a newcomer's first weeks, large approved adjustments
//! and a collections clerk's monthly write-off batch.

use chrono::{DateTime, Datelike, Utc};
use nexzo_schemas::LedgerKind;
use rand::RngExt;
use rand::rngs::StdRng;

use super::draft::{Draft, Ids, MONEY_MOVING, after_shift, in_shift, reason_and_sign};
use super::random::{log_normal, minor, pick, poisson};
use super::world::{DAYS, Staff, THRESHOLD_MINOR, Tenant, day_start, first_of_month, weekday};

/// Share of charges paid within the period.
const PAID_SHARE: f64 = 0.93;

/// Chance per working day that a staff member stays one or two hours
/// longer than usual.
const LONG_DAY_CHANCE: f64 = 0.03;

/// Chance that an entry below the threshold is approved anyway.
const VOLUNTARY_APPROVAL_CHANCE: f64 = 0.15;

/// Large approved adjustments per tenant: the approval control working.
const LARGE_APPROVED_PER_TENANT: u32 = 3;

/// Every ordinary entry of one tenant.
pub(super) fn traffic(rng: &mut StdRng, tenant: &Tenant, ids: &mut Ids) -> Vec<Draft> {
    let mut drafts = billing_run(rng, tenant, ids);
    for staff in &tenant.staff {
        drafts.extend(staff_work(rng, tenant, staff, ids));
    }
    for _ in 0..LARGE_APPROVED_PER_TENANT {
        drafts.extend(large_approved(rng, tenant, ids));
    }
    drafts
}

/// Monthly rent at midnight on the first, utilities mid-month, payments
/// after both.
fn billing_run(rng: &mut StdRng, tenant: &Tenant, ids: &mut Ids) -> Vec<Draft> {
    let mut drafts = Vec::new();
    for day in (0..DAYS).filter(|d| first_of_month(*d)) {
        for account in &tenant.accounts {
            let charge = Draft {
                tenant: tenant.id.clone(),
                entry_id: ids.next(),
                property: account.property.clone(),
                account: account.id.clone(),
                kind: LedgerKind::Charge,
                amount_minor: account.rent_minor,
                actor: tenant.billing_service.clone(),
                approver: None,
                reason: "monthly_rent",
                ts: day_start(day),
            };
            if rng.random_bool(PAID_SHARE) {
                drafts.push(payment(rng, tenant, &charge, ids));
            }
            drafts.push(charge);
        }
    }
    drafts
}

fn payment(rng: &mut StdRng, tenant: &Tenant, charge: &Draft, ids: &mut Ids) -> Draft {
    let delay = chrono::Duration::seconds(rng.random_range(3_600..12 * 86_400));
    Draft {
        entry_id: ids.next(),
        kind: LedgerKind::Payment,
        amount_minor: -charge.amount_minor,
        actor: tenant.payment_service.clone(),
        reason: "card_payment",
        ts: charge.ts + delay,
        ..charge.clone()
    }
}

/// One staff member's money-moving entries on every day they work.
fn staff_work(rng: &mut StdRng, tenant: &Tenant, staff: &Staff, ids: &mut Ids) -> Vec<Draft> {
    let mut drafts = Vec::new();
    for day in (0..DAYS).filter(|d| staff.at_work(*d, &tenant.public_holidays)) {
        let extra = if rng.random_bool(LONG_DAY_CHANCE) {
            rng.random_range(1..3)
        } else {
            0
        };
        let mut count = poisson(rng, staff.daily_actions);
        if extra > 0 {
            count += 1;
        }
        for n in 0..count {
            // On a long day the first entry drawn is booked in the extra hours.
            let ts = if extra > 0 && n == 0 {
                after_shift(rng, staff, day, extra)
            } else {
                in_shift(rng, staff, day, 0)
            };
            let kind = weighted_kind(rng, &staff.kind_weights);
            drafts.push(staff_entry(rng, tenant, staff, kind, ts, None, ids));
        }
        if staff.monthly_write_off_batch && weekday(day) == 0 && day_start(day).day() <= 7 {
            drafts.extend(write_off_batch(rng, tenant, staff, day, ids));
        }
    }
    drafts
}

fn write_off_batch(
    rng: &mut StdRng,
    tenant: &Tenant,
    staff: &Staff,
    day: u32,
    ids: &mut Ids,
) -> Vec<Draft> {
    let start = day_start(day) + chrono::Duration::hours(i64::from(staff.start_hour + 1));
    (0..rng.random_range(6..11))
        .map(|_| {
            let ts = start + chrono::Duration::seconds(rng.random_range(0..3_600));
            staff_entry(rng, tenant, staff, LedgerKind::WriteOff, ts, None, ids)
        })
        .collect()
}

/// An adjustment or refund well above the threshold, approved by another
/// staff member.
fn large_approved(rng: &mut StdRng, tenant: &Tenant, ids: &mut Ids) -> Option<Draft> {
    let staff = pick(rng, &tenant.staff)?;
    let day = (0..40)
        .map(|_| rng.random_range(0..DAYS))
        .find(|d| staff.at_work(*d, &tenant.public_holidays))?;
    let kind = if rng.random_bool(0.5) {
        LedgerKind::Adjustment
    } else {
        LedgerKind::Refund
    };
    let amount = minor(THRESHOLD_MINOR as f64 * rng.random_range(1.5..6.0));
    let ts = in_shift(rng, staff, day, 0);
    Some(staff_entry(rng, tenant, staff, kind, ts, Some(amount), ids))
}

/// A staff entry of `kind` at `ts`, with an amount from the staff
/// member's habit unless given, and an approver from another staff member
/// where the amount needs one.
pub(super) fn staff_entry(
    rng: &mut StdRng,
    tenant: &Tenant,
    staff: &Staff,
    kind: LedgerKind,
    ts: DateTime<Utc>,
    amount: Option<i64>,
    ids: &mut Ids,
) -> Draft {
    let (reason, sign) = reason_and_sign(kind);
    let kind_index = MONEY_MOVING.iter().position(|k| *k == kind).unwrap_or(0);
    let median = staff.medians.get(kind_index).copied().unwrap_or(5_000.0);
    let amount = amount.unwrap_or_else(|| minor(log_normal(rng, median, staff.sigma_ln)));
    let account = pick(rng, &tenant.accounts);
    let needs = amount > THRESHOLD_MINOR || rng.random_bool(VOLUNTARY_APPROVAL_CHANCE);
    Draft {
        tenant: tenant.id.clone(),
        entry_id: ids.next(),
        property: account.map_or_else(|| "p-0".to_owned(), |a| a.property.clone()),
        account: account.map_or_else(|| "acc-0".to_owned(), |a| a.id.clone()),
        kind,
        amount_minor: sign * amount,
        actor: staff.id.clone(),
        approver: needs.then(|| approver(rng, tenant, staff, ts)).flatten(),
        reason,
        ts,
    }
}

/// Another staff member who is at work that day (any other one if nobody
/// is), never one on planned leave.
fn approver(rng: &mut StdRng, tenant: &Tenant, staff: &Staff, ts: DateTime<Utc>) -> Option<String> {
    let day = u32::try_from((ts - day_start(0)).num_days()).unwrap_or(0);
    let others: Vec<&Staff> = tenant
        .staff
        .iter()
        .filter(|s| s.id != staff.id && s.leaves.is_none() && day >= s.joins)
        .collect();
    let present: Vec<&Staff> = others
        .iter()
        .copied()
        .filter(|s| s.at_work(day, &tenant.public_holidays))
        .collect();
    let pool = if present.is_empty() {
        &others
    } else {
        &present
    };
    pick(rng, pool).map(|s| s.id.clone())
}

fn weighted_kind(rng: &mut StdRng, weights: &[f64; 4]) -> LedgerKind {
    let total: f64 = weights.iter().sum();
    let mut draw = rng.random_range(0.0..total);
    for (kind, weight) in MONEY_MOVING.iter().zip(weights) {
        if draw < *weight {
            return *kind;
        }
        draw -= weight;
    }
    LedgerKind::Adjustment
}
