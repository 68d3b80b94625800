//! Credential stuffing: one address or network failing across many
//! accounts, most of its attempts failing.
//!
//! The failure ratio is what keeps an office or a carrier NAT quiet: many
//! accounts fail there too on a busy morning, but among far more that get
//! in. The flip side is a known shortcoming: an attacker sharing a network
//! whose other users mostly succeed is diluted below the ratio.
//!
//! Stuffing slower than the threshold (fewer accounts per window) is left
//! to the low-and-slow rule, which needs hours of it; between the two, a
//! source trying a new account every few minutes for an hour or two goes
//! unreported. A wider window would close that gap but would take slow
//! sprays rotating through one /24 for stuffing.

use std::net::IpAddr;

use serde_json::json;

use super::spraying::is_spray_source;
use super::{Context, as_f64, as_u64, last_event_ids, score_over};
use crate::logins::incidents::Finding;
use crate::logins::state::{NetworkState, network_key, usize_of};
use crate::{AlertKind, Severity, Subject};

/// Reports stuffing when the network's failures in the window span enough
/// accounts and make up enough of its attempts.
pub(super) fn on_failure(cx: &Context<'_>) -> Option<Finding> {
    let config = &cx.config.credential_stuffing;
    let network = cx.state.network(&cx.attempt.network)?;
    let tally = network.tally();
    let accounts = tally.accounts.len();
    if accounts < usize_of(config.min_accounts_count) || tally.attempts == 0 {
        return None;
    }
    let failure_ratio = f64::from(tally.failures) / f64::from(tally.attempts);
    if failure_ratio < config.min_failure_ratio {
        return None;
    }
    let key = network_key(&network.cidr);
    let kind = AlertKind::LoginCredentialStuffing;
    if !cx.incidents.is_open(kind, &key) && is_spray_source(cx) {
        return None;
    }

    let failures = || network.attempts().filter(|a| !a.success);
    let first_seen = failures().next().map_or(cx.ts(), |a| a.ts);
    let tenant_id = dominant(tally.tenants.iter().map(|(t, n)| (t.clone(), *n)))?;
    let source = source_of(network);

    Some(Finding {
        kind,
        subject_key: key,
        tenant_id,
        subject: Subject::ip(source.clone()),
        severity: Severity::High,
        score: score_over(as_f64(accounts), f64::from(config.min_accounts_count)),
        first_seen,
        at: cx.ts(),
        size: as_u64(accounts),
        summary: format!(
            "{source} failed on {accounts} accounts within {} minutes ({:.0} % of its attempts \
             failed)",
            config.window_secs / 60,
            failure_ratio * 100.0
        ),
        evidence: json!({
            "accounts_count": accounts,
            "failures_count": tally.failures,
            "attempts_count": tally.attempts,
            "failure_ratio": (failure_ratio * 1000.0).round() / 1000.0,
            "unknown_user_count": tally.unknown_users,
            "addresses_count": tally.addresses.len(),
            "tenants_count": tally.tenants.len(),
            "window_secs": config.window_secs,
            "event_ids": last_event_ids(failures().map(|a| a.event_id.as_str())),
        }),
        quiet_secs: config.quiet_secs,
    })
}

/// The open stuffing from the network a success came from, into an
/// account that never used that network.
pub(super) fn takeover_of(cx: &Context<'_>) -> Option<(AlertKind, String)> {
    let key = network_key(&cx.attempt.network);
    let kind = AlertKind::LoginCredentialStuffing;
    (!cx.facts.known_network && cx.incidents.is_open(kind, &key)).then_some((kind, key))
}

/// The single address the failures came from, or the network when they
/// came from several.
fn source_of(network: &NetworkState) -> String {
    let addresses: Vec<&IpAddr> = network.tally().addresses.keys().collect();
    match addresses.as_slice() {
        [only] => only.to_string(),
        _ => network.cidr.clone(),
    }
}

/// The key with the highest count; ties go to the smallest key so that the
/// choice does not depend on hash order.
pub(super) fn dominant<K: Ord>(counts: impl Iterator<Item = (K, u32)>) -> Option<K> {
    counts
        .max_by(|(ka, na), (kb, nb)| na.cmp(nb).then_with(|| kb.cmp(ka)))
        .map(|(k, _)| k)
}
