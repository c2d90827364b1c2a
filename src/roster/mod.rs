//! Rostering: named agents get the plan's shifts, or a day off, each day.
//!
//! A MIP over binaries `y[agent, day, shift]` for the shifts the plan uses on that day for
//! the agent's contract. It fills the plan's positions (unfilled ones are penalised and
//! explained) while keeping every agent within their contract (days and hours per week),
//! availability, the minimum rest between shifts, the maximum consecutive days and the
//! weekly days off; preferred days off and a fair spread of weekend work are soft goals.

pub mod offline;

use crate::model::shift::Template;
use crate::model::time::{fmt_ts, weekday_short};
use crate::plan::PlanRow;
use crate::rules::encode::{self, AgentDays, Choice};
use crate::rules::params::{self, AgentRules, Carried};
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use crate::solver::{solve, Mip, Outcome, SolverError, SolverSettings, Var};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    #[error("the plan is empty: nothing to roster")]
    EmptyPlan,
    #[error("the agent list is empty")]
    NoAgents,
    #[error(transparent)]
    Solver(#[from] SolverError),
}

pub use crate::model::{Entry, Roster, WorkShift};

#[derive(Debug, Clone, Serialize)]
pub struct RosterResult {
    pub roster: Roster,
    /// Plan positions no agent could take, explained.
    pub unfilled: Vec<String>,
    /// Shifts worked beyond the plan so agents reach their contracted minimum.
    pub extra_shifts: u32,
    pub preference_violations: u32,
    /// Weighted on/off requests not granted.
    pub requests_not_granted: u32,
    /// Agents who get less than their contracted minimum days or hours.
    pub warnings: Vec<String>,
    pub solve: Outcome,
}

/// What `paiban roster --json` prints of a roster: the solve and what it could not give.
#[derive(Debug, Serialize)]
pub struct RosterSummary<'a> {
    pub solve: &'a Outcome,
    pub unfilled: &'a [String],
    pub extra_shifts: u32,
    pub warnings: &'a [String],
    pub preference_violations: u32,
    pub requests_not_granted: u32,
}

impl RosterResult {
    pub fn summary(&self) -> RosterSummary<'_> {
        RosterSummary {
            solve: &self.solve,
            unfilled: &self.unfilled,
            extra_shifts: self.extra_shifts,
            warnings: &self.warnings,
            preference_violations: self.preference_violations,
            requests_not_granted: self.requests_not_granted,
        }
    }
}

/// Binaries above which the roster is solved LP-first (unless the solver settings say
/// otherwise): the LP relaxation is solved, every
/// assignment it makes whole (≥ 0.99) is fixed, and the MIP decides the rest. Large teams
/// have thousands of agent-days the LP already settles; the reported gap stays against the
/// full LP bound, so nothing is hidden.
const LP_FIRST_ABOVE: usize = 20_000;

/// The roster model by the configured engine: the anytime engine by default ([`lns`]: the
/// whole MIP first for a small team, built agent by agent for a large one, improved by
/// freeing agents and windows of days, then proved below the best found); `engine = "mip"`
/// solves one MIP, LP-first for large teams.
///
/// `assignments` are the variables the LP may fix (agent works shift): the sequence blocks
/// and slacks stay free, so the fixing never over-constrains what it did not decide.
///
/// [`lns`]: crate::solver::lns
fn solve_roster(
    m: &Mip,
    settings: &SolverSettings,
    assignments: &[Var],
) -> Result<crate::solver::Outcome, RosterError> {
    if settings.engine != crate::solver::Engine::Mip {
        return Ok(crate::solver::lns::solve_lns(m, settings, "roster")?);
    }
    let binaries = m.integer.iter().filter(|b| **b).count();
    if binaries <= settings.lp_first_above.unwrap_or(LP_FIRST_ABOVE) {
        return Ok(solve(m, settings, "roster")?);
    }
    let clock = crate::solver::work::Clock::start(settings);
    let lp = solve(&m.relaxed(), settings, "roster LP relaxation")?;
    let mut fixed = m.clone();
    for v in assignments {
        if lp.x[v.0] >= 0.99 {
            fixed.lo[v.0] = 1.0;
        }
    }
    let mut out = solve(&fixed, &settings.remaining(&clock), "roster")?;
    out.restricted(lp.bound, settings);
    out.seconds += lp.seconds;
    Ok(out)
}

