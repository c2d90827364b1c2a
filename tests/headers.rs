//! A supervisor's own files on day one: the headers real exports have (Chinese and English,
//! UTF-8, UTF-8 with BOM and GBK) read without renaming, `--columns`/`--ignore-columns`, and
//! `paiban init` writing a scenario that runs first time.

use std::path::{Path, PathBuf};

mod common;
use common::{paiban, stdout};

/// A synthetic shop (history, agents, scenario) written by `paiban synth` into `dir`.
fn shop(dir: &Path, agents: usize) -> PathBuf {
    let out = dir.join("shop");
    stdout(
        paiban()
            .args([
                "synth",
                "--years",
                "1",
                "--agents",
                &agents.to_string(),
                "--out",
            ])
            .arg(&out),
    );
    out
}

/// The shop's history rows as (timestamp, count, aht).
fn rows(shop: &Path) -> Vec<(chrono::NaiveDateTime, String, String)> {
    let text = std::fs::read_to_string(shop.join("history.csv")).unwrap();
    text.lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            let t = chrono::NaiveDateTime::parse_from_str(f[0], "%Y-%m-%d %H:%M").unwrap();
            (t, f[1].to_string(), f[2].to_string())
        })
        .collect()
}

/// `paiban forecast` of `file` for one day (into `dir`), its output as it ended.
fn one_day(dir: &Path, file: &Path) -> std::process::Output {
    paiban()
        .args(["forecast", "--history"])
        .arg(file)
        .args(["--start", "2026-11-02", "--days", "1", "-o"])
        .arg(dir.join("x.csv"))
        .output()
        .unwrap()
}

#[derive(Clone, Copy)]
enum Enc {
    Utf8,
    Bom,
    Gbk,
}

fn encode(text: &str, enc: Enc) -> Vec<u8> {
    match enc {
        Enc::Utf8 => text.as_bytes().to_vec(),
        Enc::Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Enc::Gbk => {
            let (b, _, bad) = encoding_rs::GBK.encode(text);
            assert!(!bad);
            b.to_vec()
        }
    }
}

/// `paiban forecast` of `file` (with `extra` flags) for two days after the history: the
/// forecast without its handle-time column (families without handle time fall back to the
/// scenario's).
fn forecast(dir: &Path, file: &Path, extra: &[&str]) -> Vec<String> {
    let out = dir.join(format!(
        "f-{}.csv",
        file.file_name().unwrap().to_string_lossy()
    ));
    stdout(
        paiban()
            .args(["forecast", "--history"])
            .arg(file)
            .args(["--start", "2026-11-02", "--days", "2", "-o"])
            .arg(&out)
            .args(extra),
    );
    std::fs::read_to_string(out)
        .unwrap()
        .lines()
        .map(|l| {
            let mut f: Vec<&str> = l.split(',').collect();
            f.remove(5);
            f.join(",")
        })
        .collect()
}

