//! Exports people open: rosters as CSV (by agent, and as an agent × day grid) in English or
//! Chinese, optionally with the byte-order mark Chinese Excel needs; an XLSX workbook (roster
//! grid coloured by shift, coverage against the requirement, scenario comparison); an
//! iCalendar file per agent. The HTML report is in [`crate::output::report`].

use crate::model::time::weekday_short;
use crate::model::{Roster, WorkShift};
use crate::pipeline::whatif::Row;
pub use crate::pipeline::whatif::View;
use crate::scenario::agents::Agent;
use crate::scenario::Scenario;
use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeZone};
use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("XLSX workbook: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

/// Language of headers and labels in files meant for people (and of messages).
pub use crate::i18n::Lang;

/// How files meant for people are written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// UTF-8 with a byte-order mark, so Excel (Chinese Windows) opens CSV as UTF-8.
    pub excel: bool,
    pub lang: Lang,
}

impl Options {
    /// CSV bytes as these options want them written.
    pub fn csv(&self, bytes: Vec<u8>) -> Vec<u8> {
        if self.excel {
            let mut out = "\u{feff}".as_bytes().to_vec();
            out.extend(bytes);
            out
        } else {
            bytes
        }
    }
}

/// Column names of the roster CSV in Chinese; `roster::read_csv` reads them back.
const ROSTER_ZH: [(&str, &str); 17] = [
    ("agent_id", "工号"),
    ("name", "姓名"),
    ("tier", "级别"),
    ("contract", "合同类型"),
    ("date", "日期"),
    ("weekday", "星期"),
    ("shift", "班次"),
    ("start", "上班时间"),
    ("end", "下班时间"),
    ("break_start", "休息开始"),
    ("break_end", "休息结束"),
    ("short_breaks", "小休"),
    ("prep_minutes", "准备分钟"),
    ("wrap_up_minutes", "收尾分钟"),
    ("paid_hours", "工时"),
    ("queues", "队列"),
    ("offline", "离线工作"),
];

const WEEKDAY_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

fn weekday(d: NaiveDate, lang: Lang) -> &'static str {
    match lang {
        Lang::En => weekday_short(d.weekday()),
        Lang::Zh => WEEKDAY_ZH[d.weekday().num_days_from_monday() as usize],
    }
}

fn off(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "OFF",
        Lang::Zh => "休",
    }
}

/// The roster, one row per agent and day, in `lang`.
pub fn roster_csv(r: &Roster, agents: &[Agent], lang: Lang) -> Vec<u8> {
    let en = crate::roster::to_csv(r, agents);
    if lang == Lang::En {
        return en;
    }
    let mut rd = csv::Reader::from_reader(en.as_slice());
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = rd.headers().expect("in memory").clone();
    let zh: BTreeMap<&str, &str> = ROSTER_ZH.into_iter().collect();
    w.write_record(header.iter().map(|h| zh.get(h).copied().unwrap_or(h)))
        .expect("in memory");
    let (wd, shift) = (
        header.iter().position(|h| h == "weekday"),
        header.iter().position(|h| h == "shift"),
    );
    let date = header.iter().position(|h| h == "date");
    for rec in rd.records() {
        let rec = rec.expect("written above");
        let d = date.and_then(|i| crate::model::time::parse_date(&rec[i]).ok());
        let cells: Vec<String> = rec
            .iter()
            .enumerate()
            .map(|(i, c)| match (Some(i) == wd, Some(i) == shift, d) {
                (true, _, Some(d)) => weekday(d, lang).to_string(),
                (_, true, _) if c == "OFF" => off(lang).to_string(),
                _ => c.to_string(),
            })
            .collect();
        w.write_record(&cells).expect("in memory");
    }
    w.into_inner().expect("in memory")
}

/// A cell of the grid: `07:00-16:00` (`07:00-16:00 b11:00` with a meal break) or a day off.
fn grid_cell(s: Option<&WorkShift>, lang: Lang) -> String {
    match s {
        None => off(lang).to_string(),
        Some(s) => {
            let mut c = format!("{}-{}", s.start.format("%H:%M"), s.end.format("%H:%M"));
            if let Some((b, _)) = s.breaks.first() {
                c.push_str(&format!(" b{}", b.format("%H:%M")));
            }
            c
        }
    }
}

