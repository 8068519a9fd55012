//! Partners' cooperation agreements and service plans, shown and edited on the
//! partner's page. Officials read; admins and staff change. Refused forms come back
//! with the messages beside the fields and the input kept; stale edits are 409.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::enterprises::record::field_errors;
use super::enterprises::today;
use super::partners::{EDITORS, FormPage, load};
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::domain::financing::{AgreementInput, AgreementStatus, PlanInput, TerminationInput};
use crate::error::AppError;
use crate::models::financing::{Agreement, ServicePlan, WriteError};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, redirect_with_flash, render};

/// `?agreement=` / `?plan=`: which one to put in the edit form.
#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    pub agreement: Option<i32>,
    pub plan: Option<i32>,
}

/// The agreements and plans part of the partner page.
#[derive(Default)]
pub struct Section {
    pub agreements: Vec<(Agreement, AgreementStatus)>,
    pub plans: Vec<ServicePlan>,
    pub agreement_form: AgreementInput,
    pub agreement_errors: FieldErrors,
    /// The agreement being edited (id, version the user saw).
    pub agreement_editing: Option<(i32, i32)>,
    /// The agreement a termination form was refused for, with its input.
    pub terminate_for: Option<i32>,
    pub terminate_form: TerminationInput,
    pub terminate_errors: FieldErrors,
    pub plan_form: PlanInput,
    pub plan_errors: FieldErrors,
    pub plan_editing: Option<(i32, i32)>,
    /// A stale edit was refused (someone else saved first).
    pub conflict: bool,
}

impl Section {
    /// Whether the refused termination form was for agreement `id`.
    pub fn terminating(&self, id: &i32) -> bool {
        self.terminate_for == Some(*id)
    }

    /// Loads the lists; puts the agreement or plan named in `q` in its edit form.
    pub async fn load(
        state: &web::Data<AppState>,
        partner_id: i32,
        q: &EditQuery,
    ) -> Result<Section, AppError> {
        let (agreements, plans) = state
            .db
            .read(move |conn| {
                Ok((
                    Agreement::for_partner(conn, partner_id)?,
                    ServicePlan::for_partner(conn, partner_id)?,
                ))
            })
            .await?;
        let today = today();
        let mut s = Section {
            agreements: agreements
                .into_iter()
                .map(|a| {
                    let st = a.status(today);
                    (a, st)
                })
                .collect(),
            plans,
            ..Default::default()
        };
        if let Some(a) = q
            .agreement
            .and_then(|id| s.agreements.iter().find(|(a, _)| a.id == id))
        {
            s.agreement_form = a.0.data().to_input();
            s.agreement_editing = Some((a.0.id, a.0.version));
        }
        if let Some(p) = q.plan.and_then(|id| s.plans.iter().find(|p| p.id == id)) {
            s.plan_form = p.data().to_input();
            s.plan_editing = Some((p.id, p.version));
        }
        Ok(s)
    }
}

/// The partner page again, with `fill` applied to the section (a refused form).
async fn again(
    auth: &Auth,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    partner_id: i32,
    status: StatusCode,
    fill: impl FnOnce(&mut Section),
) -> Result<HttpResponse, AppError> {
    let p = load(state, partner_id).await?;
    let form = p.data().to_input();
    let mut page = FormPage::new_pub(auth, ctx, Some(p), form);
    page.fin = Section::load(state, partner_id, &EditQuery::default()).await?;
    fill(&mut page.fin);
    render(status, &page)
}

fn back(state: &web::Data<AppState>, partner_id: i32, flash: &'static str) -> HttpResponse {
    redirect_with_flash(
        state,
        &format!("/partners/{partner_id}"),
        Flash::success(flash),
    )
}

/// An edit form adds the version the user saw.
#[derive(Deserialize)]
pub struct AgreementForm {
    #[serde(flatten)]
    pub input: AgreementInput,
    #[serde(default)]
    pub version: i32,
}

/// `POST /partners/{id}/agreements`
pub async fn create_agreement(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<AgreementInput>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let pid = path.into_inner();
    load(&state, pid).await?;
    match form.parse() {
        Ok(d) => {
            let actor = auth.actor();
            state
                .db
                .write(move |conn| Ok(Agreement::create(conn, &actor, pid, &d)?))
                .await?;
            Ok(back(&state, pid, "flash.agreement_saved"))
        }
        Err(problems) => {
            again(
                &auth,
                ctx,
                &state,
                pid,
                StatusCode::UNPROCESSABLE_ENTITY,
                |s| {
                    s.agreement_form = form;
                    s.agreement_errors = field_errors(&problems);
                },
            )
            .await
        }
    }
}

