//! Training and events (培训与活动): staff and admins plan events and invite their
//! audience; officials read; enterprise accounts see what is open to them, register
//! and withdraw; staff record attendance once an event has started.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::enterprises::record::field_errors;
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::domain::credit_code::CreditCode;
use crate::domain::cultivation::Stage;
use crate::domain::enterprise::FieldProblem;
use crate::domain::qualification::Level;
use crate::domain::role::Role;
use crate::domain::tier::Tier;
use crate::domain::training::{Attendance, EventInput, EventKind, EventStatus, attendance_summary};
use crate::error::AppError;
use crate::models::enterprise::EnterpriseRef;
use crate::models::partner::Partner;
use crate::models::training::{
    self as tm, EventWriteError, HistoryRow, RegistrationError, RegistrationRow, TrainingEvent,
};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// Who may read events.
pub const READERS: &[Role] = &[Role::Admin, Role::Staff, Role::Official, Role::Enterprise];
/// Who plans events, invites and records attendance.
pub const EDITORS: &[Role] = &[Role::Admin, Role::Staff];

/// Now on the clock event times are typed in (Beijing time).
pub fn local_now() -> NaiveDateTime {
    chrono::Utc::now().naive_utc() + chrono::Duration::hours(8)
}

/// An event time as shown.
pub fn when(at: &NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M").to_string()
}

/// The enterprise of an enterprise account (404 when the binding is broken).
async fn own_enterprise(
    state: &web::Data<AppState>,
    auth: &Auth,
) -> Result<EnterpriseRef, AppError> {
    let id = auth.user().enterprise_id.ok_or(AppError::NotFound)?;
    let scope = auth.user().scope.clone();
    state
        .db
        .read(move |conn| EnterpriseRef::find(conn, &scope, id)?.ok_or(AppError::NotFound))
        .await
}

// ---------------------------------------------------------------- list

/// `/training`: every event for staff, admins and officials; an enterprise sees
/// what is open to it and its own registrations.
#[derive(Template)]
#[template(path = "training/list.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    /// (event, seats taken).
    pub rows: Vec<(TrainingEvent, i64)>,
    pub can_edit: bool,
    pub is_enterprise: bool,
    /// The enterprise's own history (enterprise accounts).
    pub history: Vec<HistoryRow>,
    pub now: NaiveDateTime,
}

impl ListPage {
    pub fn when(&self, at: &NaiveDateTime) -> String {
        when(at)
    }
    /// Seats still free.
    pub fn left(&self, e: &TrainingEvent, taken: &i64) -> i64 {
        e.facts(*taken).seats_left()
    }
    /// Whether the enterprise holds a registration for this event.
    pub fn registered(&self, id: &i32) -> bool {
        self.history
            .iter()
            .any(|h| h.event.id == *id && h.registered == Some(true))
    }
}

/// `GET /training`
pub async fn list(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let now = local_now();
    let is_enterprise = auth.user().role == Role::Enterprise;
    let (rows, history) = if is_enterprise {
        let e = own_enterprise(&state, &auth).await?;
        state
            .db
            .read(move |conn| Ok((tm::upcoming_for(conn, e.id, now)?, tm::history(conn, e.id)?)))
            .await?
    } else {
        (
            state.db.read(|conn| Ok(TrainingEvent::list(conn)?)).await?,
            Vec::new(),
        )
    };
    page(&ListPage {
        ctx,
        rows,
        can_edit: auth.require(EDITORS).is_ok(),
        is_enterprise,
        history,
        now,
    })
}

// ---------------------------------------------------------------- form

/// The create / edit form.
#[derive(Template)]
#[template(path = "training/form.html")]
pub struct FormPage {
    pub ctx: PageCtx,
    pub editing: Option<TrainingEvent>,
    pub form: EventInput,
    pub version: i32,
    pub errors: FieldErrors,
    pub kinds: [EventKind; 4],
    pub statuses: [EventStatus; 2],
    pub tiers: [Tier; 3],
    pub levels: [Level; 4],
    pub stages: [Stage; 5],
    pub organisers: Vec<Partner>,
    /// What another user saved meanwhile (a refused stale edit).
    pub theirs: Option<EventInput>,
}