/// The roster as a grid: one row per agent, one column per day.
pub fn roster_grid_csv(r: &Roster, agents: &[Agent], lang: Lang) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let (id, name, tier, contract, hours) = match lang {
        Lang::En => ("agent_id", "name", "tier", "contract", "paid_hours"),
        Lang::Zh => ("工号", "姓名", "级别", "合同类型", "工时"),
    };
    let mut head = vec![id.to_string(), name.into(), tier.into(), contract.into()];
    head.extend(
        r.dates
            .iter()
            .map(|d| format!("{} {}", d.format("%m-%d"), weekday(*d, lang))),
    );
    head.push(hours.into());
    w.write_record(&head).expect("in memory");
    let cells = by_agent(r);
    for a in agents {
        let mine = cells.get(a.id.as_str());
        let mut rec = vec![
            a.id.clone(),
            a.name.clone(),
            a.tier.clone(),
            a.contract.clone(),
        ];
        let mut paid = 0.0;
        for d in &r.dates {
            let s = mine.and_then(|m| m.get(d)).copied().flatten();
            paid += s.map_or(0.0, |s| s.paid_hours());
            rec.push(grid_cell(s, lang));
        }
        rec.push(crate::io::fmt_f(paid, 2));
        w.write_record(&rec).expect("in memory");
    }
    w.into_inner().expect("in memory")
}

type Days<'a> = BTreeMap<NaiveDate, Option<&'a WorkShift>>;

fn by_agent(r: &Roster) -> BTreeMap<&str, Days<'_>> {
    let mut out: BTreeMap<&str, Days<'_>> = BTreeMap::new();
    for e in &r.entries {
        out.entry(e.agent_id.as_str())
            .or_default()
            .insert(e.date, e.shift.as_ref());
    }
    out
}

/// The kind of a shift for colouring and legends: night, early, day or late.
pub fn shift_kind(s: &WorkShift) -> usize {
    let h = s.start.hour_of_day();
    if s.is_night() {
        3
    } else if h < 10 {
        0
    } else if h < 14 {
        1
    } else {
        2
    }
}

/// Names of the shift kinds of [`shift_kind`], and their colours (fill, text).
pub fn kind_names(lang: Lang) -> [&'static str; 4] {
    match lang {
        Lang::En => ["early", "day", "late", "night"],
        Lang::Zh => ["早班", "中班", "晚班", "夜班"],
    }
}
pub const KIND_COLOURS: [(u32, u32); 4] = [
    (0xC6EFCE, 0x006100),
    (0xFFEB9C, 0x7F6000),
    (0xF8CBAD, 0x843C0C),
    (0x1F3864, 0xFFFFFF),
];

trait HourOfDay {
    fn hour_of_day(&self) -> u32;
}
impl HourOfDay for NaiveDateTime {
    fn hour_of_day(&self) -> u32 {
        crate::model::time::minute_of_day(*self) / 60
    }
}

/// One agent's shifts as an iCalendar file (times in the scenario's time zone). UIDs and
/// stamps come from the roster, so the same roster gives the same bytes.
pub fn ics(r: &Roster, agent: &Agent, sc: &Scenario) -> String {
    use icalendar::{Calendar, CalendarDateTime, Component, EventLike};
    let tz = sc.horizon.tz();
    let tzid = sc.horizon.timezone.clone();
    let mut cal = Calendar::new();
    cal.name(&format!("{} ({}) — {}", agent.name, agent.id, sc.name));
    cal.timezone(tzid.as_str());
    // a fixed stamp: the start of the horizon (RFC 5545 wants one; "now" would break
    // byte-for-byte reproducibility)
    let stamp = tz
        .from_local_datetime(
            &sc.horizon
                .start_date()
                .and_hms_opt(0, 0, 0)
                .expect("midnight"),
        )
        .earliest()
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_default();
    for e in r.entries.iter().filter(|e| e.agent_id == agent.id) {
        let Some(s) = &e.shift else { continue };
        let at = |t: NaiveDateTime| CalendarDateTime::WithTimezone {
            date_time: t,
            tzid: tzid.clone(),
        };
        let mut desc = format!("{}: {:.2} paid hours", s.label, s.paid_hours());
        for (a, b) in &s.breaks {
            desc.push_str(&format!(
                "\nbreak {}–{}",
                a.format("%H:%M"),
                b.format("%H:%M")
            ));
        }
        for (a, b) in &s.paid_breaks {
            desc.push_str(&format!(
                "\nshort break {}–{}",
                a.format("%H:%M"),
                b.format("%H:%M")
            ));
        }
        for (a, b) in &s.offline {
            desc.push_str(&format!(
                "\noffline work (training, back-office) {}–{}",
                a.format("%H:%M"),
                b.format("%H:%M")
            ));
        }
        let ev = icalendar::Event::new()
            .summary(&format!("{} {}", sc.name, s.label))
            .description(&desc)
            .starts(at(s.start))
            .ends(at(s.end))
            .uid(&format!("{}-{}@paiban", agent.id, e.date))
            .timestamp(stamp)
            .done();
        cal.push(ev);
    }
    cal.done().to_string()
}

