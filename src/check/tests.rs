//! Mutation tests: a small clean roster has no violation; breaking one rule yields exactly
//! that rule's code.

use super::*;
use crate::model::time::Clock;
use crate::model::Entry;
use crate::scenario::agents::{DayRequest, DayRule, Wish};
use crate::scenario::WeekMode;
use chrono::{Datelike, Timelike, Weekday};
use std::collections::BTreeSet;

fn baseline() -> Scenario {
    toml::from_str(include_str!("../../scenarios/baseline.toml")).unwrap()
}

fn date(s: &str) -> NaiveDate {
    crate::model::time::parse_date(s).unwrap()
}

fn plus(d: NaiveDate, days: i64) -> NaiveDate {
    d + Duration::days(days)
}

fn agent(id: &str, name: &str) -> Agent {
    Agent {
        id: id.into(),
        name: name.into(),
        tier: "junior".into(),
        contract: "full_time".into(),
        min_hours: 0.0,
        max_hours: 40.0,
        min_days: 0,
        max_days: 5,
        unavailable: vec![],
        preferred_off: vec![],
        requests: vec![],
        skills: vec![],
        on_call: Default::default(),
    }
}

/// The baseline's `full day`: 9 hours from `h:m`, the 1-hour meal break 4 hours in (8 paid).
fn day_shift(d: NaiveDate, h: u32, m: u32) -> WorkShift {
    let s = d.and_hms_opt(h, m, 0).unwrap();
    WorkShift {
        label: format!("{h:02}:{m:02}"),
        start: s,
        end: s + Duration::hours(9),
        breaks: vec![(s + Duration::hours(4), s + Duration::hours(5))],
        ..Default::default()
    }
}

/// The baseline's `part day`: `hours` (4 or 5) from `h`:00, no break.
fn part_shift(d: NaiveDate, h: u32, hours: i64) -> WorkShift {
    let s = d.and_hms_opt(h, 0, 0).unwrap();
    WorkShift {
        label: format!("part {h:02}:00"),
        start: s,
        end: s + Duration::hours(hours),
        ..Default::default()
    }
}

/// A roster with its inputs.
struct Case {
    sc: Scenario,
    agents: Vec<Agent>,
    roster: Roster,
    previous: Option<Roster>,
}

const A: &str = "A07";
const B: &str = "B01";

impl Case {
    /// `days` from `first`: Li Na (A07, full time, 5 days and 40 h a week) works 09:00–18:00
    /// on the dates `works` picks; Wang Fang (B01, the same contract) is off throughout.
    fn new(first: &str, days: i64, works: impl Fn(NaiveDate) -> bool) -> Case {
        let dates: Vec<NaiveDate> = (0..days).map(|k| plus(date(first), k)).collect();
        let mut entries = Vec::new();
        for d in &dates {
            let s = works(*d).then(|| day_shift(*d, 9, 0));
            entries.push(Entry {
                agent_id: A.into(),
                date: *d,
                shift: s,
            });
            entries.push(Entry {
                agent_id: B.into(),
                date: *d,
                shift: None,
            });
        }
        Case {
            sc: baseline(),
            agents: vec![agent(A, "Li Na"), agent(B, "Wang Fang")],
            roster: Roster { dates, entries },
            previous: None,
        }
    }
    /// The baseline week (Mon 2026-11-02 – Sun 11-08): A07 works Monday to Friday.
    fn week() -> Case {
        Case::new("2026-11-02", 7, |d| d.weekday().num_days_from_monday() < 5)
    }
    fn agent(&mut self, id: &str) -> &mut Agent {
        self.agents.iter_mut().find(|a| a.id == id).unwrap()
    }
    /// `id` works `s` on `d` (None: off), replacing the roster's row.
    fn set(&mut self, id: &str, d: NaiveDate, s: Option<WorkShift>) {
        let e = self
            .roster
            .entries
            .iter_mut()
            .find(|e| e.agent_id == id && e.date == d);
        e.expect("a row of the roster").shift = s;
    }
    /// Moves `id`'s shift of `from` to `to`, the same times of day.
    fn shift_day(&mut self, id: &str, from: NaiveDate, to: NaiveDate) {
        let e = self
            .roster
            .entries
            .iter()
            .find(|e| e.agent_id == id && e.date == from);
        let s = e.and_then(|e| e.shift.clone()).expect("a shift to move");
        let (h, m) = (s.start.hour(), s.start.minute());
        self.set(id, from, None);
        self.set(id, to, Some(day_shift(to, h, m)));
    }
    /// Last week's roster has `id` working `s` on `d` (None: a day off row).
    fn before(&mut self, id: &str, d: NaiveDate, s: Option<WorkShift>) {
        let p = self.previous.get_or_insert(Roster {
            dates: vec![],
            entries: vec![],
        });
        p.entries.retain(|e| !(e.agent_id == id && e.date == d));
        p.entries.push(Entry {
            agent_id: id.into(),
            date: d,
            shift: s,
        });
        if !p.dates.contains(&d) {
            p.dates.push(d);
            p.dates.sort();
        }
    }
    fn report(&self) -> CheckReport {
        check_after(
            &self.roster,
            &self.agents,
            &self.sc,
            None,
            self.previous.as_ref(),
        )
    }
    fn codes(&self) -> BTreeSet<Code> {
        self.report().violations.iter().map(|v| v.code).collect()
    }
    fn assert_clean(&self) {
        let r = self.report();
        assert!(r.violations.is_empty(), "{:#?}", r.violations);
    }
}

