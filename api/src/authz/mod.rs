//! Who may do what, and over which rows: a plain decision over the
//! authenticated principal, with no I/O.
//!
//! | action | tenant | landlord | service provider | analyst | admin | key scope |
//! |---|---|---|---|---|---|---|
//! | meter usage, latest readings, meter registry | own units | own properties | assigned properties | – | all | `usage:read` / `meters:read` |
//! | property usage | – | own properties | assigned properties | – | all | `usage:read` |
//! | tenant usage | – | – | – | – | all | `usage:read` |
//! | alerts: list, detail | – | – | – | all | all | `alerts:read` |
//! | alerts: change status | – | – | – | all | all | `alerts:write` |
//! | quarantine | – | – | – | – | all | `quarantine:read` |
//!
//! "All" is always the principal's own tenant. A resident (role `tenant`)
//! sees the meters of the units in their token; a sum over a whole
//! property would reveal the neighbours' consumption, so property and
//! tenant usage are closed to them. API keys act for their whole tenant,
//! within their scopes.

mod principal;

pub use principal::{Credential, KeyScope, Principal, Role};

/// Something a caller asks to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    MeterUsage,
    PropertyUsage,
    TenantUsage,
    LatestReadings,
    MeterRegistry,
    ReadAlerts,
    ChangeAlertStatus,
    ReadQuarantine,
}

/// The rows an allowed action may reach within the principal's tenant;
/// `None` means no narrowing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    pub properties: Option<Vec<String>>,
    pub units: Option<Vec<String>>,
}

/// The action is never allowed to this principal, whatever the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{action:?} is not allowed to this principal")]
pub struct Denied {
    pub action: Action,
}

impl Action {
    /// The roles allowed to take this action.
    fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Self::MeterUsage | Self::LatestReadings | Self::MeterRegistry => {
                &[Tenant, Landlord, ServiceProvider, Admin]
            }
            Self::PropertyUsage => &[Landlord, ServiceProvider, Admin],
            Self::TenantUsage | Self::ReadQuarantine => &[Admin],
            Self::ReadAlerts | Self::ChangeAlertStatus => &[Analyst, Admin],
        }
    }

    /// The scope an API key needs for this action.
    fn scope(self) -> KeyScope {
        match self {
            Self::MeterUsage | Self::PropertyUsage | Self::TenantUsage => KeyScope::UsageRead,
            Self::LatestReadings | Self::MeterRegistry => KeyScope::MetersRead,
            Self::ReadAlerts => KeyScope::AlertsRead,
            Self::ChangeAlertStatus => KeyScope::AlertsWrite,
            Self::ReadQuarantine => KeyScope::QuarantineRead,
        }
    }
}

/// Decides whether `principal` may take `action`, and over which rows.
///
/// # Errors
///
/// [`Denied`] when the role or the key's scopes never allow the action.
pub fn decide(principal: &Principal, action: Action) -> Result<Reach, Denied> {
    let denied = Denied { action };
    match &principal.credential {
        Credential::ApiKey { scopes, .. } => {
            if !scopes.contains(&action.scope()) {
                return Err(denied);
            }
            Ok(Reach {
                properties: None,
                units: None,
            })
        }
        Credential::User {
            role,
            properties,
            units,
        } => {
            if !action.roles().contains(role) {
                return Err(denied);
            }
            Ok(role_reach(*role, properties, units))
        }
    }
}

fn role_reach(role: Role, properties: &[String], units: &[String]) -> Reach {
    match role {
        Role::Tenant => Reach {
            properties: None,
            units: Some(units.to_vec()),
        },
        Role::Landlord | Role::ServiceProvider => Reach {
            properties: Some(properties.to_vec()),
            units: None,
        },
        Role::Analyst | Role::Admin => Reach {
            properties: None,
            units: None,
        },
    }
}

#[cfg(test)]
mod tests;
