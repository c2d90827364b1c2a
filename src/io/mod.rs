//! Readers and writers at the edge: decoding (UTF-8, UTF-8 with BOM, GBK/GB18030),
//! header checking, precise input errors and atomic output files.

pub mod columns;

pub use columns::Columns;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

/// An input problem located as precisely as we can: file, line, field, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    pub file: PathBuf,
    pub line: Option<u64>,
    pub field: Option<String>,
    pub problem: String,
    pub fix: String,
}

impl InputError {
    pub fn new(file: &Path, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        InputError {
            file: file.to_path_buf(),
            line: None,
            field: None,
            problem: clip_quoted(&problem.into()),
            fix: fix.into(),
        }
    }
    pub fn at(mut self, line: u64) -> Self {
        self.line = Some(line);
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

/// Values quoted in backticks longer than 60 characters are cut (a 2 MB field must not flood
/// the terminal); the rest of the message is kept.
fn clip_quoted(s: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::with_capacity(s.len().min(1024));
    let mut parts = s.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (i, part) in parts.enumerate() {
        out.push('`');
        // odd pieces (0-based after the first) are inside backticks
        if i % 2 == 0 && part.chars().count() > MAX {
            let head: String = part.chars().take(MAX).collect();
            out.push_str(&format!("{head}… ({} characters)", part.chars().count()));
        } else {
            out.push_str(part);
        }
    }
    out
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(l) = self.line {
            write!(f, ", line {l}")?;
        }
        if let Some(c) = &self.field {
            write!(f, ", field `{c}`")?;
        }
        write!(f, ": {}", self.problem)?;
        if !self.fix.is_empty() {
            write!(f, "\n  fix: {}", self.fix)?;
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// Reads a text file, accepting UTF-8 (with or without BOM) and GBK/GB18030, the encoding
/// Chinese Excel saves CSV in. Returns the text and the name of the encoding found.
pub fn read_text(path: &Path) -> Result<(String, &'static str), InputError> {
    note_input(path);
    if is_workbook(path) {
        return Ok((workbook_text(path)?, "Excel workbook"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        InputError::new(
            path,
            format!("cannot read the file: {e}"),
            "check the path and the file permissions",
        )
    })?;
    decode(path, &bytes)
}

pub fn decode(path: &Path, bytes: &[u8]) -> Result<(String, &'static str), InputError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(s) => Ok((
            s.to_string(),
            if body.len() < bytes.len() {
                "UTF-8 with BOM"
            } else {
                "UTF-8"
            },
        )),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(body);
            if had_errors {
                Err(InputError::new(
                    path,
                    "the file is neither UTF-8 nor GBK/GB18030 text",
                    "save it from Excel as \"CSV UTF-8\" (or as plain CSV in GBK)",
                ))
            } else {
                Ok((text.into_owned(), "GBK/GB18030"))
            }
        }
    }
}

/// Whether `path` names an Excel (or OpenDocument) workbook, read by its first sheet.
pub fn is_workbook(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        ["xlsx", "xlsm", "xlsb", "xls", "ods"].contains(&e.to_ascii_lowercase().as_str())
    })
}

