//! Annual data: staff edit it directly; enterprise accounts submit a pending update
//! that staff approve or return with a reason.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use super::record::field_errors;
use super::{EDITORS, today};
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::domain::annual::{AnnualFigures, AnnualInput};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::models::annual::{self, AnnualWriteError, DecisionError, QueueRow};
use crate::models::enterprise::Enterprise;
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// The annual-data form.
#[derive(Template)]
#[template(path = "enterprises/annual_form.html")]
pub struct AnnualPage {
    pub ctx: PageCtx,
    pub e: Enterprise,
    pub form: AnnualInput,
    /// The stored version the form was opened at (`None`: a new year).
    pub version: Option<i32>,
    pub errors: FieldErrors,
    /// Enterprise accounts submit for review instead of saving.
    pub submits: bool,
    /// What is stored now, when a stale save was refused.
    pub theirs: Option<AnnualInput>,
}

impl AnnualPage {
    /// The (field name, typed value) pairs of one fieldset of the form.
    pub fn fields(&self, group: &str) -> Vec<(&'static str, String)> {
        let f = &self.form;
        let pairs: Vec<(&'static str, &String)> = match group {
            "finance" => vec![
                ("revenue", &f.revenue),
                ("main_business_revenue", &f.main_business_revenue),
                ("net_profit", &f.net_profit),
                ("total_assets", &f.total_assets),
                ("total_liabilities", &f.total_liabilities),
                ("rd_expense", &f.rd_expense),
                ("equity_financing", &f.equity_financing),
            ],
            "people" => vec![
                ("employees", &f.employees),
                ("rd_staff", &f.rd_staff),
                ("ip_class1", &f.ip_class1),
                ("ip_class1_high_value", &f.ip_class1_high_value),
                ("ip_class1_self", &f.ip_class1_self),
                ("ip_class2", &f.ip_class2),
            ],
            _ => vec![
                ("digitalisation_level", &f.digitalisation_level),
                ("rd_institution_level", &f.rd_institution_level),
                ("quality_items", &f.quality_items),
                ("market_share", &f.market_share),
                ("distinctive_points", &f.distinctive_points),
            ],
        };
        pairs.into_iter().map(|(k, v)| (k, v.clone())).collect()
    }
}

/// `?year=` on the form.
#[derive(Deserialize)]
pub struct YearQuery {
    pub year: Option<i32>,
}

fn may_write(auth: &Auth) -> bool {
    auth.require(EDITORS).is_ok() || auth.user().role == Role::Enterprise
}

/// `GET /enterprises/{id}/annual?year=`
pub async fn form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    q: web::Query<YearQuery>,
) -> Result<HttpResponse, AppError> {
    if !may_write(&auth) {
        return Err(AppError::Forbidden);
    }
    let id = path.into_inner();
    let year = q.year.unwrap_or(today().year() - 1);
    let scope = auth.user().scope.clone();
    let (e, row) = state
        .db
        .read(move |conn| {
            let e = Enterprise::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let row = annual::year(conn, id, year)?;
            Ok((e, row))
        })
        .await?;
    let form = row
        .as_ref()
        .map(|r| r.figures().to_input())
        .unwrap_or_else(|| AnnualInput {
            year: year.to_string(),
            ..Default::default()
        });
    page(&AnnualPage {
        ctx,
        e,
        form,
        version: row.map(|r| r.version),
        errors: FieldErrors::default(),
        submits: auth.user().role == Role::Enterprise,
        theirs: None,
    })
}

/// The posted form: the figures plus the version seen.
#[derive(Deserialize)]
pub struct AnnualForm {
    #[serde(flatten)]
    pub input: AnnualInput,
    pub version: Option<i32>,
}

