//! Who could take an open shift: every agent tried in it, the roster checked with the rule
//! model's checker, those who break no hard rule the published roster kept ranked by the
//! change's price and then by the hours they already work that week (fairness).

use super::words::{price, Willing};
use super::ChangeKind;
use crate::check::{check_after, Violation};
use crate::model::shift::Template;
use crate::model::time::Clock;
use crate::model::{Roster, WorkShift};
use crate::rules::Severity;
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use chrono::{Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;
use std::collections::BTreeSet;

/// The open shift: a date, a start and an end time (past midnight: the next day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Open {
    pub date: NaiveDate,
    pub from: Clock,
    pub to: Clock,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub agent_id: String,
    pub name: String,
    pub kind: ChangeKind,
    pub cost: f64,
    /// Their published shift that day, which taking this one replaces.
    pub replaces: Option<WorkShift>,
    /// Paid hours they work in that week as published.
    pub week_hours: f64,
    pub shift: WorkShift,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Refused {
    pub agent_id: String,
    pub name: String,
    /// Why, in words: the hard rules it would break, or what the agent list does not allow.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverAnswer {
    pub open: Open,
    pub candidates: Vec<Candidate>,
    pub refused: Vec<Refused>,
}

impl Open {
    /// Its start and end (an end at or before the start: the next day).
    fn span(&self) -> (NaiveDateTime, NaiveDateTime) {
        let (from, to) = (self.from.0, self.to.0);
        let length = if to > from {
            to - from
        } else {
            to + 1440 - from
        };
        let start =
            self.date.and_hms_opt(0, 0, 0).expect("midnight") + Duration::minutes(from as i64);
        (start, start + Duration::minutes(length as i64))
    }
}

/// Whether `w` takes chats through the whole of `from`–`to` (at every `step`).
fn on_queue_through(
    w: &WorkShift,
    (from, to): (NaiveDateTime, NaiveDateTime),
    step: Duration,
) -> bool {
    let mut t = from;
    while t < to {
        if !w.on_queue(t) {
            return false;
        }
        t += step;
    }
    true
}

/// The open shift as `a` would work it: the scenario's shift of that start and length among
/// their contract's `shapes` (its meal and short breaks), else the bare times (which
/// `SHIFT_FORM` names).
fn shift_for(sc: &Scenario, a: &Agent, open: &Open, shapes: &[Template]) -> WorkShift {
    let (start, end) = open.span();
    let queues = crate::rules::queues_served(sc, a);
    let template = shapes
        .iter()
        .map(|t| WorkShift::from_template(open.date, t))
        .find(|w| (w.start, w.end) == (start, end));
    match template {
        Some(w) => WorkShift { queues, ..w },
        None => WorkShift {
            label: format!("{}-{}", open.from, open.to),
            start,
            end,
            queues,
            ..WorkShift::default()
        },
    }
}

/// The shifts `a` could take the open one in, in order of preference: the open shift itself
/// (`exact`, [`shift_for`]); their own shift that day stretched over it, where the two meet;
/// and their contract's `shapes` that take chats through the whole open time, shortest first
/// ([`SHAPES_TRIED`] at most) — a full-timer off that day can only be called in for a shift
/// of their contract.
fn options(
    sc: &Scenario,
    a: &Agent,
    open: &Open,
    exact: WorkShift,
    shapes: &[Template],
    before: Option<&WorkShift>,
) -> Vec<WorkShift> {
    let (from, to) = (exact.start, exact.end);
    let mut out = vec![exact];
    if let Some(b) = before.filter(|b| from <= b.end && to >= b.start) {
        let (start, end) = (b.start.min(from), b.end.max(to));
        if (start, end) != (b.start, b.end) {
            out.push(WorkShift {
                label: format!("{}-{}", start.format("%H:%M"), end.format("%H:%M")),
                start,
                end,
                ..b.clone()
            });
        }
    }
    let step = Duration::minutes(sc.horizon.interval.0 as i64);
    let queues = crate::rules::queues_served(sc, a);
    let mut fits: Vec<WorkShift> = shapes
        .iter()
        .map(|t| WorkShift {
            queues: queues.clone(),
            ..WorkShift::from_template(open.date, t)
        })
        .filter(|w| (w.start, w.end) != (from, to) && on_queue_through(w, (from, to), step))
        .collect();
    fits.sort_by(|x, y| {
        (x.end - x.start)
            .cmp(&(y.end - y.start))
            .then(x.start.cmp(&y.start))
    });
    out.extend(fits.into_iter().take(SHAPES_TRIED));
    out
}

/// The scenario's shifts tried at most per agent for an open shift (see `options`).
pub const SHAPES_TRIED: usize = 3;

/// A violation's identity across two checks of nearly the same roster.
type Key = (
    crate::rules::Code,
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
);

fn key(v: &Violation) -> Key {
    (v.code, v.agent_id.clone(), v.from, v.to)
}

/// What every agent is tried against: the published roster and what it already breaks.
struct Ask<'a> {
    sc: &'a Scenario,
    willing: Willing,
    published: &'a Roster,
    agents: &'a [Agent],
    previous: Option<&'a Roster>,
    /// The hard violations the published roster has already (a change is not blamed for them).
    kept: BTreeSet<Key>,
    open: &'a Open,
}

