//! A solver-independent MIP model and the bridge to good_lp's backends.
//!
//! Stages build a [`Mip`] (variables with bounds and costs, sparse rows); [`solve`] hands it
//! to HiGHS (default) or microlp through good_lp with the time limit and gap from the solver
//! settings, and reports status, objective, best bound and gap. The same model solved with
//! integrality dropped gives the LP bound.

use serde::{Deserialize, Serialize};
use std::path::Path;
use std::time::Instant;

pub mod colgen;
pub mod lns;
pub mod windows;
pub mod work;

impl SolverError {
    /// The solve of `what` under settings `s` stopped after `seconds` without a feasible
    /// solution: by its work limit where it has one, else by the clock.
    pub fn no_solution(what: &str, s: &SolverSettings, seconds: f64) -> SolverError {
        let detail = match s.work() {
            Some(w) if seconds < s.time_limit_seconds => format!(
                "no feasible solution found within its work limit of {w:.1} ({seconds:.1} s); raise work_limit, or time_limit_seconds where no work_limit is set (the work limit is then {WORK_PER_SECOND} per second of it) (solver settings, --solver FILE)"
            ),
            _ => format!(
                "no feasible solution found within {seconds:.1} s; raise time_limit_seconds (solver settings, --solver FILE)"
            ),
        };
        SolverError::Failed {
            what: what.into(),
            detail,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SolverError {
    #[error("{file}: {message}")]
    Config { file: String, message: String },
    #[error("solver backend `{0}` is not compiled into this build; rebuild with `--features {0}` or use another backend")]
    Backend(String),
    #[error("the {what} model has no feasible solution ({detail})")]
    Infeasible { what: String, detail: String },
    #[error("the solver stopped without a solution for the {what} model: {detail}")]
    Failed { what: String, detail: String },
    #[error("the {what} model has {rows} rows, {cols} variables and {nonzeros} nonzeros: the solver would need about {need_mb} MB, more than the {limit_mb} MB allowed (memory_limit_mb, default 80% of the memory free now); plan fewer days or agents per run, or raise memory_limit_mb in the solver settings (--solver FILE) on a machine with more memory")]
    TooBig {
        what: String,
        rows: usize,
        cols: usize,
        nonzeros: usize,
        need_mb: u64,
        limit_mb: u64,
    },
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SolverSettings {
    #[serde(default = "d_backend")]
    pub backend: String,
    /// The longest a solve may run, by the clock. Under work pacing (the default) it is a
    /// cap (a solve stopped by it says so); under clock pacing it is also what the search
    /// paces itself by.
    #[serde(default = "d_time")]
    pub time_limit_seconds: f64,
    /// The work a solve may do, in units of about a second of one idle core ([`work`]): the
    /// search paces itself by the work it has done, not by the clock, so the same input, seed
    /// and threads give the same answer on a busy machine as on an idle one. `None`: under
    /// work pacing, [`WORK_PER_SECOND`] units per second of the time limit; under clock
    /// pacing, none.
    #[serde(default)]
    pub work_limit: Option<f64>,
    /// What a search paces itself by: `work` (the default: the same answer on any machine
    /// that is not much slower than the reference, see [`SolverSettings::work`]) or `clock`
    /// (the whole time limit by the wall clock: all of it used, the answer as reproducible as
    /// the machine's speed).
    #[serde(default)]
    pub pacing: Pacing,
    #[serde(default = "d_gap")]
    pub mip_rel_gap: f64,
    #[serde(default = "d_threads")]
    pub threads: u32,
    #[serde(default)]
    pub seed: u32,
    #[serde(default)]
    pub verbose: bool,
    /// Share of MIP effort HiGHS spends on primal heuristics (its default 0.05); more finds
    /// good solutions sooner on hard rostering models.
    #[serde(default)]
    pub mip_heuristic_effort: Option<f64>,
    /// Rosters with more binaries than this are solved LP-first (the LP relaxation's whole
    /// assignments fixed, the MIP deciding the rest); default 20,000.
    #[serde(default)]
    pub lp_first_above: Option<usize>,
    /// Any further HiGHS option by its own name (`[highs] mip_pool_soft_limit = 1000`),
    /// applied after the ones above; an unknown name or a wrong type is an error.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub highs: std::collections::BTreeMap<String, toml::Value>,
    /// Most memory a solve may need, in MB (estimated from the model's size before it is
    /// handed to the solver); default: 80% of the memory free when the solve starts.
    #[serde(default)]
    pub memory_limit_mb: Option<u64>,
    /// `mip` (one MIP), `lns` (construction, large-neighbourhood search, then the MIP below
    /// the best found: [`lns`]) or `auto` (each stage's choice: the anytime engine for rosters
    /// of named people and for aggregate plans — where it starts from the MIP around the LP's
    /// optimum — column generation first for the benchmark).
    #[serde(default)]
    pub engine: Engine,
    /// Share of the time limit the LNS engine keeps for the final whole-MIP search (default
    /// 0.1; a search that stops finding better hands over sooner); the rest goes to the first
    /// roster and the neighbourhoods.
    #[serde(default)]
    pub lns_proof_share: Option<f64>,
    /// Print the incumbent, bound and gap to stderr as the search improves them.
    #[serde(default)]
    pub progress: bool,
    /// Where the model has a pricing problem (the benchmark's), column generation first: the
    /// strong bound and the first roster (default true; `false` leaves the anytime engine on
    /// its own, as before it).
    #[serde(default = "d_true")]
    pub column_generation: bool,
}

fn d_true() -> bool {
    true
}

/// What a search paces itself by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pacing {
    /// The work it has done: the same answer for the same input, seed and threads.
    #[default]
    Work,
    /// The wall clock.
    Clock,
}

/// Units of work a search under work pacing gets per second of its time limit when no
/// `work_limit` is given: a unit takes 0.9–1.4 s on an idle reference core, so the work runs
/// out before the clock on machines up to about 1.2–1.9 times slower than that (a busy
/// machine's answer is then the idle machine's), and the time limit stays a hard cap.
pub const WORK_PER_SECOND: f64 = 0.6;

/// Which engine solves a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    #[default]
    Auto,
    Mip,
    Lns,
}
fn d_backend() -> String {
    if cfg!(feature = "highs") {
        "highs"
    } else {
        "microlp"
    }
    .into()
}
fn d_time() -> f64 {
    60.0
}
fn d_gap() -> f64 {
    0.001
}
fn d_threads() -> u32 {
    1
}

impl Default for SolverSettings {
    fn default() -> Self {
        toml::from_str("").expect("all solver settings have defaults")
    }
}

impl SolverSettings {
    /// What a search paces itself by: the work limit where there is one, else the time limit
    /// (a unit of work is about a second).
    pub fn budget(&self) -> f64 {
        self.work().unwrap_or(self.time_limit_seconds)
    }
    /// The work limit a search paces itself by: `work_limit` where given, else under work
    /// pacing [`WORK_PER_SECOND`] per second of the time limit; `None` under clock pacing,
    /// and with the `microlp` backend unless a work limit is given (only HiGHS's solves are
    /// measured in work).
    pub fn work(&self) -> Option<f64> {
        match (self.work_limit, self.pacing) {
            (Some(w), _) => Some(w),
            (None, Pacing::Work) if self.backend == "highs" => {
                Some(self.time_limit_seconds * WORK_PER_SECOND)
            }
            (None, _) => None,
        }
    }
    /// These settings for what is left of the budget after `clock`'s steps, and of the time
    /// limit (each at least a tenth of the whole, so a solve always gets a moment to find a
    /// first answer).
    pub fn remaining(&self, clock: &work::Clock) -> SolverSettings {
        clock.grant(self, clock.left(), 0.1 * self.budget())
    }

    pub fn load(file: &Path) -> Result<Self, SolverError> {
        let cfg = |m: String| SolverError::Config {
            file: file.display().to_string(),
            message: m,
        };
        crate::io::note_input(file);
        let text = std::fs::read_to_string(file).map_err(|e| cfg(format!("cannot read: {e}")))?;
        let s: SolverSettings = toml::from_str(&text).map_err(|e| {
            cfg(format!("{e}\n  fix: the keys are backend, engine, time_limit_seconds, work_limit, pacing, mip_rel_gap, threads, seed, verbose, progress, mip_heuristic_effort, lp_first_above, lns_proof_share, column_generation, memory_limit_mb, and a [highs] table of HiGHS options (see solver-configs/default.toml)"))
        })?;
        if s.time_limit_seconds.is_nan() || s.time_limit_seconds <= 0.0 {
            return Err(cfg(
                "time_limit_seconds must be positive\n  fix: e.g. time_limit_seconds = 60".into(),
            ));
        }
        if s.work_limit.is_some_and(|w| w.is_nan() || w <= 0.0) {
            return Err(cfg(
                "work_limit must be positive\n  fix: e.g. work_limit = 40 (about 40 s of one idle core)".into(),
            ));
        }
        if !(0.0..1.0).contains(&s.mip_rel_gap) {
            return Err(cfg(
                "mip_rel_gap must be in [0, 1)\n  fix: e.g. mip_rel_gap = 0.001 for 0.1%".into(),
            ));
        }
        if !["highs", "microlp"].contains(&s.backend.as_str()) {
            return Err(cfg(format!(
                "unknown backend `{}`\n  fix: use highs or microlp",
                s.backend
            )));
        }
        if s.threads == 0 {
            return Err(cfg("threads must be at least 1".into()));
        }
        Ok(s)
    }
}

/// Index of a variable in a [`Mip`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Var(pub usize);

/// A sparse row `lo ≤ Σ coef·x ≤ hi`.
pub type Row = (Vec<(Var, f64)>, f64, f64);

#[derive(Debug, Clone, Default)]
pub struct Mip {
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    pub integer: Vec<bool>,
    pub cost: Vec<f64>,
    /// Rows `lo ≤ Σ coef·x ≤ hi`.
    pub rows: Vec<Row>,
    /// Per variable, what it belongs to (see [`Tag`]): the structure the large-neighbourhood
    /// search ([`lns`]) frees and fixes by.
    pub tags: Vec<Tag>,
    /// The builder's word that every solution's best completion costs a whole number (whole
    /// weights on whole quantities, even where a slack is continuous): bounds round up and
    /// "better" means at least 1 better. Found by itself where every cost is whole and on an
    /// integer variable.
    pub whole_costs: bool,
    /// A constant the objective leaves out (the caller adds it to the answer), added where a
    /// search shows its progress so the lines read as the final answer will.
    pub shown_offset: f64,
    /// The tag new variables get ([`Mip::tag_with`]).
    current: Tag,
}

/// What a variable belongs to: a block (an employee: the variables of one person's schedule)
/// and the times (days, first to last) it speaks of, either unknown. Variables of no block
/// (cover slacks, team totals) are free in every neighbourhood of blocks; variables of no
/// time, in every window of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tag {
    pub block: Option<u32>,
    pub time: Option<(u32, u32)>,
}

impl Mip {
    pub fn var(&mut self, lo: f64, hi: f64, integer: bool, cost: f64) -> Var {
        self.tags.push(self.current);
        self.lo.push(lo);
        self.hi.push(hi);
        self.integer.push(integer);
        self.cost.push(cost);
        Var(self.lo.len() - 1)
    }
    pub fn row(&mut self, terms: Vec<(Var, f64)>, lo: f64, hi: f64) {
        self.rows.push((terms, lo, hi));
    }
    /// Variables made from now on belong to this block and time.
    pub fn tag_with(&mut self, block: Option<usize>, time: Option<usize>) {
        self.current = Tag {
            block: block.map(|b| b as u32),
            time: time.map(|t| (t as u32, t as u32)),
        };
    }
    /// Variables made from now on speak of days `from..=to` (their block unchanged); `None`:
    /// of no particular day.
    pub fn tag_days(&mut self, days: Option<(usize, usize)>) {
        self.current.time = days.map(|(a, z)| (a as u32, z as u32));
    }
    pub fn num_vars(&self) -> usize {
        self.lo.len()
    }
    pub fn num_integer(&self) -> usize {
        self.integer.iter().filter(|b| **b).count()
    }
    pub fn objective(&self, x: &[f64]) -> f64 {
        self.cost.iter().zip(x).map(|(c, v)| c * v).sum()
    }
    /// The same model with integrality dropped.
    pub fn relaxed(&self) -> Mip {
        Mip {
            integer: vec![false; self.integer.len()],
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Optimal,
    /// Stopped within the requested gap.
    GapLimit,
    /// Stopped by the time limit with a feasible solution.
    TimeLimit,
    /// Stopped by the work limit with a feasible solution (the same answer on any machine).
    WorkLimit,
    /// The best solution of a restricted model (some variables fixed first), not proven
    /// optimal for the whole model: its gap is against the whole model's bound.
    Restricted,
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Status::Optimal => "optimal",
            Status::GapLimit => "within gap",
            Status::TimeLimit => "time limit",
            Status::WorkLimit => "work limit",
            Status::Restricted => "restricted model",
        })
    }
}

