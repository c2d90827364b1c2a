//! Column generation (Dantzig–Wolfe) for models made of blocks — one person's schedule each —
//! coupled only by a few linking rows (cover): the master chooses one column (a whole
//! schedule) per block, a [`Pricer`] supplied by the model's owner finds the schedules of
//! negative reduced cost. Nothing here knows a rule: the pricer does.
//!
//! What it gives:
//! - **A lower bound** for the whole integer problem, valid at every iteration (the Lagrangian
//!   bound `Σ π·b + Σ_blocks min reduced cost`, with the duals clamped so that every slack's
//!   reduced cost is non-negative) and equal to the master LP's optimum once no block prices
//!   out — on rostering models far stronger than the compact model's LP relaxation.
//! - **Schedules** (the columns generated), from which [`best_integer`] picks one per block
//!   by a MIP ("price and branch"): a good roster, though not proven optimal on its own.

use super::work::Clock;
use super::{rel_gap, SolverError, SolverSettings};

mod dive;
pub use dive::dive;

/// A linking row `lo ≤ Σ columns + Σ slacks ≤ hi`.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub lo: f64,
    pub hi: f64,
}

/// A continuous slack in one linking row: `0 ≤ s ≤ upper`, `coef · s` in the row, `cost · s`
/// in the objective (under- and over-cover).
#[derive(Debug, Clone, PartialEq)]
pub struct Slack {
    pub row: usize,
    pub coef: f64,
    pub cost: f64,
    pub upper: f64,
}

/// The master's fixed part: the linking rows, their slacks, the number of blocks.
#[derive(Debug, Clone, PartialEq)]
pub struct Master {
    pub links: Vec<Link>,
    pub slacks: Vec<Slack>,
    pub blocks: usize,
}

/// One block's schedule: its cost, its coefficients in the linking rows and what the pricer
/// needs to turn it back into a schedule (`payload`).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub block: usize,
    pub cost: f64,
    pub rows: Vec<(usize, f64)>,
    pub payload: Vec<u16>,
}

impl Column {
    /// `cost − π·a`: what the column costs above the linking rows' worth at duals `pi`.
    pub fn reduced_cost(&self, pi: &[f64]) -> f64 {
        self.cost - self.rows.iter().map(|&(r, a)| a * pi[r]).sum::<f64>()
    }
}

/// A pricing answer for one block: up to the asked number of columns of reduced cost below the
/// threshold, best first, and a lower bound on the block's least `cost − π·a` over all its
/// schedules (exact where the pricer solved to the end; `threshold` itself where it only
/// proved that nothing is below it).
#[derive(Debug, Clone)]
pub struct Priced {
    pub columns: Vec<Column>,
    pub least: f64,
}

/// How hard a pricing call looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effort {
    /// A quick heuristic answer only (none where it finds nothing; `least` unknown: −∞).
    Quick,
    /// The quick answer where it finds columns, else the exact search (a bound where that
    /// finishes).
    Heuristic,
    /// The exact search (where it finishes: `least` is a bound).
    Exact,
}

/// Finds a block's schedules of least reduced cost. `pi` are the linking rows' duals; columns
/// whose `cost − π·a` is not below `threshold` are of no use; `effort` says how hard to look.
/// Every schedule must keep `branches` (the block's own branching decisions). `None`: the
/// block has no feasible schedule under them.
pub trait Pricer: Sync {
    fn price(
        &self,
        block: usize,
        pi: &[f64],
        threshold: f64,
        max_columns: usize,
        effort: Effort,
        branches: &[Branch],
    ) -> Option<Priced>;
}

/// What column generation reached.
#[derive(Debug, Clone)]
pub struct Generated {
    pub columns: Vec<Column>,
    /// The best Lagrangian bound seen (valid for the integer problem).
    pub bound: f64,
    /// The restricted master LP's last optimum (equal to the bound when converged).
    pub master: f64,
    /// No block prices out: the master LP is solved over all schedules.
    pub converged: bool,
    /// Converged, or the bound rounded up (whole costs) meets the master's: more columns
    /// cannot raise the whole-number bound.
    pub settled: bool,
    pub iterations: usize,
    pub seconds: f64,
    /// The master LP's last duals: what a unit of each linking row is worth and each block's
    /// least reduced cost so far (None: the master was never solved).
    pub duals: Option<Duals>,
}

