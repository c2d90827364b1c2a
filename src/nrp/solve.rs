//! Solving the rostering model: a constructed roster ([`super::construct`]), the
//! decomposition (column generation, branch-and-price) for a bound and a roster, then the
//! anytime engine over the compact MIP ([`super::model`]) from the cheaper; or one MIP
//! (`engine = "mip"`).

use super::model::{
    evaluate, model, Assignment, ColumnGeneration, Construction, Problem, Solution, XVars,
};
use crate::solver::colgen::Duals;
use crate::solver::{self, SolverError, SolverSettings};

/// Solves `p` within the settings' time limit and gap: by default a construction (every
/// employee's best response to the others, [`super::construct`]), the decomposition (column
/// generation, branch-and-price) for a bound and a roster, then the anytime engine
/// ([`solver::lns`]) from the cheaper roster; or one MIP (`engine = "mip"`). Where the compact
/// model would need more memory than allowed, or the engine finds nothing better in the time
/// left, the constructed roster is the answer (improved by best responses for the time left,
/// with the bound it has).
pub fn solve(p: &Problem, settings: &SolverSettings) -> Result<Solution, SolverError> {
    let clock = solver::work::Clock::start(settings);
    if settings.engine == solver::Engine::Mip {
        let (mip, x, constant) = model(p);
        let out = solver::solve_lp_then_mip(&mip, settings, "rostering")?;
        return Ok(finish(p, &x, constant, out, None, None));
    }
    let (mip, x, constant) = model(p);
    // a model too large for the engine's whole-model phases: its neighbourhoods are slow to
    // restrict and solve, where best responses keep improving; they go on until a round gains
    // under LEAST_ROUND_GAIN (or the time is up)
    let share = if solver::lns::whole_model_fits(&mip) {
        CONSTRUCT_SHARE
    } else {
        1.0
    };
    let built = constructed(p, settings, share);
    let construction = built.as_ref().map(|c| Construction {
        objective: c.objective,
        first_pass_seconds: c.first_pass_seconds,
        rounds: c.rounds,
        settled: c.settled,
        seconds: c.seconds,
    });
    if let (Err(too_big), Some(c)) = (solver::check_memory(&mip, settings, "rostering"), &built) {
        // the engine cannot hold the model: best responses for the whole time instead
        drop(mip);
        if settings.progress {
            crate::i18n::show(
                &format!("{too_big}; improving the constructed roster\n"),
                true,
            );
        }
        let c = super::construct::improve(p, c.roster.clone(), &clock, settings.seed);
        let out = constructed_outcome(p, &c.roster, &x, constant, None, &clock);
        return Ok(finish(p, &x, constant, out, None, construction));
    }
    // (the decomposition prices every employee's whole horizon each round: on a model too
    // large for the whole-model phases it settles no bound within a usual limit either)
    let (mut hint, column_generation) =
        if settings.column_generation && settings.backend == "highs" && share < 1.0 {
            decomposition_hint(p, &x, constant, &settings.remaining(&clock))
        } else {
            (Decomposition::default(), None)
        };
    // the cheaper of the decomposition's roster and the construction's starts the search
    if let Some(c) = built {
        let theirs = hint.roster.as_ref().map(|a| evaluate(p, a).objective);
        if theirs.is_none_or(|o| c.objective < o) {
            hint.roster = Some(c.roster);
        }
    }
    let spent = clock.seconds();
    let found = if clock.elapsed() < (1.0 - LEAST_SEARCH_SHARE) * settings.budget() {
        let lns_hint = solver::lns::Hint {
            bound: hint.bound,
            bound_beats_lp: hint.bound_beats_lp,
            start: hint.roster.as_ref().map(|a| start_values(a, &x)),
            guide: hint.guide.clone(),
        };
        solver::lns::solve_lns_with(&mip, &clock.rest(settings), "rostering", lns_hint)
    } else {
        Err(SolverError::no_solution("rostering", settings, spent))
    };
    let out = match (found, hint.roster) {
        (Ok(mut o), _) => {
            o.seconds += spent;
            o.trace.iter_mut().for_each(|t| t.seconds += spent);
            o
        }
        // no time left for the engine, or nothing from it: the roster it was to start from
        (Err(SolverError::Failed { .. }), Some(a)) => {
            constructed_outcome(p, &a, &x, constant, hint.bound, &clock)
        }
        (Err(e), _) => return Err(e),
    };
    Ok(finish(
        p,
        &x,
        constant,
        out,
        column_generation,
        construction,
    ))
}

/// A best-response round gaining less than this share of the roster's cost hands over to the
/// engine (the rounds settle in a local optimum the engine's neighbourhoods leave).
const LEAST_ROUND_GAIN: f64 = 0.01;

/// The least share of the time limit worth starting the anytime engine for.
const LEAST_SEARCH_SHARE: f64 = 0.05;

/// A roster found without the engine as its outcome, in the model's terms (its objective
/// leaves out `constant`; `bound` too).
fn constructed_outcome(
    p: &Problem,
    a: &Assignment,
    x: &XVars,
    constant: f64,
    bound: Option<f64>,
    clock: &solver::work::Clock,
) -> solver::Outcome {
    let variables = x
        .iter()
        .flatten()
        .flatten()
        .filter_map(|v| v.map(|v| v.0 + 1))
        .max();
    let mut values = vec![0.0; variables.unwrap_or(0)];
    for (v, value) in start_values(a, x) {
        values[v.0] = value;
    }
    let objective = evaluate(p, a).objective - constant;
    solver::Outcome {
        status: clock.stop_status(),
        objective,
        bound,
        gap: bound.map(|b| solver::rel_gap(objective, b)),
        seconds: clock.seconds(),
        backend: "construction".into(),
        variables: values.len(),
        integer_variables: values.len(),
        rows: 0,
        x: values,
        lp_bound: None,
        trace: Vec::new(),
    }
}

