//! Bulk inserts for generated data (the demo and benchmark sets): many rows per
//! statement, written per backend because `MultiConnection` cannot batch inserts.
//! No audit rows: seed data is nobody's change. Call inside a write transaction.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::schema::{
    annual_data, board_entries, cultivation_events, cultivation_intermediaries, cultivation_plans,
    cultivation_proposals, cultivation_tasks, enterprises, expert_assignments, gate_ticks,
    index_values, partners, plan_targets, qualification_events, qualifications, rubric_results,
    training_events, training_invitations, training_registrations,
};

/// Bound values per statement: SQLite allows 32,766 and PostgreSQL 65,535.
pub(crate) const MAX_BINDS: usize = 30_000;

/// Inserts `$rows` (a slice of `Insertable` structs with `$cols` columns) in chunks,
/// one multi-row statement each; evaluates to the number of rows inserted.
macro_rules! insert_chunks {
    ($conn:expr, $table:expr, $rows:expr, $cols:expr) => {{
        let mut n = 0usize;
        for chunk in $rows.chunks(($crate::models::seed::MAX_BINDS / $cols).max(1)) {
            n += match &mut *$conn {
                $crate::db::DbConnection::Sqlite(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
                $crate::db::DbConnection::Postgres(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
            };
        }
        n
    }};
}

pub(crate) use insert_chunks;

/// A whole enterprise row, with its current tier, level and cultivation step already
/// worked out.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = enterprises, treat_none_as_default_value = false)]
pub struct NewEnterpriseRow<'a> {
    pub credit_code: &'a str,
    pub name: &'a str,
    pub district_code: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    pub legal_representative: &'a str,
    pub founded_on: Option<NaiveDate>,
    pub company_type: &'a str,
    pub registered_capital: Option<i64>,
    pub industry_section: Option<&'a str>,
    pub industry_division: Option<&'a str>,
    pub niche_market: &'a str,
    pub main_product: &'a str,
    pub niche_since: Option<i32>,
    pub product_field: i32,
    pub strategic_emerging: bool,
    pub high_tech_title: bool,
    pub sci_award_year: Option<i32>,
    pub meets_common_gate: bool,
    pub has_shareholder_register: bool,
    pub recommending_institution: &'a str,
    pub contact_name: &'a str,
    pub contact_phone: &'a str,
    pub contact_email: &'a str,
    pub current_tier: Option<&'a str>,
    pub tier_since: Option<NaiveDate>,
    pub current_level: Option<&'a str>,
    pub level_expires_on: Option<NaiveDate>,
    pub cultivation_step: Option<&'a str>,
    pub cultivation_stage: Option<&'a str>,
    pub stage_since: Option<NaiveDate>,
    pub step_since: Option<NaiveDate>,
    pub queue_order: Option<i32>,
    pub target_board: Option<&'a str>,
}

/// A title row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = qualifications, treat_none_as_default_value = false)]
pub struct NewTitleRow<'a> {
    pub enterprise_id: i32,
    pub level: &'a str,
    pub batch: &'a str,
    pub recognized_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub revoked_on: Option<NaiveDate>,
    pub revoke_reason: Option<&'a str>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// A title event row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = qualification_events, treat_none_as_default_value = false)]
pub struct NewTitleEventRow<'a> {
    pub qualification_id: i32,
    pub enterprise_id: i32,
    pub action: &'a str,
    pub on_date: NaiveDate,
    pub expires_before: Option<NaiveDate>,
    pub expires_after: Option<NaiveDate>,
    pub note: &'a str,
    pub recorded_by: Option<i32>,
    pub recorded_at: NaiveDateTime,
}

