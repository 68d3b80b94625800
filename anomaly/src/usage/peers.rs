//! A cold meter borrows its property's rhythm.
//!
//! Meters of one property share occupants' habits, opening hours and
//! weather, so their normalised profiles (log value minus the meter's own
//! mean) look alike even when their sizes differ by multiples. A meter
//! with little history of its own is predicted as its own level plus the
//! median normalised profile of its established peers; its own profile
//! takes over as it fills.

use super::clock::{Clock, Slot};
use super::model::Model;

/// A meter borrows from peers during its first two weeks: by then its own
/// weekly slots have each been seen twice.
pub(crate) const PEER_UNTIL_DAYS: f64 = 14.0;

/// A peer lends its profile once it has two weeks of its own.
pub(crate) const PEER_MIN_DAYS: f64 = 14.0;

/// Step of a cold meter's level relative to the pooled profile: a plain
/// mean for the first 20 observations, then five-percent steps.
pub(crate) const PEER_LEVEL_RATE: f64 = 0.05;

/// Peers differ from each other; their spread is widened by half before a
/// newcomer is judged by it.
const PEER_SCALE_FACTOR: f64 = 1.5;

/// Median absolute deviation to standard deviation, for normal data.
const MAD_TO_SIGMA: f64 = 1.4826;

/// The pooled normalised profile at one slot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PeerShape {
    /// Median over peers of log value minus the peer's mean log value.
    pub(crate) shape: f64,
    /// Spread a newcomer is judged by, log units.
    pub(crate) scale: f64,
}

/// Pools the established meters among `peers` at `slot`; None when no
/// peer is established.
pub(crate) fn pooled<'a>(
    peers: impl Iterator<Item = &'a Model>,
    slot: Slot,
    clock: &Clock,
) -> Option<PeerShape> {
    let mut shapes = Vec::new();
    let mut scales = Vec::new();
    for model in peers.filter(|m| m.days(clock) >= PEER_MIN_DAYS) {
        if let Some(p) = model.predict(slot, None, clock) {
            shapes.push(p.center - p.drift - model.all_loc);
            scales.push(p.scale);
        }
    }
    let shape = median(&mut shapes)?;
    let scale = median(&mut scales)?;
    let mut deviations: Vec<f64> = shapes.iter().map(|s| (s - shape).abs()).collect();
    let dispersion = MAD_TO_SIGMA * median(&mut deviations).unwrap_or(0.0);
    Some(PeerShape {
        shape,
        scale: PEER_SCALE_FACTOR * scale.hypot(dispersion),
    })
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 0 {
        f64::midpoint(values[mid - 1], values[mid])
    } else {
        values[mid]
    })
}
