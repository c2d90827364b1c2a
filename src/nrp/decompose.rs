//! The instance as a column generation master: one block per employee, one linking row per
//! cover requirement with its under- and over-cover slacks; schedules priced by
//! [`NrpPricer`]. Gives the whole problem's strong lower bound and a first roster chosen among
//! the schedules generated.

use super::model::{Assignment, Problem};
use super::pricing::NrpPricer;
use crate::solver::colgen::{self, Generated, Link, Master, Slack};
use crate::solver::work::Clock;
use crate::solver::{SolverError, SolverSettings};

/// What the decomposition found: its bound (valid for the whole problem), the best roster
/// among its schedules (where the restricted master's MIP or branch-and-price found one) and
/// whether branch-and-price proved that roster optimal.
#[derive(Debug, Clone)]
pub struct Decomposed {
    pub generated: Generated,
    pub roster: Option<Assignment>,
    /// The best bound: column generation's, raised by branch-and-price where it ran.
    pub bound: f64,
    pub proven: bool,
    /// Branch-and-price nodes solved (0: it did not run).
    pub nodes: usize,
}

/// Budgets of the decomposition's steps, in the settings' units (work, or seconds).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Column generation at the root.
    pub generate: f64,
    /// The best roster among the root's columns (a MIP).
    pub pick: f64,
    /// Branch-and-price after it (0: none).
    pub search: f64,
}

/// The master of `p`: one linking row per cover requirement, in the order of `p.cover`.
fn master(p: &Problem) -> Master {
    let mut links = Vec::new();
    let mut slacks = Vec::new();
    for (r, c) in p.cover.iter().enumerate() {
        let req = f64::from(c.required);
        links.push(Link { lo: req, hi: req });
        slacks.push(Slack {
            row: r,
            coef: 1.0,
            cost: c.under_weight,
            upper: f64::INFINITY,
        });
        slacks.push(Slack {
            row: r,
            coef: -1.0,
            cost: c.over_weight,
            upper: f64::INFINITY,
        });
    }
    Master {
        links,
        slacks,
        blocks: p.employees.len(),
    }
}

/// Column generation on `p`, the best roster among its columns, then branch-and-price from
/// that roster, each within its budget (and all within the settings' time limit).
pub fn decompose(
    p: &Problem,
    limits: Limits,
    settings: &SolverSettings,
) -> Result<Decomposed, SolverError> {
    let m = master(p);
    let pricer = NrpPricer::new(p);
    let clock = Clock::start(settings);
    let progress = settings.progress;
    // no first columns: column generation prices each employee's cheapest schedule itself
    let mut generated = colgen::generate(
        &m,
        &pricer,
        Vec::new(),
        &clock.settings(settings, limits.generate),
        true,
        progress,
    )?;
    let mut roster = first_roster(p, &m, &pricer, &mut generated, limits, settings, &clock)?;
    let mut cost = roster
        .as_ref()
        .map(|a| super::model::evaluate(p, a).objective);
    let mut bound = generated.bound;
    let mut proven = cost.is_some_and(|c| (bound - 1e-6).ceil() >= c);
    let mut nodes = 0;
    if !proven && generated.settled && limits.search > 0.0 {
        let s = colgen::branch_and_price(
            &m,
            &pricer,
            &mut generated.columns,
            cost,
            &clock.settings(settings, limits.search),
            true,
        )?;
        if let Some((_, chosen)) = &s.best {
            let a = schedules(&generated.columns, chosen);
            cost = Some(super::model::evaluate(p, &a).objective);
            roster = Some(a);
        }
        bound = bound.max(s.bound);
        proven = s.proven;
        nodes = s.nodes;
        if progress {
            crate::i18n::show(
                &format!(
                    "branch-and-price: {} nodes, best {}, bound {:.2}{}\n",
                    s.nodes,
                    cost.map_or("–".into(), |c| format!("{c}")),
                    bound,
                    if proven { ", proven" } else { "" }
                ),
                true,
            );
        }
    }
    Ok(Decomposed {
        generated,
        roster,
        bound,
        proven,
        nodes,
    })
}

