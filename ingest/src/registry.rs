//! The meter allowlist as the ingest path sees it: an immutable snapshot,
//! swapped atomically when the registry table changes.

use std::collections::HashMap;
use std::sync::Arc;

use arc_swap::ArcSwap;

/// What the registry knows of one meter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterInfo {
    pub tenant_id: Arc<str>,
    pub property_id: Arc<str>,
    /// The gateway allowed to report for this meter, if any.
    pub gateway_id: Option<Arc<str>>,
    /// A deactivated meter keeps its history but may not send new readings.
    pub active: bool,
    /// The property's IANA time zone for daily buckets, as registered;
    /// `None` means the pipeline's default. Ingest does not use it.
    pub time_zone: Option<Arc<str>>,
}

/// What the registry knows of one OriginFD site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteInfo {
    pub tenant_id: Arc<str>,
    pub property_id: Arc<str>,
    pub active: bool,
}

/// One consistent view of the registry: the meters and the integrator sites
/// allowed to send data.
#[derive(Debug, Clone, Default)]
pub struct Registry {
    meters: HashMap<String, MeterInfo>,
    sites: HashMap<String, SiteInfo>,
}

impl Registry {
    pub fn new(meters: HashMap<String, MeterInfo>, sites: HashMap<String, SiteInfo>) -> Self {
        Self { meters, sites }
    }

    pub fn site(&self, site_id: &str) -> Option<&SiteInfo> {
        self.sites.get(site_id)
    }

    pub fn lookup(&self, meter_id: &str) -> Option<&MeterInfo> {
        self.meters.get(meter_id)
    }

    pub fn len(&self) -> usize {
        self.meters.len()
    }

    pub fn is_empty(&self) -> bool {
        self.meters.is_empty()
    }
}

/// The registry shared between the refresher (one writer) and the validating
/// stage (readers that never block it).
pub type SharedRegistry = Arc<ArcSwap<Registry>>;