pub fn roster(
    plan: &[PlanRow],
    agents: &[Agent],
    sc: &Scenario,
    settings: &SolverSettings,
) -> Result<RosterResult, RosterError> {
    roster_after(plan, agents, sc, settings, None)
}

/// A plan position: (day, template id, contract, the queues its agents serve).
type Key = (usize, String, String, Vec<String>);
/// The plan's positions → (template, count).
type Positions = BTreeMap<Key, (Template, u32)>;

/// What the model is built over: the dates, the plan's positions and who carries what in.
struct Frame<'a> {
    sc: &'a Scenario,
    agents: &'a [Agent],
    dates: Vec<NaiveDate>,
    positions: Positions,
    keys: Vec<Key>,
    /// The queues each agent serves (their skills; empty when no queue is limited).
    serves: Vec<Vec<String>>,
    carried: BTreeMap<String, Carried>,
    rules: Vec<AgentRules>,
    /// Agents of last week's roster on the queue in this horizon's first intervals.
    carried_on_queue: Vec<u32>,
}

impl Frame<'_> {
    fn step(&self) -> u32 {
        self.sc.horizon.interval.0
    }
    fn per_day(&self) -> usize {
        (1440 / self.step()) as usize
    }
    /// Intervals the model counts: the horizon's and one more day (shifts run past the end).
    fn n_intervals(&self) -> usize {
        (self.dates.len() + 1) * self.per_day()
    }
    /// 1 for a choice on a Saturday or Sunday (`WEEKENDS`, weekend fairness), else 0.
    fn weekend(&self, c: &Choice) -> f64 {
        f64::from(u8::from(params::is_weekend(
            self.dates[self.keys[c.kind].0],
        )))
    }
    fn template(&self, ki: usize) -> &Template {
        &self.positions[&self.keys[ki]].0
    }
    /// Interval indices position `ki` puts its agents on the queue.
    fn on_queue(&self, ki: usize) -> impl Iterator<Item = usize> + '_ {
        let d = self.keys[ki].0;
        self.template(ki)
            .on_queue_intervals(self.step())
            .into_iter()
            .map(move |off| d * self.per_day() + off)
    }
}

fn frame<'a>(
    plan: &[PlanRow],
    agents: &'a [Agent],
    sc: &'a Scenario,
    previous: Option<&Roster>,
) -> Frame<'a> {
    let first = plan.iter().map(|r| r.date).min().expect("non-empty");
    let start = sc.horizon.start_date().min(first);
    let n_days = (plan.iter().map(|r| r.date).max().expect("non-empty") - start)
        .num_days()
        .max(sc.horizon.days as i64 - 1) as usize
        + 1;
    let dates: Vec<NaiveDate> = (0..n_days)
        .map(|d| start + Duration::days(d as i64))
        .collect();
    let mut positions: Positions = BTreeMap::new();
    for r in plan {
        let d = (r.date - start).num_days() as usize;
        positions
            .entry((
                d,
                r.template.id.clone(),
                r.contract.clone(),
                r.queues.clone(),
            ))
            .or_insert((r.template.clone(), 0))
            .1 += r.count;
    }
    let keys = positions.keys().cloned().collect();
    let step = sc.horizon.interval.0;
    let grid = crate::model::time::Grid::days(start, n_days as u32 + 1, step);
    Frame {
        sc,
        agents,
        positions,
        keys,
        carried: previous
            .map(|p| params::carried(p, start))
            .unwrap_or_default(),
        carried_on_queue: previous
            .map(|p| crate::plan::carried_cover(p, &grid))
            .unwrap_or_else(|| vec![0; grid.len]),
        rules: params::agent_rules(sc, agents),
        serves: agents
            .iter()
            .map(|a| crate::rules::queues_served(sc, a))
            .collect(),
        dates,
    }
}