/// `case` is clean; after `mutate` it breaks `code` and nothing else. Returns what it reports.
fn breaks_only(mut case: Case, code: Code, mutate: impl FnOnce(&mut Case)) -> Vec<Violation> {
    case.assert_clean();
    mutate(&mut case);
    let r = case.report();
    let codes: BTreeSet<Code> = r.violations.iter().map(|v| v.code).collect();
    assert_eq!(codes, BTreeSet::from([code]), "{:#?}", r.violations);
    for v in &r.violations {
        assert_eq!(v.severity, code.severity());
    }
    r.violations
}

fn mon() -> NaiveDate {
    date("2026-11-02")
}

// ---------------------------------------------------------------- moved from check.rs

#[test]
fn catches_rest_days_and_breaks() {
    // A: Mon 15:00–24:00, then 07:00 every day — 7 h of rest, 7 days in a row, no day off,
    // 56 h; B: a 9-hour shift without its meal break
    let mut c = Case::week();
    for k in 0..7 {
        let d = plus(mon(), k);
        c.set(A, d, Some(day_shift(d, if k == 0 { 15 } else { 7 }, 0)));
    }
    c.set(
        B,
        mon(),
        Some(WorkShift {
            breaks: vec![],
            ..day_shift(mon(), 9, 0)
        }),
    );
    let rep = c.report();
    let codes = c.codes();
    for want in [
        Code::Rest,
        Code::MaxConsecutive,
        Code::DaysOff,
        Code::WeekHours,
        Code::WeekDays,
    ] {
        assert!(codes.contains(&want), "{want}: {codes:?}");
    }
    assert!(
        rep.violations
            .iter()
            .any(|v| v.agent_id == B && v.code == Code::ShiftForm),
        "{:?}",
        rep.violations
    );
    assert!(rep.hard() >= 6);
    // sorted by severity, code, agent and date
    let keys: Vec<_> = rep
        .violations
        .iter()
        .map(|v| (v.severity, v.code, &v.agent_id, v.from))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
}

#[test]
fn clean_roster_passes() {
    let c = Case::week();
    let rep = c.report();
    assert_eq!(rep.violations, vec![]);
    assert_eq!(rep.paid_hours, 40.0);
    assert_eq!(rep.shifts, 5);
}

// ---------------------------------------------------------------- one row, one day

#[test]
fn unknown_agent() {
    let v = breaks_only(Case::week(), Code::UnknownAgent, |c| {
        for d in [mon(), plus(mon(), 1)] {
            let s = Some(day_shift(d, 9, 0));
            c.roster.entries.push(Entry {
                agent_id: "Z99".into(),
                date: d,
                shift: s,
            });
        }
    });
    // once per agent, with the dates of its rows
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].from, v[0].to), (Some(mon()), Some(plus(mon(), 1))));
}

#[test]
fn one_shift_a_day() {
    breaks_only(Case::week(), Code::OneShiftADay, |c| {
        let e = Entry {
            agent_id: A.into(),
            date: mon(),
            shift: None,
        };
        c.roster.entries.push(e);
    });
}

