//! The enterprise record: create, edit with optimistic locking, archive, find and
//! list. Every read starts from [`scoped`], so the data scope is in the SQL itself.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{DbConnection, MultiBackend};
use crate::domain::credit_code::CreditCode;
use crate::domain::enterprise::EnterpriseData;
use crate::domain::qualification::Level;
use crate::domain::scope::DataScope;
use crate::domain::tier::{BoardFacts, CompanyType, Tier};
use crate::models::audit::{self, Actor, Change};
use crate::schema::enterprises;

/// The columns every area shows about an enterprise.
#[derive(Debug, Clone, Queryable)]
pub struct EnterpriseRef {
    pub id: i32,
    pub credit_code: String,
    pub name: String,
    pub district_code: String,
}

type RefColumns = (
    enterprises::id,
    enterprises::credit_code,
    enterprises::name,
    enterprises::district_code,
);
const REF_COLUMNS: RefColumns = (
    enterprises::id,
    enterprises::credit_code,
    enterprises::name,
    enterprises::district_code,
);

/// A whole enterprise row.
#[derive(Debug, Clone, Queryable)]
pub struct Enterprise {
    pub id: i32,
    pub credit_code: String,
    pub name: String,
    pub district_code: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    pub archived_at: Option<NaiveDateTime>,
    pub legal_representative: String,
    pub founded_on: Option<NaiveDate>,
    #[diesel(deserialize_as = String)]
    pub company_type: CompanyType,
    pub registered_capital: Option<i64>,
    pub industry_section: Option<String>,
    pub industry_division: Option<String>,
    pub niche_market: String,
    pub main_product: String,
    pub niche_since: Option<i32>,
    pub product_field: i32,
    pub strategic_emerging: bool,
    pub high_tech_title: bool,
    pub sci_award_year: Option<i32>,
    pub meets_common_gate: bool,
    pub has_shareholder_register: bool,
    pub recommending_institution: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub current_tier: Option<String>,
    pub tier_since: Option<NaiveDate>,
    pub current_level: Option<String>,
    pub level_expires_on: Option<NaiveDate>,
    /// Where it stands in IPO cultivation; `None` until discovered as potential.
    pub cultivation_step: Option<String>,
    /// The headline stage of that step (`exited` after an exit), for grouping.
    pub cultivation_stage: Option<String>,
    /// When it reached its current stage.
    pub stage_since: Option<NaiveDate>,
    /// When it reached its current step (the last movement).
    pub step_since: Option<NaiveDate>,
    /// Its place in the queue of its stage (定序), smaller first.
    pub queue_order: Option<i32>,
    /// The board it aims to list on (定板).
    pub target_board: Option<String>,
}

impl Enterprise {
    /// The editable part of the record.
    pub fn data(&self) -> EnterpriseData {
        EnterpriseData {
            credit_code: self.credit_code.clone(),
            name: self.name.clone(),
            legal_representative: self.legal_representative.clone(),
            founded_on: self.founded_on,
            company_type: self.company_type,
            registered_capital: self.registered_capital,
            district_code: self.district_code.clone(),
            industry_section: self.industry_section.clone(),
            industry_division: self.industry_division.clone(),
            niche_market: self.niche_market.clone(),
            main_product: self.main_product.clone(),
            niche_since: self.niche_since,
            product_field: self.product_field,
            strategic_emerging: self.strategic_emerging,
            high_tech_title: self.high_tech_title,
            sci_award_year: self.sci_award_year,
            meets_common_gate: self.meets_common_gate,
            has_shareholder_register: self.has_shareholder_register,
            recommending_institution: self.recommending_institution.clone(),
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
        }
    }

    /// The current tier, if on the board.
    pub fn tier(&self) -> Option<Tier> {
        self.current_tier.as_deref().and_then(|t| t.parse().ok())
    }

    /// Where it stands in IPO cultivation, if discovered.
    pub fn step(&self) -> Option<crate::domain::cultivation::Step> {
        self.cultivation_step
            .as_deref()
            .and_then(|s| s.parse().ok())
    }

    /// The board it aims to list on, once chosen.
    pub fn target(&self) -> Option<crate::domain::cultivation::TargetBoard> {
        self.target_board.as_deref().and_then(|s| s.parse().ok())
    }

