//! Labelled evaluation sets, generated from fixed seeds, and the precision
//! and recall of each detector kind on them.
//!
//! `cargo run --release -p nexzo-anomaly --example evaluate` prints the
//! table. Each family generates normal traffic with benign look-alikes and
//! injects labelled incidents, runs the same detector code the pipeline
//! runs, and matches alerts to incidents: an alert that matches no incident
//! is a false positive, an incident no alert matches is a false negative.

pub mod billing;
pub mod logins;
pub mod usage;

use serde::Serialize;

/// How one alert kind did on one evaluation set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KindScore {
    /// The detector family: `usage`, `logins` or `billing`.
    pub family: &'static str,
    /// The alert kind's stored name, or a family-level label where the set
    /// labels incidents without a finer kind.
    pub kind: String,
    /// Labelled incidents matched by an alert.
    pub true_positives: u32,
    /// Alerts that matched no labelled incident.
    pub false_positives: u32,
    /// Labelled incidents no alert matched.
    pub false_negatives: u32,
}

impl KindScore {
    /// Share of alerts that were right; 1 when nothing was raised.
    pub fn precision(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_positives,
        )
    }

    /// Share of incidents that were caught; 1 when there were none.
    pub fn recall(&self) -> f64 {
        ratio(
            self.true_positives,
            self.true_positives + self.false_negatives,
        )
    }
}

fn ratio(part: u32, whole: u32) -> f64 {
    if whole == 0 {
        1.0
    } else {
        f64::from(part) / f64::from(whole)
    }
}
