//! The partner register (合作机构): list, create, edit with conflict handling,
//! switch on and off. Officials read; admins and staff change.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::enterprises::record::field_errors;
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::domain::enterprise::FieldProblem;
use crate::domain::partner::{PartnerInput, PartnerKind};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::models::partner::{Partner, PartnerWriteError};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// Who may read the register.
pub const READERS: &[Role] = &[Role::Admin, Role::Staff, Role::Official];
/// Who may change it.
pub const EDITORS: &[Role] = &[Role::Admin, Role::Staff];

/// Filters of the list, from the query string.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// A [`PartnerKind`] name; anything else means every kind.
    pub kind: Option<String>,
    /// `1` for active partners only.
    pub active: Option<String>,
}

/// The register.
#[derive(Template)]
#[template(path = "partners/list.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub rows: Vec<Partner>,
    /// The kind filter as applied ("" for every kind).
    pub kind: String,
    pub active_only: bool,
    pub kinds: [PartnerKind; 7],
    pub can_edit: bool,
}

/// `GET /partners`
pub async fn list(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let kind = q
        .kind
        .as_deref()
        .and_then(|k| k.parse::<PartnerKind>().ok());
    let active_only = q.active.as_deref() == Some("1");
    let rows = state
        .db
        .read(move |conn| Ok(Partner::list(conn, kind, active_only)?))
        .await?;
    page(&ListPage {
        ctx,
        rows,
        kind: kind.map(|k| k.as_str().to_string()).unwrap_or_default(),
        active_only,
        kinds: PartnerKind::ALL,
        can_edit: auth.require(EDITORS).is_ok(),
    })
}

/// The create / edit form; read-only details for those who may not edit.
#[derive(Template)]
#[template(path = "partners/form.html")]
pub struct FormPage {
    pub ctx: PageCtx,
    /// `None` when creating.
    pub editing: Option<Partner>,
    pub form: PartnerInput,
    /// The version the next save is made against.
    pub version: i32,
    pub errors: FieldErrors,
    pub kinds: [PartnerKind; 7],
    /// What another user saved meanwhile (a refused stale edit).
    pub theirs: Option<PartnerInput>,
    pub can_edit: bool,
    /// The partner's agreements and service plans, with the forms to add or edit them.
    pub fin: super::partner_financing::Section,
}

impl FormPage {
    /// A page for `editing` with `form` in the partner form (for the sections' handlers).
    pub fn new_pub(
        auth: &Auth,
        ctx: PageCtx,
        editing: Option<Partner>,
        form: PartnerInput,
    ) -> FormPage {
        Self::new(auth, ctx, editing, form)
    }

    fn new(auth: &Auth, ctx: PageCtx, editing: Option<Partner>, form: PartnerInput) -> FormPage {
        FormPage {
            ctx,
            version: editing.as_ref().map_or(0, |p| p.version),
            editing,
            form,
            errors: FieldErrors::default(),
            kinds: PartnerKind::ALL,
            theirs: None,
            can_edit: auth.require(EDITORS).is_ok(),
            fin: Default::default(),
        }
    }

    /// The label of a kind as typed (the raw text if it is not a kind).
    pub fn kind_label(&self, kind: &str) -> String {
        match kind.parse::<PartnerKind>() {
            Ok(k) => self.ctx.label("partner_kind", k.as_str()),
            Err(_) => kind.to_string(),
        }
    }

    /// The fields that differ between the stored partner and this user's input:
    /// (label, theirs, yours).
    pub fn differences(&self) -> Vec<(String, String, String)> {
        let Some(t) = &self.theirs else {
            return Vec::new();
        };
        let o = &self.form;
        let rows = [
            ("name", t.name.clone(), o.name.clone()),
            ("kind", self.kind_label(&t.kind), self.kind_label(&o.kind)),
            (
                "contact_name",
                t.contact_name.clone(),
                o.contact_name.clone(),
            ),
            (
                "contact_phone",
                t.contact_phone.clone(),
                o.contact_phone.clone(),
            ),
            (
                "contact_email",
                t.contact_email.clone(),
                o.contact_email.clone(),
            ),
            ("note", t.note.clone(), o.note.clone()),
        ];
        rows.into_iter()
            .filter(|(_, theirs, yours)| theirs.trim() != yours.trim())
            .map(|(field, theirs, yours)| (self.ctx.t(&format!("partners.{field}")), theirs, yours))
            .collect()
    }
}

pub(super) async fn load(state: &web::Data<AppState>, id: i32) -> Result<Partner, AppError> {
    state
        .db
        .read(move |conn| Partner::find(conn, id)?.ok_or(AppError::NotFound))
        .await
}

