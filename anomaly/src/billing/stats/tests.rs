use super::*;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn the_median_of_an_even_sample_is_the_mean_of_its_middle_pair() {
    assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
    assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
    assert_eq!(median(&[]), None);
}

#[test]
fn one_wild_value_barely_moves_the_robust_centre_or_spread() {
    let calm = robust(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
    let wild = robust(&[1.0, 2.0, 3.0, 4.0, 5_000.0]).unwrap();
    assert!(close(calm.median, wild.median));
    assert!(close(calm.sigma, wild.sigma));
    assert!(close(calm.sigma, MAD_TO_SIGMA));
    assert_eq!(wild.count, 5);
}

#[test]
fn a_sample_with_nan_has_no_robust_summary() {
    assert_eq!(robust(&[1.0, f64::NAN]), None);
}

#[test]
fn the_poisson_tail_matches_hand_computed_values() {
    // P(X >= 1) = 1 - e^-2; P(X >= 3 | 0.5) = 1 - e^-0.5 (1 + 0.5 + 0.125).
    assert!(close(poisson_tail(1, 2.0), 1.0 - (-2.0_f64).exp()));
    let expected = 1.0 - (-0.5_f64).exp() * (1.0 + 0.5 + 0.125);
    assert!((poisson_tail(3, 0.5) - expected).abs() < 1e-12);
    assert!(close(poisson_tail(0, 3.0), 1.0));
}

#[test]
fn the_poisson_tail_stays_accurate_where_one_minus_the_head_would_round_to_zero() {
    // P(X >= 20 | 0.1) is about 0.1^20 / 20! = 4.1e-39.
    let tail = poisson_tail(20, 0.1);
    assert!(tail > 3e-39 && tail < 5e-39, "{tail}");
    assert_eq!(poisson_tail(5, 0.0), 0.0);
}
