//! The keys the billing detector keeps state under, and their text form in
//! checkpoints.
//!
//! Parts are joined with `/`, which the ledger contract never allows in an
//! identifier, so a key parses back into exactly the parts it was made
//! from; `-` stands for an absent part, which no identifier can be either
//! (identifiers start with a letter or digit).

use std::collections::BTreeSet;
use std::fmt;

use crate::{AlertKind, Subject};

/// The keys whose state changed (or was dropped) since the last checkpoint.
pub(crate) type Dirty = BTreeSet<StateKey>;

/// What one piece of state is about.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum StateKey {
    /// A tenant's chain head and its entries waiting for a predecessor.
    Tenant(String),
    /// One remembered entry: its hash and its link.
    Entry { tenant: String, entry: String },
    /// The tenant that owns an account.
    Account(String),
    /// A staff or service actor's profile, per tenant.
    Actor { tenant: String, actor: String },
    /// One open incident.
    Incident(IncidentKey),
}

/// One incident: an alert kind about one subject in one tenant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct IncidentKey {
    pub(crate) kind: AlertKind,
    pub(crate) tenant: String,
    pub(crate) actor: Option<String>,
    pub(crate) account: Option<String>,
    pub(crate) entry: Option<String>,
}

impl IncidentKey {
    /// The key of an incident of `kind` about `subject` in `tenant`.
    pub(crate) fn new(kind: AlertKind, tenant: &str, subject: &Subject) -> Self {
        Self {
            kind,
            tenant: tenant.to_owned(),
            actor: subject.actor_id.clone(),
            account: subject.account_id.clone(),
            entry: subject.entry_id.clone(),
        }
    }
}

const ABSENT: &str = "-";

impl fmt::Display for StateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = |value: &Option<String>| value.clone().unwrap_or_else(|| ABSENT.to_owned());
        match self {
            Self::Tenant(tenant) => write!(f, "tenant/{tenant}"),
            Self::Entry { tenant, entry } => write!(f, "entry/{tenant}/{entry}"),
            Self::Account(account) => write!(f, "account/{account}"),
            Self::Actor { tenant, actor } => write!(f, "actor/{tenant}/{actor}"),
            Self::Incident(key) => write!(
                f,
                "incident/{}/{}/{}/{}/{}",
                key.kind.as_str(),
                key.tenant,
                part(&key.actor),
                part(&key.account),
                part(&key.entry)
            ),
        }
    }
}

impl StateKey {
    /// Parses a key written by [`StateKey`]'s `Display`; `None` for any
    /// other text.
    pub(crate) fn parse(text: &str) -> Option<Self> {
        let parts: Vec<&str> = text.split('/').collect();
        let owned = |s: &&str| (!s.is_empty()).then(|| (*s).to_owned());
        match parts.as_slice() {
            ["tenant", tenant] => Some(Self::Tenant(owned(tenant)?)),
            ["entry", tenant, entry] => Some(Self::Entry {
                tenant: owned(tenant)?,
                entry: owned(entry)?,
            }),
            ["account", account] => Some(Self::Account(owned(account)?)),
            ["actor", tenant, actor] => Some(Self::Actor {
                tenant: owned(tenant)?,
                actor: owned(actor)?,
            }),
            ["incident", kind, tenant, actor, account, entry] => {
                let optional = |s: &&str| (*s != ABSENT).then(|| owned(s)).flatten();
                Some(Self::Incident(IncidentKey {
                    kind: parse_kind(kind)?,
                    tenant: owned(tenant)?,
                    actor: optional(actor),
                    account: optional(account),
                    entry: optional(entry),
                }))
            }
            _ => None,
        }
    }
}

/// An alert kind from its stored name.
fn parse_kind(name: &str) -> Option<AlertKind> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}
