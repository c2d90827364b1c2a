//! Work: a measure of a search's effort that does not depend on the machine's speed or load,
//! so that a search paced by it gives the same answer for the same input, seed and threads.
//!
//! Every HiGHS solve is charged what it did (simplex and interior-point iterations and branch
//! and bound nodes, weighted by the model's size: [`highs_cost`]); paiban's own heuristics
//! charge their steps ([`charge_labels`]: the labels of a pricing or best-response search).
//! The charges add up on a per-thread meter ([`mark`], [`since`]); a [`Clock`] reads either that meter
//! (under a work limit) or the wall clock (under a time limit alone), and every phase of the
//! engines paces itself by the clock — so under a work limit every decision that used to
//! depend on the seconds a step took depends on its work instead.
//!
//! One unit of work is about one second of one core of the machine the weights were measured
//! on (an idle 2-core cloud machine of 2026; `PAIBAN_WORK_LOG=FILE` appends every HiGHS
//! solve's counts and seconds to FILE, from which the weights are fitted again). The time
//! limit stays as a cap: a solve whose clock runs out before its work does says so, and
//! that answer is only as reproducible as the machine's speed.
//!
//! The meter is per thread: a solve runs on one thread from start to end (no rayon inside the
//! solver), so solves running side by side (what-if cases) do not charge each other.

use std::cell::Cell;
use std::time::Instant;

use super::SolverSettings;

/// Seconds of one core per unit of each count, fitted (least squares on the seconds, so the
/// totals come out right: pacing adds them up) on 1,721 HiGHS solves of the benchmark's
/// instances and of paiban's festival plans and rosters: a solve, a nonzero of the model, a
/// simplex iteration per square root of its rows and columns (an iteration of a large
/// sparse model costs far less than one per line), an interior-point iteration per nonzero,
/// a node per row and column, a check of the MIP's limits outside the nodes (its root's
/// separation rounds) per nonzero (the last two small, fixed so that a MIP busy outside its
/// LPs is still charged). Each family's total comes within 0.83–1.03× of its seconds; per
/// solve, eight in ten within 0.4–1.7×.
const PER_SOLVE: f64 = 1.84e-2;
const PER_NONZERO: f64 = 2.39e-6;
const PER_ITERATION_ROOT_LINE: f64 = 2.5e-6;
const PER_IPM_NONZERO: f64 = 1.36e-7;
const PER_NODE_LINE: f64 = 5e-7;
const PER_ROOT_CHECK_NONZERO: f64 = 5e-8;
/// Seconds per step of a labelling search (a label extended by a choice, or carried to the
/// next day), per dominance comparison between two labels, and per search started (fitted
/// on the totals of 8,212 pricing searches of Curtois 5, 7, 8, 10 and 12, each instance's
/// total within 0.74–1.19× of its seconds; a comparison costs about a ninth of a step).
const PER_LABEL_STEP: f64 = 2.7e-8;
const PER_COMPARISON: f64 = 3e-9;
const PER_SEARCH: f64 = 6e-5;

thread_local! {
    /// In billionths of a unit: whole numbers add exactly, so the work a step did is the same
    /// whatever the thread had been charged before (floating-point sums would round it
    /// differently after a different history, e.g. another what-if case run on the thread).
    static METER: Cell<u64> = const { Cell::new(0) };
}

/// Billionths of a unit in a unit.
const NANO: f64 = 1e9;

/// The work charged to this thread between `since` (a [`mark`]) and now.
pub fn since(since: Mark) -> f64 {
    METER.with(Cell::get).saturating_sub(since.0) as f64 / NANO
}

/// A point on this thread's meter, to measure work from ([`since`]).
#[derive(Debug, Clone, Copy)]
pub struct Mark(u64);

/// This thread's meter now.
pub fn mark() -> Mark {
    Mark(METER.with(Cell::get))
}

/// Charges `units` of work to this thread.
pub fn charge(units: f64) {
    let nano = (units.max(0.0) * NANO).round() as u64;
    METER.with(|m| m.set(m.get().saturating_add(nano)));
}

