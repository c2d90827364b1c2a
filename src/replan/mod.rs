//! Replanning a published roster when the day does not go as planned: agents absent (sick
//! calls, approved leave) and demand running above or below the forecast.
//!
//! Everything before `now` is fixed (it happened). Each published shift after it stays unless
//! changing it is worth its price: the objective is the service shortfall plus the change
//! costs of the scenario's `[replan]` section (cancel, move, extend, shorten, call in,
//! overtime). The new roster keeps every hard rule of the rule model, counting what was
//! already worked ([`crate::rules::encode::agent_rules`] over the whole published horizon,
//! the past pinned).
//!
//! **Service target.** Per interval after `now`, the shortfall is counted against
//! `min(required now, published cover + the rise of the requirement since the roster was
//! planned)`: the published roster meets its own target by definition, so a replan where
//! nothing happened changes nothing, and a replan answers only for what did happen.
//!
//! **Where it may change.** The published shifts of every later day may stay or be cancelled;
//! other shifts are offered where they reach an interval below its target once the absences
//! are taken out (nothing else could lower the shortfall). Calling in on a day off and working
//! past the published hours are offered to agents marked `standby` or `overtime` in the agent
//! list (`on_call`), or to everybody when the list marks nobody.

pub mod cover;
mod model;
pub mod words;

use crate::model::time::{fmt_ts, parse_date, Grid};
use crate::model::{Roster, WorkShift};
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use crate::solver::{Outcome, SolverError, SolverSettings};
use crate::staffing::requirements::Requirements;
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ReplanError {
    #[error("--absent `{text}`: {problem}; write ID, ID:2026-11-11 or ID:2026-11-11..2026-11-13, several separated by commas")]
    Absence { text: String, problem: String },
    #[error("agent `{0}` is marked absent but is not in the agent list; check the id")]
    UnknownAbsent(String),
    #[error("the published roster has no dates")]
    EmptyRoster,
    #[error("the published roster's dates are not consecutive ({0} is missing); a roster covers every day of its horizon")]
    Gap(NaiveDate),
    #[error("--now {now} is outside the published roster ({first} to {last})")]
    NowOutside {
        now: String,
        first: NaiveDate,
        last: NaiveDate,
    },
    #[error("the requirements cover {have} intervals from {start}, the roster needs {want} from {first}: forecast the roster's dates")]
    Requirements {
        have: usize,
        start: String,
        want: usize,
        first: NaiveDate,
    },
    #[error("the published roster already breaks hard rules up to --now, which a replan keeps as it happened:\n  {}\nfix: correct the roster of those days (paiban check lists every violation), or replan from a later --now", .0.join("\n  "))]
    PastBroken(Vec<String>),
    #[error(transparent)]
    Solver(#[from] SolverError),
}

/// An agent who does not work from `from` to `to` (both included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Absence {
    pub agent_id: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Absence {
    pub fn covers(&self, id: &str, d: NaiveDate) -> bool {
        self.agent_id == id && d >= self.from && d <= self.to
    }
}

/// `ID[:DATE|:FROM..TO],…`; an id alone is absent from `today` to `last`.
pub fn parse_absences(
    text: &str,
    today: NaiveDate,
    last: NaiveDate,
) -> Result<Vec<Absence>, ReplanError> {
    let mut out = Vec::new();
    for part in text
        .split([',', '，'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let bad = |problem: String| ReplanError::Absence {
            text: part.to_string(),
            problem,
        };
        let (id, dates) = match part.split_once(':') {
            Some((id, dates)) => (id.trim(), Some(dates.trim())),
            None => (part, None),
        };
        if id.is_empty() {
            return Err(bad("no agent id".into()));
        }
        let (from, to) = match dates {
            None => (today, last),
            Some(d) => {
                let (a, b) = d.split_once("..").unwrap_or((d, d));
                let a = parse_date(a.trim()).map_err(&bad)?;
                let b = parse_date(b.trim()).map_err(&bad)?;
                if b < a {
                    return Err(bad(format!("{b} is before {a}")));
                }
                (a, b)
            }
        };
        out.push(Absence {
            agent_id: id.to_string(),
            from,
            to,
        });
    }
    Ok(out)
}

/// What happened, against what was published.
pub struct Situation<'a> {
    pub published: &'a Roster,
    pub agents: &'a [Agent],
    pub sc: &'a Scenario,
    pub now: NaiveDateTime,
    pub absent: &'a [Absence],
    /// Agents required per interval as the roster was planned, and as they are now (after an
    /// intraday re-forecast; the same as `planned` when demand runs to the forecast). Both on
    /// the roster's dates.
    pub planned: &'a Requirements,
    pub required: &'a Requirements,
    /// The roster of the days before the published one, if known.
    pub previous: Option<&'a Roster>,
}

/// One agent-day that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub agent_id: String,
    pub name: String,
    pub date: NaiveDate,
    pub kind: ChangeKind,
    pub before: Option<WorkShift>,
    pub after: Option<WorkShift>,
    /// Its price under `[replan]` (0 for an absence: nobody chose it).
    pub cost: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The agent is absent: their shift is gone.
    Absent,
    Cancelled,
    Moved,
    Extended,
    Shortened,
    CalledIn,
}

