//! Abuse controls: rate limits per address and per credential, and the
//! count of rows each credential has read.

mod rate;
mod reads;

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::address::{ClientAddress, client_address};
use crate::state::AppState;

pub use rate::RateLimits;
pub use reads::{ReadCounter, Reader};

/// Works out the client's address, refuses it when it is over its rate,
/// and leaves the address for the handlers. Runs before authentication, so
/// guessing credentials is as slow as anything else.
pub(crate) async fn per_address(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded = request
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let address = match peer {
        Some(peer) => client_address(peer, forwarded, state.trusted_proxies()),
        None => IpAddr::from([0, 0, 0, 0]),
    };
    if let Err(refused) = state.limits().check_address(address) {
        return refused.into_response();
    }
    request.extensions_mut().insert(ClientAddress(address));
    next.run(request).await
}
