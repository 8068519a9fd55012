//! The in-app inbox: notifications per recipient, written inside the transaction of
//! the change they announce, read newest first, marked read by their owner only.
//! Sweeps (titles entering the re-review window, overdue tasks) announce each thing
//! once per recipient through a dedupe key.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::dsl::sql;
use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::db::DbConnection;
use crate::domain::notification::{self, Kind, Params};
use crate::domain::qualification::REVIEW_WINDOW_DAYS;
use crate::domain::role::Role;
use crate::schema::{
    cultivation_tasks, enterprises, notifications, qualifications, user_districts, users,
};

/// How many things one sweep announces at most (the next sweep takes the rest), to
/// keep its write transaction short.
const SWEEP_BATCH: i64 = 500;

/// A stored notification.
#[derive(Debug, Clone, Queryable)]
pub struct Notification {
    pub id: i32,
    pub user_id: i32,
    pub kind: String,
    pub params: String,
    pub link: String,
    pub enterprise_id: Option<i32>,
    pub dedupe_key: Option<String>,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
}

impl Notification {
    /// Its kind (`None` for a kind this build does not know).
    pub fn kind(&self) -> Option<Kind> {
        self.kind.parse().ok()
    }

    /// Its message parameters.
    pub fn params(&self) -> Params {
        notification::parse_params(&self.params)
    }

    /// Whether it has been read.
    pub fn is_read(&self) -> bool {
        self.read_at.is_some()
    }

    /// The link to follow when opened, if it is a path on this site.
    pub fn local_link(&self) -> Option<&str> {
        notification::is_local_link(&self.link).then_some(self.link.as_str())
    }
}

/// Notifies each of `user_ids` (duplicates ignored) of `kind` with `params`. With a
/// `dedupe_key`, users who already have a notification with that key are skipped
/// (checked here, inside the caller's transaction). Returns how many were written.
pub fn notify(
    conn: &mut DbConnection,
    user_ids: &[i32],
    kind: Kind,
    params: &Params,
    link: &str,
    enterprise_id: Option<i32>,
    dedupe_key: Option<&str>,
) -> QueryResult<usize> {
    let mut ids = user_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(0);
    }
    if let Some(key) = dedupe_key {
        let already: Vec<i32> = notifications::table
            .filter(notifications::dedupe_key.eq(key))
            .filter(notifications::user_id.eq_any(&ids))
            .select(notifications::user_id)
            .load(conn)?;
        ids.retain(|id| !already.contains(id));
    }
    let json = serde_json::to_string(params).unwrap_or_else(|_| "{}".to_string());
    let now = super::now();
    for id in &ids {
        diesel::insert_into(notifications::table)
            .values((
                notifications::user_id.eq(id),
                notifications::kind.eq(kind.as_str()),
                notifications::params.eq(&json),
                notifications::link.eq(link),
                notifications::enterprise_id.eq(enterprise_id),
                notifications::dedupe_key.eq(dedupe_key),
                notifications::created_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(ids.len())
}

/// How many unread notifications the user has (the header badge: one COUNT over the
/// partial index of unread rows).
pub fn unread_count(conn: &mut DbConnection, user_id: i32) -> QueryResult<i64> {
    notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)
}

/// The user's notifications, newest first: a page of `limit` after the keyset
/// cursor `before` (an id).
pub fn list(
    conn: &mut DbConnection,
    user_id: i32,
    before: Option<i32>,
    limit: i64,
) -> QueryResult<Vec<Notification>> {
    let mut q = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(notifications::id.lt(b));
    }
    q.order(notifications::id.desc()).limit(limit).load(conn)
}

/// One of the user's notifications (`None` for someone else's or a missing one).
pub fn find_own(
    conn: &mut DbConnection,
    user_id: i32,
    id: i32,
) -> QueryResult<Option<Notification>> {
    notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user_id))
        .first(conn)
        .optional()
}

