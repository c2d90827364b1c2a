//! What-if runs end to end: the shipped baseline against Double 11, and the sweep bar of the
//! issue, 8 deflection points on a 200-agent team (a week at 15-minute intervals), scenarios in
//! parallel on rayon's threads. `cargo bench --bench whatif` prints each point and the wall time,
//! including the comparison, the HTML report and the XLSX workbook.

use paiban::export::{self, Lang};
use paiban::solver::SolverSettings;
use paiban::{report, whatif};
use std::path::Path;
use std::time::Instant;

fn run(title: &str, cases: Vec<whatif::Case>, settings: &SolverSettings) {
    let n = cases.len();
    let t0 = Instant::now();
    let outcomes = whatif::run_all(cases, settings).expect("scenarios run");
    let solved = t0.elapsed().as_secs_f64();
    let rows: Vec<whatif::Row> = outcomes.iter().map(whatif::row).collect();
    let views: Vec<export::View> = outcomes.iter().map(whatif::Outcome::view).collect();
    let html = report::html(&views, &rows, Lang::En);
    let book = export::workbook(&views, &rows, Lang::En).expect("workbook");
    let total = t0.elapsed().as_secs_f64();
    println!("\n{title}: {n} scenario(s) on {} thread(s): solved in {solved:.1} s, with report ({} kB) and workbook ({} kB) {total:.1} s", rayon::current_num_threads(), html.len() / 1024, book.len() / 1024);
    println!("| scenario | agents | labour cost | paid h | under-covered agent-h | simulated SL | abandoned | plan status | plan gap |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for r in &rows {
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.1} | {:.1}% | {} | {} | {:.2}% |",
            r.scenario,
            r.agents,
            r.labour_cost,
            r.paid_hours,
            r.under_agent_hours,
            100.0 * r.service_level,
            if r.abandon.is_finite() {
                format!("{:.1}%", 100.0 * r.abandon)
            } else {
                "–".into()
            },
            r.plan_status,
            100.0 * r.plan_gap
        );
    }
}

fn main() {
    let default = SolverSettings::default();
    let files = [
        Path::new("scenarios/baseline.toml").to_path_buf(),
        Path::new("scenarios/double11.toml").to_path_buf(),
    ];
    run(
        "paiban whatif scenarios/baseline.toml scenarios/double11.toml",
        whatif::cases(&files, &[]).expect("shipped scenarios"),
        &default,
    );
    let team: Vec<String> = [
        "inputs.synth.agents=200",
        "inputs.synth.years=1",
        "headcount.max_on_duty=1000",
    ]
    .map(String::from)
    .to_vec();
    run(
        "sweep service.deflection=0.45..0.8:0.05 on a 200-agent team",
        whatif::sweep_cases(&files[0], &team, "service.deflection=0.45..0.8:0.05").expect("sweep"),
        &default,
    );
    // what each temp is worth in the Double 11 week (quick solver settings: 10 s, 1%)
    let fast = SolverSettings::load(Path::new("solver-configs/fast.toml")).expect("fast.toml");
    run(
        "sweep temps.0.count=0..16:4 on double11-temps (solver-configs/fast.toml)",
        whatif::sweep_cases(
            Path::new("scenarios/double11-temps.toml"),
            &[],
            "temps.0.count=0..16:4",
        )
        .expect("sweep"),
        &fast,
    );
}
