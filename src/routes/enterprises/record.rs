//! One enterprise: create, the at-a-glance page, edit with conflict handling, archive.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{EDITORS, READERS, today};
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::domain::annual::{self, Ratios};
use crate::domain::enterprise::{EnterpriseInput, FieldProblem};
use crate::domain::industry::{DIVISIONS, Division, SECTIONS, Section};
use crate::domain::qualification::{Level, Status};
use crate::domain::role::Role;
use crate::domain::tier::{BoardAction, CompanyType, EntryCondition, Tier};
use crate::error::AppError;
use crate::models::annual::{AnnualRow, Submission};
use crate::models::audit::AuditEntry;
use crate::models::board::{self, BoardEntry};
use crate::models::district::District;
use crate::models::enterprise::{Enterprise, EnterpriseWriteError};
use crate::models::qualification::{self, Qualification, QualificationEvent};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// Field problems as the view shows them.
pub fn field_errors(problems: &[FieldProblem]) -> FieldErrors {
    let mut errors = FieldErrors::default();
    for p in problems {
        errors.add_with(p.field, p.key, p.arg.clone());
    }
    errors
}

/// The create / edit form.
#[derive(Template)]
#[template(path = "enterprises/form.html")]
pub struct FormPage {
    pub ctx: PageCtx,
    /// `None` when creating.
    pub editing: Option<Enterprise>,
    pub form: EnterpriseInput,
    pub version: i32,
    pub errors: FieldErrors,
    pub districts: Vec<District>,
    pub sections: &'static [Section],
    pub divisions: &'static [Division],
    pub company_types: [CompanyType; 3],
    /// What another user saved meanwhile (a refused stale edit).
    pub theirs: Option<EnterpriseInput>,
}

impl FormPage {
    /// A district's name in the page language.
    pub fn district_name(&self, d: &District) -> String {
        d.name(self.ctx.locale).to_string()
    }

    /// Whether a checkbox is ticked in the form.
    pub fn on(v: &Option<String>) -> bool {
        v.is_some()
    }

    /// The fields that differ between the stored record and this user's input.
    pub fn differences(&self) -> Vec<(String, String, String)> {
        let Some(t) = &self.theirs else {
            return Vec::new();
        };
        let ours = serde_json::to_value(&self.form).unwrap_or_default();
        let theirs = serde_json::to_value(t).unwrap_or_default();
        let (Some(o), Some(th)) = (ours.as_object(), theirs.as_object()) else {
            return Vec::new();
        };
        let show = |v: Option<&serde_json::Value>| match v {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Null) | None => String::new(),
            Some(other) => other.to_string(),
        };
        o.keys()
            .filter(|k| show(o.get(*k)) != show(th.get(*k)))
            .map(|k| {
                (
                    self.ctx.t(&format!("enterprise.{k}")),
                    show(th.get(k)),
                    show(o.get(k)),
                )
            })
            .collect()
    }
}

async fn form_page(
    state: &web::Data<AppState>,
    ctx: PageCtx,
    editing: Option<Enterprise>,
    form: EnterpriseInput,
    version: i32,
    errors: FieldErrors,
    theirs: Option<EnterpriseInput>,
) -> Result<FormPage, AppError> {
    let districts = state.db.read(|conn| Ok(District::all(conn)?)).await?;
    Ok(FormPage {
        ctx,
        editing,
        form,
        version,
        errors,
        districts,
        sections: &SECTIONS,
        divisions: DIVISIONS,
        company_types: CompanyType::ALL,
        theirs,
    })
}

/// `GET /enterprises/new`
pub async fn new_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let form = EnterpriseInput {
        meets_common_gate: Some("on".into()),
        ..Default::default()
    };
    page(&form_page(&state, ctx, None, form, 0, FieldErrors::default(), None).await?)
}

