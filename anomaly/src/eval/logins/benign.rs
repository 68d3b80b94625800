//! Ordinary traffic: staff at the office on working days, residents now and
//! then from home or their phone, with typos, MFA prompts left to time out,
//! forgotten passwords, and the odd mistyped account name.

use chrono::{DateTime, Datelike, TimeDelta, Utc, Weekday};
use nexzo_schemas::MfaOutcome;
use rand::RngExt;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::calendar::{Busy, Calendar};
use super::emit::{Emitter, Source};
use super::sources::{home_source, mobile_source, office_source};
use super::world::{Tenant, User};

/// How often a session's login is retried after mistyped passwords, drawn
/// per set from this range.
const TYPO_RATIO: (f64, f64) = (0.04, 0.12);

/// Share of sessions in which a push is left to time out once.
const MFA_TIMEOUT_RATIO: f64 = 0.04;

/// Share of sessions in which a push is denied once by mistake.
const MFA_MISTAKE_RATIO: f64 = 0.01;

/// Share of sessions where the user has forgotten the password.
const FORGOTTEN_RATIO: f64 = 0.004;

/// Share of sessions that start with a mistyped account name.
const WRONG_ACCOUNT_RATIO: f64 = 0.005;

/// Generates every tenant's ordinary logins, skipping each user's busy
/// intervals (trips, which the look-alikes generate).
pub(super) fn traffic(
    rng: &mut StdRng,
    out: &mut Emitter,
    tenants: &[Tenant],
    calendar: &Calendar,
    busy: &Busy,
) {
    let typo_ratio = rng.random_range(TYPO_RATIO.0..TYPO_RATIO.1);
    let resident_daily_ratio = rng.random_range(0.12..0.3);
    for tenant in tenants {
        for user in &tenant.users {
            for day in 0..calendar.days {
                let plan = day_plan(rng, tenant, user, calendar, day, resident_daily_ratio);
                for (ts, source) in plan {
                    if !busy.is_busy(&user.id, ts) {
                        session(rng, out, tenant, user, ts, &source, typo_ratio);
                    }
                }
            }
        }
    }
}

/// When and from where the user logs in on one day.
fn day_plan(
    rng: &mut StdRng,
    tenant: &Tenant,
    user: &User,
    calendar: &Calendar,
    day: i64,
    resident_daily_ratio: f64,
) -> Vec<(DateTime<Utc>, Source)> {
    let mut plan = Vec::new();
    let workday = !matches!(
        calendar.day_start(day).weekday(),
        Weekday::Sat | Weekday::Sun
    );
    if user.staff && workday && rng.random_bool(0.85) {
        let at = calendar.local(day, rng.random_range(450..600), tenant.utc_offset_hours);
        plan.push((at, office_source(rng, tenant, user)));
        if rng.random_bool(0.3) {
            let at = calendar.local(day, rng.random_range(720..990), tenant.utc_offset_hours);
            plan.push((at, office_source(rng, tenant, user)));
        }
    }
    let evening = if user.staff {
        0.35
    } else {
        resident_daily_ratio
    };
    if rng.random_bool(evening) {
        let at = calendar.local(day, rng.random_range(420..1410), tenant.utc_offset_hours);
        let source = if rng.random_bool(0.7) {
            home_source(rng, user)
        } else {
            mobile_source(rng, tenant, user)
        };
        plan.push((at, source));
    }
    plan
}

/// One ordinary login, with what people get wrong on the way; returns when
/// it ended.
pub(super) fn session(
    rng: &mut StdRng,
    out: &mut Emitter,
    tenant: &Tenant,
    user: &User,
    start: DateTime<Utc>,
    source: &Source,
    typo_ratio: f64,
) -> DateTime<Utc> {
    let mut ts = start;
    let mut step = |rng: &mut StdRng, from_secs: i64, to_secs: i64| {
        ts += TimeDelta::milliseconds(rng.random_range(from_secs * 1000..to_secs * 1000));
        ts
    };
    if rng.random_bool(WRONG_ACCOUNT_RATIO) {
        let wrong = format!("{}x", user.id);
        out.failure(
            &tenant.id,
            &wrong,
            step(rng, 0, 1),
            source,
            "unknown_user",
            None,
        );
    }
    if rng.random_bool(FORGOTTEN_RATIO) {
        for _ in 0..rng.random_range(3..=6) {
            out.failure(
                &tenant.id,
                &user.id,
                step(rng, 10, 120),
                source,
                "bad_password",
                None,
            );
        }
        if rng.random_bool(0.3) {
            return ts;
        }
        step(rng, 600, 3000);
    } else if rng.random_bool(typo_ratio) {
        for _ in 0..rng.random_range(1..=3) {
            out.failure(
                &tenant.id,
                &user.id,
                step(rng, 4, 40),
                source,
                "bad_password",
                None,
            );
        }
    }

    let mfa = if user.mfa {
        if rng.random_bool(MFA_TIMEOUT_RATIO) {
            let at = step(rng, 5, 20);
            out.failure(
                &tenant.id,
                &user.id,
                at,
                source,
                "mfa_failed",
                Some(MfaOutcome::TimedOut),
            );
        } else if rng.random_bool(MFA_MISTAKE_RATIO) {
            let at = step(rng, 5, 20);
            out.failure(
                &tenant.id,
                &user.id,
                at,
                source,
                "mfa_failed",
                Some(MfaOutcome::Denied),
            );
        }
        Some(MfaOutcome::Passed)
    } else {
        [Some(MfaOutcome::NotRequired), None]
            .choose(rng)
            .copied()
            .flatten()
    };
    out.success(&tenant.id, &user.id, step(rng, 3, 40), source, mfa);
    ts
}
