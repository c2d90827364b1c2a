//! The agent list: who can work, on which contract, how much, and when not.

use crate::io::{read_text, Col, Columns, InputError, Table};
use crate::model::time::{parse_weekday, weekday_short};
use crate::scenario::Scenario;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agent {
    pub id: String,
    pub name: String,
    /// supervisor, senior or junior (free text is kept, these three are recognised).
    pub tier: String,
    pub contract: String,
    pub min_hours: f64,
    pub max_hours: f64,
    pub min_days: u32,
    pub max_days: u32,
    pub unavailable: Vec<DayRule>,
    pub preferred_off: Vec<DayRule>,
    /// Weighted wishes to work or to be off on a date.
    pub requests: Vec<DayRequest>,
    /// Skills (lower case), e.g. `pre_sales`, `after_sales`: a queue lists the skills that
    /// may serve it. The tier always counts as a skill too (tiers are shorthand).
    pub skills: Vec<String>,
    /// What a replan may ask of the agent beyond their published shifts (`on_call` column).
    pub on_call: OnCall,
}

/// Marks of the agent list's `on_call` column (机动): `standby` (机动班: may be called in on a
/// day off, at the cheaper standby price) and `overtime` (加班: willing to be called in or to
/// work past their published hours).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct OnCall {
    pub standby: bool,
    pub overtime: bool,
}

/// A weighted wish about one date (default weight `costs.preference_violation`): to work
/// (`2026-11-12:on`), to be off (`2026-11-11:off:50`), or — when working — to start no
/// earlier than (`2026-11-13:start_from=10:00`) or end by (`2026-11-14:end_by=17:00:40`) a
/// time of day.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DayRequest {
    pub date: NaiveDate,
    pub wish: Wish,
    pub weight: Option<f64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Wish {
    On,
    Off,
    /// Minutes after midnight before which the shift should not start.
    StartFrom(u32),
    /// Minutes after midnight by which the shift should end.
    EndBy(u32),
}

impl DayRequest {
    /// Is the wish met by a shift from `start` to `end` (minutes after the date's midnight,
    /// `end` past 1440 for overnight shifts), or by a day off (`None`)?
    pub fn granted_by(&self, shift: Option<(u32, u32)>) -> bool {
        match (self.wish, shift) {
            (Wish::On, s) => s.is_some(),
            (Wish::Off, s) => s.is_none(),
            (_, None) => true,
            (Wish::StartFrom(m), Some((s, _))) => s >= m,
            (Wish::EndBy(m), Some((_, e))) => e <= m,
        }
    }
    /// In words, for messages: `work`, `be off`, `start from 10:00`, `end by 17:00`.
    pub fn describe(&self) -> String {
        match self.wish {
            Wish::On => "work".into(),
            Wish::Off => "be off".into(),
            Wish::StartFrom(m) => format!("start from {}", crate::model::time::Clock(m)),
            Wish::EndBy(m) => format!("end by {}", crate::model::time::Clock(m)),
        }
    }
}

impl std::fmt::Display for DayRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:", self.date)?;
        match self.wish {
            Wish::On => write!(f, "on")?,
            Wish::Off => write!(f, "off")?,
            Wish::StartFrom(m) => write!(f, "start_from={}", crate::model::time::Clock(m))?,
            Wish::EndBy(m) => write!(f, "end_by={}", crate::model::time::Clock(m))?,
        }
        if let Some(w) = self.weight {
            write!(f, ":{}", crate::io::fmt_f(w, 0))?;
        }
        Ok(())
    }
}

