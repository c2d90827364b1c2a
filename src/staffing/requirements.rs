//! Staffing requirements: agents needed per interval from forecast volume.
//!
//! Per queue (pre-sales, after-sales… or one queue for everything) and interval: chats reaching
//! agents = forecast volume at the chosen quantile × volume_factor × queue share × (1 − bot
//! deflection of that queue at that time).
//! An agent handles up to `k` chats at once, each taking `aht × (1 + slowdown × (k − 1))` when
//! the agent is full and less when not ([`crate::staffing::pool`]: Erlang C — or Erlang A when
//! customers' patience is set — with the chats' pace depending on how many share an agent, the
//! model the simulation in [`crate::staffing::simulate`] runs). It gives the fewest agents on
//! the queue meeting the service level (and ASA, abandonment) target under the occupancy cap,
//! summed over the queues (each staffed on its own); agents scheduled = ⌈on-queue / (1 −
//! shrinkage at that time)⌉, at least `min_agents` while open. Outside opening hours chats are left as messages: the backlog is
//! added to the first `backlog_clear` of the next opening, so the requirement moves to the
//! morning instead of vanishing.

use crate::forecast::Forecast;
use crate::io::{fmt_f, read_text, Col, InputError, Table};
use crate::model::time::{fmt_ts, minute_of_day, Grid};
use crate::scenario::Scenario;
use crate::staffing::erlang::Target;
use crate::staffing::pool::{self, Sharing};
use rayon::prelude::*;
use serde::Serialize;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RequirementsError {
    #[error("the forecast is at {have}-minute intervals but the scenario plans at {want} minutes; forecast again with --interval {want}m")]
    Interval { have: u32, want: u32 },
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Requirement {
    pub volume: f64,
    /// Chats reaching agents, including backlog cleared in this interval.
    pub agent_volume: f64,
    pub backlog: f64,
    /// Handle time per chat at the configured concurrency.
    pub aht_seconds: f64,
    pub traffic_erlangs: f64,
    pub open: bool,
    pub agents_on_queue: u32,
    pub agents_required: u32,
    pub service_level: f64,
    pub asa_seconds: f64,
    pub occupancy: f64,
    /// Expected share of chats abandoning (Erlang A; 0 under Erlang C).
    pub abandon: f64,
    /// Share of paid time off the queue at this time.
    pub shrinkage: f64,
    /// Per queue, when the scenario has more than one.
    pub by_queue: Vec<QueueRequirement>,
}

/// One queue's part of an interval's requirement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QueueRequirement {
    pub queue: String,
    /// Chats reaching agents, including messages left while closed and cleared now.
    pub agent_volume: f64,
    pub backlog: f64,
    pub aht_seconds: f64,
    pub agents_on_queue: u32,
    pub service_level: f64,
    pub asa_seconds: f64,
    pub abandon: f64,
    pub occupancy: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Requirements {
    pub grid: Grid,
    pub rows: Vec<Requirement>,
    /// Queue names (one, `all`, when the scenario defines none).
    pub queues: Vec<String>,
    /// The intervals right after the horizon (the next horizon's first hours, from the
    /// forecast of the day after), as far as shifts starting on its last day reach: the plan
    /// covers them too, so that the roster handed on as the next week's
    /// `inputs.previous_roster` has the night across the boundary covered. Empty unless set
    /// ([`crate::pipeline`] sets it).
    pub after: Vec<Requirement>,
}

/// Agents to schedule so that `on_queue` are on the queue after `shrinkage`.
pub fn scheduled(on_queue: u32, shrinkage: f64) -> u32 {
    (on_queue as f64 / (1.0 - shrinkage) - 1e-9).ceil() as u32
}

impl Requirements {
    pub fn required(&self) -> Vec<u32> {
        self.rows.iter().map(|r| r.agents_required).collect()
    }
    pub fn peak(&self) -> u32 {
        self.rows
            .iter()
            .map(|r| r.agents_required)
            .max()
            .unwrap_or(0)
    }
    /// Agent-hours required over the horizon.
    pub fn agent_hours(&self) -> f64 {
        self.rows
            .iter()
            .map(|r| r.agents_required as f64)
            .sum::<f64>()
            * self.grid.step_hours()
    }
}

/// The service target of a scenario as an Erlang target.
pub fn target(sc: &Scenario) -> Target {
    Target {
        service_level: sc.service.target_percent / 100.0,
        answer_seconds: sc.service.target_answer.0,
        max_asa_seconds: sc.service.max_asa.map(|m| m.0),
        max_occupancy: sc.service.occupancy_max,
        max_abandon: sc.service.max_abandon_percent.map(|m| m / 100.0),
    }
}

/// The service level of interval `r` with `m` agents on its queues, for `m` from 0 to `upto`:
/// the share of its chats answered within their queue's target answer time (Erlang C, or
/// Erlang A with a patience; `m` agents hold `m × concurrency` chats at once). With several
/// `[[queue]]`s, the chats of every queue together, each queue getting its share of the `m`
/// agents ([`interval_model`]).
pub fn service_curve(sc: &Scenario, r: &Requirement, upto: u32) -> Vec<f64> {
    interval_model(sc, r, upto)
        .into_iter()
        .map(|(sl, _)| sl)
        .collect()
}

/// One queue's part of an interval as its service model sees it.
struct Part<'a> {
    q: &'a QueueSpec,
    chats: f64,
    aht: f64,
    /// The share of the interval's agents on the queue it gets.
    share: f64,
    /// Its agents on the queue at the per-interval target.
    at_target: u32,
}

