//! Financing services as stored: partners' cooperation agreements and service
//! plans, enterprises' financing needs, referrals of needs to partners, the
//! roll-ups of approved financing and the service center's figures.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::financing::{
    AgreementData, AgreementStatus, CloseReason, FinancingKind, NeedData, NeedStatus, PlanData,
    ReferralMove, ReferralStatus, agreement_status, median_days, partner_serves,
};
use crate::domain::partner::PartnerKind;
use crate::domain::scope::DataScope;
use crate::models::audit::{self, Actor, Change};
use crate::models::enterprise::filter_scope;
use crate::schema::{
    enterprises, financing_needs, financing_referrals, partner_agreements, partner_service_plans,
    partners,
};

/// A write refused because someone else saved first (what is stored now), or a
/// database failure.
#[derive(Debug, thiserror::Error)]
pub enum WriteError<T> {
    #[error("changed by someone else")]
    Conflict(Box<T>),
    #[error(transparent)]
    Db(#[from] DieselError),
}

// ---------------------------------------------------------------- agreements

/// A cooperation agreement as stored.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Agreement {
    pub id: i32,
    pub partner_id: i32,
    pub signed_on: Option<NaiveDate>,
    pub scope: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub terminated_on: Option<NaiveDate>,
    pub termination_reason: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

impl Agreement {
    /// The status on `today`.
    pub fn status(&self, today: NaiveDate) -> AgreementStatus {
        agreement_status(
            self.signed_on,
            self.starts_on,
            self.ends_on,
            self.terminated_on,
            today,
        )
    }

    pub fn data(&self) -> AgreementData {
        AgreementData {
            signed_on: self.signed_on,
            scope: self.scope.clone(),
            starts_on: self.starts_on,
            ends_on: self.ends_on,
        }
    }

    /// A partner's agreements, latest term first.
    pub fn for_partner(conn: &mut DbConnection, partner_id: i32) -> QueryResult<Vec<Agreement>> {
        partner_agreements::table
            .filter(partner_agreements::partner_id.eq(partner_id))
            .order((
                partner_agreements::starts_on.desc(),
                partner_agreements::id.desc(),
            ))
            .load(conn)
    }

    /// One agreement of a partner.
    pub fn find(
        conn: &mut DbConnection,
        partner_id: i32,
        id: i32,
    ) -> QueryResult<Option<Agreement>> {
        super::only(
            partner_agreements::table
                .filter(partner_agreements::partner_id.eq(partner_id))
                .filter(partner_agreements::id.eq(id)),
            conn,
        )
    }

