//! Financing services as stored: partners' cooperation agreements and service
//! plans, enterprises' financing needs, referrals of needs to partners, the
//! roll-ups of approved financing and the service center's figures.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::Error as DieselError;
use serde::Serialize;

use crate::db::DbConnection;
use crate::domain::financing::{
    AgreementData, AgreementStatus, FinancingKind, NeedData, NeedStatus, PlanData, ReferralMove,
    ReferralStatus, agreement_status, median_days, partner_serves,
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
