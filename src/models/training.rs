//! Training and events as stored: events with optimistic locking, invitations,
//! registrations (capacity enforced under a lock on the event row) and attendance.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::result::Error as DieselError;

use crate::db::DbConnection;
use crate::domain::cultivation::Stage;
use crate::domain::qualification::Level;
use crate::domain::scope::DataScope;
use crate::domain::tier::Tier;
use crate::domain::training::{
    Attendance, Audience, AudienceFacts, EventData, EventFacts, EventKind, EventStatus, Refusal,
};
use crate::models::audit::{self, Actor, Change};
use crate::models::enterprise::{EnterpriseRef, scoped};
use crate::schema::{enterprises, training_events, training_invitations, training_registrations};

/// An event as stored.
#[derive(Debug, Clone, Queryable)]
pub struct TrainingEvent {
    pub id: i32,
    pub title: String,
    #[diesel(deserialize_as = String)]
    pub kind: EventKind,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub online: bool,
    pub place: String,
    pub link: String,
    pub organiser_id: Option<i32>,
    pub audience_tiers: String,
    pub audience_levels: String,
    pub audience_stages: String,
    pub capacity: i32,
    pub description: String,
    #[diesel(deserialize_as = String)]
    pub status: EventStatus,
    pub created_by: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i32,
}

#[derive(AsChangeset, Insertable)]
#[diesel(table_name = training_events, treat_none_as_null = true)]
struct EventColumns<'a> {
    title: &'a str,
    kind: &'a str,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    online: bool,
    place: &'a str,
    link: &'a str,
    organiser_id: Option<i32>,
    audience_tiers: String,
    audience_levels: String,
    audience_stages: String,
    capacity: i32,
    description: &'a str,
    status: &'a str,
}

impl<'a> From<&'a EventData> for EventColumns<'a> {
    fn from(d: &'a EventData) -> Self {
        let (audience_tiers, audience_levels, audience_stages) = d.audience.stored();
        EventColumns {
            title: &d.title,
            kind: d.kind.as_str(),
            starts_at: d.starts_at,
            ends_at: d.ends_at,
            online: d.online,
            place: &d.place,
            link: &d.link,
            organiser_id: d.organiser_id,
            audience_tiers,
            audience_levels,
            audience_stages,
            capacity: d.capacity,
            description: &d.description,
            status: d.status.as_str(),
        }
    }
}

