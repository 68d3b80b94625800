//! A regression guard on the generated evaluation set: precision and
//! recall must not fall below what was measured when the detector was
//! tuned (seed 20261204: any value anomaly 0.95 / 0.81). The floors leave
//! room for harmless changes; falling through one means a change made the
//! detector worse at its job.

use nexzo_anomaly::eval::KindScore;
use nexzo_anomaly::eval::usage::{ANY_KIND, BENIGN_KIND, evaluate};

const SEED: u64 = 20_261_204;

fn row<'a>(scores: &'a [KindScore], kind: &str) -> &'a KindScore {
    scores
        .iter()
        .find(|s| s.kind == kind)
        .unwrap_or_else(|| panic!("no {kind} row"))
}

#[test]
fn the_evaluation_set_keeps_precision_and_recall_above_their_floors() {
    let scores = evaluate(SEED);
    let any = row(&scores, ANY_KIND);
    let benign = row(&scores, BENIGN_KIND);

    assert!(any.precision() >= 0.88, "precision {:.2}", any.precision());
    assert!(any.recall() >= 0.72, "recall {:.2}", any.recall());
    assert!(
        benign.false_positives <= 4,
        "{} alerts on benign days",
        benign.false_positives
    );
    for kind in ["usage_missing_data", "usage_register_backwards"] {
        let told = row(&scores, kind);
        assert_eq!((told.recall(), told.precision()), (1.0, 1.0), "{kind}");
    }
    assert!(scores.iter().all(|s| s.family == "usage"));
}