fn day_requests(t: &Table, line: u64, text: Option<&str>) -> Result<Vec<DayRequest>, InputError> {
    text.unwrap_or("")
        .split([';', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|part| {
            let bad = || {
                t.err(
                    line,
                    "requests",
                    format!("`{part}` is not DATE:on, DATE:off, DATE:start_from=HH:MM or DATE:end_by=HH:MM (each with an optional :WEIGHT)"),
                    "write e.g. 2026-11-11:off:50;2026-11-12:on;2026-11-13:end_by=17:00",
                )
            };
            let (date, rest) = part.split_once(':').ok_or_else(bad)?;
            let date = crate::model::time::parse_date(date.trim()).map_err(|_| bad())?;
            // the wish, then an optional weight; a time of day has a colon of its own
            let (wish, weight) = if let Some((kind, tail)) = rest.split_once('=') {
                let (hh, tail) = tail.split_once(':').ok_or_else(bad)?;
                let (mm, weight) = match tail.split_once(':') {
                    Some((mm, w)) => (mm, Some(w)),
                    None => (tail, None),
                };
                let at = format!("{}:{}", hh.trim(), mm.trim())
                    .parse::<crate::model::time::Clock>()
                    .map_err(|_| bad())?
                    .0;
                let wish = match kind.trim() {
                    "start_from" | "最早" => Wish::StartFrom(at),
                    "end_by" | "最晚" => Wish::EndBy(at),
                    _ => return Err(bad()),
                };
                (wish, weight)
            } else {
                let (kind, weight) = match rest.split_once(':') {
                    Some((k, w)) => (k, Some(w)),
                    None => (rest, None),
                };
                let wish = match kind.trim() {
                    "on" | "上班" => Wish::On,
                    "off" | "休息" => Wish::Off,
                    _ => return Err(bad()),
                };
                (wish, weight)
            };
            let weight = match weight {
                Some(w) => Some(
                    w.trim()
                        .parse::<f64>()
                        .ok()
                        .filter(|w| *w >= 0.0 && w.is_finite())
                        .ok_or_else(bad)?,
                ),
                None => None,
            };
            Ok(DayRequest { date, wish, weight })
        })
        .collect()
}

/// A date or a weekday.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DayRule {
    Date(NaiveDate),
    Weekday(#[serde(serialize_with = "ser_wd")] Weekday),
}

fn ser_wd<S: serde::Serializer>(w: &Weekday, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(weekday_short(*w))
}

impl DayRule {
    pub fn matches(&self, d: NaiveDate) -> bool {
        match self {
            DayRule::Date(x) => *x == d,
            DayRule::Weekday(w) => d.weekday() == *w,
        }
    }
}

impl std::fmt::Display for DayRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DayRule::Date(d) => write!(f, "{d}"),
            DayRule::Weekday(w) => write!(f, "{}", weekday_short(*w)),
        }
    }
}

impl Agent {
    /// Has the skill `s` (its tier counts as one).
    pub fn has_skill(&self, s: &str) -> bool {
        self.tier.eq_ignore_ascii_case(s) || self.skills.iter().any(|k| k.eq_ignore_ascii_case(s))
    }
    pub fn available(&self, d: NaiveDate) -> bool {
        !self.unavailable.iter().any(|r| r.matches(d))
    }
    pub fn prefers_off(&self, d: NaiveDate) -> bool {
        self.preferred_off.iter().any(|r| r.matches(d))
    }
}

/// Columns of the agent list: paiban's names first, then those of the workbench's staff lists
/// (子账号 exports, 客服绩效 reports) and HR sheets.
const COLS: &[Col] = &[
    Col::req(
        "agent_id",
        &[
            "id",
            "agent",
            "employee_id",
            "staff_id",
            "account",
            "工号",
            "客服id",
            "客服账号",
            "子账号",
            "账号",
            "员工编号",
            "员工工号",
            "旺旺",
            "客服旺旺",
        ],
    ),
    Col::opt(
        "name",
        &[
            "agent_name",
            "nickname",
            "姓名",
            "昵称",
            "客服昵称",
            "客服",
            "名字",
            "客服姓名",
            "员工姓名",
        ],
    ),
    Col::opt(
        "tier",
        &["level", "grade", "role", "级别", "层级", "职级", "岗位"],
    ),
    Col::opt(
        "contract",
        &[
            "employment",
            "employment_type",
            "合同类型",
            "用工类型",
            "用工方式",
            "雇佣类型",
            "员工类型",
        ],
    ),
    Col::opt("min_hours_week", &["每周最少工时", "最少工时"]),
    Col::opt("max_hours_week", &["每周最多工时", "最多工时"]),
    Col::opt("days_per_week", &["每周天数", "每周上班天数"]),
    Col::opt("unavailable", &["不可排班", "不可上班"]),
    Col::opt("preferred_days_off", &["偏好休息日", "希望休息日"]),
    Col::opt("requests", &["排班请求", "排班需求"]),
    Col::opt(
        "skills",
        &[
            "skill",
            "group",
            "groups",
            "queue",
            "queues",
            "技能",
            "技能组",
            "组别",
            "分组",
            "接待组",
            "客服组",
        ],
    ),
    Col::opt("on_call", &["机动", "加班意愿"]),
];