/// A year of annual data.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = annual_data, treat_none_as_default_value = false)]
pub struct NewAnnualRow {
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

impl NewAnnualRow {
    /// The row for one year of figures.
    pub fn new(
        enterprise_id: i32,
        f: &crate::domain::annual::AnnualFigures,
        at: NaiveDateTime,
    ) -> NewAnnualRow {
        NewAnnualRow {
            enterprise_id,
            year: f.year,
            revenue: f.revenue,
            main_business_revenue: f.main_business_revenue,
            net_profit: f.net_profit,
            total_assets: f.total_assets,
            total_liabilities: f.total_liabilities,
            rd_expense: f.rd_expense,
            employees: f.employees,
            rd_staff: f.rd_staff,
            ip_class1: f.ip_class1,
            ip_class1_high_value: f.ip_class1_high_value,
            ip_class1_self: f.ip_class1_self,
            ip_class2: f.ip_class2,
            equity_financing: f.equity_financing,
            digitalisation_level: f.digitalisation_level,
            rd_institution_level: f.rd_institution_level,
            quality_items: f.quality_items,
            market_share: f.market_share,
            own_brand: f.own_brand,
            distinctive_points: f.distinctive_points,
            updated_at: at,
            updated_by: None,
            version: 1,
        }
    }
}

/// A board history row.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = board_entries, treat_none_as_default_value = false)]
pub struct NewBoardEntryRow<'a> {
    pub enterprise_id: i32,
    pub action: &'a str,
    pub tier_from: Option<&'a str>,
    pub tier_to: Option<&'a str>,
    pub source_board: &'a str,
    pub reason: &'a str,
    pub effective_on: NaiveDate,
    pub recorded_by: Option<i32>,
    pub recorded_at: NaiveDateTime,
}

/// A stored rubric result (the `result` column is the serialised `RubricResult`).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = rubric_results, treat_none_as_default_value = false)]
pub struct NewRubricResultRow<'a> {
    pub enterprise_id: i32,
    pub year: i32,
    pub rubric_code: &'a str,
    pub rubric_version: &'a str,
    pub total: Option<f64>,
    pub passed: bool,
    pub result: &'a str,
    pub computed_at: NaiveDateTime,
}

/// A partner institution.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = partners, treat_none_as_default_value = false)]
pub struct NewPartnerRow<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub contact_name: &'a str,
    pub contact_phone: &'a str,
    pub contact_email: &'a str,
    pub note: &'a str,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// An intermediary engaged by an enterprise.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cultivation_intermediaries, treat_none_as_default_value = false)]
pub struct NewIntermediaryRow<'a> {
    pub enterprise_id: i32,
    pub kind: &'a str,
    pub partner_id: i32,
    pub engaged_on: NaiveDate,
    pub recorded_by: Option<i32>,
    pub recorded_at: NaiveDateTime,
}

/// A staff tick on a manual checklist item.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = gate_ticks, treat_none_as_default_value = false)]
pub struct NewTickRow<'a> {
    pub enterprise_id: i32,
    pub item_key: &'a str,
    pub evidence: &'a str,
    pub document_ref: &'a str,
    pub ticked_by: Option<i32>,
    pub ticked_at: NaiveDateTime,
}

/// A cultivation proposal (`gate_snapshot` is the serialised `GateStatus`).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cultivation_proposals, treat_none_as_default_value = false)]
pub struct NewProposalRow<'a> {
    pub enterprise_id: i32,
    pub step_from: &'a str,
    pub step_to: &'a str,
    pub reason: &'a str,
    pub comment: &'a str,
    pub gate_snapshot: String,
    pub status: &'a str,
    pub proposed_by: i32,
    pub proposed_at: NaiveDateTime,
    pub decided_by: Option<i32>,
    pub decided_at: Option<NaiveDateTime>,
    pub decision_comment: &'a str,
}

/// A row of the cultivation timeline.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cultivation_events, treat_none_as_default_value = false)]
pub struct NewCultivationEventRow<'a> {
    pub enterprise_id: i32,
    pub step_from: Option<&'a str>,
    pub step_to: &'a str,
    pub stage_to: &'a str,
    pub reason: &'a str,
    pub proposal_id: Option<i32>,
    pub effective_on: NaiveDate,
    pub recorded_by: Option<i32>,
    pub recorded_at: NaiveDateTime,
}

/// A cultivation plan.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cultivation_plans, treat_none_as_default_value = false)]
pub struct NewPlanRow<'a> {
    pub enterprise_id: i32,
    pub valuation: Option<i64>,
    pub valuation_on: Option<NaiveDate>,
    pub planned_raise: Option<i64>,
    pub planned_filing_on: Option<NaiveDate>,
    pub planned_listing_on: Option<NaiveDate>,
    pub counsellor_id: Option<i32>,
    pub note: &'a str,
    pub updated_at: NaiveDateTime,
    pub updated_by: Option<i32>,
    pub version: i32,
}

