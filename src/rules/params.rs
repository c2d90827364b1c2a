//! The rules' parameters for one agent, and the periods weekly and monthly rules count over.
//!
//! **Periods.** A weekly rule holds in every week that overlaps the horizon: calendar weeks
//! starting on `labour.week_start` (`labour.week = "calendar"`, the default) or every 7 days
//! in a row (`"rolling"`). A week at an edge of the horizon is counted whole, one way in the
//! optimiser and the checker alike: its days before the horizon count as last week's roster
//! says (`--previous`; off when none is given), its days after the horizon count as off. So a
//! 10-day horizon from a Monday has one full week and a week of 3 days, each held to the full
//! weekly limit, and the next plan (carrying this roster in) finishes the second week within
//! it. Monthly rules count calendar months the same way. Contract minimums (soft) hold per
//! calendar week, pro rata to the days of the week inside the horizon.

use crate::model::Roster;
use crate::scenario::agents::Agent;
use crate::scenario::{Labour, Scenario, WeekMode};
use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Weekday};
use std::collections::BTreeMap;

/// Every rule's parameters for one agent (contract, agent list and labour rules combined).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentRules {
    /// `DAY_HOURS`
    pub max_day_hours: f64,
    /// `REST`, in minutes
    pub min_rest_minutes: i64,
    /// `MAX_CONSECUTIVE`
    pub max_consecutive: u32,
    /// `DAYS_OFF_TOGETHER` (1: no rule)
    pub min_off_together: u32,
    /// `DAYS_OFF`: at most 7 − this many working days a week
    pub min_days_off: u32,
    /// `WEEK_DAYS`
    pub max_week_days: u32,
    /// `WEEK_HOURS`
    pub max_week_hours: f64,
    /// `NIGHTS`, `WEEKENDS`
    pub max_nights: Option<u32>,
    pub max_weekend_days: Option<u32>,
    /// `MONTH_OVERTIME`: standard hours a week and the monthly overtime cap
    pub standard_week_hours: f64,
    pub max_month_overtime: f64,
    /// `CONTRACT_DAYS`, `CONTRACT_HOURS` (soft): per full week
    pub min_week_days: u32,
    pub min_week_hours: f64,
}

impl AgentRules {
    pub fn new(lab: &Labour, a: &Agent) -> AgentRules {
        AgentRules {
            max_day_hours: lab.max_paid_hours_per_day,
            min_rest_minutes: (lab.min_rest_hours * 60.0).ceil() as i64,
            max_consecutive: lab.max_consecutive_days,
            min_off_together: lab.min_consecutive_days_off.max(1),
            min_days_off: lab.min_days_off_per_week.min(7),
            max_week_days: a.max_days.min(7),
            max_week_hours: a.max_hours.min(lab.max_hours_per_week),
            max_nights: lab.max_nights_per_week,
            max_weekend_days: lab.max_weekend_days_per_week,
            standard_week_hours: lab.standard_hours_per_week,
            max_month_overtime: lab.max_overtime_hours_per_month,
            min_week_days: a.min_days,
            min_week_hours: a.min_hours,
        }
    }
    /// Working days a week allowed by both `WEEK_DAYS` and `DAYS_OFF`.
    pub fn week_day_cap(&self) -> u32 {
        self.max_week_days.min(7 - self.min_days_off)
    }
    /// `MONTH_OVERTIME`: the most paid hours in a month of `days` days.
    pub fn month_hours_cap(&self, days: u32) -> f64 {
        self.standard_week_hours * days as f64 / 7.0 + self.max_month_overtime
    }
    /// Contract minimum days (soft) for a week with `inside` of its days in the horizon.
    pub fn min_days_in(&self, inside: usize) -> f64 {
        (self.min_week_days as f64 * inside as f64 / 7.0).floor()
    }
    /// Contract minimum paid hours (soft) for a week with `inside` days in the horizon.
    pub fn min_hours_in(&self, inside: usize) -> f64 {
        self.min_week_hours * inside as f64 / 7.0
    }
}

/// Rules' parameters for every agent of a scenario.
pub fn agent_rules(sc: &Scenario, agents: &[Agent]) -> Vec<AgentRules> {
    agents
        .iter()
        .map(|a| AgentRules::new(&sc.labour, a))
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    /// Weekly limits (calendar week or 7 days in a row).
    Week,
    /// Contract minimums: always a calendar week.
    ContractWeek,
    /// Calendar month.
    Month,
}