fn duplicate_name() -> FieldProblem {
    FieldProblem::new("name", "partners.name_taken")
}

/// `GET /partners/new`
pub async fn new_form(auth: Auth, ctx: PageCtx) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    page(&FormPage::new(&auth, ctx, None, PartnerInput::default()))
}

/// `POST /partners`
pub async fn create(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PartnerInput>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let problems = match form.parse() {
        Err(problems) => problems,
        Ok(data) => {
            let actor = auth.actor();
            let created = state
                .db
                .write(move |conn| match Partner::create(conn, &actor, &data) {
                    Ok(p) => Ok(Some(p)),
                    Err(PartnerWriteError::DuplicateName) => Ok(None),
                    Err(e) => Err(e.into()),
                })
                .await?;
            match created {
                Some(p) => {
                    return Ok(redirect_with_flash(
                        &state,
                        &format!("/partners/{}", p.id),
                        Flash::success("flash.partner_created").with_arg(p.name),
                    ));
                }
                None => vec![duplicate_name()],
            }
        }
    };
    let mut page = FormPage::new(&auth, ctx, None, form);
    page.errors = field_errors(&problems);
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// `GET /partners/{id}`: the edit form for editors, the details for officials;
/// below, the agreements and service plans (`?agreement=` / `?plan=` put one in
/// the edit form).
pub async fn show(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    q: web::Query<super::partner_financing::EditQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let id = path.into_inner();
    let p = load(&state, id).await?;
    let form = p.data().to_input();
    let mut page_ = FormPage::new(&auth, ctx, Some(p), form);
    page_.fin = super::partner_financing::Section::load(&state, id, &q).await?;
    page(&page_)
}

/// The edit form adds the version the user saw.
#[derive(Deserialize)]
pub struct EditForm {
    #[serde(flatten)]
    pub input: PartnerInput,
    #[serde(default)]
    pub version: i32,
}

enum EditOutcome {
    Saved,
    Invalid(Vec<FieldProblem>),
    Conflict(Box<Partner>),
}

/// `POST /partners/{id}`: saves unless someone else saved first; then shows both
/// versions and keeps this user's input.
pub async fn update(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let version = form.version;
    let outcome = match form.input.parse() {
        Err(problems) => EditOutcome::Invalid(problems),
        Ok(data) => {
            let actor = auth.actor();
            state
                .db
                .write(
                    move |conn| match Partner::update(conn, &actor, id, version, &data) {
                        Ok(_) => Ok(EditOutcome::Saved),
                        Err(PartnerWriteError::Conflict(current)) => {
                            Ok(EditOutcome::Conflict(current))
                        }
                        Err(PartnerWriteError::DuplicateName) => {
                            Ok(EditOutcome::Invalid(vec![duplicate_name()]))
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
            &format!("/partners/{id}"),
            Flash::success("flash.partner_saved"),
        )),
        EditOutcome::Invalid(problems) => {
            let p = load(&state, id).await?;
            let mut page = FormPage::new(&auth, ctx, Some(p), form.input);
            page.fin =
                super::partner_financing::Section::load(&state, id, &Default::default()).await?;
            // Still against the version this user saw: a refused form changes nothing.
            page.version = version;
            page.errors = field_errors(&problems);
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        EditOutcome::Conflict(current) => {
            let theirs = current.data().to_input();
            let mut page = FormPage::new(&auth, ctx, Some(*current), form.input);
            page.fin =
                super::partner_financing::Section::load(&state, id, &Default::default()).await?;
            page.theirs = Some(theirs);
            render(StatusCode::CONFLICT, &page)
        }
    }
}

/// Switching a partner on or off.
#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    /// `1` to switch on, `0` to switch off.
    #[serde(default)]
    pub active: String,
}

/// `POST /partners/{id}/active`: the button sends the state opposite to the shown
/// one, so a repeated click does not undo the first.
pub async fn set_active(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<ActiveForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let active = match form.active.trim() {
        "1" => true,
        "0" => false,
        other => return Err(AppError::BadRequest(format!("active: '{other}'"))),
    };
    let actor = auth.actor();
    state
        .db
        .write(move |conn| Ok(Partner::set_active(conn, &actor, id, active)?))
        .await?;
    let flash = if active {
        "flash.partner_activated"
    } else {
        "flash.partner_deactivated"
    };
    Ok(redirect_with_flash(
        &state,
        &format!("/partners/{id}"),
        Flash::success(flash),
    ))
}
