//! The development index's admin side: model versions and their trees, local
//! indicators ("60+N"), editing a whole model as JSON, revising weights (direct,
//! AHP, entropy, blended) and full recomputation of a period. Admins change;
//! officials read; nobody else sees these pages.

use std::collections::HashMap;
use std::time::Instant;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::auth::Auth;
use crate::auth::csrf::{CsrfForm, Empty};
use crate::domain::index::Direction;
use crate::domain::index::ahp::{AhpError, PairwiseMatrix, Priorities};
use crate::domain::index::entropy::{self, EntropyWeights};
use crate::domain::index::model::{Derivation, IndexModel, Indicator, ModelProblem, Source};
use crate::domain::index::normalise::Method;
use crate::domain::index::period::Period;
use crate::domain::index::weights::{self, WeightNode};
use crate::domain::role::Role;
use crate::error::AppError;
use crate::models::audit::{self, Change};
use crate::models::index::{self as store, ModelRow};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// Who may read these pages.
pub const READERS: &[Role] = &[Role::Admin, Role::Official];
/// Who may change the model.
pub const EDITORS: &[Role] = &[Role::Admin];

// ---------------------------------------------------------------- the tree

/// One line of a model's tree.
pub struct TreeRow {
    /// 1 dimension, 2 sub-dimension, 3 indicator.
    pub level: u8,
    pub key: String,
    pub label: String,
    pub core: bool,
    pub unit: String,
    pub direction: String,
    pub source: String,
    pub normalisation: String,
    pub weight: f64,
    /// Effective share of the total, 0..1.
    pub share: f64,
}

fn label(ctx: &PageCtx, zh: &str, en: &str) -> String {
    ctx.locale.pick(zh, en).to_string()
}

