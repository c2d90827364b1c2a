//! The agents' wishes (soft): `PREFERRED_OFF` and weighted `REQUEST`s.

use super::{AgentDays, Code, Horizon, Violation};
use crate::model::time::weekday_short;
use crate::scenario::Scenario;
use chrono::Datelike;

pub(super) fn check(a: &AgentDays, sc: &Scenario, h: Horizon, v: &mut Vec<Violation>) {
    preferred_off(a, h, v);
    requests(a, sc, h, v);
}

/// No shift on a preferred day off.
fn preferred_off(a: &AgentDays, h: Horizon, v: &mut Vec<Violation>) {
    for (d, s) in a.in_horizon(h).filter(|(d, _)| a.agent.prefers_off(*d)) {
        let msg = format!(
            "{} asked for {} off but works {} on {d}",
            a.name(),
            weekday_short(d.weekday()),
            s.label
        );
        v.push(Violation::new(Code::PreferredOff, a.id(), msg).on(d));
    }
}

/// Every request on a date of the horizon granted: to work, to be off, to start from or end
/// by a time.
fn requests(a: &AgentDays, sc: &Scenario, h: Horizon, v: &mut Vec<Violation>) {
    for rq in a.agent.requests.iter().filter(|r| h.contains(r.date)) {
        let shift = a.shift_on(rq.date);
        if rq.granted_by(shift.map(|s| s.minutes())) {
            continue;
        }
        let weight = rq.weight.unwrap_or(sc.costs.preference_violation);
        let got = match shift {
            Some(s) => format!(
                "works {}–{}",
                s.start.format("%H:%M"),
                s.end.format("%H:%M")
            ),
            None => "is off".into(),
        };
        let msg = format!(
            "{} asked to {} on {} (weight {weight}) but {got}",
            a.name(),
            rq.describe(),
            rq.date
        );
        v.push(Violation::new(Code::Request, a.id(), msg).on(rq.date));
    }
}