/// Charges the work of a labelling search's `steps` (labels extended or carried) and
/// `comparisons` (dominance checks between labels).
pub fn charge_labels(steps: u64, comparisons: u64) {
    charge(steps as f64 * PER_LABEL_STEP + comparisons as f64 * PER_COMPARISON);
}

/// Charges the start of a labelling search (its set-up: costs, layouts, completion bounds).
pub fn charge_search() {
    charge(PER_SEARCH);
}

/// The size of a model as the cost of its solve sees it.
#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub rows: usize,
    pub cols: usize,
    pub nonzeros: usize,
}

/// What a HiGHS solve did: its iterations and nodes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub simplex_iterations: i64,
    pub ipm_iterations: i64,
    pub nodes: i64,
    /// The MIP's checks of its limits (separation rounds, nodes, strong branchings).
    pub checks: i64,
}

/// Per interior-point iteration, seconds per column times the square root of the rows, on
/// top of [`PER_IPM_NONZERO`]: IPX solves its normal equations by conjugate gradients with a
/// basis preconditioner, which grows faster than the nonzeros on the large plans. Fitted on
/// 25 LP relaxations of plans and benchmark models (9,400–574,000 nonzeros; with it the ones
/// above 1.5 s come within 0.82–1.44× of their seconds, the nonzero term alone charged a
/// skill-pooled plan's under a third). Used to judge an LP before it starts
/// ([`expected_ipm_cost`]); the meter keeps the fit of all solves.
const PER_IPM_COLUMN_ROOT_ROW: f64 = 3.4e-8;

/// The expected seconds of an interior-point solve of a model of `size` in `iterations`.
pub fn expected_ipm_cost(size: Size, iterations: i64) -> f64 {
    let per_iteration = PER_IPM_NONZERO * size.nonzeros as f64
        + PER_IPM_COLUMN_ROOT_ROW * size.cols as f64 * (size.rows as f64).sqrt();
    PER_SOLVE + PER_NONZERO * size.nonzeros as f64 + per_iteration * iterations.max(0) as f64
}

/// The interior-point iterations an LP of `rows` rows is expected to take: about 30 up to a
/// few thousand rows, growing with the logarithm beyond (21–46 measured on plans of 1,000–
/// 31,000 rows; a 41,000-row one had not converged in 52).
pub fn expected_ipm_iterations(rows: usize) -> i64 {
    (7.5 * (rows.max(1) as f64).ln() - 33.0).max(30.0).round() as i64
}

/// The work of a HiGHS solve of a model of `size` that did `c`.
pub fn highs_cost(size: Size, c: Counts) -> f64 {
    let lines = (size.rows + size.cols) as f64;
    let nnz = size.nonzeros as f64;
    let n = |k: i64| k.max(0) as f64;
    PER_SOLVE
        + PER_NONZERO * nnz
        + PER_ITERATION_ROOT_LINE * lines.sqrt() * n(c.simplex_iterations)
        + PER_IPM_NONZERO * nnz * n(c.ipm_iterations)
        + PER_NODE_LINE * lines * n(c.nodes)
        + PER_ROOT_CHECK_NONZERO * nnz * n(c.checks - c.nodes)
}

/// A search's clock: the work it has done (under a work limit) or the seconds it has run
/// (under a time limit alone), against its budget, with the time limit as a cap either way.
#[derive(Debug, Clone)]
pub struct Clock {
    wall0: Instant,
    work0: Mark,
    by_work: bool,
    budget: f64,
    cap: f64,
}