/// The first sheet of a workbook as CSV text, cells as Excel shows them: dates and times as
/// `2025-11-11 00:00:00` (a time alone as `00:03:25`, a date alone as `2025-11-11`), numbers
/// as numbers, so every reader reads a workbook as it reads the CSV Excel would save.
pub fn workbook_text(path: &Path) -> Result<String, InputError> {
    use calamine::{open_workbook_auto, Data, Reader};
    let cannot = |e: String| {
        InputError::new(
            path,
            format!("cannot read the workbook: {e}"),
            "save it from Excel as .xlsx again, or as CSV",
        )
    };
    let mut wb = open_workbook_auto(path).map_err(|e| cannot(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| cannot("it has no sheet".into()))?
        .map_err(|e| cannot(e.to_string()))?;
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row
            .iter()
            .map(|c| match c {
                Data::Empty => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Int(i) => i.to_string(),
                Data::Float(f) => f.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => excel_date_text(d.as_f64()),
                Data::Error(e) => format!("#{e:?}"),
            })
            .collect();
        w.write_record(&cells).map_err(|e| cannot(e.to_string()))?;
    }
    let bytes = w.into_inner().map_err(|e| cannot(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| cannot(e.to_string()))
}

/// An Excel date-time serial (days since 1899-12-30) as text: a time alone (under a day) as
/// `HH:MM:SS`, a whole day as a date, else date and time; to the second.
fn excel_date_text(v: f64) -> String {
    let secs = (v * 86_400.0).round() as i64;
    let base = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .expect("valid")
        .and_hms_opt(0, 0, 0)
        .expect("valid");
    if v < 1.0 {
        return format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60);
    }
    let t = base + chrono::Duration::seconds(secs);
    if secs % 86_400 == 0 {
        t.format("%Y-%m-%d").to_string()
    } else {
        t.format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

/// A CSV table read fully into memory with its header resolved to canonical column names.
pub struct Table {
    pub path: PathBuf,
    pub header: Vec<String>,
    pub rows: Vec<(u64, csv::StringRecord)>,
    /// Headers that name a column another header of the file names better (`接待人数` beside
    /// `咨询人数`): not read, and said so (`set aside: …`) by the reader's report.
    pub set_aside: Vec<String>,
    /// Lines of the file that are not the table, left out and said so by the reader's report:
    /// a report's title lines above the header, its total row at the end.
    pub skipped: Vec<String>,
    /// Lines of the file before the header (a report's title), added to every line number.
    offset: u64,
}

/// First cells of a report's total row (合计, 总计, Total, …), left out at the end of a table.
const TOTAL_LABELS: &[&str] = &[
    "合计",
    "总计",
    "汇总",
    "小计",
    "总和",
    "total",
    "totals",
    "sum",
    "grand total",
];

/// Lines above a table's header: a report's title and period lines (`咨询数据报表`,
/// `统计时间：2025-11-01 至 2025-11-30`), recognised when a line within the first ten names two
/// or more of the columns and every line above it has fewer than half its fields filled. 0
/// otherwise (the first line is the header, and its own errors are reported).
pub fn title_lines(text: &str, cols: &[Col], user: &Columns) -> usize {
    let record = |line: &str| -> Vec<String> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(line.as_bytes())
            .records()
            .next()
            .and_then(Result::ok)
            .map(|r| r.iter().map(|f| f.trim().to_string()).collect())
            .unwrap_or_default()
    };
    let lines: Vec<&str> = text.lines().take(10).collect();
    // a header: two or more of its names are columns of the table
    let known = |h: &[String]| {
        h.iter()
            .filter(|x| column_of(x, cols, user).is_some())
            .count()
    };
    if lines
        .first()
        .is_some_and(|l| known(&record(l)) >= 2.min(cols.len()))
    {
        return 0;
    }
    for k in 1..lines.len() {
        let header = record(lines[k]);
        let filled = header.iter().filter(|f| !f.is_empty()).count();
        if filled < 2 || known(&header) < 2 {
            continue;
        }
        let above_short = lines[..k]
            .iter()
            .all(|l| 2 * record(l).iter().filter(|f| !f.is_empty()).count() < filled);
        return if above_short { k } else { 0 };
    }
    0
}

/// Column spec: canonical name, accepted aliases (e.g. Chinese headers), required or not.
pub struct Col {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

impl Col {
    /// A column the file must have.
    pub const fn req(name: &'static str, aliases: &'static [&'static str]) -> Col {
        Col {
            name,
            aliases,
            required: true,
        }
    }
    /// A column the file may have.
    pub const fn opt(name: &'static str, aliases: &'static [&'static str]) -> Col {
        Col {
            name,
            aliases,
            required: false,
        }
    }
}

/// A list in one cell, `pre_sales;after_sales` (also separated by `|` or `、`): the items,
/// trimmed, empty ones dropped.
pub fn cell_list(cell: Option<&str>) -> Vec<String> {
    cell.unwrap_or("")
        .split([';', '|', '、'])
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_string)
        .collect()
}

impl Table {
    /// Parses CSV text and maps its header onto `cols`. Unknown columns are an error (so a
    /// misspelt optional column is not silently ignored), as are missing required ones.
    pub fn parse(
        path: &Path,
        text: &str,
        cols: &[Col],
    ) -> Result<(Table, Vec<Option<usize>>), InputError> {
        Table::parse_with(path, text, cols, &Columns::default())
    }

    /// [`Table::parse`] with the user's own column mapping.
    pub fn parse_with(
        path: &Path,
        text: &str,
        cols: &[Col],
        user: &Columns,
    ) -> Result<(Table, Vec<Option<usize>>), InputError> {
        if text.trim().is_empty() {
            return Err(InputError::new(
                path,
                "the file is empty",
                "export the data with a header row and at least one data row",
            ));
        }
        let skip = title_lines(text, cols, user);
        let body = text.split_inclusive('\n').skip(skip).collect::<String>();
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(false)
            .from_reader(body.as_bytes());
        let first = body.lines().next().unwrap_or("");
        let (mut t, idx) = Table::header(path, first, &mut rdr, cols, user).map_err(|mut e| {
            e.line = e.line.map(|l| l + skip as u64);
            e
        })?;
        t.offset = skip as u64;
        if skip > 0 {
            t.skipped.push(format!(
                "{skip} title line(s) above the header (line {})",
                skip + 1
            ));
        }
        let mut rec = csv::StringRecord::new();
        while let Some(line) = t.next_row(&mut rdr, &mut rec)? {
            t.rows.push((line, rec.clone()));
        }
        // a report's total row at the end is not an interval
        while let Some((line, rec)) = t.rows.last() {
            let first = rec
                .iter()
                .map(str::trim)
                .find(|c| !c.is_empty())
                .unwrap_or("");
            if !TOTAL_LABELS.contains(&first.trim_end_matches([':', '：']).to_lowercase().as_str())
            {
                break;
            }
            t.skipped.push(format!("the `{first}` row (line {line})"));
            t.rows.pop();
        }
        if t.rows.is_empty() {
            return Err(t.no_rows());
        }
        Ok((t, idx))
    }

    /// The start of any table, in memory or streamed: the first line must be comma-separated,
    /// and the header row `rdr` reads is mapped onto `cols`. The table has no rows yet.
    pub fn header<R: std::io::Read>(
        path: &Path,
        first_line: &str,
        rdr: &mut csv::Reader<R>,
        cols: &[Col],
        user: &Columns,
    ) -> Result<(Table, Vec<Option<usize>>), InputError> {
        if !first_line.contains(',') && (first_line.contains(';') || first_line.contains('\t')) {
            return Err(InputError::new(
                path,
                "the header is not comma-separated (found `;` or tab)",
                "save the file as comma-separated CSV",
            )
            .at(1));
        }
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| {
                InputError::new(
                    path,
                    format!("cannot read the header: {e}"),
                    "check the first line",
                )
                .at(1)
            })?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        let (idx, set_aside) = map_columns(path, &header, cols, user)?;
        Ok((
            Table {
                path: path.to_path_buf(),
                header,
                rows: Vec::new(),
                set_aside,
                skipped: Vec::new(),
                offset: 0,
            },
            idx,
        ))
    }

    /// The same table read after `k` title lines of its file (a streamed report whose header is
    /// not on line 1): line numbers counted from the file's start, and said in `skipped`.
    pub fn after_title_lines(mut self, k: usize) -> Table {
        self.offset = k as u64;
        if k > 0 {
            self.skipped.push(format!(
                "{k} title line(s) above the header (line {})",
                k + 1
            ));
        }
        self
    }

    /// Reads the next row that is not blank into `rec` and returns its line number; None at
    /// the end. Malformed rows are located errors.
    pub fn next_row<R: std::io::Read>(
        &self,
        rdr: &mut csv::Reader<R>,
        rec: &mut csv::StringRecord,
    ) -> Result<Option<u64>, InputError> {
        loop {
            let more = rdr.read_record(rec).map_err(|e| {
                let line = e.position().map(|p| p.line()).unwrap_or(0) + self.offset;
                let msg = match e.kind() {
                    csv::ErrorKind::UnequalLengths {
                        expected_len, len, ..
                    } => format!("the row has {len} fields but the header has {expected_len}"),
                    csv::ErrorKind::Utf8 { .. } => "the text is not valid UTF-8 here".to_string(),
                    _ => e.to_string(),
                };
                InputError::new(
                    &self.path,
                    msg,
                    "make every row have the same columns as the header (quote values that contain commas)",
                )
                .at(line)
            })?;
            if !more {
                return Ok(None);
            }
            if !rec.iter().all(|f| f.trim().is_empty()) {
                return Ok(Some(
                    rec.position().map(|p| p.line()).unwrap_or(0) + self.offset,
                ));
            }
        }
    }

    /// The error for a file with a header and nothing under it.
    pub fn no_rows(&self) -> InputError {
        InputError::new(
            &self.path,
            "the file has a header but no data rows",
            "add data rows",
        )
    }

    /// Seconds per unit the header of column `idx` names (`平均接待时长(分钟)`: 60).
    pub fn unit(&self, idx: Option<usize>) -> Option<f64> {
        idx.and_then(|i| self.header.get(i))
            .and_then(|h| columns::unit_seconds(h))
    }

    /// A duration in `field` (seconds, `mm:ss`, `3分25秒`, …; a bare number in the header's unit).
    pub fn seconds(
        &self,
        line: u64,
        field: &str,
        text: &str,
        idx: Option<usize>,
    ) -> Result<f64, InputError> {
        match columns::parse_seconds(text, self.unit(idx)) {
            Some(v) if (0.0..=1e9).contains(&v) => Ok(v),
            Some(_) => self.nonneg(line, field, text),
            None => Err(self.err(
                line,
                field,
                format!("`{text}` is not a duration"),
                "write seconds (205), minutes and seconds (03:25 or 3分25秒), or name the unit in the header, e.g. 平均接待时长(秒)",
            )),
        }
    }

    pub fn get<'a>(&self, rec: &'a csv::StringRecord, idx: Option<usize>) -> Option<&'a str> {
        idx.and_then(|i| rec.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    pub fn err(
        &self,
        line: u64,
        field: &str,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> InputError {
        InputError::new(&self.path, problem, fix)
            .at(line)
            .field(field)
    }

    /// Parses a required local timestamp in `field`.
    pub fn timestamp(
        &self,
        line: u64,
        rec: &csv::StringRecord,
        idx: Option<usize>,
        field: &str,
        tz: chrono_tz::Tz,
    ) -> Result<chrono::NaiveDateTime, InputError> {
        let s = self.get(rec, idx).ok_or_else(|| {
            self.err(line, field, "empty timestamp", format!("fill in `{field}`"))
        })?;
        crate::model::time::parse_timestamp(s, tz)
            .map_err(|e| self.err(line, field, e, "use local times like 2026-11-11 00:00"))
    }

    /// Parses a non-negative number in `field`.
    pub fn nonneg(&self, line: u64, field: &str, text: &str) -> Result<f64, InputError> {
        match text.parse::<f64>() {
            Ok(v) if v > 1e9 && v.is_finite() => Err(self.err(
                line,
                field,
                format!("`{text}` is implausibly large"),
                "counts, hours and seconds above 1,000,000,000 are a mistake (a timestamp or an ID in the wrong column?)",
            )),
            Ok(v) if v.is_finite() && v >= 0.0 => Ok(v),
            Ok(v) if v < 0.0 => Err(self.err(
                line,
                field,
                format!("negative value `{text}`"),
                "counts and durations must be 0 or more",
            )),
            _ => Err(self.err(
                line,
                field,
                format!("`{text}` is not a number"),
                "write a plain number such as 42 or 180.5",
            )),
        }
    }
}

/// Checks that rows come one per interval, in time order, at a step that divides a day.
#[derive(Default)]
pub struct Regular {
    start: Option<chrono::NaiveDateTime>,
    step: i64,
    n: usize,
}

impl Regular {
    pub fn push(
        &mut self,
        t: &Table,
        line: u64,
        field: &str,
        ts: chrono::NaiveDateTime,
    ) -> Result<(), InputError> {
        let fix = "write one row per interval in time order, with no gaps or duplicates";
        match (self.start, self.n) {
            (None, _) => self.start = Some(ts),
            (Some(s), 1) => {
                self.step = (ts - s).num_minutes();
                if self.step <= 0 || 1440 % self.step != 0 {
                    return Err(t.err(
                        line,
                        field,
                        "the first two rows are not a regular interval that divides a day",
                        fix,
                    ));
                }
            }
            (Some(s), n) => {
                let want = s + chrono::Duration::minutes(self.step * n as i64);
                if ts != want {
                    return Err(t.err(
                        line,
                        field,
                        format!(
                            "expected {} (one row per {}-minute interval)",
                            crate::model::time::fmt_ts(want),
                            self.step
                        ),
                        fix,
                    ));
                }
            }
        }
        self.n += 1;
        Ok(())
    }

    /// The grid of the rows pushed (a single row counts as one hour).
    pub fn grid(&self) -> crate::model::time::Grid {
        let step = if self.n > 1 { self.step as u32 } else { 60 };
        crate::model::time::Grid::new(self.start.expect("rows were pushed"), step, self.n)
    }
}

/// Maps a header onto `cols`: the index of each column in the file. A header is a column's
/// canonical name or one of its aliases (compared by [`columns::normalize`]), or what the user
/// mapped it to; headers the user ignores are skipped. When two headers name one column, the
/// one named earlier in the column's list is read and the other set aside (returned, to be
/// reported). Every unknown header is named in one error, with the column it looks like;
/// missing required columns are errors too.
pub fn map_columns(
    path: &Path,
    header: &[String],
    cols: &[Col],
    user: &Columns,
) -> Result<(Vec<Option<usize>>, Vec<String>), InputError> {
    let mut idx: Vec<Option<(usize, usize)>> = vec![None; cols.len()];
    let mut set_aside = Vec::new();
    let mut unknown = Vec::new();
    for (i, h) in header.iter().enumerate() {
        if user.ignored(h) {
            continue;
        }
        let Some((p, rank)) = column_of(h, cols, user) else {
            if !h.trim().is_empty() || i + 1 < header.len() {
                unknown.push(h.as_str());
            }
            continue;
        };
        match idx[p] {
            Some((j, _)) if header[j].trim() == h.trim() => {
                return Err(InputError::new(
                    path,
                    format!("column `{h}` appears twice"),
                    "keep one of the two columns",
                )
                .at(1)
                .field(h.clone()))
            }
            Some((j, r)) if r == rank => {
                return Err(InputError::new(
                    path,
                    format!(
                        "columns `{}` and `{h}` are both `{}`",
                        header[j], cols[p].name
                    ),
                    format!(
                        "keep one of the two columns, or leave one out with --ignore-columns {h}"
                    ),
                )
                .at(1)
                .field(h.clone()))
            }
            Some((j, r)) if r < rank => set_aside.push(format!(
                "`{h}` (`{}` is read from `{}`)",
                cols[p].name, header[j]
            )),
            Some((j, _)) => {
                set_aside.push(format!(
                    "`{}` (`{}` is read from `{h}`)",
                    header[j], cols[p].name
                ));
                idx[p] = Some((i, rank));
            }
            None => idx[p] = Some((i, rank)),
        }
    }
    if !unknown.is_empty() {
        return Err(unknown_columns(path, &unknown, cols));
    }
    for (c, i) in cols.iter().zip(&idx) {
        if c.required && i.is_none() {
            return Err(InputError::new(
                path,
                format!(
                    "required column `{}` is missing (header: {})",
                    c.name,
                    header.join(",")
                ),
                format!(
                    "name the column that holds it: --columns {}=HEADER (or [inputs.columns] {} = \"HEADER\" in the scenario); names read as `{}`: {}",
                    c.name,
                    c.name,
                    c.name,
                    std::iter::once(c.name).chain(c.aliases.iter().copied()).collect::<Vec<_>>().join(", ")
                ),
            )
            .at(1)
            .field(c.name));
        }
    }
    Ok((
        idx.into_iter().map(|o| o.map(|(i, _)| i)).collect(),
        set_aside,
    ))
}

/// The column `h` names and how well (0: the canonical name or the user's own mapping, then
/// the aliases in order).
pub fn column_of(h: &str, cols: &[Col], user: &Columns) -> Option<(usize, usize)> {
    if let Some(key) = user.mapped(h) {
        if let Some(p) = cols.iter().position(|c| c.name == key) {
            return Some((p, 0));
        }
    }
    let n = columns::normalize(h);
    cols.iter().enumerate().find_map(|(p, c)| {
        std::iter::once(c.name)
            .chain(c.aliases.iter().copied())
            .position(|a| columns::normalize(a) == n)
            .map(|rank| (p, rank))
    })
}

/// One error naming every unknown header, each with the column it looks like, and the flags
/// that map or leave them out.
fn unknown_columns(path: &Path, unknown: &[&str], cols: &[Col]) -> InputError {
    let named = || cols.iter().map(|c| (c.name, c.aliases));
    let quoted: Vec<String> = unknown.iter().map(|h| format!("`{h}`")).collect();
    let mut fixes = Vec::new();
    let mut maps = Vec::new();
    for h in unknown {
        if let Some(name) = columns::guess(h, named()) {
            fixes.push(format!(
                "`{h}` looks like the {name}: add --columns {name}={h}"
            ));
            maps.push(format!("{name}={h}"));
        }
    }
    let known: Vec<&str> = cols.iter().map(|c| c.name).collect();
    let rest: Vec<&str> = unknown
        .iter()
        .copied()
        .filter(|h| columns::guess(h, named()).is_none())
        .collect();
    if !rest.is_empty() {
        fixes.push(format!(
            "leave out what paiban does not use with --ignore-columns {} (or ignore_columns in the scenario's [inputs]); the columns this file may have are: {}",
            rest.join(","),
            known.join(", ")
        ));
    }
    let problem = if unknown.len() == 1 {
        format!("unknown column {}", quoted[0])
    } else {
        format!("{} unknown columns: {}", unknown.len(), quoted.join(", "))
    };
    // one fix per line, under the first
    InputError::new(path, problem, fixes.join("\n       "))
        .at(1)
        .field(unknown[0].to_string())
}

/// The first line of a file as text (for sniffing its format), with its byte-order mark
/// removed; GBK is decoded.
pub fn first_line(path: &Path) -> Result<String, InputError> {
    Ok(first_lines(path, 1)?.into_iter().next().unwrap_or_default())
}

/// The first `n` lines of a file as text (from its first 64 KB; for sniffing its format and
/// finding a report's header under its title), byte-order mark removed, GBK decoded.
pub fn first_lines(path: &Path, n: usize) -> Result<Vec<String>, InputError> {
    use std::io::Read;
    if is_workbook(path) {
        return Ok(workbook_text(path)?
            .lines()
            .take(n)
            .map(str::to_string)
            .collect());
    }
    let mut f = std::fs::File::open(path).map_err(|e| {
        InputError::new(
            path,
            format!("cannot read the file: {e}"),
            "check the path and the file permissions",
        )
    })?;
    let mut buf = vec![0u8; 64 * 1024];
    let mut got = 0;
    while got < buf.len() {
        match f.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) => {
                return Err(InputError::new(
                    path,
                    format!("cannot read the file: {e}"),
                    "check the file",
                ))
            }
        }
    }
    let head = &buf[..got];
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let utf8 = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    Ok(head
        .split(|b| *b == b'\n')
        .take(n.max(1))
        .map(|line| {
            let text = match (utf8, std::str::from_utf8(line)) {
                (true, Ok(s)) => s.to_string(),
                _ => encoding_rs::GB18030.decode(line).0.into_owned(),
            };
            text.trim_end_matches('\r').to_string()
        })
        .collect())
}

/// A file opened for streaming as UTF-8 text: UTF-8 (with or without BOM) passes through,
/// anything else is decoded as GBK/GB18030 on the fly. Which one is decided from the first
/// megabyte; the name of the encoding is returned with the reader.
pub fn open_text(path: &Path) -> Result<(Box<dyn std::io::Read>, &'static str), InputError> {
    note_input(path);
    if is_workbook(path) {
        // a workbook's sheet is read whole (Excel holds at most 1,048,576 rows)
        let text = workbook_text(path)?;
        return Ok((
            Box::new(std::io::Cursor::new(text.into_bytes())),
            "Excel workbook",
        ));
    }
    use std::io::{Read, Seek};
    let cannot = |e: std::io::Error| {
        InputError::new(
            path,
            format!("cannot read the file: {e}"),
            "check the path and the file permissions",
        )
    };
    let mut f = std::fs::File::open(path).map_err(cannot)?;
    let mut head = Vec::with_capacity(1 << 20);
    (&mut f)
        .take(1 << 20)
        .read_to_end(&mut head)
        .map_err(cannot)?;
    f.rewind().map_err(cannot)?;
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    let body = if bom { &head[3..] } else { &head[..] };
    // valid UTF-8, or cut in the middle of a character at the end of the sample
    let utf8 = match std::str::from_utf8(body) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    };
    let file = std::io::BufReader::with_capacity(1 << 16, f);
    if utf8 {
        let r = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .bom_sniffing(true)
            .utf8_passthru(true)
            .strip_bom(true)
            .build(file);
        Ok((Box::new(r), if bom { "UTF-8 with BOM" } else { "UTF-8" }))
    } else {
        let r = encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding_rs::GB18030))
            .build(file);
        Ok((Box::new(r), "GBK/GB18030"))
    }
}

