//! The generated population: tenants with their accounts, service actors
//! and staff, each staff member with working hours, habits and holidays.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};
use rand::RngExt;
use rand::rngs::StdRng;

use super::random::{log_uniform, minor};

/// Days of ledger generated.
pub(super) const DAYS: u32 = 150;

/// Day from which insider patterns are injected: seven weeks of history
/// first, so baselines of ordinary staff are warm.
pub(super) const ATTACK_FROM_DAY: u32 = 50;

/// The approval threshold the set is generated for: the detector default.
pub(super) const THRESHOLD_MINOR: i64 = crate::billing::DEFAULT_APPROVAL_THRESHOLD_MINOR;

/// The first day: a Monday.
pub(super) fn day_start(day: u32) -> DateTime<Utc> {
    let epoch = Utc
        .with_ymd_and_hms(2026, 1, 5, 0, 0, 0)
        .single()
        .unwrap_or_default();
    epoch + Duration::days(i64::from(day))
}

/// The weekday of a day, Monday 0.
pub(super) fn weekday(day: u32) -> usize {
    day_start(day).weekday().num_days_from_monday() as usize
}

/// Whether `day` is the first of a month.
pub(super) fn first_of_month(day: u32) -> bool {
    day_start(day).day() == 1
}

/// One customer account of a tenant.
#[derive(Debug, Clone)]
pub(super) struct Account {
    pub(super) id: String,
    pub(super) property: String,
    pub(super) rent_minor: i64,
}

/// One staff member and their habits.
#[derive(Debug, Clone)]
pub(super) struct Staff {
    pub(super) id: String,
    /// First working hour, UTC.
    pub(super) start_hour: u32,
    pub(super) shift_hours: u32,
    pub(super) works: [bool; 7],
    /// Mean money-moving entries per working day.
    pub(super) daily_actions: f64,
    /// Weights of adjustment, credit, refund, write-off.
    pub(super) kind_weights: [f64; 4],
    /// Median absolute amount per kind, minor units.
    pub(super) medians: [f64; 4],
    /// Spread of amounts, natural log.
    pub(super) sigma_ln: f64,
    /// First working day.
    pub(super) joins: u32,
    /// Days away (holidays), inclusive ranges.
    pub(super) away: Vec<(u32, u32)>,
    /// Works up to this day, then is absent until the attack brings the
    /// account back (planned dormancy).
    pub(super) leaves: Option<u32>,
    /// Books a batch of write-offs on the first Monday of each month.
    pub(super) monthly_write_off_batch: bool,
}

impl Staff {
    /// Whether the staff member is at work on `day`.
    pub(super) fn at_work(&self, day: u32, public_holidays: &[u32]) -> bool {
        let works_weekday = self.works.get(weekday(day)).copied().unwrap_or(false);
        works_weekday
            && day >= self.joins
            && self.leaves.is_none_or(|last| day <= last)
            && !public_holidays.contains(&day)
            && !self
                .away
                .iter()
                .any(|(from, to)| (*from..=*to).contains(&day))
    }
}

/// One tenant of the platform.
#[derive(Debug, Clone)]
pub(super) struct Tenant {
    pub(super) id: String,
    pub(super) accounts: Vec<Account>,
    pub(super) staff: Vec<Staff>,
    pub(super) public_holidays: Vec<u32>,
    pub(super) billing_service: String,
    pub(super) payment_service: String,
}

/// Generates `count` tenants.
pub(super) fn tenants(rng: &mut StdRng, count: usize) -> Vec<Tenant> {
    (0..count).map(|t| tenant(rng, t)).collect()
}

fn tenant(rng: &mut StdRng, index: usize) -> Tenant {
    let id = format!("t-{}", index + 1);
    let accounts = (0..rng.random_range(40..140))
        .map(|a| Account {
            id: format!("acc-{}-{a:04}", index + 1),
            property: format!("p-{}-{:03}", index + 1, a / 6),
            rent_minor: minor(log_uniform(rng, 500.0, 2_500.0)) * 100,
        })
        .collect();
    let staff_count = rng.random_range(4..8);
    let mut staff: Vec<Staff> = (0..staff_count)
        .map(|s| staff_member(rng, &id, s, 0))
        .collect();
    // One newcomer who joins mid-way and works normally from their first
    // day: a benign look-alike for cold-start checks.
    let joins = rng.random_range(60..110);
    staff.push(staff_member(rng, &id, staff_count, joins));
    if rng.random_bool(0.6) {
        if let Some(clerk) = staff.first_mut() {
            clerk.monthly_write_off_batch = true;
        }
    }
    let public_holidays = (0..4).map(|_| rng.random_range(0..DAYS)).collect();
    Tenant {
        accounts,
        staff,
        public_holidays,
        billing_service: "svc.billing".to_owned(),
        payment_service: "svc.payments".to_owned(),
        id,
    }
}

fn staff_member(rng: &mut StdRng, tenant: &str, index: usize, joins: u32) -> Staff {
    let start_hour = rng.random_range(5..11);
    let mut works = [true, true, true, true, true, false, false];
    match rng.random_range(0..10) {
        0 => works[5] = true,
        1 => works[rng.random_range(0..5)] = false,
        _ => {}
    }
    let collections = rng.random_bool(0.2);
    let kind_weights = if collections {
        [0.2, 0.1, 0.1, 0.6]
    } else {
        [0.5, 0.2, 0.22, 0.08]
    };
    let medians = [
        log_uniform(rng, 1_000.0, 15_000.0),
        log_uniform(rng, 1_000.0, 10_000.0),
        log_uniform(rng, 2_000.0, 25_000.0),
        log_uniform(rng, 3_000.0, 20_000.0),
    ];
    Staff {
        id: format!("u-{tenant}-{index}"),
        start_hour,
        shift_hours: rng.random_range(7..10),
        works,
        daily_actions: log_uniform(rng, 0.8, 6.0),
        kind_weights,
        medians,
        sigma_ln: rng.random_range(0.3..0.8),
        joins,
        away: holidays(rng),
        leaves: None,
        monthly_write_off_batch: false,
    }
}

/// One or two holiday blocks of four days to two and a half weeks, one
/// in each half of the period so that they never join into one absence.
fn holidays(rng: &mut StdRng) -> Vec<(u32, u32)> {
    let half = DAYS / 2;
    let mut blocks = vec![rng.random_range(5..half - 20)];
    if rng.random_bool(0.6) {
        blocks.push(rng.random_range(half..DAYS - 20));
    }
    blocks
        .into_iter()
        .map(|from| (from, from + rng.random_range(4..19)))
        .collect()
}