/// A master LP's duals: `pi` per linking row, `mu` per block (its convexity row). Where the
/// master has converged, `cost − π·a − μ` of a block's schedule is what using it costs above
/// the relaxation's optimum (0 for the schedules an optimum uses, never below 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Duals {
    pub pi: Vec<f64>,
    pub mu: Vec<f64>,
}

/// Columns asked of each block per iteration.
const COLUMNS_PER_BLOCK: usize = 4;
/// Every this many iterations every block is priced exactly (a bound along the way); in
/// between, exactly only where the quick heuristic finds nothing.
const EXACT_EVERY: usize = 5;
const EPS: f64 = 1e-6;

/// Column generation from `initial` columns (at least one per block) until no block prices out,
/// the rounded bound meets the master (`whole_costs`: every integer solution costs a whole
/// number) or the settings' budget is spent.
pub fn generate(
    master: &Master,
    pricer: &dyn Pricer,
    initial: Vec<Column>,
    s: &SolverSettings,
    whole_costs: bool,
    progress: bool,
) -> Result<Generated, SolverError> {
    let clock = Clock::start(s);
    let mut pool = initial;
    let node = solve_node(
        master,
        pricer,
        &mut pool,
        &[],
        (&clock, s),
        None,
        whole_costs,
        progress,
    )?
    .ok_or_else(|| SolverError::Infeasible {
        what: "column generation".into(),
        detail: "a block has no feasible schedule on its own".into(),
    })?;
    Ok(Generated {
        columns: pool,
        bound: node.bound,
        master: node.value,
        converged: node.converged,
        settled: node.settled,
        iterations: node.iterations,
        seconds: clock.seconds(),
        duals: node.duals,
    })
}

/// A branching decision: block `block`'s schedule counts in linking row `row` (`covers`) or
/// not — for a roster, "this person works this shift on this day" or does not.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Branch {
    pub block: usize,
    pub row: usize,
    pub covers: bool,
}

impl Branch {
    /// `c` keeps this decision.
    fn allows(&self, c: &Column) -> bool {
        c.block != self.block
            || c.rows.iter().any(|&(r, a)| r == self.row && a != 0.0) == self.covers
    }
}

/// The master LP at one node of the search, solved by column generation.
struct Node {
    /// Valid for every integer solution keeping the node's decisions (−∞: none proved).
    bound: f64,
    value: f64,
    /// The master's solution: (pool index, value) of every column above zero.
    lambda: Vec<(usize, f64)>,
    converged: bool,
    settled: bool,
    iterations: usize,
    duals: Option<Duals>,
}

