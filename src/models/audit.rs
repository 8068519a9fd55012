//! The append-only audit log: who did what, when, from where, before and after.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::scope::DataScope;
use crate::schema::audit_log;

/// Who is acting and from where; built once per request.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The signed-in account, if any (absent for failed sign-ins).
    pub user_id: Option<i32>,
    /// The account name (or the name typed at a failed sign-in).
    pub name: String,
    /// The client address.
    pub ip: String,
}

impl Actor {
    /// The command line acting on the database directly.
    pub fn cli() -> Actor {
        Actor {
            user_id: None,
            name: "cli".into(),
            ip: "local".into(),
        }
    }
}

/// One audit row as read back.
#[derive(Debug, Clone, Queryable)]
pub struct AuditEntry {
    pub id: i32,
    pub at: NaiveDateTime,
    pub actor_id: Option<i32>,
    pub actor_name: String,
    pub ip: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub enterprise_id: Option<i32>,
    pub district_code: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// What changed, for [`record`].
#[derive(Debug, Clone, Default)]
pub struct Change<'a> {
    /// A dotted verb such as `user.create` or `login.failed`.
    pub action: &'a str,
    /// The kind of record: `user`, `session`, `enterprise` ...
    pub entity: &'a str,
    /// The record's id, if it has one.
    pub entity_id: Option<String>,
    /// The enterprise concerned, for scoping the log to districts.
    pub enterprise_id: Option<i32>,
    /// The district concerned, for scoping the log to districts.
    pub district_code: Option<String>,
    /// Values before the change (JSON).
    pub before: Option<serde_json::Value>,
    /// Values after the change (JSON).
    pub after: Option<serde_json::Value>,
}

/// Serialises a value for the before/after columns.
pub fn snapshot<T: Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// Appends one entry. Call inside the transaction that makes the change, so the
/// change and its audit row land together.
pub fn record(conn: &mut DbConnection, actor: &Actor, change: Change<'_>) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(super::now()),
            audit_log::actor_id.eq(actor.user_id),
            audit_log::actor_name.eq(truncate(&actor.name, 64)),
            audit_log::ip.eq(truncate(&actor.ip, 64)),
            audit_log::action.eq(change.action),
            audit_log::entity.eq(change.entity),
            audit_log::entity_id.eq(change.entity_id),
            audit_log::enterprise_id.eq(change.enterprise_id),
            audit_log::district_code.eq(change.district_code),
            audit_log::before_json.eq(change.before.map(|v| v.to_string())),
            audit_log::after_json.eq(change.after.map(|v| v.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Filters for browsing the log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Account name, exact.
    pub actor: Option<String>,
    /// Action prefix, such as `login` or `user.`.
    pub action: Option<String>,
    /// Earliest day (inclusive).
    pub from: Option<chrono::NaiveDate>,
    /// Latest day (inclusive).
    pub to: Option<chrono::NaiveDate>,
    /// Keyset cursor: entries older than this id.
    pub before: Option<i32>,
}

/// Entries per page.
pub const PAGE: i64 = 50;

/// One page of the log, newest first, limited to what `scope` may see: a
/// district-limited account sees only entries about its districts.
pub fn page(
    conn: &mut DbConnection,
    scope: &DataScope,
    f: &AuditFilter,
) -> QueryResult<Vec<AuditEntry>> {
    let mut q = audit_log::table.into_boxed();
    match scope {
        DataScope::All => {}
        DataScope::Districts(ds) => {
            let codes: Vec<&str> = ds.iter().map(|d| d.as_str()).collect();
            q = q.filter(audit_log::district_code.eq_any(codes));
        }
        DataScope::Enterprise(id) => q = q.filter(audit_log::enterprise_id.eq(*id)),
        DataScope::Nothing => q = q.filter(audit_log::id.lt(0)),
    }
    if let Some(a) = f.actor.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        q = q.filter(audit_log::actor_name.eq(a.to_lowercase()));
    }
    if let Some(a) = f.action.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        // An action prefix; LIKE wildcards in the input are taken literally.
        let pattern = super::like_pattern(&a.to_lowercase(), false);
        q = q.filter(audit_log::action.like(pattern).escape('\\'));
    }
    if let Some(d) = f.from {
        q = q.filter(audit_log::at.ge(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
        q = q.filter(audit_log::at.lt(d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(b) = f.before {
        q = q.filter(audit_log::id.lt(b));
    }
    q.order(audit_log::id.desc()).limit(PAGE).load(conn)
}

/// Counts entries with this action (for tests and the admin overview).
pub fn count_action(conn: &mut DbConnection, action: &str) -> QueryResult<i64> {
    audit_log::table
        .filter(audit_log::action.eq(action))
        .count()
        .get_result(conn)
}
