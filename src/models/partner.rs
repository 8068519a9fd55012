//! The partner register: the row, inserts, edits with optimistic locking, switching
//! a partner on or off, and the active partners that can serve as an intermediary.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::db::DbConnection;
use crate::domain::cultivation::IntermediaryKind;
use crate::domain::partner::{PartnerData, PartnerKind};
use crate::models::audit::{self, Actor, Change};
use crate::schema::partners;

/// A partner institution as stored.
#[derive(Debug, Clone, Queryable)]
pub struct Partner {
    pub id: i32,
    pub name: String,
    #[diesel(deserialize_as = String)]
    pub kind: PartnerKind,
    pub contact_name: String,
    pub contact_phone: String,
    pub contact_email: String,
    pub note: String,
    /// Inactive partners stay on record (intermediaries may name them) but are no
    /// longer offered for new engagements.
    pub active: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

/// The columns a person edits, for both inserts and updates.
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = partners)]
struct PartnerColumns<'a> {
    name: &'a str,
    kind: &'a str,
    contact_name: &'a str,
    contact_phone: &'a str,
    contact_email: &'a str,
    note: &'a str,
}

impl<'a> From<&'a PartnerData> for PartnerColumns<'a> {
    fn from(d: &'a PartnerData) -> Self {
        PartnerColumns {
            name: &d.name,
            kind: d.kind.as_str(),
            contact_name: &d.contact_name,
            contact_phone: &d.contact_phone,
            contact_email: &d.contact_email,
            note: &d.note,
        }
    }
}

/// Why a write to a partner was refused.
#[derive(Debug, thiserror::Error)]
pub enum PartnerWriteError {
    /// Someone else saved first; here is what they saved.
    #[error("the partner was changed by someone else")]
    Conflict(Box<Partner>),
    /// Another partner has this name.
    #[error("a partner with this name exists")]
    DuplicateName,
    /// Database failure.
    #[error(transparent)]
    Db(DieselError),
}

impl From<DieselError> for PartnerWriteError {
    /// A unique violation can only be the name (a concurrent insert that passed the
    /// existence check on PostgreSQL); anything else is a database failure.
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                PartnerWriteError::DuplicateName
            }
            other => PartnerWriteError::Db(other),
        }
    }
}

impl From<PartnerWriteError> for crate::error::AppError {
    fn from(e: PartnerWriteError) -> Self {
        match e {
            PartnerWriteError::Db(d) => d.into(),
            other => crate::error::AppError::BadRequest(other.to_string()),
        }
    }
}

/// Whether another partner (not `except`) already has this name. At most one row
/// (the name is unique), so no EXISTS subquery is needed.
fn name_taken(conn: &mut DbConnection, name: &str, except: Option<i32>) -> QueryResult<bool> {
    let ids: Vec<i32> = partners::table
        .filter(partners::name.eq(name))
        .select(partners::id)
        .load(conn)?;
    Ok(ids.into_iter().any(|id| Some(id) != except))
}

impl Partner {
    /// The edited fields, as the domain knows them (for forms and audit snapshots).
    pub fn data(&self) -> PartnerData {
        PartnerData {
            name: self.name.clone(),
            kind: self.kind,
            contact_name: self.contact_name.clone(),
            contact_phone: self.contact_phone.clone(),
            contact_email: self.contact_email.clone(),
            note: self.note.clone(),
        }
    }

    /// The register, by kind then name; optionally one kind, optionally active only.
    pub fn list(
        conn: &mut DbConnection,
        kind: Option<PartnerKind>,
        active_only: bool,
    ) -> QueryResult<Vec<Partner>> {
        let mut q = partners::table.into_boxed();
        if let Some(k) = kind {
            q = q.filter(partners::kind.eq(k.as_str()));
        }
        if active_only {
            q = q.filter(partners::active.eq(true));
        }
        q.order((partners::kind, partners::name)).load(conn)
    }

