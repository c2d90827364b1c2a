//! Price-and-fix diving: a roster read from the master LP where column generation has not
//! settled (its columns, generated at passing duals, seldom fit together whole, so a MIP over
//! them alone finds poor rosters). Each step fixes the blocks the master is surest of to the
//! schedule it leans to and prices the others again under what is fixed, until every block
//! has its schedule. A heuristic: its roster is feasible (each block keeps one of its own
//! schedules), never proven.

use super::{clamp_duals, Column, Duals, Effort, Master, MasterLp, Pricer, COLUMNS_PER_BLOCK, EPS};
use crate::solver::work::Clock;
use crate::solver::{SolverError, SolverSettings};

/// Pricing rounds run after a step's fixings while the master's value stays more than this
/// share above its value before them (the fixings made missing schedules matter)...
const RISE: f64 = 0.002;
/// ...and at most this many.
const ROUNDS: usize = 5;
/// Columns per block the dive's master starts with (see [`promising`]).
const KEPT_PER_BLOCK: usize = 20;
/// A block whose leading schedule has at least this share of it is fixed at once.
const SURE: f64 = 0.9;
/// Each step fixes at least this share of the blocks still free (the surest first).
const LEAST_STEP_SHARE: f64 = 0.125;

/// One schedule per block (pool indices), read from the master over `pool` by diving within
/// the settings' limit; new columns priced on the way are added to `pool`. Where the limit
/// comes before every block is fixed, each free block takes its leading schedule in the
/// master's last solution (else its cheapest in the pool). `None`: the master was never solved.
pub fn dive(
    master: &Master,
    pricer: &dyn Pricer,
    pool: &mut Vec<Column>,
    duals: Option<&Duals>,
    s: &SolverSettings,
) -> Result<Option<Vec<usize>>, SolverError> {
    let clock = Clock::start(s);
    let mut lp = MasterLp::new(master)?;
    for j in promising(pool, duals) {
        lp.add(&pool[j], j)?;
    }
    let mut fixed: Vec<Option<usize>> = vec![None; master.blocks];
    let mut lambda: Option<Vec<(usize, f64)>> = None;
    // the master's value before the last fixings, and the pricing rounds since them
    let mut before: Option<f64> = None;
    let mut rounds = 0;
    let mut steps = 0;
    while clock.left() > 0.0 && fixed.contains(&None) {
        let Some(sol) = lp.solve(&clock.rest(s))? else {
            break;
        };
        lambda = Some(sol.lambda);
        let base = *before.get_or_insert(sol.objective);
        if sol.objective > base + RISE * base.abs() && rounds < ROUNDS {
            rounds += 1;
            let pi = clamp_duals(master, sol.pi);
            if price_free(pricer, &pi, &sol.mu, &fixed, pool, &mut lp, &clock)? > 0 {
                continue;
            }
        }
        before = Some(sol.objective);
        rounds = 0;
        steps += 1;
        // as many steps as the time left affords at the pace so far, less one in reserve
        let affordable = (clock.left() * steps as f64 / clock.elapsed().max(1e-9)).floor() - 1.0;
        let lambda = lambda.as_deref().unwrap_or_default();
        for (b, j) in surest(pool, lambda, &fixed, affordable.max(1.0) as usize) {
            lp.fix(j);
            fixed[b] = Some(j);
        }
    }
    let Some(lambda) = lambda else {
        return Ok(None);
    };
    Ok(Some(completed(pool, &lambda, fixed)))
}

