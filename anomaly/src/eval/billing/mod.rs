//! The billing detector's labelled evaluation set.
//!
//! Six tenants over 150 days, each with 40 to 140 accounts charged by the
//! billing service at midnight on the first of the month and paid by the
//! payment service days later, and four to seven staff with their own
//! working hours, weekdays, holidays, public holidays, amounts and mix of
//! kinds, approving one another's entries above the threshold. Benign
//! look-alikes run through the ordinary traffic: the month-start batch,
//! long days, a newcomer per tenant joining mid-way, large approved
//! adjustments, a collections clerk's monthly write-off batch, refunds to
//! the tenant's own accounts, re-delivered entries and delivery reordering.
//!
//! From day 50, eight incidents of each insider pattern are injected with
//! varying sizes, counts and timings, plus one dormant account per tenant.
//! Chains are built with real hashes; broken links, deleted and forked
//! entries and rewritten copies are made on them. Alerts are matched to
//! labels as [`score`] describes.
//!
//! The set is one generator's view of a ledger: detectors tuned to it
//! alone would learn its quirks. Figures from several seeds, and from
//! variants with other shift times and delivery delays, are what the
//! defaults were checked against.

mod attacks;
mod chain;
mod delivery;
mod dormant;
mod draft;
mod matching;
mod normal;
mod random;
mod rewrites;
mod tamper;
mod world;

use nexzo_schemas::LedgerEntry;
use rand::SeedableRng;
use rand::rngs::StdRng;

use self::draft::Ids;
use crate::Alert;
use crate::backtest::billing::final_states;
use crate::billing::{BillingConfig, BillingDetector};
use crate::eval::KindScore;

pub use matching::{BILLING_KINDS, Label, MATCH_SLACK_SECS, score};

/// Tenants generated.
const TENANT_COUNT: usize = 6;

/// Mixed into the seed so that the billing set differs from the other
/// families' sets drawn from the same seed.
const SEED_SALT: u64 = 0xB111_1A6E;

/// A generated ledger stream with its labelled incidents.
#[derive(Debug, Clone)]
pub struct LabelledSet {
    /// Every entry in the order it reaches the detector.
    pub entries: Vec<LedgerEntry>,
    /// The injected incidents, and the side effects excused.
    pub labels: Vec<Label>,
}

/// Generates the labelled set for `seed`.
pub fn labelled_set(seed: u64) -> LabelledSet {
    let mut rng = StdRng::seed_from_u64(seed ^ SEED_SALT);
    let mut ids = Ids::default();
    let mut tenants = world::tenants(&mut rng, TENANT_COUNT);
    let dormancies = dormant::plan(&mut rng, &mut tenants);

    let mut drafts = Vec::new();
    for tenant in &tenants {
        drafts.extend(normal::traffic(&mut rng, tenant, &mut ids));
    }
    let mut injected = attacks::inject(&mut rng, &tenants, &mut ids);
    dormant::inject(&mut rng, &tenants, &dormancies, &mut ids, &mut injected);
    drafts.extend(injected.drafts);
    let mut labels = injected.labels;

    let mut chains = chain::chain(drafts);
    let forks = tamper::tamper(&mut rng, &mut chains, &mut labels, &mut ids);
    let rewrites = rewrites::rewrites(&mut rng, &chains, &mut labels);
    let entries = delivery::arrival_order(&mut rng, chains, forks, rewrites);
    LabelledSet { entries, labels }
}

/// The final state of every incident the default detector raises on the
/// entries, in arrival order.
pub fn run(entries: &[LedgerEntry]) -> Vec<Alert> {
    match BillingDetector::new(BillingConfig::default()) {
        Ok(mut detector) => final_states(&mut detector, entries),
        // The defaults are valid (a test holds them to it).
        Err(_) => Vec::new(),
    }
}

/// Precision and recall per billing alert kind on the set for `seed`.
pub fn evaluate(seed: u64) -> Vec<KindScore> {
    let set = labelled_set(seed);
    score(&run(&set.entries), &set.labels)
}