    /// Records an agreement, audited. Call in a write transaction.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        partner_id: i32,
        d: &AgreementData,
    ) -> QueryResult<Agreement> {
        let now = super::now();
        let a: Agreement = diesel::insert_into(partner_agreements::table)
            .values((
                partner_agreements::partner_id.eq(partner_id),
                partner_agreements::signed_on.eq(d.signed_on),
                partner_agreements::scope.eq(&d.scope),
                partner_agreements::starts_on.eq(d.starts_on),
                partner_agreements::ends_on.eq(d.ends_on),
                partner_agreements::termination_reason.eq(""),
                partner_agreements::created_at.eq(now),
                partner_agreements::updated_at.eq(now),
                partner_agreements::version.eq(1),
            ))
            .returning(partner_agreements::all_columns)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "partner_agreement.create",
                entity: "partner_agreement",
                entity_id: Some(a.id.to_string()),
                after: audit::snapshot(d),
                ..Default::default()
            },
        )?;
        Ok(a)
    }

    /// Saves edits against `expected_version`. Call in a write transaction.
    pub fn update(
        conn: &mut DbConnection,
        actor: &Actor,
        partner_id: i32,
        id: i32,
        expected_version: i32,
        d: &AgreementData,
    ) -> Result<Agreement, WriteError<Agreement>> {
        let current = Self::find(conn, partner_id, id)?.ok_or(DieselError::NotFound)?;
        if current.version != expected_version {
            return Err(WriteError::Conflict(Box::new(current)));
        }
        let updated: Option<Agreement> = diesel::update(
            partner_agreements::table
                .filter(partner_agreements::id.eq(id))
                .filter(partner_agreements::version.eq(expected_version)),
        )
        .set((
            partner_agreements::signed_on.eq(d.signed_on),
            partner_agreements::scope.eq(&d.scope),
            partner_agreements::starts_on.eq(d.starts_on),
            partner_agreements::ends_on.eq(d.ends_on),
            partner_agreements::updated_at.eq(super::now()),
            partner_agreements::version.eq(expected_version + 1),
        ))
        .returning(partner_agreements::all_columns)
        .get_result(conn)
        .optional()?;
        let Some(updated) = updated else {
            let now = Self::find(conn, partner_id, id)?.ok_or(DieselError::NotFound)?;
            return Err(WriteError::Conflict(Box::new(now)));
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "partner_agreement.update",
                entity: "partner_agreement",
                entity_id: Some(id.to_string()),
                before: audit::snapshot(&current.data()),
                after: audit::snapshot(d),
                ..Default::default()
            },
        )?;
        Ok(updated)
    }

    /// Terminates an agreement on `on` for `reason`, against `expected_version`.
    pub fn terminate(
        conn: &mut DbConnection,
        actor: &Actor,
        partner_id: i32,
        id: i32,
        expected_version: i32,
        on: NaiveDate,
        reason: &str,
    ) -> Result<Agreement, WriteError<Agreement>> {
        let current = Self::find(conn, partner_id, id)?.ok_or(DieselError::NotFound)?;
        if current.version != expected_version {
            return Err(WriteError::Conflict(Box::new(current)));
        }
        let updated: Option<Agreement> = diesel::update(
            partner_agreements::table
                .filter(partner_agreements::id.eq(id))
                .filter(partner_agreements::version.eq(expected_version)),
        )
        .set((
            partner_agreements::terminated_on.eq(Some(on)),
            partner_agreements::termination_reason.eq(reason),
            partner_agreements::updated_at.eq(super::now()),
            partner_agreements::version.eq(expected_version + 1),
        ))
        .returning(partner_agreements::all_columns)
        .get_result(conn)
        .optional()?;
        let Some(updated) = updated else {
            let now = Self::find(conn, partner_id, id)?.ok_or(DieselError::NotFound)?;
            return Err(WriteError::Conflict(Box::new(now)));
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "partner_agreement.terminate",
                entity: "partner_agreement",
                entity_id: Some(id.to_string()),
                before: Some(serde_json::json!({ "terminated_on": current.terminated_on })),
                after: Some(serde_json::json!({ "terminated_on": on, "reason": reason })),
                ..Default::default()
            },
        )?;
        Ok(updated)
    }
}

// ---------------------------------------------------------------- service plans

/// A service plan as stored.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct ServicePlan {
    pub id: i32,
    pub partner_id: i32,
    pub name: String,
    pub products: String,
    pub min_amount: Option<i64>,
    pub max_amount: Option<i64>,
    pub term_months: Option<i32>,
    pub rate_min: Option<i32>,
    pub rate_max: Option<i32>,
    pub target_levels: String,
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(Insertable, AsChangeset)]
#[diesel(table_name = partner_service_plans, treat_none_as_null = true)]
struct PlanColumns<'a> {
    name: &'a str,
    products: &'a str,
    min_amount: Option<i64>,
    max_amount: Option<i64>,
    term_months: Option<i32>,
    rate_min: Option<i32>,
    rate_max: Option<i32>,
    target_levels: &'a str,
    active: bool,
}

impl<'a> From<&'a PlanData> for PlanColumns<'a> {
    fn from(d: &'a PlanData) -> Self {
        PlanColumns {
            name: &d.name,
            products: &d.products,
            min_amount: d.min_amount,
            max_amount: d.max_amount,
            term_months: d.term_months,
            rate_min: d.rate_min,
            rate_max: d.rate_max,
            target_levels: &d.target_levels,
            active: d.active,
        }
    }
}