impl Clock {
    /// Started now with the settings' budget.
    pub fn start(s: &SolverSettings) -> Clock {
        Clock {
            wall0: Instant::now(),
            work0: mark(),
            by_work: s.work().is_some(),
            budget: s.budget(),
            cap: s.time_limit_seconds,
        }
    }
    /// Work done (under a work limit) or seconds run, since the start.
    pub fn elapsed(&self) -> f64 {
        if self.by_work {
            since(self.work0)
        } else {
            self.seconds()
        }
    }
    /// Seconds since the start, by the wall clock.
    pub fn seconds(&self) -> f64 {
        self.wall0.elapsed().as_secs_f64()
    }
    /// Seconds left before the time limit, by the wall clock.
    pub fn seconds_left(&self) -> f64 {
        (self.cap - self.seconds()).max(0.0)
    }
    /// The budget the clock runs against.
    pub fn budget(&self) -> f64 {
        self.budget
    }
    /// What is left of the budget (nothing once the time limit has passed).
    pub fn left(&self) -> f64 {
        if self.capped() {
            0.0
        } else {
            (self.budget - self.elapsed()).max(0.0)
        }
    }
    /// The time limit has passed before the budget was spent: what the search has now depends
    /// on the machine's speed (under a work limit; under a time limit that is the budget).
    pub fn capped(&self) -> bool {
        self.seconds() >= self.cap
    }
    /// How a search stopped by this clock (not by its gap) ended: at its work limit (the
    /// same answer on any machine) or at the time limit.
    pub fn stop_status(&self) -> super::Status {
        if self.by_work && !self.capped() {
            super::Status::WorkLimit
        } else {
            super::Status::TimeLimit
        }
    }
    /// The settings for a step of this search with `budget` (at most what is left): under a
    /// work limit that much work, with the time that is left as its cap.
    pub fn settings(&self, s: &SolverSettings, budget: f64) -> SolverSettings {
        self.grant(s, budget.min(self.left()), MIN_STEP)
    }
    /// The settings for a step with `budget` as it is, neither it nor the time that is left
    /// below `least` (it may run past this clock's own limit by that much).
    pub(super) fn grant(&self, s: &SolverSettings, budget: f64, least: f64) -> SolverSettings {
        let budget = budget.max(least);
        let wall_left = self.seconds_left().max(least);
        if self.by_work {
            SolverSettings {
                work_limit: Some(budget),
                time_limit_seconds: wall_left,
                ..s.clone()
            }
        } else {
            SolverSettings {
                work_limit: None,
                pacing: super::Pacing::Clock,
                time_limit_seconds: budget.min(wall_left),
                ..s.clone()
            }
        }
    }
    /// The settings for the rest of this search (all that is left).
    pub fn rest(&self, s: &SolverSettings) -> SolverSettings {
        self.settings(s, self.left())
    }
}

/// The least budget a step is given (a solve always gets a moment to find a first answer).
pub(super) const MIN_STEP: f64 = 0.05;