#[test]
fn availability() {
    let mut c = Case::week();
    c.agent(A).unavailable = vec![DayRule::Weekday(Weekday::Sat)];
    breaks_only(c, Code::Availability, |c| {
        c.shift_day(A, plus(mon(), 4), plus(mon(), 5))
    });
}

#[test]
fn shift_form() {
    let v = breaks_only(Case::week(), Code::ShiftForm, |c| {
        // the meal break 6 hours in: outside the family's 3h–5h window
        let mut s = day_shift(mon(), 9, 0);
        let b = s.start + Duration::hours(6);
        s.breaks = vec![(b, b + Duration::hours(1))];
        c.set(A, mon(), Some(s));
    });
    assert!(
        v[0].message.contains("Li Na (A07) works shift 09:00"),
        "{}",
        v[0].message
    );
}

#[test]
fn day_hours() {
    // a part-timer on 4-hour shifts, at most 4.5 paid hours a day; a 5-hour shift breaks it
    let mut c = Case::week();
    c.sc.labour.max_paid_hours_per_day = 4.5;
    c.agent(A).contract = "part_time".into();
    for k in 0..5 {
        let d = plus(mon(), k);
        c.set(A, d, Some(part_shift(d, 9, 4)));
    }
    let v = breaks_only(c, Code::DayHours, |c| {
        c.set(A, mon(), Some(part_shift(mon(), 9, 5)))
    });
    assert_eq!((v[0].value, v[0].limit), (Some(5.0), Some(4.5)));
}

// ---------------------------------------------------------------- days in a row

#[test]
fn rest() {
    let v = breaks_only(Case::week(), Code::Rest, |c| {
        // Monday 15:00–24:00, Tuesday 09:00: 9 hours
        c.set(A, mon(), Some(day_shift(mon(), 15, 0)))
    });
    assert_eq!((v[0].value, v[0].limit), (Some(9.0), Some(11.0)));
    assert!(
        v[0].message.contains("rests only 9.0 h"),
        "{}",
        v[0].message
    );
}

#[test]
fn rest_after_last_weeks_roster() {
    let mut c = Case::week();
    let sun = plus(mon(), -1);
    c.before(A, sun, Some(day_shift(sun, 9, 0)));
    let v = breaks_only(c, Code::Rest, |c| {
        c.before(A, sun, Some(day_shift(sun, 15, 0)))
    });
    assert!(v[0].message.contains("last week"), "{}", v[0].message);
    assert_eq!(v[0].from, Some(sun));
}

#[test]
fn max_consecutive() {
    // two weeks of Monday to Friday; then the first week's Monday and Tuesday moved to its
    // weekend: Wednesday to the next Friday, 10 days in a row
    let c = Case::new("2026-11-02", 14, |d| d.weekday().num_days_from_monday() < 5);
    let v = breaks_only(c, Code::MaxConsecutive, |c| {
        c.shift_day(A, mon(), plus(mon(), 5));
        c.shift_day(A, plus(mon(), 1), plus(mon(), 6));
    });
    assert_eq!(v.len(), 1);
    assert_eq!((v[0].value, v[0].limit), (Some(10.0), Some(6.0)));
    assert_eq!(
        (v[0].from, v[0].to),
        (Some(plus(mon(), 2)), Some(plus(mon(), 11)))
    );
}

#[test]
fn max_consecutive_counts_last_weeks_run() {
    // last week ends with Sunday worked: 6 days in a row with Monday to Friday; Saturday too
    // makes 7
    let mut c = Case::week();
    let (sat, sun) = (plus(mon(), -2), plus(mon(), -1));
    c.before(A, sat, None);
    c.before(A, sun, Some(day_shift(sun, 9, 0)));
    let v = breaks_only(c, Code::MaxConsecutive, |c| {
        c.before(A, sat, Some(day_shift(sat, 9, 0)))
    });
    assert_eq!(v[0].from, Some(sat));
    assert_eq!(v[0].value, Some(7.0));
}