impl ServicePlan {
    pub fn data(&self) -> PlanData {
        PlanData {
            name: self.name.clone(),
            products: self.products.clone(),
            min_amount: self.min_amount,
            max_amount: self.max_amount,
            term_months: self.term_months,
            rate_min: self.rate_min,
            rate_max: self.rate_max,
            target_levels: self.target_levels.clone(),
            active: self.active,
        }
    }

    /// "50.00–1,000.00" (万元), open ends shown as "—".
    pub fn amount_range(&self) -> String {
        let f = |v: Option<i64>| v.map_or_else(|| "—".into(), crate::domain::money::format_wan);
        format!("{} – {}", f(self.min_amount), f(self.max_amount))
    }

    /// "3.20% – 4.50%", or "—" without rates.
    pub fn rate_range(&self) -> String {
        use crate::domain::financing::format_rate;
        match (self.rate_min, self.rate_max) {
            (None, None) => "—".into(),
            (a, b) if a == b => format_rate(a),
            (a, b) => format!("{} – {}", format_rate(a), format_rate(b)),
        }
    }

    /// A partner's plans, active first, by name.
    pub fn for_partner(conn: &mut DbConnection, partner_id: i32) -> QueryResult<Vec<ServicePlan>> {
        partner_service_plans::table
            .filter(partner_service_plans::partner_id.eq(partner_id))
            .order((
                partner_service_plans::active.desc(),
                partner_service_plans::name,
                partner_service_plans::id,
            ))
            .load(conn)
    }

    pub fn find(
        conn: &mut DbConnection,
        partner_id: i32,
        id: i32,
    ) -> QueryResult<Option<ServicePlan>> {
        super::only(
            partner_service_plans::table
                .filter(partner_service_plans::partner_id.eq(partner_id))
                .filter(partner_service_plans::id.eq(id)),
            conn,
        )
    }

    /// Records a plan, audited. Call in a write transaction.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        partner_id: i32,
        d: &PlanData,
    ) -> QueryResult<ServicePlan> {
        let now = super::now();
        let p: ServicePlan = diesel::insert_into(partner_service_plans::table)
            .values((
                partner_service_plans::partner_id.eq(partner_id),
                PlanColumns::from(d),
                partner_service_plans::created_at.eq(now),
                partner_service_plans::updated_at.eq(now),
                partner_service_plans::version.eq(1),
            ))
            .returning(partner_service_plans::all_columns)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "partner_plan.create",
                entity: "partner_plan",
                entity_id: Some(p.id.to_string()),
                after: audit::snapshot(d),
                ..Default::default()
            },
        )?;
        Ok(p)
    }

    /// Saves edits against `expected_version`. Call in a write transaction.
    pub fn update(
        conn: &mut DbConnection,
        actor: &Actor,
        partner_id: i32,
        id: i32,
        expected_version: i32,
        d: &PlanData,
    ) -> Result<ServicePlan, WriteError<ServicePlan>> {
        let current = Self::find(conn, partner_id, id)?.ok_or(DieselError::NotFound)?;
        if current.version != expected_version {
            return Err(WriteError::Conflict(Box::new(current)));
        }
        let updated: Option<ServicePlan> = diesel::update(
            partner_service_plans::table
                .filter(partner_service_plans::id.eq(id))
                .filter(partner_service_plans::version.eq(expected_version)),
        )
        .set((
            PlanColumns::from(d),
            partner_service_plans::updated_at.eq(super::now()),
            partner_service_plans::version.eq(expected_version + 1),
        ))
        .returning(partner_service_plans::all_columns)
        .get_result(conn)
        .optional()?;
        let Some(updated) = updated else {
            let now = Self::find(conn, partner_id, id)?.ok_or(DieselError::NotFound)?;
            return Err(WriteError::Conflict(Box::new(now)));
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "partner_plan.update",
                entity: "partner_plan",
                entity_id: Some(id.to_string()),
                before: audit::snapshot(&current.data()),
                after: audit::snapshot(d),
                ..Default::default()
            },
        )?;
        Ok(updated)
    }
}

// ---------------------------------------------------------------- needs

