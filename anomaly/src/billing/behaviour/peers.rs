//! Baselines borrowed from an actor's peers: the other staff of the same
//! tenant who have booked money-moving entries.

use std::collections::{BTreeSet, HashMap};

use nexzo_schemas::LedgerKind;

use super::profile::ActorProfile;
use super::rates::Rates;
use crate::billing::stats::median;

/// Peers that must contribute before their pooled amounts are a baseline.
pub(crate) const MIN_PEERS: usize = 2;

/// The other staff of one tenant, as seen from one actor.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peers<'a> {
    pub(crate) profiles: &'a HashMap<(String, String), ActorProfile>,
    pub(crate) staff: Option<&'a BTreeSet<String>>,
    pub(crate) tenant: &'a str,
    pub(crate) me: &'a str,
    pub(crate) max_count: usize,
}

impl<'a> Peers<'a> {
    /// The peers' profiles, in actor id order, at most `max_count`.
    fn each(self) -> impl Iterator<Item = &'a ActorProfile> {
        self.staff
            .into_iter()
            .flatten()
            .filter(move |actor| actor.as_str() != self.me)
            .filter_map(move |actor| self.profiles.get(&(self.tenant.to_owned(), actor.clone())))
            .take(self.max_count)
    }

    /// Every peer's kept amounts of `kind`, pooled; empty unless at least
    /// [`MIN_PEERS`] peers contribute, since one colleague's habit is not
    /// a norm.
    pub(crate) fn amounts(self, kind: LedgerKind) -> Vec<f64> {
        let contributing = self
            .each()
            .filter(|p| !p.amounts.of(kind).is_empty())
            .count();
        if contributing < MIN_PEERS {
            return Vec::new();
        }
        self.each()
            .flat_map(|profile| profile.amounts.of(kind).iter().copied())
            .collect()
    }

    /// The median over peers with enough history of a per-hour rate.
    pub(crate) fn median_rate(self, rate: impl Fn(&Rates) -> Option<f64>) -> Option<f64> {
        let rates: Vec<f64> = self.each().filter_map(|p| rate(&p.rates)).collect();
        median(&rates)
    }
}
