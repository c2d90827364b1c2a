//! Reader for the Curtois & Qu employee shift scheduling benchmark format
//! (`SECTION_HORIZON` … `SECTION_COVER`, schedulingbenchmarks.org), mapped onto the general
//! rule model of [`crate::rules`]. Nothing here knows any particular instance.

use crate::io::{read_text, InputError};
pub mod construct;
pub mod decompose;
pub mod generate;
pub mod model;
mod pricing;
pub mod solve;

pub use model::{evaluate, Assignment, Problem, Solution, Summary};
use model::{Cover, Employee, Request, ShiftType};
pub use solve::solve;
use std::collections::HashMap;
use std::path::Path;

/// The most shift types an instance may have (a schedule stores a day's choice in a byte; the
/// published family has up to 32).
const MAX_SHIFT_TYPES: usize = 254;

const SECTIONS: [&str; 8] = [
    "SECTION_HORIZON",
    "SECTION_SHIFTS",
    "SECTION_STAFF",
    "SECTION_DAYS_OFF",
    "SECTION_SHIFT_ON_REQUESTS",
    "SECTION_SHIFT_OFF_REQUESTS",
    "SECTION_COVER",
    "",
];

/// Reads an instance file; errors name the file, line, field and what to fix.
pub fn read(path: &Path) -> Result<Problem, InputError> {
    let (text, _) = read_text(path)?;
    // lines of each section, with their line numbers
    let mut sections: HashMap<&str, Vec<(u64, &str)>> = HashMap::new();
    let mut current: Option<&str> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let no = i as u64 + 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("SECTION_") {
            let name = SECTIONS.iter().find(|s| **s == line).ok_or_else(|| {
                InputError::new(
                    path,
                    format!("unknown section `{line}`"),
                    format!("sections are {}", SECTIONS[..7].join(", ")),
                )
                .at(no)
            })?;
            current = Some(name);
            sections.entry(name).or_default();
            continue;
        }
        let Some(sec) = current else {
            return Err(InputError::new(
                path,
                "data before the first SECTION_ header",
                "start with SECTION_HORIZON",
            )
            .at(no));
        };
        sections.entry(sec).or_default().push((no, line));
    }
    let need = |name: &str| -> Result<&Vec<(u64, &str)>, InputError> {
        sections.get(name).ok_or_else(|| {
            InputError::new(path, format!("{name} is missing (the file may be truncated)"), "every instance has SECTION_HORIZON, SECTION_SHIFTS, SECTION_STAFF and SECTION_COVER")
        })
    };
    let int = |no: u64, field: &str, v: &str| -> Result<u32, InputError> {
        // published files write some zeros as `-0`
        let t = v.trim();
        let t = t
            .strip_prefix('-')
            .filter(|r| r.parse::<u32>() == Ok(0))
            .unwrap_or(t);
        t.parse::<u32>().map_err(|_| {
            InputError::new(
                path,
                format!("`{v}` is not a whole number"),
                "write a whole number, 0 or more",
            )
            .at(no)
            .field(field)
        })
    };
    let fields = |no: u64, line: &str, n: usize, what: &str| -> Result<Vec<String>, InputError> {
        let f: Vec<String> = line.split(',').map(|x| x.trim().to_string()).collect();
        if f.len() < n {
            return Err(InputError::new(
                path,
                format!(
                    "{what}: expected {n} comma-separated fields, found {}",
                    f.len()
                ),
                "see the section's header comment for the fields",
            )
            .at(no));
        }
        Ok(f)
    };
    let horizon = need("SECTION_HORIZON")?;
    let (hno, hline) = *horizon.first().ok_or_else(|| {
        InputError::new(
            path,
            "SECTION_HORIZON has no length",
            "give the horizon length in days",
        )
    })?;
    let days = int(hno, "horizon", hline)? as usize;
    if days == 0 || days > 366 {
        return Err(
            InputError::new(path, format!("horizon of {days} days"), "1 to 366 days")
                .at(hno)
                .field("horizon"),
        );
    }
    // shifts (the successions refer to ids defined later in the section: two passes)
    let shift_lines = need("SECTION_SHIFTS")?;
    let mut shifts: Vec<ShiftType> = Vec::new();
    for &(no, line) in shift_lines {
        let f = fields(no, line, 2, "shift")?;
        if shifts.iter().any(|s| s.id == f[0]) {
            return Err(InputError::new(
                path,
                format!("shift `{}` is defined twice", f[0]),
                "give each shift its own id",
            )
            .at(no)
            .field("ShiftID"));
        }
        shifts.push(ShiftType {
            id: f[0].clone(),
            minutes: int(no, "Length", &f[1])?,
            cannot_follow: Vec::new(),
        });
    }
    if shifts.len() > MAX_SHIFT_TYPES {
        return Err(InputError::new(
            path,
            format!(
                "{} shift types: at most {MAX_SHIFT_TYPES} are supported",
                shifts.len()
            ),
            "merge shift types that are alike or split the instance",
        )
        .at(shift_lines[MAX_SHIFT_TYPES].0));
    }
    let shift_ids: Vec<String> = shifts.iter().map(|s| s.id.clone()).collect();
    let shift_index = |no: u64, field: &str, id: &str| -> Result<usize, InputError> {
        shift_ids.iter().position(|s| s == id).ok_or_else(|| {
            InputError::new(
                path,
                format!("unknown shift `{id}`"),
                "use a ShiftID from SECTION_SHIFTS",
            )
            .at(no)
            .field(field)
        })
    };
    let mut follow: Vec<Vec<usize>> = Vec::new();
    for &(no, line) in shift_lines {
        let f = fields(no, line, 2, "shift")?;
        let list = f.get(2).map(String::as_str).unwrap_or("");
        follow.push(
            list.split('|')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(|id| shift_index(no, "cannot follow", id))
                .collect::<Result<_, _>>()?,
        );
    }
    for (s, f) in shifts.iter_mut().zip(follow) {
        s.cannot_follow = f;
    }
    let mut employees: Vec<Employee> = Vec::new();
    for &(no, line) in need("SECTION_STAFF")? {
        let f = fields(no, line, 8, "staff")?;
        let mut max_shifts = vec![days as u32; shifts.len()];
        for part in f[1].split('|').map(str::trim).filter(|x| !x.is_empty()) {
            let (id, n) = part.split_once('=').ok_or_else(|| {
                InputError::new(
                    path,
                    format!("`{part}` is not SHIFT=MAX"),
                    "write e.g. D=14|N=5",
                )
                .at(no)
                .field("MaxShifts")
            })?;
            max_shifts[shift_index(no, "MaxShifts", id.trim())?] = int(no, "MaxShifts", n)?;
        }
        if employees.iter().any(|e| e.id == f[0]) {
            return Err(InputError::new(
                path,
                format!("employee `{}` is listed twice", f[0]),
                "give each employee one line",
            )
            .at(no)
            .field("ID"));
        }
        let e = Employee {
            id: f[0].clone(),
            max_shifts,
            max_minutes: int(no, "MaxTotalMinutes", &f[2])?,
            min_minutes: int(no, "MinTotalMinutes", &f[3])?,
            max_consecutive: int(no, "MaxConsecutiveShifts", &f[4])?,
            min_consecutive: int(no, "MinConsecutiveShifts", &f[5])?,
            min_consecutive_off: int(no, "MinConsecutiveDaysOff", &f[6])?,
            max_weekends: int(no, "MaxWeekends", &f[7])?,
            days_off: Vec::new(),
        };
        if e.min_minutes > e.max_minutes {
            return Err(InputError::new(
                path,
                format!(
                    "{}: MinTotalMinutes {} is above MaxTotalMinutes {}",
                    e.id, e.min_minutes, e.max_minutes
                ),
                "swap them",
            )
            .at(no)
            .field("MinTotalMinutes"));
        }
        employees.push(e);
    }
    if employees.is_empty() {
        return Err(InputError::new(
            path,
            "SECTION_STAFF lists nobody",
            "add the employees",
        ));
    }
    let emp_ids: Vec<String> = employees.iter().map(|e| e.id.clone()).collect();
    let emp_index = |no: u64, id: &str| -> Result<usize, InputError> {
        emp_ids.iter().position(|e| e == id).ok_or_else(|| {
            InputError::new(
                path,
                format!("unknown employee `{id}`"),
                "use an ID from SECTION_STAFF",
            )
            .at(no)
            .field("EmployeeID")
        })
    };
    let day_of = |no: u64, field: &str, v: &str| -> Result<usize, InputError> {
        let d = int(no, field, v)? as usize;
        if d >= days {
            return Err(InputError::new(
                path,
                format!("day {d} is outside the {days}-day horizon"),
                format!("days run from 0 to {}", days - 1),
            )
            .at(no)
            .field(field));
        }
        Ok(d)
    };
    let mut off: Vec<(usize, usize)> = Vec::new();
    for &(no, line) in sections
        .get("SECTION_DAYS_OFF")
        .map(Vec::as_slice)
        .unwrap_or(&[])
    {
        let f = fields(no, line, 1, "days off")?;
        let e = emp_index(no, &f[0])?;
        for d in f[1..].iter().filter(|x| !x.is_empty()) {
            off.push((e, day_of(no, "DayIndexes", d)?));
        }
    }
    for (e, d) in off {
        employees[e].days_off.push(d);
    }
    let mut requests = Vec::new();
    for (sec, on) in [
        ("SECTION_SHIFT_ON_REQUESTS", true),
        ("SECTION_SHIFT_OFF_REQUESTS", false),
    ] {
        for &(no, line) in sections.get(sec).map(Vec::as_slice).unwrap_or(&[]) {
            let f = fields(no, line, 4, "request")?;
            requests.push(Request {
                employee: emp_index(no, &f[0])?,
                day: day_of(no, "Day", &f[1])?,
                shift: shift_index(no, "ShiftID", &f[2])?,
                weight: int(no, "Weight", &f[3])? as f64,
                on,
            });
        }
    }
    let mut cover = Vec::new();
    for &(no, line) in need("SECTION_COVER")? {
        let f = fields(no, line, 5, "cover")?;
        cover.push(Cover {
            day: day_of(no, "Day", &f[0])?,
            shift: shift_index(no, "ShiftID", &f[1])?,
            required: int(no, "Requirement", &f[2])?,
            under_weight: int(no, "Weight for under", &f[3])? as f64,
            over_weight: int(no, "Weight for over", &f[4])? as f64,
        });
    }
    Ok(Problem {
        days,
        first_weekday: 0, // "All instances start on a Monday"
        shifts,
        employees,
        requests,
        cover,
    })
}

/// The assignment as `employee,day,shift` rows (days off left out).
pub fn to_csv(p: &Problem, a: &Assignment) -> Vec<u8> {
    let mut out = String::from("employee,day,shift\n");
    for (e, emp) in p.employees.iter().enumerate() {
        for (d, s) in a[e].iter().enumerate() {
            if let Some(s) = s {
                out.push_str(&format!("{},{d},{}\n", emp.id, p.shifts[*s].id));
            }
        }
    }
    out.into_bytes()
}
