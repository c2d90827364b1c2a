//! Discrete-event simulation of a rostered week: does the roster deliver what the requirements
//! promised?
//!
//! * **Arrivals**: per interval, Poisson with the forecast's volume (× volume factor × queue
//!   share × (1 − bot deflection at that time)), at uniform times inside the interval.
//!   Outside opening hours chats become messages and arrive spread over the first
//!   `backlog_clear` after opening (they never abandon and are not counted in the service
//!   level, only in occupancy).
//! * **Agents**: on the queue while on a rostered shift, outside its breaks, and not in
//!   shrinkage — each agent is off the queue with probability `shrinkage(t)` per interval
//!   (meetings, training…). An agent going off finishes the chats it has.
//! * **Concurrency**: an agent holds up to `k` chats. A chat's work content is exponential with
//!   mean AHT (the handle time of one chat alone); with `m` chats open, each progresses at
//!   `1 / (1 + slowdown × (m − 1))`. So at full load a chat takes `AHT × (1 + slowdown ×
//!   (k − 1))` — the requirement model's assumption — and less when the agent is not full.
//! * **Routing**: a new chat goes to an eligible agent (tier allowed for its queue) on the
//!   queue with the fewest open chats; a freed slot takes the longest-waiting chat of the
//!   queues the agent serves. Customers abandon after an exponential patience (when the
//!   scenario sets one).
//!
//! Each run is seeded (`seed + run`), runs are parallel and collected in order, so the same
//! inputs and seed give the same report.

use crate::forecast::Forecast;
use crate::model::time::{fmt_ts, Grid};
use crate::model::Roster;
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use crate::staffing::requirements::{deflection_at, queues, shrinkage_at, QueueSpec};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, Poisson};
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap, VecDeque};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SimulateError {
    #[error("the forecast is at {have}-minute intervals but the scenario plans at {want} minutes; forecast again with --interval {want}m")]
    Interval { have: u32, want: u32 },
    #[error(
        "the roster names agent `{0}`, who is not in the agent list; add them or fix the roster"
    )]
    UnknownAgent(String),
    #[error("nobody on the roster works inside the forecast's horizon ({0}); simulate the week the roster is for")]
    NoOverlap(String),
    #[error("runs must be at least 1")]
    NoRuns,
}

/// A mean over runs with its 95% confidence half-width.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Stat {
    pub mean: f64,
    pub ci95: f64,
}

