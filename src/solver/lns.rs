//! The anytime engine: a construction heuristic, then large-neighbourhood search (LNS), then
//! the whole MIP below the best cost found — each step a MIP the backend solves.
//!
//! A rostering model couples its people only through a few rows (cover, team caps); every
//! other row belongs to one person. [`Tag`]s on the variables say whose schedule (block) and
//! which day (time) a variable is part of, and the engine works by that structure alone —
//! nothing here knows a rule, an instance or a file:
//!
//! 1. **LP relaxation** (interior point): the first bound, and a guide for the first roster.
//! 2. **A first roster**: a small model goes to the whole MIP (which usually proves it); a
//!    large one gets the whole MIP with the one-day choices the LP made whole fixed, else
//!    **construction**: the blocks in groups, each group's sub-MIP solved with the groups
//!    before it fixed and the ones after it left out (their own rows dropped, their variables
//!    at zero in the shared rows), else the whole MIP up to its first solution. A model
//!    without blocks (an aggregate plan) is constructed the same way over windows of its
//!    times where its LP relaxation did not finish.
//! 3. **LNS** ("fix-and-optimise"): free a few people or a window of days, fix the rest at the
//!    incumbent and let the MIP re-solve the freed part, looking only below the incumbent's
//!    cost (a cutoff, never a start: see `solve_highs`). Neighbourhood sizes adapt: a
//!    sub-problem solved to the end quickly grows the next, a slow or unfinished one shrinks it.
//! 4. **Proof**: the whole MIP with the incumbent's cost as cutoff for the rest of the time:
//!    it either finds better, proves nothing better exists (optimal), or leaves a bound.
//!
//! The lower bound reported is the best of the LP relaxation (when it finished) and the
//! whole MIP's dual bound, both valid for the whole model; the gap is against it.

use super::work::Clock;
use super::{
    check_memory, rel_gap, solve, solve_below, Below, Mip, Outcome, SolverError, SolverSettings,
    Status, Tag, Var,
};
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

/// One line of a solve's progress: seconds since the start (and, under a work limit, the work
/// done), best cost found, best bound.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Progress {
    pub seconds: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub work: Option<f64>,
    pub phase: &'static str,
    pub objective: f64,
    pub bound: Option<f64>,
}

/// Integer variables per sub-MIP the search starts from (grown or shrunk as it goes).
const START_FREE: f64 = 400.0;
/// Integer variables per construction step.
const CONSTRUCT_FREE: f64 = 1500.0;
/// Neighbourhoods in a row without a better solution after which the proof takes over (on a
/// small model, which the whole MIP may prove by itself, sooner).
const PATIENCE: usize = 60;
const SMALL_PATIENCE: usize = 20;
/// Nodes a neighbourhood's sub-MIP may explore.
const SUB_NODES: i64 = 1000;
/// Integer variables up to which the whole MIP goes first, with this share of the time limit:
/// HiGHS proves such models itself and a restart would lose its tree (the benchmark's
/// 14–28-day instances up to 20 staff: 400–3,600 integer variables).
const SMALL_MODEL: usize = 4_000;
const SMALL_MIP_SHARE: f64 = 0.8;
/// Share of the time limit the whole MIP gets first where there are no blocks to build by (an
/// aggregate plan HiGHS proves by itself takes a few seconds of a minute; a hard one spends
/// far longer than this cutting at its root).
const BLOCKLESS_MIP_SHARE: f64 = 0.15;
/// Neighbourhoods in a row without a better solution after which the proof takes over where
/// there are no blocks (each window of days is a large sub-MIP).
const BLOCKLESS_PATIENCE: usize = 8;
/// Share of the time limit kept for the whole MIP below the best found (a search that stops
/// finding better hands its time over sooner): on large models the search keeps improving
/// where the whole MIP's bound hardly moves.
const PROOF_SHARE: f64 = 0.1;
/// Share of the time limit the LP-guided first roster may take (a large team's week takes
/// ~3 s; where the LP leaves too much open it finds nothing and construction takes over).
const LP_GUIDED_SHARE: f64 = 0.1;
/// Share of the time limit the MIP around the LP's optimum (RENS) may take on a model without
/// blocks: an aggregate plan's whole MIP spends its first half-minute cutting at the root of
/// its tree, where the integer points around the relaxation hold a plan near the best.
const RENS_SHARE: f64 = 0.3;
/// The solver memory (estimated, [`Mip::estimated_mb`]) above which the phases over the whole
/// model — its LP relaxation, the whole MIP — are left out and the search works on
/// neighbourhoods only: they cannot finish on such a model within a usual limit (a 364-day,
/// 150-person roster of 27 million nonzeros estimates 17 GB; its LP relaxation ran 13 s to
/// no result and raised the process to 4.2 GB), where the neighbourhoods keep improving.
pub const WHOLE_MODEL_MB: u64 = 2_000;

/// Whether the phases over the whole model are worth their memory and time on `m`.
pub fn whole_model_fits(m: &Mip) -> bool {
    m.estimated_mb() <= WHOLE_MODEL_MB
}

/// Share of the time limit the LP relaxation may take; where there are no blocks, more (RENS
/// and the whole MIP start from it; without it a plan is constructed by windows of days).
const LP_SHARE: f64 = 0.3;
const BLOCKLESS_LP_SHARE: f64 = 0.5;
/// A plan's LP relaxation expected to need more than this share of the limit is not started
/// (its time goes to the construction by windows of days); one expected to need more than its
/// share gets up to this much.
const BLOCKLESS_LP_MOST: f64 = 0.7;
/// A plan's whole MIP is not run to its gap where its LP is expected to take more than this
/// many times the MIP's share: HiGHS cannot stop a MIP by work inside its root LP, so the
/// share would overrun by that much (on a skill-pooled month, the whole 120 s).
const WHOLE_MIP_ROOT_OVERRUN: f64 = 4.0;
/// The most of the seconds left the whole MIP to its gap may take by the clock: a net for a
/// root LP that runs far past its work (by work it is given a sixth of the budget or less).
const WHOLE_MIP_WALL_NET: f64 = 0.5;

/// Share of the time limit construction may take, and the gap each of its steps stops at.
const CONSTRUCT_SHARE: f64 = 0.2;
const CONSTRUCT_GAP: f64 = 0.02;

/// Time (work, or seconds) left per step of [`construct_by_times`] from which its steps look
/// ahead (a 6-day step of a 20-agent plan, 1,302 integers, takes ~0.5 alone and ~1 with the
/// next 6 days relaxed).
const LOOK_AHEAD_PER_STEP: f64 = 1.2;
/// How far a construction step may run ahead of its share (by times) of a week's or a
/// horizon's limits ([`ration`]).
const RATION_SLACK: f64 = 1.25;
/// HiGHS's `presolve_rule_off` bit of its probing (rule 15 of `PresolveRuleType`).
const PRESOLVE_PROBING: i64 = 1 << 15;

/// The model restricted to the free variables, the others fixed at `x`.
struct Restricted {
    mip: Mip,
    /// The full model's index of each variable of the restricted model.
    cols: Vec<usize>,
    /// The restricted objective's value at `x` (what the free variables cost now).
    at_x: f64,
}

/// The rows of `m` kept by `keep`, over the `free` variables, the others fixed at `x`; rows
/// left without a free variable are dropped (the caller knows they hold at `x`).
fn restrict(m: &Mip, free: &[bool], x: &[f64], keep: impl Fn(usize) -> bool) -> Restricted {
    restrict_rows(m, free, x, (0..m.rows.len()).filter(|&r| keep(r)))
}

/// [`restrict`] over every row with a free variable, found through `index` (a neighbourhood
/// of a large model touches few of its rows).
fn restrict_indexed(m: &Mip, free: &[bool], x: &[f64], index: &ColumnRows) -> Restricted {
    let mut rows: Vec<u32> = (0..m.num_vars())
        .filter(|&v| free[v])
        .flat_map(|v| index.rows(v).iter().copied())
        .collect();
    rows.sort_unstable();
    rows.dedup();
    restrict_rows(m, free, x, rows.into_iter().map(|r| r as usize))
}

/// Per variable, the rows it is in.
struct ColumnRows {
    starts: Vec<usize>,
    rows: Vec<u32>,
}

impl ColumnRows {
    fn of(m: &Mip) -> ColumnRows {
        let mut count = vec![0usize; m.num_vars() + 1];
        for (terms, _, _) in &m.rows {
            for (v, _) in terms {
                count[v.0 + 1] += 1;
            }
        }
        for v in 0..m.num_vars() {
            count[v + 1] += count[v];
        }
        let mut next = count.clone();
        let mut rows = vec![0u32; count[m.num_vars()]];
        for (r, (terms, _, _)) in m.rows.iter().enumerate() {
            for (v, _) in terms {
                rows[next[v.0]] = r as u32;
                next[v.0] += 1;
            }
        }
        ColumnRows {
            starts: count,
            rows,
        }
    }
    fn rows(&self, v: usize) -> &[u32] {
        &self.rows[self.starts[v]..self.starts[v + 1]]
    }
}