    /// Active partners that can be engaged as intermediary `k`, by name.
    pub fn for_kind(conn: &mut DbConnection, k: IntermediaryKind) -> QueryResult<Vec<Partner>> {
        let kinds: Vec<&str> = PartnerKind::ALL
            .into_iter()
            .filter(|p| p.serves(k))
            .map(PartnerKind::as_str)
            .collect();
        partners::table
            .filter(partners::active.eq(true))
            .filter(partners::kind.eq_any(kinds))
            .order(partners::name)
            .load(conn)
    }

    /// One partner by id.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Partner>> {
        super::only(partners::table.filter(partners::id.eq(id)), conn)
    }

    /// Registers a partner, active, audited. Call in a write transaction.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        d: &PartnerData,
    ) -> Result<Partner, PartnerWriteError> {
        if name_taken(conn, &d.name, None)? {
            return Err(PartnerWriteError::DuplicateName);
        }
        let now = super::now();
        let p: Partner = diesel::insert_into(partners::table)
            .values((
                PartnerColumns::from(d),
                partners::active.eq(true),
                partners::created_at.eq(now),
                partners::updated_at.eq(now),
                partners::version.eq(1),
            ))
            .returning(partners::all_columns)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "partner.create",
                entity: "partner",
                entity_id: Some(p.id.to_string()),
                after: audit::snapshot(d),
                ..Default::default()
            },
        )?;
        Ok(p)
    }

    /// Saves edits if nobody saved since `expected_version` was read; otherwise
    /// returns what is stored now. Call in a write transaction.
    pub fn update(
        conn: &mut DbConnection,
        actor: &Actor,
        id: i32,
        expected_version: i32,
        d: &PartnerData,
    ) -> Result<Partner, PartnerWriteError> {
        let current = Self::find(conn, id)?.ok_or(DieselError::NotFound)?;
        if current.version != expected_version {
            return Err(PartnerWriteError::Conflict(Box::new(current)));
        }
        if name_taken(conn, &d.name, Some(id))? {
            return Err(PartnerWriteError::DuplicateName);
        }
        // The version in the WHERE clause is the lock: a save that landed between
        // the read above and this statement (PostgreSQL) leaves no row to update.
        let updated: Option<Partner> = diesel::update(
            partners::table
                .filter(partners::id.eq(id))
                .filter(partners::version.eq(expected_version)),
        )
        .set((
            PartnerColumns::from(d),
            partners::updated_at.eq(super::now()),
            partners::version.eq(expected_version + 1),
        ))
        .returning(partners::all_columns)
        .get_result(conn)
        .optional()?;
        let Some(updated) = updated else {
            let now = Self::find(conn, id)?.ok_or(DieselError::NotFound)?;
            return Err(PartnerWriteError::Conflict(Box::new(now)));
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "partner.update",
                entity: "partner",
                entity_id: Some(id.to_string()),
                before: audit::snapshot(&current.data()),
                after: audit::snapshot(d),
                ..Default::default()
            },
        )?;
        Ok(updated)
    }

    /// Switches a partner on or off (nothing happens, and nothing is audited, when it
    /// already is). Call in a write transaction.
    pub fn set_active(
        conn: &mut DbConnection,
        actor: &Actor,
        id: i32,
        active: bool,
    ) -> QueryResult<Partner> {
        let current = Self::find(conn, id)?.ok_or(DieselError::NotFound)?;
        if current.active == active {
            return Ok(current);
        }
        let updated: Partner = diesel::update(partners::table.filter(partners::id.eq(id)))
            .set((
                partners::active.eq(active),
                partners::updated_at.eq(super::now()),
                partners::version.eq(partners::version + 1),
            ))
            .returning(partners::all_columns)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "partner.active",
                entity: "partner",
                entity_id: Some(id.to_string()),
                before: Some(serde_json::json!({ "active": current.active })),
                after: Some(serde_json::json!({ "active": active })),
                ..Default::default()
            },
        )?;
        Ok(updated)
    }
}
