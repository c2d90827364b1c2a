//! Erlang B, C and A, numerically stable for any size: Erlang B by its recursion
//! `B(n) = A·B(n-1) / (n + A·B(n-1))`, which stays in [0, 1] (no factorials, no powers), and
//! Erlang C from B. Correct from 1 to 100,000 servers.
//!
//! Erlang A (M/M/n+M: callers who abandon after an exponential patience) is solved exactly as
//! a birth–death chain: the states up to `n` come from Erlang B (no overflow), the queue states
//! `n + j` by the product `Π λ/(nμ + iθ)` until it is negligible. The service level (share of
//! arrivals answered within `t`) follows a tagged arrival through the queue — the ones ahead
//! leave by service or abandonment, the tagged one may abandon too — by uniformisation.
//!
//! [`calculator`] answers one interval's question the way `paiban erlang` asks it.

use crate::model::time::{parse_seconds, Minutes};
use serde::Serialize;

/// Erlang B blocking probability for `n` servers offered `a` Erlangs.
pub fn erlang_b(n: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=n {
        b = a * b / (k as f64 + a * b);
    }
    b
}

/// Probability that an arrival waits (Erlang C); 1 when the system is overloaded.
pub fn erlang_c(n: u32, a: f64) -> f64 {
    c_from_b(n, a, erlang_b(n, a))
}

fn c_from_b(n: u32, a: f64, b: f64) -> f64 {
    let n = n as f64;
    if a >= n {
        return 1.0;
    }
    n * b / (n - a * (1.0 - b))
}

/// Share of arrivals answered within `t` seconds.
pub fn service_level(n: u32, a: f64, aht: f64, t: f64) -> f64 {
    sl_from_c(n, a, aht, t, erlang_c(n, a))
}

fn sl_from_c(n: u32, a: f64, aht: f64, t: f64, c: f64) -> f64 {
    if a >= n as f64 {
        return 0.0;
    }
    (1.0 - c * (-(n as f64 - a) * t / aht).exp()).max(0.0)
}

/// Average speed of answer in seconds (infinite when overloaded).
pub fn asa(n: u32, a: f64, aht: f64) -> f64 {
    if a >= n as f64 {
        return f64::INFINITY;
    }
    erlang_c(n, a) * aht / (n as f64 - a)
}

/// A staffing target for one queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// Share answered within `answer_seconds`, e.g. 0.8.
    pub service_level: f64,
    pub answer_seconds: f64,
    pub max_asa_seconds: Option<f64>,
    pub max_occupancy: f64,
    /// Highest share of arrivals that may abandon (Erlang A only).
    pub max_abandon: Option<f64>,
}

/// Steady state of an Erlang A queue (M/M/n+M).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Share of arrivals that wait (find all agents busy).
    pub p_wait: f64,
    /// Share of arrivals that abandon.
    pub p_abandon: f64,
    /// Mean number waiting.
    pub mean_queue: f64,
    /// Mean wait over all arrivals (answered or not), seconds.
    pub asa_all_seconds: f64,
    /// Busy share of the agents: served load over `n`.
    pub occupancy: f64,
}

/// The chain's queue states: `p_{n+j} / p_n` for j = 0, 1, … until negligible.
fn queue_ratios(n: u32, lambda: f64, mu: f64, theta: f64) -> Vec<f64> {
    let mut r = vec![1.0];
    let mut x = 1.0;
    let mut sum = 1.0;
    for i in 1.. {
        x *= lambda / (n as f64 * mu + i as f64 * theta);
        r.push(x);
        sum += x;
        let decreasing = n as f64 * mu + i as f64 * theta > lambda;
        if (decreasing && x < 1e-15 * sum) || i > 2_000_000 {
            break;
        }
    }
    r
}

/// An Erlang A chain solved for `n` agents: the queue states' probabilities, from which both
/// the steady state and the service level are read (so a staffing search solves it once per
/// `n`).
pub(crate) struct Chain {
    n: u32,
    lambda: f64,
    mu: f64,
    theta: f64,
    /// `p_{n+j} / p_n` for j = 0, 1, …
    r: Vec<f64>,
    /// `p_n`, and the share of arrivals that wait (`Σ_{j≥0} p_{n+j}`).
    pn: f64,
    p_wait: f64,
    /// Where the states below `n` are not those of `n` equal servers (chats sharing an agent,
    /// [`crate::staffing::pool`]): the mean number in the system given at most `n`.
    mean_below: Option<f64>,
}