/// A cultivation task.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cultivation_tasks, treat_none_as_default_value = false)]
pub struct NewTaskRow<'a> {
    pub enterprise_id: i32,
    pub step: &'a str,
    pub title: &'a str,
    pub owner_id: i32,
    pub due_on: NaiveDate,
    pub status: &'a str,
    pub done_on: Option<NaiveDate>,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// A year's target for a stage.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = plan_targets, treat_none_as_default_value = false)]
pub struct NewPlanTargetRow<'a> {
    pub year: i32,
    pub stage: &'a str,
    pub target: i32,
    pub updated_by: Option<i32>,
    pub updated_at: NaiveDateTime,
}

/// How many enterprise rows exist (archived ones included).
pub fn enterprise_count(conn: &mut DbConnection) -> QueryResult<i64> {
    enterprises::table.count().get_result(conn)
}

/// Inserts enterprises; returns (id, credit code) of each, in no particular order.
pub fn insert_enterprises(
    conn: &mut DbConnection,
    rows: &[NewEnterpriseRow<'_>],
) -> QueryResult<Vec<(i32, String)>> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(MAX_BINDS / 35) {
        let ids: Vec<(i32, String)> = match &mut *conn {
            DbConnection::Sqlite(c) => diesel::insert_into(enterprises::table)
                .values(chunk)
                .returning((enterprises::id, enterprises::credit_code))
                .get_results(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(enterprises::table)
                .values(chunk)
                .returning((enterprises::id, enterprises::credit_code))
                .get_results(c)?,
        };
        out.extend(ids);
    }
    Ok(out)
}

/// Inserts titles; returns (id, enterprise id, level) of each, in no particular order.
pub fn insert_titles(
    conn: &mut DbConnection,
    rows: &[NewTitleRow<'_>],
) -> QueryResult<Vec<(i32, i32, String)>> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(MAX_BINDS / 10) {
        let returning = (
            qualifications::id,
            qualifications::enterprise_id,
            qualifications::level,
        );
        let ids: Vec<(i32, i32, String)> = match &mut *conn {
            DbConnection::Sqlite(c) => diesel::insert_into(qualifications::table)
                .values(chunk)
                .returning(returning)
                .get_results(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(qualifications::table)
                .values(chunk)
                .returning(returning)
                .get_results(c)?,
        };
        out.extend(ids);
    }
    Ok(out)
}

/// Inserts title events.
pub fn insert_title_events(
    conn: &mut DbConnection,
    rows: &[NewTitleEventRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, qualification_events::table, rows, 9))
}

/// Inserts years of annual data.
pub fn insert_annual(conn: &mut DbConnection, rows: &[NewAnnualRow]) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, annual_data::table, rows, 24))
}

/// Inserts board history rows.
pub fn insert_board_entries(
    conn: &mut DbConnection,
    rows: &[NewBoardEntryRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, board_entries::table, rows, 9))
}

/// Inserts stored rubric results.
pub fn insert_rubric_results(
    conn: &mut DbConnection,
    rows: &[NewRubricResultRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, rubric_results::table, rows, 8))
}

/// The ids of the partners with these names: (id, name), in no particular order.
pub fn partner_ids(conn: &mut DbConnection, names: &[&str]) -> QueryResult<Vec<(i32, String)>> {
    partners::table
        .filter(partners::name.eq_any(names))
        .select((partners::id, partners::name))
        .load(conn)
}