fn write_error_field(e: &EnterpriseWriteError) -> Option<FieldProblem> {
    match e {
        EnterpriseWriteError::DuplicateCode => {
            Some(FieldProblem::new("credit_code", "field.credit_code_taken"))
        }
        EnterpriseWriteError::UnknownDistrict => {
            Some(FieldProblem::new("district_code", "field.district"))
        }
        _ => None,
    }
}

/// `POST /enterprises`
pub async fn create(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<EnterpriseInput>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let problems = match form.parse(today()) {
        Ok(data) => {
            let actor = auth.actor();
            let scope = auth.user().scope.clone();
            let result = state
                .db
                .write(move |conn| {
                    if !scope.covers_district(&data.district_code) {
                        // A district-limited account creates records in its districts only.
                        return Ok(Err(FieldProblem::new(
                            "district_code",
                            "field.district_out_of_scope",
                        )));
                    }
                    match Enterprise::create(conn, &actor, &data) {
                        Ok(e) => Ok(Ok(e)),
                        Err(e) => match write_error_field(&e) {
                            Some(p) => Ok(Err(p)),
                            None => Err(AppError::from(e)),
                        },
                    }
                })
                .await?;
            match result {
                Ok(e) => {
                    return Ok(redirect_with_flash(
                        &state,
                        &format!("/enterprises/{}", e.id),
                        Flash::success("flash.enterprise_created").with_arg(e.name),
                    ));
                }
                Err(p) => vec![p],
            }
        }
        Err(problems) => problems,
    };
    let page = form_page(&state, ctx, None, form, 0, field_errors(&problems), None).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// The at-a-glance page.
#[derive(Template)]
#[template(path = "enterprises/show.html")]
pub struct ShowPage {
    pub ctx: PageCtx,
    pub e: Enterprise,
    pub district_name: String,
    pub history: Vec<BoardEntry>,
    pub conditions: Vec<EntryCondition>,
    pub titles: Vec<(Qualification, Status)>,
    pub title_events: Vec<QualificationEvent>,
    pub years: Vec<(AnnualRow, Ratios)>,
    pub submissions: Vec<Submission>,
    pub timeline: Vec<AuditEntry>,
    pub can_edit: bool,
    pub is_enterprise: bool,
    pub tiers: [Tier; 3],
    pub levels: [Level; 4],
    pub actions: [BoardAction; 5],
    pub today: chrono::NaiveDate,
    /// The board-move form as typed, with its error, when a move was refused.
    pub move_form: PanelForm,
    /// The new-title form as typed, with its error, when it was refused.
    pub title_form: PanelForm,
    /// The development index panel (newest period), when scored and readable.
    pub index_panel: Option<crate::routes::index::Panel>,
    /// Events the enterprise was invited to or registered for (`None`: not shown).
    pub training: Option<Vec<crate::models::training::HistoryRow>>,
    /// The enterprise's financing needs (not for experts).
    pub financing: Option<Vec<crate::models::financing::Need>>,
}

/// A small form on the record page, kept as typed when refused.
#[derive(Debug, Clone, Default)]
pub struct PanelForm {
    pub values: std::collections::BTreeMap<String, String>,
    pub errors: FieldErrors,
    pub open: bool,
}

impl PanelForm {
    /// The typed value of a field ("" if none).
    pub fn v(&self, field: &str) -> String {
        self.values.get(field).cloned().unwrap_or_default()
    }
}

impl ShowPage {
    /// An amount in 万元.
    pub fn wan(&self, v: &i64) -> String {
        crate::domain::money::format_wan(*v)
    }

    /// Labels of conditions of `tier` that this enterprise does not meet.
    pub fn unmet(&self, tier: &Tier) -> Vec<String> {
        crate::domain::tier::unmet(&self.conditions, *tier, &self.e.board_facts())
            .into_iter()
            .map(|c| {
                if self.ctx.locale == crate::domain::locale::Locale::En {
                    c.label_en.clone()
                } else {
                    c.label_zh.clone()
                }
            })
            .collect()
    }

    /// The label of a stored tier value.
    pub fn tier_label(&self, t: &Option<String>) -> String {
        match t {
            Some(v) => self.ctx.label("tier", v),
            None => self.ctx.t("tier.none"),
        }
    }
}

/// Everything the record page shows, loaded in one read.
pub async fn show_page(
    state: &web::Data<AppState>,
    auth: &Auth,
    ctx: PageCtx,
    id: i32,
    move_form: PanelForm,
    title_form: PanelForm,
) -> Result<ShowPage, AppError> {
    let scope = auth.user().scope.clone();
    let day = today();
    let locale = ctx.locale;
    let is_enterprise = auth.user().role == Role::Enterprise;
    let reads_index = is_enterprise || auth.require(crate::routes::index::READERS).is_ok();
    let reads_training = auth.require(crate::routes::training::READERS).is_ok();
    let reads_financing = is_enterprise || auth.require(crate::routes::financing::READERS).is_ok();
    let st = state.clone();
    let loaded = state
        .db
        .read(move |conn| {
            let e = Enterprise::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let index_panel = if reads_index {
                crate::routes::index::load(conn, &st.index_cache, &e, None, locale, is_enterprise)?
                    .map(|l| l.panel)
            } else {
                None
            };
            let district_name = District::name_of(&District::all(conn)?, &e.district_code, locale);
            let history = board::history(conn, id)?;
            let conditions = board::conditions(conn)?;
            let titles = qualification::of_enterprise(conn, id)?
                .into_iter()
                .map(|q| {
                    let s = q.status(day);
                    (q, s)
                })
                .collect();
            let title_events = qualification::events(conn, id)?;
            let rows = crate::models::annual::years(conn, id)?;
            let years = rows
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let prev = if i > 0 {
                        Some(rows[i - 1].figures())
                    } else {
                        None
                    };
                    (r.clone(), annual::ratios(&r.figures(), prev.as_ref()))
                })
                .rev()
                .collect();
            let submissions = crate::models::annual::submissions_of(conn, id)?;
            let financing = if reads_financing {
                Some(crate::models::financing::Need::for_enterprise(conn, id)?)
            } else {
                None
            };
            let timeline = if is_enterprise {
                Vec::new()
            } else {
                crate::models::audit::page(
                    conn,
                    &crate::domain::scope::DataScope::Enterprise(id),
                    &crate::models::audit::AuditFilter::default(),
                )?
            };
            let training = if reads_training {
                Some(crate::models::training::history(conn, id)?)
            } else {
                None
            };
            Ok((
                e,
                district_name,
                history,
                conditions,
                titles,
                title_events,
                years,
                submissions,
                timeline,
                index_panel,
                training,
                financing,
            ))
        })
        .await?;
    let (
        e,
        district_name,
        history,
        conditions,
        titles,
        title_events,
        years,
        submissions,
        timeline,
        index_panel,
        training,
        financing,
    ) = loaded;
    Ok(ShowPage {
        ctx,
        e,
        district_name,
        history,
        conditions,
        titles,
        title_events,
        years,
        submissions,
        timeline,
        can_edit: auth.require(EDITORS).is_ok(),
        is_enterprise,
        tiers: Tier::ALL,
        levels: Level::ALL,
        actions: BoardAction::ALL,
        today: day,
        move_form,
        title_form,
        index_panel,
        training,
        financing,
    })
}

