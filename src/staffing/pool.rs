//! Chat agents who hold several chats at once, as a queue.
//!
//! An agent holds up to `k` chats; with `m` open, each progresses at `1 / (1 + slowdown ×
//! (m − 1))`, so at full load a chat takes `aht_full = aht_alone × (1 + slowdown × (k − 1))`
//! and less while the agent is not full (the model [`crate::staffing::simulate`] runs). New
//! chats go to the agent with the fewest open, so `j` chats in the system are spread as evenly
//! as the agents allow: `j` of the `M·k` slots are held and the chats leave at
//! `μ(j) = Σ_agents m_a / (aht_alone (1 + slowdown (m_a − 1)))`. That is a birth–death chain:
//! below `M·k` chats nobody waits and the rate depends on the spread; from `M·k` on every slot is
//! held, chats leave at `M·k / aht_full`, and the waiting ones are Erlang C's (or Erlang A's,
//! with a patience) for `M·k` servers of mean `aht_full`. Treating the slots as `M·k` servers
//! that always work at the full-load pace (what [`crate::staffing::erlang`] alone does) overstates
//! the time a chat holds its slot whenever agents are not full, and so the agents needed.
//!
//! The states below `M·k` are weighed by the recursion of Erlang B with the chain's rates,
//! `b_j = λ b_{j−1} / (μ(j) + λ b_{j−1})` (b_j = p_j / P(at most j)), which stays in [0, 1], and
//! their mean by `c_j = j b_j + (1 − b_j) c_{j−1}`. With `slowdown = 0` or `k = 1` the chain is
//! Erlang C's (A's) for `M·k` servers exactly, and those formulas answer.

use crate::staffing::erlang::{
    fewest_between, held_slots, servers_for, servers_for_a, Chain, Staffing, Target,
};

/// How chats share an agent: up to `k` at once, each slowed by `slowdown` per other chat open.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sharing {
    pub k: u32,
    pub slowdown: f64,
}

impl Sharing {
    /// Whether the pace never depends on the load (the slots are plain Erlang servers).
    fn is_plain(&self) -> bool {
        self.k <= 1 || self.slowdown <= 0.0
    }

    /// A chat's handle time when its agent is full, from its handle time alone.
    pub fn full_load(&self, aht_alone: f64) -> f64 {
        aht_alone * (1.0 + self.slowdown * (self.k.max(1) as f64 - 1.0))
    }

    /// Chats leaving per second when `j` chats are spread as evenly as possible over `agents`.
    fn rate(&self, agents: u32, j: u32, aht_alone: f64) -> f64 {
        let per_agent = |m: u32| {
            if m == 0 {
                0.0
            } else {
                m as f64 / (aht_alone * (1.0 + self.slowdown * (m as f64 - 1.0)))
            }
        };
        let (q, r) = (j / agents, j % agents);
        r as f64 * per_agent(q + 1) + (agents - r) as f64 * per_agent(q)
    }

    /// The states up to every slot held: `(Σ_{j≤N} p_j / p_N, mean number given at most N)`.
    fn states_below(&self, agents: u32, lambda: f64, aht_full: f64) -> (f64, f64) {
        let aht_alone = aht_full / self.full_load(1.0);
        let (mut b, mut c) = (1.0f64, 0.0f64);
        for j in 1..=agents * self.k {
            let mu = self.rate(agents, j, aht_alone);
            b = lambda * b / (mu + lambda * b);
            c = b * j as f64 + (1.0 - b) * c;
        }
        (b.recip(), c)
    }
}

