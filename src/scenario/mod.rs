//! The scenario: everything a supervisor decides for one planning run, read from TOML with
//! unknown keys rejected. Paths inside are relative to the scenario file.

pub mod agents;

use crate::model::time::{parse_date, Clock, Minutes};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read the scenario: {source}")]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}: {message}\n  fix: correct the key or value at that line (every key, its type and default: README.md, \"Scenario file\")")]
    Parse { file: PathBuf, message: String },
    /// The scenario cannot be put together: its `extends` chain or a `--set` override fails.
    #[error("{file}: {message}\n  fix: {fix}")]
    Compose {
        file: PathBuf,
        message: String,
        fix: String,
    },
    /// The scenario reads but breaks rules: every problem found, in a block each.
    #[error("{}", issue_blocks(.file, .issues))]
    Invalid {
        file: PathBuf,
        issues: Vec<ScenarioIssue>,
    },
}

/// One problem [`Scenario::issues`] found, with a stable `code` per kind of check:
///
/// | code | problem |
/// |---|---|
/// | `HORIZON_START` | `horizon.start` is not a date |
/// | `TIMEZONE` | `horizon.timezone` is not an IANA time zone |
/// | `INTERVAL` | `horizon.interval` is not 5, 10, 15, 20, 30 or 60 minutes |
/// | `HORIZON_DAYS` | `horizon.days` is not 1..62 |
/// | `SYNTH_END` | `inputs.synth.end` is not a date |
/// | `SERVICE_TARGET` | `service.target_percent` is not in (0, 100) |
/// | `SERVICE_DEFLECTION` | `service.deflection` is not in [0, 1) |
/// | `SERVICE_SHRINKAGE` | `service.shrinkage` is not in [0, 0.9) |
/// | `SERVICE_OCCUPANCY` | `service.occupancy_max` is not in (0.1, 1] |
/// | `SERVICE_CONCURRENCY` | `service.concurrency` is not 1..20 |
/// | `SERVICE_SLOWDOWN` | `service.concurrency_slowdown` is not in [0, 1] |
/// | `SERVICE_PATIENCE` | `service.patience` is not more than 0 |
/// | `SERVICE_ABANDON` | `service.max_abandon_percent` out of (0, 100) or without a patience |
/// | `SERVICE_QUANTILE` | `service.forecast_quantile` is not in [0.05, 0.99] |
/// | `SERVICE_HOURS` | `service.hours` does not open before it closes |
/// | `SERVICE_FLOOR` | `service.floor_percent` is not in [0, `target_percent`] |
/// | `SERVICE_OFFLINE` | `service.offline_block` is not whole intervals, or longer than `offline_max_per_shift` |
/// | `TARGET_SCOPE_QUEUES` | a `[[queue]]` with its own `target_percent` under a day or week `target_scope` |
/// | `PERIOD_WEEKDAY` | a shrinkage or deflection period names an unknown weekday |
/// | `PERIOD_TIMES` | a period's `from` is not before its `to` |
/// | `PERIOD_SHRINKAGE` | a shrinkage period's `add` is not in [0, 0.9) |
/// | `PERIOD_DEFLECTION` | a deflection period's `deflection` is not in [0, 1) |
/// | `PERIOD_QUEUE` | a deflection period names a queue that is not a `[[queue]]` |
/// | `QUEUE_SHARES` | the `[[queue]]` shares do not add up to 1 |
/// | `QUEUE_DUPLICATE` | two `[[queue]]` entries share a name |
/// | `QUEUE_RANGE` | a `[[queue]]` value is out of range |
/// | `DEMAND_FACTOR` | `demand.volume_factor`, `aht_factor` or `aht_seconds` is not positive |
/// | `EVENT_UPLIFT` | `demand.event_uplift_factor` is negative |
/// | `LABOUR_SENIORS` | `labour.min_seniors_on_duty` without `labour.senior_tiers` |
/// | `LABOUR_DAYS_OFF` | `labour.min_consecutive_days_off` is not 1..7 |
/// | `LABOUR_DAYS` | the weekly day limits leave no working day |
/// | `WEEK_START` | `labour.week_start` is not a weekday |
/// | `OVERTIME` | `labour.max_overtime_hours_per_month` is negative |
/// | `NO_CONTRACTS` | no `[contracts.*]` |
/// | `CONTRACT_RANGE` | a contract's productivity or cost per hour is out of range |
/// | `CONTRACT_UNKNOWN` | a `[[shift]]` or `[[temps]]` names a contract with no `[contracts.*]` |
/// | `NO_SHIFTS` | no `[[shift]]` families |
/// | `SHIFT_INCOMPLETE` | a shift family without lengths or contracts |
/// | `SHIFT_WINDOW` | a shift's `start_window` is not [earliest, latest] within a day |
/// | `SHIFT_STEP` | `start_step`, `break` or `break_step` is not a multiple of the interval |
/// | `SHIFT_LENGTH` | a shift length is not a multiple of the interval up to 16 h |
/// | `SHIFT_PAID_HOURS` | a shift is paid more than `labour.max_paid_hours_per_day` |
/// | `SHIFT_PREP` | `prep` or `wrap_up` is not a multiple of the interval, or fills the shift |
/// | `BREAK_WINDOW` | `break_window` is backwards or starts too late for a length |
/// | `SHORT_BREAK` | a short break's length, step or window does not fit |
/// | `BREAK_OVERLAP` | the windows of two breaks of a shift overlap |
/// | `TEMPS_NO_SHIFT` | no `[[shift]]` lists a `[[temps]]` block's contract |
/// | `TEMPS_RANGE` | a `[[temps]]` value is out of range |
/// | `TEMPS_PREFIX` | two `[[temps]]` blocks share an `id_prefix` |
/// | `REPLAN_RANGE` | a `[replan]` price is negative or not a number |
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioIssue {
    pub code: &'static str,
    /// The dotted key the problem is about: `service.target_percent`, `shift[2].break_window`.
    pub key: String,
    pub message: String,
    pub fix: String,
    /// Where the file sets the key: one-based line and the key as found there (None when
    /// the file does not set it, e.g. a default or a base scenario's value).
    pub location: Option<(usize, String)>,
}

impl ScenarioIssue {
    /// ", line N, field `key`" when located, else empty.
    pub fn at(&self) -> String {
        self.location
            .as_ref()
            .map(|(line, key)| format!(", line {line}, field `{key}`"))
            .unwrap_or_default()
    }
}

/// `{file}{at}: [CODE] message` and its fix, for each issue.
fn issue_blocks(file: &Path, issues: &[ScenarioIssue]) -> String {
    let blocks: Vec<String> = issues
        .iter()
        .map(|i| {
            format!(
                "{}{}: [{}] {}\n  fix: {}",
                file.display(),
                i.at(),
                i.code,
                i.message,
                i.fix
            )
        })
        .collect();
    blocks.join("\n")
}

/// Records one issue.
fn flag(
    out: &mut Vec<ScenarioIssue>,
    code: &'static str,
    key: impl Into<String>,
    message: impl Into<String>,
    fix: impl Into<String>,
) {
    out.push(ScenarioIssue {
        code,
        key: key.into(),
        message: message.into(),
        fix: fix.into(),
        location: None,
    });
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub inputs: Inputs,
    pub horizon: Horizon,
    #[serde(default)]
    pub demand: Demand,
    #[serde(default)]
    pub service: Service,
    #[serde(rename = "shift")]
    pub shifts: Vec<ShiftFamily>,
    #[serde(default)]
    pub labour: Labour,
    pub contracts: BTreeMap<String, Contract>,
    #[serde(default)]
    pub costs: Costs,
    #[serde(default)]
    pub headcount: Headcount,
    /// Queues with their own targets; none: one queue with the `[service]` target.
    #[serde(rename = "queue", default)]
    pub queues: Vec<Queue>,
    /// Temporary agents added to the agent list for this scenario.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub temps: Vec<Temps>,
    /// What each kind of change to a published roster costs (`paiban replan`, `leave`).
    #[serde(default)]
    pub replan: Replan,
}

