//! Low-and-slow guessing: paced failures over many hours.

use chrono::TimeDelta;
use rand::RngExt;
use rand::seq::IndexedRandom;

use super::{Ctx, mfa_for, skewed};
use crate::AlertKind;
use crate::eval::logins::world::v4_host;

/// One account, a failure every 10 to 60 minutes for many hours, from one
/// address or a rotating set; sometimes it finally works.
pub(super) fn slow_on_account(cx: &mut Ctx<'_>) {
    let Some((tenant, user)) = cx.victim() else {
        return;
    };
    let (tenant, user) = (tenant.clone(), user.clone());
    let (base, _) = cx.attacker();
    let rotating = cx.rng.random_bool(0.5);
    let failures = skewed(cx.rng, 8, 30);
    let start = cx.calendar.attack_time(cx.rng);

    let mut at = start;
    let mut source = base.clone();
    let mut last = start;
    for _ in 0..failures {
        if rotating {
            source.ip = v4_host(cx.book.fresh_v4(cx.rng), cx.rng);
        }
        cx.out
            .failure(&tenant.id, &user.id, at, &source, "bad_password", None);
        last = at;
        at += TimeDelta::seconds(cx.rng.random_range(600..3600));
    }
    if cx.rng.random_bool(0.2) {
        cx.out
            .success(&tenant.id, &user.id, at, &source, mfa_for(&user));
        last = at;
    }
    let ip = (!rotating).then(|| base.ip.to_string());
    cx.label(
        AlertKind::LoginLowAndSlow,
        &tenant,
        Some(&user.id),
        ip,
        (start, last),
    );
}

/// One address, a failure every 10 to 60 minutes for many hours, each on a
/// different account of one tenant.
pub(super) fn slow_from_address(cx: &mut Ctx<'_>) {
    let Some((tenant, _)) = cx.victim() else {
        return;
    };
    let tenant = tenant.clone();
    let (source, _) = cx.attacker();
    let failures = skewed(cx.rng, 8, 30);
    let start = cx.calendar.attack_time(cx.rng);

    let mut at = start;
    let mut last = start;
    for _ in 0..failures {
        let Some(user) = tenant.users.choose(cx.rng) else {
            return;
        };
        cx.out
            .failure(&tenant.id, &user.id, at, &source, "bad_password", None);
        last = at;
        at += TimeDelta::seconds(cx.rng.random_range(600..3600));
    }
    let ip = Some(source.ip.to_string());
    cx.label(AlertKind::LoginLowAndSlow, &tenant, None, ip, (start, last));
}
