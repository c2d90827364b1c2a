//! A hand-edited roster against the published one: what changed, agent by agent and day by day
//! (a shift added, removed, moved, or two agents swapping), and the rules the edited roster
//! breaks that the published one kept, laid at the changes that break them.

use super::{CheckReport, Violation};
use crate::model::{Roster, WorkShift};
use chrono::NaiveDate;
use serde::Serialize;
use std::collections::BTreeMap;

/// What happened to one agent's day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Off in the published roster, working now.
    Added,
    /// Working in the published roster, off now.
    Removed,
    /// Another shift than the published one.
    Moved,
    /// The shift another agent had that day, who has this agent's.
    Swapped,
}

/// One agent's day as edited against as published.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub agent_id: String,
    pub date: NaiveDate,
    pub kind: ChangeKind,
    /// The shifts as `09:00–18:00 D9`; `None`: off.
    pub before: Option<String>,
    pub after: Option<String>,
    /// For a swap, the other agent.
    pub with: Option<String>,
    /// Rules the edited roster breaks and the published did not, on this agent (or the whole
    /// team) and on dates that include this day.
    pub breaks: Vec<Violation>,
}

/// The edited roster against the published one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub changes: Vec<Change>,
    /// Every rule the edited roster breaks that the published kept (also those no change's
    /// day falls in, e.g. a weekly limit reached by a change in another week's days).
    pub new_violations: Vec<Violation>,
    /// Rules the published roster broke that the edited keeps.
    pub resolved: Vec<Violation>,
}

/// Both rosters over the dates either of them has, so that each is checked over the same
/// weeks (a roster's checked days are its dates, first to last).
pub fn same_dates(edited: &mut Roster, published: &mut Roster) {
    let mut dates: Vec<NaiveDate> = edited
        .dates
        .iter()
        .chain(&published.dates)
        .copied()
        .collect();
    dates.sort();
    dates.dedup();
    edited.dates.clone_from(&dates);
    published.dates = dates;
}

/// A violation's identity across the two rosters: its rule, agent and dates (its numbers may
/// move while it stays the same violation).
fn identity(v: &Violation) -> (super::Code, String, Option<NaiveDate>, Option<NaiveDate>) {
    (v.code, v.agent_id.clone(), v.from, v.to)
}

/// Compares `edited` with `published`, each with its own check report.
pub fn compare(
    edited: &Roster,
    published: &Roster,
    edited_check: &CheckReport,
    published_check: &CheckReport,
) -> Comparison {
    let shifts = |r: &Roster| -> BTreeMap<(String, NaiveDate), WorkShift> {
        r.entries
            .iter()
            .filter_map(|e| e.shift.clone().map(|s| ((e.agent_id.clone(), e.date), s)))
            .collect()
    };
    let (now, was) = (shifts(edited), shifts(published));
    let mut days: Vec<&(String, NaiveDate)> = now.keys().chain(was.keys()).collect();
    days.sort();
    days.dedup();
    let mut changes: Vec<Change> = Vec::new();
    for key in days {
        let (a, b) = (was.get(key), now.get(key));
        let kind = match (a, b) {
            (None, Some(_)) => ChangeKind::Added,
            (Some(_), None) => ChangeKind::Removed,
            (Some(x), Some(y)) if x != y => ChangeKind::Moved,
            _ => continue,
        };
        changes.push(Change {
            agent_id: key.0.clone(),
            date: key.1,
            kind,
            before: a.map(shift_text),
            after: b.map(shift_text),
            with: None,
            breaks: Vec::new(),
        });
    }
    mark_swaps(&mut changes);
    let old: Vec<_> = published_check.violations.iter().map(identity).collect();
    let new: Vec<_> = edited_check.violations.iter().map(identity).collect();
    let new_violations: Vec<Violation> = edited_check
        .violations
        .iter()
        .filter(|v| !old.contains(&identity(v)))
        .cloned()
        .collect();
    let resolved = published_check
        .violations
        .iter()
        .filter(|v| !new.contains(&identity(v)))
        .cloned()
        .collect();
    for c in &mut changes {
        c.breaks = new_violations
            .iter()
            .filter(|v| breaks_at(v, &c.agent_id, c.date))
            .cloned()
            .collect();
    }
    Comparison {
        changes,
        new_violations,
        resolved,
    }
}

/// `v` concerns `agent` (or the whole team) on dates that include `date`.
fn breaks_at(v: &Violation, agent: &str, date: NaiveDate) -> bool {
    let whose = v.agent_id.is_empty() || v.agent_id == agent;
    let when = match (v.from, v.to) {
        (Some(a), Some(b)) => a <= date && date <= b,
        (Some(a), None) => a == date,
        _ => true,
    };
    whose && when
}

