//! Telegram's flood limits, emulated when
//! [`super::EmulatorOptions::flood_control`] is set: sliding windows of the
//! bot's messages per chat, per group and overall, a separate window of
//! edits per group, and the flood wait a chat is put in when one of them
//! refuses a call.
//!
//! A call is charged in two steps, both under the world lock: the handler
//! asks [`FloodState::check`] once it has validated the call (so a call
//! Telegram would reject for its content still gets its own 400, not a 429),
//! and the charge is kept only if the handler then succeeds
//! ([`FloodState::finish`]): a call that fails has no effect, on the
//! windows either.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant, SystemTime};

use super::error::ApiError;

/// Telegram's flood limits, enforced when set in
/// [`super::EmulatorOptions::flood_control`].
///
/// The figures are Telegram's own where it publishes them (Bot FAQ, "My bot
/// is hitting limits, how do I avoid this?"): about one message per second
/// in a chat with short bursts tolerated, no more than 20 messages per
/// minute in one group, about 30 messages per second overall. Telegram
/// publishes no edit limit; grammY's flood documentation reports about 20
/// edits per minute in a group, which is what `group_edits` models.
///
/// What is counted:
///
/// * **Messages**: every call that makes the bot post in a chat —
///   sendMessage, sendPhoto, sendDocument, sendVideo, sendAudio, sendVoice,
///   sendAnimation, sendSticker, sendLocation, sendContact, copyMessage,
///   forwardMessage, createForumTopic (its service message) count 1;
///   sendMediaGroup counts one per item; copyMessages and forwardMessages
///   count one per message actually posted (ids skipped as missing or not
///   copyable cost nothing). A call that does not fit is refused whole,
///   nothing of it posted. A call of more messages than a limit (a 10-photo
///   album in a private chat) is admitted only into an empty window, which
///   it then fills: Telegram sends such albums.
///   (sendPoll, sendDice and editMessageMedia are not implemented by the
///   emulator.)
/// * **Edits in groups and supergroups** (editMessageText,
///   editMessageCaption, editMessageReplyMarkup) count against
///   `group_edits`, apart from messages. Edits in private chats are not
///   limited: Telegram publishes no figure for them.
/// * Nothing else: answerCallbackQuery, deleteMessage, setMyCommands,
///   getters, chat actions, topic edits, closes and reopens (their service
///   messages included) are free.
///
/// A window of `(n, d)` admits a call when fewer than `n` counted actions
/// (of the same kind, in the same scope) happened within the last `d × time_scale`.
///
/// Over a limit the call answers `429 Too Many Requests: retry after N`
/// (`parameters.retry_after = N`) and has no effect. `N` is the whole
/// number of seconds, rounded up and at least 1, until the window has room.
/// A per-chat refusal (private chat, group messages, group edits) also puts
/// the chat in a **flood wait** for those `N` real seconds, as Telegram
/// does: every counted call to that chat (message, or edit in a group) is
/// refused until then with the seconds left, even if the window has room
/// again. An overall refusal puts no chat in a flood wait.
///
/// `retry_after` and the flood wait stay in real seconds (Telegram's unit)
/// whatever `time_scale` is: with a scale under 1 a window can be shorter
/// than a second, and `N` is then 1.
///
/// ```
/// use std::time::Duration;
/// use navigator_emulator::FloodControl;
/// // Telegram's limits, with every window twenty times shorter.
/// let fast = FloodControl::telegram().scaled(0.05);
/// assert_eq!(fast.window(fast.per_group), Duration::from_secs(3));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct FloodControl {
    /// Messages within any window to one private chat. Default `(3, 1 s)`:
    /// a short burst (a sustained one per second would be stricter).
    pub per_private_chat: (usize, Duration),
    /// Messages within any window to one group or supergroup, all its
    /// forum topics together. Default `(20, 60 s)`.
    pub per_group: (usize, Duration),
    /// Edits within any window in one group or supergroup. Default
    /// `(20, 60 s)`.
    pub group_edits: (usize, Duration),
    /// Messages within any window to all chats together. Default
    /// `(30, 1 s)`.
    pub overall: (usize, Duration),
    /// Every window above is multiplied by this, so that tests meet the
    /// limits in seconds rather than minutes (0.05 makes the group window
    /// 3 s). Default 1.0. A negative or non-finite value counts as 1.0.
    pub time_scale: f64,
}

impl Default for FloodControl {
    fn default() -> Self {
        Self {
            per_private_chat: (3, Duration::from_secs(1)),
            per_group: (20, Duration::from_secs(60)),
            group_edits: (20, Duration::from_secs(60)),
            overall: (30, Duration::from_secs(1)),
            time_scale: 1.0,
        }
    }
}

