//! A lower bound for a model too large for its whole LP relaxation: the LP relaxations of
//! windows of its times, added up.
//!
//! A window's model keeps the variables of its times (by their tags), the rows made of them
//! alone, and the variables of no time or of several windows that those rows use — a copy in
//! each window, with its cost shared out among the copies. Rows across windows (totals over
//! the horizon, runs over a window's edge) are dropped. The best solution of the whole model,
//! restricted to a window, is feasible there and costs that window's share of it; so each
//! window's LP optimum is at most that share and their sum is at most the whole optimum: a
//! valid bound. A window whose LP did not finish counts the least its variables' costs can
//! add up to within their bounds (0 where no cost can be negative), and so do costed
//! variables no window uses.

use std::collections::BTreeMap;

use super::work::Clock;
use super::{solve, Mip, SolverSettings, Var};

/// Days per window: a week (a 50-staff, 10-type week's LP finishes in well under a second;
/// longer windows keep more rows but their LPs do not finish in a share of a usual limit).
pub const WINDOW_DAYS: u32 = 7;

/// The sum of the windows' LP optima of `m` (windows of `days` times each), each solved with
/// an equal part of `budget` of `clock`; `None` where the model has no times, or where a
/// window did not finish and the least its costs add up to is unbounded.
pub fn window_bound(
    m: &Mip,
    days: u32,
    s: &SolverSettings,
    clock: &Clock,
    budget: f64,
) -> Option<f64> {
    let days = days.max(1);
    let window_of: Vec<Option<u32>> = m
        .tags
        .iter()
        .map(|t| {
            t.time
                .and_then(|(a, b)| (a / days == b / days).then_some(a / days))
        })
        .collect();
    let windows = window_of.iter().flatten().max().map(|w| w + 1)?;
    let kept = rows_by_window(m, &window_of);
    let copies = shared_copies(m, &window_of, &kept);
    let each = budget / f64::from(windows);
    let start = clock.elapsed();
    let mut total = 0.0;
    for w in 0..windows {
        let rows = kept.get(&w).map(Vec::as_slice).unwrap_or(&[]);
        let model = window_model(m, &window_of, w, rows, &copies);
        // the windows' share spent (or the time up), or a window whose solve alone would cost
        // more than its part: its variables' least cost, unsolved
        let affordable = clock.elapsed() - start < budget
            && clock.left() > 0.0
            && super::work::highs_cost(model.size(), super::work::Counts::default()) < each;
        let bound = if affordable {
            solve(&model.relaxed(), &clock.settings(s, each), "window bound")
                .ok()
                .and_then(|o| o.bound)
        } else {
            None
        };
        // a window whose LP did not finish: the least its variables' costs can add up to
        total += bound.or_else(|| box_minimum(&model))?;
    }
    // costed variables in no window's model are left out: the least they can cost
    let left_out: f64 = (0..m.num_vars())
        .filter(|&i| window_of[i].is_none() && copies[i] == 0)
        .map(|i| least_cost(m, i))
        .sum();
    // each LP optimum is exact only to the solver's tolerances: a margin for all of them,
    // so that rounding the sum up to a whole cost never passes the optimum
    let total = total + left_out - (1e-6 * f64::from(windows) + 1e-9 * total.abs());
    total.is_finite().then_some(total)
}

/// The least `m`'s objective can be within its variables' bounds alone (`None` where a
/// variable of negative cost has no upper bound, or of positive cost no lower one).
fn box_minimum(m: &Mip) -> Option<f64> {
    let least: f64 = (0..m.num_vars()).map(|i| least_cost(m, i)).sum();
    least.is_finite().then_some(least)
}

/// The least variable `i` of `m` can cost within its bounds.
fn least_cost(m: &Mip, i: usize) -> f64 {
    let c = m.cost[i];
    if c == 0.0 {
        0.0
    } else {
        (c * m.lo[i]).min(c * m.hi[i])
    }
}

/// Per window, the rows whose variables of one window all lie in it (rows with none, or
/// with variables of two windows, are dropped).
fn rows_by_window(m: &Mip, window_of: &[Option<u32>]) -> BTreeMap<u32, Vec<usize>> {
    let mut kept: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (r, (terms, _, _)) in m.rows.iter().enumerate() {
        let mut only: Option<u32> = None;
        let mut mixed = false;
        for (v, _) in terms {
            if let Some(w) = window_of[v.0] {
                mixed |= only.is_some_and(|o| o != w);
                only = Some(w);
            }
        }
        if let (Some(w), false) = (only, mixed) {
            kept.entry(w).or_default().push(r);
        }
    }
    kept
}

