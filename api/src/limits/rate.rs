//! Keyed token-bucket limiters: one bucket per credential, one per client
//! address (per /64 for IPv6, which hands each subscriber a whole block).

use std::net::IpAddr;
use std::num::NonZeroU32;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use metrics::counter;

use crate::config::ApiConfig;
use crate::error::ApiError;

/// Both limiters.
///
/// The buckets live in this process: behind a load balancer with several
/// API instances a caller gets the configured rate from each of them. A
/// shared store (or sticky routing by credential) would lift that.
#[derive(Debug)]
pub struct RateLimits {
    per_key: DefaultKeyedRateLimiter<String>,
    per_address: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
}

impl RateLimits {
    /// Builds the limiters from configuration `problems()` has passed;
    /// a zero rate is raised to one rather than panicking.
    pub fn new(config: &ApiConfig) -> Self {
        let quota = |per_sec: u32, burst: u32| {
            Quota::per_second(NonZeroU32::new(per_sec).unwrap_or(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN))
        };
        Self {
            per_key: RateLimiter::keyed(quota(
                config.rate_limit_per_key_per_sec,
                config.rate_limit_per_key_burst,
            )),
            per_address: RateLimiter::keyed(quota(
                config.rate_limit_per_address_per_sec,
                config.rate_limit_per_address_burst,
            )),
            clock: DefaultClock::default(),
        }
    }

    /// Takes one request from the credential's bucket.
    ///
    /// # Errors
    ///
    /// `RateLimited` with the seconds until the next request would pass.
    pub fn check_key(&self, key: &str) -> Result<(), ApiError> {
        let key = key.to_owned();
        self.per_key
            .check_key(&key)
            .map_err(|not_until| self.refuse("key", not_until.wait_time_from(self.clock.now())))
    }

    /// Takes one request from the address's bucket.
    ///
    /// # Errors
    ///
    /// As [`RateLimits::check_key`].
    pub fn check_address(&self, address: IpAddr) -> Result<(), ApiError> {
        self.per_address
            .check_key(&bucket_of(address))
            .map_err(|not_until| self.refuse("address", not_until.wait_time_from(self.clock.now())))
    }

    /// Forgets callers whose allowance has refilled.
    pub fn prune(&self) {
        self.per_key.retain_recent();
        self.per_key.shrink_to_fit();
        self.per_address.retain_recent();
        self.per_address.shrink_to_fit();
    }

    /// Callers currently remembered, for tests and gauges.
    pub fn tracked(&self) -> usize {
        self.per_key.len() + self.per_address.len()
    }

    fn refuse(&self, limiter: &'static str, wait: std::time::Duration) -> ApiError {
        counter!("nexzo_api_rate_limited_total", "limiter" => limiter).increment(1);
        // Rounded up: a client retrying after a rounded-down delay would be
        // refused again.
        let retry_after_secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        ApiError::RateLimited {
            retry_after_secs: retry_after_secs.max(1),
        }
    }
}

/// The bucket an address counts against.
fn bucket_of(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V4(_) => address,
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(prefix.into())
        }
    }
}
