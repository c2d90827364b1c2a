//! The catalogue of bad inputs: every reader fed broken files through the real binary. Each
//! must exit 2, name the file (and the line and field where there is one) with a fix, and write
//! no output. Odd but valid encodings (BOM, GBK with Chinese headers) are read, not refused.

mod common;
use common::{paiban, stdout};
use std::path::{Path, PathBuf};

/// One bad input: files to write, the command (`{F}` is replaced by the first file's path,
/// `{DIR}` by the folder of valid inputs), and what stderr must contain.
struct Case {
    name: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    args: Vec<String>,
    must: Vec<&'static str>,
}

fn valid_inputs(dir: &Path) -> PathBuf {
    let base = dir.join("valid");
    stdout(paiban().args(["demo", "--out"]).arg(&base));
    base
}

fn history(body: &str) -> Vec<u8> {
    format!("timestamp,count\n{body}").into_bytes()
}

/// Two full weeks of a valid hourly history, then `tail` lines.
fn long_history(tail: &str) -> Vec<u8> {
    let mut s = String::from("timestamp,count\n");
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    for h in 0..(21 * 24) {
        let t = start + chrono::Duration::hours(h);
        s.push_str(&format!("{},{}\n", t.format("%Y-%m-%d %H:%M"), 10 + h % 7));
    }
    s.push_str(tail);
    s.into_bytes()
}

fn scenario_with(from: &str, to: &str) -> Vec<u8> {
    let base = std::fs::read_to_string("scenarios/baseline.toml").unwrap();
    assert!(base.contains(from), "{from}");
    base.replacen(from, to, 1).into_bytes()
}

fn forecast(file: &str) -> Vec<String> {
    [
        "forecast",
        "--history",
        file,
        "--start",
        "2026-02-01",
        "-o",
        "OUT",
    ]
    .map(String::from)
    .to_vec()
}

fn plan_with_agents(file: &str) -> Vec<String> {
    [
        "plan",
        "--requirements",
        "{DIR}/requirements.csv",
        "--scenario",
        "{DIR}/scenario.toml",
        "--agents",
        file,
        "-o",
        "OUT",
    ]
    .map(String::from)
    .to_vec()
}

fn check_roster(file: &str) -> Vec<String> {
    [
        "check",
        "--roster",
        file,
        "--agents",
        "{DIR}/agents.csv",
        "--scenario",
        "{DIR}/scenario.toml",
    ]
    .map(String::from)
    .to_vec()
}

fn show(file: &str) -> Vec<String> {
    ["show-scenario", file].map(String::from).to_vec()
}

fn run_scenario(file: &str) -> Vec<String> {
    ["run", "--scenario", file, "--out", "OUT"]
        .map(String::from)
        .to_vec()
}

const AGENTS_HEAD: &str = "agent_id,name,tier,contract,min_hours_week,max_hours_week,days_per_week,unavailable,preferred_days_off,requests\n";
const ROSTER_HEAD: &str = "agent_id,date,shift,start,end\n";