/// Serialised as shown to users: `optimal`, `within gap`, `time limit`, `work limit`.
impl Serialize for Status {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub status: Status,
    pub objective: f64,
    /// Best proven lower bound (minimisation); `None` where the backend reports none.
    pub bound: Option<f64>,
    /// Relative gap `(objective − bound) / |objective|`.
    pub gap: Option<f64>,
    pub seconds: f64,
    pub backend: String,
    pub variables: usize,
    pub integer_variables: usize,
    pub rows: usize,
    #[serde(skip)]
    pub x: Vec<f64>,
    /// The LP relaxation's optimum where the engine solved it to the end (a valid bound).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lp_bound: Option<f64>,
    /// The best solution and bound over time (the LNS engine's progress).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub trace: Vec<lns::Progress>,
}

impl Outcome {
    /// Adopts a proven lower bound from elsewhere (e.g. the LP relaxation) when it is tighter
    /// than the backend's own, or when the backend reported none.
    pub fn tighten_bound(&mut self, lb: f64) {
        if self.bound.is_none_or(|b| lb > b) {
            self.bound = Some(lb);
            self.gap = Some(rel_gap(self.objective, lb));
        }
    }
    /// This outcome came from a restricted model and `bound` is the whole model's: the
    /// status says what that bound proves (optimal or within the gap) and no more.
    pub fn restricted(&mut self, bound: Option<f64>, settings: &SolverSettings) {
        self.bound = None;
        self.gap = None;
        if let Some(b) = bound {
            self.tighten_bound(b);
        }
        let gap = self.gap.unwrap_or(f64::INFINITY);
        self.status = if gap <= 1e-9 {
            Status::Optimal
        } else if gap <= settings.mip_rel_gap {
            Status::GapLimit
        } else if matches!(self.status, Status::TimeLimit | Status::WorkLimit) {
            self.status
        } else {
            Status::Restricted
        };
    }
    pub fn value(&self, v: Var) -> f64 {
        self.x[v.0]
    }
    pub fn round(&self, v: Var) -> i64 {
        self.x[v.0].round() as i64
    }
}