impl Part<'_> {
    /// Its queue with `agents` on it, over an interval of `secs` seconds.
    fn staffing(&self, sc: &Scenario, secs: f64, agents: u32) -> crate::staffing::erlang::Staffing {
        pool::staffing(
            agents,
            self.chats / secs,
            self.aht,
            self.q.patience,
            sharing(sc, self.q),
            self.q.target.answer_seconds,
        )
    }
}

/// The queues of interval `r` (one part for a scenario with one queue). Each queue with chats
/// gets the share of the agents its per-interval requirement has (at least one agent's worth);
/// a queue without chats none.
fn parts<'a>(qs: &'a [QueueSpec], r: &Requirement) -> Vec<Part<'a>> {
    if r.by_queue.is_empty() {
        return vec![Part {
            q: &qs[0],
            chats: r.agent_volume,
            aht: r.aht_seconds,
            share: 1.0,
            at_target: r.agents_on_queue,
        }];
    }
    let weight = |b: &QueueRequirement| {
        if b.agent_volume > 0.0 {
            b.agents_on_queue.max(1) as f64
        } else {
            0.0
        }
    };
    let total: f64 = r.by_queue.iter().map(weight).sum();
    qs.iter()
        .zip(&r.by_queue)
        .map(|(q, b)| Part {
            q,
            chats: b.agent_volume,
            aht: b.aht_seconds,
            share: if total > 0.0 { weight(b) / total } else { 0.0 },
            at_target: b.agents_on_queue,
        })
        .collect()
}

/// Interval `r`'s queue model with `m` agents on its queues, for `m` from 0 to `upto`: the
/// share of its chats answered in time, and the chat slots held on average (occupancy ×
/// slots, as the simulation counts them). With several `[[queue]]`s each queue gets its share
/// of the `m` agents (as its per-interval requirement splits them; a fraction of an agent is
/// read between whole ones) and the chats of all queues are answered in time together — the
/// team's service level, as a day's or week's KPI measures it. An interval without chats
/// answers all of none.
pub fn interval_model(sc: &Scenario, r: &Requirement, upto: u32) -> Vec<(f64, f64)> {
    let qs = queues(sc);
    let secs = sc.horizon.interval.0 as f64 * 60.0;
    let chats: f64 = r.agent_volume;
    if chats <= 0.0 {
        return vec![(1.0, 0.0); upto as usize + 1];
    }
    let parts = parts(&qs, r);
    // per queue with chats: its service level and slots held at 0, 1, … whole agents
    let tables: Vec<(Vec<f64>, Vec<f64>)> = parts
        .iter()
        .map(|p| {
            if p.chats <= 0.0 {
                return (Vec::new(), Vec::new());
            }
            let most = (upto as f64 * p.share).ceil() as u32 + 1;
            (0..=most)
                .map(|m| {
                    let st = p.staffing(sc, secs, m);
                    (st.service_level, st.occupancy * st.servers as f64)
                })
                .unzip()
        })
        .collect();
    if let [(sl, held)] = &tables[..] {
        let n = upto as usize + 1;
        return sl[..n]
            .iter()
            .copied()
            .zip(held[..n].iter().copied())
            .collect();
    }
    let queue_chats: f64 = parts.iter().map(|p| p.chats.max(0.0)).sum();
    (0..=upto)
        .map(|m| {
            let (mut within, mut held) = (0.0, 0.0);
            for (p, (sl, h)) in parts.iter().zip(&tables) {
                if sl.is_empty() {
                    continue;
                }
                let on = m as f64 * p.share;
                within += p.chats * curve_at(sl, on);
                held += curve_at(h, on);
            }
            (within / queue_chats, held)
        })
        .collect()
}

/// How the chats of queue `q` share an agent (its concurrency, the scenario's slowdown).
pub fn sharing(sc: &Scenario, q: &QueueSpec) -> Sharing {
    Sharing {
        k: q.concurrency.max(1),
        slowdown: sc.service.concurrency_slowdown,
    }
}