/// Columns the dive's master starts with, per block: where column generation left duals, the
/// [`KEPT_PER_BLOCK`] of least reduced cost at them (a smaller master solves faster at every
/// step, and the pricing brings back what the fixings need); else every column. Pool
/// indices, in pool order.
fn promising(pool: &[Column], duals: Option<&Duals>) -> Vec<usize> {
    let Some(d) = duals else {
        return (0..pool.len()).collect();
    };
    let mut by_block: std::collections::BTreeMap<usize, Vec<(f64, usize)>> = Default::default();
    for (j, c) in pool.iter().enumerate() {
        by_block
            .entry(c.block)
            .or_default()
            .push((c.reduced_cost(&d.pi), j));
    }
    let mut kept: Vec<usize> = by_block
        .into_values()
        .flat_map(|mut v| {
            v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            v.into_iter().take(KEPT_PER_BLOCK).map(|(_, j)| j)
        })
        .collect();
    kept.sort_unstable();
    kept
}

/// Prices every free block once at duals `pi` (`mu`: the blocks' convexity duals), adding
/// what it finds to the pool and the master; the number of columns added.
fn price_free(
    pricer: &dyn Pricer,
    pi: &[f64],
    mu: &[f64],
    fixed: &[Option<usize>],
    pool: &mut Vec<Column>,
    lp: &mut MasterLp,
    clock: &Clock,
) -> Result<usize, SolverError> {
    let mut added = 0;
    for b in (0..fixed.len()).filter(|&b| fixed[b].is_none()) {
        let Some(priced) = pricer.price(b, pi, mu[b] - EPS, COLUMNS_PER_BLOCK, Effort::Quick, &[])
        else {
            continue;
        };
        for c in priced.columns {
            lp.add_to_pool(c, pool)?;
            added += 1;
        }
        if clock.left() <= 0.0 {
            break;
        }
    }
    Ok(added)
}

/// Per free block, its leading schedule in `lambda` and that schedule's share; sorted surest
/// first (ties by block).
fn leading(
    pool: &[Column],
    lambda: &[(usize, f64)],
    fixed: &[Option<usize>],
) -> Vec<(usize, usize, f64)> {
    let mut lead: Vec<Option<(usize, f64)>> = vec![None; fixed.len()];
    for &(j, v) in lambda {
        let b = pool[j].block;
        if fixed[b].is_none() && lead[b].is_none_or(|(_, w)| v > w) {
            lead[b] = Some((j, v));
        }
    }
    let mut out: Vec<(usize, usize, f64)> = lead
        .into_iter()
        .enumerate()
        .filter_map(|(b, l)| l.map(|(j, v)| (b, j, v)))
        .collect();
    out.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    out
}

/// The (block, pool index) pairs a step fixes: every free block at least [`SURE`] of its
/// leading schedule, and at least [`LEAST_STEP_SHARE`] of the free blocks (one at least) and
/// enough for the free blocks to be fixed in `steps` more steps, surest first.
fn surest(
    pool: &[Column],
    lambda: &[(usize, f64)],
    fixed: &[Option<usize>],
    steps: usize,
) -> Vec<(usize, usize)> {
    let free = fixed.iter().filter(|f| f.is_none()).count();
    let least = ((free as f64 * LEAST_STEP_SHARE).ceil() as usize)
        .max(free.div_ceil(steps.max(1)))
        .max(1);
    leading(pool, lambda, fixed)
        .into_iter()
        .enumerate()
        .take_while(|(i, (_, _, v))| *i < least || *v >= SURE)
        .map(|(_, (b, j, _))| (b, j))
        .collect()
}

/// `fixed` with every free block given its leading schedule in `lambda`, else its cheapest
/// schedule in the pool.
fn completed(
    pool: &[Column],
    lambda: &[(usize, f64)],
    mut fixed: Vec<Option<usize>>,
) -> Vec<usize> {
    for (b, j, _) in leading(pool, lambda, &fixed) {
        fixed[b] = Some(j);
    }
    fixed
        .iter()
        .enumerate()
        .map(|(b, f)| {
            f.unwrap_or_else(|| {
                (0..pool.len())
                    .filter(|&j| pool[j].block == b)
                    .min_by(|&x, &y| pool[x].cost.total_cmp(&pool[y].cost))
                    .expect("every block has a column in the pool")
            })
        })
        .collect()
}