    /// The current level (highest title in force), if any.
    pub fn level(&self) -> Option<Level> {
        self.current_level.as_deref().and_then(|t| t.parse().ok())
    }

    /// What board entry conditions look at.
    pub fn board_facts(&self) -> BoardFacts {
        BoardFacts {
            company_type: self.company_type,
            has_shareholder_register: self.has_shareholder_register,
            recommending_institution: self.recommending_institution.clone(),
        }
    }
}

/// Filters a boxed query that includes the `enterprises` table down to what `scope`
/// may see. Every enterprise read goes through this (directly or via [`scoped`]).
macro_rules! filter_scope {
    ($q:expr, $scope:expr) => {{
        use $crate::domain::scope::DataScope;
        use $crate::schema::enterprises as scope_e;
        match $scope {
            DataScope::All => $q,
            DataScope::Districts(ds) => $q.filter(
                scope_e::district_code.eq_any(
                    ds.iter()
                        .map(|d| d.as_str().to_string())
                        .collect::<Vec<_>>(),
                ),
            ),
            DataScope::Enterprise(id) => $q.filter(scope_e::id.eq(*id)),
            DataScope::Nothing => $q.filter(scope_e::id.lt(0)),
        }
    }};
}
pub(crate) use filter_scope;

/// An `enterprises` query limited to what `scope` may see.
pub fn scoped(scope: &DataScope) -> enterprises::BoxedQuery<'static, MultiBackend> {
    filter_scope!(enterprises::table.into_boxed(), scope)
}

impl EnterpriseRef {
    /// Finds an enterprise by its credit code (any scope: for the CLI and admins).
    pub fn by_credit_code(
        conn: &mut DbConnection,
        code: &CreditCode,
    ) -> QueryResult<Option<EnterpriseRef>> {
        enterprises::table
            .filter(enterprises::credit_code.eq(code.as_str()))
            .select(REF_COLUMNS)
            .first(conn)
            .optional()
    }

    /// Finds an enterprise by id, if `scope` may see it.
    pub fn find(
        conn: &mut DbConnection,
        scope: &DataScope,
        id: i32,
    ) -> QueryResult<Option<EnterpriseRef>> {
        super::only(
            scoped(scope)
                .filter(enterprises::id.eq(id))
                .select(REF_COLUMNS),
            conn,
        )
    }

    /// Creates a minimal record (demo and tests; people use [`Enterprise::create`]).
    pub fn create(
        conn: &mut DbConnection,
        code: &CreditCode,
        name: &str,
        district: &str,
    ) -> QueryResult<EnterpriseRef> {
        let now = super::now();
        diesel::insert_into(enterprises::table)
            .values((
                enterprises::credit_code.eq(code.as_str()),
                enterprises::name.eq(name),
                enterprises::district_code.eq(district),
                enterprises::created_at.eq(now),
                enterprises::updated_at.eq(now),
            ))
            .returning(REF_COLUMNS)
            .get_result(conn)
    }
}

/// Active (not archived) enterprises visible in `scope`.
pub fn count_active(conn: &mut DbConnection, scope: &DataScope) -> QueryResult<i64> {
    scoped(scope)
        .filter(enterprises::archived_at.is_null())
        .count()
        .get_result(conn)
}

