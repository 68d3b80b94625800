//! MFA fatigue: push prompts denied or left unanswered again and again
//! until the worn-down user accepts one.
//!
//! Someone who triggers pushes knows the password, so a long run of
//! rejected prompts is reported even before one is accepted; an accepted
//! one after a shorter run is the account taken.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;

use super::{Context, as_f64, as_u64, last_event_ids, score_over, span_secs};
use crate::logins::incidents::Finding;
use crate::logins::state::{Prompt, UserState, user_key, usize_of};
use crate::{AlertKind, Severity, Subject};

/// Checks the prompt run this event belongs to: the rejections before the
/// next accepted prompt (which may have arrived before a late rejection),
/// or the run still going on.
pub(super) fn on_prompt(cx: &Context<'_>) -> Option<Finding> {
    let config = &cx.config.mfa_fatigue;
    let user = cx.user()?;
    let window = TimeDelta::seconds(i64::from(config.window_secs));
    let ts = cx.ts();
    let key = user_key(&user.tenant_id, &user.user_id);
    let fresh = |from| cx.after_closed(AlertKind::LoginMfaFatigue, &key, from);

    let next_pass = user.prompts.between(ts, ts + window).find(|p| p.passed);
    if let Some(pass) = next_pass {
        let from = fresh(pass.ts - window);
        let rejected = run_before(user, pass, from);
        let enough = rejected.len() >= usize_of(config.min_rejected_count);
        return enough.then(|| finding(cx, key, user, &rejected, Some(pass)));
    }

    let ongoing = Prompt {
        ts: ts + TimeDelta::milliseconds(1),
        event_id: String::new(),
        passed: true,
    };
    let rejected = run_before(user, &ongoing, fresh(ts - window));
    let enough = rejected.len() >= usize_of(config.min_rejected_without_pass_count);
    enough.then(|| finding(cx, key, user, &rejected, None))
}

/// The rejected prompts from `from` up to `pass`, after the last accepted
/// prompt before it.
fn run_before<'a>(user: &'a UserState, pass: &Prompt, from: DateTime<Utc>) -> Vec<&'a Prompt> {
    let earlier: Vec<&Prompt> = user
        .prompts
        .between(from, pass.ts)
        .filter(|p| p.event_id != pass.event_id)
        .collect();
    let run_start = earlier.iter().rposition(|p| p.passed).map_or(0, |i| i + 1);
    earlier.get(run_start..).unwrap_or_default().to_vec()
}

fn finding(
    cx: &Context<'_>,
    subject_key: String,
    user: &UserState,
    rejected: &[&Prompt],
    pass: Option<&Prompt>,
) -> Finding {
    let config = &cx.config.mfa_fatigue;
    let count = rejected.len();
    let first_seen = rejected.first().map_or(cx.ts(), |p| p.ts);
    let at = pass.map_or(cx.ts(), |p| p.ts.max(cx.ts()));
    let (severity, threshold, outcome) = match pass {
        Some(_) => (
            Severity::Critical,
            config.min_rejected_count,
            "then accepted one",
        ),
        None => (
            Severity::High,
            config.min_rejected_without_pass_count,
            "none accepted yet",
        ),
    };

    Finding {
        kind: AlertKind::LoginMfaFatigue,
        subject_key,
        tenant_id: user.tenant_id.clone(),
        subject: Subject::user(&user.user_id),
        severity,
        score: if pass.is_some() {
            1.0
        } else {
            score_over(as_f64(count), f64::from(threshold))
        },
        first_seen,
        at,
        size: as_u64(count),
        summary: format!(
            "{count} MFA push prompts denied or unanswered within {} minutes, {outcome}",
            span_secs(first_seen, at) / 60
        ),
        evidence: json!({
            "rejected_prompts_count": count,
            "accepted": pass.is_some(),
            "span_secs": span_secs(first_seen, at),
            "window_secs": config.window_secs,
            "accepted_event_id": pass.map(|p| p.event_id.clone()),
            "event_ids": last_event_ids(rejected.iter().map(|p| p.event_id.as_str())),
        }),
        quiet_secs: config.quiet_secs,
    }
}