/// Why an event write was refused.
#[derive(Debug, thiserror::Error)]
pub enum EventWriteError {
    /// Someone else saved first; here is what they saved.
    #[error("the event was changed by someone else")]
    Conflict(Box<TrainingEvent>),
    /// The organiser is not in the partner register.
    #[error("unknown organiser")]
    UnknownOrganiser,
    /// The new capacity is below the registrations held (how many).
    #[error("capacity below the {0} registrations held")]
    CapacityBelowTaken(i64),
    #[error(transparent)]
    Db(#[from] DieselError),
}

impl From<EventWriteError> for crate::error::AppError {
    fn from(e: EventWriteError) -> Self {
        match e {
            EventWriteError::Db(d) => d.into(),
            other => crate::error::AppError::BadRequest(other.to_string()),
        }
    }
}

/// Why a registration change was refused.
#[derive(Debug, thiserror::Error)]
pub enum RegistrationError {
    #[error("{0}")]
    Refused(Refusal),
    #[error(transparent)]
    Db(#[from] DieselError),
}

impl From<RegistrationError> for crate::error::AppError {
    fn from(e: RegistrationError) -> Self {
        match e {
            RegistrationError::Db(d) => d.into(),
            RegistrationError::Refused(r) => crate::error::AppError::BadRequest(r.to_string()),
        }
    }
}

/// (enterprise id, credit code, name, district, status, registered at, attendance).
type RegistrationTuple = (
    i32,
    String,
    String,
    String,
    String,
    NaiveDateTime,
    Option<String>,
);

/// A registration with its enterprise.
#[derive(Debug, Clone)]
pub struct RegistrationRow {
    pub enterprise: EnterpriseRef,
    pub registered: bool,
    pub registered_at: NaiveDateTime,
    pub attendance: Option<Attendance>,
}

/// One event in an enterprise's training history.
#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub event: TrainingEvent,
    pub invited: bool,
    /// `Some(true)` registered, `Some(false)` registration withdrawn.
    pub registered: Option<bool>,
    pub attendance: Option<Attendance>,
}

/// The audience facts of an enterprise row's stored values.
pub fn facts_of(tier: Option<&str>, level: Option<&str>, stage: Option<&str>) -> AudienceFacts {
    AudienceFacts {
        tier: tier.and_then(|t| t.parse::<Tier>().ok()),
        level: level.and_then(|t| t.parse::<Level>().ok()),
        stage: stage.and_then(|t| t.parse::<Stage>().ok()),
    }
}

/// Registrations currently held per event.
fn taken_of(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, i64>> {
    let rows: Vec<(i32, i64)> = training_registrations::table
        .filter(training_registrations::event_id.eq_any(ids.to_vec()))
        .filter(training_registrations::status.eq("registered"))
        .group_by(training_registrations::event_id)
        .select((
            training_registrations::event_id,
            diesel::dsl::count(training_registrations::id),
        ))
        .load(conn)?;
    Ok(rows.into_iter().collect())
}

impl TrainingEvent {
    /// The edited fields as the domain knows them.
    pub fn data(&self) -> EventData {
        EventData {
            title: self.title.clone(),
            kind: self.kind,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            online: self.online,
            place: self.place.clone(),
            link: self.link.clone(),
            organiser_id: self.organiser_id,
            audience: self.audience(),
            capacity: self.capacity,
            description: self.description.clone(),
            status: self.status,
        }
    }

    /// Who the event is for.
    pub fn audience(&self) -> Audience {
        Audience::from_stored(
            &self.audience_tiers,
            &self.audience_levels,
            &self.audience_stages,
        )
    }

    /// What the registration rules need, given the seats taken.
    pub fn facts(&self, taken: i64) -> EventFacts {
        EventFacts {
            status: self.status,
            starts_at: self.starts_at,
            capacity: self.capacity,
            taken,
        }
    }

    /// One event.
    pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<TrainingEvent>> {
        super::only(
            training_events::table.filter(training_events::id.eq(id)),
            conn,
        )
    }

    /// Every event, newest start first, with the seats taken.
    pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<(TrainingEvent, i64)>> {
        let events: Vec<TrainingEvent> = training_events::table
            .order((
                training_events::starts_at.desc(),
                training_events::id.desc(),
            ))
            .load(conn)?;
        let ids: Vec<i32> = events.iter().map(|e| e.id).collect();
        let taken = taken_of(conn, &ids)?;
        Ok(events
            .into_iter()
            .map(|e| {
                let t = taken.get(&e.id).copied().unwrap_or(0);
                (e, t)
            })
            .collect())
    }

    /// Seats taken of one event.
    pub fn taken(conn: &mut DbConnection, id: i32) -> QueryResult<i64> {
        Ok(taken_of(conn, &[id])?.get(&id).copied().unwrap_or(0))
    }

    fn check_organiser(conn: &mut DbConnection, d: &EventData) -> Result<(), EventWriteError> {
        if let Some(id) = d.organiser_id
            && super::partner::Partner::find(conn, id)?.is_none()
        {
            return Err(EventWriteError::UnknownOrganiser);
        }
        Ok(())
    }

    /// Creates an event, audited. Call in a write transaction.
    pub fn create(
        conn: &mut DbConnection,
        actor: &Actor,
        d: &EventData,
    ) -> Result<TrainingEvent, EventWriteError> {
        Self::check_organiser(conn, d)?;
        let now = super::now();
        let e: TrainingEvent = diesel::insert_into(training_events::table)
            .values((
                EventColumns::from(d),
                training_events::created_by.eq(actor.user_id),
                training_events::created_at.eq(now),
                training_events::updated_at.eq(now),
                training_events::version.eq(1),
            ))
            .returning(training_events::all_columns)
            .get_result(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "training.create",
                entity: "training_event",
                entity_id: Some(e.id.to_string()),
                after: audit::snapshot(d),
                ..Default::default()
            },
        )?;
        Ok(e)
    }

    /// Saves edits unless someone saved since `expected_version`. Call in a write
    /// transaction.
    pub fn update(
        conn: &mut DbConnection,
        actor: &Actor,
        id: i32,
        expected_version: i32,
        d: &EventData,
    ) -> Result<TrainingEvent, EventWriteError> {
        let current = Self::find(conn, id)?.ok_or(DieselError::NotFound)?;
        if current.version != expected_version {
            return Err(EventWriteError::Conflict(Box::new(current)));
        }
        Self::check_organiser(conn, d)?;
        let taken = Self::taken(conn, id)?;
        if !crate::domain::training::capacity_fits(d.capacity, taken) {
            return Err(EventWriteError::CapacityBelowTaken(taken));
        }
        let updated: Option<TrainingEvent> = diesel::update(
            training_events::table
                .filter(training_events::id.eq(id))
                .filter(training_events::version.eq(expected_version)),
        )
        .set((
            EventColumns::from(d),
            training_events::updated_at.eq(super::now()),
            training_events::version.eq(expected_version + 1),
        ))
        .returning(training_events::all_columns)
        .get_result(conn)
        .optional()?;
        let Some(updated) = updated else {
            let now = Self::find(conn, id)?.ok_or(DieselError::NotFound)?;
            return Err(EventWriteError::Conflict(Box::new(now)));
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "training.update",
                entity: "training_event",
                entity_id: Some(id.to_string()),
                before: audit::snapshot(&current.data()),
                after: audit::snapshot(d),
                ..Default::default()
            },
        )?;
        Ok(updated)
    }

