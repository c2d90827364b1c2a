//! The replan MIP: one binary per agent, day and shift they may work (the published one, and
//! on the days with a gap the scenario's other shifts), a "cancelled" binary per published
//! shift still to come, the rule model's rows over the whole horizon with the past pinned, a
//! shortfall per interval after `now`, and the team caps.

use super::words::{price, Willing};
use super::{Cover, Situation};
use crate::model::shift::Template;
use crate::model::time::Grid;
use crate::model::{Entry, Roster, WorkShift};
use crate::rules::encode::{self, AgentDays, Choice};
use crate::rules::params;
use crate::solver::{lns, Engine, Mip, Outcome, SolverError, SolverSettings, Status, Var};
use chrono::{Duration, NaiveDate};
use std::collections::BTreeMap;

/// Share of a replan's time limit the whole MIP gets before the anytime engine takes over.
const WHOLE_MIP_SHARE: f64 = 0.5;
/// Replans with more binaries go to the anytime engine straight from the published roster.
const WHOLE_MIP_BELOW: usize = 10_000;

/// One shift an agent may work on a day, and its variable.
struct Option_ {
    var: Var,
    shift: WorkShift,
}

pub(super) struct Built<'a> {
    s: &'a Situation<'a>,
    dates: Vec<NaiveDate>,
    grid: Grid,
    m: Mip,
    /// Per agent and day, the shifts they may work.
    options: Vec<Vec<Vec<Option_>>>,
    /// The published roster (absences out) as values of the options.
    start: Vec<(Var, f64)>,
    /// Agents wanted on the queue per interval (0 before `now`), in trained-agent units.
    target: Vec<f64>,
    /// Agents of the roster before the horizon still on the queue per interval.
    carried: Vec<f64>,
    productivity: Vec<f64>,
    /// Who may be asked for more than their published shifts.
    willing: Willing,
    /// Sets of skill-limited queues and the cover each answers for.
    skills: Vec<SkillSet>,
}

/// A set of queues limited to some skills (as the plan's skill rows take them): which agents
/// serve any of its queues, and the cover the replan answers for with them alone.
struct SkillSet {
    queues: Vec<String>,
    able: Vec<bool>,
    target: Vec<f64>,
    gap: Vec<bool>,
}

/// `productivity` of the agents `able` marks, 0 for the others.
fn only(productivity: &[f64], able: &[bool]) -> Vec<f64> {
    productivity
        .iter()
        .zip(able)
        .map(|(p, a)| if *a { *p } else { 0.0 })
        .collect()
}

/// The sets of skill-limited queues of the requirements — every proper subset of 2 to 8
/// queues that not every agent serves — each with its target per interval after `now`:
/// `min(required now, published cover by its agents + the rise of its requirement)`, as for
/// the whole team, and where the published roster less the absences falls short of it.
fn skill_sets(s: &Situation, grid: &Grid, productivity: &[f64], now_idx: usize) -> Vec<SkillSet> {
    let nq = s.required.queues.len();
    let served: Vec<Vec<String>> = s
        .agents
        .iter()
        .map(|a| crate::rules::queues_served(s.sc, a))
        .collect();
    if served.iter().all(Vec::is_empty) || !(2..=8).contains(&nq) {
        return Vec::new();
    }
    let remaining = super::without_absent(s);
    let mut out = Vec::new();
    for set in 1..(1usize << nq) - 1 {
        let able: Vec<bool> = served
            .iter()
            .map(|q| (0..nq).any(|k| set >> k & 1 == 1 && q.contains(&s.required.queues[k])))
            .collect();
        if able.iter().all(|a| *a) {
            continue;
        }
        let weights = only(productivity, &able);
        let published = effective_cover(s.agents, &weights, s.published, grid);
        let left = effective_cover(s.agents, &weights, &remaining, grid);
        let need = |r: &crate::staffing::requirements::Requirement| {
            let on: u32 = (0..nq)
                .filter(|k| set >> k & 1 == 1)
                .filter_map(|k| r.by_queue.get(k))
                .map(|b| b.agents_on_queue)
                .sum();
            crate::staffing::requirements::scheduled(on, r.shrinkage) as f64
        };
        let target: Vec<f64> = (0..grid.len)
            .map(|i| {
                if i < now_idx {
                    return 0.0;
                }
                let (r, r0) = (need(&s.required.rows[i]), need(&s.planned.rows[i]));
                r.min(published[i] + (r - r0).max(0.0))
            })
            .collect();
        let gap = (0..grid.len).map(|i| left[i] < target[i] - 1e-9).collect();
        let queues = (0..nq)
            .filter(|k| set >> k & 1 == 1)
            .map(|k| s.required.queues[k].clone())
            .collect();
        out.push(SkillSet {
            queues,
            able,
            target,
            gap,
        });
    }
    out
}