/// A financing need as stored.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Need {
    pub id: i32,
    pub enterprise_id: i32,
    #[diesel(deserialize_as = String)]
    pub kind: FinancingKind,
    pub amount: i64,
    pub purpose: String,
    pub wanted_by: Option<NaiveDate>,
    #[diesel(deserialize_as = String)]
    pub status: NeedStatus,
    pub created_by: Option<i32>,
    /// `enterprise` or `staff`.
    pub created_via: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
    /// Why it was closed (a [`CloseReason`] name), when it is.
    pub close_reason: Option<String>,
    pub close_note: String,
    pub closed_by: Option<i32>,
    pub closed_at: Option<NaiveDateTime>,
}

/// A need with its enterprise's name, district and level (for lists).
#[derive(Debug, Clone, Queryable)]
pub struct NeedRow {
    pub need: Need,
    pub enterprise_name: String,
    pub district_code: String,
    pub level: Option<String>,
}

/// Filters of the need list.
#[derive(Debug, Clone, Default)]
pub struct NeedFilter {
    pub kind: Option<FinancingKind>,
    pub status: Option<NeedStatus>,
    pub district: Option<String>,
}

macro_rules! need_rows {
    ($scope:expr) => {{
        let q = financing_needs::table
            .inner_join(enterprises::table)
            .select((
                financing_needs::all_columns,
                enterprises::name,
                enterprises::district_code,
                enterprises::current_level,
            ))
            .into_boxed();
        filter_scope!(q, $scope)
    }};
}

impl Need {
    /// Records a need for enterprise `enterprise_id` (in `district`), audited.
    /// `via` is `enterprise` or `staff`. Call in a write transaction.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        enterprise_id: i32,
        district: &str,
        d: &NeedData,
        via: &str,
    ) -> QueryResult<Need> {
        let now = super::now();
        let n: Need = diesel::insert_into(financing_needs::table)
            .values((
                financing_needs::enterprise_id.eq(enterprise_id),
                financing_needs::kind.eq(d.kind.as_str()),
                financing_needs::amount.eq(d.amount),
                financing_needs::purpose.eq(&d.purpose),
                financing_needs::wanted_by.eq(d.wanted_by),
                financing_needs::status.eq(NeedStatus::Open.as_str()),
                financing_needs::created_by.eq(actor.user_id),
                financing_needs::created_via.eq(via),
                financing_needs::created_at.eq(now),
                financing_needs::updated_at.eq(now),
                financing_needs::version.eq(1),
            ))
            .returning(financing_needs::all_columns)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "financing_need.create",
                entity: "financing_need",
                entity_id: Some(n.id.to_string()),
                enterprise_id: Some(enterprise_id),
                district_code: Some(district.to_string()),
                after: audit::snapshot(d),
                ..Default::default()
            },
        )?;
        Ok(n)
    }

    /// One need, if `scope` may see its enterprise.
    pub fn find(
        conn: &mut DbConnection,
        scope: &DataScope,
        id: i32,
    ) -> QueryResult<Option<NeedRow>> {
        need_rows!(scope)
            .filter(financing_needs::id.eq(id))
            .first(conn)
            .optional()
    }

    /// Closes a need for `reason` (with `note`), against `expected_version`; a closed
    /// need takes no more referrals. Audited. Call in a write transaction.
    pub fn close(
        conn: &mut DbConnection,
        actor: &Actor,
        row: &NeedRow,
        expected_version: i32,
        reason: CloseReason,
        note: &str,
    ) -> Result<Need, WriteError<Need>> {
        let current = &row.need;
        if current.version != expected_version || current.status == NeedStatus::Closed {
            return Err(WriteError::Conflict(Box::new(current.clone())));
        }
        let now = super::now();
        let updated: Option<Need> = diesel::update(
            financing_needs::table
                .filter(financing_needs::id.eq(current.id))
                .filter(financing_needs::version.eq(expected_version)),
        )
        .set((
            financing_needs::status.eq(NeedStatus::Closed.as_str()),
            financing_needs::close_reason.eq(Some(reason.as_str())),
            financing_needs::close_note.eq(note),
            financing_needs::closed_by.eq(actor.user_id),
            financing_needs::closed_at.eq(Some(now)),
            financing_needs::updated_at.eq(now),
            financing_needs::version.eq(expected_version + 1),
        ))
        .returning(financing_needs::all_columns)
        .get_result(conn)
        .optional()?;
        let Some(updated) = updated else {
            return Err(WriteError::Conflict(Box::new(current.clone())));
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "financing_need.close",
                entity: "financing_need",
                entity_id: Some(current.id.to_string()),
                enterprise_id: Some(current.enterprise_id),
                district_code: Some(row.district_code.clone()),
                before: Some(serde_json::json!({ "status": current.status.as_str() })),
                after: Some(
                    serde_json::json!({ "status": "closed", "reason": reason.as_str(), "note": note }),
                ),
            },
        )?;
        Ok(updated)
    }

    /// An enterprise's needs, newest first.
    pub fn for_enterprise(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<Need>> {
        financing_needs::table
            .filter(financing_needs::enterprise_id.eq(enterprise_id))
            .order(financing_needs::id.desc())
            .load(conn)
    }

    /// A page of needs in scope, newest first, after the keyset `before` (an id).
    pub fn page(
        conn: &mut DbConnection,
        scope: &DataScope,
        f: &NeedFilter,
        before: Option<i32>,
        limit: i64,
    ) -> QueryResult<Vec<NeedRow>> {
        let mut q = need_rows!(scope);
        if let Some(k) = f.kind {
            q = q.filter(financing_needs::kind.eq(k.as_str()));
        }
        if let Some(s) = f.status {
            q = q.filter(financing_needs::status.eq(s.as_str()));
        }
        if let Some(d) = &f.district {
            q = q.filter(enterprises::district_code.eq(d.clone()));
        }
        if let Some(b) = before {
            q = q.filter(financing_needs::id.lt(b));
        }
        q.order(financing_needs::id.desc()).limit(limit).load(conn)
    }

    /// Open needs of the service center's kinds (first loans, credit loans), oldest first.
    pub fn service_queue(conn: &mut DbConnection, scope: &DataScope) -> QueryResult<Vec<NeedRow>> {
        need_rows!(scope)
            .filter(financing_needs::status.eq(NeedStatus::Open.as_str()))
            .filter(financing_needs::kind.eq_any(service_kinds()))
            .order((financing_needs::created_at, financing_needs::id))
            .load(conn)
    }
}

