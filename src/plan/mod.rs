//! Shift planning: how many agents of each contract work each shift template on each day.
//!
//! A MIP over integer counts `x[day, template, contract]` minimising labour cost plus
//! penalties for under- and over-coverage of the per-interval requirement. Coverage is
//! elastic (never infeasible); agent availability and contract days/hours from the agent
//! list, and the on-duty headcount cap, bound the counts. Every shortfall is explained.

pub mod shifts;

use crate::model::shift::Template;
use crate::model::time::{fmt_hm_range, fmt_ts, weekday_short, Grid};
use crate::plan::shifts::templates;
use crate::rules::params::{AgentRules, Limits};
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use crate::solver::{solve_lp_then_mip, Engine, Mip, Outcome, SolverError, SolverSettings, Var};
use crate::staffing::requirements::Requirements;
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("the requirements are at {have}-minute intervals but the scenario at {want}; recompute them with this scenario")]
    Interval { have: u32, want: u32 },
    #[error("the requirements start at {have}, not at midnight of a day; plans cover whole days")]
    NotMidnight { have: String },
    #[error("a day or week target over {queues} [[queue]]s needs each queue's chats per interval, and these requirements have the totals only (a requirements CSV); plan with `paiban run`, which computes them, or use target_scope = \"interval\"")]
    QueuesUnknown { queues: usize },
    #[error(transparent)]
    Solver(#[from] SolverError),
    #[error("{file}, line {line}: {message}\n  fix: {fix}")]
    Row {
        file: String,
        line: u64,
        message: String,
        fix: String,
    },
}

/// One row of a plan: `count` agents of `contract` work `template` on `date`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanRow {
    pub date: NaiveDate,
    pub template: Template,
    pub contract: String,
    pub count: u32,
    /// The queues its agents serve (their skills), when some queue is limited to some
    /// skills; empty otherwise.
    pub queues: Vec<String>,
}

impl PlanRow {
    pub fn start(&self) -> NaiveDateTime {
        self.date.and_hms_opt(0, 0, 0).expect("midnight")
            + Duration::minutes(self.template.start as i64)
    }
    pub fn end(&self) -> NaiveDateTime {
        self.start() + Duration::minutes(self.template.length as i64)
    }
    pub fn break_span(&self) -> Option<(NaiveDateTime, NaiveDateTime)> {
        self.template.break_offset.map(|b| {
            let s = self.start() + Duration::minutes(b as i64);
            (s, s + Duration::minutes(self.template.break_len as i64))
        })
    }
}

/// A stretch of under-coverage explained in the supervisor's words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shortfall {
    pub from: String,
    pub to: String,
    pub agents_short: u32,
    pub agent_hours: f64,
    pub reason: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub rows: Vec<PlanRow>,
    pub grid: Grid,
    /// Agents on the queue per interval.
    pub coverage: Vec<u32>,
    pub required: Vec<u32>,
    pub paid_hours: f64,
    pub labour_cost: f64,
    pub under_agent_hours: f64,
    pub over_agent_hours: f64,
    /// Agent-hours short in the hours after the horizon its last shifts reach
    /// ([`Requirements::after`]), priced in the objective like the horizon's.
    pub after_short_agent_hours: f64,
    pub shortfalls: Vec<Shortfall>,
    /// Contract-level targets the plan could not meet (e.g. minimum weekly days).
    pub warnings: Vec<String>,
    pub solve: Outcome,
    /// Optimum of the LP relaxation (where it was solved to the end): no integer plan can
    /// cost less.
    pub lp_bound: Option<f64>,
    /// With a day or week target: the service level the plan's cover gives by Erlang, per
    /// day or for the horizon.
    pub scoped: Option<ScopedService>,
}

/// What a plan for a day or week target (`service.target_scope`) expects to deliver.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ScopedService {
    pub scope: crate::scenario::TargetScope,
    pub target_percent: f64,
    pub floor_percent: f64,
    /// (first date of the group, expected service level): one per day, or one for the horizon.
    pub expected: Vec<(NaiveDate, f64)>,
    /// The paid hours the agents' contracts ask for at least over the horizon (with an agent
    /// list): hours the plan pays whatever the target.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contracted_hours: Option<f64>,
}

/// What `paiban plan --json` prints of a plan: its totals, the solve, shortfalls and warnings.
#[derive(Debug, Serialize)]
pub struct PlanSummary<'a> {
    pub paid_hours: f64,
    pub labour_cost: f64,
    pub under_agent_hours: f64,
    pub over_agent_hours: f64,
    pub lp_bound: Option<f64>,
    pub solve: &'a Outcome,
    pub shortfalls: &'a [Shortfall],
    pub warnings: &'a [String],
    pub scoped: Option<&'a ScopedService>,
}

impl Plan {
    pub fn summary(&self) -> PlanSummary<'_> {
        PlanSummary {
            paid_hours: self.paid_hours,
            labour_cost: self.labour_cost,
            under_agent_hours: self.under_agent_hours,
            over_agent_hours: self.over_agent_hours,
            lp_bound: self.lp_bound,
            solve: &self.solve,
            shortfalls: &self.shortfalls,
            warnings: &self.warnings,
            scoped: self.scoped.as_ref(),
        }
    }
}

/// Coverage on the queue per grid interval given plan rows.
pub fn coverage(grid: &Grid, rows: &[PlanRow]) -> Vec<u32> {
    on_queue(grid, rows, |_| 1.0)
        .into_iter()
        .map(|x| x as u32)
        .collect()
}

/// Coverage in trained-agent equivalents: each agent counts as its contract's productivity
/// (whole agents, rounded down, so a shortfall is never hidden).
pub fn effective_coverage(grid: &Grid, rows: &[PlanRow], sc: &Scenario) -> Vec<u32> {
    whole(&on_duty(grid, rows, sc))
}

/// Agents on the queue per interval in trained-agent equivalents, not rounded.
fn on_duty(grid: &Grid, rows: &[PlanRow], sc: &Scenario) -> Vec<f64> {
    on_queue(grid, rows, |r| sc.productivity(&r.contract))
}

/// Trained-agent equivalents as whole agents, rounded down.
fn whole(equivalents: &[f64]) -> Vec<u32> {
    equivalents
        .iter()
        .copied()
        .map(crate::scenario::whole_agents)
        .collect()
}

/// Agents on the queue per interval, each row's agents counting `weight(row)`.
fn on_queue(grid: &Grid, rows: &[PlanRow], weight: impl Fn(&PlanRow) -> f64) -> Vec<f64> {
    let mut cov = vec![0.0f64; grid.len];
    for r in rows {
        let Some(d0) = grid.index_of(r.date.and_hms_opt(0, 0, 0).expect("midnight")) else {
            continue;
        };
        let w = r.count as f64 * weight(r);
        for off in r.template.on_queue_intervals(grid.step_minutes) {
            if let Some(c) = cov.get_mut(d0 + off) {
                *c += w;
            }
        }
    }
    cov
}

/// Agents of one contract who serve the same queues: the plan counts shifts per pool, so a
/// queue limited to some skills is covered by agents who have them, and an agent with
/// several skills is counted once.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pool {
    pub contract: String,
    /// The queues they serve; empty when no queue is limited to some skills.
    pub queues: Vec<String>,
}

impl Pool {
    /// The pool `a` belongs to.
    pub fn of(sc: &Scenario, a: &Agent) -> Pool {
        Pool {
            contract: a.contract.clone(),
            queues: crate::rules::queues_served(sc, a),
        }
    }
    /// `full_time` or `full_time (pre_sales, after_sales)`, for messages.
    pub fn label(&self) -> String {
        if self.queues.is_empty() {
            self.contract.clone()
        } else {
            format!("{} ({})", self.contract, self.queues.join(", "))
        }
    }
}

