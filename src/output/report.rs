//! A self-contained HTML report (no scripts or fonts from the network): the scenario
//! comparison and, per scenario, history against forecast, the requirement against agents on
//! duty as a day × hour heatmap, and the roster as a Gantt chart. Charts are inline SVG drawn
//! here; a few lines of inline script only confirm that the charts were laid out.

use crate::output::export::{comparison_cells, kind_names, shift_kind, Lang, View, KIND_COLOURS};
use crate::pipeline::whatif::Row;
use chrono::{Duration, NaiveDateTime};
use std::fmt::Write;

/// Agents drawn in a Gantt chart; larger teams show the first ones and say so.
const GANTT_AGENTS: usize = 80;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn tr(lang: Lang, en: &'static str, zh: &'static str) -> &'static str {
    if lang == Lang::Zh {
        zh
    } else {
        en
    }
}

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Segoe UI','PingFang SC','Microsoft YaHei',sans-serif;margin:24px;color:#222;max-width:1280px}
h1{font-size:22px}h2{font-size:18px;margin-top:32px;border-bottom:1px solid #ddd}h3{font-size:15px}
table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}th{background:#f4f4f4}
.kpi{display:inline-block;margin:4px 16px 4px 0}.kpi b{font-size:18px;display:block}
svg{display:block;margin:8px 0}.note{color:#666;font-size:12px}";

/// The report for one or more scenarios (`comparison` has one row per view).
pub fn html(views: &[View], comparison: &[Row], lang: Lang) -> String {
    let mut h = String::new();
    let title = if views.len() == 1 {
        format!("paiban — {}", esc(views[0].label))
    } else {
        format!("paiban — {}", tr(lang, "scenario comparison", "方案对比"))
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{title}</title><style>{STYLE}</style></head><body>\n<h1>{title}</h1>\n",
        if lang == Lang::Zh { "zh" } else { "en" }
    );
    if views.len() > 1 {
        let _ = write!(
            h,
            "<h2>{}</h2>\n{}",
            tr(lang, "Scenarios side by side", "方案对比"),
            table(&comparison_cells(comparison, lang, true))
        );
        let _ = writeln!(
            h,
            "<div class=\"comparison\">{}</div>",
            cost_service_chart(comparison, lang)
        );
    }
    for (v, row) in views.iter().zip(comparison) {
        section(&mut h, v, row, lang);
    }
    h.push_str("<script>\n// marks the page once every chart has a laid-out size (checked in tests with headless Chromium)\nwindow.addEventListener('load',function(){var s=document.querySelectorAll('svg');var ok=s.length>0;for(var i=0;i<s.length;i++){var b=s[i].getBoundingClientRect();if(!(b.width>0&&b.height>0))ok=false;}document.body.setAttribute('data-charts',ok?'rendered:'+s.length:'broken');});\n</script>\n</body></html>\n");
    h
}

fn table(cells: &[Vec<String>]) -> String {
    let mut t = String::from("<table>\n");
    for (i, r) in cells.iter().enumerate() {
        t.push_str("<tr>");
        for c in r {
            let tag = if i == 0 { "th" } else { "td" };
            let _ = write!(t, "<{tag}>{}</{tag}>", esc(c));
        }
        t.push_str("</tr>\n");
    }
    t.push_str("</table>\n");
    t
}

fn section(h: &mut String, v: &View, row: &Row, lang: Lang) {
    let _ = writeln!(h, "<h2>{}</h2>", esc(v.label));
    let kpis = [
        (
            tr(lang, "forecast inquiries", "预测咨询量"),
            format!("{:.0}", row.forecast_inquiries),
        ),
        (
            tr(lang, "peak agents required", "峰值需求"),
            row.peak_agents_required.to_string(),
        ),
        (
            tr(lang, "paid hours", "计薪工时"),
            format!("{:.0}", row.paid_hours),
        ),
        (
            tr(lang, "labour cost", "人力成本"),
            format!("{:.0}", row.labour_cost),
        ),
        (
            tr(lang, "under-covered agent-hours", "缺员人时"),
            format!("{:.1}", row.under_agent_hours),
        ),
        (
            tr(lang, "service level (simulated)", "服务水平(仿真)"),
            format!("{:.1}%", 100.0 * row.service_level),
        ),
        (
            tr(lang, "abandoned (simulated)", "放弃率(仿真)"),
            if row.abandon.is_finite() {
                format!("{:.1}%", 100.0 * row.abandon)
            } else {
                "–".into()
            },
        ),
    ];
    for (k, val) in kpis {
        let _ = write!(h, "<span class=\"kpi\"><b>{val}</b>{k}</span>");
    }
    let _ = writeln!(
        h,
        "\n<h3>{}</h3>",
        tr(
            lang,
            "History and forecast (hourly, P10–P90 band)",
            "历史与预测(每小时,P10–P90区间)"
        )
    );
    let _ = writeln!(h, "<div class=\"history\">{}</div>", forecast_chart(v));
    let _ = writeln!(
        h,
        "<h3>{}</h3>",
        tr(
            lang,
            "Agents on duty minus required, by day and hour",
            "在岗人数减需求人数(按日和小时)"
        )
    );
    let _ = writeln!(h, "<div class=\"heatmap\">{}</div>", heatmap(v, lang));
    let _ = writeln!(h, "<h3>{}</h3>", tr(lang, "Roster", "排班甘特图"));
    let _ = writeln!(h, "<div class=\"gantt\">{}</div>", gantt(v, lang));
    let shortfalls = &v.output.plan.shortfalls;
    if !shortfalls.is_empty() {
        let _ = writeln!(h, "<h3>{}</h3><ul>", tr(lang, "Shortfalls", "缺员说明"));
        for s in shortfalls.iter().take(20) {
            let _ = writeln!(h, "<li>{}</li>", esc(&s.message));
        }
        if shortfalls.len() > 20 {
            let _ = writeln!(h, "<li>… {} more</li>", shortfalls.len() - 20);
        }
        h.push_str("</ul>\n");
    }
}

/// Hourly sums of a series on any grid: (hour start, value) for the hours it covers.
fn hourly(
    start: NaiveDateTime,
    step: u32,
    values: impl Iterator<Item = Option<f64>>,
) -> Vec<(NaiveDateTime, Option<f64>)> {
    let per = (60 / step.min(60)).max(1) as usize;
    let vals: Vec<Option<f64>> = values.collect();
    vals.chunks(per)
        .enumerate()
        .map(|(i, c)| {
            let sum = c.iter().try_fold(0.0, |a, x| x.map(|x| a + x));
            (start + Duration::hours(i as i64), sum)
        })
        .collect()
}

fn forecast_chart(v: &View) -> String {
    let f = &v.output.forecast;
    let hist = &v.inputs.history;
    let step = f.grid.step_minutes;
    let fc: Vec<(NaiveDateTime, Option<f64>)> =
        hourly(f.grid.start, step, f.points.iter().map(|p| Some(p.volume)));
    let lo: Vec<f64> = hourly(f.grid.start, step, f.points.iter().map(|p| Some(p.p10)))
        .iter()
        .map(|x| x.1.unwrap_or(0.0))
        .collect();
    let hi: Vec<f64> = hourly(f.grid.start, step, f.points.iter().map(|p| Some(p.p90)))
        .iter()
        .map(|x| x.1.unwrap_or(0.0))
        .collect();
    // the last 14 days of history before the forecast
    let from = f.grid.start - Duration::days(14);
    let hs = hist.grid.step_minutes;
    let first = (0..hist.grid.len)
        .find(|&k| hist.grid.at(k) >= from)
        .unwrap_or(hist.grid.len);
    let past = hourly(
        hist.grid.at(first.min(hist.grid.len.saturating_sub(1))),
        hs,
        hist.volume[first..].iter().copied(),
    );
    let t0 = past.first().map_or(f.grid.start, |p| p.0);
    let t1 = f.grid.end();
    let span = (t1 - t0).num_minutes().max(1) as f64;
    let ymax = past
        .iter()
        .filter_map(|p| p.1)
        .chain(hi.iter().copied())
        .fold(1.0, f64::max);
    let (w, ht, l, b) = (1200.0, 260.0, 50.0, 24.0);
    let x = |t: NaiveDateTime| l + (w - l - 10.0) * (t - t0).num_minutes() as f64 / span;
    let y = |v: f64| (ht - b) - (ht - b - 10.0) * v / ymax;
    let mut s = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{ht}\" viewBox=\"0 0 {w} {ht}\" role=\"img\">");
    axes(&mut s, w, ht, l, b, ymax, y);
    // P10–P90 band
    let mut band = String::new();
    for (i, (t, _)) in fc.iter().enumerate() {
        let _ = write!(
            band,
            "{}{:.1},{:.1} ",
            if i == 0 { "M" } else { "L" },
            x(*t),
            y(hi[i])
        );
    }
    for (i, (t, _)) in fc.iter().enumerate().rev() {
        let _ = write!(band, "L{:.1},{:.1} ", x(*t), y(lo[i]));
    }
    let _ = write!(
        s,
        "<path d=\"{band}Z\" fill=\"#9ecae1\" fill-opacity=\"0.5\" stroke=\"none\"/>"
    );
    s.push_str(&line(&past, &x, &y, "#555"));
    s.push_str(&line(&fc, &x, &y, "#08519c"));
    // day ticks
    let mut d = t0.date().and_hms_opt(0, 0, 0).expect("midnight");
    while d <= t1 {
        if d >= t0 {
            let _ = write!(s, "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1}\" y2=\"{2}\" stroke=\"#eee\"/><text x=\"{3:.1}\" y=\"{4}\" font-size=\"9\" fill=\"#666\">{5}</text>", x(d), 10.0, ht - b, x(d) + 2.0, ht - 8.0, d.format("%m-%d"));
        }
        d += Duration::days(1);
    }
    let _ = write!(s, "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"10\" y2=\"{1}\" stroke=\"#c00\" stroke-dasharray=\"4 3\"/>", x(f.grid.start), ht - b);
    s.push_str("</svg>\n");
    s
}

fn axes(s: &mut String, w: f64, ht: f64, l: f64, b: f64, ymax: f64, y: impl Fn(f64) -> f64) {
    let _ = write!(
        s,
        "<line x1=\"{l}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#999\"/>",
        w - 10.0,
        ht - b,
        ht - b
    );
    for k in 0..=4 {
        let v = ymax * k as f64 / 4.0;
        let _ = write!(s, "<text x=\"{}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\" fill=\"#666\">{:.0}</text>", l - 4.0, y(v) + 3.0, v);
    }
}

fn line(
    pts: &[(NaiveDateTime, Option<f64>)],
    x: &dyn Fn(NaiveDateTime) -> f64,
    y: &dyn Fn(f64) -> f64,
    colour: &str,
) -> String {
    let mut d = String::new();
    let mut pen = false;
    for (t, v) in pts {
        match v {
            Some(v) => {
                let _ = write!(
                    d,
                    "{}{:.1},{:.1} ",
                    if pen { "L" } else { "M" },
                    x(*t),
                    y(*v)
                );
                pen = true;
            }
            None => pen = false,
        }
    }
    format!("<path d=\"{d}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.3\"/>")
}

fn heatmap(v: &View, lang: Lang) -> String {
    let req = &v.output.requirements;
    let sched = v
        .output
        .check
        .coverage
        .as_ref()
        .map(|c| c.effective.clone())
        .unwrap_or_default();
    let per_day = req.grid.per_day();
    let days = req.grid.len.div_ceil(per_day);
    let per_hour = (per_day / 24).max(1);
    let (cw, ch, l, top) = (40.0, 20.0, 90.0, 20.0);
    let (w, ht) = (l + 24.0 * cw + 10.0, top + days as f64 * ch + 30.0);
    let mut s = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{ht}\" viewBox=\"0 0 {w} {ht}\" role=\"img\">");
    for hr in 0..24 {
        let _ = write!(s, "<text x=\"{:.1}\" y=\"14\" font-size=\"10\" text-anchor=\"middle\" fill=\"#666\">{hr:02}</text>", l + (hr as f64 + 0.5) * cw);
    }
    for d in 0..days {
        let date = req.grid.at(d * per_day).date();
        let _ = write!(
            s,
            "<text x=\"4\" y=\"{:.1}\" font-size=\"11\">{} {}</text>",
            top + d as f64 * ch + 14.0,
            date.format("%m-%d"),
            crate::model::time::weekday_short(chrono::Datelike::weekday(&date))
        );
        for hr in 0..24 {
            let ks = (0..per_hour)
                .map(|q| d * per_day + hr * per_hour + q)
                .filter(|k| *k < req.grid.len);
            let (mut diff, mut n, mut need) = (0.0, 0.0, 0u32);
            for k in ks {
                let r = req.rows[k].agents_required;
                need = need.max(r);
                diff += sched.get(k).copied().unwrap_or(0) as f64 - r as f64;
                n += 1.0;
            }
            if n == 0.0 {
                continue;
            }
            let m = diff / n;
            let fill = if need == 0 && m.abs() < 1e-9 {
                "#f7f7f7".to_string()
            } else if m < -0.05 {
                let a = (-m / 5.0).min(1.0);
                format!("rgb(255,{0:.0},{0:.0})", 230.0 - 180.0 * a)
            } else if m > 1.0 {
                let a = (m / 8.0).min(1.0);
                format!("rgb({0:.0},{0:.0},255)", 230.0 - 150.0 * a)
            } else {
                "#d9f0d3".to_string()
            };
            let _ = write!(s, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{}\" height=\"{}\" fill=\"{fill}\" stroke=\"#fff\"><title>{:+.1}</title></rect>", l + hr as f64 * cw, top + d as f64 * ch, cw, ch, m);
            if m.abs() >= 0.5 {
                let _ = write!(s, "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9\" text-anchor=\"middle\" fill=\"#333\">{:+.0}</text>", l + (hr as f64 + 0.5) * cw, top + d as f64 * ch + 13.0, m);
            }
        }
    }
    let _ = write!(
        s,
        "<text x=\"{l}\" y=\"{:.1}\" font-size=\"10\" fill=\"#666\">{}</text>",
        ht - 8.0,
        tr(
            lang,
            "red: short of the requirement · green: met · blue: more than needed (mean per hour)",
            "红:低于需求 · 绿:满足 · 蓝:高于需求(每小时平均)"
        )
    );
    s.push_str("</svg>\n");
    s
}