/// Column generation at a node: the master over the pool's columns that keep `branches`, new
/// columns priced under them and added to `pool`, until it converges, the bound reaches
/// `cutoff` (nothing below it here), its rounded bound meets the master, or the clock runs
/// out (`limit`: the search's clock and settings). `None`: a block has no schedule under the
/// decisions (the node is empty).
#[allow(clippy::too_many_arguments)]
fn solve_node(
    master: &Master,
    pricer: &dyn Pricer,
    pool: &mut Vec<Column>,
    branches: &[Branch],
    limit: (&Clock, &SolverSettings),
    cutoff: Option<f64>,
    whole_costs: bool,
    progress: bool,
) -> Result<Option<Node>, SolverError> {
    let (clock, settings) = limit;
    let left = || clock.left();
    let round = |v: f64| if whole_costs { (v - EPS).ceil() } else { v };
    let mut lp = MasterLp::new(master)?;
    let mut has = vec![false; master.blocks];
    for (j, c) in pool.iter().enumerate() {
        if branches.iter().all(|b| b.allows(c)) {
            lp.add(c, j)?;
            has[c.block] = true;
        }
    }
    // a block without a column: price it once with no duals (its cheapest schedule)
    let zero = vec![0.0; master.links.len()];
    for b in (0..master.blocks).filter(|&b| !has[b]) {
        let mine: Vec<Branch> = branches.iter().filter(|x| x.block == b).copied().collect();
        let Some(p) = pricer.price(b, &zero, f64::INFINITY, 1, Effort::Exact, &mine) else {
            return Ok(None);
        };
        // no column and no proof of none (a pricer that gave up): the node is not empty,
        // only unsolved — no bound or pruning may rest on it
        let Some(c) = p.columns.into_iter().next() else {
            return Err(SolverError::Failed {
                what: "column generation".into(),
                detail: format!("the pricing found no first schedule for block {b}"),
            });
        };
        lp.add_to_pool(c, pool)?;
    }
    let mut node = Node {
        bound: f64::NEG_INFINITY,
        value: f64::INFINITY,
        lambda: Vec::new(),
        converged: false,
        settled: false,
        iterations: 0,
        duals: None,
    };
    while left() > 0.0 {
        node.iterations += 1;
        let Some(sol) = lp.solve(&clock.rest(settings))? else {
            break;
        };
        node.value = sol.objective;
        node.lambda = sol.lambda;
        let pi = clamp_duals(master, sol.pi);
        node.duals = Some(Duals {
            pi: pi.clone(),
            mu: sol.mu.clone(),
        });
        let mut lagrange = fixed_part(master, &pi);
        let mut added = 0;
        // every block priced to the end: the iteration's Lagrangian bound is valid
        let mut exact = true;
        let effort = if node.iterations.is_multiple_of(EXACT_EVERY) {
            Effort::Exact
        } else {
            Effort::Heuristic
        };
        for b in 0..master.blocks {
            let mine: Vec<Branch> = branches.iter().filter(|x| x.block == b).copied().collect();
            let Some(priced) =
                pricer.price(b, &pi, sol.mu[b] - EPS, COLUMNS_PER_BLOCK, effort, &mine)
            else {
                return Ok(None);
            };
            exact &= priced.least.is_finite();
            lagrange += priced.least.min(sol.mu[b]);
            for c in priced.columns {
                lp.add_to_pool(c, pool)?;
                added += 1;
            }
            if left() <= 0.0 {
                exact = false;
                added = added.max(1);
                break;
            }
        }
        if exact {
            node.bound = node.bound.max(lagrange);
        }
        if progress && branches.is_empty() {
            crate::i18n::show(
                &format!(
                    "{:>7.1} s  pricing      master {:>12.2}  bound {:>12.2}  +{added} columns{}\n",
                    clock.seconds(),
                    node.value,
                    node.bound,
                    if exact { "" } else { " (heuristic)" }
                ),
                true,
            );
        }
        if added == 0 {
            // no column at all: exact pricing proved none below the duals
            node.converged = exact;
            node.settled = exact;
            if exact {
                node.bound = node.bound.max(node.value);
            }
            break;
        }
        if round(node.bound) >= round(node.value) - EPS || rel_gap(node.value, node.bound) < 1e-9 {
            node.settled = true;
            break;
        }
        if cutoff.is_some_and(|c| round(node.bound) >= c - EPS) {
            break;
        }
    }
    Ok(Some(node))
}

/// What branch-and-price reached: the best roster (one pool column per block) and its cost,
/// the bound over the whole tree, whether it proved the best optimal, and the nodes solved.
#[derive(Debug, Clone)]
pub struct Searched {
    pub best: Option<(f64, Vec<usize>)>,
    pub bound: f64,
    pub proven: bool,
    pub nodes: usize,
}

