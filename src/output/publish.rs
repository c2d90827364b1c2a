//! Which files a run or a what-if writes, and writing them all or none. The stages compute,
//! [`crate::output::export`] and [`crate::output::report`] render; this module names the files and commits
//! them together, so an error or Ctrl-C leaves no half-written output.

use crate::output::export::{self, ExportError, Options};
use crate::pipeline::whatif::{self, Outcome, Row, View};
use crate::pipeline::{check_text, summary, Inputs, RunOutput};
use crate::scenario::Scenario;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error(transparent)]
    Export(#[from] ExportError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Every stage's file for `dir`: path and bytes (written by [`write_run`], or gathered with
/// other scenarios' and committed at once).
pub fn run_files(
    dir: &Path,
    sc: &Scenario,
    inputs: &Inputs,
    o: &RunOutput,
    write_inputs: bool,
    opts: &Options,
) -> Result<Vec<(PathBuf, Vec<u8>)>, PublishError> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    if write_inputs {
        // the inputs and a scenario pointing at them, so every stage can be re-run by hand
        files.push((
            "history.csv".into(),
            crate::forecast::history::to_csv(&inputs.history),
        ));
        files.push((
            "agents.csv".into(),
            crate::scenario::agents::to_csv(&inputs.agents),
        ));
        if let Some(p) = &inputs.previous {
            files.push((
                "previous_roster.csv".into(),
                crate::roster::to_csv(p, &inputs.agents),
            ));
        }
        if let Some(e) = inputs.events.as_ref().and_then(|e| e.file.as_ref()) {
            files.push((
                "events.toml".into(),
                toml::to_string(e)
                    .expect("an events file serialises")
                    .into_bytes(),
            ));
        }
        let sc = sc.clone().with_file_inputs();
        files.push((
            "scenario.toml".into(),
            toml::to_string(&sc)
                .expect("a scenario serialises")
                .into_bytes(),
        ));
    }
    // files people open: in their language, with a BOM for Excel if asked
    let csv = |b: Vec<u8>| opts.csv(b);
    files.push((
        "forecast.csv".into(),
        csv(crate::forecast::to_csv(&o.forecast)),
    ));
    files.push((
        "requirements.csv".into(),
        csv(crate::staffing::requirements::to_csv(&o.requirements)),
    ));
    if o.requirements.queues.len() > 1 {
        files.push((
            "requirements_by_queue.csv".into(),
            csv(crate::staffing::requirements::by_queue_csv(&o.requirements)),
        ));
    }
    files.push(("plan.csv".into(), csv(crate::plan::to_csv(&o.plan))));
    let (roster, agents) = (&o.roster.roster, &inputs.agents);
    files.push((
        "roster.csv".into(),
        csv(export::roster_csv(roster, agents, opts.lang)),
    ));
    files.push((
        "roster_grid.csv".into(),
        csv(export::roster_grid_csv(roster, agents, opts.lang)),
    ));
    files.push(("check.txt".into(), check_text(&o.check).into_bytes()));
    files.push(("simulation.csv".into(), csv(o.simulation.to_csv())));
    let s = summary(sc, o);
    // solve times vary from run to run: the console shows them, the file leaves them out, so
    // the same input gives the same bytes
    let mut summary_json = serde_json::to_value(&s).expect("serialisable");
    drop_key(&mut summary_json, "seconds");
    files.push((
        "summary.json".into(),
        serde_json::to_vec_pretty(&summary_json).expect("serialisable"),
    ));
    let view = [View {
        label: &sc.name,
        scenario: sc,
        inputs,
        output: o,
    }];
    let rows = [whatif::row_of(sc, &sc.name, inputs, o)];
    files.push((
        "report.html".into(),
        crate::output::report::html(&view, &rows, opts.lang).into_bytes(),
    ));
    files.push((
        "workbook.xlsx".into(),
        export::workbook(&view, &rows, opts.lang)?,
    ));
    for a in agents {
        files.push((
            format!("ics/{}.ics", folder_name(&a.id)),
            export::ics(roster, a, sc).into_bytes(),
        ));
    }
    Ok(files
        .into_iter()
        .map(|(name, bytes)| (dir.join(name), bytes))
        .collect())
}