/// The objective coefficient of agent `ai` working position `ki`: the roster's labour cost
/// plus its penalties, in the plan's money.
fn assignment_cost(f: &Frame, ai: usize, ki: usize) -> f64 {
    let (a, sc) = (&f.agents[ai], f.sc);
    let date = f.dates[f.keys[ki].0];
    let t = f.template(ki);
    let pref = if a.prefers_off(date) {
        sc.costs.preference_violation
    } else {
        0.0
    };
    // weighted requests: working this shift costs the weight of the wishes it breaks and
    // earns the weight of those a day off would break ("on")
    let day = |s: Option<(u32, u32)>| -> f64 {
        a.requests
            .iter()
            .filter(|r| r.date == date && !r.granted_by(s))
            .map(|r| r.weight.unwrap_or(sc.costs.preference_violation))
            .sum()
    };
    let request = day(Some((t.start, t.end()))) - day(None);
    // a tiny agent- and day-dependent tie-break keeps solutions stable and spread
    let tie = 1e-4 * (((ai * 31 + f.keys[ki].0 * 17 + ki) % 97) as f64);
    sc.contracts[&a.contract].cost_per_hour * t.paid_hours() + pref + request + tie
}

/// One binary per agent and position they may take (`AVAILABILITY`, `DAY_HOURS`, contract).
fn assignment_vars(m: &mut Mip, f: &Frame) -> Vec<AgentDays> {
    let mut out = Vec::with_capacity(f.agents.len());
    for (ai, a) in f.agents.iter().enumerate() {
        let mut days = AgentDays::new(f.dates.len());
        for (ki, k) in f.keys.iter().enumerate() {
            let t = f.template(ki);
            // the position's contract, and the queues the plan counted its agents for
            if k.2 != a.contract
                || (!k.3.is_empty() && k.3 != f.serves[ai])
                || !a.available(f.dates[k.0])
                || t.paid_hours() > f.rules[ai].max_day_hours + 1e-9
            {
                continue;
            }
            let start = k.0 as i64 * 1440 + t.start as i64;
            m.tag_with(Some(ai), Some(k.0));
            days.days[k.0].push(Choice {
                var: m.var(0.0, 1.0, true, assignment_cost(f, ai, ki)),
                start,
                end: start + t.length as i64,
                paid_minutes: t.paid_minutes(),
                night: t.is_night(),
                kind: ki,
            });
        }
        out.push(days);
    }
    m.tag_with(None, None);
    out
}

/// Each position filled by its count: shortfalls and extra agents are elastic.
struct Fill {
    shorts: Vec<Var>,
    extras: Vec<Var>,
}

fn fill_positions(m: &mut Mip, f: &Frame, x: &[AgentDays]) -> Fill {
    let mut by_pos: Vec<Vec<(Var, f64)>> = vec![Vec::new(); f.keys.len()];
    for c in x.iter().flat_map(|a| a.days.iter().flatten()) {
        by_pos[c.kind].push((c.var, 1.0));
    }
    let costs = &f.sc.costs;
    let mut fill = Fill {
        shorts: Vec::new(),
        extras: Vec::new(),
    };
    for (ki, mut terms) in by_pos.into_iter().enumerate() {
        let (t, count) = &f.positions[&f.keys[ki]];
        // the position's slacks: nobody's, of its day (what the search aims its windows at)
        m.tag_with(None, Some(f.keys[ki].0));
        let short = m.var(
            0.0,
            *count as f64,
            false,
            costs.under_coverage_per_agent_hour * t.paid_hours(),
        );
        let extra = m.var(
            0.0,
            f64::INFINITY,
            false,
            costs.over_coverage_per_agent_hour * t.paid_hours(),
        );
        terms.push((short, 1.0));
        terms.push((extra, -1.0));
        m.row(terms, *count as f64, *count as f64);
        fill.shorts.push(short);
        fill.extras.push(extra);
    }
    m.tag_with(None, None);
    fill
}

/// The rules of one agent ([`encode::agent_rules`]). Returns the shortfall variables of
/// the contract minimums (days, hours).
fn agent_rows(m: &mut Mip, f: &Frame, ai: usize, x: &AgentDays) -> (Vec<Var>, Vec<Var>) {
    let carried = f.carried.get(&f.agents[ai].id).cloned().unwrap_or_default();
    let frame = encode::AgentFrame {
        sc: f.sc,
        dates: &f.dates,
        rules: &f.rules[ai],
        carried: &carried,
        minimum_penalty: Some(f.sc.costs.under_coverage_per_agent_hour * 8.0),
    };
    encode::agent_rules(m, &frame, x)
}

/// Agents planned on the queue in an interval, and the (extra − short) terms that adjust them.
type Planned = (f64, Vec<(Var, f64)>);

