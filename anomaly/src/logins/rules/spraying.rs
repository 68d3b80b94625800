//! Password spraying: one or two passwords tried across many accounts of a
//! tenant, paced and spread over many addresses so that no account and no
//! address stands out.
//!
//! Only foreign failures count (see [`Facts::foreign`]), and only those no
//! success from the same source redeemed as a typo. Failures from networks
//! already alerted as stuffing or low-and-slow are that incident's, not a
//! spray's. Each failure recounts the whole window, which costs up to the
//! window cap per failure during a long spray; the cap bounds it.
//!
//! [`Facts::foreign`]: crate::logins::state::Facts::foreign

use std::collections::HashSet;

use chrono::TimeDelta;
use serde_json::json;

use super::stuffing::dominant;
use super::{Claims, Context, as_f64, as_u64, count_by, last_event_ids, score_over};
use crate::logins::incidents::Finding;
use crate::logins::state::{SprayFailure, TenantState, tenant_key, usize_of};
use crate::{AlertKind, Severity, Subject};

/// How often an open spray's window is counted again in full, in seconds
/// of event time. Counting costs up to the window cap per failure; a large
/// spray or a botnet flood would make that quadratic, and the evidence of a
/// spray does not change meaningfully within a minute.
const RECOUNT_INTERVAL_SECS: i64 = 60;

/// The share of a spray's failures one network must hold to be named as
/// its source: above half, the spray comes mostly from that block.
const DOMINANT_NETWORK_RATIO: f64 = 0.5;

/// Reports a spray when the tenant's foreign failures in the window cover
/// enough accounts, each tried only a few times, from enough addresses with
/// none dominating.
pub(super) fn on_failure(cx: &Context<'_>) -> Option<Finding> {
    let config = &cx.config.password_spraying;
    if !cx.facts.foreign() {
        return None;
    }
    let tenant = cx.state.tenant(&cx.attempt.event.tenant_id)?;
    if let Some(carried) = carry_between_counts(cx, &tenant.tenant_id) {
        return Some(carried);
    }
    let sprayed = sprayed_failures(cx, tenant);
    let accounts: HashSet<&str> = sprayed.iter().map(|f| f.user_id.as_str()).collect();
    if accounts.len() < usize_of(config.min_accounts_count) {
        return None;
    }

    let per_address = count_by(sprayed.iter().map(|f| f.ip));
    let top_address = per_address.values().copied().max().unwrap_or_default();
    let total = as_f64(sprayed.len());
    if per_address.len() < usize_of(config.min_addresses_count)
        || f64::from(top_address) / total > config.max_top_address_ratio
    {
        return None;
    }
    Some(finding(
        cx,
        tenant,
        &sprayed,
        accounts.len(),
        per_address.len(),
    ))
}

/// An open spray counted less than [`RECOUNT_INTERVAL_SECS`] ago, carried
/// forward to this failure without counting again.
fn carry_between_counts(cx: &Context<'_>, tenant_id: &str) -> Option<Finding> {
    let key = tenant_key(tenant_id);
    let open = cx.incidents.get(AlertKind::LoginPasswordSpraying, &key)?;
    let recount_at = open.counted_at? + TimeDelta::seconds(RECOUNT_INTERVAL_SECS);
    (cx.ts() < recount_at).then(|| Finding::carry(open, key, cx.ts()))
}

/// The open spray against the tenant, when the success came from one of
/// the spray's networks into an account that never used it. The account
/// need not have failed from there: the attempt that worked was its try.
pub(super) fn takeover_of(cx: &Context<'_>) -> Option<(AlertKind, String)> {
    let event = cx.attempt.event;
    let key = tenant_key(&event.tenant_id);
    let kind = AlertKind::LoginPasswordSpraying;
    if cx.facts.known_network || !cx.incidents.is_open(kind, &key) {
        return None;
    }
    let tenant = cx.state.tenant(&event.tenant_id)?;
    let since = cx.since(cx.config.password_spraying.window_secs);
    let sprayed = tenant
        .foreign
        .between(since, event.ts)
        .any(|f| f.network == cx.attempt.network);
    sprayed.then_some((kind, key))
}

