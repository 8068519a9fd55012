//! Annual data per enterprise and year, and the submissions enterprise accounts
//! make: pending until staff approve (the data changes) or return them with a reason.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::annual::AnnualFigures;
use crate::domain::scope::DataScope;
use crate::models::audit::{self, Actor, Change};
use crate::models::enterprise::{Enterprise, filter_scope};
use crate::schema::{annual_data, annual_submissions, enterprises};

/// A stored year of annual data.
#[derive(Debug, Clone, Queryable)]
pub struct AnnualRow {
    pub id: i32,
    pub enterprise_id: i32,
    pub year: i32,
    pub revenue: Option<i64>,
    pub main_business_revenue: Option<i64>,
    pub net_profit: Option<i64>,
    pub total_assets: Option<i64>,
    pub total_liabilities: Option<i64>,
    pub rd_expense: Option<i64>,
    pub employees: Option<i32>,
    pub rd_staff: Option<i32>,
    pub ip_class1: Option<i32>,
    pub ip_class1_high_value: Option<i32>,
    pub ip_class1_self: Option<i32>,
    pub ip_class2: Option<i32>,
    pub equity_financing: Option<i64>,
    pub digitalisation_level: Option<i32>,
    pub rd_institution_level: Option<i32>,
    pub quality_items: Option<i32>,
    pub market_share: Option<f64>,
    pub own_brand: Option<bool>,
    pub distinctive_points: Option<f64>,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<i32>,
    pub version: i32,
}

impl AnnualRow {
    /// The figures as the domain sees them.
    pub fn figures(&self) -> AnnualFigures {
        AnnualFigures {
            year: self.year,
            revenue: self.revenue,
            main_business_revenue: self.main_business_revenue,
            net_profit: self.net_profit,
            total_assets: self.total_assets,
            total_liabilities: self.total_liabilities,
            rd_expense: self.rd_expense,
            employees: self.employees,
            rd_staff: self.rd_staff,
            ip_class1: self.ip_class1,
            ip_class1_high_value: self.ip_class1_high_value,
            ip_class1_self: self.ip_class1_self,
            ip_class2: self.ip_class2,
            equity_financing: self.equity_financing,
            digitalisation_level: self.digitalisation_level,
            rd_institution_level: self.rd_institution_level,
            quality_items: self.quality_items,
            market_share: self.market_share,
            own_brand: self.own_brand,
            distinctive_points: self.distinctive_points,
        }
    }
}

macro_rules! figure_columns {
    ($f:expr) => {
        (
            annual_data::revenue.eq($f.revenue),
            annual_data::main_business_revenue.eq($f.main_business_revenue),
            annual_data::net_profit.eq($f.net_profit),
            annual_data::total_assets.eq($f.total_assets),
            annual_data::total_liabilities.eq($f.total_liabilities),
            annual_data::rd_expense.eq($f.rd_expense),
            annual_data::employees.eq($f.employees),
            annual_data::rd_staff.eq($f.rd_staff),
            annual_data::ip_class1.eq($f.ip_class1),
            annual_data::ip_class1_high_value.eq($f.ip_class1_high_value),
            annual_data::ip_class1_self.eq($f.ip_class1_self),
            annual_data::ip_class2.eq($f.ip_class2),
            annual_data::equity_financing.eq($f.equity_financing),
            annual_data::digitalisation_level.eq($f.digitalisation_level),
            annual_data::rd_institution_level.eq($f.rd_institution_level),
            annual_data::quality_items.eq($f.quality_items),
            annual_data::market_share.eq($f.market_share),
            annual_data::own_brand.eq($f.own_brand),
            annual_data::distinctive_points.eq($f.distinctive_points),
        )
    };
}

