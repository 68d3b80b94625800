//! Normal consumption, simulated minute by minute and summed to the
//! meter's cadence: the building's day and week, weather that persists for
//! days, a slow seasonal drift, appliances switching on at random, a clock
//! change, and the benign look-alikes (holidays, an unusually busy day).

use chrono::{DateTime, Datelike, TimeDelta, Utc, Weekday};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

use super::Window;
use super::buildings::{Building, DayType};

const MINUTES_PER_DAY: usize = 1440;

/// A workday is a public holiday (shaped like a Sunday) this often.
const HOLIDAY_SHARE: f64 = 1.0 / 25.0;

/// A day is unusually busy (but within the normal range) this often.
const BUSY_DAY_SHARE: f64 = 1.0 / 30.0;

/// One generated meter.
#[derive(Debug, Clone)]
pub(crate) struct MeterSpec {
    pub(crate) building: Building,
    /// Multiplies every power: meters differ in size by multiples.
    pub(crate) size: f64,
    pub(crate) cadence_secs: u32,
    pub(crate) days: usize,
    pub(crate) start: DateTime<Utc>,
    /// Report whole Wh, as real registers do: small loads then repeat.
    pub(crate) whole_wh: bool,
    /// Local clocks move an hour forward on this day (daylight saving),
    /// while timestamps stay UTC.
    pub(crate) clock_change_day: Option<usize>,
}

/// A generated series before anomalies: interval starts and values.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    pub(crate) times: Vec<DateTime<Utc>>,
    pub(crate) values: Vec<Option<f64>>,
    /// Holidays and busy days: normal, but they look unusual.
    pub(crate) benign: Vec<Window>,
    /// Mean value per interval.
    pub(crate) mean: f64,
}

/// A standard normal draw (Box-Muller).
pub(crate) fn gauss(rng: &mut StdRng) -> f64 {
    let u: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let v: f64 = rng.random();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

/// Simulates `spec` with its own random stream.
pub(crate) fn synthesise(spec: &MeterSpec, seed: u64) -> Series {
    let mut rng = StdRng::seed_from_u64(seed);
    let benign = benign_days(spec, &mut rng);
    let minutes = minute_power(spec, &benign, &mut rng);
    let per = (spec.cadence_secs / 60).max(1) as usize;
    let values: Vec<Option<f64>> = minutes
        .chunks(per)
        .map(|chunk| {
            let wh = chunk.iter().sum::<f64>() * 1000.0 / 60.0;
            Some(if spec.whole_wh { wh.round() } else { wh })
        })
        .collect();
    let times = (0..values.len())
        .map(|i| spec.start + TimeDelta::seconds(i as i64 * i64::from(spec.cadence_secs)))
        .collect();
    let mean = values.iter().flatten().sum::<f64>() / values.len().max(1) as f64;
    Series {
        times,
        values,
        benign: benign
            .iter()
            .map(|(day, _)| day_window(spec, *day))
            .collect(),
        mean,
    }
}

fn day_window(spec: &MeterSpec, day: usize) -> Window {
    let from = spec.start + TimeDelta::days(day as i64);
    Window {
        from,
        to: from + TimeDelta::days(1) - TimeDelta::seconds(1),
    }
}

/// Power in kW for every minute.
fn minute_power(spec: &MeterSpec, benign: &[(usize, BenignDay)], rng: &mut StdRng) -> Vec<f64> {
    let (slow_sigma, white_sigma) = spec.building.noise();
    let (switch_rate, appliance_kw) = spec.building.appliances();
    let season_phase = rng.random_range(0.0..std::f64::consts::TAU);
    let trend_per_year = rng.random_range(-0.15..0.15);
    let mut weather = 0.0;
    let mut slow = 0.0;
    let mut appliances: Vec<(usize, f64)> = Vec::new();
    let mut power = Vec::with_capacity(spec.days * MINUTES_PER_DAY);

    for day in 0..spec.days {
        weather = 0.75 * weather + 0.08 * gauss(rng);
        let date = spec.start + TimeDelta::days(day as i64);
        let special = benign
            .iter()
            .find(|(d, _)| *d == day)
            .map(|(_, kind)| *kind);
        let kind = match special {
            Some(BenignDay::Holiday) => DayType::Sunday,
            _ => day_type(date.weekday()),
        };
        let busy = match special {
            Some(BenignDay::Busy(factor)) => factor,
            _ => 1.0,
        };
        let years = day as f64 / 365.0;
        let season = 1.0
            + 0.15 * (std::f64::consts::TAU * years + season_phase).sin()
            + trend_per_year * years;
        let shift = usize::from(spec.clock_change_day.is_some_and(|d| day >= d)) * 60;

        for minute in 0..MINUTES_PER_DAY {
            let hour = ((minute + shift) % MINUTES_PER_DAY) as f64 / 60.0;
            slow = 0.99 * slow + slow_sigma * 0.141 * gauss(rng);
            let noise = (weather + slow + white_sigma * gauss(rng)).exp();
            let mut kw = spec.size * spec.building.power(hour, kind) * season * noise * busy;

            if (6.5..23.0).contains(&hour) && rng.random_bool(switch_rate) {
                let length = rng.random_range(3..30);
                appliances.push((
                    length,
                    spec.size * appliance_kw * rng.random_range(0.5..1.3),
                ));
            }
            kw += appliances.iter().map(|(_, load)| load).sum::<f64>();
            appliances.retain_mut(|(left, _)| {
                *left -= 1;
                *left > 0
            });
            power.push(kw);
        }
    }
    power
}

fn day_type(weekday: Weekday) -> DayType {
    match weekday {
        Weekday::Sat => DayType::Saturday,
        Weekday::Sun => DayType::Sunday,
        _ => DayType::Workday,
    }
}

/// Picks holidays and busy days (after the first week), by day index.
fn benign_days(spec: &MeterSpec, rng: &mut StdRng) -> Vec<(usize, BenignDay)> {
    let mut days = Vec::new();
    for day in 7..spec.days {
        let date = spec.start + TimeDelta::days(day as i64);
        let workday = day_type(date.weekday()) == DayType::Workday;
        if workday && rng.random_bool(HOLIDAY_SHARE) {
            days.push((day, BenignDay::Holiday));
        } else if rng.random_bool(BUSY_DAY_SHARE) {
            days.push((day, BenignDay::Busy(rng.random_range(1.2..1.35))));
        }
    }
    days
}

/// A normal day that looks unusual.
#[derive(Debug, Clone, Copy)]
enum BenignDay {
    /// A workday shaped like a Sunday.
    Holiday,
    /// Every minute of the day times this: a heat wave, visitors.
    Busy(f64),
}
