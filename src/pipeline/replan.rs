//! `paiban replan` and `paiban leave` from their inputs: the morning forecast over the
//! published roster's dates (from the scenario's history, or a forecast file), the intraday
//! re-forecast from today's actuals, the requirements of both, the replan, its check and the
//! service level simulated before and after.

use super::{forecast_for, PipelineError};
use crate::check::{check_after, CheckReport};
use crate::forecast::calendar::Calendar;
use crate::forecast::history::Series;
use crate::forecast::intraday::{self, Reforecast};
use crate::forecast::Forecast;
use crate::model::time::Grid;
use crate::model::Roster;
use crate::replan::words::Service;
use crate::replan::{replan, Absence, Replanned, Situation};
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use crate::solver::SolverSettings;
use crate::staffing::requirements::requirements;
use crate::staffing::simulate::{simulate, SimReport, SimSettings};
use chrono::NaiveDateTime;

/// Everything a replan starts from.
pub struct ReplanInputs<'a> {
    pub sc: &'a Scenario,
    pub published: &'a Roster,
    pub agents: &'a [Agent],
    pub history: &'a Series,
    pub events: Option<&'a Calendar>,
    /// The forecast the roster was published against (default: forecast from the history).
    pub forecast: Option<&'a Forecast>,
    /// Today's chats so far: the rest of today is re-forecast from them.
    pub actuals: Option<&'a Series>,
    pub now: NaiveDateTime,
    pub absent: &'a [Absence],
    pub previous: Option<&'a Roster>,
    /// Simulation runs for the service level before and after (0: not simulated).
    pub sim_runs: usize,
}

pub struct ReplanOutput {
    pub replanned: Replanned,
    pub check: CheckReport,
    pub reforecast: Option<Reforecast>,
    pub service: Option<Service>,
}

/// The scenario with its horizon on the published roster's dates.
fn on_roster_dates(sc: &Scenario, r: &Roster) -> Result<Scenario, PipelineError> {
    let (Some(first), Some(last)) = (r.dates.first(), r.dates.last()) else {
        return Err(PipelineError::Missing(
            "the published roster has no rows".into(),
        ));
    };
    let mut s = sc.clone();
    s.horizon.start = first.to_string();
    s.horizon.days = (*last - *first).num_days() as u32 + 1;
    Ok(s)
}

/// `f` cut (or checked) to `grid`.
fn on_grid(f: &Forecast, grid: Grid) -> Result<Forecast, PipelineError> {
    let from = f.grid.index_of(grid.start);
    match from {
        Some(k) if f.grid.step_minutes == grid.step_minutes && k + grid.len <= f.grid.len => {
            Ok(Forecast {
                grid,
                points: f.points[k..k + grid.len].to_vec(),
            })
        }
        _ => Err(PipelineError::Missing(format!(
            "the forecast ({} at {} minutes) does not cover the roster's dates at {} minutes; forecast them again",
            f.grid.start, f.grid.step_minutes, grid.step_minutes
        ))),
    }
}

/// The morning forecast over the roster's dates, and the re-forecast from the actuals.
fn forecasts(
    sc: &Scenario,
    i: &ReplanInputs,
) -> Result<(Forecast, Forecast, Option<Reforecast>), PipelineError> {
    let grid = Grid::days(
        sc.horizon.start_date(),
        sc.horizon.days,
        sc.horizon.interval.0,
    );
    let morning = match i.forecast {
        Some(f) => on_grid(f, grid)?,
        None => forecast_for(sc, i.history, i.events)?.0,
    };
    let Some(actuals) = i.actuals else {
        return Ok((morning.clone(), morning, None));
    };
    let default = Calendar::default();
    let cal = i.events.unwrap_or(&default);
    let (now, rf) = intraday::reforecast_learned(
        i.history,
        cal,
        &super::forecast_model(sc),
        &morning,
        actuals,
        i.now,
    )?;
    Ok((morning, now, Some(rf)))
}

/// Service level simulated on the intervals from `now`, weighted by the chats offered.
fn level_after(rep: &SimReport, now: NaiveDateTime) -> f64 {
    let (mut num, mut den) = (0.0, 0.0);
    for iv in &rep.intervals {
        let Ok(t) = NaiveDateTime::parse_from_str(&iv.start, "%Y-%m-%d %H:%M") else {
            continue;
        };
        if t >= now && iv.service_level.mean.is_finite() {
            num += iv.service_level.mean * iv.offered;
            den += iv.offered;
        }
    }
    if den > 0.0 {
        num / den
    } else {
        f64::NAN
    }
}

pub fn run_replan(
    i: &ReplanInputs,
    settings: &SolverSettings,
) -> Result<ReplanOutput, PipelineError> {
    let sc = on_roster_dates(i.sc, i.published)?;
    let (morning, now, reforecast) = forecasts(&sc, i)?;
    let planned = requirements(&morning, &sc)?;
    let required = requirements(&now, &sc)?;
    let situation = Situation {
        published: i.published,
        agents: i.agents,
        sc: &sc,
        now: i.now,
        absent: i.absent,
        planned: &planned,
        required: &required,
        previous: i.previous,
    };
    let replanned = replan(&situation, settings)?;
    let check = check_after(
        &replanned.roster,
        i.agents,
        &sc,
        Some(&required),
        i.previous,
    );
    let service = if i.sim_runs == 0 {
        None
    } else {
        let sim = |r: &Roster| {
            simulate(
                &now,
                &sc,
                &super::with_carried(r, i.previous, now.grid.start, i.agents),
                i.agents,
                &SimSettings {
                    runs: i.sim_runs,
                    seed: 1,
                },
            )
        };
        let before = sim(&crate::replan::without_absent(&situation))?;
        let after = sim(&replanned.roster)?;
        Some(Service {
            before: level_after(&before, i.now),
            after: level_after(&after, i.now),
            target: sc.service.target_percent,
        })
    };
    Ok(ReplanOutput {
        replanned,
        check,
        reforecast,
        service,
    })
}