/// Relative gap `(objective − bound) / |objective|`, 0 when they meet.
pub fn rel_gap(obj: f64, bound: f64) -> f64 {
    let d = (obj - bound).max(0.0);
    if d <= 1e-9 {
        0.0
    } else {
        d / obj.abs().max(1e-9)
    }
}

/// Bytes a MIP solver holds per nonzero and per variable of the model (copies of the matrix,
/// presolve, factorisation, cuts, the search tree), measured with HiGHS on paiban's rosters:
/// a 1,000-agent week (42,169 variables, 345,567 nonzeros) peaks at 250 MB for the whole run.
const BYTES_PER_NONZERO: u64 = 600;
const BYTES_PER_VARIABLE: u64 = 1_000;

impl Mip {
    pub fn num_nonzeros(&self) -> usize {
        self.rows.iter().map(|r| r.0.len()).sum()
    }
    /// The model's size as the work a solve of it is charged sees it.
    pub fn size(&self) -> work::Size {
        work::Size {
            rows: self.rows.len(),
            cols: self.num_vars(),
            nonzeros: self.num_nonzeros(),
        }
    }
    /// The memory a solver is expected to need for this model, in MB.
    pub fn estimated_mb(&self) -> u64 {
        (self.num_nonzeros() as u64 * BYTES_PER_NONZERO
            + self.num_vars() as u64 * BYTES_PER_VARIABLE)
            .div_ceil(1 << 20)
    }
}