    /// Takes the event row's write lock for the rest of the transaction (a no-op
    /// update): on PostgreSQL a second registration for the same event waits here
    /// until the first commits, then counts the seats afresh. SQLite's write
    /// transactions are serial already.
    fn lock(conn: &mut DbConnection, id: i32) -> QueryResult<TrainingEvent> {
        diesel::update(training_events::table.filter(training_events::id.eq(id)))
            .set(training_events::version.eq(training_events::version))
            .returning(training_events::all_columns)
            .get_result(conn)
    }
}

/// Active enterprises in `scope` that belong to `audience`, by name.
pub fn matching(
    conn: &mut DbConnection,
    scope: &DataScope,
    audience: &Audience,
) -> QueryResult<Vec<EnterpriseRef>> {
    let mut q = scoped(scope).filter(enterprises::archived_at.is_null());
    if !audience.tiers.is_empty() {
        let v: Vec<&str> = audience.tiers.iter().map(|t| t.as_str()).collect();
        q = q.filter(enterprises::current_tier.eq_any(v));
    }
    if !audience.levels.is_empty() {
        let v: Vec<&str> = audience.levels.iter().map(|t| t.as_str()).collect();
        q = q.filter(enterprises::current_level.eq_any(v));
    }
    if !audience.stages.is_empty() {
        let v: Vec<&str> = audience.stages.iter().map(|t| t.as_str()).collect();
        q = q.filter(enterprises::cultivation_stage.eq_any(v));
    }
    q.select((
        enterprises::id,
        enterprises::credit_code,
        enterprises::name,
        enterprises::district_code,
    ))
    .order((enterprises::name, enterprises::id))
    .load(conn)
}

