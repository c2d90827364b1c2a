//! Rostering: named agents get the plan's shifts, or a day off, each day.
//!
//! A MIP over binaries `y[agent, day, shift]` for the shifts the plan uses on that day for
//! the agent's contract. It fills the plan's positions (unfilled ones are penalised and
//! explained) while keeping every agent within their contract (days and hours per week),
//! availability, the minimum rest between shifts, the maximum consecutive days and the
//! weekly days off; preferred days off and a fair spread of weekend work are soft goals.

use crate::agents::Agent;
use crate::plan::PlanRow;
use crate::scenario::Scenario;
use crate::shifts::Template;
use crate::solver::{solve, Mip, Outcome, SolverError, SolverSettings, Var};
use crate::time::{fmt_ts, weekday_short};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
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

/// A worked shift with concrete times.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct WorkShift {
    pub label: String,
    pub start: NaiveDateTime,
    pub end: NaiveDateTime,
    /// Unpaid (meal) breaks.
    pub breaks: Vec<(NaiveDateTime, NaiveDateTime)>,
    /// Short paid breaks: off the queue, paid.
    pub paid_breaks: Vec<(NaiveDateTime, NaiveDateTime)>,
    /// Paid minutes off the queue at the start (preparation) and at the end (wrap-up).
    pub prep: u32,
    pub wrap_up: u32,
}

impl WorkShift {
    pub fn from_template(date: NaiveDate, t: &Template) -> Self {
        let s = date.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(t.start as i64);
        let breaks = t
            .break_offset
            .map(|b| {
                let bs = s + Duration::minutes(b as i64);
                vec![(bs, bs + Duration::minutes(t.break_len as i64))]
            })
            .unwrap_or_default();
        let at = |off: u32, len: u32| {
            let a = s + Duration::minutes(off as i64);
            (a, a + Duration::minutes(len as i64))
        };
        WorkShift {
            label: t.id.clone(),
            start: s,
            end: s + Duration::minutes(t.length as i64),
            breaks,
            paid_breaks: t.short_breaks.iter().map(|(o, l)| at(*o, *l)).collect(),
            prep: t.prep,
            wrap_up: t.wrap_up,
        }
    }
    /// Start and end as minutes after the midnight of the start's date (the end past 1440
    /// for overnight shifts).
    pub fn minutes(&self) -> (u32, u32) {
        let s = crate::time::minute_of_day(self.start);
        (s, s + (self.end - self.start).num_minutes() as u32)
    }
    pub fn paid_hours(&self) -> f64 {
        let brk: i64 = self
            .breaks
            .iter()
            .map(|(a, b)| (*b - *a).num_minutes())
            .sum();
        ((self.end - self.start).num_minutes() - brk) as f64 / 60.0
    }
    /// Works some time between 00:00 and 06:00.
    pub fn is_night(&self) -> bool {
        let next = self.start.date().and_hms_opt(0, 0, 0).expect("midnight") + Duration::days(1);
        crate::time::minute_of_day(self.start) < crate::shifts::NIGHT_ENDS || self.end > next
    }
    pub fn on_queue(&self, t: NaiveDateTime) -> bool {
        t >= self.start + Duration::minutes(self.prep as i64)
            && t < self.end - Duration::minutes(self.wrap_up as i64)
            && !self
                .breaks
                .iter()
                .chain(&self.paid_breaks)
                .any(|(a, b)| t >= *a && t < *b)
    }
}

/// One agent's day: a shift or a day off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entry {
    pub agent_id: String,
    pub date: NaiveDate,
    pub shift: Option<WorkShift>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Roster {
    pub dates: Vec<NaiveDate>,
    pub entries: Vec<Entry>,
}

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

/// Binaries above which the roster is solved LP-first (unless the solver settings say
/// otherwise): the LP relaxation is solved, every
/// assignment it makes whole (≥ 0.99) is fixed, and the MIP decides the rest. Large teams
/// have thousands of agent-days the LP already settles; the reported gap stays against the
/// full LP bound, so nothing is hidden.
const LP_FIRST_ABOVE: usize = 20_000;