/// Every stored year of an enterprise, oldest first.
pub fn years(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<AnnualRow>> {
    annual_data::table
        .filter(annual_data::enterprise_id.eq(enterprise_id))
        .order(annual_data::year.asc())
        .load(conn)
}

/// One stored year.
pub fn year(
    conn: &mut DbConnection,
    enterprise_id: i32,
    year: i32,
) -> QueryResult<Option<AnnualRow>> {
    annual_data::table
        .filter(annual_data::enterprise_id.eq(enterprise_id))
        .filter(annual_data::year.eq(year))
        .first(conn)
        .optional()
}

/// Why annual data was not saved.
#[derive(Debug, thiserror::Error)]
pub enum AnnualWriteError {
    /// Someone saved this year since the form was opened.
    #[error("the year was changed by someone else")]
    Conflict(Box<AnnualRow>),
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

/// Writes a year (insert or update). `expected_version` is the version the user saw
/// (`None`: the year did not exist then). Returns whether anything changed.
/// Call in a write transaction; audits the change with before and after.
pub fn save(
    conn: &mut DbConnection,
    actor: &Actor,
    e: &Enterprise,
    f: &AnnualFigures,
    expected_version: Option<i32>,
) -> Result<bool, AnnualWriteError> {
    let existing = year(conn, e.id, f.year)?;
    let now = super::now();
    match (&existing, expected_version) {
        (Some(row), Some(v)) if row.version != v => {
            return Err(AnnualWriteError::Conflict(Box::new(row.clone())));
        }
        (Some(row), None) => return Err(AnnualWriteError::Conflict(Box::new(row.clone()))),
        _ => {}
    }
    match existing {
        Some(row) if row.figures() == *f => return Ok(false),
        Some(row) => {
            diesel::update(annual_data::table.find(row.id))
                .set((
                    figure_columns!(f),
                    annual_data::updated_at.eq(now),
                    annual_data::updated_by.eq(actor.user_id),
                    annual_data::version.eq(row.version + 1),
                ))
                .execute(conn)?;
            audit_year(conn, actor, e, Some(&row.figures()), f)?;
            refresh_assessments(conn, e, f.year)?;
        }
        None => {
            diesel::insert_into(annual_data::table)
                .values((
                    annual_data::enterprise_id.eq(e.id),
                    annual_data::year.eq(f.year),
                    figure_columns!(f),
                    annual_data::updated_at.eq(now),
                    annual_data::updated_by.eq(actor.user_id),
                    annual_data::version.eq(1),
                ))
                .execute(conn)?;
            audit_year(conn, actor, e, None, f)?;
            refresh_assessments(conn, e, f.year)?;
        }
    }
    Ok(true)
}

/// Stored rubric results of this year and the next (whose growth figures use this
/// year) follow the data, and so do the index scores.
fn refresh_assessments(conn: &mut DbConnection, e: &Enterprise, year: i32) -> QueryResult<()> {
    super::rubric::refresh_results(conn, e, year)?;
    super::rubric::refresh_results(conn, e, year + 1)?;
    super::index::rescore_everywhere(conn, e.id)
}

fn audit_year(
    conn: &mut DbConnection,
    actor: &Actor,
    e: &Enterprise,
    before: Option<&AnnualFigures>,
    after: &AnnualFigures,
) -> QueryResult<()> {
    audit::record(
        conn,
        actor,
        Change {
            action: "annual.save",
            entity: "annual_data",
            entity_id: Some(format!("{}/{}", e.id, after.year)),
            enterprise_id: Some(e.id),
            district_code: Some(e.district_code.clone()),
            before: before.and_then(audit::snapshot),
            after: audit::snapshot(after),
        },
    )
}

/// A submission row.
#[derive(Debug, Clone, Queryable)]
pub struct Submission {
    pub id: i32,
    pub enterprise_id: i32,
    pub year: i32,
    pub payload: String,
    pub status: String,
    pub submitted_by: i32,
    pub submitted_at: NaiveDateTime,
    pub decided_by: Option<i32>,
    pub decided_at: Option<NaiveDateTime>,
    pub return_reason: Option<String>,
}

impl Submission {
    /// The submitted figures.
    pub fn figures(&self) -> Option<AnnualFigures> {
        serde_json::from_str(&self.payload).ok()
    }
}

/// Records an enterprise's submission; nothing in the annual data changes yet.
/// A newer pending submission for the same year replaces the older one.
pub fn submit(
    conn: &mut DbConnection,
    actor: &Actor,
    e: &Enterprise,
    f: &AnnualFigures,
) -> QueryResult<Submission> {
    let user = actor.user_id.unwrap_or_default();
    diesel::update(
        annual_submissions::table
            .filter(annual_submissions::enterprise_id.eq(e.id))
            .filter(annual_submissions::year.eq(f.year))
            .filter(annual_submissions::status.eq("pending")),
    )
    .set((
        annual_submissions::status.eq("returned"),
        annual_submissions::decided_by.eq(Some(user)),
        annual_submissions::decided_at.eq(Some(super::now())),
        annual_submissions::return_reason.eq(Some("superseded")),
    ))
    .execute(conn)?;
    let s: Submission = diesel::insert_into(annual_submissions::table)
        .values((
            annual_submissions::enterprise_id.eq(e.id),
            annual_submissions::year.eq(f.year),
            annual_submissions::payload.eq(serde_json::to_string(f).unwrap_or_default()),
            annual_submissions::status.eq("pending"),
            annual_submissions::submitted_by.eq(user),
            annual_submissions::submitted_at.eq(super::now()),
        ))
        .returning(annual_submissions::all_columns)
        .get_result(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "annual.submit",
            entity: "annual_submission",
            entity_id: Some(s.id.to_string()),
            enterprise_id: Some(e.id),
            district_code: Some(e.district_code.clone()),
            after: audit::snapshot(f),
            ..Default::default()
        },
    )?;
    Ok(s)
}

/// A submission with its enterprise, for the review queue.
#[derive(Debug, Clone)]
pub struct QueueRow {
    pub submission: Submission,
    pub enterprise_name: String,
    pub credit_code: String,
}

/// Pending submissions visible in `scope`, oldest first.
pub fn pending(conn: &mut DbConnection, scope: &DataScope) -> QueryResult<Vec<QueueRow>> {
    let q = annual_submissions::table
        .inner_join(enterprises::table)
        .into_boxed();
    let rows: Vec<(Submission, String, String)> = filter_scope!(q, scope)
        .filter(annual_submissions::status.eq("pending"))
        .order(annual_submissions::id.asc())
        .select((
            annual_submissions::all_columns,
            enterprises::name,
            enterprises::credit_code,
        ))
        .limit(500)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(submission, enterprise_name, credit_code)| QueueRow {
            submission,
            enterprise_name,
            credit_code,
        })
        .collect())
}

