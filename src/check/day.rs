//! One row, one day: `UNKNOWN_AGENT`, `ONE_SHIFT_A_DAY`, `AVAILABILITY`, `SHIFT_FORM`,
//! `DAY_HOURS`.

use super::{span, AgentDays, Code, Horizon, Violation};
use crate::model::time::weekday_short;
use crate::model::{Roster, WorkShift};
use crate::scenario::agents::Agent;
use crate::scenario::{Scenario, ShiftFamily};
use chrono::{Datelike, NaiveDate};
use std::collections::{BTreeMap, HashSet};

/// `UNKNOWN_AGENT` once per id the agent list lacks; `ONE_SHIFT_A_DAY` once per agent and
/// date with more than one row.
pub(super) fn check_rows(r: &Roster, agents: &[Agent], v: &mut Vec<Violation>) {
    let known: HashSet<&str> = agents.iter().map(|a| a.id.as_str()).collect();
    let mut unknown: BTreeMap<&str, Vec<NaiveDate>> = BTreeMap::new();
    let mut rows: BTreeMap<(&str, NaiveDate), u32> = BTreeMap::new();
    for e in &r.entries {
        let id = e.agent_id.as_str();
        if known.contains(id) {
            *rows.entry((id, e.date)).or_default() += 1;
        } else {
            unknown.entry(id).or_default().push(e.date);
        }
    }
    for (id, dates) in unknown {
        let (from, to) = (dates.iter().min(), dates.iter().max());
        let (from, to) = (*from.expect("a row"), *to.expect("a row"));
        let msg = format!(
            "agent `{id}` has {} row(s) on the roster ({}) but is not in the agent list",
            dates.len(),
            if from == to {
                from.to_string()
            } else {
                span(from, to)
            }
        );
        v.push(Violation::new(Code::UnknownAgent, id, msg).dates(from, to));
    }
    for ((id, d), n) in rows.into_iter().filter(|(_, n)| *n > 1) {
        let msg = format!("{id} has {n} rows on {d}; at most one shift (or OFF) a day");
        v.push(
            Violation::new(Code::OneShiftADay, id, msg)
                .on(d)
                .numbers(n as f64, 1.0),
        );
    }
}

/// `AVAILABILITY`, `DAY_HOURS` and `SHIFT_FORM` for each of the agent's shifts.
pub(super) fn check(a: &AgentDays, sc: &Scenario, h: Horizon, v: &mut Vec<Violation>) {
    for (d, s) in a.in_horizon(h) {
        availability(a, d, s, v);
        day_hours(a, d, s, v);
        shift_form(a, d, s, sc, v);
    }
}

fn availability(a: &AgentDays, d: NaiveDate, s: &WorkShift, v: &mut Vec<Violation>) {
    if a.agent.available(d) {
        return;
    }
    let msg = format!(
        "{} is unavailable on {} {d} but works {}",
        a.name(),
        weekday_short(d.weekday()),
        s.label
    );
    v.push(Violation::new(Code::Availability, a.id(), msg).on(d));
}

fn day_hours(a: &AgentDays, d: NaiveDate, s: &WorkShift, v: &mut Vec<Violation>) {
    let (paid, max) = (s.paid_hours(), a.rules.max_day_hours);
    if paid <= max + 1e-9 {
        return;
    }
    let msg = format!(
        "{} works {paid:.2} paid hours on {} {d} ({}); at most {max} a day",
        a.name(),
        weekday_short(d.weekday()),
        s.label
    );
    v.push(
        Violation::new(Code::DayHours, a.id(), msg)
            .on(d)
            .numbers(paid, max),
    );
}

/// The shift must be one of the `[[shift]]` families the agent's contract may work.
fn shift_form(a: &AgentDays, d: NaiveDate, s: &WorkShift, sc: &Scenario, v: &mut Vec<Violation>) {
    let len = (s.end - s.start).num_minutes();
    let families: Vec<&ShiftFamily> = sc
        .shifts
        .iter()
        .filter(|f| f.contracts.contains(&a.agent.contract))
        .filter(|f| f.lengths.iter().any(|l| l.0 as i64 == len))
        .collect();
    let msg = match families.first() {
        None => format!(
            "{} works a {}h{:02} shift on {d} ({}); no [[shift]] family allows that length for contract {}",
            a.name(),
            len / 60,
            len % 60,
            s.label,
            a.agent.contract
        ),
        Some(_) if families.iter().any(|f| fits(f, s)) => return,
        Some(f) => format!(
            "{} works shift {} on {d}, which breaks shift family `{}`: {}",
            a.name(),
            s.label,
            f.name,
            family_rules(f)
        ),
    };
    v.push(Violation::new(Code::ShiftForm, a.id(), msg).on(d));
}

/// Minutes from the shift's start to `t`.
fn offset(s: &WorkShift, t: chrono::NaiveDateTime) -> i64 {
    (t - s.start).num_minutes()
}

/// Start window, meal break in its window, every short break in its window, preparation and
/// wrap-up (the length is already matched).
fn fits(f: &ShiftFamily, s: &WorkShift) -> bool {
    let within = |off: i64, w: [crate::model::time::Minutes; 2]| {
        off >= w[0].0 as i64 && off <= w[1].0 as i64
    };
    let start = crate::model::time::minute_of_day(s.start);
    let start_ok = start >= f.start_window[0].0 && start <= f.start_window[1].0;
    let meal_ok = f.meal_break.0 == 0
        || s.breaks.iter().any(|(bs, be)| {
            (*be - *bs).num_minutes() >= f.meal_break.0 as i64
                && within(offset(s, *bs), f.break_window)
                && *be <= s.end
        });
    let short_ok = f.short_breaks.iter().all(|b| {
        s.paid_breaks.iter().any(|(bs, be)| {
            (*be - *bs).num_minutes() >= b.length.0 as i64 && within(offset(s, *bs), b.window)
        })
    });
    let prep_ok = s.prep >= f.prep.0 && s.wrap_up >= f.wrap_up.0;
    start_ok && meal_ok && short_ok && prep_ok
}

/// What a family asks for, in words.
fn family_rules(f: &ShiftFamily) -> String {
    let mut s = format!("start must be {}–{}", f.start_window[0], f.start_window[1]);
    if f.meal_break.0 > 0 {
        s += &format!(
            " and a {} break must start {}–{} after the start",
            f.meal_break, f.break_window[0], f.break_window[1]
        );
    }
    for b in &f.short_breaks {
        s += &format!(
            ", a paid {} break {}–{} after the start",
            b.length, b.window[0], b.window[1]
        );
    }
    if f.prep.0 + f.wrap_up.0 > 0 {
        s += &format!(", {} preparation and {} wrap-up", f.prep, f.wrap_up);
    }
    s
}