/// Ids of the enterprises invited to an event.
fn invited_ids(conn: &mut DbConnection, event_id: i32) -> QueryResult<HashSet<i32>> {
    Ok(training_invitations::table
        .filter(training_invitations::event_id.eq(event_id))
        .select(training_invitations::enterprise_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect())
}

/// (matching in scope, of which not yet invited).
pub fn invitation_preview(
    conn: &mut DbConnection,
    scope: &DataScope,
    event: &TrainingEvent,
) -> QueryResult<(usize, usize)> {
    let m = matching(conn, scope, &event.audience())?;
    let invited = invited_ids(conn, event.id)?;
    let new = m.iter().filter(|e| !invited.contains(&e.id)).count();
    Ok((m.len(), new))
}

/// Invitations of an event visible in `scope`, by enterprise name.
pub fn invitations(
    conn: &mut DbConnection,
    scope: &DataScope,
    event_id: i32,
) -> QueryResult<Vec<EnterpriseRef>> {
    let ids: Vec<i32> = invited_ids(conn, event_id)?.into_iter().collect();
    scoped(scope)
        .filter(enterprises::id.eq_any(ids))
        .select((
            enterprises::id,
            enterprises::credit_code,
            enterprises::name,
            enterprises::district_code,
        ))
        .order((enterprises::name, enterprises::id))
        .load(conn)
}

fn insert_invitation(
    conn: &mut DbConnection,
    actor: &Actor,
    event_id: i32,
    e: &EnterpriseRef,
) -> QueryResult<()> {
    diesel::insert_into(training_invitations::table)
        .values((
            training_invitations::event_id.eq(event_id),
            training_invitations::enterprise_id.eq(e.id),
            training_invitations::invited_by.eq(actor.user_id),
            training_invitations::invited_at.eq(super::now()),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "training.invite",
            entity: "training_event",
            entity_id: Some(event_id.to_string()),
            enterprise_id: Some(e.id),
            district_code: Some(e.district_code.clone()),
            ..Default::default()
        },
    )
}

/// Invites every matching active enterprise in `scope` not yet invited; returns how
/// many were invited now (0 on a repeat). Call in a write transaction.
pub fn invite_matching(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    event: &TrainingEvent,
) -> QueryResult<usize> {
    let invited = invited_ids(conn, event.id)?;
    let mut n = 0;
    for e in matching(conn, scope, &event.audience())? {
        if !invited.contains(&e.id) {
            insert_invitation(conn, actor, event.id, &e)?;
            n += 1;
        }
    }
    Ok(n)
}

/// Invites one enterprise (visible in `scope`); `false` if it already was.
pub fn invite_one(
    conn: &mut DbConnection,
    actor: &Actor,
    event_id: i32,
    e: &EnterpriseRef,
) -> QueryResult<bool> {
    if invited_ids(conn, event_id)?.contains(&e.id) {
        return Ok(false);
    }
    insert_invitation(conn, actor, event_id, e)?;
    Ok(true)
}

/// Registrations of an event visible in `scope` (withdrawn ones too), by name.
pub fn registrations(
    conn: &mut DbConnection,
    scope: &DataScope,
    event_id: i32,
) -> QueryResult<Vec<RegistrationRow>> {
    let rows: Vec<RegistrationTuple> = crate::models::enterprise::filter_scope!(
        training_registrations::table
            .inner_join(enterprises::table)
            .into_boxed(),
        scope
    )
    .filter(training_registrations::event_id.eq(event_id))
    .select((
        enterprises::id,
        enterprises::credit_code,
        enterprises::name,
        enterprises::district_code,
        training_registrations::status,
        training_registrations::registered_at,
        training_registrations::attendance,
    ))
    .order((enterprises::name, enterprises::id))
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(id, credit_code, name, district_code, status, at, att)| RegistrationRow {
                enterprise: EnterpriseRef {
                    id,
                    credit_code,
                    name,
                    district_code,
                },
                registered: status == "registered",
                registered_at: at,
                attendance: att.and_then(|a| a.parse().ok()),
            },
        )
        .collect())
}

/// An enterprise's registration row of an event: (registered, attendance).
fn registration_of(
    conn: &mut DbConnection,
    event_id: i32,
    enterprise_id: i32,
) -> QueryResult<Option<(String, Option<String>)>> {
    super::only(
        training_registrations::table
            .filter(training_registrations::event_id.eq(event_id))
            .filter(training_registrations::enterprise_id.eq(enterprise_id))
            .select((
                training_registrations::status,
                training_registrations::attendance,
            )),
        conn,
    )
}

/// Whether an enterprise is currently registered for an event.
pub fn is_registered(
    conn: &mut DbConnection,
    event_id: i32,
    enterprise_id: i32,
) -> QueryResult<bool> {
    Ok(registration_of(conn, event_id, enterprise_id)?.is_some_and(|(s, _)| s == "registered"))
}