impl Stat {
    fn of(v: &[f64]) -> Stat {
        let v: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
        if v.is_empty() {
            return Stat {
                mean: f64::NAN,
                ci95: f64::NAN,
            };
        }
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let sd = if v.len() > 1 {
            (v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt()
        } else {
            0.0
        };
        Stat {
            mean,
            ci95: 1.96 * sd / n.sqrt(),
        }
    }
}

/// Counts of one run for one interval (by arrival interval; occupancy by time).
#[derive(Debug, Clone, Default)]
struct Tally {
    offered: f64,
    within: f64,
    answered: f64,
    wait: f64,
    abandoned: f64,
    busy: f64,
    capacity: f64,
    available: f64,
}

impl Tally {
    fn add(&mut self, o: &Tally) {
        self.offered += o.offered;
        self.within += o.within;
        self.answered += o.answered;
        self.wait += o.wait;
        self.abandoned += o.abandoned;
        self.busy += o.busy;
        self.capacity += o.capacity;
        self.available += o.available;
    }
    fn sl(&self) -> f64 {
        self.within / self.offered
    }
    fn asa(&self) -> f64 {
        self.wait / self.answered
    }
    fn abandon(&self) -> f64 {
        self.abandoned / self.offered
    }
    fn occupancy(&self) -> f64 {
        self.busy / self.capacity
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IntervalResult {
    pub start: String,
    /// Chats offered (not messages), mean over runs.
    pub offered: f64,
    /// Agents on the queue (time-averaged), mean over runs.
    pub agents_on_queue: f64,
    pub service_level: Stat,
    pub asa_seconds: Stat,
    pub abandon: Stat,
    pub occupancy: Stat,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub offered: f64,
    pub service_level: Stat,
    pub asa_seconds: Stat,
    pub abandon: Stat,
    pub occupancy: Stat,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimReport {
    pub runs: usize,
    pub seed: u64,
    pub interval_minutes: u32,
    pub overall: Totals,
    pub by_queue: Vec<(String, Totals)>,
    /// Each calendar day's totals ("YYYY-MM-DD"), as `overall` over the day's intervals: each
    /// run's chats answered in time over its chats, then the mean over runs (the intervals'
    /// means weighted by their chats read higher: in a run where an interval gets more chats,
    /// fewer of them are answered in time).
    pub days: Vec<(String, Totals)>,
    pub intervals: Vec<IntervalResult>,
    /// Chats still unanswered when the horizon ended (mean over runs).
    pub unanswered_at_end: f64,
}

/// How many runs and from which seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SimSettings {
    pub runs: usize,
    pub seed: u64,
}

impl Default for SimSettings {
    fn default() -> Self {
        SimSettings { runs: 30, seed: 1 }
    }
}

struct Chat {
    queue: usize,
    arrival: f64,
    deadline: f64,
    work: f64,
    message: bool,
}

struct AgentState {
    /// Queues this agent may serve.
    serves: Vec<usize>,
    group: usize,
    on: bool,
    /// Remaining work of each open chat (seconds of work alone), with its queue.
    open: Vec<(f64, usize)>,
    last: f64,
    version: u64,
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    /// Interval boundary k.
    Boundary(usize),
    /// Arrival of chat i.
    Arrival(usize),
    /// Agent a's next completion, valid if the version matches.
    Done(usize, u64),
}

/// One run's counts: per interval and queue (chats), per interval (agent time).
struct Run {
    tally: Vec<Vec<Tally>>,
    clock: Vec<Tally>,
    unanswered: f64,
}

/// Time as an orderable key (non-negative finite seconds).
fn key(t: f64) -> u64 {
    t.to_bits()
}

/// Simulates `roster` against `forecast` under `sc`.
pub fn simulate(
    forecast: &Forecast,
    sc: &Scenario,
    roster: &Roster,
    agents: &[Agent],
    settings: &SimSettings,
) -> Result<SimReport, SimulateError> {
    use rayon::prelude::*;
    let qs = queues(sc);
    let world = World::checked(forecast, sc, roster, agents, settings, &qs)?;
    let runs: Vec<Run> = (0..settings.runs)
        .into_par_iter()
        .map(|r| world.run(settings.seed.wrapping_add(r as u64)))
        .collect();
    Ok(world.report(&runs, &qs, settings))
}

/// Everything a run needs, fixed across runs.
#[derive(Clone)]
struct World<'a> {
    grid: Grid,
    sc: &'a Scenario,
    /// Per interval and queue: expected chats, and whether open.
    rate: Vec<Vec<f64>>,
    open: Vec<bool>,
    /// Per queue: mean work content (s) per interval; mean patience.
    aht: Vec<Vec<f64>>,
    patience: Vec<Option<f64>>,
    answer: Vec<f64>,
    /// Per agent: on-queue minutes by interval (fraction of the interval rostered on).
    shifts: Vec<Vec<f64>>,
    serves: Vec<Vec<usize>>,
    groups: usize,
    group_of: Vec<usize>,
    k: usize,
    slowdown: f64,
    shrink: Vec<f64>,
}

impl<'a> World<'a> {
    /// [`World::new`] once the forecast is at the scenario's interval and at least one run
    /// is asked for.
    fn checked(
        f: &Forecast,
        sc: &'a Scenario,
        roster: &Roster,
        agents: &[Agent],
        settings: &SimSettings,
        qs: &[QueueSpec],
    ) -> Result<Self, SimulateError> {
        let want = sc.horizon.interval.0;
        if f.grid.step_minutes != want {
            return Err(SimulateError::Interval {
                have: f.grid.step_minutes,
                want,
            });
        }
        if settings.runs == 0 {
            return Err(SimulateError::NoRuns);
        }
        World::new(f, sc, roster, agents, qs)
    }