impl FormPage {
    /// Whether a value is ticked in a multi-valued field.
    pub fn ticked(&self, values: &[String], v: &str) -> bool {
        values.iter().any(|x| x == v)
    }

    /// The fields that differ between the stored event and this user's input.
    pub fn differences(&self) -> Vec<(String, String, String)> {
        let Some(t) = &self.theirs else {
            return Vec::new();
        };
        let o = &self.form;
        let rows = [
            ("title_field", t.title.clone(), o.title.clone()),
            ("kind", t.kind.clone(), o.kind.clone()),
            ("starts_at", t.starts_at.clone(), o.starts_at.clone()),
            ("ends_at", t.ends_at.clone(), o.ends_at.clone()),
            ("place", t.place.clone(), o.place.clone()),
            ("link", t.link.clone(), o.link.clone()),
            ("capacity", t.capacity.clone(), o.capacity.clone()),
            ("description", t.description.clone(), o.description.clone()),
            ("status", t.status.clone(), o.status.clone()),
        ];
        rows.into_iter()
            .filter(|(_, a, b)| a.trim() != b.trim())
            .map(|(f, a, b)| (self.ctx.t(&format!("training.{f}")), a, b))
            .collect()
    }
}

async fn form_page(
    state: &web::Data<AppState>,
    ctx: PageCtx,
    editing: Option<TrainingEvent>,
    form: EventInput,
) -> Result<FormPage, AppError> {
    let organisers = state
        .db
        .read(|conn| Ok(Partner::list(conn, None, true)?))
        .await?;
    Ok(FormPage {
        ctx,
        version: editing.as_ref().map_or(0, |e| e.version),
        editing,
        form,
        errors: FieldErrors::default(),
        kinds: EventKind::ALL,
        statuses: EventStatus::ALL,
        tiers: Tier::ALL,
        levels: Level::ALL,
        stages: Stage::ALL,
        organisers,
        theirs: None,
    })
}

async fn load(state: &web::Data<AppState>, id: i32) -> Result<TrainingEvent, AppError> {
    state
        .db
        .read(move |conn| TrainingEvent::find(conn, id)?.ok_or(AppError::NotFound))
        .await
}

fn unknown_organiser() -> FieldProblem {
    FieldProblem::new("organiser_id", "training.organiser_unknown")
}

/// `GET /training/new`
pub async fn new_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let form = EventInput {
        capacity: "50".into(),
        ..Default::default()
    };
    page(&form_page(&state, ctx, None, form).await?)
}

