//! Board entries: the append-only history of tier moves, the current tier kept on
//! the enterprise row in the same transaction, and the entry conditions (data).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::scope::DataScope;
use crate::domain::tier::{self, BoardAction, Check, EntryCondition, MoveRefusal, Tier};
use crate::models::audit::{self, Actor, Change};
use crate::models::enterprise::Enterprise;
use crate::schema::{board_conditions, board_entries, enterprises};

/// A history row.
#[derive(Debug, Clone, Queryable)]
pub struct BoardEntry {
    pub id: i32,
    pub enterprise_id: i32,
    #[diesel(deserialize_as = String)]
    pub action: BoardAction,
    pub tier_from: Option<String>,
    pub tier_to: Option<String>,
    pub source_board: String,
    pub reason: String,
    pub effective_on: NaiveDate,
    pub recorded_by: Option<i32>,
    pub recorded_at: NaiveDateTime,
}

/// A requested move, as typed.
#[derive(Debug, Clone)]
pub struct MoveRequest {
    pub action: BoardAction,
    pub target: Option<Tier>,
    pub source_board: String,
    pub reason: String,
    pub effective_on: NaiveDate,
    /// The enterprise version the user saw (optimistic locking).
    pub version: i32,
}

/// Why a move did not happen.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    /// The board rules refused it.
    #[error(transparent)]
    Refused(#[from] MoveRefusal),
    /// The record changed since the user looked at it.
    #[error("the record was changed by someone else")]
    Conflict,
    /// Database failure.
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The active entry conditions, as domain values (rows that do not parse are skipped
/// with a log line, so one bad admin edit cannot block every move).
pub fn conditions(conn: &mut DbConnection) -> QueryResult<Vec<EntryCondition>> {
    let rows: Vec<(String, String, String, String, String, String)> = board_conditions::table
        .filter(board_conditions::active.eq(true))
        .order(board_conditions::id)
        .select((
            board_conditions::key,
            board_conditions::tier,
            board_conditions::field,
            board_conditions::value,
            board_conditions::label_zh,
            board_conditions::label_en,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(key, t, field, value, label_zh, label_en)| {
            match (t.parse::<Tier>(), Check::parse(&field, &value)) {
                (Ok(tier), Ok(check)) => Some(EntryCondition { key, tier, check, label_zh, label_en }),
                (a, b) => {
                    tracing::warn!(key, tier_err = ?a.err(), check_err = ?b.err(), "skipping unreadable board condition");
                    None
                }
            }
        })
        .collect())
}

/// The history of an enterprise, newest first.
pub fn history(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<BoardEntry>> {
    board_entries::table
        .filter(board_entries::enterprise_id.eq(enterprise_id))
        .order(board_entries::id.desc())
        .load(conn)
}

/// Applies a move: checks the rules and entry conditions, appends the history row,
/// updates the current tier, audits. Call in a write transaction.
pub fn apply_move(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    enterprise_id: i32,
    m: &MoveRequest,
) -> Result<Option<Tier>, MoveError> {
    let e = Enterprise::find(conn, scope, enterprise_id)?.ok_or(diesel::result::Error::NotFound)?;
    if e.version != m.version {
        return Err(MoveError::Conflict);
    }
    let conds = conditions(conn)?;
    let from = e.tier();
    let to = tier::check_move(
        from,
        m.action,
        m.target,
        &m.source_board,
        &m.reason,
        &e.board_facts(),
        &conds,
    )?;
    diesel::insert_into(board_entries::table)
        .values((
            board_entries::enterprise_id.eq(enterprise_id),
            board_entries::action.eq(m.action.as_str()),
            board_entries::tier_from.eq(from.map(Tier::as_str)),
            board_entries::tier_to.eq(to.map(Tier::as_str)),
            board_entries::source_board.eq(m.source_board.trim()),
            board_entries::reason.eq(m.reason.trim()),
            board_entries::effective_on.eq(m.effective_on),
            board_entries::recorded_by.eq(actor.user_id),
            board_entries::recorded_at.eq(super::now()),
        ))
        .execute(conn)?;
    diesel::update(enterprises::table.filter(enterprises::id.eq(enterprise_id)))
        .set((
            enterprises::current_tier.eq(to.map(Tier::as_str)),
            enterprises::tier_since.eq(to.map(|_| m.effective_on)),
        ))
        .execute(conn)?;
    Enterprise::touch(conn, enterprise_id)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "board.move",
            entity: "enterprise",
            entity_id: Some(enterprise_id.to_string()),
            enterprise_id: Some(enterprise_id),
            district_code: Some(e.district_code.clone()),
            before: Some(serde_json::json!({ "tier": from })),
            after: Some(serde_json::json!({
                "action": m.action, "tier": to, "source_board": m.source_board.trim(),
                "reason": m.reason.trim(), "effective_on": m.effective_on,
            })),
        },
    )?;
    Ok(to)
}

/// A stored entry condition, active or not, for the admin page.
#[derive(Debug, Clone, Queryable)]
pub struct ConditionRow {
    pub id: i32,
    pub tier: String,
    pub key: String,
    pub field: String,
    pub value: String,
    pub label_zh: String,
    pub label_en: String,
    pub active: bool,
}

/// Every stored condition.
pub fn condition_rows(conn: &mut DbConnection) -> QueryResult<Vec<ConditionRow>> {
    board_conditions::table
        .order(board_conditions::id)
        .load(conn)
}

/// Adds a condition (already checked by [`Check::parse`]); false if the key exists.
pub fn add_condition(
    conn: &mut DbConnection,
    actor: &Actor,
    c: &EntryCondition,
    field: &str,
    value: &str,
) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        board_conditions::table.filter(board_conditions::key.eq(&c.key)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(board_conditions::table)
        .values((
            board_conditions::tier.eq(c.tier.as_str()),
            board_conditions::key.eq(&c.key),
            board_conditions::field.eq(field),
            board_conditions::value.eq(value),
            board_conditions::label_zh.eq(&c.label_zh),
            board_conditions::label_en.eq(&c.label_en),
            board_conditions::active.eq(true),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "board_condition.add",
            entity: "board_condition",
            entity_id: Some(c.key.clone()),
            after: Some(serde_json::json!({ "tier": c.tier, "field": field, "value": value })),
            ..Default::default()
        },
    )?;
    Ok(true)
}

/// Switches a condition on or off.
pub fn set_condition_active(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    active: bool,
) -> QueryResult<()> {
    let key: String = diesel::update(board_conditions::table.find(id))
        .set(board_conditions::active.eq(active))
        .returning(board_conditions::key)
        .get_result(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "board_condition.active",
            entity: "board_condition",
            entity_id: Some(key),
            after: Some(serde_json::json!({ "active": active })),
            ..Default::default()
        },
    )
}
