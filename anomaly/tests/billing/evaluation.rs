//! The labelled evaluation set and the floors the detector must keep on
//! it: a regression guard, measured with the seed the published figures
//! use.

use nexzo_anomaly::eval::billing::{BILLING_KINDS, evaluate, labelled_set};
use nexzo_schemas::decode_ledger_entry;

use crate::support::wire;

/// The seed of the published figures (the `evaluate` example's default).
const SEED: u64 = 20_261_204;

/// Floors per kind: precision, recall. Rule kinds are exact; behavioural
/// kinds are held a little below what the seed gives today.
const FLOORS: [(&str, f64, f64); 10] = [
    ("billing_unapproved", 1.0, 1.0),
    ("billing_self_approval", 1.0, 1.0),
    ("billing_cross_tenant", 1.0, 1.0),
    ("billing_chain_broken", 1.0, 1.0),
    ("billing_entry_rewritten", 1.0, 1.0),
    ("billing_unusual_amount", 0.8, 0.85),
    ("billing_threshold_splitting", 0.85, 0.85),
    ("billing_off_hours", 0.85, 0.85),
    ("billing_dormant_actor", 0.85, 0.85),
    ("billing_write_off_spree", 0.75, 0.75),
];

#[test]
fn the_detector_keeps_its_precision_and_recall_floors_on_the_published_seed() {
    let scores = evaluate(SEED);
    assert_eq!(scores.len(), BILLING_KINDS.len());
    for (kind, precision, recall) in FLOORS {
        let score = scores.iter().find(|s| s.kind == kind).unwrap();
        assert!(score.true_positives > 0, "{kind}: nothing injected");
        assert!(score.precision() >= precision, "{kind}: {score:?}");
        assert!(score.recall() >= recall, "{kind}: {score:?}");
    }
}

#[test]
fn other_seeds_stay_well_above_chance() {
    for seed in [1, 2] {
        for score in evaluate(seed) {
            assert!(score.precision() >= 0.6, "seed {seed}: {score:?}");
            assert!(score.recall() >= 0.5, "seed {seed}: {score:?}");
        }
    }
}

#[test]
fn the_set_is_the_same_for_the_same_seed_and_every_entry_passes_the_contract() {
    let set = labelled_set(SEED);
    let again = labelled_set(SEED);
    assert_eq!(set.entries, again.entries);
    assert_eq!(set.labels, again.labels);
    assert!(set.entries.len() > 5_000);
    for entry in set.entries.iter().step_by(97) {
        assert_eq!(
            decode_ledger_entry(wire(entry).as_bytes()).as_ref(),
            Ok(entry)
        );
    }
}