/// `POST /partners/{id}/agreements/{aid}`
pub async fn update_agreement(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
    CsrfForm(form): CsrfForm<AgreementForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let (pid, aid) = path.into_inner();
    let version = form.version;
    let problems = match form.input.parse() {
        Ok(d) => {
            let actor = auth.actor();
            let saved = state
                .db
                .write(
                    move |conn| match Agreement::update(conn, &actor, pid, aid, version, &d) {
                        Ok(_) => Ok(true),
                        Err(WriteError::Conflict(_)) => Ok(false),
                        Err(WriteError::Db(e)) => Err(e.into()),
                    },
                )
                .await?;
            if saved {
                return Ok(back(&state, pid, "flash.agreement_saved"));
            }
            return again(&auth, ctx, &state, pid, StatusCode::CONFLICT, |s| {
                s.agreement_form = form.input;
                s.agreement_editing = s
                    .agreements
                    .iter()
                    .find(|(a, _)| a.id == aid)
                    .map(|(a, _)| (aid, a.version));
                s.conflict = true;
            })
            .await;
        }
        Err(problems) => problems,
    };
    again(
        &auth,
        ctx,
        &state,
        pid,
        StatusCode::UNPROCESSABLE_ENTITY,
        |s| {
            s.agreement_form = form.input;
            s.agreement_editing = Some((aid, version));
            s.agreement_errors = field_errors(&problems);
        },
    )
    .await
}

/// The termination form adds the version the user saw.
#[derive(Deserialize)]
pub struct TerminateForm {
    #[serde(flatten)]
    pub input: TerminationInput,
    #[serde(default)]
    pub version: i32,
}

/// `POST /partners/{id}/agreements/{aid}/terminate`
pub async fn terminate_agreement(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
    CsrfForm(form): CsrfForm<TerminateForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let (pid, aid) = path.into_inner();
    let current = state
        .db
        .read(move |conn| Agreement::find(conn, pid, aid)?.ok_or(AppError::NotFound))
        .await?;
    let version = form.version;
    match form.input.parse(current.starts_on) {
        Ok((on, reason)) => {
            let actor = auth.actor();
            let saved = state
                .db
                .write(move |conn| {
                    match Agreement::terminate(conn, &actor, pid, aid, version, on, &reason) {
                        Ok(_) => Ok(true),
                        Err(WriteError::Conflict(_)) => Ok(false),
                        Err(WriteError::Db(e)) => Err(e.into()),
                    }
                })
                .await?;
            if saved {
                return Ok(back(&state, pid, "flash.agreement_terminated"));
            }
            again(&auth, ctx, &state, pid, StatusCode::CONFLICT, |s| {
                s.terminate_for = Some(aid);
                s.terminate_form = form.input;
                s.conflict = true;
            })
            .await
        }
        Err(problems) => {
            again(
                &auth,
                ctx,
                &state,
                pid,
                StatusCode::UNPROCESSABLE_ENTITY,
                |s| {
                    s.terminate_for = Some(aid);
                    s.terminate_form = form.input;
                    s.terminate_errors = field_errors(&problems);
                },
            )
            .await
        }
    }
}

/// `POST /partners/{id}/plans`
pub async fn create_plan(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<PlanInput>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let pid = path.into_inner();
    load(&state, pid).await?;
    match form.parse() {
        Ok(d) => {
            let actor = auth.actor();
            state
                .db
                .write(move |conn| Ok(ServicePlan::create(conn, &actor, pid, &d)?))
                .await?;
            Ok(back(&state, pid, "flash.plan_saved"))
        }
        Err(problems) => {
            again(
                &auth,
                ctx,
                &state,
                pid,
                StatusCode::UNPROCESSABLE_ENTITY,
                |s| {
                    s.plan_form = form;
                    s.plan_errors = field_errors(&problems);
                },
            )
            .await
        }
    }
}

/// An edit form adds the version the user saw.
#[derive(Deserialize)]
pub struct PlanForm {
    #[serde(flatten)]
    pub input: PlanInput,
    #[serde(default)]
    pub version: i32,
}

/// `POST /partners/{id}/plans/{plan}`
pub async fn update_plan(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<(i32, i32)>,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let (pid, plan) = path.into_inner();
    let version = form.version;
    let problems = match form.input.parse() {
        Ok(d) => {
            let actor = auth.actor();
            let saved = state
                .db
                .write(move |conn| {
                    match ServicePlan::update(conn, &actor, pid, plan, version, &d) {
                        Ok(_) => Ok(true),
                        Err(WriteError::Conflict(_)) => Ok(false),
                        Err(WriteError::Db(e)) => Err(e.into()),
                    }
                })
                .await?;
            if saved {
                return Ok(back(&state, pid, "flash.plan_saved"));
            }
            return again(&auth, ctx, &state, pid, StatusCode::CONFLICT, |s| {
                s.plan_form = form.input;
                s.plan_editing = s
                    .plans
                    .iter()
                    .find(|p| p.id == plan)
                    .map(|p| (plan, p.version));
                s.conflict = true;
            })
            .await;
        }
        Err(problems) => problems,
    };
    again(
        &auth,
        ctx,
        &state,
        pid,
        StatusCode::UNPROCESSABLE_ENTITY,
        |s| {
            s.plan_form = form.input;
            s.plan_editing = Some((plan, version));
            s.plan_errors = field_errors(&problems);
        },
    )
    .await
}