/// Slots held on average in a chain of `n` slots whose states up to `n` hold `mean_below` on
/// average: those states (weight `1 − p_wait + p_n`), all `n` in the queue states above.
pub(crate) fn held_slots(mean_below: f64, n: u32, p_wait: f64, pn: f64) -> f64 {
    mean_below * (1.0 - p_wait + pn) + n as f64 * (p_wait - pn)
}

impl Chain {
    /// Needs `lambda > 0`.
    fn new(n: u32, lambda: f64, aht: f64, patience: f64) -> Chain {
        // Σ_{k≤n} p_k/p_n
        let low = if n == 0 {
            1.0
        } else {
            1.0 / erlang_b(n, lambda / aht.recip())
        };
        Chain::with_states_below(n, lambda, aht, patience, low, None)
    }

    /// The chain whose states up to `n` weigh `low = Σ_{k≤n} p_k/p_n` (with `mean_below` the
    /// mean number in them, if not that of `n` equal servers) and whose queue states are
    /// Erlang A's with `n` servers of mean handle time `aht`. Needs `lambda > 0`.
    pub(crate) fn with_states_below(
        n: u32,
        lambda: f64,
        aht: f64,
        patience: f64,
        low: f64,
        mean_below: Option<f64>,
    ) -> Chain {
        let (mu, theta) = (1.0 / aht, 1.0 / patience);
        let r = queue_ratios(n, lambda, mu, theta);
        let high: f64 = r.iter().sum(); // Σ_{j≥0} p_{n+j}/p_n
        let pn = 1.0 / (low + high - 1.0);
        Chain {
            n,
            lambda,
            mu,
            theta,
            r,
            pn,
            p_wait: pn * high,
            mean_below,
        }
    }

    pub(crate) fn steady(&self) -> ErlangA {
        let mean_queue = self.pn
            * self
                .r
                .iter()
                .enumerate()
                .map(|(j, x)| j as f64 * x)
                .sum::<f64>();
        let p_abandon = self.theta * mean_queue / self.lambda;
        let a = self.lambda / self.mu;
        ErlangA {
            p_wait: self.p_wait,
            p_abandon,
            mean_queue,
            asa_all_seconds: mean_queue / self.lambda,
            occupancy: if self.n == 0 {
                0.0
            } else if let Some(c) = self.mean_below {
                (held_slots(c, self.n, self.p_wait, self.pn) / self.n as f64).min(1.0)
            } else {
                (a * (1.0 - p_abandon) / self.n as f64).min(1.0)
            },
        }
    }

    /// Share of all arrivals answered within `t` (abandoned ones count as not answered).
    pub(crate) fn service_level(&self, t: f64) -> f64 {
        if self.n == 0 {
            return 0.0;
        }
        let (nm, theta) = (self.n as f64 * self.mu, self.theta);
        // the tagged arrival finds m ahead with probability p_{n+m}; track it until served.
        // States whose probability is below 1e-12 of the total do not change a service level.
        let mut v: Vec<f64> = self.r.iter().map(|x| self.pn * x).collect();
        while v.len() > 1 && v[v.len() - 1] < 1e-12 * self.p_wait {
            v.pop();
        }
        let top = v.len() - 1;
        let big = nm + top as f64 * theta + theta;
        let lt = big * t;
        let (served_rate, stay0) = (nm / big, 1.0 - (nm + theta) / big);
        let down: Vec<f64> = (0..=top).map(|m| (nm + m as f64 * theta) / big).collect();
        let leave = theta / big;
        // Poisson(lt) weights, in log space so a long interval does not underflow
        let mut served = 0.0;
        let mut answered = 0.0;
        let mut log_w = -lt;
        let mut w = log_w.exp();
        let mut acc_w = w;
        let steps = (lt + 10.0 * lt.sqrt() + 20.0) as usize;
        let ln_lt = lt.ln();
        for s in 0..=steps {
            if s > 0 {
                // one uniformised step, in place: state m only moves to m − 1 (or stays)
                served += v[0] * served_rate;
                v[0] *= stay0;
                for m in 1..=top {
                    let x = v[m];
                    v[m - 1] += x * down[m];
                    v[m] = x * (1.0 - down[m] - leave);
                }
                log_w += ln_lt - (s as f64).ln();
                w = log_w.exp();
                acc_w += w;
            }
            // P(served by t) = Σ_s Poisson(s) · served after s steps
            answered += w * served;
            if acc_w > 1.0 - 1e-13 && s as f64 > lt {
                break;
            }
        }
        (1.0 - self.p_wait) + answered
    }

