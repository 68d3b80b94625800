//! How one attempt changes the user's, network's and tenant's windows.

use chrono::{DateTime, TimeDelta, Utc};
use nexzo_schemas::MfaOutcome;

use super::knowledge::place_of;
use super::{Facts, Failure, LoginState, Prompt, Success, UserState, user_key, usize_of};
use crate::logins::LoginConfig;
use crate::logins::attempt::{Attempt, Step};

impl LoginState {
    /// Records the attempt in the user's, network's and tenant's windows.
    pub(crate) fn record(&mut self, attempt: &Attempt<'_>, facts: &Facts, config: &LoginConfig) {
        let redeemed = match attempt.step {
            Step::PasswordFailure => {
                let redeemed = self.record_user_failure(attempt, facts, config);
                self.record_network(attempt, facts, redeemed, config);
                if facts.foreign() && !redeemed {
                    self.record_tenant_failure(attempt, config);
                }
                Vec::new()
            }
            Step::Success => {
                let redeemed = self.record_user_success(attempt, facts, config);
                self.record_network(attempt, facts, false, config);
                redeemed
            }
            Step::MfaRejection | Step::OtherFailure => {
                self.record_user_prompt(attempt, config);
                Vec::new()
            }
        };
        self.mark_redeemed(&attempt.event.tenant_id, &redeemed);
    }

    /// The user's state, created on first sight and touched.
    fn touch_user(&mut self, attempt: &Attempt<'_>, config: &LoginConfig) -> &mut UserState {
        let event = attempt.event;
        let key = user_key(&event.tenant_id, &event.user_id);
        self.dirty.insert(key.clone());
        let cutoff = self.keep_from(config);
        let user = self.users.entry(key).or_insert_with(|| UserState {
            tenant_id: event.tenant_id.clone(),
            user_id: event.user_id.clone(),
            ..UserState::default()
        });
        user.last_ts = user.last_ts.max(Some(event.ts));
        user.failures.evict_before(cutoff);
        user.successes.evict_before(cutoff);
        user.prompts.evict_before(cutoff);
        user
    }

    /// Returns whether the failure was already redeemed by a success that
    /// arrived before it.
    fn record_user_failure(
        &mut self,
        attempt: &Attempt<'_>,
        facts: &Facts,
        config: &LoginConfig,
    ) -> bool {
        let event = attempt.event;
        let cap = usize_of(config.max_window_entries_count);
        let user = self.touch_user(attempt, config);
        let device = event.device_id.as_deref();
        let redeemed_by =
            user.success_after(event.ts, &attempt.network, device, config.typo_redeem_secs);
        let redeemed = redeemed_by.is_some();

        user.failures.insert(
            Failure {
                ts: event.ts,
                event_id: event.event_id.clone(),
                ip: attempt.ip,
                network: attempt.network.clone(),
                device: event.device_id.clone(),
                known_device: facts.known_device,
                foreign: facts.foreign(),
                redeemed_by,
                unknown_user: attempt.unknown_user(),
            },
            cap,
        );
        redeemed
    }

    /// Records a success and returns the earlier failures it redeems, as
    /// (network, event id).
    fn record_user_success(
        &mut self,
        attempt: &Attempt<'_>,
        facts: &Facts,
        config: &LoginConfig,
    ) -> Vec<(String, String)> {
        let event = attempt.event;
        let cap = usize_of(config.max_window_entries_count);
        let user = self.touch_user(attempt, config);
        user.successes.insert(
            Success {
                ts: event.ts,
                event_id: event.event_id.clone(),
                network: attempt.network.clone(),
                device: event.device_id.clone(),
                place: event.geo.as_ref().map(place_of),
                familiar: facts.known_device && facts.known_network,
                flagged: false,
            },
            cap,
        );
        if event.mfa == Some(MfaOutcome::Passed) {
            user.prompts.insert(prompt(attempt, true), cap);
        }

        let from = event.ts - TimeDelta::seconds(i64::from(config.typo_redeem_secs));
        let device = event.device_id.as_deref();
        let mut redeemed = Vec::new();
        for failure in user
            .failures
            .iter_mut()
            .filter(|f| f.ts >= from && f.ts <= event.ts)
        {
            let same_source = failure.network == attempt.network
                || (device.is_some() && failure.device.as_deref() == device);
            if same_source && !failure.is_redeemed() {
                failure.redeemed_by = Some(event.event_id.clone());
                redeemed.push((failure.network.clone(), failure.event_id.clone()));
            }
        }
        redeemed
    }

    fn record_user_prompt(&mut self, attempt: &Attempt<'_>, config: &LoginConfig) {
        let cap = usize_of(config.max_window_entries_count);
        let user = self.touch_user(attempt, config);
        if attempt.step == Step::MfaRejection {
            user.prompts.insert(prompt(attempt, false), cap);
        }
    }

    /// The oldest event time any window still needs, allowing for late
    /// events.
    pub(super) fn keep_from(&self, config: &LoginConfig) -> DateTime<Utc> {
        self.window_start(
            config
                .longest_window_secs()
                .saturating_add(config.allowed_lateness_secs),
        )
    }

    /// The start of a window of `secs` ending at the watermark.
    pub(crate) fn window_start(&self, secs: u32) -> DateTime<Utc> {
        let now = self.watermark.unwrap_or(DateTime::<Utc>::MIN_UTC);
        now.checked_sub_signed(TimeDelta::seconds(i64::from(secs)))
            .unwrap_or(DateTime::<Utc>::MIN_UTC)
    }
}

fn prompt(attempt: &Attempt<'_>, passed: bool) -> Prompt {
    Prompt {
        ts: attempt.event.ts,
        event_id: attempt.event.event_id.clone(),
        passed,
    }
}