/// The pools of the team: one per contract, split by the queues the agents' skills serve.
pub fn pools(sc: &Scenario, agents: Option<&[Agent]>) -> Vec<Pool> {
    let mut out: Vec<Pool> = match agents {
        Some(agents) => agents.iter().map(|a| Pool::of(sc, a)).collect(),
        None => sc
            .contracts
            .keys()
            .map(|c| Pool {
                contract: c.clone(),
                queues: Vec::new(),
            })
            .collect(),
    };
    out.sort();
    out.dedup();
    out
}

struct Capacity {
    /// (day, pool) → agents available
    per_day: BTreeMap<(usize, usize), u32>,
    /// pool → agents, and their limits summed
    per_pool: BTreeMap<usize, (usize, Limits)>,
    /// Where the horizon spans more than one week (as the labour rules count weeks): per pool,
    /// each week's days of the horizon and the most days and paid hours its agents may work in
    /// them — so a month's plan never asks a week for more than its people can give.
    per_week: BTreeMap<usize, Vec<(Vec<usize>, f64, f64)>>,
}

impl Capacity {
    /// Agents of `contract` (every pool of it) available on day `d`.
    fn available(&self, pools: &[Pool], d: usize, contract: &str) -> u32 {
        (0..pools.len())
            .filter(|p| pools[*p].contract == contract)
            .map(|p| self.per_day.get(&(d, p)).copied().unwrap_or(0))
            .sum()
    }
}

fn capacity(agents: &[Agent], sc: &Scenario, dates: &[NaiveDate], pools: &[Pool]) -> Capacity {
    let mut per_day = BTreeMap::new();
    let mut per_pool: BTreeMap<usize, (usize, Limits)> = BTreeMap::new();
    let mut per_week: BTreeMap<usize, Vec<(Vec<usize>, f64, f64)>> = BTreeMap::new();
    let weeks = crate::rules::params::weeks(dates, &sc.labour);
    // each week's dates inside the horizon (none where the horizon is one week)
    let week_dates: Vec<Vec<NaiveDate>> = if weeks.len() > 1 {
        weeks
            .iter()
            .map(|w| w.days.iter().map(|&d| dates[d]).collect())
            .collect()
    } else {
        Vec::new()
    };
    for a in agents {
        // pools are sorted and deduplicated
        let p = pools
            .binary_search(&Pool::of(sc, a))
            .expect("pools come from the agents");
        for (i, d) in dates.iter().enumerate() {
            if a.available(*d) {
                *per_day.entry((i, p)).or_insert(0) += 1;
            }
        }
        let rules = AgentRules::new(&sc.labour, a);
        if !week_dates.is_empty() {
            let mine = per_week
                .entry(p)
                .or_insert_with(|| weeks.iter().map(|w| (w.days.clone(), 0.0, 0.0)).collect());
            for ((_, max_days, max_hours), in_week) in mine.iter_mut().zip(&week_dates) {
                let l = rules.limits(a, in_week, &sc.labour);
                *max_days += l.max_days;
                *max_hours += l.max_hours;
            }
        }
        let l = rules.limits(a, dates, &sc.labour);
        let (n, e) = per_pool.entry(p).or_default();
        *n += 1;
        e.min_days += l.min_days;
        e.max_days += l.max_days;
        e.min_hours += l.min_hours;
        e.max_hours += l.max_hours;
    }
    Capacity {
        per_day,
        per_pool,
        per_week,
    }
}

/// Plans shift counts. `agents`, when given, bounds counts by who is available.
pub fn plan(
    req: &Requirements,
    sc: &Scenario,
    agents: Option<&[Agent]>,
    settings: &SolverSettings,
) -> Result<Plan, PlanError> {
    plan_after(req, sc, agents, settings, None)
}

/// Agents of `previous` (last week's roster) on the queue in each interval of `grid`: its
/// overnight shifts cover the first hours of this week.
pub fn carried_cover(previous: &crate::model::Roster, grid: &Grid) -> Vec<u32> {
    (0..grid.len)
        .map(|k| {
            let t = grid.at(k);
            previous
                .reaching_past(grid.start)
                .filter(|e| e.shift.as_ref().is_some_and(|s| s.on_queue(t)))
                .count() as u32
        })
        .collect()
}

/// [`plan`] after last week: `carried` agents per interval (from [`carried_cover`]) are
/// already on the queue, so the new week's shifts cover only the rest.
pub fn plan_after(
    req: &Requirements,
    sc: &Scenario,
    agents: Option<&[Agent]>,
    settings: &SolverSettings,
    carried: Option<&[u32]>,
) -> Result<Plan, PlanError> {
    let step = sc.horizon.interval.0;
    let grid = req.grid;
    if grid.step_minutes != step {
        return Err(PlanError::Interval {
            have: grid.step_minutes,
            want: step,
        });
    }
    if crate::model::time::minute_of_day(grid.start) != 0 {
        return Err(PlanError::NotMidnight {
            have: fmt_ts(grid.start),
        });
    }
    let per_day = grid.per_day();
    let days = grid.len.div_ceil(per_day);
    let dates: Vec<NaiveDate> = (0..days)
        .map(|d| grid.start.date() + Duration::days(d as i64))
        .collect();
    let tpls = templates(sc);
    let scoped = sc.service.target_scope != crate::scenario::TargetScope::Interval;
    if scoped && sc.queues.len() > 1 && req.rows.iter().any(|r| r.by_queue.is_empty()) {
        return Err(PlanError::QueuesUnknown {
            queues: sc.queues.len(),
        });
    }
    // a day or week target: every interval to its floor, the target over the group
    let floors: Vec<crate::staffing::requirements::Floor> = if scoped {
        req.rows
            .iter()
            .map(|r| crate::staffing::requirements::floor(sc, r))
            .collect()
    } else {
        Vec::new()
    };
    let mut required: Vec<u32> = if scoped {
        floors.iter().map(|f| f.agents).collect()
    } else {
        req.required()
    };
    if let Some(c) = carried {
        for (r, c) in required.iter_mut().zip(c) {
            *r = r.saturating_sub(*c);
        }
    }
    let pools = pools(sc, agents);
    let cap = agents.map(|a| capacity(a, sc, &dates, &pools));
    let step_h = step as f64 / 60.0;
    // the hours after the horizon its last day's shifts reach, to their requirement (the
    // floor under a day or week target)
    let after: Vec<u32> = after_required(sc, req, &tpls, per_day);

    // the model: variables first, then the rows of each constraint family, in this order
    let mut m = Mip::default();
    let options: Vec<Vec<(u32, Vec<u32>)>> = tpls
        .iter()
        .map(|t| crate::plan::shifts::short_break_options(sc, t))
        .collect();
    let mut vars = shift_variables(
        &mut m,
        sc,
        &grid,
        (days, after.len()),
        &tpls,
        &options,
        &pools,
        cap.as_ref(),
    );
    let under_pen = sc.costs.under_coverage_per_agent_hour * step_h;
    let over_pen = sc.costs.over_coverage_per_agent_hour * step_h;
    let slacks = coverage_rows(&mut m, sc, &vars, &required, under_pen, over_pen);
    let after_short = after_rows(&mut m, &vars.cover[grid.len..], &after, under_pen);
    let curves = if scoped {
        // the cover of the coverage row is required − under + over, and last week's agents
        let base: Vec<f64> = (0..grid.len)
            .map(|i| (required[i] + carried.map_or(0, |c| c[i])) as f64)
            .collect();
        service_rows(&mut m, sc, req, &floors, &base, &slacks)
    } else {
        Vec::new()
    };
    // each queue's agents on the queue per interval: its floor under a day or week target
    let on_queue: Vec<Vec<u32>> = if scoped {
        floors.iter().map(|f| f.by_queue.clone()).collect()
    } else {
        req.rows
            .iter()
            .map(|r| r.by_queue.iter().map(|b| b.agents_on_queue).collect())
            .collect()
    };
    let skill_gaps = skill_rows(&mut m, req, &on_queue, &pools, &vars.pool_cover, under_pen);
    let budget_terms = std::mem::take(&mut vars.budget_terms);
    seat_and_budget_rows(&mut m, sc, &vars.seats, budget_terms);
    let mut min_slacks = Vec::new();
    if let Some(cap) = &cap {
        min_slacks = contract_total_rows(&mut m, sc, cap, &pools, &vars.xs, &tpls, under_pen);
        one_shift_a_day_rows(&mut m, cap, &vars.xs);
        rest_rows(&mut m, sc, cap, &vars.xs, &tpls, days);
    }

    let out = solve_plan(&m, settings)?;

    let rows = decode(&out, &vars, &options, &tpls, &pools, &dates);
    let heads = coverage(&grid, &rows);
    let on_duty = on_duty(&grid, &rows, sc);
    let cov = whole(&on_duty);
    let paid_hours: f64 = rows
        .iter()
        .map(|r| r.count as f64 * r.template.paid_hours())
        .sum();
    let labour_cost: f64 = rows
        .iter()
        .map(|r| r.count as f64 * r.template.paid_hours() * sc.contracts[&r.contract].cost_per_hour)
        .sum();
    let under: f64 = (0..grid.len)
        .map(|i| required[i].saturating_sub(cov[i]) as f64)
        .sum::<f64>()
        * step_h;
    let over: f64 = (0..grid.len)
        .map(|i| cov[i].saturating_sub(required[i]) as f64)
        .sum::<f64>()
        * step_h;
    let mut warnings = min_contract_warnings(&out, &min_slacks);
    let after_short_agent_hours = after_short
        .iter()
        .map(|u| out.value(*u).max(0.0))
        .sum::<f64>()
        * step_h;
    warnings.extend(after_warning(&grid, after_short_agent_hours));
    let scoped = scoped.then(|| {
        let contracted = cap
            .as_ref()
            .map(|c| c.per_pool.values().map(|(_, l)| l.min_hours).sum());
        expected_service(sc, req, &curves, &on_duty, carried, &dates, contracted)
    });
    let mut shortfalls = explain(
        &grid,
        &required,
        &cov,
        &heads,
        &rows,
        sc,
        cap.as_ref(),
        &pools,
        &tpls,
        &dates,
    );
    shortfalls.extend(skill_shortfalls(&grid, &out, &skill_gaps, &req.queues));
    Ok(Plan {
        rows,
        grid,
        coverage: heads,
        required,
        paid_hours,
        labour_cost,
        under_agent_hours: under,
        over_agent_hours: over,
        after_short_agent_hours,
        shortfalls,
        warnings,
        lp_bound: out.lp_bound,
        solve: out,
        scoped,
    })
}

