//! The general rostering rule model: employees × days × shift types, with the rules a real
//! team has — one shift a day, forbidden successions (no early after late), per-type and total
//! limits, minimum and maximum consecutive working days, minimum consecutive days off, maximum
//! weekends, fixed days off — and weighted soft goals: shift on/off requests and cover per day
//! and shift type with under- and over-cover weights.
//!
//! [`model`] builds one MIP for it ([`super::solve`] solves it); [`evaluate`] scores any assignment and lists every broken
//! hard rule by employee and day, independently of how the assignment was made. Benchmark
//! formats (Curtois & Qu, [`crate::nrp`]) are read into this model at the edge.

use crate::rules::encode::{self, AgentDays, Choice};
use crate::solver::{self, Mip, Outcome, Var};
use serde::Serialize;

/// A shift type: its id, paid minutes, and the types that may not follow it the next day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftType {
    pub id: String,
    pub minutes: u32,
    /// Indices of the shift types that cannot be worked the day after this one.
    pub cannot_follow: Vec<usize>,
}

/// One employee's contract and fixed days off.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Employee {
    pub id: String,
    /// Per shift type, the most shifts of that type over the horizon.
    pub max_shifts: Vec<u32>,
    pub min_minutes: u32,
    pub max_minutes: u32,
    pub max_consecutive: u32,
    pub min_consecutive: u32,
    pub min_consecutive_off: u32,
    pub max_weekends: u32,
    pub days_off: Vec<usize>,
}

/// A wish to work (on) or not work (off) a shift type on a day, with its weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Request {
    pub employee: usize,
    pub day: usize,
    pub shift: usize,
    pub weight: f64,
    pub on: bool,
}

/// Employees wanted on a shift type on a day; each one short or extra costs its weight.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cover {
    pub day: usize,
    pub shift: usize,
    pub required: u32,
    pub under_weight: f64,
    pub over_weight: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Problem {
    pub days: usize,
    /// Weekday of day 0, Monday = 0 (weekends are days 5 and 6 of each week from Monday).
    pub first_weekday: usize,
    pub shifts: Vec<ShiftType>,
    pub employees: Vec<Employee>,
    pub requests: Vec<Request>,
    pub cover: Vec<Cover>,
}

/// `assignment[e][d]` is the shift type employee `e` works on day `d`, or `None` (off).
pub type Assignment = Vec<Vec<Option<usize>>>;

/// A broken hard rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    pub employee: String,
    pub day: Option<usize>,
    pub rule: &'static str,
    pub message: String,
}

/// An assignment's score: penalty by kind and every broken hard rule.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    pub objective: f64,
    pub request_penalty: f64,
    pub cover_penalty: f64,
    pub violations: Vec<Violation>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Solution {
    pub assignment: Assignment,
    pub evaluation: Evaluation,
    /// The MIP solve: status, objective, best bound, gap.
    pub solve: Outcome,
    /// The LP relaxation's optimum (where it was solved to the end): no assignment can
    /// score below it.
    pub lp_bound: Option<f64>,
    /// What column generation reached (the anytime engine with HiGHS).
    pub column_generation: Option<ColumnGeneration>,
    /// What the construction reached (the anytime engine).
    pub construction: Option<Construction>,
}

/// The construction's part of a solve ([`crate::nrp::construct`]): its roster's cost, the
/// first pass's time (a roster within every rule from then on), its best-response rounds.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Construction {
    pub objective: f64,
    pub first_pass_seconds: f64,
    pub rounds: usize,
    pub settled: bool,
    pub seconds: f64,
}

/// Column generation's part of a solve: its bound (valid for the whole problem where every
/// pricing was exact), whether it converged, its size and time.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ColumnGeneration {
    pub bound: Option<f64>,
    pub converged: bool,
    /// Converged, or its bound rounded up met the master's (more columns could not raise it).
    pub settled: bool,
    /// Branch-and-price after it: nodes solved (0: it did not run) and the bound it proved.
    pub branch_and_price_nodes: usize,
    pub branch_and_price_bound: Option<f64>,
    pub iterations: usize,
    pub columns: usize,
    pub seconds: f64,
}