/// Agents on the queue per interval of `grid` for `r` in trained-agent equivalents (each
/// agent counts as their contract's productivity, `productivity[i]` for `agents[i]`).
fn effective_cover(
    agents: &[crate::scenario::agents::Agent],
    productivity: &[f64],
    r: &Roster,
    grid: &Grid,
) -> Vec<f64> {
    let prod: BTreeMap<&str, f64> = agents
        .iter()
        .zip(productivity)
        .map(|(a, p)| (a.id.as_str(), *p))
        .collect();
    r.cover(grid, |id| prod.get(id).copied().unwrap_or(1.0))
}

/// The scenario's shifts an agent of `contract` may work: one meal-break position per start
/// and length (the middle of the window) and the short breaks at the middle of theirs.
pub(super) fn shapes(sc: &crate::scenario::Scenario, contract: &str) -> Vec<Template> {
    let mut by: BTreeMap<(u32, u32, String), Vec<Template>> = BTreeMap::new();
    for t in crate::plan::shifts::templates(sc) {
        if t.contracts.iter().any(|c| c == contract) {
            by.entry((t.start, t.length, t.family.clone()))
                .or_default()
                .push(t);
        }
    }
    by.into_values()
        .filter_map(|v| {
            let t = v[v.len() / 2].clone();
            let mut placed = Vec::new();
            for (len, offsets) in crate::plan::shifts::short_break_options(sc, &t) {
                placed.push((*offsets.get(offsets.len() / 2)?, len));
            }
            Some(t.with_short_breaks(&placed))
        })
        .collect()
}

/// The cover the replan answers for, per interval of the grid.
struct Targets {
    /// Agents wanted on the queue (0 before `now`).
    target: Vec<f64>,
    /// Last roster's agents still on the queue.
    carried: Vec<f64>,
    /// Below the target once the absences are out.
    gap: Vec<bool>,
    now_idx: usize,
}

/// Per interval after `now`: `min(required now, published cover + the rise of the requirement
/// since the roster was planned)`, and where the published roster less the absences falls short.
fn targets(s: &Situation, grid: &Grid, productivity: &[f64]) -> Targets {
    let carried: Vec<f64> = match s.previous {
        Some(p) => crate::plan::carried_cover(p, grid)
            .into_iter()
            .map(f64::from)
            .collect(),
        None => vec![0.0; grid.len],
    };
    let published = effective_cover(s.agents, productivity, s.published, grid);
    let remaining = effective_cover(s.agents, productivity, &super::without_absent(s), grid);
    let now_idx = grid.index_of(s.now).unwrap_or(0);
    let target: Vec<f64> = (0..grid.len)
        .map(|i| {
            if i < now_idx {
                return 0.0;
            }
            let (r, r0) = (
                s.required.rows[i].agents_required as f64,
                s.planned.rows[i].agents_required as f64,
            );
            r.min(published[i] + carried[i] + (r - r0).max(0.0))
        })
        .collect();
    let gap = (0..grid.len)
        .map(|i| remaining[i] + carried[i] < target[i] - 1e-9)
        .collect();
    Targets {
        target,
        carried,
        gap,
        now_idx,
    }
}

/// What one agent-day may become.
struct DayCase<'w> {
    date: NaiveDate,
    /// The published shift.
    before: Option<&'w WorkShift>,
    absent: bool,
    /// Over, or under way at `now`.
    past: bool,
}