/// Inserts partners.
pub fn insert_partners(conn: &mut DbConnection, rows: &[NewPartnerRow<'_>]) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, partners::table, rows, 10))
}

/// Inserts engaged intermediaries.
pub fn insert_intermediaries(
    conn: &mut DbConnection,
    rows: &[NewIntermediaryRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(
        conn,
        cultivation_intermediaries::table,
        rows,
        6
    ))
}

/// Inserts checklist ticks.
pub fn insert_ticks(conn: &mut DbConnection, rows: &[NewTickRow<'_>]) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, gate_ticks::table, rows, 6))
}

/// Inserts proposals; returns (id, enterprise id, step to, status) of each, in no
/// particular order.
pub fn insert_proposals(
    conn: &mut DbConnection,
    rows: &[NewProposalRow<'_>],
) -> QueryResult<Vec<(i32, i32, String, String)>> {
    let mut out = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(MAX_BINDS / 12) {
        let returning = (
            cultivation_proposals::id,
            cultivation_proposals::enterprise_id,
            cultivation_proposals::step_to,
            cultivation_proposals::status,
        );
        let ids: Vec<(i32, i32, String, String)> = match &mut *conn {
            DbConnection::Sqlite(c) => diesel::insert_into(cultivation_proposals::table)
                .values(chunk)
                .returning(returning)
                .get_results(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(cultivation_proposals::table)
                .values(chunk)
                .returning(returning)
                .get_results(c)?,
        };
        out.extend(ids);
    }
    Ok(out)
}

/// Inserts timeline rows.
pub fn insert_cultivation_events(
    conn: &mut DbConnection,
    rows: &[NewCultivationEventRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, cultivation_events::table, rows, 9))
}

/// Inserts cultivation plans.
pub fn insert_plans(conn: &mut DbConnection, rows: &[NewPlanRow<'_>]) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, cultivation_plans::table, rows, 11))
}

/// Inserts tasks.
pub fn insert_tasks(conn: &mut DbConnection, rows: &[NewTaskRow<'_>]) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, cultivation_tasks::table, rows, 11))
}

/// The years that already have plan targets.
pub fn target_years(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    plan_targets::table
        .select(plan_targets::year)
        .distinct()
        .load(conn)
}

/// Inserts plan targets.
pub fn insert_plan_targets(
    conn: &mut DbConnection,
    rows: &[NewPlanTargetRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, plan_targets::table, rows, 5))
}

/// A stored index value (entered, imported or an expert panel's figure).
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = index_values, treat_none_as_default_value = false)]
pub struct NewIndexValueRow<'a> {
    pub enterprise_id: i32,
    pub period: &'a str,
    pub indicator: &'a str,
    pub value: f64,
    pub source: &'a str,
    pub updated_by: Option<i32>,
    pub updated_at: NaiveDateTime,
}

/// Inserts index values (their periods must exist).
pub fn insert_index_values(
    conn: &mut DbConnection,
    rows: &[NewIndexValueRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, index_values::table, rows, 7))
}

/// An expert's assignment, scored or not.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = expert_assignments, treat_none_as_default_value = false)]
pub struct NewAssignmentRow<'a> {
    pub expert_id: i32,
    pub enterprise_id: i32,
    pub period: &'a str,
    pub indicator: &'a str,
    pub assigned_by: Option<i32>,
    pub assigned_at: NaiveDateTime,
    pub score: Option<f64>,
    pub comment: &'a str,
    pub scored_at: Option<NaiveDateTime>,
}

/// Inserts expert assignments (their periods must exist).
pub fn insert_assignments(
    conn: &mut DbConnection,
    rows: &[NewAssignmentRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, expert_assignments::table, rows, 9))
}

/// A training event.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = training_events, treat_none_as_default_value = false)]
pub struct NewTrainingEventRow<'a> {
    pub title: &'a str,
    pub kind: &'a str,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub online: bool,
    pub place: &'a str,
    pub link: &'a str,
    pub organiser_id: Option<i32>,
    pub audience_tiers: String,
    pub audience_levels: String,
    pub audience_stages: String,
    pub capacity: i32,
    pub description: &'a str,
    pub status: &'a str,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// An invitation to a training event.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = training_invitations, treat_none_as_default_value = false)]
pub struct NewInvitationRow {
    pub event_id: i32,
    pub enterprise_id: i32,
    pub invited_by: Option<i32>,
    pub invited_at: NaiveDateTime,
}

/// A registration for a training event.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = training_registrations, treat_none_as_default_value = false)]
pub struct NewRegistrationRow<'a> {
    pub event_id: i32,
    pub enterprise_id: i32,
    pub status: &'a str,
    pub registered_at: NaiveDateTime,
    pub cancelled_at: Option<NaiveDateTime>,
    pub attendance: Option<&'a str>,
    pub attendance_by: Option<i32>,
    pub attendance_at: Option<NaiveDateTime>,
}

/// An active enterprise with what training audiences look at: (id, tier, level, stage).
pub type CandidateRow = (i32, Option<String>, Option<String>, Option<String>);