/// A [`service_curve`] at `on` agents on the queue on average (shrinkage makes it a fraction):
/// linear between whole agents, the last point beyond the curve.
pub fn curve_at(curve: &[f64], on: f64) -> f64 {
    let Some(last) = curve.len().checked_sub(1) else {
        return 1.0;
    };
    let on = on.max(0.0);
    let k = (on.floor() as usize).min(last);
    if k == last {
        return curve[last];
    }
    curve[k] + (curve[k + 1] - curve[k]) * (on - k as f64)
}

/// An interval's floor under a day or week target ([`floor`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    /// Agents to schedule.
    pub agents: u32,
    /// Chat slots held on average — the occupancy's numerator, as the simulation counts it —
    /// at the floor's agents or at the per-interval requirement's, whichever holds more
    /// (fuller agents are slower; more agents lose fewer chats to abandonment): what a day's
    /// or week's occupancy cap weighs against the slots on the queue, an upper estimate for
    /// any cover from the floor on.
    pub held_slots: f64,
    /// With several `[[queue]]`s: each queue's agents on the queue at its floor (empty with
    /// one queue).
    pub by_queue: Vec<u32>,
}

/// The floor of interval `r` under a day or week target: agents to schedule so that each of
/// its queues keeps `service.floor_percent` and the per-interval parts of its target (ASA,
/// abandonment), with `service.min_agents` while open. The occupancy cap is then measured
/// over the day or week like the service level (with [`Floor::held_slots`]), so here it only
/// asks for a queue that does not grow without end.
pub fn floor(sc: &Scenario, r: &Requirement) -> Floor {
    let qs = queues(sc);
    let secs = sc.horizon.interval.0 as f64 * 60.0;
    let (mut on_queue, mut held_slots) = (0, 0.0);
    let mut by_queue = Vec::new();
    for p in parts(&qs, r) {
        let target = Target {
            service_level: sc.service.floor() / 100.0,
            max_occupancy: 1.0,
            ..p.q.target
        };
        let (on, _) = pool::agents_for(
            p.chats / secs,
            p.aht,
            p.q.patience,
            sharing(sc, p.q),
            &target,
        );
        let held = |agents: u32| {
            let st = p.staffing(sc, secs, agents);
            st.occupancy * st.servers as f64
        };
        held_slots += held(on).max(held(p.at_target));
        on_queue += on;
        by_queue.push(on);
    }
    if r.by_queue.is_empty() {
        by_queue.clear();
    }
    let agents = scheduled(on_queue, r.shrinkage);
    Floor {
        agents: if r.open {
            agents.max(sc.service.min_agents)
        } else {
            agents
        },
        held_slots,
        by_queue,
    }
}

/// Agents to schedule in interval `r` at the floor of a day or week target ([`floor`]).
pub fn floor_required(sc: &Scenario, r: &Requirement) -> u32 {
    floor(sc, r).agents
}

/// Per interval of `grid`: whether the service is open (`service.hours`).
pub fn open_intervals(sc: &Scenario, grid: Grid) -> Vec<bool> {
    (0..grid.len)
        .map(|i| match sc.service.hours {
            None => true,
            Some([o, c]) => {
                let m = minute_of_day(grid.at(i));
                m >= o.0 && m < c.0
            }
        })
        .collect()
}

/// Intervals (of `step` minutes) over which the messages left while closed are answered from
/// the opening at `i`: the `backlog_clear` window, cut short where the service closes again,
/// at least one.
pub fn clearing_window(sc: &Scenario, open: &[bool], i: usize, step: u32) -> usize {
    let clear_n = (sc.service.backlog_clear.0 / step).max(1) as usize;
    (i..open.len())
        .take(clear_n)
        .take_while(|&j| open[j])
        .count()
        .max(1)
}

/// A queue with every value resolved against `[service]`.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSpec {
    pub name: String,
    pub share: f64,
    pub target: Target,
    /// Mean patience in seconds (Erlang A), if set.
    pub patience: Option<f64>,
    pub deflection: f64,
    pub concurrency: u32,
    pub aht_factor: f64,
    /// Skills (tiers included) that may serve it; empty: everybody.
    pub skills: Vec<String>,
}

