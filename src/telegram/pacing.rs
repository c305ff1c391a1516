//! Pacing: every Bot API call that Telegram rate-limits waits here for its
//! turn, so that the bot never provokes a 429 by its own pace, and a 429
//! that comes anyway (another process, Telegram's maintenance) makes the
//! call wait and try again instead of failing.
//!
//! Telegram's limits (Bot FAQ, and grammY's notes on flood control): about
//! 1 message a second in one chat with short bursts, 20 messages a minute
//! in one group (all forum topics of the coordinators' group share them),
//! about 20 edits a minute in one group, about 30 messages a second
//! overall. Over a limit Telegram answers 429 with `retry_after`, and the
//! chat stays in a flood wait until then.
//!
//! The group's budget is shared by priority, then round robin between
//! lanes (one case's topic, one case's card): among calls waiting for the
//! same budget, the most urgent goes first, and among equals the lane
//! served longest ago, so one patient writing fast cannot starve the
//! others. The sender runs each job inside [`Turn::scope`], which tells
//! the pacer the job's priority and lane without threading them through
//! every call.
//!
//! Owns the sliding windows and the flood waits; knows nothing of the
//! database or of what is being sent.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use teloxide::RequestError;
use teloxide::types::ChatId;
use tokio::sync::Notify;

/// Sliding-window limits: (calls, window).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimits {
    /// Messages into one private chat.
    pub per_private_chat: (usize, Duration),
    /// Messages into one group (every topic of it).
    pub per_group: (usize, Duration),
    /// Edits in one group.
    pub group_edits: (usize, Duration),
    /// Messages into all chats.
    pub overall: (usize, Duration),
}

impl RateLimits {
    /// No pacing (previews, and tests about something else).
    pub fn unlimited() -> RateLimits {
        let lots = (usize::MAX / 2, Duration::from_secs(1));
        RateLimits {
            per_private_chat: lots,
            per_group: lots,
            group_edits: lots,
            overall: lots,
        }
    }

    /// Every window multiplied by `factor` (tests and benchmarks run
    /// Telegram's limits in seconds, against an emulator scaled alike).
    pub fn scaled(self, factor: f64) -> RateLimits {
        let scale = |(calls, window): (usize, Duration)| (calls, window.mul_f64(factor));
        RateLimits {
            per_private_chat: scale(self.per_private_chat),
            per_group: scale(self.per_group),
            group_edits: scale(self.group_edits),
            overall: scale(self.overall),
        }
    }
}

impl Default for RateLimits {
    /// Telegram's limits, a little under them where they are vague (one
    /// private chat: 3 in 2 s, a short burst then about 1 a second).
    fn default() -> Self {
        RateLimits {
            per_private_chat: (3, Duration::from_secs(2)),
            per_group: (20, Duration::from_secs(60)),
            group_edits: (20, Duration::from_secs(60)),
            overall: (30, Duration::from_secs(1)),
        }
    }
}

/// Where a call goes: Telegram limits private chats and groups differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Destination {
    Private(ChatId),
    Group(ChatId),
}

impl Destination {
    fn chat(self) -> i64 {
        match self {
            Destination::Private(chat) | Destination::Group(chat) => chat.0,
        }
    }
}

/// What a call spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Spend {
    /// New messages (a copy of several counts each; so does a new topic).
    Messages(u32),
    /// One edit of a message.
    Edit,
}

impl Spend {
    fn count(self) -> usize {
        match self {
            Spend::Messages(count) => count as usize,
            Spend::Edit => 1,
        }
    }
}

/// How urgent a job is where the group's budget is short; the first goes
/// first. Private chats have budgets of their own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Priority {
    /// A new case's topic and card; anything for a private chat.
    #[default]
    First,
    /// Patients' messages for their case's topic.
    PatientMessage,
    /// The bot's notes in a topic.
    Note,
    /// Redrawing a case's card.
    Card,
}

/// The job a call belongs to, as the pacer orders the waiting calls.
#[derive(Debug, Clone, Default)]
pub struct Turn {
    pub priority: Priority,
    /// The lane (see `sender::Lane`), for round robin between lanes.
    pub lane: String,
    /// A slot [`Pacer::reserve`] took for this turn's next matching call.
    reserved: std::sync::Arc<Mutex<Option<Reserved>>>,
}

/// A slot of a budget, spent in advance (see [`Pacer::reserve`]).
#[derive(Debug, Clone, Copy)]
struct Reserved {
    budget: Budget,
    count: usize,
    granted: Instant,
}

