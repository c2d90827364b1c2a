//! The one optimiser encoding of each rule family, over an agent's shift choices day by day.
//! The roster and the benchmark model build [`AgentDays`] for each agent and call these; no
//! model writes its own rows for a rule that is here.

use crate::solver::{Mip, Var};

/// One shift an agent may work on a day: its binary variable and what the rules look at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    pub var: Var,
    /// Start and end in minutes after midnight of the horizon's first day.
    pub start: i64,
    pub end: i64,
    pub paid_minutes: u32,
    /// Works some time between 00:00 and 06:00.
    pub night: bool,
    /// The shift type (benchmark models) or template index (rosters).
    pub kind: usize,
}

/// An agent's choices, day by day (an empty day: the agent cannot work then).
#[derive(Debug, Clone, Default)]
pub struct AgentDays {
    pub days: Vec<Vec<Choice>>,
}

impl AgentDays {
    pub fn new(n_days: usize) -> AgentDays {
        AgentDays {
            days: vec![Vec::new(); n_days],
        }
    }
    /// Terms `coef × var` of day `d`'s choices (working that day).
    pub fn work(&self, d: usize, coef: f64) -> Vec<(Var, f64)> {
        self.days[d].iter().map(|c| (c.var, coef)).collect()
    }
    /// Terms `weight(choice) × var` over `days`, leaving out zero weights.
    pub fn weighted(&self, days: &[usize], weight: impl Fn(&Choice) -> f64) -> Vec<(Var, f64)> {
        days.iter()
            .flat_map(|d| self.days[*d].iter())
            .map(|c| (c.var, weight(c)))
            .filter(|(_, w)| *w != 0.0)
            .collect()
    }
    pub fn all_days(&self) -> Vec<usize> {
        (0..self.days.len()).collect()
    }
}

/// `ONE_SHIFT_A_DAY`: at most one choice a day. [`sequences`] implies it (a day's choices
/// sum to the blocks covering it, at most one): models that encode sequences need not call it.
pub fn one_a_day(m: &mut Mip, a: &AgentDays) {
    for d in 0..a.days.len() {
        if a.days[d].len() > 1 {
            m.row(a.work(d, 1.0), f64::NEG_INFINITY, 1.0);
        }
    }
}

/// `REST`: no two shifts with less than `min_rest` minutes between them, and none starting
/// before `min_rest` after `carried_end` (the last shift before the horizon, in the same
/// minutes as the choices).
pub fn rest(m: &mut Mip, a: &AgentDays, min_rest: i64, carried_end: Option<i64>) {
    if let Some(end) = carried_end {
        for c in a.days.iter().flatten() {
            if c.start < end + min_rest {
                m.hi[c.var.0] = 0.0;
            }
        }
    }
    successions(m, a, |c, u| u.start < c.end + min_rest);
}

/// Forbidden successions: a choice `c` and any later day's choice `u` with `clash(c, u)`
/// (clashes are monotone: once a day's earliest start is clear of `c`, later days are too,
/// which holds for rest rules and for next-day-only rules alike). One row per `c` and later
/// day: `c + Σ clashing u ≤ 1`, which with one shift a day is the tightest pair cut.
pub fn successions(m: &mut Mip, a: &AgentDays, clash: impl Fn(&Choice, &Choice) -> bool) {
    let n = a.days.len();
    for d in 0..n {
        for c in &a.days[d] {
            for e in d + 1..n {
                let mut t: Vec<(Var, f64)> = a.days[e]
                    .iter()
                    .filter(|u| clash(c, u))
                    .map(|u| (u.var, 1.0))
                    .collect();
                if t.is_empty() {
                    // later days start later still: nothing can clash there
                    if a.days[e].is_empty() {
                        continue;
                    }
                    break;
                }
                t.push((c.var, 1.0));
                m.row(t, f64::NEG_INFINITY, 1.0);
            }
        }
    }
}

/// A sum over a period at most `limit` (`WEEK_DAYS`, `WEEK_HOURS`, `DAYS_OFF`, `NIGHTS`,
/// `WEEKENDS`, `MONTH_OVERTIME`, per-type limits): `Σ weight(choice) ≤ limit` over `days`.
/// Rows that cannot bind are left out.
pub fn at_most(
    m: &mut Mip,
    a: &AgentDays,
    days: &[usize],
    weight: impl Fn(&Choice) -> f64,
    limit: f64,
) {
    let terms = a.weighted(days, &weight);
    let most: f64 = days
        .iter()
        .map(|d| a.days[*d].iter().map(&weight).fold(0.0, f64::max))
        .sum();
    if !terms.is_empty() && most > limit + 1e-9 {
        m.row(terms, f64::NEG_INFINITY, limit.max(0.0));
    }
}

