//! The amounts an actor books, per kind, and amounts far above both their
//! own and their peers' habit.
//!
//! Amounts are compared as decades (`log10` of the absolute amount in
//! minor units): money amounts spread multiplicatively, and a robust centre
//! and spread (median and MAD) on that scale are not moved by the rare
//! large but legitimate entry. Only amounts above the habit are reported:
//! an unusually small refund moves little money. Entries approved by
//! someone else are neither judged nor learned: the habit is what the
//! actor books on their own authority.
//!
//! Known limit: staff habits differ several-fold from one person to the
//! next, so a newcomer (or a kind the actor rarely books) compared with
//! the pooled peers is caught only well above the peers' habit (see
//! `amount_cold_start_min_ratio`); amounts that are large only for that
//! person wait for their own history.

use nexzo_schemas::{LedgerEntry, LedgerKind};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::billing::config::BillingConfig;
use crate::billing::finding::Finding;
use crate::billing::stats::{Robust, robust};
use crate::{AlertKind, Severity, Subject};

/// The money-moving kinds, each with its own amount history.
pub(crate) const MONEY_MOVING_KINDS: [LedgerKind; 4] = [
    LedgerKind::Adjustment,
    LedgerKind::Credit,
    LedgerKind::Refund,
    LedgerKind::WriteOff,
];

/// The index of a money-moving kind in [`MONEY_MOVING_KINDS`].
pub(crate) fn kind_index(kind: LedgerKind) -> Option<usize> {
    MONEY_MOVING_KINDS.iter().position(|k| *k == kind)
}

/// An amount on the comparison scale: decades of minor units, with zero
/// treated as one minor unit.
pub(crate) fn log_amount(amount_minor: i64) -> f64 {
    (amount_minor.unsigned_abs().max(1) as f64).log10()
}

/// The latest amounts per money-moving kind, as [`log_amount`]s.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct AmountHistory {
    pub(crate) samples: [Vec<f64>; 4],
}

impl AmountHistory {
    /// The amounts kept for `kind`; empty for kinds that move no money.
    pub(crate) fn of(&self, kind: LedgerKind) -> &[f64] {
        kind_index(kind)
            .and_then(|i| self.samples.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// Keeps `value` for `kind`, dropping the oldest beyond `max_count`.
    pub(crate) fn push(&mut self, kind: LedgerKind, value: f64, max_count: usize) {
        let Some(samples) = kind_index(kind).and_then(|i| self.samples.get_mut(i)) else {
            return;
        };
        samples.push(value);
        if samples.len() > max_count {
            let excess = samples.len() - max_count;
            samples.drain(..excess);
        }
    }
}

/// How far an amount sits above one baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Excess {
    pub(crate) baseline: Robust,
    /// Robust standard deviations above the median, spread floored.
    pub(crate) z: f64,
    /// Whether it is far enough to report.
    pub(crate) far: bool,
    /// Decades above the median.
    pub(crate) above_log10: f64,
    /// Whether it is above the largest amount in the baseline.
    pub(crate) above_max: bool,
}

/// Compares `value` with `baseline`: far when it is at least the z
/// threshold times the (floored) spread and the least ratio above the
/// median.
pub(crate) fn excess(value: f64, baseline: Robust, config: &BillingConfig) -> Excess {
    let sigma = baseline.sigma.max(config.amount_min_spread_log10);
    let above = value - baseline.median;
    let margin =
        (config.amount_robust_z_threshold * sigma).max(config.amount_min_ratio_to_median.log10());
    Excess {
        baseline,
        z: above / sigma,
        far: above >= margin,
        above_max: value > baseline.max,
        above_log10: above,
    }
}

/// The baseline of `samples` once there are `min_count` of them.
pub(crate) fn baseline(samples: &[f64], min_count: usize) -> Option<Robust> {
    if samples.len() < min_count {
        return None;
    }
    robust(samples)
}

/// The verdict on one amount. With enough history of their own, the
/// actor is compared with themselves: far above their median and above
/// the largest amount they booked lately on their own authority; and, where
/// peers have history, not an amount ordinary among them (at least
/// `amount_peer_min_z` above their pooled median). A newcomer borrows the
/// peers' baseline, whose spread is mostly the difference between people,
/// so a z-score says little there: the amount must be
/// `amount_cold_start_min_ratio` times the peers' median and above
/// anything a peer booked lately.
pub(crate) fn unusual(own: Option<Excess>, peers: Option<Excess>, config: &BillingConfig) -> bool {
    match own {
        Some(own) => {
            own.far && own.above_max && peers.is_none_or(|p| p.z >= config.amount_peer_min_z)
        }
        None => peers.is_some_and(|p| {
            p.far && p.above_max && p.above_log10 >= config.amount_cold_start_min_ratio.log10()
        }),
    }
}

/// The finding for an amount judged unusual against `own` and `peers`.
pub(crate) fn unusual_amount_finding(
    entry: &LedgerEntry,
    own: Option<Excess>,
    peers: Option<Excess>,
    threshold_minor: i64,
    config: &BillingConfig,
) -> Finding {
    // The weaker of the two comparisons speaks for the amount.
    let z = [own, peers]
        .iter()
        .flatten()
        .map(|e| e.z)
        .fold(f64::INFINITY, f64::min);
    let threshold = config.amount_robust_z_threshold;
    let score = 0.5 + 0.5 * ((z - threshold) / threshold).clamp(0.0, 1.0);
    let severity = if entry.amount_minor.unsigned_abs() > threshold_minor.unsigned_abs() {
        Severity::High
    } else {
        Severity::Medium
    };
    let median_minor = |e: Option<Excess>| e.map(|e| 10_f64.powf(e.baseline.median).round());
    let summary = format!(
        "{} {} by {} is far above the amounts they and their peers book",
        entry.kind, entry.entry_id, entry.actor_id
    );
    Finding::new(
        AlertKind::BillingUnusualAmount,
        severity,
        &entry.tenant_id,
        Subject::actor(entry.actor_id.clone()),
        entry.ts,
        score,
        summary,
    )
    .with_entries(vec![entry.entry_id.clone()])
    .with_details(json!({
        "entry_kind": entry.kind.as_str(),
        "amount_minor": entry.amount_minor,
        "currency": entry.currency,
        "own_median_minor": median_minor(own),
        "own_history_count": own.map(|e| e.baseline.count),
        "peer_median_minor": median_minor(peers),
        "peer_history_count": peers.map(|e| e.baseline.count),
        "robust_z": z,
    }))
}
