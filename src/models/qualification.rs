//! Titles (qualifications) with their event history, and the enterprise's current
//! level kept in step with them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::qualification::{self, Level, Status, TitleRefusal};
use crate::domain::scope::DataScope;
use crate::models::audit::{self, Actor, Change};
use crate::models::enterprise::{Enterprise, filter_scope};
use crate::schema::{enterprises, qualification_events, qualifications};

/// A title row.
#[derive(Debug, Clone, Queryable)]
pub struct Qualification {
    pub id: i32,
    pub enterprise_id: i32,
    #[diesel(deserialize_as = String)]
    pub level: Level,
    pub batch: String,
    pub recognized_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub revoked_on: Option<NaiveDate>,
    pub revoke_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl Qualification {
    /// Its status on `today`.
    pub fn status(&self, today: NaiveDate) -> Status {
        qualification::status(self.expires_on, self.revoked_on, today)
    }
}

/// An event row (grant, re-review, revocation).
#[derive(Debug, Clone, Queryable)]
pub struct QualificationEvent {
    pub id: i32,
    pub qualification_id: i32,
    pub enterprise_id: i32,
    pub action: String,
    pub on_date: NaiveDate,
    pub expires_before: Option<NaiveDate>,
    pub expires_after: Option<NaiveDate>,
    pub note: String,
    pub recorded_by: Option<i32>,
    pub recorded_at: NaiveDateTime,
}

/// Why a title action was refused.
#[derive(Debug, thiserror::Error)]
pub enum TitleError {
    #[error(transparent)]
    Refused(#[from] TitleRefusal),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// The titles of an enterprise, highest level first.
pub fn of_enterprise(
    conn: &mut DbConnection,
    enterprise_id: i32,
) -> QueryResult<Vec<Qualification>> {
    qualifications::table
        .filter(qualifications::enterprise_id.eq(enterprise_id))
        .order((
            qualifications::recognized_on.desc(),
            qualifications::id.desc(),
        ))
        .load(conn)
}

/// The event history of an enterprise's titles, newest first.
pub fn events(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<QualificationEvent>> {
    qualification_events::table
        .filter(qualification_events::enterprise_id.eq(enterprise_id))
        .order(qualification_events::id.desc())
        .load(conn)
}

/// Recomputes the enterprise's current level (highest title in force) and stores it.
pub fn refresh_level(
    conn: &mut DbConnection,
    enterprise_id: i32,
    today: NaiveDate,
) -> QueryResult<Option<Level>> {
    let titles = of_enterprise(conn, enterprise_id)?;
    let current = qualification::current_level(
        titles.iter().map(|q| (q.level, q.expires_on, q.revoked_on)),
        today,
    );
    diesel::update(enterprises::table.filter(enterprises::id.eq(enterprise_id)))
        .set((
            enterprises::current_level.eq(current.map(|(l, _)| l.as_str())),
            enterprises::level_expires_on.eq(current.map(|(_, exp)| exp)),
        ))
        .execute(conn)?;
    Ok(current.map(|(l, _)| l))
}

/// Recomputes the level of every enterprise whose stored level has expired since.
/// Cheap when nothing changed (an index range scan that finds nothing).
pub fn refresh_expired_levels(conn: &mut DbConnection, today: NaiveDate) -> QueryResult<usize> {
    let stale: Vec<i32> = enterprises::table
        .filter(enterprises::level_expires_on.lt(today))
        .select(enterprises::id)
        .load(conn)?;
    for id in &stale {
        refresh_level(conn, *id, today)?;
    }
    Ok(stale.len())
}

fn record_event(
    conn: &mut DbConnection,
    actor: &Actor,
    q: &Qualification,
    action: &str,
    on_date: NaiveDate,
    before: Option<NaiveDate>,
    note: &str,
) -> QueryResult<()> {
    diesel::insert_into(qualification_events::table)
        .values((
            qualification_events::qualification_id.eq(q.id),
            qualification_events::enterprise_id.eq(q.enterprise_id),
            qualification_events::action.eq(action),
            qualification_events::on_date.eq(on_date),
            qualification_events::expires_before.eq(before),
            qualification_events::expires_after.eq(Some(q.expires_on)),
            qualification_events::note.eq(note),
            qualification_events::recorded_by.eq(actor.user_id),
            qualification_events::recorded_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(())
}

fn audit_title(
    conn: &mut DbConnection,
    actor: &Actor,
    e: &Enterprise,
    action: &str,
    q: &Qualification,
    extra: serde_json::Value,
) -> QueryResult<()> {
    audit::record(
        conn,
        actor,
        Change {
            action,
            entity: "qualification",
            entity_id: Some(q.id.to_string()),
            enterprise_id: Some(e.id),
            district_code: Some(e.district_code.clone()),
            after: Some(serde_json::json!({
                "level": q.level, "batch": q.batch, "recognized_on": q.recognized_on,
                "expires_on": q.expires_on, "detail": extra,
            })),
            ..Default::default()
        },
    )
}

/// A new title, as validated.
#[derive(Debug, Clone)]
pub struct NewTitle {
    pub level: Level,
    pub batch: String,
    pub recognized_on: NaiveDate,
    pub expires_on: NaiveDate,
}

/// Grants a title; refreshes the current level. Call in a write transaction.
pub fn grant(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    enterprise_id: i32,
    t: &NewTitle,
    today: NaiveDate,
) -> Result<Qualification, TitleError> {
    let e = Enterprise::find(conn, scope, enterprise_id)?.ok_or(diesel::result::Error::NotFound)?;
    qualification::check_dates(t.recognized_on, t.expires_on)?;
    let now = super::now();
    let q: Qualification = diesel::insert_into(qualifications::table)
        .values((
            qualifications::enterprise_id.eq(enterprise_id),
            qualifications::level.eq(t.level.as_str()),
            qualifications::batch.eq(t.batch.trim()),
            qualifications::recognized_on.eq(t.recognized_on),
            qualifications::expires_on.eq(t.expires_on),
            qualifications::created_at.eq(now),
            qualifications::updated_at.eq(now),
            qualifications::version.eq(1),
        ))
        .returning(qualifications::all_columns)
        .get_result(conn)?;
    record_event(conn, actor, &q, "grant", t.recognized_on, None, "")?;
    refresh_level(conn, enterprise_id, today)?;
    Enterprise::touch(conn, enterprise_id)?;
    audit_title(
        conn,
        actor,
        &e,
        "qualification.grant",
        &q,
        serde_json::Value::Null,
    )?;
    Ok(q)
}

fn load_scoped(
    conn: &mut DbConnection,
    scope: &DataScope,
    id: i32,
) -> Result<(Qualification, Enterprise), TitleError> {
    let q: Qualification = qualifications::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or(diesel::result::Error::NotFound)?;
    let e =
        Enterprise::find(conn, scope, q.enterprise_id)?.ok_or(diesel::result::Error::NotFound)?;
    Ok((q, e))
}

/// A passed re-review: extends the title three years from its expiry.
pub fn re_review(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    id: i32,
    note: &str,
    today: NaiveDate,
) -> Result<Qualification, TitleError> {
    let (q, e) = load_scoped(conn, scope, id)?;
    let new_expiry = qualification::re_review(q.expires_on, q.revoked_on, today)?;
    let updated: Qualification = diesel::update(qualifications::table.find(id))
        .set((
            qualifications::expires_on.eq(new_expiry),
            qualifications::updated_at.eq(super::now()),
            qualifications::version.eq(q.version + 1),
        ))
        .returning(qualifications::all_columns)
        .get_result(conn)?;
    record_event(
        conn,
        actor,
        &updated,
        "re_review",
        today,
        Some(q.expires_on),
        note.trim(),
    )?;
    refresh_level(conn, e.id, today)?;
    Enterprise::touch(conn, e.id)?;
    audit_title(
        conn,
        actor,
        &e,
        "qualification.re_review",
        &updated,
        serde_json::json!({ "expires_before": q.expires_on }),
    )?;
    Ok(updated)
}

/// Revokes a title with a reason.
pub fn revoke(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    id: i32,
    reason: &str,
    today: NaiveDate,
) -> Result<Qualification, TitleError> {
    let (q, e) = load_scoped(conn, scope, id)?;
    qualification::revoke(q.revoked_on, reason)?;
    let updated: Qualification = diesel::update(qualifications::table.find(id))
        .set((
            qualifications::revoked_on.eq(Some(today)),
            qualifications::revoke_reason.eq(Some(reason.trim())),
            qualifications::updated_at.eq(super::now()),
            qualifications::version.eq(q.version + 1),
        ))
        .returning(qualifications::all_columns)
        .get_result(conn)?;
    record_event(
        conn,
        actor,
        &updated,
        "revoke",
        today,
        Some(q.expires_on),
        reason.trim(),
    )?;
    refresh_level(conn, e.id, today)?;
    Enterprise::touch(conn, e.id)?;
    audit_title(
        conn,
        actor,
        &e,
        "qualification.revoke",
        &updated,
        serde_json::json!({ "reason": reason.trim() }),
    )?;
    Ok(updated)
}

/// A row of the "expiring soon" list.
#[derive(Debug, Clone, Queryable)]
pub struct ExpiringRow {
    pub qualification_id: i32,
    #[diesel(deserialize_as = String)]
    pub level: Level,
    pub batch: String,
    pub expires_on: NaiveDate,
    pub enterprise_id: i32,
    pub enterprise_name: String,
    pub credit_code: String,
    pub district_code: String,
}

/// Titles in force that expire between `today` and `until`, soonest first, in scope.
pub fn expiring(
    conn: &mut DbConnection,
    scope: &DataScope,
    today: NaiveDate,
    until: NaiveDate,
) -> QueryResult<Vec<ExpiringRow>> {
    let q = qualifications::table
        .inner_join(enterprises::table)
        .into_boxed();
    filter_scope!(q, scope)
        .filter(qualifications::expires_on.ge(today))
        .filter(qualifications::expires_on.le(until))
        .filter(qualifications::revoked_on.is_null())
        .filter(enterprises::archived_at.is_null())
        .order((qualifications::expires_on.asc(), qualifications::id.asc()))
        .select((
            qualifications::id,
            qualifications::level,
            qualifications::batch,
            qualifications::expires_on,
            enterprises::id,
            enterprises::name,
            enterprises::credit_code,
            enterprises::district_code,
        ))
        .limit(1000)
        .load(conn)
}