#[test]
fn days_off_together() {
    let mut c = Case::week();
    c.sc.labour.min_consecutive_days_off = 2;
    // Wednesday's shift moved to Saturday: Wednesday alone between working days (Sunday,
    // still open at the horizon's end, is not checked)
    let v = breaks_only(c, Code::DaysOffTogether, |c| {
        c.shift_day(A, plus(mon(), 2), plus(mon(), 5))
    });
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].from, Some(plus(mon(), 2)));
}

#[test]
fn days_off_together_after_last_weeks_roster() {
    // last week: Friday worked, the weekend off; with Saturday worked, Sunday is alone
    let mut c = Case::week();
    c.sc.labour.min_consecutive_days_off = 2;
    let (fri, sat) = (plus(mon(), -3), plus(mon(), -2));
    c.before(A, fri, Some(day_shift(fri, 9, 0)));
    c.before(A, sat, None);
    let v = breaks_only(c, Code::DaysOffTogether, |c| {
        c.before(A, sat, Some(day_shift(sat, 9, 0)))
    });
    assert_eq!(v[0].from, Some(plus(mon(), -1)));
    // without last week, the days off at the horizon's start are not checked
    let mut c = Case::week();
    c.sc.labour.min_consecutive_days_off = 2;
    c.set(A, mon(), None);
    c.assert_clean();
}

// ---------------------------------------------------------------- weeks and months

#[test]
fn days_off() {
    // two days off a week; 6 days and 48 h allowed by the contract and the labour limit
    let mut c = Case::week();
    c.sc.labour.min_days_off_per_week = 2;
    c.sc.labour.max_hours_per_week = 48.0;
    c.agent(A).max_days = 6;
    c.agent(A).max_hours = 48.0;
    let sat = plus(mon(), 5);
    let v = breaks_only(c, Code::DaysOff, |c| {
        c.set(A, sat, Some(day_shift(sat, 9, 0)))
    });
    assert_eq!((v[0].from, v[0].to), (Some(mon()), Some(plus(mon(), 6))));
    assert_eq!((v[0].value, v[0].limit), (Some(1.0), Some(2.0)));
}

#[test]
fn week_days() {
    let mut c = Case::week();
    c.sc.labour.max_hours_per_week = 48.0;
    c.agent(A).max_hours = 48.0;
    let sat = plus(mon(), 5);
    let v = breaks_only(c, Code::WeekDays, |c| {
        c.set(A, sat, Some(day_shift(sat, 9, 0)))
    });
    assert_eq!(
        v[0].message,
        "Li Na (A07) works 6 days in the week 2026-11-02–2026-11-08; the contract allows 5 a week"
    );
}

#[test]
fn week_hours() {
    let mut c = Case::week();
    c.agent(A).max_days = 6;
    let sat = plus(mon(), 5);
    let v = breaks_only(c, Code::WeekHours, |c| {
        c.set(A, sat, Some(day_shift(sat, 9, 0)))
    });
    assert_eq!((v[0].value, v[0].limit), (Some(48.0), Some(40.0)));
}

#[test]
fn month_overtime() {
    // a month's cap of 7 h × 30/7 + 10 h = 40 h; Sunday 1 November in last week's roster
    // counts in November
    let mut c = Case::week();
    c.sc.labour.standard_hours_per_week = 7.0;
    c.sc.labour.max_overtime_hours_per_month = 10.0;
    let sun = plus(mon(), -1);
    c.before(A, sun, None);
    let v = breaks_only(c, Code::MonthOvertime, |c| {
        c.before(A, sun, Some(day_shift(sun, 9, 0)))
    });
    assert_eq!(
        (v[0].from, v[0].to),
        (Some(date("2026-11-01")), Some(date("2026-11-30")))
    );
    assert_eq!((v[0].value, v[0].limit), (Some(48.0), Some(40.0)));
}

#[test]
fn nights() {
    // one night a week; starts up to 16:00 allowed, so 15:30–00:30 is a night shift: Friday's,
    // then Thursday's too
    let mut c = Case::week();
    c.sc.labour.max_nights_per_week = Some(1);
    c.sc.shifts[0].start_window[1] = Clock(16 * 60);
    let (thu, fri) = (plus(mon(), 3), plus(mon(), 4));
    c.set(A, fri, Some(day_shift(fri, 15, 30)));
    let v = breaks_only(c, Code::Nights, |c| {
        c.set(A, thu, Some(day_shift(thu, 15, 30)))
    });
    assert_eq!((v[0].value, v[0].limit), (Some(2.0), Some(1.0)));
}

