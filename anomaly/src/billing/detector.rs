//! The billing detector: each ledger entry through the chain, the rules
//! and the behavioural checks, and the findings into incidents.

use chrono::{DateTime, TimeDelta, Utc};
use nexzo_schemas::LedgerEntry;

use super::behaviour::ActorBook;
use super::config::{BillingConfig, BillingConfigError};
use super::finding::Finding;
use super::incidents::IncidentBook;
use super::keys::Dirty;
use super::ledger::accounts::AccountBook;
use super::ledger::chain::{Arrival, ChainBook};
use super::ledger::{approval, breaks, rewrite};
use super::time::{before, secs};
use crate::Alert;

/// How often, in event time, aged-out state is looked for: often enough
/// that memory follows the retention closely, rarely enough that the sweep
/// over every key costs nothing per entry.
const PRUNE_EVERY_SECS: i64 = 3_600;

/// Streaming insider-threat detector over one or many tenants' ledgers
/// (threat T10: insider ledger edits).
///
/// Feed it every ledger entry, in roughly event-time order, through
/// [`BillingDetector::observe`]. It checks the hash chain (breaks,
/// rewritten entries), the approval and cross-tenant rules, and each staff
/// actor's behaviour against their own history and their peers', and
/// returns alerts as incidents open, go on and close. The state it keeps
/// survives restarts through [`Checkpointed`](crate::Checkpointed).
///
/// Time is the entries' event time only. The watermark is the latest
/// event time observed; waiting chain links expire and quiet incidents
/// close as it advances, which [`BillingDetector::advance_to`] also does
/// for a quiet stream.
///
/// # Account ownership is learned
///
/// The ledger says which tenant booked an entry, not which tenant owns the
/// account. The detector learns it: an account belongs to the tenant of the
/// first charge or payment seen on it. So a refund or credit to an account
/// never charged or paid within the account retention is not judged (an
/// insider refunding to a freshly invented account id is not caught by this
/// rule); a wrongly booked first charge teaches the wrong owner; account
/// ids must be unique across tenants, as the billing service issues them;
/// and every tenant's entries must reach the same detector, since an
/// instance only knows the accounts it has seen.
///
/// # Other known limits
///
/// Behavioural checks rest on history: working hours need weeks of
/// activity, rates need active hours, amounts need a few entries of the
/// kind; until then only the rules and the chain speak, and a newcomer is
/// compared with peers only coarsely. A write-off spree is judged against
/// the actor's own rate and largest earlier burst, so a high-volume
/// collections clerk's spree must be much larger than a receptionist's to
/// be reported, and a burst size reported twice becomes normal. Of two
/// entries claiming one predecessor, the later to arrive is reported. The
/// approval threshold is configured, not learned: splitting is judged
/// against it, so a wrong threshold blinds that check.
///
/// An entry older than the entry memory behind the watermark is ignored
/// altogether: its neighbours and any earlier copy are forgotten, so it can
/// be judged neither for its link nor as a re-delivery. A rewritten copy
/// that arrives before its original makes the original look like the
/// rewrite. A chain break is stamped with the event time of the entry whose
/// link failed, although when its predecessor is merely missing it is only
/// published once the link lateness has passed. An incident closed by the
/// quiet period and then fed again (an orphaned successor arriving a day
/// after the edit that broke it) is published as a new alert.
#[derive(Debug)]
pub struct BillingDetector {
    pub(crate) config: BillingConfig,
    pub(crate) chain: ChainBook,
    pub(crate) accounts: AccountBook,
    pub(crate) actors: ActorBook,
    pub(crate) incidents: IncidentBook,
    pub(crate) dirty: Dirty,
    pub(crate) watermark: Option<DateTime<Utc>>,
    pruned_at: Option<DateTime<Utc>>,
}

impl BillingDetector {
    /// A detector with no history.
    ///
    /// # Errors
    ///
    /// Every problem with `config`, at once.
    pub fn new(config: BillingConfig) -> Result<Self, BillingConfigError> {
        config.validate()?;
        Ok(Self {
            config,
            chain: ChainBook::default(),
            accounts: AccountBook::default(),
            actors: ActorBook::default(),
            incidents: IncidentBook::default(),
            dirty: Dirty::new(),
            watermark: None,
            pruned_at: None,
        })
    }

