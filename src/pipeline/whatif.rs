//! What-if scenarios: run several scenarios (or one scenario swept over a value) through the
//! whole pipeline in parallel and compare what each costs and delivers side by side.

use crate::pipeline::{load_inputs, run, Inputs, PipelineError, RunOutput};
use crate::scenario::{Scenario, ScenarioError};
use crate::solver::SolverSettings;
use chrono::Datelike;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum WhatIfError {
    #[error("{0}")]
    Scenario(#[from] ScenarioError),
    #[error("scenario `{label}`: {source}")]
    Run {
        label: String,
        source: Box<PipelineError>,
    },
    #[error("--sweep `{given}`: {message}\n  fix: write --sweep KEY=FROM..TO:STEP, e.g. service.deflection=0.5..0.8:0.05")]
    Sweep { given: String, message: String },
    #[error("no scenarios to compare")]
    Empty,
}

/// One scenario to run: its label in the comparison, the scenario and the file it came from
/// (input paths are relative to it).
#[derive(Debug, Clone)]
pub struct Case {
    pub label: String,
    pub scenario: Scenario,
    pub file: PathBuf,
}

/// The scenarios in `files`, each with the `--set` overrides; labelled by scenario name (the
/// file name added where two share a name).
pub fn cases(files: &[PathBuf], sets: &[String]) -> Result<Vec<Case>, WhatIfError> {
    let mut out: Vec<Case> = Vec::new();
    for f in files {
        let sc = Scenario::load_with(f, sets)?;
        out.push(Case {
            label: sc.name.clone(),
            scenario: sc,
            file: f.clone(),
        });
    }
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for c in &out {
        *seen.entry(c.label.clone()).or_default() += 1;
    }
    for c in &mut out {
        if seen[&c.label] > 1 {
            let stem = c.file.file_stem().unwrap_or_default().to_string_lossy();
            c.label = format!("{} ({stem})", c.label);
        }
    }
    Ok(out)
}

/// A sweep `KEY=FROM..TO:STEP` as its key and values (`TO` included when the steps reach it).
pub fn parse_sweep(given: &str) -> Result<(String, Vec<f64>), WhatIfError> {
    let bad = |m: &str| WhatIfError::Sweep {
        given: given.into(),
        message: m.into(),
    };
    let (key, range) = given.split_once('=').ok_or_else(|| bad("no `=`"))?;
    let (span, step) = range.split_once(':').ok_or_else(|| bad("no `:STEP`"))?;
    let (from, to) = span.split_once("..").ok_or_else(|| bad("no `FROM..TO`"))?;
    let num = |s: &str| s.trim().parse::<f64>().ok().filter(|x| x.is_finite());
    let (from, to, step) = match (num(from), num(to), num(step)) {
        (Some(a), Some(b), Some(s)) => (a, b, s),
        _ => return Err(bad("FROM, TO and STEP must be numbers")),
    };
    if step <= 0.0 || to < from {
        return Err(bad("STEP must be positive and TO at least FROM"));
    }
    let n = ((to - from) / step + 1e-9).floor() as usize + 1;
    if n > 200 {
        return Err(bad(&format!("{n} points; at most 200")));
    }
    // values rounded to the step's decimals, so 0.1 + 0.05·3 prints as 0.25
    let decimals = step.to_string().split('.').nth(1).map_or(0, str::len) as i32;
    let scale =
        10f64.powi(decimals.max(from.to_string().split('.').nth(1).map_or(0, str::len) as i32));
    let values = (0..n)
        .map(|i| ((from + step * i as f64) * scale).round() / scale)
        .collect();
    Ok((key.trim().to_string(), values))
}

/// `file` once per value of the sweep (`KEY=value` set after the other overrides).
pub fn sweep_cases(file: &Path, sets: &[String], sweep: &str) -> Result<Vec<Case>, WhatIfError> {
    let (key, values) = parse_sweep(sweep)?;
    values
        .iter()
        .map(|v| {
            let mut s = sets.to_vec();
            s.push(format!("{key}={v}"));
            let sc = Scenario::load_with(file, &s)?;
            Ok(Case {
                label: format!("{} {key}={v}", sc.name),
                scenario: sc,
                file: file.to_path_buf(),
            })
        })
        .collect()
}

/// A case run through the pipeline.
pub struct Outcome {
    pub case: Case,
    pub inputs: Inputs,
    pub output: RunOutput,
}

/// One scenario's data for the workbook and the report: a labelled run.
pub struct View<'a> {
    pub label: &'a str,
    pub scenario: &'a Scenario,
    pub inputs: &'a Inputs,
    pub output: &'a RunOutput,
}

impl Outcome {
    /// What the workbook and the report need of this outcome.
    pub fn view(&self) -> View<'_> {
        View {
            label: &self.case.label,
            scenario: &self.case.scenario,
            inputs: &self.inputs,
            output: &self.output,
        }
    }
}