/// The shifts agent `a` may work on one day, each with its change price: the published one,
/// and — where the day has a gap — the scenario's shifts that reach an interval below target,
/// start after the notice (or, under way, keep their start), fit the day's hours and the
/// agent's willingness.
fn day_options(
    b: &Built,
    a: &crate::scenario::agents::Agent,
    shapes: &[crate::model::shift::Template],
    max_day_hours: f64,
    c: &DayCase,
    gap: &[bool],
    gap_day: bool,
) -> Vec<(WorkShift, f64)> {
    let (s, sc) = (b.s, b.s.sc);
    let mut opts: Vec<(WorkShift, f64)> = Vec::new();
    if c.absent {
        return opts;
    }
    if let Some(p) = c.before {
        opts.push((p.clone(), 0.0));
    }
    let open = !c.past || c.before.is_some_and(|p| p.end > s.now);
    if !(gap_day && open && a.available(c.date)) {
        return opts;
    }
    let serves = crate::rules::queues_served(sc, a);
    let earliest = s.now + Duration::minutes(sc.replan.notice.0 as i64);
    for t in shapes {
        let w = WorkShift {
            queues: serves.clone(),
            ..WorkShift::from_template(c.date, t)
        };
        let fits = match c.before {
            // a shift under way keeps its start; it may end another time
            Some(p) if c.past => w.start == p.start && w.end >= earliest,
            _ => w.start >= earliest,
        };
        if !fits
            || w.paid_hours() > max_day_hours + 1e-9
            || c.before.is_some_and(|p| same_times(p, &w))
            || !w.queue_intervals(&b.grid).any(|i| gap[i])
        {
            continue;
        }
        if let Some((_, cost)) = price(sc, &b.willing, a, c.before, Some(&w)) {
            opts.push((w, cost));
        }
    }
    opts
}

pub(super) fn build<'a>(s: &'a Situation<'a>, dates: &[NaiveDate], grid: Grid) -> Built<'a> {
    let sc = s.sc;
    let productivity: Vec<f64> = s
        .agents
        .iter()
        .map(|a| sc.productivity(&a.contract))
        .collect();
    let Targets {
        target,
        carried,
        gap,
        now_idx,
    } = targets(s, &grid, &productivity);
    let skills = skill_sets(s, &grid, &productivity, now_idx);
    // a set of queues short of the agents who serve it is a gap too
    let gap: Vec<bool> = (0..grid.len)
        .map(|i| gap[i] || skills.iter().any(|k| k.gap[i]))
        .collect();
    let per_day = grid.per_day();
    let gap_days: Vec<bool> = (0..dates.len())
        .map(|d| gap[d * per_day..(d + 1) * per_day].iter().any(|g| *g))
        .collect();
    let mut b = Built {
        s,
        dates: dates.to_vec(),
        grid,
        m: Mip::default(),
        options: Vec::new(),
        start: Vec::new(),
        target,
        carried,
        productivity,
        willing: Willing::of(s.agents),
        skills,
    };
    let by_day: BTreeMap<(&str, NaiveDate), Option<&WorkShift>> = s
        .published
        .entries
        .iter()
        .map(|e| ((e.agent_id.as_str(), e.date), e.shift.as_ref()))
        .collect();
    let carried_in = s
        .previous
        .map(|p| params::carried(p, dates[0]))
        .unwrap_or_default();
    let rules = params::agent_rules(sc, s.agents);
    for (ai, a) in s.agents.iter().enumerate() {
        let shapes = shapes(sc, &a.contract);
        let mut days = AgentDays::new(dates.len());
        let mut per_day_options = Vec::new();
        for (d, date) in dates.iter().enumerate() {
            let before = by_day.get(&(a.id.as_str(), *date)).copied().flatten();
            let case = DayCase {
                date: *date,
                before,
                absent: s.absent.iter().any(|x| x.covers(&a.id, *date)),
                past: *date < s.now.date() || before.is_some_and(|p| p.start < s.now),
            };
            let opts = day_options(
                &b,
                a,
                &shapes,
                rules[ai].max_day_hours,
                &case,
                &gap,
                gap_days[d],
            );
            b.m.tag_with(Some(ai), Some(d));
            per_day_options.push(b.day_vars(a, d, &case, opts, &mut days));
        }
        b.m.tag_with(Some(ai), None);
        let empty = params::Carried::default();
        let frame = encode::AgentFrame {
            sc,
            dates,
            rules: &rules[ai],
            carried: carried_in.get(&a.id).unwrap_or(&empty),
            minimum_penalty: None,
        };
        encode::agent_rules(&mut b.m, &frame, &days);
        b.options.push(per_day_options);
    }
    b.m.tag_with(None, None);
    b.shortfall_rows(now_idx);
    b.team_rows();
    b
}