/// Memory free now (MemAvailable), in MB, where the system says.
fn available_mb() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Refuses, before the solver is started, a model that would need more memory than allowed.
pub fn check_memory(m: &Mip, s: &SolverSettings, what: &str) -> Result<(), SolverError> {
    let Some(limit_mb) = s
        .memory_limit_mb
        .or_else(|| available_mb().map(|a| a * 4 / 5))
    else {
        return Ok(());
    };
    let need_mb = m.estimated_mb();
    if need_mb > limit_mb {
        return Err(SolverError::TooBig {
            what: what.into(),
            rows: m.rows.len(),
            cols: m.num_vars(),
            nonzeros: m.num_nonzeros(),
            need_mb,
            limit_mb,
        });
    }
    Ok(())
}

/// Minimises the model with the configured backend. `what` names the model in messages.
pub fn solve(m: &Mip, s: &SolverSettings, what: &str) -> Result<Outcome, SolverError> {
    check_memory(m, s, what)?;
    let t0 = Instant::now();
    let raw = run_backend(m, s, what, None)?;
    let (status, x) = match raw.found {
        Found::Infeasible => {
            return Err(SolverError::Infeasible {
                what: what.into(),
                detail: format!("{} proved it infeasible", s.backend),
            })
        }
        Found::Nothing => {
            // stopped by the clock: its limit; by work: the seconds that took
            let seconds = match s.work() {
                Some(_) => t0.elapsed().as_secs_f64(),
                None => s.time_limit_seconds,
            };
            return Err(SolverError::no_solution(what, s, seconds));
        }
        Found::Solution(st, x) => (st, x),
    };
    Ok(outcome(m, s, status, raw.bound, x, t0))
}

/// The LP relaxation first (a bound, and quick), then the MIP with what is left of the limit,
/// so the whole solve keeps to `time_limit_seconds`; the LP's optimum (where it finished) is
/// the outcome's `lp_bound` and tightens its bound.
pub fn solve_lp_then_mip(m: &Mip, s: &SolverSettings, what: &str) -> Result<Outcome, SolverError> {
    let clock = work::Clock::start(s);
    let lp = solve(&m.relaxed(), s, &format!("{what} LP relaxation"))?;
    let mut out = solve(m, &s.remaining(&clock), what)?;
    out.seconds += lp.seconds;
    if let Some(b) = lp.bound {
        out.tighten_bound(b);
    }
    out.lp_bound = lp.bound;
    Ok(out)
}

fn outcome(
    m: &Mip,
    s: &SolverSettings,
    status: Status,
    bound: Option<f64>,
    x: Vec<f64>,
    t0: Instant,
) -> Outcome {
    let objective = m.objective(&x);
    let gap = bound.map(|b| rel_gap(objective, b));
    let status = match (status, gap) {
        (Status::Optimal, Some(g)) if g > 1e-9 => Status::GapLimit,
        (st, _) => st,
    };
    Outcome {
        status,
        objective,
        bound,
        gap,
        seconds: t0.elapsed().as_secs_f64(),
        backend: s.backend.clone(),
        variables: m.num_vars(),
        integer_variables: m.num_integer(),
        rows: m.rows.len(),
        x,
        lp_bound: None,
        trace: Vec::new(),
    }
}

/// What a search for a solution below a cutoff found.
#[derive(Debug)]
pub enum Below {
    /// A solution whose objective is below the cutoff (its bound is the whole model's).
    Better(Outcome),
    /// None below the cutoff: `proven` when the search was complete (every solution costs at
    /// least the cutoff), else `bound` is what the search proved before it stopped.
    NoneBetter { proven: bool, bound: Option<f64> },
}

