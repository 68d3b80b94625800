//! Low-and-slow guessing: failures paced under rate limits (one every 10
//! to 60 minutes) that add up over many hours, either on one account or
//! from one address across accounts.
//!
//! Only foreign, unredeemed failures count, and none from the user's own
//! devices: a user locked out at home, or a phone retrying a changed
//! password all day, is not an attacker. An account already alerted for
//! brute force, or a network already alerted for stuffing or failing on a
//! tenant with an open spray, is left to that incident.

use std::collections::HashSet;
use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde_json::json;

use super::stuffing::dominant;
use super::{Claims, Context, as_f64, as_u64, count_by, last_event_ids, score_over, span_secs};
use crate::logins::incidents::Finding;
use crate::logins::network::network_of;
use crate::logins::state::{network_key, tenant_key, user_key, usize_of};
use crate::{AlertKind, Severity, Subject};

/// Accounts a network's slow failures must span before the network itself
/// is the subject; failures on one account are that account's incident.
const MIN_NETWORK_ACCOUNTS_COUNT: usize = 2;

/// The paced failures of one subject in the window, reduced to what the
/// thresholds and the evidence need.
struct Paced<'a> {
    times: Vec<DateTime<Utc>>,
    addresses: Vec<IpAddr>,
    event_ids: Vec<&'a str>,
}

