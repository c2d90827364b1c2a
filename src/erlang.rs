//! Erlang B and C, numerically stable for any size: Erlang B by its recursion
//! `B(n) = A·B(n-1) / (n + A·B(n-1))`, which stays in [0, 1] (no factorials, no powers), and
//! Erlang C from B. Correct from 1 to 100,000 servers.

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
}

/// The result of staffing one interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Staffing {
    pub servers: u32,
    pub service_level: f64,
    pub asa_seconds: f64,
    pub occupancy: f64,
}

/// Fewest servers meeting every part of the target for `a` Erlangs of traffic with mean
/// handle time `aht` seconds. Walks `n` upwards carrying Erlang B along, so the whole search
/// costs one pass of the recursion.
pub fn servers_for(a: f64, aht: f64, target: &Target) -> Staffing {
    if a <= 0.0 {
        return Staffing {
            servers: 0,
            service_level: 1.0,
            asa_seconds: 0.0,
            occupancy: 0.0,
        };
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
            };
        }
    }
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