/// Per variable of no single window, the number of windows whose kept rows use it.
fn shared_copies(m: &Mip, window_of: &[Option<u32>], kept: &BTreeMap<u32, Vec<usize>>) -> Vec<u32> {
    let mut seen: Vec<Option<u32>> = vec![None; m.num_vars()];
    let mut copies = vec![0u32; m.num_vars()];
    for (&w, rows) in kept {
        for &r in rows {
            for (v, _) in &m.rows[r].0 {
                if window_of[v.0].is_none() && seen[v.0] != Some(w) {
                    seen[v.0] = Some(w);
                    copies[v.0] += 1;
                }
            }
        }
    }
    copies
}

/// Window `w`'s model: its variables, the shared ones its rows use (each at its share of
/// the cost), and its rows.
fn window_model(m: &Mip, window_of: &[Option<u32>], w: u32, rows: &[usize], copies: &[u32]) -> Mip {
    let mut out = Mip::default();
    let mut index: BTreeMap<usize, Var> = BTreeMap::new();
    let mut add = |out: &mut Mip, i: usize| -> Var {
        *index.entry(i).or_insert_with(|| {
            let share = match window_of[i] {
                Some(_) => 1.0,
                None => 1.0 / f64::from(copies[i].max(1)),
            };
            out.var(m.lo[i], m.hi[i], m.integer[i], m.cost[i] * share)
        })
    };
    for i in (0..m.num_vars()).filter(|&i| window_of[i] == Some(w)) {
        add(&mut out, i);
    }
    for &r in rows {
        let (terms, lo, hi) = &m.rows[r];
        let terms = terms
            .iter()
            .map(|(v, c)| (add(&mut out, v.0), *c))
            .collect();
        out.row(terms, *lo, *hi);
    }
    out
}

#[cfg(all(test, feature = "highs"))]
mod tests {
    use super::*;
    use crate::solver::SolverSettings;

    /// Two people over `days` days, one shift a day each: each day needs `need` of them
    /// (short at 10 a person), each works at most `max_days` days over the whole horizon, a
    /// shift costs 1.
    fn team(days: usize, need: f64, max_days: f64) -> Mip {
        let mut m = Mip::default();
        let mut x = vec![Vec::new(); 2];
        for d in 0..days {
            m.tag_with(None, Some(d));
            for xe in x.iter_mut() {
                xe.push(m.var(0.0, 1.0, true, 1.0));
            }
            let short = m.var(0.0, f64::INFINITY, false, 10.0);
            m.row(
                vec![(x[0][d], 1.0), (x[1][d], 1.0), (short, 1.0)],
                need,
                f64::INFINITY,
            );
        }
        m.tag_with(None, None);
        for xe in &x {
            m.row(
                xe.iter().map(|v| (*v, 1.0)).collect(),
                f64::NEG_INFINITY,
                max_days,
            );
        }
        m
    }

    fn settings() -> SolverSettings {
        SolverSettings {
            time_limit_seconds: 60.0,
            ..SolverSettings::default()
        }
    }

    #[test]
    fn the_windows_bound_is_at_most_the_whole_lp_and_counts_every_window() {
        // 8 days needing 1 each, nobody limited: every window's LP is its days' shifts
        let m = team(8, 1.0, 8.0);
        let s = settings();
        let b = window_bound(&m, 3, &s, &Clock::start(&s), 10.0).unwrap();
        assert!((b - 8.0).abs() < 1e-4, "{b}");
        // the horizon's limit (3 days each for 8 days) lies across windows: dropped, so the
        // bound is below the whole LP's (8 shifts at most 6 worked: 6 + 2·10 = 26)
        let tight = team(8, 1.0, 3.0);
        let whole = solve(&tight.relaxed(), &s, "t").unwrap().objective;
        let b = window_bound(&tight, 3, &s, &Clock::start(&s), 10.0).unwrap();
        assert!((whole - 26.0).abs() < 1e-6, "{whole}");
        assert!(b <= whole && (b - 8.0).abs() < 1e-4, "{b}");
        // one window holding the whole horizon keeps every row: the whole LP
        let one = window_bound(&tight, 8, &s, &Clock::start(&s), 10.0).unwrap();
        assert!(
            one <= whole && (one - whole).abs() < 1e-4,
            "{one} vs {whole}"
        );
    }

    #[test]
    fn a_model_without_times_has_no_windows_bound() {
        let mut m = Mip::default();
        let v = m.var(0.0, 1.0, true, 1.0);
        m.row(vec![(v, 1.0)], 1.0, f64::INFINITY);
        let s = settings();
        assert!(window_bound(&m, 7, &s, &Clock::start(&s), 1.0).is_none());
    }
}