/// Branch-and-price from the pool (its root already solved or not): depth first, each node
/// solved by column generation under its decisions, branching on the block and row whose
/// share is most fractional, nodes whose bound cannot beat the incumbent pruned.
/// `incumbent`: the cost of the best roster known (found elsewhere), to prune against.
pub fn branch_and_price(
    master: &Master,
    pricer: &dyn Pricer,
    pool: &mut Vec<Column>,
    incumbent: Option<f64>,
    s: &SolverSettings,
    whole_costs: bool,
) -> Result<Searched, SolverError> {
    let clock = Clock::start(s);
    let round = |v: f64| if whole_costs { (v - EPS).ceil() } else { v };
    let step = if whole_costs { 1.0 } else { 1e-6 };
    let mut best_cost = incumbent.unwrap_or(f64::INFINITY);
    let mut best: Option<(f64, Vec<usize>)> = None;
    // open nodes: their decisions and the bound their parent proved for them
    let mut open: Vec<(Vec<Branch>, f64)> = vec![(Vec::new(), f64::NEG_INFINITY)];
    let mut nodes = 0;
    while let Some((branches, parent_bound)) = open.pop() {
        if clock.left() <= 0.0 {
            open.push((branches, parent_bound));
            break;
        }
        if round(parent_bound) >= best_cost - EPS {
            continue;
        }
        nodes += 1;
        let cutoff = best_cost - 0.5 * step;
        let Some(node) = solve_node(
            master,
            pricer,
            pool,
            &branches,
            (&clock, s),
            Some(cutoff),
            whole_costs,
            false,
        )?
        else {
            continue;
        };
        let bound = node.bound.max(parent_bound);
        // stopped by the clock before its bound settled: still open
        if !node.settled && !node.converged && round(bound) < best_cost - EPS && clock.left() <= 0.0
        {
            open.push((branches, bound));
            break;
        }
        if round(bound) >= best_cost - EPS {
            continue;
        }
        match integral(master, pool, &node.lambda) {
            Some(chosen) => {
                if node.value < best_cost - EPS {
                    best_cost = node.value;
                    best = Some((node.value, chosen));
                }
            }
            None => {
                let Some((block, row, share)) = most_fractional(pool, &node.lambda) else {
                    continue;
                };
                // the child the master leans to is explored first (pushed last)
                let mut cover = branches.clone();
                cover.push(Branch {
                    block,
                    row,
                    covers: true,
                });
                let mut not = branches;
                not.push(Branch {
                    block,
                    row,
                    covers: false,
                });
                if share >= 0.5 {
                    open.push((not, bound));
                    open.push((cover, bound));
                } else {
                    open.push((cover, bound));
                    open.push((not, bound));
                }
            }
        }
    }
    let open_bound = open.iter().map(|(_, b)| *b).fold(f64::INFINITY, f64::min);
    let proven = open.is_empty();
    let bound = if proven {
        best_cost
    } else {
        open_bound.min(best_cost)
    };
    Ok(Searched {
        best,
        bound,
        proven,
        nodes,
    })
}

/// One column per block at 1 in the master's solution: the chosen pool indices.
fn integral(master: &Master, pool: &[Column], lambda: &[(usize, f64)]) -> Option<Vec<usize>> {
    let mut chosen = vec![usize::MAX; master.blocks];
    for &(j, v) in lambda {
        if v > 1.0 - 1e-6 {
            chosen[pool[j].block] = j;
        } else if v > 1e-6 {
            return None;
        }
    }
    (!chosen.contains(&usize::MAX)).then_some(chosen)
}

/// The (block, row) whose share in the master's solution is nearest one half, and the share.
fn most_fractional(pool: &[Column], lambda: &[(usize, f64)]) -> Option<(usize, usize, f64)> {
    let mut share: std::collections::BTreeMap<(usize, usize), f64> =
        std::collections::BTreeMap::new();
    for &(j, v) in lambda {
        let c = &pool[j];
        for &(r, a) in &c.rows {
            if a != 0.0 {
                *share.entry((c.block, r)).or_default() += v;
            }
        }
    }
    share
        .into_iter()
        .filter(|(_, v)| *v > 1e-6 && *v < 1.0 - 1e-6)
        .min_by(|a, b| (a.1 - 0.5).abs().total_cmp(&(b.1 - 0.5).abs()))
        .map(|((b, r), v)| (b, r, v))
}

/// Duals moved into the region where every slack's reduced cost is non-negative and every row
/// side with a dual pointing at it is finite: any such π gives a valid Lagrangian bound.
fn clamp_duals(master: &Master, mut pi: Vec<f64>) -> Vec<f64> {
    for s in &master.slacks {
        if s.upper.is_infinite() && s.coef != 0.0 {
            let limit = s.cost / s.coef;
            let p = &mut pi[s.row];
            if s.coef > 0.0 {
                *p = p.min(limit);
            } else {
                *p = p.max(limit);
            }
        }
    }
    for (r, l) in master.links.iter().enumerate() {
        if (pi[r] > 0.0 && !l.lo.is_finite()) || (pi[r] < 0.0 && !l.hi.is_finite()) {
            pi[r] = 0.0;
        }
    }
    pi
}

