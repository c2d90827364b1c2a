//! `MONTH_OVERTIME`: paid hours in every calendar month that overlaps the horizon, counted
//! whole (its days before the horizon from last week's roster, its days after it off).

use super::{span, AgentDays, Code, Horizon, Violation};
use crate::scenario::Labour;
use chrono::{Datelike, Duration, NaiveDate};

pub(super) fn check(a: &AgentDays, lab: &Labour, h: Horizon, v: &mut Vec<Violation>) {
    for (first, last) in months(h) {
        let hours: f64 = a.between(first, last).map(|(_, s)| s.paid_hours()).sum();
        let days = (last - first).num_days() as u32 + 1;
        let cap = a.rules.month_hours_cap(days);
        if hours <= cap + 1e-6 {
            continue;
        }
        let msg = format!(
            "{} works {hours:.1} paid hours in {} ({}); at most {cap:.1} ({} h a week × {days}/7 + {} h overtime)",
            a.name(),
            first.format("%B %Y"),
            span(first, last),
            lab.standard_hours_per_week,
            lab.max_overtime_hours_per_month
        );
        let vi = Violation::new(Code::MonthOvertime, a.id(), msg);
        v.push(vi.dates(first, last).numbers(hours, cap));
    }
}

/// First and last date of every calendar month that overlaps the horizon.
fn months(h: Horizon) -> Vec<(NaiveDate, NaiveDate)> {
    let mut out = Vec::new();
    let mut first = h.first.with_day(1).expect("every month has a day 1");
    while first <= h.last {
        let mut next = first + Duration::days(27);
        while next.month() == first.month() {
            next += Duration::days(1);
        }
        out.push((first, next - Duration::days(1)));
        first = next;
    }
    out
}
