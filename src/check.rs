//! The independent checker: verifies any roster — produced by paiban or made by hand —
//! against every rule of the scenario and the agents' contracts, and measures coverage
//! against requirements. It shares no code with the optimiser beyond the input types.

use crate::agents::Agent;
use crate::requirements::Requirements;
use crate::roster::{Roster, WorkShift};
use crate::scenario::Scenario;
use crate::time::{fmt_ts, weekday_short};
use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hard,
    Soft,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Violation {
    pub severity: Severity,
    pub rule: &'static str,
    pub agent_id: String,
    pub date: Option<NaiveDate>,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoverageReport {
    pub intervals: usize,
    pub under_covered_intervals: usize,
    pub under_agent_hours: f64,
    pub over_agent_hours: f64,
    pub worst: Option<String>,
    /// Agents on the queue per interval.
    pub scheduled: Vec<u32>,
    /// The same in trained-agent equivalents (each agent counts as its contract's
    /// productivity, rounded down): what under- and over-coverage are measured with.
    pub effective: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub agents: usize,
    pub shifts: usize,
    pub paid_hours: f64,
    pub violations: Vec<Violation>,
    pub coverage: Option<CoverageReport>,
}

impl CheckReport {
    pub fn hard(&self) -> usize {
        self.violations
            .iter()
            .filter(|v| v.severity == Severity::Hard)
            .count()
    }
    pub fn soft(&self) -> usize {
        self.violations.len() - self.hard()
    }
}

pub fn check(
    r: &Roster,
    agents: &[Agent],
    sc: &Scenario,
    req: Option<&Requirements>,
) -> CheckReport {
    check_after(r, agents, sc, req, None)
}

/// [`check`] with last week's roster: rest after each agent's last shift before the horizon and
/// the working days in a row up to it count too.
pub fn check_after(
    r: &Roster,
    agents: &[Agent],
    sc: &Scenario,
    req: Option<&Requirements>,
    previous: Option<&Roster>,
) -> CheckReport {
    let lab = &sc.labour;
    let mut v = Vec::new();
    let mut push = |severity, rule, agent: &str, date: Option<NaiveDate>, message: String| {
        v.push(Violation {
            severity,
            rule,
            agent_id: agent.to_string(),
            date,
            message,
        })
    };
    let by_id: BTreeMap<&str, &Agent> = agents.iter().map(|a| (a.id.as_str(), a)).collect();
    // agent → date → shift (None = day off)
    let mut days: BTreeMap<&str, BTreeMap<NaiveDate, Option<&WorkShift>>> = BTreeMap::new();
    for e in &r.entries {
        if !by_id.contains_key(e.agent_id.as_str()) {
            push(
                Severity::Hard,
                "unknown agent",
                &e.agent_id,
                Some(e.date),
                format!("agent `{}` is not in the agent list", e.agent_id),
            );
            continue;
        }
        let slot = days.entry(e.agent_id.as_str()).or_default();
        if slot.insert(e.date, e.shift.as_ref()).is_some() {
            push(
                Severity::Hard,
                "one shift a day",
                &e.agent_id,
                Some(e.date),
                format!("{} has more than one row on {}", e.agent_id, e.date),
            );
        }
    }
    let (first, last) = match (r.dates.first(), r.dates.last()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => (sc.horizon.start_date(), sc.horizon.start_date()),
    };
    let n_days = (last - first).num_days() as usize + 1;
    let weeks = n_days as f64 / 7.0;
    let carry = previous
        .map(|p| crate::roster::carry_in(p, first))
        .unwrap_or_default();
    let mut shifts = 0;
    let mut paid_total = 0.0;
    for a in agents {
        let mine = days.get(a.id.as_str()).cloned().unwrap_or_default();
        let worked: Vec<(NaiveDate, &WorkShift)> = mine
            .iter()
            .filter_map(|(d, s)| s.map(|s| (*d, s)))
            .collect();
        shifts += worked.len();
        let id = a.id.as_str();
        for (d, s) in &worked {
            let day = weekday_short(d.weekday());
            let paid = s.paid_hours();
            paid_total += paid;
            if !a.available(*d) {
                push(
                    Severity::Hard,
                    "unavailable",
                    id,
                    Some(*d),
                    format!(
                        "{} ({}) is unavailable on {day} {d} but works {}",
                        a.name, id, s.label
                    ),
                );
            }
            if a.prefers_off(*d) {
                push(
                    Severity::Soft,
                    "preferred day off",
                    id,
                    Some(*d),
                    format!("{} ({}) asked for {day} off", a.name, id),
                );
            }
            if paid > lab.max_paid_hours_per_day + 1e-9 {
                push(
                    Severity::Hard,
                    "daily hours",
                    id,
                    Some(*d),
                    format!(
                        "{id} works {paid:.2} paid hours on {d}; the limit is {}",
                        lab.max_paid_hours_per_day
                    ),
                );
            }
            // the shift must be one the scenario allows for this contract
            let len = (s.end - s.start).num_minutes() as u32;
            let start_m = crate::time::minute_of_day(s.start);
            let fams: Vec<_> = sc
                .shifts
                .iter()
                .filter(|f| {
                    f.contracts.contains(&a.contract) && f.lengths.iter().any(|l| l.0 == len)
                })
                .collect();
            if fams.is_empty() {
                push(Severity::Hard, "shift rules", id, Some(*d), format!("{id} ({}) works a {}h{:02} shift on {d}; no [[shift]] family allows that length for this contract", a.contract, len / 60, len % 60));
            } else {
                let ok = fams.iter().any(|f| {
                    let start_ok = start_m >= f.start_window[0].0 && start_m <= f.start_window[1].0;
                    let break_ok = if f.meal_break.0 == 0 {
                        true
                    } else {
                        s.breaks.iter().any(|(bs, be)| {
                            let off = (*bs - s.start).num_minutes() as u32;
                            (*be - *bs).num_minutes() as u32 >= f.meal_break.0
                                && off >= f.break_window[0].0
                                && off <= f.break_window[1].0
                                && *be <= s.end
                        })
                    };
                    // every short break of the family taken inside its window, and the
                    // preparation and wrap-up time given
                    let short_ok = f.short_breaks.iter().all(|b| {
                        s.paid_breaks.iter().any(|(bs, be)| {
                            let off = (*bs - s.start).num_minutes() as u32;
                            (*be - *bs).num_minutes() as u32 >= b.length.0
                                && off >= b.window[0].0
                                && off <= b.window[1].0
                        })
                    });
                    let prep_ok = s.prep >= f.prep.0 && s.wrap_up >= f.wrap_up.0;
                    start_ok && break_ok && short_ok && prep_ok
                });
                if !ok {
                    let f = fams[0];
                    push(
                        Severity::Hard,
                        "shift rules",
                        id,
                        Some(*d),
                        format!(
                            "{id}'s shift {} on {d} breaks shift family `{}`: start must be {}–{}{}{}",
                            s.label,
                            f.name,
                            f.start_window[0],
                            f.start_window[1],
                            if f.meal_break.0 > 0 { format!(" and a {} break must start {}–{} after the start", f.meal_break, f.break_window[0], f.break_window[1]) } else { String::new() },
                            f.short_breaks.iter().map(|b| format!(", a paid {} break {}–{} after the start", b.length, b.window[0], b.window[1])).collect::<String>()
                                + &if f.prep.0 + f.wrap_up.0 > 0 { format!(", {} preparation and {} wrap-up", f.prep, f.wrap_up) } else { String::new() }
                        ),
                    );
                }
            }
        }
        // weighted requests
        for rq in a
            .requests
            .iter()
            .filter(|r| r.date >= first && r.date <= last)
        {
            let shift = mine.get(&rq.date).copied().flatten();
            if !rq.granted_by(shift.map(|s| s.minutes())) {
                let w = rq.weight.unwrap_or(sc.costs.preference_violation);
                let got = match shift {
                    Some(s) => format!(
                        "works {}–{}",
                        s.start.format("%H:%M"),
                        s.end.format("%H:%M")
                    ),
                    None => "is off".into(),
                };
                push(
                    Severity::Soft,
                    "request",
                    id,
                    Some(rq.date),
                    format!(
                        "{id} asked to {} on {} (weight {w}) but {got}",
                        rq.describe(),
                        rq.date,
                    ),
                );
            }
        }
        // rest after last week's last shift
        if let (Some(end), Some((d, s))) = (carry.get(id).and_then(|c| c.last_end), worked.first())
        {
            let rest = (s.start - end).num_minutes() as f64 / 60.0;
            if rest < lab.min_rest_hours - 1e-9 {
                push(Severity::Hard, "rest", id, Some(*d), format!("{id} rests only {rest:.1} h between last week's shift ending {} and {} ({d}); at least {} h", fmt_ts(end), fmt_ts(s.start), lab.min_rest_hours));
            }
        }
        // rest between consecutive shifts
        for w in worked.windows(2) {
            let ((d1, s1), (d2, s2)) = (w[0], w[1]);
            let rest = (s2.start - s1.end).num_minutes() as f64 / 60.0;
            if rest < lab.min_rest_hours - 1e-9 {
                push(Severity::Hard, "rest", id, Some(d2), format!("{id} rests only {rest:.1} h between {} ({d1}) and {} ({d2}); at least {} h", fmt_ts(s1.end), fmt_ts(s2.start), lab.min_rest_hours));
            }
        }
        // consecutive working days (continuing last week's run)
        let mut run = carry.get(id).map_or(0, |c| c.consecutive);
        for k in 0..n_days {
            let d = first + Duration::days(k as i64);
            if mine.get(&d).copied().flatten().is_some() {
                run += 1;
                if run == lab.max_consecutive_days + 1 {
                    push(
                        Severity::Hard,
                        "consecutive days",
                        id,
                        Some(d),
                        format!(
                            "{id} works more than {} days in a row (through {d})",
                            lab.max_consecutive_days
                        ),
                    );
                }
            } else {
                run = 0;
            }
        }
        // nights and weekend days in every 7 days (the whole horizon when shorter)
        let windows: Vec<(usize, usize)> = if n_days > 7 {
            (0..=n_days - 7).map(|w| (w, w + 7)).collect()
        } else {
            vec![(0, n_days)]
        };
        let shift_on = |k: usize| {
            mine.get(&(first + Duration::days(k as i64)))
                .copied()
                .flatten()
        };
        for (rule, limit, what) in [
            (
                "nights",
                lab.max_nights_per_week,
                "night shifts (work before 06:00)",
            ),
            (
                "weekends",
                lab.max_weekend_days_per_week,
                "Saturday/Sunday shifts",
            ),
        ] {
            let Some(limit) = limit else { continue };
            for &(w0, w1) in &windows {
                let n = (w0..w1)
                    .filter(|&k| {
                        shift_on(k).is_some_and(|s| {
                            if rule == "nights" {
                                s.is_night()
                            } else {
                                matches!(
                                    s.start.weekday(),
                                    chrono::Weekday::Sat | chrono::Weekday::Sun
                                )
                            }
                        })
                    })
                    .count() as u32;
                if n > limit {
                    let from = first + Duration::days(w0 as i64);
                    push(Severity::Hard, rule, id, Some(from), format!("{id} works {n} {what} in the days from {from}; at most {limit} in 7 days"));
                    break;
                }
            }
        }
        // days off together: a run of days off between two working days is at least K long
        let k_off = lab.min_consecutive_days_off as usize;
        if k_off > 1 {
            let mut k = 0;
            while k < n_days {
                if shift_on(k).is_some() {
                    k += 1;
                    continue;
                }
                let s0 = k;
                while k < n_days && shift_on(k).is_none() {
                    k += 1;
                }
                if s0 > 0 && k < n_days && k - s0 < k_off {
                    let d = first + Duration::days(s0 as i64);
                    push(Severity::Hard, "days off together", id, Some(d), format!("{id} has {} day(s) off from {d} between working days; days off come at least {k_off} together", k - s0));
                }
            }
        }
        // days off in every 7-day window
        if n_days >= 7 {
            for w in 0..=(n_days - 7) {
                let from = first + Duration::days(w as i64);
                let working = (0..7)
                    .filter(|k| {
                        mine.get(&(from + Duration::days(*k)))
                            .copied()
                            .flatten()
                            .is_some()
                    })
                    .count() as u32;
                if 7 - working < lab.min_days_off_per_week {
                    push(
                        Severity::Hard,
                        "days off",
                        id,
                        Some(from),
                        format!(
                            "{id} has {} days off in the 7 days from {from}; at least {}",
                            7 - working,
                            lab.min_days_off_per_week
                        ),
                    );
                }
            }
        }
        // contract days and hours over the horizon
        let n = worked.len() as f64;
        let hours: f64 = worked.iter().map(|(_, s)| s.paid_hours()).sum();
        let max_h = a.max_hours.min(lab.max_hours_per_week) * weeks;
        if hours > max_h + 1e-6 {
            push(Severity::Hard, "weekly hours", id, None, format!("{id} works {hours:.1} paid hours; the most allowed is {max_h:.1} (contract {} h/week, labour limit {} h/week)", a.max_hours, lab.max_hours_per_week));
        }
        if hours + 1e-6 < (a.min_hours * weeks).min(max_h) {
            push(
                Severity::Soft,
                "contract hours",
                id,
                None,
                format!(
                    "{id} works {hours:.1} paid hours; the contract promises at least {:.1}",
                    a.min_hours * weeks
                ),
            );
        }
        if n > (a.max_days as f64 * weeks).floor() + 1e-9 {
            push(
                Severity::Hard,
                "weekly days",
                id,
                None,
                format!(
                    "{id} works {n} days; the contract allows {} a week",
                    a.max_days
                ),
            );
        }
        if n + 1e-9 < (a.min_days as f64 * weeks).floor() {
            push(
                Severity::Soft,
                "contract days",
                id,
                None,
                format!(
                    "{id} works {n} days; the contract promises at least {} a week",
                    a.min_days
                ),
            );
        }
    }
    // seniors on the queue whenever anyone is
    if lab.min_seniors_on_duty > 0 {
        let step = sc.horizon.interval.0 as i64;
        let t0 = first.and_hms_opt(0, 0, 0).expect("midnight");
        let n_iv = (n_days as i64 * 1440 / step) as usize;
        let senior: BTreeMap<&str, bool> = agents
            .iter()
            .map(|a| {
                (
                    a.id.as_str(),
                    lab.senior_tiers
                        .iter()
                        .any(|t| t.eq_ignore_ascii_case(&a.tier)),
                )
            })
            .collect();
        let mut run: Option<(usize, usize)> = None;
        let report = |r: (usize, usize), v: &mut Vec<Violation>| {
            let at = |i: usize| t0 + Duration::minutes(i as i64 * step);
            v.push(Violation {
                severity: Severity::Soft,
                rule: "seniors on duty",
                agent_id: String::new(),
                date: Some(at(r.0).date()),
                message: format!(
                    "{}: fewer than {} {} on the queue while agents are",
                    crate::time::fmt_hm_range(at(r.0), at(r.1 + 1)),
                    lab.min_seniors_on_duty,
                    lab.senior_tiers.join("/")
                ),
            });
        };
        for i in 0..n_iv {
            let t = t0 + Duration::minutes(i as i64 * step);
            let (mut all, mut sen) = (0u32, 0u32);
            for e in &r.entries {
                if let (Some(s), Some(is_sen)) = (&e.shift, senior.get(e.agent_id.as_str())) {
                    if s.on_queue(t) {
                        all += 1;
                        sen += u32::from(*is_sen);
                    }
                }
            }
            let short = all > 0 && sen < lab.min_seniors_on_duty.min(all);
            match (&mut run, short) {
                (Some(r), true) if r.1 + 1 == i => r.1 = i,
                (_, true) => {
                    if let Some(r) = run.take() {
                        report(r, &mut v);
                    }
                    run = Some((i, i));
                }
                (_, false) => {
                    if let Some(r) = run.take() {
                        report(r, &mut v);
                    }
                }
            }
        }
        if let Some(r) = run {
            report(r, &mut v);
        }
    }
    let coverage = req.map(|req| {
        let g = req.grid;
        let mut sched = vec![0u32; g.len];
        let mut eff = vec![0.0f64; g.len];
        // last week's overnight shifts cover the first hours too
        let carried = previous
            .into_iter()
            .flat_map(|p| p.entries.iter().filter(|e| e.date < first));
        for e in r.entries.iter().chain(carried) {
            if let Some(s) = &e.shift {
                if let Some(a) = by_id.get(e.agent_id.as_str()) {
                    let p = sc.productivity(&a.contract);
                    for (k, c) in sched.iter_mut().enumerate() {
                        if s.on_queue(g.at(k)) {
                            *c += 1;
                            eff[k] += p;
                        }
                    }
                }
            }
        }
        let effective: Vec<u32> = eff.iter().map(|x| (x + 1e-6).floor() as u32).collect();
        let mut under = 0.0;
        let mut over = 0.0;
        let mut n_under = 0;
        let mut worst: Option<(u32, usize)> = None;
        for k in 0..g.len {
            let need = req.rows[k].agents_required;
            let have = effective[k];
            if have < need {
                n_under += 1;
                under += (need - have) as f64 * g.step_hours();
                if worst.is_none_or(|(w, _)| need - have > w) {
                    worst = Some((need - have, k));
                }
            } else {
                over += (have - need) as f64 * g.step_hours();
            }
            if let Some(maxd) = sc.headcount.max_on_duty {
                if sched[k] > maxd {
                    v.push(Violation {
                        severity: Severity::Hard,
                        rule: "headcount",
                        agent_id: String::new(),
                        date: Some(g.at(k).date()),
                        message: format!(
                            "{} agents on duty at {}; headcount.max_on_duty is {maxd}",
                            sched[k],
                            fmt_ts(g.at(k))
                        ),
                    });
                }
            }
        }
        CoverageReport {
            intervals: g.len,
            under_covered_intervals: n_under,
            under_agent_hours: under,
            over_agent_hours: over,
            worst: worst.map(|(s, k)| {
                format!(
                    "{} short by {s} (need {}, scheduled {})",
                    fmt_ts(g.at(k)),
                    req.rows[k].agents_required,
                    effective[k]
                )
            }),
            scheduled: sched,
            effective,
        }
    });
    v.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(a.agent_id.cmp(&b.agent_id))
            .then(a.date.cmp(&b.date))
    });
    CheckReport {
        agents: agents.len(),
        shifts,
        paid_hours: paid_total,
        violations: v,
        coverage,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::roster::Entry;

    fn sc() -> Scenario {
        toml::from_str(include_str!("../scenarios/baseline.toml")).unwrap()
    }

    fn agent(id: &str) -> Agent {
        Agent {
            id: id.into(),
            name: id.into(),
            tier: "junior".into(),
            contract: "full_time".into(),
            min_hours: 0.0,
            max_hours: 40.0,
            min_days: 0,
            max_days: 5,
            unavailable: vec![],
            preferred_off: vec![],
            requests: vec![],
        }
    }

    fn shift(d: NaiveDate, h: u32, len: i64, brk: Option<u32>) -> WorkShift {
        let s = d.and_hms_opt(h, 0, 0).unwrap();
        WorkShift {
            label: "x".into(),
            start: s,
            end: s + Duration::hours(len),
            breaks: brk
                .map(|b| {
                    (
                        s + Duration::hours(b as i64),
                        s + Duration::hours(b as i64 + 1),
                    )
                })
                .into_iter()
                .collect(),
            ..Default::default()
        }
    }

    #[test]
    fn catches_rest_days_and_breaks() {
        let d0 = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let mut entries = Vec::new();
        for k in 0..7 {
            let d = d0 + Duration::days(k);
            // day 1: 15:00-24:00, day 2: 07:00 — only 7 h of rest
            let h = if k == 0 { 15 } else { 7 };
            entries.push(Entry {
                agent_id: "A".into(),
                date: d,
                shift: Some(shift(d, h, 9, Some(4))),
            });
        }
        entries.push(Entry {
            agent_id: "B".into(),
            date: d0,
            shift: Some(shift(d0, 9, 9, None)),
        });
        let r = Roster {
            dates: (0..7).map(|k| d0 + Duration::days(k)).collect(),
            entries,
        };
        let rep = check(&r, &[agent("A"), agent("B")], &sc(), None);
        let rules: Vec<&str> = rep.violations.iter().map(|v| v.rule).collect();
        assert!(rules.contains(&"rest"), "{rules:?}");
        assert!(rules.contains(&"consecutive days"), "{rules:?}");
        assert!(rules.contains(&"days off"), "{rules:?}");
        assert!(rules.contains(&"weekly hours"), "{rules:?}");
        assert!(rules.contains(&"weekly days"), "{rules:?}");
        assert!(
            rep.violations
                .iter()
                .any(|v| v.agent_id == "B" && v.rule == "shift rules"),
            "{:?}",
            rep.violations
        );
        assert!(rep.hard() >= 6);
    }

    #[test]
    fn clean_roster_passes() {
        let d0 = NaiveDate::from_ymd_opt(2026, 11, 2).unwrap();
        let entries = (0..7)
            .map(|k| {
                let d = d0 + Duration::days(k);
                Entry {
                    agent_id: "A".into(),
                    date: d,
                    shift: (k < 5).then(|| shift(d, 9, 9, Some(4))),
                }
            })
            .collect();
        let r = Roster {
            dates: (0..7).map(|k| d0 + Duration::days(k)).collect(),
            entries,
        };
        let rep = check(&r, &[agent("A")], &sc(), None);
        assert_eq!(rep.violations, vec![]);
        assert_eq!(rep.paid_hours, 40.0);
    }
}
