//! The OpenAPI document, derived from the handlers' annotations. A test
//! compares it with the checked-in `api/openapi.json` and requests every
//! path it lists, so the document, the file and the router cannot drift.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{alerts, health, meters, quarantine, usage};

/// The document.
#[derive(Debug, OpenApi)]
#[openapi(
    info(
        title = "Nexzo MyProperty query API",
        description = "Energy usage, meters, alerts and quarantine, scoped to the caller's \
                       tenant. Authenticate with `Authorization: Bearer <JWT or API key>`. \
                       Every error has the shape {\"error\": {\"code\", \"message\"}}."
    ),
    paths(
        usage::meter, usage::property, usage::tenant,
        meters::registry, meters::property_latest, meters::meter_latest,
        alerts::list, alerts::detail, alerts::change_status,
        quarantine::list, quarantine::detail,
        health::healthz, health::readyz, health::metrics, health::openapi,
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

/// Declares the `bearer` scheme the paths refer to.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let scheme = HttpBuilder::new()
            .scheme(HttpAuthScheme::Bearer)
            .description(Some(
                "A JWT from the identity provider, or an API key (nxk_…)",
            ))
            .build();
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme("bearer", SecurityScheme::Http(scheme));
    }
}