/// Minimises the model looking only for solutions whose objective is below `cutoff` (HiGHS's
/// objective bound: it prunes everything at or above it). This is how a known solution helps
/// the MIP search without being handed to it as a start.
pub fn solve_below(
    m: &Mip,
    s: &SolverSettings,
    what: &str,
    cutoff: f64,
) -> Result<Below, SolverError> {
    check_memory(m, s, what)?;
    let t0 = Instant::now();
    let raw = run_backend(m, s, what, Some(cutoff))?;
    Ok(match raw.found {
        // a backend may hand back a point at or above the cutoff (what it had when time ran
        // out): that is not a better solution
        Found::Solution(st, x) if m.objective(&x) < cutoff => {
            Below::Better(outcome(m, s, st, raw.bound, x, t0))
        }
        // (HiGHS may also prove a point above the cutoff optimal: its dual bound then
        // proves that nothing below the cutoff exists)
        Found::Solution(..) | Found::Nothing => Below::NoneBetter {
            proven: raw.bound.is_some_and(|b| b >= cutoff),
            bound: raw.bound.map(|b| b.min(cutoff)),
        },
        Found::Infeasible => Below::NoneBetter {
            proven: true,
            bound: Some(cutoff),
        },
    })
}

fn run_backend(
    m: &Mip,
    s: &SolverSettings,
    what: &str,
    cutoff: Option<f64>,
) -> Result<Raw, SolverError> {
    match s.backend.as_str() {
        "highs" => solve_highs(m, s, what, cutoff),
        "microlp" if cutoff.is_some() => Ok(Raw {
            found: Found::Nothing,
            bound: None,
        }),
        "microlp" => solve_microlp(m, s, what),
        b => Err(SolverError::Backend(b.into())),
    }
}

/// What a backend found.
enum Found {
    Solution(Status, Vec<f64>),
    /// Proven infeasible (under a cutoff: nothing below it).
    Infeasible,
    /// Stopped without a solution.
    Nothing,
}

/// A backend's answer: what it found and the best lower bound it proved (if any).
struct Raw {
    found: Found,
    bound: Option<f64>,
}

#[cfg(feature = "highs")]
fn solve_highs(
    m: &Mip,
    s: &SolverSettings,
    what: &str,
    cutoff: Option<f64>,
) -> Result<Raw, SolverError> {
    use highs::{HighsModelStatus as H, RowProblem, Sense};
    let mut p = RowProblem::default();
    let cols: Vec<highs::Col> = (0..m.num_vars())
        .map(|i| p.add_column_with_integrality(m.cost[i], m.lo[i]..=m.hi[i], m.integer[i]))
        .collect();
    for (terms, lo, hi) in &m.rows {
        let t = terms.iter().map(|(v, c)| (cols[v.0], *c));
        match (lo.is_finite(), hi.is_finite()) {
            (true, true) => p.add_row(*lo..=*hi, t),
            (true, false) => p.add_row(*lo.., t),
            (false, true) => p.add_row(..=*hi, t),
            (false, false) => p.add_row(f64::NEG_INFINITY..=f64::INFINITY, t),
        }
    }
    let fail = |d: String| SolverError::Failed {
        what: what.into(),
        detail: d,
    };
    let mut model = p
        .try_optimise(Sense::Minimise)
        .map_err(|e| fail(format!("{e:?}")))?;
    model.set_option("output_flag", s.verbose);
    model.set_option("log_to_console", s.verbose);
    model.set_option("mip_rel_gap", s.mip_rel_gap);
    model.set_option("random_seed", s.seed as i32);
    model.set_option("threads", s.threads as i32);
    if let Some(c) = cutoff {
        model.set_option("objective_bound", c);
    }
    if let Some(e) = s.mip_heuristic_effort {
        model.set_option("mip_heuristic_effort", e);
    }
    for (k, v) in &s.highs {
        let ok = match v {
            toml::Value::Boolean(b) => model.try_set_option(k.as_str(), *b).is_ok(),
            toml::Value::Integer(i) => model.try_set_option(k.as_str(), *i as i32).is_ok(),
            toml::Value::Float(f) => model.try_set_option(k.as_str(), *f).is_ok(),
            toml::Value::String(t) => model.try_set_option(k.as_str(), t.as_str()).is_ok(),
            _ => false,
        };
        if !ok {
            return Err(fail(format!(
                "HiGHS refused option {k} = {v}; check its name and type in the HiGHS options list"
            )));
        }
    }
    let size = m.size();
    // No MIP start is passed: HiGHS 1.16 mis-solved small models after presolve when given
    // one (it returned the start as "optimal", gap 0, while the LP relaxation proved it 97x
    // too costly; tests/reference.rs caught it). A known solution enters as a cutoff instead
    // (`solve_below`), and the large-neighbourhood search (`lns`) improves on it.
    let solved = run_highs(model, size, m.num_integer(), s).map_err(|e| fail(format!("{e:?}")))?;
    let is_mip = m.integer.iter().any(|b| *b);
    let status = match solved.status() {
        H::Optimal => Status::Optimal,
        H::ObjectiveBound | H::ObjectiveTarget => Status::GapLimit,
        H::ReachedInterrupt | H::ReachedIterationLimit if s.work().is_some() => Status::WorkLimit,
        H::ReachedTimeLimit
        | H::ReachedInterrupt
        | H::ReachedIterationLimit
        | H::ReachedSolutionLimit
        | H::ReachedMemoryLimit => Status::TimeLimit,
        H::Infeasible | H::UnboundedOrInfeasible => {
            return Ok(Raw {
                found: Found::Infeasible,
                bound: None,
            })
        }
        other => return Err(fail(format!("HiGHS status {other:?}"))),
    };
    // a MIP's bound is HiGHS's dual bound; an LP's optimum is a bound only if it finished
    let bound = if is_mip {
        solved
            .double_info_value(c"mip_dual_bound")
            .ok()
            .filter(|b| b.is_finite())
    } else {
        None
    };
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return Ok(Raw {
            found: Found::Nothing,
            bound,
        });
    }
    let x = solved.get_solution().columns().to_vec();
    let bound = match (is_mip, status) {
        (true, _) => bound,
        (false, Status::Optimal) => Some(m.objective(&x)),
        (false, _) => None,
    };
    Ok(Raw {
        found: Found::Solution(status, x),
        bound,
    })
}