/// A sum over a period between `lo` and `hi` (hard), as one ranged row.
pub fn between(
    m: &mut Mip,
    a: &AgentDays,
    days: &[usize],
    weight: impl Fn(&Choice) -> f64,
    lo: f64,
    hi: f64,
) {
    m.row(a.weighted(days, weight), lo, hi);
}

/// A soft minimum (`CONTRACT_DAYS`, `CONTRACT_HOURS`): `Σ weight + short ≥ target` with
/// `short` costing `penalty` a unit. Returns the shortfall variable.
pub fn at_least_soft(
    m: &mut Mip,
    a: &AgentDays,
    days: &[usize],
    weight: impl Fn(&Choice) -> f64,
    target: f64,
    penalty: f64,
) -> Option<Var> {
    if target <= 0.0 {
        return None;
    }
    let short = m.var(0.0, target, false, penalty);
    let mut t = a.weighted(days, weight);
    t.push((short, 1.0));
    m.row(t, target, f64::INFINITY);
    Some(short)
}

/// How work and days off may follow each other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sequence {
    /// `MAX_CONSECUTIVE`
    pub max_on: u32,
    /// Fewest working days in a row (1: no rule; benchmark models).
    pub min_on: u32,
    /// `DAYS_OFF_TOGETHER` (1: no rule).
    pub min_off: u32,
}

/// The days just before the horizon.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Before {
    /// Nothing is known of them: sequences may continue outside the horizon.
    pub unknown: bool,
    /// Working days in a row up to the horizon.
    pub run: u32,
    /// Days off in a row just before the horizon, after a working day (None: no work known).
    pub off: Option<u32>,
}

/// `MAX_CONSECUTIVE`, `DAYS_OFF_TOGETHER` (and a minimum run of work) in one exact
/// encoding: work comes in blocks of consecutive days; a block covers each day worked, holds
/// no day the agent cannot work, lasts at most `max_on` days (counting the run carried in)
/// and at least `min_on` (shorter only where it may continue outside the horizon), and is
/// followed by at least `min_off` days off before the next (the days off after the last
/// block may run into the horizon's end). Each block occupies its days and the days off
/// after it, at most one block a day: an interval structure, so the LP relaxation keeps the
/// sequence rules exactly. It also keeps one shift a day. Where only the longest run is
/// limited (`min_on` and `min_off` 1), the same rule is written as windows instead
/// ([`max_run_windows`]): as exact, and lighter for large teams.
pub fn sequences(m: &mut Mip, a: &AgentDays, s: Sequence, before: Before) {
    if s.min_on <= 1 && s.min_off <= 1 {
        return max_run_windows(m, a, s.max_on, before);
    }
    let nd = a.days.len();
    let (cmax, cmin) = (s.max_on as usize, s.min_on as usize);
    let gap = (s.min_off as usize).max(1);
    let mut in_block: Vec<Vec<(Var, f64)>> = vec![Vec::new(); nd];
    let mut occupied: Vec<Vec<(Var, f64)>> = vec![Vec::new(); nd];
    for start in 0..nd {
        // a block from day 0 continues the run carried in
        let carried = if start == 0 { before.run as usize } else { 0 };
        if start > 0 || before.run == 0 {
            // the days off before it, between two working days, must be enough
            let off_before = match (start, before.off) {
                (0, _) if before.unknown => None,
                (_, Some(o)) => Some(o as usize + start),
                (_, None) if before.run > 0 => Some(start),
                _ => None,
            };
            if off_before.is_some_and(|o| o < gap) {
                continue;
            }
        }
        for l in 1..=cmax.saturating_sub(carried).min(nd - start) {
            let last = start + l - 1;
            if a.days[last].is_empty() {
                break; // every longer block holds this day too
            }
            let open_start = start == 0 && (before.unknown || carried > 0);
            if carried + l < cmin && !open_start && last < nd - 1 {
                continue;
            }
            m.tag_days(Some((start, (last + gap).min(nd - 1))));
            let z = m.var(0.0, 1.0, true, 0.0);
            for day in &mut in_block[start..=last] {
                day.push((z, -1.0));
            }
            for day in &mut occupied[start..=(last + gap).min(nd - 1)] {
                day.push((z, 1.0));
            }
        }
    }
    m.tag_days(None);
    for d in 0..nd {
        // the shifts worked on d = the block covering d
        let mut t = a.work(d, 1.0);
        t.extend(in_block[d].iter().copied());
        if !t.is_empty() {
            m.row(t, 0.0, 0.0);
        }
        if occupied[d].len() > 1 {
            m.row(std::mem::take(&mut occupied[d]), f64::NEG_INFINITY, 1.0);
        }
    }
}

