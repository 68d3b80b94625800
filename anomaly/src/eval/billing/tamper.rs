//! Tampering with the chains: an entry's link changed (and, half the time,
//! everything after it relinked by the attacker), an entry deleted, an
//! entry forked off an old one. Each break is labelled by the entry whose
//! link fails.

use std::collections::{BTreeMap, HashSet};

use chrono::Duration;
use nexzo_schemas::{LedgerEntry, LedgerKind};
use rand::RngExt;
use rand::rngs::StdRng;

use super::attacks::{ATTACKS_PER_KIND, entry_label};
use super::chain::{hashed, label_for};
use super::draft::Ids;
use super::matching::Label;
use super::random::{minor, pick};
use super::world::{ATTACK_FROM_DAY, THRESHOLD_MINOR, day_start};
use crate::AlertKind;

/// Relinks `chain` from `from` on, as an attacker who rewrites history
/// after an edit would.
fn relink(chain: &mut [LedgerEntry], from: usize) {
    for i in from.max(1)..chain.len() {
        let prev = chain.get(i - 1).map(|e| e.hash.clone()).unwrap_or_default();
        if let Some(entry) = chain.get_mut(i) {
            entry.prev_hash = prev;
            *entry = hashed(entry.clone());
        }
    }
}

/// A staff money-moving entry in the attack period whose id no label
/// names: tampering with it disturbs no other incident.
pub(super) fn victim(
    rng: &mut StdRng,
    chain: &[LedgerEntry],
    labelled: &HashSet<String>,
) -> Option<usize> {
    let from = day_start(ATTACK_FROM_DAY);
    let candidates: Vec<usize> = (1..chain.len().saturating_sub(1))
        .filter(|i| {
            chain.get(*i).is_some_and(|e| {
                e.ts >= from
                    && e.actor_id.starts_with("u-")
                    && e.kind != LedgerKind::Charge
                    && e.amount_minor.abs() < THRESHOLD_MINOR * 8 / 10
                    && !labelled.contains(&e.entry_id)
            })
        })
        .collect();
    pick(rng, &candidates).copied()
}

/// Breaks [`ATTACKS_PER_KIND`] links across the tenants' chains, returns
/// the entries forked off the chain (delivered besides it) and labels
/// every break by the entry whose link fails.
///
/// Every victim is chosen first and the chains are then tampered with in
/// chain order: an attacker who relinks history after one edit would
/// otherwise silently repair a deletion made further down.
pub(super) fn tamper(
    rng: &mut StdRng,
    chains: &mut BTreeMap<String, Vec<LedgerEntry>>,
    labels: &mut Vec<Label>,
    ids: &mut Ids,
) -> Vec<LedgerEntry> {
    let mut plan = plan_breaks(rng, chains, labels);
    plan.sort();
    let mut forks = Vec::new();
    for (tenant, _, entry_id, variant) in plan {
        let Some(chain) = chains.get_mut(&tenant) else {
            continue;
        };
        let Some(at) = chain.iter().position(|e| e.entry_id == entry_id) else {
            continue;
        };
        match variant {
            0 => labels.extend(relinked(rng, chain, at)),
            1 => labels.extend(deleted(chain, at)),
            _ => {
                if let Some((fork, label)) = forked(rng, chain, at, ids) {
                    forks.push(fork);
                    labels.push(label);
                }
            }
        }
    }
    forks
}

/// The victims of the chain attacks: tenant, position, entry id and
/// variant, never two next to each other nor on a labelled entry.
fn plan_breaks(
    rng: &mut StdRng,
    chains: &BTreeMap<String, Vec<LedgerEntry>>,
    labels: &[Label],
) -> Vec<(String, usize, String, usize)> {
    let tenants: Vec<&String> = chains.keys().collect();
    let mut taken: HashSet<String> = labels.iter().filter_map(|l| l.entry_id.clone()).collect();
    let mut plan = Vec::new();
    for variant in (0..ATTACKS_PER_KIND).map(|n| n % 3) {
        let Some(tenant) = pick(rng, &tenants) else {
            continue;
        };
        let Some(chain) = chains.get(*tenant) else {
            continue;
        };
        let Some(at) = victim(rng, chain, &taken) else {
            continue;
        };
        for near in at.saturating_sub(1)..=at + 1 {
            taken.extend(chain.get(near).map(|e| e.entry_id.clone()));
        }
        let id = chain
            .get(at)
            .map(|e| e.entry_id.clone())
            .unwrap_or_default();
        plan.push(((*tenant).clone(), at, id, variant));
    }
    plan
}

/// The entry's link points nowhere; half the time the attacker relinks
/// everything after it, else its successor's link breaks too.
fn relinked(rng: &mut StdRng, chain: &mut [LedgerEntry], at: usize) -> Option<Label> {
    let next_ts = chain.get(at + 1)?.ts;
    let entry = chain.get_mut(at)?;
    entry.prev_hash = hex::encode(rng.random::<[u8; 32]>());
    *entry = hashed(entry.clone());
    let draft_like = label_for(entry);
    if rng.random_bool(0.5) {
        relink(chain, at + 1);
    }
    Some(entry_label(
        AlertKind::BillingChainBroken,
        &draft_like,
        next_ts,
    ))
}

/// The entry disappears; its successor's link is the one that fails.
fn deleted(chain: &mut Vec<LedgerEntry>, at: usize) -> Option<Label> {
    if at + 1 >= chain.len() {
        return None;
    }
    chain.remove(at);
    let next = chain.get(at)?;
    Some(entry_label(
        AlertKind::BillingChainBroken,
        &label_for(next),
        next.ts,
    ))
}

/// A forged entry claims an old entry as predecessor, after that entry's
/// real successor was published.
fn forked(
    rng: &mut StdRng,
    chain: &[LedgerEntry],
    at: usize,
    ids: &mut Ids,
) -> Option<(LedgerEntry, Label)> {
    let base = chain.get(at)?;
    let successor_ts = chain.get(at + 1)?.ts;
    let mut fork = base.clone();
    fork.entry_id = ids.next();
    fork.prev_hash = base.hash.clone();
    fork.ts = successor_ts + Duration::seconds(rng.random_range(60..7_200));
    fork.amount_minor = minor(base.amount_minor.abs() as f64 * rng.random_range(0.5..1.5))
        .min(THRESHOLD_MINOR * 8 / 10)
        * base.amount_minor.signum();
    let fork = hashed(fork);
    let label = entry_label(AlertKind::BillingChainBroken, &label_for(&fork), fork.ts);
    Some((fork, label))
}
