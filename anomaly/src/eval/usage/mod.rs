//! The usage detector on generated meters with labelled anomalies.
//!
//! Meters of three building types (homes, offices, shops) are simulated
//! minute by minute with daily and weekly rhythm, weather, seasonal drift,
//! appliances, public holidays, unusually busy days and a daylight-saving
//! clock change, then summed to a cadence of one minute, a quarter-hour, an
//! hour or a day. After a warm-up each meter gets labelled incidents: a
//! spike, a drop, a flatline (stuck value or zeros), load left on at night,
//! a level shift lasting days, a silence and a reversed register. Each
//! series goes through the backtest's own scoring, and alert episodes are
//! matched to labels by overlap (see `matching`).
//!
//! Kinds are scored strictly (an incident found under another kind is a
//! miss for its own kind but no false alarm), and once more as "any usage
//! anomaly" over the value kinds, which is what a judge labelling windows
//! without kinds sees. Holidays and busy days are not labelled: alerts on
//! them are false positives, also counted on their own row.

mod buildings;
mod inject;
mod matching;
mod synth;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;

use self::buildings::Building;
use self::matching::Tally;
use self::synth::MeterSpec;
use super::KindScore;
use crate::alert::AlertKind;
use crate::backtest::usage::{SeriesPoint, score_series};

/// The family name in every row.
const FAMILY: &str = "usage";

/// The row label for value anomalies of any kind.
pub const ANY_KIND: &str = "usage_any_value_anomaly";

/// The row label for alerts on benign look-alike days (false positives
/// only).
pub const BENIGN_KIND: &str = "usage_benign_lookalike";

/// A span of time, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) from: DateTime<Utc>,
    pub(crate) to: DateTime<Utc>,
}

/// One labelled anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Incident {
    pub(crate) kind: AlertKind,
    pub(crate) window: Window,
}

/// One meter of the set: building, size, cadence, length in days, warm-up
/// days before the first incident, whole-Wh registers, clock change.
type Scenario = (Building, f64, u32, usize, usize, bool, Option<usize>);

/// The meters of the set. Lengths give each cadence its warm-up (three
/// weeks below a day, eight weeks at a day) and room for every incident.
const SCENARIOS: [Scenario; 14] = [
    (Building::Household, 1.0, 60, 56, 21, true, Some(30)),
    (Building::Office, 30.0, 60, 56, 21, true, None),
    (Building::Household, 0.7, 900, 70, 21, true, None),
    (Building::Household, 1.5, 900, 70, 21, true, Some(35)),
    (Building::Office, 40.0, 900, 70, 21, true, None),
    (Building::Shop, 12.0, 900, 70, 21, false, Some(28)),
    (Building::Household, 1.1, 3600, 84, 21, false, None),
    (Building::Office, 80.0, 3600, 84, 21, false, Some(40)),
    (Building::Shop, 8.0, 3600, 84, 21, false, None),
    (Building::Household, 0.5, 3600, 84, 21, false, Some(50)),
    (Building::Household, 1.2, 86_400, 540, 56, false, None),
    (Building::Office, 50.0, 86_400, 540, 56, false, None),
    (Building::Shop, 15.0, 86_400, 540, 56, false, None),
    (Building::Office, 25.0, 1800, 70, 21, false, None),
];

/// Precision and recall of each usage alert kind, of any value anomaly,
/// and the alerts raised on benign look-alikes, on the set generated from
/// `seed`.
pub fn evaluate(seed: u64) -> Vec<KindScore> {
    let mut tally = Tally::default();
    for (index, scenario) in SCENARIOS.iter().enumerate() {
        run_one(
            seed.wrapping_mul(1_000_003).wrapping_add(index as u64),
            scenario,
            &mut tally,
        );
    }
    rows(&tally)
}

fn run_one(seed: u64, scenario: &Scenario, tally: &mut Tally) {
    let &(building, size, cadence_secs, days, warm_up_days, whole_wh, clock_change_day) = scenario;
    let mut rng = StdRng::seed_from_u64(seed);
    let start_weekday = i64::try_from(seed % 7).unwrap_or(0);
    let start = Utc
        .with_ymd_and_hms(2025, 1, 6, 0, 0, 0)
        .single()
        .unwrap_or_default()
        + TimeDelta::days(start_weekday);
    let spec = MeterSpec {
        building,
        size,
        cadence_secs,
        days,
        start,
        whole_wh,
        clock_change_day,
    };
    let mut series = synth::synthesise(&spec, seed ^ 0x5eed);
    let incidents = inject::inject(&spec, &mut series, warm_up_days, &mut rng);

    let points: Vec<SeriesPoint> = series
        .times
        .iter()
        .zip(&series.values)
        .map(|(ts, value)| SeriesPoint {
            ts: *ts,
            value: *value,
            // Stamped in UTC without the local offset, as many exports
            // are: the clock change is the detector's to tolerate.
            utc_offset_secs: 0,
        })
        .collect();
    let Ok(scores) = score_series(&points, Some(cadence_secs), &mut |_| {}) else {
        return;
    };
    let step = TimeDelta::seconds(cadence_secs.into());
    tally.add(&incidents, &series.benign, &scores.episodes, step);
}

fn rows(tally: &Tally) -> Vec<KindScore> {
    let row = |kind: &str, counts: matching::Counts| KindScore {
        family: FAMILY,
        kind: kind.to_owned(),
        true_positives: counts.tp,
        false_positives: counts.fp,
        false_negatives: counts.fn_,
    };
    let mut rows: Vec<KindScore> = tally
        .per_kind
        .iter()
        .map(|(kind, counts)| row(kind.as_str(), *counts))
        .collect();
    rows.push(row(ANY_KIND, tally.any));
    rows.push(row(
        BENIGN_KIND,
        matching::Counts {
            fp: tally.benign_alerts,
            ..Default::default()
        },
    ));
    rows
}