/// The Lagrangian bound's part from the linking rows and the slacks at duals `pi`.
fn fixed_part(master: &Master, pi: &[f64]) -> f64 {
    let rows: f64 = master
        .links
        .iter()
        .zip(pi)
        .map(|(l, &p)| {
            if p > 0.0 {
                p * l.lo
            } else if p < 0.0 {
                p * l.hi
            } else {
                0.0
            }
        })
        .sum();
    // a bounded slack with a negative reduced cost sits at its upper bound
    let slacks: f64 = master
        .slacks
        .iter()
        .map(|s| (s.cost - s.coef * pi[s.row]).min(0.0) * s.upper)
        .filter(|v| v.is_finite())
        .sum();
    rows + slacks
}

/// The restricted master LP, kept in HiGHS between iterations (new columns warm-start it).
#[cfg(feature = "highs")]
struct MasterLp {
    model: Option<highs::Model>,
    links: Vec<highs::Row>,
    convexity: Vec<highs::Row>,
    slacks: usize,
    /// The pool index of each column added, in order.
    index: Vec<usize>,
    /// Each column added, in the same order (to change its bounds).
    cols: Vec<highs::Col>,
    /// The model's size (what its solves cost).
    size: super::work::Size,
}

/// A master LP optimum: objective, the linking rows' duals, the blocks' convexity duals, and
/// the columns above zero (pool index, value).
struct MasterSolution {
    objective: f64,
    pi: Vec<f64>,
    mu: Vec<f64>,
    lambda: Vec<(usize, f64)>,
}

/// A column's coefficients in the HiGHS master: its linking rows and its block's convexity row.
#[cfg(feature = "highs")]
fn column_terms<'c>(
    c: &'c Column,
    links: &'c [highs::Row],
    convexity: &'c [highs::Row],
) -> impl Iterator<Item = (highs::Row, f64)> + 'c {
    c.rows
        .iter()
        .map(|&(r, v)| (links[r], v))
        .chain([(convexity[c.block], 1.0)])
}

/// `p` as a quiet, single-threaded HiGHS model to minimise.
#[cfg(feature = "highs")]
fn quiet_model(p: highs::ColProblem) -> Result<highs::Model, SolverError> {
    let mut model = p
        .try_optimise(highs::Sense::Minimise)
        .map_err(|e| failed(format!("{e:?}")))?;
    model.set_option("output_flag", false);
    model.set_option("log_to_console", false);
    model.set_option("threads", 1);
    Ok(model)
}

/// The master's fixed part as a HiGHS problem: the linking rows, a convexity row per block
/// and the slacks; columns are added by the caller.
#[cfg(feature = "highs")]
fn master_problem(master: &Master) -> (highs::ColProblem, Vec<highs::Row>, Vec<highs::Row>) {
    let mut p = highs::ColProblem::default();
    let links: Vec<highs::Row> = master
        .links
        .iter()
        .map(|l| p.add_row(l.lo..=l.hi))
        .collect();
    let convexity: Vec<highs::Row> = (0..master.blocks).map(|_| p.add_row(1.0..=1.0)).collect();
    for s in &master.slacks {
        p.add_column(s.cost, 0.0..=s.upper, [(links[s.row], s.coef)]);
    }
    (p, links, convexity)
}