/// A week or month that overlaps the horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    /// First and last date of the whole period (it may reach outside the horizon).
    pub first: NaiveDate,
    pub last: NaiveDate,
    /// Indices of its days inside the horizon (day 0 = the horizon's first date).
    pub days: Vec<usize>,
}

impl Period {
    /// Its dates before the horizon starts (counted from last week's roster).
    pub fn dates_before(&self, start: NaiveDate) -> impl Iterator<Item = NaiveDate> + '_ {
        self.first
            .iter_days()
            .take_while(move |d| *d < start && *d <= self.last)
    }
    pub fn len_days(&self) -> u32 {
        (self.last - self.first).num_days() as u32 + 1
    }
}

fn period_over(kind: PeriodKind, first: NaiveDate, last: NaiveDate, dates: &[NaiveDate]) -> Period {
    let days = dates
        .iter()
        .enumerate()
        .filter(|(_, d)| **d >= first && **d <= last)
        .map(|(i, _)| i)
        .collect();
    Period {
        kind,
        first,
        last,
        days,
    }
}

/// The calendar week (starting on `start`) that holds `d`: its first date.
pub fn week_of(d: NaiveDate, start: Weekday) -> NaiveDate {
    let back = (7 + d.weekday().num_days_from_monday() - start.num_days_from_monday()) % 7;
    d - Duration::days(back as i64)
}

/// The weekly periods over `dates` (consecutive, non-empty) as `labour.week` says.
pub fn weeks(dates: &[NaiveDate], lab: &Labour) -> Vec<Period> {
    let (first, last) = (dates[0], *dates.last().expect("non-empty"));
    match lab.week {
        WeekMode::Calendar => calendar_weeks(dates, lab.week_start_day(), PeriodKind::Week),
        // every 7 days in a row that hold a day of the horizon
        WeekMode::Rolling => (first - Duration::days(6))
            .iter_days()
            .take_while(|s| *s <= last)
            .map(|s| period_over(PeriodKind::Week, s, s + Duration::days(6), dates))
            .collect(),
    }
}

/// Calendar weeks over `dates`, for the contract minimums.
pub fn contract_weeks(dates: &[NaiveDate], lab: &Labour) -> Vec<Period> {
    calendar_weeks(dates, lab.week_start_day(), PeriodKind::ContractWeek)
}

fn calendar_weeks(dates: &[NaiveDate], start: Weekday, kind: PeriodKind) -> Vec<Period> {
    let last = *dates.last().expect("non-empty");
    let mut out = Vec::new();
    let mut w = week_of(dates[0], start);
    while w <= last {
        out.push(period_over(kind, w, w + Duration::days(6), dates));
        w += Duration::days(7);
    }
    out
}

/// The calendar months over `dates`.
pub fn months(dates: &[NaiveDate]) -> Vec<Period> {
    let last = *dates.last().expect("non-empty");
    let mut out = Vec::new();
    let mut m = dates[0].with_day(1).expect("day 1");
    while m <= last {
        let next = if m.month() == 12 {
            NaiveDate::from_ymd_opt(m.year() + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(m.year(), m.month() + 1, 1)
        }
        .expect("valid month");
        out.push(period_over(
            PeriodKind::Month,
            m,
            next - Duration::days(1),
            dates,
        ));
        m = next;
    }
    out
}

/// Every period the weekly and monthly rules count over.
pub fn periods(dates: &[NaiveDate], lab: &Labour) -> Vec<Period> {
    let mut p = weeks(dates, lab);
    p.extend(contract_weeks(dates, lab));
    p.extend(months(dates));
    p
}

/// A day worked before the horizon, as last week's roster has it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CarriedDay {
    pub paid_hours: f64,
    pub night: bool,
}

/// What last week's roster leaves one agent with at the start of the horizon.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Carried {
    /// The agent is in last week's roster (so what it does not show was a day off).
    pub known: bool,
    pub days: BTreeMap<NaiveDate, CarriedDay>,
    /// When their last shift before the horizon ended.
    pub last_end: Option<NaiveDateTime>,
}