/// `HEADCOUNT`, `SEATS` and `BUDGET`. Agents on a position are its count less its shortfall
/// plus its extras (the fill row), so the team's sums are written over the positions'
/// shortfall and extra variables: exact, and a few terms per interval instead of every
/// agent's choices.
fn team_rows(m: &mut Mip, f: &Frame, fill: &Fill) {
    let sc = f.sc;
    let n_iv = f.n_intervals();
    // per interval: the planned agents on the queue, and the positions' (extra − short) terms
    let mut heads: Vec<Planned> = vec![(0.0, Vec::new()); n_iv];
    let mut seats: BTreeMap<&str, Vec<Planned>> = BTreeMap::new();
    let mut cost = (0.0, Vec::new());
    for (ki, k) in f.keys.iter().enumerate() {
        let (t, count) = &f.positions[k];
        let contract = &sc.contracts[&k.2];
        let n = *count as f64;
        let terms = [(fill.extras[ki], 1.0), (fill.shorts[ki], -1.0)];
        let price = contract.cost_per_hour * t.paid_hours();
        cost.0 += n * price;
        cost.1.extend(terms.map(|(v, w)| (v, w * price)));
        for i in f.on_queue(ki) {
            heads[i].0 += n;
            heads[i].1.extend(terms);
            if contract.max_on_duty.is_some() {
                let per = seats
                    .entry(k.2.as_str())
                    .or_insert_with(|| vec![(0.0, Vec::new()); n_iv]);
                per[i].0 += n;
                per[i].1.extend(terms);
            }
        }
    }
    let carried = |i: usize| f.carried_on_queue.get(i).copied().unwrap_or(0) as f64;
    if let Some(cap) = sc.headcount.max_on_duty {
        for (i, (planned, t)) in heads.into_iter().enumerate() {
            encode::team_cap(m, t, cap as f64 - carried(i) - planned);
        }
    }
    for (c, per_iv) in seats {
        let cap = sc.contracts[c].max_on_duty.expect("only capped contracts") as f64;
        for (planned, t) in per_iv {
            encode::team_cap(m, t, cap - planned);
        }
    }
    if let Some(b) = sc.costs.budget {
        encode::team_cap(m, cost.1, b - cost.0);
    }
}

/// Seniors on the queue whenever anyone is (`SENIOR_ON_DUTY`, soft): per interval, at least
/// the minimum or as many as the plan puts on the queue. Returns (interval, gap, need).
fn senior_rows(m: &mut Mip, f: &Frame, x: &[AgentDays]) -> Vec<(usize, Var, u32)> {
    let lab = &f.sc.labour;
    let mut gaps = Vec::new();
    if lab.min_seniors_on_duty == 0 {
        return gaps;
    }
    let n_iv = f.n_intervals();
    let mut all_pos: Vec<u32> = vec![0; n_iv];
    for (ki, k) in f.keys.iter().enumerate() {
        for i in f.on_queue(ki) {
            all_pos[i] += f.positions[k].1;
        }
    }
    let mut seniors: Vec<Vec<(Var, f64)>> = vec![Vec::new(); n_iv];
    for (a, days) in f.agents.iter().zip(x) {
        if !lab
            .senior_tiers
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&a.tier))
        {
            continue;
        }
        for c in days.days.iter().flatten() {
            for i in f.on_queue(c.kind) {
                seniors[i].push((c.var, 1.0));
            }
        }
    }
    let pen = f.sc.costs.under_coverage_per_agent_hour * f.step() as f64 / 60.0;
    for i in 0..n_iv {
        let need = lab.min_seniors_on_duty.min(all_pos[i]);
        if need == 0 {
            continue;
        }
        let gap = m.var(0.0, need as f64, false, pen);
        let mut t = std::mem::take(&mut seniors[i]);
        t.push((gap, 1.0));
        m.row(t, need as f64, f64::INFINITY);
        gaps.push((i, gap, need));
    }
    gaps
}

/// Night and weekend shifts shared out: the most any agent works is penalised.
fn fairness_rows(m: &mut Mip, f: &Frame, x: &[AgentDays]) {
    let weekend_max = m.var(0.0, f64::INFINITY, false, 2.0);
    let night_max = m.var(0.0, f64::INFINITY, false, 2.0);
    for days in x {
        let all = days.all_days();
        let nights = days.weighted(&all, |c| f64::from(u8::from(c.night)));
        let weekends = days.weighted(&all, |c| f.weekend(c));
        for (mut terms, most) in [(nights, night_max), (weekends, weekend_max)] {
            if !terms.is_empty() {
                terms.push((most, -1.0));
                m.row(terms, f64::NEG_INFINITY, 0.0);
            }
        }
    }
}