tokio::task_local! {
    static TURN: Turn;
}

impl Turn {
    pub fn new(priority: Priority, lane: impl Into<String>) -> Turn {
        Turn {
            priority,
            lane: lane.into(),
            reserved: Default::default(),
        }
    }

    /// The slot reserved for a call like this one, if any (taken).
    fn take_reserved(budget: Budget, count: usize) -> Option<Instant> {
        TURN.try_with(|turn| {
            let mut reserved = turn
                .reserved
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            match *reserved {
                Some(slot) if slot.budget == budget && slot.count == count => {
                    *reserved = None;
                    Some(slot.granted)
                }
                _ => None,
            }
        })
        .ok()
        .flatten()
    }

    /// Runs `work` as this turn: its paced calls wait by its priority and lane.
    pub async fn scope<F: Future>(self, work: F) -> F::Output {
        TURN.scope(self, work).await
    }

    fn current() -> Turn {
        TURN.try_with(Turn::clone).unwrap_or_default()
    }
}

/// Chats (or lanes) remembered before the pacer forgets those long quiet.
const PRUNE_ABOVE: usize = 10_000;

/// Which budget a call waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Budget {
    Messages(i64),
    Edits(i64),
}

/// The calls sent within the last window, oldest first.
#[derive(Debug, Default)]
struct Window(VecDeque<Instant>);

impl Window {
    /// How long until `count` more fit in `(limit, window)`; zero: now.
    fn wait(&mut self, (limit, window): (usize, Duration), count: usize, now: Instant) -> Duration {
        while self
            .0
            .front()
            .is_some_and(|at| now.saturating_duration_since(*at) >= window)
        {
            self.0.pop_front();
        }
        let count = count.min(limit);
        if self.0.len() + count <= limit {
            return Duration::ZERO;
        }
        // The send that must leave the window before `count` more fit.
        let leaving = self.0[self.0.len() + count - limit - 1];
        (leaving + window).saturating_duration_since(now)
    }

    fn record(&mut self, at: Instant, count: usize) {
        let position = self.0.partition_point(|sent| *sent <= at);
        for _ in 0..count {
            self.0.insert(position, at);
        }
    }

    /// A call granted at `granted` finished at `done`: it counts from
    /// then, as Telegram counts it from when it arrived.
    fn finished(&mut self, granted: Instant, done: Instant, count: usize) {
        for _ in 0..count {
            if let Some(position) = self.0.iter().position(|sent| *sent == granted) {
                self.0.remove(position);
            }
        }
        self.record(done, count);
    }
}

struct Waiter {
    budget: Budget,
    priority: Priority,
    lane: String,
}

#[derive(Default)]
struct State {
    windows: HashMap<Budget, Window>,
    overall: Window,
    /// Chats Telegram told us to leave alone until then (a 429).
    flood_until: HashMap<i64, Instant>,
    /// Calls waiting for a budget, by arrival.
    waiting: BTreeMap<u64, Waiter>,
    /// When each lane last had a call go (for round robin).
    last_served: HashMap<String, Instant>,
    next_ticket: u64,
}

/// What a waiting call may do now.
enum Verdict {
    Go,
    /// Wait this long (or until another call goes).
    Wait(Duration),
}

impl State {
    fn limits_of(
        limits: &RateLimits,
        destination: Destination,
        spend: Spend,
    ) -> Option<(usize, Duration)> {
        match (destination, spend) {
            (Destination::Private(_), Spend::Messages(_)) => Some(limits.per_private_chat),
            (Destination::Group(_), Spend::Messages(_)) => Some(limits.per_group),
            (Destination::Group(_), Spend::Edit) => Some(limits.group_edits),
            // Telegram publishes no limit for edits in private chats.
            (Destination::Private(_), Spend::Edit) => None,
        }
    }

    /// Whether `ticket` is the first of the calls waiting for its budget.
    fn is_first(&self, ticket: u64) -> bool {
        let Some(me) = self.waiting.get(&ticket) else {
            return true;
        };
        let rank = |(ticket, waiter): (&u64, &Waiter)| {
            (
                waiter.priority,
                self.last_served.get(&waiter.lane).copied(),
                *ticket,
            )
        };
        let mine = rank((&ticket, me));
        !self
            .waiting
            .iter()
            .filter(|(other, waiter)| **other != ticket && waiter.budget == me.budget)
            .any(|other| rank(other) < mine)
    }