fn solve_large(m: &Mip, settings: &SolverSettings) -> Result<crate::solver::Outcome, RosterError> {
    let binaries = m.integer.iter().filter(|b| **b).count();
    if binaries <= settings.lp_first_above.unwrap_or(LP_FIRST_ABOVE) {
        return Ok(solve(m, settings, "roster")?);
    }
    let started = std::time::Instant::now();
    let lp = solve(&m.relaxed(), settings, "roster LP relaxation")?;
    let mut fixed = m.clone();
    for (i, x) in lp.x.iter().enumerate() {
        if m.integer[i] && *x >= 0.99 {
            fixed.lo[i] = 1.0;
        }
    }
    let mut out = solve(
        &fixed,
        &settings.remaining(started.elapsed().as_secs_f64()),
        "roster",
    )?;
    out.bound = None;
    out.tighten_bound(lp.objective);
    out.seconds += lp.seconds;
    Ok(out)
}

fn weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// What last week's roster leaves an agent with at the start of this one.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CarryIn {
    /// When their last shift before the horizon ended.
    pub last_end: Option<NaiveDateTime>,
    /// Working days in a row up to the day before the horizon.
    pub consecutive: u32,
}

/// Each agent's carry-in from `previous` (a roster of the days before `start`).
pub fn carry_in(previous: &Roster, start: NaiveDate) -> BTreeMap<String, CarryIn> {
    let mut out: BTreeMap<String, CarryIn> = BTreeMap::new();
    let mut days: BTreeMap<&str, Vec<(NaiveDate, bool)>> = BTreeMap::new();
    for e in previous.entries.iter().filter(|e| e.date < start) {
        let c = out.entry(e.agent_id.clone()).or_default();
        if let Some(s) = &e.shift {
            c.last_end = c.last_end.max(Some(s.end));
        }
        days.entry(&e.agent_id)
            .or_default()
            .push((e.date, e.shift.is_some()));
    }
    for (id, mut v) in days {
        v.sort();
        let mut n = 0;
        let mut want = start - Duration::days(1);
        for (d, worked) in v.iter().rev() {
            if *d != want || !worked {
                break;
            }
            n += 1;
            want -= Duration::days(1);
        }
        out.get_mut(id).expect("entry made above").consecutive = n;
    }
    out
}

pub fn roster(
    plan: &[PlanRow],
    agents: &[Agent],
    sc: &Scenario,
    settings: &SolverSettings,
) -> Result<RosterResult, RosterError> {
    roster_after(plan, agents, sc, settings, None)
}