/// The price of each kind of change to a published roster, in the plan's money (the same
/// units as `costs.under_coverage_per_agent_hour`): a replan minimises the service shortfall
/// plus these.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Replan {
    /// A published shift taken away (the agent is sent home or told not to come).
    #[serde(default = "d_cancel")]
    pub cancel: f64,
    /// A published shift starting at another time.
    #[serde(default = "d_move")]
    pub r#move: f64,
    /// A published shift made longer or shorter, same start.
    #[serde(default = "d_resize")]
    pub extend: f64,
    #[serde(default = "d_resize")]
    pub shorten: f64,
    /// A shift on a published day off: an agent marked `overtime`, and a `standby` (机动班)
    /// agent at its own price.
    #[serde(default = "d_call_in")]
    pub call_in: f64,
    #[serde(default = "d_call_in_standby")]
    pub call_in_standby: f64,
    /// Each paid hour beyond the published ones on that day (extensions, call-ins).
    #[serde(default = "d_overtime")]
    pub overtime_per_hour: f64,
    /// A changed or new shift starts at least this long after the replan's `--now`.
    #[serde(default = "d_notice")]
    pub notice: Minutes,
}
fn d_cancel() -> f64 {
    150.0
}
fn d_move() -> f64 {
    80.0
}
fn d_resize() -> f64 {
    40.0
}
fn d_call_in() -> f64 {
    300.0
}
fn d_call_in_standby() -> f64 {
    60.0
}
fn d_overtime() -> f64 {
    30.0
}
fn d_notice() -> Minutes {
    Minutes(60)
}
impl Default for Replan {
    fn default() -> Self {
        toml::from_str("").expect("all replan fields have defaults")
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Inputs {
    /// History CSV (aggregated or session log), relative to the scenario file.
    pub history: Option<PathBuf>,
    /// Agent list CSV, relative to the scenario file.
    pub agents: Option<PathBuf>,
    /// Events file (TOML, `[[event]]` tables) adding to the built-in festival calendar.
    pub events: Option<PathBuf>,
    /// Last week's roster (CSV): rest and working days in a row carry over the week boundary.
    pub previous_roster: Option<PathBuf>,
    /// A built-in synthetic shop used for whatever input is not given as a file.
    pub synth: Option<SynthInput>,
    /// Headers of the history and agent files that paiban does not know, mapped to its
    /// columns: `count = "进线人数"` (as `--columns count=进线人数`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub columns: BTreeMap<String, String>,
    /// Headers to leave out of those files (as `--ignore-columns`); unknown ones are errors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ignore_columns: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SynthInput {
    #[serde(default = "d_seed")]
    pub seed: u64,
    #[serde(default = "d_agents")]
    pub agents: usize,
    #[serde(default = "d_years")]
    pub years: u32,
    /// History ends just before this date.
    pub end: String,
}
fn d_seed() -> u64 {
    42
}
fn d_agents() -> usize {
    20
}
fn d_years() -> u32 {
    3
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Horizon {
    /// First day planned (a date, YYYY-MM-DD).
    pub start: String,
    #[serde(default = "d_days")]
    pub days: u32,
    #[serde(default = "d_interval")]
    pub interval: Minutes,
    #[serde(default = "d_tz")]
    pub timezone: String,
}
fn d_days() -> u32 {
    7
}
fn d_interval() -> Minutes {
    Minutes(15)
}
fn d_tz() -> String {
    "Asia/Shanghai".into()
}

impl Horizon {
    pub fn start_date(&self) -> NaiveDate {
        parse_date(&self.start).expect("validated")
    }
    pub fn tz(&self) -> chrono_tz::Tz {
        self.timezone.parse().expect("validated")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Demand {
    /// Multiplies the whole forecast (a bigger or smaller shop).
    #[serde(default = "one")]
    pub volume_factor: f64,
    /// Scales every learned event effect: 1.3 = the promotion's uplift is 30% larger.
    #[serde(default = "one")]
    pub event_uplift_factor: f64,
    /// Handle time per chat (s) used where the forecast carries none.
    #[serde(default = "d_aht")]
    pub aht_seconds: f64,
    /// Multiplies every handle time (longer after-sales disputes, a new product line).
    #[serde(default = "one")]
    pub aht_factor: f64,
}
fn one() -> f64 {
    1.0
}
fn d_aht() -> f64 {
    240.0
}
impl Default for Demand {
    fn default() -> Self {
        Demand {
            volume_factor: 1.0,
            event_uplift_factor: 1.0,
            aht_seconds: d_aht(),
            aht_factor: 1.0,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Service level target: `target_percent`% of chats answered within `target_answer`.
    #[serde(default = "d_pct")]
    pub target_percent: f64,
    #[serde(default = "d_answer")]
    pub target_answer: Minutes0,
    /// Optional cap on the average speed of answer.
    pub max_asa: Option<Minutes0>,
    /// Highest share of chat capacity agents may be busy (quality guard).
    #[serde(default = "d_occ")]
    pub occupancy_max: f64,
    /// Chats one agent handles at once.
    #[serde(default = "d_conc")]
    pub concurrency: u32,
    /// Each additional concurrent chat makes every chat this much longer (0.15 = +15%).
    #[serde(default = "d_slow")]
    pub concurrency_slowdown: f64,
    /// Share of inquiries the chatbot resolves.
    #[serde(default = "d_defl")]
    pub deflection: f64,
    /// Share of paid time off the queue (meetings, training, preparation, short breaks).
    #[serde(default = "d_shrink")]
    pub shrinkage: f64,
    /// Agents on duty whenever the service is open, whatever the volume.
    #[serde(default = "d_min_agents")]
    pub min_agents: u32,
    /// Opening hours `["08:00", "24:00"]`; outside them inquiries are left as messages.
    pub hours: Option<[Clock; 2]>,
    /// Messages left overnight must be answered within this time after opening.
    #[serde(default = "d_clear")]
    pub backlog_clear: Minutes,
    /// Customers' mean patience before they leave the queue: staffing then uses Erlang A
    /// (abandonment) instead of Erlang C.
    pub patience: Option<Minutes0>,
    /// Highest share of customers abandoning, in percent (needs `patience`).
    pub max_abandon_percent: Option<f64>,
    /// Staff for this quantile of the forecast: 0.5 = the P50; 0.9 = the P90 (less risk of
    /// being short when the forecast is low, more cost).
    #[serde(default = "d_quantile")]
    pub forecast_quantile: f64,
    /// Extra shrinkage at certain times: team meetings, training, pre-shift preparation.
    #[serde(default)]
    pub shrinkage_periods: Vec<ShrinkagePeriod>,
    /// Bot deflection at certain times (a night bot that answers more), overriding
    /// `deflection` and the queues' own.
    #[serde(default)]
    pub deflection_periods: Vec<DeflectionPeriod>,
    /// Over what the target is measured: every `interval` on its own (the textbook), or the
    /// chats of each `day` or of the whole `week` (the horizon) together, as the KPIs a
    /// supervisor is judged on are; then every interval keeps at least `floor_percent`.
    #[serde(default)]
    pub target_scope: TargetScope,
    /// The service level no interval may fall below when the target is a day's or the week's
    /// (default 50).
    pub floor_percent: Option<f64>,
    /// Under a day or week target, agent time the target does not need (the contracts' hours
    /// buy more service than it asks): `offline` gives it to offline work (training,
    /// back-office), blocks off the queue where the queue misses them least, down to the
    /// target; `queue` leaves everyone on the queue.
    #[serde(default)]
    pub surplus: Surplus,
    /// One block of offline work (default 30 minutes, or one interval where intervals are
    /// longer).
    pub offline_block: Option<Minutes>,
    /// The most offline work in one shift (default 2 hours, at least one block).
    pub offline_max_per_shift: Option<Minutes>,
}

/// What a day or week target does with agent time it does not need ([`Service::surplus`]).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Surplus {
    #[default]
    Offline,
    Queue,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TargetScope {
    #[default]
    Interval,
    Day,
    Week,
}

impl TargetScope {
    /// The group a day or week target counts interval `i` in: its day, or the whole horizon
    /// (0).
    pub fn group(self, i: usize, per_day: usize) -> usize {
        match self {
            TargetScope::Day => i / per_day,
            _ => 0,
        }
    }
}

impl Service {
    /// The interval floor of a day or week target (percent).
    pub fn floor(&self) -> f64 {
        self.floor_percent.unwrap_or(50.0).min(self.target_percent)
    }
    /// Minutes of one block of offline work at `step`-minute intervals: as set, else 30
    /// rounded up to whole intervals.
    pub fn offline_block(&self, step: u32) -> u32 {
        self.offline_block
            .map_or(30u32.div_ceil(step.max(1)) * step.max(1), |m| m.0)
    }
    /// The most minutes of offline work in one shift: as set, else 2 hours and at least a
    /// block.
    pub fn offline_max_per_shift(&self, step: u32) -> u32 {
        self.offline_max_per_shift
            .map_or(120u32.max(self.offline_block(step)), |m| m.0)
    }
}

/// Times of the week: weekdays (`["Mon", "Tue"]`, default every day) and a clock range.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShrinkagePeriod {
    #[serde(default)]
    pub weekdays: Vec<String>,
    pub from: Clock,
    pub to: Clock,
    /// Share of paid time off the queue added in this period (0.3 = 30 points more).
    pub add: f64,
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeflectionPeriod {
    #[serde(default)]
    pub weekdays: Vec<String>,
    pub from: Clock,
    pub to: Clock,
    pub deflection: f64,
    /// Only this queue (default: every queue).
    pub queue: Option<String>,
}

/// Whether `t` falls in a period given by weekdays (empty = every day) and `[from, to)`.
pub fn in_period(weekdays: &[String], from: Clock, to: Clock, t: chrono::NaiveDateTime) -> bool {
    let day = crate::model::time::weekday_short(chrono::Datelike::weekday(&t));
    let m = crate::model::time::minute_of_day(t);
    (weekdays.is_empty() || weekdays.iter().any(|w| w.eq_ignore_ascii_case(day)))
        && m >= from.0
        && m < to.0
}

/// A queue of its own (pre-sales, after-sales…) with its share of the volume and its own
/// target; unset values come from `[service]`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Queue {
    pub name: String,
    /// Share of the forecast volume arriving at this queue (the shares add up to 1).
    pub share: f64,
    pub target_percent: Option<f64>,
    pub target_answer: Option<Minutes0>,
    pub max_asa: Option<Minutes0>,
    pub patience: Option<Minutes0>,
    pub max_abandon_percent: Option<f64>,
    pub deflection: Option<f64>,
    /// Handle time of this queue's chats relative to the forecast's (1.3 = 30% longer).
    #[serde(default = "one")]
    pub aht_factor: f64,
    /// Tiers that may serve it (`["senior", "supervisor"]`); empty: every tier.
    #[serde(default)]
    pub tiers: Vec<String>,
    /// Skills that may serve it (the agent list's `skills` column; a tier counts as a skill):
    /// an agent with any of these or of `tiers` may. Both empty: everybody.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skills: Vec<String>,
}

impl Queue {
    /// The skills (tiers included) that may serve it; empty: everybody.
    pub fn served_by(&self) -> Vec<String> {
        self.tiers
            .iter()
            .chain(&self.skills)
            .map(|s| s.to_lowercase())
            .collect()
    }
}

/// A duration written like `30s`, `2m`; stored in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Minutes0(pub f64);
impl TryFrom<String> for Minutes0 {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        crate::model::time::parse_seconds(&s).map(Minutes0)
    }
}
impl From<Minutes0> for String {
    fn from(m: Minutes0) -> String {
        format!("{}s", m.0)
    }
}

fn d_pct() -> f64 {
    80.0
}
fn d_answer() -> Minutes0 {
    Minutes0(30.0)
}
fn d_occ() -> f64 {
    0.85
}
fn d_conc() -> u32 {
    3
}
fn d_slow() -> f64 {
    0.15
}
fn d_defl() -> f64 {
    0.6
}
fn d_shrink() -> f64 {
    0.25
}
fn d_min_agents() -> u32 {
    1
}
fn d_clear() -> Minutes {
    Minutes(120)
}

fn d_quantile() -> f64 {
    0.5
}
impl Default for Service {
    fn default() -> Self {
        toml::from_str("").expect("all service fields have defaults")
    }
}

/// A family of shift templates: every start in the window at the step, every length, and —
/// for shifts long enough — a meal break placed anywhere in its window.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShiftFamily {
    pub name: String,
    /// Contracts whose agents may work these shifts.
    pub contracts: Vec<String>,
    pub lengths: Vec<Minutes>,
    /// Earliest and latest start, e.g. `["07:00", "15:00"]`.
    pub start_window: [Clock; 2],
    #[serde(default = "d_step")]
    pub start_step: Minutes,
    /// Unpaid meal break; `0m` for none.
    #[serde(rename = "break", default)]
    pub meal_break: Minutes,
    /// The break starts between these offsets from the shift start.
    #[serde(default = "d_break_window")]
    pub break_window: [Minutes; 2],
    #[serde(default = "d_step")]
    pub break_step: Minutes,
    /// Paid time off the queue at the start of every shift (log-in, briefing), e.g. `15m`.
    #[serde(default)]
    pub prep: Minutes,
    /// Paid time off the queue at the end of every shift (handover, wrap-up).
    #[serde(default)]
    pub wrap_up: Minutes,
    /// Short paid breaks, each placed by the plan inside its window.
    #[serde(default, rename = "short_break")]
    pub short_breaks: Vec<ShortBreak>,
}

/// A short paid break (`[[shift.short_break]]`): `length`, placed `window = [earliest,
/// latest]` after the shift start, at `step` (the interval when not given).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ShortBreak {
    pub length: Minutes,
    pub window: [Minutes; 2],
    pub step: Option<Minutes>,
}
fn d_step() -> Minutes {
    Minutes(30)
}
fn d_break_window() -> [Minutes; 2] {
    [Minutes(180), Minutes(300)]
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Labour {
    #[serde(default = "d_day_h")]
    pub max_paid_hours_per_day: f64,
    #[serde(default = "d_week_h")]
    pub max_hours_per_week: f64,
    /// Paid hours a week beyond which hours count as overtime (reported in comparisons).
    #[serde(default = "d_standard_h")]
    pub standard_hours_per_week: f64,
    #[serde(default = "d_rest")]
    pub min_rest_hours: f64,
    #[serde(default = "one_u")]
    pub min_days_off_per_week: u32,
    #[serde(default = "d_consec")]
    pub max_consecutive_days: u32,
    /// Days off come at least this many together (a single day off between two working days
    /// is not enough when 2).
    #[serde(default = "one_u")]
    pub min_consecutive_days_off: u32,
    /// Most night shifts (any work between 00:00 and 06:00) an agent works in 7 days.
    pub max_nights_per_week: Option<u32>,
    /// Most Saturday and Sunday shifts an agent works in 7 days.
    pub max_weekend_days_per_week: Option<u32>,
    /// Tiers that count as senior (e.g. `["senior", "supervisor"]`) …
    #[serde(default)]
    pub senior_tiers: Vec<String>,
    /// … and how many of them must be on the queue whenever anyone is (0: no rule).
    #[serde(default)]
    pub min_seniors_on_duty: u32,
    /// What "a week" is for the weekly limits (days, hours, days off, nights, weekend
    /// days): `calendar` weeks starting on `week_start`, or every `rolling` 7 days.
    #[serde(default)]
    pub week: WeekMode,
    /// The first day of a calendar week (`Mon` … `Sun`).
    #[serde(default = "d_week_start")]
    pub week_start: String,
    /// Most overtime per calendar month: paid hours above `standard_hours_per_week` × the
    /// month's days / 7 (China: 36 h).
    #[serde(default = "d_overtime_month")]
    pub max_overtime_hours_per_month: f64,
}

/// Weekly limits per calendar week or per every 7 days in a row.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum WeekMode {
    #[default]
    Calendar,
    Rolling,
}

impl Labour {
    /// The first day of a calendar week.
    pub fn week_start_day(&self) -> chrono::Weekday {
        crate::model::time::parse_weekday(&self.week_start).expect("validated")
    }
}
fn d_week_start() -> String {
    "Mon".into()
}
fn d_overtime_month() -> f64 {
    36.0
}
fn d_day_h() -> f64 {
    8.0
}
fn d_week_h() -> f64 {
    44.0
}
fn d_standard_h() -> f64 {
    40.0
}
fn d_rest() -> f64 {
    11.0
}
fn one_u() -> u32 {
    1
}
fn d_consec() -> u32 {
    6
}
impl Default for Labour {
    fn default() -> Self {
        toml::from_str("").expect("all labour fields have defaults")
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Contract {
    /// Cost of one paid hour.
    pub cost_per_hour: f64,
    /// Most agents of this contract on duty at once (vendor seats, licences).
    pub max_on_duty: Option<u32>,
    /// Share of a trained agent's work one agent of this contract does (ramp-up of temps
    /// hired for an event, e.g. 0.7): the plan, the coverage check and the simulation count
    /// each such agent as this fraction of an agent.
    #[serde(default = "one")]
    pub productivity: f64,
}

/// Temporary agents hired for the scenario, on top of the agent list: `count` agents of
/// `contract`, ids `{id_prefix}01`, `{id_prefix}02`, ….
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Temps {
    pub count: u32,
    /// A `[contracts.*]` entry (cost, seats, productivity); the `[[shift]]` families that
    /// list it are the shifts temps may work.
    pub contract: String,
    #[serde(default = "d_temp_prefix")]
    pub id_prefix: String,
    #[serde(default = "d_temp_tier")]
    pub tier: String,
    /// Most paid hours per week (default `labour.max_hours_per_week`).
    pub max_hours: Option<f64>,
    /// Guaranteed paid hours per week (default 0).
    #[serde(default)]
    pub min_hours: f64,
    /// Most working days per week (default 7 − `labour.min_days_off_per_week`).
    pub max_days: Option<u32>,
}
fn d_temp_prefix() -> String {
    "TEMP".into()
}
fn d_temp_tier() -> String {
    "junior".into()
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Costs {
    /// Penalty for each agent-hour the requirement is not covered.
    #[serde(default = "d_under")]
    pub under_coverage_per_agent_hour: f64,
    /// Penalty for each agent-hour above the requirement.
    #[serde(default = "d_over")]
    pub over_coverage_per_agent_hour: f64,
    /// Penalty for an agent working on a preferred day off.
    #[serde(default = "d_pref")]
    pub preference_violation: f64,
    /// Most labour cost the plan may spend over the horizon (none: no limit).
    pub budget: Option<f64>,
}
fn d_under() -> f64 {
    500.0
}
fn d_over() -> f64 {
    1.0
}
fn d_pref() -> f64 {
    20.0
}
impl Default for Costs {
    fn default() -> Self {
        toml::from_str("").expect("all cost fields have defaults")
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Headcount {
    /// At most this many agents on duty in any interval (seats, licences).
    pub max_on_duty: Option<u32>,
}

/// Input paths a scenario names relative to its own file.
const INPUT_PATHS: [&str; 4] = ["history", "agents", "events", "previous_roster"];

fn read_scenario_text(file: &Path) -> Result<String, ScenarioError> {
    crate::io::note_input(file);
    std::fs::read_to_string(file).map_err(|e| ScenarioError::Read {
        file: file.to_path_buf(),
        source: e,
    })
}

/// `text` (the contents of `file`) as a TOML table with its `extends` chain merged in: the
/// base's tables are merged key by key, anything else (values, arrays such as `[[shift]]`)
/// the extending file sets replaces the base's. The base's input paths stay relative to the
/// base file. `chain` holds the files being read, to refuse a cycle.
fn merged_table(
    file: &Path,
    text: &str,
    chain: &mut Vec<PathBuf>,
) -> Result<toml::Table, ScenarioError> {
    let parse = |m: String| ScenarioError::Parse {
        file: file.to_path_buf(),
        message: m,
    };
    let mut table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| parse(e.to_string()))?;
    let Some(ext) = table.remove("extends") else {
        return Ok(table);
    };
    let invalid = |m: String, fix: &str| ScenarioError::Compose {
        file: file.to_path_buf(),
        message: m,
        fix: fix.into(),
    };
    let ext = ext
        .as_str()
        .ok_or_else(|| {
            invalid(
                "`extends` must be a file name".into(),
                "write extends = \"baseline.toml\"",
            )
        })?
        .to_string();
    let base_file = Scenario::resolve(file, Path::new(&ext));
    let key = base_file.canonicalize().unwrap_or(base_file.clone());
    if chain.contains(&key) {
        return Err(invalid(
            format!("`extends = \"{ext}\"` leads back to a file already being read"),
            "remove the cycle: a base scenario must not extend the files that extend it",
        ));
    }
    chain.push(key);
    // a scenario is a small text file: refuse devices, folders and anything huge
    match std::fs::metadata(&base_file) {
        Ok(m) if !m.is_file() || m.len() > 1 << 20 => {
            return Err(invalid(
                format!(
                    "`extends = \"{ext}\"`: {} is not a scenario file (not a regular file of at most 1 MB)",
                    base_file.display()
                ),
                "extend a scenario .toml file",
            ))
        }
        _ => {}
    }
    crate::io::note_input(&base_file);
    let base_text = std::fs::read_to_string(&base_file).map_err(|e| {
        invalid(
            format!(
                "`extends = \"{ext}\"`: cannot read {}: {e}",
                base_file.display()
            ),
            "check the file name; it is relative to this scenario file",
        )
    })?;
    let mut base = merged_table(&base_file, &base_text, chain)?;
    chain.pop();
    // the base's inputs, relative to the base file, as seen from this file
    let rel = Path::new(&ext).parent().unwrap_or(Path::new(""));
    if let Some(toml::Value::Table(inputs)) = base.get_mut("inputs") {
        for k in INPUT_PATHS {
            if let Some(toml::Value::String(p)) = inputs.get_mut(k) {
                if Path::new(p.as_str()).is_relative() {
                    *p = rel.join(&*p).to_string_lossy().into_owned();
                }
            }
        }
    }
    merge(&mut base, table);
    Ok(base)
}

/// Where in a scenario's text the key a validation message is about is set: the first
/// `section.key` the message names (`labour.max_paid_hours_per_day`), or a key of the
/// `[[shift]]` / `[[temps]]` / `[[queue]]` entry it names (`shift \`full day\`: … start_window`,
/// `temps[0].contract`, `shift[2].break_window`). One-based line and the key, or None when the file does not set it.
fn locate(text: &str, message: &str) -> Option<(usize, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let bare = |l: &str| l.split('#').next().unwrap_or("").trim().to_string();
    let key_of = |l: &str| -> Option<String> {
        let (k, _) = l.split_once('=')?;
        let k = k.trim();
        (!k.is_empty() && !k.starts_with('#') && !k.starts_with('[')).then(|| k.to_string())
    };
    // the line range of a table: after its header up to the next header
    let body = |from: usize| -> std::ops::Range<usize> {
        let end = (from + 1..lines.len())
            .find(|&i| lines[i].trim_start().starts_with('['))
            .unwrap_or(lines.len());
        from + 1..end
    };
    let find_key = |range: std::ops::Range<usize>, key: &str| {
        range
            .into_iter()
            .find(|&i| key_of(lines[i]).as_deref() == Some(key))
    };
    let is_word = |c: char| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit();
    let words: Vec<&str> = message
        .split(|c: char| !(is_word(c) || c == '.' || c == '[' || c == ']'))
        .filter(|w| !w.is_empty())
        .collect();
    // an array-of-tables entry: `shift \`NAME\`` or `temps[i]`, and the keys it may name
    let entry = |array: &str, index: Option<usize>, name: Option<&str>| -> Option<usize> {
        let header = format!("[[{array}]]");
        let starts: Vec<usize> = (0..lines.len())
            .filter(|&i| bare(lines[i]) == header)
            .collect();
        match (index, name) {
            (Some(k), _) => starts.get(k).copied(),
            (None, Some(n)) => starts.into_iter().find(|&s| {
                body(s).any(|i| {
                    key_of(lines[i]).as_deref() == Some("name")
                        && lines[i]
                            .split_once('=')
                            .map(|x| x.1.trim().trim_matches('"'))
                            == Some(n)
                })
            }),
            _ => None,
        }
    };
    let in_entry = |array: &str, start: usize| -> Option<(usize, String)> {
        let keys: Vec<String> = body(start).filter_map(|i| key_of(lines[i])).collect();
        // the first key of the entry the message names ("…: start_window must …")
        let named = words
            .iter()
            .filter_map(|w| w.rsplit('.').next())
            .find(|w| keys.iter().any(|k| k == w))
            .map(|w| w.to_string());
        match named {
            Some(k) => find_key(body(start), &k).map(|i| (i + 1, format!("{array}.{k}"))),
            None => Some((start + 1, array.to_string())),
        }
    };
    if let Some(rest) = message.strip_prefix("shift `") {
        let name = rest.split('`').next()?;
        return entry("shift", None, Some(name)).and_then(|s| in_entry("shift", s));
    }
    // `temps[i]…`, and an issue's key such as `shift[2].break_window` or `queue[1]`
    for array in ["temps", "shift", "queue"] {
        if let Some(rest) = message
            .strip_prefix(array)
            .and_then(|r| r.strip_prefix('['))
        {
            let k: usize = rest.split(']').next()?.parse().ok()?;
            return entry(array, Some(k), None).and_then(|s| in_entry(array, s));
        }
    }
    for w in &words {
        let parts: Vec<&str> = w.split('.').collect();
        if parts.len() < 2 || parts.iter().any(|p| p.is_empty() || p.contains('[')) {
            continue;
        }
        let (table, key) = (parts[..parts.len() - 1].join("."), parts[parts.len() - 1]);
        let header = format!("[{table}]");
        if let Some(h) = (0..lines.len()).find(|&i| bare(lines[i]) == header) {
            if let Some(i) = find_key(body(h), key) {
                return Some((i + 1, w.to_string()));
            }
        }
    }
    None
}

fn merge(base: &mut toml::Table, over: toml::Table) {
    for (k, v) in over {
        match (base.get_mut(&k), v) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(k, v);
            }
        }
    }
}

/// Applies `key=value` (`service.deflection=0.7`, `demand.event_uplift_factor=1.5`,
/// `shift.0.prep="15m"`) to a scenario table. The value is read as TOML (a number, a
/// boolean, a quoted string, an array) and otherwise taken as a string (`horizon.start=2026-11-09`).
pub fn apply_set(table: &mut toml::Table, set: &str) -> Result<(), String> {
    let (key, raw) = set
        .split_once('=')
        .ok_or_else(|| format!("`{set}` is not KEY=VALUE (e.g. service.deflection=0.7)"))?;
    let (key, raw) = (key.trim(), raw.trim());
    // `key+=[…]` appends to a list instead of replacing it
    let (key, append) = match key.strip_suffix('+') {
        Some(k) => (k.trim_end(), true),
        None => (key, false),
    };
    let mut value = match format!("v = {raw}").parse::<toml::Table>() {
        Ok(mut t) => t.remove("v").expect("parsed v"),
        Err(_) => toml::Value::String(raw.to_string()),
    };
    if append {
        let mut old = match lookup(table, key) {
            Some(toml::Value::Array(a)) => a.clone(),
            None => Vec::new(),
            Some(_) => return Err(format!("`{key}+=`: `{key}` is not a list")),
        };
        match value {
            toml::Value::Array(a) => old.extend(a),
            v => old.push(v),
        }
        value = toml::Value::Array(old);
    }
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(format!(
            "`{key}` is not a dotted key such as service.deflection"
        ));
    }
    let mut here = toml::Value::Table(std::mem::take(table));
    let result = set_path(&mut here, &parts, value, key);
    *table = match here {
        toml::Value::Table(t) => t,
        _ => unreachable!("the root stays a table"),
    };
    result
}

/// The value at a dotted `key` of `table`, if there is one.
fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut parts = key.split('.');
    let mut at = table.get(parts.next()?)?;
    for p in parts {
        at = match at {
            toml::Value::Table(t) => t.get(p)?,
            toml::Value::Array(a) => a.get(p.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

fn set_path(
    at: &mut toml::Value,
    parts: &[&str],
    value: toml::Value,
    key: &str,
) -> Result<(), String> {
    let (first, rest) = parts.split_first().expect("non-empty key");
    let slot: &mut toml::Value = match at {
        toml::Value::Table(t) => {
            if rest.is_empty() {
                t.insert(first.to_string(), value);
                return Ok(());
            }
            t.entry(first.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
        }
        toml::Value::Array(a) => {
            let i: usize = first.parse().map_err(|_| {
                format!("`{key}`: `{first}` must be an index into the list (0, 1, …)")
            })?;
            let n = a.len();
            let slot = a
                .get_mut(i)
                .ok_or_else(|| format!("`{key}`: index {i} is past the {n} entries of the list"))?;
            if rest.is_empty() {
                *slot = value;
                return Ok(());
            }
            slot
        }
        _ => return Err(format!("`{key}`: `{first}` is inside a value, not a table")),
    };
    set_path(slot, rest, value, key)
}

/// Agents weighted by productivity as whole trained-agent equivalents, rounded down (3.7 of
/// a required 4 is one short), with slack for the sums' rounding error.
pub fn whole_agents(x: f64) -> u32 {
    (x + 1e-6).floor() as u32
}

impl Scenario {
    pub fn from_toml(file: &Path, text: &str) -> Result<Scenario, ScenarioError> {
        Self::from_toml_with(file, text, &[])
    }

    /// A scenario from `text` (the contents of `file`), following `extends` and applying
    /// `--set KEY=VALUE` overrides.
    pub fn from_toml_with(
        file: &Path,
        text: &str,
        sets: &[String],
    ) -> Result<Scenario, ScenarioError> {
        let mut table = merged_table(file, text, &mut Vec::new())?;
        for set in sets {
            apply_set(&mut table, set).map_err(|m| ScenarioError::Compose {
                file: file.to_path_buf(),
                message: format!("--set {m}"),
                fix: "write --set section.key=value with a key the scenario file has".into(),
            })?;
        }
        // a plain file is read from its text, so errors keep their line numbers
        let sc: Scenario = if sets.is_empty() && !text.contains("extends") {
            toml::from_str(text)
        } else {
            toml::Value::Table(table).try_into()
        }
        .map_err(|e| ScenarioError::Parse {
            file: file.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut issues = sc.issues();
        if !issues.is_empty() {
            // point at the line of each problem: the key its message names, else its own key
            for i in &mut issues {
                i.location = locate(text, &i.message).or_else(|| locate(text, &i.key));
            }
            return Err(ScenarioError::Invalid {
                file: file.to_path_buf(),
                issues,
            });
        }
        Ok(sc)
    }

    pub fn load(file: &Path) -> Result<Scenario, ScenarioError> {
        Self::load_with(file, &[])
    }

    /// [`Scenario::load`] with `--set KEY=VALUE` overrides.
    pub fn load_with(file: &Path, sets: &[String]) -> Result<Scenario, ScenarioError> {
        Self::from_toml_with(file, &read_scenario_text(file)?, sets)
    }

    /// The resolved scenario as TOML (every default filled in), as `show-scenario` prints it.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a scenario is plain data")
    }

    /// Productivity of a contract (1 when unknown).
    pub fn productivity(&self, contract: &str) -> f64 {
        self.contracts.get(contract).map_or(1.0, |c| c.productivity)
    }

    /// Names of the contracts the scenario defines, sorted.
    pub fn contract_names(&self) -> Vec<String> {
        self.contracts.keys().cloned().collect()
    }

    /// The same scenario reading `history.csv`, `agents.csv` (and `events.toml`) beside it (what `demo`,
    /// `synth` and `run` write next to their outputs).
    pub fn with_file_inputs(mut self) -> Scenario {
        self.inputs = Inputs {
            history: Some("history.csv".into()),
            agents: Some("agents.csv".into()),
            events: self.inputs.events.as_ref().map(|_| "events.toml".into()),
            previous_roster: self
                .inputs
                .previous_roster
                .as_ref()
                .map(|_| "previous_roster.csv".into()),
            synth: None,
            // the files written are in paiban's own columns
            columns: BTreeMap::new(),
            ignore_columns: Vec::new(),
        };
        self
    }

    /// The header mapping of `[inputs]` (`columns`, `ignore_columns`).
    pub fn columns(&self) -> crate::io::Columns {
        crate::io::Columns {
            map: self
                .inputs
                .columns
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.clone()))
                .collect(),
            ignore: self.inputs.ignore_columns.iter().cloned().collect(),
        }
    }

    /// Resolves an input path relative to the scenario file's folder.
    pub fn resolve(file: &Path, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            file.parent().unwrap_or(Path::new(".")).join(p)
        }
    }

    /// Every problem with the scenario's values, each with its code (see [`ScenarioIssue`]);
    /// empty when the scenario is valid. Locations are left to the caller, which has the text.
    pub fn issues(&self) -> Vec<ScenarioIssue> {
        let mut out = Vec::new();
        self.validate_horizon(&mut out);
        self.validate_inputs(&mut out);
        self.validate_service(&mut out);
        self.validate_periods(&mut out);
        self.validate_queues(&mut out);
        self.validate_demand(&mut out);
        self.validate_labour(&mut out);
        self.validate_contracts(&mut out);
        self.validate_replan(&mut out);
        self.validate_shifts(&mut out);
        self.validate_temps(&mut out);
        out
    }

    /// The planning interval in minutes when it is a supported one (checks that need it
    /// are skipped otherwise: the interval's own issue says what to fix).
    fn valid_interval(&self) -> Option<u32> {
        let iv = self.horizon.interval.0;
        [5, 10, 15, 20, 30, 60].contains(&iv).then_some(iv)
    }

    fn validate_horizon(&self, out: &mut Vec<ScenarioIssue>) {
        let h = &self.horizon;
        if parse_date(&h.start).is_err() {
            flag(
                out,
                "HORIZON_START",
                "horizon.start",
                format!("horizon.start `{}` is not a date", h.start),
                "write it as YYYY-MM-DD",
            );
        }
        if h.timezone.parse::<chrono_tz::Tz>().is_err() {
            flag(
                out,
                "TIMEZONE",
                "horizon.timezone",
                format!("horizon.timezone `{}` is unknown", h.timezone),
                "use an IANA name such as Asia/Shanghai",
            );
        }
        if self.valid_interval().is_none() {
            flag(
                out,
                "INTERVAL",
                "horizon.interval",
                format!("horizon.interval {}m is not supported", h.interval.0),
                "use 15m, 30m or 60m (5m, 10m, 20m also work)",
            );
        }
        if h.days == 0 || h.days > 62 {
            flag(
                out,
                "HORIZON_DAYS",
                "horizon.days",
                format!("horizon.days = {} is out of range", h.days),
                "plan 1 to 62 days (usually 7)",
            );
        }
    }

    fn validate_inputs(&self, out: &mut Vec<ScenarioIssue>) {
        if let Some(sy) = &self.inputs.synth {
            if parse_date(&sy.end).is_err() {
                flag(
                    out,
                    "SYNTH_END",
                    "inputs.synth.end",
                    format!("inputs.synth.end `{}` is not a date", sy.end),
                    "write it as YYYY-MM-DD",
                );
            }
        }
    }

    /// The `[service]` rates and shares (its periods: [`Scenario::validate_periods`]).
    fn validate_service(&self, out: &mut Vec<ScenarioIssue>) {
        let s = &self.service;
        if !(0.0..100.0).contains(&s.target_percent) || s.target_percent <= 0.0 {
            flag(
                out,
                "SERVICE_TARGET",
                "service.target_percent",
                format!(
                    "service.target_percent = {} must be in (0, 100)",
                    s.target_percent
                ),
                "e.g. 80 for 80% answered in time",
            );
        }
        if !(0.0..1.0).contains(&s.deflection) {
            flag(
                out,
                "SERVICE_DEFLECTION",
                "service.deflection",
                format!("service.deflection = {} must be in [0, 1)", s.deflection),
                "0.6 means the bot resolves 60%",
            );
        }
        if !(0.0..0.9).contains(&s.shrinkage) {
            flag(
                out,
                "SERVICE_SHRINKAGE",
                "service.shrinkage",
                format!("service.shrinkage = {} must be in [0, 0.9)", s.shrinkage),
                "0.3 means 30% of paid time is off the queue",
            );
        }
        if !(s.occupancy_max > 0.1 && s.occupancy_max <= 1.0) {
            flag(
                out,
                "SERVICE_OCCUPANCY",
                "service.occupancy_max",
                format!(
                    "service.occupancy_max = {} must be in (0.1, 1]",
                    s.occupancy_max
                ),
                "0.85 is common",
            );
        }
        self.validate_service_chats(out);
        if let Some(f) = s.floor_percent {
            if !(0.0..=s.target_percent).contains(&f) {
                flag(
                    out,
                    "SERVICE_FLOOR",
                    "service.floor_percent",
                    format!(
                        "service.floor_percent = {f} must be in [0, target_percent = {}]",
                        s.target_percent
                    ),
                    "the floor is what no interval may fall below, e.g. 60 under an 80% week target",
                );
            }
        }
        let step = self.horizon.interval.0;
        let (block, most) = (s.offline_block(step), s.offline_max_per_shift(step));
        if step > 0 && (block == 0 || block % step != 0 || most < block) {
            flag(
                out,
                "SERVICE_OFFLINE",
                "service.offline_block",
                format!(
                    "service.offline_block = {block} min must be a whole number of {step}-minute intervals and at most service.offline_max_per_shift = {most} min"
                ),
                "e.g. offline_block = \"30m\" and offline_max_per_shift = \"2h\"",
            );
        }
        if s.target_scope != TargetScope::Interval {
            // a day or week target is the team's, over every queue's chats together
            for (i, q) in self.queues.iter().enumerate() {
                if let Some(p) = q.target_percent {
                    flag(
                        out,
                        "TARGET_SCOPE_QUEUES",
                        format!("queue[{i}].target_percent"),
                        format!(
                            "[[queue]] {} has its own target_percent = {p}, but a day or week target is the team's over every queue's chats together (service.target_percent); a queue keeps its own target answer time, patience and the interval floor",
                            q.name
                        ),
                        "remove the queue's target_percent (set service.target_percent), or use target_scope = \"interval\" for per-queue targets",
                    );
                }
            }
        }
        if let Some([open, close]) = s.hours {
            if open >= close {
                flag(
                    out,
                    "SERVICE_HOURS",
                    "service.hours",
                    "service.hours must be [open, close] with open before close",
                    "e.g. [\"08:00\", \"24:00\"]",
                );
            }
        }
    }

    /// Concurrency, patience, abandonment and the forecast quantile of `[service]`.
    fn validate_service_chats(&self, out: &mut Vec<ScenarioIssue>) {
        let s = &self.service;
        if s.concurrency == 0 || s.concurrency > 20 {
            flag(
                out,
                "SERVICE_CONCURRENCY",
                "service.concurrency",
                format!("service.concurrency = {} must be 1..20", s.concurrency),
                "chat agents usually handle 2–5 at once",
            );
        }
        if s.concurrency_slowdown < 0.0 || s.concurrency_slowdown > 1.0 {
            flag(
                out,
                "SERVICE_SLOWDOWN",
                "service.concurrency_slowdown",
                "service.concurrency_slowdown must be in [0, 1]",
                "0.15 = each extra chat adds 15% to every chat's handle time",
            );
        }
        if s.patience.is_some_and(|p| p.0.is_nan() || p.0 <= 0.0) {
            flag(
                out,
                "SERVICE_PATIENCE",
                "service.patience",
                "service.patience must be more than 0",
                "the customers' mean patience, e.g. \"2m\"",
            );
        }
        if let Some(m) = s.max_abandon_percent {
            if !(m > 0.0 && m < 100.0) || s.patience.is_none() {
                flag(
                    out,
                    "SERVICE_ABANDON",
                    "service.max_abandon_percent",
                    format!("service.max_abandon_percent = {m} needs service.patience and a value in (0, 100)"),
                    "set patience = \"2m\" (mean patience) with it, e.g. max_abandon_percent = 5",
                );
            }
        }
        if !(0.05..=0.99).contains(&s.forecast_quantile) {
            flag(
                out,
                "SERVICE_QUANTILE",
                "service.forecast_quantile",
                format!(
                    "service.forecast_quantile = {} must be in [0.05, 0.99]",
                    s.forecast_quantile
                ),
                "0.5 staffs the P50 forecast, 0.9 the P90",
            );
        }
    }

    /// `service.shrinkage_periods` and `service.deflection_periods`.
    fn validate_periods(&self, out: &mut Vec<ScenarioIssue>) {
        let s = &self.service;
        for (i, p) in s.shrinkage_periods.iter().enumerate() {
            let what = "service.shrinkage_periods";
            check_period(out, what, i, &p.weekdays, p.from, p.to);
            if !(0.0..0.9).contains(&p.add) {
                flag(
                    out,
                    "PERIOD_SHRINKAGE",
                    format!("{what}[{i}].add"),
                    format!("{what}: add = {} must be in [0, 0.9)", p.add),
                    "0.3 takes 30 points more of paid time off the queue",
                );
            }
        }
        for (i, p) in s.deflection_periods.iter().enumerate() {
            let what = "service.deflection_periods";
            check_period(out, what, i, &p.weekdays, p.from, p.to);
            if !(0.0..1.0).contains(&p.deflection) {
                flag(
                    out,
                    "PERIOD_DEFLECTION",
                    format!("{what}[{i}].deflection"),
                    format!("{what}: deflection = {} must be in [0, 1)", p.deflection),
                    "the share the bot resolves, e.g. 0.8",
                );
            }
            if let Some(q) = &p.queue {
                if !self.queues.iter().any(|x| &x.name == q) {
                    flag(
                        out,
                        "PERIOD_QUEUE",
                        format!("{what}[{i}].queue"),
                        format!("{what}: queue `{q}` is not a [[queue]]"),
                        "name a queue defined with [[queue]], or leave queue out",
                    );
                }
            }
        }
    }

    fn validate_queues(&self, out: &mut Vec<ScenarioIssue>) {
        if self.queues.is_empty() {
            return;
        }
        let total: f64 = self.queues.iter().map(|q| q.share).sum();
        if (total - 1.0).abs() > 1e-6 {
            flag(
                out,
                "QUEUE_SHARES",
                "queue.share",
                format!(
                    "the queues' shares add up to {}, not 1",
                    (total * 1e6).round() / 1e6
                ),
                "give each [[queue]] its share of the volume so they add up to 1",
            );
        }
        let patience = self.service.patience;
        for (i, q) in self.queues.iter().enumerate() {
            let name = &q.name;
            if self.queues[..i].iter().any(|x| &x.name == name) {
                flag(
                    out,
                    "QUEUE_DUPLICATE",
                    format!("queue[{i}].name"),
                    format!("queue `{name}` is defined twice"),
                    "give each [[queue]] its own name",
                );
            }
            let pct_ok = q.target_percent.is_none_or(|p| p > 0.0 && p < 100.0);
            let ab_ok = q.max_abandon_percent.is_none_or(|m| m > 0.0 && m < 100.0)
                && (q.max_abandon_percent.is_none() || q.patience.or(patience).is_some());
            let in_range = q.share > 0.0
                && q.share <= 1.0
                && pct_ok
                && ab_ok
                && q.deflection.is_none_or(|d| (0.0..1.0).contains(&d))
                && q.aht_factor > 0.0
                && q.aht_factor.is_finite()
                && q.patience.is_none_or(|p| p.0 > 0.0);
            if !in_range {
                flag(
                    out,
                    "QUEUE_RANGE",
                    format!("queue[{i}]"),
                    format!("queue `{name}`: a value is out of range"),
                    "share in (0, 1], target_percent in (0, 100), deflection in [0, 1), aht_factor > 0, patience > 0, max_abandon_percent in (0, 100) with a patience",
                );
            }
        }
    }

    fn validate_demand(&self, out: &mut Vec<ScenarioIssue>) {
        for (k, v) in [
            ("demand.volume_factor", self.demand.volume_factor),
            ("demand.aht_factor", self.demand.aht_factor),
            ("demand.aht_seconds", self.demand.aht_seconds),
        ] {
            if !(v > 0.0 && v.is_finite()) {
                flag(
                    out,
                    "DEMAND_FACTOR",
                    k,
                    format!("{k} = {v} must be positive"),
                    "use a positive number",
                );
            }
        }
        if self.demand.event_uplift_factor < 0.0 {
            flag(
                out,
                "EVENT_UPLIFT",
                "demand.event_uplift_factor",
                "demand.event_uplift_factor must be 0 or more",
                "1.0 keeps the learned effect",
            );
        }
    }

    fn validate_labour(&self, out: &mut Vec<ScenarioIssue>) {
        let l = &self.labour;
        if l.min_seniors_on_duty > 0 && l.senior_tiers.is_empty() {
            flag(
                out,
                "LABOUR_SENIORS",
                "labour.senior_tiers",
                format!(
                    "labour.min_seniors_on_duty = {} but labour.senior_tiers is empty",
                    l.min_seniors_on_duty
                ),
                "name the tiers that count, e.g. senior_tiers = [\"senior\", \"supervisor\"]",
            );
        }
        if l.min_consecutive_days_off == 0 || l.min_consecutive_days_off > 7 {
            flag(
                out,
                "LABOUR_DAYS_OFF",
                "labour.min_consecutive_days_off",
                format!(
                    "labour.min_consecutive_days_off = {} must be 1..7",
                    l.min_consecutive_days_off
                ),
                "2 keeps days off together in pairs",
            );
        }
        if l.max_consecutive_days == 0 || l.min_days_off_per_week > 6 {
            flag(
                out,
                "LABOUR_DAYS",
                "labour.min_days_off_per_week",
                "labour.min_days_off_per_week and labour.max_consecutive_days leave no working day",
                "max_consecutive_days ≥ 1 and min_days_off_per_week ≤ 6",
            );
        }
        if crate::model::time::parse_weekday(&l.week_start).is_none() {
            flag(
                out,
                "WEEK_START",
                "labour.week_start",
                format!("labour.week_start `{}` is not a weekday", l.week_start),
                "write Mon, Tue, Wed, Thu, Fri, Sat or Sun",
            );
        }
        if l.max_overtime_hours_per_month.is_nan() || l.max_overtime_hours_per_month < 0.0 {
            flag(
                out,
                "OVERTIME",
                "labour.max_overtime_hours_per_month",
                format!(
                    "labour.max_overtime_hours_per_month = {} must be 0 or more",
                    l.max_overtime_hours_per_month
                ),
                "e.g. 36 (hours of overtime a calendar month)",
            );
        }
    }

    fn validate_contracts(&self, out: &mut Vec<ScenarioIssue>) {
        if self.contracts.is_empty() {
            flag(
                out,
                "NO_CONTRACTS",
                "contracts",
                "no [contracts.*] defined",
                "add e.g. [contracts.full_time] cost_per_hour = 40",
            );
        }
        for (c, k) in &self.contracts {
            let ok = k.productivity > 0.0 && k.productivity <= 2.0 && k.cost_per_hour >= 0.0;
            if !ok {
                flag(
                    out,
                    "CONTRACT_RANGE",
                    format!("contracts.{c}"),
                    format!(
                        "contracts.{c}: productivity = {} and cost_per_hour = {} are out of range",
                        k.productivity, k.cost_per_hour
                    ),
                    "productivity is the share of a trained agent's work, e.g. 0.7 for new temps (0 < p ≤ 2); cost_per_hour ≥ 0",
                );
            }
        }
    }

    fn validate_replan(&self, out: &mut Vec<ScenarioIssue>) {
        let r = &self.replan;
        let prices = [
            ("cancel", r.cancel),
            ("move", r.r#move),
            ("extend", r.extend),
            ("shorten", r.shorten),
            ("call_in", r.call_in),
            ("call_in_standby", r.call_in_standby),
            ("overtime_per_hour", r.overtime_per_hour),
        ];
        for (key, v) in prices {
            if !(v.is_finite() && v >= 0.0) {
                flag(
                    out,
                    "REPLAN_RANGE",
                    format!("replan.{key}"),
                    format!("replan.{key} = {v} is not a price"),
                    "a change costs 0 or more (in the plan's money, like costs.under_coverage_per_agent_hour)",
                );
            }
        }
    }

    /// A contract a `[[shift]]` or `[[temps]]` names that has no `[contracts.*]` (not
    /// reported when there are no contracts at all: `NO_CONTRACTS` says so).
    fn unknown_contract(&self, c: &str) -> bool {
        !self.contracts.is_empty() && !self.contracts.contains_key(c)
    }

    fn validate_shifts(&self, out: &mut Vec<ScenarioIssue>) {
        if self.shifts.is_empty() {
            flag(
                out,
                "NO_SHIFTS",
                "shift",
                "no [[shift]] families",
                "add at least one [[shift]] with lengths and start_window",
            );
        }
        for i in 0..self.shifts.len() {
            self.validate_shift(out, i);
            if let Some(iv) = self.valid_interval() {
                self.validate_shift_steps(out, i, iv);
                self.validate_shift_lengths(out, i, iv);
                self.validate_shift_breaks(out, i, iv);
            }
        }
    }

    /// Shift `i`'s contracts, lengths given, start window and break window.
    fn validate_shift(&self, out: &mut Vec<ScenarioIssue>, i: usize) {
        let f = &self.shifts[i];
        let at = |k: &str| format!("shift[{i}].{k}");
        for c in f.contracts.iter().filter(|c| self.unknown_contract(c)) {
            flag(
                out,
                "CONTRACT_UNKNOWN",
                at("contracts"),
                format!(
                    "shift `{}` names contract `{c}`, which has no [contracts.{c}]",
                    f.name
                ),
                format!("use one of: {}", self.contract_names().join(", ")),
            );
        }
        if f.lengths.is_empty() || f.contracts.is_empty() {
            let key = if f.lengths.is_empty() {
                "lengths"
            } else {
                "contracts"
            };
            flag(
                out,
                "SHIFT_INCOMPLETE",
                at(key),
                format!(
                    "shift `{}` needs at least one length and one contract",
                    f.name
                ),
                "e.g. lengths = [\"9h\"], contracts = [\"full_time\"]",
            );
        }
        if f.start_window[0] > f.start_window[1] || f.start_window[1].0 >= 1440 {
            flag(
                out,
                "SHIFT_WINDOW",
                at("start_window"),
                format!(
                    "shift `{}`: start_window must be [earliest, latest] within one day",
                    f.name
                ),
                "e.g. [\"07:00\", \"15:00\"]; a shift may still end after midnight",
            );
        }
        if f.break_window[0] > f.break_window[1] {
            flag(
                out,
                "BREAK_WINDOW",
                at("break_window"),
                format!(
                    "shift `{}`: break_window must be [earliest, latest]",
                    f.name
                ),
                "e.g. [\"3h\", \"5h\"]",
            );
        }
    }

    /// Shift `i`'s start and break steps, break, prep and wrap-up against the interval `iv`,
    /// and prep and wrap-up leaving time to work.
    fn validate_shift_steps(&self, out: &mut Vec<ScenarioIssue>, i: usize, iv: u32) {
        let f = &self.shifts[i];
        let at = |k: &str| format!("shift[{i}].{k}");
        for (what, m) in [
            ("start_step", f.start_step),
            ("break", f.meal_break),
            ("break_step", f.break_step),
        ] {
            if what == "break_step" && f.meal_break.0 == 0 {
                continue;
            }
            if m.0 % iv != 0 || (what != "break" && m.0 == 0) {
                flag(out, "SHIFT_STEP", at(what), format!("shift `{}`: {what} {m} is not a positive multiple of the {iv}-minute interval", f.name), "use multiples of horizon.interval");
            }
        }
        for (what, m) in [("prep", f.prep), ("wrap_up", f.wrap_up)] {
            if m.0 % iv != 0 {
                flag(
                    out,
                    "SHIFT_PREP",
                    at(what),
                    format!(
                        "shift `{}`: {what} {m} is not a multiple of the {iv}-minute interval",
                        f.name
                    ),
                    "use multiples of horizon.interval, e.g. 15m",
                );
            }
        }
        if let Some(shortest) = f.lengths.iter().map(|l| l.0).min() {
            if f.prep.0.saturating_add(f.wrap_up.0) >= shortest {
                flag(
                    out,
                    "SHIFT_PREP",
                    at("prep"),
                    format!(
                        "shift `{}`: prep and wrap_up take the whole {}-minute shift",
                        f.name, shortest
                    ),
                    "shorten prep or wrap_up",
                );
            }
        }
    }

    /// Shift `i`'s lengths against the interval `iv`, and the paid hours and the meal
    /// break each allows.
    fn validate_shift_lengths(&self, out: &mut Vec<ScenarioIssue>, i: usize, iv: u32) {
        let f = &self.shifts[i];
        let at = |k: &str| format!("shift[{i}].{k}");
        let max_paid = self.labour.max_paid_hours_per_day;
        for l in &f.lengths {
            if l.0 % iv != 0 || l.0 == 0 || l.0 > 16 * 60 {
                flag(
                    out,
                    "SHIFT_LENGTH",
                    at("lengths"),
                    format!(
                        "shift `{}`: length {l} must be a multiple of {iv}m up to 16h",
                        f.name
                    ),
                    "e.g. lengths = [\"9h\"]",
                );
                continue;
            }
            let paid = l.0.saturating_sub(f.meal_break.0) as f64 / 60.0;
            if paid > max_paid + 1e-9 {
                flag(
                    out,
                    "SHIFT_PAID_HOURS",
                    at("lengths"),
                    format!("shift `{}`: lengths: a {l} shift with a {} meal break is {paid} paid hours, over labour.max_paid_hours_per_day = {max_paid}", f.name, f.meal_break),
                    "shorten the shift, lengthen the break, or raise the daily limit",
                );
            }
            if f.meal_break.0 > 0 && f.break_window[0].0.saturating_add(f.meal_break.0) > l.0 {
                flag(
                    out,
                    "BREAK_WINDOW",
                    at("break_window"),
                    format!(
                        "shift `{}`: the break window starts too late for a {l} shift",
                        f.name
                    ),
                    "move break_window earlier",
                );
            }
        }
    }

    /// Shift `i`'s short breaks, each inside the shortest shift, and the windows of all its
    /// breaks apart from each other.
    fn validate_shift_breaks(&self, out: &mut Vec<ScenarioIssue>, i: usize, iv: u32) {
        let f = &self.shifts[i];
        // spans a break can occupy: the meal break's, then each (valid) short break's
        let mut spans: Vec<(String, u32, u32)> = Vec::new();
        if f.meal_break.0 > 0 && f.break_window[0] <= f.break_window[1] {
            let end = f.break_window[1].0.saturating_add(f.meal_break.0);
            spans.push(("the meal break".into(), f.break_window[0].0, end));
        }
        let shortest = f.lengths.iter().map(|l| l.0).min();
        for (j, b) in f.short_breaks.iter().enumerate() {
            let key = format!("shift[{i}].short_break[{j}]");
            let step = b.step.unwrap_or(Minutes(iv));
            let name = format!("short_break {}", j + 1);
            if b.length.0 == 0 || b.length.0 % iv != 0 || step.0 == 0 || step.0 % iv != 0 {
                flag(
                    out,
                    "SHORT_BREAK",
                    format!("{key}.length"),
                    format!("shift `{}`: {name}: length {} and step {step} must be positive multiples of the {iv}-minute interval", f.name, b.length),
                    "e.g. length = \"15m\" with a 15-minute horizon.interval",
                );
                continue;
            }
            let Some(shortest) = shortest else { continue };
            let end = b.window[1].0.saturating_add(b.length.0);
            if b.window[0] > b.window[1]
                || b.window[0].0 < f.prep.0
                || end.saturating_add(f.wrap_up.0) > shortest
            {
                flag(
                    out,
                    "SHORT_BREAK",
                    format!("{key}.window"),
                    format!("shift `{}`: {name}: window {}–{} does not fit a {shortest}-minute shift after prep {} and before wrap_up {}", f.name, b.window[0], b.window[1], f.prep, f.wrap_up),
                    "give window = [earliest, latest] inside the shortest shift",
                );
                continue;
            }
            spans.push((name, b.window[0].0, end));
        }
        for (k, a) in spans.iter().enumerate() {
            if let Some(b) = spans[k + 1..].iter().find(|b| a.1 < b.2 && b.1 < a.2) {
                flag(
                    out,
                    "BREAK_OVERLAP",
                    format!("shift[{i}].short_break"),
                    format!("shift `{}`: the windows of {} and {} overlap, so the breaks could collide", f.name, a.0, b.0),
                    "give each break its own part of the shift, e.g. a short break 1h30m–2h30m, the meal 3h–5h, a short break 6h–7h",
                );
            }
        }
    }

    fn validate_temps(&self, out: &mut Vec<ScenarioIssue>) {
        for (i, t) in self.temps.iter().enumerate() {
            let c = &t.contract;
            if self.unknown_contract(c) {
                flag(
                    out,
                    "CONTRACT_UNKNOWN",
                    format!("temps[{i}].contract"),
                    format!("temps[{i}].contract `{c}` has no [contracts.{c}]"),
                    format!("add [contracts.{c}] with cost_per_hour (and productivity), or use one of: {}", self.contract_names().join(", ")),
                );
            } else if self.contracts.contains_key(c)
                && !self.shifts.is_empty()
                && !self.shifts.iter().any(|f| f.contracts.contains(c))
            {
                flag(
                    out,
                    "TEMPS_NO_SHIFT",
                    format!("temps[{i}].contract"),
                    format!("temps[{i}]: no [[shift]] lists contract `{c}`, so the temps could work no shift"),
                    format!("add \"{c}\" to the contracts of the shifts temps may work"),
                );
            }
            if t.id_prefix.is_empty()
                || t.max_hours.is_some_and(|h| !(h > 0.0 && h <= 168.0))
                || t.min_hours < 0.0
                || t.max_days.is_some_and(|d| d > 7)
            {
                flag(
                    out,
                    "TEMPS_RANGE",
                    format!("temps[{i}]"),
                    format!("temps[{i}]: id_prefix must not be empty, max_hours in (0, 168], min_hours ≥ 0, max_days ≤ 7"),
                    "e.g. count = 8, contract = \"temp\", id_prefix = \"T\", max_hours = 40",
                );
            }
        }
        let prefixes: Vec<&str> = self.temps.iter().map(|t| t.id_prefix.as_str()).collect();
        if let Some(i) = (1..prefixes.len()).find(|&i| prefixes[..i].contains(&prefixes[i])) {
            flag(
                out,
                "TEMPS_PREFIX",
                format!("temps[{i}].id_prefix"),
                "two [[temps]] blocks share an id_prefix",
                "give each [[temps]] block its own id_prefix",
            );
        }
    }
}

/// A period's weekdays (each Mon … Sun, any case) and clock range (`from` before `to`):
/// `what` is the list it is in, `i` its index there.
fn check_period(
    out: &mut Vec<ScenarioIssue>,
    what: &str,
    i: usize,
    days: &[String],
    from: Clock,
    to: Clock,
) {
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    if let Some(d) = days
        .iter()
        .find(|d| !DAYS.iter().any(|x| x.eq_ignore_ascii_case(d)))
    {
        flag(
            out,
            "PERIOD_WEEKDAY",
            format!("{what}[{i}].weekdays"),
            format!("{what}: weekday `{d}` is unknown"),
            "use Mon, Tue, Wed, Thu, Fri, Sat, Sun",
        );
    }
    if from >= to {
        flag(
            out,
            "PERIOD_TIMES",
            format!("{what}[{i}].from"),
            format!("{what}: from {} is not before to {}", from.0, to.0),
            "write from = \"09:00\", to = \"10:00\" (use \"24:00\" for midnight)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: &str = r#"
name = "t"
[horizon]
start = "2026-11-09"
[[shift]]
name = "day"
contracts = ["full_time"]
lengths = ["9h"]
start_window = ["08:00", "12:00"]
break = "1h"
[contracts.full_time]
cost_per_hour = 40
"#;

    #[test]
    fn minimal_scenario_gets_defaults() {
        let s = Scenario::from_toml(Path::new("t.toml"), MIN).unwrap();
        assert_eq!(s.horizon.interval, Minutes(15));
        assert_eq!(s.service.concurrency, 3);
        assert_eq!(s.labour.min_rest_hours, 11.0);
    }

    #[test]
    fn offline_work_defaults_fit_any_interval() {
        let s = Scenario::from_toml(Path::new("t.toml"), MIN).unwrap();
        assert_eq!(s.service.surplus, Surplus::Offline);
        assert_eq!(s.service.offline_block(15), 30);
        assert_eq!(s.service.offline_max_per_shift(15), 120);
        // hourly intervals: one interval a block
        let hourly = MIN
            .replace("[horizon]\n", "[horizon]\ninterval = \"60m\"\n")
            .replace(
                "break = \"1h\"",
                "break = \"1h\"\nstart_step = \"1h\"\nbreak_step = \"1h\"",
            );
        let s = Scenario::from_toml(Path::new("t.toml"), &hourly).unwrap();
        assert_eq!(s.service.offline_block(60), 60);
        let s = Scenario::from_toml(
            Path::new("t.toml"),
            &hourly.replace("[horizon]", "[service]\noffline_block = \"3h\"\n[horizon]"),
        )
        .unwrap();
        assert_eq!(s.service.offline_max_per_shift(60), 180);
    }

    #[test]
    fn unknown_key_is_rejected() {
        let e = Scenario::from_toml(
            Path::new("t.toml"),
            &MIN.replace("[horizon]", "[horizon]\nstrat = 1"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("unknown field `strat`"), "{e}");
    }

    #[test]
    fn shift_over_daily_limit_is_explained() {
        let e = Scenario::from_toml(Path::new("t.toml"), &MIN.replace("\"9h\"", "\"10h\""))
            .unwrap_err();
        assert!(e.to_string().contains("9 paid hours"), "{e}");
    }

    #[test]
    fn queue_and_period_mistakes_are_named() {
        let q =
            "[[queue]]\nname = \"pre\"\nshare = 0.6\n[[queue]]\nname = \"after\"\nshare = 0.3\n";
        let cases = [
            (format!("{MIN}{q}"), "add up to 0.9"),
            (
                MIN.replace("[horizon]", "[service]\nmax_abandon_percent = 5\n[horizon]"),
                "needs service.patience",
            ),
            (
                MIN.replace("[horizon]", "[service]\nforecast_quantile = 1.5\n[horizon]"),
                "forecast_quantile",
            ),
            (
                MIN.replace("[horizon]", "[service]\noffline_block = \"20m\"\n[horizon]"),
                "offline_block = 20 min must be a whole number",
            ),
            (
                MIN.replace(
                    "[horizon]",
                    "[service]\noffline_block = \"1h\"\noffline_max_per_shift = \"30m\"\n[horizon]",
                ),
                "at most service.offline_max_per_shift = 30 min",
            ),
            (
                MIN.replace(
                    "[horizon]",
                    "[service]\nshrinkage_periods = [{ weekdays = [\"Mo\"], from = \"09:00\", to = \"10:00\", add = 0.2 }]\n[horizon]",
                ),
                "weekday `Mo`",
            ),
            (
                MIN.replace(
                    "[horizon]",
                    "[service]\ndeflection_periods = [{ from = \"00:00\", to = \"08:00\", deflection = 0.9, queue = \"vip\" }]\n[horizon]",
                ),
                "queue `vip`",
            ),
            (
                MIN.replace(
                    "[horizon]",
                    "[service]\nshrinkage_periods = [{ from = \"10:00\", to = \"09:00\", add = 0.2 }]\n[horizon]",
                ),
                "not before",
            ),
        ];
        for (text, want) in cases {
            let e = Scenario::from_toml(Path::new("t.toml"), &text)
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{want}: {e}");
            assert!(e.contains("fix:"), "{e}");
        }
        let ok = format!("{MIN}{}", q.replace("0.3", "0.4"));
        let s = Scenario::from_toml(Path::new("t.toml"), &ok).unwrap();
        assert_eq!(s.queues.len(), 2);
    }

    fn codes(e: &ScenarioError) -> Vec<&'static str> {
        match e {
            ScenarioError::Invalid { issues, .. } => issues.iter().map(|i| i.code).collect(),
            e => panic!("not a validation error: {e}"),
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_code() {
        let text = MIN
            .replace(
                "start = \"2026-11-09\"",
                "start = \"2026-11-09\"\ntimezone = \"Asia/Beijing\"",
            )
            .replace("[horizon]", "[service]\ntarget_percent = 120\n[horizon]")
            .replace("[\"08:00\", \"12:00\"]", "[\"12:00\", \"08:00\"]");
        let e = Scenario::from_toml(Path::new("t.toml"), &text).unwrap_err();
        assert_eq!(
            codes(&e),
            ["TIMEZONE", "SERVICE_TARGET", "SHIFT_WINDOW"],
            "{e}"
        );
        let shown = e.to_string();
        assert_eq!(shown.matches("\n  fix: ").count(), 3, "{shown}");
        for want in [
            "t.toml, line 7, field `horizon.timezone`: [TIMEZONE] horizon.timezone `Asia/Beijing` is unknown\n  fix: use an IANA name such as Asia/Shanghai",
            "t.toml, line 4, field `service.target_percent`: [SERVICE_TARGET] service.target_percent = 120 must be in (0, 100)",
            "t.toml, line 12, field `shift.start_window`: [SHIFT_WINDOW] shift `day`: start_window must be [earliest, latest] within one day",
        ] {
            assert!(shown.contains(want), "{want}\n---\n{shown}");
        }
        let ScenarioError::Invalid { issues, .. } = &e else {
            unreachable!()
        };
        let keys: Vec<&str> = issues.iter().map(|i| i.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "horizon.timezone",
                "service.target_percent",
                "shift[0].start_window"
            ]
        );
    }

    #[test]
    fn issues_without_a_named_key_are_located_by_their_key() {
        let q = "[[queue]]\nname = \"pre\"\nshare = 0.5\n[[queue]]\nname = \"pre\"\nshare = 0.5\n";
        let e = Scenario::from_toml(Path::new("t.toml"), &format!("{MIN}{q}")).unwrap_err();
        assert_eq!(codes(&e), ["QUEUE_DUPLICATE"]);
        assert!(
            e.to_string()
                .starts_with("t.toml, line 17, field `queue.name`: [QUEUE_DUPLICATE] queue `pre` is defined twice"),
            "{e}"
        );
    }

    #[test]
    fn an_unsupported_interval_skips_the_checks_that_need_it() {
        let text = MIN.replace("[horizon]", "[horizon]\ninterval = \"0m\"");
        let e = Scenario::from_toml(Path::new("t.toml"), &text).unwrap_err();
        assert_eq!(codes(&e), ["INTERVAL"], "{e}");
    }

    #[test]
    fn dependent_problems_are_not_repeated() {
        // an unknown temps contract is not also "listed by no shift"; no contracts at all
        // is one issue, not one per shift and temps block
        let temps = "[[temps]]\ncount = 2\ncontract = \"gig\"\n";
        let e = Scenario::from_toml(Path::new("t.toml"), &format!("{MIN}{temps}")).unwrap_err();
        assert_eq!(codes(&e), ["CONTRACT_UNKNOWN"], "{e}");
        let text = format!("{MIN}{temps}")
            .replace("[contracts.full_time]\ncost_per_hour = 40", "[contracts]");
        let e = Scenario::from_toml(Path::new("t.toml"), &text).unwrap_err();
        assert_eq!(codes(&e), ["NO_CONTRACTS"], "{e}");
    }

    #[test]
    fn composing_errors_keep_their_single_form() {
        let e = Scenario::from_toml_with(Path::new("t.toml"), MIN, &["nonsense".into()])
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "t.toml: --set `nonsense` is not KEY=VALUE (e.g. service.deflection=0.7)\n  fix: write --set section.key=value with a key the scenario file has"
        );
    }

    #[test]
    fn shipped_scenarios_are_valid() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
        for f in ["baseline.toml", "double11.toml", "double11-temps.toml"] {
            let s = Scenario::load(&dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
            assert!(s.issues().is_empty(), "{f}");
        }
    }
}