impl FloodControl {
    /// Telegram's published limits, in real time (the same as `default()`).
    pub fn telegram() -> Self {
        Self::default()
    }

    /// The same limits with every window multiplied by `factor` (on top of
    /// any scale already set): `telegram().scaled(0.05)` runs the group
    /// minute in 3 s.
    #[must_use]
    pub fn scaled(mut self, factor: f64) -> Self {
        self.time_scale = self.scale() * factor;
        self
    }

    /// The length of a limit's window once scaled.
    pub fn window(&self, limit: (usize, Duration)) -> Duration {
        Duration::try_from_secs_f64(limit.1.as_secs_f64() * self.scale()).unwrap_or(limit.1)
    }

    fn scale(&self) -> f64 {
        if self.time_scale.is_finite() && self.time_scale >= 0.0 {
            self.time_scale
        } else {
            1.0
        }
    }
}

/// Which limit refused a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FloodLimit {
    /// The chat was in a flood wait from an earlier refusal.
    FloodWait,
    /// [`FloodControl::per_private_chat`].
    PrivateChat,
    /// [`FloodControl::per_group`].
    Group,
    /// [`FloodControl::group_edits`].
    GroupEdits,
    /// [`FloodControl::overall`].
    Overall,
}

/// A call the emulated flood limits refused with 429 (injected
/// [`super::FaultKind::TooManyRequests`] faults are not listed: they are
/// the test's own).
#[derive(Clone, Debug, PartialEq)]
pub struct FloodRefusal {
    /// Canonical method name, e.g. `sendMessage`.
    pub method: String,
    /// The chat the call targeted.
    pub chat_id: i64,
    /// The `retry_after` answered.
    pub retry_after: u32,
    /// Which limit refused it.
    pub limit: FloodLimit,
    /// When.
    pub at: SystemTime,
}

/// What a call costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Charge {
    /// `n` messages posted in the chat.
    Messages(usize),
    /// One edit of a message in the chat.
    Edit,
}

/// The flood bookkeeping of a world.
#[derive(Debug, Default)]
pub(crate) struct FloodState {
    /// When the bot posted messages, per chat (oldest first).
    messages: HashMap<i64, VecDeque<Instant>>,
    /// When the bot edited messages, per group (oldest first).
    edits: HashMap<i64, VecDeque<Instant>>,
    /// When the bot posted messages anywhere (oldest first).
    overall: VecDeque<Instant>,
    /// Chats in a flood wait, until when.
    waits: HashMap<i64, Instant>,
    /// Every refusal, in order.
    refusals: Vec<FloodRefusal>,
    /// The method being served.
    method: &'static str,
    /// What the call being served will be charged if it succeeds (a call
    /// targets one chat, so one charge).
    pending: Option<(i64, Charge)>,
}

impl FloodState {
    /// A call of `method` starts being served.
    pub fn begin(&mut self, method: &'static str) {
        self.method = method;
        self.pending = None;
    }

    /// The call ends: its charge is kept only if it succeeded.
    pub fn finish(&mut self, succeeded: bool, now: Instant) {
        if let (true, Some((chat_id, charge))) = (succeeded, self.pending.take()) {
            self.record(chat_id, charge, now);
        }
        self.pending = None;
    }

    /// Refusals so far.
    pub fn refusals(&self) -> &[FloodRefusal] {
        &self.refusals
    }

    /// Whether the call being served may do `charge` in a chat (`is_group`:
    /// a group or supergroup) at `now`. On success the charge is noted for
    /// [`Self::finish`]; on refusal the refusal is logged and, for a
    /// per-chat limit, the chat is put in a flood wait.
    pub fn check(
        &mut self,
        limits: &FloodControl,
        now: Instant,
        chat_id: i64,
        is_group: bool,
        charge: Charge,
    ) -> Result<(), ApiError> {
        // Edits in private chats are not limited, nor held by a flood wait.
        if charge == Charge::Edit && !is_group {
            return Ok(());
        }
        match self.verdict(limits, now, chat_id, is_group, charge) {
            None => {
                self.pending = Some((chat_id, charge));
                Ok(())
            }
            Some((limit, retry_after)) => {
                if limit != FloodLimit::FloodWait && limit != FloodLimit::Overall {
                    let until = now + Duration::from_secs(u64::from(retry_after));
                    self.waits.insert(chat_id, until);
                }
                self.refusals.push(FloodRefusal {
                    method: self.method.to_owned(),
                    chat_id,
                    retry_after,
                    limit,
                    at: SystemTime::now(),
                });
                Err(ApiError::too_many_requests(retry_after))
            }
        }
    }