/// [`roster`] continuing from last week's roster: rest after each agent's last shift, their
/// working days in a row and what they worked in the weeks and month the horizon starts in
/// carry over.
pub fn roster_after(
    plan: &[PlanRow],
    agents: &[Agent],
    sc: &Scenario,
    settings: &SolverSettings,
    previous: Option<&Roster>,
) -> Result<RosterResult, RosterError> {
    if plan.is_empty() {
        return Err(RosterError::EmptyPlan);
    }
    if agents.is_empty() {
        return Err(RosterError::NoAgents);
    }
    let f = frame(plan, agents, sc, previous);
    let mut m = Mip::default();
    let x = assignment_vars(&mut m, &f);
    let fill = fill_positions(&mut m, &f, &x);
    let minimums: Vec<(Vec<Var>, Vec<Var>)> = (0..agents.len())
        .map(|ai| {
            // an agent's rules' own variables are part of their schedule
            m.tag_with(Some(ai), None);
            agent_rows(&mut m, &f, ai, &x[ai])
        })
        .collect();
    m.tag_with(None, None);
    team_rows(&mut m, &f, &fill);
    let senior_gaps = senior_rows(&mut m, &f, &x);
    fairness_rows(&mut m, &f, &x);
    let assignments: Vec<Var> = x
        .iter()
        .flat_map(|a| a.days.iter().flatten().map(|c| c.var))
        .collect();
    let out = solve_roster(&m, settings, &assignments)?;
    let mut warnings = senior_warnings(&f, &out, &senior_gaps);
    warnings.extend(minimum_warnings(&f, &out, &minimums));
    let (roster, prefs, not_granted) = decode(&f, &out, &x);
    let (unfilled, extra_shifts) = unfilled_positions(&f, &out, &fill);
    Ok(RosterResult {
        roster,
        unfilled,
        extra_shifts,
        preference_violations: prefs,
        requests_not_granted: not_granted,
        warnings,
        solve: out,
    })
}

/// Stretches without enough seniors, in words.
fn senior_warnings(f: &Frame, out: &Outcome, gaps: &[(usize, Var, u32)]) -> Vec<String> {
    let lab = &f.sc.labour;
    let step = f.step();
    let mut warnings = Vec::new();
    let mut run: Option<(usize, usize, u32, u32)> = None; // (first, last, missing, need)
    let flush = |w: &mut Vec<String>, r: (usize, usize, u32, u32)| {
        let t0 = f.dates[0].and_hms_opt(0, 0, 0).expect("midnight");
        let at = |i: usize| t0 + Duration::minutes((i as u32 * step) as i64);
        w.push(format!(
            "{}: {} of the {} senior(s) wanted on duty are missing (labour.min_seniors_on_duty); not enough {} agents are free for those shifts",
            crate::model::time::fmt_hm_range(at(r.0), at(r.1 + 1)),
            r.2,
            r.3,
            lab.senior_tiers.join("/")
        ));
    };
    for &(i, gap, need) in gaps {
        let miss = out.value(gap).round() as u32;
        match (&mut run, miss) {
            (Some(r), m) if m > 0 && r.1 + 1 == i && r.2 == m => r.1 = i,
            (_, 0) => {
                if let Some(r) = run.take() {
                    flush(&mut warnings, r);
                }
            }
            (_, m) => {
                if let Some(r) = run.take() {
                    flush(&mut warnings, r);
                }
                run = Some((i, i, m, need));
            }
        }
    }
    if let Some(r) = run {
        flush(&mut warnings, r);
    }
    warnings
}

/// Agents below their contracted days or hours, in words.
fn minimum_warnings(f: &Frame, out: &Outcome, minimums: &[(Vec<Var>, Vec<Var>)]) -> Vec<String> {
    let mut w = Vec::new();
    for (a, (days, hours)) in f.agents.iter().zip(minimums) {
        let gd: f64 = days.iter().map(|v| out.value(*v)).sum();
        let gh: f64 = hours.iter().map(|v| out.value(*v)).sum();
        if gd > 1e-6 || gh > 1e-6 {
            w.push(format!(
                "{} ({}) gets {gd:.0} day(s) / {gh:.1} paid hour(s) less than the contract promises: not enough of the plan's {} shifts fit their availability, rest and the team's limits",
                a.name, a.id, a.contract
            ));
        }
    }
    w
}

