//! Titles: grant, re-review, revoke, and the list of titles expiring soon.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::record::{PanelForm, show_page};
use super::{EDITORS, READERS, today};
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::domain::qualification::{self, Level, TitleRefusal};
use crate::error::AppError;
use crate::models::district::District;
use crate::models::qualification::{self as model, ExpiringRow, NewTitle, TitleError};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// The new-title form.
#[derive(Debug, Clone, Deserialize)]
pub struct TitleForm {
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub batch: String,
    #[serde(default)]
    pub recognized_on: String,
    /// Empty: three years after recognition.
    #[serde(default)]
    pub expires_on: String,
}

fn refusal_key(r: &TitleRefusal) -> (&'static str, &'static str) {
    match r {
        TitleRefusal::Revoked => ("title", "field.title_revoked"),
        TitleRefusal::NotDue => ("title", "field.title_not_due"),
        TitleRefusal::AlreadyRevoked => ("title", "field.title_revoked"),
        TitleRefusal::NoReason => ("reason", "field.required"),
        TitleRefusal::ExpiryBeforeRecognition => ("expires_on", "field.expiry_before"),
    }
}

/// `POST /enterprises/{id}/qualifications`
pub async fn grant(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<TitleForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let mut errors = FieldErrors::default();
    let level = form.level.parse::<Level>().ok();
    if level.is_none() {
        errors.add("level", "field.level");
    }
    if form.batch.trim().is_empty() || form.batch.chars().count() > 50 {
        errors.add("batch", "field.required");
    }
    let date = |raw: &str, field: &'static str, errors: &mut FieldErrors| {
        match chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errors.add(field, "field.date");
                None
            }
        }
    };
    let recognized_on = date(&form.recognized_on, "recognized_on", &mut errors);
    let expires_on = match form.expires_on.trim() {
        "" => recognized_on.map(qualification::default_expiry),
        s => date(s, "expires_on", &mut errors),
    };
    if let (true, Some(level), Some(recognized_on), Some(expires_on)) =
        (errors.is_empty(), level, recognized_on, expires_on)
    {
        let t = NewTitle {
            level,
            batch: form.batch.trim().to_string(),
            recognized_on,
            expires_on,
        };
        let scope = auth.user().scope.clone();
        let actor = auth.actor();
        let day = today();
        let result = state
            .db
            .write(
                move |conn| match model::grant(conn, &actor, &scope, id, &t, day) {
                    Ok(_) => Ok(None),
                    Err(TitleError::Refused(r)) => Ok(Some(r)),
                    Err(TitleError::Db(e)) => Err(e.into()),
                },
            )
            .await?;
        match result {
            None => {
                return Ok(redirect_with_flash(
                    &state,
                    &format!("/enterprises/{id}"),
                    Flash::success("flash.title_granted"),
                ));
            }
            Some(r) => {
                let (field, key) = refusal_key(&r);
                errors.add(field, key);
            }
        }
    }
    let values: BTreeMap<String, String> = [
        ("level", &form.level),
        ("batch", &form.batch),
        ("recognized_on", &form.recognized_on),
        ("expires_on", &form.expires_on),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.clone()))
    .collect();
    let panel = PanelForm {
        values,
        errors,
        open: true,
    };
    let page = show_page(&state, &auth, ctx, id, PanelForm::default(), panel).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// The re-review and revocation forms.
#[derive(Debug, Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    pub note: String,
}

async fn title_action(
    auth: Auth,
    state: web::Data<AppState>,
    id: i32,
    note: String,
    revoke: bool,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let scope = auth.user().scope.clone();
    let actor = auth.actor();
    let day = today();
    let result = state
        .db
        .write(move |conn| {
            let r = if revoke {
                model::revoke(conn, &actor, &scope, id, &note, day)
            } else {
                model::re_review(conn, &actor, &scope, id, &note, day)
            };
            match r {
                Ok(q) => Ok(Ok(q.enterprise_id)),
                Err(TitleError::Refused(r)) => {
                    let q: model::Qualification = {
                        use crate::schema::qualifications;
                        use diesel::prelude::*;
                        qualifications::table.find(id).first(conn)?
                    };
                    Ok(Err((q.enterprise_id, r)))
                }
                Err(TitleError::Db(e)) => Err(e.into()),
            }
        })
        .await?;
    match result {
        Ok(eid) => {
            let key = if revoke {
                "flash.title_revoked"
            } else {
                "flash.title_extended"
            };
            Ok(redirect_with_flash(
                &state,
                &format!("/enterprises/{eid}"),
                Flash::success(key),
            ))
        }
        Err((eid, r)) => {
            let (_, key) = refusal_key(&r);
            Ok(redirect_with_flash(
                &state,
                &format!("/enterprises/{eid}"),
                Flash::error(key),
            ))
        }
    }
}

/// `POST /qualifications/{id}/re-review`: a passed re-review extends three years.
pub async fn re_review(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(f): CsrfForm<NoteForm>,
) -> Result<HttpResponse, AppError> {
    title_action(auth, state, path.into_inner(), f.note, false).await
}

/// `POST /qualifications/{id}/revocation`: revokes with a reason.
pub async fn revoke(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(f): CsrfForm<NoteForm>,
) -> Result<HttpResponse, AppError> {
    title_action(auth, state, path.into_inner(), f.note, true).await
}

/// The titles expiring in the next 90 days.
#[derive(Template)]
#[template(path = "enterprises/expiring.html")]
pub struct ExpiringPage {
    pub ctx: PageCtx,
    pub rows: Vec<ExpiringRow>,
    pub districts: Vec<District>,
    pub today: chrono::NaiveDate,
}

impl ExpiringPage {
    /// A district's name in the page language.
    pub fn district_name(&self, code: &str) -> String {
        District::name_of(&self.districts, code, self.ctx.locale)
    }

    /// Days left until `d`.
    pub fn days_left(&self, d: &chrono::NaiveDate) -> i64 {
        (*d - self.today).num_days()
    }
}

/// `GET /qualifications/expiring`
pub async fn expiring(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let scope = auth.user().scope.clone();
    let day = today();
    let until = day + chrono::Duration::days(qualification::REVIEW_WINDOW_DAYS);
    let (rows, districts) = state
        .db
        .read(move |conn| {
            Ok((
                model::expiring(conn, &scope, day, until)?,
                District::all(conn)?,
            ))
        })
        .await?;
    page(&ExpiringPage {
        ctx,
        rows,
        districts,
        today: day,
    })
}