/// The first roster from column generation's columns: where the master settled, a MIP over
/// them (branch-and-price goes on from it); where it did not, a price-and-fix dive
/// ([`colgen::dive`]) in the time branch-and-price would have had (and where the MIP found
/// none, in the MIP's), its roster mended by best responses (a dive stopped by its time
/// leaves its last blocks on fractions of the master).
fn first_roster(
    p: &Problem,
    m: &Master,
    pricer: &NrpPricer,
    generated: &mut Generated,
    limits: Limits,
    settings: &SolverSettings,
    clock: &Clock,
) -> Result<Option<Assignment>, SolverError> {
    // (an unsettled master's columns were priced at passing duals: they seldom fit together
    // whole, and a MIP over them finds poor rosters)
    let picked = if generated.settled {
        colgen::best_integer(
            m,
            &generated.columns,
            &clock.settings(settings, limits.pick),
        )?
        .map(|(chosen, _)| chosen)
    } else {
        None
    };
    let dived = picked.is_none();
    let picked = match picked {
        Some(chosen) => Some(chosen),
        None => {
            let budget = if generated.settled {
                limits.pick
            } else {
                limits.pick + limits.search
            };
            colgen::dive(
                m,
                pricer,
                &mut generated.columns,
                generated.duals.as_ref(),
                &clock.settings(settings, budget),
            )?
        }
    };
    let mut roster = picked.map(|chosen| schedules(&generated.columns, &chosen));
    if dived {
        let own = Clock::start(&clock.settings(settings, limits.pick));
        roster = roster.map(|a| super::construct::improve(p, a, &own, settings.seed).roster);
    }
    if settings.progress && dived {
        let cost = roster
            .as_ref()
            .map(|a| super::model::evaluate(p, a).objective);
        crate::i18n::show(
            &format!(
                "dive: {} in {:.1} s\n",
                cost.map_or("no roster".into(), |c| format!("a roster of {c}")),
                clock.seconds()
            ),
            true,
        );
    }
    Ok(roster)
}

/// The roster of the chosen column of each employee.
fn schedules(columns: &[crate::solver::colgen::Column], chosen: &[usize]) -> Assignment {
    chosen
        .iter()
        .map(|&j| {
            columns[j]
                .payload
                .iter()
                .map(|&k| (k > 0).then(|| k as usize - 1))
                .collect()
        })
        .collect()
}

#[cfg(all(test, feature = "highs"))]
mod tests {
    use super::*;
    use crate::nrp::model::evaluate;
    use crate::solver::colgen::Effort;
    use std::path::Path;

    fn instance(i: usize) -> Option<Problem> {
        let path = format!("../shared/data/nrp-curtois/Instance{i}.txt");
        if !Path::new(&path).exists() {
            assert!(
                std::env::var("PAIBAN_REQUIRE_SHARED").is_err(),
                "{path} missing and PAIBAN_REQUIRE_SHARED is set"
            );
            return None;
        }
        Some(crate::nrp::read(Path::new(&path)).expect("instance reads"))
    }

    /// Settings with time for column generation to settle on a small instance.
    fn settings() -> SolverSettings {
        SolverSettings {
            time_limit_seconds: 90.0,
            ..SolverSettings::default()
        }
    }

    /// Column generation and the best roster among its columns (no branch-and-price).
    fn decomposed(p: &Problem) -> Decomposed {
        let limits = Limits {
            generate: 60.0,
            pick: 30.0,
            search: 0.0,
        };
        decompose(p, limits, &settings()).unwrap()
    }

    #[test]
    fn exact_pricing_finds_the_cheapest_schedule_within_every_rule() {
        use crate::nrp::construct::reduced_cost;
        use crate::solver::colgen::Pricer;
        use rand::{Rng, SeedableRng};
        // Instance1: 8 employees × 14 days × 1 shift type (7 to 9 shifts each), 2^14
        // schedules per employee to check against the labelling and its completion bound
        let Some(p) = instance(1) else { return };
        assert_eq!((p.days, p.shifts.len()), (14, 1));
        let pricer = NrpPricer::new(&p);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        for round in 0..4 {
            // duals from nothing to large rewards and charges per cover row
            let scale = [0.0, 5.0, 50.0, 300.0][round];
            let pi: Vec<f64> = (0..p.cover.len())
                .map(|_| rng.random_range(-0.3..1.0) * scale)
                .collect();
            for e in 0..p.employees.len() {
                let id = &p.employees[e].id;
                let mut cheapest = f64::INFINITY;
                for mask in 0u32..1 << 14 {
                    let schedule: Vec<u16> = (0..14).map(|d| ((mask >> d) & 1) as u16).collect();
                    let mut a: Assignment = vec![vec![None; p.days]; p.employees.len()];
                    a[e] = schedule.iter().map(|&k| (k > 0).then_some(0)).collect();
                    if evaluate(&p, &a)
                        .violations
                        .iter()
                        .any(|v| &v.employee == id)
                    {
                        continue;
                    }
                    cheapest = cheapest.min(reduced_cost(&pricer, e, &schedule, &pi));
                }
                // a threshold just above the cheapest: it alone (or its ties) gets through
                let priced = pricer
                    .price(e, &pi, cheapest + 0.5, 4, Effort::Exact, &[])
                    .expect("a schedule");
                assert!(
                    (priced.least - cheapest).abs() < 1e-6,
                    "round {round}, employee {e}: least {} vs {cheapest}",
                    priced.least
                );
                let first = priced.columns.first().expect("the cheapest schedule");
                let rc = reduced_cost(&pricer, e, &first.payload, &pi);
                assert!((rc - cheapest).abs() < 1e-6);
                // at the cheapest itself: nothing below it
                let none = pricer
                    .price(e, &pi, cheapest - 1e-9, 4, Effort::Exact, &[])
                    .unwrap();
                assert!(none.columns.is_empty() && none.least >= cheapest - 1e-6);
            }
        }
    }