/// An interval's service curve: its chats and the service level at 0, 1, … agents on the queue.
struct Curve {
    chats: f64,
    shrinkage: f64,
    sl: Vec<f64>,
}

/// A day or week target (`service.target_scope`): per open interval, the chats answered in
/// time are at most the concave envelope of its Erlang curve at the plan's cover (one row per
/// segment between whole agents on the queue, over the cover `base − under + over` of the
/// coverage row, `base` its floor plus last week's agents); per group (day, or the horizon)
/// they reach the target, elastic at `costs.under_coverage_per_agent_hour` per chat short; and
/// the chat slots held stay within `service.occupancy_max` of the slots on the queue over the
/// same group (the occupancy measured as the service level is), elastic at that price per
/// agent on the queue short. Returns each interval's curve.
fn service_rows(
    m: &mut Mip,
    sc: &Scenario,
    req: &Requirements,
    floors: &[crate::staffing::requirements::Floor],
    base: &[f64],
    slacks: &[(Var, Var)],
) -> Vec<Option<Curve>> {
    let per_day = req.grid.per_day();
    let target = sc.service.target_percent / 100.0;
    let mut groups: BTreeMap<usize, (Vec<(Var, f64)>, f64)> = BTreeMap::new();
    let mut occupancy: BTreeMap<usize, Occupancy> = BTreeMap::new();
    let k = crate::staffing::requirements::queues(sc)[0]
        .concurrency
        .max(1) as f64;
    let mut curves = Vec::with_capacity(req.rows.len());
    for (i, r) in req.rows.iter().enumerate() {
        if !r.open || r.agent_volume <= 0.0 {
            curves.push(None);
            continue;
        }
        let upto = r.agents_on_queue + 4;
        let c = Curve {
            chats: r.agent_volume,
            shrinkage: r.shrinkage,
            sl: crate::staffing::requirements::service_curve(sc, r, upto),
        };
        let lam = c.chats;
        let g = m.var(0.0, lam, false, 0.0);
        // agents on the queue = (1 − shrinkage) × (base − under + over)
        let on = 1.0 - c.shrinkage;
        let base = base[i];
        let (u, o) = slacks[i];
        let lowest = ((base * on).floor() as usize).saturating_sub(1);
        for (k, slope) in upper_hull(&c.sl, lowest) {
            // g ≤ λ (sl_k + slope (on·cover − k)), cover = base − u + o
            let w = lam * slope * on;
            m.row(
                vec![(g, 1.0), (u, w), (o, -w)],
                f64::NEG_INFINITY,
                lam * (c.sl[k] - slope * k as f64) + w * base,
            );
        }
        let key = sc.service.target_scope.group(i, per_day);
        let e = groups.entry(key).or_default();
        e.0.push((g, 1.0));
        e.1 += lam;
        // slots on the queue: k × (1 − shrinkage) × (base − under + over)
        let o_row = occupancy.entry(key).or_default();
        let slots = k * on;
        o_row.terms.extend([(u, -slots), (o, slots)]);
        o_row.slots += slots * base;
        o_row.held += floors[i].held_slots;
        curves.push(Some(c));
    }
    // the occupancy cap over the same chats: slots held ≤ cap × slots on the queue, elastic
    // at the under-coverage price per agent on the queue short
    let cap = sc.service.occupancy_max;
    let short_price = sc.costs.under_coverage_per_agent_hour * req.grid.step_hours();
    for (_, mut o) in occupancy {
        let short = m.var(0.0, f64::INFINITY, false, short_price);
        o.terms.push((short, k));
        m.row(o.terms, o.held / cap - o.slots, f64::INFINITY);
    }
    for (_, (mut terms, chats)) in groups {
        let short = m.var(
            0.0,
            f64::INFINITY,
            false,
            sc.costs.under_coverage_per_agent_hour,
        );
        terms.push((short, 1.0));
        m.row(terms, target * chats, f64::INFINITY);
    }
    curves
}

/// A day's or the week's occupancy row, gathered over its intervals: the slot terms of the
/// coverage slacks, the slots of the base cover and the slots held.
#[derive(Default)]
struct Occupancy {
    terms: Vec<(Var, f64)>,
    slots: f64,
    held: f64,
}