/// A sheet name: `base`, and with several scenarios their number and label (numbered, as
/// Excel cuts names at 31 characters and sweep labels differ only at the end).
fn sheet_name(base: &str, index: usize, label: &str, many: bool) -> String {
    let s = if many {
        format!("{base} {} {label}", index + 1)
    } else {
        base.to_string()
    };
    // Excel: at most 31 characters, none of []:*?/\
    s.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// The XLSX workbook: per scenario a roster grid coloured by shift kind and the coverage
/// against the requirement per interval; the comparison when there are several scenarios.
pub fn workbook(views: &[View], comparison: &[Row], lang: Lang) -> Result<Vec<u8>, ExportError> {
    use rust_xlsxwriter::{Color, DocProperties, ExcelDateTime, Format, FormatBorder, Workbook};
    let mut wb = Workbook::new();
    let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("paiban roster")
            .set_creation_datetime(&created),
    );
    let bold = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let kinds = kind_names(lang);
    let fills: Vec<Format> = KIND_COLOURS
        .iter()
        .map(|(bg, fg)| {
            Format::new()
                .set_background_color(Color::RGB(*bg))
                .set_font_color(Color::RGB(*fg))
        })
        .collect();
    let off_fmt = Format::new().set_font_color(Color::RGB(0x999999));
    let short_fmt = Format::new().set_background_color(Color::RGB(0xFFC7CE));
    let many = views.len() > 1;
    let t = |en: &'static str, zh: &'static str| if lang == Lang::Zh { zh } else { en };
    if many {
        let ws = wb.add_worksheet();
        ws.set_name(t("Comparison", "方案对比"))?;
        let rows = comparison_cells(comparison, lang, false);
        for (i, r) in rows.iter().enumerate() {
            for (j, c) in r.iter().enumerate() {
                match (i, j, c.parse::<f64>()) {
                    (0, _, _) | (_, 0, _) => {
                        ws.write_string_with_format(i as u32, j as u16, c, &bold)?
                    }
                    (_, _, Ok(x)) => ws.write_number(i as u32, j as u16, x)?,
                    _ => ws.write_string(i as u32, j as u16, c)?,
                };
            }
        }
        ws.set_column_width(0, 28)?;
        ws.set_freeze_panes(1, 1)?;
    }
    for (vi, v) in views.iter().enumerate() {
        let r = &v.output.roster.roster;
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(t("Roster", "排班表"), vi, v.label, many))?;
        let head = [
            t("agent", "工号"),
            t("name", "姓名"),
            t("tier", "级别"),
            t("contract", "合同类型"),
        ];
        for (j, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, *h, &bold)?;
        }
        for (k, d) in r.dates.iter().enumerate() {
            let h = format!("{} {}", d.format("%m-%d"), weekday(*d, lang));
            ws.write_string_with_format(0, (4 + k) as u16, &h, &bold)?;
            ws.set_column_width((4 + k) as u16, 18)?;
        }
        let hours_col = (4 + r.dates.len()) as u16;
        ws.write_string_with_format(0, hours_col, t("paid hours", "工时"), &bold)?;
        let cells = by_agent(r);
        for (i, a) in v.inputs.agents.iter().enumerate() {
            let row = (i + 1) as u32;
            for (j, c) in [&a.id, &a.name, &a.tier, &a.contract].iter().enumerate() {
                ws.write_string(row, j as u16, c.as_str())?;
            }
            let mut paid = 0.0;
            for (k, d) in r.dates.iter().enumerate() {
                let s = cells
                    .get(a.id.as_str())
                    .and_then(|m| m.get(d))
                    .copied()
                    .flatten();
                let col = (4 + k) as u16;
                match s {
                    Some(s) => {
                        paid += s.paid_hours();
                        ws.write_string_with_format(
                            row,
                            col,
                            grid_cell(Some(s), lang),
                            &fills[shift_kind(s)],
                        )?;
                    }
                    None => {
                        ws.write_string_with_format(row, col, off(lang), &off_fmt)?;
                    }
                }
            }
            ws.write_number(row, hours_col, (paid * 100.0).round() / 100.0)?;
        }
        // legend under the grid
        let at = (v.inputs.agents.len() + 2) as u32;
        for (k, name) in kinds.iter().enumerate() {
            ws.write_string_with_format(at, (4 + k) as u16, *name, &fills[k])?;
        }
        ws.set_freeze_panes(1, 4)?;
        ws.set_column_width(1, 14)?;

        // coverage against the requirement per interval
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(t("Coverage", "覆盖"), vi, v.label, many))?;
        let head = [
            t("interval", "时段"),
            t("forecast", "预测咨询量"),
            t("required", "需求人数"),
            t("on duty", "在岗人数"),
            t(
                "effective (trained-agent equivalents)",
                "折算人数(按熟练度)",
            ),
            t("short", "缺口"),
        ];
        for (j, h) in head.iter().enumerate() {
            ws.write_string_with_format(0, j as u16, *h, &bold)?;
        }
        let req = &v.output.requirements;
        let (sched, eff) = v
            .output
            .check
            .coverage
            .as_ref()
            .map(|c| (c.scheduled.clone(), c.effective.clone()))
            .unwrap_or_default();
        for (i, row) in req.rows.iter().enumerate() {
            let r = (i + 1) as u32;
            ws.write_string(r, 0, crate::model::time::fmt_ts(req.grid.at(i)))?;
            ws.write_number(r, 1, (row.volume * 10.0).round() / 10.0)?;
            ws.write_number(r, 2, row.agents_required as f64)?;
            let on = sched.get(i).copied().unwrap_or(0);
            ws.write_number(r, 3, on as f64)?;
            let e = eff.get(i).copied().unwrap_or(0);
            ws.write_number(r, 4, e as f64)?;
            let short = row.agents_required.saturating_sub(e);
            if short > 0 {
                ws.write_number_with_format(r, 5, short as f64, &short_fmt)?;
            } else {
                ws.write_number(r, 5, 0.0)?;
            }
        }
        ws.set_column_width(0, 18)?;
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb.save_to_buffer()?)
}

