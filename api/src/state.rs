//! What every request handler shares.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use deadpool_postgres::{
    Manager, ManagerConfig, Object, Pool, PoolError, RecyclingMethod, Runtime,
};
use ipnet::IpNet;
use metrics_exporter_prometheus::PrometheusHandle;
use nexzo_storage::portal::{self, Access, Scope};
use tokio_postgres::{NoTls, Transaction};
use tracing::warn;

use crate::auth::JwtVerifier;
use crate::authz::{Credential, Principal, Reach};
use crate::config::ApiConfig;
use crate::error::ApiError;
use crate::limits::{RateLimits, ReadCounter, Reader};

/// Whether statements name the caller's tenant themselves, on top of
/// row-level security.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantFilter {
    /// Both layers: the only setting for service.
    SqlAndRowSecurity,
    /// Row-level security alone. Exists so that a test can show the
    /// policies keep tenants apart even if a statement forgot its tenant
    /// clause; never use it in service.
    RowSecurityOnly,
}

/// The handlers' shared state; cheap to clone.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: ApiConfig,
    pool: Pool,
    jwt: JwtVerifier,
    limits: RateLimits,
    reads: ReadCounter,
    /// Whether `reads` is kept: only when something takes it.
    counting_reads: AtomicBool,
    trusted_proxies: Vec<IpNet>,
    metrics: Option<PrometheusHandle>,
    tenant_filter: TenantFilter,
}

impl AppState {
    /// Builds the state from checked configuration and a pool (see
    /// [`connection_pool`]). `metrics` renders `/metrics`; without it that
    /// endpoint answers 404.
    ///
    /// # Errors
    ///
    /// The configuration has problems.
    pub fn new(
        config: ApiConfig,
        pool: Pool,
        metrics: Option<PrometheusHandle>,
        tenant_filter: TenantFilter,
    ) -> anyhow::Result<Self> {
        let problems = config.problems();
        if !problems.is_empty() {
            anyhow::bail!("invalid API configuration: {}", problems.join("; "));
        }
        let jwt = JwtVerifier::new(&config.jwt).map_err(anyhow::Error::msg)?;
        let inner = Inner {
            limits: RateLimits::new(&config),
            trusted_proxies: config.trusted_proxy_nets(),
            config,
            pool,
            jwt,
            reads: ReadCounter::default(),
            counting_reads: AtomicBool::new(false),
            metrics,
            tenant_filter,
        };
        Ok(Self {
            inner: Arc::new(inner),
        })
    }

    /// Starts or stops counting rows returned per reader. Off until turned
    /// on: counts nobody takes would grow with every reader seen.
    pub fn count_reads_per_reader(&self, on: bool) {
        self.inner.counting_reads.store(on, Ordering::Relaxed);
    }

    /// Rows returned so far per reader, left in place.
    pub fn reads(&self) -> BTreeMap<Reader, u64> {
        self.inner.reads.snapshot()
    }

    /// Rows returned per reader since the last call, which starts the
    /// counts again: the call the periodic mass-export watch makes.
    pub fn take_reads(&self) -> BTreeMap<Reader, u64> {
        self.inner.reads.take()
    }

    /// The rate limiters.
    pub fn limits(&self) -> &RateLimits {
        &self.inner.limits
    }

    pub(crate) fn config(&self) -> &ApiConfig {
        &self.inner.config
    }

    pub(crate) fn jwt(&self) -> &JwtVerifier {
        &self.inner.jwt
    }

    pub(crate) fn trusted_proxies(&self) -> &[IpNet] {
        &self.inner.trusted_proxies
    }

    pub(crate) fn metrics(&self) -> Option<&PrometheusHandle> {
        self.inner.metrics.as_ref()
    }

    pub(crate) fn statement_timeout_ms(&self) -> u64 {
        self.inner.config.statement_timeout_ms
    }

    /// Starts a request's transaction on `client`: as the API role, in
    /// `tenant_id`'s scope (none: no tenant's rows), with the statement
    /// timeout.
    pub(crate) async fn begin<'c>(
        &self,
        client: &'c mut tokio_postgres::Client,
        tenant_id: Option<&str>,
        access: Access,
    ) -> Result<Transaction<'c>, ApiError> {
        let timeout = self.statement_timeout_ms();
        Ok(portal::begin(client, tenant_id, access, timeout).await?)
    }

    pub(crate) fn count_reads(&self, principal: &Principal, rows: usize) {
        let rows = u64::try_from(rows).unwrap_or(u64::MAX);
        metrics::counter!("nexzo_api_rows_returned_total").increment(rows);
        if !self.inner.counting_reads.load(Ordering::Relaxed) {
            return;
        }
        let reader = Reader {
            tenant_id: principal.tenant_id.clone(),
            subject: principal.subject.clone(),
            api_key: matches!(principal.credential, Credential::ApiKey { .. }),
        };
        self.inner.reads.add(reader, rows);
    }

    /// The storage scope for a principal and what it may reach.
    pub(crate) fn scope(&self, principal: &Principal, reach: Reach) -> Scope {
        Scope {
            tenant_id: principal.tenant_id.clone(),
            properties: reach.properties,
            units: reach.units,
            sql_tenant_filter: self.inner.tenant_filter == TenantFilter::SqlAndRowSecurity,
        }
    }

    /// A pooled connection.
    ///
    /// # Errors
    ///
    /// `Unavailable` when none frees up in time or the database is down.
    pub(crate) async fn connection(&self) -> Result<Object, ApiError> {
        self.inner.pool.get().await.map_err(|e| {
            if !matches!(e, PoolError::Timeout(_)) {
                warn!(cause = %e, "no database connection for an API request");
            }
            metrics::counter!("nexzo_api_pool_unavailable_total").increment(1);
            ApiError::Unavailable
        })
    }
}

/// A connection pool for the API, sized and timed by `config`.
///
/// # Errors
///
/// The URL does not parse, or the pool cannot be built.
pub fn connection_pool(database_url: &str, config: &ApiConfig) -> anyhow::Result<Pool> {
    let mut pg: tokio_postgres::Config = database_url.parse()?;
    pg.application_name("nexzo-api");
    pg.connect_timeout(Duration::from_millis(config.pool_wait_ms));
    let manager = Manager::from_config(
        pg,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let wait = Some(Duration::from_millis(config.pool_wait_ms));
    Ok(Pool::builder(manager)
        .max_size(config.pool_size)
        .wait_timeout(wait)
        .create_timeout(wait)
        .runtime(Runtime::Tokio1)
        .build()?)
}
