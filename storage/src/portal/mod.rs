//! The queries of the tenant-scoped query API, one module per table.
//!
//! Every statement runs inside a transaction opened by [`begin`], which
//! switches to the `nexzo_api` role and sets `nexzo.tenant_id`, so the
//! row-level security policies of migration 0005 show the caller's tenant
//! only. On top of that each statement names the tenant itself (unless a
//! [`Scope`] turns that off, which only the test proving the policies hold
//! on their own does), and narrows to the properties or units a role may
//! see.

pub mod alerts;
pub mod api_keys;
pub mod meters;
pub mod quarantine;
pub mod usage;

use tokio_postgres::{Client, Transaction};

use crate::error::StorageError;

/// The role the API's statements run as; row-level security applies to it
/// because it owns nothing.
pub const API_ROLE: &str = "nexzo_api";

/// Whose rows a statement may return.
///
/// Row-level security enforces the tenant only; the narrowing to
/// properties and units within a tenant is done by the statements alone.
/// Moving it into the policies as well would take a second setting (the
/// caller's properties) that every policy parses per row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    /// The caller's tenant; row-level security is keyed on it.
    pub tenant_id: String,
    /// The properties the caller may see; `None` means all of the tenant's.
    pub properties: Option<Vec<String>>,
    /// The units whose meters the caller may see; `None` means every meter
    /// the properties allow.
    pub units: Option<Vec<String>>,
    /// Whether statements also name the tenant in their WHERE clause.
    /// Always true in service; false only to show that row-level security
    /// alone keeps tenants apart.
    pub sql_tenant_filter: bool,
}

impl Scope {
    /// Everything of one tenant, filtered in SQL and by the policies.
    pub fn tenant(tenant_id: impl Into<String>) -> Self {
        Self {
            tenant_id: tenant_id.into(),
            properties: None,
            units: None,
            sql_tenant_filter: true,
        }
    }

    /// The tenant parameter of the SQL filter: NULL disables it.
    fn sql_tenant(&self) -> Option<&str> {
        self.sql_tenant_filter.then_some(self.tenant_id.as_str())
    }
}

/// Whether a transaction may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    ReadOnly,
    ReadWrite,
}

/// Sets the role, the tenant and the statement timeout, all local to the
/// transaction so nothing outlives it on a pooled connection.
const ENTER_SCOPE: &str = "
    SELECT set_config('role', 'nexzo_api', true),
           set_config('nexzo.tenant_id', $1, true),
           set_config('statement_timeout', $2, true)";

/// Opens a transaction as [`API_ROLE`] for `tenant_id` (`None`: no tenant,
/// which the policies match with nothing), whose statements are cancelled
/// after `statement_timeout_ms`.
///
/// # Errors
///
/// The connection failed, or the connecting role may not switch to
/// [`API_ROLE`] (an `Operator` error: see [`api_role_problem`]).
pub async fn begin<'a>(
    client: &'a mut Client,
    tenant_id: Option<&str>,
    access: Access,
    statement_timeout_ms: u64,
) -> Result<Transaction<'a>, StorageError> {
    let tx = client
        .build_transaction()
        .read_only(access == Access::ReadOnly)
        .start()
        .await
        .map_err(|e| StorageError::new("starting an API transaction", e))?;
    let timeout = statement_timeout_ms.to_string();
    tx.execute(ENTER_SCOPE, &[&tenant_id.unwrap_or(""), &timeout])
        .await
        .map_err(|e| StorageError::new("entering the tenant scope", e))?;
    Ok(tx)
}

/// Why the connecting role cannot run API statements, or `None` when it
/// can: the role is missing, not granted to it, or lacks its grants.
///
/// # Errors
///
/// The query failed.
pub async fn api_role_problem(client: &Client) -> Result<Option<String>, StorageError> {
    let row = client
        .query_one(
            "SELECT r.oid IS NOT NULL,
                    CASE WHEN r.oid IS NULL THEN false
                         ELSE pg_has_role(current_user, r.oid, 'SET') END,
                    CASE WHEN r.oid IS NULL THEN false
                         ELSE has_table_privilege(r.oid, 'alerts', 'SELECT') END,
                    current_user
             FROM (SELECT 1) one LEFT JOIN pg_roles r ON r.rolname = 'nexzo_api'",
            &[],
        )
        .await
        .map_err(|e| StorageError::new("checking the API role", e))?;
    let (exists, member, granted, user): (bool, bool, bool, String) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let fix = "an administrator runs: CREATE ROLE nexzo_api NOLOGIN; \
               GRANT nexzo_api TO <api login>; SELECT grant_api_role()";
    Ok(match (exists, member, granted) {
        (false, _, _) => Some(format!("the role nexzo_api does not exist; {fix}")),
        (true, false, _) => Some(format!("{user} may not SET ROLE nexzo_api; {fix}")),
        (true, true, false) => Some(format!("nexzo_api lacks its grants; {fix}")),
        (true, true, true) => None,
    })
}

/// Commits an API transaction.
///
/// # Errors
///
/// The commit failed; nothing of the transaction is applied.
pub async fn commit(tx: Transaction<'_>) -> Result<(), StorageError> {
    tx.commit()
        .await
        .map_err(|e| StorageError::new("committing an API transaction", e))
}