/// The segments (start, slope) of the upper concave hull of the curve's points from `from` on,
/// with (0, 0): lines that lie above every point, so a cover that cannot reach the curve never
/// makes the rows infeasible (an S-shaped start is bridged), exact where the curve is concave.
fn upper_hull(sl: &[f64], from: usize) -> Vec<(usize, f64)> {
    let mut pts: Vec<(usize, f64)> = vec![(0, 0.0)];
    pts.extend((from.max(1)..sl.len()).map(|k| (k, sl[k])));
    let mut hull: Vec<(usize, f64)> = Vec::new();
    for p in pts {
        while hull.len() >= 2 {
            let (a, b) = (hull[hull.len() - 2], hull[hull.len() - 1]);
            // drop b when it lies on or below the line from a to p
            let cross =
                (b.0 as f64 - a.0 as f64) * (p.1 - a.1) - (b.1 - a.1) * (p.0 as f64 - a.0 as f64);
            if cross >= 0.0 {
                hull.pop();
            } else {
                break;
            }
        }
        hull.push(p);
    }
    hull.windows(2)
        .filter_map(|w| {
            let slope = (w[1].1 - w[0].1) / (w[1].0 - w[0].0) as f64;
            (slope > 1e-9).then_some((w[0].0, slope))
        })
        .collect()
}

/// The service level the plan's cover gives by Erlang, per day or for the horizon (with the
/// hours the contracts ask for at least, `contracted_hours`): `cov` the
/// agents on duty per interval in trained-agent equivalents, not rounded (as the plan's rows
/// count them; rounded down, a team of temps at 70% would be expected to serve up to one agent
/// less per interval than it does).
fn expected_service(
    sc: &Scenario,
    req: &Requirements,
    curves: &[Option<Curve>],
    cov: &[f64],
    carried: Option<&[u32]>,
    dates: &[NaiveDate],
    contracted_hours: Option<f64>,
) -> ScopedService {
    let per_day = req.grid.per_day();
    let scope = sc.service.target_scope;
    let mut acc: BTreeMap<usize, (f64, f64)> = BTreeMap::new();
    for (i, c) in curves.iter().enumerate() {
        let Some(c) = c else { continue };
        let cover = cov[i] + carried.map_or(0, |x| x[i]) as f64;
        let sl = crate::staffing::requirements::curve_at(&c.sl, cover * (1.0 - c.shrinkage));
        let key = scope.group(i, per_day);
        let e = acc.entry(key).or_default();
        e.0 += c.chats * sl;
        e.1 += c.chats;
    }
    ScopedService {
        scope,
        target_percent: sc.service.target_percent,
        floor_percent: sc.service.floor(),
        expected: acc
            .into_iter()
            .map(|(k, (within, chats))| (dates[k], if chats > 0.0 { within / chats } else { 1.0 }))
            .collect(),
        contracted_hours,
    }
}

/// The plan MIP by the configured engine: by default the anytime engine (the LP relaxation, the
/// whole MIP for a short share, the MIP around the LP's optimum, windows of days re-solved
/// below the best plan, the whole MIP below it); with `engine = "mip"` the LP relaxation, then
/// the whole MIP with what is left of the limit. Either keeps to time_limit_seconds.
fn solve_plan(m: &Mip, settings: &SolverSettings) -> Result<Outcome, PlanError> {
    if settings.engine == Engine::Mip {
        return Ok(solve_lp_then_mip(m, settings, "shift plan")?);
    }
    Ok(crate::solver::lns::solve_lns(m, settings, "shift plan")?)
}

/// The plan's variables, and the terms each interval's rows will sum.
struct ShiftVars<'s> {
    /// Shift counts: (day, template, pool, variable).
    xs: Vec<(usize, usize, usize, Var)>,
    /// Short-break placements: (index into `xs`, break j, offset, variable).
    placed: Vec<(usize, usize, u32, Var)>,
    /// Per pool and interval, coverage in trained-agent equivalents (pools limited to some
    /// skills only; the others stay empty).
    pool_cover: Vec<Vec<Vec<(Var, f64)>>>,
    /// Per interval, coverage in trained-agent equivalents (productivity), and heads on duty.
    cover: Vec<Vec<(Var, f64)>>,
    heads: Vec<Vec<(Var, f64)>>,
    /// Per contract with a seat limit: its shifts covering each interval.
    seats: BTreeMap<&'s str, Vec<Vec<(Var, f64)>>>,
    /// Each shift count with its labour cost.
    budget_terms: Vec<(Var, f64)>,
}

/// Shift counts `x[day, template, pool]` (bounded by the agents available) and, implicitly
/// (Aykin), their short paid breaks: for each count x and each short break of its family,
/// integer counts per allowed position summing to x (one row each); a placed break takes its
/// agents off the queue. Breaks add variables, they do not multiply templates.
#[allow(clippy::too_many_arguments)]
fn shift_variables<'s>(
    m: &mut Mip,
    sc: &'s Scenario,
    grid: &Grid,
    (days, after): (usize, usize),
    tpls: &[Template],
    options: &[Vec<(u32, Vec<u32>)>],
    pools: &[Pool],
    cap: Option<&Capacity>,
) -> ShiftVars<'s> {
    let step = grid.step_minutes;
    let per_day = grid.per_day();
    let mut xs: Vec<(usize, usize, usize, Var)> = Vec::new();
    let mut pool_cover: Vec<Vec<Vec<(Var, f64)>>> = vec![Vec::new(); pools.len()];
    // the horizon's intervals and the `after` ones past its end (the coverage rows alone)
    let mut cover: Vec<Vec<(Var, f64)>> = vec![Vec::new(); grid.len + after];
    let mut heads: Vec<Vec<(Var, f64)>> = vec![Vec::new(); grid.len];
    let mut placed: Vec<(usize, usize, u32, Var)> = Vec::new();
    let mut seats: BTreeMap<&str, Vec<Vec<(Var, f64)>>> = sc
        .contracts
        .iter()
        .filter(|(_, c)| c.max_on_duty.is_some())
        .map(|(n, _)| (n.as_str(), vec![Vec::new(); grid.len]))
        .collect();
    let mut budget_terms: Vec<(Var, f64)> = Vec::new();
    for d in 0..days {
        // the day's shifts are the unit the anytime engine frees and fixes
        m.tag_with(None, Some(d));
        for (ti, t) in tpls.iter().enumerate() {
            let ivs = t.on_queue_intervals(step);
            for (p, pool) in pools.iter().enumerate() {
                let c = &pool.contract;
                if !t.contracts.contains(c) {
                    continue;
                }
                let ub = match &cap {
                    Some(cap) => *cap.per_day.get(&(d, p)).unwrap_or(&0) as f64,
                    None => 1e4,
                };
                if ub == 0.0 {
                    continue;
                }
                let cost = sc.contracts[c].cost_per_hour * t.paid_hours();
                let v = m.var(0.0, ub, true, cost);
                xs.push((d, ti, p, v));
                budget_terms.push((v, cost));
                let prod = sc.productivity(c);
                let skilled = !pool.queues.is_empty();
                if skilled && pool_cover[p].is_empty() {
                    pool_cover[p] = vec![Vec::new(); grid.len];
                }
                let mut on_queue = |v: Var, ivs: &[usize], sign: f64| {
                    for off in ivs {
                        // a skill-limited pool's heads on the queue are summed once, into
                        // its own interval variable (`pool_heads`); the rows take that
                        if let Some(pv) = pool_cover[p].get_mut(d * per_day + off) {
                            pv.push((v, sign));
                            continue;
                        }
                        if let Some(cv) = cover.get_mut(d * per_day + off) {
                            cv.push((v, sign * prod));
                        }
                        if let Some(hv) = heads.get_mut(d * per_day + off) {
                            hv.push((v, sign));
                        }
                        if let Some(sv) = seats
                            .get_mut(c.as_str())
                            .and_then(|s| s.get_mut(d * per_day + off))
                        {
                            sv.push((v, sign));
                        }
                    }
                };
                on_queue(v, &ivs, 1.0);
                for (j, (len, offsets)) in options[ti].iter().enumerate() {
                    let mut sum = vec![(v, -1.0)];
                    for &o in offsets {
                        let w = m.var(0.0, ub, true, 0.0);
                        sum.push((w, 1.0));
                        placed.push((xs.len() - 1, j, o, w));
                        let off: Vec<usize> = ivs
                            .iter()
                            .copied()
                            .filter(|&k| {
                                let at = k as u32 * step;
                                at >= t.start + o && at < t.start + o + len
                            })
                            .collect();
                        on_queue(w, &off, -1.0);
                    }
                    m.row(sum, 0.0, 0.0);
                }
            }
        }
    }
    m.tag_with(None, None);
    pool_heads(
        m,
        sc,
        pools,
        &mut pool_cover,
        &mut cover,
        &mut heads,
        &mut seats,
    );
    ShiftVars {
        xs,
        placed,
        pool_cover,
        cover,
        heads,
        seats,
        budget_terms,
    }
}