#[cfg(feature = "highs")]
impl MasterLp {
    fn new(master: &Master) -> Result<MasterLp, SolverError> {
        let (p, links, convexity) = master_problem(master);
        Ok(MasterLp {
            model: Some(quiet_model(p)?),
            size: super::work::Size {
                rows: links.len() + convexity.len(),
                cols: master.slacks.len(),
                nonzeros: master.slacks.len(),
            },
            links,
            convexity,
            slacks: master.slacks.len(),
            index: Vec::new(),
            cols: Vec::new(),
        })
    }
    fn add(&mut self, c: &Column, pool_index: usize) -> Result<(), SolverError> {
        self.index.push(pool_index);
        self.size.cols += 1;
        self.size.nonzeros += c.rows.len() + 1;
        let model = self.model.as_mut().expect("master model present");
        let rows = column_terms(c, &self.links, &self.convexity);
        let col = model
            .try_add_column(c.cost, 0.0..=f64::INFINITY, rows)
            .map_err(|e| failed(format!("{e:?}")))?;
        self.cols.push(col);
        Ok(())
    }
    /// `c` added to the master and to the end of `pool`.
    fn add_to_pool(&mut self, c: Column, pool: &mut Vec<Column>) -> Result<(), SolverError> {
        self.add(&c, pool.len())?;
        pool.push(c);
        Ok(())
    }
    /// Pool column `j` (added before) at 1: its block's schedule from now on.
    fn fix(&mut self, j: usize) {
        let position = self
            .index
            .iter()
            .position(|&k| k == j)
            .expect("a column in the master");
        let model = self.model.as_mut().expect("master model present");
        model.change_column_bounds(self.cols[position], 1.0..=1.0);
    }
    /// The master's optimum; `None` if the settings' limit came first.
    fn solve(&mut self, s: &SolverSettings) -> Result<Option<MasterSolution>, SolverError> {
        use highs::HighsModelStatus as H;
        let model = self.model.take().expect("master model present");
        let solved =
            super::run_highs(model, self.size, 0, s).map_err(|e| failed(format!("{e:?}")))?;
        match solved.status() {
            H::Optimal => {}
            H::ReachedTimeLimit | H::ReachedInterrupt | H::ReachedIterationLimit => {
                self.model = Some(solved.into());
                return Ok(None);
            }
            status => {
                self.model = Some(solved.into());
                return Err(failed(format!("master LP stopped: {status:?}")));
            }
        }
        let objective = solved.objective_value();
        let sol = solved.get_solution();
        let duals = sol.dual_rows();
        let pi = duals[..self.links.len()].to_vec();
        let mu = duals[self.links.len()..].to_vec();
        let lambda = sol.columns()[self.slacks..]
            .iter()
            .zip(&self.index)
            .filter(|(v, _)| **v > 1e-9)
            .map(|(v, &j)| (j, *v))
            .collect();
        self.model = Some(solved.into());
        Ok(Some(MasterSolution {
            objective,
            pi,
            mu,
            lambda,
        }))
    }
}

#[cfg(not(feature = "highs"))]
struct MasterLp;

#[cfg(not(feature = "highs"))]
impl MasterLp {
    fn new(_: &Master) -> Result<MasterLp, SolverError> {
        Err(SolverError::Backend("highs".into()))
    }
    fn add(&mut self, _: &Column, _: usize) -> Result<(), SolverError> {
        Err(SolverError::Backend("highs".into()))
    }
    fn add_to_pool(&mut self, _: Column, _: &mut Vec<Column>) -> Result<(), SolverError> {
        Err(SolverError::Backend("highs".into()))
    }
    fn fix(&mut self, _: usize) {}
    fn solve(&mut self, _: &SolverSettings) -> Result<Option<MasterSolution>, SolverError> {
        Err(SolverError::Backend("highs".into()))
    }
}

#[cfg(feature = "highs")]
fn failed(detail: String) -> SolverError {
    SolverError::Failed {
        what: "column generation master".into(),
        detail,
    }
}

/// One column per block chosen by a MIP over the generated columns (the slacks continuous),
/// within the settings' limits and with their seed: the chosen column of each block and the
/// objective, or `None` if the MIP found nothing in its time.
#[cfg(feature = "highs")]
pub fn best_integer(
    master: &Master,
    columns: &[Column],
    s: &SolverSettings,
) -> Result<Option<(Vec<usize>, f64)>, SolverError> {
    let (mut p, links, convexity) = master_problem(master);
    let size = super::work::Size {
        rows: links.len() + convexity.len(),
        cols: master.slacks.len() + columns.len(),
        nonzeros: master.slacks.len() + columns.iter().map(|c| c.rows.len() + 1).sum::<usize>(),
    };
    for c in columns {
        p.add_integer_column(c.cost, 0.0..=1.0, column_terms(c, &links, &convexity));
    }
    let mut model = quiet_model(p)?;
    model.set_option("random_seed", s.seed as i32);
    let solved =
        super::run_highs(model, size, columns.len(), s).map_err(|e| failed(format!("{e:?}")))?;
    if solved.primal_solution_status() != highs::HighsSolutionStatus::Feasible {
        return Ok(None);
    }
    let x = solved.get_solution().columns().to_vec();
    let lambda = &x[master.slacks.len()..];
    let mut chosen = vec![usize::MAX; master.blocks];
    for (j, c) in columns.iter().enumerate() {
        if lambda[j] > 0.5 {
            chosen[c.block] = j;
        }
    }
    if chosen.contains(&usize::MAX) {
        return Ok(None);
    }
    Ok(Some((chosen, solved.objective_value())))
}