    /// The staffing this chain (with steady state `q`) gives for answers within `t` seconds.
    pub(crate) fn staffing(&self, q: &ErlangA, t: f64) -> Staffing {
        Staffing {
            servers: self.n,
            service_level: self.service_level(t),
            asa_seconds: q.asa_all_seconds,
            occupancy: q.occupancy,
            abandon: q.p_abandon,
        }
    }
}

/// Erlang A for arrival rate `lambda` and mean handle time `aht` (per the same time unit as
/// `patience`, e.g. seconds) with `n` agents; `patience` is the callers' mean patience.
pub fn erlang_a(n: u32, lambda: f64, aht: f64, patience: f64) -> ErlangA {
    if lambda <= 0.0 {
        return ErlangA {
            p_wait: 0.0,
            p_abandon: 0.0,
            mean_queue: 0.0,
            asa_all_seconds: 0.0,
            occupancy: 0.0,
        };
    }
    Chain::new(n, lambda, aht, patience).steady()
}

/// Share of all arrivals answered within `t` in an Erlang A queue (abandoned ones count as
/// not answered).
pub fn erlang_a_service_level(n: u32, lambda: f64, aht: f64, patience: f64, t: f64) -> f64 {
    if lambda <= 0.0 {
        return 1.0;
    }
    Chain::new(n, lambda, aht, patience).service_level(t)
}

/// Fewest agents meeting every part of the target in an Erlang A queue with arrival rate
/// `lambda` (per second), mean handle time `aht` and mean patience (seconds). Binary search
/// between a proven lower bound and the Erlang C answer (abandonment only ever lowers the
/// need for the service level), doubled while an abandonment cap is unmet.
pub fn servers_for_a(lambda: f64, aht: f64, patience: f64, target: &Target) -> Staffing {
    if lambda <= 0.0 {
        return Staffing::NONE;
    }
    // the chain is solved once per n: its steady state decides the cheap limits, and only
    // then is its service level computed
    let ok = |n: u32| -> Option<Staffing> {
        let chain = Chain::new(n, lambda, aht, patience);
        let q = chain.steady();
        if q.occupancy > target.max_occupancy + 1e-12
            || target.max_abandon.is_some_and(|m| q.p_abandon > m)
            || target
                .max_asa_seconds
                .is_some_and(|m| q.asa_all_seconds > m)
        {
            return None;
        }
        let s = chain.staffing(&q, target.answer_seconds);
        (s.service_level + 1e-12 >= target.service_level).then_some(s)
    };
    let c = servers_for(
        lambda * aht,
        aht,
        &Target {
            max_abandon: None,
            ..*target
        },
    );
    // answered ≥ the service level and the answered load fits under the occupancy cap:
    // n ≥ a × SL / occupancy cap, so no smaller n can meet the target
    let floor = (lambda * aht * target.service_level / target.max_occupancy).floor() as u32;
    let (mut lo, mut hi) = (
        floor.saturating_sub(1).min(c.servers.max(1) - 1),
        c.servers.max(1),
    );
    let best = loop {
        match ok(hi) {
            Some(s) => break s,
            // a cap of 0 abandonment is never met exactly: stop at 2^20 × the Erlang C need
            None if hi >= c.servers.max(1) << 20 => {
                let chain = Chain::new(hi, lambda, aht, patience);
                return chain.staffing(&chain.steady(), target.answer_seconds);
            }
            None => {
                lo = hi;
                hi *= 2;
            }
        }
    };
    fewest_between(lo, hi, best, ok).1
}