/// Every file read as input in this process (canonical paths): outputs never replace them.
static INPUTS: std::sync::Mutex<std::collections::BTreeSet<PathBuf>> =
    std::sync::Mutex::new(std::collections::BTreeSet::new());

/// Records `path` as an input of this run, so no output may overwrite it.
pub fn note_input(path: &Path) {
    if let Ok(p) = path.canonicalize() {
        INPUTS.lock().unwrap_or_else(|e| e.into_inner()).insert(p);
    }
}

fn is_input(path: &Path) -> bool {
    path.canonicalize().is_ok_and(|p| {
        INPUTS
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .contains(&p)
    })
}

/// Held while output files are being written. An interrupt (Ctrl-C) takes it before the
/// process exits, so it waits for a set of files being written to be complete: outputs are
/// all there or none are, and no temporary file is left behind.
static COMMIT: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Waits until no output is being written and keeps it so (see [`commit`]); for the
/// interrupt handler, which exits while holding it.
pub fn hold_outputs() -> std::sync::MutexGuard<'static, ()> {
    COMMIT.lock().unwrap_or_else(|p| p.into_inner())
}

/// Writes a set of files, each atomically (see [`write_atomic`]), as one step an interrupt
/// does not split. Every file is complete before the first is renamed into place, so an
/// error while preparing them leaves the old outputs as they were.
pub fn commit(files: &[(PathBuf, Vec<u8>)]) -> Result<(), (PathBuf, std::io::Error)> {
    let _g = hold_outputs();
    if let Some((p, _)) = files.iter().find(|(p, _)| is_input(p)) {
        return Err((
            p.clone(),
            std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "it is one of this command's input files, and paiban never overwrites its inputs; write the output elsewhere",
            ),
        ));
    }
    let mut staged = Vec::with_capacity(files.len());
    for (path, bytes) in files {
        staged.push((path, stage(path, bytes).map_err(|e| (path.clone(), e))?));
    }
    for (path, tmp) in staged {
        tmp.persist(path).map_err(|e| (path.clone(), e.error))?;
    }
    Ok(())
}

