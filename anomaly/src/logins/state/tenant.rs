//! What is remembered per tenant: the foreign failures across its accounts,
//! which is where a spray shows.

use std::net::IpAddr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::logins::window::{Timed, Window};

/// A foreign failed password against one of the tenant's accounts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SprayFailure {
    pub(crate) ts: DateTime<Utc>,
    pub(crate) event_id: String,
    pub(crate) user_id: String,
    pub(crate) ip: IpAddr,
    pub(crate) network: String,
    pub(crate) redeemed: bool,
}

impl Timed for SprayFailure {
    fn ts(&self) -> DateTime<Utc> {
        self.ts
    }
}

/// One tenant's state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct TenantState {
    pub(crate) tenant_id: String,
    pub(crate) last_ts: Option<DateTime<Utc>>,
    pub(crate) foreign: Window<SprayFailure>,
}