fn derivation_name(d: Derivation) -> String {
    serde_json::to_value(d)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn source_text(s: &Source) -> String {
    match s {
        Source::Derived(d) => format!("derived: {}", derivation_name(*d)),
        Source::Entered => "entered".into(),
        Source::Expert => "expert".into(),
    }
}

fn method_text(m: &Method) -> String {
    match m {
        Method::MinMax => "min_max".into(),
        Method::ZScore => "z_score".into(),
        Method::Efficacy => "efficacy".into(),
        Method::Bands(b) => format!("bands {}", weights::bands_text(b).replace('\n', ", ")),
    }
}

fn tree_rows(ctx: &PageCtx, m: &IndexModel) -> Vec<TreeRow> {
    let shares = weights::effective_shares(m);
    let share = |k: &str| shares.get(k).copied().unwrap_or(0.0);
    let mut out = Vec::new();
    for d in &m.dimensions {
        out.push(TreeRow {
            level: 1,
            key: d.key.clone(),
            label: label(ctx, &d.label_zh, &d.label_en),
            core: d.core,
            unit: String::new(),
            direction: String::new(),
            source: String::new(),
            normalisation: String::new(),
            weight: d.weight,
            share: share(&d.key),
        });
        for s in &d.subs {
            out.push(TreeRow {
                level: 2,
                key: s.key.clone(),
                label: label(ctx, &s.label_zh, &s.label_en),
                core: false,
                unit: String::new(),
                direction: String::new(),
                source: String::new(),
                normalisation: String::new(),
                weight: s.weight,
                share: share(&s.key),
            });
            for i in &s.indicators {
                out.push(TreeRow {
                    level: 3,
                    key: i.key.clone(),
                    label: label(ctx, &i.label_zh, &i.label_en),
                    core: false,
                    unit: i.unit.clone(),
                    direction: i.direction.as_str().to_string(),
                    source: source_text(&i.source),
                    normalisation: method_text(&i.normalisation),
                    weight: i.weight,
                    share: share(&i.key),
                });
            }
        }
    }
    out
}

fn parse_model(row: &ModelRow) -> Result<IndexModel, AppError> {
    Ok(row.scorer()?.model().clone())
}

// ---------------------------------------------------------------- overview

/// A period with its last full computation.
pub struct PeriodLine {
    pub period: String,
    pub computed_at: Option<chrono::NaiveDateTime>,
    pub model_version: Option<i32>,
}

/// `/admin/index` and `/admin/index/models/{id}`.
#[derive(Template)]
#[template(path = "index/admin/overview.html")]
pub struct OverviewPage {
    pub ctx: PageCtx,
    pub versions: Vec<ModelRow>,
    /// The version whose tree is shown.
    pub shown: ModelRow,
    pub dimension_count: usize,
    pub indicator_count: usize,
    pub tree: Vec<TreeRow>,
    pub periods: Vec<PeriodLine>,
    /// Only on the overview (not on a version's page).
    pub overview: bool,
    pub can_edit: bool,
    /// The recompute form's typed period and its error.
    pub period_text: String,
    pub errors: FieldErrors,
}

impl OverviewPage {
    pub fn pct(&self, share: &f64) -> String {
        format!("{:.2}%", share * 100.0)
    }
}

struct OverviewData {
    versions: Vec<ModelRow>,
    shown: ModelRow,
    periods: Vec<PeriodLine>,
}

async fn overview_data(
    state: &web::Data<AppState>,
    id: Option<i32>,
) -> Result<OverviewData, AppError> {
    state
        .db
        .read(move |conn| {
            let versions = store::versions(conn)?;
            let shown = match id {
                Some(id) => store::model(conn, id)?.ok_or(AppError::NotFound)?,
                None => store::active(conn)?,
            };
            let version_of: HashMap<i32, i32> =
                versions.iter().map(|v| (v.id, v.version)).collect();
            let periods = store::periods(conn)?
                .into_iter()
                .map(|p| PeriodLine {
                    model_version: p.model_id.and_then(|id| version_of.get(&id).copied()),
                    period: p.period,
                    computed_at: p.computed_at,
                })
                .collect();
            Ok(OverviewData {
                versions,
                shown,
                periods,
            })
        })
        .await
}

async fn overview_page(
    auth: &Auth,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    id: Option<i32>,
) -> Result<OverviewPage, AppError> {
    let data = overview_data(state, id).await?;
    let model = parse_model(&data.shown)?;
    Ok(OverviewPage {
        tree: tree_rows(&ctx, &model),
        dimension_count: model.dimensions.len(),
        indicator_count: model.indicators().count(),
        ctx,
        versions: data.versions,
        shown: data.shown,
        periods: data.periods,
        overview: id.is_none(),
        can_edit: auth.require(EDITORS).is_ok(),
        period_text: String::new(),
        errors: FieldErrors::default(),
    })
}

/// `GET /admin/index`
pub async fn overview(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    page(&overview_page(&auth, ctx, &state, None).await?)
}

/// `GET /admin/index/models/{id}`
pub async fn show_model(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    page(&overview_page(&auth, ctx, &state, Some(path.into_inner())).await?)
}

/// `POST /admin/index/models/{id}/activate`
pub async fn activate(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let actor = auth.actor();
    let version = state
        .db
        .write(move |conn| {
            let before = store::active(conn)?;
            let row = store::model(conn, id)?.ok_or(AppError::NotFound)?;
            store::activate(conn, id)?;
            audit::record(
                conn,
                &actor,
                Change {
                    action: "index.model.activate",
                    entity: "index_model",
                    entity_id: Some(id.to_string()),
                    before: Some(serde_json::json!({"active_version": before.version})),
                    after: Some(serde_json::json!({"active_version": row.version})),
                    ..Default::default()
                },
            )?;
            Ok(row.version)
        })
        .await?;
    Ok(redirect_with_flash(
        &state,
        "/admin/index",
        Flash::success("index_admin.activated").with_arg(version.to_string()),
    ))
}

/// The recompute form.
#[derive(Debug, Deserialize)]
pub struct RecomputeForm {
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub period_text: String,
}

/// `POST /admin/index/recompute`: a full computation of one period.
pub async fn recompute(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<RecomputeForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let typed = form.period_text.trim();
    let chosen = if typed.is_empty() {
        form.period.trim()
    } else {
        typed
    };
    let Ok(p) = chosen.parse::<Period>() else {
        let mut page = overview_page(&auth, ctx, &state, None).await?;
        page.period_text = form.period_text.clone();
        page.errors.add("period", "index_admin.bad_period");
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let actor = auth.actor();
    let started = Instant::now();
    let done = state
        .db
        .read(move |conn| Ok(store::recompute_period(conn, &actor, p, &mut |_, _, _| {})?))
        .await?;
    let text = ctx
        .t("index_admin.recomputed")
        .replace("%{period}", &p.to_string())
        .replace("%{n}", &done.scored.to_string())
        .replace("%{s}", &format!("{:.2}", started.elapsed().as_secs_f64()));
    Ok(redirect_with_flash(
        &state,
        "/admin/index",
        Flash::success("index_admin.plain").with_arg(text),
    ))
}

// ---------------------------------------------------------------- JSON

/// `GET/POST /admin/index/models/{id}/json`
#[derive(Template)]
#[template(path = "index/admin/json.html")]
pub struct JsonPage {
    pub ctx: PageCtx,
    pub row: ModelRow,
    pub json: String,
    pub note: String,
    pub errors: FieldErrors,
    pub problems: Vec<String>,
    pub can_edit: bool,
}

async fn load_row(state: &web::Data<AppState>, id: i32) -> Result<ModelRow, AppError> {
    state
        .db
        .read(move |conn| store::model(conn, id)?.ok_or(AppError::NotFound))
        .await
}

/// `GET /admin/index/models/{id}/json`
pub async fn json_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let row = load_row(&state, path.into_inner()).await?;
    let json = parse_model(&row)?.to_json();
    page(&JsonPage {
        ctx,
        row,
        json,
        note: String::new(),
        errors: FieldErrors::default(),
        problems: Vec::new(),
        can_edit: auth.require(EDITORS).is_ok(),
    })
}

/// The JSON form.
#[derive(Debug, Deserialize)]
pub struct JsonForm {
    #[serde(default)]
    pub json: String,
    #[serde(default)]
    pub note: String,
}

/// Saves `model` as the next version (validated by the caller); audited.
async fn save_version(
    state: &web::Data<AppState>,
    auth: &Auth,
    model: IndexModel,
    note: String,
) -> Result<(i32, u32), AppError> {
    let actor = auth.actor();
    let user = auth.user().id;
    state
        .db
        .write(move |conn| {
            let before = store::active(conn)?;
            let code = model.code.clone();
            let (id, version) = store::add_version(conn, model, &note, user)?;
            audit::record(
                conn,
                &actor,
                Change {
                    action: "index.model.version",
                    entity: "index_model",
                    entity_id: Some(id.to_string()),
                    before: Some(serde_json::json!({"active_version": before.version})),
                    after: Some(serde_json::json!({
                        "code": code, "version": version, "note": note,
                    })),
                    ..Default::default()
                },
            )?;
            Ok((id, version))
        })
        .await
}

fn saved_redirect(state: &web::Data<AppState>, version: u32) -> HttpResponse {
    redirect_with_flash(
        state,
        "/admin/index",
        Flash::success("index_admin.version_saved").with_arg(version.to_string()),
    )
}

/// `POST /admin/index/models/{id}/json`
pub async fn save_json(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<JsonForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let row = load_row(&state, path.into_inner()).await?;
    let mut errors = FieldErrors::default();
    let mut problems = Vec::new();
    let note = form.note.trim().to_string();
    if note.is_empty() {
        errors.add("note", "index_admin.note_required");
    }
    match IndexModel::from_json(&form.json) {
        Err(e) => errors.add_with(
            "json",
            "index_admin.json_parse",
            format!("{}:{} {e}", e.line(), e.column()),
        ),
        Ok(model) => {
            if let Err(ps) = model.validate() {
                problems = ps.iter().map(ToString::to_string).collect();
                errors.add("json", "index_admin.model_invalid");
            } else if errors.is_empty() {
                let (_, version) = save_version(&state, &auth, model, note).await?;
                return Ok(saved_redirect(&state, version));
            }
        }
    }
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &JsonPage {
            ctx,
            row,
            json: form.json,
            note: form.note,
            errors,
            problems,
            can_edit: true,
        },
    )
}

