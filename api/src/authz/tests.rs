use super::*;

fn user(role: Role) -> Principal {
    Principal {
        tenant_id: "t-1".into(),
        subject: "u-1".into(),
        credential: Credential::User {
            role,
            properties: vec!["p-1".into()],
            units: vec!["unit-7".into()],
        },
    }
}

fn key(scopes: &[KeyScope]) -> Principal {
    Principal {
        tenant_id: "t-1".into(),
        subject: "k-1".into(),
        credential: Credential::ApiKey {
            scopes: scopes.to_vec(),
        },
    }
}

const ALL: Reach = Reach {
    properties: None,
    units: None,
};

fn props() -> Reach {
    Reach {
        properties: Some(vec!["p-1".into()]),
        units: None,
    }
}

fn units() -> Reach {
    Reach {
        properties: None,
        units: Some(vec!["unit-7".into()]),
    }
}

/// (role, action, expected reach or None for denied)
fn role_table() -> Vec<(Role, Action, Option<Reach>)> {
    use Action::*;
    use Role::*;
    vec![
        (Tenant, MeterUsage, Some(units())),
        (Tenant, LatestReadings, Some(units())),
        (Tenant, MeterRegistry, Some(units())),
        (Tenant, PropertyUsage, None),
        (Tenant, TenantUsage, None),
        (Tenant, ReadAlerts, None),
        (Tenant, ChangeAlertStatus, None),
        (Tenant, ReadQuarantine, None),
        (Landlord, MeterUsage, Some(props())),
        (Landlord, PropertyUsage, Some(props())),
        (Landlord, LatestReadings, Some(props())),
        (Landlord, MeterRegistry, Some(props())),
        (Landlord, TenantUsage, None),
        (Landlord, ReadAlerts, None),
        (Landlord, ReadQuarantine, None),
        (ServiceProvider, PropertyUsage, Some(props())),
        (ServiceProvider, MeterRegistry, Some(props())),
        (ServiceProvider, TenantUsage, None),
        (ServiceProvider, ChangeAlertStatus, None),
        (Analyst, ReadAlerts, Some(ALL)),
        (Analyst, ChangeAlertStatus, Some(ALL)),
        (Analyst, MeterUsage, None),
        (Analyst, ReadQuarantine, None),
        (Admin, TenantUsage, Some(ALL)),
        (Admin, PropertyUsage, Some(ALL)),
        (Admin, ReadAlerts, Some(ALL)),
        (Admin, ChangeAlertStatus, Some(ALL)),
        (Admin, ReadQuarantine, Some(ALL)),
    ]
}

#[test]
fn each_role_reaches_exactly_what_the_table_in_the_module_doc_says() {
    for (role, action, expected) in role_table() {
        let decided = decide(&user(role), action).ok();
        assert_eq!(decided, expected, "{role:?} {action:?}");
    }
}

#[test]
fn a_resident_with_properties_in_their_token_still_sees_only_their_units() {
    // A benign look-alike of a landlord's token: the properties claim
    // must not widen a resident's reach.
    let reach = decide(&user(Role::Tenant), Action::MeterUsage).expect("allowed");
    assert_eq!(reach.properties, None);
    assert_eq!(reach.units, Some(vec!["unit-7".to_owned()]));
}

#[test]
fn a_landlord_whose_token_lists_no_property_reaches_no_property() {
    let landlord = Principal {
        credential: Credential::User {
            role: Role::Landlord,
            properties: Vec::new(),
            units: Vec::new(),
        },
        ..user(Role::Landlord)
    };
    let reach = decide(&landlord, Action::PropertyUsage).expect("allowed");
    assert_eq!(reach.properties, Some(Vec::new()));
}

#[test]
fn api_keys_are_allowed_exactly_the_actions_of_their_scopes() {
    use Action::*;
    let cases: [(&[KeyScope], Action, bool); 9] = [
        (&[KeyScope::UsageRead], MeterUsage, true),
        (&[KeyScope::UsageRead], TenantUsage, true),
        (&[KeyScope::UsageRead], LatestReadings, false),
        (&[KeyScope::MetersRead], MeterRegistry, true),
        (&[KeyScope::AlertsRead], ReadAlerts, true),
        (&[KeyScope::AlertsRead], ChangeAlertStatus, false),
        (&[KeyScope::AlertsWrite], ChangeAlertStatus, true),
        (&[KeyScope::QuarantineRead], ReadQuarantine, true),
        (&[], ReadQuarantine, false),
    ];
    for (scopes, action, allowed) in cases {
        let decided = decide(&key(scopes), action);
        assert_eq!(decided.is_ok(), allowed, "{scopes:?} {action:?}");
        if let Ok(reach) = decided {
            assert_eq!(reach, ALL, "a key reaches its whole tenant");
        }
    }
}

#[test]
fn scope_names_round_trip_and_unknown_names_are_refused() {
    for scope in KeyScope::ALL {
        assert_eq!(KeyScope::parse(scope.as_str()), Some(scope));
    }
    assert_eq!(KeyScope::parse("usage:write"), None);
    assert_eq!(KeyScope::parse("USAGE:READ"), None);
}

#[test]
fn keys_and_people_of_different_tenants_never_share_a_limiter_key() {
    let a = user(Role::Admin);
    let b = Principal {
        tenant_id: "t-2".into(),
        ..user(Role::Admin)
    };
    assert_ne!(a.limiter_key(), b.limiter_key());
    assert_ne!(key(&[]).limiter_key(), user(Role::Admin).limiter_key());
}