/// The days each variable speaks of: its own tag's, or for a continuous variable of no day
/// (a slack, a sum) the span of the days of the integer variables it shares a row with —
/// `None` where one of them is of no day, or there are none (it belongs to every day). A
/// window of days may then fix such a variable with its days' integers: rows of days outside
/// the window stay out of the step's model.
fn days_of(m: &Mip, columns: &ColumnRows) -> Vec<Option<(u32, u32)>> {
    (0..m.num_vars())
        .map(|v| {
            if m.integer[v] || m.tags[v].time.is_some() {
                return m.tags[v].time;
            }
            let mut span: Option<(u32, u32)> = None;
            for &r in columns.rows(v) {
                for (u, _) in &m.rows[r as usize].0 {
                    let days = match m.tags[u.0].time {
                        Some(days) => days,
                        None if m.integer[u.0] => return None,
                        None => continue,
                    };
                    span = Some(span.map_or(days, |(a, z)| (a.min(days.0), z.max(days.1))));
                }
            }
            span
        })
        .collect()
}

/// A packing row (whole nonnegative coefficients on integers only, an upper limit) over more
/// than two of the times: a week's or a horizon's hours or days. `(row, first, last)` with the
/// positions in `times` of the earliest and the latest of its variables' times.
type Long = (usize, usize, usize);

/// The model's [`Long`] rows.
fn long_rows(m: &Mip, times: &[u32]) -> Vec<Long> {
    let at = |t: u32| times.binary_search(&t).ok();
    let mut long = Vec::new();
    'rows: for (r, (terms, _, hi)) in m.rows.iter().enumerate() {
        if !hi.is_finite() || terms.is_empty() {
            continue;
        }
        let (mut a, mut z) = (usize::MAX, 0);
        for (v, c) in terms {
            let Some(i) = m.tags[v.0]
                .time
                .filter(|(x, y)| x == y && m.integer[v.0] && *c >= 0.0)
                .and_then(|(t, _)| at(t))
            else {
                continue 'rows;
            };
            (a, z) = (a.min(i), z.max(i));
        }
        if z >= a + 2 {
            long.push((r, a, z));
        }
    }
    long
}

/// Rations a step's use of the long rows still open after it: of what such a row allows, the
/// windows up to `last` may use their share by times, times [`RATION_SLACK`] — so the first
/// days of a week do not spend the week's days and hours that its last days need (their
/// requirement is unseen while their counts wait at zero). Adds the rows to `sub`.
fn ration(sub: &mut Restricted, m: &Mip, x: &[f64], long: &[Long], last: usize) {
    let mut index = vec![usize::MAX; m.num_vars()];
    for (i, &v) in sub.cols.iter().enumerate() {
        index[v] = i;
    }
    for &(r, a, z) in long.iter().filter(|(_, a, z)| *a <= last && last < *z) {
        let (terms, _, hi) = &m.rows[r];
        let share = ((last + 1 - a) as f64 / (z + 1 - a) as f64 * RATION_SLACK).min(1.0);
        let mut fixed = 0.0;
        let mut t = Vec::new();
        for (v, c) in terms {
            match index[v.0] {
                usize::MAX => fixed += c * x[v.0],
                i if sub.mip.integer[i] => t.push((Var(i), *c)),
                // relaxed (the look-ahead): not the step's own
                _ => {}
            }
        }
        if !t.is_empty() {
            let room = (hi * share - fixed).max(0.0);
            sub.mip.row(t, f64::NEG_INFINITY, room);
        }
    }
}

/// The restricted model over `rows` (ascending).
fn restrict_rows(
    m: &Mip,
    free: &[bool],
    x: &[f64],
    rows: impl Iterator<Item = usize>,
) -> Restricted {
    let mut sub = Mip::default();
    let mut index = vec![usize::MAX; m.num_vars()];
    let mut cols = Vec::new();
    let mut at_x = 0.0;
    for v in (0..m.num_vars()).filter(|&v| free[v]) {
        index[v] = cols.len();
        cols.push(v);
        sub.var(m.lo[v], m.hi[v], m.integer[v], m.cost[v]);
        at_x += m.cost[v] * x[v];
    }
    for r in rows {
        let (terms, lo, hi) = &m.rows[r];
        let mut fixed = 0.0;
        let mut t = Vec::new();
        for (v, a) in terms {
            if free[v.0] {
                t.push((Var(index[v.0]), *a));
            } else {
                fixed += a * x[v.0];
            }
        }
        if !t.is_empty() {
            sub.row(t, lo - fixed, hi - fixed);
        }
    }
    Restricted {
        mip: sub,
        cols,
        at_x,
    }
}

/// The model's structure as the search uses it.
struct Shape {
    /// Distinct blocks and times, sorted.
    blocks: Vec<u32>,
    times: Vec<u32>,
    /// Per row, the one block all its block variables belong to (None: shared or blockless).
    owner: Vec<Option<u32>>,
    /// Every objective coefficient is whole and on an integer variable: costs move in whole
    /// steps, so a bound rounds up and "better" means at least 1 better.
    integral: bool,
    ints_per_block: f64,
    ints_per_time: f64,
}

impl Shape {
    fn of(m: &Mip) -> Shape {
        let mut blocks: Vec<u32> = m.tags.iter().filter_map(|t| t.block).collect();
        blocks.sort_unstable();
        blocks.dedup();
        let mut times: Vec<u32> = m
            .tags
            .iter()
            .filter_map(|t| t.time.filter(|(a, z)| a == z).map(|(a, _)| a))
            .collect();
        times.sort_unstable();
        times.dedup();
        let owner = m
            .rows
            .iter()
            .map(|(terms, _, _)| {
                let mut own: Option<u32> = None;
                for (v, _) in terms {
                    match (m.tags[v.0].block, own) {
                        (Some(b), None) => own = Some(b),
                        (Some(b), Some(o)) if b != o => return None,
                        _ => {}
                    }
                }
                own
            })
            .collect();
        let integral = m.whole_costs
            || (0..m.num_vars())
                .all(|v| m.cost[v] == 0.0 || (m.integer[v] && m.cost[v].fract() == 0.0));
        let ints = |f: &dyn Fn(&Tag) -> bool| {
            (0..m.num_vars())
                .filter(|&v| m.integer[v] && f(&m.tags[v]))
                .count() as f64
        };
        let ints_per_block = ints(&|t| t.block.is_some()) / blocks.len().max(1) as f64;
        let ints_per_time =
            ints(&|t| t.time.is_some_and(|(a, z)| a == z)) / times.len().max(1) as f64;
        Shape {
            blocks,
            times,
            owner,
            integral,
            ints_per_block: ints_per_block.max(1.0),
            ints_per_time: ints_per_time.max(1.0),
        }
    }
    /// A cost at least this much below another is an improvement.
    fn step(&self) -> f64 {
        if self.integral {
            1.0
        } else {
            1e-6
        }
    }
    /// A bound as the costs' granularity allows (whole costs: rounded up).
    fn round_bound(&self, b: f64) -> f64 {
        if self.integral {
            (b - 1e-6).ceil()
        } else {
            b
        }
    }
}

/// The search's state: the incumbent, the bound, the clock and the progress trace.
struct Search<'a> {
    m: &'a Mip,
    s: &'a SolverSettings,
    what: &'a str,
    /// Integer variables up to which the whole MIP goes first.
    small_model: usize,
    shape: Shape,
    /// Per variable its rows (neighbourhoods are restricted through it).
    columns: ColumnRows,
    clock: Clock,
    x: Vec<f64>,
    objective: f64,
    bound: Option<f64>,
    lp_bound: Option<f64>,
    /// The LP relaxation's solution, where it finished (guides the first roster).
    lp_x: Option<Vec<f64>>,
    /// The work the LP relaxation took (where it was solved): about what the whole MIP's
    /// first LP takes before it can be stopped by work.
    lp_work: Option<f64>,
    /// The LP relaxation's expected work, judged before it started (a model without blocks).
    lp_expected: Option<f64>,
    trace: Vec<Progress>,
    rng: ChaCha8Rng,
    /// Where the caller has one, how far each block's part of a solution is from what the
    /// relaxation would have it do.
    guide: Option<BlockGuide>,
}