/// Cover against the target after `now`: what the published roster gives once the absences
/// are taken out, and what the replan gives.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cover {
    /// Agent-hours below the target (the replan's service target, see the module notes).
    pub short_agent_hours: f64,
    /// Intervals with any shortfall.
    pub short_intervals: usize,
    /// The same for each set of skill-limited queues, by the agents who serve them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub by_skills: Vec<SkillCover>,
}

/// [`Cover`] of a set of skill-limited queues by the agents who serve any of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SkillCover {
    pub queues: Vec<String>,
    pub short_agent_hours: f64,
    pub short_intervals: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Replanned {
    pub now: String,
    /// The new roster (written with `-o`; left out of the JSON summary).
    #[serde(skip)]
    pub roster: Roster,
    pub changes: Vec<Change>,
    /// The published roster with the absences taken out, unrepaired.
    pub before: Cover,
    pub after: Cover,
    /// Sum of the changes' prices.
    pub change_cost: f64,
    /// Why the service stays below the target where it does, day by day.
    pub still_short: Vec<String>,
    pub solve: Outcome,
}

impl Replanned {
    /// Agents with a changed day (absences included), in roster order.
    pub fn changed_agents(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        for c in &self.changes {
            if !ids.contains(&c.agent_id.as_str()) {
                ids.push(&c.agent_id);
            }
        }
        ids
    }
}

/// The roster `s.published` with the absences taken out (nothing repaired).
pub fn without_absent(s: &Situation) -> Roster {
    let mut r = s.published.clone();
    for e in &mut r.entries {
        if s.absent.iter().any(|a| a.covers(&e.agent_id, e.date)) {
            e.shift = None;
        }
    }
    r
}

/// Replans `s` within `settings`' time limit: the fewest, cheapest changes that repair the
/// service, every hard rule kept.
pub fn replan(s: &Situation, settings: &SolverSettings) -> Result<Replanned, ReplanError> {
    for a in s.absent {
        if !s.agents.iter().any(|x| x.id == a.agent_id) {
            return Err(ReplanError::UnknownAbsent(a.agent_id.clone()));
        }
    }
    let dates = horizon(s)?;
    let grid = Grid::days(dates[0], dates.len() as u32, s.sc.horizon.interval.0);
    for r in [s.planned, s.required] {
        if r.grid.start != grid.start || r.grid.len < grid.len {
            return Err(ReplanError::Requirements {
                have: r.grid.len,
                start: fmt_ts(r.grid.start),
                want: grid.len,
                first: dates[0],
            });
        }
    }
    let built = model::build(s, &dates, grid);
    let out = match built.solve(settings) {
        Ok(out) => out,
        Err(e @ (SolverError::Infeasible { .. } | SolverError::Failed { .. })) => {
            return Err(past_broken(s).unwrap_or(ReplanError::Solver(e)))
        }
        Err(e) => return Err(e.into()),
    };
    let roster = built.decode(&out);
    let changes = words::changes(s, &roster);
    let change_cost = changes.iter().map(|c| c.cost).sum();
    Ok(Replanned {
        now: fmt_ts(s.now),
        before: built.cover(&without_absent(s)),
        after: built.cover(&roster),
        still_short: built.explain(&roster),
        roster,
        changes,
        change_cost,
        solve: out,
    })
}

/// When the replan has no solution: the hard rules the published roster (absences out) already
/// breaks on days up to today, which the pinned past cannot mend.
fn past_broken(s: &Situation) -> Option<ReplanError> {
    let r = without_absent(s);
    let rep = crate::check::check_after(&r, s.agents, s.sc, None, s.previous);
    let today = s.now.date();
    let broken: Vec<String> = rep
        .violations
        .iter()
        .filter(|v| v.severity == crate::rules::Severity::Hard)
        .filter(|v| v.from.is_none_or(|d| d <= today))
        .map(|v| format!("{} {}", v.code, v.message))
        .collect();
    (!broken.is_empty()).then_some(ReplanError::PastBroken(broken))
}

/// The published roster's dates, consecutive, with `now` inside them.
fn horizon(s: &Situation) -> Result<Vec<NaiveDate>, ReplanError> {
    let dates = &s.published.dates;
    let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
        return Err(ReplanError::EmptyRoster);
    };
    if let Some(w) = dates.windows(2).find(|w| (w[1] - w[0]).num_days() != 1) {
        return Err(ReplanError::Gap(w[0].succ_opt().expect("a later date")));
    }
    let today = s.now.date();
    if today < *first || today > *last {
        return Err(ReplanError::NowOutside {
            now: fmt_ts(s.now),
            first: *first,
            last: *last,
        });
    }
    Ok(dates.clone())
}
