//! Days in a row: `REST`, `MAX_CONSECUTIVE`, `DAYS_OFF_TOGETHER`, each carried over the
//! start of the horizon from last week's roster.

use super::{day_before, span, AgentDays, Code, Horizon, Violation};
use crate::model::time::fmt_ts;
use chrono::{Duration, NaiveDate};

pub(super) fn check(a: &AgentDays, h: Horizon, v: &mut Vec<Violation>) {
    rest(a, h, v);
    consecutive(a, h, v);
    off_together(a, h, v);
}

/// Days from `from` to `to`, both counted.
fn days(from: NaiveDate, to: NaiveDate) -> u32 {
    (to - from).num_days() as u32 + 1
}

/// Between two shifts in a row, the second on a day of the horizon, at least the minimum
/// rest (whole minutes).
fn rest(a: &AgentDays, h: Horizon, v: &mut Vec<Violation>) {
    let min = a.rules.min_rest_minutes;
    let shifts: Vec<_> = a.shifts.iter().map(|(d, s)| (*d, *s)).collect();
    for pair in shifts.windows(2) {
        let ((d1, s1), (d2, s2)) = (pair[0], pair[1]);
        let rest = (s2.start - s1.end).num_minutes();
        if !h.contains(d2) || rest >= min {
            continue;
        }
        let (hours, limit) = (rest as f64 / 60.0, min as f64 / 60.0);
        let before = if d1 < h.first {
            "last week's shift"
        } else {
            "the shift"
        };
        let msg = format!(
            "{} rests only {hours:.1} h between {before} ending {} and the one starting {}; at least {limit} h",
            a.name(),
            fmt_ts(s1.end),
            fmt_ts(s2.start)
        );
        v.push(
            Violation::new(Code::Rest, a.id(), msg)
                .dates(d1, d2)
                .numbers(hours, limit),
        );
    }
}

/// No run of working days longer than the limit, a run counted from its first day even when
/// that is in last week's roster.
fn consecutive(a: &AgentDays, h: Horizon, v: &mut Vec<Violation>) {
    let max = a.rules.max_consecutive;
    for (from, to) in work_runs(a, h) {
        let n = days(from, to);
        if n <= max {
            continue;
        }
        let carried = if from < h.first {
            " (counting last week's roster)"
        } else {
            ""
        };
        let msg = format!(
            "{} works {n} days in a row, {}{carried}; at most {max}",
            a.name(),
            span(from, to)
        );
        v.push(
            Violation::new(Code::MaxConsecutive, a.id(), msg)
                .dates(from, to)
                .numbers(n as f64, max as f64),
        );
    }
}

/// The runs of working days that hold a day of the horizon, each from its first day (maybe
/// before the horizon) to its last.
fn work_runs(a: &AgentDays, h: Horizon) -> Vec<(NaiveDate, NaiveDate)> {
    let mut runs = Vec::new();
    let mut start: Option<NaiveDate> = None;
    for d in h.days() {
        match (a.works(d), start) {
            (true, None) => {
                let mut s = d;
                while a.works(day_before(s)) {
                    s = day_before(s);
                }
                start = Some(s);
            }
            (false, Some(s)) => {
                runs.push((s, day_before(d)));
                start = None;
            }
            _ => {}
        }
    }
    runs.extend(start.map(|s| (s, h.last)));
    runs
}

/// Days off between two working days come at least `labour.min_consecutive_days_off`
/// together.
fn off_together(a: &AgentDays, h: Horizon, v: &mut Vec<Violation>) {
    let min = a.rules.min_off_together;
    if min <= 1 {
        return;
    }
    for (from, to) in off_runs(a, h) {
        let n = days(from, to);
        if n >= min {
            continue;
        }
        let msg = format!(
            "{} has {n} day(s) off, {}, between working days; days off come at least {min} together",
            a.name(),
            if from == to { from.to_string() } else { span(from, to) }
        );
        v.push(
            Violation::new(Code::DaysOffTogether, a.id(), msg)
                .dates(from, to)
                .numbers(n as f64, min as f64),
        );
    }
}

/// The runs of days off that end on a working day of the horizon and start after a working
/// day — of the horizon or of last week's roster. A run still open at the horizon's end is
/// not one.
fn off_runs(a: &AgentDays, h: Horizon) -> Vec<(NaiveDate, NaiveDate)> {
    let mut runs = Vec::new();
    let mut worked: Option<NaiveDate> = a.shifts.range(..h.first).next_back().map(|(d, _)| *d);
    for d in h.days().filter(|d| a.works(*d)) {
        if let Some(w) = worked.filter(|w| d - *w > Duration::days(1)) {
            runs.push((w + Duration::days(1), day_before(d)));
        }
        worked = Some(d);
    }
    runs
}