/// `v` without `key` anywhere inside it.
fn drop_key(v: &mut serde_json::Value, key: &str) {
    match v {
        serde_json::Value::Object(m) => {
            m.remove(key);
            m.values_mut().for_each(|x| drop_key(x, key));
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| drop_key(x, key)),
        _ => {}
    }
}

/// Writes every stage's file into `dir`, all or none (see [`crate::io::commit`]).
pub fn write_run(
    dir: &Path,
    sc: &Scenario,
    inputs: &Inputs,
    o: &RunOutput,
    write_inputs: bool,
    opts: &Options,
) -> Result<Vec<PathBuf>, PublishError> {
    let files = run_files(dir, sc, inputs, o, write_inputs, opts)?;
    commit(&files)?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// [`crate::io::commit`] with its error as a publishing error.
pub fn commit(files: &[(PathBuf, Vec<u8>)]) -> Result<(), PublishError> {
    crate::io::commit(files).map_err(|(path, source)| PublishError::Write { path, source })
}

/// The what-if's files under `out`: the comparison (CSV), the report and the workbook of every
/// outcome, and each scenario's own files in a folder named after its label.
pub fn whatif_files(
    out: &Path,
    outcomes: &[Outcome],
    rows: &[Row],
    opts: &Options,
) -> Result<Vec<(PathBuf, Vec<u8>)>, PublishError> {
    let views: Vec<View> = outcomes.iter().map(Outcome::view).collect();
    let comparison = opts.csv(whatif::to_csv(rows));
    let html = crate::output::report::html(&views, rows, opts.lang);
    let book = export::workbook(&views, rows, opts.lang)?;
    let mut files = vec![
        (out.join("comparison.csv"), comparison),
        (out.join("report.html"), html.into_bytes()),
        (out.join("workbook.xlsx"), book),
    ];
    for o in outcomes {
        let sc = &o.case.scenario;
        let synthetic = sc.inputs.history.is_none() || sc.inputs.agents.is_none();
        let dir = out.join(folder_name(&o.case.label));
        files.extend(run_files(&dir, sc, &o.inputs, &o.output, synthetic, opts)?);
    }
    Ok(files)
}

/// Writes the what-if's files (see [`whatif_files`]) under `out`, all or none.
pub fn write_whatif(
    out: &Path,
    outcomes: &[Outcome],
    rows: &[Row],
    opts: &Options,
) -> Result<Vec<PathBuf>, PublishError> {
    let files = whatif_files(out, outcomes, rows, opts)?;
    commit(&files)?;
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// A folder (or file) name for a scenario label or an agent id.
pub fn folder_name(label: &str) -> String {
    label
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '=') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

/// A replan's files: the new roster at `roster` and, under `ics_dir`, a calendar for each
/// agent whose days changed (nobody else's calendar is touched).
pub fn replan_files(
    roster: Option<&Path>,
    ics_dir: Option<&Path>,
    r: &crate::replan::Replanned,
    agents: &[crate::scenario::agents::Agent],
    sc: &Scenario,
    opts: &Options,
) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    if let Some(p) = roster {
        files.push((
            p.to_path_buf(),
            opts.csv(export::roster_csv(&r.roster, agents, opts.lang)),
        ));
    }
    if let Some(dir) = ics_dir {
        for id in r.changed_agents() {
            if let Some(a) = agents.iter().find(|a| a.id == id) {
                files.push((
                    dir.join(format!("{}.ics", folder_name(&a.id))),
                    export::ics(&r.roster, a, sc).into_bytes(),
                ));
            }
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folder_names() {
        assert_eq!(
            folder_name("double11 service.deflection=0.7"),
            "double11_service.deflection=0.7"
        );
    }
}
