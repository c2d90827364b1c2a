//! What each change is, what it costs under `[replan]`, and how it reads to the supervisor.

use super::{Change, ChangeKind, Replanned, Situation};
use crate::model::time::weekday_short;
use crate::model::{Roster, WorkShift};
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use chrono::{Datelike, NaiveDate};
use std::collections::BTreeMap;

/// Who may be asked for more than their published shifts: agents marked `standby` or
/// `overtime`, or everybody when the agent list marks nobody.
pub struct Willing {
    marked: bool,
}

impl Willing {
    pub fn of(agents: &[Agent]) -> Willing {
        Willing {
            marked: agents
                .iter()
                .any(|a| a.on_call.standby || a.on_call.overtime),
        }
    }
    /// May work on a published day off.
    pub fn call_in(&self, a: &Agent) -> bool {
        !self.marked || a.on_call.standby || a.on_call.overtime
    }
    /// May be paid more hours on a day than published.
    pub fn extend(&self, a: &Agent) -> bool {
        !self.marked || a.on_call.overtime
    }
}

/// The kind of change from `before` to `after` (None: no change).
pub fn classify(before: Option<&WorkShift>, after: Option<&WorkShift>) -> Option<ChangeKind> {
    match (before, after) {
        (None, None) => None,
        (Some(_), None) => Some(ChangeKind::Cancelled),
        (None, Some(_)) => Some(ChangeKind::CalledIn),
        // the same hours with the break elsewhere is no change to the agent's day
        (Some(p), Some(w)) if p.start == w.start && p.end == w.end => None,
        (Some(p), Some(w)) if p.start == w.start => Some(if w.end > p.end {
            ChangeKind::Extended
        } else {
            ChangeKind::Shortened
        }),
        _ => Some(ChangeKind::Moved),
    }
}

/// The change's kind and price; None when it is no change or not allowed (more hours from an
/// agent who is not willing).
pub fn price(
    sc: &Scenario,
    willing: &Willing,
    a: &Agent,
    before: Option<&WorkShift>,
    after: Option<&WorkShift>,
) -> Option<(ChangeKind, f64)> {
    let kind = classify(before, after)?;
    let r = &sc.replan;
    let hours = |s: Option<&WorkShift>| s.map_or(0.0, |s| s.paid_hours());
    let extra = (hours(after) - hours(before)).max(0.0);
    if extra > 1e-9 && !willing.extend(a) && kind != ChangeKind::CalledIn {
        return None;
    }
    let base = match kind {
        ChangeKind::Absent => 0.0,
        ChangeKind::Cancelled => r.cancel,
        ChangeKind::Moved => r.r#move,
        ChangeKind::Extended => r.extend,
        ChangeKind::Shortened => r.shorten,
        ChangeKind::CalledIn if !willing.call_in(a) => return None,
        ChangeKind::CalledIn if a.on_call.standby => r.call_in_standby,
        ChangeKind::CalledIn => r.call_in,
    };
    Some((kind, base + r.overtime_per_hour * extra))
}