/// Whether an event is open to an enterprise: invited, or in the audience.
pub fn open_to(
    conn: &mut DbConnection,
    event: &TrainingEvent,
    enterprise_id: i32,
) -> QueryResult<bool> {
    if invited_ids(conn, event.id)?.contains(&enterprise_id) {
        return Ok(true);
    }
    let row: Option<(Option<String>, Option<String>, Option<String>)> = super::only(
        enterprises::table
            .filter(enterprises::id.eq(enterprise_id))
            .filter(enterprises::archived_at.is_null())
            .select((
                enterprises::current_tier,
                enterprises::current_level,
                enterprises::cultivation_stage,
            )),
        conn,
    )?;
    Ok(row.is_some_and(|(t, l, s)| {
        event
            .audience()
            .matches(&facts_of(t.as_deref(), l.as_deref(), s.as_deref()))
    }))
}

/// Registers an enterprise, seats permitting. The event row is locked first, so
/// two registrations for the last seat cannot both count it free. Call in a write
/// transaction.
pub fn register(
    conn: &mut DbConnection,
    actor: &Actor,
    event_id: i32,
    enterprise: &EnterpriseRef,
    now: NaiveDateTime,
) -> Result<(), RegistrationError> {
    let event = TrainingEvent::lock(conn, event_id)?;
    let taken = TrainingEvent::taken(conn, event_id)?;
    let existing = registration_of(conn, event_id, enterprise.id)?;
    let registered = existing.as_ref().is_some_and(|(s, _)| s == "registered");
    let open = open_to(conn, &event, enterprise.id)?;
    event
        .facts(taken)
        .may_register(now, open, registered)
        .map_err(RegistrationError::Refused)?;
    let at = super::now();
    if existing.is_some() {
        diesel::update(
            training_registrations::table
                .filter(training_registrations::event_id.eq(event_id))
                .filter(training_registrations::enterprise_id.eq(enterprise.id)),
        )
        .set((
            training_registrations::status.eq("registered"),
            training_registrations::registered_at.eq(at),
            training_registrations::cancelled_at.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    } else {
        diesel::insert_into(training_registrations::table)
            .values((
                training_registrations::event_id.eq(event_id),
                training_registrations::enterprise_id.eq(enterprise.id),
                training_registrations::status.eq("registered"),
                training_registrations::registered_at.eq(at),
            ))
            .execute(conn)?;
    }
    audit::record(
        conn,
        actor,
        Change {
            action: "training.register",
            entity: "training_event",
            entity_id: Some(event_id.to_string()),
            enterprise_id: Some(enterprise.id),
            district_code: Some(enterprise.district_code.clone()),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Withdraws a registration before the event starts. Call in a write transaction.
pub fn cancel_registration(
    conn: &mut DbConnection,
    actor: &Actor,
    event_id: i32,
    enterprise: &EnterpriseRef,
    now: NaiveDateTime,
) -> Result<(), RegistrationError> {
    let event = TrainingEvent::lock(conn, event_id)?;
    let registered = is_registered(conn, event_id, enterprise.id)?;
    event
        .facts(0)
        .may_cancel(now, registered)
        .map_err(RegistrationError::Refused)?;
    diesel::update(
        training_registrations::table
            .filter(training_registrations::event_id.eq(event_id))
            .filter(training_registrations::enterprise_id.eq(enterprise.id)),
    )
    .set((
        training_registrations::status.eq("cancelled"),
        training_registrations::cancelled_at.eq(Some(super::now())),
    ))
    .execute(conn)?;
    audit::record(
        conn,
        actor,
        Change {
            action: "training.cancel_registration",
            entity: "training_event",
            entity_id: Some(event_id.to_string()),
            enterprise_id: Some(enterprise.id),
            district_code: Some(enterprise.district_code.clone()),
            ..Default::default()
        },
    )?;
    Ok(())
}

/// Records attendance of registered enterprises visible in `scope`; marks for
/// others are ignored. Returns how many rows changed. Call in a write transaction.
pub fn record_attendance(
    conn: &mut DbConnection,
    actor: &Actor,
    scope: &DataScope,
    event: &TrainingEvent,
    marks: &[(i32, Attendance)],
    now: NaiveDateTime,
) -> Result<usize, RegistrationError> {
    event
        .facts(0)
        .may_record_attendance(now)
        .map_err(RegistrationError::Refused)?;
    let rows = registrations(conn, scope, event.id)?;
    let mut n = 0;
    for (id, mark) in marks {
        let Some(r) = rows.iter().find(|r| r.enterprise.id == *id && r.registered) else {
            continue;
        };
        if r.attendance == Some(*mark) {
            continue;
        }
        diesel::update(
            training_registrations::table
                .filter(training_registrations::event_id.eq(event.id))
                .filter(training_registrations::enterprise_id.eq(*id)),
        )
        .set((
            training_registrations::attendance.eq(Some(mark.as_str())),
            training_registrations::attendance_by.eq(actor.user_id),
            training_registrations::attendance_at.eq(Some(super::now())),
        ))
        .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "training.attendance",
                entity: "training_event",
                entity_id: Some(event.id.to_string()),
                enterprise_id: Some(*id),
                district_code: Some(r.enterprise.district_code.clone()),
                before: r
                    .attendance
                    .map(|a| serde_json::json!({ "attendance": a.as_str() })),
                after: Some(serde_json::json!({ "attendance": mark.as_str() })),
            },
        )?;
        n += 1;
    }
    Ok(n)
}

/// Upcoming planned events open to an enterprise (invited or in the audience),
/// soonest first, with the seats taken.
pub fn upcoming_for(
    conn: &mut DbConnection,
    enterprise_id: i32,
    now: NaiveDateTime,
) -> QueryResult<Vec<(TrainingEvent, i64)>> {
    let events: Vec<TrainingEvent> = training_events::table
        .filter(training_events::starts_at.gt(now))
        .filter(training_events::status.eq("planned"))
        .order((training_events::starts_at, training_events::id))
        .load(conn)?;
    let invited: HashSet<i32> = training_invitations::table
        .filter(training_invitations::enterprise_id.eq(enterprise_id))
        .select(training_invitations::event_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    let row: Option<(Option<String>, Option<String>, Option<String>)> = super::only(
        enterprises::table
            .filter(enterprises::id.eq(enterprise_id))
            .filter(enterprises::archived_at.is_null())
            .select((
                enterprises::current_tier,
                enterprises::current_level,
                enterprises::cultivation_stage,
            )),
        conn,
    )?;
    let facts = row.map(|(t, l, s)| facts_of(t.as_deref(), l.as_deref(), s.as_deref()));
    let open: Vec<TrainingEvent> = events
        .into_iter()
        .filter(|e| {
            invited.contains(&e.id) || facts.as_ref().is_some_and(|f| e.audience().matches(f))
        })
        .collect();
    let ids: Vec<i32> = open.iter().map(|e| e.id).collect();
    let taken = taken_of(conn, &ids)?;
    Ok(open
        .into_iter()
        .map(|e| {
            let t = taken.get(&e.id).copied().unwrap_or(0);
            (e, t)
        })
        .collect())
}

/// Every event an enterprise was invited to or registered for, newest first.
pub fn history(conn: &mut DbConnection, enterprise_id: i32) -> QueryResult<Vec<HistoryRow>> {
    let invited: HashSet<i32> = training_invitations::table
        .filter(training_invitations::enterprise_id.eq(enterprise_id))
        .select(training_invitations::event_id)
        .load::<i32>(conn)?
        .into_iter()
        .collect();
    let regs: HashMap<i32, (String, Option<String>)> = training_registrations::table
        .filter(training_registrations::enterprise_id.eq(enterprise_id))
        .select((
            training_registrations::event_id,
            training_registrations::status,
            training_registrations::attendance,
        ))
        .load::<(i32, String, Option<String>)>(conn)?
        .into_iter()
        .map(|(id, s, a)| (id, (s, a)))
        .collect();
    let ids: Vec<i32> = invited.iter().chain(regs.keys()).copied().collect();
    let events: Vec<TrainingEvent> = training_events::table
        .filter(training_events::id.eq_any(ids))
        .order((
            training_events::starts_at.desc(),
            training_events::id.desc(),
        ))
        .load(conn)?;
    Ok(events
        .into_iter()
        .map(|event| {
            let reg = regs.get(&event.id);
            HistoryRow {
                invited: invited.contains(&event.id),
                registered: reg.map(|(s, _)| s == "registered"),
                attendance: reg.and_then(|(_, a)| a.as_deref().and_then(|a| a.parse().ok())),
                event,
            }
        })
        .collect())
}
