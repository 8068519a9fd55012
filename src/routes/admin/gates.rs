//! The cultivation stage-gate checklists, kept as data: an admin adds items, edits
//! their labels and order, and switches them on or off without code changes.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::auth::guard::ADMIN;
use crate::domain::cultivation::{
    AutoCheck, GATE_KEY_MAX, GateItem, GateKind, IntermediaryKind, Step, is_gate_key,
};
use crate::domain::qualification::Level;
use crate::domain::tier::Tier;
use crate::error::AppError;
use crate::models::cultivation::{self as model, CultivationError, GateRow};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// The longest label, in characters.
const LABEL_MAX: usize = 100;
/// The highest position an item may have.
const POSITION_MAX: i32 = 1000;

/// The checklist page: one section per step, the add form below.
#[derive(Template)]
#[template(path = "admin/gates.html")]
pub struct GatesPage {
    pub ctx: PageCtx,
    pub sections: Vec<Section>,
    /// The steps the add form offers: the pipeline without potential.
    pub steps: Vec<Step>,
    pub fields: [&'static str; 10],
    pub levels: Vec<&'static str>,
    pub intermediaries: Vec<&'static str>,
    pub tiers: Vec<&'static str>,
    pub add_form: AddForm,
    /// Messages for the add form.
    pub errors: FieldErrors,
}

/// The items of one step; `step` is `None` for items stored under a step outside the
/// pipeline (an exit), listed so nothing in the table is hidden.
pub struct Section {
    pub step: Option<Step>,
    pub items: Vec<ItemView>,
}

/// One stored item with its edit form as typed (the stored values unless a save of
/// this row was refused).
pub struct ItemView {
    pub row: GateRow,
    pub form: EditForm,
    pub errors: FieldErrors,
}

impl GatesPage {
    /// The item's kind in words, e.g. "系统核验：持有有效资质或评价达标" or "人工确认".
    pub fn kind_text(&self, row: &GateRow) -> String {
        let ctx = &self.ctx;
        match GateKind::parse(&row.field, &row.value) {
            Ok(GateKind::Manual) => ctx.t("gate_field.manual"),
            Ok(GateKind::Auto(check)) => {
                let (field, value) = check.to_row();
                let arg = match check {
                    AutoCheck::MinLevel(l) => ctx.label("level", l.as_str()),
                    AutoCheck::HasIntermediary(k) => ctx.label("intermediary", k.as_str()),
                    AutoCheck::OnBoardTier(t) => ctx.label("tier", t.as_str()),
                    _ => value,
                };
                ctx.t1(
                    "gates.kind_auto",
                    &ctx.t1(&format!("gate_field.{field}"), &arg),
                )
            }
            Err(_) => ctx.t1(
                "gates.kind_unreadable",
                &format!("{} {}", row.field, row.value),
            ),
        }
    }

    /// A field's name as offered in the kind select, its value shown as "…".
    pub fn field_name(&self, field: &str) -> String {
        field_name(&self.ctx, field)
    }
}

fn field_name(ctx: &PageCtx, field: &str) -> String {
    ctx.t1(&format!("gate_field.{field}"), "…")
}

/// The steps an item may guard: every pipeline step but potential, which anyone may
/// enter (discovery has no entry conditions).
fn gated_steps() -> Vec<Step> {
    Step::PIPELINE
        .into_iter()
        .filter(|s| *s != Step::Potential)
        .collect()
}

/// A refused row edit: which row, what was typed, and why.
type RowEdit = (i32, EditForm, FieldErrors);

async fn gates_page(
    state: &web::Data<AppState>,
    ctx: PageCtx,
    mut edit: Option<RowEdit>,
) -> Result<GatesPage, AppError> {
    let rows = state.db.read(|conn| Ok(model::gate_rows(conn)?)).await?;
    if let Some((id, _, _)) = &edit
        && !rows.iter().any(|r| r.id == *id)
    {
        return Err(AppError::NotFound);
    }
    let mut sections: Vec<Section> = Step::PIPELINE
        .into_iter()
        .map(|s| Section {
            step: Some(s),
            items: Vec::new(),
        })
        .collect();
    let mut others = Section {
        step: None,
        items: Vec::new(),
    };
    for row in rows {
        let (form, errors) = match edit.take_if(|(id, _, _)| *id == row.id) {
            Some((_, form, errors)) => (form, errors),
            None => (EditForm::from(&row), FieldErrors::default()),
        };
        let section = sections
            .iter_mut()
            .find(|s| s.step.is_some_and(|step| step.as_str() == row.step))
            .unwrap_or(&mut others);
        section.items.push(ItemView { row, form, errors });
    }
    sections.push(others);
    sections.retain(|s| !s.items.is_empty());
    Ok(GatesPage {
        ctx,
        sections,
        steps: gated_steps(),
        fields: GateKind::FIELDS,
        levels: Level::ALL.iter().map(|l| l.as_str()).collect(),
        intermediaries: IntermediaryKind::ALL.iter().map(|k| k.as_str()).collect(),
        tiers: Tier::ALL.iter().map(|t| t.as_str()).collect(),
        add_form: AddForm::default(),
        errors: FieldErrors::default(),
    })
}

/// `GET /admin/gates`
pub async fn show(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    page(&gates_page(&state, ctx, None).await?)
}

/// Both labels: required, at most [`LABEL_MAX`] characters.
fn check_labels(errors: &mut FieldErrors, label_zh: &str, label_en: &str) {
    for (name, text) in [("label_zh", label_zh), ("label_en", label_en)] {
        let text = text.trim();
        if text.is_empty() {
            errors.add(name, "field.required");
        } else if text.chars().count() > LABEL_MAX {
            errors.add_with(name, "field.too_long", LABEL_MAX.to_string());
        }
    }
}

/// A position from 0 to [`POSITION_MAX`]; `Ok(None)` when left blank.
fn parse_position(errors: &mut FieldErrors, text: &str) -> Option<Option<i32>> {
    let text = text.trim();
    if text.is_empty() {
        return Some(None);
    }
    match text.parse::<i32>() {
        Ok(p) if (0..=POSITION_MAX).contains(&p) => Some(Some(p)),
        _ => {
            errors.add_with("position", "gates.position_range", POSITION_MAX.to_string());
            None
        }
    }
}

/// A new checklist item as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AddForm {
    pub step: String,
    pub field: String,
    pub value: String,
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub position: String,
}