/// `POST /training`
pub async fn create(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<EventInput>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let problems = match form.parse() {
        Err(p) => p,
        Ok(data) => {
            let actor = auth.actor();
            let created = state
                .db
                .write(
                    move |conn| match TrainingEvent::create(conn, &actor, &data) {
                        Ok(e) => Ok(Some(e)),
                        Err(EventWriteError::UnknownOrganiser) => Ok(None),
                        Err(e) => Err(e.into()),
                    },
                )
                .await?;
            match created {
                Some(e) => {
                    return Ok(redirect_with_flash(
                        &state,
                        &format!("/training/{}", e.id),
                        Flash::success("flash.training_created").with_arg(e.title),
                    ));
                }
                None => vec![unknown_organiser()],
            }
        }
    };
    let mut p = form_page(&state, ctx, None, form).await?;
    p.errors = field_errors(&problems);
    render(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

/// `GET /training/{id}/edit`
pub async fn edit_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let e = load(&state, path.into_inner()).await?;
    let form = e.data().to_input();
    page(&form_page(&state, ctx, Some(e), form).await?)
}

enum EditOutcome {
    Saved,
    Invalid(Vec<FieldProblem>),
    Conflict(Box<TrainingEvent>),
}

/// `POST /training/{id}/edit`: saves unless someone else saved first (409, both
/// versions shown, this user's input kept).
pub async fn update(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<EventInput>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let version: i32 = form.version.trim().parse().unwrap_or(0);
    let outcome = match form.parse() {
        Err(p) => EditOutcome::Invalid(p),
        Ok(data) => {
            let actor = auth.actor();
            state
                .db
                .write(
                    move |conn| match TrainingEvent::update(conn, &actor, id, version, &data) {
                        Ok(_) => Ok(EditOutcome::Saved),
                        Err(EventWriteError::Conflict(c)) => Ok(EditOutcome::Conflict(c)),
                        Err(EventWriteError::UnknownOrganiser) => {
                            Ok(EditOutcome::Invalid(vec![unknown_organiser()]))
                        }
                        Err(EventWriteError::CapacityBelowTaken(n)) => {
                            Ok(EditOutcome::Invalid(vec![FieldProblem::with(
                                "capacity",
                                "training.capacity_below_taken",
                                n.to_string(),
                            )]))
                        }
                        Err(e) => Err(e.into()),
                    },
                )
                .await?
        }
    };
    match outcome {
        EditOutcome::Saved => Ok(redirect_with_flash(
            &state,
            &format!("/training/{id}"),
            Flash::success("flash.training_saved"),
        )),
        EditOutcome::Invalid(problems) => {
            let e = load(&state, id).await?;
            let mut p = form_page(&state, ctx, Some(e), form).await?;
            p.version = version;
            p.errors = field_errors(&problems);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        EditOutcome::Conflict(current) => {
            let theirs = current.data().to_input();
            let mut p = form_page(&state, ctx, Some(*current), form).await?;
            p.theirs = Some(theirs);
            render(StatusCode::CONFLICT, &p)
        }
    }
}

// ---------------------------------------------------------------- details

/// One event: details; invitations, registrations and attendance for staff and
/// officials; the enterprise's own registration for enterprise accounts.
#[derive(Template)]
#[template(path = "training/show.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub e: TrainingEvent,
    pub taken: i64,
    pub organiser: Option<String>,
    pub can_edit: bool,
    pub is_enterprise: bool,
    pub now: NaiveDateTime,
    /// Staff and officials: (matching in scope, of which not invited yet).
    pub preview: (usize, usize),
    pub invited: Vec<EnterpriseRef>,
    pub registrations: Vec<RegistrationRow>,
    /// Enterprise accounts: whether they hold a registration.
    pub registered: bool,
    /// Enterprise accounts: whether the event is open to them.
    pub open: bool,
    /// A refusal shown at the top (registration, attendance).
    pub notice: Option<String>,
    /// The invite-by-code form as typed and its error.
    pub code: String,
    pub errors: FieldErrors,
}

impl ShowPage {
    pub fn when(&self, at: &NaiveDateTime) -> String {
        when(at)
    }
    pub fn started(&self) -> bool {
        self.now >= self.e.starts_at
    }
    pub fn seats_left(&self) -> i64 {
        self.e.facts(self.taken).seats_left()
    }
    /// (attended, absent, not recorded) among current registrations.
    pub fn summary(&self) -> (usize, usize, usize) {
        let marks: Vec<Option<Attendance>> = self
            .registrations
            .iter()
            .filter(|r| r.registered)
            .map(|r| r.attendance)
            .collect();
        attendance_summary(&marks)
    }
    pub fn audience_labels(&self) -> Vec<String> {
        let a = self.e.audience();
        let mut out: Vec<String> = a
            .tiers
            .iter()
            .map(|t| self.ctx.label("tier", t.as_str()))
            .collect();
        out.extend(a.levels.iter().map(|l| self.ctx.label("level", l.as_str())));
        out.extend(a.stages.iter().map(|s| self.ctx.label("stage", s.as_str())));
        out
    }
}

async fn show_page(
    state: &web::Data<AppState>,
    auth: &Auth,
    ctx: PageCtx,
    id: i32,
) -> Result<ShowPage, AppError> {
    let now = local_now();
    let is_enterprise = auth.user().role == Role::Enterprise;
    let own = if is_enterprise {
        Some(own_enterprise(state, auth).await?)
    } else {
        None
    };
    let scope = auth.user().scope.clone();
    let can_edit = auth.require(EDITORS).is_ok();
    let page = state
        .db
        .read(move |conn| {
            let e = TrainingEvent::find(conn, id)?.ok_or(AppError::NotFound)?;
            let taken = TrainingEvent::taken(conn, id)?;
            let organiser = match e.organiser_id {
                Some(p) => Partner::find(conn, p)?.map(|p| p.name),
                None => None,
            };
            let (mut preview, mut invited, mut registrations) = ((0, 0), Vec::new(), Vec::new());
            let (mut registered, mut open) = (false, false);
            if let Some(own) = &own {
                open = tm::open_to(conn, &e, own.id)?;
                let in_history = tm::history(conn, own.id)?.iter().any(|h| h.event.id == id);
                if !open && !in_history {
                    return Err(AppError::NotFound);
                }
                registered = tm::is_registered(conn, id, own.id)?;
            } else {
                preview = tm::invitation_preview(conn, &scope, &e)?;
                invited = tm::invitations(conn, &scope, id)?;
                registrations = tm::registrations(conn, &scope, id)?;
            }
            Ok((
                e,
                taken,
                organiser,
                preview,
                invited,
                registrations,
                registered,
                open,
            ))
        })
        .await?;
    let (e, taken, organiser, preview, invited, registrations, registered, open) = page;
    Ok(ShowPage {
        ctx,
        e,
        taken,
        organiser,
        can_edit,
        is_enterprise,
        now,
        preview,
        invited,
        registrations,
        registered,
        open,
        notice: None,
        code: String::new(),
        errors: FieldErrors::default(),
    })
}

/// `GET /training/{id}`
pub async fn show(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    page(&show_page(&state, &auth, ctx, path.into_inner()).await?)
}

// ---------------------------------------------------------------- invitations

/// The invite-all form names the count the user saw (informational only).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    pub expected: String,
}