    fn verdict(
        &mut self,
        limits: &RateLimits,
        ticket: u64,
        destination: Destination,
        spend: Spend,
        now: Instant,
    ) -> Verdict {
        if let Some(until) = self.flood_until.get(&destination.chat()).copied() {
            if until > now {
                return Verdict::Wait(until - now);
            }
            self.flood_until.remove(&destination.chat());
        }
        let count = spend.count();
        let mut wait = Duration::ZERO;
        if let Some(limit) = Self::limits_of(limits, destination, spend) {
            let budget = budget_of(destination, spend);
            wait = self
                .windows
                .entry(budget)
                .or_default()
                .wait(limit, count, now);
        }
        if let Spend::Messages(_) = spend {
            wait = wait.max(self.overall.wait(limits.overall, count, now));
        }
        if !wait.is_zero() {
            return Verdict::Wait(wait);
        }
        if !self.is_first(ticket) {
            // Someone more urgent (or a lane served longer ago) goes first;
            // this call is woken when that one has gone.
            return Verdict::Wait(Duration::from_secs(1));
        }
        Verdict::Go
    }

    fn grant(
        &mut self,
        ticket: u64,
        destination: Destination,
        spend: Spend,
        lane: &str,
        now: Instant,
    ) {
        self.waiting.remove(&ticket);
        let count = spend.count();
        if self.windows.len() > PRUNE_ABOVE {
            // Chats whose every send left the longest window (a minute):
            // nothing to remember about them (thousands of patients a day).
            let horizon = now.checked_sub(Duration::from_secs(3600)).unwrap_or(now);
            self.windows
                .retain(|_, window| window.0.back().is_some_and(|last| *last > horizon));
            self.flood_until.retain(|_, until| *until > now);
        }
        self.windows
            .entry(budget_of(destination, spend))
            .or_default()
            .record(now, count);
        if let Spend::Messages(_) = spend {
            self.overall.record(now, count);
        }
        if !lane.is_empty() {
            if self.last_served.len() > PRUNE_ABOVE {
                let horizon = now.checked_sub(Duration::from_secs(3600)).unwrap_or(now);
                self.last_served.retain(|_, at| *at > horizon);
            }
            self.last_served.insert(lane.to_owned(), now);
        }
    }
}

fn budget_of(destination: Destination, spend: Spend) -> Budget {
    match spend {
        Spend::Messages(_) => Budget::Messages(destination.chat()),
        Spend::Edit => Budget::Edits(destination.chat()),
    }
}

/// The bot's one pacer, shared by the sender and the handlers.
pub struct Pacer {
    limits: RateLimits,
    state: Mutex<State>,
    /// Woken whenever a call goes or stops waiting.
    changed: Notify,
}

/// Removes a call from the waiting list however its wait ends.
struct Ticket<'a> {
    pacer: &'a Pacer,
    id: u64,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        self.pacer.lock().waiting.remove(&self.id);
        self.pacer.changed.notify_waiters();
    }
}