/// Every agent-day where `roster` differs from the published one, absences first.
pub fn changes(s: &Situation, roster: &Roster) -> Vec<Change> {
    let willing = Willing::of(s.agents);
    let key = |e: &crate::model::Entry| (e.agent_id.clone(), e.date);
    let before: BTreeMap<(String, NaiveDate), Option<&WorkShift>> = s
        .published
        .entries
        .iter()
        .map(|e| (key(e), e.shift.as_ref()))
        .collect();
    let after: BTreeMap<(String, NaiveDate), Option<&WorkShift>> = roster
        .entries
        .iter()
        .map(|e| (key(e), e.shift.as_ref()))
        .collect();
    let mut keys: Vec<&(String, NaiveDate)> = before.keys().chain(after.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys {
        let b = before.get(k).copied().flatten();
        let w = after.get(k).copied().flatten();
        let Some(a) = s.agents.iter().find(|a| a.id == k.0) else {
            continue;
        };
        let absent = s.absent.iter().any(|x| x.covers(&k.0, k.1));
        let (kind, cost) = if absent && b.is_some() && w.is_none() {
            (ChangeKind::Absent, 0.0)
        } else {
            match price(s.sc, &willing, a, b, w) {
                Some(p) => p,
                None => match classify(b, w) {
                    Some(kind) => (kind, 0.0),
                    None => continue,
                },
            }
        };
        out.push(Change {
            agent_id: a.id.clone(),
            name: a.name.clone(),
            date: k.1,
            kind,
            before: b.cloned(),
            after: w.cloned(),
            cost,
        });
    }
    out.sort_by(|x, y| {
        (x.kind == ChangeKind::Absent)
            .cmp(&(y.kind == ChangeKind::Absent))
            .reverse()
            .then(x.date.cmp(&y.date))
            .then(x.agent_id.cmp(&y.agent_id))
    });
    out
}

fn times(s: Option<&WorkShift>) -> String {
    match s {
        None => "OFF".into(),
        Some(s) => {
            let (a, b) = s.minutes();
            format!(
                "{}–{}",
                crate::model::time::Clock(a % 1440),
                crate::model::time::Clock(if b % 1440 == 0 { 1440 } else { b % 1440 })
            )
        }
    }
}

impl Change {
    /// "Wang Xia (A07): Fri 11-13 13:00–22:00 instead of OFF — called in".
    pub fn line(&self) -> String {
        let day = format!(
            "{} {}",
            weekday_short(self.date.weekday()),
            self.date.format("%m-%d")
        );
        let (b, w) = (times(self.before.as_ref()), times(self.after.as_ref()));
        let hours = |s: &Option<WorkShift>| s.as_ref().map_or(0.0, |s| s.paid_hours());
        let delta = hours(&self.after) - hours(&self.before);
        let what = match self.kind {
            ChangeKind::Absent => "absent".to_string(),
            ChangeKind::Cancelled => "cancelled".to_string(),
            ChangeKind::Moved if delta.abs() > 1e-9 => format!("moved, {delta:+.2} h"),
            ChangeKind::Moved => "moved".to_string(),
            ChangeKind::Extended => format!("extended by {delta:.2} h"),
            ChangeKind::Shortened => format!("shortened by {:.2} h", -delta),
            ChangeKind::CalledIn => "called in".to_string(),
        };
        format!(
            "{} ({}): {day} {w} instead of {b} — {what}",
            self.name, self.agent_id
        )
    }
}

/// Simulated service level after `now`, before and after the replan (when simulated).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct Service {
    pub before: f64,
    pub after: f64,
    pub target: f64,
}

/// The replan in words: cover before and after, every change, the solve.
pub fn text(r: &Replanned, service: Option<&Service>) -> String {
    let mut s = format!("replan at {}\n", r.now);
    let absent = r
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Absent)
        .count();
    let chosen = r.changes.len() - absent;
    s += &format!(
        "  below target after now: {:.1} agent-hours in {} intervals as published (absences out), {:.1} in {} after the replan\n",
        r.before.short_agent_hours,
        r.before.short_intervals,
        r.after.short_agent_hours,
        r.after.short_intervals
    );
    for (b, a) in r.before.by_skills.iter().zip(&r.after.by_skills) {
        if b.short_intervals + a.short_intervals > 0 {
            s += &format!(
                "    {} by the agents who serve it: {:.1} agent-hours in {} intervals as published, {:.1} in {} after\n",
                b.queues.join(" or "),
                b.short_agent_hours,
                b.short_intervals,
                a.short_agent_hours,
                a.short_intervals
            );
        }
    }
    if let Some(sv) = service {
        s += &format!(
            "  simulated service level after now: {:.1}% before, {:.1}% after (target {:.0}%)\n",
            sv.before * 100.0,
            sv.after * 100.0,
            sv.target
        );
    }
    s += &format!(
        "  {chosen} change(s) costing {:.0}, {absent} absence(s)\n",
        r.change_cost.abs()
    );
    for c in &r.changes {
        s += &format!("    {}\n", c.line());
    }
    for w in &r.still_short {
        s += &format!("  {w}\n");
    }
    s += &format!(
        "  solve: {:?}, objective {:.1}, bound {}, gap {}, {:.1} s\n",
        r.solve.status,
        r.solve.objective,
        r.solve.bound.map_or("none".into(), |b| format!("{b:.1}")),
        r.solve
            .gap
            .map_or("none".into(), |g| format!("{:.2}%", g * 100.0)),
        r.solve.seconds
    );
    s
}
