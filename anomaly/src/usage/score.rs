//! From surprise to a score in [0, 1], calibrated to each meter's tails.
//!
//! Surprise is measured in robust standard deviations of the log residual.
//! Real consumption has heavier tails than a normal distribution (a kettle,
//! an oven, a shower), so each meter keeps a running 99th percentile of its
//! own absolute residuals; where it is wider than a normal distribution's,
//! surprise is divided by the excess. The score is then a fixed logistic
//! curve of surprise, so it only ever rises with it.

/// The 99th percentile of the absolute value of a standard normal variable.
pub(crate) const TAIL_NORMAL: f64 = 2.576;

/// The tracked percentile: far enough out to see how heavy the tail is,
/// common enough (one in a hundred) to be learned within weeks.
const TAIL_SHARE_ABOVE: f64 = 0.01;

/// Step of the percentile tracker, in standard deviations per
/// observation: a week of quarter-hours with twice the expected share of
/// large residuals moves it by about a tenth of a deviation.
const TAIL_STEP: f64 = 0.02;

/// Tails are never taken as more than three times a normal one's, so a
/// meter whose anomalies are frequent cannot make itself unalarmable.
const TAIL_MAX_FACTOR: f64 = 3.0;

/// Surprise at which the score is one half. Five robust deviations past a
/// calibrated tail happen a few times a year in ordinary data.
const SCORE_MID: f64 = 5.0;

/// Surprise from one score to the next: the score goes from 0.2 to 0.8
/// within two deviations.
const SCORE_WIDTH: f64 = 0.7;

/// The next running tail percentile after one more absolute residual.
pub(crate) fn next_tail(tail: f64, abs_z: f64) -> f64 {
    let above = if abs_z > tail { 1.0 } else { 0.0 };
    let next = tail + TAIL_STEP * (above - TAIL_SHARE_ABOVE);
    next.clamp(TAIL_NORMAL / 2.0, TAIL_NORMAL * TAIL_MAX_FACTOR)
}

/// How much wider than normal this meter's tails are, at least 1.
pub(crate) fn tail_factor(tail: f64) -> f64 {
    (tail / TAIL_NORMAL).max(1.0)
}

/// The score of a calibrated surprise.
pub(crate) fn score(surprise: f64) -> f64 {
    1.0 / (1.0 + (-(surprise - SCORE_MID) / SCORE_WIDTH).exp())
}

/// The surprise whose score is `score`; the inverse of [`score`].
pub(crate) fn surprise_at(score: f64) -> f64 {
    let odds = score.clamp(1e-9, 1.0 - 1e-9);
    SCORE_MID + SCORE_WIDTH * (odds / (1.0 - odds)).ln()
}