/// Solves `model` (of `size`, `integers` integer columns) within the settings' time limit and,
/// where there is one, their work limit; charges what the solve did to this thread's work.
#[cfg(feature = "highs")]
pub(crate) fn run_highs(
    mut model: highs::Model,
    size: work::Size,
    integers: usize,
    s: &SolverSettings,
) -> Result<highs::SolvedModel, highs::HighsStatus> {
    model.set_option("time_limit", s.time_limit_seconds);
    // HiGHS's clock runs on over a model's solves, and its time limit reads that clock: a
    // model solved again (a column generation master) starts from zero, so the limit is this
    // solve's
    // SAFETY: the model's pointer is live
    unsafe { highs_sys::Highs_zeroAllClocks(model.as_mut_ptr()) };
    // a callback counts the solve's checks of its limits (its separation rounds and nodes) and,
    // under a work limit, stops it once what it has done costs that much (boxed: HiGHS holds
    // its address until the solve returns, and forgets it after)
    let meter = Box::new(Meter {
        size,
        limit: s.work().unwrap_or(f64::INFINITY),
        checks: std::cell::Cell::new(0),
    });
    watch(&mut model, &meter);
    write_model(&mut model, size);
    let t0 = Instant::now();
    let mut solved = model.try_solve()?;
    forget_callback(&mut solved);
    let mut counts = highs_counts(&mut solved);
    counts.checks = meter.checks.get();
    work::charge(work::highs_cost(size, counts));
    work::log_solve(size, integers, counts, t0.elapsed().as_secs_f64());
    Ok(solved)
}

/// Where `PAIBAN_WRITE_MODELS` names a folder, writes the model about to be solved there as
/// `NNNN-ROWSxCOLS.mps` (numbered in solve order): a diagnostic for reading a slow or
/// surprising solve in HiGHS or another solver.
#[cfg(feature = "highs")]
fn write_model(model: &mut highs::Model, size: work::Size) {
    static DIR: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let Some(dir) = DIR.get_or_init(|| std::env::var_os("PAIBAN_WRITE_MODELS").map(Into::into))
    else {
        return;
    };
    let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let file = dir.join(format!("{n:04}-{}x{}.mps", size.rows, size.cols));
    let Ok(name) = std::ffi::CString::new(file.to_string_lossy().as_bytes()) else {
        return;
    };
    // SAFETY: the model's pointer is live and `name` a NUL-terminated path
    unsafe { highs_sys::Highs_writeModel(model.as_mut_ptr(), name.as_ptr()) };
}

/// The callbacks of [`watch`] stopped (a model solved again must not call back into a meter
/// that is gone).
#[cfg(feature = "highs")]
fn forget_callback(solved: &mut highs::SolvedModel) {
    for kind in INTERRUPTS {
        // SAFETY: the model's pointer is live
        unsafe { highs_sys::Highs_stopCallback(solved.as_mut_ptr(), kind) };
    }
}

/// The callbacks a solve's work is read and limited through.
#[cfg(feature = "highs")]
const INTERRUPTS: [highs_sys::HighsInt; 3] = [
    highs_sys::kHighsCallbackSimplexInterrupt,
    highs_sys::kHighsCallbackIpmInterrupt,
    highs_sys::kHighsCallbackMipInterrupt,
];

/// A HiGHS solve's work so far, for a model of `size`, and the most it may do.
#[cfg(feature = "highs")]
struct Meter {
    size: work::Size,
    limit: f64,
    /// Checks of the MIP's limits so far (one per separation round, node, strong branching).
    checks: std::cell::Cell<i64>,
}

/// Installs the callbacks that read `meter` (which must outlive the solve) into `model`.
#[cfg(feature = "highs")]
fn watch(model: &mut highs::Model, meter: &Meter) {
    let data = meter as *const Meter as *mut std::ffi::c_void;
    // SAFETY: the model's pointer is live; `data` points at a Meter the caller keeps alive
    // until the solve returns; the callback runs on the solving thread only.
    unsafe {
        highs_sys::Highs_setCallback(model.as_mut_ptr(), Some(interrupt_at_work), data);
        for kind in INTERRUPTS {
            highs_sys::Highs_startCallback(model.as_mut_ptr(), kind);
        }
    }
}

