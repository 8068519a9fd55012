//! The enterprise registry: list, record, board moves, titles, annual data.

pub mod annual;
pub mod board;
pub mod list;
pub mod record;
pub mod rubric;
pub mod titles;

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{NaiveDate, Utc};

use crate::db::Db;
use crate::domain::role::Role;
use crate::error::AppError;

/// Who may read the registry pages (enterprise accounts read only their own record).
pub const READERS: &[Role] = &[Role::Admin, Role::Staff, Role::Official, Role::Expert];
/// Who may change records.
pub const EDITORS: &[Role] = &[Role::Admin, Role::Staff];

/// Today in China (UTC+8): titles expire and moves take effect by local date.
pub fn today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

static LAST_LEVEL_SWEEP: AtomicI64 = AtomicI64::new(0);

/// Recomputes stored levels whose title expired since and announces titles that
/// entered the re-review window, at most once an hour per process (index scans that
/// find nothing when nothing changed).
pub async fn refresh_levels_if_due(db: &Db) -> Result<(), AppError> {
    let now = Utc::now().timestamp();
    let last = LAST_LEVEL_SWEEP.load(Ordering::Relaxed);
    if now - last < 3600
        || LAST_LEVEL_SWEEP
            .compare_exchange(last, now, Ordering::SeqCst, Ordering::Relaxed)
            .is_err()
    {
        return Ok(());
    }
    let day = today();
    let (n, notified) = db
        .write(move |conn| {
            let n = crate::models::qualification::refresh_expired_levels(conn, day)?;
            // Titles entering the re-review window, announced once each.
            let notified = crate::models::notification::sweep_titles_expiring(conn, day)?;
            Ok((n, notified))
        })
        .await?;
    if n > 0 {
        tracing::info!(
            enterprises = n,
            "current levels refreshed after title expiry"
        );
    }
    if notified > 0 {
        tracing::info!(notifications = notified, "expiring titles announced");
    }
    Ok(())
}
