//! The labelled evaluation set: a regression guard on precision and recall,
//! and on what alerts may contain.

use nexzo_anomaly::eval::logins::{evaluate, generate, run};

/// The seed the published figures were measured with.
const SEED: u64 = 20_261_204;

/// The floor every login kind must keep on that seed. Measured figures are
/// higher (see the crate's evaluation table); the margin absorbs small
/// changes to the generator, not regressions of a whole kind.
const MIN_PRECISION: f64 = 0.8;
const MIN_RECALL: f64 = 0.8;

#[test]
fn every_login_kind_keeps_its_precision_and_recall_floor() {
    let scores = evaluate(SEED);

    assert_eq!(scores.len(), 7);
    for score in &scores {
        println!(
            "{:34} TP {:3} FP {:3} FN {:3} precision {:.2} recall {:.2}",
            score.kind,
            score.true_positives,
            score.false_positives,
            score.false_negatives,
            score.precision(),
            score.recall()
        );
        assert_eq!(score.family, "logins");
        assert!(
            score.true_positives >= 3,
            "{} has too few incidents",
            score.kind
        );
        assert!(score.precision() >= MIN_PRECISION, "{score:?}");
        assert!(score.recall() >= MIN_RECALL, "{score:?}");
    }
}

#[test]
fn alerts_carry_no_user_agents_and_no_coordinates() {
    let set = generate(SEED);
    let alerts = run(&set.events);

    assert!(!alerts.is_empty());
    for alert in alerts {
        let json = serde_json::to_string(&alert).expect("serialises");
        for leak in ["Mozilla", "\"lat\"", "\"lon\"", "user_agent"] {
            assert!(!json.contains(leak), "{leak} in {json}");
        }
    }
}
