//! Per-patient flood control: a patient sending dozens of messages in
//! seconds gets one localized note instead of dozens of bot answers. Their
//! messages are still processed (relayed to coordinators, stored) once each.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// More than `messages` in `window` is a flood.
#[derive(Debug, Clone, Copy)]
pub struct FloodLimit {
    pub messages: usize,
    pub window: Duration,
}

impl Default for FloodLimit {
    fn default() -> Self {
        FloodLimit {
            messages: 8,
            window: Duration::from_secs(10),
        }
    }
}

impl FloodLimit {
    /// No flood control (tests that type at machine speed).
    pub fn off() -> FloodLimit {
        FloodLimit {
            messages: usize::MAX - 1,
            window: Duration::from_secs(1),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Answer normally.
    Normal,
    /// Flooding: hold the answers; tell the patient once.
    FirstOverLimit,
    /// Still flooding: hold the answers silently.
    OverLimit,
}

pub struct FloodGuard {
    limit: FloodLimit,
    recent: Mutex<HashMap<i64, VecDeque<Instant>>>,
}

impl FloodGuard {
    pub fn new(limit: FloodLimit) -> FloodGuard {
        FloodGuard {
            limit,
            recent: Mutex::new(HashMap::new()),
        }
    }

    pub fn check(&self, chat_id: i64, now: Instant) -> Pace {
        let mut recent = self
            .recent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let FloodLimit { messages, window } = self.limit;
        if recent.len() > 10_000 {
            recent.retain(|_, times| {
                times
                    .back()
                    .is_some_and(|at| now.duration_since(*at) < window)
            });
        }
        let times = recent.entry(chat_id).or_default();
        while times
            .front()
            .is_some_and(|at| now.duration_since(*at) >= window)
        {
            times.pop_front();
        }
        times.push_back(now);
        match times.len() {
            n if n <= messages => Pace::Normal,
            n if n == messages + 1 => Pace::FirstOverLimit,
            _ => Pace::OverLimit,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_gets_one_note_then_silence_then_normal_again() {
        let limit = FloodLimit::default();
        let guard = FloodGuard::new(limit);
        let start = Instant::now();
        for i in 0..limit.messages {
            assert_eq!(
                guard.check(1, start + Duration::from_millis(i as u64)),
                Pace::Normal
            );
        }
        assert_eq!(guard.check(1, start), Pace::FirstOverLimit);
        assert_eq!(guard.check(1, start), Pace::OverLimit);
        assert_eq!(
            guard.check(2, start),
            Pace::Normal,
            "other patients are not affected"
        );
        assert_eq!(
            guard.check(1, start + limit.window + Duration::from_secs(1)),
            Pace::Normal
        );
    }
}