/// `GET /enterprises/{id}`: enterprise accounts get 404 for any id but their own
/// (the scope is in the query, so another record is simply not found).
pub async fn show(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    if auth.user().role != Role::Enterprise {
        auth.require(READERS)?;
    }
    super::refresh_levels_if_due(&state.db).await?;
    page(
        &show_page(
            &state,
            &auth,
            ctx,
            path.into_inner(),
            PanelForm::default(),
            PanelForm::default(),
        )
        .await?,
    )
}

/// `GET /enterprises/{id}/edit`
pub async fn edit_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let scope = auth.user().scope.clone();
    let e = state
        .db
        .read(move |conn| Enterprise::find(conn, &scope, id)?.ok_or(AppError::NotFound))
        .await?;
    let form = e.data().to_input();
    let version = e.version;
    page(
        &form_page(
            &state,
            ctx,
            Some(e),
            form,
            version,
            FieldErrors::default(),
            None,
        )
        .await?,
    )
}

/// The edit form adds the version the user saw.
#[derive(Deserialize)]
pub struct EditForm {
    #[serde(flatten)]
    pub input: EnterpriseInput,
    #[serde(default)]
    pub version: i32,
}

enum EditOutcome {
    Saved,
    Invalid(Vec<FieldProblem>),
    Conflict(Box<Enterprise>),
}

