//! Labelled attacks injected into the ordinary traffic, each with its own
//! intensity drawn per incident so that no threshold is tuned to one size.

mod guessing;
mod slow;
mod takeover;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rand::RngExt;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;

use super::LabelledIncident;
use super::calendar::Calendar;
use super::emit::{Emitter, Source};
use super::world::{ATTACKER_CITIES, AddressBook, City, Tenant, User, v4_host};
use nexzo_schemas::MfaOutcome;

use crate::AlertKind;

/// How many incidents of each kind a set holds, as an inclusive range.
const INCIDENTS_PER_KIND: (usize, usize) = (6, 10);

/// A user's ordinary successful logins, in time order: when and where.
pub(super) type History = HashMap<String, Vec<(DateTime<Utc>, City)>>;

/// What every attack generator needs.
pub(super) struct Ctx<'a> {
    pub(super) rng: &'a mut StdRng,
    pub(super) out: &'a mut Emitter,
    pub(super) book: &'a mut AddressBook,
    pub(super) tenants: &'a [Tenant],
    pub(super) calendar: &'a Calendar,
    pub(super) history: &'a History,
    pub(super) labels: Vec<LabelledIncident>,
}

/// Injects every kind of attack and returns their labels.
pub(super) fn generate(mut cx: Ctx<'_>) -> Vec<LabelledIncident> {
    let generators: [fn(&mut Ctx<'_>); 8] = [
        guessing::brute_force,
        guessing::credential_stuffing,
        guessing::password_spraying,
        slow::slow_on_account,
        slow::slow_from_address,
        takeover::impossible_travel,
        takeover::new_device_after_failures,
        takeover::mfa_fatigue,
    ];
    for generator in generators {
        let count = cx
            .rng
            .random_range(INCIDENTS_PER_KIND.0..=INCIDENTS_PER_KIND.1);
        for _ in 0..count {
            generator(&mut cx);
        }
    }
    cx.labels
}

impl Ctx<'_> {
    /// A tenant and one of its users, at random.
    pub(super) fn victim(&mut self) -> Option<(&Tenant, &User)> {
        let tenant = self.tenants.choose(self.rng)?;
        let user = tenant.users.choose(self.rng)?;
        Some((tenant, user))
    }

    /// A fresh attacker address abroad, with the attacker's own device or
    /// none the auth service recognises.
    pub(super) fn attacker(&mut self) -> (Source, [u8; 3]) {
        let prefix = self.book.fresh_v4(self.rng);
        let city = *ATTACKER_CITIES
            .choose(self.rng)
            .unwrap_or(&ATTACKER_CITIES[0]);
        let device = self
            .rng
            .random_bool(0.5)
            .then(|| format!("atk-{}", self.rng.random::<u32>()));
        let source = Source {
            ip: v4_host(prefix, self.rng),
            city,
            device,
        };
        (source, prefix)
    }

    /// Records the label of one injected incident.
    pub(super) fn label(
        &mut self,
        kind: AlertKind,
        tenant: &Tenant,
        user_id: Option<&str>,
        ip: Option<String>,
        span: (DateTime<Utc>, DateTime<Utc>),
    ) {
        self.labels.push(LabelledIncident {
            kind,
            tenant_id: tenant.id.clone(),
            user_id: user_id.map(str::to_owned),
            ip,
            start: span.0,
            end: span.1,
        });
    }
}

/// A count between `min` and `max`, small counts more likely than large
/// (the product of two uniform draws): most attacks are modest, a few are
/// floods.
pub(super) fn skewed(rng: &mut StdRng, min: usize, max: usize) -> usize {
    let span = max.saturating_sub(min);
    let a = rng.random_range(0..=span);
    let b = rng.random_range(0..=span);
    min + a * b / span.max(1)
}

/// The mfa outcome an attacker's success reports for the victim.
pub(super) fn mfa_for(user: &User) -> Option<MfaOutcome> {
    Some(if user.mfa {
        MfaOutcome::Passed
    } else {
        MfaOutcome::NotRequired
    })
}