/// The kind from the form's field and value, or a message beside the one at fault.
fn parse_kind(
    ctx: &PageCtx,
    errors: &mut FieldErrors,
    field: &str,
    value: &str,
) -> Option<GateKind> {
    if !GateKind::FIELDS.contains(&field) {
        errors.add("field", "gates.field_invalid");
        return None;
    }
    if !GateKind::takes_value(field) && !value.is_empty() {
        errors.add_with("value", "gates.value_unused", field_name(ctx, field));
        return None;
    }
    match GateKind::parse(field, value) {
        Ok(kind) => Some(kind),
        Err(_) => {
            let one_of = |keys: Vec<&str>| keys.join(", ");
            match field {
                "min_level" => errors.add_with(
                    "value",
                    "gates.value_one_of",
                    one_of(Level::ALL.iter().map(|l| l.as_str()).collect()),
                ),
                "intermediary" => errors.add_with(
                    "value",
                    "gates.value_one_of",
                    one_of(IntermediaryKind::ALL.iter().map(|k| k.as_str()).collect()),
                ),
                "board_tier" => errors.add_with(
                    "value",
                    "gates.value_one_of",
                    one_of(Tier::ALL.iter().map(|t| t.as_str()).collect()),
                ),
                _ => errors.add("value", "gates.value_days"),
            }
            None
        }
    }
}

/// `POST /admin/gates`: a new item, active at once; refused with the input kept and
/// a message beside each bad field.
pub async fn add(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<AddForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let mut errors = FieldErrors::default();
    let step = form
        .step
        .parse::<Step>()
        .ok()
        .filter(|s| gated_steps().contains(s));
    if step.is_none() {
        errors.add("step", "gates.step_invalid");
    }
    let kind = parse_kind(&ctx, &mut errors, form.field.trim(), form.value.trim());
    let key = form.key.trim();
    if key.is_empty() {
        errors.add("key", "field.required");
    } else if key.chars().count() > GATE_KEY_MAX {
        errors.add_with("key", "field.too_long", GATE_KEY_MAX.to_string());
    } else if !is_gate_key(key) {
        errors.add("key", "gates.key_format");
    }
    check_labels(&mut errors, &form.label_zh, &form.label_en);
    let position = parse_position(&mut errors, &form.position);
    if let (true, Some(step), Some(kind), Some(position)) =
        (errors.is_empty(), step, kind, position)
    {
        let item = GateItem {
            key: key.to_string(),
            step,
            kind,
            label_zh: form.label_zh.trim().into(),
            label_en: form.label_en.trim().into(),
        };
        let actor = auth.actor();
        let added = state
            .db
            .write(move |conn| {
                let position = match position {
                    Some(p) => p,
                    None => model::next_gate_position(conn, step)?.min(POSITION_MAX),
                };
                Ok(model::add_gate_item(conn, &actor, &item, position)?)
            })
            .await?;
        if added {
            return Ok(redirect_with_flash(
                &state,
                "/admin/gates",
                Flash::success("flash.gate_added").with_arg(key),
            ));
        }
        errors.add("key", "gates.key_taken");
    }
    let mut p = gates_page(&state, ctx, None).await?;
    p.add_form = form;
    p.errors = errors;
    render(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

/// An item's editable parts as typed; `active` is "1" when the box is ticked.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    pub label_zh: String,
    pub label_en: String,
    pub position: String,
    pub active: String,
}

impl From<&GateRow> for EditForm {
    fn from(row: &GateRow) -> EditForm {
        EditForm {
            label_zh: row.label_zh.clone(),
            label_en: row.label_en.clone(),
            position: row.position.to_string(),
            active: if row.active {
                "1".into()
            } else {
                String::new()
            },
        }
    }
}

/// `POST /admin/gates/{id}`: new labels, position and on/off state; the field and
/// value stay as they are (a different check is a new item).
pub async fn update(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<EditForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let id = path.into_inner();
    let mut errors = FieldErrors::default();
    check_labels(&mut errors, &form.label_zh, &form.label_en);
    let position = match parse_position(&mut errors, &form.position) {
        Some(None) => {
            errors.add("position", "field.required");
            None
        }
        other => other.flatten(),
    };
    if let (true, Some(position)) = (errors.is_empty(), position) {
        let actor = auth.actor();
        let (zh, en, active) = (
            form.label_zh.clone(),
            form.label_en.clone(),
            form.active == "1",
        );
        state
            .db
            .write(move |conn| {
                match model::update_gate_item(conn, &actor, id, &zh, &en, position, active) {
                    Ok(()) => Ok(()),
                    Err(CultivationError::NotFound) => Err(AppError::NotFound),
                    Err(CultivationError::Db(e)) => Err(e.into()),
                    Err(other) => Err(anyhow::Error::new(other).into()),
                }
            })
            .await?;
        return Ok(redirect_with_flash(
            &state,
            "/admin/gates",
            Flash::success("flash.gate_saved"),
        ));
    }
    let p = gates_page(&state, ctx, Some((id, form, errors))).await?;
    render(StatusCode::UNPROCESSABLE_ENTITY, &p)
}