impl<'a> Search<'a> {
    /// No solution yet, the clock started.
    fn new(m: &'a Mip, s: &'a SolverSettings, what: &'a str, small_model: usize) -> Search<'a> {
        Search {
            m,
            s,
            what,
            small_model,
            shape: Shape::of(m),
            columns: ColumnRows::of(m),
            clock: Clock::start(s),
            x: vec![0.0; m.num_vars()],
            objective: f64::INFINITY,
            bound: None,
            lp_bound: None,
            lp_x: None,
            lp_work: None,
            lp_expected: None,
            trace: Vec::new(),
            rng: ChaCha8Rng::seed_from_u64(u64::from(s.seed)),
            guide: None,
        }
    }
    /// Work done or seconds run (what the search paces itself by).
    fn elapsed(&self) -> f64 {
        self.clock.elapsed()
    }
    fn left(&self) -> f64 {
        self.clock.left()
    }
    /// The whole search's budget (work, or seconds).
    fn budget(&self) -> f64 {
        self.clock.budget()
    }
    fn note(&mut self, phase: &'static str) {
        let p = Progress {
            seconds: self.clock.seconds(),
            work: self.s.work().map(|_| self.elapsed()),
            phase,
            objective: self.objective,
            bound: self.bound,
        };
        if self.s.progress {
            let off = self.m.shown_offset;
            let gap = p
                .bound
                .map(|b| format!("{:.2}%", 100.0 * rel_gap(p.objective + off, b + off)))
                .unwrap_or_else(|| "–".into());
            let bound = p
                .bound
                .map(|b| format!("{:.1}", b + off))
                .unwrap_or("–".into());
            crate::i18n::show(
                &format!(
                    "{:>7.1} s{}  {:<12} best {:>12.1}  bound {:>12}  gap {gap}\n",
                    p.seconds,
                    p.work
                        .map(|w| format!(" {w:>7.1} work"))
                        .unwrap_or_default(),
                    p.phase,
                    p.objective + off,
                    bound
                ),
                true,
            );
        }
        self.trace.push(p);
    }
    fn proven(&self) -> bool {
        self.bound
            .is_some_and(|b| rel_gap(self.objective, b) <= self.s.mip_rel_gap.max(1e-9))
    }
    fn tighten(&mut self, b: f64) {
        let b = self.shape.round_bound(b);
        if self.bound.is_none_or(|old| b > old) {
            self.bound = Some(b);
        }
    }
    /// The settings of a step with `limit` of the budget (work, or seconds).
    fn settings_for(&self, limit: f64) -> SolverSettings {
        SolverSettings {
            mip_rel_gap: 0.0,
            verbose: false,
            ..self.clock.settings(self.s, limit)
        }
    }
    /// Under a work limit, whether the whole MIP could not get past its first LP within
    /// `limit` (HiGHS stops a MIP by work only between its steps, not inside that LP; by the
    /// clock it stops anywhere).
    fn whole_mip_too_slow(&self, limit: f64) -> bool {
        self.s.work().is_some() && self.lp_work.is_some_and(|w| w > limit)
    }
    /// [`Search::settings_for`] stopping at the settings' own relative gap, as one MIP would.
    fn settings_at_gap(&self, limit: f64) -> SolverSettings {
        SolverSettings {
            mip_rel_gap: self.s.mip_rel_gap,
            ..self.settings_for(limit.min(self.left()))
        }
    }
    /// Takes a whole solution (integers rounded).
    fn set(&mut self, mut x: Vec<f64>) {
        round_integers(self.m, &mut x);
        self.x = x;
        self.objective = self.m.objective(&self.x);
    }
    /// Takes a sub-solution's values for the free variables (integers rounded).
    fn adopt(&mut self, cols: &[usize], sub_x: &[f64]) {
        for (i, &v) in cols.iter().enumerate() {
            self.x[v] = if self.m.integer[v] {
                sub_x[i].round()
            } else {
                sub_x[i]
            };
        }
        self.objective = self.m.objective(&self.x);
    }
}

/// Solves `m` with construction, LNS and a final MIP below the incumbent, within the settings'
/// time limit. Models without tags get the whole MIP first for an incumbent.
pub fn solve_lns(m: &Mip, s: &SolverSettings, what: &str) -> Result<Outcome, SolverError> {
    solve_tuned(m, s, what, SMALL_MODEL, Hint::default())
}

/// What the caller knows before the search: a bound valid for the whole model (from a
/// decomposition, say) and a start — values of some variables (a roster's one-day choices) the
/// rest of which the engine completes.
#[derive(Debug, Clone, Default)]
pub struct Hint {
    pub bound: Option<f64>,
    /// The bound is at least the LP relaxation's (a converged decomposition): the relaxation
    /// is skipped.
    pub bound_beats_lp: bool,
    pub start: Option<Vec<(Var, f64)>>,
    /// Half the neighbourhoods of blocks are drawn by it (the rest at random).
    pub guide: Option<BlockGuide>,
}

/// Per block (indexed by its tag), a weight of at least 0 for a solution `x`: how much the
/// block's part of `x` costs above what a decomposition's relaxation would have it cost — its
/// schedule's reduced cost at the master's duals (0 for a schedule an optimum of the
/// relaxation uses). Where that relaxation's bound is the optimum, every block of positive
/// weight has to change for the solution to reach it; neighbourhoods freeing those blocks
/// find the missing moves first.
#[derive(Clone)]
pub struct BlockGuide(pub std::sync::Arc<BlockWeights>);

/// A solution's weight per block.
pub type BlockWeights = dyn Fn(&[f64]) -> Vec<f64> + Send + Sync;

impl std::fmt::Debug for BlockGuide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BlockGuide")
    }
}

/// [`solve_lns`] from what the caller knows: a bound (the LP relaxation skipped where the
/// caller's is at least as strong), a start the search begins from once completed.
pub fn solve_lns_with(
    m: &Mip,
    s: &SolverSettings,
    what: &str,
    hint: Hint,
) -> Result<Outcome, SolverError> {
    solve_tuned(m, s, what, SMALL_MODEL, hint)
}