fn catalogue() -> Vec<Case> {
    let c = |name,
             files: Vec<(&'static str, Vec<u8>)>,
             args: Vec<String>,
             must: Vec<&'static str>| Case {
        name,
        files,
        args,
        must,
    };
    let agents = |rows: &str| format!("{AGENTS_HEAD}{rows}").into_bytes();
    let roster = |rows: &str| format!("{ROSTER_HEAD}{rows}").into_bytes();
    vec![
        // ---- history CSV ----
        c("semicolons", vec![("h.csv", b"timestamp;count\n2026-01-01 00:00;4\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 1", "comma-separated", "fix:"]),
        c("tabs", vec![("h.csv", b"timestamp\tcount\n2026-01-01 00:00\t4\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 1", "fix:"]),
        c("missing count column", vec![("h.csv", b"timestamp\n2026-01-01 00:00\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 1", "`count`", "missing", "fix:"]),
        c("unknown column", vec![("h.csv", b"timestamp,count,colour\n2026-01-01 00:00,4,red\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 1", "colour", "fix:"]),
        c("bad timestamp", vec![("h.csv", history("2026-01-01 00:00,4\n11/01/2026 01:00,5\n"))], forecast("h.csv"), vec!["h.csv", "line 3", "`timestamp`", "fix:"]),
        c("impossible date", vec![("h.csv", history("2026-02-30 00:00,4\n"))], forecast("h.csv"), vec!["h.csv", "line 2", "`timestamp`", "fix:"]),
        c("empty timestamp", vec![("h.csv", history("2026-01-01 00:00,4\n,5\n"))], forecast("h.csv"), vec!["h.csv", "line 3", "`timestamp`", "fix:"]),
        c("mixed intervals", vec![("h.csv", long_history("2026-01-22 00:30,4\n"))], forecast("h.csv"), vec!["h.csv", "line 506", "`timestamp`", "fix:"]),
        c("duplicate timestamp", vec![("h.csv", history("2026-01-01 00:00,4\n2026-01-01 00:00,5\n"))], forecast("h.csv"), vec!["h.csv", "line 3", "duplicate", "line 2", "fix:"]),
        c("negative count", vec![("h.csv", history("2026-01-01 00:00,4\n2026-01-01 01:00,-3\n"))], forecast("h.csv"), vec!["h.csv", "line 3", "`count`", "negative", "fix:"]),
        c("non-numeric count", vec![("h.csv", history("2026-01-01 00:00,4\n2026-01-01 01:00,lots\n"))], forecast("h.csv"), vec!["h.csv", "line 3", "`count`", "not a number", "fix:"]),
        c("NaN count", vec![("h.csv", history("2026-01-01 00:00,NaN\n"))], forecast("h.csv"), vec!["h.csv", "line 2", "`count`", "fix:"]),
        c("implausible count", vec![("h.csv", history("2026-01-01 00:00,1e30\n"))], forecast("h.csv"), vec!["h.csv", "line 2", "`count`", "implausibly large", "fix:"]),
        c("huge line", vec![("h.csv", history(&format!("2026-01-01 00:00,{}\n", "9".repeat(2_000_000))))], forecast("h.csv"), vec!["h.csv", "line 2", "`count`", "(2000000 characters)", "fix:"]),
        c("extra field", vec![("h.csv", history("2026-01-01 00:00,4\n2026-01-01 01:00,5,6\n"))], forecast("h.csv"), vec!["h.csv", "line 3", "3 fields", "fix:"]),
        c("empty file", vec![("h.csv", Vec::new())], forecast("h.csv"), vec!["h.csv", "empty", "fix:"]),
        c("header only", vec![("h.csv", history(""))], forecast("h.csv"), vec!["h.csv", "no data rows", "fix:"]),
        c("binary garbage", vec![("h.csv", (0..=255u8).cycle().take(4096).collect())], forecast("h.csv"), vec!["h.csv", "neither UTF-8 nor GBK", "fix:"]),
        c("too short", vec![("h.csv", history("2026-01-01 00:00,4\n2026-01-01 01:00,5\n2026-01-01 02:00,6\n"))], forecast("h.csv"), vec!["h.csv", "covers 2026-01-01 00:00", "at least 14 full days", "fix:"]),
        c("session ends before it starts", vec![("h.csv", b"start_time,end_time\n2026-01-01 00:10,2026-01-01 00:05\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 2", "`end_time`", "fix:"]),
        c("session log: garbled bytes", vec![("h.csv", [&b"start_time,end_time\n2026-01-01 00:10,2026-01-01 00:15\n"[..], &b"2026-01-01 00:\xff\xfe,2026-01-01 00:20\n"[..]].concat())], forecast("h.csv"), vec!["h.csv", "line 3", "`start_time`", "fix:"]),
        c("session log: empty start", vec![("h.csv", b"start_time,handle_seconds\n2026-01-01 00:10,60\n,60\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 3", "`start_time`", "fix:"]),
        c("session log: negative handle time", vec![("h.csv", b"start_time,handle_seconds\n2026-01-01 00:10,-60\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 2", "`handle_seconds`", "negative", "fix:"]),
        c("session log: semicolons", vec![("h.csv", b"start_time;end_time\n2026-01-01 00:10;2026-01-01 00:15\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 1", "comma-separated", "fix:"]),
        c("a year 9999 among the rows", vec![("h.csv", history("2026-01-01 00:00,4\n2026-01-01 01:00,5\n9999-01-01 00:00,6\n"))], forecast("h.csv"), vec!["h.csv", "line 4", "`timestamp`", "at most 20 years", "fix:"]),
        c("session log: a year 9999", vec![("h.csv", b"start_time,handle_seconds\n2026-01-01 00:10,60\n9999-01-01 00:10,60\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 3", "`timestamp`", "at most 20 years", "fix:"]),
        c("session log: header only", vec![("h.csv", b"start_time,end_time\n".to_vec())], forecast("h.csv"), vec!["h.csv", "no data rows", "fix:"]),
        c("unknown headers: guessed and listed", vec![("h.csv", b"\xe6\x97\xa5\xe6\x9c\x9f\xe6\x97\xb6\xe9\x97\xb4,\xe8\xbf\x9b\xe7\xba\xbf\xe6\x80\xbb\xe6\x95\xb0,\xe6\xbb\xa1\xe6\x84\x8f\xe5\xba\xa6\n2026-01-01 00:00,4,1\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 1", "2 unknown columns", "--ignore-columns 满意度", "fix:"]),
        c("a daily report", vec![("h.csv", "日期,咨询人数\n2026-01-01,4\n2026-01-02,5\n".as_bytes().to_vec())], forecast("h.csv"), vec!["h.csv", "line 1", "no time column", "hourly report", "fix:"]),
        c("bad duration", vec![("h.csv", "时间,咨询量,平均接待时长\n2026-01-01 00:00,4,3分钟左右\n".as_bytes().to_vec())], forecast("h.csv"), vec!["h.csv", "line 2", "`aht_seconds`", "not a duration", "fix:"]),
        c("two id columns in an agent list", vec![("a.csv", "工号,子账号,姓名\nA1,店:小王,小王\n".as_bytes().to_vec())], plan_with_agents("a.csv"), vec!["a.csv", "line 1", "子账号", "--ignore-columns", "fix:"]),
        c("bad hourly slot", vec![("h.csv", b"date,slot,count\n2026-01-01,25:00-26:00,4\n".to_vec())], forecast("h.csv"), vec!["h.csv", "line 2", "`slot`", "fix:"]),
        // ---- agents CSV ----
        c("duplicate agent id", vec![("a.csv", agents("A1,X,junior,full_time,,,,,,\nA1,Y,junior,full_time,,,,,,\n"))], plan_with_agents("a.csv"), vec!["a.csv", "line 3", "`agent_id`", "duplicate", "fix:"]),
        c("unknown contract", vec![("a.csv", agents("A1,X,junior,gig,,,,,,\n"))], plan_with_agents("a.csv"), vec!["a.csv", "line 2", "`contract`", "gig", "fix:"]),
        c("min hours above max", vec![("a.csv", agents("A1,X,junior,full_time,40,30,,,,\n"))], plan_with_agents("a.csv"), vec!["a.csv", "line 2", "`min_hours_week`", "fix:"]),
        c("hours that cannot fit the week", vec![("a.csv", agents("A1,X,junior,full_time,0,40,5,,,\nA2,Y,junior,full_time,60,60,5,,,\n"))], plan_with_agents("a.csv"), vec!["a.csv", "line 3", "`min_hours_week`", "at most 40 h", "fix:"]),
        c("days that cannot fit the week", vec![("a.csv", agents("A1,X,junior,full_time,,,7,,,\n"))], plan_with_agents("a.csv"), vec!["a.csv", "line 2", "`days_per_week`", "fix:"]),
        c("days per week out of range", vec![("a.csv", agents("A1,X,junior,full_time,,,9,,,\n"))], plan_with_agents("a.csv"), vec!["a.csv", "line 2", "`days_per_week`", "fix:"]),
        c("bad unavailable date", vec![("a.csv", agents("A1,X,junior,full_time,,,,2026-13-01,,\n"))], plan_with_agents("a.csv"), vec!["a.csv", "line 2", "`unavailable`", "fix:"]),
        c("bad request", vec![("a.csv", agents("A1,X,junior,full_time,,,,,,2026-11-03:maybe\n"))], plan_with_agents("a.csv"), vec!["a.csv", "line 2", "`requests`", "fix:"]),
        c("missing agent_id column", vec![("a.csv", b"name,tier,contract\nX,junior,full_time\n".to_vec())], plan_with_agents("a.csv"), vec!["a.csv", "line 1", "`agent_id`", "fix:"]),
        c("empty agent id", vec![("a.csv", agents(",X,junior,full_time,,,,,,\n"))], plan_with_agents("a.csv"), vec!["a.csv", "line 2", "`agent_id`", "fix:"]),
        c("negative hours", vec![("a.csv", agents("A1,X,junior,full_time,,-5,,,,\n"))], plan_with_agents("a.csv"), vec!["a.csv", "line 2", "`max_hours_week`", "negative", "fix:"]),
        c("bad on-call mark", vec![("a.csv", b"agent_id,name,tier,contract,on_call\nA1,X,junior,full_time,sometimes\n".to_vec())], plan_with_agents("a.csv"), vec!["a.csv", "line 2", "`on_call`", "sometimes", "fix:"]),
        // ---- roster CSV ----
        c("shift ends before it starts", vec![("r.csv", roster("A0001,2026-11-02,x,2026-11-02 18:00,2026-11-02 09:00\n"))], check_roster("r.csv"), vec!["r.csv", "line 2", "`end`", "fix:"]),
        c("two rows for one agent and day", vec![("r.csv", roster("A0001,2026-11-02,x,2026-11-02 09:00,2026-11-02 17:00\nA0001,2026-11-02,OFF,,\n"))], check_roster("r.csv"), vec!["r.csv", "line 3", "`date`", "line 2", "fix:"]),
        c("shift without times", vec![("r.csv", roster("A0001,2026-11-02,x,,\n"))], check_roster("r.csv"), vec!["r.csv", "line 2", "`start`", "fix:"]),
        c("shift time in words", vec![("r.csv", roster("A0001,2026-11-02,x,9am,5pm\n"))], check_roster("r.csv"), vec!["r.csv", "line 2", "`start`", "fix:"]),
        c("48-hour shift", vec![("r.csv", roster("A0001,2026-11-02,x,2026-11-02 09:00,2026-11-04 09:00\n"))], check_roster("r.csv"), vec!["r.csv", "line 2", "`end`", "48.0 hours", "fix:"]),
        c("offline work outside the shift", vec![("r.csv", b"agent_id,date,shift,start,end,offline\nA0001,2026-11-02,x,2026-11-02 09:00,2026-11-02 17:00,16:30-17:30\n".to_vec())], check_roster("r.csv"), vec!["r.csv", "line 2", "`offline`", "16:30-17:30", "fix:"]),
        c("offline work not a time range", vec![("r.csv", b"agent_id,date,shift,start,end,offline\nA0001,2026-11-02,x,2026-11-02 09:00,2026-11-02 17:00,10:00\n".to_vec())], check_roster("r.csv"), vec!["r.csv", "line 2", "`offline`", "fix:"]),
        c("shift on another date", vec![("r.csv", roster("A0001,2026-11-03,x,2026-11-02 09:00,2026-11-02 17:00\n"))], check_roster("r.csv"), vec!["r.csv", "line 2", "`start`", "fix:"]),
        // ---- scenario TOML ----
        c("unknown key", vec![("s.toml", scenario_with("days = 7", "days = 7\ndayz = 3"))], show("s.toml"), vec!["s.toml", "line 14", "dayz", "fix:"]),
        c("wrong type", vec![("s.toml", scenario_with("days = 7", "days = \"seven\""))], show("s.toml"), vec!["s.toml", "line 13", "expected u32", "fix:"]),
        c("TOML syntax", vec![("s.toml", scenario_with("days = 7", "days = = 7"))], show("s.toml"), vec!["s.toml", "line 13", "fix:"]),
        c("shift longer than a day allows", vec![("s.toml", scenario_with("lengths = [\"9h\"]", "lengths = [\"12h\"]"))], show("s.toml"), vec!["s.toml", "line 38", "`shift.lengths`", "11 paid hours", "fix:"]),
        c("no working day", vec![("s.toml", scenario_with("min_days_off_per_week = 1", "min_days_off_per_week = 8"))], show("s.toml"), vec!["s.toml", "`labour.min_days_off_per_week`", "fix:"]),
        c("start window backwards", vec![("s.toml", scenario_with("start_window = [\"07:00\", \"15:00\"]", "start_window = [\"15:00\", \"07:00\"]"))], show("s.toml"), vec!["s.toml", "line 39", "`shift.start_window`", "fix:"]),
        c("unknown time zone", vec![("s.toml", scenario_with("timezone = \"Asia/Shanghai\"", "timezone = \"Asia/Beijing\""))], show("s.toml"), vec!["s.toml", "line 15", "`horizon.timezone`", "fix:"]),
        c("target above 100%", vec![("s.toml", scenario_with("target_percent = 80", "target_percent = 120"))], show("s.toml"), vec!["s.toml", "`service.target_percent`", "fix:"]),
        c("deflection above 1", vec![("s.toml", scenario_with("deflection = 0.6", "deflection = 1.5"))], show("s.toml"), vec!["s.toml", "`service.deflection`", "fix:"]),
        c("negative replan price", vec![("s.toml", scenario_with("[costs]", "[replan]\ncancel = -5\n\n[costs]"))], show("s.toml"), vec!["s.toml", "`replan.cancel`", "fix:"]),
        c("extends a missing file", vec![("s.toml", b"extends = \"nope.toml\"\nname = \"x\"\n".to_vec())], show("s.toml"), vec!["s.toml", "nope.toml", "cannot read", "fix:"]),
        c("temps without a contract", vec![("s.toml", scenario_with("[costs]", "[[temps]]\ncount = 2\ncontract = \"gig\"\n\n[costs]"))], show("s.toml"), vec!["s.toml", "`temps.contract`", "gig", "fix:"]),
        c("scenario agents that cannot fit", vec![("a.csv", agents("A1,X,junior,full_time,50,50,5,,,\n")), ("s.toml", scenario_with("[inputs]", "[inputs]\nagents = \"a.csv\""))], run_scenario("s.toml"), vec!["a.csv", "line 2", "`min_hours_week`", "fix:"]),
        // ---- events and solver settings ----
        c("event on 30 February", vec![("e.toml", b"[[event]]\nname = \"x\"\ndate = \"2026-02-30\"\n".to_vec())], ["forecast", "--history", "{DIR}/history.csv", "--start", "2026-11-02", "--events", "e.toml", "-o", "OUT"].map(String::from).to_vec(), vec!["e.toml", "`date`", "fix:"]),
        c("unknown solver backend", vec![("v.toml", b"backend = \"cplex\"\n".to_vec())], ["plan", "--requirements", "{DIR}/requirements.csv", "--scenario", "{DIR}/scenario.toml", "--solver", "v.toml", "-o", "OUT"].map(String::from).to_vec(), vec!["v.toml", "cplex", "fix:"]),
        c("unknown solver key", vec![("v.toml", b"time_limit = 5\n".to_vec())], ["plan", "--requirements", "{DIR}/requirements.csv", "--scenario", "{DIR}/scenario.toml", "--solver", "v.toml", "-o", "OUT"].map(String::from).to_vec(), vec!["v.toml", "time_limit", "fix:"]),
        // ---- outputs never replace inputs ----
        c("output over the input", vec![("h.csv", long_history(""))], ["aggregate", "--history", "h.csv", "-o", "h.csv"].map(String::from).to_vec(), vec!["h.csv", "never overwrites its inputs"]),
        // ---- Curtois & Qu files ----
        c("Curtois truncated", vec![("i.txt", b"SECTION_HORIZON\n14\n\nSECTION_SHIFTS\nD,480,\n\nSECTION_STAFF\nA,D=14,4320,3360,5,2,2,1\n".to_vec())], ["nrp", "i.txt", "-o", "OUT"].map(String::from).to_vec(), vec!["i.txt", "SECTION_", "fix:"]),
        c("Curtois bad number", vec![("i.txt", b"SECTION_HORIZON\nfourteen\n".to_vec())], ["nrp", "i.txt", "-o", "OUT"].map(String::from).to_vec(), vec!["i.txt", "line 2", "fix:"]),
        c("Curtois too many shift types", vec![("i.txt", {
            let mut t = String::from("SECTION_HORIZON\n7\n\nSECTION_SHIFTS\n");
            for i in 0..300 {
                t.push_str(&format!("s{i},480,\n"));
            }
            t.into_bytes()
        })], ["nrp", "i.txt", "-o", "OUT"].map(String::from).to_vec(), vec!["i.txt", "line 259", "at most 254", "fix:"]),
    ]
}

/// Writes `case`'s files into `dir`: the folder, the output path it must not write, and its
/// command line with `{DIR}` (the valid inputs) and `OUT` filled in.
fn stage(case: &Case, dir: &Path, valid: &Path) -> (PathBuf, PathBuf, Vec<String>) {
    std::fs::create_dir_all(dir).unwrap();
    for (name, bytes) in &case.files {
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let out = dir.join("out-file");
    let args = case
        .args
        .iter()
        .map(|a| {
            a.replace("{DIR}", &valid.display().to_string())
                .replace("OUT", &out.display().to_string())
        })
        .collect();
    (dir.to_path_buf(), out, args)
}

#[test]
fn every_bad_input_is_named_with_a_fix_exits_2_and_writes_nothing() {
    let d = tempfile::tempdir().unwrap();
    let valid = valid_inputs(d.path());
    let cases = catalogue();
    assert!(cases.len() >= 40, "the catalogue has {} cases", cases.len());
    let mut failures = Vec::new();
    for (k, case) in cases.iter().enumerate() {
        let (dir, out, args) = stage(case, &d.path().join(format!("case{k}")), &valid);
        let before: Vec<(PathBuf, Vec<u8>)> = case
            .files
            .iter()
            .map(|(n, b)| (dir.join(n), b.clone()))
            .collect();
        let o = paiban().args(&args).current_dir(&dir).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        let mut why = Vec::new();
        if o.status.code() != Some(2) {
            why.push(format!("exit {:?}", o.status.code()));
        }
        for m in &case.must {
            if !err.contains(m) {
                why.push(format!("no `{m}`"));
            }
        }
        if err.lines().any(|l| l.len() > 2000) {
            why.push("a line of over 2,000 characters".into());
        }
        if out.exists() {
            why.push("an output was written".into());
        }
        // inputs are never touched
        for (p, b) in before {
            if std::fs::read(&p).unwrap() != b {
                why.push(format!("{} changed", p.display()));
            }
        }
        if !why.is_empty() {
            failures.push(format!("{} — {}:\n{err}", case.name, why.join(", ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn bom_and_gbk_with_chinese_headers_are_read_like_utf8() {
    let d = tempfile::tempdir().unwrap();
    let valid = valid_inputs(d.path());
    let text = std::fs::read_to_string(valid.join("history.csv")).unwrap();
    // Chinese headers as the shop workbench exports them
    let zh = text.replacen("timestamp,count,aht_seconds", "时间,咨询量,平均处理时长", 1);
    let (gbk, _, bad) = encoding_rs::GBK.encode(&zh);
    assert!(!bad);
    let mut bom = "\u{feff}".as_bytes().to_vec();
    bom.extend(zh.as_bytes());
    let mut outs = Vec::new();
    for (name, bytes) in [
        ("utf8.csv", text.as_bytes().to_vec()),
        ("gbk.csv", gbk.to_vec()),
        ("bom.csv", bom),
    ] {
        std::fs::write(d.path().join(name), bytes).unwrap();
        let out = d.path().join(format!("f-{name}"));
        stdout(
            paiban()
                .args(["forecast", "--history"])
                .arg(d.path().join(name))
                .args(["--start", "2026-11-02", "-o"])
                .arg(&out),
        );
        outs.push(std::fs::read(out).unwrap());
    }
    assert_eq!(outs[0], outs[1], "GBK history forecast differs from UTF-8");
    assert_eq!(outs[0], outs[2], "BOM history forecast differs from UTF-8");

    // a session log (streamed) in GBK with Chinese headers aggregates like its UTF-8 twin
    let mut log = String::from("start_time,end_time\n");
    for k in 0..500 {
        let t = common::chat_start(k);
        let e = t + chrono::Duration::seconds(60 + k % 300);
        log.push_str(&format!(
            "{},{}\n",
            t.format("%Y-%m-%d %H:%M:%S"),
            e.format("%Y-%m-%d %H:%M:%S")
        ));
    }
    let zh = log.replacen("start_time,end_time", "开始时间,结束时间", 1);
    let (gbk, _, _) = encoding_rs::GBK.encode(&zh);
    let mut aggs = Vec::new();
    for (name, bytes) in [("log.csv", log.into_bytes()), ("log-gbk.csv", gbk.to_vec())] {
        std::fs::write(d.path().join(name), bytes).unwrap();
        let out = d.path().join(format!("agg-{name}"));
        stdout(
            paiban()
                .args(["aggregate", "--history"])
                .arg(d.path().join(name))
                .args(["--interval", "15m", "-o"])
                .arg(&out),
        );
        aggs.push(std::fs::read_to_string(out).unwrap());
    }
    assert_eq!(aggs[0], aggs[1]);
    // 500 chats, 97 s apart: 15-minute counts of 9 or 10, handle time carried along
    let rows: Vec<&str> = aggs[0].lines().collect();
    assert_eq!(rows[0], "timestamp,count,aht_seconds");
    let total: f64 = rows[1..]
        .iter()
        .map(|r| r.split(',').nth(1).unwrap().parse::<f64>().unwrap())
        .sum();
    assert_eq!(total, 500.0);
}

#[test]
fn gaps_are_reported_where_they_are_and_skipped_not_filled() {
    // 40 days of hourly history with three days missing: usable, so not an error, but said
    let d = tempfile::tempdir().unwrap();
    let mut s = String::from("timestamp,count\n");
    let start = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    for h in (0..24 * 40).filter(|h| !(24 * 10..24 * 13).contains(h)) {
        let t = start + chrono::Duration::hours(h);
        s.push_str(&format!("{},{}\n", t.format("%Y-%m-%d %H:%M"), 10 + h % 5));
    }
    std::fs::write(d.path().join("h.csv"), s).unwrap();
    let o = paiban()
        .args([
            "forecast",
            "--history",
            "h.csv",
            "--start",
            "2026-02-10",
            "-o",
            "f.csv",
        ])
        .current_dir(d.path())
        .output()
        .unwrap();
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("1 gap(s)"), "{err}");
    assert!(
        err.contains("72 interval(s) missing from 2026-01-11 00:00"),
        "{err}"
    );
    assert!(err.contains("not filled"), "{err}");
}

/// The bad-input catalogue in Chinese: every case still exits 2 and names its file, the fix is
/// labelled 解决办法, the CLI's strict mode finds no line the catalogue leaves in English, and
/// no English prose is left in what is printed (the frame `错误：…` alone is not enough).
#[test]
fn every_bad_input_is_reported_in_chinese_with_a_fix() {
    let d = tempfile::tempdir().unwrap();
    let valid = valid_inputs(d.path());
    let cases = catalogue();
    let mut failures = Vec::new();
    for (k, case) in cases.iter().enumerate() {
        let (dir, _, args) = stage(case, &d.path().join(format!("case{k}")), &valid);
        let o = paiban()
            .arg("--lang")
            .arg("zh")
            .args(&args)
            .env("PAIBAN_LANG_STRICT", "1")
            .current_dir(&dir)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        let mut why = Vec::new();
        if o.status.code() != Some(2) {
            why.push(format!("exit {:?}", o.status.code()));
        }
        let file = case.files.last().map(|f| f.0).unwrap_or("");
        let named = case.files.iter().any(|(n, _)| err.contains(n));
        if !named {
            why.push(format!("no `{file}`"));
        }
        if !err.contains("解决办法") {
            why.push("no `解决办法`".into());
        }
        if err.lines().any(|l| l.starts_with("untranslated:")) {
            why.push("untranslated lines".into());
        }
        let english = english_left(&err);
        if !english.is_empty() {
            why.push(format!("English left: {english:?}"));
        }
        if !why.is_empty() {
            failures.push(format!("{} — {}:\n{err}", case.name, why.join(", ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// Lines of a Chinese message that still hold English prose: two lower-case English words in a
/// row outside backticks (`the file`, `is not`). Names in lists (`full_time, outsourced`),
/// paths, keys and numbers pass.
fn english_left(text: &str) -> Vec<String> {
    let word = |w: &str| w.len() >= 2 && w.chars().all(|c| c.is_ascii_lowercase());
    text.lines()
        .filter(|l| {
            let outside: Vec<&str> = l.split('`').step_by(2).collect();
            outside.iter().any(|part| {
                let tokens: Vec<&str> = part.split_whitespace().collect();
                tokens.windows(2).any(|p| {
                    word(p[0]) && word(p[1].trim_end_matches(|c: char| c.is_ascii_punctuation()))
                })
            })
        })
        .map(str::to_string)
        .collect()
}