/// HiGHS's interrupt callback: counts the MIP's checks and asks it to stop once the counts it
/// reports cost the limit.
#[cfg(feature = "highs")]
unsafe extern "C" fn interrupt_at_work(
    kind: std::ffi::c_int,
    _message: *const std::ffi::c_char,
    out: *const highs_sys::HighsCallbackDataOut,
    input: *mut highs_sys::HighsCallbackDataIn,
    data: *mut std::ffi::c_void,
) {
    if out.is_null() || input.is_null() || data.is_null() {
        return;
    }
    // SAFETY: HiGHS passes valid data for the duration of the call; `data` is the Meter given
    // to `watch`.
    let (out, meter) = unsafe { (&*out, &*(data as *const Meter)) };
    let counts = if kind == highs_sys::kHighsCallbackMipInterrupt as std::ffi::c_int {
        meter.checks.set(meter.checks.get() + 1);
        work::Counts {
            simplex_iterations: out.mip_total_lp_iterations,
            ipm_iterations: 0,
            nodes: out.mip_node_count.max(0),
            checks: meter.checks.get(),
        }
    } else {
        work::Counts {
            simplex_iterations: i64::from(out.simplex_iteration_count),
            ipm_iterations: i64::from(out.ipm_iteration_count),
            nodes: 0,
            checks: 0,
        }
    };
    if work::highs_cost(meter.size, counts) >= meter.limit {
        // SAFETY: as above
        unsafe { (*input).user_interrupt = 1 };
    }
}

/// What a finished HiGHS solve did: its iterations and nodes.
#[cfg(feature = "highs")]
fn highs_counts(solved: &mut highs::SolvedModel) -> work::Counts {
    let int = |name: &std::ffi::CStr| solved.int_info_value(name).unwrap_or(0).max(0);
    let simplex = int(c"simplex_iteration_count") + int(c"crossover_iteration_count");
    let ipm = int(c"ipm_iteration_count");
    let mut nodes: i64 = 0;
    // SAFETY: the model's pointer is live and `nodes` is a valid i64 to write to
    unsafe {
        highs_sys::Highs_getInt64InfoValue(
            solved.as_mut_ptr(),
            c"mip_node_count".as_ptr(),
            &mut nodes,
        );
    }
    work::Counts {
        simplex_iterations: simplex,
        ipm_iterations: ipm,
        nodes: nodes.max(0),
        checks: 0,
    }
}

#[cfg(not(feature = "highs"))]
fn solve_highs(_: &Mip, _: &SolverSettings, _: &str, _: Option<f64>) -> Result<Raw, SolverError> {
    Err(SolverError::Backend("highs".into()))
}

#[cfg(feature = "microlp")]
fn solve_microlp(m: &Mip, s: &SolverSettings, what: &str) -> Result<Raw, SolverError> {
    use good_lp::{
        variable, Expression, ProblemVariables, ResolutionError, Solution, SolutionStatus,
        SolverModel, WithMipGap, WithTimeLimit,
    };
    let mut vars = ProblemVariables::new();
    let v: Vec<good_lp::Variable> = (0..m.num_vars())
        .map(|i| {
            let d = variable().min(m.lo[i]).max(m.hi[i]);
            vars.add(if m.integer[i] { d.integer() } else { d })
        })
        .collect();
    let mut obj = Expression::default();
    for (i, c) in m.cost.iter().enumerate() {
        if *c != 0.0 {
            obj.add_mul(*c, v[i]);
        }
    }
    let mut p = vars
        .minimise(obj)
        .using(good_lp::solvers::microlp::microlp)
        .with_time_limit(s.time_limit_seconds);
    if s.mip_rel_gap > 0.0 {
        p = p
            .with_mip_gap(s.mip_rel_gap as f32)
            .map_err(|e| SolverError::Failed {
                what: what.into(),
                detail: e.to_string(),
            })?;
    }
    for (terms, lo, hi) in &m.rows {
        let mut e = Expression::default();
        for (x, c) in terms {
            e.add_mul(*c, v[x.0]);
        }
        if lo == hi {
            p.add_constraint(e.eq(*lo));
        } else {
            if lo.is_finite() {
                p.add_constraint(e.clone().geq(*lo));
            }
            if hi.is_finite() {
                p.add_constraint(e.leq(*hi));
            }
        }
    }
    let sol = match p.solve() {
        Ok(sol) => sol,
        Err(ResolutionError::Infeasible) => {
            return Ok(Raw {
                found: Found::Infeasible,
                bound: None,
            })
        }
        Err(e) => {
            return Err(SolverError::Failed {
                what: what.into(),
                detail: e.to_string(),
            })
        }
    };
    let status = match sol.status() {
        SolutionStatus::Optimal => Status::Optimal,
        SolutionStatus::GapLimit => Status::GapLimit,
        SolutionStatus::TimeLimit => Status::TimeLimit,
    };
    let x: Vec<f64> = v.iter().map(|x| sol.value(*x)).collect();
    // microlp proves no bound short of optimality
    let bound = (status == Status::Optimal).then(|| m.objective(&x));
    Ok(Raw {
        found: Found::Solution(status, x),
        bound,
    })
}