    fn new(
        f: &Forecast,
        sc: &'a Scenario,
        roster: &Roster,
        agents: &[Agent],
        qs: &[QueueSpec],
    ) -> Result<Self, SimulateError> {
        let grid = f.grid;
        let n = grid.len;
        let s = &sc.service;
        let open = crate::staffing::requirements::open_intervals(sc, grid);
        let rate: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                qs.iter()
                    .map(|q| {
                        f.points[i].volume
                            * sc.demand.volume_factor
                            * q.share
                            * (1.0 - deflection_at(sc, q, grid.at(i)))
                    })
                    .collect()
            })
            .collect();
        let aht: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                qs.iter()
                    .map(|q| {
                        f.points[i].aht_seconds.unwrap_or(sc.demand.aht_seconds)
                            * sc.demand.aht_factor
                            * q.aht_factor
                    })
                    .collect()
            })
            .collect();
        // agents: the queues their skills (and the roster) let them serve, and the share of each interval they are rostered on
        let by_id: HashMap<&str, &Agent> = agents.iter().map(|a| (a.id.as_str(), a)).collect();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut shifts: Vec<Vec<f64>> = Vec::new();
        let mut serves: Vec<Vec<usize>> = Vec::new();
        let step = grid.step_minutes as i64;
        for e in &roster.entries {
            let Some(ws) = &e.shift else { continue };
            let a = by_id
                .get(e.agent_id.as_str())
                .ok_or_else(|| SimulateError::UnknownAgent(e.agent_id.clone()))?;
            let ai = *index.entry(e.agent_id.clone()).or_insert_with(|| {
                shifts.push(vec![0.0; n]);
                serves.push(
                    qs.iter()
                        .enumerate()
                        .filter(|(_, q)| {
                            crate::rules::eligible(a, &q.skills)
                                && (ws.queues.is_empty() || ws.queues.contains(&q.name))
                        })
                        .map(|(j, _)| j)
                        .collect(),
                );
                shifts.len() - 1
            });
            // minute by minute is plenty precise and simple: shifts are whole minutes; an agent
            // still ramping up (contract productivity < 1) is that fraction of an agent
            let share = sc.productivity(&a.contract) / step as f64;
            let mut t = ws.start;
            while t < ws.end {
                if ws.on_queue(t) {
                    if let Some(i) = grid.index_of(t) {
                        shifts[ai][i] += share;
                    }
                }
                t += chrono::Duration::minutes(1);
            }
        }
        if shifts.iter().all(|s| s.iter().all(|x| *x == 0.0)) {
            return Err(SimulateError::NoOverlap(format!(
                "{} → {}",
                fmt_ts(grid.start),
                fmt_ts(grid.end())
            )));
        }
        // agents serving the same queues form a group (tier buckets)
        let mut kinds: Vec<Vec<usize>> = Vec::new();
        let group_of = serves
            .iter()
            .map(|sv| match kinds.iter().position(|k| k == sv) {
                Some(g) => g,
                None => {
                    kinds.push(sv.clone());
                    kinds.len() - 1
                }
            })
            .collect();
        Ok(World {
            grid,
            sc,
            rate,
            open,
            aht,
            patience: qs.iter().map(|q| q.patience).collect(),
            answer: qs.iter().map(|q| q.target.answer_seconds).collect(),
            shifts,
            serves,
            groups: kinds.len(),
            group_of,
            k: s.concurrency as usize,
            slowdown: s.concurrency_slowdown,
            shrink: (0..n).map(|i| shrinkage_at(sc, grid.at(i))).collect(),
        })
    }

    fn secs(&self) -> f64 {
        self.grid.step_minutes as f64 * 60.0
    }

    /// Arrivals of one run, sorted by time (messages at the next opening).
    fn arrivals(&self, rng: &mut ChaCha8Rng) -> Vec<Chat> {
        let secs = self.secs();
        let n = self.grid.len;
        let mut out = Vec::new();
        // work content of the messages left while closed, per queue
        let mut pending: Vec<Vec<f64>> = vec![Vec::new(); self.rate[0].len()];
        for i in 0..n {
            for (q, &lam) in self.rate[i].iter().enumerate() {
                let count = if lam > 0.0 {
                    Poisson::new(lam).expect("positive rate").sample(rng) as usize
                } else {
                    0
                };
                for _ in 0..count {
                    let work = Exp::new(1.0 / self.aht[i][q])
                        .expect("positive AHT")
                        .sample(rng);
                    if self.open[i] {
                        let arrival = (i as f64 + rng.random::<f64>()) * secs;
                        let deadline = self.patience[q].map_or(f64::INFINITY, |p| {
                            arrival + Exp::new(1.0 / p).expect("positive patience").sample(rng)
                        });
                        out.push(Chat {
                            queue: q,
                            arrival,
                            deadline,
                            work,
                            message: false,
                        });
                    } else {
                        pending[q].push(work);
                    }
                }
            }
            // at an opening, the messages left while closed arrive over the clearing window
            if self.open[i] && (i == 0 || !self.open[i - 1]) {
                let m = crate::staffing::requirements::clearing_window(
                    self.sc,
                    &self.open,
                    i,
                    self.grid.step_minutes,
                );
                for (q, p) in pending.iter_mut().enumerate() {
                    for work in p.drain(..) {
                        let arrival = (i as f64 + m as f64 * rng.random::<f64>()) * secs;
                        out.push(Chat {
                            queue: q,
                            arrival,
                            deadline: f64::INFINITY,
                            work,
                            message: true,
                        });
                    }
                }
            }
        }
        out.sort_by(|a, b| a.arrival.total_cmp(&b.arrival));
        out
    }

    fn run(&self, seed: u64) -> Run {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let chats = self.arrivals(&mut rng);
        let n = self.grid.len;
        let nq = self.rate[0].len();
        let secs = self.secs();
        let (k, slow) = (self.k, self.slowdown);
        let mut tally: Vec<Vec<Tally>> = vec![vec![Tally::default(); nq]; n];
        let mut clock: Vec<Tally> = vec![Tally::default(); n];
        let mut st: Vec<AgentState> = self
            .serves
            .iter()
            .enumerate()
            .map(|(a, sv)| AgentState {
                serves: sv.clone(),
                group: self.group_of[a],
                on: false,
                open: Vec::new(),
                last: 0.0,
                version: 0,
            })
            .collect();
        // agents on the queue with a free slot, by group and number of open chats
        let mut free: Vec<Vec<BTreeSet<usize>>> = vec![vec![BTreeSet::new(); k]; self.groups];
        let mut waiting: Vec<VecDeque<usize>> = vec![VecDeque::new(); nq];
        let mut heap: BinaryHeap<Reverse<(u64, Ev)>> = BinaryHeap::new();
        for i in 0..n {
            heap.push(Reverse((key(i as f64 * secs), Ev::Boundary(i))));
        }
        for (c, ch) in chats.iter().enumerate() {
            heap.push(Reverse((key(ch.arrival), Ev::Arrival(c))));
        }
        let ivl = |t: f64| ((t / secs) as usize).min(n - 1);

        let unlist = |free: &mut Vec<Vec<BTreeSet<usize>>>, a: &AgentState, ai: usize| {
            if a.on && a.open.len() < k {
                free[a.group][a.open.len()].remove(&ai);
            }
        };
        let list = |free: &mut Vec<Vec<BTreeSet<usize>>>, a: &AgentState, ai: usize| {
            if a.on && a.open.len() < k {
                free[a.group][a.open.len()].insert(ai);
            }
        };
        // bring an agent's clock to `now` (inside interval `i`): work done, time tallied
        let advance = |a: &mut AgentState, now: f64, clock: &mut Vec<Tally>, i: usize| {
            let dt = now - a.last;
            if dt > 0.0 {
                let m = a.open.len();
                if m > 0 {
                    let r = 1.0 / (1.0 + slow * (m as f64 - 1.0));
                    for c in a.open.iter_mut() {
                        c.0 -= dt * r;
                    }
                }
                let t = &mut clock[i];
                t.busy += dt * m as f64;
                if a.on {
                    t.capacity += dt * k as f64;
                    t.available += dt;
                } else {
                    // finishing chats after going off the queue
                    t.capacity += dt * m as f64;
                }
            }
            a.last = now;
        };
        let schedule =
            |a: &mut AgentState, ai: usize, now: f64, heap: &mut BinaryHeap<Reverse<(u64, Ev)>>| {
                a.version += 1;
                if let Some(min) = a.open.iter().map(|c| c.0).min_by(|x, y| x.total_cmp(y)) {
                    let r = 1.0 / (1.0 + slow * (a.open.len() as f64 - 1.0));
                    heap.push(Reverse((
                        key(now + min.max(0.0) / r),
                        Ev::Done(ai, a.version),
                    )));
                }
            };
        // the longest-waiting live chat of the queues an agent serves; abandoned ones leave
        let take = |waiting: &mut Vec<VecDeque<usize>>,
                    serves: &[usize],
                    now: f64,
                    tally: &mut Vec<Vec<Tally>>|
         -> Option<usize> {
            for &q in serves {
                while let Some(&c) = waiting[q].front() {
                    if chats[c].deadline > now {
                        break;
                    }
                    waiting[q].pop_front();
                    tally[ivl(chats[c].arrival)][q].abandoned += 1.0;
                }
            }
            let q = serves
                .iter()
                .filter_map(|&q| waiting[q].front().map(|&c| (chats[c].arrival, q)))
                .min_by(|a, b| a.0.total_cmp(&b.0))?
                .1;
            waiting[q].pop_front()
        };
        let start = |a: &mut AgentState, c: usize, now: f64, tally: &mut Vec<Vec<Tally>>| {
            let ch = &chats[c];
            if !ch.message {
                let t = &mut tally[ivl(ch.arrival)][ch.queue];
                let w = now - ch.arrival;
                t.answered += 1.0;
                t.wait += w;
                if w <= self.answer[ch.queue] + 1e-9 {
                    t.within += 1.0;
                }
            }
            a.open.push((ch.work, ch.queue));
        };
        // an agent with a free slot takes waiting chats until full
        let fill = |a: &mut AgentState,
                    now: f64,
                    waiting: &mut Vec<VecDeque<usize>>,
                    tally: &mut Vec<Vec<Tally>>| {
            let mut took = false;
            while a.on && a.open.len() < k {
                let Some(c) = take(waiting, &a.serves, now, tally) else {
                    break;
                };
                start(a, c, now, tally);
                took = true;
            }
            took
        };

        while let Some(Reverse((tk, ev))) = heap.pop() {
            let now = f64::from_bits(tk);
            match ev {
                Ev::Boundary(i) => {
                    for (ai, a) in st.iter_mut().enumerate() {
                        advance(a, now, &mut clock, i.saturating_sub(1));
                        let frac = self.shifts[ai][i];
                        let on = frac > 0.0 && rng.random::<f64>() < frac * (1.0 - self.shrink[i]);
                        unlist(&mut free, a, ai);
                        a.on = on;
                        if fill(a, now, &mut waiting, &mut tally) {
                            schedule(a, ai, now, &mut heap);
                        }
                        list(&mut free, a, ai);
                    }
                }
                Ev::Arrival(c) => {
                    let q = chats[c].queue;
                    // the least-loaded eligible agent on the queue
                    let pick = (0..k).find_map(|m| {
                        free.iter()
                            .filter_map(|g| g[m].iter().next().copied())
                            .find(|&ai| st[ai].serves.contains(&q))
                    });
                    match pick {
                        Some(ai) => {
                            let a = &mut st[ai];
                            advance(a, now, &mut clock, ivl(now));
                            unlist(&mut free, a, ai);
                            start(a, c, now, &mut tally);
                            list(&mut free, a, ai);
                            schedule(a, ai, now, &mut heap);
                        }
                        None => waiting[q].push_back(c),
                    }
                }
                Ev::Done(ai, v) => {
                    let a = &mut st[ai];
                    if a.version != v {
                        continue;
                    }
                    advance(a, now, &mut clock, ivl(now));
                    unlist(&mut free, a, ai);
                    a.open.retain(|c| c.0 > 1e-6);
                    fill(a, now, &mut waiting, &mut tally);
                    list(&mut free, a, ai);
                    schedule(a, ai, now, &mut heap);
                }
            }
        }
        // the horizon's end: flush clocks; whoever still waits has abandoned or is unanswered
        let end = n as f64 * secs;
        for a in st.iter_mut() {
            advance(a, end, &mut clock, n - 1);
        }
        let mut unanswered = 0.0;
        for (q, w) in waiting.iter().enumerate() {
            for &c in w {
                if chats[c].deadline <= end {
                    tally[ivl(chats[c].arrival)][q].abandoned += 1.0;
                } else if !chats[c].message {
                    unanswered += 1.0;
                }
            }
        }
        for ch in &chats {
            if !ch.message {
                tally[ivl(ch.arrival)][ch.queue].offered += 1.0;
            }
        }
        Run {
            tally,
            clock,
            unanswered,
        }
    }

    fn report(&self, runs: &[Run], qs: &[QueueSpec], s: &SimSettings) -> SimReport {
        let n = self.grid.len;
        let secs = self.secs();
        let runs_f = runs.len() as f64;
        // one run's tally for interval i, all queues plus agent time
        let at = |r: &Run, i: usize| {
            let mut x = r.clock[i].clone();
            for q in &r.tally[i] {
                x.add(q);
            }
            x
        };
        let stats = |per: &[Tally]| {
            let st = |f: &dyn Fn(&Tally) -> f64| Stat::of(&per.iter().map(f).collect::<Vec<_>>());
            (
                per.iter().map(|t| t.offered).sum::<f64>() / runs_f,
                st(&|t| t.sl()),
                st(&|t| t.asa()),
                st(&|t| t.abandon()),
                st(&|t| t.occupancy()),
            )
        };
        let intervals = (0..n)
            .map(|i| {
                let per: Vec<Tally> = runs.iter().map(|r| at(r, i)).collect();
                let (offered, sl, asa, ab, occ) = stats(&per);
                IntervalResult {
                    start: fmt_ts(self.grid.at(i)),
                    offered,
                    agents_on_queue: per.iter().map(|t| t.available / secs).sum::<f64>() / runs_f,
                    service_level: sl,
                    asa_seconds: asa,
                    abandon: ab,
                    occupancy: occ,
                }
            })
            .collect();
        // each run's tally over the intervals `over`, then the statistics over runs
        let totals = |pick: &dyn Fn(&Run, usize) -> Tally, over: std::ops::Range<usize>| {
            let per: Vec<Tally> = runs
                .iter()
                .map(|r| {
                    let mut x = Tally::default();
                    for i in over.clone() {
                        x.add(&pick(r, i));
                    }
                    x
                })
                .collect();
            let (offered, sl, asa, ab, occ) = stats(&per);
            Totals {
                offered,
                service_level: sl,
                asa_seconds: asa,
                abandon: ab,
                occupancy: occ,
            }
        };
        let by_queue = if qs.len() > 1 {
            qs.iter()
                .enumerate()
                .map(|(q, spec)| {
                    (
                        spec.name.clone(),
                        totals(&|r: &Run, i| r.tally[i][q].clone(), 0..n),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        // each calendar day's intervals, a run of the grid (which need not start at midnight)
        let mut days = Vec::new();
        let mut first = 0;
        for i in 1..=n {
            let date = self.grid.at(first).date();
            if i == n || self.grid.at(i).date() != date {
                days.push((date.to_string(), totals(&at, first..i)));
                first = i;
            }
        }
        SimReport {
            runs: s.runs,
            seed: s.seed,
            interval_minutes: self.grid.step_minutes,
            overall: totals(&at, 0..n),
            by_queue,
            days,
            intervals,
            unanswered_at_end: runs.iter().map(|r| r.unanswered).sum::<f64>() / runs_f,
        }
    }
}

/// How demand departs from the forecast in [`simulate_uncertain`], on the log scale of each
/// interval's expected chats: a part shared by the whole day (`day_sd`: a day runs high or low
/// as a whole, as real days do) and a part that wanders through the day (`wander_sd`, an AR(1)
/// with correlation `hour_correlation` an hour apart). The Poisson noise of the counts comes on
/// top, from the simulation itself.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Components {
    pub day_sd: f64,
    pub wander_sd: f64,
    pub hour_correlation: f64,
    /// The wander holds for this long (the interval it was measured at: hourly history says
    /// nothing finer).
    pub resolution_minutes: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "from")]
pub enum Spread {
    /// Learned from past days against their morning forecasts ([`crate::forecast::intraday::day_shape`]),
    /// for ordinary days and for days with an event.
    History {
        ordinary: Components,
        event: Components,
        days: usize,
    },
    /// No history: each interval's P10–P90 band less the Poisson noise, `day_share` of that
    /// variance shared by the day.
    Band {
        day_share: f64,
        hour_correlation: f64,
    },
}

impl Default for Spread {
    fn default() -> Self {
        Spread::Band {
            day_share: 0.7,
            hour_correlation: 0.8,
        }
    }
}

impl Spread {
    /// (day sd, wander sd, correlation an hour apart, minutes the wander holds) for an interval.
    fn at(&self, p: &crate::forecast::Point, lam: f64) -> (f64, f64, f64, u32) {
        match *self {
            Spread::History {
                ordinary, event, ..
            } => {
                let c = if p.event.is_some() { event } else { ordinary };
                (
                    c.day_sd,
                    c.wander_sd,
                    c.hour_correlation,
                    c.resolution_minutes,
                )
            }
            Spread::Band {
                day_share,
                hour_correlation,
            } => {
                let band = if p.p10 > 0.0 && p.p90 > p.p10 {
                    (p.p90 / p.p10).ln() / (2.0 * 1.2816)
                } else {
                    0.0
                };
                // the band holds the Poisson noise the run adds anyway: only the rest is drawn
                let var = (band * band - 1.0 / lam.max(1.0)).max(0.0);
                let w = day_share.clamp(0.0, 1.0);
                (
                    (w * var).sqrt(),
                    ((1.0 - w) * var).sqrt(),
                    hour_correlation,
                    0,
                )
            }
        }
    }
    fn words(&self) -> String {
        match self {
            Spread::History {
                ordinary,
                event,
                days,
            } => format!(
                "learned from {days} past days: a day's level varies ±{:.1}% (event days ±{:.1}%), the hours within it ±{:.1}% (±{:.1}%), {:.2} correlated an hour apart",
                ordinary.day_sd * 100.0,
                event.day_sd * 100.0,
                ordinary.wander_sd * 100.0,
                event.wander_sd * 100.0,
                ordinary.hour_correlation
            ),
            Spread::Band {
                day_share,
                hour_correlation,
            } => format!(
                "the P10–P90 band, {:.0}% of its variance shared by the whole day, {:.2} correlated an hour apart (assumed: no history)",
                day_share * 100.0,
                hour_correlation
            ),
        }
    }
}

/// A service level's distribution over runs with demand drawn from the forecast.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Odds {
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    /// Share of runs at or above the target.
    pub meets_target: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayOdds {
    pub date: String,
    pub odds: Odds,
}

/// The roster against demand drawn from the forecast's distribution, run by run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Uncertainty {
    pub runs: usize,
    pub seed: u64,
    pub target: f64,
    pub spread: Spread,
    /// The horizon's service level (all chats of a run).
    pub horizon: Odds,
    pub days: Vec<DayOdds>,
}

