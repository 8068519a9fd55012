//! Server-side sessions. The cookie holds a random token; only its hash is stored.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::models::user::User;
use crate::schema::{sessions, users};

/// A session row.
#[derive(Debug, Clone, Queryable)]
pub struct Session {
    pub id: i32,
    pub token_hash: String,
    pub user_id: i32,
    pub csrf_token: String,
    pub ip: String,
    pub user_agent: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

/// A new session's values.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i32,
    pub csrf_token: &'a str,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// A row of the "online users" view.
#[derive(Debug, Clone)]
pub struct OnlineRow {
    pub session: Session,
    pub user: User,
}

impl Session {
    /// Stores a new session.
    pub fn create(conn: &mut DbConnection, new: &NewSession<'_>) -> QueryResult<Session> {
        let now = super::now();
        diesel::insert_into(sessions::table)
            .values((
                sessions::token_hash.eq(new.token_hash),
                sessions::user_id.eq(new.user_id),
                sessions::csrf_token.eq(new.csrf_token),
                sessions::ip.eq(new.ip.chars().take(64).collect::<String>()),
                sessions::user_agent.eq(new.user_agent.chars().take(256).collect::<String>()),
                sessions::created_at.eq(now),
                sessions::last_seen_at.eq(now),
            ))
            .returning(sessions::all_columns)
            .get_result(conn)
    }

    /// The session for a token hash, with its account.
    pub fn by_token_hash(
        conn: &mut DbConnection,
        hash: &str,
    ) -> QueryResult<Option<(Session, User)>> {
        super::only(
            sessions::table
                .inner_join(users::table)
                .filter(sessions::token_hash.eq(hash))
                .select((sessions::all_columns, users::all_columns)),
            conn,
        )
    }

    /// Records activity at `at` unless some request already did since `stale_before`
    /// (callers touch about once a minute). The condition is in the statement: when a
    /// minute ends under load, every request in flight on the session sees it stale;
    /// the first update counts, the others match no row (on PostgreSQL they waited
    /// for each other's commits, one by one: a second-long stall every minute).
    pub fn touch(
        conn: &mut DbConnection,
        id: i32,
        at: NaiveDateTime,
        stale_before: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(
            sessions::table
                .find(id)
                .filter(sessions::last_seen_at.lt(stale_before)),
        )
        .set(sessions::last_seen_at.eq(at))
        .execute(conn)
        .map(|_| ())
    }

    /// Ends one session; returns its account id if it existed.
    pub fn end(conn: &mut DbConnection, id: i32) -> QueryResult<Option<i32>> {
        diesel::delete(sessions::table.find(id))
            .returning(sessions::user_id)
            .get_result(conn)
            .optional()
    }

    /// Ends every session of an account; returns how many.
    pub fn end_all_for_user(conn: &mut DbConnection, user_id: i32) -> QueryResult<usize> {
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
    }

    /// Deletes sessions that can no longer be used (idle or past their absolute limit).
    pub fn purge_expired(
        conn: &mut DbConnection,
        idle_before: NaiveDateTime,
        created_before: NaiveDateTime,
    ) -> QueryResult<usize> {
        diesel::delete(
            sessions::table.filter(
                sessions::last_seen_at
                    .lt(idle_before)
                    .or(sessions::created_at.lt(created_before)),
            ),
        )
        .execute(conn)
    }

    /// How many sessions of an account were active since `idle_since`.
    pub fn count_active_for_user(
        conn: &mut DbConnection,
        user_id: i32,
        idle_since: NaiveDateTime,
    ) -> QueryResult<i64> {
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::last_seen_at.gt(idle_since))
            .count()
            .get_result(conn)
    }

    /// Sessions active since `idle_since`, most recent first.
    pub fn online(
        conn: &mut DbConnection,
        idle_since: NaiveDateTime,
        created_since: NaiveDateTime,
    ) -> QueryResult<Vec<OnlineRow>> {
        let rows: Vec<(Session, User)> = sessions::table
            .inner_join(users::table)
            .filter(sessions::last_seen_at.gt(idle_since))
            .filter(sessions::created_at.gt(created_since))
            .order(sessions::last_seen_at.desc())
            .select((sessions::all_columns, users::all_columns))
            .limit(1000)
            .load(conn)?;
        Ok(rows
            .into_iter()
            .map(|(session, user)| OnlineRow { session, user })
            .collect())
    }
}