    /// The settings it runs with.
    pub fn config(&self) -> &BillingConfig {
        &self.config
    }

    /// The latest event time observed.
    pub fn watermark(&self) -> Option<DateTime<Utc>> {
        self.watermark
    }

    /// Judges one entry (whose own hash the decoder has verified) and
    /// returns the alerts opened, updated or closed. An exact re-delivery
    /// of an entry returns nothing and changes nothing.
    pub fn observe(&mut self, entry: &LedgerEntry) -> Vec<Alert> {
        let mut alerts = self.advance_to(entry.ts);
        for finding in self.check(entry) {
            alerts.push(self.incidents.raise(finding, &mut self.dirty));
        }
        alerts
    }

    /// Moves the watermark to `now` (never backwards): chain links still
    /// waiting for a predecessor past their lateness are reported, and
    /// incidents quiet for the quiet period close.
    pub fn advance_to(&mut self, now: DateTime<Utc>) -> Vec<Alert> {
        if self.watermark.is_some_and(|w| now <= w) {
            return Vec::new();
        }
        self.watermark = Some(now);

        let lateness = secs(self.config.chain_link_lateness_secs);
        let mut alerts = self.expire_links(Some(now), lateness);
        let quiet = self.config.incident_quiet_secs;
        alerts.extend(self.incidents.close_quiet(now, quiet, &mut self.dirty));
        self.prune_if_due(now);
        alerts
    }

    /// Ends a finite input (a backtest): every link still waiting for its
    /// predecessor is reported now, since nothing more will arrive. Open
    /// incidents stay open.
    pub fn finish(&mut self) -> Vec<Alert> {
        self.expire_links(None, TimeDelta::zero())
    }

    fn expire_links(&mut self, now: Option<DateTime<Utc>>, lateness: TimeDelta) -> Vec<Alert> {
        let broken = self.chain.expire(now, lateness, &mut self.dirty);
        broken
            .into_iter()
            .map(|link| {
                let finding = self.chain.break_finding(link, &mut self.dirty);
                self.incidents.raise(finding, &mut self.dirty)
            })
            .collect()
    }

    /// Every finding about one entry: a re-delivery has none, a rewrite
    /// only that one, a new entry those of the chain, the rules and the
    /// actor's behaviour.
    fn check(&mut self, entry: &LedgerEntry) -> Vec<Finding> {
        let preceding = self.chain.latest_of(&entry.tenant_id);
        let mut findings = Vec::new();
        match self.chain.observe(entry, self.horizon(), &mut self.dirty) {
            Arrival::Redelivered | Arrival::TooOld => return findings,
            Arrival::Rewritten { original } => {
                findings.push(rewrite::rewritten(entry, &original));
                return findings;
            }
            Arrival::New(link) => {
                if let Some(broken) = breaks::immediate_break(entry, &link, preceding) {
                    findings.push(self.chain.break_finding(broken, &mut self.dirty));
                }
            }
        }

        let threshold = self.config.approval_threshold_for(&entry.currency);
        findings.extend(approval::unapproved(entry, threshold));
        findings.extend(approval::self_approved(entry, threshold));
        findings.extend(self.accounts.observe(entry, &mut self.dirty));
        findings.extend(self.actors.observe(entry, &self.config, &mut self.dirty));
        findings
    }

    /// The oldest event time whose entries are still remembered.
    fn horizon(&self) -> DateTime<Utc> {
        self.watermark.map_or(DateTime::<Utc>::MIN_UTC, |w| {
            before(w, secs(self.config.entry_memory_secs))
        })
    }

    fn prune_if_due(&mut self, now: DateTime<Utc>) {
        let due = self
            .pruned_at
            .is_none_or(|at| now - at >= TimeDelta::seconds(PRUNE_EVERY_SECS));
        if !due {
            return;
        }
        self.pruned_at = Some(now);
        self.chain.prune(self.horizon(), &mut self.dirty);
        let accounts = before(now, secs(self.config.account_retention_secs));
        self.accounts.prune(accounts, &mut self.dirty);
        let actors = before(now, secs(self.config.actor_retention_secs));
        self.actors.prune(actors, &mut self.dirty);
    }
}