    #[test]
    fn every_priced_schedule_keeps_every_rule_and_the_bound_holds() {
        // best known (proven optimal): Instance1 607, Instance2 828
        for (i, optimum) in [(1, 607.0), (2, 828.0)] {
            let Some(p) = instance(i) else { return };
            let d = decomposed(&p);
            let g = &d.generated;
            assert!(g.settled, "Instance{i}: column generation settles");
            assert!(
                g.bound <= optimum + 1e-6,
                "Instance{i}: bound {} above the optimum",
                g.bound
            );
            for c in &g.columns {
                let mut a: Assignment = vec![vec![None; p.days]; p.employees.len()];
                a[c.block] = c
                    .payload
                    .iter()
                    .map(|&k| (k > 0).then(|| k as usize - 1))
                    .collect();
                let v: Vec<_> = evaluate(&p, &a)
                    .violations
                    .into_iter()
                    .filter(|v| v.employee == p.employees[c.block].id)
                    .collect();
                assert!(v.is_empty(), "Instance{i}: a priced schedule breaks {v:?}");
            }
            let roster = d.roster.expect("a roster among the columns");
            let ev = evaluate(&p, &roster);
            assert!(ev.violations.is_empty());
            assert!(ev.objective >= g.bound - 1e-6 && d.bound >= g.bound);
        }
    }

    #[test]
    fn column_generation_cut_short_dives_to_a_roster_within_every_rule() {
        // Instance4 (proven optimum 1716) settles after ~25 iterations; a few units of work
        // stop it half way, where the master's columns alone make a poor roster
        let Some(p) = instance(4) else { return };
        let s = SolverSettings {
            work_limit: Some(20.0),
            time_limit_seconds: 120.0,
            ..SolverSettings::default()
        };
        let limits = Limits {
            generate: 0.05,
            pick: 5.0,
            search: 5.0,
        };
        let d = decompose(&p, limits, &s).unwrap();
        assert!(!d.generated.settled, "column generation was to stop early");
        let roster = d.roster.expect("the dive's roster");
        let ev = evaluate(&p, &roster);
        assert!(ev.violations.is_empty(), "{:?}", ev.violations);
        // far below the constructed roster (2441 after its best-response rounds)
        let built =
            crate::nrp::construct::construct(&p, &crate::solver::work::Clock::start(&s), 0, 0.01)
                .expect("a constructed roster");
        assert!(
            ev.objective < 0.9 * built.objective,
            "dive {} vs construction {}",
            ev.objective,
            built.objective
        );
        assert!(ev.objective >= 1716.0);
    }

    #[test]
    fn the_search_guide_weighs_nobody_at_an_optimum_of_the_relaxation_and_the_gap_elsewhere() {
        // Instance2: column generation's bound is the optimum (828), so an optimal roster uses
        // schedules of reduced cost 0 only
        let Some(p) = instance(2) else { return };
        let d = decomposed(&p);
        assert!(d.generated.converged);
        let duals = d.generated.duals.as_ref().expect("the master's duals");
        let (mip, x, _) = crate::nrp::model::model(&p);
        let guide = crate::nrp::solve::reduced_cost_guide(&p, &x, duals);
        let values = |a: &Assignment| {
            let mut v = vec![0.0; mip.num_vars()];
            for (var, value) in crate::nrp::solve::start_values(a, &x) {
                v[var.0] = value;
            }
            v
        };
        let best = d.roster.expect("the optimum among the columns");
        assert_eq!(evaluate(&p, &best).objective, 828.0);
        let at_best = (guide.0)(&values(&best));
        assert_eq!(at_best.len(), p.employees.len());
        assert!(at_best.iter().all(|w| w.abs() < 1e-6), "{at_best:?}");
        // a constructed roster: its weights add up to at most its cost above the bound (the
        // rest is the cover's), and someone is weighed where it is above
        let clock = crate::solver::work::Clock::start(&settings());
        let built = crate::nrp::construct::construct(&p, &clock, 0, 1.0).expect("a roster");
        let cost = evaluate(&p, &built.roster).objective;
        let weights = (guide.0)(&values(&built.roster));
        let total: f64 = weights.iter().sum();
        assert!(weights.iter().all(|&w| w >= 0.0));
        assert!(
            total <= cost - d.generated.bound + 1e-6,
            "{total} vs {cost}"
        );
        assert!(cost > 828.0 && total > 0.0, "{total} vs {cost}");
    }
}