/// The contract an agent list without a `contract` column gives everybody: the scenario's
/// `full_time` if it has one, else its first.
pub fn default_contract(contracts: &[String]) -> Option<&str> {
    contracts
        .iter()
        .find(|c| *c == "full_time")
        .or(contracts.first())
        .map(String::as_str)
}

/// The contracts an agent list names, as scenario contract names (全职 → `full_time`, …;
/// others as written), most common first; `full_time` when the list has no contract column.
/// For `paiban init`, which writes a scenario defining them.
pub fn contracts_in(path: &Path, user: &Columns) -> Result<Vec<String>, InputError> {
    let (text, _) = read_text(path)?;
    let (t, idx) = Table::parse_with(path, &text, COLS, user)?;
    let known: Vec<String> = ["full_time", "part_time", "outsourced", "temp"]
        .map(String::from)
        .to_vec();
    let mut count: Vec<(String, usize)> = Vec::new();
    for (_, rec) in &t.rows {
        let Some(cell) = t.get(rec, idx[3]) else {
            continue;
        };
        let name = contract_named(cell, &known).map_or_else(|| cell.to_string(), str::to_string);
        match count.iter_mut().find(|(c, _)| *c == name) {
            Some(e) => e.1 += 1,
            None => count.push((name, 1)),
        }
    }
    count.sort_by_key(|c| std::cmp::Reverse(c.1));
    let names: Vec<String> = count.into_iter().map(|(c, _)| c).collect();
    Ok(if names.is_empty() {
        vec!["full_time".into()]
    } else {
        names
    })
}

/// A contract cell as HR sheets write it, read as one of the scenario's contracts: the name
/// itself, or 全职/正式 (full_time), 兼职 (part_time), 外包 (outsourced), 临时/小时工 (temp).
fn contract_named<'a>(cell: &str, contracts: &'a [String]) -> Option<&'a str> {
    let canonical = match cell.trim() {
        "全职" | "正式" | "正式工" | "全日制" | "full-time" | "full time" | "fulltime" => {
            "full_time"
        }
        "兼职" | "非全日制" | "part-time" | "part time" | "parttime" => "part_time",
        "外包" | "外包客服" => "outsourced",
        "临时" | "临时工" | "小时工" | "temporary" => "temp",
        other => other,
    };
    contracts
        .iter()
        .find(|c| *c == canonical || c.eq_ignore_ascii_case(cell.trim()))
        .map(String::as_str)
}