/// Why a write to an enterprise was refused.
#[derive(Debug, thiserror::Error)]
pub enum EnterpriseWriteError {
    /// Someone else saved first; here is what they saved.
    #[error("the record was changed by someone else")]
    Conflict(Box<Enterprise>),
    /// Another enterprise has this credit code.
    #[error("credit code already registered")]
    DuplicateCode,
    /// The district is not known.
    #[error("unknown district")]
    UnknownDistrict,
    /// Database failure.
    #[error(transparent)]
    Db(#[from] diesel::result::Error),
}

impl From<EnterpriseWriteError> for crate::error::AppError {
    fn from(e: EnterpriseWriteError) -> Self {
        match e {
            EnterpriseWriteError::Db(d) => d.into(),
            other => crate::error::AppError::BadRequest(other.to_string()),
        }
    }
}

macro_rules! data_columns {
    ($d:expr) => {
        (
            enterprises::credit_code.eq(&$d.credit_code),
            enterprises::name.eq(&$d.name),
            enterprises::legal_representative.eq(&$d.legal_representative),
            enterprises::founded_on.eq($d.founded_on),
            enterprises::company_type.eq($d.company_type.as_str()),
            enterprises::registered_capital.eq($d.registered_capital),
            enterprises::district_code.eq(&$d.district_code),
            enterprises::industry_section.eq(&$d.industry_section),
            enterprises::industry_division.eq(&$d.industry_division),
            enterprises::niche_market.eq(&$d.niche_market),
            enterprises::main_product.eq(&$d.main_product),
            enterprises::niche_since.eq($d.niche_since),
            enterprises::product_field.eq($d.product_field),
            enterprises::strategic_emerging.eq($d.strategic_emerging),
            enterprises::high_tech_title.eq($d.high_tech_title),
            enterprises::sci_award_year.eq($d.sci_award_year),
            enterprises::meets_common_gate.eq($d.meets_common_gate),
            enterprises::has_shareholder_register.eq($d.has_shareholder_register),
            enterprises::recommending_institution.eq(&$d.recommending_institution),
            enterprises::contact_name.eq(&$d.contact_name),
            enterprises::contact_phone.eq(&$d.contact_phone),
            enterprises::contact_email.eq(&$d.contact_email),
        )
    };
}

fn district_exists(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    use crate::schema::districts;
    diesel::select(diesel::dsl::exists(
        districts::table.filter(districts::code.eq(code)),
    ))
    .get_result(conn)
}

fn code_taken(conn: &mut DbConnection, code: &str, except: Option<i32>) -> QueryResult<bool> {
    let mut q = enterprises::table
        .filter(enterprises::credit_code.eq(code))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(enterprises::id.ne(id));
    }
    q.select(enterprises::id)
        .first::<i32>(conn)
        .optional()
        .map(|r| r.is_some())
}

impl Enterprise {
    /// Finds a whole record by id, if `scope` may see it.
    pub fn find(
        conn: &mut DbConnection,
        scope: &DataScope,
        id: i32,
    ) -> QueryResult<Option<Enterprise>> {
        super::only(scoped(scope).filter(enterprises::id.eq(id)), conn)
    }

    /// Finds a whole record by credit code, ignoring scope (imports check scope themselves).
    pub fn by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<Enterprise>> {
        enterprises::table
            .filter(enterprises::credit_code.eq(code))
            .first(conn)
            .optional()
    }

