//! Solving the rostering model: the decomposition (column generation, branch-and-price) for a
//! bound and a first roster, then the anytime engine over the compact MIP ([`super::model`]),
//! or one MIP (`engine = "mip"`).

use super::model::{evaluate, model, Assignment, ColumnGeneration, Problem, Solution, XVars};
use crate::solver::{self, SolverError, SolverSettings};

/// Solves `p` within the settings' time limit and gap: by default with the anytime engine
/// ([`solver::lns`]: construction, large-neighbourhood search, the whole MIP below the best
/// found), or as one MIP (`engine = "mip"`).
pub fn solve(p: &Problem, settings: &SolverSettings) -> Result<Solution, SolverError> {
    let (mip, x, constant) = model(p);
    let mut column_generation = None;
    let mut out = match settings.engine {
        solver::Engine::Mip => solver::solve_lp_then_mip(&mip, settings, "rostering")?,
        _ => {
            let t0 = std::time::Instant::now();
            let (hint, cg) = if settings.column_generation && settings.backend == "highs" {
                decomposition_hint(p, &x, constant, settings)
            } else {
                (solver::lns::Hint::default(), None)
            };
            column_generation = cg;
            let spent = t0.elapsed().as_secs_f64();
            let mut o =
                solver::lns::solve_lns_with(&mip, &settings.remaining(spent), "rostering", hint)?;
            o.seconds += spent;
            o.trace.iter_mut().for_each(|t| t.seconds += spent);
            o
        }
    };
    out.objective += constant;
    if let Some(b) = out.bound.take() {
        out.tighten_bound(b + constant);
    }
    out.lp_bound = out.lp_bound.map(|b| b + constant);
    for t in &mut out.trace {
        t.objective += constant;
        t.bound = t.bound.map(|b| b + constant);
    }
    let lp_bound = out.lp_bound;
    let assignment: Assignment = (0..p.employees.len())
        .map(|e| {
            (0..p.days)
                .map(|d| {
                    (0..p.shifts.len()).find(|&s| x[e][d][s].is_some_and(|v| out.x[v.0] > 0.5))
                })
                .collect()
        })
        .collect();
    let evaluation = evaluate(p, &assignment);
    // report the exact score of the assignment returned (the solver's carries its tolerances)
    out.objective = evaluation.objective;
    out.gap = out.bound.map(|b| solver::rel_gap(out.objective, b));
    Ok(Solution {
        assignment,
        evaluation,
        solve: out,
        lp_bound,
        column_generation,
    })
}

/// Shares of the time limit for column generation, for picking a roster among its columns and
/// for branch-and-price after them (each step ends sooner where it is done).
const DECOMPOSE_SHARE: f64 = 0.25;
const PICK_SHARE: f64 = 0.05;
const SEARCH_SHARE: f64 = 0.1;

/// The decomposition's bound and roster ([`super::decompose`]) as the anytime engine's hint,
/// in the model's terms (its objective leaves out `constant`), and what it reached. Nothing
/// where it finds nothing (the engine then starts on its own).
fn decomposition_hint(
    p: &Problem,
    x: &XVars,
    constant: f64,
    settings: &SolverSettings,
) -> (solver::lns::Hint, Option<ColumnGeneration>) {
    let limit = settings.time_limit_seconds;
    let limits = super::decompose::Limits {
        generate: DECOMPOSE_SHARE * limit,
        pick: PICK_SHARE * limit,
        search: SEARCH_SHARE * limit,
    };
    let found = super::decompose::decompose(p, limits, settings.seed, settings.progress);
    let Ok(d) = found else {
        return (solver::lns::Hint::default(), None);
    };
    let g = &d.generated;
    let summary = ColumnGeneration {
        bound: g.bound.is_finite().then_some(g.bound),
        converged: g.converged,
        settled: g.settled,
        iterations: g.iterations,
        columns: g.columns.len(),
        seconds: g.seconds,
        branch_and_price_nodes: d.nodes,
        branch_and_price_bound: (d.nodes > 0 && d.bound.is_finite()).then_some(d.bound),
    };
    let bound = d.bound.is_finite().then_some(d.bound - constant);
    let start = d.roster.map(|a| {
        let mut values = Vec::new();
        for (e, days) in x.iter().enumerate() {
            for (day, shifts) in days.iter().enumerate() {
                for (s, v) in shifts.iter().enumerate() {
                    if let Some(v) = v {
                        values.push((*v, f64::from(u8::from(a[e][day] == Some(s)))));
                    }
                }
            }
        }
        values
    });
    // a settled master's bound is at least the compact model's LP relaxation's
    let bound_beats_lp = g.settled || d.proven;
    (
        solver::lns::Hint {
            bound,
            bound_beats_lp,
            start,
        },
        Some(summary),
    )
}
