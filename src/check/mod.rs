//! The independent checker: verifies any roster — produced by paiban or made by hand —
//! against every rule of the [catalogue](crate::rules::CATALOGUE), reports every violation
//! with its [`Code`], and measures coverage against requirements.
//!
//! It shares the input types, the catalogue and each agent's resolved parameters
//! ([`AgentRules`]) with the optimiser, nothing else: the periods, runs and counts are its
//! own arithmetic, so a mistake in the optimiser's encoding shows up here.
//!
//! One file per rule family, each pushing [`Violation`]s:
//! - `day.rs`: `UNKNOWN_AGENT`, `ONE_SHIFT_A_DAY`, `AVAILABILITY`, `SHIFT_FORM`, `DAY_HOURS`
//! - `sequence.rs`: `REST`, `MAX_CONSECUTIVE`, `DAYS_OFF_TOGETHER`
//! - `week.rs`: `DAYS_OFF`, `WEEK_DAYS`, `WEEK_HOURS`, `NIGHTS`, `WEEKENDS`, `CONTRACT_DAYS`,
//!   `CONTRACT_HOURS`
//! - `month.rs`: `MONTH_OVERTIME`
//! - `skill.rs`: `SKILL`
//! - `team.rs`: `HEADCOUNT`, `SEATS`, `BUDGET`, `SENIOR_ON_DUTY`
//! - `requests.rs`: `PREFERRED_OFF`, `REQUEST`
//! - `coverage.rs`: agents on the queue against the requirement (no violations)
//! - `against.rs`: an edited roster against the published one — the changes and the rules each
//!   breaks
//!
//! **Periods** (as [`crate::rules::params`] describes them): the horizon is the roster's
//! dates, first to last. A week or month at an edge of the horizon is counted whole: its days
//! before the horizon as last week's roster (`previous`) has them — a date it does not list is
//! a day off — and its days after the horizon as days off.

pub mod against;
mod coverage;
mod day;
mod month;
mod requests;
mod sequence;
mod skill;
mod team;
mod week;

#[cfg(test)]
mod tests;

pub use crate::rules::{Code, Severity};
pub use coverage::{CoverageReport, QueueCoverage};

use crate::model::{Roster, WorkShift};
use crate::rules::params::AgentRules;
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use crate::staffing::requirements::Requirements;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One broken rule: who (empty for team rules), when, by how much, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    pub code: Code,
    pub severity: Severity,
    /// The agent, empty for team rules (`HEADCOUNT`, `SEATS`, `BUDGET`, `SENIOR_ON_DUTY`).
    pub agent_id: String,
    /// First and last date the violation concerns (a day, a run, a week, a month).
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// What the roster has and what the rule allows (or asks for), where the rule counts.
    pub value: Option<f64>,
    pub limit: Option<f64>,
    /// In the supervisor's words, naming the agent, the dates and the numbers.
    pub message: String,
}

impl Violation {
    /// A violation of `code` by `agent_id` (empty for the team); dates and numbers are added
    /// with [`Violation::on`], [`Violation::dates`] and [`Violation::numbers`].
    fn new(code: Code, agent_id: &str, message: String) -> Violation {
        Violation {
            code,
            severity: code.severity(),
            agent_id: agent_id.to_string(),
            from: None,
            to: None,
            value: None,
            limit: None,
            message,
        }
    }
    fn on(self, d: NaiveDate) -> Violation {
        self.dates(d, d)
    }
    fn dates(self, from: NaiveDate, to: NaiveDate) -> Violation {
        Violation {
            from: Some(from),
            to: Some(to),
            ..self
        }
    }
    fn numbers(self, value: f64, limit: f64) -> Violation {
        Violation {
            value: Some(value),
            limit: Some(limit),
            ..self
        }
    }
    /// `2026-11-02` or `2026-11-09–2026-11-15`; empty without dates.
    pub fn when(&self) -> String {
        match (self.from, self.to) {
            (Some(a), Some(b)) if a != b => span(a, b),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        }
    }
}

/// `2026-11-09–2026-11-15`
fn span(from: NaiveDate, to: NaiveDate) -> String {
    format!("{from}–{to}")
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub agents: usize,
    pub shifts: usize,
    pub paid_hours: f64,
    /// Sorted by severity, code, agent and date.
    pub violations: Vec<Violation>,
    pub coverage: Option<CoverageReport>,
}

impl CheckReport {
    pub fn hard(&self) -> usize {
        self.violations
            .iter()
            .filter(|v| v.severity == Severity::Hard)
            .count()
    }
    pub fn soft(&self) -> usize {
        self.violations.len() - self.hard()
    }
}

/// The days checked: the roster's dates, first to last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Horizon {
    first: NaiveDate,
    last: NaiveDate,
}

