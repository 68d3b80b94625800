//! The behavioural checks on one money-moving entry, and what is learned
//! from it afterwards.

use nexzo_schemas::{LedgerEntry, LedgerKind};

use super::amounts::{baseline, excess, log_amount, unusual, unusual_amount_finding};
use super::bursts::{self, WriteOffCounts};
use super::peers::Peers;
use super::profile::{ActorProfile, RecentAction};
use super::{dormant, off_hours};
use crate::billing::config::BillingConfig;
use crate::billing::finding::Finding;
use crate::billing::ledger::approval::independently_approved;
use crate::billing::time::secs;

/// Runs every behavioural check on a money-moving entry, then learns
/// from what was not reported.
pub(super) fn money_moving(
    peers: Peers<'_>,
    profile: &mut ActorProfile,
    entry: &LedgerEntry,
    config: &BillingConfig,
) -> Vec<Finding> {
    let threshold = config.approval_threshold_for(&entry.currency);
    let longest_window = config
        .splitting_window_secs
        .max(config.write_off_window_secs);
    profile.settle(entry.ts, secs(longest_window));

    let mut findings: Vec<Finding> = Vec::new();
    findings.extend(dormant::dormant(profile, entry, config));
    let unfamiliar = profile.hours.judge(entry.ts, profile.first_seen, config);
    if unfamiliar.any() {
        findings.push(off_hours::off_hours(entry, &profile.hours, unfamiliar));
    }
    let amount = judge_amount(profile, peers, entry, threshold, config);
    let unusual_amount = amount.is_some();
    findings.extend(amount);
    findings.extend(judge_bursts(profile, peers, entry, threshold, config));

    // The baseline is what the actor books on their own authority: an
    // amount someone else approved says nothing about that habit.
    if !unusual_amount && !independently_approved(entry) {
        let max = config.amount_history_max_count;
        profile
            .amounts
            .push(entry.kind, log_amount(entry.amount_minor), max);
    }
    profile.money_moving_count += 1;
    findings
}

/// An amount far above the actor's and peers' habit, unless someone else
/// approved it (a large approved entry is the control working).
fn judge_amount(
    profile: &ActorProfile,
    peers: Peers<'_>,
    entry: &LedgerEntry,
    threshold: i64,
    config: &BillingConfig,
) -> Option<Finding> {
    if independently_approved(entry) {
        return None;
    }
    let value = log_amount(entry.amount_minor);
    let own = baseline(
        profile.amounts.of(entry.kind),
        config.amount_min_history_count,
    )
    .map(|b| excess(value, b, config));
    let pooled = peers.amounts(entry.kind);
    let peer =
        baseline(&pooled, config.amount_peer_min_history_count).map(|b| excess(value, b, config));
    unusual(own, peer, config).then(|| unusual_amount_finding(entry, own, peer, threshold, config))
}

/// Splitting and write-off sprees, after adding the entry to the actor's
/// recent actions; the entries of a reported burst are never learned.
fn judge_bursts(
    profile: &mut ActorProfile,
    peers: Peers<'_>,
    entry: &LedgerEntry,
    threshold: i64,
    config: &BillingConfig,
) -> Vec<Finding> {
    let write_off = entry.kind == LedgerKind::WriteOff;
    let near_threshold = !write_off
        && !independently_approved(entry)
        && just_below(entry.amount_minor, threshold, config.splitting_band_percent);
    // Counted before this one is added, which then counts in both windows.
    let earlier = if write_off {
        bursts::write_off_counts(profile, entry.ts, config)
    } else {
        WriteOffCounts::default()
    };
    profile.push_recent(RecentAction {
        ts: entry.ts,
        entry_id: entry.entry_id.clone(),
        write_off,
        near_threshold,
        write_offs_in_windows: WriteOffCounts {
            long: earlier.long + u32::from(write_off),
            short: earlier.short + u32::from(write_off),
        },
        flagged: false,
    });

    let mut findings = Vec::new();
    if near_threshold {
        let rate =
            peers.median_rate(|r| r.near_threshold_per_hour(config.rate_min_active_hours_count));
        findings.extend(bursts::splitting(profile, entry, rate, threshold, config));
    }
    if write_off {
        let rate = peers.median_rate(|r| r.write_offs_per_hour(config.rate_min_active_hours_count));
        findings.extend(bursts::spree(profile, entry, rate, config));
    }
    for finding in &findings {
        profile.flag_recent(&finding.entry_ids);
    }
    findings
}

/// Whether an amount lies within `band_percent` below the threshold, the
/// threshold itself included (it needs no approval).
fn just_below(amount_minor: i64, threshold_minor: i64, band_percent: u32) -> bool {
    let amount = i128::from(amount_minor.unsigned_abs());
    let threshold = i128::from(threshold_minor.unsigned_abs());
    let band = threshold * i128::from(band_percent) / 100;
    amount <= threshold && amount >= threshold - band
}

/// Teaches the actor's hours from any entry they make; an unfamiliar time
/// is kept apart until it recurs.
pub(super) fn learn_hours(profile: &mut ActorProfile, entry: &LedgerEntry, config: &BillingConfig) {
    let unfamiliar = profile.hours.judge(entry.ts, profile.first_seen, config);
    let adopt_after = config.off_hours_adopt_after_days_count;
    if profile.hours.record(entry.ts, unfamiliar, adopt_after) {
        profile.rates.add_active_hour();
    }
}
