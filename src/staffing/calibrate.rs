//! The queue model calibrated on a simulation of the roster it staffed.
//!
//! The plan's service curves ([`crate::staffing::requirements::service_curve`]) are a model:
//! a steady queue per interval, every agent on it or off it for the whole interval. A roster
//! simulated ([`crate::staffing::simulate`]) serves more than that model says: an agent leaving
//! the queue (a break, a meeting) still finishes the chats they hold, and the queue carries over
//! from one interval to the next. Measured on the shipped scenarios, the model at the agents the
//! simulation had on the queue expects 3–6 points less than the simulation delivers.
//!
//! [`fit`] finds the one factor `gain` by which the agents on the queue must be multiplied for
//! the model to deliver, over the horizon's chats, what the simulation delivered at its agents;
//! [`calibrated`] hands it to the plan as a smaller effective shrinkage, so the next plan's
//! curves, its expected service and every interval's floor are in the simulation's terms.

use crate::scenario::Scenario;
use crate::staffing::requirements::{curve_at, service_curve, Requirements};
use crate::staffing::simulate::SimReport;
use rayon::prelude::*;

/// The range a fitted gain is kept in: a model off by more than half is not a calibration.
pub const GAIN_RANGE: (f64, f64) = (0.67, 1.5);

/// The factor on the agents on the queue that makes the model of `req` deliver, over the chats
/// the simulation offered, the service level `sim` measured at the agents it had on the queue
/// (`1.0` when no open interval has chats and a service level; kept in [`GAIN_RANGE`]).
pub fn fit(sc: &Scenario, req: &Requirements, sim: &SimReport) -> f64 {
    // per open interval with chats: (chats offered, agents on the queue, the model's curve,
    // the service level measured)
    let cases: Vec<(f64, f64, Vec<f64>, f64)> = req
        .rows
        .par_iter()
        .zip(&sim.intervals)
        .filter(|(r, s)| {
            r.open && r.agent_volume > 0.0 && s.offered > 0.0 && s.service_level.mean.is_finite()
        })
        .map(|(r, s)| {
            let on = s.agents_on_queue;
            let upto = (on * GAIN_RANGE.1).ceil() as u32 + 1;
            (
                s.offered,
                on,
                service_curve(sc, r, upto),
                s.service_level.mean,
            )
        })
        .collect();
    let offered: f64 = cases.iter().map(|c| c.0).sum();
    if offered <= 0.0 {
        return 1.0;
    }
    let measured = cases.iter().map(|c| c.0 * c.3).sum::<f64>() / offered;
    let model = |g: f64| {
        cases
            .iter()
            .map(|(w, on, c, _)| w * curve_at(c, on * g))
            .sum::<f64>()
            / offered
    };
    // the model's service level rises with the gain: bisection
    let (mut lo, mut hi) = GAIN_RANGE;
    if model(lo) >= measured {
        return lo;
    }
    if model(hi) <= measured {
        return hi;
    }
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if model(mid) < measured {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    // rounded so that the same simulation gives the same plan on any machine
    (0.5 * (lo + hi) * 1e4).round() / 1e4
}

/// `req` with the queue model calibrated by `gain` ([`fit`]): each open interval's share of the
/// scheduled agents on the queue, `1 − shrinkage`, times `gain` (at most all of them). The
/// plan reads its curves, floors and expected service from these rows.
pub fn calibrated(req: &Requirements, gain: f64) -> Requirements {
    let mut out = req.clone();
    for r in out.rows.iter_mut().chain(&mut out.after).filter(|r| r.open) {
        r.shrinkage = (r.shrinkage - (1.0 - r.shrinkage) * (gain - 1.0)).clamp(0.0, 0.95);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staffing::simulate::{IntervalResult, Stat, Totals};

    fn scenario() -> Scenario {
        let mut s: Scenario =
            toml::from_str(include_str!("../../scenarios/baseline.toml")).unwrap();
        s.service.hours = None;
        s
    }

    fn stat(x: f64) -> Stat {
        Stat { mean: x, ci95: 0.0 }
    }

    /// A simulation that delivered, in every interval, what the model gives at `truth` × the
    /// agents on the queue it had (`less` fewer than the requirement's).
    fn simulated_at(sc: &Scenario, req: &Requirements, less: f64, truth: f64) -> SimReport {
        let intervals = req
            .rows
            .iter()
            .map(|r| {
                let c = service_curve(sc, r, 40);
                let on = r.agents_on_queue as f64 - less;
                IntervalResult {
                    start: String::new(),
                    offered: r.agent_volume,
                    agents_on_queue: on,
                    service_level: stat(curve_at(&c, on * truth)),
                    asa_seconds: stat(0.0),
                    abandon: stat(0.0),
                    occupancy: stat(0.5),
                }
            })
            .collect();
        let t = Totals {
            offered: 0.0,
            service_level: stat(0.0),
            asa_seconds: stat(0.0),
            abandon: stat(0.0),
            occupancy: stat(0.0),
        };
        SimReport {
            runs: 1,
            seed: 1,
            interval_minutes: 15,
            overall: t,
            by_queue: Vec::new(),
            days: Vec::new(),
            intervals,
            unanswered_at_end: 0.0,
        }
    }

    fn requirements(sc: &Scenario) -> Requirements {
        let grid = crate::model::time::Grid::new(
            chrono::NaiveDate::from_ymd_opt(2026, 11, 2)
                .unwrap()
                .and_hms_opt(0, 0, 0)
                .unwrap(),
            15,
            96,
        );
        let p = crate::forecast::Point {
            volume: 300.0,
            p10: 300.0,
            p90: 300.0,
            aht_seconds: Some(220.0),
            event: None,
        };
        let f = crate::forecast::Forecast {
            grid,
            points: vec![p; 96],
        };
        crate::staffing::requirements::requirements(&f, sc).unwrap()
    }

    #[test]
    fn the_gain_that_made_the_simulation_is_found_again() {
        let sc = scenario();
        let req = requirements(&sc);
        for truth in [0.9, 1.0, 1.06, 1.2] {
            let sim = simulated_at(&sc, &req, 0.7, truth);
            let g = fit(&sc, &req, &sim);
            assert!((g - truth).abs() < 2e-3, "truth {truth}, fitted {g}");
        }
    }

    #[test]
    fn a_simulation_beyond_any_gain_in_range_is_held_at_the_range() {
        let sc = scenario();
        let req = requirements(&sc);
        let mut sim = simulated_at(&sc, &req, 0.0, 1.0);
        for s in &mut sim.intervals {
            s.service_level = stat(1.0);
        }
        assert_eq!(fit(&sc, &req, &sim), GAIN_RANGE.1);
        for s in &mut sim.intervals {
            s.service_level = stat(0.0);
        }
        assert_eq!(fit(&sc, &req, &sim), GAIN_RANGE.0);
    }

    #[test]
    fn a_gain_above_one_schedules_fewer_agents_for_the_same_floor() {
        let sc = scenario();
        let req = requirements(&sc);
        let cal = calibrated(&req, 1.1);
        let r = &req.rows[40];
        let c = &cal.rows[40];
        assert!((1.0 - c.shrinkage - 1.1 * (1.0 - r.shrinkage)).abs() < 1e-12);
        let floor = |x: &crate::staffing::requirements::Requirement| {
            crate::staffing::requirements::floor(&sc, x).agents
        };
        assert!(floor(c) <= floor(r));
        assert_eq!(calibrated(&req, 1.0), req);
    }
}