impl Horizon {
    /// From the first to the last of the roster's dates and rows (the scenario's first day
    /// for an empty roster).
    fn of(r: &Roster, sc: &Scenario) -> Horizon {
        let dates = r.dates.iter().chain(r.entries.iter().map(|e| &e.date));
        let first = dates.clone().min().copied();
        let last = dates.max().copied();
        let start = sc.horizon.start_date();
        Horizon {
            first: first.unwrap_or(start),
            last: last.unwrap_or(start),
        }
    }
    fn contains(&self, d: NaiveDate) -> bool {
        d >= self.first && d <= self.last
    }
    fn days(&self) -> impl Iterator<Item = NaiveDate> {
        let last = self.last;
        self.first.iter_days().take_while(move |d| *d <= last)
    }
    fn len(&self) -> u32 {
        (self.last - self.first).num_days() as u32 + 1
    }
}

/// One agent as the checker sees them: every rule's parameters, and the shift they work on
/// each date of the horizon and — from last week's roster — before it.
struct AgentDays<'a> {
    agent: &'a Agent,
    rules: AgentRules,
    /// Date → shift; a date not here is a day off.
    shifts: BTreeMap<NaiveDate, &'a WorkShift>,
}

impl<'a> AgentDays<'a> {
    fn id(&self) -> &str {
        &self.agent.id
    }
    /// `Li Na (A07)`, or the id alone when the agent list gives no other name.
    fn name(&self) -> String {
        let a = self.agent;
        if a.name.is_empty() || a.name == a.id {
            a.id.clone()
        } else {
            format!("{} ({})", a.name, a.id)
        }
    }
    fn shift_on(&self, d: NaiveDate) -> Option<&'a WorkShift> {
        self.shifts.get(&d).copied()
    }
    fn works(&self, d: NaiveDate) -> bool {
        self.shifts.contains_key(&d)
    }
    /// Shifts dated `from` to `to` (days before the horizon from last week's roster).
    fn between(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> impl Iterator<Item = (NaiveDate, &'a WorkShift)> + '_ {
        self.shifts.range(from..=to).map(|(d, s)| (*d, *s))
    }
    /// The roster's shifts.
    fn in_horizon(&self, h: Horizon) -> impl Iterator<Item = (NaiveDate, &'a WorkShift)> + '_ {
        self.between(h.first, h.last)
    }
}

/// Every agent of the list with their days: the roster's shifts (the first of an agent's
/// shifts on a date when there are several rows) and last week's before the horizon.
fn agent_days<'a>(
    r: &'a Roster,
    agents: &'a [Agent],
    sc: &Scenario,
    h: Horizon,
    previous: Option<&'a Roster>,
) -> Vec<AgentDays<'a>> {
    let mut views: Vec<AgentDays> = agents
        .iter()
        .map(|a| AgentDays {
            agent: a,
            rules: AgentRules::new(&sc.labour, a),
            shifts: BTreeMap::new(),
        })
        .collect();
    let mut index: HashMap<&str, usize> = HashMap::new();
    for (i, a) in agents.iter().enumerate() {
        index.entry(a.id.as_str()).or_insert(i);
    }
    let before = previous
        .into_iter()
        .flat_map(|p| p.entries.iter())
        .filter(|e| e.date < h.first);
    for e in r.entries.iter().chain(before) {
        if let (Some(&i), Some(s)) = (index.get(e.agent_id.as_str()), &e.shift) {
            views[i].shifts.entry(e.date).or_insert(s);
        }
    }
    views
}

pub fn check(
    r: &Roster,
    agents: &[Agent],
    sc: &Scenario,
    req: Option<&Requirements>,
) -> CheckReport {
    check_after(r, agents, sc, req, None)
}

/// [`check`] with last week's roster: its days count in the weeks and months that start
/// before the horizon, and rest, days in a row, days off together and the agents on the queue
/// carry over the boundary.
pub fn check_after(
    r: &Roster,
    agents: &[Agent],
    sc: &Scenario,
    req: Option<&Requirements>,
    previous: Option<&Roster>,
) -> CheckReport {
    let h = Horizon::of(r, sc);
    let mut v = Vec::new();
    day::check_rows(r, agents, &mut v);
    let views = agent_days(r, agents, sc, h, previous);
    for a in &views {
        day::check(a, sc, h, &mut v);
        sequence::check(a, h, &mut v);
        week::check(a, &sc.labour, h, &mut v);
        month::check(a, &sc.labour, h, &mut v);
        requests::check(a, sc, h, &mut v);
        skill::check(a, sc, h, &mut v);
    }
    team::check(&views, sc, h, &mut v);
    let coverage = req.map(|q| coverage::report(r, previous, agents, sc, q, h));
    v.sort_by(|a, b| {
        (a.severity, a.code, &a.agent_id, a.from).cmp(&(b.severity, b.code, &b.agent_id, b.from))
    });
    let worked = || views.iter().flat_map(|a| a.in_horizon(h));
    CheckReport {
        agents: agents.len(),
        shifts: worked().count(),
        paid_hours: worked().map(|(_, s)| s.paid_hours()).sum(),
        violations: v,
        coverage,
    }
}

/// The day before `d`.
fn day_before(d: NaiveDate) -> NaiveDate {
    d - Duration::days(1)
}
