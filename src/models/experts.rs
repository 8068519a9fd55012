//! Expert scoring in the database: assignments (which expert scores which
//! indicators of which enterprise for a period), submitted scores, and the panel
//! summary stored as the indicator's value (source `expert`).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::index::ValueSource;
use crate::domain::index::experts::{DEFAULT_CV_THRESHOLD, Summary, summarise};
use crate::domain::index::period::Period;
use crate::domain::scope::DataScope;
use crate::models::enterprise::filter_scope;
use crate::schema::{enterprises, expert_assignments, users};

use super::audit::{self, Actor, Change};
use super::index;

/// One assignment row.
#[derive(Debug, Clone, Queryable)]
pub struct Assignment {
    pub id: i32,
    pub expert_id: i32,
    pub enterprise_id: i32,
    pub period: String,
    pub indicator: String,
    pub assigned_by: Option<i32>,
    pub assigned_at: NaiveDateTime,
    pub score: Option<f64>,
    pub comment: String,
    pub scored_at: Option<NaiveDateTime>,
}

/// An assignment with the names a list shows.
#[derive(Debug, Clone)]
pub struct Listed {
    pub a: Assignment,
    pub expert_name: String,
    pub enterprise_name: String,
    pub credit_code: String,
    pub district_code: String,
}

/// The district of an enterprise, for scoping the audit log.
fn district_of(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Option<String>> {
    super::only(
        enterprises::table
            .filter(enterprises::id.eq(enterprise_id))
            .select(enterprises::district_code),
        conn,
    )
}

/// An active expert account: (id, display name, username).
pub fn experts(conn: &mut DbConnection) -> QueryResult<Vec<(i32, String, String)>> {
    users::table
        .filter(users::role.eq("expert"))
        .filter(users::disabled.eq(false))
        .order(users::username)
        .select((users::id, users::display_name, users::username))
        .load(conn)
}

/// Creates the assignments that do not exist yet; returns how many were created.
/// Audited as one `index.expert.assign` row when anything was created.
pub fn assign(
    conn: &mut DbConnection,
    actor: &Actor,
    expert_id: i32,
    enterprise_id: i32,
    p: Period,
    indicators: &[String],
) -> QueryResult<usize> {
    index::ensure_period(conn, p)?;
    let period = p.to_string();
    let existing: Vec<String> = expert_assignments::table
        .filter(expert_assignments::expert_id.eq(expert_id))
        .filter(expert_assignments::enterprise_id.eq(enterprise_id))
        .filter(expert_assignments::period.eq(&period))
        .select(expert_assignments::indicator)
        .load(conn)?;
    let mut created = Vec::new();
    for key in indicators {
        if existing.contains(key) || created.contains(key) {
            continue;
        }
        diesel::insert_into(expert_assignments::table)
            .values((
                expert_assignments::expert_id.eq(expert_id),
                expert_assignments::enterprise_id.eq(enterprise_id),
                expert_assignments::period.eq(&period),
                expert_assignments::indicator.eq(key),
                expert_assignments::assigned_by.eq(actor.user_id),
                expert_assignments::assigned_at.eq(super::now()),
                expert_assignments::comment.eq(""),
            ))
            .execute(conn)?;
        created.push(key.clone());
    }
    if !created.is_empty() {
        let district_code = district_of(conn, enterprise_id)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "index.expert.assign",
                entity: "expert_assignment",
                entity_id: None,
                enterprise_id: Some(enterprise_id),
                district_code,
                before: None,
                after: Some(serde_json::json!({
                    "expert_id": expert_id,
                    "period": period,
                    "indicators": created,
                })),
            },
        )?;
    }
    Ok(created.len())
}

type ListedRow = (Assignment, String, String, String, String);

fn listed(r: ListedRow) -> Listed {
    Listed {
        a: r.0,
        expert_name: r.1,
        enterprise_name: r.2,
        credit_code: r.3,
        district_code: r.4,
    }
}

