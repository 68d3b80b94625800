//! Insider patterns injected into the ledger, each with its label: entries
//! above the threshold without approver, self-approvals, refunds to another
//! tenant's account, unusual amounts, split payouts, off-hours work,
//! dormant accounts coming back, and write-off sprees. Sizes, counts and
//! timings vary from one incident to the next.

mod behaviour;
mod rules;

use chrono::{DateTime, Utc};
use nexzo_schemas::LedgerKind;
use rand::RngExt;
use rand::rngs::StdRng;

use super::draft::{Draft, Ids, MONEY_MOVING};
use super::matching::Label;
use super::random::pick;
use super::world::{ATTACK_FROM_DAY, DAYS, Staff, THRESHOLD_MINOR, Tenant};
use crate::AlertKind;

/// Injected incidents per kind.
pub(super) const ATTACKS_PER_KIND: usize = 8;

/// An injected amount this many times the actor's median is unusual by
/// any standard and is labelled so.
pub(super) const UNUSUAL_RATIO: f64 = 12.0;

/// From this many times the actor's median up to [`UNUSUAL_RATIO`],
/// calling an injected amount unusual is excused but not required.
const EXCUSED_RATIO: f64 = 4.0;

/// Entries and labels of injected incidents.
#[derive(Debug, Default)]
pub(super) struct Injected {
    pub(super) drafts: Vec<Draft>,
    pub(super) labels: Vec<Label>,
}

/// A label about an actor over the span of `drafts`.
pub(super) fn actor_label(kind: AlertKind, drafts: &[Draft], scored: bool) -> Option<Label> {
    let first = drafts.first()?;
    Some(Label {
        kind,
        tenant_id: first.tenant.clone(),
        actor_id: Some(first.actor.clone()),
        entry_id: None,
        from: drafts.iter().map(|d| d.ts).min()?,
        until: drafts.iter().map(|d| d.ts).max()?,
        scored,
    })
}

/// A label about one entry and its actor.
pub(super) fn entry_label(kind: AlertKind, draft: &Draft, until: DateTime<Utc>) -> Label {
    Label {
        kind,
        tenant_id: draft.tenant.clone(),
        actor_id: Some(draft.actor.clone()),
        entry_id: Some(draft.entry_id.clone()),
        from: draft.ts,
        until: until.max(draft.ts),
        scored: true,
    }
}

impl Injected {
    /// Adds injected entries with the labels of what they really are
    /// besides the intended pattern: unapproved above the threshold, and
    /// far above the actor's habit.
    pub(super) fn add(&mut self, staff: &Staff, drafts: Vec<Draft>) {
        let mut unusual: Vec<Draft> = Vec::new();
        let mut largest_ratio: f64 = 0.0;
        for draft in &drafts {
            let amount = draft.amount_minor.abs();
            if amount > THRESHOLD_MINOR && draft.approver.is_none() {
                self.labels
                    .push(entry_label(AlertKind::BillingUnapproved, draft, draft.ts));
            }
            let index = MONEY_MOVING.iter().position(|k| *k == draft.kind);
            let median = index.and_then(|i| staff.medians.get(i)).copied();
            let ratio = median.map_or(0.0, |m| amount as f64 / m);
            if ratio >= EXCUSED_RATIO {
                unusual.push(draft.clone());
                largest_ratio = largest_ratio.max(ratio);
            }
        }
        // One incident per injection: the actor's unusual amounts in it.
        let scored = largest_ratio >= UNUSUAL_RATIO;
        self.labels.extend(actor_label(
            AlertKind::BillingUnusualAmount,
            &unusual,
            scored,
        ));
        self.drafts.extend(drafts);
    }
}

/// The staff an attack may use: there from the start and not planned to
/// go dormant.
pub(super) fn regulars(tenant: &Tenant) -> Vec<&Staff> {
    tenant
        .staff
        .iter()
        .filter(|s| s.joins == 0 && s.leaves.is_none())
        .collect()
}

/// A tenant, one of its regular staff and a day in the attack period on
/// which they work.
pub(super) fn target<'a>(
    rng: &mut StdRng,
    tenants: &'a [Tenant],
) -> Option<(&'a Tenant, &'a Staff, u32)> {
    for _ in 0..100 {
        let tenant = pick(rng, tenants)?;
        let staff = *pick(rng, &regulars(tenant))?;
        let day = rng.random_range(ATTACK_FROM_DAY..DAYS - 2);
        if staff.at_work(day, &tenant.public_holidays) {
            return Some((tenant, staff, day));
        }
    }
    None
}

/// Every behavioural and rule pattern, [`ATTACKS_PER_KIND`] times each.
pub(super) fn inject(rng: &mut StdRng, tenants: &[Tenant], ids: &mut Ids) -> Injected {
    let mut injected = Injected::default();
    for _ in 0..ATTACKS_PER_KIND {
        rules::unapproved(rng, tenants, ids, &mut injected);
        rules::self_approval(rng, tenants, ids, &mut injected);
        rules::cross_tenant(rng, tenants, ids, &mut injected);
        behaviour::unusual_amount(rng, tenants, ids, &mut injected);
        behaviour::splitting(rng, tenants, ids, &mut injected);
        behaviour::off_hours(rng, tenants, ids, &mut injected);
        behaviour::write_off_spree(rng, tenants, ids, &mut injected);
    }
    injected
}

/// A money-moving kind, any.
fn money_moving(rng: &mut StdRng) -> LedgerKind {
    pick(rng, &MONEY_MOVING)
        .copied()
        .unwrap_or(LedgerKind::Adjustment)
}
