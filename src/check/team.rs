//! Team rules: agents on the queue at once (`HEADCOUNT`, per contract `SEATS`), seniors on
//! the queue whenever anyone is (`SENIOR_ON_DUTY`, soft) — per interval of the horizon's days,
//! one violation per stretch of intervals — and the labour cost (`BUDGET`).

use super::{span, AgentDays, Code, Horizon, Violation};
use crate::model::time::Grid;
use crate::scenario::{Labour, Scenario};
use chrono::{Duration, NaiveDate, NaiveTime};

pub(super) fn check(views: &[AgentDays], sc: &Scenario, h: Horizon, v: &mut Vec<Violation>) {
    let g = Grid::days(h.first, h.len(), sc.horizon.interval.0.max(1));
    headcount(views, sc, &g, v);
    seats(views, sc, &g, v);
    budget(views, sc, h, v);
    seniors(views, &sc.labour, &g, v);
}

/// Agents on the queue per interval, among the agents `pick` takes; last week's shifts that
/// run into the horizon count too.
fn on_queue(views: &[AgentDays], g: &Grid, pick: impl Fn(&AgentDays) -> bool) -> Vec<u32> {
    let mut n = vec![0u32; g.len];
    for a in views.iter().filter(|a| pick(a)) {
        for s in a.shifts.values() {
            for k in s.queue_intervals(g) {
                n[k] += 1;
            }
        }
    }
    n
}

/// Runs of consecutive intervals `bad` holds for: first and last index.
fn stretches(n: usize, bad: impl Fn(usize) -> bool) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for k in (0..n).filter(|k| bad(*k)) {
        match out.last_mut() {
            Some(r) if r.1 + 1 == k => r.1 = k,
            _ => out.push((k, k)),
        }
    }
    out
}

/// A stretch's first and last date and its time in words: `2026-11-02 09:00–13:00`,
/// `2026-11-02 20:00–24:00`, `2026-11-02 22:00–2026-11-03 02:00`.
fn stretch_words(g: &Grid, (a, b): (usize, usize)) -> (NaiveDate, NaiveDate, String) {
    let (start, end) = (g.at(a), g.at(b + 1));
    let last = (end - Duration::minutes(1)).date();
    let words = if end.date() == start.date() {
        format!(
            "{} {}–{}",
            start.date(),
            start.format("%H:%M"),
            end.format("%H:%M")
        )
    } else if last == start.date() && end.time() == NaiveTime::MIN {
        format!("{} {}–24:00", start.date(), start.format("%H:%M"))
    } else {
        format!(
            "{}–{}",
            start.format("%Y-%m-%d %H:%M"),
            end.format("%Y-%m-%d %H:%M")
        )
    };
    (start.date(), last, words)
}

/// One team violation per stretch where `counts` is above `limit`; `say(most, when)` words it.
fn over_limit(
    code: Code,
    counts: &[u32],
    limit: u32,
    g: &Grid,
    say: impl Fn(u32, &str) -> String,
    v: &mut Vec<Violation>,
) {
    for st in stretches(counts.len(), |k| counts[k] > limit) {
        let most = *counts[st.0..=st.1]
            .iter()
            .max()
            .expect("a stretch is not empty");
        let (from, to, when) = stretch_words(g, st);
        let vi = Violation::new(code, "", say(most, &when)).dates(from, to);
        v.push(vi.numbers(most as f64, limit as f64));
    }
}

/// `headcount.max_on_duty`: agents on the queue at once.
fn headcount(views: &[AgentDays], sc: &Scenario, g: &Grid, v: &mut Vec<Violation>) {
    let Some(max) = sc.headcount.max_on_duty else {
        return;
    };
    let counts = on_queue(views, g, |_| true);
    let say = |n: u32, when: &str| {
        format!("{n} agents on the queue at once {when}; headcount.max_on_duty is {max}")
    };
    over_limit(Code::Headcount, &counts, max, g, say, v);
}

/// `contracts.NAME.max_on_duty`: agents of one contract on the queue at once.
fn seats(views: &[AgentDays], sc: &Scenario, g: &Grid, v: &mut Vec<Violation>) {
    for (name, c) in &sc.contracts {
        let Some(max) = c.max_on_duty else { continue };
        let counts = on_queue(views, g, |a| a.agent.contract == *name);
        let say = |n: u32, when: &str| {
            format!("{n} {name} agents on the queue at once {when}; contracts.{name}.max_on_duty is {max}")
        };
        over_limit(Code::Seats, &counts, max, g, say, v);
    }
}

/// `costs.budget`: the contract cost of every paid hour of the roster's shifts.
fn budget(views: &[AgentDays], sc: &Scenario, h: Horizon, v: &mut Vec<Violation>) {
    let Some(budget) = sc.costs.budget else {
        return;
    };
    let rate = |a: &AgentDays| {
        sc.contracts
            .get(&a.agent.contract)
            .map_or(0.0, |c| c.cost_per_hour)
    };
    let cost: f64 = views
        .iter()
        .map(|a| rate(a) * a.in_horizon(h).map(|(_, s)| s.paid_hours()).sum::<f64>())
        .sum();
    if cost <= budget + 1e-6 {
        return;
    }
    let msg = format!(
        "the roster's labour cost over {} is {cost:.0}; costs.budget is {budget:.0}",
        span(h.first, h.last)
    );
    v.push(
        Violation::new(Code::Budget, "", msg)
            .dates(h.first, h.last)
            .numbers(cost, budget),
    );
}

/// `labour.min_seniors_on_duty` agents of `labour.senior_tiers` on the queue whenever anyone
/// is (all of them when fewer are on the queue).
fn seniors(views: &[AgentDays], lab: &Labour, g: &Grid, v: &mut Vec<Violation>) {
    let need = lab.min_seniors_on_duty;
    if need == 0 {
        return;
    }
    let senior = |a: &AgentDays| {
        lab.senior_tiers
            .iter()
            .any(|t| t.eq_ignore_ascii_case(&a.agent.tier))
    };
    let all = on_queue(views, g, |_| true);
    let sen = on_queue(views, g, senior);
    let short = |k: usize| all[k] > 0 && sen[k] < need.min(all[k]);
    for st in stretches(g.len, short) {
        let fewest = *sen[st.0..=st.1]
            .iter()
            .min()
            .expect("a stretch is not empty");
        let (from, to, when) = stretch_words(g, st);
        let msg = format!(
            "{when}: fewer than {need} {} on the queue while agents are (as few as {fewest})",
            lab.senior_tiers.join("/")
        );
        let vi = Violation::new(Code::SeniorOnDuty, "", msg).dates(from, to);
        v.push(vi.numbers(fewest as f64, need as f64));
    }
}