/// Assignments of enterprises in `scope`, filtered by period and expert, by
/// enterprise then expert.
pub fn list(
    conn: &mut DbConnection,
    scope: &DataScope,
    period: Option<&str>,
    expert: Option<i32>,
) -> QueryResult<Vec<Listed>> {
    let mut q = expert_assignments::table
        .inner_join(users::table.on(users::id.eq(expert_assignments::expert_id)))
        .inner_join(enterprises::table)
        .select((
            expert_assignments::all_columns,
            users::display_name,
            enterprises::name,
            enterprises::credit_code,
            enterprises::district_code,
        ))
        .into_boxed();
    q = filter_scope!(q, scope);
    if let Some(p) = period {
        q = q.filter(expert_assignments::period.eq(p.to_string()));
    }
    if let Some(e) = expert {
        q = q.filter(expert_assignments::expert_id.eq(e));
    }
    let rows: Vec<ListedRow> = q
        .order((
            expert_assignments::period.desc(),
            enterprises::name,
            users::display_name,
            expert_assignments::id,
        ))
        .load(conn)?;
    Ok(rows.into_iter().map(listed).collect())
}

/// Removes an assignment that has no score yet (audited); false when it does not
/// exist or was scored.
pub fn remove(conn: &mut DbConnection, actor: &Actor, id: i32) -> QueryResult<bool> {
    let Some(a) = super::only(
        expert_assignments::table.filter(expert_assignments::id.eq(id)),
        conn,
    )?
    .filter(|a: &Assignment| a.score.is_none()) else {
        return Ok(false);
    };
    diesel::delete(expert_assignments::table.filter(expert_assignments::id.eq(id)))
        .execute(conn)?;
    let district_code = district_of(conn, a.enterprise_id)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "index.expert.unassign",
            entity: "expert_assignment",
            entity_id: Some(id.to_string()),
            enterprise_id: Some(a.enterprise_id),
            district_code,
            before: Some(serde_json::json!({
                "expert_id": a.expert_id,
                "period": a.period,
                "indicator": a.indicator,
            })),
            after: None,
        },
    )?;
    Ok(true)
}

/// One expert's assignments for one enterprise and period.
pub fn of_expert(
    conn: &mut DbConnection,
    expert_id: i32,
    enterprise_id: i32,
    period: &str,
) -> QueryResult<Vec<Assignment>> {
    expert_assignments::table
        .filter(expert_assignments::expert_id.eq(expert_id))
        .filter(expert_assignments::enterprise_id.eq(enterprise_id))
        .filter(expert_assignments::period.eq(period))
        .order(expert_assignments::id)
        .load(conn)
}

/// The version of an expert's scoring form: the latest time any of its
/// assignments was scored ("" before the first save).
pub fn version(assignments: &[Assignment]) -> String {
    assignments
        .iter()
        .filter_map(|a| a.scored_at)
        .max()
        .map(|t| t.format("%Y-%m-%dT%H:%M:%S%.6f").to_string())
        .unwrap_or_default()
}

/// One submitted score.
#[derive(Debug, Clone)]
pub struct Submitted {
    pub indicator: String,
    pub score: f64,
    pub comment: String,
}

/// Why a submission was not saved.
#[derive(Debug)]
pub enum SubmitError {
    /// Another save happened since the form was loaded.
    Stale,
    Db(diesel::result::Error),
}

impl From<diesel::result::Error> for SubmitError {
    fn from(e: diesel::result::Error) -> Self {
        SubmitError::Db(e)
    }
}

/// The scores of every expert for one (enterprise, period, indicator).
pub fn scores_for(
    conn: &mut DbConnection,
    enterprise_id: i32,
    period: &str,
    indicator: &str,
) -> QueryResult<Vec<f64>> {
    let rows: Vec<Option<f64>> = expert_assignments::table
        .filter(expert_assignments::enterprise_id.eq(enterprise_id))
        .filter(expert_assignments::period.eq(period))
        .filter(expert_assignments::indicator.eq(indicator))
        .order(expert_assignments::id)
        .select(expert_assignments::score)
        .load(conn)?;
    Ok(rows.into_iter().flatten().collect())
}