// ---------------------------------------------------------------- local indicators

/// The new-indicator form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct IndicatorForm {
    pub sub: String,
    pub key: String,
    pub label_zh: String,
    pub label_en: String,
    pub definition_zh: String,
    pub definition_en: String,
    pub unit: String,
    pub direction: String,
    pub source: String,
    pub derivation: String,
    pub method: String,
    pub bands: String,
    pub weight: String,
    pub note: String,
}

/// A sub-dimension to choose.
pub struct SubChoice {
    pub key: String,
    pub label: String,
}

/// `GET/POST /admin/index/indicators/new`
#[derive(Template)]
#[template(path = "index/admin/indicator.html")]
pub struct IndicatorPage {
    pub ctx: PageCtx,
    pub form: IndicatorForm,
    pub subs: Vec<SubChoice>,
    pub derivations: Vec<String>,
    pub errors: FieldErrors,
    pub problems: Vec<String>,
}

fn sub_choices(ctx: &PageCtx, m: &IndexModel) -> Vec<SubChoice> {
    m.dimensions
        .iter()
        .flat_map(|d| {
            d.subs.iter().map(move |s| SubChoice {
                key: s.key.clone(),
                label: format!(
                    "{} / {}",
                    label(ctx, &d.label_zh, &d.label_en),
                    label(ctx, &s.label_zh, &s.label_en)
                ),
            })
        })
        .collect()
}