/// A skill-limited pool's heads on the queue per interval as one continuous variable, defined
/// by one row over the pool's shift and break counts; the coverage, headcount, seat and skill
/// rows then take that variable instead of repeating every count (a shift covering 18
/// intervals would otherwise appear in up to five rows per interval: the skill-pooled model
/// grows three- to four-fold in nonzeros, and its interior-point LP with it). Each variable
/// is tagged with the days of the counts it sums, so a step or neighbourhood over a window of
/// days takes only its own days' (not every day's, as an untagged variable would be). On entry
/// `pool_cover[p][i]` holds the counts with their signs; on return, `(heads, productivity)`.
fn pool_heads(
    m: &mut Mip,
    sc: &Scenario,
    pools: &[Pool],
    pool_cover: &mut [Vec<Vec<(Var, f64)>>],
    cover: &mut [Vec<(Var, f64)>],
    heads: &mut [Vec<(Var, f64)>],
    seats: &mut BTreeMap<&str, Vec<Vec<(Var, f64)>>>,
) {
    for (p, per_iv) in pool_cover.iter_mut().enumerate() {
        let c = pools[p].contract.as_str();
        let prod = sc.productivity(c);
        for (i, terms) in per_iv.iter_mut().enumerate() {
            if terms.is_empty() {
                continue;
            }
            // of the days of the counts it sums (a shift past midnight reaches the next day's
            // intervals): a window of days frees it with them, and fixes it with them
            let days = terms.iter().filter_map(|(v, _)| m.tags[v.0].time).fold(
                None,
                |acc: Option<(u32, u32)>, (a, z)| {
                    Some(acc.map_or((a, z), |(lo, hi)| (lo.min(a), hi.max(z))))
                },
            );
            m.tag_days(days.map(|(a, z)| (a as usize, z as usize)));
            let a = m.var(0.0, f64::INFINITY, false, 0.0);
            m.tag_days(None);
            let mut def = std::mem::take(terms);
            def.push((a, -1.0));
            m.row(def, 0.0, 0.0);
            terms.push((a, prod));
            cover[i].push((a, prod));
            heads[i].push((a, 1.0));
            if let Some(sv) = seats.get_mut(c).and_then(|s| s.get_mut(i)) {
                sv.push((a, 1.0));
            }
        }
    }
}

/// Agents required in the intervals after the horizon (`req.after`) that shifts starting on
/// its last day reach — the requirement, or the floor under a day or week target; none where
/// the horizon is not whole days.
fn after_required(
    sc: &Scenario,
    req: &Requirements,
    tpls: &[Template],
    per_day: usize,
) -> Vec<u32> {
    if per_day == 0 || !req.grid.len.is_multiple_of(per_day) {
        return Vec::new();
    }
    let reach = tpls
        .iter()
        .map(|t| (t.start + t.length).saturating_sub(24 * 60))
        .max()
        .unwrap_or(0);
    let n = (reach.div_ceil(req.grid.step_minutes) as usize).min(req.after.len());
    let scoped = sc.service.target_scope != crate::scenario::TargetScope::Interval;
    req.after[..n]
        .iter()
        .map(|r| {
            if scoped {
                crate::staffing::requirements::floor(sc, r).agents
            } else {
                r.agents_required
            }
        })
        .collect()
}

/// The hours after the horizon: each interval's cover (`cover`, past the horizon's end) at
/// least its requirement in `after`, elastic at `under_pen` per agent short; no row where
/// nothing is required, nor where no shift of the last day takes chats (its wrap-up, or
/// nobody free that day), and no price on covering more (the next horizon's plan weighs
/// that). Returns the shortfall variables.
fn after_rows(m: &mut Mip, cover: &[Vec<(Var, f64)>], after: &[u32], under_pen: f64) -> Vec<Var> {
    let mut short = Vec::new();
    for (terms, need) in cover
        .iter()
        .zip(after)
        .filter(|(t, n)| **n > 0 && !t.is_empty())
    {
        let u = m.var(0.0, f64::INFINITY, false, under_pen);
        let mut terms = terms.clone();
        terms.push((u, 1.0));
        m.row(terms, *need as f64, f64::INFINITY);
        short.push(u);
    }
    short
}

/// A warning when the plan leaves the hours after the horizon `short` agent-hours short
/// ([`after_rows`]): the next horizon's plan, given this roster as last week's, will see them.
fn after_warning(grid: &Grid, short: f64) -> Option<String> {
    if short < 0.25 - 1e-9 {
        return None;
    }
    Some(format!(
        "the hours after the horizon that its last shifts reach (from {}) are {:.1} agent-hours short of their requirement: the next horizon's first hours, which its plan sees when this roster is its inputs.previous_roster",
        fmt_ts(grid.end()),
        short
    ))
}

/// Coverage per interval: trained-agent equivalents on the queue plus under-coverage minus
/// over-coverage equal the requirement (elastic, at the penalties); the on-duty headcount cap.
fn coverage_rows(
    m: &mut Mip,
    sc: &Scenario,
    vars: &ShiftVars,
    required: &[u32],
    under_pen: f64,
    over_pen: f64,
) -> Vec<(Var, Var)> {
    let mut slacks = Vec::with_capacity(required.len());
    for i in 0..required.len() {
        let u = m.var(0.0, f64::INFINITY, false, under_pen);
        let o = m.var(0.0, f64::INFINITY, false, over_pen);
        slacks.push((u, o));
        let mut terms: Vec<(Var, f64)> = vars.cover[i].clone();
        terms.push((u, 1.0));
        terms.push((o, -1.0));
        m.row(terms, required[i] as f64, required[i] as f64);
        if let Some(maxd) = sc.headcount.max_on_duty {
            m.row(vars.heads[i].clone(), f64::NEG_INFINITY, maxd as f64);
        }
    }
    slacks
}

/// Seats per contract (its agents on the queue at once), and the labour budget.
fn seat_and_budget_rows(
    m: &mut Mip,
    sc: &Scenario,
    seats: &BTreeMap<&str, Vec<Vec<(Var, f64)>>>,
    budget_terms: Vec<(Var, f64)>,
) {
    for (c, per_iv) in seats {
        let cap = sc.contracts[*c].max_on_duty.expect("only capped contracts") as f64;
        for vs in per_iv {
            if vs.len() > 1 {
                m.row(vs.clone(), f64::NEG_INFINITY, cap);
            }
        }
    }
    if let Some(b) = sc.costs.budget {
        m.row(budget_terms, f64::NEG_INFINITY, b);
    }
}

