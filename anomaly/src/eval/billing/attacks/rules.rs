//! Injected breaches of the ledger rules: above the threshold without an
//! approver, approved by oneself, refunded to another tenant's account.

use nexzo_schemas::LedgerKind;
use rand::RngExt;
use rand::rngs::StdRng;

use super::{Injected, entry_label, money_moving, target};
use crate::AlertKind;
use crate::eval::billing::draft::{Ids, in_shift};
use crate::eval::billing::normal::staff_entry;
use crate::eval::billing::random::{minor, pick};
use crate::eval::billing::world::{THRESHOLD_MINOR, Tenant};

pub(super) fn unapproved(rng: &mut StdRng, tenants: &[Tenant], ids: &mut Ids, out: &mut Injected) {
    let Some((tenant, staff, day)) = target(rng, tenants) else {
        return;
    };
    let amount = minor(THRESHOLD_MINOR as f64 * rng.random_range(1.05..4.0));
    let ts = in_shift(rng, staff, day, 0);
    let kind = money_moving(rng);
    let mut draft = staff_entry(rng, tenant, staff, kind, ts, Some(amount), ids);
    draft.approver = None;
    out.add(staff, vec![draft]);
}

pub(super) fn self_approval(
    rng: &mut StdRng,
    tenants: &[Tenant],
    ids: &mut Ids,
    out: &mut Injected,
) {
    let Some((tenant, staff, day)) = target(rng, tenants) else {
        return;
    };
    let amount = rng
        .random_bool(0.5)
        .then(|| minor(THRESHOLD_MINOR as f64 * rng.random_range(1.05..3.0)));
    let ts = in_shift(rng, staff, day, 0);
    let kind = money_moving(rng);
    let mut draft = staff_entry(rng, tenant, staff, kind, ts, amount, ids);
    draft.approver = Some(staff.id.clone());
    out.labels.push(entry_label(
        AlertKind::BillingSelfApproval,
        &draft,
        draft.ts,
    ));
    out.add(staff, vec![draft]);
}

pub(super) fn cross_tenant(
    rng: &mut StdRng,
    tenants: &[Tenant],
    ids: &mut Ids,
    out: &mut Injected,
) {
    let Some((tenant, staff, day)) = target(rng, tenants) else {
        return;
    };
    let others: Vec<&Tenant> = tenants.iter().filter(|t| t.id != tenant.id).collect();
    let Some(account) = pick(rng, &others).and_then(|other| pick(rng, &other.accounts)) else {
        return;
    };
    let kind = if rng.random_bool(0.5) {
        LedgerKind::Refund
    } else {
        LedgerKind::Credit
    };
    let ts = in_shift(rng, staff, day, 0);
    let mut draft = staff_entry(rng, tenant, staff, kind, ts, None, ids);
    draft.account.clone_from(&account.id);
    draft.property.clone_from(&account.property);
    out.labels
        .push(entry_label(AlertKind::BillingCrossTenant, &draft, draft.ts));
    out.add(staff, vec![draft]);
}