/// Active enterprises with what training audiences look at.
pub fn training_candidates(conn: &mut DbConnection) -> QueryResult<Vec<CandidateRow>> {
    enterprises::table
        .filter(enterprises::archived_at.is_null())
        .select((
            enterprises::id,
            enterprises::current_tier,
            enterprises::current_level,
            enterprises::cultivation_stage,
        ))
        .order(enterprises::id)
        .load(conn)
}

/// Inserts events; returns their ids in the order given.
pub fn insert_training_events(
    conn: &mut DbConnection,
    rows: &[NewTrainingEventRow<'_>],
) -> QueryResult<Vec<i32>> {
    let n = insert_chunks!(conn, training_events::table, rows, 18);
    let mut ids: Vec<i32> = training_events::table
        .select(training_events::id)
        .order(training_events::id.desc())
        .limit(n as i64)
        .load(conn)?;
    ids.reverse();
    Ok(ids)
}

/// Inserts invitations.
pub fn insert_invitations(
    conn: &mut DbConnection,
    rows: &[NewInvitationRow],
) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, training_invitations::table, rows, 4))
}

/// Inserts registrations.
pub fn insert_registrations(
    conn: &mut DbConnection,
    rows: &[NewRegistrationRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(conn, training_registrations::table, rows, 8))
}

/// A partner's cooperation agreement.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::schema::partner_agreements, treat_none_as_default_value = false)]
pub struct NewAgreementRow<'a> {
    pub partner_id: i32,
    pub signed_on: Option<NaiveDate>,
    pub scope: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub terminated_on: Option<NaiveDate>,
    pub termination_reason: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// A partner's service plan.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::schema::partner_service_plans, treat_none_as_default_value = false)]
pub struct NewServicePlanRow<'a> {
    pub partner_id: i32,
    pub name: &'a str,
    pub products: &'a str,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub term_months: Option<i32>,
    pub rate_min: Option<i32>,
    pub rate_max: Option<i32>,
    pub target_levels: &'a str,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// A financing need.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::schema::financing_needs, treat_none_as_default_value = false)]
pub struct NewNeedRow<'a> {
    pub enterprise_id: i32,
    pub kind: &'a str,
    pub amount: i64,
    pub purpose: &'a str,
    pub wanted_by: Option<NaiveDate>,
    pub status: &'a str,
    pub created_by: Option<i32>,
    pub created_via: &'a str,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    pub close_reason: Option<&'a str>,
    pub close_note: &'a str,
    pub closed_by: Option<i32>,
    pub closed_at: Option<NaiveDateTime>,
}

/// A referral of a need to a partner.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = crate::schema::financing_referrals, treat_none_as_default_value = false)]
pub struct NewReferralRow<'a> {
    pub need_id: i32,
    pub partner_id: i32,
    pub status: &'a str,
    pub approved_amount: Option<i64>,
    pub approved_rate: Option<i32>,
    pub approved_on: Option<NaiveDate>,
    pub decline_reason: &'a str,
    pub sent_at: NaiveDateTime,
    pub in_review_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_by: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// Inserts agreements.
pub fn insert_agreements(
    conn: &mut DbConnection,
    rows: &[NewAgreementRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(
        conn,
        crate::schema::partner_agreements::table,
        rows,
        10
    ))
}

/// Inserts service plans.
pub fn insert_service_plans(
    conn: &mut DbConnection,
    rows: &[NewServicePlanRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(
        conn,
        crate::schema::partner_service_plans::table,
        rows,
        13
    ))
}

/// Inserts needs; returns the new ids in insert order (the table must be empty of
/// rows newer than these: the demo loads into an empty database).
pub fn insert_needs(conn: &mut DbConnection, rows: &[NewNeedRow<'_>]) -> QueryResult<Vec<i32>> {
    use crate::schema::financing_needs;
    let before: Option<i32> = financing_needs::table
        .select(diesel::dsl::max(financing_needs::id))
        .first(conn)?;
    insert_chunks!(conn, financing_needs::table, rows, 15);
    financing_needs::table
        .filter(financing_needs::id.gt(before.unwrap_or(0)))
        .order(financing_needs::id)
        .select(financing_needs::id)
        .load(conn)
}

/// Inserts referrals.
pub fn insert_referrals(
    conn: &mut DbConnection,
    rows: &[NewReferralRow<'_>],
) -> QueryResult<usize> {
    Ok(insert_chunks!(
        conn,
        crate::schema::financing_referrals::table,
        rows,
        13
    ))
}
