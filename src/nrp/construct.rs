//! A roster built one employee at a time, each given the best schedule the others leave room
//! for, then improved by best responses: each employee in turn re-planned against everyone
//! else's schedules. An employee's best response is a shortest path over the days under
//! every rule of the contract ([`NrpPricer`]), with a day's cost the employee's requests plus
//! what working a shift changes in its cover (an under-covered shift saves its under weight,
//! an over-covered one costs its over weight). Every schedule keeps every hard rule, so the
//! roster is feasible from the first pass, on any horizon and team size, without a MIP.

use super::model::{evaluate, Assignment, Problem};
use super::pricing::NrpPricer;
use crate::solver::work::Clock;
use rand::seq::SliceRandom;
use rand::SeedableRng;

/// What the construction reached.
#[derive(Debug, Clone)]
pub struct Constructed {
    pub roster: Assignment,
    pub objective: f64,
    /// Best-response rounds over every employee after the first pass (the last one changed
    /// nobody where `settled`).
    pub rounds: usize,
    /// A whole round changed nobody: every employee's schedule is a best response.
    pub settled: bool,
    pub seconds: f64,
    /// The first pass's time (a roster within every rule from then on).
    pub first_pass_seconds: f64,
}

/// The roster of the first pass and best-response rounds, until `clock` runs out (the first
/// pass always finishes) or a round gains less than `min_gain` of the cost it started from.
/// `None` where some employee has no schedule within the rules.
pub fn construct(p: &Problem, clock: &Clock, seed: u32, min_gain: f64) -> Option<Constructed> {
    let pricer = NrpPricer::new(p);
    let ne = p.employees.len();
    let mut state = Cover::new(p);
    let mut schedules: Vec<Option<Vec<u16>>> = vec![None; ne];
    // the least flexible first: fewest shift types, then most days off
    let mut order: Vec<usize> = (0..ne).collect();
    order.sort_by_key(|&e| {
        let emp = &p.employees[e];
        let types = emp.max_shifts.iter().filter(|&&m| m > 0).count();
        (types, usize::MAX - emp.days_off.len(), e)
    });
    for &e in &order {
        let s = pricer.cheapest(e, &state.prices(p))?;
        state.add(p, &s, 1);
        schedules[e] = Some(s);
    }
    let schedules: Vec<Vec<u16>> = schedules.into_iter().map(Option::unwrap).collect();
    let first_pass = clock.seconds();
    let mut c = improve_schedules(p, &pricer, schedules, clock, seed, min_gain);
    c.seconds = clock.seconds();
    c.first_pass_seconds = first_pass;
    Some(c)
}

/// `roster` improved by best-response rounds until `clock` runs out.
pub fn improve(p: &Problem, roster: Assignment, clock: &Clock, seed: u32) -> Constructed {
    let pricer = NrpPricer::new(p);
    let schedules = roster
        .iter()
        .map(|days| days.iter().map(|s| s.map_or(0, |s| s as u16 + 1)).collect())
        .collect();
    improve_schedules(p, &pricer, schedules, clock, seed, 0.0)
}