/// Runs every case in parallel (rayon; each solve single-threaded unless the settings say
/// otherwise). Results come back in the order of `cases`, so output is deterministic.
pub fn run_all(cases: Vec<Case>, settings: &SolverSettings) -> Result<Vec<Outcome>, WhatIfError> {
    if cases.is_empty() {
        return Err(WhatIfError::Empty);
    }
    cases
        .into_par_iter()
        .map(|case| {
            let err = |source| WhatIfError::Run {
                label: case.label.clone(),
                source: Box::new(source),
            };
            let inputs = load_inputs(&case.scenario, &case.file).map_err(err)?;
            let output = run(&case.scenario, &inputs, settings).map_err(err)?;
            Ok(Outcome {
                case,
                inputs,
                output,
            })
        })
        .collect()
}

/// One scenario's line in the comparison.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub scenario: String,
    pub forecast_inquiries: f64,
    pub peak_agents_required: u32,
    pub peak_agents_on_duty: u32,
    pub paid_hours: f64,
    pub labour_cost: f64,
    pub agents: usize,
    /// Full-time agents that would cover the under-covered hours (under-covered agent-hours
    /// over a full-time week), a first estimate of whom to hire.
    pub agents_to_hire: u32,
    pub under_covered_intervals: usize,
    pub under_agent_hours: f64,
    /// Paid hours above `labour.standard_hours_per_week` per agent and calendar week.
    pub overtime_hours: f64,
    pub service_level: f64,
    pub service_level_ci95: f64,
    /// Share abandoning in the simulation; NaN (empty, "–") without `service.patience`.
    #[serde(serialize_with = "nan_as_none")]
    pub abandon: f64,
    pub asa_seconds: f64,
    pub occupancy: f64,
    pub hard_violations: usize,
    pub plan_status: String,
    pub plan_gap: f64,
}

/// Not measured: empty in CSV, null in JSON.
fn nan_as_none<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        s.serialize_some(x)
    } else {
        s.serialize_none()
    }
}

pub fn row(o: &Outcome) -> Row {
    row_of(&o.case.scenario, &o.case.label, &o.inputs, &o.output)
}

/// The comparison line of one scenario's run.
pub fn row_of(sc: &Scenario, label: &str, inputs: &Inputs, out: &RunOutput) -> Row {
    let cov = out.check.coverage.as_ref();
    let cost_of: BTreeMap<&str, f64> = inputs
        .agents
        .iter()
        .map(|a| {
            let c = sc
                .contracts
                .get(&a.contract)
                .map_or(0.0, |c| c.cost_per_hour);
            (a.id.as_str(), c)
        })
        .collect();
    // paid hours per agent and ISO week
    let mut week: BTreeMap<(&str, i32, u32), f64> = BTreeMap::new();
    let mut cost = 0.0;
    for e in &out.roster.roster.entries {
        if let Some(s) = &e.shift {
            let w = e.date.iso_week();
            *week
                .entry((e.agent_id.as_str(), w.year(), w.week()))
                .or_default() += s.paid_hours();
            cost += s.paid_hours() * cost_of.get(e.agent_id.as_str()).copied().unwrap_or(0.0);
        }
    }
    let std_h = sc.labour.standard_hours_per_week;
    let overtime: f64 = week.values().map(|h| (h - std_h).max(0.0)).sum();
    let under = cov.map_or(0.0, |c| c.under_agent_hours);
    let weeks = sc.horizon.days as f64 / 7.0;
    let full_week = sc.labour.max_hours_per_week.min(std_h) * weeks;
    let t = &out.simulation.overall;
    Row {
        scenario: label.to_string(),
        forecast_inquiries: out.forecast.total().round(),
        peak_agents_required: out.requirements.peak(),
        peak_agents_on_duty: cov
            .and_then(|c| c.scheduled.iter().max().copied())
            .unwrap_or(0),
        paid_hours: out.check.paid_hours,
        labour_cost: cost,
        agents: inputs.agents.len(),
        agents_to_hire: if full_week > 0.0 {
            (under / full_week - 1e-9).ceil().max(0.0) as u32
        } else {
            0
        },
        under_covered_intervals: cov.map_or(0, |c| c.under_covered_intervals),
        under_agent_hours: under,
        overtime_hours: overtime,
        service_level: t.service_level.mean,
        service_level_ci95: t.service_level.ci95,
        // customers only leave the queue in the simulation when they have a patience
        abandon: if sc.service.patience.is_some() {
            t.abandon.mean
        } else {
            f64::NAN
        },
        asa_seconds: t.asa_seconds.mean,
        occupancy: t.occupancy.mean,
        hard_violations: out.check.hard(),
        plan_status: out.plan.solve.status.to_string(),
        plan_gap: out.plan.solve.gap.unwrap_or(f64::NAN),
    }
}

/// The comparison as CSV, one row per scenario.
pub fn to_csv(rows: &[Row]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for r in rows {
        w.serialize(r).expect("in memory");
    }
    w.into_inner().expect("in memory")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sweeps_parse() {
        let (k, v) = parse_sweep("service.deflection=0.5..0.8:0.05").unwrap();
        assert_eq!(k, "service.deflection");
        assert_eq!(v, [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]);
        let (_, v) = parse_sweep("headcount.max_on_duty=10..16:3").unwrap();
        assert_eq!(v, [10.0, 13.0, 16.0]);
        for bad in [
            "x=1..2",
            "x=2..1:1",
            "x=1..2:0",
            "x",
            "x=a..b:1",
            "x=0..1000:1",
        ] {
            assert!(parse_sweep(bad).is_err(), "{bad}");
        }
    }
}