enum Outcome {
    Done(&'static str),
    Invalid(FieldErrors),
    Conflict(Box<AnnualFigures>, i32),
}

/// `POST /enterprises/{id}/annual`
pub async fn save(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<AnnualForm>,
) -> Result<HttpResponse, AppError> {
    if !may_write(&auth) {
        return Err(AppError::Forbidden);
    }
    let id = path.into_inner();
    let submits = auth.user().role == Role::Enterprise;
    let scope = auth.user().scope.clone();
    let actor = auth.actor();
    let parsed = form.input.parse(today().year());
    let version = form.version;
    let outcome = state
        .db
        .write(move |conn| {
            let e = Enterprise::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let f = match parsed {
                Ok(f) => f,
                Err(p) => return Ok((e, Outcome::Invalid(field_errors(&p)))),
            };
            if submits {
                annual::submit(conn, &actor, &e, &f)?;
                return Ok((e, Outcome::Done("flash.annual_submitted")));
            }
            match annual::save(conn, &actor, &e, &f, version) {
                Ok(true) => Ok((e, Outcome::Done("flash.annual_saved"))),
                Ok(false) => Ok((e, Outcome::Done("flash.annual_unchanged"))),
                Err(AnnualWriteError::Conflict(row)) => {
                    let v = row.version;
                    Ok((e, Outcome::Conflict(Box::new(row.figures()), v)))
                }
                Err(AnnualWriteError::Db(d)) => Err(d.into()),
            }
        })
        .await?;
    let (e, outcome) = outcome;
    match outcome {
        Outcome::Done(key) => Ok(redirect_with_flash(
            &state,
            &format!("/enterprises/{id}"),
            Flash::success(key),
        )),
        Outcome::Invalid(errors) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &AnnualPage {
                ctx,
                e,
                form: form.input,
                version,
                errors,
                submits,
                theirs: None,
            },
        ),
        Outcome::Conflict(stored, v) => render(
            StatusCode::CONFLICT,
            &AnnualPage {
                ctx,
                e,
                form: form.input,
                version: Some(v),
                errors: FieldErrors::default(),
                submits,
                theirs: Some(stored.to_input()),
            },
        ),
    }
}

/// The staff review queue.
#[derive(Template)]
#[template(path = "enterprises/submissions.html")]
pub struct QueuePage {
    pub ctx: PageCtx,
    pub rows: Vec<(QueueRow, Option<AnnualFigures>, Option<AnnualFigures>)>,
}

/// `GET /submissions`: pending annual-data updates with the stored figures beside them.
pub async fn queue(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let scope = auth.user().scope.clone();
    let rows = state
        .db
        .read(move |conn| {
            let pending = annual::pending(conn, &scope)?;
            let mut out = Vec::with_capacity(pending.len());
            for row in pending {
                let submitted = row.submission.figures();
                let stored = annual::year(conn, row.submission.enterprise_id, row.submission.year)?
                    .map(|r| r.figures());
                out.push((row, submitted, stored));
            }
            Ok(out)
        })
        .await?;
    page(&QueuePage { ctx, rows })
}

/// The return form.
#[derive(Deserialize)]
pub struct ReturnForm {
    #[serde(default)]
    pub reason: String,
}

fn decision_flash(r: Result<(), DecisionError>, ok: &'static str) -> Result<Flash, AppError> {
    match r {
        Ok(()) => Ok(Flash::success(ok)),
        Err(DecisionError::AlreadyDecided) => Ok(Flash::error("flash.already_decided")),
        Err(DecisionError::NoReason) => Ok(Flash::error("flash.return_needs_reason")),
        Err(DecisionError::Unreadable) => Ok(Flash::error("flash.submission_unreadable")),
        Err(DecisionError::Db(d)) => Err(d.into()),
    }
}

/// `POST /submissions/{id}/approval`
pub async fn approve(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    _f: CsrfForm<crate::auth::csrf::Empty>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let (id, scope, actor) = (path.into_inner(), auth.user().scope.clone(), auth.actor());
    let r = state
        .db
        .write(
            move |conn| match annual::approve(conn, &actor, &scope, id) {
                Err(DecisionError::Db(diesel::result::Error::NotFound)) => Err(AppError::NotFound),
                other => Ok(other.map(|_| ())),
            },
        )
        .await?;
    Ok(redirect_with_flash(
        &state,
        "/submissions",
        decision_flash(r, "flash.submission_approved")?,
    ))
}

/// `POST /submissions/{id}/return`
pub async fn return_it(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(f): CsrfForm<ReturnForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let (id, scope, actor) = (path.into_inner(), auth.user().scope.clone(), auth.actor());
    let r = state
        .db
        .write(
            move |conn| match annual::return_submission(conn, &actor, &scope, id, &f.reason) {
                Err(DecisionError::Db(diesel::result::Error::NotFound)) => Err(AppError::NotFound),
                other => Ok(other.map(|_| ())),
            },
        )
        .await?;
    Ok(redirect_with_flash(
        &state,
        "/submissions",
        decision_flash(r, "flash.submission_returned")?,
    ))
}