/// Two changes on one day where each agent took the other's published shift become a swap.
fn mark_swaps(changes: &mut [Change]) {
    for i in 0..changes.len() {
        for j in i + 1..changes.len() {
            let (a, b) = (&changes[i], &changes[j]);
            let swap = a.date == b.date
                && a.kind != ChangeKind::Swapped
                && b.kind != ChangeKind::Swapped
                && a.before.is_some()
                && b.before.is_some()
                && a.after == b.before
                && b.after == a.before;
            if swap {
                let (ida, idb) = (a.agent_id.clone(), b.agent_id.clone());
                changes[i].kind = ChangeKind::Swapped;
                changes[i].with = Some(idb);
                changes[j].kind = ChangeKind::Swapped;
                changes[j].with = Some(ida);
            }
        }
    }
}

/// `09:00–18:00 D9` (the end's date is the start's or the next day's: `22:00–07:00`).
fn shift_text(s: &WorkShift) -> String {
    format!(
        "{}–{} {}",
        s.start.format("%H:%M"),
        s.end.format("%H:%M"),
        s.label
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Code, Severity};
    use crate::model::Entry;

    fn shift(date: NaiveDate, from: u32, to: u32, label: &str) -> WorkShift {
        WorkShift {
            label: label.into(),
            start: date.and_hms_opt(from, 0, 0).unwrap(),
            end: date.and_hms_opt(to, 0, 0).unwrap(),
            ..WorkShift::default()
        }
    }

    fn roster(rows: &[(&str, NaiveDate, Option<WorkShift>)]) -> Roster {
        Roster {
            dates: vec![rows[0].1],
            entries: rows
                .iter()
                .map(|(a, d, s)| Entry {
                    agent_id: (*a).into(),
                    date: *d,
                    shift: s.clone(),
                })
                .collect(),
        }
    }

    fn report(violations: Vec<Violation>) -> CheckReport {
        CheckReport {
            agents: 3,
            shifts: 0,
            paid_hours: 0.0,
            violations,
            coverage: None,
        }
    }

    #[test]
    fn changes_are_named_and_swaps_found_and_new_rules_laid_at_them() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 11).unwrap();
        let (early, late) = (shift(d, 9, 18, "D9"), shift(d, 13, 22, "L9"));
        let published = roster(&[
            ("A1", d, Some(early.clone())),
            ("A2", d, Some(late.clone())),
            ("A3", d, None),
            ("A4", d, Some(early.clone())),
        ]);
        let edited = roster(&[
            ("A1", d, Some(late.clone())),
            ("A2", d, Some(early.clone())),
            ("A3", d, Some(early.clone())),
            ("A4", d, None),
        ]);
        let rest = Violation::new(Code::Rest, "A3", "A3 rests only 7.0 h".into()).on(d);
        let fixed = Violation::new(Code::Rest, "A2", "A2 rests 8 h".into()).on(d);
        let cmp = compare(
            &edited,
            &published,
            &report(vec![rest.clone()]),
            &report(vec![fixed]),
        );
        let kinds: Vec<_> = cmp
            .changes
            .iter()
            .map(|c| (c.agent_id.as_str(), c.kind, c.with.as_deref()))
            .collect();
        assert_eq!(
            kinds,
            [
                ("A1", ChangeKind::Swapped, Some("A2")),
                ("A2", ChangeKind::Swapped, Some("A1")),
                ("A3", ChangeKind::Added, None),
                ("A4", ChangeKind::Removed, None),
            ]
        );
        assert_eq!(cmp.changes[2].breaks, vec![rest.clone()]);
        assert!(cmp.changes[0].breaks.is_empty());
        assert_eq!(cmp.new_violations, vec![rest]);
        assert_eq!(cmp.resolved.len(), 1);
        assert_eq!(cmp.changes[2].after.as_deref(), Some("09:00–18:00 D9"));
        assert_eq!(cmp.new_violations[0].severity, Severity::Hard);
    }

    #[test]
    fn the_same_roster_has_no_changes() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 11).unwrap();
        let r = roster(&[("A1", d, Some(shift(d, 9, 18, "D9"))), ("A2", d, None)]);
        let cmp = compare(&r, &r, &report(vec![]), &report(vec![]));
        assert!(cmp.changes.is_empty() && cmp.new_violations.is_empty());
    }
}
