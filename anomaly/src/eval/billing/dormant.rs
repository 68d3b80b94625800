//! Dormant accounts: a staff member stops working early in the period and
//! their id comes back, weeks later, moving money.

use rand::RngExt;
use rand::rngs::StdRng;

use super::attacks::{Injected, actor_label, regulars};
use super::draft::{Draft, Ids, MONEY_MOVING, in_shift};
use super::normal::staff_entry;
use super::random::pick;
use super::world::{DAYS, Tenant};
use crate::AlertKind;

/// A planned dormancy: who, and when they come back.
#[derive(Debug, Clone)]
pub(super) struct Dormancy {
    tenant: usize,
    staff: String,
    returns: u32,
}

/// Picks one regular staff member per tenant to go quiet after a few
/// weeks and come back after six weeks to three months.
pub(super) fn plan(rng: &mut StdRng, tenants: &mut [Tenant]) -> Vec<Dormancy> {
    let mut plans = Vec::new();
    for (index, tenant) in tenants.iter_mut().enumerate() {
        let candidates: Vec<String> = regulars(tenant)
            .iter()
            .filter(|s| !s.monthly_write_off_batch)
            .map(|s| s.id.clone())
            .collect();
        let Some(id) = pick(rng, &candidates).cloned() else {
            continue;
        };
        let last_day = rng.random_range(15..40);
        let returns = (last_day + rng.random_range(42..95)).min(DAYS - 3);
        if let Some(staff) = tenant.staff.iter_mut().find(|s| s.id == id) {
            staff.leaves = Some(last_day);
        }
        plans.push(Dormancy {
            tenant: index,
            staff: id,
            returns,
        });
    }
    plans
}

/// The returns: one to three money-moving entries in the actor's usual
/// hours on the first day they would work.
pub(super) fn inject(
    rng: &mut StdRng,
    tenants: &[Tenant],
    plans: &[Dormancy],
    ids: &mut Ids,
    out: &mut Injected,
) {
    for plan in plans {
        let Some(tenant) = tenants.get(plan.tenant) else {
            continue;
        };
        let Some(staff) = tenant.staff.iter().find(|s| s.id == plan.staff) else {
            continue;
        };
        let mut day = plan.returns;
        while day < DAYS - 1
            && !staff
                .works
                .get(super::world::weekday(day))
                .copied()
                .unwrap_or(false)
        {
            day += 1;
        }
        let drafts: Vec<Draft> = (0..rng.random_range(1..4))
            .map(|_| {
                let kind = pick(rng, &MONEY_MOVING).copied().unwrap_or(MONEY_MOVING[0]);
                let ts = in_shift(rng, staff, day, 0);
                let mut draft = staff_entry(rng, tenant, staff, kind, ts, None, ids);
                draft.approver = None;
                draft
            })
            .collect();
        out.labels
            .extend(actor_label(AlertKind::BillingDormantActor, &drafts, true));
        out.add(staff, drafts);
    }
}