async fn active_model(state: &web::Data<AppState>) -> Result<IndexModel, AppError> {
    let row = state.db.read(|conn| Ok(store::active(conn)?)).await?;
    parse_model(&row)
}

fn indicator_page(ctx: PageCtx, m: &IndexModel, form: IndicatorForm) -> IndicatorPage {
    IndicatorPage {
        subs: sub_choices(&ctx, m),
        ctx,
        form,
        derivations: Derivation::ALL
            .iter()
            .map(|d| derivation_name(*d))
            .collect(),
        errors: FieldErrors::default(),
        problems: Vec::new(),
    }
}

/// `GET /admin/index/indicators/new`
pub async fn new_indicator(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let m = active_model(&state).await?;
    let form = IndicatorForm {
        direction: "higher".into(),
        source: "entered".into(),
        method: "min_max".into(),
        weight: "0.1".into(),
        ..Default::default()
    };
    page(&indicator_page(ctx, &m, form))
}

fn is_key(key: &str) -> bool {
    key.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn key_taken(m: &IndexModel, key: &str) -> bool {
    key == crate::domain::index::model::TOTAL_KEY
        || m.dimensions.iter().any(|d| {
            d.key == key
                || d.subs
                    .iter()
                    .any(|s| s.key == key || s.indicators.iter().any(|i| i.key == key))
        })
}

/// The indicator the form describes, or the problems by field.
fn build_indicator(
    m: &IndexModel,
    f: &IndicatorForm,
    errors: &mut FieldErrors,
) -> Option<Indicator> {
    let key = f.key.trim();
    if !is_key(key) {
        errors.add("key", "index_admin.bad_key");
    } else if key_taken(m, key) {
        errors.add("key", "index_admin.key_taken");
    }
    if WeightNode::find(m, f.sub.trim()).is_none_or(|n| !matches!(n, WeightNode::Sub(..))) {
        errors.add("sub", "index_admin.choose_sub");
    }
    for (field, value) in [
        ("label_zh", &f.label_zh),
        ("label_en", &f.label_en),
        ("definition_zh", &f.definition_zh),
        ("definition_en", &f.definition_en),
        ("unit", &f.unit),
    ] {
        if value.trim().is_empty() {
            errors.add(field, "index_admin.required");
        }
    }
    let direction = match f.direction.parse::<Direction>() {
        Ok(d) => Some(d),
        Err(_) => {
            errors.add("direction", "index_admin.required");
            None
        }
    };
    let source = match f.source.as_str() {
        "entered" => Some(Source::Entered),
        "expert" => Some(Source::Expert),
        "derived" => match serde_json::from_value::<Derivation>(serde_json::Value::String(
            f.derivation.trim().to_string(),
        )) {
            Ok(d) => Some(Source::Derived(d)),
            Err(_) => {
                errors.add("derivation", "index_admin.choose_derivation");
                None
            }
        },
        _ => {
            errors.add("source", "index_admin.required");
            None
        }
    };
    let method = match f.method.as_str() {
        "min_max" => Some(Method::MinMax),
        "z_score" => Some(Method::ZScore),
        "efficacy" => Some(Method::Efficacy),
        "bands" => match weights::parse_bands(&f.bands) {
            Ok(b) => Some(Method::Bands(b)),
            Err(e) => {
                errors.add_with("bands", "index_admin.bad_bands", e.to_string());
                None
            }
        },
        _ => {
            errors.add("method", "index_admin.required");
            None
        }
    };
    let weight = match weights::parse_number(&f.weight) {
        Some(w) if w > 0.0 => Some(w),
        _ => {
            errors.add("weight", "index_admin.bad_weight");
            None
        }
    };
    if f.note.trim().is_empty() {
        errors.add("note", "index_admin.note_required");
    }
    if !errors.is_empty() {
        return None;
    }
    Some(Indicator {
        key: key.to_string(),
        label_zh: f.label_zh.trim().to_string(),
        label_en: f.label_en.trim().to_string(),
        definition_zh: f.definition_zh.trim().to_string(),
        definition_en: f.definition_en.trim().to_string(),
        unit: f.unit.trim().to_string(),
        direction: direction?,
        source: source?,
        normalisation: method?,
        weight: weight?,
    })
}

/// `POST /admin/index/indicators/new`: adds the indicator as a new model version.
pub async fn create_indicator(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<IndicatorForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let m = active_model(&state).await?;
    let mut errors = FieldErrors::default();
    let mut problems = Vec::new();
    if let Some(ind) = build_indicator(&m, &form, &mut errors)
        && let Some(WeightNode::Sub(d, s)) = WeightNode::find(&m, form.sub.trim())
    {
        let mut next = m.clone();
        next.dimensions[d].subs[s].indicators.push(ind);
        match next.validate() {
            Ok(()) => {
                let (_, version) =
                    save_version(&state, &auth, next, form.note.trim().to_string()).await?;
                return Ok(saved_redirect(&state, version));
            }
            Err(ps) => {
                for p in &ps {
                    match p {
                        ModelProblem::BadBands { reason, .. } => {
                            errors.add_with("bands", "index_admin.bad_bands", *reason)
                        }
                        other => problems.push(other.to_string()),
                    }
                }
            }
        }
    }
    let mut page = indicator_page(ctx, &m, form);
    page.errors = errors;
    page.problems = problems;
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

// ---------------------------------------------------------------- weights

/// Which node's children are weighted.
#[derive(Debug, Deserialize)]
pub struct NodeQuery {
    pub node: Option<String>,
}

/// One cell of the pairwise matrix form.
pub struct Cell {
    /// The input's name (empty: not an input).
    pub name: String,
    pub value: String,
}

/// One child's line in the comparison of current and new weights.
pub struct WeightLine {
    pub key: String,
    pub label: String,
    /// Stored weight.
    pub stored: f64,
    /// Stored, normalised.
    pub current: f64,
    /// The computed weight (normalised), when there is a result.
    pub new: Option<f64>,
    /// Entropy e_j, when entropy was computed.
    pub entropy: Option<Option<f64>>,
}

/// A node to choose.
pub struct NodeChoice {
    pub key: String,
    pub label: String,
}

/// `GET/POST /admin/index/weights`
#[derive(Template)]
#[template(path = "index/admin/weights.html")]
pub struct WeightsPage {
    pub ctx: PageCtx,
    pub node: String,
    pub node_label: String,
    pub nodes: Vec<NodeChoice>,
    pub lines: Vec<WeightLine>,
    pub method: String,
    /// Direct weights as typed, one per child.
    pub direct: Vec<String>,
    pub matrix: Vec<Vec<Cell>>,
    pub periods: Vec<String>,
    pub period: String,
    pub share: String,
    pub note: String,
    pub ahp: Option<Priorities>,
    pub equal_fallback: bool,
    /// Whether the entropy column is shown.
    pub show_entropy: bool,
    pub errors: FieldErrors,
    pub can_edit: bool,
    /// Whether a result is shown (a preview).
    pub previewed: bool,
}

impl WeightsPage {
    pub fn pct(&self, w: &f64) -> String {
        format!("{:.2}%", w * 100.0)
    }

    pub fn f3(&self, x: &f64) -> String {
        format!("{x:.4}")
    }

    /// Bar width, 0..100.
    pub fn bar(&self, w: &f64) -> String {
        format!("{:.1}", (w * 100.0).clamp(0.0, 100.0))
    }
}

fn node_label(ctx: &PageCtx, m: &IndexModel, node: WeightNode) -> String {
    match node {
        WeightNode::Total => ctx.t("index_admin.node_total"),
        WeightNode::Dimension(d) => {
            label(ctx, &m.dimensions[d].label_zh, &m.dimensions[d].label_en)
        }
        WeightNode::Sub(d, s) => {
            let dim = &m.dimensions[d];
            let sub = &dim.subs[s];
            format!(
                "{} / {}",
                label(ctx, &dim.label_zh, &dim.label_en),
                label(ctx, &sub.label_zh, &sub.label_en)
            )
        }
    }
}

fn matrix_cells(n: usize, values: &HashMap<String, String>) -> Vec<Vec<Cell>> {
    (0..n)
        .map(|i| {
            (0..n)
                .map(|j| {
                    if i == j {
                        Cell {
                            name: String::new(),
                            value: "1".into(),
                        }
                    } else if j > i {
                        let name = format!("a{i}_{j}");
                        let value = values.get(&name).cloned().unwrap_or_else(|| "1".into());
                        Cell { name, value }
                    } else {
                        let upper = values
                            .get(&format!("a{j}_{i}"))
                            .map(String::as_str)
                            .unwrap_or("1");
                        let value = match weights::parse_number(upper) {
                            Some(v) if v > 0.0 => reciprocal_text(v),
                            _ => "?".into(),
                        };
                        Cell {
                            name: String::new(),
                            value,
                        }
                    }
                })
                .collect()
        })
        .collect()
}

fn reciprocal_text(v: f64) -> String {
    let r = 1.0 / v;
    if (r - r.round()).abs() < 1e-9 {
        format!("{}", r.round())
    } else if ((1.0 / r) - (1.0 / r).round()).abs() < 1e-9 {
        format!("1/{}", (1.0 / r).round())
    } else {
        format!("{r:.3}")
    }
}

struct WeightsState {
    model: IndexModel,
    node: WeightNode,
    periods: Vec<String>,
    latest: Option<String>,
}

async fn weights_state(state: &web::Data<AppState>, key: &str) -> Result<WeightsState, AppError> {
    let (row, periods, latest) = state
        .db
        .read(|conn| {
            Ok((
                store::active(conn)?,
                store::periods(conn)?,
                store::latest_computed(conn)?,
            ))
        })
        .await?;
    let model = parse_model(&row)?;
    let node = WeightNode::find(&model, key).ok_or(AppError::NotFound)?;
    Ok(WeightsState {
        model,
        node,
        periods: periods
            .into_iter()
            .filter(|p| p.computed_at.is_some())
            .map(|p| p.period)
            .collect(),
        latest: latest.map(|p| p.to_string()),
    })
}

fn weights_page(
    ctx: PageCtx,
    auth: &Auth,
    ws: &WeightsState,
    values: &HashMap<String, String>,
) -> WeightsPage {
    let m = &ws.model;
    let children = ws.node.children(m);
    let current = weights::normalised(&children.iter().map(|c| c.weight).collect::<Vec<_>>());
    let lines = children
        .iter()
        .zip(&current)
        .map(|(c, w)| WeightLine {
            key: c.key.clone(),
            label: label(&ctx, &c.label_zh, &c.label_en),
            stored: c.weight,
            current: *w,
            new: None,
            entropy: None,
        })
        .collect();
    let direct = children
        .iter()
        .enumerate()
        .map(|(i, c)| {
            values
                .get(&format!("w{i}"))
                .cloned()
                .unwrap_or_else(|| c.weight.to_string())
        })
        .collect();
    let get = |k: &str| values.get(k).cloned().unwrap_or_default();
    let mut nodes = Vec::new();
    for n in weights::nodes(m) {
        let depth = match n {
            WeightNode::Total => "",
            WeightNode::Dimension(_) => "— ",
            WeightNode::Sub(..) => "— — ",
        };
        nodes.push(NodeChoice {
            key: n.key(m),
            label: format!("{depth}{}", node_label(&ctx, m, n)),
        });
    }
    WeightsPage {
        node: ws.node.key(m),
        node_label: node_label(&ctx, m, ws.node),
        nodes,
        lines,
        method: values
            .get("method")
            .cloned()
            .unwrap_or_else(|| "direct".into()),
        direct,
        matrix: matrix_cells(children.len(), values),
        periods: ws.periods.clone(),
        period: values
            .get("period")
            .cloned()
            .or_else(|| ws.latest.clone())
            .unwrap_or_default(),
        share: values.get("share").cloned().unwrap_or_else(|| "0.5".into()),
        note: get("note"),
        ahp: None,
        equal_fallback: false,
        show_entropy: false,
        errors: FieldErrors::default(),
        can_edit: auth.require(EDITORS).is_ok(),
        previewed: false,
        ctx,
    }
}

/// `GET /admin/index/weights?node=<key>`
pub async fn weights_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<NodeQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let key = q.node.clone().unwrap_or_else(|| "total".into());
    let ws = weights_state(&state, &key).await?;
    page(&weights_page(ctx, &auth, &ws, &HashMap::new()))
}

/// The AHP weights from the typed upper triangle, or the message for the matrix.
fn ahp_weights(
    labels: &[String],
    values: &HashMap<String, String>,
    errors: &mut FieldErrors,
) -> Option<Priorities> {
    let n = labels.len();
    let mut upper = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            let text = values.get(&format!("a{i}_{j}")).map_or("", String::as_str);
            match weights::parse_number(text) {
                Some(v) => upper.push(v),
                None => {
                    errors.add_with(
                        "matrix",
                        "index_admin.ahp_unreadable",
                        format!("{} / {}: '{text}'", labels[i], labels[j]),
                    );
                    return None;
                }
            }
        }
    }
    let result = PairwiseMatrix::from_upper(n, &upper).and_then(|m| m.check());
    match result {
        Ok(p) => Some(p),
        Err(e) => {
            let arg = match &e {
                AhpError::Inconsistent { cr, i, j, .. } => {
                    format!("CR = {cr:.3}; {} / {} — {e}", labels[*i], labels[*j])
                }
                _ => e.to_string(),
            };
            let key = if matches!(e, AhpError::Inconsistent { .. }) {
                "index_admin.ahp_inconsistent"
            } else {
                "index_admin.ahp_invalid"
            };
            errors.add_with("matrix", key, arg);
            None
        }
    }
}