/// The content of `path` in a complete temporary file beside it, not yet renamed.
fn stage(path: &Path, bytes: &[u8]) -> std::io::Result<tempfile::NamedTempFile> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    // readable by others like any file the user writes (tempfile's default is 0600)
    let mut b = tempfile::Builder::new();
    b.prefix(".paiban-");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let mut tmp = b.tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Writes a file atomically: the content goes to a temporary file in the same folder that is
/// renamed over the target only when complete, so a failure never leaves half a file.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    commit(&[(path.to_path_buf(), bytes.to_vec())]).map_err(|(_, e)| e)
}

/// Serialises rows of a `serde` type as CSV into memory.
pub fn csv_bytes<T: serde::Serialize>(rows: &[T]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new().from_writer(Vec::new());
    for r in rows {
        w.serialize(r).expect("serialising to memory cannot fail");
    }
    w.into_inner().expect("flush to memory cannot fail")
}

/// Format a float for CSV output with a fixed number of decimals and no `-0`.
pub fn fmt_f(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_gbk_and_bom() {
        let p = Path::new("x.csv");
        let (gbk, _, _) = encoding_rs::GBK.encode("时间,咨询量\n");
        let (t, enc) = decode(p, &gbk).unwrap();
        assert_eq!(t, "时间,咨询量\n");
        assert_eq!(enc, "GBK/GB18030");
        let (t, enc) = decode(p, b"\xEF\xBB\xBFa,b\n").unwrap();
        assert_eq!((t.as_str(), enc), ("a,b\n", "UTF-8 with BOM"));
    }

    #[test]
    fn unknown_and_missing_columns() {
        let cols = [
            Col::req("timestamp", &["时间"]),
            Col::req("count", &["咨询量"]),
        ];
        let e = Table::parse(Path::new("h.csv"), "timestamp,cnt\n1,2\n", &cols)
            .err()
            .unwrap();
        assert!(e.to_string().contains("unknown column `cnt`"), "{e}");
        // a guess is offered for a header that shares a name
        let e = Table::parse(Path::new("h.csv"), "时间,进线咨询量,备注\n1,2,x\n", &cols)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("2 unknown columns: `进线咨询量`, `备注`"), "{e}");
        assert!(e.contains("add --columns count=进线咨询量"), "{e}");
        assert!(e.contains("--ignore-columns 备注"), "{e}");
        let mut user = Columns::default();
        user.map.insert("count".into(), "进线咨询量".into());
        user.ignore.insert("备注".into());
        let (t, idx) = Table::parse_with(
            Path::new("h.csv"),
            "时间,进线咨询量,备注\n1,2,x\n",
            &cols,
            &user,
        )
        .unwrap();
        assert_eq!(idx, vec![Some(0), Some(1)]);
        assert!(t.set_aside.is_empty());
        let e = Table::parse(Path::new("h.csv"), "时间\n1\n", &cols)
            .err()
            .unwrap();
        assert!(e.to_string().contains("`count` is missing"), "{e}");
        let e = Table::parse(Path::new("h.csv"), "timestamp;count\n1;2\n", &cols)
            .err()
            .unwrap();
        assert!(e.to_string().contains("not comma-separated"), "{e}");
    }

    #[test]
    fn atomic_write_replaces() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.csv");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(d.path()).unwrap().count(), 1);
    }
}