#[cfg(not(feature = "microlp"))]
fn solve_microlp(_: &Mip, _: &SolverSettings, _: &str) -> Result<Raw, SolverError> {
    Err(SolverError::Backend("microlp".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(feature = "highs")]
    #[test]
    fn highs_options_pass_through_and_bad_ones_are_named() {
        let mut m = Mip::default();
        let x = m.var(0.0, 10.0, true, 1.0);
        m.row(vec![(x, 2.0)], 3.0, f64::INFINITY);
        let s: SolverSettings =
            toml::from_str("[highs]\nmip_pool_soft_limit = 100\nmip_heuristic_run_rins = false\n")
                .unwrap();
        assert_eq!(solve(&m, &s, "test").unwrap().objective, 2.0);
        for bad in [
            "[highs]\nno_such_option = 1\n",
            "[highs]\nmip_pool_soft_limit = \"lots\"\n",
        ] {
            let s: SolverSettings = toml::from_str(bad).unwrap();
            let e = solve(&m, &s, "test").unwrap_err().to_string();
            assert!(e.contains("HiGHS refused option"), "{e}");
        }
    }

    /// A model kept and solved again (a column generation master) gets each solve's time limit
    /// afresh: HiGHS's own clock runs on over a model's solves, and read as it is, the
    /// solves after the first few would stop "at the time limit" in no time at all.
    #[cfg(feature = "highs")]
    #[test]
    fn a_model_solved_again_has_its_whole_time_limit_each_time() {
        let mut p = highs::ColProblem::default();
        let rows: Vec<highs::Row> = (0..40).map(|r| p.add_row((r % 7 + 1) as f64..)).collect();
        // a dear column covering every row: feasible from the first solve on
        p.add_column(100.0, 0.0.., rows.iter().map(|&r| (r, 1.0)));
        let mut model = p.try_optimise(highs::Sense::Minimise).unwrap();
        model.set_option("output_flag", false);
        let size = work::Size {
            rows: 40,
            cols: 0,
            nonzeros: 0,
        };
        // each solve well inside the limit, the solves together far beyond it
        let s = SolverSettings {
            time_limit_seconds: 0.02,
            pacing: Pacing::Clock,
            ..SolverSettings::default()
        };
        let mut spent = 0.0;
        // until the solves together took five times the limit
        for k in 0..20_000 {
            if spent >= 0.1 {
                break;
            }
            let terms = (0..40)
                .filter(|r| (r + k) % 3 != 0)
                .map(|r| (rows[r], 1.0 + ((r * k) % 5) as f64));
            model
                .try_add_column(1.0 + (k % 11) as f64, 0.0.., terms)
                .unwrap();
            let t = Instant::now();
            let solved = run_highs(model, size, 0, &s).unwrap();
            spent += t.elapsed().as_secs_f64();
            assert_eq!(
                solved.status(),
                highs::HighsModelStatus::Optimal,
                "solve {k} stopped after {spent:.4} s of solves"
            );
            model = solved.into();
        }
        assert!(spent >= 0.1, "the solves together took {spent} s");
    }

    /// Classic cyclic covering: 7 days, need per day, each worker works 5 consecutive days.
    /// Optimal is known: need [8,6,7,6,9,5,4] → 10 workers... checked by brute force below.
    #[test]
    fn a_model_too_big_for_the_memory_allowed_is_refused_before_solving() {
        let mut m = Mip::default();
        let vs: Vec<Var> = (0..2000).map(|_| m.var(0.0, 1.0, true, 1.0)).collect();
        for w in vs.windows(50) {
            m.row(w.iter().map(|v| (*v, 1.0)).collect(), 1.0, f64::INFINITY);
        }
        assert_eq!(m.num_nonzeros(), 1951 * 50);
        let s = SolverSettings {
            memory_limit_mb: Some(10),
            ..SolverSettings::default()
        };
        let e = solve(&m, &s, "test roster").unwrap_err().to_string();
        assert!(
            e.contains("the test roster model has 1951 rows, 2000 variables and 97550 nonzeros"),
            "{e}"
        );
        assert!(
            e.contains("more than the 10 MB allowed (memory_limit_mb"),
            "{e}"
        );
        // within the limit it solves
        let s = SolverSettings {
            memory_limit_mb: Some(m.estimated_mb()),
            ..SolverSettings::default()
        };
        assert!(solve(&m, &s, "test roster").is_ok());
    }

    #[test]
    fn covering_with_known_optimum() {
        let need = [8.0, 6.0, 7.0, 6.0, 9.0, 5.0, 4.0];
        let mut m = Mip::default();
        let x: Vec<Var> = (0..7).map(|_| m.var(0.0, 50.0, true, 1.0)).collect();
        for d in 0..7 {
            let terms = (0..5).map(|k| (x[(d + 7 - k) % 7], 1.0)).collect();
            m.row(terms, need[d], f64::INFINITY);
        }
        let o = solve(&m, &SolverSettings::default(), "test").unwrap();
        // brute force over small counts
        let mut best = f64::INFINITY;
        let mut c = [0usize; 7];
        loop {
            let ok =
                (0..7).all(|d| (0..5).map(|k| c[(d + 7 - k) % 7]).sum::<usize>() as f64 >= need[d]);
            if ok {
                best = best.min(c.iter().sum::<usize>() as f64);
            }
            let mut i = 0;
            while i < 7 {
                c[i] += 1;
                if c[i] <= 9 {
                    break;
                }
                c[i] = 0;
                i += 1;
            }
            if i == 7 {
                break;
            }
        }
        assert_eq!(o.objective, best);
        assert_eq!(o.status, Status::Optimal);
        assert_eq!(o.gap, Some(0.0));
        let lp = solve(&m.relaxed(), &SolverSettings::default(), "test").unwrap();
        assert!(lp.objective <= o.objective + 1e-9);
    }
}
