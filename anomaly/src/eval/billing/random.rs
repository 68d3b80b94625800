//! Random draws the generator needs beyond uniform ones.

use rand::RngExt;
use rand::rngs::StdRng;

/// Uniform on a log scale between `low` and `high`.
pub(super) fn log_uniform(rng: &mut StdRng, low: f64, high: f64) -> f64 {
    (rng.random_range(low.ln()..high.ln())).exp()
}

/// A standard normal draw (Box-Muller).
pub(super) fn normal(rng: &mut StdRng) -> f64 {
    let u: f64 = rng.random_range(f64::EPSILON..1.0);
    let v: f64 = rng.random_range(0.0..1.0);
    (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
}

/// A log-normal amount around `median`.
pub(super) fn log_normal(rng: &mut StdRng, median: f64, sigma_ln: f64) -> f64 {
    median * (sigma_ln * normal(rng)).exp()
}

/// A Poisson count with mean `mean` (Knuth's method; the means here are
/// small).
pub(super) fn poisson(rng: &mut StdRng, mean: f64) -> u32 {
    let limit = (-mean).exp();
    let mut product: f64 = rng.random_range(0.0..1.0);
    let mut count = 0;
    while product > limit && count < 1_000 {
        product *= rng.random_range(0.0..1.0);
        count += 1;
    }
    count
}

/// A whole number of minor units, at least one.
#[allow(clippy::cast_possible_truncation)] // generated amounts are far inside i64
pub(super) fn minor(value: f64) -> i64 {
    (value.round() as i64).max(1)
}

/// A uniformly chosen element.
pub(super) fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> Option<&'a T> {
    if items.is_empty() {
        return None;
    }
    items.get(rng.random_range(0..items.len()))
}