/// The solution of `out` (in the model's terms) scored as the benchmark scores it.
fn finish(
    p: &Problem,
    x: &XVars,
    constant: f64,
    mut out: solver::Outcome,
    column_generation: Option<ColumnGeneration>,
    construction: Option<Construction>,
) -> Solution {
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
        .map(|e| (0..p.days).map(|d| shift_of(&x[e][d], &out.x)).collect())
        .collect();
    let evaluation = evaluate(p, &assignment);
    // report the exact score of the assignment returned (the solver's carries its tolerances)
    out.objective = evaluation.objective;
    out.gap = out.bound.map(|b| solver::rel_gap(out.objective, b));
    Solution {
        assignment,
        evaluation,
        solve: out,
        lp_bound,
        column_generation,
        construction,
    }
}

/// Shares of the time limit for column generation, for picking a roster among its columns and
/// for branch-and-price after them (each step ends sooner where it is done).
const DECOMPOSE_SHARE: f64 = 0.25;
const PICK_SHARE: f64 = 0.05;
const SEARCH_SHARE: f64 = 0.1;

/// Share of the time limit for the construction's best-response rounds (its first pass
/// always finishes; the rounds end sooner where nobody changes).
const CONSTRUCT_SHARE: f64 = 0.1;

/// The construction's roster ([`super::construct`]), shown where progress is asked for.
fn constructed(
    p: &Problem,
    settings: &SolverSettings,
    share: f64,
) -> Option<super::construct::Constructed> {
    let whole = solver::work::Clock::start(settings);
    let own = solver::work::Clock::start(&whole.settings(settings, share * settings.budget()));
    let c = super::construct::construct(p, &own, settings.seed, LEAST_ROUND_GAIN);
    if settings.progress {
        let text = match &c {
            Some(c) if c.settled => format!(
                "construction: {} after {} best-response rounds (settled) in {:.1} s\n",
                c.objective, c.rounds, c.seconds
            ),
            Some(c) => format!(
                "construction: {} after {} best-response rounds in {:.1} s\n",
                c.objective, c.rounds, c.seconds
            ),
            None => "construction: some employee has no schedule within the rules\n".into(),
        };
        crate::i18n::show(&text, true);
    }
    c
}

/// What the decomposition gives the search: a bound in the model's terms (its objective
/// leaves out `constant`), whether it is at least the LP relaxation's, and a roster.
#[derive(Default)]
struct Decomposition {
    bound: Option<f64>,
    bound_beats_lp: bool,
    roster: Option<Assignment>,
    /// The settled master's reduced costs, to draw the search's neighbourhoods by.
    guide: Option<solver::lns::BlockGuide>,
}

/// The values of the model's assignment variables for roster `a`.
pub(super) fn start_values(a: &Assignment, x: &XVars) -> Vec<(solver::Var, f64)> {
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
}

/// The decomposition's bound and roster ([`super::decompose`]) and what it reached. Nothing
/// where it finds nothing (the engine then starts on its own).
fn decomposition_hint(
    p: &Problem,
    x: &XVars,
    constant: f64,
    settings: &SolverSettings,
) -> (Decomposition, Option<ColumnGeneration>) {
    let limit = settings.budget();
    let limits = super::decompose::Limits {
        generate: DECOMPOSE_SHARE * limit,
        pick: PICK_SHARE * limit,
        search: SEARCH_SHARE * limit,
    };
    let found = super::decompose::decompose(p, limits, settings);
    let Ok(d) = found else {
        return (Decomposition::default(), None);
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
    (
        Decomposition {
            bound: d.bound.is_finite().then_some(d.bound - constant),
            // a settled master's bound is at least the compact model's LP relaxation's
            bound_beats_lp: g.settled || d.proven,
            roster: d.roster,
            guide: g
                .duals
                .as_ref()
                .filter(|_| g.settled)
                .map(|duals| reduced_cost_guide(p, x, duals)),
        },
        Some(summary),
    )
}

/// The search's guide from a settled master's duals: per employee, the reduced cost of the
/// schedule a solution gives them (`cost − π·a − μ`, at least 0) — above 0 where the
/// relaxation's optimum would have them work otherwise.
pub(super) fn reduced_cost_guide(p: &Problem, x: &XVars, duals: &Duals) -> solver::lns::BlockGuide {
    let rc = super::pricing::NrpPricer::new(p).reduced_cost_tables(&duals.pi);
    let mu = duals.mu.clone();
    let x = x.clone();
    solver::lns::BlockGuide(std::sync::Arc::new(move |values: &[f64]| {
        x.iter()
            .enumerate()
            .map(|(e, days)| {
                let cost: f64 = days
                    .iter()
                    .enumerate()
                    .map(|(d, shifts)| {
                        let k = shift_of(shifts, values).map_or(0, |s| s + 1);
                        rc[e][d][k].unwrap_or(0.0)
                    })
                    .sum();
                (cost - mu[e]).max(0.0)
            })
            .collect()
    }))
}

/// The shift a solution's `values` give one employee on one day (`shifts`: the day's
/// variables per shift type), if any.
fn shift_of(shifts: &[Option<solver::Var>], values: &[f64]) -> Option<usize> {
    shifts
        .iter()
        .position(|v| v.is_some_and(|v| values[v.0] > 0.5))
}