/// Saves an expert's scores (only for their own assignments), then stores each
/// indicator's panel summary as its value (source expert) and re-scores the
/// enterprise once; audited. Call in a write transaction. `seen` is the
/// [`version`] the form was loaded at.
pub fn submit(
    conn: &mut DbConnection,
    actor: &Actor,
    expert_id: i32,
    enterprise_id: i32,
    p: Period,
    seen: &str,
    scores: &[Submitted],
) -> Result<usize, SubmitError> {
    let period = p.to_string();
    let mine = of_expert(conn, expert_id, enterprise_id, &period)?;
    if version(&mine) != seen {
        return Err(SubmitError::Stale);
    }
    let now = super::now();
    let mut before = BTreeMap::new();
    let mut after = BTreeMap::new();
    let mut changed = 0;
    for s in scores {
        let Some(a) = mine.iter().find(|a| a.indicator == s.indicator) else {
            continue;
        };
        if a.score == Some(s.score) && a.comment == s.comment {
            continue;
        }
        diesel::update(expert_assignments::table.filter(expert_assignments::id.eq(a.id)))
            .set((
                expert_assignments::score.eq(Some(s.score)),
                expert_assignments::comment.eq(&s.comment),
                expert_assignments::scored_at.eq(Some(now)),
            ))
            .execute(conn)?;
        before.insert(s.indicator.clone(), a.score);
        after.insert(s.indicator.clone(), Some(s.score));
        let all = scores_for(conn, enterprise_id, &period, &s.indicator)?;
        let value = summarise(&all, DEFAULT_CV_THRESHOLD)
            .ok()
            .map(|sum| (sum.trimmed_mean * 10_000.0).round() / 10_000.0);
        index::set_value(
            conn,
            enterprise_id,
            p,
            &s.indicator,
            value,
            ValueSource::Expert,
            actor.user_id,
        )?;
        changed += 1;
    }
    if changed > 0 {
        index::rescore(conn, enterprise_id, p)?;
        let district_code = district_of(conn, enterprise_id)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "index.expert.score",
                entity: "expert_assignment",
                entity_id: None,
                enterprise_id: Some(enterprise_id),
                district_code,
                before: Some(serde_json::json!({ "period": period, "scores": before })),
                after: Some(serde_json::json!({ "period": period, "scores": after })),
            },
        )?;
    }
    Ok(changed)
}

/// The panel of one (enterprise, indicator) for the review page.
#[derive(Debug, Clone)]
pub struct Panel {
    pub enterprise_id: i32,
    pub enterprise_name: String,
    pub district_code: String,
    pub indicator: String,
    pub scores: Vec<f64>,
    pub summary: Summary,
}

/// Every (enterprise in `scope`, indicator) of a period with at least one score,
/// high spread first, then by enterprise and indicator.
pub fn review(conn: &mut DbConnection, scope: &DataScope, period: &str) -> QueryResult<Vec<Panel>> {
    let rows: Vec<Listed> = list(conn, scope, Some(period), None)?;
    let mut groups: BTreeMap<(String, i32, String), (String, Vec<f64>)> = BTreeMap::new();
    for r in rows {
        if let Some(s) = r.a.score {
            groups
                .entry((
                    r.enterprise_name.clone(),
                    r.a.enterprise_id,
                    r.a.indicator.clone(),
                ))
                .or_insert_with(|| (r.district_code.clone(), Vec::new()))
                .1
                .push(s);
        }
    }
    let mut panels: Vec<Panel> = groups
        .into_iter()
        .filter_map(|((name, id, indicator), (district, scores))| {
            let summary = summarise(&scores, DEFAULT_CV_THRESHOLD).ok()?;
            Some(Panel {
                enterprise_id: id,
                enterprise_name: name,
                district_code: district,
                indicator,
                scores,
                summary,
            })
        })
        .collect();
    panels.sort_by_key(|p| !p.summary.high_spread);
    Ok(panels)
}

/// Display names of accounts by id.
pub fn names(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, String>> {
    let rows: Vec<(i32, String)> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}