    /// Registers a new enterprise, audited. Call in a write transaction.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        d: &EnterpriseData,
    ) -> Result<Enterprise, EnterpriseWriteError> {
        if !district_exists(conn, &d.district_code)? {
            return Err(EnterpriseWriteError::UnknownDistrict);
        }
        if code_taken(conn, &d.credit_code, None)? {
            return Err(EnterpriseWriteError::DuplicateCode);
        }
        let now = super::now();
        let e: Enterprise = diesel::insert_into(enterprises::table)
            .values((
                data_columns!(d),
                enterprises::created_at.eq(now),
                enterprises::updated_at.eq(now),
                enterprises::version.eq(1),
            ))
            .returning(enterprises::all_columns)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "enterprise.create",
                entity: "enterprise",
                entity_id: Some(e.id.to_string()),
                enterprise_id: Some(e.id),
                district_code: Some(e.district_code.clone()),
                after: audit::snapshot(d),
                ..Default::default()
            },
        )?;
        Ok(e)
    }

    /// Saves edits if nobody saved since `expected_version` was read; otherwise
    /// returns what is stored now. `scope` limits which records may be edited.
    pub fn update(
        conn: &mut DbConnection,
        actor: &Actor,
        scope: &DataScope,
        id: i32,
        expected_version: i32,
        d: &EnterpriseData,
    ) -> Result<Enterprise, EnterpriseWriteError> {
        let current = Self::find(conn, scope, id)?.ok_or(diesel::result::Error::NotFound)?;
        if current.version != expected_version {
            return Err(EnterpriseWriteError::Conflict(Box::new(current)));
        }
        if !district_exists(conn, &d.district_code)? {
            return Err(EnterpriseWriteError::UnknownDistrict);
        }
        if code_taken(conn, &d.credit_code, Some(id))? {
            return Err(EnterpriseWriteError::DuplicateCode);
        }
        let before = current.data();
        let updated: Option<Enterprise> = diesel::update(
            enterprises::table
                .filter(enterprises::id.eq(id))
                .filter(enterprises::version.eq(expected_version)),
        )
        .set((
            data_columns!(d),
            enterprises::updated_at.eq(super::now()),
            enterprises::version.eq(expected_version + 1),
        ))
        .returning(enterprises::all_columns)
        .get_result(conn)
        .optional()?;
        // Someone saved between the read above and this write (PostgreSQL re-checks
        // the version after waiting for their row lock): the same conflict.
        let Some(updated) = updated else {
            let now = Self::find(conn, scope, id)?.ok_or(diesel::result::Error::NotFound)?;
            return Err(EnterpriseWriteError::Conflict(Box::new(now)));
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "enterprise.update",
                entity: "enterprise",
                entity_id: Some(id.to_string()),
                enterprise_id: Some(id),
                district_code: Some(updated.district_code.clone()),
                before: audit::snapshot(&before),
                after: audit::snapshot(d),
            },
        )?;
        // Record facts (niche years, flags) feed derived indicators.
        super::index::rescore_everywhere(conn, id)?;
        Ok(updated)
    }

    /// Archives (or restores) a record; nothing with history is ever deleted.
    pub fn set_archived(
        conn: &mut DbConnection,
        actor: &Actor,
        scope: &DataScope,
        id: i32,
        expected_version: i32,
        archived: bool,
    ) -> Result<Enterprise, EnterpriseWriteError> {
        let current = Self::find(conn, scope, id)?.ok_or(diesel::result::Error::NotFound)?;
        if current.version != expected_version {
            return Err(EnterpriseWriteError::Conflict(Box::new(current)));
        }
        let now = super::now();
        let updated: Enterprise = diesel::update(enterprises::table.filter(enterprises::id.eq(id)))
            .set((
                enterprises::archived_at.eq(archived.then_some(now)),
                enterprises::updated_at.eq(now),
                enterprises::version.eq(expected_version + 1),
            ))
            .returning(enterprises::all_columns)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: if archived {
                    "enterprise.archive"
                } else {
                    "enterprise.restore"
                },
                entity: "enterprise",
                entity_id: Some(id.to_string()),
                enterprise_id: Some(id),
                district_code: Some(updated.district_code.clone()),
                ..Default::default()
            },
        )?;
        Ok(updated)
    }

    /// Bumps the version after a change to the record's board or titles, so that an
    /// edit form opened before it cannot silently undo it.
    pub fn touch(conn: &mut DbConnection, id: i32) -> QueryResult<()> {
        diesel::update(enterprises::table.filter(enterprises::id.eq(id)))
            .set((
                enterprises::updated_at.eq(super::now()),
                enterprises::version.eq(enterprises::version + 1),
            ))
            .execute(conn)
            .map(|_| ())
    }
}

/// How the list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// By name (then id).
    #[default]
    Name,
    /// By credit code.
    Code,
    /// Most recently changed first.
    Updated,
}

impl Sort {
    /// Reads the `sort` query parameter.
    pub fn parse(s: &str) -> Sort {
        match s {
            "code" => Sort::Code,
            "updated" => Sort::Updated,
            _ => Sort::Name,
        }
    }

    /// The query parameter value.
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Name => "name",
            Sort::Code => "code",
            Sort::Updated => "updated",
        }
    }
}

/// Which records by archive state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Archived {
    #[default]
    Active,
    Archived,
    All,
}

/// The list filters, already parsed.
#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Name (contains, any case) or credit code (prefix).
    pub text: Option<String>,
    /// `Some(None)`: not on the board.
    pub tier: Option<Option<Tier>>,
    /// `Some(None)`: no title in force.
    pub level: Option<Option<Level>>,
    pub district: Option<String>,
    pub industry: Option<String>,
    pub archived: Archived,
    pub sort: Sort,
    /// Keyset cursor: the sort key and id of the last row of the previous page.
    pub after: Option<(String, i32)>,
}

