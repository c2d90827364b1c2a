//! Every command's printed text has a Chinese version: each command run with `--lang zh` and
//! `PAIBAN_LANG_STRICT=1` (which lists on stderr every printed line the catalogue leaves in
//! English) prints Chinese, leaves no line untranslated, and no English word inside the lines
//! it did translate (a value the catalogue missed).

mod common;

use common::paiban;
use std::path::Path;

/// Words of the user's own data (tiers, section names) or of the command line that may stay.
const KEPT: &[&str] = &[
    "replan",
    "shift",
    "whatif",
    "senior",
    "junior",
    "supervisor",
];

/// Lower-case English words of three letters or more outside backticks, paths, identifiers
/// and `[sections]`, in a line of Chinese output.
fn english_words(line: &str) -> Vec<String> {
    let mut outside = String::new();
    for (i, part) in line.split('`').enumerate() {
        if i % 2 == 0 {
            outside.push_str(part);
            outside.push(' ');
        }
    }
    outside
        .split(|c: char| c.is_whitespace() || ",;:()[]{}=→–—|，；：（）、。…".contains(c))
        .filter(|w| !w.contains(['/', '.', '_', '-']))
        .filter(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
        .filter(|w| !KEPT.contains(w))
        .map(str::to_string)
        .collect()
}

/// Runs `paiban --lang zh ARGS` in strict mode; checks its exit code, that its stdout holds
/// `expect`, and that nothing it printed is left in English. Returns its stdout.
fn zh(args: &[&str], code: i32, expect: &str) -> String {
    let out = paiban()
        .arg("--lang")
        .arg("zh")
        .args(args)
        .env("PAIBAN_LANG_STRICT", "1")
        .output()
        .unwrap();
    let (so, se) = (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    );
    let cmd = args.first().copied().unwrap_or("");
    assert_eq!(
        out.status.code(),
        Some(code),
        "{cmd}: exit code\n{so}\n{se}"
    );
    assert!(so.contains(expect), "{cmd}: no `{expect}` in\n{so}\n{se}");
    let left: Vec<&str> = se
        .lines()
        .filter(|l| l.starts_with("untranslated:"))
        .collect();
    assert!(left.is_empty(), "{cmd}: {}", left.join("\n"));
    for l in so.lines().chain(se.lines()) {
        let w = english_words(l);
        assert!(w.is_empty(), "{cmd}: English {w:?} left in `{l}`");
    }
    so
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A synthetic shop of 12 agents with a published week (`out/`), then every stage on it.
#[test]
fn every_command_prints_chinese() {
    let d = tempfile::tempdir().unwrap();
    let p = |f: &str| d.path().join(f);
    zh(
        &[
            "synth",
            "--agents",
            "12",
            "--years",
            "1",
            "--out",
            s(d.path()),
        ],
        0,
        "已写入 history.csv",
    );
    let fast = p("fast.toml");
    std::fs::write(
        &fast,
        "time_limit_seconds = 5\nmip_rel_gap = 0.01\nthreads = 1\nseed = 0\n",
    )
    .unwrap();
    let sc = p("scenario.toml");
    let agents = p("agents.csv");
    let run = zh(
        &[
            "run",
            "--scenario",
            s(&sc),
            "--out",
            s(&p("out")),
            "--solver",
            s(&fast),
        ],
        0,
        "方案 synth-42",
    );
    assert!(run.contains("人力需求：峰值"), "{run}");
    assert!(
        run.contains("模拟（") && run.contains(" 次）：服务水平"),
        "{run}"
    );
    zh(
        &[
            "forecast",
            "--history",
            s(&p("history.csv")),
            "--start",
            "2026-11-02",
            "--days",
            "7",
            "-o",
            s(&p("f.csv")),
        ],
        0,
        "预测：7 天共",
    );
    zh(
        &[
            "aggregate",
            "--history",
            s(&p("history.csv")),
            "--interval",
            "60m",
            "-o",
            s(&p("agg.csv")),
        ],
        0,
        "已汇总",
    );
    zh(
        &[
            "requirements",
            "--forecast",
            s(&p("f.csv")),
            "--scenario",
            s(&sc),
            "-o",
            s(&p("req.csv")),
        ],
        0,
        "人力需求：峰值",
    );
    zh(
        &[
            "plan",
            "--requirements",
            s(&p("req.csv")),
            "--scenario",
            s(&sc),
            "--solver",
            s(&fast),
            "-o",
            s(&p("plan.csv")),
        ],
        0,
        "班次计划：",
    );
    zh(
        &[
            "roster",
            "--plan",
            s(&p("plan.csv")),
            "--agents",
            s(&agents),
            "--scenario",
            s(&sc),
            "--solver",
            s(&fast),
            "-o",
            s(&p("roster.csv")),
        ],
        0,
        "排班表：12 名客服 × 7 天",
    );
    let (roster, req) = (p("roster.csv"), p("req.csv"));
    let check = [
        "check",
        "--roster",
        s(&roster),
        "--agents",
        s(&agents),
        "--scenario",
        s(&sc),
    ];
    zh(&check, 0, "12 名客服");
    let mut with_req = check.to_vec();
    with_req.extend(["--requirements", s(&req)]);
    zh(&with_req, 0, "覆盖：");
    let published = p("out/roster.csv");
    let mut against = check.to_vec();
    against.extend(["--against", s(&published)]);
    zh(&against, 0, "相比：");
    zh(
        &[
            "simulate",
            "--roster",
            s(&published),
            "--forecast",
            s(&p("out/forecast.csv")),
            "--scenario",
            s(&sc),
            "--runs",
            "2",
            "--demand-runs",
            "2",
        ],
        0,
        "整个计划期：服务水平",
    );
    let on = |cmd: &'static str| vec![cmd, "--roster", s(&published), "--scenario", s(&sc)];
    // an agent the published roster has at work on 11-04, off sick for two days
    let text = std::fs::read_to_string(&published).unwrap();
    let sick = text
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f.len() > 7 && f[4] == "2026-11-04" && !f[7].is_empty())
        .map(|f| format!("{}:2026-11-04..2026-11-05", f[0]))
        .expect("somebody works on 11-04");
    let mut replan = on("replan");
    replan.extend([
        "--now",
        "2026-11-04 12:00",
        "--absent",
        sick.as_str(),
        "--runs",
        "2",
        "--time-limit",
        "5",
    ]);
    let r = zh(&replan, 0, "重新排班");
    assert!(r.contains("— 缺勤"), "{r}");
    let mut leave = on("leave");
    leave.extend([
        "--agent",
        "A0002",
        "--dates",
        "2026-11-06",
        "--now",
        "2026-11-03 09:00",
        "--time-limit",
        "5",
    ]);
    zh(&leave, 0, "请假：");
    let mut cover = on("cover");
    cover.extend(["--date", "2026-11-05", "--from", "09:00", "--to", "18:00"]);
    zh(&cover, 0, "空缺班次 2026-11-05");
    zh(
        &[
            "whatif",
            s(&sc),
            "--sweep",
            "service.target_percent=75..80:5",
            "--solver",
            s(&fast),
            "--out",
            s(&p("whatif")),
        ],
        0,
        "文件：",
    );
}

/// A hand-made roster that breaks rules of every family: each violation in Chinese.
#[test]
fn violations_of_every_rule_family_print_chinese() {
    let d = tempfile::tempdir().unwrap();
    let p = |f: &str| d.path().join(f);
    zh(
        &[
            "synth",
            "--agents",
            "3",
            "--years",
            "1",
            "--out",
            s(d.path()),
        ],
        0,
        "3 名客服",
    );
    let mut rows = String::from("agent_id,date,shift,start,end,break_start,break_end\n");
    let mut add = |a: &str, day: u32, from: u32, to: u32, brk: Option<u32>, label: &str| {
        let t = |h: u32| {
            let (d, h) = (2 + day + h / 24, h % 24);
            format!("2026-11-{d:02} {h:02}:00")
        };
        let (bs, be) = brk.map_or((String::new(), String::new()), |b| (t(b), t(b + 1)));
        rows += &format!(
            "{a},2026-11-{:02},{label},{},{},{bs},{be}\n",
            2 + day,
            t(from),
            t(to)
        );
    };
    for day in 0..7 {
        add("A0001", day, 7, 16, Some(11), "E7");
    }
    add("A0002", 0, 22, 31, Some(26), "N22");
    add("A0002", 1, 15, 24, Some(19), "L15");
    add("A0002", 2, 7, 16, Some(11), "E7");
    add("A0002", 4, 9, 19, None, "L10");
    add("A0002", 5, 9, 18, Some(13), "D9");
    add("A0003", 0, 9, 18, Some(13), "D9");
    add("A0003", 2, 9, 18, Some(13), "D9");
    add("A0003", 3, 9, 18, Some(13), "D9");
    add("X999", 1, 9, 18, Some(13), "D9");
    std::fs::write(p("bad.csv"), rows).unwrap();
    // wishes: A0002 unavailable on Friday and asks to start late on Saturday
    let agents = std::fs::read_to_string(p("agents.csv")).unwrap();
    let agents: Vec<String> = agents
        .lines()
        .map(|l| {
            if l.starts_with("A0002,") {
                l.replace(",5,,,,", ",5,2026-11-06,,2026-11-07:start_from=10:00:30,")
            } else {
                l.to_string()
            }
        })
        .collect();
    std::fs::write(p("agents.csv"), agents.join("\n") + "\n").unwrap();
    let text = zh(
        &[
            "check",
            "--roster",
            s(&p("bad.csv")),
            "--agents",
            s(&p("agents.csv")),
            "--scenario",
            s(&p("scenario.toml")),
            "--set",
            "labour.min_consecutive_days_off=2",
            "--set",
            "headcount.max_on_duty=1",
            "--set",
            "contracts.full_time.max_on_duty=1",
            "--set",
            "costs.budget=1000",
            "--set",
            "labour.senior_tiers=[\"senior\"]",
            "--set",
            "labour.min_seniors_on_duty=1",
            "--set",
            "labour.max_nights_per_week=0",
            "--set",
            "labour.max_weekend_days_per_week=1",
        ],
        1,
        "违规：硬性规则",
    );
    for rule in [
        "UNKNOWN_AGENT",
        "AVAILABILITY",
        "SHIFT_FORM",
        "DAY_HOURS",
        "REST",
        "MAX_CONSECUTIVE",
        "DAYS_OFF_TOGETHER",
        "DAYS_OFF",
        "WEEK_DAYS",
        "WEEK_HOURS",
        "NIGHTS",
        "WEEKENDS",
        "HEADCOUNT",
        "SEATS",
        "BUDGET",
        "SENIOR_ON_DUTY",
        "CONTRACT_DAYS",
        "PREFERRED_OFF",
        "REQUEST",
    ] {
        assert!(text.contains(&format!("（{rule}）  ")), "{rule}:\n{text}");
    }
    assert!(text.contains("  硬性  席位（SEATS）  2026-11-02：2 名 full_time 客服同时在线"));
}

/// The calculators and the forecast's backtests.
#[test]
fn calculators_and_backtests_print_chinese() {
    zh(
        &[
            "erlang",
            "--volume",
            "100",
            "--aht",
            "3m",
            "--shrinkage",
            "0.3",
        ],
        0,
        "计入 30% 损耗后",
    );
    zh(
        &[
            "erlang",
            "--volume",
            "100",
            "--aht",
            "3m",
            "--patience",
            "2m",
        ],
        0,
        "放弃率",
    );
    let d = tempfile::tempdir().unwrap();
    let h = d.path().join("history.csv");
    zh(
        &[
            "synth",
            "--agents",
            "3",
            "--years",
            "1",
            "--out",
            s(d.path()),
        ],
        0,
        "已写入",
    );
    zh(
        &[
            "backtest",
            "--history",
            s(&h),
            "--folds",
            "1",
            "--horizon",
            "7d",
        ],
        0,
        "每折最繁忙的时段",
    );
    zh(
        &["backtest", "--history", s(&h), "--intraday", "14:00"],
        0,
        "日内重新预测",
    );
    let f = d.path().join("tiny.txt");
    std::fs::write(
        &f,
        "SECTION_HORIZON\n7\nSECTION_SHIFTS\nD,480,\nSECTION_STAFF\nA,D=7,2400,0,5,1,1,1\nSECTION_DAYS_OFF\nSECTION_SHIFT_ON_REQUESTS\nA,0,D,3\nSECTION_SHIFT_OFF_REQUESTS\nSECTION_COVER\n0,D,1,100,1\n1,D,1,100,1\n2,D,1,100,1\n3,D,1,100,1\n4,D,1,100,1\n5,D,1,100,1\n6,D,1,100,1\n",
    )
    .unwrap();
    zh(&["nrp", s(&f), "--time-limit", "5"], 0, "目标函数值 200");
}

#[test]
fn a_mistyped_command_line_is_explained_in_chinese() {
    let o = paiban()
        .args(["--lang", "zh", "run", "--scenari", "x.toml"])
        .env("PAIBAN_LANG_STRICT", "1")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("错误：无法识别的参数 '--scenari'"), "{err}");
    assert!(err.contains("用法："), "{err}");
    assert!(!err.contains("untranslated:"), "{err}");
    // the locale chooses Chinese too; --lang en overrides it
    let o = paiban()
        .args(["run"])
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("缺少以下必需的参数"));
    let o = paiban()
        .args(["--lang", "en", "run"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("required arguments were not provided"));
}