/// The fewest `n` in `(lo, hi]` that `ok` accepts, by bisection, given that it refuses `lo`
/// and accepts `hi` with `at_hi` (every measure improves with `n`); with `ok`'s answer there.
pub(crate) fn fewest_between(
    mut lo: u32,
    mut hi: u32,
    at_hi: Staffing,
    ok: impl Fn(u32) -> Option<Staffing>,
) -> (u32, Staffing) {
    let mut best = at_hi;
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        match ok(mid) {
            Some(s) => {
                best = s;
                hi = mid;
            }
            None => lo = mid,
        }
    }
    (hi, best)
}

/// The result of staffing one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Staffing {
    pub servers: u32,
    pub service_level: f64,
    pub asa_seconds: f64,
    pub occupancy: f64,
    /// Share of arrivals abandoning (0 under Erlang C).
    pub abandon: f64,
}

impl Staffing {
    /// No traffic: nobody needed, every target met.
    pub const NONE: Staffing = Staffing {
        servers: 0,
        service_level: 1.0,
        asa_seconds: 0.0,
        occupancy: 0.0,
        abandon: 0.0,
    };
}

/// Fewest servers meeting every part of the target for `a` Erlangs of traffic with mean
/// handle time `aht` seconds. Walks `n` upwards carrying Erlang B along, so the whole search
/// costs one pass of the recursion.
pub fn servers_for(a: f64, aht: f64, target: &Target) -> Staffing {
    if a <= 0.0 {
        return Staffing::NONE;
    }
    let mut b = 1.0;
    let mut n = 0u32;
    let floor_occ = (a / target.max_occupancy).ceil().max(1.0) as u32;
    loop {
        n += 1;
        b = a * b / (n as f64 + a * b);
        if (n as f64) <= a || n < floor_occ {
            continue;
        }
        let c = c_from_b(n, a, b);
        let sl = sl_from_c(n, a, aht, target.answer_seconds, c);
        let asa = c * aht / (n as f64 - a);
        if sl + 1e-12 >= target.service_level && target.max_asa_seconds.is_none_or(|m| asa <= m) {
            return Staffing {
                servers: n,
                service_level: sl,
                asa_seconds: asa,
                occupancy: a / n as f64,
                abandon: 0.0,
            };
        }
    }
}

/// The `paiban erlang` calculator's question, as a person writes it: one interval's volume,
/// handle time and service target, and what turns agents on the queue into agents scheduled.
#[derive(Debug, Clone, PartialEq)]
pub struct Calculator {
    /// Contacts arriving in one interval.
    pub volume: f64,
    pub interval: Minutes,
    /// Average handle time, e.g. `180s` or `3m`.
    pub aht: String,
    /// Service target `PERCENT/SECONDS`, e.g. `80/20s`.
    pub target: String,
    pub shrinkage: f64,
    pub occupancy: f64,
    /// Chats one agent handles at once.
    pub concurrency: u32,
    /// Customers' mean patience (e.g. `2m`): Erlang A, with abandonment.
    pub patience: Option<String>,
    /// Highest share of customers abandoning, in percent (Erlang A).
    pub max_abandon: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CalculatorError {
    /// A duration or the target that does not parse.
    #[error("{0}")]
    Parse(String),
    #[error("out of range: need patience > 0 and 0 < max-abandon < 100")]
    Abandonment,
    #[error("--max-abandon needs --patience (abandonment is modelled by Erlang A only)")]
    AbandonWithoutPatience,
    #[error("out of range: need 0 ≤ percent < 100, volume ≥ 0, aht > 0, 0 ≤ shrinkage < 0.95, 0 < occupancy ≤ 1, concurrency ≥ 1")]
    OutOfRange,
}

/// The calculator's answer (serialised as `paiban erlang --json` prints it; keys in
/// alphabetical order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErlangAnswer {
    /// Share of customers abandoning (0 under Erlang C).
    pub abandon: f64,
    /// Agents on the queue at once.
    pub agents: u32,
    /// Agents scheduled, so that `agents` remain after shrinkage.
    pub agents_with_shrinkage: u32,
    pub asa_seconds: f64,
    /// `erlang_c`, or `erlang_a` with a patience.
    pub model: &'static str,
    pub occupancy: f64,
    pub p_wait: f64,
    pub service_level: f64,
    pub traffic_erlangs: f64,
    /// The shrinkage asked about (for the text; not printed in JSON).
    #[serde(skip)]
    pub shrinkage: f64,
}