#[cfg(all(test, feature = "highs"))]
mod tests {
    use super::*;
    use crate::solver::colgen::tests::instance;

    #[test]
    fn a_dive_gives_every_block_one_of_its_own_schedules_and_fixes_the_surest_first() {
        let (master, pricer) = instance();
        let mut pool = Vec::new();
        let generated = super::super::generate(
            &master,
            &pricer,
            pool.clone(),
            &SolverSettings::default(),
            true,
            false,
        )
        .unwrap();
        pool.extend(generated.columns);
        let chosen = dive(
            &master,
            &pricer,
            &mut pool,
            generated.duals.as_ref(),
            &SolverSettings::default(),
        )
        .unwrap()
        .expect("the master was solved");
        assert_eq!(chosen.len(), master.blocks);
        for (b, &j) in chosen.iter().enumerate() {
            assert_eq!(pool[j].block, b, "block {b} got another block's schedule");
        }
    }

    #[test]
    fn the_dive_starts_from_each_blocks_columns_of_least_reduced_cost() {
        // two blocks of 30 columns; column k covers row k % 3 at cost k
        let pool: Vec<Column> = (0..60)
            .map(|j| Column {
                block: j / 30,
                cost: (j % 30) as f64,
                rows: vec![(j % 3, 1.0)],
                payload: Vec::new(),
            })
            .collect();
        assert_eq!(promising(&pool, None).len(), 60);
        // row 2 pays 100: the columns covering it come first, then the cheapest others
        let duals = Duals {
            pi: vec![0.0, 0.0, 100.0],
            mu: vec![0.0, 0.0],
        };
        let kept = promising(&pool, Some(&duals));
        assert_eq!(kept.len(), 2 * KEPT_PER_BLOCK);
        for b in 0..2 {
            let mine: Vec<usize> = kept.iter().copied().filter(|j| j / 30 == b).collect();
            assert_eq!(mine.len(), KEPT_PER_BLOCK);
            // all ten of row 2, then the ten cheapest of the rest (costs 0–14)
            assert_eq!(mine.iter().filter(|j| *j % 3 == 2).count(), 10);
            assert!(mine.iter().filter(|j| *j % 3 != 2).all(|j| j % 30 < 15));
        }
        assert!(kept.windows(2).all(|w| w[0] < w[1]), "in pool order");
    }

    #[test]
    fn a_step_fixes_the_sure_blocks_and_an_eighth_of_the_free_ones() {
        let column = |block| Column {
            block,
            cost: 0.0,
            rows: Vec::new(),
            payload: Vec::new(),
        };
        let pool: Vec<Column> = (0..20).map(|j| column(j / 2)).collect();
        // ten blocks: 0–2 sure (0.95), the rest split, block 9 already fixed
        let mut lambda: Vec<(usize, f64)> = Vec::new();
        for b in 0..10 {
            let lead = if b < 3 { 0.95 } else { 0.5 + 0.01 * b as f64 };
            lambda.push((2 * b, lead));
            lambda.push((2 * b + 1, 1.0 - lead));
        }
        let mut fixed = vec![None; 10];
        fixed[9] = Some(18);
        let picked = surest(&pool, &lambda, &fixed, 100);
        // the three sure ones (at least ⌈9/8⌉ = 2 blocks, so the sure ones decide)
        assert_eq!(picked, vec![(0, 0), (1, 2), (2, 4)]);
        // none sure: the two surest of the nine free
        for l in lambda.iter_mut().take(6) {
            l.1 = 0.5;
        }
        let picked = surest(&pool, &lambda, &fixed, 100);
        assert_eq!(picked, vec![(8, 16), (7, 14)]);
        // a free block missing from the solution takes its cheapest pool schedule
        let done = completed(&pool, &lambda[..4], fixed);
        assert_eq!(done[0], 0);
        assert_eq!(done[5], 10);
        assert_eq!(done[9], 18);
    }
}