impl Carried {
    /// Working days in a row up to the day before `start`.
    pub fn run(&self, start: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = start - Duration::days(1);
        while self.days.contains_key(&d) {
            n += 1;
            d -= Duration::days(1);
        }
        n
    }
    /// Days off in a row just before `start`, when some day before them was worked.
    pub fn off_before(&self, start: NaiveDate) -> Option<u32> {
        let last = self.days.range(..start).next_back()?.0;
        Some((start - *last).num_days() as u32 - 1)
    }
    /// Worked days, paid hours, night shifts and weekend days on `p`'s dates before `start`.
    pub fn in_period(&self, p: &Period, start: NaiveDate) -> (u32, f64, u32, u32) {
        let mut t = (0, 0.0, 0, 0);
        for d in p.dates_before(start) {
            if let Some(c) = self.days.get(&d) {
                t.0 += 1;
                t.1 += c.paid_hours;
                t.2 += u32::from(c.night);
                t.3 += u32::from(is_weekend(d));
            }
        }
        t
    }
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Each agent's carry-in from `previous` (a roster of the days before `start`).
pub fn carried(previous: &Roster, start: NaiveDate) -> BTreeMap<String, Carried> {
    let mut out: BTreeMap<String, Carried> = BTreeMap::new();
    for e in previous.entries.iter().filter(|e| e.date < start) {
        let c = out.entry(e.agent_id.clone()).or_default();
        c.known = true;
        if let Some(s) = &e.shift {
            c.last_end = c.last_end.max(Some(s.end));
            c.days.insert(
                e.date,
                CarriedDay {
                    paid_hours: s.paid_hours(),
                    night: s.is_night(),
                },
            );
        }
    }
    out
}

/// What an agent may work over a horizon, all rules combined: for the plan's capacity.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Limits {
    pub min_days: f64,
    pub max_days: f64,
    pub min_hours: f64,
    pub max_hours: f64,
}

impl AgentRules {
    /// Days and paid hours `a` may and should work over `dates`, week by week.
    pub fn limits(&self, a: &Agent, dates: &[NaiveDate], lab: &Labour) -> Limits {
        let mut l = Limits::default();
        let cap = self.week_day_cap() as f64;
        match lab.week {
            WeekMode::Calendar => {
                for w in weeks(dates, lab) {
                    let n = w.days.len() as f64;
                    l.max_days += cap.min(n);
                    l.max_hours += self.max_week_hours.min(n * self.max_day_hours);
                }
            }
            WeekMode::Rolling => {
                // whole weeks at the weekly limits, a part week as much as fits in it
                let (full, rest) = ((dates.len() / 7) as f64, (dates.len() % 7) as f64);
                l.max_days = full * cap + cap.min(rest);
                l.max_hours =
                    full * self.max_week_hours + self.max_week_hours.min(rest * self.max_day_hours);
            }
        }
        let available = dates.iter().filter(|d| a.available(**d)).count() as f64;
        l.max_days = l.max_days.min(available);
        for w in contract_weeks(dates, lab) {
            l.min_days += self.min_days_in(w.days.len());
            l.min_hours += self.min_hours_in(w.days.len());
        }
        l.min_days = l.min_days.min(l.max_days);
        l.min_hours = l.min_hours.min(l.max_hours);
        l
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab(toml_text: &str) -> Labour {
        toml::from_str(toml_text).unwrap()
    }
    fn days(from: &str, n: i64) -> Vec<NaiveDate> {
        let d0 = crate::model::time::parse_date(from).unwrap();
        (0..n).map(|k| d0 + Duration::days(k)).collect()
    }

    #[test]
    fn calendar_weeks_cover_the_edges_whole() {
        // Wed 2026-11-04 for 10 days: Mon 2 – Sun 8 (5 days inside), Mon 9 – Sun 15 (5 inside)
        let w = weeks(&days("2026-11-04", 10), &lab(""));
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].first.to_string(), "2026-11-02");
        assert_eq!(w[0].days, vec![0, 1, 2, 3, 4]);
        assert_eq!(w[1].days, vec![5, 6, 7, 8, 9]);
        let start = crate::model::time::parse_date("2026-11-04").unwrap();
        assert_eq!(w[0].dates_before(start).count(), 2);
        // weeks starting on Sunday
        let w = weeks(&days("2026-11-04", 10), &lab("week_start = \"Sun\""));
        assert_eq!(w[0].first.to_string(), "2026-11-01");
        assert_eq!(w.len(), 2);
    }

    #[test]
    fn rolling_weeks_and_months() {
        let w = weeks(&days("2026-11-04", 3), &lab("week = \"rolling\""));
        // windows starting 6 days before the first date through the last date
        assert_eq!(w.len(), 9);
        assert!(w.iter().all(|p| !p.days.is_empty()));
        let m = months(&days("2026-10-20", 40));
        assert_eq!(m.len(), 2);
        assert_eq!(m[0].len_days(), 31);
        assert_eq!(m[1].days.len(), 28);
    }
}