fn service_kinds() -> Vec<&'static str> {
    FinancingKind::ALL
        .into_iter()
        .filter(|k| k.service_center())
        .map(FinancingKind::as_str)
        .collect()
}

// ---------------------------------------------------------------- referrals

/// A referral of a need to a partner as stored.
#[derive(Debug, Clone, Queryable, Serialize)]
pub struct Referral {
    pub id: i32,
    pub need_id: i32,
    pub partner_id: i32,
    #[diesel(deserialize_as = String)]
    pub status: ReferralStatus,
    pub approved_amount: Option<i64>,
    pub approved_rate: Option<i32>,
    pub approved_on: Option<NaiveDate>,
    pub decline_reason: String,
    pub sent_at: NaiveDateTime,
    pub in_review_at: Option<NaiveDateTime>,
    pub decided_at: Option<NaiveDateTime>,
    pub created_by: Option<i32>,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// Why a referral was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReferError {
    /// The partner's kind cannot serve this kind of financing (or it is inactive).
    #[error("this partner cannot serve this kind of financing")]
    Unsuitable,
    /// Already referred to this partner.
    #[error("already referred to this partner")]
    Duplicate,
    /// The need is closed.
    #[error("the need is closed")]
    Closed,
    #[error(transparent)]
    Db(#[from] DieselError),
}

impl Referral {
    /// The referrals of some needs with their partners' names, in order sent.
    pub fn for_needs(
        conn: &mut DbConnection,
        need_ids: &[i32],
    ) -> QueryResult<Vec<(Referral, String)>> {
        financing_referrals::table
            .inner_join(partners::table)
            .filter(financing_referrals::need_id.eq_any(need_ids.to_vec()))
            .order((financing_referrals::sent_at, financing_referrals::id))
            .select((financing_referrals::all_columns, partners::name))
            .load(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Referral>> {
        super::only(
            financing_referrals::table.filter(financing_referrals::id.eq(id)),
            conn,
        )
    }

    /// Refers `need` to partner `partner_id` (which must be active and of a kind that
    /// serves the need's kind); an open need becomes matched. Audited.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        need: &NeedRow,
        partner_id: i32,
    ) -> Result<Referral, ReferError> {
        if need.need.status == NeedStatus::Closed {
            return Err(ReferError::Closed);
        }
        let partner =
            super::partner::Partner::find(conn, partner_id)?.ok_or(DieselError::NotFound)?;
        if !partner.active || !partner_serves(partner.kind, need.need.kind) {
            return Err(ReferError::Unsuitable);
        }
        let existing: i64 = financing_referrals::table
            .filter(financing_referrals::need_id.eq(need.need.id))
            .filter(financing_referrals::partner_id.eq(partner_id))
            .count()
            .get_result(conn)?;
        if existing > 0 {
            return Err(ReferError::Duplicate);
        }
        let now = super::now();
        let r: Referral = diesel::insert_into(financing_referrals::table)
            .values((
                financing_referrals::need_id.eq(need.need.id),
                financing_referrals::partner_id.eq(partner_id),
                financing_referrals::status.eq(ReferralStatus::Sent.as_str()),
                financing_referrals::decline_reason.eq(""),
                financing_referrals::sent_at.eq(now),
                financing_referrals::created_by.eq(actor.user_id),
                financing_referrals::updated_at.eq(now),
                financing_referrals::version.eq(1),
            ))
            .returning(financing_referrals::all_columns)
            .get_result(conn)?;
        if need.need.status == NeedStatus::Open {
            diesel::update(financing_needs::table.filter(financing_needs::id.eq(need.need.id)))
                .set((
                    financing_needs::status.eq(NeedStatus::Matched.as_str()),
                    financing_needs::updated_at.eq(now),
                    financing_needs::version.eq(financing_needs::version + 1),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "financing_referral.create",
                entity: "financing_referral",
                entity_id: Some(r.id.to_string()),
                enterprise_id: Some(need.need.enterprise_id),
                district_code: Some(need.district_code.clone()),
                after: Some(serde_json::json!({
                    "need_id": need.need.id,
                    "partner_id": partner_id,
                    "partner": partner.name,
                })),
                ..Default::default()
            },
        )?;
        Ok(r)
    }

    /// Moves a referral (of `need`) against `expected_version`, stamping the time of
    /// the change. Call in a write transaction.
    pub fn advance(
        conn: &mut DbConnection,
        actor: &Actor,
        need: &NeedRow,
        id: i32,
        expected_version: i32,
        mv: &ReferralMove,
    ) -> Result<Referral, WriteError<Referral>> {
        let current = Self::find(conn, id)?
            .filter(|r| r.need_id == need.need.id)
            .ok_or(DieselError::NotFound)?;
        if current.version != expected_version || !current.status.can_move_to(mv.status()) {
            return Err(WriteError::Conflict(Box::new(current)));
        }
        let now = super::now();
        let target = financing_referrals::table
            .filter(financing_referrals::id.eq(id))
            .filter(financing_referrals::version.eq(expected_version));
        let common = (
            financing_referrals::status.eq(mv.status().as_str()),
            financing_referrals::updated_at.eq(now),
            financing_referrals::version.eq(expected_version + 1),
        );
        let updated: Option<Referral> = match mv {
            ReferralMove::InReview => diesel::update(target)
                .set((common, financing_referrals::in_review_at.eq(Some(now))))
                .returning(financing_referrals::all_columns)
                .get_result(conn)
                .optional()?,
            ReferralMove::Approved { amount, rate, on } => diesel::update(target)
                .set((
                    common,
                    financing_referrals::approved_amount.eq(Some(*amount)),
                    financing_referrals::approved_rate.eq(*rate),
                    financing_referrals::approved_on.eq(Some(*on)),
                    financing_referrals::decided_at.eq(Some(now)),
                ))
                .returning(financing_referrals::all_columns)
                .get_result(conn)
                .optional()?,
            ReferralMove::Declined { reason } => diesel::update(target)
                .set((
                    common,
                    financing_referrals::decline_reason.eq(reason),
                    financing_referrals::decided_at.eq(Some(now)),
                ))
                .returning(financing_referrals::all_columns)
                .get_result(conn)
                .optional()?,
        };
        let Some(updated) = updated else {
            let now = Self::find(conn, id)?.ok_or(DieselError::NotFound)?;
            return Err(WriteError::Conflict(Box::new(now)));
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "financing_referral.status",
                entity: "financing_referral",
                entity_id: Some(id.to_string()),
                enterprise_id: Some(need.need.enterprise_id),
                district_code: Some(need.district_code.clone()),
                before: Some(serde_json::json!({ "status": current.status.as_str() })),
                after: audit::snapshot(mv),
            },
        )?;
        // A decision is news for the enterprise and for whoever recorded the need.
        if matches!(
            mv,
            ReferralMove::Approved { .. } | ReferralMove::Declined { .. }
        ) {
            let mut to = super::notification::enterprise_accounts(conn, need.need.enterprise_id)?;
            to.extend(need.need.created_by);
            let partner: String = crate::schema::partners::table
                .filter(crate::schema::partners::id.eq(updated.partner_id))
                .select(crate::schema::partners::name)
                .first(conn)?;
            super::notification::referral_answered(
                conn,
                &to,
                need.need.enterprise_id,
                &need.enterprise_name,
                &partner,
                &format!("referral_status.{}", mv.status().as_str()),
                &format!("/financing/needs/{}", need.need.id),
            )?;
        }
        Ok(updated)
    }
}

// ---------------------------------------------------------------- roll-ups

/// Approved referrals grouped by something: (key, count, total yuan).
#[derive(Debug, Clone, Default)]
pub struct Rollups {
    pub by_kind: Vec<(String, i64, i64)>,
    pub by_partner: Vec<(String, i64, i64)>,
    pub by_district: Vec<(String, i64, i64)>,
    pub by_level: Vec<(Option<String>, i64, i64)>,
}

fn approved_sum() -> diesel::expression::SqlLiteral<diesel::sql_types::BigInt> {
    diesel::dsl::sql::<diesel::sql_types::BigInt>(
        "CAST(COALESCE(SUM(financing_referrals.approved_amount), 0) AS BIGINT)",
    )
}

macro_rules! approved {
    ($scope:expr, $span:expr, $group:expr, $key:expr, $order:expr) => {{
        let q = financing_referrals::table
            .inner_join(financing_needs::table.inner_join(enterprises::table))
            .inner_join(partners::table)
            .filter(financing_referrals::status.eq(ReferralStatus::Approved.as_str()))
            .group_by($group)
            .select(($key, diesel::dsl::count_star(), approved_sum()))
            .order($order)
            .into_boxed();
        let mut q = filter_scope!(q, $scope);
        if let Some((from, to)) = $span {
            q = q
                .filter(financing_referrals::approved_on.ge(from))
                .filter(financing_referrals::approved_on.lt(to));
        }
        q
    }};
}

/// The financing data generation: bumped (by triggers, in the writing transaction)
/// whenever a referral, a need's kind or enterprise, or a partner's name changes.
pub fn generation(conn: &mut DbConnection) -> QueryResult<i64> {
    use crate::schema::financing_generation as g;
    Ok(super::only(g::table.filter(g::id.eq(1)).select(g::n), conn)?.unwrap_or(0))
}

/// What the rollups read: the financing generation and the pipeline generation
/// (which covers the enterprise columns they group and scope by).
pub type RollupsGeneration = (i64, i64);

/// Rollups per scope and span, kept while their generations last (one per server).
pub type RollupsCache = crate::models::pipeline::Cache<Rollups, RollupsGeneration>;

pub fn rollups_generation(conn: &mut DbConnection) -> QueryResult<RollupsGeneration> {
    Ok((
        generation(conn)?,
        crate::models::pipeline::generation(conn)?,
    ))
}

impl Rollups {
    /// `load`, from the cache while `generation` (read first) lasts.
    pub fn cached(
        cache: &RollupsCache,
        generation: RollupsGeneration,
        conn: &mut DbConnection,
        scope: &DataScope,
        span: Option<(NaiveDate, NaiveDate)>,
    ) -> QueryResult<std::sync::Arc<Rollups>> {
        cache.at(generation, format!("{scope:?}|{span:?}"), || {
            Rollups::load(conn, scope, span)
        })
    }