/// Same start, end and meal break: the published shift itself.
fn same_times(a: &WorkShift, b: &WorkShift) -> bool {
    a.start == b.start && a.end == b.end && a.breaks == b.breaks
}

impl Built<'_> {
    /// One agent-day's variables: a binary per option (its choice for the rule rows, its value
    /// in the published start) and the day's row — exactly one shift if it is under way or
    /// over, else one or a "cancelled" binary at the cancel price.
    fn day_vars(
        &mut self,
        a: &crate::scenario::agents::Agent,
        d: usize,
        c: &DayCase,
        opts: Vec<(WorkShift, f64)>,
        days: &mut AgentDays,
    ) -> Vec<Option_> {
        let t0 = self.dates[0].and_hms_opt(0, 0, 0).expect("midnight");
        let vars: Vec<Option_> = opts
            .into_iter()
            .map(|(shift, cost)| Option_ {
                var: self.m.var(0.0, 1.0, true, cost),
                shift,
            })
            .collect();
        for o in &vars {
            days.days[d].push(Choice {
                var: o.var,
                start: (o.shift.start - t0).num_minutes(),
                end: (o.shift.end - t0).num_minutes(),
                paid_minutes: (o.shift.paid_hours() * 60.0).round() as u32,
                night: o.shift.is_night(),
                kind: d,
            });
            let published = c.before.is_some_and(|p| same_times(p, &o.shift));
            self.start.push((o.var, f64::from(u8::from(published))));
        }
        if let (Some(p), false) = (c.before, c.absent) {
            let mut terms: Vec<(Var, f64)> = vars.iter().map(|o| (o.var, 1.0)).collect();
            if !c.past {
                let cost =
                    price(self.s.sc, &self.willing, a, Some(p), None).map_or(0.0, |(_, c)| c);
                let off = self.m.var(0.0, 1.0, true, cost);
                self.start.push((off, 0.0));
                terms.push((off, 1.0));
            }
            self.m.row(terms, 1.0, 1.0);
        }
        vars
    }

    /// Options on the queue per interval: (var, productivity) terms.
    fn on_queue(&self) -> Vec<Vec<(Var, f64)>> {
        self.on_queue_of(|_| true)
    }

    /// Options of the agents `who` selects on the queue per interval.
    fn on_queue_of(&self, who: impl Fn(usize) -> bool) -> Vec<Vec<(Var, f64)>> {
        let mut per: Vec<Vec<(Var, f64)>> = vec![Vec::new(); self.grid.len];
        for (ai, days) in self.options.iter().enumerate().filter(|(ai, _)| who(*ai)) {
            for o in days.iter().flatten() {
                for i in o.shift.queue_intervals(&self.grid) {
                    per[i].push((o.var, self.productivity[ai]));
                }
            }
        }
        per
    }

    /// Below the target, each agent-hour costs `costs.under_coverage_per_agent_hour`: for the
    /// whole team, and for each set of skill-limited queues by the agents who serve it (last
    /// week's agents are not counted by skill, as in the plan's skill rows).
    fn shortfall_rows(&mut self, now_idx: usize) {
        let per = self.on_queue();
        let need: Vec<f64> = (0..self.grid.len)
            .map(|i| self.target[i] - self.carried[i])
            .collect();
        self.elastic_rows(per, &need, now_idx);
        for k in 0..self.skills.len() {
            let per = self.on_queue_of(|ai| self.skills[k].able[ai]);
            let need = self.skills[k].target.clone();
            self.elastic_rows(per, &need, now_idx);
        }
        self.m.tag_with(None, None);
    }

    /// Per interval from `now_idx` with a need: `terms + short ≥ need`, the shortfall at the
    /// under-coverage price.
    fn elastic_rows(&mut self, per: Vec<Vec<(Var, f64)>>, need: &[f64], now_idx: usize) {
        let pen = self.s.sc.costs.under_coverage_per_agent_hour * self.grid.step_hours();
        let per_day = self.grid.per_day();
        for (i, mut terms) in per.into_iter().enumerate().skip(now_idx) {
            if need[i] <= 1e-9 {
                continue;
            }
            self.m.tag_with(None, Some(i / per_day));
            let short = self.m.var(0.0, need[i], false, pen);
            terms.push((short, 1.0));
            self.m.row(terms, need[i], f64::INFINITY);
        }
    }

    /// `HEADCOUNT`, `SEATS` and `BUDGET` over every option; where the published roster is
    /// already above a cap, the cap is what it published (a replan makes nothing worse).
    fn team_rows(&mut self) {
        let sc = self.s.sc;
        let agents = self.s.agents;
        let mut heads: Vec<Vec<(Var, f64)>> = vec![Vec::new(); self.grid.len];
        let mut seats: BTreeMap<&str, Vec<Vec<(Var, f64)>>> = BTreeMap::new();
        let mut cost = Vec::new();
        for (ai, days) in self.options.iter().enumerate() {
            let contract = &agents[ai].contract;
            let k = &sc.contracts[contract];
            for o in days.iter().flatten() {
                cost.push((o.var, k.cost_per_hour * o.shift.paid_hours()));
                for i in o.shift.queue_intervals(&self.grid) {
                    heads[i].push((o.var, 1.0));
                    if k.max_on_duty.is_some() {
                        seats
                            .entry(contract.as_str())
                            .or_insert_with(|| vec![Vec::new(); self.grid.len])[i]
                            .push((o.var, 1.0));
                    }
                }
            }
        }
        let published = |terms: &[(Var, f64)]| -> f64 {
            let on: std::collections::HashSet<Var> = self
                .start
                .iter()
                .filter(|(_, v)| *v > 0.5)
                .map(|(v, _)| *v)
                .collect();
            terms
                .iter()
                .filter(|(v, _)| on.contains(v))
                .map(|(_, w)| w)
                .sum()
        };
        let mut rows = Vec::new();
        if let Some(cap) = sc.headcount.max_on_duty {
            for (i, t) in heads.into_iter().enumerate() {
                let cap = (cap as f64 - self.carried[i]).max(published(&t));
                rows.push((t, cap));
            }
        }
        for (c, per) in seats {
            let cap = sc.contracts[c].max_on_duty.expect("capped") as f64;
            for t in per {
                let cap = cap.max(published(&t));
                rows.push((t, cap));
            }
        }
        if let Some(b) = sc.costs.budget {
            let cap = b.max(published(&cost));
            rows.push((cost, cap));
        }
        for (t, cap) in rows {
            let most: f64 = t.iter().map(|(_, w)| w).sum();
            if most > cap + 1e-9 {
                encode::team_cap(&mut self.m, t, cap);
            }
        }
    }

    /// A replan of up to [`WHOLE_MIP_BELOW`] binaries: the whole MIP for half the time limit
    /// (HiGHS closes most of them outright), what it leaves open finished by the anytime engine
    /// from its best roster, its bound carried over. A larger one: the anytime engine from the
    /// published roster (measured in `benches/replan.rs`: on a 200-agent week with two agents
    /// off for the rest of it, 22k binaries, it reaches the optimum in ~10 s where the whole
    /// MIP needs 18 s and, stopped at half the limit, hands over a poorer start).
    pub(super) fn solve(&self, settings: &SolverSettings) -> Result<Outcome, SolverError> {
        if settings.engine == Engine::Mip {
            return crate::solver::solve(&self.m, settings, "replan");
        }
        if self.m.num_integer() > WHOLE_MIP_BELOW {
            let hint = lns::Hint {
                start: Some(self.start.clone()),
                ..lns::Hint::default()
            };
            return lns::solve_lns_with(&self.m, settings, "replan", hint);
        }
        let clock = crate::solver::work::Clock::start(settings);
        let half = clock.settings(settings, settings.budget() * WHOLE_MIP_SHARE);
        let (start, bound) = match crate::solver::solve(&self.m, &half, "replan") {
            Ok(o) if matches!(o.status, Status::Optimal | Status::GapLimit) => return Ok(o),
            Ok(o) => {
                let chosen = self
                    .start
                    .iter()
                    .map(|(v, _)| (*v, o.value(*v).round()))
                    .collect();
                (chosen, o.bound)
            }
            Err(SolverError::Failed { .. }) => (self.start.clone(), None),
            Err(e) => return Err(e),
        };
        let hint = lns::Hint {
            start: Some(start),
            // HiGHS's bound holds for the whole model and is at least its LP relaxation's
            bound_beats_lp: bound.is_some(),
            bound,
            guide: None,
        };
        let rest = settings.remaining(&clock);
        let mut out = lns::solve_lns_with(&self.m, &rest, "replan", hint)?;
        out.seconds = clock.seconds();
        Ok(out)
    }

    /// The roster the solution describes: every agent of the published roster and every
    /// agent called in, day by day.
    pub(super) fn decode(&self, out: &Outcome) -> Roster {
        let mut ids: Vec<&str> = Vec::new();
        for e in &self.s.published.entries {
            if !ids.contains(&e.agent_id.as_str()) {
                ids.push(&e.agent_id);
            }
        }
        let index: BTreeMap<&str, usize> = self
            .s
            .agents
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        for (ai, a) in self.s.agents.iter().enumerate() {
            let works = self.options[ai]
                .iter()
                .flatten()
                .any(|o| out.value(o.var) > 0.5);
            if works && !ids.contains(&a.id.as_str()) {
                ids.push(&a.id);
            }
        }
        let mut entries = Vec::new();
        for id in ids {
            for (d, date) in self.dates.iter().enumerate() {
                let shift = index.get(id).and_then(|&ai| {
                    self.options[ai][d]
                        .iter()
                        .find(|o| out.value(o.var) > 0.5)
                        .map(|o| o.shift.clone())
                });
                entries.push(Entry {
                    agent_id: id.to_string(),
                    date: *date,
                    shift,
                });
            }
        }
        Roster {
            dates: self.dates.clone(),
            entries,
        }
    }

    /// Why `r` is still below the target, day by day, in words.
    pub(super) fn explain(&self, r: &Roster) -> Vec<String> {
        let sc = self.s.sc;
        let cov = effective_cover(self.s.agents, &self.productivity, r, &self.grid);
        let heads = r.cover(&self.grid, |_| 1.0);
        let per_day = self.grid.per_day();
        let mut out = Vec::new();
        for (d, date) in self.dates.iter().enumerate() {
            let short: Vec<usize> = (d * per_day..(d + 1) * per_day)
                .filter(|&i| self.target[i] - cov[i] - self.carried[i] > 1e-9)
                .collect();
            if short.is_empty() {
                continue;
            }
            let full = sc.headcount.max_on_duty.map_or(0, |cap| {
                short
                    .iter()
                    .filter(|&&i| heads[i] + self.carried[i] >= cap as f64 - 1e-9)
                    .count()
            });
            let day = format!(
                "{} {}",
                crate::model::time::weekday_short(chrono::Datelike::weekday(date)),
                date
            );
            let mut why = format!("{day}: {} interval(s) stay below the target", short.len());
            if full > 0 {
                why += &format!(
                    "; in {full} of them the office is full (headcount.max_on_duty = {})",
                    sc.headcount.max_on_duty.expect("counted")
                );
            }
            if full < short.len() {
                why += "; nobody else may work then within the rules (weekly days and hours, rest, days in a row, notice) or at the [replan] prices";
            }
            out.push(why);
        }
        out
    }

    /// Cover of `r` against the target after `now`, and each set of skill-limited queues'
    /// by the agents who serve it.
    pub(super) fn cover(&self, r: &Roster) -> Cover {
        let cov = effective_cover(self.s.agents, &self.productivity, r, &self.grid);
        let (short_agent_hours, short_intervals) =
            self.short(|i| self.target[i] - cov[i] - self.carried[i]);
        let by_skills = self
            .skills
            .iter()
            .map(|k| {
                let weights = only(&self.productivity, &k.able);
                let cov = effective_cover(self.s.agents, &weights, r, &self.grid);
                let (hours, intervals) = self.short(|i| k.target[i] - cov[i]);
                super::SkillCover {
                    queues: k.queues.clone(),
                    short_agent_hours: hours,
                    short_intervals: intervals,
                }
            })
            .collect();
        Cover {
            short_agent_hours,
            short_intervals,
            by_skills,
        }
    }

    /// Agent-hours and intervals where `short(i)` is above 0.
    fn short(&self, short: impl Fn(usize) -> f64) -> (f64, usize) {
        (0..self.grid.len)
            .map(short)
            .filter(|s| *s > 1e-9)
            .fold((0.0, 0), |(h, n), s| {
                (h + s * self.grid.step_hours(), n + 1)
            })
    }
}