/// Marks one of the user's notifications read (a read one keeps its first read
/// time). `None` when it is not theirs.
pub fn mark_read(
    conn: &mut DbConnection,
    user_id: i32,
    id: i32,
) -> QueryResult<Option<Notification>> {
    let Some(n) = find_own(conn, user_id, id)? else {
        return Ok(None);
    };
    if n.read_at.is_none() {
        diesel::update(
            notifications::table
                .filter(notifications::id.eq(id))
                .filter(notifications::read_at.is_null()),
        )
        .set(notifications::read_at.eq(super::now()))
        .execute(conn)?;
    }
    Ok(Some(n))
}

/// Marks every unread notification of the user read; returns how many.
pub fn mark_all_read(conn: &mut DbConnection, user_id: i32) -> QueryResult<usize> {
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(super::now()))
    .execute(conn)
}

// ---------------------------------------------------------------- recipients

/// The active accounts of an enterprise.
pub fn enterprise_accounts(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<i32>> {
    users::table
        .filter(users::role.eq(Role::Enterprise.as_str()))
        .filter(users::enterprise_id.eq(enterprise_id))
        .filter(users::disabled.eq(false))
        .select(users::id)
        .load(conn)
}

/// Active staff whose scope covers `district`: all-district staff and staff with
/// that district.
pub fn staff_covering(conn: &mut DbConnection, district: &str) -> QueryResult<Vec<i32>> {
    let with_district = user_districts::table
        .filter(user_districts::district_code.eq(district.to_string()))
        .select(user_districts::user_id);
    users::table
        .filter(users::role.eq(Role::Staff.as_str()))
        .filter(users::disabled.eq(false))
        .filter(
            users::all_districts
                .eq(true)
                .or(users::id.eq_any(with_district)),
        )
        .select(users::id)
        .order(users::id.asc())
        .load(conn)
}

// ---------------------------------------------------------------- events

/// Announces an annual-data decision to the enterprise's accounts.
pub fn annual_decided(
    conn: &mut DbConnection,
    enterprise_id: i32,
    enterprise_name: &str,
    year: i32,
    returned_reason: Option<&str>,
) -> QueryResult<usize> {
    let recipients = enterprise_accounts(conn, enterprise_id)?;
    let (kind, params) = match returned_reason {
        Some(reason) => (
            Kind::AnnualReturned,
            notification::params([
                ("enterprise", enterprise_name.to_string()),
                ("year", year.to_string()),
                ("reason", reason.to_string()),
            ]),
        ),
        None => (
            Kind::AnnualApproved,
            notification::params([
                ("enterprise", enterprise_name.to_string()),
                ("year", year.to_string()),
            ]),
        ),
    };
    notify(
        conn,
        &recipients,
        kind,
        &params,
        &format!("/enterprises/{enterprise_id}/annual"),
        Some(enterprise_id),
        None,
    )
}

/// Announces a decision on a proposal to its proposer.
#[allow(clippy::too_many_arguments)]
pub fn proposal_decided(
    conn: &mut DbConnection,
    proposer: i32,
    proposal_id: i32,
    approved: bool,
    enterprise_id: i32,
    enterprise_name: &str,
    step_to: &str,
    comment: &str,
) -> QueryResult<usize> {
    let kind = if approved {
        Kind::ProposalApproved
    } else {
        Kind::ProposalReturned
    };
    let params = notification::params([
        ("enterprise", enterprise_name.to_string()),
        ("step_label", format!("step.{step_to}")),
        ("comment", comment.trim().to_string()),
    ]);
    notify(
        conn,
        &[proposer],
        kind,
        &params,
        &format!("/proposals/{proposal_id}"),
        Some(enterprise_id),
        None,
    )
}

/// Announces that a financing referral was answered (for the financing module: call
/// it inside the transaction that records the answer). `recipients` are whoever
/// should hear of it (the referring staff, the enterprise's accounts); `link` is the
/// referral's page.
#[allow(clippy::too_many_arguments)]
pub fn referral_answered(
    conn: &mut DbConnection,
    recipients: &[i32],
    enterprise_id: i32,
    enterprise_name: &str,
    partner_name: &str,
    answer: &str,
    link: &str,
) -> QueryResult<usize> {
    let params = notification::params([
        ("enterprise", enterprise_name.to_string()),
        ("partner", partner_name.to_string()),
        ("answer_label", answer.trim().to_string()),
    ]);
    notify(
        conn,
        recipients,
        Kind::ReferralAnswered,
        &params,
        link,
        Some(enterprise_id),
        None,
    )
}

// ---------------------------------------------------------------- sweeps

/// Titles in force that entered the re-review window (expiring within
/// [`REVIEW_WINDOW_DAYS`] of `today`) and were never announced: each is announced once
/// to the staff covering the enterprise's district and to the enterprise's accounts.
/// Returns how many notifications were written. Running it again writes none.
pub fn sweep_titles_expiring(conn: &mut DbConnection, today: NaiveDate) -> QueryResult<usize> {
    let until = today + Duration::days(REVIEW_WINDOW_DAYS);
    let due: Vec<(i32, String, NaiveDate, i32, String, String)> = qualifications::table
        .inner_join(enterprises::table)
        .filter(qualifications::expires_on.ge(today))
        .filter(qualifications::expires_on.le(until))
        .filter(qualifications::revoked_on.is_null())
        .filter(enterprises::archived_at.is_null())
        .filter(sql::<Bool>(
            "NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = \
             'title-expiring:' || CAST(qualifications.id AS TEXT))",
        ))
        .order((qualifications::expires_on.asc(), qualifications::id.asc()))
        .select((
            qualifications::id,
            qualifications::level,
            qualifications::expires_on,
            enterprises::id,
            enterprises::name,
            enterprises::district_code,
        ))
        .limit(SWEEP_BATCH)
        .load(conn)?;
    let mut staff_of: HashMap<String, Vec<i32>> = HashMap::new();
    let mut written = 0;
    for (qid, level, expires_on, eid, name, district) in due {
        if !staff_of.contains_key(&district) {
            let staff = staff_covering(conn, &district)?;
            staff_of.insert(district.clone(), staff);
        }
        let mut recipients = staff_of[&district].clone();
        recipients.extend(enterprise_accounts(conn, eid)?);
        let params = notification::params([
            ("enterprise", name),
            ("level_label", format!("level.{level}")),
            ("date", expires_on.to_string()),
        ]);
        written += notify(
            conn,
            &recipients,
            Kind::TitleExpiring,
            &params,
            &format!("/enterprises/{eid}"),
            Some(eid),
            Some(&notification::title_expiring_key(qid)),
        )?;
    }
    Ok(written)
}

/// Open tasks past their due date that were never announced: each is announced once
/// to its owner. Uses the (status, due_on) index. Returns how many were written.
pub fn sweep_tasks_overdue(conn: &mut DbConnection, today: NaiveDate) -> QueryResult<usize> {
    let due: Vec<(i32, String, i32, NaiveDate, i32, String)> = cultivation_tasks::table
        .inner_join(enterprises::table)
        .filter(cultivation_tasks::status.eq("open"))
        .filter(cultivation_tasks::due_on.lt(today))
        .filter(sql::<Bool>(
            "NOT EXISTS (SELECT 1 FROM notifications n WHERE n.dedupe_key = \
             'task-overdue:' || CAST(cultivation_tasks.id AS TEXT))",
        ))
        .order((cultivation_tasks::due_on.asc(), cultivation_tasks::id.asc()))
        .select((
            cultivation_tasks::id,
            cultivation_tasks::title,
            cultivation_tasks::owner_id,
            cultivation_tasks::due_on,
            enterprises::id,
            enterprises::name,
        ))
        .limit(SWEEP_BATCH)
        .load(conn)?;
    let mut written = 0;
    for (tid, title, owner, due_on, eid, name) in due {
        let params = notification::params([
            ("task", title),
            ("enterprise", name),
            ("date", due_on.to_string()),
        ]);
        written += notify(
            conn,
            &[owner],
            Kind::TaskOverdue,
            &params,
            &format!("/enterprises/{eid}/cultivation"),
            Some(eid),
            Some(&notification::task_overdue_key(tid)),
        )?;
    }
    Ok(written)
}