fn odds(mut v: Vec<f64>, target: f64) -> Odds {
    v.retain(|x| x.is_finite());
    v.sort_by(f64::total_cmp);
    let q = |p: f64| {
        if v.is_empty() {
            f64::NAN
        } else {
            v[((v.len() - 1) as f64 * p).round() as usize]
        }
    };
    Odds {
        p10: q(0.1),
        p50: q(0.5),
        p90: q(0.9),
        meets_target: if v.is_empty() {
            f64::NAN
        } else {
            v.iter().filter(|x| **x >= target - 1e-9).count() as f64 / v.len() as f64
        },
    }
}

/// Standard normal draw.
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    rand_distr::StandardNormal.sample(rng)
}

impl World<'_> {
    /// This world with each interval's expected chats multiplied by one draw of `spread`.
    fn drawn(&self, f: &Forecast, spread: &Spread, rng: &mut ChaCha8Rng) -> Self {
        let per_day = self.grid.per_day().max(1);
        let step = self.grid.step_minutes.max(1);
        let mut out = self.clone();
        let (mut day, mut wander) = (0.0, 0.0);
        for i in 0..self.grid.len {
            let lam: f64 = self.rate[i].iter().sum();
            let (day_sd, wander_sd, corr, hold) = spread.at(&f.points[i], lam);
            // the wander moves once per `hold` (at least every interval)
            let every = (hold / step).max(1) as usize;
            let lag = (60.0 / (every as u32 * step) as f64).max(1.0);
            let phi = corr.clamp(0.0, 0.999).powf(1.0 / lag);
            if i % per_day == 0 {
                day = normal(rng);
                wander = normal(rng);
            } else if (i % per_day).is_multiple_of(every) {
                wander = phi * wander + (1.0 - phi * phi).sqrt() * normal(rng);
            }
            let var = day_sd * day_sd + wander_sd * wander_sd;
            let m = (day_sd * day + wander_sd * wander - var / 2.0).exp();
            for r in &mut out.rate[i] {
                *r *= m;
            }
        }
        out
    }
}

