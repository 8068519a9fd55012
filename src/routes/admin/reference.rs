//! Reference data an admin maintains without code changes: districts, board entry
//! conditions, and MIIT rubric versions.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::auth::guard::ADMIN;
use crate::domain::district::DistrictCode;
use crate::domain::rubric::RubricDef;
use crate::domain::tier::{Check, EntryCondition, Tier};
use crate::error::AppError;
use crate::models::board::{self, ConditionRow};
use crate::models::district::{self, District};
use crate::models::rubric;
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// The reference-data page.
#[derive(Template)]
#[template(path = "admin/reference.html")]
pub struct ReferencePage {
    pub ctx: PageCtx,
    pub districts: Vec<District>,
    pub conditions: Vec<ConditionRow>,
    pub rubrics: Vec<(String, String, bool)>,
    pub tiers: [Tier; 3],
    pub district_form: DistrictForm,
    pub condition_form: ConditionForm,
    pub rubric_form: RubricForm,
    pub errors: FieldErrors,
    /// The rubric JSON's parse error, shown beside the text area.
    pub rubric_error: String,
}

async fn reference_page(
    state: &web::Data<AppState>,
    ctx: PageCtx,
) -> Result<ReferencePage, AppError> {
    let (districts, conditions, rubrics) = state
        .db
        .read(|conn| {
            use crate::schema::rubric_versions as rv;
            use diesel::prelude::*;
            let rubrics: Vec<(String, String, bool)> = rv::table
                .order((rv::code, rv::version))
                .select((rv::code, rv::version, rv::builtin))
                .load(conn)?;
            Ok((District::all(conn)?, board::condition_rows(conn)?, rubrics))
        })
        .await?;
    Ok(ReferencePage {
        ctx,
        districts,
        conditions,
        rubrics,
        tiers: Tier::ALL,
        district_form: DistrictForm::default(),
        condition_form: ConditionForm::default(),
        rubric_form: RubricForm::default(),
        errors: FieldErrors::default(),
        rubric_error: String::new(),
    })
}

/// `GET /admin/reference`
pub async fn show(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    page(&reference_page(&state, ctx).await?)
}

/// A new district.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DistrictForm {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
}

/// `POST /admin/districts`
pub async fn add_district(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<DistrictForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let mut errors = FieldErrors::default();
    let code = DistrictCode::parse(&form.code)
        .map_err(|_| errors.add("code", "field.district_code"))
        .ok();
    if form.name_zh.trim().is_empty() {
        errors.add("name_zh", "field.required");
    }
    if form.name_en.trim().is_empty() {
        errors.add("name_en", "field.required");
    }
    if let (true, Some(code)) = (errors.is_empty(), code) {
        let actor = auth.actor();
        let (zh, en) = (form.name_zh.clone(), form.name_en.clone());
        let added = state
            .db
            .write(move |conn| Ok(district::add(conn, &actor, &code, &zh, &en)?))
            .await?;
        if added {
            return Ok(redirect_with_flash(
                &state,
                "/admin/reference",
                Flash::success("flash.district_added"),
            ));
        }
        errors.add("code", "field.district_exists");
    }
    let mut p = reference_page(&state, ctx).await?;
    p.district_form = form;
    p.errors = errors;
    render(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

/// A new entry condition.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ConditionForm {
    pub tier: String,
    pub field: String,
    pub value: String,
    pub label_zh: String,
    pub label_en: String,
}

/// `POST /admin/board-conditions`
pub async fn add_condition(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ConditionForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let mut errors = FieldErrors::default();
    let tier = form
        .tier
        .parse::<Tier>()
        .map_err(|_| errors.add("tier", "field.tier"))
        .ok();
    let check = Check::parse(form.field.trim(), form.value.trim())
        .map_err(|_| errors.add("field", "field.condition"))
        .ok();
    if form.label_zh.trim().is_empty() {
        errors.add("label_zh", "field.required");
    }
    if form.label_en.trim().is_empty() {
        errors.add("label_en", "field.required");
    }
    if let (true, Some(tier), Some(check)) = (errors.is_empty(), tier, check) {
        let key = format!(
            "{}.{}{}",
            tier.as_str(),
            form.field.trim(),
            if form.value.trim().is_empty() {
                String::new()
            } else {
                format!(".{}", form.value.trim())
            }
        );
        let c = EntryCondition {
            key,
            tier,
            check,
            label_zh: form.label_zh.trim().into(),
            label_en: form.label_en.trim().into(),
        };
        let actor = auth.actor();
        let (field, value) = (form.field.trim().to_string(), form.value.trim().to_string());
        let added = state
            .db
            .write(move |conn| Ok(board::add_condition(conn, &actor, &c, &field, &value)?))
            .await?;
        if added {
            return Ok(redirect_with_flash(
                &state,
                "/admin/reference",
                Flash::success("flash.condition_added"),
            ));
        }
        errors.add("field", "field.condition_exists");
    }
    let mut p = reference_page(&state, ctx).await?;
    p.condition_form = form;
    p.errors = errors;
    render(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

/// Switching a condition on or off.
#[derive(Debug, Deserialize)]
pub struct ActiveForm {
    #[serde(default)]
    pub active: String,
}

/// `POST /admin/board-conditions/{id}/active`
pub async fn set_condition_active(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<ActiveForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let (id, actor, active) = (path.into_inner(), auth.actor(), form.active == "1");
    state
        .db
        .write(move |conn| Ok(board::set_condition_active(conn, &actor, id, active)?))
        .await?;
    Ok(redirect_with_flash(
        &state,
        "/admin/reference",
        Flash::success("flash.condition_saved"),
    ))
}

/// A new rubric version, as JSON.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RubricForm {
    pub definition: String,
}

/// `POST /admin/rubrics`: a later rubric version, added as data; refused with the
/// parser's message when it does not validate.
pub async fn add_rubric(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<RubricForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let error = match RubricDef::parse(&form.definition) {
        Err(e) => e,
        Ok(def) => {
            let actor = auth.actor();
            let (code, version) = (def.code.clone(), def.version.clone());
            let added = state
                .db
                .write(move |conn| {
                    let added = rubric::add_version(conn, &def)?;
                    if added {
                        crate::models::audit::record(
                            conn,
                            &actor,
                            crate::models::audit::Change {
                                action: "rubric.add",
                                entity: "rubric_version",
                                entity_id: Some(format!("{}/{}", def.code, def.version)),
                                ..Default::default()
                            },
                        )?;
                    }
                    Ok(added)
                })
                .await?;
            if added {
                return Ok(redirect_with_flash(
                    &state,
                    "/admin/reference",
                    Flash::success("flash.rubric_added").with_arg(format!("{code} {version}")),
                ));
            }
            format!("{code} {version}: exists already")
        }
    };
    let mut p = reference_page(&state, ctx).await?;
    p.rubric_form = form;
    p.rubric_error = error;
    render(StatusCode::UNPROCESSABLE_ENTITY, &p)
}
