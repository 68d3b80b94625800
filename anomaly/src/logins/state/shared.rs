//! How one attempt changes the windows of its network and tenant, which
//! the rules about many accounts read.

use super::{
    Facts, LoginState, NetAttempt, NetworkState, SlowFailure, SprayFailure, TenantState,
    network_key, tenant_key, usize_of,
};
use crate::logins::LoginConfig;
use crate::logins::attempt::{Attempt, Step};

impl LoginState {
    pub(super) fn record_network(
        &mut self,
        attempt: &Attempt<'_>,
        facts: &Facts,
        redeemed: bool,
        config: &LoginConfig,
    ) {
        let event = attempt.event;
        let cap = usize_of(config.max_window_entries_count);
        let stuffing_from = self.window_start(config.credential_stuffing.window_secs);
        let slow_from = self.keep_from(config);
        let key = network_key(&attempt.network);
        self.dirty.insert(key.clone());
        let network = self
            .networks
            .entry(key)
            .or_insert_with(|| NetworkState::new(&attempt.network));
        network.last_ts = network.last_ts.max(Some(event.ts));
        network.evict_before(stuffing_from);
        network.slow.evict_before(slow_from);

        let success = attempt.step == Step::Success;
        if success {
            network.successes_count = network.successes_count.saturating_add(1);
        } else {
            network.failures_count = network.failures_count.saturating_add(1);
        }
        if event.ts >= stuffing_from {
            network.push(net_attempt(attempt, success), cap);
        }
        if !success && facts.foreign() {
            network.slow.insert(slow_failure(attempt, redeemed), cap);
        }
    }

    pub(super) fn record_tenant_failure(&mut self, attempt: &Attempt<'_>, config: &LoginConfig) {
        let event = attempt.event;
        let cap = usize_of(config.max_window_entries_count);
        let cutoff = self.keep_from(config);
        let key = tenant_key(&event.tenant_id);
        self.dirty.insert(key.clone());
        let tenant = self.tenants.entry(key).or_insert_with(|| TenantState {
            tenant_id: event.tenant_id.clone(),
            ..TenantState::default()
        });
        tenant.last_ts = tenant.last_ts.max(Some(event.ts));
        tenant.foreign.evict_before(cutoff);
        tenant.foreign.insert(
            SprayFailure {
                ts: event.ts,
                event_id: event.event_id.clone(),
                user_id: event.user_id.clone(),
                ip: attempt.ip,
                network: attempt.network.clone(),
                redeemed: false,
            },
            cap,
        );
    }

    /// Marks the redeemed failures in the network and tenant windows too.
    pub(super) fn mark_redeemed(&mut self, tenant_id: &str, redeemed: &[(String, String)]) {
        for (network, event_id) in redeemed {
            if let Some(state) = self.networks.get_mut(&network_key(network)) {
                if let Some(f) = state
                    .slow
                    .iter_mut()
                    .rev()
                    .find(|f| &f.event_id == event_id)
                {
                    f.redeemed = true;
                }
            }
            if let Some(state) = self.tenants.get_mut(&tenant_key(tenant_id)) {
                if let Some(f) = state
                    .foreign
                    .iter_mut()
                    .rev()
                    .find(|f| &f.event_id == event_id)
                {
                    f.redeemed = true;
                    self.dirty.insert(tenant_key(tenant_id));
                }
            }
        }
    }
}

fn net_attempt(attempt: &Attempt<'_>, success: bool) -> NetAttempt {
    let event = attempt.event;
    NetAttempt {
        ts: event.ts,
        event_id: event.event_id.clone(),
        tenant_id: event.tenant_id.clone(),
        user_id: event.user_id.clone(),
        ip: attempt.ip,
        success,
        unknown_user: attempt.unknown_user(),
    }
}

fn slow_failure(attempt: &Attempt<'_>, redeemed: bool) -> SlowFailure {
    let event = attempt.event;
    SlowFailure {
        ts: event.ts,
        event_id: event.event_id.clone(),
        tenant_id: event.tenant_id.clone(),
        user_id: event.user_id.clone(),
        ip: attempt.ip,
        redeemed,
    }
}