#[cfg(not(feature = "highs"))]
pub fn best_integer(
    _: &Master,
    _: &[Column],
    _: &SolverSettings,
) -> Result<Option<(Vec<usize>, f64)>, SolverError> {
    Err(SolverError::Backend("highs".into()))
}

#[cfg(all(test, feature = "highs"))]
mod tests {
    use super::*;
    use crate::solver::{solve, Mip, Var};

    /// Settings with a time limit of `seconds`.
    fn secs(seconds: f64) -> SolverSettings {
        SolverSettings {
            time_limit_seconds: seconds,
            ..SolverSettings::default()
        }
    }

    /// Blocks with their schedules listed: the pricer scans them all (exact).
    pub(super) struct Listed {
        schedules: Vec<Vec<Column>>,
    }

    impl Pricer for Listed {
        fn price(
            &self,
            b: usize,
            pi: &[f64],
            threshold: f64,
            max: usize,
            _: Effort,
            branches: &[Branch],
        ) -> Option<Priced> {
            let rc = |c: &Column| c.reduced_cost(pi);
            let mut all: Vec<&Column> = self.schedules[b]
                .iter()
                .filter(|c| branches.iter().all(|x| x.allows(c)))
                .collect();
            all.sort_by(|x, y| rc(x).total_cmp(&rc(y)));
            let least = rc(all.first()?);
            let columns = all
                .into_iter()
                .filter(|c| rc(c) < threshold)
                .take(max)
                .cloned()
                .collect();
            Some(Priced { columns, least })
        }
    }

    /// Three people, four days; each may work any two days (a day worked costs its wish
    /// penalty); cover wants 2, 1, 2, 1 people, 10 a person short and 1 a person over.
    pub(super) fn instance() -> (Master, Listed) {
        let wish = [
            [0.0, 3.0, 1.0, 0.0],
            [2.0, 0.0, 0.0, 4.0],
            [1.0, 1.0, 5.0, 0.0],
        ];
        instance_with([2.0, 1.0, 2.0, 1.0], wish)
    }

    fn instance_with(need: [f64; 4], wish: [[f64; 4]; 3]) -> (Master, Listed) {
        let links = need.iter().map(|&n| Link { lo: n, hi: n }).collect();
        let slacks = (0..4)
            .flat_map(|r| {
                [
                    Slack {
                        row: r,
                        coef: 1.0,
                        cost: 10.0,
                        upper: f64::INFINITY,
                    },
                    Slack {
                        row: r,
                        coef: -1.0,
                        cost: 1.0,
                        upper: f64::INFINITY,
                    },
                ]
            })
            .collect();
        let schedules = (0..3)
            .map(|b| {
                let mut cols = Vec::new();
                for d1 in 0..4 {
                    for d2 in d1 + 1..4 {
                        cols.push(Column {
                            block: b,
                            cost: wish[b][d1] + wish[b][d2],
                            rows: vec![(d1, 1.0), (d2, 1.0)],
                            payload: vec![d1 as u16, d2 as u16],
                        });
                    }
                }
                cols
            })
            .collect();
        (
            Master {
                links,
                slacks,
                blocks: 3,
            },
            Listed { schedules },
        )
    }

    /// The master with every schedule, as one model (`integer`: one schedule a block).
    fn full(master: &Master, listed: &Listed, integer: bool) -> f64 {
        let mut m = Mip::default();
        let mut rows: Vec<Vec<(Var, f64)>> = vec![Vec::new(); master.links.len()];
        for s in &master.slacks {
            rows[s.row].push((m.var(0.0, f64::INFINITY, false, s.cost), s.coef));
        }
        for cols in &listed.schedules {
            let mut one = Vec::new();
            for c in cols {
                let v = m.var(0.0, 1.0, integer, c.cost);
                one.push((v, 1.0));
                for &(r, a) in &c.rows {
                    rows[r].push((v, a));
                }
            }
            m.row(one, 1.0, 1.0);
        }
        for (r, l) in rows.into_iter().zip(&master.links) {
            m.row(r, l.lo, l.hi);
        }
        solve(&m, &SolverSettings::default(), "test")
            .unwrap()
            .objective
    }