/// A row of the enterprise list.
#[derive(Debug, Clone, Queryable)]
pub struct ListRow {
    pub id: i32,
    pub credit_code: String,
    pub name: String,
    pub district_code: String,
    pub industry_section: Option<String>,
    pub industry_division: Option<String>,
    pub current_tier: Option<String>,
    pub current_level: Option<String>,
    pub level_expires_on: Option<NaiveDate>,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

impl ListRow {
    /// The keyset cursor that continues after this row.
    pub fn cursor(&self, sort: Sort) -> String {
        match sort {
            Sort::Name => self.name.clone(),
            Sort::Code => self.credit_code.clone(),
            Sort::Updated => self.updated_at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string(),
        }
    }
}

/// Rows per list page.
pub const PAGE: i64 = 50;

/// The enterprises matching the list filters (not the cursor), in scope.
fn filtered(scope: &DataScope, f: &ListFilter) -> enterprises::BoxedQuery<'static, MultiBackend> {
    use enterprises as e;
    let mut q = scoped(scope);
    match f.archived {
        Archived::Active => q = q.filter(e::archived_at.is_null()),
        Archived::Archived => q = q.filter(e::archived_at.is_not_null()),
        Archived::All => {}
    }
    if let Some(text) = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        let name_pattern = super::like_pattern(&text.to_lowercase(), true);
        let code_pattern = super::like_pattern(&text.to_uppercase(), false);
        q = q.filter(
            super::lower(e::name)
                .like(name_pattern)
                .escape('\\')
                .or(e::credit_code.like(code_pattern).escape('\\')),
        );
    }
    match f.tier {
        Some(Some(t)) => q = q.filter(e::current_tier.eq(t.as_str())),
        Some(None) => q = q.filter(e::current_tier.is_null()),
        None => {}
    }
    match f.level {
        Some(Some(l)) => q = q.filter(e::current_level.eq(l.as_str())),
        Some(None) => q = q.filter(e::current_level.is_null()),
        None => {}
    }
    if let Some(d) = &f.district {
        q = q.filter(e::district_code.eq(d.clone()));
    }
    if let Some(i) = &f.industry {
        q = q.filter(e::industry_section.eq(i.clone()));
    }
    q
}

/// Every enterprise matching the filters (for exports), in the list's order.
pub fn export(
    conn: &mut DbConnection,
    scope: &DataScope,
    f: &ListFilter,
) -> QueryResult<Vec<Enterprise>> {
    use enterprises as e;
    let q = filtered(scope, f);
    match f.sort {
        Sort::Name => q.order((e::name.asc(), e::id.asc())).load(conn),
        Sort::Code => q.order(e::credit_code.asc()).load(conn),
        Sort::Updated => q.order((e::updated_at.desc(), e::id.desc())).load(conn),
    }
}

/// One page of the list (at most [`PAGE`] rows) and whether more follow. Keyset
/// pagination: the last page costs what the first does.
pub fn list(
    conn: &mut DbConnection,
    scope: &DataScope,
    f: &ListFilter,
) -> QueryResult<(Vec<ListRow>, bool)> {
    use enterprises as e;
    let mut q = filtered(scope, f);
    q = match (f.sort, f.after.clone()) {
        (Sort::Name, after) => {
            // `name >= k` first: a range the (…, name, id) indexes can seek to, so the
            // last page costs what the first does; the rest breaks ties on id.
            if let Some((k, id)) = after {
                q = q.filter(e::name.ge(k.clone()).and(e::name.gt(k).or(e::id.gt(id))));
            }
            q.order((e::name.asc(), e::id.asc()))
        }
        (Sort::Code, after) => {
            if let Some((k, _)) = after {
                q = q.filter(e::credit_code.gt(k));
            }
            q.order(e::credit_code.asc())
        }
        (Sort::Updated, after) => {
            if let Some((k, id)) = after
                && let Ok(t) = NaiveDateTime::parse_from_str(&k, "%Y-%m-%dT%H:%M:%S%.f")
            {
                q = q.filter(
                    e::updated_at
                        .le(t)
                        .and(e::updated_at.lt(t).or(e::id.lt(id))),
                );
            }
            q.order((e::updated_at.desc(), e::id.desc()))
        }
    };
    let mut rows: Vec<ListRow> = q
        .select((
            e::id,
            e::credit_code,
            e::name,
            e::district_code,
            e::industry_section,
            e::industry_division,
            e::current_tier,
            e::current_level,
            e::level_expires_on,
            e::updated_at,
            e::archived_at,
        ))
        .limit(PAGE + 1)
        .load(conn)?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    Ok((rows, more))
}
