//! Rubric versions (built-in and added later, as data) and stored results, each
//! recording the rubric version that produced it.

use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::assessment::{self, RecordFacts};
use crate::domain::qualification::Level;
use crate::domain::rubric::{self, Metrics, RubricDef, RubricResult};
use crate::models::enterprise::Enterprise;
use crate::schema::{rubric_results, rubric_versions};

/// Stores the built-in rubric versions that are not in the database yet. Returns
/// how many were added.
pub fn ensure_builtins(conn: &mut DbConnection) -> QueryResult<usize> {
    let mut added = 0;
    for def in rubric::builtin() {
        let exists: bool = diesel::select(diesel::dsl::exists(
            rubric_versions::table
                .filter(rubric_versions::code.eq(&def.code))
                .filter(rubric_versions::version.eq(&def.version)),
        ))
        .get_result(conn)?;
        if !exists {
            diesel::insert_into(rubric_versions::table)
                .values((
                    rubric_versions::code.eq(&def.code),
                    rubric_versions::version.eq(&def.version),
                    rubric_versions::definition.eq(serde_json::to_string(&def).unwrap_or_default()),
                    rubric_versions::builtin.eq(true),
                    rubric_versions::created_at.eq(super::now()),
                ))
                .execute(conn)?;
            added += 1;
        }
    }
    Ok(added)
}

/// Every stored rubric version that parses (a broken row is logged and skipped).
pub fn definitions(conn: &mut DbConnection) -> QueryResult<Vec<RubricDef>> {
    let rows: Vec<(String, String, String)> = rubric_versions::table
        .order((rubric_versions::code, rubric_versions::version))
        .select((
            rubric_versions::code,
            rubric_versions::version,
            rubric_versions::definition,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(code, version, json)| match RubricDef::parse(&json) {
            Ok(d) => Some(d),
            Err(e) => {
                tracing::warn!(code, version, error = %e, "skipping unreadable rubric version");
                None
            }
        })
        .collect())
}

/// Adds a new rubric version (an admin's JSON). Refuses a duplicate code+version.
pub fn add_version(conn: &mut DbConnection, def: &RubricDef) -> QueryResult<bool> {
    let exists: bool = diesel::select(diesel::dsl::exists(
        rubric_versions::table
            .filter(rubric_versions::code.eq(&def.code))
            .filter(rubric_versions::version.eq(&def.version)),
    ))
    .get_result(conn)?;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(rubric_versions::table)
        .values((
            rubric_versions::code.eq(&def.code),
            rubric_versions::version.eq(&def.version),
            rubric_versions::definition.eq(serde_json::to_string(def).unwrap_or_default()),
            rubric_versions::builtin.eq(false),
            rubric_versions::created_at.eq(super::now()),
        ))
        .execute(conn)?;
    Ok(true)
}

/// The record facts the rubrics read.
pub fn facts(e: &Enterprise) -> RecordFacts {
    RecordFacts {
        niche_since: e.niche_since,
        product_field: e.product_field,
        strategic_emerging: e.strategic_emerging,
        meets_common_gate: e.meets_common_gate,
        high_tech_title: e.high_tech_title,
        sci_award_year: e.sci_award_year,
        holds_srdi: e.level().is_some_and(|l| l >= Level::Provincial),
    }
}

/// The metrics of an enterprise for a year, if it has annual data for that year.
pub fn metrics(conn: &mut DbConnection, e: &Enterprise, year: i32) -> QueryResult<Option<Metrics>> {
    let years: Vec<_> = super::annual::years(conn, e.id)?
        .iter()
        .map(|r| r.figures())
        .collect();
    Ok(assessment::metrics(&facts(e), &years, year))
}

/// The newest version of each rubric code.
pub fn latest_versions(defs: &[RubricDef]) -> Vec<&RubricDef> {
    let mut codes: Vec<&str> = defs.iter().map(|d| d.code.as_str()).collect();
    codes.dedup();
    codes
        .iter()
        .filter_map(|c| rubric::latest(defs, c))
        .collect()
}

/// Evaluates the newest version of every rubric for the year and stores the results
/// (replacing earlier results of the same versions). Call in the transaction that
/// changed the data.
pub fn refresh_results(conn: &mut DbConnection, e: &Enterprise, year: i32) -> QueryResult<usize> {
    let Some(m) = metrics(conn, e, year)? else {
        return Ok(0);
    };
    let defs = definitions(conn)?;
    let mut stored = 0;
    for def in latest_versions(&defs) {
        let r = rubric::evaluate(def, &m);
        diesel::delete(
            rubric_results::table
                .filter(rubric_results::enterprise_id.eq(e.id))
                .filter(rubric_results::year.eq(year))
                .filter(rubric_results::rubric_code.eq(&r.code))
                .filter(rubric_results::rubric_version.eq(&r.version)),
        )
        .execute(conn)?;
        diesel::insert_into(rubric_results::table)
            .values((
                rubric_results::enterprise_id.eq(e.id),
                rubric_results::year.eq(year),
                rubric_results::rubric_code.eq(&r.code),
                rubric_results::rubric_version.eq(&r.version),
                rubric_results::total.eq(r.total),
                rubric_results::passed.eq(r.passed),
                rubric_results::result.eq(serde_json::to_string(&r).unwrap_or_default()),
                rubric_results::computed_at.eq(super::now()),
            ))
            .execute(conn)?;
        stored += 1;
    }
    Ok(stored)
}

/// A stored result row.
#[derive(Debug, Clone, Queryable)]
pub struct StoredResult {
    pub id: i32,
    pub enterprise_id: i32,
    pub year: i32,
    pub rubric_code: String,
    pub rubric_version: String,
    pub total: Option<f64>,
    pub passed: bool,
    pub result: String,
    pub computed_at: chrono::NaiveDateTime,
}

impl StoredResult {
    /// The full result as stored.
    pub fn parsed(&self) -> Option<RubricResult> {
        serde_json::from_str(&self.result).ok()
    }
}

/// Stored results of an enterprise, newest year first.
pub fn stored(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<StoredResult>> {
    rubric_results::table
        .filter(rubric_results::enterprise_id.eq(enterprise_id))
        .order((
            rubric_results::year.desc(),
            rubric_results::rubric_code.asc(),
        ))
        .load(conn)
}