/// Simulates `roster` against `settings.runs` demands drawn from `forecast`'s distribution
/// ([`Spread`]): the service level of the horizon and of each day, as a distribution and as the
/// share of runs that meet the target.
pub fn simulate_uncertain(
    forecast: &Forecast,
    sc: &Scenario,
    roster: &Roster,
    agents: &[Agent],
    settings: &SimSettings,
    spread: &Spread,
) -> Result<Uncertainty, SimulateError> {
    use rayon::prelude::*;
    let qs = queues(sc);
    let world = World::checked(forecast, sc, roster, agents, settings, &qs)?;
    let per_day = world.grid.per_day().max(1);
    let n_days = world.grid.len.div_ceil(per_day);
    // per run: the horizon's service level and each day's
    let levels: Vec<(f64, Vec<f64>)> = (0..settings.runs)
        .into_par_iter()
        .map(|r| {
            let seed = settings.seed.wrapping_add(r as u64);
            let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);
            let run = world.drawn(forecast, spread, &mut rng).run(seed);
            let mut days = vec![Tally::default(); n_days];
            let mut all = Tally::default();
            for (i, per_q) in run.tally.iter().enumerate() {
                for t in per_q {
                    days[i / per_day].add(t);
                    all.add(t);
                }
            }
            (all.sl(), days.iter().map(Tally::sl).collect())
        })
        .collect();
    let target = sc.service.target_percent / 100.0;
    let days = (0..n_days)
        .map(|d| DayOdds {
            date: world.grid.at(d * per_day).date().to_string(),
            odds: odds(levels.iter().map(|l| l.1[d]).collect(), target),
        })
        .collect();
    Ok(Uncertainty {
        runs: settings.runs,
        seed: settings.seed,
        target,
        spread: *spread,
        horizon: odds(levels.iter().map(|l| l.0).collect(), target),
        days,
    })
}