#[test]
fn weekends() {
    let mut c = Case::week();
    c.sc.labour.max_weekend_days_per_week = Some(1);
    c.shift_day(A, plus(mon(), 4), plus(mon(), 5));
    breaks_only(c, Code::Weekends, |c| {
        c.shift_day(A, plus(mon(), 3), plus(mon(), 6))
    });
}

#[test]
fn ten_days_from_a_wednesday_are_clean_under_calendar_weeks() {
    // Wed 4 – Fri 13 November: Wednesday to Friday, then Monday to Friday — 8 days and 64 h
    // in 10 days (more than 5 × 10/7 days and 40 × 10/7 h), but 3 and 5 days in the
    // calendar weeks
    let c = Case::new("2026-11-04", 10, |d| d.weekday().num_days_from_monday() < 5);
    c.assert_clean();
    let mut rolling = Case::new("2026-11-04", 10, |d| d.weekday().num_days_from_monday() < 5);
    rolling.sc.labour.week = WeekMode::Rolling;
    rolling.assert_clean();
    // with Monday and Tuesday of last week's roster the first week is full: a Saturday
    // shift is a sixth day in it
    let mut c = c;
    c.sc.labour.max_hours_per_week = 48.0;
    c.agent(A).max_hours = 48.0;
    for d in [mon(), plus(mon(), 1)] {
        c.before(A, d, Some(day_shift(d, 9, 0)));
    }
    let sat = date("2026-11-07");
    let v = breaks_only(c, Code::WeekDays, |c| {
        c.set(A, sat, Some(day_shift(sat, 9, 0)))
    });
    assert_eq!((v[0].from, v[0].value), (Some(mon()), Some(6.0)));
}

#[test]
fn rolling_weeks_count_every_seven_days() {
    // Wed–Sun, then Tue–Sat: 5 days in each calendar week, but Thursday to the next
    // Wednesday holds 6
    let pattern = |d: NaiveDate| {
        let (k, wd) = ((d - mon()).num_days(), d.weekday().num_days_from_monday());
        if k < 7 {
            wd >= 2
        } else {
            (1..=5).contains(&wd)
        }
    };
    let mut c = Case::new("2026-11-02", 14, pattern);
    c.sc.labour.max_hours_per_week = 48.0;
    c.agent(A).max_hours = 48.0;
    c.assert_clean();
    let v = breaks_only(c, Code::WeekDays, |c| c.sc.labour.week = WeekMode::Rolling);
    assert!(v.iter().all(|v| v.value == Some(6.0)), "{v:#?}");
    assert!(
        v.iter().any(|v| v.from == Some(date("2026-11-05"))),
        "{v:#?}"
    );
    assert!(v[0].message.contains("in the 7 days"), "{}", v[0].message);
}

// ---------------------------------------------------------------- team

#[test]
fn headcount() {
    // one seat: B on Monday too is two at once, 09:00–13:00 and 14:00–18:00 (both at lunch
    // in between): one violation per stretch
    let mut c = Case::week();
    c.sc.headcount.max_on_duty = Some(1);
    let v = breaks_only(c, Code::Headcount, |c| {
        c.set(B, mon(), Some(day_shift(mon(), 9, 0)))
    });
    assert_eq!(v.len(), 2, "{v:#?}");
    assert!(
        v[0].message.contains("2026-11-02 09:00–13:00"),
        "{}",
        v[0].message
    );
    assert_eq!((v[0].value, v[0].limit), (Some(2.0), Some(1.0)));
    assert!(v[0].agent_id.is_empty());
}

#[test]
fn headcount_counts_last_weeks_shifts_running_into_the_horizon() {
    // B worked Sunday 16:00 – Monday 01:00; A starts at 00:00 (in a scenario allowing it)
    let mut c = Case::week();
    c.sc.headcount.max_on_duty = Some(1);
    c.sc.shifts[0].start_window = [Clock(0), Clock(16 * 60)];
    let sun = plus(mon(), -1);
    c.before(B, sun, Some(day_shift(sun, 16, 0)));
    breaks_only(c, Code::Headcount, |c| {
        c.set(A, mon(), Some(day_shift(mon(), 0, 0)))
    });
}