#[derive(Clone, Copy)]
enum Kind {
    Count,
    Hours,
    Money,
    Share,
    Seconds,
}

type Measure = (&'static str, &'static str, Kind, fn(&Row) -> f64);

const MEASURES: [Measure; 17] = [
    ("forecast inquiries", "预测咨询量", Kind::Count, |r| {
        r.forecast_inquiries
    }),
    (
        "peak agents required",
        "峰值需求人数",
        Kind::Count,
        |r| r.peak_agents_required as f64,
    ),
    (
        "peak agents on duty",
        "峰值在岗人数",
        Kind::Count,
        |r| r.peak_agents_on_duty as f64,
    ),
    ("agents", "客服人数", Kind::Count, |r| r.agents as f64),
    ("paid hours", "计薪工时", Kind::Hours, |r| r.paid_hours),
    ("labour cost", "人力成本", Kind::Money, |r| {
        r.labour_cost
    }),
    ("overtime hours", "加班工时", Kind::Hours, |r| {
        r.overtime_hours
    }),
    (
        "under-covered intervals",
        "缺员时段数",
        Kind::Count,
        |r| r.under_covered_intervals as f64,
    ),
    (
        "under-covered agent-hours",
        "缺员人时",
        Kind::Hours,
        |r| r.under_agent_hours,
    ),
    (
        "agents to hire (approx.)",
        "需增聘人数(估)",
        Kind::Count,
        |r| r.agents_to_hire as f64,
    ),
    (
        "service level (simulated)",
        "服务水平(仿真)",
        Kind::Share,
        |r| r.service_level,
    ),
    (
        "service level ± (95% CI)",
        "服务水平 ±(95%置信)",
        Kind::Share,
        |r| r.service_level_ci95,
    ),
    (
        "abandoned (simulated)",
        "放弃率(仿真)",
        Kind::Share,
        |r| r.abandon,
    ),
    (
        "ASA seconds (simulated)",
        "平均应答秒(仿真)",
        Kind::Seconds,
        |r| r.asa_seconds,
    ),
    (
        "occupancy (simulated)",
        "占用率(仿真)",
        Kind::Share,
        |r| r.occupancy,
    ),
    ("hard rule violations", "硬性违规", Kind::Count, |r| {
        r.hard_violations as f64
    }),
    (
        "plan gap to LP bound",
        "排班方案最优性差距",
        Kind::Share,
        |r| r.plan_gap,
    ),
];

