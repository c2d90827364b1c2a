//! Weekly limits — `DAYS_OFF`, `WEEK_DAYS`, `WEEK_HOURS`, `NIGHTS`, `WEEKENDS` — in every week
//! that overlaps the horizon, counted whole; and the contract minimums (soft) —
//! `CONTRACT_DAYS`, `CONTRACT_HOURS` — per calendar week, pro rata to its days in the horizon.

use super::{span, AgentDays, Code, Horizon, Violation};
use crate::scenario::{Labour, WeekMode};
use chrono::{Datelike, Duration, NaiveDate, Weekday};

pub(super) fn check(a: &AgentDays, lab: &Labour, h: Horizon, v: &mut Vec<Violation>) {
    for first in weeks(lab, h) {
        let w = Week::new(lab, first);
        let t = tally(a, first, w.last);
        limits(a, lab, &w, &t, v);
    }
    for first in calendar_weeks(lab.week_start_day(), h) {
        let (from, to) = (first.max(h.first), (first + Duration::days(6)).min(h.last));
        let t = tally(a, from, to);
        minimums(a, (from, to), &t, v);
    }
}

/// The first day of every week the weekly limits count over, as `labour.week` says.
fn weeks(lab: &Labour, h: Horizon) -> Vec<NaiveDate> {
    match lab.week {
        WeekMode::Calendar => calendar_weeks(lab.week_start_day(), h),
        // every 7 days in a row that hold a day of the horizon
        WeekMode::Rolling => (h.first - Duration::days(6))
            .iter_days()
            .take_while(|d| *d <= h.last)
            .collect(),
    }
}

/// The first day of every calendar week (starting on `start`) that overlaps the horizon.
fn calendar_weeks(start: Weekday, h: Horizon) -> Vec<NaiveDate> {
    let mut first = h.first;
    while first.weekday() != start {
        first -= Duration::days(1);
    }
    first
        .iter_days()
        .step_by(7)
        .take_while(|d| *d <= h.last)
        .collect()
}

/// One week of the weekly limits, with its name for messages.
struct Week {
    first: NaiveDate,
    last: NaiveDate,
    /// `the week 2026-11-09–2026-11-15` or `the 7 days 2026-11-04–2026-11-10`.
    words: String,
}

impl Week {
    fn new(lab: &Labour, first: NaiveDate) -> Week {
        let last = first + Duration::days(6);
        let kind = match lab.week {
            WeekMode::Calendar => "the week",
            WeekMode::Rolling => "the 7 days",
        };
        Week {
            first,
            last,
            words: format!("{kind} {}", span(first, last)),
        }
    }
}

/// What an agent works over some dates.
#[derive(Debug, Default)]
struct Tally {
    days: u32,
    hours: f64,
    nights: u32,
    weekend_days: u32,
}

/// The agent's days, paid hours, night shifts and Saturday/Sunday shifts (by the weekday the
/// shift starts) from `from` to `to`: days before the horizon as last week's roster has them,
/// days after it off.
fn tally(a: &AgentDays, from: NaiveDate, to: NaiveDate) -> Tally {
    let mut t = Tally::default();
    for (_, s) in a.between(from, to) {
        t.days += 1;
        t.hours += s.paid_hours();
        t.nights += u32::from(s.is_night());
        t.weekend_days += u32::from(matches!(s.start.weekday(), Weekday::Sat | Weekday::Sun));
    }
    t
}

/// The five weekly limits for one week.
fn limits(a: &AgentDays, lab: &Labour, w: &Week, t: &Tally, v: &mut Vec<Violation>) {
    let (r, who, when) = (&a.rules, a.name(), &w.words);
    let mut over = |code: Code, value: f64, limit: f64, msg: String| {
        v.push(
            Violation::new(code, a.id(), msg)
                .dates(w.first, w.last)
                .numbers(value, limit),
        );
    };
    let off = 7 - t.days.min(7);
    if off < r.min_days_off {
        let msg = format!(
            "{who} has {off} day(s) off in {when}; at least {} a week",
            r.min_days_off
        );
        over(Code::DaysOff, off as f64, r.min_days_off as f64, msg);
    }
    if t.days > r.max_week_days {
        let msg = format!(
            "{who} works {} days in {when}; the contract allows {} a week",
            t.days, r.max_week_days
        );
        over(Code::WeekDays, t.days as f64, r.max_week_days as f64, msg);
    }
    if t.hours > r.max_week_hours + 1e-6 {
        let msg = format!(
            "{who} works {:.1} paid hours in {when}; at most {} a week (contract {} h, labour limit {} h)",
            t.hours, r.max_week_hours, a.agent.max_hours, lab.max_hours_per_week
        );
        over(Code::WeekHours, t.hours, r.max_week_hours, msg);
    }
    if let Some(max) = r.max_nights.filter(|m| t.nights > *m) {
        let msg = format!(
            "{who} works {} night shifts (work between 00:00 and 06:00) in {when}; at most {max} a week",
            t.nights
        );
        over(Code::Nights, t.nights as f64, max as f64, msg);
    }
    if let Some(max) = r.max_weekend_days.filter(|m| t.weekend_days > *m) {
        let msg = format!(
            "{who} works {} Saturday/Sunday shifts in {when}; at most {max} a week",
            t.weekend_days
        );
        over(Code::Weekends, t.weekend_days as f64, max as f64, msg);
    }
}

/// Contract days and hours for the days `dates` of one calendar week inside the horizon.
fn minimums(a: &AgentDays, dates: (NaiveDate, NaiveDate), t: &Tally, v: &mut Vec<Violation>) {
    let inside = (dates.1 - dates.0).num_days() as usize + 1;
    let (who, when) = (a.name(), format!("the week {}", span(dates.0, dates.1)));
    let part = if inside < 7 {
        format!(" ({inside} of its days)")
    } else {
        String::new()
    };
    let min_days = a.rules.min_days_in(inside);
    if (t.days as f64) < min_days {
        let msg = format!(
            "{who} works {} days in {when}{part}; the contract promises at least {min_days}",
            t.days
        );
        let vi = Violation::new(Code::ContractDays, a.id(), msg);
        v.push(vi.dates(dates.0, dates.1).numbers(t.days as f64, min_days));
    }
    let min_hours = a.rules.min_hours_in(inside);
    if t.hours < min_hours - 1e-6 {
        let msg = format!(
            "{who} works {:.1} paid hours in {when}{part}; the contract promises at least {min_hours:.1}",
            t.hours
        );
        let vi = Violation::new(Code::ContractHours, a.id(), msg);
        v.push(vi.dates(dates.0, dates.1).numbers(t.hours, min_hours));
    }
}