#[test]
fn every_header_family_forecasts_like_paibans_own_columns() {
    let d = tempfile::tempdir().unwrap();
    let shop = shop(d.path(), 5);
    let rows = rows(&shop);
    let want = forecast(d.path(), &shop.join("history.csv"), &[]);
    // (name, header, row writer, encoding, extra flags)
    type Row = fn(&(chrono::NaiveDateTime, String, String)) -> String;
    let families: Vec<(&str, &str, Row, Enc, Vec<&str>)> = vec![
        (
            "datetime-zh",
            "日期时间,咨询量",
            |r| format!("{},{}", r.0.format("%Y/%m/%d %-H:%M"), r.1),
            Enc::Gbk,
            vec![],
        ),
        (
            "english",
            "timestamp,inquiries",
            |r| format!("{},{}", r.0.format("%Y-%m-%d %H:%M:%S"), r.1),
            Enc::Utf8,
            vec![],
        ),
        (
            "date-hour",
            "日期,小时,咨询人数,接待人数,平均响应时间",
            |r| {
                format!(
                    "{},{},{},{},00:00:25",
                    r.0.format("%Y-%m-%d"),
                    r.0.format("%-H"),
                    r.1,
                    r.1
                )
            },
            Enc::Bom,
            vec![],
        ),
        (
            "date-slot",
            "日期,时段,进线量",
            |r| {
                format!(
                    "{},{}-{},{}",
                    r.0.format("%Y/%m/%d"),
                    r.0.format("%H:00"),
                    (r.0 + chrono::Duration::hours(1)).format("%H:00"),
                    r.1
                )
            },
            Enc::Gbk,
            vec![],
        ),
        (
            "date-time-en",
            "Date,Hour,Chats",
            |r| format!("{},{},{}", r.0.format("%Y-%m-%d"), r.0.format("%H:%M"), r.1),
            Enc::Utf8,
            vec![],
        ),
        (
            "sessions-count",
            "统计时间,会话数",
            |r| format!("{},{}", r.0.format("%Y年%m月%d日 %H:%M"), r.1),
            Enc::Gbk,
            vec![],
        ),
        (
            "mapped",
            "时刻,进线总数,备注",
            |r| format!("{},{},-", r.0.format("%Y-%m-%d %H:%M"), r.1),
            Enc::Bom,
            vec![
                "--columns",
                "timestamp=时刻,count=进线总数",
                "--ignore-columns",
                "备注",
            ],
        ),
    ];
    let mut failures = Vec::new();
    for (name, header, row, enc, extra) in &families {
        let mut text = format!("{header}\n");
        for r in &rows {
            text.push_str(&row(r));
            text.push('\n');
        }
        let f = d.path().join(format!("{name}.csv"));
        std::fs::write(&f, encode(&text, *enc)).unwrap();
        if forecast(d.path(), &f, extra) != want {
            failures.push(*name);
        }
    }
    assert!(failures.is_empty(), "forecasts differ for {failures:?}");
}

#[test]
fn handle_times_and_per_agent_rows_read_as_exported() {
    let d = tempfile::tempdir().unwrap();
    let shop = shop(d.path(), 5);
    let rows = rows(&shop);
    let want = forecast(d.path(), &shop.join("history.csv"), &[]);
    // the workbench's 客服绩效 report: one row per agent and hour, handle time as mm:ss; the
    // counts of the two agents sum to the interval's, the handle times average by count
    let mut text = String::from("日期,时段,客服昵称,咨询人数,平均接待时长\n");
    for r in &rows {
        let n: u64 = r.1.parse().unwrap();
        let aht: f64 = r.2.parse().unwrap();
        let mmss = |s: f64| format!("{:02}:{:05.2}", (s / 60.0).floor() as u64, s % 60.0);
        let slot = format!(
            "{}-{}",
            r.0.format("%H:00"),
            (r.0 + chrono::Duration::hours(1)).format("%H:00")
        );
        text.push_str(&format!(
            "{},{slot},小王,{},{}\n",
            r.0.format("%Y-%m-%d"),
            n / 2,
            mmss(aht)
        ));
        text.push_str(&format!(
            "{},{slot},小李,{},{}\n",
            r.0.format("%Y-%m-%d"),
            n - n / 2,
            mmss(aht)
        ));
    }
    let f = d.path().join("per-agent.csv");
    std::fs::write(&f, encode(&text, Enc::Gbk)).unwrap();
    let got = forecast(d.path(), &f, &[]);
    assert_eq!(got, want, "the per-agent report forecasts differently");
    // the handle time, weighted back together from mm:ss per agent, is the shop's own
    let aht = |file: &Path| {
        let o = d.path().join("aht.csv");
        stdout(
            paiban()
                .args(["forecast", "--history"])
                .arg(file)
                .args(["--start", "2026-11-02", "--days", "1", "-o"])
                .arg(&o),
        );
        std::fs::read_to_string(o)
            .unwrap()
            .lines()
            .nth(40)
            .unwrap()
            .split(',')
            .nth(5)
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    assert!((aht(&f) - aht(&shop.join("history.csv"))).abs() < 0.05);
    let o = one_day(d.path(), &f);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("one row per agent and interval: summed"),
        "{err}"
    );
    assert!(err.contains("客服昵称 → agent"), "{err}");

    // a session log of the workbench, GBK, Chinese headers, handle time as 3分25秒
    let mut log = String::from("会话开始时间,接待客服,买家昵称,会话时长\n");
    for k in 0..400 {
        let t = common::chat_start(k);
        log.push_str(&format!(
            "{},小王,买家{k},{}分{}秒\n",
            t.format("%Y/%m/%d %H:%M:%S"),
            k % 4,
            k % 60
        ));
    }
    let f = d.path().join("log.csv");
    std::fs::write(&f, encode(&log, Enc::Gbk)).unwrap();
    let out = d.path().join("agg.csv");
    stdout(
        paiban()
            .args(["aggregate", "--history"])
            .arg(&f)
            .args(["--interval", "60m", "-o"])
            .arg(&out),
    );
    let agg = std::fs::read_to_string(out).unwrap();
    let first: Vec<&str> = agg.lines().nth(1).unwrap().split(',').collect();
    // 3600 / 97 → 38 chats in the first hour; mean of (k%4)·60 + k%60 over k = 0..37
    assert_eq!(first[1], "38");
    let mean: f64 = (0..38).map(|k| ((k % 4) * 60 + k % 60) as f64).sum::<f64>() / 38.0;
    assert!(
        (first[2].parse::<f64>().unwrap() - mean).abs() < 0.1,
        "{agg}"
    );
}