impl Pacer {
    pub fn new(limits: RateLimits) -> Pacer {
        Pacer {
            limits,
            state: Mutex::new(State::default()),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Makes a call when its budget allows, and again after any 429 once
    /// Telegram's `retry_after` has passed: a 429 is waiting, not failing.
    pub async fn call<T, F, Fut>(
        &self,
        destination: Destination,
        spend: Spend,
        mut call: F,
    ) -> Result<T, RequestError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, RequestError>>,
    {
        let reserved = Turn::take_reserved(budget_of(destination, spend), spend.count());
        let mut granted = match reserved {
            Some(granted) => granted,
            None => self.acquire(destination, spend).await,
        };
        loop {
            let result = call().await;
            self.finished(destination, spend, granted);
            match result {
                Err(RequestError::RetryAfter(after)) => {
                    crate::telemetry::telegram_error(&RequestError::RetryAfter(after));
                    tracing::warn!(
                        chat_id = destination.chat(),
                        retry_after_s = after.seconds(),
                        "Telegram asked the bot to wait"
                    );
                    self.flood_wait(destination, after.duration());
                    granted = self.acquire(destination, spend).await;
                }
                other => return other,
            }
        }
    }

    /// Waits for the turn and budget of a call the current [`Turn`] will
    /// make, and spends it now: the sender then gathers everything that
    /// waited meanwhile into that call, which goes at once (the next call
    /// of the turn with the same destination and spend takes the slot).
    pub async fn reserve(&self, destination: Destination, spend: Spend) {
        let granted = self.acquire(destination, spend).await;
        let slot = Reserved {
            budget: budget_of(destination, spend),
            count: spend.count(),
            granted,
        };
        let _ = TURN.try_with(|turn| {
            *turn
                .reserved
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(slot);
        });
    }

    /// Waits for the call's turn and budget; returns when it was granted.
    async fn acquire(&self, destination: Destination, spend: Spend) -> Instant {
        let turn = Turn::current();
        let id = {
            let mut state = self.lock();
            state.next_ticket += 1;
            let id = state.next_ticket;
            state.waiting.insert(
                id,
                Waiter {
                    budget: budget_of(destination, spend),
                    priority: turn.priority,
                    lane: turn.lane.clone(),
                },
            );
            id
        };
        let ticket = Ticket { pacer: self, id };
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let now = Instant::now();
            let verdict = {
                let mut state = self.lock();
                let verdict = state.verdict(&self.limits, ticket.id, destination, spend, now);
                if let Verdict::Go = verdict {
                    state.grant(ticket.id, destination, spend, &turn.lane, now);
                }
                verdict
            };
            match verdict {
                Verdict::Go => {
                    drop(ticket); // wakes the others to see who is next
                    return now;
                }
                Verdict::Wait(wait) => {
                    tokio::select! {
                        _ = tokio::time::sleep(wait) => {}
                        _ = &mut changed => {}
                    }
                }
            }
        }
    }

    fn finished(&self, destination: Destination, spend: Spend, granted: Instant) {
        let count = spend.count();
        let done = Instant::now();
        let mut state = self.lock();
        if let Some(window) = state.windows.get_mut(&budget_of(destination, spend)) {
            window.finished(granted, done, count);
        }
        if let Spend::Messages(_) = spend {
            state.overall.finished(granted, done, count);
        }
    }

    /// Telegram answered 429: nothing goes to that chat until it said.
    pub fn flood_wait(&self, destination: Destination, retry_after: Duration) {
        let until = Instant::now() + retry_after;
        let mut state = self.lock();
        let entry = state.flood_until.entry(destination.chat()).or_insert(until);
        *entry = (*entry).max(until);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GROUP: Destination = Destination::Group(ChatId(-100));

    fn patient(id: i64) -> Destination {
        Destination::Private(ChatId(id))
    }

    #[test]
    fn a_chat_gets_a_short_burst_then_waits() {
        let mut window = Window::default();
        let limit = (3, Duration::from_secs(2));
        let start = Instant::now();
        for _ in 0..3 {
            assert_eq!(window.wait(limit, 1, start), Duration::ZERO);
            window.record(start, 1);
        }
        assert_eq!(window.wait(limit, 1, start), Duration::from_secs(2));
        assert_eq!(
            window.wait(limit, 1, start + Duration::from_secs(2)),
            Duration::ZERO
        );
    }

    #[test]
    fn several_messages_at_once_wait_for_room_for_all() {
        let mut window = Window::default();
        let limit = (20, Duration::from_secs(60));
        let start = Instant::now();
        for i in 0..18 {
            window.record(start + Duration::from_secs(i), 1);
        }
        let now = start + Duration::from_secs(20);
        assert_eq!(window.wait(limit, 2, now), Duration::ZERO);
        // Four need the first two to leave: the second leaves at 61 s.
        assert_eq!(window.wait(limit, 4, now), Duration::from_secs(41));
    }

    #[test]
    fn a_call_counts_from_when_it_finished() {
        let mut window = Window::default();
        let limit = (1, Duration::from_secs(10));
        let start = Instant::now();
        window.record(start, 1);
        window.finished(start, start + Duration::from_secs(3), 1);
        assert_eq!(
            window.wait(limit, 1, start + Duration::from_secs(10)),
            Duration::from_secs(3),
            "a slow call keeps its place in the window until it arrived"
        );
    }

    #[tokio::test]
    async fn groups_get_twenty_a_window_and_the_rest_waits() {
        let pacer = Pacer::new(RateLimits::default().scaled(0.005)); // 300 ms
        let start = Instant::now();
        for _ in 0..20 {
            pacer.acquire(GROUP, Spend::Messages(1)).await;
        }
        // Edits and private chats have budgets of their own.
        pacer.acquire(GROUP, Spend::Edit).await;
        pacer.acquire(patient(1), Spend::Messages(1)).await;
        assert!(start.elapsed() < Duration::from_millis(150));
        pacer.acquire(GROUP, Spend::Messages(1)).await;
        assert!(start.elapsed() >= Duration::from_millis(300));
    }

    #[tokio::test]
    async fn the_most_urgent_lane_goes_first_then_round_robin() {
        let limits = RateLimits {
            per_group: (1, Duration::from_millis(40)),
            ..RateLimits::unlimited()
        };
        let pacer = std::sync::Arc::new(Pacer::new(limits));
        // Fill the window so that everyone below has to wait.
        pacer.acquire(GROUP, Spend::Messages(1)).await;
        let order = std::sync::Arc::new(Mutex::new(Vec::new()));
        let mut tasks = Vec::new();
        let calls = [
            ("card:1", Priority::Card),
            ("topic:1", Priority::PatientMessage),
            ("topic:1", Priority::PatientMessage),
            ("topic:2", Priority::PatientMessage),
            ("topic:3", Priority::First),
        ];
        for (lane, priority) in calls {
            let (pacer, order) = (pacer.clone(), order.clone());
            let turn = Turn::new(priority, lane);
            tasks.push(tokio::spawn(turn.scope(async move {
                pacer.acquire(GROUP, Spend::Messages(1)).await;
                order.lock().unwrap().push(lane);
            })));
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        for task in tasks {
            task.await.unwrap();
        }
        let order = order.lock().unwrap().clone();
        assert_eq!(
            order,
            ["topic:3", "topic:1", "topic:2", "topic:1", "card:1"],
            "new case first, then each case's messages in turn, the card last"
        );
    }

    #[test]
    fn chats_long_quiet_are_forgotten() {
        let mut state = State::default();
        let long_ago = Instant::now();
        let now = long_ago + Duration::from_secs(7200);
        for chat in 0..=PRUNE_ABOVE as i64 {
            state.grant(0, patient(chat), Spend::Messages(1), "", long_ago);
        }
        assert_eq!(state.windows.len(), PRUNE_ABOVE + 1);
        state.grant(0, patient(-1), Spend::Messages(1), "", now);
        assert_eq!(state.windows.len(), 1, "only the chat just served");
    }

    #[tokio::test]
    async fn a_reserved_slot_is_spent_by_the_turn_s_next_call() {
        let limits = RateLimits {
            per_group: (1, Duration::from_millis(300)),
            ..RateLimits::unlimited()
        };
        let pacer = Pacer::new(limits);
        let turn = Turn::new(Priority::PatientMessage, "topic:1");
        let start = Instant::now();
        turn.clone()
            .scope(pacer.reserve(GROUP, Spend::Messages(1)))
            .await;
        // The window is full now, but the turn's call has its slot.
        turn.clone()
            .scope(pacer.call(GROUP, Spend::Messages(1), || async {
                Ok::<_, RequestError>(())
            }))
            .await
            .unwrap();
        assert!(start.elapsed() < Duration::from_millis(100));
        // The next one waits for the window.
        turn.scope(pacer.call(GROUP, Spend::Messages(1), || async {
            Ok::<_, RequestError>(())
        }))
        .await
        .unwrap();
        assert!(start.elapsed() >= Duration::from_millis(300));
    }

    #[tokio::test]
    async fn a_429_makes_the_call_wait_and_try_again() {
        let pacer = Pacer::new(RateLimits::unlimited());
        let tries = std::sync::atomic::AtomicUsize::new(0);
        let start = Instant::now();
        let result = pacer
            .call(patient(7), Spend::Messages(1), || {
                let attempt = tries.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                async move {
                    if attempt == 0 {
                        Err(RequestError::RetryAfter(
                            teloxide::types::Seconds::from_seconds(1),
                        ))
                    } else {
                        Ok(attempt)
                    }
                }
            })
            .await;
        assert_eq!(result.unwrap(), 1);
        assert!(
            start.elapsed() >= Duration::from_secs(1),
            "retry_after obeyed"
        );
        // The flood wait is per chat: another chat goes at once.
        let other = Instant::now();
        pacer
            .call(patient(8), Spend::Messages(1), || async {
                Ok::<_, RequestError>(())
            })
            .await
            .unwrap();
        assert!(other.elapsed() < Duration::from_millis(200));
    }
}