/// The roster the solution describes, with preferred days off worked and requests missed.
fn decode(f: &Frame, out: &Outcome, x: &[AgentDays]) -> (Roster, u32, u32) {
    let mut entries = Vec::new();
    let (mut prefs, mut not_granted) = (0, 0);
    for (ai, (a, days)) in f.agents.iter().zip(x).enumerate() {
        for (d, date) in f.dates.iter().enumerate() {
            let chosen = days.days[d].iter().find(|c| out.value(c.var) > 0.5);
            let shift = chosen.map(|c| WorkShift {
                queues: f.serves[ai].clone(),
                ..WorkShift::from_template(*date, f.template(c.kind))
            });
            if shift.is_some() && a.prefers_off(*date) {
                prefs += 1;
            }
            not_granted += a
                .requests
                .iter()
                .filter(|r| r.date == *date && !r.granted_by(shift.as_ref().map(|s| s.minutes())))
                .count() as u32;
            entries.push(Entry {
                agent_id: a.id.clone(),
                date: *date,
                shift,
            });
        }
    }
    let roster = Roster {
        dates: f.dates.clone(),
        entries,
    };
    (roster, prefs, not_granted)
}

/// Plan positions nobody took, explained; and the shifts worked beyond the plan.
fn unfilled_positions(f: &Frame, out: &Outcome, fill: &Fill) -> (Vec<String>, u32) {
    let mut unfilled = Vec::new();
    let mut extra_shifts = 0;
    for (ki, k) in f.keys.iter().enumerate() {
        extra_shifts += out.value(fill.extras[ki]).round() as u32;
        let s = out.value(fill.shorts[ki]).round() as u32;
        if s == 0 {
            continue;
        }
        let (t, count) = &f.positions[k];
        let date = f.dates[k.0];
        let of_contract: Vec<&Agent> = f
            .agents
            .iter()
            .zip(&f.serves)
            .filter(|(a, q)| a.contract == k.2 && (k.3.is_empty() || **q == k.3))
            .map(|(a, _)| a)
            .collect();
        let unavailable = of_contract.iter().filter(|a| !a.available(date)).count();
        let reason = if of_contract.is_empty() {
            format!("there are no {} agents", k.2)
        } else if unavailable > 0 {
            format!("{unavailable} of {} {} agents are unavailable that day; the rest are held by their weekly days, hours or rest rules", of_contract.len(), k.2)
        } else {
            format!(
                "the {} {} agents' weekly days, hours and rest rules leave nobody free",
                of_contract.len(),
                k.2
            )
        };
        let ws = WorkShift::from_template(date, t);
        unfilled.push(format!(
            "{} {} {} ({}): {s} of {count} positions unfilled: {reason}",
            weekday_short(date.weekday()),
            date,
            ws.label,
            k.2
        ));
    }
    (unfilled, extra_shifts)
}