/// `agents` agents sharing chats as `s` says, `lambda` chats a second of `aht_full` seconds at
/// full load (with customers' mean `patience`, if any): service level within `t`, ASA,
/// occupancy (share of the slots held, as the simulation counts it) and abandonment.
/// `servers` is the slots, `agents × k`.
pub fn staffing(
    agents: u32,
    lambda: f64,
    aht_full: f64,
    patience: Option<f64>,
    s: Sharing,
    t: f64,
) -> Staffing {
    if lambda <= 0.0 {
        return Staffing::NONE;
    }
    let n = agents * s.k.max(1);
    if agents == 0 {
        return Staffing {
            servers: 0,
            service_level: 0.0,
            asa_seconds: f64::INFINITY,
            occupancy: 1.0,
            abandon: if patience.is_some() { 1.0 } else { 0.0 },
        };
    }
    let (low, mean_below) = if s.is_plain() {
        (
            1.0 / crate::staffing::erlang::erlang_b(n, lambda * aht_full),
            None,
        )
    } else {
        let (low, c) = s.states_below(agents, lambda, aht_full);
        (low, Some(c))
    };
    match patience {
        Some(p) => {
            let chain = Chain::with_states_below(n, lambda, aht_full, p, low, mean_below);
            chain.staffing(&chain.steady(), t)
        }
        None => waiting(n, lambda, aht_full, low, mean_below, t),
    }
}

/// Erlang C's queue above `n` busy slots, under the states `low` weighs.
fn waiting(n: u32, lambda: f64, aht: f64, low: f64, mean_below: Option<f64>, t: f64) -> Staffing {
    let nf = n as f64;
    let drain = nf / aht - lambda;
    if drain <= 0.0 {
        return Staffing {
            servers: n,
            service_level: 0.0,
            asa_seconds: f64::INFINITY,
            occupancy: 1.0,
            abandon: 0.0,
        };
    }
    let high = nf / aht / drain; // Σ_{j≥0} p_{n+j}/p_n = 1/(1 − ρ)
    let pn = 1.0 / (low + high - 1.0);
    let p_wait = pn * high;
    let busy = match mean_below {
        Some(c) => held_slots(c, n, p_wait, pn),
        None => lambda * aht,
    };
    Staffing {
        servers: n,
        service_level: (1.0 - p_wait * (-drain * t).exp()).max(0.0),
        asa_seconds: p_wait / drain,
        occupancy: (busy / nf).min(1.0),
        abandon: 0.0,
    }
}

