//! Prints precision and recall per detector kind on the generated labelled
//! sets: `cargo run --release -p nexzo-anomaly --example evaluate [seed]`.
#![allow(clippy::print_stdout)]

use nexzo_anomaly::eval::{self, KindScore};

/// The seed the published figures were measured with.
const DEFAULT_SEED: u64 = 20_261_204;

fn main() {
    let seed = std::env::args()
        .nth(1)
        .and_then(|arg| arg.parse().ok())
        .unwrap_or(DEFAULT_SEED);

    let mut scores: Vec<KindScore> = Vec::new();
    scores.extend(eval::usage::evaluate(seed));
    scores.extend(eval::logins::evaluate(seed));
    scores.extend(eval::billing::evaluate(seed));

    println!("seed {seed}");
    println!("| family | kind | TP | FP | FN | precision | recall |");
    println!("|---|---|---|---|---|---|---|");
    for s in &scores {
        println!(
            "| {} | {} | {} | {} | {} | {:.2} | {:.2} |",
            s.family,
            s.kind,
            s.true_positives,
            s.false_positives,
            s.false_negatives,
            s.precision(),
            s.recall()
        );
    }
}