impl ColumnGeneration {
    /// `1054.08 (converged, 41 iterations, 3410 schedules, 1.6 s); branch-and-price 61 nodes, …`
    pub fn text(&self) -> String {
        let Some(b) = self.bound else {
            return format!(
                "– (stopped before an exact pricing round, {:.1} s)",
                self.seconds
            );
        };
        let state = if self.converged {
            "converged"
        } else if self.settled {
            "settled: rounded up it meets the master"
        } else {
            "stopped by its share of the limit"
        };
        let search = match (self.branch_and_price_nodes, self.branch_and_price_bound) {
            (0, _) => String::new(),
            (n, Some(b)) => format!("; branch-and-price {n} nodes, bound {b:.2}"),
            (n, None) => format!("; branch-and-price {n} nodes"),
        };
        format!(
            "{b:.2} ({state}, {} iterations, {} schedules, {:.1} s){search}",
            self.iterations, self.columns, self.seconds
        )
    }
}

/// What `paiban nrp --json` prints of a solved instance: the benchmark's objective and its
/// parts, the bounds and the gap, and the instance's size.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub instance: String,
    pub objective: f64,
    pub request_penalty: f64,
    pub cover_penalty: f64,
    pub hard_violations: usize,
    pub lower_bound: Option<f64>,
    pub lp_bound: Option<f64>,
    pub column_generation: Option<ColumnGeneration>,
    pub construction: Option<Construction>,
    pub gap: Option<f64>,
    pub status: solver::Status,
    pub seconds: f64,
    pub employees: usize,
    pub days: usize,
    pub shift_types: usize,
}

impl Solution {
    /// The summary of this solution of `p`, read from `instance`.
    pub fn summary(&self, p: &Problem, instance: &str) -> Summary {
        let ev = &self.evaluation;
        Summary {
            instance: instance.to_string(),
            objective: ev.objective,
            request_penalty: ev.request_penalty,
            cover_penalty: ev.cover_penalty,
            hard_violations: ev.violations.len(),
            lower_bound: self.solve.bound,
            lp_bound: self.lp_bound,
            column_generation: self.column_generation.clone(),
            construction: self.construction.clone(),
            gap: self.solve.gap,
            status: self.solve.status,
            seconds: self.solve.seconds,
            employees: p.employees.len(),
            days: p.days,
            shift_types: p.shifts.len(),
        }
    }
}

impl Problem {
    pub(crate) fn weekend_days(&self) -> Vec<(usize, Vec<usize>)> {
        // weekend k: its Saturday and Sunday inside the horizon
        let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
        for d in 0..self.days {
            let wd = (self.first_weekday + d) % 7;
            if wd >= 5 {
                let k = (self.first_weekday + d) / 7;
                match out.last_mut() {
                    Some((kk, v)) if *kk == k => v.push(d),
                    _ => out.push((k, vec![d])),
                }
            }
        }
        out
    }
}

/// Per employee, day and shift type: the assignment's variable (none where it cannot be worked).
pub(crate) type XVars = Vec<Vec<Vec<Option<Var>>>>;