/// Entropy weights of the node's children over a period's stored scores.
async fn entropy_weights(
    state: &web::Data<AppState>,
    ws: &WeightsState,
    period: &str,
    errors: &mut FieldErrors,
) -> Result<Option<EntropyWeights>, AppError> {
    let Ok(p) = period.parse::<Period>() else {
        errors.add("period", "index_admin.bad_period");
        return Ok(None);
    };
    let rows = state
        .db
        .read(move |conn| {
            let rows = store::period_scores(conn, p)?;
            let mut models: HashMap<i32, IndexModel> = HashMap::new();
            for r in &rows {
                if !models.contains_key(&r.model_id)
                    && let Some(row) = store::model(conn, r.model_id)?
                {
                    models.insert(r.model_id, parse_model(&row)?);
                }
            }
            Ok((rows, models))
        })
        .await?;
    let (rows, models) = rows;
    let node = ws.node;
    let children = node.children(&ws.model);
    let keys: Vec<String> = children.iter().map(|c| c.key.clone()).collect();
    let directions: Vec<Direction> = if node.has_indicators() {
        keys.iter()
            .map(|k| {
                ws.model
                    .indicator(k)
                    .map_or(Direction::HigherIsBetter, |i| i.direction)
            })
            .collect()
    } else {
        vec![Direction::HigherIsBetter; keys.len()]
    };
    let mut data = Vec::new();
    for r in &rows {
        let Some(m) = models.get(&r.model_id) else {
            continue;
        };
        let at = node.locate(m, &keys);
        let detail = r.detail();
        let dims = r.dims();
        let column: &[Option<f64>] = match node {
            WeightNode::Total => &dims,
            WeightNode::Dimension(_) => &detail.subs,
            WeightNode::Sub(..) => &detail.raw,
        };
        data.push(
            at.iter()
                .map(|pos| pos.and_then(|p| column.get(p).copied().flatten()))
                .collect::<Vec<_>>(),
        );
    }
    match entropy::weights(&data, &directions) {
        Ok(w) => Ok(Some(w)),
        Err(e) => {
            errors.add_with("period", "index_admin.entropy_failed", e.to_string());
            Ok(None)
        }
    }
}

