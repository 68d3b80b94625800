//! Insider-threat detection over the billing ledger (threat T10: insider
//! ledger edits).
//!
//! Each ledger entry flows through three stages, and what they find flows
//! into incidents:
//!
//! 1. The ledger structure: the entry against the tenant's hash chain. An exact
//!    re-delivery stops here silently; an entry id re-sent with other
//!    content is [`BillingEntryRewritten`](crate::AlertKind) and stops
//!    here too; a link that does not fit is `BillingChainBroken`.
//! 2. The rules, for every actor: money-moving entries above the approval
//!    threshold without approver (`BillingUnapproved`), approver equal to
//!    actor (`BillingSelfApproval`), refunds and credits to another
//!    tenant's account (`BillingCrossTenant`, on learned ownership: see
//!    [`BillingDetector`]).
//! 3. Behaviour: each staff actor against their own history and their
//!    peers' (`BillingUnusualAmount`, `BillingThresholdSplitting`,
//!    `BillingOffHours`, `BillingDormantActor`, `BillingWriteOffSpree`).
//!
//! One incident is one alert: a finding about the same kind and subject as
//! an open incident updates it, and an incident closes after
//! [`incident_quiet_secs`](BillingConfig::incident_quiet_secs) without new
//! evidence. Entry-level kinds (the rules, the chain and rewrites) have the
//! entry and its actor as subject; behavioural kinds have the actor. The
//! evidence holds ids, amounts, thresholds and baselines, never names.

mod behaviour;
mod checkpoint;
mod config;
mod detector;
mod finding;
mod incidents;
mod keys;
mod ledger;
mod stats;
mod time;

pub use checkpoint::DETECTOR_NAME;
pub use config::*;
pub use detector::BillingDetector;