/// [`solve_lns`] with the size up to which the whole MIP goes first as a parameter (the tests
/// take the large-model path on small models).
fn solve_tuned(
    m: &Mip,
    s: &SolverSettings,
    what: &str,
    small_model: usize,
    hint: Hint,
) -> Result<Outcome, SolverError> {
    check_memory(m, s, what)?;
    let mut search = Search::new(m, s, what, small_model);
    search.guide = hint.guide;
    if s.progress {
        crate::i18n::show(
            &format!(
                "{what}: {} variables ({} integer), {} rows, {} nonzeros (~{} MB in the solver), {} blocks × {} times\n",
                m.num_vars(),
                m.num_integer(),
                m.rows.len(),
                m.num_nonzeros(),
                m.estimated_mb(),
                search.shape.blocks.len(),
                search.shape.times.len()
            ),
            true,
        );
    }
    if let Some(b) = hint.bound {
        search.tighten(b);
        search.note("bound given");
    }
    let whole = whole_model_fits(m);
    if !whole && s.progress {
        crate::i18n::show(
            &format!(
                "{what}: above {WHOLE_MODEL_MB} MB, no LP relaxation or whole MIP (neighbourhoods only; a bound from windows of days where they give one)\n"
            ),
            true,
        );
    }
    if !hint.bound_beats_lp && whole {
        relaxation_bound(&mut search)?;
    }
    let started = match &hint.start {
        Some(start) => complete(&mut search, start),
        None => false,
    };
    if !started {
        first_solution(&mut search)?;
    }
    if !search.objective.is_finite() {
        return Err(SolverError::no_solution(what, s, search.clock.seconds()));
    }
    if search.bound.is_none() {
        windows_bound(&mut search);
    }
    let proof_share = if whole {
        s.lns_proof_share.unwrap_or(PROOF_SHARE).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let lns_until = search.budget() * (1.0 - proof_share);
    neighbourhoods(&mut search, lns_until);
    // `proved`: the whole MIP found nothing cheaper, so the incumbent's cost is the bound; a
    // search that stopped within the gap tolerance keeps the bound it has
    let mut proved = false;
    if !search.proven() && search.left() > 0.05 && whole {
        proved = prove(&mut search)?;
    }
    let objective = search.objective;
    let bound = if proved {
        Some(objective)
    } else {
        search.bound
    };
    let gap = bound.map(|b| rel_gap(objective, b));
    let status = match gap {
        Some(g) if g <= 1e-9 => Status::Optimal,
        Some(g) if g <= s.mip_rel_gap => Status::GapLimit,
        _ => search.clock.stop_status(),
    };
    search.note("done");
    Ok(Outcome {
        status,
        objective,
        bound,
        gap,
        seconds: search.clock.seconds(),
        backend: format!("{} + lns", s.backend),
        variables: m.num_vars(),
        integer_variables: m.num_integer(),
        rows: m.rows.len(),
        x: search.x,
        lp_bound: search.lp_bound,
        trace: search.trace,
    })
}

/// Where neither the whole LP relaxation nor a hint gave a bound (a model above
/// [`WHOLE_MODEL_MB`], or an LP that did not finish in its share): the windows' LP
/// relaxations added up ([`super::windows`]), in a share of the budget.
fn windows_bound(search: &mut Search) {
    if search.left() <= MIN_WINDOWS_LEFT {
        return;
    }
    let budget = (WINDOWS_SHARE * search.budget()).min(search.left());
    let found = super::windows::window_bound(
        search.m,
        super::windows::WINDOW_DAYS,
        search.s,
        &search.clock,
        budget,
    );
    if let Some(b) = found {
        search.tighten(b);
        search.note("windows bound");
    }
}

/// Share of the budget for the windows' bound.
const WINDOWS_SHARE: f64 = 0.25;
/// Least budget left for the windows' bound to be tried at all.
const MIN_WINDOWS_LEFT: f64 = 0.5;

/// The incumbent completed from `start` (the variables it names fixed, the rest solved for);
/// false if that finds nothing within a tenth of the time limit.
fn complete(search: &mut Search, start: &[(Var, f64)]) -> bool {
    let m = search.m;
    let mut x = vec![0.0; m.num_vars()];
    let mut free = vec![true; m.num_vars()];
    for &(v, value) in start {
        x[v.0] = value;
        free[v.0] = false;
    }
    let sub = restrict(m, &free, &x, |_| true);
    let limit = (0.1 * search.budget()).min(search.left());
    let solved = if sub.mip.num_vars() == 0 {
        Ok(Vec::new())
    } else {
        solve(&sub.mip, &search.settings_for(limit), search.what).map(|o| o.x)
    };
    match solved {
        Ok(sub_x) => {
            for (i, &v) in sub.cols.iter().enumerate() {
                x[v] = sub_x[i];
            }
            round_integers(m, &mut x);
            if !satisfies(m, &x) {
                return false;
            }
            search.set(x);
            search.note("start");
            true
        }
        Err(_) => false,
    }
}

/// `x` with `m`'s integer variables rounded (a solver's values carry its tolerances).
fn round_integers(m: &Mip, x: &mut [f64]) {
    for (v, value) in x.iter_mut().enumerate() {
        if m.integer[v] {
            *value = value.round();
        }
    }
}

/// Every row and bound of `m` holds at `x` (to a small tolerance).
fn satisfies(m: &Mip, x: &[f64]) -> bool {
    const TOL: f64 = 1e-6;
    let bounds = (0..m.num_vars()).all(|v| x[v] >= m.lo[v] - TOL && x[v] <= m.hi[v] + TOL);
    bounds
        && m.rows.iter().all(|(terms, lo, hi)| {
            let a: f64 = terms.iter().map(|(v, c)| c * x[v.0]).sum();
            a >= lo - TOL && a <= hi + TOL
        })
}

/// The LP relaxation's optimum as the first bound (a relaxation that did not finish gives
/// none); an infeasible relaxation means an infeasible model.
fn relaxation_bound(search: &mut Search) -> Result<(), SolverError> {
    // a model without blocks (an aggregate plan) has RENS and the whole MIP built on it
    let share = if search.shape.blocks.is_empty() {
        BLOCKLESS_LP_SHARE
    } else {
        LP_SHARE
    };
    let mut limit = share * search.budget();
    if search.shape.blocks.is_empty() {
        // judged before it starts: a relaxation expected to need more than its share gets
        // what it needs up to most of the limit; one that cannot finish even so is no bound
        // and no guide, only time the construction by windows of days needs
        let size = search.m.size();
        let iterations = super::work::expected_ipm_iterations(size.rows);
        let expected = super::work::expected_ipm_cost(size, iterations);
        search.lp_expected = Some(expected);
        let most = BLOCKLESS_LP_MOST * search.budget();
        if expected > most {
            search.lp_work = Some(expected);
            return Ok(());
        }
        limit = limit.max((1.2 * expected).min(most));
    }
    let mut settings = search.settings_for(limit);
    // interior point: on the 28-day benchmark models (10^5 nonzeros, highly degenerate) it
    // finishes where dual simplex takes several times as long
    settings
        .highs
        .entry("solver".into())
        .or_insert_with(|| toml::Value::String("ipm".into()));
    let before = super::work::mark();
    let lp = solve(
        &search.m.relaxed(),
        &settings,
        &format!("{} LP relaxation", search.what),
    );
    search.lp_work = Some(super::work::since(before));
    match lp {
        Ok(o) => {
            if let Some(b) = o.bound {
                search.lp_bound = Some(b);
                search.lp_x = Some(o.x);
                search.tighten(b);
            }
            Ok(())
        }
        Err(e @ SolverError::Infeasible { .. }) => Err(e),
        Err(_) => Ok(()),
    }
}

/// An incumbent. A model without blocks (an aggregate plan) whose LP relaxation finished goes
/// to the whole MIP for a short share of the time (easy ones end there, proven), then to the
/// MIP around the LP's optimum (RENS); one whose relaxation did not finish (a long horizon on
/// a short limit, a busy machine) is constructed window of times by window; the whole MIP
/// takes what is left where neither found one. A small model with blocks goes to the whole
/// MIP first (small ones usually end there, proven); a large one, or a small one the MIP found
/// nothing for, is LP-guided, else constructed block by block, else the whole MIP's first
/// solution.
fn first_solution(search: &mut Search) -> Result<(), SolverError> {
    let limit = search.budget();
    if search.shape.blocks.is_empty() {
        // where the LP relaxation finished, the whole MIP to the settings' gap, as one MIP
        // would (an easy plan ends here, by gap not clock), then the MIP around the LP's
        // optimum; where it did not, the whole MIP cannot get past its own root in a share
        if search.lp_x.is_some() {
            whole_mip_to_gap(search, BLOCKLESS_MIP_SHARE * limit)?;
            if search.proven() || search.left() <= 0.05 {
                return Ok(());
            }
            if rens(search, RENS_SHARE * limit)? {
                search.note("RENS");
            }
        }
        if !search.objective.is_finite() && construct_by_times(search)? {
            search.note("construction");
        }
        if search.objective.is_finite() {
            return Ok(());
        }
        return whole_mip(search, search.left(), false);
    }
    if search.m.num_integer() <= search.small_model {
        whole_mip(search, SMALL_MIP_SHARE * limit, false)?;
    }
    if search.objective.is_finite() || search.left() <= 0.05 {
        return Ok(());
    }
    if lp_guided(search)? {
        search.note("LP-guided");
        return Ok(());
    }
    if construct(search)? {
        search.note("construction");
        return Ok(());
    }
    // the whole MIP up to its first solution: the search then takes over from it
    search.x = vec![0.0; search.m.num_vars()];
    search.objective = f64::INFINITY;
    whole_mip(search, search.left(), true)
}

/// [`whole_mip`] stopping at the settings' relative gap (the engine's other phases search to
/// gap 0): a plan HiGHS closes to the tolerance is not searched further.
fn whole_mip_to_gap(search: &mut Search, limit: f64) -> Result<(), SolverError> {
    // its root LP (dual simplex, from scratch) costs more than the relaxation did: where that
    // alone took more than the share (measured, so the same on any machine), or is expected to
    // take several times it, the MIP cannot end in its share and HiGHS cannot stop it inside
    // that LP (the skill-pooled month at 600 s: the relaxation 57 units against a share of 54,
    // then the root ran past the limit)
    if search.whole_mip_too_slow(limit)
        || search
            .lp_expected
            .is_some_and(|e| e > WHOLE_MIP_ROOT_OVERRUN * limit)
    {
        return Ok(());
    }
    let mut settings = search.settings_at_gap(limit);
    // and should a root still run far past its work, half the seconds left stay for the
    // phases after it (a net by the clock that a MIP keeping near its share never reaches)
    let net = WHOLE_MIP_WALL_NET * search.clock.seconds_left();
    settings.time_limit_seconds = settings
        .time_limit_seconds
        .min(net.max(super::work::MIN_STEP));
    take_whole_mip(search, &settings)
}

/// The whole MIP for up to `limit` seconds (`first`: only until its first solution): its
/// solution (if better) and its bound. Stopping without a solution is no error here (the
/// caller has other ways to one, or says so).
fn whole_mip(search: &mut Search, limit: f64, first: bool) -> Result<(), SolverError> {
    let limit = limit.min(search.left());
    if search.whole_mip_too_slow(limit) {
        return Ok(());
    }
    let mut settings = search.settings_for(limit);
    if first {
        settings
            .highs
            .insert("mip_max_improving_sols".into(), toml::Value::Integer(1));
    }
    take_whole_mip(search, &settings)
}

/// The whole MIP under `settings`: its solution (if better) and its bound.
fn take_whole_mip(search: &mut Search, settings: &SolverSettings) -> Result<(), SolverError> {
    match solve(search.m, settings, search.what) {
        Ok(o) => {
            if let Some(b) = o.bound {
                search.tighten(b);
            }
            if o.status == Status::Optimal {
                search.tighten(o.objective);
            }
            if search.m.objective(&o.x) < search.objective {
                search.set(o.x);
            }
            search.note("whole MIP");
            Ok(())
        }
        Err(SolverError::Failed { .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// The whole MIP with every one-day choice the LP relaxation made whole (a binary at 1)
/// fixed: where the LP settles nearly all of a team's days (a large team under a plan it can
/// fill), the MIP decides the rest. False if the LP did not finish or the restricted MIP
/// found nothing in its time.
fn lp_guided(search: &mut Search) -> Result<bool, SolverError> {
    let Some(lp_x) = search.lp_x.as_ref() else {
        return Ok(false);
    };
    let m = search.m;
    let one_day: Vec<usize> = (0..m.num_vars())
        .filter(|&v| {
            m.integer[v]
                && m.hi[v] == 1.0
                && m.tags[v].block.is_some()
                && m.tags[v].time.is_some_and(|(a, z)| a == z)
        })
        .collect();
    if one_day.is_empty() {
        return Ok(false);
    }
    let mut fixed = m.clone();
    for &v in &one_day {
        if lp_x[v] >= 0.99 {
            fixed.lo[v] = 1.0;
        }
    }
    let settings = SolverSettings {
        mip_rel_gap: CONSTRUCT_GAP,
        ..search.settings_for((LP_GUIDED_SHARE * search.budget()).min(search.left()))
    };
    match solve(&fixed, &settings, search.what) {
        Ok(o) => {
            search.set(o.x);
            Ok(true)
        }
        Err(SolverError::Infeasible { .. } | SolverError::Failed { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// RENS (relaxation enforced neighbourhood search, Berthold): the whole MIP with each integer
/// variable kept between the floor and the ceiling of its value in the LP relaxation's
/// optimum — the integer points around it, a much smaller MIP. Its bound is the box's, not the
/// model's, so only its solution is taken, and only if cheaper than the incumbent. False if the
/// LP did not finish or the box holds no cheaper solution found in its time.
fn rens(search: &mut Search, limit: f64) -> Result<bool, SolverError> {
    let Some(lp_x) = search.lp_x.as_ref() else {
        return Ok(false);
    };
    let m = search.m;
    let mut boxed = m.clone();
    for v in (0..m.num_vars()).filter(|&v| m.integer[v]) {
        boxed.lo[v] = (lp_x[v] + 1e-6).floor().clamp(m.lo[v], m.hi[v]);
        boxed.hi[v] = (lp_x[v] - 1e-6).ceil().clamp(m.lo[v], m.hi[v]);
    }
    match solve(&boxed, &search.settings_at_gap(limit), search.what) {
        // taken only if it beats what the whole MIP found before it
        Ok(o) if satisfies(m, &o.x) && m.objective(&o.x) < search.objective => {
            search.set(o.x);
            Ok(true)
        }
        Ok(_) | Err(SolverError::Infeasible { .. } | SolverError::Failed { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}

/// How a construction paces its steps: each gets an even share of what is left until `end`
/// (at least 0.2), stretched by `patience`; a step that finds nothing is retried with half the
/// group (down to one), then with four times the time.
struct Pace {
    end: f64,
    per_step: usize,
    patience: f64,
}

impl Pace {
    /// Members (blocks, times) a step takes where each has `ints` integer variables.
    fn per_step(ints: f64) -> usize {
        (CONSTRUCT_FREE / ints).floor().max(1.0) as usize
    }
    /// Steps still to come for `left` members.
    fn steps(&self, left: usize) -> f64 {
        left.div_ceil(self.per_step) as f64
    }
    /// The settings of the next step, `left` members to go.
    fn settings(&self, search: &Search, left: usize) -> SolverSettings {
        let even = ((self.end - search.elapsed()) / self.steps(left)).max(0.2);
        SolverSettings {
            mip_rel_gap: CONSTRUCT_GAP,
            ..search.settings_for((self.patience * even).min(search.left()))
        }
    }
    /// After a step that found nothing: a smaller group, else more time; false once both
    /// are spent.
    fn retry(&mut self) -> bool {
        if self.per_step > 1 {
            self.per_step /= 2;
        } else if self.patience < 4.0 {
            self.patience = 4.0;
        } else {
            return false;
        }
        true
    }
}

/// Sequential construction over groups of blocks: each group's sub-MIP with the groups before
/// it fixed and the ones after it left out. Each step gets an even share of what is left of
/// the construction's budget; a step that finds nothing in it is retried with half the group
/// (down to one block, then with four times the time). False if a single block finds nothing.
fn construct(search: &mut Search) -> Result<bool, SolverError> {
    let m = search.m;
    let order = search.shape.blocks.clone();
    // position of each block in the order (blocks are sorted: binary search)
    let pos = |b: u32| order.binary_search(&b).expect("block of the model");
    let mut pace = Pace {
        end: search.elapsed() + CONSTRUCT_SHARE * search.budget(),
        per_step: Pace::per_step(search.shape.ints_per_block),
        patience: 1.0,
    };
    search.x = vec![0.0; m.num_vars()];
    let mut first = 0;
    while first < order.len() {
        let last = (first + pace.per_step).min(order.len()) - 1;
        let free: Vec<bool> = m
            .tags
            .iter()
            .map(|t| t.block.is_none_or(|b| (first..=last).contains(&pos(b))))
            .collect();
        let owner = &search.shape.owner;
        let sub = restrict(m, &free, &search.x, |r| {
            owner[r].is_none_or(|b| pos(b) <= last)
        });
        let settings = pace.settings(search, order.len() - first);
        match solve(&sub.mip, &settings, search.what) {
            Ok(o) => {
                search.adopt(&sub.cols, &o.x);
                first = last + 1;
            }
            Err(SolverError::Failed { .. }) if search.left() > 0.05 => {
                if !pace.retry() {
                    return Ok(false);
                }
            }
            Err(SolverError::Infeasible { .. } | SolverError::Failed { .. }) => return Ok(false),
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Sequential construction over windows of times, for a model without blocks (an aggregate
/// plan) — relax-and-fix with a look-ahead: each window's integer variables solved with the
/// windows before it fixed, the next window's integers relaxed (so a step sees what the days
/// after it need of the week's hours), the ones after that at their lower bounds; a
/// continuous variable goes with the days of the integers it shares rows with ([`days_of`]),
/// one of no day is free in every step — so the last step leaves every row of the model
/// holding. The long rows (a week's or a horizon's limits) are rationed by days ([`ration`]).
/// Steps share what is left of the time evenly; a step that finds nothing is retried without
/// the look-ahead (for the rest), then with half the window (down to one time, then with four
/// times the time); one infeasible under the rations, without them for the rest. False if a
/// single time finds nothing or the result breaks a row.
fn construct_by_times(search: &mut Search) -> Result<bool, SolverError> {
    let per_step = Pace::per_step(search.shape.ints_per_time);
    // the look-ahead about doubles a step: only where the time left affords it
    let steps = search.shape.times.len().div_ceil(per_step) as f64;
    let look_ahead = search.left() >= LOOK_AHEAD_PER_STEP * steps;
    construct_windows(search, per_step, look_ahead)
}

/// [`construct_by_times`] by windows of `per_step` times, looking ahead from the start or not.
fn construct_windows(
    search: &mut Search,
    per_step: usize,
    mut look_ahead: bool,
) -> Result<bool, SolverError> {
    let m = search.m;
    let times = search.shape.times.clone();
    if times.is_empty() {
        return Ok(false);
    }
    // the plan's only way to a first solution here: the steps share all that is left (each
    // stops at its gap, so an easy one leaves the rest to the search)
    let mut pace = Pace {
        end: search.budget(),
        per_step,
        patience: 1.0,
    };
    let mut x: Vec<f64> = (0..m.num_vars())
        .map(|v| m.lo[v].max(0.0).min(m.hi[v]))
        .collect();
    let days = days_of(m, &search.columns);
    let long = long_rows(m, &times);
    let mut rationed = !long.is_empty();
    let mut first = 0;
    while first < times.len() {
        let per_step = pace.per_step;
        let last = (first + per_step).min(times.len()) - 1;
        let hood = Hood {
            blocks: None,
            window: Some((times[first], times[last])),
        };
        // the next window's integers relaxed: the step sees what the days after it need of
        // what they share (a week's hours, a contract's days)
        let ahead = (look_ahead && last + 1 < times.len()).then(|| Hood {
            blocks: None,
            window: Some((
                times[last + 1],
                times[(last + per_step).min(times.len() - 1)],
            )),
        });
        let relaxed: Vec<bool> = (0..m.num_vars())
            .map(|v| {
                m.integer[v]
                    && !hood.frees(&m.tags[v])
                    && ahead.as_ref().is_some_and(|a| a.frees(&m.tags[v]))
            })
            .collect();
        // a continuous variable of some days (a slack of their rows, a sum of their counts)
        // goes with its days, like their integers; the others are free in every step
        let free: Vec<bool> = (0..m.num_vars())
            .map(|v| {
                if m.integer[v] {
                    return hood.frees(&m.tags[v]) || relaxed[v];
                }
                let t = Tag {
                    block: None,
                    time: days[v],
                };
                t.time.is_none() || hood.frees(&t) || ahead.as_ref().is_some_and(|a| a.frees(&t))
            })
            .collect();
        let mut sub = restrict_indexed(m, &free, &x, &search.columns);
        for (i, &v) in sub.cols.iter().enumerate() {
            if relaxed[v] {
                sub.mip.integer[i] = false;
            }
        }
        if rationed {
            ration(&mut sub, m, &x, &long, last);
        }
        let steps_left = pace.steps(times.len() - first);
        let mut settings = pace.settings(search, times.len() - first);
        // HiGHS's probing takes three quarters of such a step (a day's shift counts, 1.3 of
        // 1.7 s on the skill-pooled plan) for a bound the step, stopping at its gap, hardly
        // needs; where the settings name no presolve rules of their own
        settings
            .highs
            .entry("presolve_rule_off".into())
            .or_insert(toml::Value::Integer(PRESOLVE_PROBING));
        let started = search.elapsed();
        match solve(&sub.mip, &settings, search.what) {
            Ok(o) => {
                for (i, &v) in sub.cols.iter().enumerate().filter(|(_, &v)| !relaxed[v]) {
                    x[v] = o.x[i];
                }
                first = last + 1;
                // steps like this one would not all fit in what is left: the rest without
                // the look-ahead (about half the model a step)
                let took = search.elapsed() - started;
                if took * (steps_left - 1.0) > search.left() {
                    look_ahead = false;
                }
            }
            Err(SolverError::Failed { .. }) if search.left() > 0.05 => {
                if look_ahead {
                    look_ahead = false;
                } else if !pace.retry() {
                    return Ok(false);
                }
            }
            // a ration the fixed days leave no room in: the rest without rations
            Err(SolverError::Infeasible { .. }) if rationed => rationed = false,
            Err(SolverError::Infeasible { .. } | SolverError::Failed { .. }) => return Ok(false),
            Err(e) => return Err(e),
        }
    }
    round_integers(m, &mut x);
    if !satisfies(m, &x) {
        return Ok(false);
    }
    search.set(x);
    Ok(true)
}

/// Which variables a neighbourhood frees: some blocks on all days, all blocks on a window of
/// days, or some blocks on a window (both `None`: everything).
struct Hood {
    blocks: Option<Vec<u32>>,
    window: Option<(u32, u32)>,
}

impl Hood {
    fn frees(&self, t: &Tag) -> bool {
        let in_blocks = match (&self.blocks, t.block) {
            (Some(bs), Some(b)) => bs.binary_search(&b).is_ok(),
            _ => true,
        };
        let in_window = match (self.window, t.time) {
            (Some((a, z)), Some((from, to))) => from <= z && to >= a,
            _ => true,
        };
        in_blocks && in_window
    }
}

/// The kinds of neighbourhood, each with its own adaptive size (in blocks, days, or blocks of
/// a double window).
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Blocks,
    Window,
    Mixed,
}

/// LNS until `until` seconds, the bound is met, or time runs out.
fn neighbourhoods(search: &mut Search, until: f64) {
    let shape = &search.shape;
    let (nb, nt) = (shape.blocks.len(), shape.times.len());
    let mut kinds = Vec::new();
    if nb > 1 {
        kinds.push(Kind::Blocks);
    }
    if nt > 1 {
        kinds.push(Kind::Window);
    }
    if nb > 3 && nt > 3 {
        kinds.push(Kind::Mixed);
    }
    if kinds.is_empty() {
        return;
    }
    // sizes: blocks freed (on all days, or on a window twice the window's length), days
    let mut k = (START_FREE / shape.ints_per_block).clamp(1.0, nb.max(1) as f64);
    let mut w = (START_FREE / shape.ints_per_time).clamp(1.0, nt.max(1) as f64);
    let mut km = (2.0 * k).min(nb as f64);
    // a sub-MIP stops at a number of nodes; its time limit is only a guard
    let sub_limit = (0.05 * search.budget()).clamp(0.5, 10.0);
    // what a move should take: many quick moves find more than a few slow ones
    let move_time = (0.005 * search.budget()).clamp(0.1, 1.0);
    // a search that has stopped finding better hands its time to the proof
    let mut since_better = 0;
    // per kind: moves, moves that found better
    let mut tally = [(0usize, 0usize); 3];
    let patience = if nb == 0 {
        BLOCKLESS_PATIENCE
    } else if search.m.num_integer() <= search.small_model {
        SMALL_PATIENCE
    } else {
        PATIENCE
    };
    while search.elapsed() < until && !search.proven() && since_better < patience {
        let kind = kinds[search.rng.random_range(0..kinds.len())];
        let hood = match kind {
            Kind::Blocks => Hood {
                blocks: Some(pick_blocks(search, k)),
                window: None,
            },
            Kind::Window => Hood {
                blocks: None,
                window: Some(pick_window(search, w)),
            },
            Kind::Mixed => Hood {
                blocks: Some(pick_blocks(search, km)),
                window: Some(pick_window(search, 2.0 * w)),
            },
        };
        let limit = sub_limit.min(until - search.elapsed()).max(0.05);
        let before = search.objective;
        let started = search.elapsed();
        let solved = improve(search, &hood, limit);
        let took = search.elapsed() - started;
        let size = match kind {
            Kind::Blocks => &mut k,
            Kind::Window => &mut w,
            Kind::Mixed => &mut km,
        };
        let max = if kind == Kind::Window { nt } else { nb } as f64;
        *size = if solved && took <= move_time {
            (*size * 1.1 + 0.5).min(max)
        } else if !solved || took > 2.0 * move_time {
            (*size * 0.7).max(1.0)
        } else {
            *size
        };
        tally[kind as usize].0 += 1;
        if search.objective < before - 1e-9 {
            tally[kind as usize].1 += 1;
            since_better = 0;
            search.note("lns");
        } else {
            since_better += 1;
        }
        // the whole model freed and solved to the end: nothing left to find
        if solved
            && (hood.blocks.as_ref().is_none_or(|b| b.len() >= nb))
            && (hood.window.is_none_or(|(a, z)| (z - a + 1) as usize >= nt))
        {
            break;
        }
    }
    if search.s.progress {
        let [b, t, x] = tally;
        crate::i18n::show(&format!(
            "neighbourhoods (moves/better): people {}/{}, days {}/{}, people × days {}/{}; sizes now {k:.0} people, {w:.0} days, {km:.0} people × {:.0} days\n",
            b.0, b.1, t.0, t.1, x.0, x.1, (2.0 * w).min(nt as f64)
        ), true);
    }
}

/// `k` blocks, sorted: at random, or (half the time, where the search has a guide) drawn in
/// proportion to the guide's weights at the incumbent, then at random once no weight is left.
fn pick_blocks(search: &mut Search, k: f64) -> Vec<u32> {
    let k = (k.round() as usize).max(1);
    let mut b = search.shape.blocks.clone();
    b.shuffle(&mut search.rng);
    // (only near the bound: far above it the relaxation's optimum says little of the way)
    let near = search
        .bound
        .is_some_and(|b| rel_gap(search.objective, b) <= GUIDE_GAP);
    let rng = &mut search.rng;
    if let Some(guide) = search
        .guide
        .as_ref()
        .filter(|_| near && rng.random_bool(0.5))
    {
        let weights = (guide.0)(&search.x);
        let weight = |b: u32| weights.get(b as usize).copied().unwrap_or(0.0).max(0.0);
        // a weighted draw without replacement over the shuffled order, so ties fall at random,
        // for half the blocks (the rest at random: what a weighed block must trade with)
        for i in 0..k.div_ceil(2).min(b.len()) {
            let total: f64 = b[i..].iter().map(|&x| weight(x)).sum();
            if total <= GUIDE_EPS {
                break;
            }
            let mut draw = search.rng.random_range(0.0..total);
            // (rounding may leave the draw past the last weight: the last weighed then)
            let last = (i..b.len()).rfind(|&j| weight(b[j]) > 0.0).unwrap_or(i);
            let j = (i..b.len())
                .find(|&j| {
                    draw -= weight(b[j]);
                    draw < 0.0
                })
                .unwrap_or(last);
            b.swap(i, j);
        }
    }
    b.truncate(k);
    b.sort_unstable();
    b
}

/// Guide weights at or below this are none.
const GUIDE_EPS: f64 = 1e-9;
/// The gap to the bound below which neighbourhoods of blocks are drawn by the guide (half of
/// them): where the bound is the relaxation's and close, its reduced costs point at the
/// blocks an optimum would change; far above it (Curtois 9 at 8% with the master's bound
/// 406 against 439) they sent the search astray on some seeds.
const GUIDE_GAP: f64 = 0.02;

/// A window of `w` consecutive times: half the time around a time drawn in proportion to
/// what the incumbent pays there outside anyone's schedule (cover shortfalls and the like:
/// the variables of no block and one time), otherwise anywhere.
fn pick_window(search: &mut Search, w: f64) -> (u32, u32) {
    let nt = search.shape.times.len();
    let len = (w.round() as usize).clamp(1, nt);
    let costs = shared_cost_by_time(search);
    let total: f64 = costs.iter().sum();
    let start = if total > 0.0 && search.rng.random_bool(0.5) {
        let mut draw = search.rng.random_range(0.0..total);
        let at = costs
            .iter()
            .position(|c| {
                draw -= c;
                draw < 0.0
            })
            .unwrap_or(nt - 1);
        let back = search.rng.random_range(0..len);
        at.saturating_sub(back).min(nt - len)
    } else {
        search.rng.random_range(0..=nt - len)
    };
    (
        search.shape.times[start],
        search.shape.times[start + len - 1],
    )
}

/// Per time of the shape, the incumbent's cost on variables of no block and that one time.
fn shared_cost_by_time(search: &Search) -> Vec<f64> {
    let times = &search.shape.times;
    let mut costs = vec![0.0; times.len()];
    for (v, t) in search.m.tags.iter().enumerate() {
        if let (None, Some((a, z))) = (t.block, t.time) {
            if a == z {
                if let Ok(i) = times.binary_search(&a) {
                    costs[i] += search.m.cost[v] * search.x[v];
                }
            }
        }
    }
    costs
}

/// Re-solves one neighbourhood below the incumbent's cost; returns whether the sub-MIP was
/// solved to the end.
fn improve(search: &mut Search, hood: &Hood, limit: f64) -> bool {
    let m = search.m;
    let free: Vec<bool> = m.tags.iter().map(|t| hood.frees(t)).collect();
    let sub = restrict_indexed(m, &free, &search.x, &search.columns);
    if sub.mip.num_vars() == 0 {
        return true;
    }
    // equal cost is accepted (a sideways move keeps the search moving)
    let cutoff = sub.at_x + 0.5 * search.shape.step();
    let mut settings = search.settings_for(limit);
    settings
        .highs
        .insert("mip_max_nodes".into(), toml::Value::Integer(SUB_NODES));
    match solve_below(&sub.mip, &settings, search.what, cutoff) {
        Ok(Below::Better(o)) => {
            let done = o.status == Status::Optimal || o.status == Status::GapLimit;
            search.adopt(&sub.cols, &o.x);
            done
        }
        Ok(Below::NoneBetter { proven, .. }) => proven,
        Err(_) => false,
    }
}

/// The whole MIP below the incumbent's cost for the time left; true if it proved nothing
/// cheaper exists.
fn prove(search: &mut Search) -> Result<bool, SolverError> {
    let cutoff = search.objective - 0.5 * search.shape.step();
    let limit = search.left();
    if search.whole_mip_too_slow(limit) {
        return Ok(false);
    }
    let r = solve_below(search.m, &search.settings_for(limit), search.what, cutoff)?;
    match r {
        Below::Better(o) => {
            if let Some(b) = o.bound {
                search.tighten(b);
            }
            // below the cutoff, so below the incumbent
            let optimal = o.status == Status::Optimal;
            search.set(o.x);
            search.note("whole MIP");
            Ok(optimal)
        }
        Below::NoneBetter { proven, bound } => {
            if let Some(b) = bound {
                // nothing below the cutoff was left unexplored beyond `b`; the incumbent
                // itself is at the cutoff's side
                search.tighten(b.min(search.objective));
            }
            Ok(proven)
        }
    }
}

#[cfg(all(test, feature = "highs"))]
mod tests {
    use super::*;

    /// A small team's fortnight: `people` × `days` × 2 shifts (early, late), at most one shift
    /// a day, at most `max_days` worked, no early the day after a late, a cover per day and
    /// shift (under: 10 a person, over: 1), and a wish cost per person, day and shift — the
    /// shape of a rostering model, tagged as the builders tag theirs.
    fn team(people: usize, days: usize, max_days: f64, seed: u64) -> Mip {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut m = Mip::default();
        let mut x = vec![vec![[Var(0); 2]; days]; people];
        for (e, xe) in x.iter_mut().enumerate() {
            for (d, xd) in xe.iter_mut().enumerate() {
                m.tag_with(Some(e), Some(d));
                for v in xd.iter_mut() {
                    *v = m.var(0.0, 1.0, true, f64::from(rng.random_range(0..4u8)));
                }
            }
        }
        m.tag_with(None, None);
        for xe in &x {
            for d in 0..days {
                m.row(vec![(xe[d][0], 1.0), (xe[d][1], 1.0)], 0.0, 1.0);
                if d + 1 < days {
                    m.row(vec![(xe[d][1], 1.0), (xe[d + 1][0], 1.0)], 0.0, 1.0);
                }
            }
            let all = xe
                .iter()
                .flat_map(|xd| xd.iter().map(|v| (*v, 1.0)))
                .collect();
            m.row(all, 0.0, max_days);
        }
        for d in 0..days {
            for s in 0..2 {
                let need = f64::from(rng.random_range(1..4u8));
                let under = m.var(0.0, f64::INFINITY, false, 10.0);
                let over = m.var(0.0, f64::INFINITY, false, 1.0);
                let mut t: Vec<(Var, f64)> = x.iter().map(|xe| (xe[d][s], 1.0)).collect();
                t.push((under, 1.0));
                t.push((over, -1.0));
                m.row(t, need, need);
            }
        }
        m.whole_costs = true;
        m
    }

    /// An aggregate plan's shape: per day, counts of four shifts of 8 of the day's 24 times
    /// (the last one into the next morning), a cover per time (under: 30, over: 1), at most
    /// `per_week` shifts in each 7 days — no blocks, the shift counts tagged by their day and
    /// the cover slacks by none, as the plan tags its own.
    fn plan_like(days: usize, per_week: f64, seed: u64) -> Mip {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut m = Mip::default();
        let mut cover: Vec<Vec<(Var, f64)>> = vec![Vec::new(); days * 24];
        let mut per_day = Vec::new();
        for d in 0..days {
            m.tag_with(None, Some(d));
            let xs: Vec<Var> = [0, 8, 12, 20]
                .iter()
                .map(|&start| {
                    let x = m.var(0.0, 20.0, true, f64::from(rng.random_range(8..11u8)));
                    for t in d * 24 + start..(d * 24 + start + 8).min(days * 24) {
                        cover[t].push((x, 1.0));
                    }
                    x
                })
                .collect();
            per_day.push(xs);
        }
        m.tag_with(None, None);
        for terms in cover {
            let need = f64::from(rng.random_range(1..6u8));
            let mut t = terms;
            t.push((m.var(0.0, f64::INFINITY, false, 30.0), 1.0));
            t.push((m.var(0.0, f64::INFINITY, false, 1.0), -1.0));
            m.row(t, need, need);
        }
        for week in per_day.chunks(7) {
            let t = week.iter().flatten().map(|&x| (x, 1.0)).collect();
            m.row(t, 0.0, per_week);
        }
        m.whole_costs = true;
        m
    }

    #[test]
    fn a_plan_without_its_relaxation_is_constructed_by_windows_of_days() {
        let m = plan_like(21, 60.0, 5);
        let s = settings(30.0);
        let mut search = Search::new(&m, &s, "test", 0);
        assert!(search.shape.blocks.is_empty());
        assert_eq!(search.shape.times.len(), 21);
        // no LP relaxation (it did not finish): the first plan is the construction's
        assert!(search.lp_x.is_none());
        first_solution(&mut search).unwrap();
        assert_eq!(search.trace.last().unwrap().phase, "construction");
        assert_feasible(&m, &search.x);
        assert_eq!(search.objective, m.objective(&search.x));
        // some shifts in every week: the later windows were solved, not left at zero
        for week in 0..3 {
            let shifts: f64 = (0..m.num_vars())
                .filter(|&v| m.tags[v].time.is_some_and(|(d, _)| d / 7 == week))
                .map(|v| search.x[v])
                .sum();
            assert!(shifts > 0.0, "week {week}");
        }
        // a day a step, a week a step (3 steps), each with and without the look-ahead: every
        // one feasible; a week looking ahead to the next finds this plan's optimum, and beats
        // the same steps blind to the days after them
        let best = optimum(&m);
        let mut cost = std::collections::BTreeMap::new();
        for per_step in [1, 7] {
            for look_ahead in [false, true] {
                let mut search = Search::new(&m, &s, "test", 0);
                assert!(construct_windows(&mut search, per_step, look_ahead).unwrap());
                assert_feasible(&m, &search.x);
                assert!(search.objective >= best);
                cost.insert((per_step, look_ahead), search.objective);
            }
        }
        assert_eq!(cost[&(7, true)], best, "{cost:?}");
        assert!(cost[&(7, false)] > best, "{cost:?}");
    }

    #[test]
    fn a_slack_goes_with_the_days_of_its_rows_counts_and_long_rows_are_rationed_by_days() {
        let m = plan_like(14, 60.0, 1);
        let columns = ColumnRows::of(&m);
        let days = days_of(&m, &columns);
        // the slacks of hour 2 of day 3: day 3's night-start shift, and day 2's 20:00 shift
        // running past midnight
        let (row, _, _) = &m.rows[3 * 24 + 2];
        let slacks: Vec<usize> = row
            .iter()
            .map(|(v, _)| v.0)
            .filter(|&v| !m.integer[v])
            .collect();
        assert_eq!(slacks.len(), 2);
        for v in slacks {
            assert_eq!(days[v], Some((2, 3)));
        }
        // a continuous variable sharing a row with an integer of no day belongs to every day
        let mut n = Mip::default();
        let x = n.var(0.0, 1.0, true, 1.0);
        let s = n.var(0.0, 1.0, false, 1.0);
        n.tag_with(None, Some(0));
        let y = n.var(0.0, 1.0, true, 1.0);
        n.row(vec![(x, 1.0), (y, 1.0), (s, 1.0)], 1.0, 1.0);
        assert_eq!(days_of(&n, &ColumnRows::of(&n))[s.0], None);
        // the two week rows are the long ones (the hours' rows have slacks); a step over the
        // first two days may use 2/7 × 1.25 of the first week's 60 shifts, less what is fixed
        let times: Vec<u32> = (0..14).collect();
        let long = long_rows(&m, &times);
        assert_eq!(long.len(), 2);
        assert_eq!((long[0].1, long[0].2), (0, 6));
        let hood = Hood {
            blocks: None,
            window: Some((1, 1)),
        };
        let free: Vec<bool> = m.tags.iter().map(|t| hood.frees(t)).collect();
        let x: Vec<f64> = (0..m.num_vars())
            .map(|v| {
                if m.tags[v].time == Some((0, 0)) {
                    2.0
                } else {
                    0.0
                }
            })
            .collect();
        let mut sub = restrict_indexed(&m, &free, &x, &ColumnRows::of(&m));
        let rows = sub.mip.rows.len();
        ration(&mut sub, &m, &x, &long, 1);
        assert_eq!(sub.mip.rows.len(), rows + 1);
        let (terms, _, room) = sub.mip.rows.last().unwrap();
        assert_eq!(terms.len(), 4);
        assert!((room - (60.0 * 2.0 / 7.0 * RATION_SLACK - 8.0)).abs() < 1e-9);
    }

    #[test]
    fn a_plan_whose_relaxation_would_not_finish_is_not_started_on_it() {
        let m = plan_like(21, 60.0, 5);
        // a limit far below what the LP is expected to take: skipped, no bound, no guide
        let tiny = SolverSettings {
            work_limit: Some(1e-4),
            ..settings(30.0)
        };
        let mut search = Search::new(&m, &tiny, "test", 0);
        relaxation_bound(&mut search).unwrap();
        assert!(search.lp_bound.is_none() && search.lp_x.is_none());
        assert!(search.lp_work.unwrap() > BLOCKLESS_LP_MOST * 1e-4);
        // with time for it, it is solved to the end
        let enough = settings(30.0);
        let mut search = Search::new(&m, &enough, "test", 0);
        relaxation_bound(&mut search).unwrap();
        assert!(search.lp_bound.is_some());
        // the whole MIP to its gap is not started where its root LP would overrun its share
        // fourfold (HiGHS cannot stop inside it), and is where it would not
        let expected = search.lp_expected.unwrap();
        assert!(expected > 0.0);
        whole_mip_to_gap(&mut search, expected / (WHOLE_MIP_ROOT_OVERRUN + 1.0)).unwrap();
        assert!(!search.objective.is_finite());
        // nor where the relaxation's measured work alone exceeded the share, whatever was
        // expected of it (its root, from scratch, costs more)
        let measured = search.lp_work.unwrap();
        search.lp_expected = Some(0.0);
        whole_mip_to_gap(&mut search, 0.9 * measured).unwrap();
        assert!(!search.objective.is_finite());
        search.lp_expected = Some(expected);
        whole_mip_to_gap(&mut search, 10.0).unwrap();
        assert!(search.objective.is_finite());
    }

    fn settings(limit: f64) -> SolverSettings {
        SolverSettings {
            time_limit_seconds: limit,
            mip_rel_gap: 0.0,
            threads: 1,
            ..SolverSettings::default()
        }
    }

    /// Every bound and row of `m` holds at `x`, integers whole.
    fn assert_feasible(m: &Mip, x: &[f64]) {
        for v in 0..m.num_vars() {
            assert!(
                x[v] >= m.lo[v] - 1e-6 && x[v] <= m.hi[v] + 1e-6,
                "var {v}: {}",
                x[v]
            );
            if m.integer[v] {
                assert!((x[v] - x[v].round()).abs() < 1e-6, "var {v}: {}", x[v]);
            }
        }
        for (r, (terms, lo, hi)) in m.rows.iter().enumerate() {
            let a: f64 = terms.iter().map(|(v, c)| c * x[v.0]).sum();
            assert!(
                a >= lo - 1e-6 && a <= hi + 1e-6,
                "row {r}: {a} not in {lo}..{hi}"
            );
        }
    }

    fn optimum(m: &Mip) -> f64 {
        let o = solve(m, &settings(120.0), "test").unwrap();
        assert_eq!(o.status, Status::Optimal);
        o.objective
    }

    #[test]
    fn the_large_model_path_reaches_the_proven_optimum_and_says_so() {
        for seed in 0..3 {
            let m = team(8, 14, 9.0, seed);
            let best = optimum(&m);
            // every model is "large" here: construction, neighbourhoods, proof
            let o = solve_tuned(&m, &settings(60.0), "test", 0, Hint::default()).unwrap();
            assert_feasible(&m, &o.x);
            assert_eq!(o.objective, m.objective(&o.x));
            assert_eq!(o.objective, best, "seed {seed}");
            assert_eq!(o.status, Status::Optimal);
            assert_eq!(o.bound, Some(best));
            // the LP relaxation finished: a bound no higher than the optimum
            assert!(o.lp_bound.unwrap() <= best + 1e-9);
        }
    }

    #[test]
    fn construction_alone_gives_a_feasible_roster() {
        let m = team(60, 14, 8.0, 7);
        let s = settings(30.0);
        let mut search = Search::new(&m, &s, "test", 0);
        // 28 integers a person: two construction steps (53 people, then 7)
        assert_eq!(search.shape.ints_per_block, 28.0);
        assert_eq!((CONSTRUCT_FREE / 28.0).floor(), 53.0);
        assert!(construct(&mut search).unwrap());
        assert_feasible(&m, &search.x);
        assert_eq!(search.objective, m.objective(&search.x));
        // rows of one person are theirs; the cover rows are shared
        let owned = search.shape.owner.iter().filter(|o| o.is_some()).count();
        assert_eq!(owned, 60 * (14 + 13 + 1));
        assert_eq!(search.shape.owner.len() - owned, 28);
    }

    #[test]
    fn progress_only_improves_and_the_same_seed_gives_the_same_roster() {
        let m = team(12, 14, 9.0, 3);
        let a = solve_tuned(&m, &settings(60.0), "test", 0, Hint::default()).unwrap();
        let b = solve_tuned(&m, &settings(60.0), "test", 0, Hint::default()).unwrap();
        assert_eq!(a.x, b.x);
        assert!(!a.trace.is_empty());
        for w in a.trace.windows(2) {
            assert!(w[1].objective <= w[0].objective, "{:?}", a.trace);
            match (w[0].bound, w[1].bound) {
                (Some(p), Some(q)) => assert!(q >= p, "{:?}", a.trace),
                (Some(_), None) => panic!("bound lost: {:?}", a.trace),
                _ => {}
            }
        }
        let last = a.trace.last().unwrap();
        assert_eq!((last.phase, last.objective), ("done", a.objective));
    }

    #[test]
    fn a_guide_draws_the_blocks_it_weighs_into_half_the_neighbourhoods() {
        let m = team(10, 7, 5.0, 1);
        let s = settings(60.0);
        let with = |search: &mut Search, weighed: &[u32]| {
            (0..400)
                .filter(|_| pick_blocks(search, 2.0).iter().any(|b| weighed.contains(b)))
                .count()
        };
        // at random, 3 or 7 among two of ten blocks: 17 pairs in 45 (151 of 400)
        let mut search = Search::new(&m, &s, "test", 0);
        let random = with(&mut search, &[3, 7]);
        assert!((100..200).contains(&random), "{random}");
        // weighed by the guide (the others at 0), near the bound: half the draws take one of
        // them first, the other block at random (276 of 400 expected)
        search.guide = Some(BlockGuide(std::sync::Arc::new(|_: &[f64]| {
            (0..10)
                .map(|b| if b == 3 || b == 7 { 1.5 } else { 0.0 })
                .collect()
        })));
        search.objective = 100.0;
        search.bound = Some(50.0);
        let far = with(&mut search, &[3, 7]);
        assert!(
            (100..200).contains(&far),
            "far from the bound the guide is not used: {far}"
        );
        search.bound = Some(99.0);
        let guided = with(&mut search, &[3, 7]);
        assert!((230..330).contains(&guided), "{guided}");
        // one block weighed: in 6 draws of 10 (1 in 5 at random)
        search.guide = Some(BlockGuide(std::sync::Arc::new(|_: &[f64]| {
            (0..10).map(|b| if b == 5 { 0.2 } else { 0.0 }).collect()
        })));
        let five = with(&mut search, &[5]);
        assert!((190..290).contains(&five), "{five}");
    }

    #[test]
    fn a_neighbourhood_leaves_the_fixed_part_as_it_was() {
        let m = team(6, 7, 5.0, 1);
        let x = solve(&m, &settings(60.0), "test").unwrap().x;
        // person 2 freed on days 3 to 5
        let hood = Hood {
            blocks: Some(vec![2]),
            window: Some((3, 5)),
        };
        let free: Vec<bool> = m.tags.iter().map(|t| hood.frees(t)).collect();
        let sub = restrict(&m, &free, &x, |_| true);
        // through the column index: the same sub-model
        let indexed = restrict_indexed(&m, &free, &x, &ColumnRows::of(&m));
        assert_eq!(indexed.mip.rows, sub.mip.rows);
        assert_eq!(indexed.cols, sub.cols);
        // the person's 6 shift variables and the 28 cover slacks (no person, no day)
        assert_eq!(sub.mip.num_integer(), 6);
        assert_eq!(sub.mip.num_vars(), 6 + 28);
        let at_x: Vec<f64> = sub.cols.iter().map(|&v| x[v]).collect();
        assert_eq!(sub.mip.objective(&at_x), sub.at_x);
        assert_feasible(&sub.mip, &at_x);
    }

    #[test]
    fn below_a_cutoff_only_better_counts_and_none_better_is_a_proof() {
        let m = team(6, 7, 5.0, 2);
        let best = optimum(&m);
        match solve_below(&m, &settings(60.0), "test", best + 0.5).unwrap() {
            Below::Better(o) => assert_eq!(o.objective, best),
            Below::NoneBetter { .. } => panic!("the optimum is below the cutoff"),
        }
        match solve_below(&m, &settings(60.0), "test", best - 0.5).unwrap() {
            Below::NoneBetter { proven, .. } => assert!(proven),
            Below::Better(o) => panic!("better than the optimum: {}", o.objective),
        }
    }

    #[test]
    fn an_infeasible_model_is_said_to_be_so() {
        let mut m = team(4, 7, 5.0, 0);
        // somebody must work 8 of 7 days
        let first: Vec<(Var, f64)> = (0..14).map(|v| (Var(v), 1.0)).collect();
        m.row(first, 8.0, f64::INFINITY);
        let e = solve_tuned(&m, &settings(30.0), "test", 0, Hint::default()).unwrap_err();
        assert!(matches!(e, SolverError::Infeasible { .. }), "{e}");
    }
}
