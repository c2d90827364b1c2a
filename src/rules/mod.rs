//! The rule model: every labour, contract and team rule paiban knows, defined once.
//!
//! - [`Code`] names each rule (`REST`, `WEEK_HOURS`, …) and the [`CATALOGUE`] says what it
//!   means, where its parameters come from and whether it is hard (never broken by a roster
//!   paiban writes) or soft (a goal; what is missed is reported).
//! - [`params`] resolves the parameters of the rules for one agent from the scenario, the
//!   contract and the agent list, and lays out the periods the weekly and monthly rules count
//!   over ([`params::periods`]).
//! - [`encode`] is the one optimiser encoding of each rule family, used by every model that
//!   needs it (the roster and the benchmark model of [`crate::nrp`]).
//!
//! The checker ([`crate::check`]) shares these types and the catalogue, nothing else: it
//! verifies with its own arithmetic.

pub mod encode;
pub mod params;

use serde::Serialize;

/// A rule's stable code, as printed by `check` and in the README's rule table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    UnknownAgent,
    OneShiftADay,
    Availability,
    ShiftForm,
    DayHours,
    Rest,
    MaxConsecutive,
    DaysOffTogether,
    DaysOff,
    WeekDays,
    WeekHours,
    MonthOvertime,
    Nights,
    Weekends,
    Skill,
    Headcount,
    Seats,
    Budget,
    SeniorOnDuty,
    ContractDays,
    ContractHours,
    PreferredOff,
    Request,
}

/// Hard rules are never broken by a roster paiban writes; soft ones are goals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Hard,
    Soft,
}

/// One entry of the catalogue.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Rule {
    pub code: Code,
    pub severity: Severity,
    /// What the rule says, in the supervisor's words.
    pub meaning: &'static str,
    /// Where its parameters come from (scenario keys, agent-list columns).
    pub parameters: &'static str,
}

const fn rule(
    code: Code,
    severity: Severity,
    meaning: &'static str,
    parameters: &'static str,
) -> Rule {
    Rule {
        code,
        severity,
        meaning,
        parameters,
    }
}

use Severity::{Hard, Soft};

/// Every rule, in the order `check` reports them.
pub const CATALOGUE: &[Rule] = &[
    rule(Code::UnknownAgent, Hard, "every agent on the roster is in the agent list", "agent list `agent_id`"),
    rule(Code::OneShiftADay, Hard, "at most one shift (or OFF) per agent and date", "—"),
    rule(Code::Availability, Hard, "no shift on a day the agent cannot work", "agent list `unavailable` (dates, weekdays)"),
    rule(Code::ShiftForm, Hard, "the shift is one of the `[[shift]]` families the agent's contract may work: length, start window, meal break in its window, short paid breaks, preparation and wrap-up", "`[[shift]]` contracts, lengths, start_window, break, break_window, short_break, prep, wrap_up"),
    rule(Code::DayHours, Hard, "paid hours of one shift at most the daily limit", "`labour.max_paid_hours_per_day` (8)"),
    rule(Code::Rest, Hard, "rest between the end of one shift and the start of the next, also after last week's last shift", "`labour.min_rest_hours` (11); `--previous` roster"),
    rule(Code::MaxConsecutive, Hard, "working days in a row, counting the days worked just before the horizon", "`labour.max_consecutive_days` (6); `--previous` roster"),
    rule(Code::DaysOffTogether, Hard, "days off between two working days come at least this many together", "`labour.min_consecutive_days_off` (1: no rule)"),
    rule(Code::DaysOff, Hard, "days off in every week", "`labour.min_days_off_per_week` (1); `labour.week`, `labour.week_start`"),
    rule(Code::WeekDays, Hard, "working days in every week at most the agent's days a week", "agent list `days_per_week` (upper value); `labour.week`"),
    rule(Code::WeekHours, Hard, "paid hours in every week at most the agent's and the labour limit", "agent list `max_hours_week`, `labour.max_hours_per_week` (44); `labour.week`"),
    rule(Code::MonthOvertime, Hard, "paid hours in a calendar month at most the standard hours plus the overtime cap", "`labour.standard_hours_per_week` (40) × days of the month / 7 + `labour.max_overtime_hours_per_month` (36)"),
    rule(Code::Nights, Hard, "night shifts (any work between 00:00 and 06:00) in every week", "`labour.max_nights_per_week` (no limit)"),
    rule(Code::Weekends, Hard, "Saturday and Sunday shifts in every week", "`labour.max_weekend_days_per_week` (no limit)"),
    rule(Code::Skill, Hard, "an agent serves only queues one of their skills (or their tier) may serve", "`[[queue]]` `skills`, `tiers`; agent list `skills`, `tier`; roster `queues`"),
    rule(Code::Headcount, Hard, "agents on the queue at once", "`headcount.max_on_duty` (no limit)"),
    rule(Code::Seats, Hard, "agents of one contract on the queue at once (vendor seats, licences)", "`contracts.NAME.max_on_duty` (no limit)"),
    rule(Code::Budget, Hard, "labour cost of all shifts over the horizon", "`costs.budget` (no limit), `contracts.NAME.cost_per_hour`"),
    rule(Code::SeniorOnDuty, Soft, "seniors on the queue whenever anyone is (shortfalls explained)", "`labour.min_seniors_on_duty`, `labour.senior_tiers`; agent list `tier`"),
    rule(Code::ContractDays, Soft, "working days at least the agent's contracted days (per week, a part week pro rata)", "agent list `days_per_week` (lower value)"),
    rule(Code::ContractHours, Soft, "paid hours at least the agent's contracted hours (per week, a part week pro rata)", "agent list `min_hours_week`"),
    rule(Code::PreferredOff, Soft, "no shift on a preferred day off", "agent list `preferred_days_off`; `costs.preference_violation`"),
    rule(Code::Request, Soft, "weighted requests to work, be off, start from or end by a time", "agent list `requests`"),
];

