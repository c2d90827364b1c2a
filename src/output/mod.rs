//! What people open: [`export`] renders a run or a comparison as CSV (en/zh, BOM for Excel),
//! an XLSX workbook and iCalendar files; [`report`] as a self-contained HTML page; [`publish`]
//! decides which files a run or a what-if writes and commits them all or none.

pub mod export;
pub mod publish;
pub mod report;