/// The submissions of one enterprise, newest first.
pub fn submissions_of(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<Submission>> {
    annual_submissions::table
        .filter(annual_submissions::enterprise_id.eq(enterprise_id))
        .order(annual_submissions::id.desc())
        .limit(50)
        .load(conn)
}

/// Why a decision on a submission was refused.
#[derive(Debug, thiserror::Error)]
pub enum DecisionError {
    /// Already approved or returned.
    #[error("the submission was already decided")]
    AlreadyDecided,
    /// Returning needs a reason.
    #[error("give the reason for returning it")]
    NoReason,
    /// The stored payload does not parse (never expected).
    #[error("the submission cannot be read")]
    Unreadable,
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

fn load_pending(
    conn: &mut DbConnection,
    scope: &DataScope,
    id: i32,
) -> Result<(Submission, Enterprise), DecisionError> {
    let s: Submission = annual_submissions::table
        .find(id)
        .first(conn)
        .optional()?
        .ok_or(diesel::result::Error::NotFound)?;
    let e =
        Enterprise::find(conn, scope, s.enterprise_id)?.ok_or(diesel::result::Error::NotFound)?;
    if s.status != "pending" {
        return Err(DecisionError::AlreadyDecided);
    }
    Ok((s, e))
}

fn decide(
    conn: &mut DbConnection,
    actor: &Actor,
    id: i32,
    status: &str,
    reason: Option<&str>,
) -> QueryResult<()> {
    diesel::update(annual_submissions::table.find(id))
        .set((
            annual_submissions::status.eq(status),
            annual_submissions::decided_by.eq(actor.user_id),
            annual_submissions::decided_at.eq(Some(super::now())),
            annual_submissions::return_reason.eq(reason),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Approves a submission: its figures become the year's annual data.
pub fn approve(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    id: i32,
) -> Result<Enterprise, DecisionError> {
    let (s, e) = load_pending(conn, scope, id)?;
    let f = s.figures().ok_or(DecisionError::Unreadable)?;
    // Staff approve what they saw: the year's current version, whatever it is.
    let current = year(conn, e.id, f.year)?.map(|r| r.version);
    match save(conn, actor, &e, &f, current) {
        Ok(_) => {}
        Err(AnnualWriteError::Db(d)) => return Err(d.into()),
        Err(AnnualWriteError::Conflict(_)) => return Err(DecisionError::AlreadyDecided),
    }
    decide(conn, actor, id, "approved", None)?;
    super::notification::annual_decided(conn, e.id, &e.name, f.year, None)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "annual.approve",
            entity: "annual_submission",
            entity_id: Some(id.to_string()),
            enterprise_id: Some(e.id),
            district_code: Some(e.district_code.clone()),
            ..Default::default()
        },
    )?;
    Ok(e)
}

/// Returns a submission to the enterprise with a reason; the data does not change.
pub fn return_submission(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    id: i32,
    reason: &str,
) -> Result<Enterprise, DecisionError> {
    let (s, e) = load_pending(conn, scope, id)?;
    if reason.trim().is_empty() {
        return Err(DecisionError::NoReason);
    }
    decide(conn, actor, id, "returned", Some(reason.trim()))?;
    super::notification::annual_decided(conn, e.id, &e.name, s.year, Some(reason.trim()))?;
    audit::record(
        conn,
        actor,
        Change {
            action: "annual.return",
            entity: "annual_submission",
            entity_id: Some(id.to_string()),
            enterprise_id: Some(e.id),
            district_code: Some(e.district_code.clone()),
            after: Some(serde_json::json!({ "reason": reason.trim() })),
            ..Default::default()
        },
    )?;
    Ok(e)
}