/// A pool's contracted minimum (days or paid hours) the plan may fall short of: the pool's
/// label, what, the slack variable and the minimum.
type MinSlack = (String, &'static str, Var, f64);

/// Contract totals per pool: at most what the agents can work, over the horizon and in each
/// of its weeks; at least their contracted minimum (elastic, with a penalty above any shift's
/// cost so it is met whenever possible).
fn contract_total_rows(
    m: &mut Mip,
    sc: &Scenario,
    cap: &Capacity,
    pools: &[Pool],
    xs: &[(usize, usize, usize, Var)],
    tpls: &[Template],
    under_pen: f64,
) -> Vec<MinSlack> {
    let mut min_slacks: Vec<MinSlack> = Vec::new();
    for (p, (_, l)) in &cap.per_pool {
        let c = &pools[*p].contract;
        let (min_d, max_d, min_h, max_h) = (&l.min_days, &l.max_days, &l.min_hours, &l.max_hours);
        let mine: Vec<&(usize, usize, usize, Var)> = xs.iter().filter(|x| x.2 == *p).collect();
        let days_terms: Vec<(Var, f64)> = mine.iter().map(|x| (x.3, 1.0)).collect();
        let hour_terms: Vec<(Var, f64)> =
            mine.iter().map(|x| (x.3, tpls[x.1].paid_hours())).collect();
        m.row(days_terms.clone(), f64::NEG_INFINITY, *max_d);
        m.row(hour_terms.clone(), f64::NEG_INFINITY, *max_h);
        for (days, week_days, week_hours) in cap.per_week.get(p).into_iter().flatten() {
            let in_week: Vec<&(usize, usize, usize, Var)> = mine
                .iter()
                .copied()
                .filter(|x| days.contains(&x.0))
                .collect();
            if in_week.is_empty() {
                continue;
            }
            let terms = in_week.iter().map(|x| (x.3, 1.0)).collect();
            m.row(terms, f64::NEG_INFINITY, *week_days);
            let terms = in_week
                .iter()
                .map(|x| (x.3, tpls[x.1].paid_hours()))
                .collect();
            m.row(terms, f64::NEG_INFINITY, *week_hours);
        }
        let big = sc.contracts[c].cost_per_hour * 24.0 + under_pen * 96.0;
        let sd = m.var(0.0, f64::INFINITY, false, big);
        let sh = m.var(0.0, f64::INFINITY, false, big / 8.0);
        let mut t = days_terms;
        t.push((sd, 1.0));
        m.row(t, *min_d, f64::INFINITY);
        let mut t = hour_terms;
        t.push((sh, 1.0));
        m.row(t, *min_h, f64::INFINITY);
        min_slacks.push((pools[*p].label(), "days", sd, *min_d));
        min_slacks.push((pools[*p].label(), "paid hours", sh, *min_h));
    }
    min_slacks
}

/// One shift a day: the shifts of a pool on a day never outnumber its agents available.
fn one_shift_a_day_rows(m: &mut Mip, cap: &Capacity, xs: &[(usize, usize, usize, Var)]) {
    let mut by_day: BTreeMap<(usize, usize), Vec<(Var, f64)>> = BTreeMap::new();
    for (d, _, p, v) in xs {
        by_day.entry((*d, *p)).or_default().push((*v, 1.0));
    }
    for ((d, p), terms) in by_day {
        let n = cap.per_day.get(&(d, p)).copied().unwrap_or(0);
        if terms.len() > 1 {
            m.row(terms, f64::NEG_INFINITY, n as f64);
        }
    }
}

/// Rest between days, aggregated: for an end time τ, an agent can work either a shift on day
/// d ending at τ or later, or a shift on day d+1 starting within the rest period after τ —
/// not both. So those two groups together never exceed the pool's agents.
fn rest_rows(
    m: &mut Mip,
    sc: &Scenario,
    cap: &Capacity,
    xs: &[(usize, usize, usize, Var)],
    tpls: &[Template],
    days: usize,
) {
    let rest = (sc.labour.min_rest_hours * 60.0).ceil() as i64;
    let mut ends: Vec<u32> = tpls.iter().map(|t| t.end()).collect();
    ends.sort_unstable();
    ends.dedup();
    for (p, (n_agents, _)) in &cap.per_pool {
        for d in 0..days.saturating_sub(1) {
            let today: Vec<&(usize, usize, usize, Var)> =
                xs.iter().filter(|x| x.2 == *p && x.0 == d).collect();
            let tomorrow: Vec<&(usize, usize, usize, Var)> =
                xs.iter().filter(|x| x.2 == *p && x.0 == d + 1).collect();
            for &tau in &ends {
                let late = today.iter().filter(|x| tpls[x.1].end() >= tau);
                let early = tomorrow
                    .iter()
                    .filter(|x| 1440 + tpls[x.1].start as i64 - (tau as i64) < rest);
                let (late, early): (Vec<_>, Vec<_>) = (
                    late.map(|x| (x.3, 1.0)).collect(),
                    early.map(|x| (x.3, 1.0)).collect(),
                );
                if !late.is_empty() && !early.is_empty() {
                    m.row([late, early].concat(), f64::NEG_INFINITY, *n_agents as f64);
                }
            }
        }
    }
}

/// The solved counts as plan rows, sorted by date, start, shift, contract and queues. Each
/// shift count's short breaks are handed out in order: the i-th agent gets the i-th earliest
/// position of every break, so each agent's breaks stay spread over the shift.
fn decode(
    out: &Outcome,
    vars: &ShiftVars,
    options: &[Vec<(u32, Vec<u32>)>],
    tpls: &[Template],
    pools: &[Pool],
    dates: &[NaiveDate],
) -> Vec<PlanRow> {
    let mut positions: BTreeMap<(usize, usize), Vec<u32>> = BTreeMap::new();
    for (xi, j, o, w) in &vars.placed {
        let list = positions.entry((*xi, *j)).or_default();
        list.extend(std::iter::repeat_n(*o, out.round(*w).max(0) as usize));
    }
    let mut rows: Vec<PlanRow> = Vec::new();
    for (xi, (d, ti, p, v)) in vars.xs.iter().enumerate() {
        let n = out.round(*v).max(0) as usize;
        let mut combos: BTreeMap<Vec<(u32, u32)>, u32> = BTreeMap::new();
        for i in 0..n {
            let mine: Vec<(u32, u32)> = options[*ti]
                .iter()
                .enumerate()
                .map(|(j, (len, offs))| {
                    let list = positions.get(&(xi, j));
                    // rounding can leave a list short; the first allowed position then
                    (
                        list.and_then(|l| l.get(i).copied())
                            .or(offs.first().copied())
                            .unwrap_or(0),
                        *len,
                    )
                })
                .collect();
            *combos.entry(mine).or_insert(0) += 1;
        }
        for (placed, count) in combos {
            rows.push(PlanRow {
                date: dates[*d],
                template: tpls[*ti].with_short_breaks(&placed),
                contract: pools[*p].contract.clone(),
                count,
                queues: pools[*p].queues.clone(),
            });
        }
    }
    rows.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then(a.template.start.cmp(&b.template.start))
            .then(a.template.id.cmp(&b.template.id))
            .then(a.contract.cmp(&b.contract))
            .then(a.queues.cmp(&b.queues))
    });
    rows
}

/// A warning for each contracted minimum the plan does not meet.
fn min_contract_warnings(out: &Outcome, min_slacks: &[MinSlack]) -> Vec<String> {
    let mut warnings = Vec::new();
    for (c, what, v, need) in min_slacks {
        let s = out.value(*v);
        if s > 1e-6 {
            warnings.push(format!("{c} agents are contracted for at least {need:.0} {what} in total, but the plan gives them only {:.0}: there is not enough work they can do in their shifts", need - s));
        }
    }
    warnings
}

/// A set of queues (a bit per queue of the requirements), an interval and its shortfall.
type SkillGap = (usize, usize, Var);

