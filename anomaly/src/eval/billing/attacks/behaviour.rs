//! Injected insider behaviour: unusual amounts, split payouts, off-hours
//! work and write-off sprees, each of varying size and timing.

use chrono::Duration;
use nexzo_schemas::LedgerKind;
use rand::RngExt;
use rand::rngs::StdRng;

use super::{Injected, UNUSUAL_RATIO, actor_label, money_moving, target};
use crate::AlertKind;
use crate::eval::billing::draft::{Draft, Ids, MONEY_MOVING, in_hour, in_shift};
use crate::eval::billing::normal::staff_entry;
use crate::eval::billing::random::{log_normal, minor, pick};
use crate::eval::billing::world::{THRESHOLD_MINOR, Tenant, day_start, weekday};

pub(super) fn unusual_amount(
    rng: &mut StdRng,
    tenants: &[Tenant],
    ids: &mut Ids,
    out: &mut Injected,
) {
    let Some((tenant, staff, day)) = target(rng, tenants) else {
        return;
    };
    // A kind the actor books often enough to have a habit in it.
    let usual: Vec<usize> = (0..4)
        .filter(|i| staff.kind_weights.get(*i).is_some_and(|w| *w >= 0.2))
        .collect();
    let index = pick(rng, &usual).copied().unwrap_or(0);
    let kind = MONEY_MOVING
        .get(index)
        .copied()
        .unwrap_or(LedgerKind::Adjustment);
    let median = staff.medians.get(index).copied().unwrap_or(5_000.0);
    let amount = minor(median * rng.random_range(UNUSUAL_RATIO..60.0));
    let ts = in_shift(rng, staff, day, 0);
    let mut draft = staff_entry(rng, tenant, staff, kind, ts, Some(amount), ids);
    draft.approver = None;
    out.add(staff, vec![draft]);
}

pub(super) fn splitting(rng: &mut StdRng, tenants: &[Tenant], ids: &mut Ids, out: &mut Injected) {
    let Some((tenant, staff, day)) = target(rng, tenants) else {
        return;
    };
    let kind = pick(rng, &MONEY_MOVING[..3])
        .copied()
        .unwrap_or(LedgerKind::Refund);
    let same_account = rng.random_bool(0.7);
    let mut drafts: Vec<Draft> = Vec::new();
    for _ in 0..rng.random_range(3..8) {
        let amount = minor(THRESHOLD_MINOR as f64 * rng.random_range(0.86..0.995));
        let ts = in_shift(rng, staff, day, 0);
        let mut draft = staff_entry(rng, tenant, staff, kind, ts, Some(amount), ids);
        draft.approver = None;
        if let (true, Some(first)) = (same_account, drafts.first()) {
            draft.account.clone_from(&first.account);
            draft.property.clone_from(&first.property);
        }
        drafts.push(draft);
    }
    out.labels.extend(actor_label(
        AlertKind::BillingThresholdSplitting,
        &drafts,
        true,
    ));
    out.add(staff, drafts);
}

/// Money moved at night, or on a weekday the actor never works.
pub(super) fn off_hours(rng: &mut StdRng, tenants: &[Tenant], ids: &mut Ids, out: &mut Injected) {
    let Some((tenant, staff, day)) = target(rng, tenants) else {
        return;
    };
    let free_days: Vec<u32> = (day..day + 7)
        .filter(|d| !staff.works.get(weekday(*d)).copied().unwrap_or(true))
        .collect();
    // Worked hours run from the start to one hour past the shift (long
    // days); a night hour keeps three hours' distance from both ends.
    let span = 18 - staff.shift_hours;
    let night = (staff.start_hour + staff.shift_hours + 4 + rng.random_range(0..span)) % 24;
    let (day, hour) = match pick(rng, &free_days) {
        Some(free) if rng.random_bool(0.3) => (*free, staff.start_hour + 1),
        _ => (day, night),
    };
    let drafts: Vec<Draft> = (0..rng.random_range(1..4))
        .map(|_| {
            let ts = in_hour(rng, day, hour);
            let kind = money_moving(rng);
            staff_entry(rng, tenant, staff, kind, ts, None, ids)
        })
        .collect();
    out.labels
        .extend(actor_label(AlertKind::BillingOffHours, &drafts, true));
    out.add(staff, drafts);
}

pub(super) fn write_off_spree(
    rng: &mut StdRng,
    tenants: &[Tenant],
    ids: &mut Ids,
    out: &mut Injected,
) {
    let Some((tenant, staff, day)) = target(rng, tenants) else {
        return;
    };
    let span_secs = rng.random_range(1_200..10_800);
    let shift_secs = i64::from(staff.shift_hours) * 3_600;
    let offset = rng.random_range(0..(shift_secs - span_secs).max(1));
    let start = day_start(day) + Duration::seconds(i64::from(staff.start_hour) * 3_600 + offset);
    let median = staff.medians.get(3).copied().unwrap_or(5_000.0);
    let cap = THRESHOLD_MINOR * 8 / 10;
    let drafts: Vec<Draft> = (0..rng.random_range(6..21))
        .map(|_| {
            let ts = start + Duration::seconds(rng.random_range(0..span_secs));
            let amount = minor(log_normal(rng, median, staff.sigma_ln)).min(cap);
            let mut draft = staff_entry(
                rng,
                tenant,
                staff,
                LedgerKind::WriteOff,
                ts,
                Some(amount),
                ids,
            );
            draft.approver = None;
            draft
        })
        .collect();
    out.labels
        .extend(actor_label(AlertKind::BillingWriteOffSpree, &drafts, true));
    out.add(staff, drafts);
}