/// Why a way of taking the open shift is refused, and whether the shift's form is among the
/// reasons (a bare window no `[[shift]]` family allows).
struct Refusal {
    reasons: Vec<String>,
    form: bool,
}

impl Ask<'_> {
    /// `a` taking the open shift as `shift` (their published shift that day `before`): its
    /// kind and price, or why not (no change, more hours than the agent list allows, or the
    /// hard rules it would break that the published roster kept).
    fn taken(
        &self,
        a: &Agent,
        before: Option<&WorkShift>,
        shift: WorkShift,
    ) -> Result<(ChangeKind, f64, WorkShift), Refusal> {
        let refuse = |reasons: Vec<String>, form: bool| Refusal { reasons, form };
        if super::words::classify(before, Some(&shift)).is_none() {
            return Err(refuse(vec!["already works this shift".into()], false));
        }
        let Some((kind, cost)) = price(self.sc, &self.willing, a, before, Some(&shift)) else {
            let why = if before.is_some() {
                "it means more hours than published, and the agent list does not mark them for overtime"
            } else {
                "it is their day off, and the agent list marks them neither standby nor overtime"
            };
            return Err(refuse(vec![why.into()], false));
        };
        let date = self.open.date;
        let mut r = self.published.clone();
        match r
            .entries
            .iter_mut()
            .find(|e| e.agent_id == a.id && e.date == date)
        {
            Some(e) => e.shift = Some(shift.clone()),
            None => r.entries.push(crate::model::Entry {
                agent_id: a.id.clone(),
                date,
                shift: Some(shift.clone()),
            }),
        }
        let rep = check_after(&r, self.agents, self.sc, None, self.previous);
        let broken: Vec<&Violation> = rep
            .violations
            .iter()
            .filter(|v| v.severity == Severity::Hard && !self.kept.contains(&key(v)))
            .collect();
        if broken.is_empty() {
            return Ok((kind, cost, shift));
        }
        Err(refuse(
            broken
                .iter()
                .map(|v| format!("{} {}", v.code, v.message))
                .collect(),
            broken
                .iter()
                .any(|v| v.code == crate::rules::Code::ShiftForm),
        ))
    }
}