/// Queues limited to some skills are covered by agents who have them (Hall's condition: for
/// every set of queues, the pools that can serve any of them cover what the set needs: its
/// queues' agents on the queue `on_queue` — at the per-interval target, or at their floors
/// under a day or week target — scheduled for the interval's shrinkage),
/// elastic at the under-coverage penalty. A set every pool can serve needs no row: the total
/// coverage row holds it. Returns each row's shortfall variable.
fn skill_rows(
    m: &mut Mip,
    req: &Requirements,
    on_queue: &[Vec<u32>],
    pools: &[Pool],
    pool_cover: &[Vec<Vec<(Var, f64)>>],
    under_pen: f64,
) -> Vec<SkillGap> {
    let mut gaps = Vec::new();
    let nq = req.queues.len();
    if pools.iter().all(|p| p.queues.is_empty()) || !(2..=8).contains(&nq) {
        return gaps;
    }
    for set in 1..(1usize << nq) - 1 {
        let serves =
            |p: &Pool| (0..nq).any(|q| set >> q & 1 == 1 && p.queues.contains(&req.queues[q]));
        let able: Vec<usize> = (0..pools.len()).filter(|p| serves(&pools[*p])).collect();
        if able.len() == pools.len() {
            continue;
        }
        for (i, row) in req.rows.iter().enumerate() {
            let on: u32 = (0..nq)
                .filter(|q| set >> q & 1 == 1)
                .filter_map(|q| on_queue[i].get(q))
                .sum();
            let need = crate::staffing::requirements::scheduled(on, row.shrinkage) as f64;
            if need <= 0.0 {
                continue;
            }
            let mut terms: Vec<(Var, f64)> = able
                .iter()
                .flat_map(|p| pool_cover[*p].get(i).into_iter().flatten().copied())
                .collect();
            let gap = m.var(0.0, need, false, under_pen);
            terms.push((gap, 1.0));
            m.row(terms, need, f64::INFINITY);
            gaps.push((set, i, gap));
        }
    }
    gaps
}

/// Stretches where a set of skill-limited queues is short of agents who can serve it.
fn skill_shortfalls(
    grid: &Grid,
    out: &Outcome,
    gaps: &[SkillGap],
    queues: &[String],
) -> Vec<Shortfall> {
    let mut found: Vec<Shortfall> = Vec::new();
    let mut run: Option<(usize, usize, usize, u32)> = None; // (set, first, last, short)
    let flush = |r: (usize, usize, usize, u32), found: &mut Vec<Shortfall>| {
        let names: Vec<&str> = (0..queues.len())
            .filter(|q| r.0 >> q & 1 == 1)
            .map(|q| queues[q].as_str())
            .collect();
        let (from, to) = (grid.at(r.1), grid.at(r.2 + 1));
        let reason = format!(
            "not enough agents with the skills for {} ([[queue]] skills / tiers)",
            names.join(" + ")
        );
        found.push(Shortfall {
            from: fmt_ts(from),
            to: fmt_ts(to),
            agents_short: r.3,
            agent_hours: r.3 as f64 * (r.2 + 1 - r.1) as f64 * grid.step_hours(),
            message: format!(
                "{} {} short by {} agent{}: {reason}",
                fmt_hm_range(from, to),
                names.join(" + "),
                r.3,
                if r.3 == 1 { "" } else { "s" }
            ),
            reason,
        });
    };
    for &(set, i, v) in gaps {
        let short = out.value(v).round() as u32;
        match &mut run {
            Some(r) if short > 0 && r.0 == set && r.2 + 1 == i && r.3 == short => r.2 = i,
            _ => {
                if let Some(r) = run.take() {
                    flush(r, &mut found);
                }
                if short > 0 {
                    run = Some((set, i, i, short));
                }
            }
        }
    }
    if let Some(r) = run {
        flush(r, &mut found);
    }
    found
}

/// Whether any shift of the scenario can take chats in interval `k`: one started that day (or
/// the evening before, from the second day on), only one started the day before the horizon
/// (its first night), or none at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    Shift,
    DayBefore,
    Never,
}

fn reach_of(tpls: &[Template], k: usize, per_day: usize, step: u32) -> Reach {
    let d = k / per_day;
    let m = ((k - d * per_day) as u32) * step;
    if tpls
        .iter()
        .any(|t| t.on_queue(m) || (d > 0 && t.on_queue(m + 1440)))
    {
        Reach::Shift
    } else if tpls.iter().any(|t| t.on_queue(m + 1440)) {
        Reach::DayBefore
    } else {
        Reach::Never
    }
}

/// Why no shift takes chats in the day's intervals `from..to`: when the shifts before it stop
/// taking chats and when the next ones start (after their prep).
fn no_shift_reason(tpls: &[Template], from: usize, to: usize, per_day: usize, step: u32) -> String {
    let on = |m: u32| tpls.iter().any(|t| t.on_queue(m) || t.on_queue(m + 1440));
    let clock = |m: u32| crate::model::time::Clock(m % 1440).to_string();
    let before = (0..from).rev().map(|k| k as u32 * step).find(|m| on(*m));
    let after = (to..per_day).map(|k| k as u32 * step).find(|m| on(*m));
    let edges = match (before, after) {
        (Some(b), Some(a)) => format!(
            " (the shifts before stop taking chats at {}, the next start at {})",
            clock(b + step),
            clock(a)
        ),
        (Some(b), None) => format!(
            " (the last shifts stop taking chats at {})",
            clock(b + step)
        ),
        (None, Some(a)) => format!(" (the first shifts start taking chats at {})", clock(a)),
        (None, None) => String::new(),
    };
    format!(
        "no shift takes chats at these hours{edges}: widen a [[shift]] start_window or add lengths so that shifts overlap"
    )
}

