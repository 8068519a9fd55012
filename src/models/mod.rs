//! Database access: row structs, inserts, updates and the queries over them.
//! Anything that writes more than one row runs inside `db::write_transaction`.

pub mod annual;
pub mod audit;
pub mod board;
pub mod cultivation;
pub mod dashboard;
pub mod district;
pub mod enterprise;
pub mod experts;
pub mod financing;
pub mod index;
pub mod notification;
pub mod partner;
pub mod pipeline;
pub mod qualification;
pub mod rubric;
pub mod seed;
pub mod session;
pub mod throttle;
pub mod training;
pub mod user;

use chrono::Timelike;

/// The current time as stored (UTC, no zone; both backends agree on it).
pub fn now() -> chrono::NaiveDateTime {
    // Microsecond precision: what both databases keep, so values read back compare equal.
    let n = chrono::Utc::now().naive_utc();
    n.with_nanosecond((n.nanosecond() / 1000) * 1000)
        .unwrap_or(n)
}

/// A LIKE pattern matching `text` literally (wildcards in it are escaped with `\`):
/// anywhere in the value when `contains`, else as a prefix. Use with `.escape('\\')`.
pub fn like_pattern(text: &str, contains: bool) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    if contains {
        format!("%{escaped}%")
    } else {
        format!("{escaped}%")
    }
}

diesel::define_sql_function! {
    /// SQL `lower()`: case-insensitive matching that behaves the same on both backends
    /// (LIKE ignores case on SQLite only).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// The one row a query on a unique key finds. Unlike `.first()` this adds no bound
/// `LIMIT ?`: SQLite re-compiles a statement whose LIMIT is a parameter every time it
/// runs, which made these hot lookups (the session on every request, the record on
/// every page) several times slower than their SQL.
pub fn only<'a, Q, T>(
    query: Q,
    conn: &mut crate::db::DbConnection,
) -> diesel::QueryResult<Option<T>>
where
    Q: diesel::RunQueryDsl<crate::db::DbConnection>
        + diesel::query_dsl::LoadQuery<'a, crate::db::DbConnection, T>,
{
    Ok(query.load(conn)?.into_iter().next())
}
