//! Building hash-chained ledgers for the tests, and running the detector.

use std::collections::HashMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use nexzo_anomaly::backtest::billing::final_states;
use nexzo_anomaly::billing::{BillingConfig, BillingDetector};
use nexzo_anomaly::{Alert, AlertKind};
use nexzo_schemas::{GENESIS_HASH, LedgerEntry, LedgerKind};

/// An instant `day` days after Monday 5 January 2026, at `hour:minute` UTC.
pub(crate) fn at(day: i64, hour: u32, minute: u32) -> DateTime<Utc> {
    let monday = Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).single().unwrap();
    monday + Duration::days(day) + Duration::hours(hour.into()) + Duration::minutes(minute.into())
}

/// One entry to book: what it is, before the ledger chains it.
#[derive(Debug, Clone)]
pub(crate) struct Draft {
    tenant: String,
    actor: String,
    kind: LedgerKind,
    amount_minor: i64,
    ts: DateTime<Utc>,
    account: Option<String>,
    approver: Option<String>,
    currency: String,
    id: Option<String>,
}

/// An entry of `kind` for `amount_minor` by `actor` in `tenant` at `ts`.
pub(crate) fn draft(
    tenant: &str,
    actor: &str,
    kind: LedgerKind,
    amount_minor: i64,
    ts: DateTime<Utc>,
) -> Draft {
    Draft {
        tenant: tenant.into(),
        actor: actor.into(),
        kind,
        amount_minor,
        ts,
        account: None,
        approver: None,
        currency: "EUR".into(),
        id: None,
    }
}

impl Draft {
    pub(crate) fn approved_by(mut self, approver: &str) -> Self {
        self.approver = Some(approver.into());
        self
    }

    pub(crate) fn on_account(mut self, account: &str) -> Self {
        self.account = Some(account.into());
        self
    }

    pub(crate) fn in_currency(mut self, currency: &str) -> Self {
        self.currency = currency.into();
        self
    }
}

/// Tenants' ledgers being written: each tenant's chain head and a counter
/// for entry ids.
#[derive(Debug, Default)]
pub(crate) struct Ledger {
    heads: HashMap<String, String>,
    next: u64,
}

impl Ledger {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Chains and hashes `draft` as the tenant's next entry.
    pub(crate) fn book(&mut self, draft: Draft) -> LedgerEntry {
        self.next += 1;
        let prev = self
            .heads
            .get(&draft.tenant)
            .cloned()
            .unwrap_or_else(|| GENESIS_HASH.to_owned());
        let entry = hashed(LedgerEntry {
            entry_id: draft.id.unwrap_or_else(|| format!("le-{:06}", self.next)),
            account_id: draft
                .account
                .unwrap_or_else(|| format!("acc-{}-1", draft.tenant)),
            property_id: format!("p-{}", draft.tenant),
            tenant_id: draft.tenant.clone(),
            kind: draft.kind,
            amount_minor: draft.amount_minor,
            currency: draft.currency,
            actor_id: draft.actor,
            approver_id: draft.approver,
            reason_code: "test_reason".into(),
            ts: draft.ts,
            prev_hash: prev,
            hash: String::new(),
        });
        self.heads.insert(draft.tenant, entry.hash.clone());
        entry
    }
}

/// `entry` with its hash computed from its content.
pub(crate) fn hashed(mut entry: LedgerEntry) -> LedgerEntry {
    entry.hash = entry.compute_hash();
    entry
}

/// The entry as one line of the ledger-entry contract.
pub(crate) fn wire(entry: &LedgerEntry) -> String {
    let mut value: serde_json::Value = serde_json::from_slice(&entry.canonical_bytes()).unwrap();
    value["hash"] = entry.hash.clone().into();
    value.to_string()
}

/// A detector with the default settings.
pub(crate) fn detector() -> BillingDetector {
    BillingDetector::new(BillingConfig::default()).unwrap()
}

/// The final state of every incident the default detector raises on
/// `entries`, in order.
pub(crate) fn incidents(entries: &[LedgerEntry]) -> Vec<Alert> {
    final_states(&mut detector(), entries)
}

/// The kinds of `alerts`, in order.
pub(crate) fn kinds(alerts: &[Alert]) -> Vec<AlertKind> {
    alerts.iter().map(|a| a.kind).collect()
}

/// A staff member's ordinary weeks in `tenant`: Monday to Friday, an
/// adjustment at 10:00 and a credit at 14:00 of a few tens of euros, from
/// `first_day` for `days` days. Amounts vary by a factor of about two.
pub(crate) fn ordinary_weeks(
    ledger: &mut Ledger,
    tenant: &str,
    actor: &str,
    first_day: i64,
    days: i64,
) -> Vec<LedgerEntry> {
    let mut entries = Vec::new();
    for day in first_day..first_day + days {
        if day.rem_euclid(7) >= 5 {
            continue;
        }
        let wobble = 1_000 * (day % 5);
        entries.push(ledger.book(draft(
            tenant,
            actor,
            LedgerKind::Adjustment,
            -(2_000 + wobble),
            at(day, 10, 5),
        )));
        entries.push(ledger.book(draft(
            tenant,
            actor,
            LedgerKind::Credit,
            -(1_500 + wobble),
            at(day, 14, 40),
        )));
    }
    entries
}

/// The billing run charging `accounts` of `tenant` at midnight on `day`,
/// all at the same millisecond.
pub(crate) fn billing_run(
    ledger: &mut Ledger,
    tenant: &str,
    accounts: &[&str],
    day: i64,
) -> Vec<LedgerEntry> {
    accounts
        .iter()
        .map(|account| {
            ledger.book(
                draft(
                    tenant,
                    "svc.billing",
                    LedgerKind::Charge,
                    125_000,
                    at(day, 0, 0),
                )
                .on_account(account),
            )
        })
        .collect()
}

/// `entries` sorted by event time (stably) and each tenant's chain relinked
/// in that order, as the billing service would have published them.
pub(crate) fn in_time_order(mut entries: Vec<LedgerEntry>) -> Vec<LedgerEntry> {
    entries.sort_by_key(|e| e.ts);
    let mut heads: HashMap<String, String> = HashMap::new();
    for entry in &mut entries {
        let head = heads
            .entry(entry.tenant_id.clone())
            .or_insert_with(|| GENESIS_HASH.to_owned());
        entry.prev_hash = head.clone();
        *entry = hashed(entry.clone());
        head.clone_from(&entry.hash);
    }
    entries
}