/// May an agent serve a queue served by `skills` (empty: everybody)?
pub fn eligible(agent: &crate::scenario::agents::Agent, skills: &[String]) -> bool {
    skills.is_empty() || skills.iter().any(|s| agent.has_skill(s))
}

/// The queues `a` serves, named only when some queue of the scenario is limited to some
/// skills (empty otherwise: everybody serves everything).
pub fn queues_served(
    sc: &crate::scenario::Scenario,
    a: &crate::scenario::agents::Agent,
) -> Vec<String> {
    if sc.queues.iter().all(|q| q.served_by().is_empty()) {
        return Vec::new();
    }
    sc.queues
        .iter()
        .filter(|q| eligible(a, &q.served_by()))
        .map(|q| q.name.clone())
        .collect()
}

impl Code {
    /// The catalogue entry of this code.
    pub fn rule(self) -> &'static Rule {
        CATALOGUE
            .iter()
            .find(|r| r.code == self)
            .expect("every code is in the catalogue")
    }
    pub fn severity(self) -> Severity {
        self.rule().severity
    }
    /// `REST`, `WEEK_HOURS`, …
    pub fn as_str(self) -> &'static str {
        match self {
            Code::UnknownAgent => "UNKNOWN_AGENT",
            Code::OneShiftADay => "ONE_SHIFT_A_DAY",
            Code::Availability => "AVAILABILITY",
            Code::ShiftForm => "SHIFT_FORM",
            Code::DayHours => "DAY_HOURS",
            Code::Rest => "REST",
            Code::MaxConsecutive => "MAX_CONSECUTIVE",
            Code::DaysOffTogether => "DAYS_OFF_TOGETHER",
            Code::DaysOff => "DAYS_OFF",
            Code::WeekDays => "WEEK_DAYS",
            Code::WeekHours => "WEEK_HOURS",
            Code::MonthOvertime => "MONTH_OVERTIME",
            Code::Nights => "NIGHTS",
            Code::Weekends => "WEEKENDS",
            Code::Skill => "SKILL",
            Code::Headcount => "HEADCOUNT",
            Code::Seats => "SEATS",
            Code::Budget => "BUDGET",
            Code::SeniorOnDuty => "SENIOR_ON_DUTY",
            Code::ContractDays => "CONTRACT_DAYS",
            Code::ContractHours => "CONTRACT_HOURS",
            Code::PreferredOff => "PREFERRED_OFF",
            Code::Request => "REQUEST",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The catalogue as a Markdown table (`paiban rules`, the README).
pub fn catalogue_markdown() -> String {
    let mut s =
        String::from("| code | hard/soft | meaning | parameters (default) |\n|---|---|---|---|\n");
    for r in CATALOGUE {
        let sev = match r.severity {
            Hard => "hard",
            Soft => "soft",
        };
        s.push_str(&format!(
            "| `{}` | {sev} | {} | {} |\n",
            r.code, r.meaning, r.parameters
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_one_entry_and_its_serde_name() {
        for r in CATALOGUE {
            assert_eq!(CATALOGUE.iter().filter(|x| x.code == r.code).count(), 1);
            let json = serde_json::to_string(&r.code).unwrap();
            assert_eq!(json, format!("\"{}\"", r.code.as_str()));
        }
    }
}