#[allow(clippy::too_many_arguments)]
fn explain(
    grid: &Grid,
    req: &[u32],
    cov: &[u32],
    heads: &[u32],
    rows: &[PlanRow],
    sc: &Scenario,
    cap: Option<&Capacity>,
    pools: &[Pool],
    tpls: &[Template],
    dates: &[NaiveDate],
) -> Vec<Shortfall> {
    let per_day = grid.per_day();
    let step = grid.step_minutes;
    let reach = |k: usize| reach_of(tpls, k, per_day, step);
    let mut out = Vec::new();
    let mut i = 0;
    while i < grid.len {
        if cov[i] >= req[i] {
            i += 1;
            continue;
        }
        let s = i;
        let day = i / per_day;
        let reached = reach(s);
        while i < grid.len && cov[i] < req[i] && i / per_day == day && reach(i) == reached {
            i += 1;
        }
        let short = (s..i).map(|k| req[k] - cov[k]).max().unwrap_or(0);
        let hours = (s..i).map(|k| (req[k] - cov[k]) as f64).sum::<f64>() * grid.step_hours();
        let (from, to) = (grid.at(s), grid.at(i));
        let d = day;
        // templates that could cover the stretch: started that day, or the day before
        let covering: Vec<&Template> = tpls
            .iter()
            .filter(|t| {
                (s..i).any(|k| {
                    let m = ((k - d * per_day) as u32) * step;
                    t.on_queue(m) || (d > 0 && t.on_queue(m + 1440))
                })
            })
            .collect();
        let working_today: BTreeMap<&str, u32> =
            rows.iter()
                .filter(|r| r.date == dates[d])
                .fold(BTreeMap::new(), |mut m, r| {
                    *m.entry(r.contract.as_str()).or_insert(0) += r.count;
                    m
                });
        let reason = if reached == Reach::DayBefore {
            "only shifts that start the day before the horizon could take chats then: give those already planned in inputs.previous_roster, or add a [[shift]] start_window that begins at midnight".to_string()
        } else if reached == Reach::Never {
            no_shift_reason(tpls, s - day * per_day, i - day * per_day, per_day, step)
        } else if let Some(maxd) = sc
            .headcount
            .max_on_duty
            .filter(|m| (s..i).any(|k| heads[k] >= *m))
        {
            format!("headcount cap {maxd} (headcount.max_on_duty)")
        } else if let Some(b) = sc.costs.budget.filter(|b| {
            // the budget is spent: not even the cheapest covering shift fits in what is left
            let spent: f64 = rows
                .iter()
                .map(|r| {
                    r.count as f64
                        * r.template.paid_hours()
                        * sc.contracts[&r.contract].cost_per_hour
                })
                .sum();
            let cheapest = covering
                .iter()
                .flat_map(|t| {
                    t.contracts
                        .iter()
                        .map(|c| sc.contracts[c].cost_per_hour * t.paid_hours())
                })
                .fold(f64::INFINITY, f64::min);
            spent + cheapest > *b + 1e-6
        }) {
            format!("the labour budget of {b:.0} is spent (costs.budget)")
        } else if let Some((c, cap)) = {
            // every contract that could cover it is at its seat limit in the stretch
            let contracts: std::collections::BTreeSet<&str> = covering
                .iter()
                .flat_map(|t| t.contracts.iter().map(String::as_str))
                .collect();
            let full = |c: &str| {
                sc.contracts[c].max_on_duty.is_some_and(|cap| {
                    (s..i).any(|k| {
                        let t = grid.at(k);
                        let on: u32 = rows
                            .iter()
                            .filter(|r| r.contract == c)
                            .filter(|r| {
                                let ws =
                                    crate::model::WorkShift::from_template(r.date, &r.template);
                                ws.on_queue(t)
                            })
                            .map(|r| r.count)
                            .sum();
                        on >= cap
                    })
                })
            };
            (!contracts.is_empty() && contracts.iter().all(|c| full(c)))
                .then(|| {
                    contracts
                        .iter()
                        .next()
                        .map(|c| (c.to_string(), sc.contracts[*c].max_on_duty.unwrap_or(0)))
                })
                .flatten()
        } {
            format!("{c} seats are full at {cap} (contracts.{c}.max_on_duty)")
        } else if let Some(cap) = cap {
            let contracts: std::collections::BTreeSet<&str> = covering
                .iter()
                .flat_map(|t| t.contracts.iter().map(String::as_str))
                .collect();
            let all_out = contracts
                .iter()
                .all(|c| working_today.get(c).copied().unwrap_or(0) >= cap.available(pools, d, c));
            let week_used = contracts.iter().all(|c| {
                let used: u32 = rows
                    .iter()
                    .filter(|r| r.contract == *c)
                    .map(|r| r.count)
                    .sum();
                let most: f64 = cap
                    .per_pool
                    .iter()
                    .filter(|(p, _)| pools[**p].contract == *c)
                    .map(|(_, (_, l))| l.max_days)
                    .sum();
                used as f64 >= most - 1e-9
            });
            let avail: u32 = contracts.iter().map(|c| cap.available(pools, d, c)).sum();
            if all_out {
                format!(
                    "all {avail} agents who can work these hours on {} are already scheduled",
                    weekday_short(dates[d].weekday())
                )
            } else if week_used {
                "the agents' weekly working days are used up".to_string()
            } else {
                "the other days need the agents' limited working days and hours more".to_string()
            }
        } else {
            format!("covering it costs more than the penalty (costs.under_coverage_per_agent_hour = {})", sc.costs.under_coverage_per_agent_hour)
        };
        let when = fmt_hm_range(from, to);
        out.push(Shortfall {
            from: fmt_ts(from),
            to: fmt_ts(to),
            agents_short: short,
            agent_hours: hours,
            message: format!(
                "{when} short by {short} agent{}: {reason}",
                if short == 1 { "" } else { "s" }
            ),
            reason,
        });
    }
    out
}

/// Writes one row per (date, shift, contract).
/// The plan, one row per (date, shift, contract); a `queues` column when the team is split
/// by skills.
pub fn to_csv(p: &Plan) -> Vec<u8> {
    let with_queues = p.rows.iter().any(|r| !r.queues.is_empty());
    let mut out = String::from(
        "date,weekday,shift,family,contract,start,end,break_start,break_end,paid_hours,count",
    );
    out.push_str(if with_queues { ",queues\n" } else { "\n" });
    for r in &p.rows {
        let (bs, be) = r
            .break_span()
            .map(|(a, b)| (fmt_ts(a), fmt_ts(b)))
            .unwrap_or_default();
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            r.date,
            weekday_short(r.date.weekday()),
            r.template.id,
            r.template.family,
            r.contract,
            fmt_ts(r.start()),
            fmt_ts(r.end()),
            bs,
            be,
            crate::io::fmt_f(r.template.paid_hours(), 2),
            r.count
        ));
        if with_queues {
            out.pop();
            out.push_str(&format!(",{}\n", r.queues.join(";")));
        }
    }
    out.into_bytes()
}

/// Reads a plan; shifts are matched to the scenario's templates by start, end and break, so
/// a hand-edited count or an added row of a valid shift works.
pub fn read_csv(
    path: &std::path::Path,
    sc: &Scenario,
) -> Result<Vec<PlanRow>, crate::io::InputError> {
    use crate::io::{read_text, Col, Table};
    const COLS: &[Col] = &[
        Col::req("date", &["日期"]),
        Col::opt("weekday", &[]),
        Col::req("shift", &["班次"]),
        Col::opt("family", &[]),
        Col::req("contract", &[]),
        Col::opt("start", &[]),
        Col::opt("end", &[]),
        Col::opt("break_start", &[]),
        Col::opt("break_end", &[]),
        Col::opt("paid_hours", &[]),
        Col::req("count", &["人数"]),
        Col::opt("queues", &["队列"]),
    ];
    let tpls = templates(sc);
    let (text, _) = read_text(path)?;
    let (t, idx) = Table::parse_with(path, &text, COLS, &sc.columns())?;
    let mut rows = Vec::new();
    for (line, rec) in &t.rows {
        let date = crate::model::time::parse_date(t.get(rec, idx[0]).unwrap_or(""))
            .map_err(|e| t.err(*line, "date", e, "write dates as YYYY-MM-DD"))?;
        let id = t.get(rec, idx[2]).unwrap_or("");
        let template = crate::plan::shifts::resolve(sc, &tpls, id).ok_or_else(|| {
            t.err(*line, "shift", format!("shift `{id}` is not one of the scenario's shift templates"), "use a shift written by `paiban plan` (start-end/bbreak/sshort-break, e.g. 09:00-18:00/b13:00/s10:30) that the scenario's [[shift]] families allow")
        })?;
        let contract = t.get(rec, idx[4]).unwrap_or("").to_string();
        if !template.contracts.contains(&contract) {
            return Err(t.err(
                *line,
                "contract",
                format!(
                    "contract `{contract}` may not work shift family `{}`",
                    template.family
                ),
                format!("use one of: {}", template.contracts.join(", ")),
            ));
        }
        let cs = t.get(rec, idx[10]).unwrap_or("");
        let count = cs.parse::<u32>().map_err(|_| {
            t.err(
                *line,
                "count",
                format!("`{cs}` is not a whole number"),
                "write the number of agents, 0 or more",
            )
        })?;
        let queues = crate::io::cell_list(t.get(rec, idx[11]));
        rows.push(PlanRow {
            date,
            template,
            contract,
            count,
            queues,
        });
    }
    Ok(rows)
}
