//! The series' cadence, inferred from its timestamps.

use chrono::{DateTime, Utc};

use crate::usage::{MAX_CADENCE_SECS, MIN_CADENCE_SECS};

/// Cadences meters and exports use. The median step is rounded to the
/// nearest of these (by ratio), so jitter of a few seconds or an odd
/// missing interval does not produce a 901-second cadence.
const GRID_SECS: [u32; 16] = [
    60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10_800, 14_400, 21_600, 28_800, 43_200,
    86_400,
];

/// The cadence assumed when there are not two distinct timestamps.
pub(crate) const FALLBACK_CADENCE_SECS: u32 = 900;

/// The median of the positive steps between the sorted distinct
/// `times`, rounded to the grid, within one minute to one day.
pub(crate) fn infer(sorted: &[DateTime<Utc>]) -> u32 {
    let mut steps: Vec<i64> = sorted
        .windows(2)
        .map(|pair| (pair[1] - pair[0]).num_seconds())
        .filter(|step| *step > 0)
        .collect();
    if steps.is_empty() {
        return FALLBACK_CADENCE_SECS;
    }
    let middle = steps.len() / 2;
    let (_, median, _) = steps.select_nth_unstable(middle);
    let median = (*median as f64).clamp(f64::from(MIN_CADENCE_SECS), f64::from(MAX_CADENCE_SECS));
    GRID_SECS
        .into_iter()
        .min_by(|a, b| {
            let distance = |grid: u32| (f64::from(grid) / median).ln().abs();
            distance(*a).total_cmp(&distance(*b))
        })
        .unwrap_or(FALLBACK_CADENCE_SECS)
}