/// Every agent tried in `open`, ranked.
pub fn cover(
    published: &Roster,
    agents: &[Agent],
    sc: &Scenario,
    previous: Option<&Roster>,
    open: &Open,
) -> CoverAnswer {
    use rayon::prelude::*;
    let base = check_after(published, agents, sc, None, previous);
    let ask = Ask {
        sc,
        willing: Willing::of(agents),
        published,
        agents,
        previous,
        kept: base
            .violations
            .iter()
            .filter(|v| v.severity == Severity::Hard)
            .map(key)
            .collect(),
        open,
    };
    let week = crate::rules::params::week_of(open.date, sc.labour.week_start_day());
    let step = Duration::minutes(sc.horizon.interval.0 as i64);
    let tried: Vec<Result<Candidate, Refused>> = agents
        .par_iter()
        .map(|a| {
            let before = published
                .entries
                .iter()
                .find(|e| e.agent_id == a.id && e.date == open.date)
                .and_then(|e| e.shift.clone());
            let refuse = |reasons: Vec<String>| Refused {
                agent_id: a.id.clone(),
                name: a.name.clone(),
                reasons,
            };
            // already taking chats through the whole open shift: nothing to take
            if before
                .as_ref()
                .is_some_and(|b| on_queue_through(b, open.span(), step))
            {
                return Err(refuse(vec!["already works this shift".into()]));
            }
            let week_hours = published
                .entries
                .iter()
                .filter(|e| {
                    e.agent_id == a.id && e.date >= week && e.date < week + Duration::days(7)
                })
                .filter_map(|e| e.shift.as_ref())
                .map(|s| s.paid_hours())
                .sum();
            // each way of taking it, the cheapest that keeps every rule (then the fewest paid
            // hours, then the first)
            let shapes = super::model::shapes(sc, &a.contract);
            let exact = shift_for(sc, a, open, &shapes);
            let mut best: Option<Candidate> = None;
            let mut refusals: Vec<Refusal> = Vec::new();
            for shift in options(sc, a, open, exact, &shapes, before.as_ref()) {
                match ask.taken(a, before.as_ref(), shift) {
                    Ok((kind, cost, shift)) => {
                        let better = best.as_ref().is_none_or(|b| {
                            cost < b.cost - 1e-9
                                || (cost < b.cost + 1e-9
                                    && shift.paid_hours() < b.shift.paid_hours() - 1e-9)
                        });
                        if better {
                            best = Some(Candidate {
                                agent_id: a.id.clone(),
                                name: a.name.clone(),
                                kind,
                                cost,
                                replaces: before.clone(),
                                week_hours,
                                shift,
                            });
                        }
                    }
                    Err(r) => refusals.push(r),
                }
            }
            // why not, in the terms of the first way that is a shift their contract allows
            let why = refusals.iter().position(|r| !r.form).unwrap_or(0);
            best.ok_or_else(|| refuse(refusals.swap_remove(why).reasons))
        })
        .collect();
    let (mut candidates, mut refused) = (Vec::new(), Vec::new());
    for t in tried {
        match t {
            Ok(c) => candidates.push(c),
            Err(r) => refused.push(r),
        }
    }
    candidates.sort_by(|a, b| {
        a.cost
            .total_cmp(&b.cost)
            .then(a.week_hours.total_cmp(&b.week_hours))
            .then(a.agent_id.cmp(&b.agent_id))
    });
    CoverAnswer {
        open: *open,
        candidates,
        refused,
    }
}

impl CoverAnswer {
    /// The ranking in words, the first `top` candidates and why the others cannot.
    pub fn text(&self, top: usize) -> String {
        let o = &self.open;
        let mut s = format!(
            "open shift {} {}–{}: {} agent(s) could take it without breaking a rule, {} could not\n",
            o.date,
            o.from,
            o.to,
            self.candidates.len(),
            self.refused.len()
        );
        for (i, c) in self.candidates.iter().take(top).enumerate() {
            let what = match (&c.kind, &c.replaces) {
                (ChangeKind::CalledIn, _) => "day off: called in".to_string(),
                (_, Some(p)) => format!(
                    "instead of {}",
                    crate::model::time::fmt_hm_range(p.start, p.end)
                ),
                _ => String::new(),
            };
            // a shift other than the open one's times: which
            let exact = (c.shift.start, c.shift.end) == o.span();
            let what = if exact || what.is_empty() {
                what
            } else {
                format!(
                    "as {}, {what}",
                    crate::model::time::fmt_hm_range(c.shift.start, c.shift.end)
                )
            };
            s += &format!(
                "  {:>2}. {} ({}): cost {:.0}, {:.1} paid h that week; {what}\n",
                i + 1,
                c.name,
                c.agent_id,
                c.cost,
                c.week_hours
            );
        }
        if self.candidates.len() > top {
            s += &format!("  … and {} more\n", self.candidates.len() - top);
        }
        for r in self.refused.iter().take(top) {
            s += &format!(
                "  not {} ({}): {}\n",
                r.name,
                r.agent_id,
                r.reasons.first().map_or("", String::as_str)
            );
        }
        if self.refused.len() > top {
            s += &format!("  … and {} more who cannot\n", self.refused.len() - top);
        }
        s
    }
}