/// Writes one row per agent per day (days off as `OFF`); a `queues` column when any shift
/// names the queues it serves, an `offline` column when any has offline work.
pub fn to_csv(r: &Roster, agents: &[Agent]) -> Vec<u8> {
    let by_id: BTreeMap<&str, &Agent> = agents.iter().map(|a| (a.id.as_str(), a)).collect();
    let any = |f: fn(&WorkShift) -> bool| r.entries.iter().any(|e| e.shift.as_ref().is_some_and(f));
    let with_queues = any(|s| !s.queues.is_empty());
    let with_offline = any(|s| !s.offline.is_empty());
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "agent_id",
        "name",
        "tier",
        "contract",
        "date",
        "weekday",
        "shift",
        "start",
        "end",
        "break_start",
        "break_end",
        "short_breaks",
        "prep_minutes",
        "wrap_up_minutes",
        "paid_hours",
    ];
    if with_queues {
        header.push("queues");
    }
    if with_offline {
        header.push("offline");
    }
    w.write_record(header).expect("in memory");
    for e in &r.entries {
        let a = by_id.get(e.agent_id.as_str());
        let (name, tier, contract) = a
            .map(|a| (a.name.as_str(), a.tier.as_str(), a.contract.as_str()))
            .unwrap_or(("", "", ""));
        let mut rec = vec![
            e.agent_id.clone(),
            name.into(),
            tier.into(),
            contract.into(),
            e.date.to_string(),
            weekday_short(e.date.weekday()).into(),
        ];
        match &e.shift {
            Some(s) => {
                let (bs, be) = s
                    .breaks
                    .first()
                    .map(|(a, b)| (fmt_ts(*a), fmt_ts(*b)))
                    .unwrap_or_default();
                let hm = |t: NaiveDateTime| t.format("%H:%M").to_string();
                let ranges = |v: &[(NaiveDateTime, NaiveDateTime)]| {
                    v.iter()
                        .map(|(a, b)| format!("{}-{}", hm(*a), hm(*b)))
                        .collect::<Vec<String>>()
                        .join(" ")
                };
                let minutes = |m: u32| if m > 0 { m.to_string() } else { String::new() };
                rec.extend([
                    s.label.clone(),
                    fmt_ts(s.start),
                    fmt_ts(s.end),
                    bs,
                    be,
                    ranges(&s.paid_breaks),
                    minutes(s.prep),
                    minutes(s.wrap_up),
                    crate::io::fmt_f(s.paid_hours(), 2),
                ]);
                if with_queues {
                    rec.push(s.queues.join(";"));
                }
                if with_offline {
                    rec.push(ranges(&s.offline));
                }
            }
            None => {
                rec.push("OFF".to_string());
                rec.extend(std::iter::repeat_n(String::new(), 7));
                rec.push("0".into());
                if with_queues {
                    rec.push(String::new());
                }
                if with_offline {
                    rec.push(String::new());
                }
            }
        }
        w.write_record(rec).expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// Reads a roster, also a hand-made one: shifts are taken from their start/end/break times.
pub fn read_csv(
    path: &std::path::Path,
    tz: chrono_tz::Tz,
    user: &crate::io::Columns,
) -> Result<Roster, crate::io::InputError> {
    use crate::io::{read_text, Col, Table};
    const COLS: &[Col] = &[
        Col::req(
            "agent_id",
            &["工号", "客服账号", "子账号", "账号", "员工编号", "员工工号"],
        ),
        Col::opt("name", &["姓名", "昵称"]),
        Col::opt("tier", &["级别"]),
        Col::opt("contract", &["合同类型"]),
        Col::req("date", &["日期", "排班日期"]),
        Col::opt("weekday", &["星期"]),
        Col::req("shift", &["班次", "班次名称"]),
        Col::opt("start", &["上班时间", "开始时间"]),
        Col::opt("end", &["下班时间", "结束时间"]),
        Col::opt("break_start", &["休息开始"]),
        Col::opt("break_end", &["休息结束"]),
        Col::opt("paid_hours", &["工时"]),
        Col::opt("short_breaks", &["小休"]),
        Col::opt("prep_minutes", &["准备分钟"]),
        Col::opt("wrap_up_minutes", &["收尾分钟"]),
        Col::opt("queues", &["队列", "服务队列"]),
        Col::opt("offline", &["离线工作"]),
    ];
    let (text, _) = read_text(path)?;
    let (t, idx) = Table::parse_with(path, &text, COLS, user)?;
    let mut entries = Vec::new();
    let ts = |line: u64,
              f: &str,
              s: Option<&str>|
     -> Result<Option<NaiveDateTime>, crate::io::InputError> {
        s.map(|s| {
            crate::model::time::parse_timestamp(s, tz)
                .map_err(|e| t.err(line, f, e, "write times as 2026-11-09 09:00"))
        })
        .transpose()
    };
    let mut seen: std::collections::HashMap<(String, NaiveDate), u64> =
        std::collections::HashMap::new();
    for (line, rec) in &t.rows {
        let line = *line;
        let agent_id = t
            .get(rec, idx[0])
            .ok_or_else(|| t.err(line, "agent_id", "empty agent id", "fill in the agent id"))?
            .to_string();
        let date = crate::model::time::parse_date(t.get(rec, idx[4]).unwrap_or(""))
            .map_err(|e| t.err(line, "date", e, "write dates as YYYY-MM-DD"))?;
        if let Some(first) = seen.insert((agent_id.clone(), date), line) {
            return Err(t.err(
                line,
                "date",
                format!("a second row for {agent_id} on {date} (first on line {first})"),
                "one row per agent and day: a day has one shift or OFF",
            ));
        }
        let label = t.get(rec, idx[6]).unwrap_or("").to_string();
        let start = ts(line, "start", t.get(rec, idx[7]))?;
        let end = ts(line, "end", t.get(rec, idx[8]))?;
        let shift = match (label.to_ascii_uppercase().as_str(), start, end) {
            ("OFF" | "休" | "休息" | "", None, None) => None,
            (_, Some(s), Some(e)) => {
                if e <= s {
                    return Err(t.err(
                        line,
                        "end",
                        "the shift ends before it starts",
                        "an overnight shift ends on the next date, e.g. 2026-11-10 01:00",
                    ));
                }
                if e - s > Duration::hours(24) {
                    return Err(t.err(
                        line,
                        "end",
                        format!(
                            "the shift lasts {:.1} hours",
                            (e - s).num_minutes() as f64 / 60.0
                        ),
                        "a shift is at most 24 hours; check the end date",
                    ));
                }
                if s.date() != date {
                    return Err(t.err(
                        line,
                        "start",
                        format!(
                            "the shift starts on {} but the row's date is {date}",
                            s.date()
                        ),
                        "a shift belongs to the date it starts on",
                    ));
                }
                let bs = ts(line, "break_start", t.get(rec, idx[9]))?;
                let be = ts(line, "break_end", t.get(rec, idx[10]))?;
                let breaks = match (bs, be) {
                    (Some(a), Some(b)) if b > a => vec![(a, b)],
                    (None, None) => vec![],
                    _ => {
                        return Err(t.err(
                            line,
                            "break_end",
                            "a break needs a start and a later end",
                            "fill in both break times or neither",
                        ))
                    }
                };
                // time ranges inside the shift, several separated by spaces
                let spans = |field: &str, what: &str, cell: Option<&str>| {
                    let fix = format!("write {what} as 09:00-09:15, several separated by spaces");
                    let mut out = Vec::new();
                    for span in cell.unwrap_or("").split_whitespace() {
                        let (a, b) = span.split_once('-').ok_or_else(|| {
                            t.err(line, field, format!("`{span}` is not a time range"), &fix)
                        })?;
                        let at = |c: &str| -> Result<NaiveDateTime, crate::io::InputError> {
                            let m = c
                                .parse::<crate::model::time::Clock>()
                                .map_err(|e| t.err(line, field, e, &fix))?
                                .0;
                            let mut x = s.date().and_hms_opt(0, 0, 0).expect("midnight")
                                + Duration::minutes(m as i64);
                            if x < s {
                                x += Duration::days(1);
                            }
                            Ok(x)
                        };
                        let (a, b) = (at(a)?, at(b)?);
                        if b <= a || b > e {
                            return Err(t.err(
                                line,
                                field,
                                format!("{span} is not inside the shift"),
                                &fix,
                            ));
                        }
                        out.push((a, b));
                    }
                    Ok(out)
                };
                let paid_breaks = spans("short_breaks", "short breaks", t.get(rec, idx[12]))?;
                let offline = spans("offline", "offline work", t.get(rec, idx[16]))?;
                let minutes = |i: usize, f: &str| -> Result<u32, crate::io::InputError> {
                    t.get(rec, idx[i]).map_or(Ok(0), |v| {
                        v.parse::<u32>().map_err(|_| {
                            t.err(
                                line,
                                f,
                                format!("`{v}` is not a number of minutes"),
                                "write whole minutes, e.g. 15, or leave it empty",
                            )
                        })
                    })
                };
                Some(WorkShift {
                    label: label.clone(),
                    start: s,
                    end: e,
                    breaks,
                    paid_breaks,
                    prep: minutes(13, "prep_minutes")?,
                    wrap_up: minutes(14, "wrap_up_minutes")?,
                    queues: crate::io::cell_list(t.get(rec, idx[15])),
                    offline,
                })
            }
            _ => {
                return Err(t.err(
                    line,
                    "start",
                    format!("shift `{label}` needs start and end times"),
                    "fill in start and end, or write OFF for a day off",
                ))
            }
        };
        entries.push(Entry {
            agent_id,
            date,
            shift,
        });
    }
    let mut dates: Vec<NaiveDate> = entries.iter().map(|e| e.date).collect();
    dates.sort();
    dates.dedup();
    Ok(Roster { dates, entries })
}