fn day_rules(
    t: &Table,
    line: u64,
    field: &str,
    text: Option<&str>,
) -> Result<Vec<DayRule>, InputError> {
    let mut out: Vec<DayRule> = Vec::new();
    for part in text
        .unwrap_or("")
        .split([';', '|', '/', '、'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let r = if let Some(w) = parse_weekday(part) {
            DayRule::Weekday(w)
        } else if let Ok(d) = crate::model::time::parse_date(part) {
            DayRule::Date(d)
        } else {
            return Err(t.err(
                line,
                field,
                format!("`{part}` is neither a date nor a weekday"),
                "list dates (2026-11-11) or weekdays (Sat) separated by `;`",
            ));
        };
        if !out.contains(&r) {
            out.push(r);
        }
    }
    Ok(out)
}
/// The agents of the scenario's `[[temps]]` blocks, with ids `{id_prefix}01`, ….
pub fn temps(sc: &Scenario) -> Vec<Agent> {
    let lab = &sc.labour;
    sc.temps
        .iter()
        .flat_map(|t| {
            let width = t.count.to_string().len().max(2);
            (1..=t.count).map(move |k| Agent {
                id: format!("{}{k:0width$}", t.id_prefix),
                name: format!("{} {k}", t.contract),
                tier: t.tier.clone(),
                contract: t.contract.clone(),
                min_hours: t.min_hours,
                max_hours: t.max_hours.unwrap_or(lab.max_hours_per_week),
                min_days: 0,
                max_days: t.max_days.unwrap_or(7 - lab.min_days_off_per_week.min(7)),
                unavailable: vec![],
                preferred_off: vec![],
                requests: vec![],
                skills: vec![],
                on_call: OnCall::default(),
            })
        })
        .collect()
}

/// Reads the agent list; `contracts` are the contract names the scenario defines.
/// [`read_agents`] for a scenario: its contracts, and every agent's contract hours and days
/// must fit the week its labour rules allow (line numbers are the file's).
pub fn read_agents_for(path: &Path, sc: &Scenario) -> Result<Vec<Agent>, InputError> {
    let agents = read_agents(path, &sc.contract_names(), &sc.columns())?;
    for (i, a) in agents.iter().enumerate() {
        if let Some((field, problem, fix)) = unfit(a, sc) {
            return Err(InputError::new(path, problem, fix)
                .at(i as u64 + 2)
                .field(field));
        }
    }
    Ok(agents)
}

/// Why `a`'s contract cannot be met within the scenario's week, if it cannot:
/// (field, problem, fix).
pub fn unfit(a: &Agent, sc: &Scenario) -> Option<(&'static str, String, String)> {
    let lab = &sc.labour;
    let week_days = 7 - lab.min_days_off_per_week.min(7);
    let days = a.max_days.min(week_days);
    let most = (days as f64 * lab.max_paid_hours_per_day).min(lab.max_hours_per_week);
    if a.min_days > week_days {
        return Some((
            "days_per_week",
            format!(
                "{} must work at least {} days a week, but labour.min_days_off_per_week = {} leaves {week_days}",
                a.id, a.min_days, lab.min_days_off_per_week
            ),
            "lower days_per_week, or the scenario's min_days_off_per_week".into(),
        ));
    }
    if a.min_hours > most + 1e-9 {
        return Some((
            "min_hours_week",
            format!(
                "{} must be paid at least {} h a week, but can work at most {most} h ({days} days × {} paid hours a day, labour.max_hours_per_week = {})",
                a.id, a.min_hours, lab.max_paid_hours_per_day, lab.max_hours_per_week
            ),
            "lower min_hours_week, or allow more days (days_per_week) or longer days (labour.max_paid_hours_per_day)".into(),
        ));
    }
    if a.min_hours > 0.0 && !sc.shifts.iter().any(|f| f.contracts.contains(&a.contract)) {
        return Some((
            "contract",
            format!(
                "{} has contract `{}`, which no [[shift]] lists, but must be paid {} h a week",
                a.id, a.contract, a.min_hours
            ),
            format!(
                "add \"{}\" to the contracts of the shifts these agents work",
                a.contract
            ),
        ));
    }
    None
}

/// Reads the agent list; `contracts` are the contract names the scenario defines, `user` maps
/// headers paiban does not know. Without a `name` column the id is the name; without `tier`,
/// everybody is `agent`; without `contract`, everybody has [`default_contract`].
pub fn read_agents(
    path: &Path,
    contracts: &[String],
    user: &Columns,
) -> Result<Vec<Agent>, InputError> {
    let (text, _) = read_text(path)?;
    let (t, idx) = Table::parse_with(path, &text, COLS, user)?;
    if let Some(first) = t.set_aside.first() {
        return Err(InputError::new(
            path,
            format!("two columns name one thing: {first}"),
            "leave one out with --ignore-columns HEADER, or name the one to read with --columns KEY=HEADER",
        )
        .at(1));
    }
    let mut agents: Vec<Agent> = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for (line, rec) in &t.rows {
        let line = *line;
        let need = |i: usize, f: &str| {
            t.get(rec, idx[i])
                .map(str::to_string)
                .ok_or_else(|| t.err(line, f, format!("empty `{f}`"), format!("fill in `{f}`")))
        };
        let id = need(0, "agent_id")?;
        if let Some(prev) = seen.insert(id.clone(), line) {
            return Err(t.err(
                line,
                "agent_id",
                format!("duplicate agent id `{id}` (first on line {prev})"),
                "give every agent a unique id",
            ));
        }
        let name = match idx[1] {
            None => id.clone(),
            Some(_) => need(1, "name")?,
        };
        let tier = match idx[2] {
            None => "agent".to_string(),
            Some(_) => need(2, "tier")?.to_lowercase(),
        };
        let contract = match (idx[3], default_contract(contracts)) {
            (None, Some(c)) => c.to_string(),
            _ => need(3, "contract")?,
        };
        let contract = contract_named(&contract, contracts)
            .map(str::to_string)
            .unwrap_or(contract);
        if !contracts.contains(&contract) {
            return Err(t.err(
                line,
                "contract",
                format!("contract `{contract}` is not defined in the scenario"),
                format!(
                    "use one of: {} (or add [contracts.{contract}] to the scenario)",
                    contracts.join(", ")
                ),
            ));
        }
        let num = |i: usize, f: &str, default: f64| -> Result<f64, InputError> {
            match t.get(rec, idx[i]) {
                Some(s) => t.nonneg(line, f, s),
                None => Ok(default),
            }
        };
        let min_hours = num(4, "min_hours_week", 0.0)?;
        let max_hours = num(5, "max_hours_week", 40.0)?;
        if min_hours > max_hours {
            return Err(t.err(
                line,
                "min_hours_week",
                format!("min_hours_week {min_hours} is above max_hours_week {max_hours}"),
                "swap or correct the two values",
            ));
        }
        let (min_days, max_days) = match t.get(rec, idx[6]) {
            None => (0, 5),
            Some(s) => {
                let parse = |x: &str| x.trim().parse::<u32>().ok().filter(|v| *v <= 7);
                let r = match s.split_once('-') {
                    Some((a, b)) => parse(a).zip(parse(b)),
                    None => parse(s).map(|v| (v, v)),
                };
                match r {
                    Some((a, b)) if a <= b => (a, b),
                    _ => {
                        return Err(t.err(
                            line,
                            "days_per_week",
                            format!("`{s}` is not a number of days"),
                            "write 5, or a range such as 3-5 (0 to 7)",
                        ))
                    }
                }
            }
        };
        let unavailable = day_rules(&t, line, "unavailable", t.get(rec, idx[7]))?;
        let preferred_off = day_rules(&t, line, "preferred_days_off", t.get(rec, idx[8]))?;
        let requests = day_requests(&t, line, t.get(rec, idx[9]))?;
        let skills = skill_list(t.get(rec, idx[10]));
        let on_call = on_call(&t, line, t.get(rec, idx[11]))?;
        agents.push(Agent {
            id,
            name,
            tier,
            contract,
            min_hours,
            max_hours,
            min_days,
            max_days,
            unavailable,
            preferred_off,
            requests,
            skills,
            on_call,
        });
    }
    Ok(agents)
}

/// `standby;overtime` (also 机动班, 加班; separated like skills) as marks.
fn on_call(t: &Table, line: u64, cell: Option<&str>) -> Result<OnCall, InputError> {
    let mut out = OnCall::default();
    for mark in skill_list(cell) {
        match mark.as_str() {
            "standby" | "机动班" | "机动" | "备班" => out.standby = true,
            "overtime" | "加班" => out.overtime = true,
            "no" | "none" | "-" | "否" => {}
            other => {
                return Err(t.err(
                    line,
                    "on_call",
                    format!("`{other}` is not an on-call mark"),
                    "write standby (机动班), overtime (加班), both as standby;overtime, or leave it empty",
                ))
            }
        }
    }
    Ok(out)
}

/// `pre_sales;after_sales` (also separated by `|`, `/` or `、`) as lower-case skills.
fn skill_list(text: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in text.unwrap_or("").split([';', '|', '/', '、']) {
        let s = s.trim().to_lowercase();
        if !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

pub fn to_csv(agents: &[Agent]) -> Vec<u8> {
    let join = |v: &[DayRule]| {
        v.iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join(";")
    };
    let with_on_call = agents.iter().any(|a| a.on_call != OnCall::default());
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "agent_id",
        "name",
        "tier",
        "contract",
        "min_hours_week",
        "max_hours_week",
        "days_per_week",
        "unavailable",
        "preferred_days_off",
        "requests",
        "skills",
    ];
    if with_on_call {
        header.push("on_call");
    }
    w.write_record(header).expect("in memory");
    for a in agents {
        let days = if a.min_days == a.max_days {
            a.min_days.to_string()
        } else {
            format!("{}-{}", a.min_days, a.max_days)
        };
        let mut rec = vec![
            a.id.clone(),
            a.name.clone(),
            a.tier.clone(),
            a.contract.clone(),
            crate::io::fmt_f(a.min_hours, 0),
            crate::io::fmt_f(a.max_hours, 0),
            days,
            join(&a.unavailable),
            join(&a.preferred_off),
            a.requests
                .iter()
                .map(|r| r.to_string())
                .collect::<Vec<_>>()
                .join(";"),
            a.skills.join(";"),
        ];
        if with_on_call {
            let marks = [
                (a.on_call.standby, "standby"),
                (a.on_call.overtime, "overtime"),
            ];
            let on: Vec<&str> = marks.iter().filter(|m| m.0).map(|m| m.1).collect();
            rec.push(on.join(";"));
        }
        w.write_record(rec).expect("in memory");
    }
    w.into_inner().expect("in memory")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_and_validates() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        write!(f, "agent_id,name,tier,contract,days_per_week,unavailable\nA1,Li,senior,full_time,5,Sun;2026-11-11\nA2,Wang,junior,part_time,3-4,\n").unwrap();
        let c = vec!["full_time".to_string(), "part_time".to_string()];
        let a = read_agents(f.path(), &c, &Columns::default()).unwrap();
        assert_eq!(a[1].min_days, 3);
        assert!(!a[0].available(NaiveDate::from_ymd_opt(2026, 11, 11).unwrap()));
        assert!(!a[0].available(NaiveDate::from_ymd_opt(2026, 11, 15).unwrap()));
        let e = read_agents(f.path(), &c[..1], &Columns::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 3") && e.contains("part_time"), "{e}");
    }

    #[test]
    fn requests_of_every_kind() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        write!(f, "agent_id,name,tier,contract,requests\nA1,Li,senior,full_time,2026-11-11:off:50;2026-11-12:上班;2026-11-13:start_from=10:00;2026-11-14:最晚=17:30:40\n").unwrap();
        let a = read_agents(f.path(), &["full_time".to_string()], &Columns::default()).unwrap();
        let r = &a[0].requests;
        let w: Vec<(Wish, Option<f64>)> = r.iter().map(|r| (r.wish, r.weight)).collect();
        assert_eq!(
            w,
            [
                (Wish::Off, Some(50.0)),
                (Wish::On, None),
                (Wish::StartFrom(600), None),
                (Wish::EndBy(1050), Some(40.0))
            ]
        );
        let text: Vec<String> = r.iter().map(|r| r.to_string()).collect();
        assert_eq!(text[3], "2026-11-14:end_by=17:30:40");
        // granted by a shift (minutes after midnight) or a day off
        assert!(r[2].granted_by(None) && r[2].granted_by(Some((600, 1140))));
        assert!(!r[2].granted_by(Some((570, 1110))));
        assert!(!r[3].granted_by(Some((1200, 1500))) && r[3].granted_by(Some((510, 1050))));
        assert!(!r[1].granted_by(None) && !r[0].granted_by(Some((540, 1080))));
        for bad in [
            "2026-11-13:start_from=25:00",
            "2026-11-13:later=10:00",
            "2026-11-13:on:x",
            "2026-11-13",
        ] {
            std::fs::write(
                f.path(),
                format!("agent_id,name,tier,contract,requests\nA1,Li,senior,full_time,{bad}\n"),
            )
            .unwrap();
            let e =
                read_agents(f.path(), &["full_time".to_string()], &Columns::default()).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("requests"), "{bad}");
        }
    }
}
