//! Fast guessing attacks: brute force, stuffing, spraying.

use chrono::TimeDelta;
use nexzo_schemas::MfaOutcome;
use rand::RngExt;
use rand::seq::{IndexedRandom, SliceRandom};

use super::{Ctx, mfa_for, skewed};
use crate::AlertKind;
use crate::eval::logins::emit::Source;
use crate::eval::logins::world::{User, v4_cidr, v4_host, v6_host};
use crate::logins::network_of;

/// Many passwords against one account, from one to a few addresses, at a
/// tool's pace; sometimes the last one works.
pub(super) fn brute_force(cx: &mut Ctx<'_>) {
    let Some((tenant, user)) = cx.victim() else {
        return;
    };
    let (tenant, user) = (tenant.clone(), user.clone());
    let (first, prefix) = cx.attacker();
    let mut sources = vec![first.clone()];
    for _ in 0..cx.rng.random_range(0..=2) {
        let mut other = first.clone();
        other.ip = v4_host(prefix, cx.rng);
        sources.push(other);
    }
    let attempts = skewed(cx.rng, 10, 150);
    let gap_ms = cx.rng.random_range(1_000..45_000);
    let start = cx.calendar.attack_time(cx.rng);

    let mut at = start;
    for n in 0..attempts {
        let source = sources.choose(cx.rng).unwrap_or(&first);
        let reason = if n > 20 && cx.rng.random_bool(0.3) {
            "locked"
        } else {
            "bad_password"
        };
        cx.out
            .failure(&tenant.id, &user.id, at, source, reason, None);
        at += jittered(cx, gap_ms);
    }
    if cx.rng.random_bool(0.3) {
        cx.out
            .success(&tenant.id, &user.id, at, &first, mfa_for(&user));
    }
    cx.label(
        AlertKind::LoginBruteForce,
        &tenant,
        Some(&user.id),
        None,
        (start, at),
    );
}

/// One address, a few in one /24, or one IPv6 /64 trying a list of
/// accounts, many of them unknown, each once or twice.
pub(super) fn credential_stuffing(cx: &mut Ctx<'_>) {
    let Some((tenant, _)) = cx.victim() else {
        return;
    };
    let tenant = tenant.clone();
    let (base, prefix) = cx.attacker();
    let shape = cx.rng.random_range(0..100);
    let v6 = cx.book.fresh_v6(cx.rng);
    let hosts: Vec<Source> = match shape {
        0..55 => vec![base.clone()],
        55..85 => (0..cx.rng.random_range(3..=20))
            .map(|_| Source {
                ip: v4_host(prefix, cx.rng),
                ..base.clone()
            })
            .collect(),
        _ => (0..cx.rng.random_range(2..=30))
            .map(|_| Source {
                ip: v6_host(v6, cx.rng),
                ..base.clone()
            })
            .collect(),
    };
    let label_ip = match hosts.as_slice() {
        [only] => only.ip.to_string(),
        _ => subject_network(&hosts, prefix),
    };

    let accounts = skewed(cx.rng, 12, 300);
    let gap_ms = cx.rng.random_range(200..20_000);
    let start = cx.calendar.attack_time(cx.rng);
    let mut at = start;
    for _ in 0..accounts {
        let source = hosts.choose(cx.rng).unwrap_or(&base).clone();
        let existing = cx.rng.random_bool(0.7);
        let account = match tenant.users.choose(cx.rng) {
            Some(user) if existing => user.id.clone(),
            _ => format!("u-x{}", cx.rng.random::<u32>()),
        };
        let reason = if existing {
            "bad_password"
        } else {
            "unknown_user"
        };
        for _ in 0..if cx.rng.random_bool(0.1) { 2 } else { 1 } {
            if existing && cx.rng.random_bool(0.01) {
                cx.out.success(
                    &tenant.id,
                    &account,
                    at,
                    &source,
                    Some(MfaOutcome::NotRequired),
                );
            } else {
                cx.out
                    .failure(&tenant.id, &account, at, &source, reason, None);
            }
            at += jittered(cx, gap_ms);
        }
    }
    cx.label(
        AlertKind::LoginCredentialStuffing,
        &tenant,
        None,
        Some(label_ip),
        (start, at),
    );
}

/// The network a multi-host stuffing is labelled with.
fn subject_network(hosts: &[Source], prefix: [u8; 3]) -> String {
    match hosts.first() {
        Some(host) if host.ip.is_ipv6() => network_of(host.ip),
        _ => v4_cidr(prefix),
    }
}

/// One or two common passwords across many of a tenant's accounts, paced,
/// from a pool of addresses in many networks (sometimes one).
pub(super) fn password_spraying(cx: &mut Ctx<'_>) {
    let Some((tenant, _)) = cx.victim() else {
        return;
    };
    let tenant = tenant.clone();
    let one_network = cx.rng.random_bool(0.15);
    let (base, prefix) = cx.attacker();
    let pool: Vec<Source> = (0..cx.rng.random_range(4..=40))
        .map(|_| {
            let prefix = if one_network {
                prefix
            } else {
                cx.book.fresh_v4(cx.rng)
            };
            Source {
                ip: v4_host(prefix, cx.rng),
                ..base.clone()
            }
        })
        .collect();
    let mut accounts: Vec<&User> = tenant.users.iter().collect();
    accounts.shuffle(cx.rng);
    accounts.truncate(skewed(cx.rng, 15, 120).min(tenant.users.len() / 2));
    let gap_ms = if one_network {
        cx.rng.random_range(240_000..480_000)
    } else {
        cx.rng.random_range(20_000..240_000)
    };
    let rounds = if cx.rng.random_bool(0.4) { 2 } else { 1 };

    let start = cx.calendar.attack_time(cx.rng);
    let mut at = start;
    for round in 0..rounds {
        if round > 0 {
            at += TimeDelta::minutes(cx.rng.random_range(30..90));
        }
        for user in &accounts {
            let source = pool.choose(cx.rng).unwrap_or(&base);
            if cx.rng.random_bool(0.01) {
                cx.out
                    .success(&tenant.id, &user.id, at, source, mfa_for(user));
            } else {
                cx.out
                    .failure(&tenant.id, &user.id, at, source, "bad_password", None);
            }
            at += jittered(cx, gap_ms);
        }
    }
    let ip = one_network.then(|| v4_cidr(prefix));
    cx.label(
        AlertKind::LoginPasswordSpraying,
        &tenant,
        None,
        ip,
        (start, at),
    );
}

/// A gap around `gap_ms`, between half and one and a half of it.
pub(super) fn jittered(cx: &mut Ctx<'_>, gap_ms: i64) -> TimeDelta {
    TimeDelta::milliseconds(cx.rng.random_range(gap_ms / 2..=gap_ms * 3 / 2))
}