/// The scenario's queues, resolved; one queue `all` when it defines none.
pub fn queues(sc: &Scenario) -> Vec<QueueSpec> {
    let s = &sc.service;
    let base = target(sc);
    if sc.queues.is_empty() {
        return vec![QueueSpec {
            name: "all".into(),
            share: 1.0,
            target: base,
            patience: s.patience.map(|p| p.0),
            deflection: s.deflection,
            concurrency: s.concurrency,
            aht_factor: 1.0,
            skills: Vec::new(),
        }];
    }
    sc.queues
        .iter()
        .map(|q| QueueSpec {
            name: q.name.clone(),
            share: q.share,
            target: Target {
                service_level: q.target_percent.map_or(base.service_level, |p| p / 100.0),
                answer_seconds: q.target_answer.map_or(base.answer_seconds, |a| a.0),
                max_asa_seconds: q.max_asa.map(|m| m.0).or(base.max_asa_seconds),
                max_occupancy: base.max_occupancy,
                max_abandon: q
                    .max_abandon_percent
                    .map(|m| m / 100.0)
                    .or(base.max_abandon),
            },
            patience: q.patience.or(s.patience).map(|p| p.0),
            deflection: q.deflection.unwrap_or(s.deflection),
            concurrency: s.concurrency,
            aht_factor: q.aht_factor,
            skills: q.served_by(),
        })
        .collect()
}

/// Bot deflection of queue `q` at `t`: a matching `deflection_periods` entry, else the queue's.
pub fn deflection_at(sc: &Scenario, q: &QueueSpec, t: chrono::NaiveDateTime) -> f64 {
    sc.service
        .deflection_periods
        .iter()
        .find(|p| {
            p.queue.as_ref().is_none_or(|n| *n == q.name)
                && crate::scenario::in_period(&p.weekdays, p.from, p.to, t)
        })
        .map_or(q.deflection, |p| p.deflection)
}

/// Shrinkage at `t`: the base plus every matching `shrinkage_periods` entry (at most 0.95).
pub fn shrinkage_at(sc: &Scenario, t: chrono::NaiveDateTime) -> f64 {
    let extra: f64 = sc
        .service
        .shrinkage_periods
        .iter()
        .filter(|p| crate::scenario::in_period(&p.weekdays, p.from, p.to, t))
        .map(|p| p.add)
        .sum();
    (sc.service.shrinkage + extra).min(0.95)
}