#[test]
fn seats() {
    let mut c = Case::week();
    c.sc.contracts.get_mut("full_time").unwrap().max_on_duty = Some(1);
    breaks_only(c, Code::Seats, |c| {
        c.set(B, mon(), Some(day_shift(mon(), 9, 0)))
    });
}

#[test]
fn budget() {
    // 40 paid hours at 40 an hour
    let mut c = Case::week();
    c.sc.costs.budget = Some(1600.0);
    let v = breaks_only(c, Code::Budget, |c| {
        c.set(B, mon(), Some(day_shift(mon(), 9, 0)))
    });
    assert_eq!((v[0].value, v[0].limit), (Some(1920.0), Some(1600.0)));
}

#[test]
fn senior_on_duty() {
    let mut c = Case::week();
    c.sc.labour.senior_tiers = vec!["senior".into()];
    c.sc.labour.min_seniors_on_duty = 1;
    c.agent(A).tier = "Senior".into();
    let sat = plus(mon(), 5);
    let v = breaks_only(c, Code::SeniorOnDuty, |c| {
        c.set(B, sat, Some(day_shift(sat, 9, 0)))
    });
    assert_eq!(v.len(), 2, "{v:#?}");
}

// ---------------------------------------------------------------- contract minimums, wishes

#[test]
fn contract_days() {
    let mut c = Case::week();
    c.agent(A).min_days = 5;
    let v = breaks_only(c, Code::ContractDays, |c| c.set(A, plus(mon(), 4), None));
    assert_eq!((v[0].value, v[0].limit), (Some(4.0), Some(5.0)));
}

#[test]
fn contract_days_pro_rata_in_a_part_week() {
    // 10 days from a Wednesday: the first calendar week has 5 of its days inside, so
    // floor(5 × 5/7) = 3 days are promised there
    let mut c = Case::new("2026-11-04", 10, |d| d.weekday().num_days_from_monday() < 5);
    c.agent(A).min_days = 5;
    let v = breaks_only(c, Code::ContractDays, |c| {
        c.set(A, date("2026-11-06"), None)
    });
    assert_eq!((v[0].value, v[0].limit), (Some(2.0), Some(3.0)));
    assert_eq!(
        (v[0].from, v[0].to),
        (Some(date("2026-11-04")), Some(date("2026-11-08")))
    );
}

#[test]
fn contract_hours() {
    let mut c = Case::week();
    c.agent(A).min_hours = 40.0;
    breaks_only(c, Code::ContractHours, |c| c.set(A, plus(mon(), 4), None));
}

#[test]
fn preferred_off() {
    let mut c = Case::week();
    c.agent(A).preferred_off = vec![DayRule::Weekday(Weekday::Sat)];
    breaks_only(c, Code::PreferredOff, |c| {
        c.shift_day(A, plus(mon(), 4), plus(mon(), 5))
    });
}

#[test]
fn request() {
    let mut c = Case::week();
    c.agent(A).requests = vec![DayRequest {
        date: mon(),
        wish: Wish::EndBy(18 * 60),
        weight: Some(50.0),
    }];
    let v = breaks_only(c, Code::Request, |c| {
        c.set(A, mon(), Some(day_shift(mon(), 10, 0)))
    });
    assert!(v[0].message.contains("end by 18:00") && v[0].message.contains("works 10:00–19:00"));
}

#[test]
fn skill() {
    let mut c = Case::week();
    let queue = |name: &str, share: f64| -> crate::scenario::Queue {
        toml::from_str(&format!(
            "name = \"{name}\"\nshare = {share}\nskills = [\"{name}\"]"
        ))
        .unwrap()
    };
    c.sc.queues = vec![queue("pre_sales", 0.6), queue("after_sales", 0.4)];
    c.agent(A).skills = vec!["pre_sales".into()];
    let on_queue = |q: &str| WorkShift {
        queues: vec![q.into()],
        ..day_shift(mon(), 9, 0)
    };
    c.set(A, mon(), Some(on_queue("pre_sales")));
    let v = breaks_only(c, Code::Skill, |c| {
        c.set(A, mon(), Some(on_queue("after_sales")))
    });
    assert!(
        v[0].message.contains("which only after_sales may serve"),
        "{}",
        v[0].message
    );
}