fn gantt(v: &View, lang: Lang) -> String {
    let r = &v.output.roster.roster;
    let Some(first) = r.dates.first() else {
        return String::new();
    };
    let t0 = first.and_hms_opt(0, 0, 0).expect("midnight");
    let hours = (r.dates.len() as f64 + 1.0) * 24.0;
    let agents: Vec<&crate::scenario::agents::Agent> =
        v.inputs.agents.iter().take(GANTT_AGENTS).collect();
    let (l, top, rh, w) = (150.0, 20.0, 14.0, 1200.0);
    let ht = top + agents.len() as f64 * rh + 30.0;
    let x = |t: NaiveDateTime| l + (w - l - 10.0) * (t - t0).num_minutes() as f64 / 60.0 / hours;
    let mut s = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{ht}\" viewBox=\"0 0 {w} {ht}\" role=\"img\">");
    for (k, d) in r.dates.iter().enumerate() {
        let at = t0 + Duration::days(k as i64);
        let _ = write!(s, "<line x1=\"{0:.1}\" x2=\"{0:.1}\" y1=\"{1}\" y2=\"{2:.1}\" stroke=\"#ddd\"/><text x=\"{3:.1}\" y=\"14\" font-size=\"10\" fill=\"#666\">{4} {5}</text>", x(at), top, ht - 30.0, x(at) + 3.0, d.format("%m-%d"), crate::model::time::weekday_short(chrono::Datelike::weekday(d)));
    }
    let mut by_agent: std::collections::BTreeMap<&str, Vec<&crate::model::WorkShift>> =
        Default::default();
    for e in &r.entries {
        if let Some(sh) = &e.shift {
            by_agent.entry(e.agent_id.as_str()).or_default().push(sh);
        }
    }
    for (i, a) in agents.iter().enumerate() {
        let yy = top + i as f64 * rh;
        let _ = write!(
            s,
            "<text x=\"4\" y=\"{:.1}\" font-size=\"10\">{} {}</text>",
            yy + 10.0,
            esc(&a.id),
            esc(&a.name)
        );
        for sh in by_agent.get(a.id.as_str()).into_iter().flatten() {
            let (bg, _) = KIND_COLOURS[shift_kind(sh)];
            let _ = write!(s, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{}\" fill=\"#{bg:06X}\"><title>{} {}</title></rect>", x(sh.start), yy + 1.0, (x(sh.end) - x(sh.start)).max(1.0), rh - 3.0, esc(&a.id), esc(&sh.label));
            for (b0, b1) in sh.breaks.iter().chain(&sh.paid_breaks) {
                let _ = write!(s, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{}\" fill=\"#fff\" fill-opacity=\"0.8\"/>", x(*b0), yy + 1.0, (x(*b1) - x(*b0)).max(0.5), rh - 3.0);
            }
            // offline work: paid, off the queue
            for (b0, b1) in &sh.offline {
                let _ = write!(s, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{}\" fill=\"#fff\" fill-opacity=\"0.45\"><title>{}</title></rect>", x(*b0), yy + 1.0, (x(*b1) - x(*b0)).max(0.5), rh - 3.0, tr(lang, "offline work", "离线工作"));
            }
        }
    }
    let names = kind_names(lang);
    for (k, (bg, _)) in KIND_COLOURS.iter().enumerate() {
        let _ = write!(s, "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"12\" height=\"10\" fill=\"#{bg:06X}\"/><text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\">{}</text>", l + k as f64 * 90.0, ht - 20.0, l + k as f64 * 90.0 + 16.0, ht - 11.0, names[k]);
    }
    s.push_str("</svg>\n");
    if v.inputs.agents.len() > GANTT_AGENTS {
        let _ = writeln!(
            s,
            "<p class=\"note\">{} {GANTT_AGENTS} / {}; {}</p>",
            tr(lang, "showing the first", "显示前"),
            v.inputs.agents.len(),
            tr(
                lang,
                "the workbook and roster.csv have everyone",
                "完整名单见 workbook.xlsx 与 roster.csv"
            )
        );
    }
    s
}