/// Inverse of the standard normal CDF (Acklam's rational approximation; |error| < 1e-4 in the
/// tails, far below what a staffing quantile needs).
#[allow(clippy::excessive_precision)]
pub fn probit(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.383577518672690e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549671010115818e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.02425 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.02425 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// The forecast volume at quantile `q`, reading P10/P50/P90 as a log-normal (P50 = volume).
pub fn volume_at_quantile(p: &crate::forecast::Point, q: f64) -> f64 {
    if (q - 0.5).abs() < 1e-12 || p.volume <= 0.0 {
        return p.volume;
    }
    let z = probit(q);
    let z90 = probit(0.9);
    let sigma = if q > 0.5 && p.p90 > p.volume {
        (p.p90 / p.volume).ln() / z90
    } else if q < 0.5 && p.p10 > 0.0 && p.p10 < p.volume {
        (p.volume / p.p10).ln() / z90
    } else {
        0.0
    };
    p.volume * (z * sigma).exp()
}

pub fn requirements(f: &Forecast, sc: &Scenario) -> Result<Requirements, RequirementsError> {
    let want = sc.horizon.interval.0;
    if f.grid.step_minutes != want {
        return Err(RequirementsError::Interval {
            have: f.grid.step_minutes,
            want,
        });
    }
    let s = &sc.service;
    let secs = want as f64 * 60.0;
    let qs = queues(sc);
    let n = f.points.len();
    let is_open = open_intervals(sc, f.grid);
    let open = |i: usize| is_open[i];
    let volume: Vec<f64> = f
        .points
        .iter()
        .map(|p| volume_at_quantile(p, s.forecast_quantile) * sc.demand.volume_factor)
        .collect();
    // per queue: chats per interval, with what arrived while closed moved to the next opening
    let per_queue: Vec<Vec<QueueRequirement>> = qs
        .iter()
        .map(|q| {
            let k = q.concurrency as f64;
            let agent_vol: Vec<f64> = (0..n)
                .map(|i| volume[i] * q.share * (1.0 - deflection_at(sc, q, f.grid.at(i))))
                .collect();
            let mut backlog = vec![0.0; n];
            let mut pending = 0.0;
            for i in 0..n {
                if open(i) {
                    if pending > 0.0 {
                        let m = clearing_window(sc, &is_open, i, want);
                        for b in &mut backlog[i..i + m] {
                            *b += pending / m as f64;
                        }
                        pending = 0.0;
                    }
                } else {
                    pending += agent_vol[i];
                }
            }
            // each interval on its own: in parallel, collected in order
            (0..n)
                .into_par_iter()
                .map(|i| {
                    let p = &f.points[i];
                    let aht = p.aht_seconds.unwrap_or(sc.demand.aht_seconds)
                        * sc.demand.aht_factor
                        * q.aht_factor
                        * (1.0 + s.concurrency_slowdown * (k - 1.0));
                    let chats = if open(i) {
                        agent_vol[i] + backlog[i]
                    } else {
                        0.0
                    };
                    let (agents, st) =
                        pool::agents_for(chats / secs, aht, q.patience, sharing(sc, q), &q.target);
                    QueueRequirement {
                        queue: q.name.clone(),
                        agent_volume: chats,
                        backlog: if open(i) { backlog[i] } else { 0.0 },
                        aht_seconds: aht,
                        agents_on_queue: agents,
                        service_level: st.service_level,
                        asa_seconds: st.asa_seconds,
                        abandon: st.abandon,
                        occupancy: st.occupancy,
                    }
                })
                .collect()
        })
        .collect();
    let rows = (0..n)
        .map(|i| {
            let parts: Vec<&QueueRequirement> = per_queue.iter().map(|q| &q[i]).collect();
            let chats: f64 = parts.iter().map(|q| q.agent_volume).sum();
            // chat-weighted means over the queues
            let mean = |g: &dyn Fn(&QueueRequirement) -> f64| {
                if chats > 0.0 {
                    parts.iter().map(|q| q.agent_volume * g(q)).sum::<f64>() / chats
                } else {
                    parts.iter().map(|q| g(q)).sum::<f64>() / parts.len() as f64
                }
            };
            let on_queue: u32 = parts.iter().map(|q| q.agents_on_queue).sum();
            let shrinkage = shrinkage_at(sc, f.grid.at(i));
            let is_open = open(i);
            let mut req = scheduled(on_queue, shrinkage);
            if is_open {
                req = req.max(s.min_agents);
            }
            let backlog: f64 = parts.iter().map(|q| q.backlog).sum();
            let traffic: f64 = parts
                .iter()
                .map(|q| q.agent_volume * q.aht_seconds / secs)
                .sum();
            Requirement {
                volume: f.points[i].volume,
                agent_volume: chats,
                backlog,
                aht_seconds: mean(&|q| q.aht_seconds),
                traffic_erlangs: traffic,
                open: is_open,
                agents_on_queue: on_queue,
                agents_required: req,
                service_level: mean(&|q| q.service_level),
                asa_seconds: mean(&|q| q.asa_seconds),
                occupancy: mean(&|q| q.occupancy),
                abandon: mean(&|q| q.abandon),
                shrinkage,
                by_queue: if qs.len() > 1 {
                    parts.into_iter().cloned().collect()
                } else {
                    Vec::new()
                },
            }
        })
        .collect();
    Ok(Requirements {
        grid: f.grid,
        rows,
        queues: qs.into_iter().map(|q| q.name).collect(),
        after: Vec::new(),
    })
}

pub fn to_csv(r: &Requirements) -> Vec<u8> {
    let mut out = String::from(
        "interval_start,volume,aht_seconds,agents_required,agent_volume,backlog,traffic_erlangs,agents_on_queue,service_level,asa_seconds,occupancy,open,abandon,shrinkage\n",
    );
    for (i, x) in r.rows.iter().enumerate() {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            fmt_ts(r.grid.at(i)),
            fmt_f(x.volume, 2),
            fmt_f(x.aht_seconds, 1),
            x.agents_required,
            fmt_f(x.agent_volume, 2),
            fmt_f(x.backlog, 2),
            fmt_f(x.traffic_erlangs, 3),
            x.agents_on_queue,
            fmt_f(x.service_level, 4),
            fmt_f(x.asa_seconds, 1),
            fmt_f(x.occupancy, 4),
            if x.open { "yes" } else { "no" },
            fmt_f(x.abandon, 4),
            fmt_f(x.shrinkage, 3),
        ));
    }
    out.into_bytes()
}

/// Per queue and interval (long format), for scenarios with several queues.
pub fn by_queue_csv(r: &Requirements) -> Vec<u8> {
    let mut out = String::from(
        "interval_start,queue,agent_volume,backlog,aht_seconds,agents_on_queue,service_level,asa_seconds,abandon,occupancy\n",
    );
    for (i, x) in r.rows.iter().enumerate() {
        for q in &x.by_queue {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{},{},{}\n",
                fmt_ts(r.grid.at(i)),
                q.queue,
                fmt_f(q.agent_volume, 2),
                fmt_f(q.backlog, 2),
                fmt_f(q.aht_seconds, 1),
                q.agents_on_queue,
                fmt_f(q.service_level, 4),
                fmt_f(q.asa_seconds, 1),
                fmt_f(q.abandon, 4),
                fmt_f(q.occupancy, 4),
            ));
        }
    }
    out.into_bytes()
}