/// [`sequences`] when only the longest run of work is limited: the same rule as the blocks,
/// and as exact, with far fewer variables — at most `max_on` days worked in any `max_on + 1`
/// in a row (the first windows counting the run carried in), and one shift a day.
fn max_run_windows(m: &mut Mip, a: &AgentDays, max_on: u32, before: Before) {
    one_a_day(m, a);
    let (nd, k) = (a.days.len(), max_on as usize);
    let window = |m: &mut Mip, from: usize, to: usize, limit: usize| {
        let terms: Vec<(Var, f64)> = (from..=to.min(nd - 1))
            .flat_map(|d| a.work(d, 1.0))
            .collect();
        let days = (from..=to.min(nd - 1))
            .filter(|d| !a.days[*d].is_empty())
            .count();
        if days > limit {
            m.row(terms, f64::NEG_INFINITY, limit as f64);
        }
    };
    for j in 1..=(before.run as usize).min(k) {
        window(m, 0, k - j, k - j);
    }
    for w in 0..nd.saturating_sub(k) {
        window(m, w, w + k, k);
    }
}

/// At most `max` of `groups` (e.g. weekends: each its days) with any work.
pub fn groups_worked(m: &mut Mip, a: &AgentDays, groups: &[Vec<usize>], max: u32) {
    if groups.len() <= max as usize {
        return;
    }
    let mut total = Vec::new();
    for g in groups {
        m.tag_days(g.iter().min().zip(g.iter().max()).map(|(a, z)| (*a, *z)));
        let y = m.var(0.0, 1.0, false, 0.0);
        m.tag_days(None);
        for &d in g {
            let mut t = a.work(d, 1.0);
            if t.is_empty() {
                continue;
            }
            t.push((y, -1.0));
            m.row(t, f64::NEG_INFINITY, 0.0);
        }
        total.push((y, 1.0));
    }
    m.row(total, 0.0, max as f64);
}

/// `HEADCOUNT`, `SEATS`, `BUDGET`: a team-wide sum at most `cap` (the constant part of the
/// sum already taken off `cap` by the caller). No row without terms.
pub fn team_cap(m: &mut Mip, terms: Vec<(Var, f64)>, cap: f64) {
    if !terms.is_empty() {
        m.row(terms, f64::NEG_INFINITY, cap);
    }
}

/// What one agent's rule rows need besides their choices: the scenario, the horizon's dates,
/// the agent's rule parameters and what they worked just before the horizon.
pub struct AgentFrame<'a> {
    pub sc: &'a crate::scenario::Scenario,
    pub dates: &'a [chrono::NaiveDate],
    pub rules: &'a crate::rules::params::AgentRules,
    pub carried: &'a crate::rules::params::Carried,
    /// Penalty per day short of the contract minimums (soft; `CONTRACT_DAYS`, an hour short
    /// costing an eighth); `None` leaves the minimums out (a replan does not chase them).
    pub minimum_penalty: Option<f64>,
}

/// 1 for a choice starting on a Saturday or Sunday.
fn on_weekend(dates: &[chrono::NaiveDate], c: &Choice) -> f64 {
    let day = c.start.div_euclid(1440) as usize;
    f64::from(u8::from(
        dates
            .get(day)
            .is_some_and(|d| crate::rules::params::is_weekend(*d)),
    ))
}

