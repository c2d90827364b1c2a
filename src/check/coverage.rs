//! Coverage: agents on the queue per interval against the requirement (no violations; the
//! plan's goal, measured).

use super::Horizon;
use crate::model::time::fmt_ts;
use crate::model::Roster;
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use crate::staffing::requirements::Requirements;
use serde::Serialize;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    pub intervals: usize,
    pub under_covered_intervals: usize,
    pub under_agent_hours: f64,
    pub over_agent_hours: f64,
    pub worst: Option<String>,
    /// Agents on the queue per interval.
    pub scheduled: Vec<u32>,
    /// The same in trained-agent equivalents (each agent counts as its contract's
    /// productivity, rounded down): what under- and over-coverage are measured with.
    pub effective: Vec<u32>,
    /// Each queue limited to some skills, covered by the agents who serve it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_queue: Vec<QueueCoverage>,
}

/// One skill-limited queue's coverage: its part of the requirement (its agents on the queue
/// over the shrinkage) against the agents on the queue who serve it — a shift that names its
/// queues serves those, one that names none serves every queue the agent's skills allow.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueCoverage {
    pub queue: String,
    pub under_covered_intervals: usize,
    pub under_agent_hours: f64,
}

/// Coverage of `req` by the roster's shifts of agents on the list, and by last week's shifts
/// that run into the horizon.
pub(super) fn report(
    r: &Roster,
    previous: Option<&Roster>,
    agents: &[Agent],
    sc: &Scenario,
    req: &Requirements,
    h: Horizon,
) -> CoverageReport {
    let (scheduled, effective) = on_queue(r, previous, agents, sc, req, h);
    let g = req.grid;
    let (mut under, mut over, mut n_under) = (0.0, 0.0, 0);
    let mut worst: Option<(u32, usize)> = None;
    for k in 0..g.len {
        let (need, have) = (req.rows[k].agents_required, effective[k]);
        if have < need {
            n_under += 1;
            under += (need - have) as f64 * g.step_hours();
            if worst.is_none_or(|(w, _)| need - have > w) {
                worst = Some((need - have, k));
            }
        } else {
            over += (have - need) as f64 * g.step_hours();
        }
    }
    let worst = worst.map(|(s, k)| {
        format!(
            "{} short by {s} (need {}, scheduled {})",
            fmt_ts(g.at(k)),
            req.rows[k].agents_required,
            effective[k]
        )
    });
    CoverageReport {
        intervals: g.len,
        under_covered_intervals: n_under,
        under_agent_hours: under,
        over_agent_hours: over,
        worst,
        scheduled,
        effective,
        by_queue: by_queue(r, agents, sc, req),
    }
}

/// Coverage of every queue limited to some skills (none when the requirement has no queues).
fn by_queue(r: &Roster, agents: &[Agent], sc: &Scenario, req: &Requirements) -> Vec<QueueCoverage> {
    let g = req.grid;
    let by_id: HashMap<&str, &Agent> = agents.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut out = Vec::new();
    for (qi, name) in req.queues.iter().enumerate() {
        let Some(q) = sc.queues.iter().find(|q| &q.name == name) else {
            continue;
        };
        let allowed: Vec<&String> = q.tiers.iter().chain(&q.skills).collect();
        if allowed.is_empty() || req.rows.iter().all(|x| x.by_queue.len() <= qi) {
            continue;
        }
        let serves = |a: &Agent, listed: &[String]| {
            if listed.is_empty() {
                super::skill::may_serve(a, &allowed)
            } else {
                listed.iter().any(|l| l.eq_ignore_ascii_case(name))
            }
        };
        let mut have = vec![0.0f64; g.len];
        for e in &r.entries {
            let (Some(s), Some(a)) = (&e.shift, by_id.get(e.agent_id.as_str())) else {
                continue;
            };
            if serves(a, &s.queues) {
                for k in s.queue_intervals(&g) {
                    have[k] += sc.productivity(&a.contract);
                }
            }
        }
        let (mut n, mut hours) = (0, 0.0);
        for (k, row) in req.rows.iter().enumerate() {
            let on_queue = row.by_queue.get(qi).map_or(0, |b| b.agents_on_queue);
            let need = crate::staffing::requirements::scheduled(on_queue, row.shrinkage) as f64;
            let short = need - crate::scenario::whole_agents(have[k]) as f64;
            if short > 0.0 {
                n += 1;
                hours += short * g.step_hours();
            }
        }
        out.push(QueueCoverage {
            queue: name.clone(),
            under_covered_intervals: n,
            under_agent_hours: hours,
        });
    }
    out
}

/// Agents on the queue per interval of the requirement, as heads and as trained-agent
/// equivalents.
fn on_queue(
    r: &Roster,
    previous: Option<&Roster>,
    agents: &[Agent],
    sc: &Scenario,
    req: &Requirements,
    h: Horizon,
) -> (Vec<u32>, Vec<u32>) {
    let g = req.grid;
    let by_id: HashMap<&str, &Agent> = agents.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut sched = vec![0u32; g.len];
    let mut eff = vec![0.0f64; g.len];
    // last week's overnight shifts cover the first hours too
    let carried = previous
        .into_iter()
        .flat_map(|p| p.entries.iter().filter(|e| e.date < h.first));
    for e in r.entries.iter().chain(carried) {
        let (Some(s), Some(a)) = (&e.shift, by_id.get(e.agent_id.as_str())) else {
            continue;
        };
        let p = sc.productivity(&a.contract);
        for k in s.queue_intervals(&g) {
            sched[k] += 1;
            eff[k] += p;
        }
    }
    let effective = eff.into_iter().map(crate::scenario::whole_agents).collect();
    (sched, effective)
}
