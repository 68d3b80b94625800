//! Small robust statistics the behavioural checks share.

#[cfg(test)]
mod tests;

/// The factor that makes a median absolute deviation estimate a standard
/// deviation for normally distributed values.
const MAD_TO_SIGMA: f64 = 1.4826;

/// A tail sum stops once a term adds less than this share of the total.
const TAIL_RELATIVE_PRECISION: f64 = 1e-15;

/// At most this many terms past the first are summed: far beyond where a
/// Poisson tail with the means used here stops mattering.
const TAIL_MAX_TERMS: u32 = 2_000;

/// Where a sample sits and how widely it spreads, robustly.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Robust {
    /// The median.
    pub(crate) median: f64,
    /// The median absolute deviation scaled to a standard deviation.
    pub(crate) sigma: f64,
    /// How many values it rests on.
    pub(crate) count: usize,
    /// The largest value.
    pub(crate) max: f64,
}

/// The median and scaled MAD of `values`; `None` for an empty sample or
/// one holding a NaN.
pub(crate) fn robust(values: &[f64]) -> Option<Robust> {
    let mut sorted = values.to_vec();
    if sorted.iter().any(|v| v.is_nan()) {
        return None;
    }
    sorted.sort_by(f64::total_cmp);
    let median = median_of_sorted(&sorted)?;

    let mut deviations: Vec<f64> = sorted.iter().map(|v| (v - median).abs()).collect();
    deviations.sort_by(f64::total_cmp);
    let mad = median_of_sorted(&deviations)?;
    Some(Robust {
        median,
        sigma: mad * MAD_TO_SIGMA,
        count: sorted.len(),
        max: sorted.last().copied().unwrap_or(median),
    })
}

/// The median of an already sorted slice.
pub(crate) fn median_of_sorted(sorted: &[f64]) -> Option<f64> {
    let mid = sorted.len() / 2;
    match sorted.len() {
        0 => None,
        n if n % 2 == 1 => sorted.get(mid).copied(),
        _ => Some((sorted.get(mid - 1)? + sorted.get(mid)?) / 2.0),
    }
}

/// The median of any slice of finite values; `None` when empty.
pub(crate) fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    median_of_sorted(&sorted)
}

/// The chance that a Poisson count with mean `mean` reaches `count`:
/// `P(X >= count)`. Summed upwards from `count` in log space, so that the
/// tiny probabilities that matter here are exact rather than `1 - 0.9999…`.
pub(crate) fn poisson_tail(count: u32, mean: f64) -> f64 {
    if count == 0 {
        return 1.0;
    }
    if mean.is_nan() || mean <= 0.0 {
        return 0.0;
    }

    let ln_factorial: f64 = (2..=count).map(|k| f64::from(k).ln()).sum();
    let mut term = (-mean + f64::from(count) * mean.ln() - ln_factorial).exp();
    let mut total = 0.0;
    for k in count..count.saturating_add(TAIL_MAX_TERMS) {
        total += term;
        if term < total * TAIL_RELATIVE_PRECISION && f64::from(k) > mean {
            break;
        }
        term *= mean / f64::from(k + 1);
    }
    total.min(1.0)
}