/// The MIP: variables per (employee, day, shift type) and the objective's constant part.
/// Every rule is the rule model's one encoding ([`crate::rules::encode`]).
pub(crate) fn model(p: &Problem) -> (Mip, XVars, f64) {
    let mut m = Mip::default();
    let (ne, nd, ns) = (p.employees.len(), p.days, p.shifts.len());
    let mut x: XVars = vec![vec![vec![None; ns]; nd]; ne];
    let mut agents: Vec<AgentDays> = Vec::with_capacity(ne);
    for (e, emp) in p.employees.iter().enumerate() {
        let mut a = AgentDays::new(nd);
        for d in 0..nd {
            if emp.days_off.contains(&d) {
                continue;
            }
            m.tag_with(Some(e), Some(d));
            for (s, st) in p.shifts.iter().enumerate() {
                let v = m.var(0.0, 1.0, true, 0.0);
                x[e][d][s] = Some(v);
                // the format has no clock times: a shift fills its day
                let start = d as i64 * 1440;
                a.days[d].push(Choice {
                    var: v,
                    start,
                    end: start + 1440,
                    paid_minutes: st.minutes,
                    night: false,
                    kind: s,
                });
            }
        }
        agents.push(a);
    }
    m.tag_with(None, None);
    let constant = request_costs(p, &mut m, &x);
    m.shown_offset = constant;
    cover_rows(p, &mut m, &x);
    let weekends: Vec<Vec<usize>> = p.weekend_days().into_iter().map(|(_, d)| d).collect();
    for (e, (emp, a)) in p.employees.iter().zip(&agents).enumerate() {
        // the rules' own variables (blocks of days, weekends worked) are the employee's
        m.tag_with(Some(e), None);
        employee_rows(p, &mut m, emp, a, &weekends);
    }
    m.tag_with(None, None);
    // the format's weights are whole numbers (the reader takes integers) and so are the
    // requirements and the people: every roster costs a whole number
    m.whole_costs = true;
    (m, x, constant)
}

/// On and off requests in the objective; returns its constant part.
fn request_costs(p: &Problem, m: &mut Mip, x: &XVars) -> f64 {
    let mut constant = 0.0;
    for r in &p.requests {
        match (x[r.employee][r.day][r.shift], r.on) {
            (Some(v), true) => {
                m.cost[v.0] -= r.weight;
                constant += r.weight;
            }
            (Some(v), false) => m.cost[v.0] += r.weight,
            (None, true) => constant += r.weight,
            (None, false) => {}
        }
    }
    constant
}

/// Cover per day and shift type, under and over cover weighted.
fn cover_rows(p: &Problem, m: &mut Mip, x: &XVars) {
    for c in &p.cover {
        // the day's slacks: nobody's, of that day (what the search aims its windows at)
        m.tag_with(None, Some(c.day));
        let mut terms: Vec<(Var, f64)> = (0..p.employees.len())
            .filter_map(|e| x[e][c.day][c.shift])
            .map(|v| (v, 1.0))
            .collect();
        // continuous: at an optimum they are whole anyway (whole requirement, whole people),
        // and HiGHS proves these instances faster so (13.4 s against 18.7 s on Instance4)
        let under = m.var(0.0, f64::INFINITY, false, c.under_weight);
        let over = m.var(0.0, f64::INFINITY, false, c.over_weight);
        terms.push((under, 1.0));
        terms.push((over, -1.0));
        let r = c.required as f64;
        m.row(terms, r, r);
    }
    m.tag_with(None, None);
}

/// One employee's rules, each through the rule model's encoding.
fn employee_rows(p: &Problem, m: &mut Mip, emp: &Employee, a: &AgentDays, weekends: &[Vec<usize>]) {
    // shift types that may not follow each other on consecutive days (the format's rest rule)
    encode::successions(m, a, |c, u| {
        u.start == c.start + 1440 && p.shifts[c.kind].cannot_follow.contains(&u.kind)
    });
    let all = a.all_days();
    for s in 0..p.shifts.len() {
        encode::at_most(
            m,
            a,
            &all,
            |c| f64::from(u8::from(c.kind == s)),
            emp.max_shifts[s] as f64,
        );
    }
    let minutes = |c: &Choice| c.paid_minutes as f64;
    encode::between(
        m,
        a,
        &all,
        minutes,
        emp.min_minutes as f64,
        emp.max_minutes as f64,
    );
    let seq = encode::Sequence {
        max_on: emp.max_consecutive,
        min_on: emp.min_consecutive,
        min_off: emp.min_consecutive_off,
    };
    // nothing is known of the days before the horizon: sequences may continue there
    let before = encode::Before {
        unknown: true,
        ..Default::default()
    };
    encode::sequences(m, a, seq, before);
    encode::groups_worked(m, a, weekends, emp.max_weekends);
}