/// The failures in the window that count towards a spray: unredeemed,
/// from networks not alerted otherwise, on accounts tried only a few times
/// and not under an attack of their own.
fn sprayed_failures<'a>(cx: &Context<'_>, tenant: &'a TenantState) -> Vec<&'a SprayFailure> {
    let config = &cx.config.password_spraying;
    let mut claims = Claims::new(cx, config.window_secs);
    let key = tenant_key(&tenant.tenant_id);
    let from = cx.fresh_since(AlertKind::LoginPasswordSpraying, &key, config.window_secs);
    let candidates: Vec<&SprayFailure> = tenant
        .foreign
        .between(from, cx.ts())
        .filter(|f| !f.redeemed)
        .filter(|f| !claims.claims(&f.network, f.ts))
        .collect();

    let per_account = count_by(candidates.iter().map(|f| f.user_id.as_str()));
    let max_per_account = config.max_failures_per_account_count;
    let targeted = targeted_accounts(cx, &tenant.tenant_id);
    candidates
        .into_iter()
        .filter(|f| {
            per_account
                .get(f.user_id.as_str())
                .is_some_and(|n| *n <= max_per_account)
                && !targeted.contains(f.user_id.as_str())
        })
        .collect()
}

/// The accounts that are the subject of an open incident of their own:
/// their failures are that attack's, not a spray's.
/// The open incidents are few, so they are scanned rather than looked up
/// per account.
fn targeted_accounts<'a>(cx: &Context<'a>, tenant_id: &str) -> HashSet<&'a str> {
    let own_attacks = [
        AlertKind::LoginBruteForce,
        AlertKind::LoginLowAndSlow,
        AlertKind::LoginNewDeviceAfterFailures,
    ];
    cx.incidents
        .open
        .values()
        .map(|incident| &incident.alert)
        .filter(|alert| alert.tenant_id == tenant_id && own_attacks.contains(&alert.kind))
        .filter_map(|alert| alert.subject.user_id.as_deref())
        .collect()
}

/// Whether failures from the event's network are one source among many of
/// the tenant's open spray, rather than an attack of their own.
pub(super) fn is_spray_source(cx: &Context<'_>) -> bool {
    let config = &cx.config.password_spraying;
    let event = cx.attempt.event;
    let key = tenant_key(&event.tenant_id);
    if !cx.incidents.is_open(AlertKind::LoginPasswordSpraying, &key) {
        return false;
    }
    let Some(tenant) = cx.state.tenant(&event.tenant_id) else {
        return false;
    };
    let (mut total, mut here) = (0_usize, 0_usize);
    for failure in tenant
        .foreign
        .between(cx.since(config.window_secs), event.ts)
    {
        total += 1;
        here += usize::from(failure.network == cx.attempt.network);
    }
    here > 0 && as_f64(here) / as_f64(total) <= config.max_top_address_ratio
}

fn finding(
    cx: &Context<'_>,
    tenant: &TenantState,
    sprayed: &[&SprayFailure],
    accounts: usize,
    addresses: usize,
) -> Finding {
    let config = &cx.config.password_spraying;
    let per_network = count_by(sprayed.iter().map(|f| f.network.as_str()));
    let networks = per_network.len();
    let (top_network, top_count) = dominant(per_network.into_iter())
        .map(|net| (net, sprayed.iter().filter(|f| f.network == net).count()))
        .unwrap_or_default();
    let mut subject = Subject::default();
    if as_f64(top_count) / as_f64(sprayed.len()) > DOMINANT_NETWORK_RATIO {
        subject.ip = Some(top_network.to_owned());
    }
    let first_seen = sprayed.first().map_or(cx.ts(), |f| f.ts);

    Finding {
        kind: AlertKind::LoginPasswordSpraying,
        subject_key: tenant_key(&tenant.tenant_id),
        tenant_id: tenant.tenant_id.clone(),
        subject,
        severity: Severity::High,
        score: score_over(as_f64(accounts), f64::from(config.min_accounts_count)),
        first_seen,
        at: cx.ts(),
        size: as_u64(accounts),
        summary: format!(
            "{} failed passwords across {accounts} accounts from {addresses} addresses in {} \
             networks within {} hours",
            sprayed.len(),
            networks,
            config.window_secs / 3600
        ),
        evidence: json!({
            "failures_count": sprayed.len(),
            "accounts_count": accounts,
            "addresses_count": addresses,
            "networks_count": networks,
            "window_secs": config.window_secs,
            "event_ids": last_event_ids(sprayed.iter().map(|f| f.event_id.as_str())),
        }),
        quiet_secs: config.quiet_secs,
    }
}
