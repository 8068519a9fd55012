//! Login throttling: increasing delay after a few failures, then a temporary lock.
//! Counted separately per account and per client address; decided before any
//! password hash is computed.

use chrono::{Duration, NaiveDateTime};

/// Tunable limits (defaults suit a public login page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed before each further attempt must wait.
    pub free_failures: i32,
    /// Failures within the window after which the key is locked.
    pub lock_after: i32,
    /// How long a lock lasts; also the window over which failures are counted.
    pub lock_for: Duration,
    /// Cap on the growing delay between attempts.
    pub max_delay: Duration,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            free_failures: 3,
            lock_after: 10,
            lock_for: Duration::minutes(15),
            max_delay: Duration::seconds(30),
        }
    }
}

impl ThrottlePolicy {
    /// The policy for client addresses: many accounts may share one office NAT,
    /// so the address limits are five times looser than the account limits.
    pub fn for_addresses(self) -> Self {
        ThrottlePolicy {
            free_failures: self.free_failures * 5,
            lock_after: self.lock_after * 5,
            ..self
        }
    }
}

/// What is known about recent failures for one key (an account or an address).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FailureRecord {
    /// Failures counted in the current window.
    pub failures: i32,
    /// When the window started (the first failure counted).
    pub first_failure_at: NaiveDateTime,
    /// The latest failure.
    pub last_failure_at: NaiveDateTime,
    /// Set while the key is locked.
    pub locked_until: Option<NaiveDateTime>,
}

/// The verdict before a sign-in attempt is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go ahead and check the password.
    Allow,
    /// Too soon after the last failure: try again after this moment.
    Wait(NaiveDateTime),
    /// Locked until this moment.
    Locked(NaiveDateTime),
}

impl ThrottlePolicy {
    /// Whether an attempt for this key may be checked now.
    pub fn verdict(&self, record: Option<&FailureRecord>, now: NaiveDateTime) -> Verdict {
        let Some(r) = record else {
            return Verdict::Allow;
        };
        if let Some(until) = r.locked_until
            && until > now
        {
            return Verdict::Locked(until);
        }
        if self.expired(r, now) {
            return Verdict::Allow;
        }
        if r.failures >= self.free_failures {
            let exp = (r.failures - self.free_failures).min(16) as u32;
            let delay = Duration::seconds(1i64 << exp).min(self.max_delay);
            let next = r.last_failure_at + delay;
            if next > now {
                return Verdict::Wait(next);
            }
        }
        Verdict::Allow
    }

    /// The record after one more failure at `now`; a lock starts when the count
    /// reaches `lock_after`. Returns the new record and whether it just locked.
    pub fn after_failure(
        &self,
        record: Option<&FailureRecord>,
        now: NaiveDateTime,
    ) -> (FailureRecord, bool) {
        let fresh = FailureRecord {
            failures: 1,
            first_failure_at: now,
            last_failure_at: now,
            locked_until: None,
        };
        let mut next = match record {
            Some(r) if !self.expired(r, now) => FailureRecord {
                failures: r.failures + 1,
                last_failure_at: now,
                ..*r
            },
            _ => fresh,
        };
        let just_locked = next.failures >= self.lock_after && next.locked_until.is_none();
        if just_locked {
            next.locked_until = Some(now + self.lock_for);
        }
        (next, just_locked)
    }

    /// A window is over when its lock has ended, or, unlocked, when no failure
    /// happened within `lock_for`.
    fn expired(&self, r: &FailureRecord, now: NaiveDateTime) -> bool {
        match r.locked_until {
            Some(until) => until <= now,
            None => now - r.last_failure_at >= self.lock_for,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn t0() -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 1, 1)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap()
    }

    fn fail_n(p: &ThrottlePolicy, n: i32, at: NaiveDateTime) -> FailureRecord {
        let mut r = None;
        for _ in 0..n {
            r = Some(p.after_failure(r.as_ref(), at).0);
        }
        r.unwrap()
    }

    #[test]
    fn first_failures_are_free() {
        let p = ThrottlePolicy::default();
        let r = fail_n(&p, 2, t0());
        assert_eq!(p.verdict(Some(&r), t0()), Verdict::Allow);
        assert_eq!(p.verdict(None, t0()), Verdict::Allow);
    }

    #[test]
    fn delay_grows_then_lock() {
        let p = ThrottlePolicy::default();
        let r = fail_n(&p, 3, t0());
        assert_eq!(
            p.verdict(Some(&r), t0()),
            Verdict::Wait(t0() + Duration::seconds(1))
        );
        let r = fail_n(&p, 5, t0());
        assert_eq!(
            p.verdict(Some(&r), t0()),
            Verdict::Wait(t0() + Duration::seconds(4))
        );
        assert_eq!(
            p.verdict(Some(&r), t0() + Duration::seconds(4)),
            Verdict::Allow
        );
        let r = fail_n(&p, 9, t0());
        assert_eq!(
            p.verdict(Some(&r), t0()),
            Verdict::Wait(t0() + Duration::seconds(30))
        );
        let (r, locked) = p.after_failure(Some(&r), t0());
        assert!(locked);
        assert_eq!(
            p.verdict(Some(&r), t0() + Duration::minutes(14)),
            Verdict::Locked(t0() + Duration::minutes(15))
        );
        assert_eq!(
            p.verdict(Some(&r), t0() + Duration::minutes(15)),
            Verdict::Allow
        );
    }

    #[test]
    fn window_resets_after_quiet_period() {
        let p = ThrottlePolicy::default();
        let r = fail_n(&p, 5, t0());
        let later = t0() + Duration::minutes(16);
        assert_eq!(p.verdict(Some(&r), later), Verdict::Allow);
        let (r2, _) = p.after_failure(Some(&r), later);
        assert_eq!(r2.failures, 1);
    }

    #[test]
    fn failure_after_lock_ends_starts_a_new_window() {
        let p = ThrottlePolicy::default();
        let (r, _) = p.after_failure(Some(&fail_n(&p, 9, t0())), t0());
        let after = t0() + Duration::minutes(15);
        let (r2, locked) = p.after_failure(Some(&r), after);
        assert_eq!((r2.failures, locked), (1, false));
    }

    #[test]
    fn addresses_are_looser() {
        let p = ThrottlePolicy::default().for_addresses();
        let r = fail_n(&p, 10, t0());
        assert_eq!(p.verdict(Some(&r), t0()), Verdict::Allow);
    }
}