    /// Approved counts and amounts per kind, partner, district and level (GROUP BY),
    /// of every approval or of those approved in `[from, to)`.
    pub fn load(
        conn: &mut DbConnection,
        scope: &DataScope,
        span: Option<(NaiveDate, NaiveDate)>,
    ) -> QueryResult<Rollups> {
        Ok(Rollups {
            by_kind: approved!(
                scope,
                span,
                financing_needs::kind,
                financing_needs::kind,
                financing_needs::kind
            )
            .load(conn)?,
            by_partner: approved!(
                scope,
                span,
                (partners::id, partners::name),
                partners::name,
                partners::name
            )
            .load(conn)?,
            by_district: approved!(
                scope,
                span,
                enterprises::district_code,
                enterprises::district_code,
                enterprises::district_code
            )
            .load(conn)?,
            by_level: approved!(
                scope,
                span,
                enterprises::current_level,
                enterprises::current_level,
                enterprises::current_level
            )
            .load(conn)?,
        })
    }
}

/// The service center's figures over its kinds of needs in scope.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServiceFigures {
    /// Median days from a need's creation to its first referral.
    pub median_to_referral: Option<f64>,
    /// Median days from a need's creation to the first decision on it.
    pub median_to_decision: Option<f64>,
    /// Open needs waiting more than 30 days.
    pub waiting_over_30: i64,
}

impl ServiceFigures {
    pub fn load(
        conn: &mut DbConnection,
        scope: &DataScope,
        now: NaiveDateTime,
    ) -> QueryResult<ServiceFigures> {
        let q = financing_referrals::table
            .inner_join(financing_needs::table.inner_join(enterprises::table))
            .filter(financing_needs::kind.eq_any(service_kinds()))
            .select((
                financing_referrals::need_id,
                financing_needs::created_at,
                financing_referrals::sent_at,
                financing_referrals::decided_at,
            ))
            .into_boxed();
        let rows: Vec<(i32, NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>)> =
            filter_scope!(q, scope).load(conn)?;
        let mut first: std::collections::BTreeMap<
            i32,
            (NaiveDateTime, NaiveDateTime, Option<NaiveDateTime>),
        > = Default::default();
        for (need, created, sent, decided) in rows {
            let e = first.entry(need).or_insert((created, sent, decided));
            e.1 = e.1.min(sent);
            e.2 = match (e.2, decided) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let days =
            |from: NaiveDateTime, to: NaiveDateTime| (to - from).num_seconds() as f64 / 86_400.0;
        let to_referral = first.values().map(|(c, s, _)| days(*c, *s)).collect();
        let to_decision = first
            .values()
            .filter_map(|(c, _, d)| d.map(|d| days(*c, d)))
            .collect();
        let q = financing_needs::table
            .inner_join(enterprises::table)
            .filter(financing_needs::status.eq(NeedStatus::Open.as_str()))
            .filter(financing_needs::kind.eq_any(service_kinds()))
            .filter(financing_needs::created_at.lt(now - chrono::Duration::days(30)))
            .select(diesel::dsl::count_star())
            .into_boxed();
        let waiting_over_30 = filter_scope!(q, scope).first(conn)?;
        Ok(ServiceFigures {
            median_to_referral: median_days(to_referral),
            median_to_decision: median_days(to_decision),
            waiting_over_30,
        })
    }
}

/// Partners that can serve `kind`, active, by name (for the match form).
pub fn partners_for(
    conn: &mut DbConnection,
    kind: FinancingKind,
) -> QueryResult<Vec<super::partner::Partner>> {
    let kinds: Vec<&str> = PartnerKind::ALL
        .into_iter()
        .filter(|p| partner_serves(*p, kind))
        .map(PartnerKind::as_str)
        .collect();
    partners::table
        .filter(partners::active.eq(true))
        .filter(partners::kind.eq_any(kinds))
        .order(partners::name)
        .load(conn)
}