/// Reads requirements; only `interval_start` and `agents_required` are needed, so a
/// supervisor can hand-edit or write the file from another tool.
pub fn read_csv(
    path: &std::path::Path,
    tz: chrono_tz::Tz,
    user: &crate::io::Columns,
) -> Result<Requirements, InputError> {
    const COLS: &[Col] = &[
        Col::req("interval_start", &["timestamp", "时间"]),
        Col::req("agents_required", &["需求人数"]),
        Col::opt("volume", &[]),
        Col::opt("aht_seconds", &[]),
        Col::opt("agent_volume", &[]),
        Col::opt("backlog", &[]),
        Col::opt("traffic_erlangs", &[]),
        Col::opt("agents_on_queue", &[]),
        Col::opt("service_level", &[]),
        Col::opt("asa_seconds", &[]),
        Col::opt("occupancy", &[]),
        Col::opt("open", &[]),
        Col::opt("abandon", &[]),
        Col::opt("shrinkage", &[]),
    ];
    let (text, _) = read_text(path)?;
    let (t, idx) = Table::parse_with(path, &text, COLS, user)?;
    let mut rows = Vec::new();
    let mut regular = crate::io::Regular::default();
    for (line, rec) in &t.rows {
        let ts = t.timestamp(*line, rec, idx[0], "interval_start", tz)?;
        regular.push(&t, *line, "interval_start", ts)?;
        let req_text = t.get(rec, idx[1]).ok_or_else(|| {
            t.err(
                *line,
                "agents_required",
                "empty",
                "write 0 when nobody is needed",
            )
        })?;
        let req = req_text.parse::<u32>().map_err(|_| {
            t.err(
                *line,
                "agents_required",
                format!("`{req_text}` is not a whole number of agents"),
                "write a whole number, 0 or more",
            )
        })?;
        let num = |i: usize, f: &str| -> Result<f64, InputError> {
            t.get(rec, idx[i])
                .map(|s| t.nonneg(*line, f, s))
                .transpose()
                .map(|v| v.unwrap_or(0.0))
        };
        rows.push(Requirement {
            volume: num(2, "volume")?,
            aht_seconds: num(3, "aht_seconds")?,
            agents_required: req,
            agent_volume: num(4, "agent_volume")?,
            backlog: num(5, "backlog")?,
            traffic_erlangs: num(6, "traffic_erlangs")?,
            agents_on_queue: num(7, "agents_on_queue")? as u32,
            service_level: num(8, "service_level")?,
            asa_seconds: num(9, "asa_seconds")?,
            occupancy: num(10, "occupancy")?,
            open: t.get(rec, idx[11]).is_none_or(|v| v != "no"),
            abandon: num(12, "abandon")?,
            shrinkage: num(13, "shrinkage")?,
            by_queue: Vec::new(),
        });
    }
    Ok(Requirements {
        grid: regular.grid(),
        rows,
        queues: vec!["all".into()],
        after: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forecast::Point;
    use chrono::NaiveDate;

    fn sc() -> Scenario {
        let mut s: Scenario =
            toml::from_str(include_str!("../../scenarios/baseline.toml")).unwrap();
        s.horizon.interval = crate::model::time::Minutes(30);
        s
    }

    fn flat(vol: f64, n: usize) -> Forecast {
        let grid = Grid::new(
            NaiveDate::from_ymd_opt(2026, 11, 2)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            30,
            n,
        );
        Forecast {
            grid,
            points: vec![
                Point {
                    volume: vol,
                    p10: vol,
                    p90: vol,
                    aht_seconds: Some(180.0),
                    event: None
                };
                n
            ],
        }
    }

    /// The baseline at 30 minutes with a pre-sales queue and a slower after-sales queue that
    /// may wait a minute.
    fn two_queues() -> Scenario {
        with_queues(
            "[[queue]]\nname = \"pre\"\nshare = 0.7\n[[queue]]\nname = \"after\"\nshare = 0.3\naht_factor = 1.5\ntarget_answer = \"60s\"\n",
        )
    }

    /// The baseline at 30 minutes, open all day, with the `[[queue]]`s of `text`.
    fn with_queues(text: &str) -> Scenario {
        let mut s = sc();
        s.service.hours = None;
        s.queues = toml::from_str::<toml::Table>(text).unwrap()["queue"]
            .clone()
            .try_into()
            .unwrap();
        s
    }

    #[test]
    fn two_queues_as_one_interval_model_share_its_agents_as_their_requirements_do() {
        let s = two_queues();
        let r = requirements(&flat(300.0, 2), &s).unwrap().rows[0].clone();
        let (pre, after) = (&r.by_queue[0], &r.by_queue[1]);
        let qs = queues(&s);
        let secs = 30.0 * 60.0;
        let upto = 2 * r.agents_on_queue;
        let curve = service_curve(&s, &r, upto);
        let model = interval_model(&s, &r, upto);
        assert_eq!(curve.len(), upto as usize + 1);
        // each queue's own Erlang at its share of the agents, chats-weighted
        let share = pre.agents_on_queue as f64 / r.agents_on_queue as f64;
        let one = |q: &QueueSpec, b: &QueueRequirement, on: f64| {
            let at = |m: u32| {
                pool::staffing(
                    m,
                    b.agent_volume / secs,
                    b.aht_seconds,
                    q.patience,
                    sharing(&s, q),
                    q.target.answer_seconds,
                )
            };
            let k = on.floor() as u32;
            let f = on - k as f64;
            let (a, z) = (at(k), at(k + 1));
            (
                a.service_level + (z.service_level - a.service_level) * f,
                a.occupancy * a.servers as f64
                    + (z.occupancy * z.servers as f64 - a.occupancy * a.servers as f64) * f,
            )
        };
        for m in [0, 3, r.agents_on_queue, upto] {
            let (p, a) = (
                one(&qs[0], pre, m as f64 * share),
                one(&qs[1], after, m as f64 * (1.0 - share)),
            );
            let want = (pre.agent_volume * p.0 + after.agent_volume * a.0) / r.agent_volume;
            assert!((curve[m as usize] - want).abs() < 1e-12, "m = {m}");
            assert!((model[m as usize].1 - (p.1 + a.1)).abs() < 1e-9, "m = {m}");
        }
        // at the per-interval requirement both queues meet their own targets, so together
        // the team does; fewer agents serve fewer
        assert!(curve[r.agents_on_queue as usize] >= 0.8 - 1e-9);
        assert!(curve.windows(2).all(|w| w[1] >= w[0] - 1e-12));
        // each queue's floor is its own: below the target's agents, summed for the interval
        let mut low = s.clone();
        low.service.floor_percent = Some(50.0);
        let f = floor(&low, &r);
        assert_eq!(f.by_queue.len(), 2);
        assert!(f.by_queue[0] <= pre.agents_on_queue && f.by_queue[1] <= after.agents_on_queue);
        assert!(f.by_queue.iter().sum::<u32>() < r.agents_on_queue);
        assert_eq!(
            f.agents,
            scheduled(f.by_queue.iter().sum(), r.shrinkage).max(low.service.min_agents)
        );
        // one queue: the floor names no queue
        assert!(floor(
            &sc(),
            &requirements(&flat(300.0, 2), &sc()).unwrap().rows[0]
        )
        .by_queue
        .is_empty());
    }

    #[test]
    fn erlang_worked_example_through_the_stage() {
        // 100 chats per 30 min, AHT 180 s, one chat at a time, no bot, 80/20, 30% shrinkage
        let mut s = sc();
        s.service = toml::from_str("target_percent = 80\ntarget_answer = \"20s\"\nconcurrency = 1\ndeflection = 0.0\nshrinkage = 0.3\noccupancy_max = 0.85\nmin_agents = 0").unwrap();
        let r = requirements(&flat(100.0, 4), &s).unwrap();
        assert_eq!(r.rows[0].agents_on_queue, 14);
        assert_eq!(r.rows[0].agents_required, 20);
    }

    #[test]
    fn overnight_messages_move_to_the_morning() {
        let mut s = sc();
        s.service.hours = Some(["08:00".parse().unwrap(), "24:00".parse().unwrap()]);
        s.service.backlog_clear = crate::model::time::Minutes(60);
        let f = flat(30.0, 48);
        let r = requirements(&f, &s).unwrap();
        assert_eq!(r.rows[0].agents_required, 0);
        let night: f64 = (0..16)
            .map(|i| f.points[i].volume * (1.0 - s.service.deflection))
            .sum();
        assert!((r.rows[16].backlog + r.rows[17].backlog - night).abs() < 1e-9);
        assert!(r.rows[16].agents_required > r.rows[20].agents_required);
        // volume is conserved: every chat is served somewhere
        let served: f64 = r.rows.iter().map(|x| x.agent_volume).sum();
        let arrived: f64 = f
            .points
            .iter()
            .map(|p| p.volume * (1.0 - s.service.deflection))
            .sum();
        assert!((served - arrived).abs() < 1e-6);
    }

    #[test]
    fn more_deflection_needs_fewer_agents() {
        let mut s = sc();
        s.service.hours = None;
        let a = requirements(&flat(300.0, 2), &s).unwrap().rows[0].agents_required;
        s.service.deflection = 0.8;
        let b = requirements(&flat(300.0, 2), &s).unwrap().rows[0].agents_required;
        assert!(b < a, "{b} < {a}");
    }

    #[test]
    fn probit_matches_normal_quantiles() {
        assert!(probit(0.5).abs() < 1e-9);
        assert!((probit(0.9) - 1.281552).abs() < 1e-5);
        assert!((probit(0.1) + 1.281552).abs() < 1e-5);
        assert!((probit(0.99) - 2.326348).abs() < 1e-4);
        assert!((probit(0.01) + 2.326348).abs() < 1e-4);
    }

    #[test]
    fn staffing_a_higher_quantile_costs_agents() {
        let mut s = sc();
        s.service.hours = None;
        let mut f = flat(300.0, 2);
        for p in &mut f.points {
            p.p10 = 240.0;
            p.p90 = 380.0;
        }
        let p50 = requirements(&f, &s).unwrap().rows[0].agents_required;
        s.service.forecast_quantile = 0.9;
        let r = requirements(&f, &s).unwrap();
        assert!((volume_at_quantile(&f.points[0], 0.9) - 380.0).abs() < 1e-6);
        assert!(
            r.rows[0].agents_required > p50,
            "{} vs {p50}",
            r.rows[0].agents_required
        );
    }

    #[test]
    fn patience_uses_erlang_a_and_an_abandonment_cap_binds() {
        let mut s = sc();
        s.service.hours = None;
        s.service.concurrency = 1;
        s.service.deflection = 0.0;
        let f = flat(100.0, 2);
        let c = requirements(&f, &s).unwrap().rows[0].clone();
        s.service.patience = Some(crate::scenario::Minutes0(120.0));
        let a = requirements(&f, &s).unwrap().rows[0].clone();
        assert!(
            a.agents_on_queue < c.agents_on_queue,
            "{} vs {}",
            a.agents_on_queue,
            c.agents_on_queue
        );
        assert!(a.abandon > 0.0 && c.abandon == 0.0);
        s.service.max_abandon_percent = Some(1.0);
        let strict = requirements(&f, &s).unwrap().rows[0].clone();
        assert!(strict.abandon <= 0.01 && strict.agents_on_queue > a.agents_on_queue);
    }

    #[test]
    fn queues_are_staffed_on_their_own_and_summed() {
        let s = with_queues(
            "[[queue]]\nname = \"presales\"\nshare = 0.6\n\n[[queue]]\nname = \"aftersales\"\nshare = 0.4\ntarget_percent = 90\ntarget_answer = \"60s\"\naht_factor = 1.4\n",
        );
        let f = flat(300.0, 2);
        let r = requirements(&f, &s).unwrap();
        let row = &r.rows[0];
        assert_eq!(r.queues, vec!["presales", "aftersales"]);
        assert_eq!(row.by_queue.len(), 2);
        let sum: u32 = row.by_queue.iter().map(|q| q.agents_on_queue).sum();
        assert_eq!(row.agents_on_queue, sum);
        let (pre, after) = (&row.by_queue[0], &row.by_queue[1]);
        assert!((pre.agent_volume / after.agent_volume - 1.5).abs() < 1e-9);
        assert!((after.aht_seconds / pre.aht_seconds - 1.4).abs() < 1e-9);
        assert!(after.service_level >= 0.9 && pre.service_level >= 0.8);
        let csv = String::from_utf8(by_queue_csv(&r)).unwrap();
        assert_eq!(csv.lines().count(), 1 + 2 * 2);
        assert!(csv.lines().nth(2).unwrap().contains(",aftersales,"));
    }

    #[test]
    fn shrinkage_and_deflection_periods_apply_at_their_times() {
        let mut s = sc();
        s.service.hours = None;
        s.service.shrinkage_periods = vec![crate::scenario::ShrinkagePeriod {
            weekdays: vec!["Mon".into()],
            from: "09:00".parse().unwrap(),
            to: "10:00".parse().unwrap(),
            add: 0.3,
            reason: "team meeting".into(),
        }];
        s.service.deflection_periods = vec![crate::scenario::DeflectionPeriod {
            weekdays: vec![],
            from: "00:00".parse().unwrap(),
            to: "08:00".parse().unwrap(),
            deflection: 0.9,
            queue: None,
        }];
        let f = flat(300.0, 96); // Mon + Tue at 30 min
        let r = requirements(&f, &s).unwrap();
        let (mon9, tue9) = (&r.rows[18], &r.rows[48 + 18]);
        assert!((mon9.shrinkage - (s.service.shrinkage + 0.3)).abs() < 1e-9);
        assert_eq!(tue9.shrinkage, s.service.shrinkage);
        assert!(mon9.agents_required > tue9.agents_required);
        assert_eq!(mon9.agents_on_queue, tue9.agents_on_queue);
        // 90% of night chats answered by the bot, 60% in the day
        assert!((r.rows[2].agent_volume - 30.0).abs() < 1e-9);
        assert!((r.rows[20].agent_volume - 120.0).abs() < 1e-9);
    }
}