/// Best-response rounds over every employee in an order drawn from `seed`, until a round
/// changes nobody, gains less than `min_gain` of the cost it started from, or `clock` runs out.
fn improve_schedules(
    p: &Problem,
    pricer: &NrpPricer,
    mut schedules: Vec<Vec<u16>>,
    clock: &Clock,
    seed: u32,
    min_gain: f64,
) -> Constructed {
    let started = clock.seconds();
    let mut state = Cover::new(p);
    for s in &schedules {
        state.add(p, s, 1);
    }
    let mut order: Vec<usize> = (0..schedules.len()).collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(u64::from(seed));
    let mut rounds = 0usize;
    let mut settled = false;
    // a move's change of reduced cost is its change of the roster's cost (each (day, shift)
    // it leaves or joins moves by one, priced at the side it is on)
    let mut cost = evaluate(p, &to_assignment(&schedules)).objective;
    let mut gain = f64::INFINITY;
    while !settled && gain >= min_gain * cost && clock.left() > 0.0 {
        settled = true;
        gain = 0.0;
        order.shuffle(&mut rng);
        for &e in &order {
            if clock.left() <= 0.0 {
                settled = false;
                break;
            }
            state.add(p, &schedules[e], -1);
            let pi = state.prices(p);
            let now = reduced_cost(pricer, e, &schedules[e], &pi);
            if let Some(s) = pricer.cheapest(e, &pi) {
                let new = reduced_cost(pricer, e, &s, &pi);
                if new < now - 1e-9 {
                    schedules[e] = s;
                    settled = false;
                    gain += now - new;
                }
            }
            state.add(p, &schedules[e], 1);
        }
        cost -= gain;
        rounds += 1;
    }
    let roster = to_assignment(&schedules);
    let objective = evaluate(p, &roster).objective;
    Constructed {
        roster,
        objective,
        rounds,
        settled,
        seconds: clock.seconds() - started,
        first_pass_seconds: 0.0,
    }
}

/// `schedule`'s requests less the cover it saves, at prices `pi`.
pub(super) fn reduced_cost(pricer: &NrpPricer, e: usize, schedule: &[u16], pi: &[f64]) -> f64 {
    pricer.column(e, schedule).reduced_cost(pi)
}

fn to_assignment(schedules: &[Vec<u16>]) -> Assignment {
    schedules
        .iter()
        .map(|s| s.iter().map(|&k| (k > 0).then(|| k as usize - 1)).collect())
        .collect()
}

/// How many work each (day, shift type), and so what one more is worth to each cover row.
struct Cover {
    /// `count[d * shifts + s]`.
    count: Vec<i64>,
}

impl Cover {
    fn new(p: &Problem) -> Cover {
        Cover {
            count: vec![0; p.days * p.shifts.len()],
        }
    }

    fn add(&mut self, p: &Problem, schedule: &[u16], sign: i64) {
        let ns = p.shifts.len();
        for (d, &k) in schedule.iter().enumerate() {
            if k > 0 {
                self.count[d * ns + k as usize - 1] += sign;
            }
        }
    }

    /// Per cover row, what one more on it saves: its under weight while it is short, minus its
    /// over weight once it is met.
    fn prices(&self, p: &Problem) -> Vec<f64> {
        let ns = p.shifts.len();
        p.cover
            .iter()
            .map(|c| {
                if self.count[c.day * ns + c.shift] < i64::from(c.required) {
                    c.under_weight
                } else {
                    -c.over_weight
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// A clock with `budget` units of work (and a generous time limit).
    fn work_clock(budget: f64) -> Clock {
        Clock::start(&crate::solver::SolverSettings {
            work_limit: Some(budget),
            time_limit_seconds: 600.0,
            ..crate::solver::SolverSettings::default()
        })
    }

    #[test]
    fn every_constructed_roster_keeps_every_rule_and_improves_on_its_first_pass() {
        for i in [1, 4, 7] {
            let path = format!("../shared/data/nrp-curtois/Instance{i}.txt");
            if !Path::new(&path).exists() {
                assert!(
                    std::env::var("PAIBAN_REQUIRE_SHARED").is_err(),
                    "{path} missing and PAIBAN_REQUIRE_SHARED is set"
                );
                return;
            }
            let p = crate::nrp::read(Path::new(&path)).unwrap();
            let first = construct(&p, &work_clock(0.0), 0, 0.0).expect("a roster");
            let improved = construct(&p, &work_clock(30.0), 0, 0.0).expect("a roster");
            for c in [&first, &improved] {
                let ev = evaluate(&p, &c.roster);
                assert!(ev.violations.is_empty(), "Instance{i}: {:?}", ev.violations);
                assert_eq!(ev.objective, c.objective);
            }
            assert!(improved.settled, "Instance{i}: best responses settle");
            assert!(
                improved.objective <= first.objective,
                "Instance{i}: {} after rounds, {} after the first pass",
                improved.objective,
                first.objective
            );
        }
    }
}
