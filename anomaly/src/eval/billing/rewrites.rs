//! Entries re-sent with edited content.

use std::collections::{BTreeMap, HashSet};

use nexzo_schemas::LedgerEntry;
use rand::RngExt;
use rand::rngs::StdRng;

use super::attacks::{ATTACKS_PER_KIND, entry_label};
use super::chain::{hashed, label_for};
use super::matching::Label;
use super::random::{minor, pick};
use super::tamper::victim;
use crate::AlertKind;

/// A rewritten copy, and the entry it rewrites.
#[derive(Debug, Clone)]
pub(super) struct Rewrite {
    pub(super) original: String,
    pub(super) copy: LedgerEntry,
}

/// [`ATTACKS_PER_KIND`] entries re-sent with edited content (a larger
/// amount, an approver added after the fact, or another account), each
/// labelled by the entry it rewrites.
pub(super) fn rewrites(
    rng: &mut StdRng,
    chains: &BTreeMap<String, Vec<LedgerEntry>>,
    labels: &mut Vec<Label>,
) -> Vec<Rewrite> {
    let tenants: Vec<&String> = chains.keys().collect();
    let mut copies = Vec::new();
    for _ in 0..ATTACKS_PER_KIND {
        let labelled: HashSet<String> = labels.iter().filter_map(|l| l.entry_id.clone()).collect();
        let Some(chain) = pick(rng, &tenants).and_then(|t| chains.get(*t)) else {
            continue;
        };
        let Some(original) = victim(rng, chain, &labelled).and_then(|i| chain.get(i)) else {
            continue;
        };
        let mut copy = original.clone();
        match rng.random_range(0..4) {
            0 | 1 => {
                copy.amount_minor =
                    minor(copy.amount_minor.abs() as f64 * rng.random_range(1.5..5.0))
                        * copy.amount_minor.signum()
            }
            2 => copy.approver_id = Some(format!("{}-x", copy.actor_id)),
            _ => copy.account_id = format!("{}-x", copy.account_id),
        }
        let copy = hashed(copy);
        labels.push(entry_label(
            AlertKind::BillingEntryRewritten,
            &label_for(&copy),
            copy.ts,
        ));
        copies.push(Rewrite {
            original: original.entry_id.clone(),
            copy,
        });
    }
    copies
}
