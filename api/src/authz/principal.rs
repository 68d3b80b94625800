//! Who is calling: a person with a role, or an integrator's API key.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A person's role, as their token names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A resident: the meters of their own units.
    Tenant,
    /// The owner of some properties: everything metered there.
    Landlord,
    /// A contractor: the properties they are assigned to.
    ServiceProvider,
    /// A security analyst: the alerts of their tenant.
    Analyst,
    /// The customer's administrator: everything of their tenant.
    Admin,
}

/// What an API key may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum KeyScope {
    #[serde(rename = "usage:read")]
    UsageRead,
    #[serde(rename = "meters:read")]
    MetersRead,
    #[serde(rename = "alerts:read")]
    AlertsRead,
    #[serde(rename = "alerts:write")]
    AlertsWrite,
    #[serde(rename = "quarantine:read")]
    QuarantineRead,
}

impl KeyScope {
    /// Every scope, in the order the `api_keys` table lists them.
    pub const ALL: [KeyScope; 5] = [
        Self::UsageRead,
        Self::MetersRead,
        Self::AlertsRead,
        Self::AlertsWrite,
        Self::QuarantineRead,
    ];

    /// The name stored and shown, e.g. `usage:read`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UsageRead => "usage:read",
            Self::MetersRead => "meters:read",
            Self::AlertsRead => "alerts:read",
            Self::AlertsWrite => "alerts:write",
            Self::QuarantineRead => "quarantine:read",
        }
    }

    /// The scope of that name, if any.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// An authenticated caller. Everything here comes from a verified token
/// or a stored key, never from the request's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The platform customer whose rows the caller may see.
    pub tenant_id: String,
    /// The token's `sub`, or the key's id.
    pub subject: String,
    pub credential: Credential,
}

/// How the caller authenticated, and what that grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    User {
        role: Role,
        /// Properties the token lists (owned or assigned).
        properties: Vec<String>,
        /// Units the token lists (a resident's own).
        units: Vec<String>,
    },
    ApiKey {
        scopes: Vec<KeyScope>,
    },
}

impl Principal {
    /// The identity rate limits and read counts are kept under: one per
    /// key, one per person of a tenant.
    pub fn limiter_key(&self) -> String {
        match self.credential {
            Credential::ApiKey { .. } => format!("key:{}", self.subject),
            Credential::User { .. } => format!("user:{}:{}", self.tenant_id, self.subject),
        }
    }

    /// Who an alert's status change is recorded as.
    pub fn actor(&self) -> String {
        match self.credential {
            Credential::ApiKey { .. } => format!("key:{}", self.subject),
            Credential::User { .. } => format!("user:{}", self.subject),
        }
    }
}
