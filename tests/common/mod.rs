//! Helpers shared by the integration tests.

use paiban::agents::Agent;

/// A junior agent of `contract` with no minimums, no unavailability and no wishes.
pub fn agent(id: &str, contract: &str, max_hours: f64, max_days: u32) -> Agent {
    Agent {
        id: id.into(),
        name: id.into(),
        tier: "junior".into(),
        contract: contract.into(),
        min_hours: 0.0,
        max_hours,
        min_days: 0,
        max_days,
        unavailable: vec![],
        preferred_off: vec![],
        requests: vec![],
    }
}
