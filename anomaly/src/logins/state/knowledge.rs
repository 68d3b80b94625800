//! What the state knew about an attempt's source before it, and what a
//! success teaches it afterwards.

use chrono::{DateTime, Utc};

use super::{LoginState, Place, user_key, usize_of};
use crate::logins::LoginConfig;
use crate::logins::attempt::Attempt;

/// What the state knew about an attempt's source before the attempt, so
/// that a login never vouches for itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Facts {
    /// The device is one the user logged in with.
    pub(crate) known_device: bool,
    /// The device is new to the user (see `UserState::is_new_device`).
    pub(crate) new_device: bool,
    /// The user logged in from this network before.
    pub(crate) known_network: bool,
    /// The network's users vouch for it.
    pub(crate) trusted_network: bool,
    /// The user logged in from this country before; `None` without a
    /// location.
    pub(crate) known_country: Option<bool>,
    /// The user logged in successfully before, with a location.
    pub(crate) has_history: bool,
}

impl Facts {
    /// Nothing about the source is familiar: where guesses come from.
    pub(crate) fn foreign(&self) -> bool {
        !self.known_device && !self.known_network && !self.trusted_network
    }
}

impl LoginState {
    /// Whether the event was recorded already (a redelivery).
    pub(crate) fn is_duplicate(&self, attempt: &Attempt<'_>) -> bool {
        let event = attempt.event;
        self.user(&event.tenant_id, &event.user_id)
            .is_some_and(|u| u.has_seen(&event.event_id, event.ts))
    }

    /// What was known about the attempt's source before it.
    pub(crate) fn facts(&self, attempt: &Attempt<'_>, config: &LoginConfig) -> Facts {
        let event = attempt.event;
        let device = event.device_id.as_deref();
        let user = self.user(&event.tenant_id, &event.user_id);
        let trusted_network = self
            .network(&attempt.network)
            .is_some_and(|n| n.is_trusted(config.trusted_network_min_successes_count));

        Facts {
            known_device: user.is_some_and(|u| u.knows_device(device)),
            new_device: user.is_none_or(|u| u.is_new_device(device)),
            known_network: user.is_some_and(|u| u.networks.contains(&attempt.network)),
            trusted_network,
            known_country: event
                .geo
                .as_ref()
                .map(|g| user.is_some_and(|u| u.countries.contains(&g.country))),
            has_history: user.is_some_and(|u| !u.countries.is_empty()),
        }
    }

    /// Marks a success as part of an alerted attack.
    pub(crate) fn flag_success(&mut self, attempt: &Attempt<'_>) {
        let event = attempt.event;
        let Some(user) = self
            .users
            .get_mut(&user_key(&event.tenant_id, &event.user_id))
        else {
            return;
        };
        let flagged = user
            .successes
            .iter_mut()
            .rev()
            .find(|s| s.event_id == event.event_id);
        if let Some(success) = flagged {
            success.flagged = true;
        }
    }

    /// Records that a network was the subject of an alert at `at`, and
    /// flags the successes from it in its window: logins an attacker
    /// made before the alert fired are no reference for where their users
    /// really were. Does nothing for a key that is not a network's.
    pub(crate) fn mark_network_alerted(&mut self, network_key: &str, at: DateTime<Utc>) {
        let Some(network) = self.networks.get_mut(network_key) else {
            return;
        };
        network.alerted_at = network.alerted_at.max(Some(at));
        self.dirty.insert(network_key.to_owned());
        if network.tally().attempts == network.tally().failures {
            return;
        }

        let entered: Vec<(String, String)> = network
            .attempts()
            .filter(|a| a.success)
            .map(|a| (user_key(&a.tenant_id, &a.user_id), a.event_id.clone()))
            .collect();
        for (key, event_id) in entered {
            let success = self.users.get_mut(&key).and_then(|u| {
                u.successes
                    .iter_mut()
                    .rev()
                    .find(|s| s.event_id == event_id)
            });
            if let Some(success) = success {
                success.flagged = true;
                self.dirty.insert(key);
            }
        }
    }

    /// Teaches the user the device, country, network and place of a
    /// success. `trust_source` is false for a success that raised an
    /// alert, whose device, country and network stay unfamiliar; its place
    /// is still counted so that a VPN exit seen again and again becomes
    /// familiar.
    pub(crate) fn learn(
        &mut self,
        attempt: &Attempt<'_>,
        trust_source: bool,
        config: &LoginConfig,
    ) {
        let event = attempt.event;
        let Some(user) = self
            .users
            .get_mut(&user_key(&event.tenant_id, &event.user_id))
        else {
            return;
        };
        let cap = usize_of(config.max_known_per_user_count);
        if let Some(geo) = &event.geo {
            user.places.learn(&place_of(geo).key(), event.ts, cap);
        }
        if !trust_source {
            return;
        }
        if let Some(device) = &event.device_id {
            user.devices.learn(device, event.ts, cap);
        }
        if let Some(geo) = &event.geo {
            user.countries.learn(&geo.country, event.ts, cap);
        }
        user.networks.learn(&attempt.network, event.ts, cap);
    }
}

/// The rules' view of a location.
pub(crate) fn place_of(geo: &nexzo_schemas::Geo) -> Place {
    Place {
        country: geo.country.clone(),
        city: geo.city.clone(),
        lat: geo.lat,
        lon: geo.lon,
    }
}