/// Fewest agents meeting every part of `target` for `lambda` chats a second of `aht_full`
/// seconds at full load. With plain slots (no slowdown, or one chat at a time), Erlang C's or
/// A's fewest slots, as many agents as hold them; otherwise a binary search over agents (every
/// measure improves with one more agent). `servers` is the slots of the agents found.
pub fn agents_for(
    lambda: f64,
    aht_full: f64,
    patience: Option<f64>,
    s: Sharing,
    target: &Target,
) -> (u32, Staffing) {
    let k = s.k.max(1);
    if lambda <= 0.0 {
        return (0, Staffing::NONE);
    }
    let plain = match patience {
        Some(p) => servers_for_a(lambda, aht_full, p, target),
        None => servers_for(lambda * aht_full, aht_full, target),
    };
    if s.is_plain() {
        return (plain.servers.div_ceil(k), plain);
    }
    let ok = |m: u32| -> Option<Staffing> {
        let st = staffing(m, lambda, aht_full, patience, s, target.answer_seconds);
        let meets = st.occupancy <= target.max_occupancy + 1e-12
            && target.max_abandon.is_none_or(|x| st.abandon <= x)
            && target.max_asa_seconds.is_none_or(|x| st.asa_seconds <= x)
            && st.service_level + 1e-12 >= target.service_level;
        meets.then_some(st)
    };
    // plain slots at the full-load pace never need fewer agents: an upper end to start from
    let mut hi = plain.servers.div_ceil(k).max(1);
    let best = loop {
        match ok(hi) {
            Some(st) => break st,
            // the plain answer met the target with fewer slots; a cap never met (0
            // abandonment) ends where the plain search ended
            None if hi >= plain.servers.max(1) << 4 => {
                return (
                    hi,
                    staffing(hi, lambda, aht_full, patience, s, target.answer_seconds),
                )
            }
            None => hi *= 2,
        }
    };
    fewest_between(0, hi, best, ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::staffing::erlang::{erlang_a, erlang_a_service_level, service_level};

    fn target(sl: f64, t: f64, occ: f64) -> Target {
        Target {
            service_level: sl,
            answer_seconds: t,
            max_asa_seconds: None,
            max_occupancy: occ,
            max_abandon: None,
        }
    }

    const SHARED: Sharing = Sharing {
        k: 3,
        slowdown: 0.15,
    };

    #[test]
    fn plain_slots_are_erlang_c_and_a() {
        let (lambda, aht) = (0.05, 300.0);
        for agents in [6u32, 8, 12] {
            let n = agents * 3;
            let plain = Sharing {
                k: 3,
                slowdown: 0.0,
            };
            let st = staffing(agents, lambda, aht, None, plain, 20.0);
            assert!((st.service_level - service_level(n, lambda * aht, aht, 20.0)).abs() < 1e-12);
            assert!((st.occupancy - lambda * aht / n as f64).abs() < 1e-12);
            let a = staffing(agents, lambda, aht, Some(120.0), plain, 20.0);
            let want = erlang_a_service_level(n, lambda, aht, 120.0, 20.0);
            assert!((a.service_level - want).abs() < 1e-12);
            assert!((a.abandon - erlang_a(n, lambda, aht, 120.0).p_abandon).abs() < 1e-12);
        }
    }

    /// With a slowdown the chain's below-full states, summed the long way (products of rates),
    /// agree with the recursion, and Little's law holds for the slots held.
    #[test]
    fn shared_chain_matches_its_products_and_littles_law() {
        let (agents, lambda, aht_full) = (5u32, 0.04, 286.0);
        let n = (agents * SHARED.k) as usize;
        let alone = aht_full / SHARED.full_load(1.0);
        let mut p = vec![1.0f64];
        for j in 1..=n {
            let mu = SHARED.rate(agents, j as u32, alone);
            p.push(p[j - 1] * lambda / mu);
        }
        let (low, c) = SHARED.states_below(agents, lambda, aht_full);
        let sum: f64 = p.iter().sum();
        assert!((low - sum / p[n]).abs() < 1e-9 * low);
        let mean: f64 = p.iter().enumerate().map(|(j, x)| j as f64 * x).sum::<f64>() / sum;
        assert!((c - mean).abs() < 1e-9);
        // Little: chats in service = λ × mean time in service; the time in service is between
        // alone and full load, so the slots held are between those loads
        let st = staffing(agents, lambda, aht_full, None, SHARED, 30.0);
        let held = st.occupancy * n as f64;
        assert!(held > lambda * alone && held < lambda * aht_full, "{held}");
    }

    /// Agents who are not full finish sooner: never more agents than plain slots at the
    /// full-load pace, fewer at some volume, and each answer meets the target while one agent
    /// fewer does not.
    #[test]
    fn sharing_needs_no_more_agents_than_full_load_slots() {
        let t = target(0.8, 30.0, 0.85);
        let mut fewer = 0;
        for per_15 in [5.0, 20.0, 60.0, 100.0, 200.0, 400.0] {
            let lambda = per_15 / 900.0;
            let aht_full = SHARED.full_load(220.0);
            let (shared, st) = agents_for(lambda, aht_full, None, SHARED, &t);
            let plain = servers_for(lambda * aht_full, aht_full, &t)
                .servers
                .div_ceil(3);
            assert!(shared <= plain, "{per_15}: {shared} > {plain}");
            fewer += usize::from(shared < plain);
            assert!(st.service_level >= 0.8 && st.occupancy <= 0.85);
            let less = staffing(shared - 1, lambda, aht_full, None, SHARED, 30.0);
            assert!(less.service_level < 0.8 || less.occupancy > 0.85);
            let (with_patience, a) = agents_for(lambda, aht_full, Some(180.0), SHARED, &t);
            assert!(with_patience <= shared && a.service_level >= 0.8);
        }
        assert!(fewer >= 2, "{fewer}");
    }
}
