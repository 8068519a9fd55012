//! Stored login-failure counts per account and per client address. Kept in the
//! database so that several app servers count attempts together.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::throttle::FailureRecord;
use crate::schema::login_throttle;

/// The throttle key of an account name.
pub fn account_key(username: &str) -> String {
    format!(
        "user:{}",
        username
            .trim()
            .to_lowercase()
            .chars()
            .take(64)
            .collect::<String>()
    )
}

/// The throttle key of a client address.
pub fn address_key(ip: &str) -> String {
    format!("ip:{ip}")
}

/// The record for a key, if any failures are on file.
pub fn get(conn: &mut DbConnection, key: &str) -> QueryResult<Option<FailureRecord>> {
    login_throttle::table
        .find(key)
        .select((
            login_throttle::failures,
            login_throttle::first_failure_at,
            login_throttle::last_failure_at,
            login_throttle::locked_until,
        ))
        .first::<(
            i32,
            chrono::NaiveDateTime,
            chrono::NaiveDateTime,
            Option<chrono::NaiveDateTime>,
        )>(conn)
        .optional()
        .map(|r| {
            r.map(
                |(failures, first_failure_at, last_failure_at, locked_until)| FailureRecord {
                    failures,
                    first_failure_at,
                    last_failure_at,
                    locked_until,
                },
            )
        })
}

/// Stores the record for a key (insert or replace; call in a write transaction).
pub fn put(conn: &mut DbConnection, key: &str, r: &FailureRecord) -> QueryResult<()> {
    let updated = diesel::update(login_throttle::table.find(key))
        .set((
            login_throttle::failures.eq(r.failures),
            login_throttle::first_failure_at.eq(r.first_failure_at),
            login_throttle::last_failure_at.eq(r.last_failure_at),
            login_throttle::locked_until.eq(r.locked_until),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(login_throttle::table)
            .values((
                login_throttle::key.eq(key),
                login_throttle::failures.eq(r.failures),
                login_throttle::first_failure_at.eq(r.first_failure_at),
                login_throttle::last_failure_at.eq(r.last_failure_at),
                login_throttle::locked_until.eq(r.locked_until),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Forgets the failures of a key (after a successful sign-in, or an admin unlock).
pub fn clear(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(login_throttle::table.find(key))
        .execute(conn)
        .map(|_| ())
}