    /// The limit a charge would break and the seconds to answer, if any.
    fn verdict(
        &mut self,
        limits: &FloodControl,
        now: Instant,
        chat_id: i64,
        is_group: bool,
        charge: Charge,
    ) -> Option<(FloodLimit, u32)> {
        match self.waits.get(&chat_id) {
            Some(until) if *until > now => {
                return Some((FloodLimit::FloodWait, whole_seconds(*until - now)));
            }
            Some(_) => {
                self.waits.remove(&chat_id);
            }
            None => {}
        }
        match charge {
            Charge::Edit => {
                let window = limits.window(limits.group_edits);
                let times = self.edits.entry(chat_id).or_default();
                wait_for_room(times, now, window, limits.group_edits.0, 1)
                    .map(|wait| (FloodLimit::GroupEdits, whole_seconds(wait)))
            }
            Charge::Messages(n) => {
                let (limit, which) = if is_group {
                    (limits.per_group, FloodLimit::Group)
                } else {
                    (limits.per_private_chat, FloodLimit::PrivateChat)
                };
                let times = self.messages.entry(chat_id).or_default();
                if let Some(wait) = wait_for_room(times, now, limits.window(limit), limit.0, n) {
                    return Some((which, whole_seconds(wait)));
                }
                let window = limits.window(limits.overall);
                wait_for_room(&mut self.overall, now, window, limits.overall.0, n)
                    .map(|wait| (FloodLimit::Overall, whole_seconds(wait)))
            }
        }
    }

    /// Counts a charge that was carried out.
    fn record(&mut self, chat_id: i64, charge: Charge, now: Instant) {
        match charge {
            Charge::Edit => self.edits.entry(chat_id).or_default().push_back(now),
            Charge::Messages(n) => {
                let times = self.messages.entry(chat_id).or_default();
                times.extend(std::iter::repeat_n(now, n));
                self.overall.extend(std::iter::repeat_n(now, n));
            }
        }
    }
}

/// How long until `n` more actions fit in a window of `window` that admits
/// `limit` (`None`: they fit now). Forgets the actions that left the window.
/// More than `limit` actions at once fit only into an empty window.
fn wait_for_room(
    times: &mut VecDeque<Instant>,
    now: Instant,
    window: Duration,
    limit: usize,
    n: usize,
) -> Option<Duration> {
    while times
        .front()
        .is_some_and(|at| now.saturating_duration_since(*at) >= window)
    {
        times.pop_front();
    }
    let cap = limit.max(n);
    let excess = (times.len() + n).checked_sub(cap).filter(|e| *e > 0)?;
    // The window has room once the `excess` oldest actions have left it.
    let frees = times
        .get(excess - 1)
        .map_or(now + window, |at| *at + window);
    Some(frees.saturating_duration_since(now))
}