/// The comparison as a table of strings: a header row of scenario labels, one row per
/// measure. `pretty`: formatted for reading (`88.9%`); otherwise plain numbers a
/// spreadsheet reads as numbers.
pub fn comparison_cells(rows: &[Row], lang: Lang, pretty: bool) -> Vec<Vec<String>> {
    let zh = lang == Lang::Zh;
    let fmt = |k: Kind, x: f64| -> String {
        if !x.is_finite() {
            // not measured (e.g. abandonment without service.patience)
            return if pretty { "–".into() } else { String::new() };
        }
        match (pretty, k) {
            (true, Kind::Share) => format!("{:.1}%", 100.0 * x),
            (true, Kind::Hours | Kind::Seconds) => format!("{x:.1}"),
            (_, Kind::Count) | (true, Kind::Money) => format!("{x:.0}"),
            (false, Kind::Share) => format!("{x:.4}"),
            (false, _) => format!("{x:.2}"),
        }
    };
    let mut out = vec![
        std::iter::once(if zh { "方案" } else { "scenario" }.to_string())
            .chain(rows.iter().map(|r| r.scenario.clone()))
            .collect::<Vec<_>>(),
    ];
    for (en, z, kind, f) in MEASURES {
        out.push(
            std::iter::once(if zh { z } else { en }.to_string())
                .chain(rows.iter().map(|r| fmt(kind, f(r))))
                .collect(),
        );
    }
    out
}

/// The comparison as a text table: scenarios as columns, measures as rows.
pub fn comparison_text(rows: &[Row], lang: Lang) -> String {
    let cells = comparison_cells(rows, lang, true);
    let width = |s: &str| {
        s.chars()
            .map(|c| if c.is_ascii() || c == '±' { 1 } else { 2 })
            .sum::<usize>()
    };
    let widths: Vec<usize> = (0..=rows.len())
        .map(|c| cells.iter().map(|r| width(&r[c])).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for r in &cells {
        for (c, cell) in r.iter().enumerate() {
            let pad = " ".repeat(widths[c] - width(cell));
            if c == 0 {
                out.push_str(&format!("{cell}{pad}"));
            } else {
                out.push_str(&format!("  {pad}{cell}"));
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_and_bom() {
        assert_eq!("zh".parse::<Lang>().unwrap(), Lang::Zh);
        assert!("fr".parse::<Lang>().is_err());
        let o = Options {
            excel: true,
            lang: Lang::Zh,
        };
        assert_eq!(&o.csv(b"a\n".to_vec())[..3], &[0xEF, 0xBB, 0xBF]);
        let d = NaiveDate::from_ymd_opt(2026, 11, 11).unwrap();
        assert_eq!(weekday(d, Lang::Zh), "周三");
        assert_eq!(
            sheet_name("Roster", 1, "double11 [peak]: a/b", true),
            "Roster 2 double11 peak ab"
        );
        assert_eq!(sheet_name("Roster", 0, "x", false), "Roster");
        // long sweep labels differ at the end; the number keeps sheet names apart
        let long = |v| {
            sheet_name(
                "Coverage",
                v,
                &format!("baseline service.deflection=0.{v}"),
                true,
            )
        };
        assert_ne!(long(5), long(6));
        assert!(long(5).chars().count() <= 31);
    }
}