/// `POST /training/{id}/invite`: invites every matching active enterprise in the
/// account's scope that is not invited yet (a repeat invites nobody twice).
pub async fn invite_all(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(_form): CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let actor = auth.actor();
    let scope = auth.user().scope.clone();
    let n = state
        .db
        .write(move |conn| {
            let e = TrainingEvent::find(conn, id)?.ok_or(AppError::NotFound)?;
            Ok(tm::invite_matching(conn, &actor, &scope, &e)?)
        })
        .await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/training/{id}"),
        Flash::success("flash.training_invited").with_arg(n.to_string()),
    ))
}

/// Inviting one enterprise by its credit code.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteOneForm {
    pub credit_code: String,
}

/// `POST /training/{id}/invite-one`
pub async fn invite_one(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<InviteOneForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let actor = auth.actor();
    let scope = auth.user().scope.clone();
    let code = form.credit_code.clone();
    let outcome: Result<bool, &'static str> = state
        .db
        .write(move |conn| {
            TrainingEvent::find(conn, id)?.ok_or(AppError::NotFound)?;
            let Ok(code) = CreditCode::parse(&code) else {
                return Ok(Err("training.code_invalid"));
            };
            let found = EnterpriseRef::by_credit_code(conn, &code)?
                .filter(|e| scope.allows(e.id, &e.district_code));
            match found {
                None => Ok(Err("training.code_unknown")),
                Some(e) => Ok(Ok(tm::invite_one(conn, &actor, id, &e)?)),
            }
        })
        .await?;
    match outcome {
        Ok(new) => Ok(redirect_with_flash(
            &state,
            &format!("/training/{id}"),
            if new {
                Flash::success("flash.training_invited_one")
            } else {
                Flash::info("flash.training_already_invited")
            },
        )),
        Err(key) => {
            let mut p = show_page(&state, &auth, ctx, id).await?;
            p.code = form.credit_code;
            p.errors.add("credit_code", key);
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}

// ---------------------------------------------------------------- registrations

/// A form with only the CSRF token.
#[derive(Debug, Default, Deserialize)]
pub struct Empty {}

async fn refused(
    state: &web::Data<AppState>,
    auth: &Auth,
    ctx: PageCtx,
    id: i32,
    key: &str,
) -> Result<HttpResponse, AppError> {
    let mut p = show_page(state, auth, ctx, id).await?;
    p.notice = Some(p.ctx.t(key));
    render(StatusCode::CONFLICT, &p)
}

/// A change of the enterprise account's own seat (register or withdraw).
type SeatChange = fn(
    &mut crate::db::DbConnection,
    &crate::models::audit::Actor,
    i32,
    &EnterpriseRef,
    chrono::NaiveDateTime,
) -> Result<(), RegistrationError>;

/// Registers or withdraws the signed-in enterprise: the flash on success, the event
/// page with the refusal otherwise.
async fn change_seat(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    id: i32,
    change: SeatChange,
    flash: &'static str,
) -> Result<HttpResponse, AppError> {
    auth.require(&[Role::Enterprise])?;
    let own = own_enterprise(&state, &auth).await?;
    let actor = auth.actor();
    let now = local_now();
    let outcome = state
        .db
        .write(move |conn| {
            TrainingEvent::find(conn, id)?.ok_or(AppError::NotFound)?;
            match change(conn, &actor, id, &own, now) {
                Ok(()) => Ok(None),
                Err(RegistrationError::Refused(r)) => Ok(Some(r)),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        None => Ok(redirect_with_flash(
            &state,
            &format!("/training/{id}"),
            Flash::success(flash),
        )),
        Some(r) => refused(&state, &auth, ctx, id, r.key()).await,
    }
}

/// `POST /training/{id}/register`: an enterprise account takes a seat.
pub async fn register(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(_f): CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    change_seat(
        auth,
        ctx,
        state,
        id,
        tm::register,
        "flash.training_registered",
    )
    .await
}

/// `POST /training/{id}/cancel`: an enterprise account withdraws its registration.
pub async fn cancel(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(_f): CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let id = path.into_inner();
    change_seat(
        auth,
        ctx,
        state,
        id,
        tm::cancel_registration,
        "flash.training_cancelled_registration",
    )
    .await
}

/// `POST /training/{id}/attendance`: fields `a<enterprise id>` = `attended` or
/// `absent`; empty fields are left as they are.
pub async fn attendance(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<std::collections::BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let mut marks = Vec::new();
    for (k, v) in &form {
        let Some(eid) = k.strip_prefix('a').and_then(|s| s.parse::<i32>().ok()) else {
            continue;
        };
        match v.trim() {
            "" => {}
            s => marks.push((
                eid,
                s.parse::<Attendance>()
                    .map_err(|e| AppError::BadRequest(e.to_string()))?,
            )),
        }
    }
    let actor = auth.actor();
    let scope = auth.user().scope.clone();
    let now = local_now();
    let outcome = state
        .db
        .write(move |conn| {
            let e = TrainingEvent::find(conn, id)?.ok_or(AppError::NotFound)?;
            match tm::record_attendance(conn, &actor, &scope, &e, &marks, now) {
                Ok(n) => Ok(Ok(n)),
                Err(RegistrationError::Refused(r)) => Ok(Err(r)),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        Ok(n) => Ok(redirect_with_flash(
            &state,
            &format!("/training/{id}"),
            Flash::success("flash.training_attendance").with_arg(n.to_string()),
        )),
        Err(r) => refused(&state, &auth, ctx, id, r.key()).await,
    }
}