impl Uncertainty {
    pub fn text(&self) -> String {
        let o = |x: &Odds| {
            format!(
                "{:.1}% (P10 {:.1}%, P90 {:.1}%), meets the {:.0}% target in {:.0}% of runs",
                x.p50 * 100.0,
                x.p10 * 100.0,
                x.p90 * 100.0,
                self.target * 100.0,
                x.meets_target * 100.0
            )
        };
        let mut t = format!(
            "against demand drawn around the forecast ({} runs; {}):\n  horizon: service level {}\n",
            self.runs,
            self.spread.words(),
            o(&self.horizon)
        );
        for d in &self.days {
            t += &format!("  {}: {}\n", d.date, o(&d.odds));
        }
        t
    }
}

fn pct(s: Stat) -> String {
    format!("{:.1}% ± {:.1}", 100.0 * s.mean, 100.0 * s.ci95)
}

impl SimReport {
    /// Overall figures, per queue, and the intervals furthest below `target` service level.
    pub fn text(&self, target: f64) -> String {
        let o = &self.overall;
        let mut t = format!(
            "simulation: {} run(s) from seed {}, {:.0} chats a run\n  service level {}  ASA {:.1} s ± {:.1}  abandon {}  occupancy {}\n",
            self.runs,
            self.seed,
            o.offered,
            pct(o.service_level),
            o.asa_seconds.mean,
            o.asa_seconds.ci95,
            pct(o.abandon),
            pct(o.occupancy),
        );
        // each queue, then each day (of a horizon of more than one) with chats
        let days = self.days.iter().filter(|(_, x)| x.offered > 0.0);
        let days = days.filter(|_| self.days.len() > 1);
        for (q, x) in self.by_queue.iter().chain(days) {
            t.push_str(&format!(
                "  {q}: service level {}  ASA {:.1} s  abandon {}\n",
                pct(x.service_level),
                x.asa_seconds.mean,
                pct(x.abandon)
            ));
        }
        let mut low: Vec<&IntervalResult> = self
            .intervals
            .iter()
            .filter(|r| r.offered >= 1.0 && r.service_level.mean < target)
            .collect();
        low.sort_by(|a, b| a.service_level.mean.total_cmp(&b.service_level.mean));
        t.push_str(&format!(
            "  {} interval(s) below the {:.0}% target",
            low.len(),
            100.0 * target
        ));
        if !low.is_empty() {
            t.push_str(", worst:\n");
            for r in low.iter().take(8) {
                t.push_str(&format!(
                    "    {}  {:.1} chats, {:.1} agents on the queue: service level {}, abandon {}\n",
                    r.start,
                    r.offered,
                    r.agents_on_queue,
                    pct(r.service_level),
                    pct(r.abandon)
                ));
            }
        } else {
            t.push('\n');
        }
        if self.unanswered_at_end > 0.5 {
            t.push_str(&format!(
                "  {:.0} chat(s) still waiting when the horizon ends\n",
                self.unanswered_at_end
            ));
        }
        t
    }

    /// Per interval: `interval_start,offered,agents_on_queue,service_level,service_level_ci95,asa_seconds,abandon,occupancy`.
    pub fn to_csv(&self) -> Vec<u8> {
        use crate::io::fmt_f;
        let mut out = String::from(
            "interval_start,offered,agents_on_queue,service_level,service_level_ci95,asa_seconds,abandon,occupancy\n",
        );
        let f = |x: f64, d: usize| {
            if x.is_finite() {
                fmt_f(x, d)
            } else {
                String::new()
            }
        };
        for r in &self.intervals {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                r.start,
                f(r.offered, 2),
                f(r.agents_on_queue, 2),
                f(r.service_level.mean, 4),
                f(r.service_level.ci95, 4),
                f(r.asa_seconds.mean, 1),
                f(r.abandon.mean, 4),
                f(r.occupancy.mean, 4),
            ));
        }
        out.into_bytes()
    }
}