/// Scores `a` exactly as the benchmark defines it and lists every broken hard rule.
pub fn evaluate(p: &Problem, a: &Assignment) -> Evaluation {
    let mut v = Vec::new();
    let mut bad = |e: &Employee, day: Option<usize>, rule: &'static str, message: String| {
        v.push(Violation {
            employee: e.id.clone(),
            day,
            rule,
            message,
        })
    };
    for (ei, e) in p.employees.iter().enumerate() {
        let w: Vec<bool> = a[ei].iter().map(Option::is_some).collect();
        for d in 0..p.days {
            if w[d] && e.days_off.contains(&d) {
                bad(
                    e,
                    Some(d),
                    "day off",
                    format!("{} works on fixed day off {d}", e.id),
                );
            }
            if d + 1 < p.days {
                if let (Some(s), Some(t)) = (a[ei][d], a[ei][d + 1]) {
                    if p.shifts[s].cannot_follow.contains(&t) {
                        bad(
                            e,
                            Some(d + 1),
                            "succession",
                            format!(
                                "{}: {} on day {} after {} on day {d}",
                                e.id,
                                p.shifts[t].id,
                                d + 1,
                                p.shifts[s].id
                            ),
                        );
                    }
                }
            }
        }
        for (s, st) in p.shifts.iter().enumerate() {
            let n = a[ei].iter().filter(|x| **x == Some(s)).count() as u32;
            if n > e.max_shifts[s] {
                bad(
                    e,
                    None,
                    "max shifts",
                    format!(
                        "{}: {n} {} shifts, at most {}",
                        e.id, st.id, e.max_shifts[s]
                    ),
                );
            }
        }
        let minutes: u32 = a[ei].iter().flatten().map(|&s| p.shifts[s].minutes).sum();
        if minutes < e.min_minutes || minutes > e.max_minutes {
            bad(
                e,
                None,
                "total minutes",
                format!(
                    "{}: {minutes} minutes, allowed {}–{}",
                    e.id, e.min_minutes, e.max_minutes
                ),
            );
        }
        // runs of work and of days off
        let mut d = 0;
        while d < p.days {
            let s = d;
            while d < p.days && w[d] == w[s] {
                d += 1;
            }
            let len = (d - s) as u32;
            let inner = s > 0 && d < p.days;
            if w[s] {
                if len > e.max_consecutive {
                    bad(
                        e,
                        Some(s),
                        "max consecutive",
                        format!(
                            "{}: {len} days in a row from day {s}, at most {}",
                            e.id, e.max_consecutive
                        ),
                    );
                }
                if inner && len < e.min_consecutive {
                    bad(
                        e,
                        Some(s),
                        "min consecutive",
                        format!(
                            "{}: {len} days in a row from day {s}, at least {}",
                            e.id, e.min_consecutive
                        ),
                    );
                }
            } else if inner && len < e.min_consecutive_off {
                bad(
                    e,
                    Some(s),
                    "min days off",
                    format!(
                        "{}: {len} days off from day {s}, at least {}",
                        e.id, e.min_consecutive_off
                    ),
                );
            }
        }
        let weekends = p
            .weekend_days()
            .iter()
            .filter(|(_, ds)| ds.iter().any(|&d| w[d]))
            .count() as u32;
        if weekends > e.max_weekends {
            bad(
                e,
                None,
                "max weekends",
                format!(
                    "{}: {weekends} weekends worked, at most {}",
                    e.id, e.max_weekends
                ),
            );
        }
    }
    let request_penalty: f64 = p
        .requests
        .iter()
        .filter(|r| (a[r.employee][r.day] == Some(r.shift)) != r.on)
        .map(|r| r.weight)
        .sum();
    let cover_penalty: f64 = p
        .cover
        .iter()
        .map(|c| {
            let n = (0..p.employees.len())
                .filter(|&e| a[e][c.day] == Some(c.shift))
                .count() as f64;
            let r = c.required as f64;
            (r - n).max(0.0) * c.under_weight + (n - r).max(0.0) * c.over_weight
        })
        .sum();
    Evaluation {
        objective: request_penalty + cover_penalty,
        request_penalty,
        cover_penalty,
        violations: v,
    }
}
