//! Spreading an interval's consumption over the quarter-hours it overlaps,
//! in whole Wh that add up exactly.
//!
//! Each quarter-hour gets the share of the energy that its overlap is of
//! the interval's duration, rounded down; the Wh lost to rounding go one
//! each to the quarter-hours with the largest remainders (largest-remainder
//! method), ties to the earliest. The result depends on nothing but the
//! interval and the energy, so a recomputation always agrees.

use crate::time::{QUARTER, nanos, quarter_floor};
use chrono::{DateTime, Utc};

/// Splits `total_wh` into parts proportional to `weights` that sum exactly
/// to `total_wh`. Each part is the exact share rounded down or up.
///
/// Returns `None` when there is nothing to split by: no weights, or all
/// zero.
pub fn split_exact(total_wh: i64, weights: &[u64]) -> Option<Vec<i64>> {
    let sum: u128 = weights.iter().map(|&w| u128::from(w)).sum();
    let sum = i128::try_from(sum).ok().filter(|&s| s > 0)?;

    // An i64 times a u64 always fits in an i128.
    let exact: Vec<(i128, i128)> = weights
        .iter()
        .map(|&w| i128::from(total_wh) * i128::from(w))
        .map(|product| (product.div_euclid(sum), product.rem_euclid(sum)))
        .collect();
    let floored: i128 = exact.iter().map(|&(floor, _)| floor).sum();
    let leftover = usize::try_from(i128::from(total_wh) - floored).ok()?;

    let mut parts: Vec<i64> = exact
        .iter()
        .map(|&(floor, _)| i64::try_from(floor).ok())
        .collect::<Option<_>>()?;
    for index in largest_remainders_first(&exact).into_iter().take(leftover) {
        parts[index] += 1;
    }
    Some(parts)
}

fn largest_remainders_first(exact: &[(i128, i128)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..exact.len()).collect();
    order.sort_by(|&a, &b| exact[b].1.cmp(&exact[a].1).then(a.cmp(&b)));
    order
}

/// Spreads `energy_wh` consumed over `[start, end)` across the quarter-hours
/// it overlaps, by time: one `(quarter start, Wh)` per quarter-hour, in
/// order, summing exactly to `energy_wh`.
///
/// An empty or reversed span has no duration to spread over: the whole
/// amount goes to the quarter-hour holding `start`. The result has one
/// entry per quarter-hour of the span, so its length grows with the span;
/// the stream stage never spreads more than `max_spread_secs`.
pub fn apportion(
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    energy_wh: i64,
) -> Vec<(DateTime<Utc>, i64)> {
    let overlaps = quarter_overlaps(start, end);
    let weights: Vec<u64> = overlaps.iter().map(|&(_, w)| w).collect();
    match split_exact(energy_wh, &weights) {
        Some(parts) => overlaps.iter().map(|&(q, _)| q).zip(parts).collect(),
        None => vec![(quarter_floor(start), energy_wh)],
    }
}

/// Each quarter-hour overlapping `[start, end)` with the overlap in ns.
fn quarter_overlaps(start: DateTime<Utc>, end: DateTime<Utc>) -> Vec<(DateTime<Utc>, u64)> {
    let mut overlaps = Vec::new();
    let mut quarter = quarter_floor(start);
    while quarter < end {
        let overlap = (quarter + QUARTER).min(end) - quarter.max(start);
        overlaps.push((quarter, u64::try_from(nanos(overlap)).unwrap_or(0)));
        quarter += QUARTER;
    }
    overlaps
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn leftover_wh_go_to_the_largest_remainders_then_the_earliest() {
        // (total, weights, parts)
        let cases: [(i64, &[u64], &[i64]); 6] = [
            (100, &[10, 15, 10], &[29, 43, 28]),
            (2, &[1, 1, 1], &[1, 1, 0]),
            (0, &[3, 4], &[0, 0]),
            (7, &[5], &[7]),
            (-100, &[10, 15, 10], &[-28, -43, -29]),
            (
                i64::MAX,
                &[u64::MAX, u64::MAX],
                &[i64::MAX / 2 + 1, i64::MAX / 2],
            ),
        ];
        for (total, weights, parts) in cases {
            assert_eq!(
                split_exact(total, weights).as_deref(),
                Some(parts),
                "{total} by {weights:?}"
            );
        }
    }

    #[test]
    fn nothing_to_split_by_is_refused() {
        assert_eq!(split_exact(10, &[]), None);
        assert_eq!(split_exact(10, &[0, 0]), None);
    }

    #[test]
    fn an_interval_straddling_quarter_boundaries_is_split_by_overlap() {
        // 10:05 to 10:40: 10, 15 and 10 minutes in three quarter-hours.
        let parts = apportion(at("2026-03-10T10:05:00Z"), at("2026-03-10T10:40:00Z"), 100);
        let expected = [
            (at("2026-03-10T10:00:00Z"), 29),
            (at("2026-03-10T10:15:00Z"), 43),
            (at("2026-03-10T10:30:00Z"), 28),
        ];
        assert_eq!(parts, expected);
    }

    #[test]
    fn an_interval_inside_one_quarter_hour_stays_whole() {
        let parts = apportion(at("2026-03-10T10:01:00Z"), at("2026-03-10T10:02:00Z"), 5);
        assert_eq!(parts, [(at("2026-03-10T10:00:00Z"), 5)]);
    }

    #[test]
    fn an_interval_ending_on_a_boundary_does_not_touch_the_next_quarter_hour() {
        let parts = apportion(at("2026-03-10T10:00:00Z"), at("2026-03-10T10:30:00Z"), 9);
        assert_eq!(
            parts,
            [
                (at("2026-03-10T10:00:00Z"), 5),
                (at("2026-03-10T10:15:00Z"), 4)
            ]
        );
    }

    #[test]
    fn an_empty_span_keeps_its_energy_at_its_instant() {
        let t = at("2026-03-10T10:20:00Z");
        assert_eq!(apportion(t, t, 12), [(at("2026-03-10T10:15:00Z"), 12)]);
    }

    proptest! {
        #[test]
        fn parts_sum_exactly_and_each_is_its_share_rounded(
            total in any::<i64>(),
            weights in prop::collection::vec(0..u64::MAX, 1..40),
        ) {
            prop_assume!(weights.iter().any(|&w| w > 0));
            let parts = split_exact(total, &weights).unwrap();
            let sum: i128 = weights.iter().map(|&w| i128::from(w)).sum();
            prop_assert_eq!(parts.iter().map(|&p| i128::from(p)).sum::<i128>(), i128::from(total));
            for (&part, &w) in parts.iter().zip(&weights) {
                let error = i128::from(part) * sum - i128::from(total) * i128::from(w);
                prop_assert!(error.abs() < sum, "part {} of weight {} is off by a whole Wh", part, w);
            }
        }

        #[test]
        fn apportioned_wh_sum_exactly_to_the_interval(
            start_ms in 0i64..10_000_000_000,
            length_ms in 1i64..400_000_000,
            energy_wh in 0i64..10_000_000_000,
        ) {
            let start = DateTime::from_timestamp_millis(1_700_000_000_000 + start_ms).unwrap();
            let end = start + chrono::TimeDelta::milliseconds(length_ms);
            let parts = apportion(start, end, energy_wh);
            prop_assert_eq!(parts.iter().map(|&(_, wh)| wh).sum::<i64>(), energy_wh);
            prop_assert!(parts.windows(2).all(|w| w[1].0 - w[0].0 == QUARTER));
            prop_assert!(parts[0].0 <= start && parts[parts.len() - 1].0 < end);
        }
    }
}