/// `POST /admin/index/weights?node=<key>`: preview or save as a new version.
pub async fn weights_post(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<NodeQuery>,
    CsrfForm(values): CsrfForm<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let key = values
        .get("node")
        .cloned()
        .or_else(|| q.node.clone())
        .unwrap_or_else(|| "total".into());
    let ws = weights_state(&state, &key).await?;
    let mut page = weights_page(ctx, &auth, &ws, &values);
    let labels: Vec<String> = page.lines.iter().map(|l| l.label.clone()).collect();
    let mut errors = FieldErrors::default();
    let method = page.method.clone();
    let mut result: Option<Vec<f64>> = None;
    match method.as_str() {
        "direct" => {
            let parsed: Vec<Option<f64>> = page
                .direct
                .iter()
                .map(|t| weights::parse_number(t))
                .collect();
            if parsed.iter().any(|w| !w.is_some_and(|w| w > 0.0)) {
                errors.add("weights", "index_admin.bad_weight");
            } else {
                result = Some(weights::normalised(
                    &parsed.into_iter().flatten().collect::<Vec<_>>(),
                ));
            }
        }
        "ahp" => {
            if let Some(p) = ahp_weights(&labels, &values, &mut errors) {
                result = Some(p.weights.clone());
                page.ahp = Some(p);
            }
        }
        "entropy" | "combined" => {
            let share = if method == "combined" {
                match weights::parse_number(&page.share) {
                    Some(a) if (0.0..=1.0).contains(&a) => Some(a),
                    _ => {
                        errors.add("share", "index_admin.bad_share");
                        None
                    }
                }
            } else {
                None
            };
            let ahp = if method == "combined" {
                ahp_weights(&labels, &values, &mut errors)
            } else {
                None
            };
            let period = page.period.clone();
            if let Some(e) = entropy_weights(&state, &ws, &period, &mut errors).await? {
                page.equal_fallback = e.equal_fallback;
                page.show_entropy = true;
                for (line, ej) in page.lines.iter_mut().zip(&e.entropy) {
                    line.entropy = Some(*ej);
                }
                match (method.as_str(), &ahp, share) {
                    ("entropy", _, _) => result = Some(e.weights.clone()),
                    (_, Some(a), Some(s)) => match entropy::combine(&a.weights, &e.weights, s) {
                        Ok(w) => result = Some(w),
                        Err(err) => errors.add_with("share", "index_admin.plain", err.to_string()),
                    },
                    _ => {}
                }
            }
            page.ahp = ahp;
        }
        _ => errors.add("method", "index_admin.required"),
    }
    let save = values.get("action").map(String::as_str) == Some("save");
    let note = page.note.trim().to_string();
    if save && note.is_empty() {
        errors.add("note", "index_admin.note_required");
    }
    if let Some(w) = &result {
        for (line, v) in page.lines.iter_mut().zip(w) {
            line.new = Some(*v);
        }
        page.previewed = true;
        if save && errors.is_empty() {
            // A weight of exactly 0 (an entropy column without information) is
            // not allowed in a model: keep it tiny instead.
            let positive: Vec<f64> = w.iter().map(|x| x.max(1e-6)).collect();
            let next = weights::apply(&ws.model, ws.node, &positive)
                .map_err(|e| AppError::BadRequest(e.to_string()))?;
            match next.validate() {
                Ok(()) => {
                    let (_, version) = save_version(&state, &auth, next, note).await?;
                    return Ok(saved_redirect(&state, version));
                }
                Err(ps) => {
                    let text = ps.iter().map(ToString::to_string).collect::<Vec<_>>();
                    errors.add_with("weights", "index_admin.plain", text.join("; "));
                }
            }
        }
    }
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page.errors = errors;
    render(status, &page)
}