    #[test]
    fn the_bound_is_the_full_master_lp_and_below_every_roster() {
        let (master, listed) = instance();
        // start from each block's first schedule only
        let initial = listed.schedules.iter().map(|c| c[0].clone()).collect();
        let g = generate(&master, &listed, initial, &secs(30.0), false, false).unwrap();
        assert!(g.converged);
        let lp = full(&master, &listed, false);
        let ip = full(&master, &listed, true);
        assert!(
            (g.bound - lp).abs() < 1e-6,
            "bound {} vs full LP {lp}",
            g.bound
        );
        assert!((g.master - lp).abs() < 1e-6);
        let (chosen, obj) = best_integer(&master, &g.columns, &secs(30.0))
            .unwrap()
            .unwrap();
        assert_eq!(chosen.len(), 3);
        assert!(obj >= ip - 1e-6 && ip >= g.bound - 1e-6);
        // every block chose one of its own schedules
        for (b, &j) in chosen.iter().enumerate() {
            assert_eq!(g.columns[j].block, b);
        }
    }

    #[test]
    fn branch_and_price_proves_the_integer_optimum() {
        let (master, listed) = instance();
        let initial: Vec<Column> = listed.schedules.iter().map(|c| c[0].clone()).collect();
        let mut pool = initial;
        let s = branch_and_price(&master, &listed, &mut pool, None, &secs(30.0), true).unwrap();
        let ip = full(&master, &listed, true);
        assert!(s.proven);
        let (cost, chosen) = s.best.expect("a roster");
        assert!((cost - ip).abs() < 1e-6, "{cost} vs {ip}");
        assert!((s.bound - ip).abs() < 1e-6);
        // the roster's cost is what its columns and the cover slacks cost
        let mut covered = [0.0; 4];
        let mut total = 0.0;
        for &j in &chosen {
            total += pool[j].cost;
            for &(r, a) in &pool[j].rows {
                covered[r] += a;
            }
        }
        let need = [2.0, 1.0, 2.0, 1.0];
        for r in 0..4 {
            let d: f64 = need[r] - covered[r];
            total += if d > 0.0 { 10.0 * d } else { -d };
        }
        assert!((total - cost).abs() < 1e-6);
        // told of a roster at the optimum already, it proves it without finding another
        let again =
            branch_and_price(&master, &listed, &mut pool, Some(ip), &secs(30.0), true).unwrap();
        assert!(again.proven && again.best.is_none());
    }

    #[test]
    fn branching_closes_a_fractional_master() {
        use rand::{Rng, SeedableRng};
        // the first of a fixed series of instances whose master LP is fractional (below the
        // integer optimum): branch-and-price must branch to reach and prove the optimum
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        for _ in 0..200 {
            let need = [0, 1, 2, 3].map(|_| f64::from(rng.random_range(1..3u8)));
            let wish = [0, 1, 2].map(|_| [0, 1, 2, 3].map(|_| f64::from(rng.random_range(0..6u8))));
            let (master, mut listed) = instance_with(need, wish);
            // a cost per schedule of its own (not the sum of its days): masters go fractional
            for c in listed.schedules.iter_mut().flatten() {
                c.cost += f64::from(rng.random_range(0..6u8));
            }
            let (lp, ip) = (full(&master, &listed, false), full(&master, &listed, true));
            if lp > ip - 0.01 {
                continue;
            }
            let mut pool: Vec<Column> = listed.schedules.iter().map(|c| c[0].clone()).collect();
            let s =
                branch_and_price(&master, &listed, &mut pool, None, &secs(30.0), false).unwrap();
            assert!(s.nodes > 1, "a fractional root must branch");
            assert!(s.proven);
            assert!((s.best.unwrap().0 - ip).abs() < 1e-6 && (s.bound - ip).abs() < 1e-6);
            return;
        }
        panic!("no fractional instance in the series");
    }
}