/// `--help` follows the language too: with `--lang zh` (or a Chinese locale) the program's,
/// every command's and `help`'s own help is Chinese, headings and default values included;
/// in English it is clap's help as it always was.
#[test]
fn help_is_chinese_under_lang_zh() {
    let help = |args: &[&str], locale: &str| {
        let o = paiban().args(args).env("LANG", locale).output().unwrap();
        let (so, se) = (
            String::from_utf8(o.stdout).unwrap(),
            String::from_utf8(o.stderr).unwrap(),
        );
        assert_eq!(o.status.code(), Some(0), "{args:?}\n{so}\n{se}");
        so
    };
    let top = help(&["--lang", "zh", "--help"], "C.UTF-8");
    // the commands, listed under 命令, are names to type: the rest of each line is Chinese
    let commands: Vec<&str> = top
        .lines()
        .skip_while(|l| *l != "命令：")
        .skip(1)
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert!(
        commands.contains(&"run") && commands.contains(&"init"),
        "{top}"
    );
    let chinese_only = |args: &[&str], text: &str| {
        assert!(text.contains("用法：paiban"), "{args:?}\n{text}");
        for en in [
            "Usage:",
            "Options:",
            "Commands:",
            "Arguments:",
            "Print ",
            "[default:",
        ] {
            assert!(!text.contains(en), "{args:?}: `{en}` in\n{text}");
        }
        for l in text.lines() {
            // a default value (`[默认：lns]`) is a value to type, not prose
            let l = match (l.find("[默认："), l.rfind(']')) {
                (Some(a), Some(b)) if a < b => format!("{}{}", &l[..a], &l[b + 1..]),
                _ => l.to_string(),
            };
            let w: Vec<String> = english_words(&l)
                .into_iter()
                .filter(|w| w != "paiban" && !commands.contains(&w.as_str()))
                .collect();
            assert!(w.is_empty(), "{args:?}: English {w:?} left in `{l}`");
        }
    };
    chinese_only(&["--help"], &top);
    assert!(
        top.contains("  run            从方案文件的输入开始运行全部环节"),
        "{top}"
    );
    assert!(
        top.contains("  -h, --help                       显示帮助"),
        "{top}"
    );
    assert!(
        top.contains("  -V, --version                    显示版本"),
        "{top}"
    );
    // (`help --help` is no help, in English as in Chinese: clap reads `--help` as a command)
    for cmd in commands.iter().filter(|c| **c != "help") {
        for flag in ["--help", "-h"] {
            let args = ["--lang", "zh", cmd, flag];
            chinese_only(&args, &help(&args, "C.UTF-8"));
        }
    }
    assert_eq!(help(&["--lang", "zh", "help"], "C.UTF-8"), top);
    let args = ["--lang", "zh", "help", "help"];
    chinese_only(&args, &help(&args, "C.UTF-8"));
    let run = help(&["--lang", "zh", "run", "--help"], "C.UTF-8");
    assert!(
        run.contains("选项：") && run.contains("覆盖方案文件中的一个值"),
        "{run}"
    );
    let init = help(&["--lang", "zh", "init", "--help"], "C.UTF-8");
    assert!(init.contains("[默认：scenario.toml]"), "{init}");
    assert!(init.contains("输出文件已存在时覆盖它"), "{init}");
    let nrp = help(&["--lang", "zh", "nrp", "--help"], "C.UTF-8");
    assert!(nrp.contains("参数：\n  <FILE>"), "{nrp}");
    // `help COMMAND` and a Chinese locale say the same; --lang en overrides the locale
    assert_eq!(help(&["--lang", "zh", "help", "run"], "C.UTF-8"), run);
    assert_eq!(help(&["run", "--help"], "zh_CN.UTF-8"), run);
    let english = help(&["--lang", "en", "run", "--help"], "zh_CN.UTF-8");
    assert_eq!(english, help(&["run", "--help"], "C.UTF-8"));
    // English help is clap's, unchanged
    insta::assert_snapshot!("english_help", help(&["--help"], "C.UTF-8"));
    assert!(english.starts_with("Run every stage from a scenario's inputs\n\nUsage: paiban run"));
    assert!(english.contains("  -h, --help                       Print help\n"));
}

#[test]
fn the_rule_catalogue_is_chinese_row_by_row() {
    let out = zh(
        &["rules"],
        0,
        "| 代码 | 硬性/软性 | 含义 | 参数（默认值） |",
    );
    // one row per rule, each with its meaning and parameters in Chinese (codes and keys kept)
    let rows: Vec<&str> = out.lines().filter(|l| l.starts_with("| `")).collect();
    assert!(rows.len() >= 20, "{out}");
    assert!(out.contains("客服名单 `agent_id`"), "{out}");
    assert!(
        out.contains("`labour.max_nights_per_week`（不限制）"),
        "{out}"
    );
}