impl<'a> Paced<'a> {
    /// The failures given as (time, address, event id), oldest first.
    fn of(failures: impl Iterator<Item = (DateTime<Utc>, IpAddr, &'a str)>) -> Self {
        let mut paced = Self {
            times: Vec::new(),
            addresses: Vec::new(),
            event_ids: Vec::new(),
        };
        for (ts, ip, event_id) in failures {
            paced.times.push(ts);
            paced.addresses.push(ip);
            paced.event_ids.push(event_id);
        }
        paced
    }

    /// Whether there are enough failures over a long enough time.
    fn is_slow_guessing(&self, cx: &Context<'_>) -> bool {
        let config = &cx.config.low_and_slow;
        let (Some(first), Some(last)) = (self.times.first(), self.times.last()) else {
            return false;
        };
        self.times.len() >= usize_of(config.min_failures_count)
            && span_secs(*first, *last) >= i64::from(config.min_span_secs)
            && self.median_gap_secs() >= i64::from(config.min_median_gap_secs)
    }

    /// The median time between consecutive failures, in seconds.
    fn median_gap_secs(&self) -> i64 {
        let mut gaps: Vec<i64> = self
            .times
            .windows(2)
            .map(|w| span_secs(w[0], w[1]))
            .collect();
        gaps.sort_unstable();
        gaps.get(gaps.len() / 2).copied().unwrap_or_default()
    }
}

/// Reports slow guessing against the account of this failure.
pub(super) fn on_user_failure(cx: &Context<'_>) -> Option<Finding> {
    let config = &cx.config.low_and_slow;
    let user = cx.user()?;
    let key = user_key(&user.tenant_id, &user.user_id);
    if !cx.facts.foreign() || cx.incidents.is_open(AlertKind::LoginBruteForce, &key) {
        return None;
    }
    let from = cx.fresh_since(AlertKind::LoginLowAndSlow, &key, config.window_secs);
    let from = cx.after_closed(AlertKind::LoginBruteForce, &key, from);
    let mut claims = Claims::new(cx, config.window_secs);
    let failures: Vec<_> = user
        .failures
        .between(from, cx.ts())
        .filter(|f| f.foreign && !f.is_redeemed() && !f.known_device)
        .filter(|f| !claims.claims(&f.network, f.ts))
        .collect();
    let paced = Paced::of(failures.iter().map(|f| (f.ts, f.ip, f.event_id.as_str())));
    if !paced.is_slow_guessing(cx) {
        return None;
    }

    let mut subject = Subject::user(&user.user_id);
    subject.ip = common_source(&paced.addresses);
    Some(finding(cx, key, user.tenant_id.clone(), subject, &paced, 1))
}

/// Reports slow guessing from the network of this failure across accounts.
pub(super) fn on_network_failure(cx: &Context<'_>) -> Option<Finding> {
    let config = &cx.config.low_and_slow;
    let network = cx.state.network(&cx.attempt.network)?;
    let key = network_key(&network.cidr);
    if !cx.facts.foreign()
        || cx
            .incidents
            .is_open(AlertKind::LoginCredentialStuffing, &key)
    {
        return None;
    }
    let from = cx.fresh_since(AlertKind::LoginLowAndSlow, &key, config.window_secs);
    let from = cx.after_closed(AlertKind::LoginCredentialStuffing, &key, from);
    let failures: Vec<_> = network
        .slow
        .between(from, cx.ts())
        .filter(|f| !f.redeemed)
        .collect();
    let accounts: HashSet<(&str, &str)> = failures
        .iter()
        .map(|f| (f.tenant_id.as_str(), f.user_id.as_str()))
        .collect();
    let spray = tenant_key(&cx.attempt.event.tenant_id);
    let sprayed = cx
        .incidents
        .is_open(AlertKind::LoginPasswordSpraying, &spray);
    if accounts.len() < MIN_NETWORK_ACCOUNTS_COUNT || sprayed {
        return None;
    }
    let paced = Paced::of(failures.iter().map(|f| (f.ts, f.ip, f.event_id.as_str())));
    if !paced.is_slow_guessing(cx) {
        return None;
    }

    let tenant_id = dominant(count_by(failures.iter().map(|f| f.tenant_id.as_str())).into_iter())?;
    let source = common_source(&paced.addresses).unwrap_or_else(|| network.cidr.clone());
    Some(finding(
        cx,
        key,
        tenant_id.to_owned(),
        Subject::ip(source),
        &paced,
        accounts.len(),
    ))
}

/// The open slow guessing against the account a success entered.
pub(super) fn user_takeover_of(cx: &Context<'_>) -> Option<(AlertKind, String)> {
    let event = cx.attempt.event;
    let key = user_key(&event.tenant_id, &event.user_id);
    let kind = AlertKind::LoginLowAndSlow;
    cx.incidents.is_open(kind, &key).then_some((kind, key))
}

/// The open slow guessing from the network a success came from, into an
/// account that never used that network.
pub(super) fn network_takeover_of(cx: &Context<'_>) -> Option<(AlertKind, String)> {
    let key = network_key(&cx.attempt.network);
    let kind = AlertKind::LoginLowAndSlow;
    (!cx.facts.known_network && cx.incidents.is_open(kind, &key)).then_some((kind, key))
}

/// The one address all failures came from, else their one network, else
/// nothing.
fn common_source(addresses: &[IpAddr]) -> Option<String> {
    let first = addresses.first()?;
    if addresses.iter().all(|a| a == first) {
        return Some(first.to_string());
    }
    let network = network_of(*first);
    addresses
        .iter()
        .all(|a| network_of(*a) == network)
        .then_some(network)
}

fn finding(
    cx: &Context<'_>,
    subject_key: String,
    tenant_id: String,
    subject: Subject,
    paced: &Paced<'_>,
    accounts: usize,
) -> Finding {
    let config = &cx.config.low_and_slow;
    let count = paced.times.len();
    let first_seen = paced.times.first().copied().unwrap_or(cx.ts());
    let span = span_secs(first_seen, cx.ts());
    let addresses: HashSet<&IpAddr> = paced.addresses.iter().collect();
    let severity = if count >= usize_of(config.min_failures_count).saturating_mul(3) {
        Severity::High
    } else {
        Severity::Medium
    };

    Finding {
        kind: AlertKind::LoginLowAndSlow,
        subject_key,
        tenant_id,
        subject,
        severity,
        score: score_over(as_f64(count), f64::from(config.min_failures_count)),
        first_seen,
        at: cx.ts(),
        size: as_u64(count),
        summary: format!(
            "{count} paced failed passwords over {:.1} hours on {accounts} account(s) from {} \
             address(es)",
            span as f64 / 3600.0,
            addresses.len()
        ),
        evidence: json!({
            "failures_count": count,
            "span_secs": span,
            "mean_gap_secs": span / i64::try_from(count.saturating_sub(1).max(1)).unwrap_or(1),
            "accounts_count": accounts,
            "addresses_count": addresses.len(),
            "window_secs": config.window_secs,
            "event_ids": last_event_ids(paced.event_ids.iter().copied()),
        }),
        quiet_secs: config.quiet_secs,
    }
}