/// Where `PAIBAN_WORK_LOG` names a file, appends one line for a HiGHS solve: rows, columns,
/// nonzeros, integer columns, simplex and interior-point iterations, nodes, seconds (the data
/// the weights above are fitted on).
pub fn log_solve(size: Size, integers: usize, c: Counts, seconds: f64) {
    // read once: it is asked on every solve, thousands in a search
    static LOG: std::sync::OnceLock<Option<std::ffi::OsString>> = std::sync::OnceLock::new();
    let Some(path) = LOG.get_or_init(|| std::env::var_os("PAIBAN_WORK_LOG")) else {
        return;
    };
    use std::io::Write;
    if let Ok(mut f) = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
    {
        let _ = writeln!(
            f,
            "{} {} {} {} {} {} {} {} {:.6}",
            size.rows,
            size.cols,
            size.nonzeros,
            integers,
            c.simplex_iterations,
            c.ipm_iterations,
            c.nodes,
            c.checks,
            seconds
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_work_clock_reads_the_meter_and_the_time_limit_caps_it() {
        let s = SolverSettings {
            work_limit: Some(2.0),
            time_limit_seconds: 1000.0,
            ..SolverSettings::default()
        };
        let c = Clock::start(&s);
        assert_eq!(c.elapsed(), 0.0);
        charge(0.5);
        assert_eq!(c.elapsed(), 0.5);
        assert_eq!(c.left(), 1.5);
        let step = c.settings(&s, 10.0);
        assert_eq!(step.work_limit, Some(1.5));
        assert!(step.time_limit_seconds <= 1000.0);
        assert!(!c.capped());
        assert_eq!(c.stop_status(), crate::solver::Status::WorkLimit);
        // a clock that started earlier on the same thread counts from its own start
        let d = Clock::start(&s);
        charge(0.25);
        assert_eq!(d.elapsed(), 0.25);
        assert_eq!(c.elapsed(), 0.75);
        // past the time limit nothing is left, whatever the work
        let tight = SolverSettings {
            time_limit_seconds: 1e-9,
            ..s.clone()
        };
        let e = Clock::start(&tight);
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert_eq!(e.stop_status(), crate::solver::Status::TimeLimit);
        assert_eq!(e.left(), 0.0);
    }

    #[test]
    fn a_time_clock_is_the_wall_clock() {
        let s = SolverSettings {
            time_limit_seconds: 100.0,
            pacing: crate::solver::Pacing::Clock,
            ..SolverSettings::default()
        };
        let c = Clock::start(&s);
        charge(50.0);
        assert!(c.elapsed() < 1.0);
        let step = c.settings(&s, 10.0);
        assert_eq!(step.work(), None);
        assert!(step.time_limit_seconds <= 10.0);
        // a time clock's search ends by the time limit, whatever the work
        assert_eq!(c.stop_status(), crate::solver::Status::TimeLimit);
    }

    #[test]
    fn work_pacing_is_the_default_and_scales_with_the_time_limit() {
        let s = SolverSettings {
            time_limit_seconds: 50.0,
            ..SolverSettings::default()
        };
        assert_eq!(s.work(), Some(50.0 * crate::solver::WORK_PER_SECOND));
        assert_eq!(
            Clock::start(&s).budget(),
            50.0 * crate::solver::WORK_PER_SECOND
        );
        // a step of a work-paced search stays work-paced, whatever its own time limit
        let step = Clock::start(&s).settings(&s, 3.0);
        assert_eq!(step.work(), Some(3.0));
        let given = SolverSettings {
            work_limit: Some(7.0),
            pacing: crate::solver::Pacing::Clock,
            ..s.clone()
        };
        assert_eq!(given.work(), Some(7.0));
    }

    #[test]
    fn more_iterations_nodes_or_nonzeros_cost_more() {
        let size = Size {
            rows: 1000,
            cols: 3000,
            nonzeros: 20_000,
        };
        let c = Counts {
            simplex_iterations: 5000,
            ipm_iterations: 0,
            nodes: 10,
            checks: 12,
        };
        let base = highs_cost(size, c);
        assert!(base > 0.0);
        for more in [
            Counts {
                simplex_iterations: 6000,
                ..c
            },
            Counts { nodes: 20, ..c },
            Counts { checks: 20, ..c },
            Counts {
                ipm_iterations: 5,
                ..c
            },
        ] {
            assert!(highs_cost(size, more) > base);
        }
        let bigger = Size {
            nonzeros: 40_000,
            ..size
        };
        assert!(highs_cost(bigger, c) > base);
    }

    #[test]
    fn an_interior_point_solve_is_expected_to_grow_with_columns_and_rows_beyond_its_nonzeros() {
        let size = Size {
            rows: 10_000,
            cols: 30_000,
            nonzeros: 180_000,
        };
        let e = expected_ipm_cost(size, 30);
        // more than the meter charges for the same iterations, and more for a wider model
        // of the same nonzeros
        let charged = highs_cost(
            size,
            Counts {
                ipm_iterations: 30,
                ..Counts::default()
            },
        );
        assert!(e > charged);
        let wider = Size {
            cols: 120_000,
            ..size
        };
        assert!(expected_ipm_cost(wider, 30) > 2.0 * e - charged);
        assert!(expected_ipm_cost(size, 60) > e);
        assert_eq!(expected_ipm_iterations(1_000), 30);
        assert!(expected_ipm_iterations(40_000) > 45);
    }
}