#[test]
fn an_unknown_header_names_its_guess_and_a_mapping_in_the_scenario_reads_it() {
    let d = tempfile::tempdir().unwrap();
    let shop = shop(d.path(), 5);
    let text = std::fs::read_to_string(shop.join("history.csv"))
        .unwrap()
        .replacen(
            "timestamp,count,aht_seconds",
            "时间,进线总人数,平均处理时长",
            1,
        );
    std::fs::write(shop.join("history.csv"), encode(&text, Enc::Gbk)).unwrap();
    let o = paiban()
        .args(["run", "--scenario"])
        .arg(shop.join("scenario.toml"))
        .arg("--out")
        .arg(d.path().join("run"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("`进线总人数` looks like the count: add --columns count=进线总人数"),
        "{err}"
    );
    assert!(!d.path().join("run").exists());
    // the same mapping, written in the scenario's [inputs.columns]
    let sc = std::fs::read_to_string(shop.join("scenario.toml"))
        .unwrap()
        .replacen(
            "[inputs]\n",
            "[inputs]\ncolumns = { count = \"进线总人数\" }\n",
            1,
        );
    std::fs::write(shop.join("scenario.toml"), sc).unwrap();
    let out = stdout(
        paiban()
            .args(["forecast", "--history"])
            .arg(shop.join("history.csv"))
            .args([
                "--start",
                "2026-11-02",
                "--days",
                "1",
                "--columns",
                "count=进线总人数",
                "-o",
            ])
            .arg(d.path().join("f.csv")),
    );
    assert!(out.contains("forecast:"), "{out}");
    let o = paiban()
        .args(["show-scenario"])
        .arg(shop.join("scenario.toml"))
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains("进线总人数"));
}

/// An agent list as the workbench's 子账号 export and an HR sheet give it, GBK.
fn zh_agents(n: usize) -> String {
    let mut t = String::from("子账号,昵称,用工类型,组别\n");
    for k in 1..=n {
        let kind = if k % 4 == 0 { "兼职" } else { "全职" };
        let group = if k % 3 == 0 { "售后" } else { "售前" };
        t.push_str(&format!("旗舰店:客服{k:02},客服{k:02},{kind},{group}\n"));
    }
    t
}