/// [`roster`] continuing from last week's roster: rest after each agent's last shift and
/// their working days in a row carry over the week boundary.
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
    let first = plan.iter().map(|r| r.date).min().expect("non-empty");
    let start = sc.horizon.start_date().min(first);
    let n_days = (plan.iter().map(|r| r.date).max().expect("non-empty") - start)
        .num_days()
        .max(sc.horizon.days as i64 - 1) as usize
        + 1;
    let dates: Vec<NaiveDate> = (0..n_days)
        .map(|d| start + Duration::days(d as i64))
        .collect();
    let day_of = |d: NaiveDate| (d - start).num_days() as usize;
    let lab = &sc.labour;
    let carry = previous.map(|p| carry_in(p, start)).unwrap_or_default();
    let rest_min = Duration::minutes((lab.min_rest_hours * 60.0).ceil() as i64);

    // positions: (day, template id, contract) → (template, count)
    let mut positions: BTreeMap<(usize, String, String), (Template, u32)> = BTreeMap::new();
    for r in plan {
        positions
            .entry((day_of(r.date), r.template.id.clone(), r.contract.clone()))
            .or_insert((r.template.clone(), 0))
            .1 += r.count;
    }
    let mut m = Mip::default();
    // y[(agent, day)] → [(position key index, var)]
    let keys: Vec<&(usize, String, String)> = positions.keys().collect();
    let mut y: Vec<Vec<Vec<(usize, Var)>>> = vec![vec![Vec::new(); n_days]; agents.len()];
    let mut by_pos: Vec<Vec<Var>> = vec![Vec::new(); keys.len()];
    for (ai, a) in agents.iter().enumerate() {
        let rested = carry
            .get(&a.id)
            .and_then(|c| c.last_end)
            .map(|e| e + rest_min);
        for (ki, k) in keys.iter().enumerate() {
            if k.2 != a.contract || !a.available(dates[k.0]) {
                continue;
            }
            let t = &positions[*k].0;
            // not before the rest after last week's last shift is over
            if rested.is_some_and(|r| WorkShift::from_template(dates[k.0], t).start < r) {
                continue;
            }
            let pref = if a.prefers_off(dates[k.0]) {
                sc.costs.preference_violation
            } else {
                0.0
            };
            // weighted requests: working this shift costs the weight of the wishes it breaks
            // and earns the weight of those a day off would break ("on")
            let day = |s: Option<(u32, u32)>| -> f64 {
                a.requests
                    .iter()
                    .filter(|r| r.date == dates[k.0] && !r.granted_by(s))
                    .map(|r| r.weight.unwrap_or(sc.costs.preference_violation))
                    .sum()
            };
            let request = day(Some((t.start, t.end()))) - day(None);
            // a tiny agent- and day-dependent tie-break keeps solutions stable and spread
            let tie = 1e-4 * (((ai * 31 + k.0 * 17 + ki) % 97) as f64);
            // the objective is the roster's labour cost plus its penalties, in the plan's money
            let labour = sc.contracts[&a.contract].cost_per_hour * t.paid_hours();
            let v = m.var(0.0, 1.0, true, labour + pref + request + tie);
            y[ai][k.0].push((ki, v));
            by_pos[ki].push(v);
        }
    }
    // fill the positions
    let mut shorts = Vec::new();
    let mut extras = Vec::new();
    for (ki, k) in keys.iter().enumerate() {
        let (t, count) = &positions[*k];
        let short = m.var(
            0.0,
            *count as f64,
            false,
            sc.costs.under_coverage_per_agent_hour * t.paid_hours(),
        );
        let extra = m.var(
            0.0,
            f64::INFINITY,
            false,
            sc.costs.over_coverage_per_agent_hour * t.paid_hours(),
        );
        let mut terms: Vec<(Var, f64)> = by_pos[ki].iter().map(|v| (*v, 1.0)).collect();
        terms.push((short, 1.0));
        terms.push((extra, -1.0));
        m.row(terms, *count as f64, *count as f64);
        shorts.push(short);
        extras.push(extra);
    }
    let max_days_week = 7 - lab.min_days_off_per_week.min(7);
    let weekend_max = m.var(0.0, f64::INFINITY, false, 2.0);
    let night_max = m.var(0.0, f64::INFINITY, false, 2.0);
    // 7-day windows for the weekly night and weekend limits (the horizon when shorter)
    let windows: Vec<(usize, usize)> = if n_days > 7 {
        (0..=n_days - 7).map(|w| (w, w + 7)).collect()
    } else {
        vec![(0, n_days)]
    };
    let night = |ki: usize| positions[keys[ki]].0.is_night();
    let on_weekend = |ki: usize| weekend(dates[keys[ki].0]);
    let mut min_slack = Vec::new();
    for (ai, a) in agents.iter().enumerate() {
        let all: Vec<(usize, usize, Var)> = (0..n_days)
            .flat_map(|d| y[ai][d].iter().map(move |(ki, v)| (d, *ki, *v)))
            .collect();
        for d in 0..n_days {
            if y[ai][d].len() > 1 {
                m.row(
                    y[ai][d].iter().map(|(_, v)| (*v, 1.0)).collect(),
                    f64::NEG_INFINITY,
                    1.0,
                );
            }
        }
        let l = a.limits(lab, &dates);
        let (min_days, max_days, min_h, max_h) = (l.min_days, l.max_days, l.min_hours, l.max_hours);
        let days_terms: Vec<(Var, f64)> = all.iter().map(|x| (x.2, 1.0)).collect();
        let hour_terms: Vec<(Var, f64)> = all
            .iter()
            .map(|x| (x.2, positions[keys[x.1]].0.paid_hours()))
            .collect();
        m.row(days_terms.clone(), f64::NEG_INFINITY, max_days);
        m.row(hour_terms.clone(), f64::NEG_INFINITY, max_h);
        let big = sc.costs.under_coverage_per_agent_hour * 8.0;
        let sd = m.var(0.0, f64::INFINITY, false, big);
        let sh = m.var(0.0, f64::INFINITY, false, big / 8.0);
        let mut t = days_terms;
        t.push((sd, 1.0));
        m.row(t, min_days, f64::INFINITY);
        let mut t = hour_terms;
        t.push((sh, 1.0));
        m.row(t, min_h, f64::INFINITY);
        min_slack.push((sd, min_days, sh, min_h));
        // every 7-day window keeps its days off (for horizons longer than a week)
        if n_days > 7 {
            for w in 0..=(n_days - 7) {
                let terms: Vec<(Var, f64)> = all
                    .iter()
                    .filter(|x| x.0 >= w && x.0 < w + 7)
                    .map(|x| (x.2, 1.0))
                    .collect();
                m.row(terms, f64::NEG_INFINITY, max_days_week as f64);
            }
        }
        // at most max_consecutive_days in any window of max+1 days, counting the days in a row
        // worked up to the horizon's start
        let k = lab.max_consecutive_days as usize;
        let before = carry.get(&a.id).map_or(0, |c| c.consecutive as usize);
        for j in 1..=before.min(k) {
            let terms: Vec<(Var, f64)> = all
                .iter()
                .filter(|x| x.0 <= k - j)
                .map(|x| (x.2, 1.0))
                .collect();
            if terms.len() > k - j {
                m.row(terms, f64::NEG_INFINITY, (k - j) as f64);
            }
        }
        if n_days > k {
            for w in 0..n_days - k {
                let terms: Vec<(Var, f64)> = all
                    .iter()
                    .filter(|x| x.0 >= w && x.0 <= w + k)
                    .map(|x| (x.2, 1.0))
                    .collect();
                if terms.len() > k {
                    m.row(terms, f64::NEG_INFINITY, k as f64);
                }
            }
        }
        // minimum rest between a shift and the next day's shift
        for d in 0..n_days.saturating_sub(1) {
            for (ki, v) in &y[ai][d] {
                let t = &positions[keys[*ki]].0;
                let conflicts: Vec<(Var, f64)> = y[ai][d + 1]
                    .iter()
                    .filter(|(kj, _)| {
                        let u = &positions[keys[*kj]].0;
                        ((1440 + u.start) as f64 - t.end() as f64) < lab.min_rest_hours * 60.0
                    })
                    .map(|(_, w)| (*w, 1.0))
                    .collect();
                if !conflicts.is_empty() {
                    let mut terms = conflicts;
                    terms.push((*v, 1.0));
                    m.row(terms, f64::NEG_INFINITY, 1.0);
                }
            }
        }
        // nights and weekend days in every 7 days (the whole horizon when shorter)
        for (limit, pick) in [
            (lab.max_nights_per_week, &night as &dyn Fn(usize) -> bool),
            (lab.max_weekend_days_per_week, &on_weekend),
        ] {
            let Some(limit) = limit else { continue };
            for (a0, a1) in &windows {
                let terms: Vec<(Var, f64)> = all
                    .iter()
                    .filter(|x| x.0 >= *a0 && x.0 < *a1 && pick(x.1))
                    .map(|x| (x.2, 1.0))
                    .collect();
                if terms.len() > limit as usize {
                    m.row(terms, f64::NEG_INFINITY, limit as f64);
                }
            }
        }
        // days off together: an off day after a working day starts a run of at least K
        let k_off = lab.min_consecutive_days_off as usize;
        let work = |d: usize, c: f64| -> Vec<(Var, f64)> {
            y[ai][d].iter().map(|(_, v)| (*v, c)).collect()
        };
        for d in 1..n_days {
            for j in 1..k_off {
                if d + j >= n_days {
                    break;
                }
                // w[d−1] − w[d] + w[d+j] ≤ 1
                let t = [work(d - 1, 1.0), work(d, -1.0), work(d + j, 1.0)].concat();
                if !t.is_empty() {
                    m.row(t, f64::NEG_INFINITY, 1.0);
                }
            }
        }
        // fairness: the most night shifts, and weekend shifts, any agent works
        for (most, pick) in [
            (night_max, &night as &dyn Fn(usize) -> bool),
            (weekend_max, &on_weekend),
        ] {
            let mut terms: Vec<(Var, f64)> = all
                .iter()
                .filter(|x| pick(x.1))
                .map(|x| (x.2, 1.0))
                .collect();
            if !terms.is_empty() {
                terms.push((most, -1.0));
                m.row(terms, f64::NEG_INFINITY, 0.0);
            }
        }
    }
    // seniors on the queue whenever anyone is: per interval, at least the minimum (elastic)
    let step = sc.horizon.interval.0;
    let per_day = (1440 / step) as usize;
    let mut senior_gaps: Vec<(usize, Var, u32)> = Vec::new();
    if lab.min_seniors_on_duty > 0 {
        let senior = |a: &Agent| {
            lab.senior_tiers
                .iter()
                .any(|t| t.eq_ignore_ascii_case(&a.tier))
        };
        let n_iv = n_days * per_day + per_day; // shifts may run past the last midnight
        let mut all_pos: Vec<u32> = vec![0; n_iv];
        let mut seniors: Vec<Vec<(Var, f64)>> = vec![Vec::new(); n_iv];
        for k in &keys {
            let (t, count) = &positions[*k];
            for off in t.on_queue_intervals(step) {
                all_pos[k.0 * per_day + off] += count;
            }
        }
        for (ai, a) in agents.iter().enumerate() {
            if !senior(a) {
                continue;
            }
            for d in 0..n_days {
                for (ki, v) in &y[ai][d] {
                    for off in positions[keys[*ki]].0.on_queue_intervals(step) {
                        seniors[d * per_day + off].push((*v, 1.0));
                    }
                }
            }
        }
        let pen = sc.costs.under_coverage_per_agent_hour * step as f64 / 60.0;
        for i in 0..n_iv {
            let need = lab.min_seniors_on_duty.min(all_pos[i]);
            if need == 0 {
                continue;
            }
            let gap = m.var(0.0, need as f64, false, pen);
            let mut t = std::mem::take(&mut seniors[i]);
            t.push((gap, 1.0));
            m.row(t, need as f64, f64::INFINITY);
            senior_gaps.push((i, gap, need));
        }
    }
    let out = solve_large(&m, settings)?;
    let mut warnings = Vec::new();
    // stretches without enough seniors, in words
    let mut run: Option<(usize, usize, u32, u32)> = None; // (first, last, missing, need)
    let flush = |w: &mut Vec<String>, r: (usize, usize, u32, u32)| {
        let t0 = dates[0].and_hms_opt(0, 0, 0).expect("midnight");
        let at = |i: usize| t0 + Duration::minutes((i as u32 * step) as i64);
        w.push(format!(
            "{}: {} of the {} senior(s) wanted on duty are missing (labour.min_seniors_on_duty); not enough {} agents are free for those shifts",
            crate::time::fmt_hm_range(at(r.0), at(r.1 + 1)),
            r.2,
            r.3,
            lab.senior_tiers.join("/")
        ));
    };
    for &(i, gap, need) in &senior_gaps {
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
    for (a, (sd, min_days, sh, min_h)) in agents.iter().zip(&min_slack) {
        let (gd, gh) = (out.value(*sd), out.value(*sh));
        if gd > 1e-6 || gh > 1e-6 {
            warnings.push(format!(
                "{} ({}) gets {:.0} of the contracted {min_days:.0} days / {:.1} of {min_h:.1} paid hours: not enough of the plan's {} shifts fit their availability and rest",
                a.name, a.id, min_days - gd, min_h - gh, a.contract
            ));
        }
    }

    let mut entries = Vec::new();
    let mut prefs = 0;
    let mut not_granted = 0;
    for (ai, a) in agents.iter().enumerate() {
        for (d, date) in dates.iter().enumerate() {
            let chosen = y[ai][d].iter().find(|(_, v)| out.value(*v) > 0.5);
            let shift =
                chosen.map(|(ki, _)| WorkShift::from_template(*date, &positions[keys[*ki]].0));
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
    let mut unfilled = Vec::new();
    let mut extra_shifts = 0;
    for (ki, k) in keys.iter().enumerate() {
        extra_shifts += out.value(extras[ki]).round() as u32;
        let s = out.value(shorts[ki]).round() as u32;
        if s == 0 {
            continue;
        }
        let (t, count) = &positions[*k];
        let date = dates[k.0];
        let of_contract: Vec<&Agent> = agents.iter().filter(|a| a.contract == k.2).collect();
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
    Ok(RosterResult {
        roster: Roster { dates, entries },
        unfilled,
        extra_shifts,
        preference_violations: prefs,
        requests_not_granted: not_granted,
        warnings,
        solve: out,
    })
}

/// Writes one row per agent per day (days off as `OFF`).
pub fn to_csv(r: &Roster, agents: &[Agent]) -> Vec<u8> {
    let by_id: BTreeMap<&str, &Agent> = agents.iter().map(|a| (a.id.as_str(), a)).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
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
    ])
    .expect("in memory");
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
                let short: Vec<String> = s
                    .paid_breaks
                    .iter()
                    .map(|(a, b)| format!("{}-{}", hm(*a), hm(*b)))
                    .collect();
                let minutes = |m: u32| if m > 0 { m.to_string() } else { String::new() };
                rec.extend([
                    s.label.clone(),
                    fmt_ts(s.start),
                    fmt_ts(s.end),
                    bs,
                    be,
                    short.join(" "),
                    minutes(s.prep),
                    minutes(s.wrap_up),
                    crate::io::fmt_f(s.paid_hours(), 2),
                ]);
            }
            None => {
                rec.push("OFF".to_string());
                rec.extend(std::iter::repeat_n(String::new(), 7));
                rec.push("0".into());
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
) -> Result<Roster, crate::io::InputError> {
    use crate::io::{read_text, Col, Table};
    const COLS: &[Col] = &[
        Col::req("agent_id", &["工号"]),
        Col::opt("name", &["姓名"]),
        Col::opt("tier", &["级别"]),
        Col::opt("contract", &["合同类型"]),
        Col::req("date", &["日期"]),
        Col::opt("weekday", &["星期"]),
        Col::req("shift", &["班次"]),
        Col::opt("start", &["上班时间"]),
        Col::opt("end", &["下班时间"]),
        Col::opt("break_start", &["休息开始"]),
        Col::opt("break_end", &["休息结束"]),
        Col::opt("paid_hours", &["工时"]),
        Col::opt("short_breaks", &["小休"]),
        Col::opt("prep_minutes", &["准备分钟"]),
        Col::opt("wrap_up_minutes", &["收尾分钟"]),
    ];
    let (text, _) = read_text(path)?;
    let (t, idx) = Table::parse(path, &text, COLS)?;
    let mut entries = Vec::new();
    let ts = |line: u64,
              f: &str,
              s: Option<&str>|
     -> Result<Option<NaiveDateTime>, crate::io::InputError> {
        s.map(|s| {
            crate::time::parse_timestamp(s, tz)
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
        let date = crate::time::parse_date(t.get(rec, idx[4]).unwrap_or(""))
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
                let mut paid_breaks = Vec::new();
                for span in t.get(rec, idx[12]).unwrap_or("").split_whitespace() {
                    let fix = "write short breaks as 09:00-09:15, several separated by spaces";
                    let (a, b) = span.split_once('-').ok_or_else(|| {
                        t.err(
                            line,
                            "short_breaks",
                            format!("`{span}` is not a time range"),
                            fix,
                        )
                    })?;
                    let at = |c: &str| -> Result<NaiveDateTime, crate::io::InputError> {
                        let m = c
                            .parse::<crate::time::Clock>()
                            .map_err(|e| t.err(line, "short_breaks", e, fix))?
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
                            "short_breaks",
                            format!("the short break {span} is not inside the shift"),
                            fix,
                        ));
                    }
                    paid_breaks.push((a, b));
                }
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