/// Labour cost against simulated service level, one point per scenario (a sweep's curve).
fn cost_service_chart(rows: &[Row], lang: Lang) -> String {
    let (w, ht, l, b) = (700.0, 300.0, 60.0, 40.0);
    let (cmin, cmax) = rows.iter().fold((f64::MAX, f64::MIN), |(a, z), r| {
        (a.min(r.labour_cost), z.max(r.labour_cost))
    });
    let pad = ((cmax - cmin) * 0.1).max(1.0);
    let (cmin, cmax) = (cmin - pad, cmax + pad);
    let x = |c: f64| l + (w - l - 20.0) * (c - cmin) / (cmax - cmin);
    let y = |sl: f64| (ht - b) - (ht - b - 20.0) * sl;
    let mut s = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{ht}\" viewBox=\"0 0 {w} {ht}\" role=\"img\">");
    let _ = write!(s, "<line x1=\"{l}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#999\"/><line x1=\"{l}\" x2=\"{l}\" y1=\"20\" y2=\"{}\" stroke=\"#999\"/>", w - 20.0, ht - b, ht - b, ht - b);
    for k in 0..=4 {
        let sl = k as f64 / 4.0;
        let _ = write!(s, "<text x=\"{}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"end\" fill=\"#666\">{:.0}%</text>", l - 4.0, y(sl) + 3.0, 100.0 * sl);
    }
    for k in 0..=4 {
        let c = cmin + (cmax - cmin) * k as f64 / 4.0;
        let _ = write!(s, "<text x=\"{:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" fill=\"#666\">{c:.0}</text>", x(c), ht - b + 13.0);
    }
    let _ = write!(
        s,
        "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{}</text>",
        (l + w) / 2.0,
        ht - 8.0,
        tr(
            lang,
            "labour cost → simulated service level",
            "人力成本 → 仿真服务水平"
        )
    );
    let mut d = String::new();
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(
            d,
            "{}{:.1},{:.1} ",
            if i == 0 { "M" } else { "L" },
            x(r.labour_cost),
            y(r.service_level)
        );
    }
    let _ = write!(s, "<path d=\"{d}\" fill=\"none\" stroke=\"#bbb\"/>");
    for r in rows {
        // labels on the right half read leftwards, so they stay inside the chart
        let (lx, anchor) = if x(r.labour_cost) > (l + w) / 2.0 {
            (x(r.labour_cost) - 6.0, "end")
        } else {
            (x(r.labour_cost) + 6.0, "start")
        };
        let _ = write!(s, "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"#08519c\"><title>{}</title></circle><text x=\"{lx:.1}\" y=\"{:.1}\" font-size=\"10\" text-anchor=\"{anchor}\">{} ({:.0})</text>", x(r.labour_cost), y(r.service_level), esc(&r.scenario), y(r.service_level) - 6.0, esc(&r.scenario), r.labour_cost);
    }
    s.push_str("</svg>\n");
    s
}