impl ErlangAnswer {
    /// The answer as `paiban erlang` prints it.
    pub fn text(&self) -> String {
        let ab = if self.model == "erlang_a" {
            format!(", abandon {:.1}%", self.abandon * 100.0)
        } else {
            String::new()
        };
        let mut t = format!(
            "traffic {:.2} Erlangs → {} agents on the queue (service level {:.1}%, ASA {:.1} s, occupancy {:.1}%, P(wait) {:.1}%{ab})\n",
            self.traffic_erlangs,
            self.agents,
            self.service_level * 100.0,
            self.asa_seconds,
            self.occupancy * 100.0,
            self.p_wait * 100.0
        );
        if self.shrinkage > 0.0 {
            t.push_str(&format!(
                "with {:.0}% shrinkage: {} agents scheduled\n",
                self.shrinkage * 100.0,
                self.agents_with_shrinkage
            ));
        }
        t
    }
}

/// Agents needed for one interval: Erlang C, or Erlang A when the question has a patience;
/// then concurrency (chats per agent) and shrinkage (time off the queue).
pub fn calculator(q: &Calculator) -> Result<ErlangAnswer, CalculatorError> {
    let parse = |s: &str| parse_seconds(s).map_err(CalculatorError::Parse);
    let patience = q.patience.as_deref().map(parse).transpose()?;
    if patience.is_some_and(|p| p <= 0.0) || q.max_abandon.is_some_and(|m| !(m > 0.0 && m < 100.0))
    {
        return Err(CalculatorError::Abandonment);
    }
    if q.max_abandon.is_some() && patience.is_none() {
        return Err(CalculatorError::AbandonWithoutPatience);
    }
    let aht = parse(&q.aht)?;
    let target = &q.target;
    let (pct, secs) = target.split_once('/').ok_or_else(|| {
        CalculatorError::Parse(format!(
            "--target `{target}`: write PERCENT/SECONDS, e.g. 80/20s"
        ))
    })?;
    let pct: f64 = pct.trim_end_matches('%').parse().map_err(|_| {
        CalculatorError::Parse(format!("--target `{target}`: `{pct}` is not a percentage"))
    })?;
    let secs = parse(secs)?;
    if !(0.0..100.0).contains(&pct)
        || q.volume < 0.0
        || aht <= 0.0
        || !(0.0..0.95).contains(&q.shrinkage)
        || !(q.occupancy > 0.0 && q.occupancy <= 1.0)
        || q.concurrency == 0
    {
        return Err(CalculatorError::OutOfRange);
    }
    let interval_seconds = q.interval.0 as f64 * 60.0;
    let traffic = q.volume * aht / interval_seconds;
    let tg = Target {
        service_level: pct / 100.0,
        answer_seconds: secs,
        max_asa_seconds: None,
        max_occupancy: q.occupancy,
        max_abandon: q.max_abandon.map(|m| m / 100.0),
    };
    let (st, p_wait) = match patience {
        None => {
            let st = servers_for(traffic, aht, &tg);
            (st, erlang_c(st.servers, traffic))
        }
        Some(p) => {
            let lambda = q.volume / interval_seconds;
            let st = servers_for_a(lambda, aht, p, &tg);
            (st, erlang_a(st.servers, lambda, aht, p).p_wait)
        }
    };
    let agents = (st.servers as f64 / q.concurrency as f64).ceil() as u32;
    Ok(ErlangAnswer {
        abandon: st.abandon,
        agents,
        agents_with_shrinkage: (agents as f64 / (1.0 - q.shrinkage) - 1e-9).ceil() as u32,
        asa_seconds: st.asa_seconds,
        model: if patience.is_some() {
            "erlang_a"
        } else {
            "erlang_c"
        },
        occupancy: st.occupancy,
        p_wait,
        service_level: st.service_level,
        traffic_erlangs: traffic,
        shrinkage: q.shrinkage,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(service_level: f64, answer_seconds: f64, max_occupancy: f64) -> Target {
        Target {
            service_level,
            answer_seconds,
            max_asa_seconds: None,
            max_occupancy,
            max_abandon: None,
        }
    }

    #[test]
    fn call_centre_helper_example() {
        // 200 calls/hour, AHT 180 s → 10 Erlangs; 80% in 20 s
        let t = target(0.8, 20.0, 1.0);
        let s = servers_for(10.0, 180.0, &t);
        assert_eq!(s.servers, 14);
        assert!((erlang_c(14, 10.0) - 0.1741).abs() < 1e-3);
    }

    #[test]
    fn stable_at_scale() {
        let c = erlang_c(50_000, 49_800.0);
        assert!(c.is_finite() && (0.0..=1.0).contains(&c));
        let t = target(0.8, 20.0, 1.0);
        let s = servers_for(49_800.0, 180.0, &t);
        assert!(s.servers > 49_800 && s.servers < 50_100, "{s:?}");
    }

    #[test]
    fn occupancy_cap_binds_at_low_service_targets() {
        let t = target(0.01, 3600.0, 0.8);
        assert_eq!(servers_for(40.0, 180.0, &t).servers, 50);
    }
}

#[cfg(test)]
mod erlang_a_tests {
    use super::*;

    #[test]
    fn erlang_a_with_endless_patience_is_erlang_c() {
        let (lambda, aht) = (200.0 / 3600.0, 180.0);
        let a = erlang_a(14, lambda, aht, 1e12);
        assert!((a.p_wait - erlang_c(14, 10.0)).abs() < 1e-6);
        let sl = erlang_a_service_level(14, lambda, aht, 1e12, 20.0);
        assert!(
            (sl - service_level(14, 10.0, aht, 20.0)).abs() < 1e-6,
            "{sl}"
        );
        assert!((a.asa_all_seconds - asa(14, 10.0, aht)).abs() < 1e-3);
    }

    #[test]
    fn abandonment_lowers_the_need_and_its_cap_can_bind() {
        let (lambda, aht) = (200.0 / 3600.0, 180.0);
        let t = Target {
            service_level: 0.8,
            answer_seconds: 20.0,
            max_asa_seconds: None,
            max_occupancy: 1.0,
            max_abandon: None,
        };
        let c = servers_for(10.0, aht, &t).servers;
        let a = servers_for_a(lambda, aht, 120.0, &t);
        assert!(a.servers <= c && a.servers >= 11, "{a:?} vs C {c}");
        assert!(a.service_level >= 0.8);
        // the smallest n meeting 80/20 under Erlang A, checked by stepping
        let by_step = (1..=c)
            .find(|&n| erlang_a_service_level(n, lambda, aht, 120.0, 20.0) >= 0.8)
            .unwrap();
        assert_eq!(a.servers, by_step);
        // at most 1% abandoning needs more agents than the service level alone
        let strict = servers_for_a(
            lambda,
            aht,
            120.0,
            &Target {
                max_abandon: Some(0.01),
                ..t
            },
        );
        assert!(
            strict.servers > a.servers && strict.abandon <= 0.01,
            "{strict:?}"
        );
        // overload is fine for Erlang A: abandonment keeps the queue finite
        let over = erlang_a(5, lambda, aht, 120.0);
        assert!(over.p_abandon > 0.4 && over.p_abandon < 1.0);
        assert!((over.occupancy - 1.0).abs() < 0.05);
    }

    #[test]
    fn erlang_a_is_stable_at_scale() {
        let q = erlang_a(5000, 4900.0 / 180.0, 180.0, 120.0);
        assert!(q.p_wait.is_finite() && (0.0..=1.0).contains(&q.p_wait));
        let sl = erlang_a_service_level(5000, 4900.0 / 180.0, 180.0, 120.0, 20.0);
        assert!((0.0..=1.0).contains(&sl), "{sl}");
    }
}