/// Whole seconds, rounded up, at least 1 (what `retry_after` says).
fn whole_seconds(wait: Duration) -> u32 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    u32::try_from(secs.max(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> FloodControl {
        FloodControl {
            per_private_chat: (3, Duration::from_secs(1)),
            per_group: (2, Duration::from_millis(2500)),
            group_edits: (2, Duration::from_secs(10)),
            overall: (5, Duration::from_secs(1)),
            time_scale: 1.0,
        }
    }

    /// Checks and, when admitted, carries out a charge.
    fn act(
        state: &mut FloodState,
        limits: &FloodControl,
        now: Instant,
        chat_id: i64,
        is_group: bool,
        charge: Charge,
    ) -> Result<(), u32> {
        state.begin("sendMessage");
        let outcome = state.check(limits, now, chat_id, is_group, charge);
        state.finish(outcome.is_ok(), now);
        outcome.map_err(|e| {
            e.parameters
                .and_then(|p| p["retry_after"].as_u64())
                .and_then(|s| u32::try_from(s).ok())
                .expect("retry_after")
        })
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(whole_seconds(Duration::ZERO), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_secs(2)), 2);
        assert_eq!(whole_seconds(Duration::from_millis(2001)), 3);
    }

    #[test]
    fn time_scale_multiplies_every_window() {
        let fast = FloodControl::telegram().scaled(0.05);
        assert_eq!(fast.window(fast.per_group), Duration::from_secs(3));
        assert_eq!(fast.window(fast.group_edits), Duration::from_secs(3));
        assert_eq!(fast.window(fast.overall), Duration::from_millis(50));
        assert_eq!(fast.clone().scaled(2.0).time_scale, 0.1);
        let broken = FloodControl {
            time_scale: f64::NAN,
            ..FloodControl::telegram()
        };
        assert_eq!(broken.window(broken.per_group), Duration::from_secs(60));
    }

    #[test]
    fn flood_wait_outlasts_the_window_by_its_rounding() {
        let limits = limits();
        let mut state = FloodState::default();
        let t0 = Instant::now();
        for _ in 0..2 {
            assert_eq!(
                act(&mut state, &limits, t0, -5, true, Charge::Messages(1)),
                Ok(())
            );
        }
        // The window frees at t0 + 2.5 s: 2.3 s from now, answered as 3.
        let refused = t0 + Duration::from_millis(200);
        assert_eq!(
            act(&mut state, &limits, refused, -5, true, Charge::Messages(1)),
            Err(3)
        );
        // At t0 + 2.6 s the window has room, but the wait lasts until t0 + 3.2 s.
        let later = t0 + Duration::from_millis(2600);
        assert_eq!(
            act(&mut state, &limits, later, -5, true, Charge::Messages(1)),
            Err(1)
        );
        assert_eq!(
            state.refusals().iter().map(|r| r.limit).collect::<Vec<_>>(),
            vec![FloodLimit::Group, FloodLimit::FloodWait]
        );
        // Edits are held by the wait too.
        assert_eq!(
            act(&mut state, &limits, later, -5, true, Charge::Edit),
            Err(1)
        );
        let after = t0 + Duration::from_millis(3200);
        assert_eq!(
            act(&mut state, &limits, after, -5, true, Charge::Messages(1)),
            Ok(())
        );
    }

    #[test]
    fn a_call_of_several_messages_is_refused_whole() {
        let limits = limits();
        let mut state = FloodState::default();
        let t0 = Instant::now();
        assert_eq!(
            act(&mut state, &limits, t0, 1, false, Charge::Messages(2)),
            Ok(())
        );
        assert_eq!(
            act(&mut state, &limits, t0, 1, false, Charge::Messages(2)),
            Err(1)
        );
        // Nothing of the refused call was counted: once the wait is over,
        // the window holds only the first call's messages, which left it too.
        let after = t0 + Duration::from_secs(1);
        assert_eq!(
            act(&mut state, &limits, after, 1, false, Charge::Messages(3)),
            Ok(())
        );
    }

    #[test]
    fn more_messages_than_the_limit_fit_only_an_empty_window() {
        let limits = limits();
        let mut state = FloodState::default();
        let t0 = Instant::now();
        assert_eq!(
            act(&mut state, &limits, t0, 1, false, Charge::Messages(4)),
            Ok(())
        );
        let soon = t0 + Duration::from_millis(100);
        assert_eq!(
            act(&mut state, &limits, soon, 2, false, Charge::Messages(1)),
            Ok(())
        );
        assert_eq!(
            act(&mut state, &limits, soon, 3, false, Charge::Messages(4)),
            Err(1)
        );
        assert_eq!(state.refusals()[0].limit, FloodLimit::Overall);
        // An overall refusal puts no chat in a flood wait.
        assert!(state.waits.is_empty());
    }

    #[test]
    fn edits_are_counted_in_groups_only_and_apart_from_messages() {
        let limits = limits();
        let mut state = FloodState::default();
        let t0 = Instant::now();
        for _ in 0..10 {
            assert_eq!(act(&mut state, &limits, t0, 1, false, Charge::Edit), Ok(()));
        }
        assert!(state.edits.is_empty());
        assert_eq!(
            act(&mut state, &limits, t0, -5, true, Charge::Messages(2)),
            Ok(())
        );
        for _ in 0..2 {
            assert_eq!(act(&mut state, &limits, t0, -5, true, Charge::Edit), Ok(()));
        }
        assert_eq!(
            act(&mut state, &limits, t0, -5, true, Charge::Edit),
            Err(10)
        );
        assert_eq!(state.refusals()[0].limit, FloodLimit::GroupEdits);
    }

    #[test]
    fn a_failed_call_is_not_counted() {
        let limits = limits();
        let mut state = FloodState::default();
        let t0 = Instant::now();
        for _ in 0..5 {
            state.begin("sendMessage");
            assert!(
                state
                    .check(&limits, t0, 1, false, Charge::Messages(1))
                    .is_ok()
            );
            state.finish(false, t0);
        }
        assert!(state.overall.is_empty());
    }
}