/// Every rule of one agent over their choices, each with its one encoding: `REST`,
/// `MAX_CONSECUTIVE`, `DAYS_OFF_TOGETHER`, `WEEK_DAYS`/`DAYS_OFF`, `WEEK_HOURS`, `NIGHTS`,
/// `WEEKENDS`, `MONTH_OVERTIME`, and (with a penalty) the contract minimums. Returns the
/// shortfall variables of the contract minimums (days, hours).
pub fn agent_rules(m: &mut Mip, f: &AgentFrame, x: &AgentDays) -> (Vec<Var>, Vec<Var>) {
    use crate::rules::params::{periods, PeriodKind};
    let (r, carried) = (f.rules, f.carried);
    let start = f.dates[0];
    let t0 = start.and_hms_opt(0, 0, 0).expect("midnight");
    let carried_end = carried.last_end.map(|e| (e - t0).num_minutes());
    rest(m, x, r.min_rest_minutes, carried_end);
    let seq = Sequence {
        max_on: r.max_consecutive,
        min_on: 1,
        min_off: r.min_off_together,
    };
    let before = Before {
        unknown: !carried.known,
        run: carried.run(start),
        off: carried.off_before(start),
    };
    sequences(m, x, seq, before);
    let weekend = |c: &Choice| on_weekend(f.dates, c);
    let night = |c: &Choice| f64::from(u8::from(c.night));
    let hours = |c: &Choice| c.paid_minutes as f64 / 60.0;
    let (mut short_days, mut short_hours) = (Vec::new(), Vec::new());
    for p in periods(f.dates, &f.sc.labour) {
        let (days, h, nights, weekends) = carried.in_period(&p, start);
        match p.kind {
            PeriodKind::Week => {
                at_most(
                    m,
                    x,
                    &p.days,
                    |_| 1.0,
                    r.week_day_cap() as f64 - days as f64,
                );
                at_most(m, x, &p.days, hours, r.max_week_hours - h);
                if let Some(n) = r.max_nights {
                    at_most(m, x, &p.days, night, (n - nights.min(n)) as f64);
                }
                if let Some(n) = r.max_weekend_days {
                    at_most(m, x, &p.days, weekend, (n - weekends.min(n)) as f64);
                }
            }
            PeriodKind::ContractWeek => {
                let Some(big) = f.minimum_penalty else {
                    continue;
                };
                let n = p.days.len();
                short_days.extend(at_least_soft(m, x, &p.days, |_| 1.0, r.min_days_in(n), big));
                short_hours.extend(at_least_soft(
                    m,
                    x,
                    &p.days,
                    hours,
                    r.min_hours_in(n),
                    big / 8.0,
                ));
            }
            PeriodKind::Month => {
                at_most(m, x, &p.days, hours, r.month_hours_cap(p.len_days()) - h);
            }
        }
    }
    (short_days, short_hours)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An agent who may work one 8-hour shift (09:00–17:00) on each of `n` days.
    fn agent(m: &mut Mip, n: usize) -> AgentDays {
        let mut a = AgentDays::new(n);
        for d in 0..n {
            let v = m.var(0.0, 1.0, true, -1.0);
            let s = d as i64 * 1440 + 540;
            a.days[d].push(Choice {
                var: v,
                start: s,
                end: s + 480,
                paid_minutes: 480,
                night: false,
                kind: 0,
            });
        }
        a
    }

    fn worked(m: &Mip, a: &AgentDays) -> Vec<bool> {
        let out = crate::solver::solve(m, &Default::default(), "test").unwrap();
        (0..a.days.len())
            .map(|d| out.value(a.days[d][0].var) > 0.5)
            .collect()
    }

    #[test]
    fn sequences_cap_runs_and_keep_days_off_together() {
        let mut m = Mip::default();
        let a = agent(&mut m, 10);
        let s = Sequence {
            max_on: 3,
            min_on: 1,
            min_off: 2,
        };
        sequences(&mut m, &a, s, Before::default());
        let w = worked(&m, &a);
        // most days worked: 3 on, 2 off, 3 on, 2 off
        assert_eq!(w.iter().filter(|x| **x).count(), 6, "{w:?}");
        for run in w.split(|x| !*x) {
            assert!(run.len() <= 3);
        }
    }

    #[test]
    fn carried_run_shortens_the_first_block() {
        let mut m = Mip::default();
        let a = agent(&mut m, 4);
        let s = Sequence {
            max_on: 3,
            min_on: 1,
            min_off: 1,
        };
        let before = Before {
            unknown: false,
            run: 2,
            off: None,
        };
        sequences(&mut m, &a, s, before);
        let w = worked(&m, &a);
        // 3 of the 4 days, and no run longer than 3 counting the 2 carried in
        assert_eq!(w.iter().filter(|x| **x).count(), 3, "{w:?}");
        let with_carry: Vec<bool> = [true, true].into_iter().chain(w.iter().copied()).collect();
        assert!(with_carry.split(|x| !*x).all(|run| run.len() <= 3), "{w:?}");
        // the same with blocks (a minimum run of 2 selects them)
        let mut m = Mip::default();
        let a = agent(&mut m, 4);
        sequences(&mut m, &a, Sequence { min_on: 2, ..s }, before);
        let w = worked(&m, &a);
        let with_carry: Vec<bool> = [true, true].into_iter().chain(w.iter().copied()).collect();
        assert!(with_carry.split(|x| !*x).all(|run| run.len() <= 3), "{w:?}");
        assert_eq!(w.iter().filter(|x| **x).count(), 3, "{w:?}");
    }

    #[test]
    fn rest_forbids_close_shifts() {
        let mut m = Mip::default();
        let mut a = agent(&mut m, 2);
        // a late shift on day 0 ending 24:00
        let v = m.var(0.0, 1.0, true, -2.0);
        a.days[0].push(Choice {
            var: v,
            start: 960,
            end: 1440,
            paid_minutes: 480,
            night: false,
            kind: 1,
        });
        one_a_day(&mut m, &a);
        rest(&mut m, &a, 11 * 60, None);
        let out = crate::solver::solve(&m, &Default::default(), "test").unwrap();
        // late (−2) then 09:00 next day (−1) would rest only 9 h: early + early (−2) or late alone
        let late = out.value(v) > 0.5;
        let next = out.value(a.days[1][0].var) > 0.5;
        assert!(!(late && next));
    }
}