/// `POST /enterprises/{id}`: saves unless someone else saved first; then shows both
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
    let scope = auth.user().scope.clone();
    let actor = auth.actor();
    let input = form.input.clone();
    let version = form.version;
    let outcome = match input.parse(today()) {
        Err(p) => EditOutcome::Invalid(p),
        Ok(data) if !scope.covers_district(&data.district_code) => {
            EditOutcome::Invalid(vec![FieldProblem::new(
                "district_code",
                "field.district_out_of_scope",
            )])
        }
        Ok(data) => {
            state
                .db
                .write(move |conn| {
                    match Enterprise::update(conn, &actor, &scope, id, version, &data) {
                        Ok(_) => Ok(EditOutcome::Saved),
                        Err(EnterpriseWriteError::Conflict(current)) => {
                            Ok(EditOutcome::Conflict(current))
                        }
                        Err(e) => match write_error_field(&e) {
                            Some(p) => Ok(EditOutcome::Invalid(vec![p])),
                            None => Err(AppError::from(e)),
                        },
                    }
                })
                .await?
        }
    };
    let scope = auth.user().scope.clone();
    match outcome {
        EditOutcome::Saved => Ok(redirect_with_flash(
            &state,
            &format!("/enterprises/{id}"),
            Flash::success("flash.enterprise_saved"),
        )),
        EditOutcome::Invalid(problems) => {
            let e = state
                .db
                .read(move |conn| Enterprise::find(conn, &scope, id)?.ok_or(AppError::NotFound))
                .await?;
            let page = form_page(
                &state,
                ctx,
                Some(e),
                form.input,
                version,
                field_errors(&problems),
                None,
            )
            .await?;
            render(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        EditOutcome::Conflict(current) => {
            let theirs = current.data().to_input();
            let new_version = current.version;
            let page = form_page(
                &state,
                ctx,
                Some(*current),
                form.input,
                new_version,
                FieldErrors::default(),
                Some(theirs),
            )
            .await?;
            render(StatusCode::CONFLICT, &page)
        }
    }
}

/// The archive / restore form.
#[derive(Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    pub version: i32,
}

async fn set_archived(
    auth: Auth,
    state: web::Data<AppState>,
    id: i32,
    version: i32,
    archived: bool,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let scope = auth.user().scope.clone();
    let actor = auth.actor();
    let ok = state
        .db
        .write(move |conn| {
            match Enterprise::set_archived(conn, &actor, &scope, id, version, archived) {
                Ok(_) => Ok(true),
                Err(EnterpriseWriteError::Conflict(_)) => Ok(false),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
    let flash = match (ok, archived) {
        (false, _) => Flash::error("flash.stale"),
        (true, true) => Flash::success("flash.enterprise_archived"),
        (true, false) => Flash::success("flash.enterprise_restored"),
    };
    Ok(redirect_with_flash(
        &state,
        &format!("/enterprises/{id}"),
        flash,
    ))
}

/// `POST /enterprises/{id}/archive`
pub async fn archive(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(f): CsrfForm<VersionForm>,
) -> Result<HttpResponse, AppError> {
    set_archived(auth, state, path.into_inner(), f.version, true).await
}

/// `POST /enterprises/{id}/restore`
pub async fn restore(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(f): CsrfForm<VersionForm>,
) -> Result<HttpResponse, AppError> {
    set_archived(auth, state, path.into_inner(), f.version, false).await
}