#[test]
fn init_writes_a_scenario_that_runs_first_time_from_a_gbk_export() {
    let d = tempfile::tempdir().unwrap();
    let shop = shop(d.path(), 5);
    let rows = rows(&shop);
    // the workbench's hourly report, GBK, with a column paiban does not use
    let mut h = String::from("日期,时段,咨询人数,平均接待时长(秒),满意度\n");
    for r in &rows {
        h.push_str(&format!(
            "{},{},{},{},98%\n",
            r.0.format("%Y-%m-%d"),
            r.0.format("%H:00"),
            r.1,
            r.2
        ));
    }
    let team = d.path().join("team");
    std::fs::create_dir_all(&team).unwrap();
    std::fs::write(team.join("咨询报表.csv"), encode(&h, Enc::Gbk)).unwrap();
    std::fs::write(team.join("客服名单.csv"), encode(&zh_agents(16), Enc::Gbk)).unwrap();
    let scenario = team.join("scenario.toml");
    let out = stdout(paiban().current_dir(&team).args([
        "init",
        "--history",
        "咨询报表.csv",
        "--agents",
        "客服名单.csv",
        "--ignore-columns",
        "满意度",
    ]));
    assert!(
        out.contains("contracts: full_time 12, part_time 4"),
        "{out}"
    );
    assert!(
        out.contains("next: paiban run --scenario scenario.toml"),
        "{out}"
    );
    let text = std::fs::read_to_string(&scenario).unwrap();
    assert!(text.contains("history = \"咨询报表.csv\""), "{text}");
    assert!(text.contains("ignore_columns = [\"满意度\"]"), "{text}");
    // the service hours come from the data: the synthetic shop is quiet at night
    assert!(!text.contains("hours = [\"00:00\", \"24:00\"]"), "{text}");
    // runs first time, keeps every hard rule
    let run = team.join("plan");
    let o = paiban()
        .current_dir(&team)
        .args(["run", "--scenario", "scenario.toml", "--out", "plan"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = paiban()
        .current_dir(&team)
        .args(["check", "--roster"])
        .arg(run.join("roster.csv"))
        .args(["--agents", "客服名单.csv", "--scenario", "scenario.toml"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && said.contains("no rule broken"),
        "{said}"
    );
    // the roster as another tool exports it: its headers read too, one mapped by --columns
    let roster = std::fs::read_to_string(run.join("roster.csv"))
        .unwrap()
        .replacen(
            "agent_id,name,tier,contract,date,weekday,shift,start,end",
            "员工ID,昵称,tier,contract,排班日期,weekday,班次名称,开始时间,结束时间",
            1,
        );
    std::fs::write(team.join("排班.csv"), encode(&roster, Enc::Gbk)).unwrap();
    let check = |extra: &[&str]| {
        paiban()
            .current_dir(&team)
            .args(["check", "--roster", "排班.csv", "--agents", "客服名单.csv"])
            .args(["--scenario", "scenario.toml"])
            .args(extra)
            .output()
            .unwrap()
    };
    let o = check(&[]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("`员工ID` looks like the agent_id"), "{err}");
    let o = check(&["--columns", "agent_id=员工ID"]);
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success() && said.contains("no rule broken"),
        "{said}"
    );
    // init does not replace a scenario the user may have edited
    let o = paiban()
        .current_dir(&team)
        .args([
            "init",
            "--history",
            "咨询报表.csv",
            "--agents",
            "客服名单.csv",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
}

#[test]
fn init_on_the_demo_files_runs_and_speaks_chinese() {
    let d = tempfile::tempdir().unwrap();
    let shop = shop(d.path(), 12);
    let scenario = d.path().join("mine.toml");
    let out = stdout(
        paiban()
            .args(["--lang", "zh", "init", "--history"])
            .arg(shop.join("history.csv"))
            .arg("--agents")
            .arg(shop.join("agents.csv"))
            .arg("-o")
            .arg(&scenario)
            .env("PAIBAN_LANG_STRICT", "1"),
    );
    assert!(out.contains("下一步：paiban run --scenario"), "{out}");
    let o = paiban()
        .args(["run", "--scenario"])
        .arg(&scenario)
        .arg("--out")
        .arg(d.path().join("plan"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&scenario).unwrap();
    // the synthetic team's three contracts, each in a shift family
    for c in ["full_time", "part_time", "outsourced"] {
        assert!(text.contains(&format!("[contracts.{c}]")), "{text}");
    }
}

#[test]
fn every_agent_list_family_reads_through_init() {
    let d = tempfile::tempdir().unwrap();
    let shop = shop(d.path(), 5);
    // (file, text, encoding, what init must find)
    let families = [
        (
            "english.csv",
            "employee_id,nickname,employment,group\nE1,Amy,full-time,pre_sales\nE2,Bo,part-time,after_sales\nE3,Cy,full-time,pre_sales\n",
            Enc::Utf8,
            "contracts: full_time 2, part_time 1",
        ),
        (
            "hr.csv",
            "工号,姓名,合同类型,技能组,职级\nA1,王一,全职,售前,组长\nA2,李二,外包,售后,客服\n",
            Enc::Bom,
            "contracts: full_time 1, outsourced 1",
        ),
        (
            "qianniu.csv",
            "客服账号,客服昵称,分组\n店铺:小王,小王,售前\n店铺:小李,小李,售前\n",
            Enc::Gbk,
            "contracts: full_time 2",
        ),
    ];
    for (name, text, enc, want) in families {
        let f = d.path().join(name);
        std::fs::write(&f, encode(text, enc)).unwrap();
        let out = stdout(
            paiban()
                .args(["init", "--history"])
                .arg(shop.join("history.csv"))
                .arg("--agents")
                .arg(&f)
                .arg("-o")
                .arg(d.path().join(format!("{name}.toml"))),
        );
        assert!(out.contains(want), "{name}: {out}");
        assert!(out.contains("skills: "), "{name}: {out}");
    }
}

#[test]
fn a_reports_title_lines_and_total_row_are_skipped_and_said() {
    let d = tempfile::tempdir().unwrap();
    let shop = shop(d.path(), 5);
    let rows = rows(&shop);
    let want = forecast(d.path(), &shop.join("history.csv"), &[]);
    let mut text =
        String::from("咨询数据报表\n统计时间：2025-11-02 至 2026-11-01\n\n日期,时段,咨询人数\n");
    let mut total = 0u64;
    for r in &rows {
        text.push_str(&format!(
            "{},{},{}\n",
            r.0.format("%Y-%m-%d"),
            r.0.format("%H:00"),
            r.1
        ));
        total += r.1.parse::<u64>().unwrap();
    }
    text.push_str(&format!("合计,,{total}\n"));
    let f = d.path().join("report.csv");
    std::fs::write(&f, encode(&text, Enc::Gbk)).unwrap();
    assert_eq!(forecast(d.path(), &f, &[]), want);
    let o = one_day(d.path(), &f);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("skipped: 3 title line(s) above the header (line 4)"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "skipped: the `合计` row (line {})",
            rows.len() + 5
        )),
        "{err}"
    );
    // a bad cell is named at its line in the file, title lines counted
    // the first data row's count made `x…`
    let bad = text.replacen(",00:00,", ",00:00,x", 1);
    std::fs::write(&f, encode(&bad, Enc::Gbk)).unwrap();
    let o = one_day(d.path(), &f);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 5, field `count`"), "{err}");
}

#[test]
fn an_excel_workbook_reads_like_its_csv() {
    use chrono::{Datelike, Timelike};
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let d = tempfile::tempdir().unwrap();
    let shop = shop(d.path(), 5);
    let rows = rows(&shop);
    let want = forecast(d.path(), &shop.join("history.csv"), &[]);
    // the workbench's hourly report saved as .xlsx: a title row, real date and time cells, the
    // handle time as a duration cell (mm:ss), numbers as numbers
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_fmt = Format::new().set_num_format("yyyy/m/d");
    let time_fmt = Format::new().set_num_format("hh:mm");
    let dur_fmt = Format::new().set_num_format("[mm]:ss");
    ws.write_string(0, 0, "咨询数据报表").unwrap();
    for (c, h) in ["日期", "时段", "咨询人数", "平均接待时长"]
        .iter()
        .enumerate()
    {
        ws.write_string(1, c as u16, *h).unwrap();
    }
    for (i, r) in rows.iter().enumerate() {
        let row = i as u32 + 2;
        let t = r.0;
        let day = ExcelDateTime::from_ymd(t.year() as u16, t.month() as u8, t.day() as u8).unwrap();
        ws.write_datetime_with_format(row, 0, &day, &date_fmt)
            .unwrap();
        let hour = ExcelDateTime::from_hms(t.hour() as u16, 0, 0).unwrap();
        ws.write_datetime_with_format(row, 1, &hour, &time_fmt)
            .unwrap();
        ws.write_number(row, 2, r.1.parse::<f64>().unwrap())
            .unwrap();
        let aht: f64 = r.2.parse().unwrap();
        let dur = ExcelDateTime::from_hms(0, (aht / 60.0) as u8, aht % 60.0).unwrap();
        ws.write_datetime_with_format(row, 3, &dur, &dur_fmt)
            .unwrap();
    }
    let f = d.path().join("咨询报表.xlsx");
    wb.save(&f).unwrap();
    assert_eq!(forecast(d.path(), &f, &[]), want);
    let o = one_day(d.path(), &f);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("Excel workbook"), "{err}");
    assert!(err.contains("skipped: 1 title line(s)"), "{err}");
}

#[test]
fn a_session_log_under_a_title_is_streamed_from_its_header() {
    let d = tempfile::tempdir().unwrap();
    let mut log =
        String::from("聊天记录导出\n导出时间：2026-01-02 09:00\n会话开始时间,接待客服,会话时长\n");
    for k in 0..400 {
        let t = common::chat_start(k);
        log.push_str(&format!(
            "{},小王,{}\n",
            t.format("%Y-%m-%d %H:%M:%S"),
            60 + k % 300
        ));
    }
    let plain = log.splitn(3, '\n').nth(2).unwrap().to_string();
    let mut outs = Vec::new();
    for (name, text) in [("titled.csv", log.clone()), ("plain.csv", plain)] {
        let f = d.path().join(name);
        std::fs::write(&f, encode(&text, Enc::Gbk)).unwrap();
        let out = d.path().join(format!("agg-{name}"));
        let o = paiban()
            .args(["aggregate", "--history"])
            .arg(&f)
            .args(["--interval", "60m", "-o"])
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr).to_string();
        assert!(o.status.success(), "{err}");
        assert!(err.contains("session log"), "{err}");
        assert_eq!(
            name == "titled.csv",
            err.contains("skipped: 2 title line(s)"),
            "{err}"
        );
        outs.push(std::fs::read_to_string(out).unwrap());
    }
    assert_eq!(outs[0], outs[1]);
    // a bad row is named at its line in the file
    let bad = log.replacen(",小王,60\n", ",小王,-60\n", 1);
    let f = d.path().join("bad.csv");
    std::fs::write(&f, encode(&bad, Enc::Gbk)).unwrap();
    let o = paiban()
        .args(["aggregate", "--history"])
        .arg(&f)
        .args(["--interval", "60m", "-o"])
        .arg(d.path().join("x.csv"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("line 4, field `handle_seconds`"), "{err}");
}
