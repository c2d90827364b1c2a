//! `paiban`: the command line. Thin: parse arguments, call the library, print, exit.
//! Exit codes: 0 success, 1 a roster breaks a hard rule (`check`, `run`, `demo`), 2 error.

use anyhow::{bail, Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use paiban::{
    agents, backtest, calendar, check, erlang, export, forecast, history, io::write_atomic, nrp,
    pipeline, plan, publish, requirements, roster, scenario::Scenario, simulate,
    solver::SolverSettings, synth, time, whatif,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod help;

const BASELINE: &str = include_str!("../scenarios/baseline.toml");

#[derive(Parser)]
#[command(
    name = "paiban",
    version,
    about = "排班 — workforce planning for e-commerce customer service: forecast → requirements → shift plan → roster → check"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// Override one scenario value, e.g. `--set service.deflection=0.7` or
    /// `--set temps.0.count=8` (repeatable; TOML values, else text).
    #[arg(long = "set", value_name = "KEY=VALUE", global = true)]
    sets: Vec<String>,
    /// Name the columns of your history or agent file that paiban does not recognise:
    /// `--columns count=进线人数,timestamp=日期时间` (also `[inputs.columns]` in a scenario).
    #[arg(long = "columns", value_name = "KEY=HEADER,…", global = true)]
    columns: Vec<String>,
    /// Leave these columns of your files out: `--ignore-columns 满意度,销售额` (unknown
    /// columns are otherwise errors, never dropped silently).
    #[arg(long = "ignore-columns", value_name = "HEADER,…", global = true)]
    ignore_columns: Vec<String>,
    /// Write CSV files for people as UTF-8 with a byte-order mark (Chinese Excel).
    #[arg(long, global = true)]
    excel: bool,
    /// Language of messages and of the headers and labels in files for people: en or zh
    /// (default: the locale, e.g. LANG=zh_CN.UTF-8 gives zh).
    #[arg(long, global = true)]
    lang: Option<export::Lang>,
}

/// Prints in the user's language (see [`paiban::i18n::show`]).
fn show(text: &str, to_err: bool) {
    paiban::i18n::show(text, to_err)
}

/// `print!` in the user's language.
macro_rules! say {
    ($($a:tt)*) => { show(&format!($($a)*), false) };
}
/// `println!` in the user's language.
macro_rules! sayln {
    ($($a:tt)*) => { show(&format!("{}\n", format_args!($($a)*)), false) };
}
/// `eprint!` in the user's language.
macro_rules! warn {
    ($($a:tt)*) => { show(&format!($($a)*), true) };
}
/// `eprintln!` in the user's language.
macro_rules! warnln {
    ($($a:tt)*) => { show(&format!("{}\n", format_args!($($a)*)), true) };
}

#[derive(Subcommand)]
enum Cmd {
    /// Generate a demo shop and run the whole pipeline on it.
    Demo {
        /// Write every output file into this folder.
        #[arg(long, default_value = "demo-out")]
        out: PathBuf,
        /// Solver settings file (TOML, see solver-configs/); default: the built-in settings.
        #[arg(long)]
        solver: Option<PathBuf>,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Write a first scenario for your team from your history and agent list (as exported):
    /// service hours, shifts and contracts fitted to them; then `paiban run` it.
    Init {
        /// Your inquiry history as exported (hourly report or session log; any header the workbench uses, UTF-8 or GBK).
        #[arg(long)]
        history: PathBuf,
        /// Your agent list as exported (子账号 list or HR sheet).
        #[arg(long)]
        agents: PathBuf,
        /// Where to write the scenario.
        #[arg(short, long, default_value = "scenario.toml")]
        output: PathBuf,
        /// The scenario's name (default: the output file's name).
        #[arg(long)]
        name: Option<String>,
        /// Replace the output file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Write a synthetic shop: hourly history, agent list and a scenario pointing at both.
    Synth {
        /// Write every output file into this folder.
        #[arg(long)]
        out: PathBuf,
        /// Agents on the team.
        #[arg(long, default_value_t = 20)]
        agents: usize,
        /// Years of hourly history.
        #[arg(long, default_value_t = 3)]
        years: u32,
        /// Random seed: the same seed gives the same result.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// History ends the day before this date; the scenario plans the week from it.
        #[arg(long, default_value = "2026-11-02")]
        end: String,
    },
    /// Forecast volume per interval from history.
    Forecast {
        /// The inquiry history (CSV: counts per interval, or a session log with one row per chat).
        #[arg(long)]
        history: PathBuf,
        /// First day of the forecast (YYYY-MM-DD).
        #[arg(long)]
        start: String,
        /// Days to forecast.
        #[arg(long, default_value_t = 7)]
        days: u32,
        /// Length of one interval (15m, 30m, 1h, …).
        #[arg(long, default_value = "15m")]
        interval: time::Minutes,
        /// Scale the learned festival effects (1.3 = a 30% bigger promotion).
        #[arg(long, default_value_t = 1.0)]
        event_uplift: f64,
        /// Events file (TOML) adding to the built-in festival calendar.
        #[arg(long)]
        events: Option<PathBuf>,
        /// Leave out the built-in Chinese e-commerce calendar (a team elsewhere).
        #[arg(long)]
        no_builtin_events: bool,
        /// Time zone of the timestamps (an IANA name).
        #[arg(long, default_value = "Asia/Shanghai")]
        timezone: String,
        /// Today's chats so far (a history file): the rest of today is re-forecast from the
        /// level they show, as much of it as such levels persisted in the history.
        #[arg(long, requires = "now")]
        actuals: Option<PathBuf>,
        /// The time of the re-forecast ("2026-11-11 14:00"), with --actuals.
        #[arg(long, requires = "actuals")]
        now: Option<String>,
        /// Write the result to this file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Aggregate a history file — above all a session log with one row per chat, streamed,
    /// any size — into counts (and handle time) per interval.
    Aggregate {
        /// The inquiry history (CSV: counts per interval, or a session log with one row per chat).
        #[arg(long)]
        history: PathBuf,
        /// Length of the intervals the counts are summed into.
        #[arg(long, default_value = "15m")]
        interval: time::Minutes,
        /// Time zone of the timestamps (an IANA name).
        #[arg(long, default_value = "Asia/Shanghai")]
        timezone: String,
        /// Write the result to this file.
        #[arg(short, long)]
        output: PathBuf,
    },
    /// Agents required per interval from a forecast.
    Requirements {
        /// The forecast (CSV, as paiban forecast writes it).
        #[arg(long)]
        forecast: PathBuf,
        /// The scenario file (TOML).
        #[arg(long)]
        scenario: PathBuf,
        /// Write the result to this file.
        #[arg(short, long)]
        output: PathBuf,
        /// Also write the requirement per queue and interval here (scenarios with [[queue]]s).
        #[arg(long)]
        by_queue: Option<PathBuf>,
    },
    /// Shift counts per day and template (MIP).
    Plan {
        /// The requirements per interval (CSV, as paiban requirements writes it).
        #[arg(long)]
        requirements: PathBuf,
        /// The scenario file (TOML).
        #[arg(long)]
        scenario: PathBuf,
        /// Agent list bounding the plan (default: the scenario's).
        #[arg(long)]
        agents: Option<PathBuf>,
        /// Solver settings file (TOML, see solver-configs/); default: the built-in settings.
        #[arg(long)]
        solver: Option<PathBuf>,
        /// Last week's roster: its overnight shifts already cover the first hours.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Write the result to this file.
        #[arg(short, long)]
        output: PathBuf,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Named agents to the plan's shifts (MIP).
    Roster {
        /// The shift plan (CSV, as paiban plan writes it).
        #[arg(long)]
        plan: PathBuf,
        /// The agent list (CSV).
        #[arg(long)]
        agents: PathBuf,
        /// The scenario file (TOML).
        #[arg(long)]
        scenario: PathBuf,
        /// Solver settings file (TOML, see solver-configs/); default: the built-in settings.
        #[arg(long)]
        solver: Option<PathBuf>,
        /// Last week's roster: rest and working days in a row carry over the week boundary.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Write the result to this file.
        #[arg(short, long)]
        output: PathBuf,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Verify any roster against every rule; exit 1 if a hard rule is broken.
    Check {
        /// The roster (CSV, as paiban writes it or edited by hand).
        #[arg(long)]
        roster: PathBuf,
        /// The agent list (CSV).
        #[arg(long)]
        agents: PathBuf,
        /// The scenario file (TOML).
        #[arg(long)]
        scenario: PathBuf,
        /// Also report coverage against these requirements (CSV).
        #[arg(long)]
        requirements: Option<PathBuf>,
        /// Last week's roster: rest and working days in a row carry over the week boundary.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// The published roster this one was edited from: list the changes (added, removed,
        /// moved, swapped) and the rules each breaks that the published one kept.
        #[arg(long)]
        against: Option<PathBuf>,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Repair a published roster after absences and a re-forecast: the past fixed, the
    /// fewest, cheapest changes (scenario `[replan]` prices) that restore the service, every
    /// rule kept. Prints each change in words; writes the new roster and the changed agents'
    /// calendars.
    Replan {
        /// The published roster.
        #[arg(long)]
        roster: PathBuf,
        /// Agent list (default: the scenario's); `on_call` marks standby and overtime.
        #[arg(long)]
        agents: Option<PathBuf>,
        /// The scenario file (TOML).
        #[arg(long)]
        scenario: PathBuf,
        /// The time of the replan ("2026-11-11 14:00"): everything before it happened.
        #[arg(long)]
        now: String,
        /// Today's chats so far (a history file): the rest of today is re-forecast from them.
        #[arg(long)]
        actuals: Option<PathBuf>,
        /// Absent agents: ID (from today on), ID:DATE or ID:FROM..TO, separated by commas.
        #[arg(long)]
        absent: Option<String>,
        /// The forecast the roster was published against (default: forecast again from the
        /// scenario's history).
        #[arg(long)]
        forecast: Option<PathBuf>,
        /// The roster of the days before the published one (rest, days in a row).
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Write the new roster here.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Write a calendar (.ics) here for each agent whose shifts changed.
        #[arg(long)]
        ics: Option<PathBuf>,
        /// Solver settings file (TOML, see solver-configs/); default: the built-in settings.
        #[arg(long)]
        solver: Option<PathBuf>,
        /// Time limit of the solve in seconds (default 20, or the solver file's).
        #[arg(long)]
        time_limit: Option<f64>,
        /// Work limit of the solve (units of about a second of one idle core): the same
        /// answer on a busy machine, the time limit only a cap (default: 0.6 units per second
        /// of the time limit).
        #[arg(long)]
        work_limit: Option<f64>,
        /// Simulation runs for the service level before and after (0: none).
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// What approving leave costs: the shortfall it leaves in the published roster and the
    /// cheapest repair, as `replan` would make it.
    Leave {
        /// The published roster.
        #[arg(long)]
        roster: PathBuf,
        /// The agent list (CSV); default: the scenario's.
        #[arg(long)]
        agents: Option<PathBuf>,
        /// The scenario file (TOML).
        #[arg(long)]
        scenario: PathBuf,
        /// The agent asking for leave.
        #[arg(long)]
        agent: String,
        /// The days asked for: DATE or FROM..TO.
        #[arg(long)]
        dates: String,
        /// When the decision is made (default: the roster's first day, 00:00).
        #[arg(long)]
        now: Option<String>,
        /// Last week's roster: rest and days in a row count across the week boundary.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Write the repaired roster here.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Solver settings file (TOML, see solver-configs/); default: the built-in settings.
        #[arg(long)]
        solver: Option<PathBuf>,
        /// Time limit of the solve in seconds (default 20, or the solver file's).
        #[arg(long)]
        time_limit: Option<f64>,
        /// Work limit of the solve (units of about a second of one idle core): the same
        /// answer on a busy machine, the time limit only a cap (default: 0.6 units per second
        /// of the time limit).
        #[arg(long)]
        work_limit: Option<f64>,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Who could take an open shift without breaking a rule, ranked by the change's price
    /// (scenario `[replan]`) and the hours they already work that week.
    Cover {
        /// The published roster.
        #[arg(long)]
        roster: PathBuf,
        /// The agent list (CSV); default: the scenario's.
        #[arg(long)]
        agents: Option<PathBuf>,
        /// The scenario file (TOML).
        #[arg(long)]
        scenario: PathBuf,
        /// The date of the open shift (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// Start of the open shift (HH:MM).
        #[arg(long)]
        from: time::Clock,
        /// End of the open shift (HH:MM; before the start: the next day).
        #[arg(long)]
        to: time::Clock,
        /// Last week's roster: rest and days in a row count across the week boundary.
        #[arg(long)]
        previous: Option<PathBuf>,
        /// How many candidates (and refusals) to list.
        #[arg(long, default_value_t = 10)]
        top: usize,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print a scenario with `extends` and `--set` resolved and every default filled in.
    ShowScenario { file: PathBuf },
    /// Run scenarios side by side (in parallel): comparison table, report, workbook and every
    /// scenario's files under --out.
    Whatif {
        /// Scenario files to compare side by side.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
        /// Write every output file into this folder.
        #[arg(long)]
        out: PathBuf,
        /// Vary one numeric value over a range, KEY=FROM..TO:STEP, e.g.
        /// `service.deflection=0.5..0.8:0.05` (one scenario file).
        #[arg(long)]
        sweep: Option<String>,
        /// Solver settings file (TOML, see solver-configs/); default: the built-in settings.
        #[arg(long)]
        solver: Option<PathBuf>,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Run every stage from a scenario's inputs.
    Run {
        /// The scenario file (TOML).
        #[arg(long)]
        scenario: PathBuf,
        /// Write every output file into this folder.
        #[arg(long)]
        out: PathBuf,
        /// Solver settings file (TOML, see solver-configs/); default: the built-in settings.
        #[arg(long)]
        solver: Option<PathBuf>,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Simulate a roster against a forecast: service level, ASA, abandonment and occupancy per
    /// interval and overall, with 95% confidence intervals over the runs.
    Simulate {
        /// The roster (CSV, as paiban writes it or edited by hand).
        #[arg(long)]
        roster: PathBuf,
        /// The forecast (CSV, as paiban forecast writes it).
        #[arg(long)]
        forecast: PathBuf,
        /// The scenario file (TOML).
        #[arg(long)]
        scenario: PathBuf,
        /// Agent list (tiers decide who serves which queue); default: the scenario's.
        #[arg(long)]
        agents: Option<PathBuf>,
        /// Last week's roster: its overnight shifts already cover the first hours (default: the scenario's inputs.previous_roster).
        #[arg(long)]
        previous: Option<PathBuf>,
        /// Simulation runs at the point forecast (for the confidence intervals).
        #[arg(long, default_value_t = 30)]
        runs: usize,
        /// Random seed: the same seed gives the same result.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Runs against demand drawn from the forecast's P10–P90 band (a day high or low as a
        /// whole, wandering within it): the service level's distribution and each day's odds of
        /// meeting the target, next to the point-forecast figures (0: none).
        #[arg(long, default_value_t = 30)]
        demand_runs: usize,
        /// Per-interval results (CSV).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Solve a Curtois & Qu shift scheduling benchmark instance with paiban's rule engine; prints
    /// the objective as the benchmark defines it, the lower bound and the gap.
    Nrp {
        /// A Curtois & Qu instance file.
        file: PathBuf,
        /// Time limit in seconds.
        #[arg(long, default_value_t = 60.0)]
        time_limit: f64,
        /// Work limit (units of about a second of one idle core): the search is paced by the
        /// work it has done, so the answer is the same on a busy machine; the time limit then
        /// only caps it.
        #[arg(long)]
        work_limit: Option<f64>,
        /// What the search paces itself by: `clock` (default here, as the benchmark's limits
        /// are wall-clock seconds: the whole time limit is used) or `work` (the same answer on
        /// a busy machine; without --work-limit, 0.6 units per second of the time limit).
        /// --work-limit implies `work`.
        #[arg(long, default_value = "clock")]
        pacing: String,
        /// Solver threads.
        #[arg(long, default_value_t = 1)]
        threads: u32,
        /// HiGHS primal heuristic effort (0–1; HiGHS's default 0.05).
        #[arg(long, default_value_t = 0.05)]
        heuristic_effort: f64,
        /// Write the roster (employee,day,shift) here.
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
        /// `lns` (column generation for the bound and a first roster, large-neighbourhood
        /// search, then the whole MIP below the best found) or `mip` (one MIP).
        #[arg(long, default_value = "lns")]
        engine: String,
        /// Seed of the neighbourhood choice (and HiGHS's).
        #[arg(long, default_value_t = 0)]
        seed: u32,
        /// Print the best objective, bound and gap to stderr as they improve.
        #[arg(long)]
        progress: bool,
    },
    /// Rolling-origin backtest of the forecast against seasonal naive (same hour last week).
    Backtest {
        /// The inquiry history (CSV: counts per interval, or a session log with one row per chat).
        #[arg(long)]
        history: PathBuf,
        /// Events file (TOML) adding to the built-in festival calendar.
        #[arg(long)]
        events: Option<PathBuf>,
        /// Leave out the built-in Chinese e-commerce calendar (a team elsewhere).
        #[arg(long)]
        no_builtin_events: bool,
        /// Days forecast from each origin (14d, 2w, 7).
        #[arg(long, default_value = "14d")]
        horizon: time::Days,
        /// Number of origins.
        #[arg(long, default_value_t = 8)]
        folds: usize,
        /// Spacing of the origins.
        #[arg(long, default_value = "7d")]
        every: time::Days,
        /// First origin (YYYY-MM-DD); by default the folds end where the history ends.
        #[arg(long)]
        first_origin: Option<String>,
        /// Interval to forecast at; by default the history's own.
        #[arg(long)]
        interval: Option<time::Minutes>,
        /// Time zone of the timestamps (an IANA name).
        #[arg(long, default_value = "Asia/Shanghai")]
        timezone: String,
        /// Score the intraday re-forecast made at this time of day (HH:MM) against the morning
        /// forecast, every day of the history after its first four weeks (weekly origins;
        /// --horizon, --folds and --every do not apply), instead of the rolling forecasts.
        #[arg(long)]
        intraday: Option<time::Clock>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Every rule paiban knows: code, hard or soft, meaning, where its parameters come from.
    Rules {
        /// Print the rule catalogue as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Erlang C calculator: agents needed for a volume and a service target.
    Erlang {
        /// Contacts arriving in one interval.
        #[arg(long)]
        volume: f64,
        /// Length of the interval the volume arrives in.
        #[arg(long, default_value = "30m")]
        interval: time::Minutes,
        /// Average handle time, e.g. 180s or 3m.
        #[arg(long)]
        aht: String,
        /// Service target PERCENT/SECONDS, e.g. 80/20s.
        #[arg(long, default_value = "80/20s")]
        target: String,
        /// Share of paid time away from the queue (0.3 = 30%).
        #[arg(long, default_value_t = 0.0)]
        shrinkage: f64,
        /// Highest occupancy allowed (0.85 = 85%).
        #[arg(long, default_value_t = 1.0)]
        occupancy: f64,
        /// Chats one agent handles at once.
        #[arg(long, default_value_t = 1)]
        concurrency: u32,
        /// Customers' mean patience (e.g. 2m): Erlang A, with abandonment.
        #[arg(long)]
        patience: Option<String>,
        /// Highest share of customers abandoning, in percent (Erlang A).
        #[arg(long)]
        max_abandon: Option<f64>,
        /// Print the result as JSON instead of text.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    // Ctrl-C: wait for output files being written (all or none), then stop; a solve in
    // progress is abandoned and writes nothing
    let _ = ctrlc::set_handler(|| {
        let _outputs = paiban::io::hold_outputs();
        warnln!("interrupted: stopped; no partial output was written");
        std::process::exit(130);
    });
    let locale = || export::Lang::from_locale(|k| std::env::var(k).ok());
    // the command line in the user's language: its --help, then its errors
    let args_lang = lang_in_args().unwrap_or_else(locale);
    let mut cmd = help::localise(Cli::command(), args_lang);
    let parsed = cmd
        .try_get_matches_from_mut(std::env::args_os())
        .and_then(|mut m| Cli::from_arg_matches_mut(&mut m).map_err(|e| e.format(&mut cmd)));
    let cli = match parsed {
        Ok(cli) => cli,
        Err(e) => return usage_error(e, args_lang),
    };
    paiban::i18n::set_lang(cli.lang.unwrap_or_else(locale));
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // the error and its causes, each once (thiserror messages often quote their source)
            let mut msg = e.to_string();
            for cause in e.chain().skip(1) {
                let c = cause.to_string();
                if !msg.contains(&c) {
                    msg.push_str(": ");
                    msg.push_str(&c);
                }
            }
            warnln!("error: {msg}");
            ExitCode::from(2)
        }
    }
}

/// The `--lang` of a command line clap refused, so its error is in the user's language.
fn lang_in_args() -> Option<export::Lang> {
    let args: Vec<String> = std::env::args().collect();
    args.iter().enumerate().find_map(|(i, a)| {
        let v = match a.strip_prefix("--lang=") {
            Some(v) => v,
            None if a == "--lang" => args.get(i + 1)?,
            None => return None,
        };
        v.parse().ok()
    })
}

/// A command line clap refused: help and version as clap prints them, errors in the user's
/// language, exit 2.
fn usage_error(e: clap::Error, lang: export::Lang) -> ExitCode {
    use clap::error::ErrorKind::*;
    if matches!(
        e.kind(),
        DisplayHelp | DisplayVersion | DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        e.exit()
    }
    paiban::i18n::set_lang(lang);
    show(&e.render().to_string(), true);
    ExitCode::from(2)
}

fn settings(p: &Option<PathBuf>) -> Result<SolverSettings> {
    Ok(match p {
        Some(p) => SolverSettings::load(p)?,
        None => SolverSettings::default(),
    })
}

/// The agent list given with `--agents`, else the scenario's.
fn team_of(ap: Option<PathBuf>, sc: &Scenario, scenario: &Path) -> Result<Vec<agents::Agent>> {
    Ok(match ap {
        Some(p) => agents::read_agents_for(&p, sc)?,
        None => pipeline::scenario_agents(sc, scenario)?,
    })
}

/// Solver settings for a replan: the solver file's, the time limit `--time-limit`, else the
/// file's, else 20 s (a replan answers during the day).
fn replan_settings(
    solver: &Option<PathBuf>,
    time_limit: Option<f64>,
    work_limit: Option<f64>,
) -> Result<SolverSettings> {
    let mut s = settings(solver)?;
    s.time_limit_seconds = time_limit.unwrap_or(if solver.is_some() {
        s.time_limit_seconds
    } else {
        20.0
    });
    if work_limit.is_some_and(|w| w.is_nan() || w <= 0.0) {
        bail!("--work-limit must be positive");
    }
    s.work_limit = work_limit.or(s.work_limit);
    Ok(s)
}

/// A replan (or leave) in words: the changes, the check of the new roster, the files written.
fn print_replan(out: &pipeline::replan::ReplanOutput, files: &[(PathBuf, Vec<u8>)]) {
    say!(
        "{}",
        paiban::replan::words::text(&out.replanned, out.service.as_ref())
    );
    say!("{}", pipeline::check_text(&out.check));
    for (p, _) in files {
        sayln!("wrote {}", p.display());
    }
}

/// 1 when the replanned roster broke a hard rule (as `check`).
fn replan_exit(out: &pipeline::replan::ReplanOutput) -> ExitCode {
    if out.check.hard() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// The events file (if any) with the built-in calendar unless switched off.
fn calendar_of(events: Option<&Path>, no_builtin: bool) -> Result<calendar::Calendar> {
    let mut cal = match events {
        Some(p) => calendar::read_events(p)?,
        None => calendar::Calendar::default(),
    };
    cal.builtin &= !no_builtin;
    Ok(cal)
}

fn parse_tz(name: &str) -> Result<chrono_tz::Tz> {
    name.parse()
        .map_err(|_| anyhow::anyhow!("unknown time zone `{name}`; use e.g. Asia/Shanghai"))
}

fn print_json<T: serde::Serialize>(v: &T) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

/// As JSON with the keys of every object sorted, as `plan`, `roster` and `nrp` have always
/// printed them.
fn print_json_sorted<T: serde::Serialize>(v: &T) -> Result<()> {
    print_json(&serde_json::to_value(v)?)
}

/// The header mapping of `--columns` and `--ignore-columns`.
fn cli_columns(cli: &Cli) -> Result<paiban::io::Columns> {
    let mut c = paiban::io::Columns::default();
    for spec in &cli.columns {
        c.map.extend(
            paiban::io::Columns::parse_map(spec).map_err(|e| anyhow::anyhow!("--columns {e}"))?,
        );
    }
    for spec in &cli.ignore_columns {
        c.ignore.extend(paiban::io::Columns::parse_list(spec));
    }
    Ok(c)
}

/// `--set` overrides with the header mapping flags added (into the scenario's `[inputs]`).
fn sets_with_columns(cli: &Cli, cols: &paiban::io::Columns) -> Vec<String> {
    let quote = |s: &str| toml::Value::String(s.to_string()).to_string();
    let mut sets = cli.sets.clone();
    for (k, h) in &cols.map {
        sets.push(format!("inputs.columns.{k}={}", quote(h)));
    }
    if !cols.ignore.is_empty() {
        let list: Vec<String> = cols.ignore.iter().map(|h| quote(h)).collect();
        sets.push(format!("inputs.ignore_columns+=[{}]", list.join(",")));
    }
    sets
}

fn run(mut cli: Cli) -> Result<ExitCode> {
    let columns = cli_columns(&cli)?;
    cli.sets = sets_with_columns(&cli, &columns);
    let opts = export::Options {
        excel: cli.excel,
        lang: paiban::i18n::lang(),
    };
    match cli.cmd {
        Cmd::Demo { out, solver, json } => {
            let sc = Scenario::from_toml_with(
                Path::new("scenarios/baseline.toml (built in)"),
                BASELINE,
                &cli.sets,
            )?;
            let sp =
                pipeline::synth_params(&sc).expect("the built-in scenario uses synthetic inputs");
            let inputs = pipeline::Inputs {
                history: synth::history(&sp),
                history_report: None,
                agents: pipeline::with_temps(&sc, synth::agents(&sp), Path::new("demo"))?,
                events: None,
                previous: None,
            };
            finish_run(&sc, &inputs, &out, &settings(&solver)?, json, true, &opts)
        }
        Cmd::ShowScenario { file } => {
            print!("{}", Scenario::load_with(&file, &cli.sets)?.to_toml());
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Whatif {
            scenarios,
            out,
            sweep,
            solver,
            json,
        } => whatif_cmd(
            &scenarios,
            &out,
            sweep.as_deref(),
            &settings(&solver)?,
            json,
            &cli.sets,
            &opts,
        ),
        Cmd::Run {
            scenario,
            out,
            solver,
            json,
        } => {
            let sc = Scenario::load_with(&scenario, &cli.sets)?;
            let inputs = pipeline::load_inputs(&sc, &scenario)?;
            let synthetic = sc.inputs.history.is_none() || sc.inputs.agents.is_none();
            finish_run(
                &sc,
                &inputs,
                &out,
                &settings(&solver)?,
                json,
                synthetic,
                &opts,
            )
        }
        Cmd::Init {
            history: hp,
            agents: ap,
            output,
            name,
            force,
        } => {
            if output.exists() && !force {
                bail!(
                    "{} exists; paiban init does not replace it (add --force, or write elsewhere with -o)",
                    output.display()
                );
            }
            let (h, rep) = history::read_history(&hp, chrono_tz::Asia::Shanghai, 15, &columns)?;
            let contracts = agents::contracts_in(&ap, &columns)?;
            let team = agents::read_agents(&ap, &contracts, &columns)?;
            let found = pipeline::init::inspect(&h, &rep, &team);
            let stem = output
                .file_stem()
                .map_or("my-team".into(), |s| s.to_string_lossy().to_string());
            let files = pipeline::init::Files {
                scenario: &output,
                history: &hp,
                agents: &ap,
                name: name.as_deref().unwrap_or(&stem),
            };
            let text = pipeline::init::scenario_text(&found, &files, &columns)?;
            warn!("{}", rep.text());
            say!("{}", found.text());
            write(&output, text.as_bytes())?;
            sayln!("wrote {}", output.display());
            sayln!(
                "next: paiban run --scenario {} --out plan-{}",
                output.display(),
                found.start
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Synth {
            out,
            agents: n,
            years,
            seed,
            end,
        } => {
            let end_d = time::parse_date(&end).map_err(anyhow::Error::msg)?;
            if n == 0 || years == 0 {
                bail!("--agents and --years must be at least 1");
            }
            let sp = synth::SynthParams {
                seed,
                agents: n,
                years,
                end: end_d,
            };
            let mut sc = Scenario::from_toml(Path::new("baseline"), BASELINE)?.with_file_inputs();
            sc.horizon.start = end.clone();
            sc.name = format!("synth-{seed}");
            sc.headcount.max_on_duty = None;
            let h = synth::history(&sp);
            write(&out.join("history.csv"), &history::to_csv(&h))?;
            write(
                &out.join("agents.csv"),
                &agents::to_csv(&synth::agents(&sp)),
            )?;
            write(&out.join("scenario.toml"), toml::to_string(&sc)?.as_bytes())?;
            sayln!(
                "wrote history.csv ({} hourly rows), agents.csv ({n} agents), scenario.toml to {}",
                h.grid.len,
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Forecast {
            history: hp,
            start,
            days,
            interval,
            event_uplift,
            events,
            no_builtin_events,
            timezone,
            actuals,
            now,
            output,
        } => {
            let tz = parse_tz(&timezone)?;
            let (h, rep) = history::read_history(&hp, tz, interval.0, &columns)?;
            let start = time::parse_date(&start).map_err(anyhow::Error::msg)?;
            let grid = time::Grid::days(start, days, interval.0);
            let model = forecast::SeasonalEvent {
                event_uplift_factor: event_uplift,
                ..Default::default()
            };
            let cal = calendar_of(events.as_deref(), no_builtin_events)?;
            let (mut f, notes) = forecast::forecast(&h, grid, &model, &cal)
                .with_context(|| format!("forecast from {}", hp.display()))?;
            let mut said = String::new();
            if let (Some(ap), Some(now)) = (actuals, now) {
                let now = time::parse_timestamp(&now, tz)
                    .map_err(|e| anyhow::anyhow!("--now: {e}; write e.g. \"2026-11-11 14:00\""))?;
                let (a, _) = history::read_history(&ap, tz, interval.0, &columns)?;
                let (g, rf) =
                    forecast::intraday::reforecast_learned(&h, &cal, &model, &f, &a, now)?;
                f = g;
                said = rf.text();
            }
            write(&output, &forecast::to_csv(&f))?;
            warn!("{}{}", rep.text(), notes.text());
            say!("{said}");
            sayln!(
                "forecast: {:.0} inquiries over {days} days → {}",
                f.total(),
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Aggregate {
            history: hp,
            interval,
            timezone,
            output,
        } => {
            let tz = parse_tz(&timezone)?;
            let (h, rep) = history::read_history(&hp, tz, interval.0, &columns)?;
            write(&output, &history::to_csv(&h))?;
            warn!("{}", rep.text());
            sayln!(
                "aggregated: {} intervals of {} min → {}",
                h.grid.len,
                h.grid.step_minutes,
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Requirements {
            forecast: fp,
            scenario,
            output,
            by_queue,
        } => {
            let sc = Scenario::load_with(&scenario, &cli.sets)?;
            let f = forecast::read_csv(&fp, sc.horizon.tz(), &sc.columns())?;
            let r = requirements::requirements(&f, &sc)?;
            write(&output, &requirements::to_csv(&r))?;
            if let Some(p) = &by_queue {
                write(p, &requirements::by_queue_csv(&r))?;
            }
            sayln!(
                "requirements: peak {} agents, {:.0} agent-hours → {}",
                r.peak(),
                r.agent_hours(),
                output.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Plan {
            requirements: rp,
            scenario,
            agents: ap,
            solver,
            previous,
            output,
            json,
        } => {
            let sc = Scenario::load_with(&scenario, &cli.sets)?;
            let req = requirements::read_csv(&rp, sc.horizon.tz(), &sc.columns())?;
            let ag = team_of(ap, &sc, &scenario)?;
            let carried = previous
                .map(|p| roster::read_csv(&p, sc.horizon.tz(), &sc.columns()))
                .transpose()?
                .map(|prev| plan::carried_cover(&prev, &req.grid));
            let p = plan::plan_after(
                &req,
                &sc,
                Some(&ag),
                &settings(&solver)?,
                carried.as_deref(),
            )?;
            write(&output, &plan::to_csv(&p))?;
            if json {
                print_json_sorted(&p.summary())?;
            } else {
                sayln!(
                    "plan: {} shifts, {:.0} paid hours, cost {:.0}; {:.1} agent-hours under-covered; solver {} in {:.2} s, gap {:.3}%, LP bound {} → {}",
                    p.rows.iter().map(|r| r.count).sum::<u32>(),
                    p.paid_hours,
                    p.labour_cost,
                    p.under_agent_hours,
                    p.solve.status,
                    p.solve.seconds,
                    p.solve.gap.unwrap_or(f64::NAN) * 100.0,
                    p.lp_bound.map_or("–".into(), |b| format!("{b:.1}")),
                    output.display()
                );
                for s in &p.shortfalls {
                    sayln!("  {}", s.message);
                }
                for w in &p.warnings {
                    sayln!("  warning: {w}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Roster {
            plan: pp,
            agents: ap,
            scenario,
            solver,
            previous,
            output,
            json,
        } => {
            let sc = Scenario::load_with(&scenario, &cli.sets)?;
            let ag = agents::read_agents_for(&ap, &sc)?;
            let rows = plan::read_csv(&pp, &sc)?;
            let prev = previous
                .map(|p| roster::read_csv(&p, sc.horizon.tz(), &sc.columns()))
                .transpose()?;
            let r = roster::roster_after(&rows, &ag, &sc, &settings(&solver)?, prev.as_ref())?;
            write(&output, &roster::to_csv(&r.roster, &ag))?;
            if json {
                print_json_sorted(&r.summary())?;
            } else {
                sayln!(
                    "roster: {} agents × {} days; {} unfilled position group(s), {} extra shift(s), {} preferred day(s) off and {} request(s) not granted; solver {} in {:.2} s → {}",
                    ag.len(),
                    r.roster.dates.len(),
                    r.unfilled.len(),
                    r.extra_shifts,
                    r.preference_violations,
                    r.requests_not_granted,
                    r.solve.status,
                    r.solve.seconds,
                    output.display()
                );
                for u in r.unfilled.iter().chain(&r.warnings) {
                    sayln!("  {u}");
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Check {
            roster: rp,
            agents: ap,
            scenario,
            requirements: reqp,
            previous,
            against,
            json,
        } => {
            let sc = Scenario::load_with(&scenario, &cli.sets)?;
            let ag = agents::read_agents_for(&ap, &sc)?;
            let r = roster::read_csv(&rp, sc.horizon.tz(), &sc.columns())?;
            let req = reqp
                .map(|p| requirements::read_csv(&p, sc.horizon.tz(), &sc.columns()))
                .transpose()?;
            let prev = previous
                .map(|p| roster::read_csv(&p, sc.horizon.tz(), &sc.columns()))
                .transpose()?;
            let mut r = r;
            let published = against
                .as_ref()
                .map(|p| roster::read_csv(p, sc.horizon.tz(), &sc.columns()))
                .transpose()?
                .map(|mut published| {
                    check::against::same_dates(&mut r, &mut published);
                    published
                });
            let rep = check::check_after(&r, &ag, &sc, req.as_ref(), prev.as_ref());
            let cmp = published.map(|published| {
                let prep = check::check_after(&published, &ag, &sc, req.as_ref(), prev.as_ref());
                check::against::compare(&r, &published, &rep, &prep)
            });
            match (json, &cmp) {
                (true, Some(c)) => print_json(&serde_json::json!({ "check": rep, "against": c }))?,
                (true, None) => print_json(&rep)?,
                (false, _) => {
                    if let (Some(c), Some(p)) = (&cmp, &against) {
                        say!("{}", pipeline::against_text(c, &p.display().to_string()));
                    }
                    say!("{}", pipeline::check_text(&rep));
                }
            }
            Ok(if rep.hard() == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Replan {
            roster: rp,
            agents: ap,
            scenario,
            now,
            actuals,
            absent,
            forecast: fp,
            previous,
            output,
            ics,
            solver,
            time_limit,
            work_limit,
            runs,
            json,
        } => {
            let sc = Scenario::load_with(&scenario, &cli.sets)?;
            let tz = sc.horizon.tz();
            let ag = team_of(ap, &sc, &scenario)?;
            let published = roster::read_csv(&rp, tz, &sc.columns())?;
            let now = time::parse_timestamp(&now, tz)
                .map_err(|e| anyhow::anyhow!("--now: {e}; write e.g. \"2026-11-11 14:00\""))?;
            let last = *published
                .dates
                .last()
                .context("the published roster has no rows")?;
            let absent =
                paiban::replan::parse_absences(absent.as_deref().unwrap_or(""), now.date(), last)?;
            let (history, _) = pipeline::scenario_history(&sc, &scenario)?;
            let events = pipeline::scenario_events(&sc, &scenario)?;
            let morning = fp
                .map(|p| forecast::read_csv(&p, tz, &sc.columns()))
                .transpose()?;
            let actuals = actuals
                .map(|p| {
                    history::read_history(&p, tz, sc.horizon.interval.0, &sc.columns()).map(|h| h.0)
                })
                .transpose()?;
            let prev = previous
                .map(|p| roster::read_csv(&p, tz, &sc.columns()))
                .transpose()?;
            let s = replan_settings(&solver, time_limit, work_limit)?;
            let out = pipeline::replan::run_replan(
                &pipeline::replan::ReplanInputs {
                    sc: &sc,
                    published: &published,
                    agents: &ag,
                    history: &history,
                    events: events.as_ref(),
                    forecast: morning.as_ref(),
                    actuals: actuals.as_ref(),
                    now,
                    absent: &absent,
                    previous: prev.as_ref(),
                    sim_runs: runs,
                },
                &s,
            )?;
            let files = publish::replan_files(
                output.as_deref(),
                ics.as_deref(),
                &out.replanned,
                &ag,
                &sc,
                &opts,
            );
            publish::commit(&files)?;
            if json {
                print_json(&serde_json::json!({
                    "replan": out.replanned,
                    "reforecast": out.reforecast,
                    "service": out.service,
                    "check": out.check,
                }))?;
            } else {
                if let Some(rf) = &out.reforecast {
                    say!("{}", rf.text());
                }
                print_replan(&out, &files);
            }
            Ok(replan_exit(&out))
        }
        Cmd::Leave {
            roster: rp,
            agents: ap,
            scenario,
            agent,
            dates,
            now,
            previous,
            output,
            solver,
            time_limit,
            work_limit,
            json,
        } => {
            let sc = Scenario::load_with(&scenario, &cli.sets)?;
            let tz = sc.horizon.tz();
            let ag = team_of(ap, &sc, &scenario)?;
            let published = roster::read_csv(&rp, tz, &sc.columns())?;
            let first = *published
                .dates
                .first()
                .context("the published roster has no rows")?;
            let last = *published.dates.last().expect("non-empty");
            let now = match now {
                Some(t) => time::parse_timestamp(&t, tz)
                    .map_err(|e| anyhow::anyhow!("--now: {e}; write e.g. \"2026-11-09 10:00\""))?,
                None => first.and_hms_opt(0, 0, 0).expect("midnight"),
            };
            let absent =
                paiban::replan::parse_absences(&format!("{agent}:{dates}"), now.date(), last)?;
            let (history, _) = pipeline::scenario_history(&sc, &scenario)?;
            let events = pipeline::scenario_events(&sc, &scenario)?;
            let prev = previous
                .map(|p| roster::read_csv(&p, tz, &sc.columns()))
                .transpose()?;
            let s = replan_settings(&solver, time_limit, work_limit)?;
            let out = pipeline::replan::run_replan(
                &pipeline::replan::ReplanInputs {
                    sc: &sc,
                    published: &published,
                    agents: &ag,
                    history: &history,
                    events: events.as_ref(),
                    forecast: None,
                    actuals: None,
                    now,
                    absent: &absent,
                    previous: prev.as_ref(),
                    sim_runs: 5,
                },
                &s,
            )?;
            let files =
                publish::replan_files(output.as_deref(), None, &out.replanned, &ag, &sc, &opts);
            publish::commit(&files)?;
            if json {
                print_json(&serde_json::json!({
                    "leave": absent,
                    "replan": out.replanned,
                    "service": out.service,
                    "check": out.check,
                }))?;
            } else {
                let who = ag
                    .iter()
                    .find(|a| a.id == agent)
                    .map_or(agent.as_str(), |a| a.name.as_str());
                let r = &out.replanned;
                sayln!(
                    "leave for {who} ({agent}) on {dates}: unrepaired, the roster falls {:.1} agent-hours below its cover; the cheapest repair costs {:.0} in {} change(s) and leaves {:.1} agent-hours short",
                    r.before.short_agent_hours,
                    r.change_cost.abs(),
                    r.changes.iter().filter(|c| c.kind != paiban::replan::ChangeKind::Absent).count(),
                    r.after.short_agent_hours
                );
                print_replan(&out, &files);
            }
            Ok(replan_exit(&out))
        }
        Cmd::Cover {
            roster: rp,
            agents: ap,
            scenario,
            date,
            from,
            to,
            previous,
            top,
            json,
        } => {
            let sc = Scenario::load_with(&scenario, &cli.sets)?;
            let tz = sc.horizon.tz();
            let ag = team_of(ap, &sc, &scenario)?;
            let published = roster::read_csv(&rp, tz, &sc.columns())?;
            let date = time::parse_date(&date).map_err(|e| anyhow::anyhow!("--date: {e}"))?;
            if !published.dates.contains(&date) {
                bail!("--date {date} is not a date of the roster {}", rp.display());
            }
            let prev = previous
                .map(|p| roster::read_csv(&p, tz, &sc.columns()))
                .transpose()?;
            let open = paiban::replan::cover::Open { date, from, to };
            let answer = paiban::replan::cover::cover(&published, &ag, &sc, prev.as_ref(), &open);
            if json {
                print_json(&answer)?;
            } else {
                say!("{}", answer.text(top));
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Simulate {
            roster: rp,
            forecast: fp,
            scenario,
            agents: ap,
            previous,
            runs,
            seed,
            demand_runs,
            output,
            json,
        } => {
            let sc = Scenario::load_with(&scenario, &cli.sets)?;
            let tz = sc.horizon.tz();
            let ag = team_of(ap, &sc, &scenario)?;
            let f = forecast::read_csv(&fp, tz, &sc.columns())?;
            let r = roster::read_csv(&rp, tz, &sc.columns())?;
            let prev = match previous {
                Some(p) => Some(roster::read_csv(&p, tz, &sc.columns())?),
                None => pipeline::scenario_previous(&sc, &scenario)?,
            };
            let r = pipeline::with_carried(&r, prev.as_ref(), f.grid.start, &ag).into_owned();
            let rep = simulate::simulate(&f, &sc, &r, &ag, &simulate::SimSettings { runs, seed })?;
            let uncertain = if demand_runs > 0 {
                let spread = pipeline::demand_spread(&sc, &scenario)?;
                Some(simulate::simulate_uncertain(
                    &f,
                    &sc,
                    &r,
                    &ag,
                    &simulate::SimSettings {
                        runs: demand_runs,
                        seed,
                    },
                    &spread,
                )?)
            } else {
                None
            };
            if let Some(o) = &output {
                write(o, &rep.to_csv())?;
            }
            if json {
                let mut v = serde_json::to_value(&rep.overall)?;
                if let (Some(u), Some(m)) = (&uncertain, v.as_object_mut()) {
                    m.insert("uncertain".into(), serde_json::to_value(u)?);
                }
                print_json(&v)?;
            } else {
                say!("{}", rep.text(sc.service.target_percent / 100.0));
                if let Some(u) = &uncertain {
                    say!("{}", u.text());
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Nrp {
            file,
            time_limit,
            work_limit,
            pacing,
            threads,
            heuristic_effort,
            output,
            json,
            engine,
            seed,
            progress,
        } => {
            if time_limit.is_nan() || time_limit <= 0.0 || threads == 0 {
                bail!("--time-limit must be positive and --threads at least 1");
            }
            if work_limit.is_some_and(|w| w.is_nan() || w <= 0.0) {
                bail!("--work-limit must be positive");
            }
            let engine = match engine.as_str() {
                "lns" => paiban::solver::Engine::Lns,
                "mip" => paiban::solver::Engine::Mip,
                e => bail!("unknown --engine `{e}`; use lns or mip"),
            };
            let pacing = match pacing.as_str() {
                "work" => paiban::solver::Pacing::Work,
                "clock" => paiban::solver::Pacing::Clock,
                e => bail!("unknown --pacing `{e}`; use work or clock"),
            };
            let p = nrp::read(&file)?;
            let settings = SolverSettings {
                time_limit_seconds: time_limit,
                work_limit,
                pacing,
                mip_rel_gap: 0.0,
                threads,
                seed,
                progress,
                engine,
                mip_heuristic_effort: Some(heuristic_effort),
                ..SolverSettings::default()
            };
            let sol = nrp::solve(&p, &settings)?;
            if let Some(o) = &output {
                write(o, &nrp::to_csv(&p, &sol.assignment))?;
            }
            let ev = &sol.evaluation;
            if json {
                print_json_sorted(&sol.summary(&p, &file.display().to_string()))?;
            } else {
                sayln!(
                    "{}: {} employees × {} days × {} shift types
objective {} (requests {}, cover {}); first roster {}; lower bound {}; LP bound {}; column generation bound {}; {} in {:.2} s; {} hard violations",
                    file.display(),
                    p.employees.len(),
                    p.days,
                    p.shifts.len(),
                    ev.objective,
                    ev.request_penalty,
                    ev.cover_penalty,
                    sol.construction.as_ref().map_or("–".into(), |c| format!(
                        "{:.1} s (construction {} after {} best-response rounds, {:.1} s)",
                        c.first_pass_seconds, c.objective, c.rounds, c.seconds
                    )),
                    sol.solve.bound.map_or("–".into(), |b| format!("{b:.2}")),
                    sol.lp_bound.map_or("–".into(), |b| format!("{b:.2}")),
                    sol.column_generation
                        .as_ref()
                        .map_or("–".into(), |c| c.text()),
                    sol.solve.status,
                    sol.solve.seconds,
                    ev.violations.len()
                );
                for v in ev.violations.iter().take(10) {
                    sayln!("  {}", v.message);
                }
            }
            Ok(if ev.violations.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Cmd::Backtest {
            history: hp,
            events,
            no_builtin_events,
            horizon,
            folds,
            every,
            first_origin,
            interval,
            timezone,
            intraday,
            json,
        } => {
            let tz = parse_tz(&timezone)?;
            let (h, rep) = history::read_history(&hp, tz, interval.map_or(60, |m| m.0), &columns)?;
            let h = match interval {
                Some(m) => h.resample(m.0).map_err(anyhow::Error::msg)?,
                None => h,
            };
            let cal = calendar_of(events.as_deref(), no_builtin_events)?;
            if let Some(at) = intraday {
                let model = forecast::SeasonalEvent::default();
                let samples = forecast::intraday::samples(&h, &cal, &model, at.0, usize::MAX)?;
                let r = forecast::intraday::backtest(&samples, at.0);
                if json {
                    print_json(&r)?;
                } else {
                    warn!("{}", rep.text());
                    say!("{}", r.text());
                }
                return Ok(ExitCode::SUCCESS);
            }
            let spec = backtest::BacktestSpec {
                horizon_days: horizon.0,
                folds,
                every_days: every.0,
                first_origin: first_origin
                    .as_deref()
                    .map(time::parse_date)
                    .transpose()
                    .map_err(anyhow::Error::msg)?,
            };
            let methods = [
                backtest::Method::SeasonalEvent(Default::default()),
                #[cfg(feature = "augurs")]
                backtest::Method::MstlEts { weeks: 16 },
                #[cfg(feature = "prophet")]
                backtest::Method::Prophet,
                backtest::Method::SeasonalNaive,
            ];
            let r = backtest::backtest(&h, &cal, &spec, &methods)?;
            if json {
                print_json(&r)?;
            } else {
                warn!("{}", rep.text());
                say!("{}", r.text());
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Rules { json } => {
            if json {
                print_json(&paiban::rules::CATALOGUE)?;
            } else {
                say!("{}", paiban::rules::catalogue_markdown());
            }
            Ok(ExitCode::SUCCESS)
        }
        Cmd::Erlang {
            volume,
            interval,
            aht,
            target,
            shrinkage,
            occupancy,
            concurrency,
            patience,
            max_abandon,
            json,
        } => {
            let answer = erlang::calculator(&erlang::Calculator {
                volume,
                interval,
                aht,
                target,
                shrinkage,
                occupancy,
                concurrency,
                patience,
                max_abandon,
            })?;
            if json {
                print_json(&answer)?;
            } else {
                say!("{}", answer.text());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn finish_run(
    sc: &Scenario,
    inputs: &pipeline::Inputs,
    out: &Path,
    s: &SolverSettings,
    json: bool,
    write_inputs: bool,
    opts: &export::Options,
) -> Result<ExitCode> {
    if let Some(rep) = &inputs.history_report {
        warn!("{}", rep.text());
    }
    let o = pipeline::run(sc, inputs, s)?;
    warn!("{}", o.forecast_notes.text());
    publish::write_run(out, sc, inputs, &o, write_inputs, opts)?;
    let sum = pipeline::summary(sc, &o);
    if json {
        print_json(&sum)?;
    } else {
        say!("{}", pipeline::summary_text(&sum));
        sayln!("  files: {}", out.display());
    }
    Ok(if o.check.hard() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn whatif_cmd(
    files: &[PathBuf],
    out: &Path,
    sweep: Option<&str>,
    s: &SolverSettings,
    json: bool,
    sets: &[String],
    opts: &export::Options,
) -> Result<ExitCode> {
    let cases = match sweep {
        Some(sw) => {
            let [file] = files else {
                bail!(
                    "--sweep varies one scenario: give exactly one scenario file (got {})",
                    files.len()
                );
            };
            whatif::sweep_cases(file, sets, sw)?
        }
        None => whatif::cases(files, sets)?,
    };
    warnln!(
        "whatif: {} scenario(s) on {} thread(s)…",
        cases.len(),
        rayon::current_num_threads()
    );
    let outcomes = whatif::run_all(cases, s)?;
    let rows: Vec<whatif::Row> = outcomes.iter().map(whatif::row).collect();
    // every scenario's files and the comparison, all or none
    publish::write_whatif(out, &outcomes, &rows, opts)?;
    if json {
        print_json(&rows)?;
    } else {
        say!("{}", export::comparison_text(&rows, opts.lang));
        sayln!("  files: {}", out.display());
    }
    Ok(if rows.iter().all(|r| r.hard_violations == 0) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
