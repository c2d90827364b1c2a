//! `SKILL`: an agent serves only queues that one of their skills (or their tier) may serve.
//! A shift lists the queues it serves (the roster's `queues` column); one that lists none
//! serves whatever the agent's skills allow, which cannot break the rule.

use super::{AgentDays, Code, Horizon, Violation};
use crate::scenario::Scenario;

/// Has `agent` one of the skills or tiers in `allowed` (none listed: anybody may)?
pub(super) fn may_serve(agent: &crate::agents::Agent, allowed: &[&String]) -> bool {
    let has = |k: &String| {
        agent.tier.eq_ignore_ascii_case(k) || agent.skills.iter().any(|x| x.eq_ignore_ascii_case(k))
    };
    allowed.is_empty() || allowed.iter().any(|k| has(k))
}

pub(super) fn check(a: &AgentDays, sc: &Scenario, h: Horizon, v: &mut Vec<Violation>) {
    for (d, s) in a.in_horizon(h) {
        for name in &s.queues {
            let Some(q) = sc.queues.iter().find(|q| q.name.eq_ignore_ascii_case(name)) else {
                let msg = format!(
                    "{} serves queue `{name}` on {d}, which the scenario does not define (queues: {})",
                    a.name(),
                    sc.queues.iter().map(|q| q.name.as_str()).collect::<Vec<_>>().join(", ")
                );
                v.push(Violation::new(Code::Skill, a.id(), msg).on(d));
                continue;
            };
            let allowed: Vec<&String> = q.tiers.iter().chain(&q.skills).collect();
            let agent = a.agent;
            if !may_serve(agent, &allowed) {
                let msg = format!(
                    "{} ({}{}) serves queue `{}` on {d}, which only {} may serve",
                    a.name(),
                    agent.tier,
                    if agent.skills.is_empty() {
                        String::new()
                    } else {
                        format!("; skills {}", agent.skills.join(", "))
                    },
                    q.name,
                    allowed
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>()
                        .join(" / ")
                );
                v.push(Violation::new(Code::Skill, a.id(), msg).on(d));
            }
        }
    }
}
