//! The data side of the development index: staff enter the indicator values that
//! are not derived (per enterprise and period, with conflict handling), and import
//! them from a CSV file (all rows checked first; one transaction; idempotent).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::Datelike;
use serde::Deserialize;

use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::db::DbConnection;
use crate::domain::index::ValueSource;
use crate::domain::index::entry::{self, Cell};
use crate::domain::index::model::{IndexModel, Indicator, Source};
use crate::domain::index::period::Period;
use crate::domain::locale::Locale;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::models::audit::{self, Actor, Change};
use crate::models::enterprise::Enterprise;
use crate::models::{experts, index};
use crate::routes::enterprises::today;
use crate::routes::transfer::{RowError, read_upload};
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{PageCtx, page, redirect_with_flash, render};

/// Who enters and imports index data.
pub const EDITORS: &[Role] = &[Role::Admin, Role::Staff];

/// An indicator's label in the page language.
pub fn label_of(ctx: &PageCtx, i: &Indicator) -> String {
    ctx.locale.pick(&i.label_zh, &i.label_en).to_string()
}

fn definition_of(ctx: &PageCtx, i: &Indicator) -> String {
    if ctx.locale == Locale::En {
        i.definition_en.clone()
    } else {
        i.definition_zh.clone()
    }
}

/// One field of the entry form.
#[derive(Debug, Clone)]
pub struct Field {
    pub key: String,
    pub label: String,
    pub unit: String,
    pub definition: String,
    /// What the field shows (the stored value, or what the user typed).
    pub value: String,
    /// The stored value when the form was first loaded.
    pub orig: String,
    /// Where the stored value came from: source, by whom, when.
    pub source: String,
    /// A locale key, when the typed value was refused.
    pub error: Option<&'static str>,
}

/// A sub-dimension's fields.
#[derive(Debug, Clone)]
pub struct Group {
    pub dimension: String,
    pub sub: String,
    pub fields: Vec<Field>,
}

/// A field whose stored value changed while this user edited it.
#[derive(Debug, Clone)]
pub struct ConflictRow {
    pub label: String,
    pub theirs: String,
    pub yours: String,
}

/// The entry form.
#[derive(Template)]
#[template(path = "index/data.html")]
pub struct DataPage {
    pub ctx: PageCtx,
    pub e: Enterprise,
    /// The period as typed.
    pub period: String,
    /// Set when the period is valid (the form is shown).
    pub valid_period: bool,
    pub period_error: Option<&'static str>,
    pub periods: Vec<String>,
    pub groups: Vec<Group>,
    pub conflicts: Vec<ConflictRow>,
    /// Read-only: (label, value, unit) of the derived indicators as last scored.
    pub derived: Vec<(String, String, String)>,
}

fn derived_rows(ctx: &PageCtx, l: &Loaded) -> Vec<(String, String, String)> {
    l.derived
        .iter()
        .map(|(i, v)| {
            let shown = v.map_or_else(
                || "—".to_string(),
                |x| entry::show(Some((x * 100.0).round() / 100.0)),
            );
            (label_of(ctx, i), shown, i.unit.clone())
        })
        .collect()
}

/// `?period=`
#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

fn default_period(periods: &[String]) -> String {
    periods
        .last()
        .cloned()
        .unwrap_or_else(|| Period::year(today().year() - 1).to_string())
}

/// Everything the form needs from the database.
struct Loaded {
    e: Enterprise,
    periods: Vec<String>,
    model: IndexModel,
    values: HashMap<String, index::ValueRow>,
    names: HashMap<i32, String>,
    /// The derived indicators of the model the period was last scored with, and
    /// their raw figures then.
    derived: Vec<(Indicator, Option<f64>)>,
}

/// The derived indicators' raw figures from the enterprise's stored score of the
/// period (empty before the first computation).
fn derived_values(
    conn: &mut DbConnection,
    id: i32,
    p: Period,
) -> Result<Vec<(Indicator, Option<f64>)>, AppError> {
    let period = p.to_string();
    let Some(row) = index::scores_of(conn, id)?
        .into_iter()
        .find(|r| r.period == period)
    else {
        return Ok(Vec::new());
    };
    let Some(model) = index::model(conn, row.model_id)? else {
        return Ok(Vec::new());
    };
    let scorer = model.scorer()?;
    let raw = row.detail().raw;
    Ok(scorer
        .indicators()
        .filter(|i| matches!(i.source, Source::Derived(_)))
        .map(|i| {
            let v = scorer
                .position(&i.key)
                .and_then(|n| raw.get(n).copied().flatten());
            (i.clone(), v)
        })
        .collect())
}

async fn load(
    auth: &Auth,
    state: &web::Data<AppState>,
    id: i32,
    p: Option<Period>,
) -> Result<Loaded, AppError> {
    let scope = auth.user().scope.clone();
    state
        .db
        .read(move |conn| {
            let e = Enterprise::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let periods = index::periods(conn)?
                .into_iter()
                .map(|r| r.period)
                .collect();
            let model = index::active(conn)?.scorer()?.model().clone();
            let values: HashMap<String, index::ValueRow> = match p {
                Some(p) => index::values_of(conn, id, p)?
                    .into_iter()
                    .map(|v| (v.indicator.clone(), v))
                    .collect(),
                None => HashMap::new(),
            };
            let ids: Vec<i32> = values.values().filter_map(|v| v.updated_by).collect();
            let names = experts::names(conn, &ids)?;
            let derived = match p {
                Some(p) => derived_values(conn, id, p)?,
                None => Vec::new(),
            };
            Ok(Loaded {
                e,
                periods,
                model,
                values,
                names,
                derived,
            })
        })
        .await
}

fn source_text(ctx: &PageCtx, v: Option<&index::ValueRow>, names: &HashMap<i32, String>) -> String {
    match v {
        None => String::new(),
        Some(v) => {
            let who = v
                .updated_by
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_else(|| "—".into());
            format!(
                "{} · {} · {}",
                ctx.label("value_source", &v.source),
                who,
                ctx.datetime(&v.updated_at)
            )
        }
    }
}

/// The entered indicators of a model, grouped by dimension and sub-dimension.
fn groups(
    ctx: &PageCtx,
    l: &Loaded,
    typed: Option<&HashMap<String, String>>,
    errors: &HashMap<String, &'static str>,
) -> Vec<Group> {
    let en = ctx.locale == Locale::En;
    let mut out = Vec::new();
    for d in &l.model.dimensions {
        for s in &d.subs {
            let fields: Vec<Field> = s
                .indicators
                .iter()
                .filter(|i| i.source == Source::Entered)
                .map(|i| {
                    let stored = l.values.get(&i.key);
                    let shown = entry::show(stored.map(|v| v.value));
                    let (value, orig) = match typed {
                        Some(t) => (
                            t.get(&i.key).cloned().unwrap_or_default(),
                            t.get(&format!("orig_{}", i.key))
                                .cloned()
                                .unwrap_or_default(),
                        ),
                        None => (shown.clone(), shown),
                    };
                    Field {
                        key: i.key.clone(),
                        label: label_of(ctx, i),
                        unit: i.unit.clone(),
                        definition: definition_of(ctx, i),
                        value,
                        orig,
                        source: source_text(ctx, stored, &l.names),
                        error: errors.get(&i.key).copied(),
                    }
                })
                .collect();
            if !fields.is_empty() {
                out.push(Group {
                    dimension: if en {
                        d.label_en.clone()
                    } else {
                        d.label_zh.clone()
                    },
                    sub: if en {
                        s.label_en.clone()
                    } else {
                        s.label_zh.clone()
                    },
                    fields,
                });
            }
        }
    }
    out
}

/// `GET /enterprises/{id}/index/data?period=`
pub async fn form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let typed = q.period.clone().map(|p| p.trim().to_string());
    let parsed = typed.as_deref().map(str::parse::<Period>);
    let p = match &parsed {
        Some(Ok(p)) => Some(*p),
        _ => None,
    };
    let mut l = load(&auth, &state, id, p).await?;
    let period = match (typed, p) {
        (Some(t), None) if !t.is_empty() => {
            let periods = std::mem::take(&mut l.periods);
            return render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &DataPage {
                    ctx,
                    e: l.e,
                    period: t,
                    valid_period: false,
                    period_error: Some("index_data.period_invalid"),
                    periods,
                    groups: Vec::new(),
                    conflicts: Vec::new(),
                    derived: Vec::new(),
                },
            );
        }
        (_, Some(p)) => p.to_string(),
        _ => {
            let d = default_period(&l.periods);
            let p: Period = d.parse().map_err(|_| AppError::NotFound)?;
            l = load(&auth, &state, id, Some(p)).await?;
            d
        }
    };
    let groups = groups(&ctx, &l, None, &HashMap::new());
    let derived = derived_rows(&ctx, &l);
    page(&DataPage {
        ctx,
        e: l.e,
        period,
        valid_period: true,
        period_error: None,
        periods: l.periods,
        groups,
        conflicts: Vec::new(),
        derived,
    })
}

enum SaveOutcome {
    Saved(usize),
    Conflict(Vec<(String, Option<f64>)>),
}

/// `POST /enterprises/{id}/index/data?period=`: saves the changed fields unless
/// someone else changed one of them meanwhile (409, input kept).
pub async fn save(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    q: web::Query<PeriodQuery>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let p: Period = q
        .period
        .as_deref()
        .unwrap_or("")
        .trim()
        .parse()
        .map_err(|_| AppError::BadRequest("period".into()))?;
    let l = load(&auth, &state, id, Some(p)).await?;
    // 1. Check every changed field.
    let mut errors = HashMap::new();
    let mut changes: Vec<(String, Option<f64>, Option<f64>)> = Vec::new();
    for i in l.model.indicators().filter(|i| i.source == Source::Entered) {
        let Some(typed) = form.get(&i.key) else {
            continue;
        };
        let orig_text = form
            .get(&format!("orig_{}", i.key))
            .cloned()
            .unwrap_or_default();
        let orig = entry::parse_value(&orig_text, "").ok().flatten();
        match entry::parse_value(typed, &i.unit) {
            Err(problem) => {
                errors.insert(i.key.clone(), problem.key());
            }
            Ok(v) if !entry::same_value(v, orig) => {
                changes.push((i.key.clone(), orig, v));
            }
            Ok(_) => {}
        }
    }
    if !errors.is_empty() {
        let groups = groups(&ctx, &l, Some(&form), &errors);
        let derived = derived_rows(&ctx, &l);
        return render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &DataPage {
                ctx,
                e: l.e,
                period: p.to_string(),
                valid_period: true,
                period_error: None,
                periods: l.periods,
                groups,
                conflicts: Vec::new(),
                derived,
            },
        );
    }
    // 2. One transaction: conflicts checked against what is stored now.
    let actor = auth.actor();
    let user_id = auth.user().id;
    let district = l.e.district_code.clone();
    let outcome = state
        .db
        .write(move |conn| {
            let stored: HashMap<String, f64> = index::values_of(conn, id, p)?
                .into_iter()
                .map(|v| (v.indicator, v.value))
                .collect();
            let conflicts: Vec<(String, Option<f64>)> = changes
                .iter()
                .filter(|(k, orig, _)| !entry::same_value(stored.get(k).copied(), *orig))
                .map(|(k, _, _)| (k.clone(), stored.get(k).copied()))
                .collect();
            if !conflicts.is_empty() {
                return Ok(SaveOutcome::Conflict(conflicts));
            }
            let mut before = BTreeMap::new();
            let mut after = BTreeMap::new();
            for (k, _, v) in &changes {
                if index::set_value(conn, id, p, k, *v, ValueSource::Entered, Some(user_id))? {
                    before.insert(k.clone(), stored.get(k).copied());
                    after.insert(k.clone(), *v);
                }
            }
            if !after.is_empty() {
                index::rescore(conn, id, p)?;
                audit::record(
                    conn,
                    &actor,
                    Change {
                        action: "index.values",
                        entity: "enterprise",
                        entity_id: Some(id.to_string()),
                        enterprise_id: Some(id),
                        district_code: Some(district),
                        before: Some(
                            serde_json::json!({"period": p.to_string(), "values": before}),
                        ),
                        after: Some(serde_json::json!({"period": p.to_string(), "values": after})),
                    },
                )?;
            }
            Ok(SaveOutcome::Saved(after.len()))
        })
        .await?;
    match outcome {
        SaveOutcome::Saved(n) => Ok(redirect_with_flash(
            &state,
            &format!("/enterprises/{id}/index/data?period={p}"),
            Flash::success("flash.index_values_saved").with_arg(n.to_string()),
        )),
        SaveOutcome::Conflict(rows) => {
            // Show what is stored now; keep what the user typed.
            let l = load(&auth, &state, id, Some(p)).await?;
            let conflicts = rows
                .iter()
                .map(|(k, theirs)| ConflictRow {
                    label: l
                        .model
                        .indicator(k)
                        .map_or_else(|| k.clone(), |i| label_of(&ctx, i)),
                    theirs: entry::show(*theirs),
                    yours: form.get(k).cloned().unwrap_or_default(),
                })
                .collect();
            // The next save is made against what is stored now.
            let mut kept = form.clone();
            for (k, theirs) in &rows {
                kept.insert(format!("orig_{k}"), entry::show(*theirs));
            }
            let groups = groups(&ctx, &l, Some(&kept), &HashMap::new());
            let derived = derived_rows(&ctx, &l);
            render(
                StatusCode::CONFLICT,
                &DataPage {
                    ctx,
                    e: l.e,
                    period: p.to_string(),
                    valid_period: true,
                    period_error: None,
                    periods: l.periods,
                    groups,
                    conflicts,
                    derived,
                },
            )
        }
    }
}

// ---------------------------------------------------------------------------
// CSV import of values.

/// The indicators a file may carry: entered and expert-source ones.
fn importable(model: &IndexModel) -> Vec<Indicator> {
    model
        .indicators()
        .filter(|i| matches!(i.source, Source::Entered | Source::Expert))
        .cloned()
        .collect()
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportSummary {
    pub rows: usize,
    pub changed: usize,
    pub enterprises: usize,
}

/// The import page.
#[derive(Template)]
#[template(path = "index/import.html")]
pub struct ImportPage {
    pub ctx: PageCtx,
    pub errors: Vec<RowError>,
    pub summary: Option<ImportSummary>,
    pub file_error: Option<&'static str>,
    /// (key, label, unit) of every importable indicator.
    pub columns: Vec<(String, String, String)>,
}

async fn import_page(ctx: PageCtx, state: &web::Data<AppState>) -> Result<ImportPage, AppError> {
    let model = state
        .db
        .read(|conn| Ok(index::active(conn)?.scorer()?.model().clone()))
        .await?;
    let columns = importable(&model)
        .iter()
        .map(|i| (i.key.clone(), label_of(&ctx, i), i.unit.clone()))
        .collect();
    Ok(ImportPage {
        ctx,
        errors: Vec::new(),
        summary: None,
        file_error: None,
        columns,
    })
}

/// `GET /index/import`
pub async fn import_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    page(&import_page(ctx, &state).await?)
}

/// `GET /index/import/template.csv`: the header row (UTF-8 with BOM).
pub async fn import_template(
    auth: Auth,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let model = state
        .db
        .read(|conn| Ok(index::active(conn)?.scorer()?.model().clone()))
        .await?;
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        let mut header = vec!["credit_code".to_string(), "period".to_string()];
        header.extend(importable(&model).into_iter().map(|i| i.key));
        w.write_record(&header)
            .map_err(|e| AppError::Internal(e.into()))?;
        w.flush().map_err(|e| AppError::Internal(e.into()))?;
    }
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(crate::routes::transfer::attachment("index-values.csv"))
        .body(out))
}

fn row_error(line: usize, column: &str, key: &'static str, arg: impl Into<String>) -> RowError {
    RowError {
        line,
        column: column.to_string(),
        key,
        arg: arg.into(),
    }
}

/// A checked row: the enterprise, the period, and (header, key, cell) to apply.
struct PlannedRow {
    enterprise_id: i32,
    period: Period,
    cells: Vec<(String, Cell)>,
}

/// What a column of the file holds.
#[derive(Clone)]
enum Column {
    Code,
    Period,
    Indicator(Indicator),
    Ignored,
}

fn column_for(header: &str, indicators: &[Indicator]) -> Option<Column> {
    let h = header.trim().trim_start_matches('\u{feff}').trim();
    match h {
        "credit_code" | "统一社会信用代码" | "Unified social credit code" => {
            return Some(Column::Code);
        }
        "period" | "期间" | "Period" => return Some(Column::Period),
        "" => return Some(Column::Ignored),
        _ => {}
    }
    indicators
        .iter()
        .find(|i| i.key == h || i.label_zh == h || i.label_en.eq_ignore_ascii_case(h))
        .map(|i| Column::Indicator(i.clone()))
}

/// Reads and checks the whole file (queries the enterprises); any problem is
/// reported by line and column.
fn check_file(
    conn: &mut DbConnection,
    scope: &crate::domain::scope::DataScope,
    text: &str,
    indicators: &[Indicator],
) -> Result<Result<Vec<PlannedRow>, Vec<RowError>>, AppError> {
    let mut errors = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_string).collect(),
        Err(_) => return Ok(Err(vec![row_error(1, "", "import.unreadable", "")])),
    };
    let mut columns = Vec::new();
    for h in &headers {
        match column_for(h, indicators) {
            Some(c) => columns.push(c),
            None => {
                errors.push(row_error(1, h, "import.unknown_column", h.clone()));
                columns.push(Column::Ignored);
            }
        }
    }
    // Without these two the rows cannot be read; unknown columns are reported
    // with the rows' own problems.
    let no_code = !columns.iter().any(|c| matches!(c, Column::Code));
    let no_period = !columns.iter().any(|c| matches!(c, Column::Period));
    if no_code {
        errors.push(row_error(1, "", "import.no_code_column", ""));
    }
    if no_period {
        errors.push(row_error(1, "", "index_import.no_period_column", ""));
    }
    if no_code || no_period {
        return Ok(Err(errors));
    }
    let mut planned = Vec::new();
    let mut seen: HashMap<(i32, String), usize> = HashMap::new();
    for record in reader.records() {
        let r = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                errors.push(row_error(line, "", "import.bad_row", ""));
                continue;
            }
        };
        let line = r.position().map_or(0, |p| p.line() as usize);
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut enterprise = None;
        let mut period = None;
        let mut cells = Vec::new();
        for (i, cell) in r.iter().enumerate() {
            let header = headers.get(i).cloned().unwrap_or_default();
            let cell = cell.trim().trim_start_matches('\'');
            match columns.get(i) {
                Some(Column::Code) => {
                    let code = cell.to_uppercase();
                    match Enterprise::by_code(conn, &code)? {
                        None => {
                            errors.push(row_error(line, &header, "import.unknown_enterprise", code))
                        }
                        Some(e) if !scope.allows(e.id, &e.district_code) => {
                            errors.push(row_error(line, &header, "import.out_of_scope", ""))
                        }
                        Some(e) => enterprise = Some(e.id),
                    }
                }
                Some(Column::Period) => match cell.parse::<Period>() {
                    Ok(p) => period = Some(p),
                    Err(_) => {
                        errors.push(row_error(line, &header, "index_data.period_invalid", cell))
                    }
                },
                Some(Column::Indicator(ind)) => match entry::parse_cell(cell, &ind.unit) {
                    Ok(c) => cells.push((ind.key.clone(), c)),
                    Err(problem) => errors.push(row_error(line, &header, problem.key(), cell)),
                },
                _ => {}
            }
        }
        if let (Some(e), Some(p)) = (enterprise, period) {
            if let Some(first) = seen.insert((e, p.to_string()), line) {
                errors.push(row_error(
                    line,
                    "credit_code",
                    "import.duplicate_row",
                    first.to_string(),
                ));
            }
            planned.push(PlannedRow {
                enterprise_id: e,
                period: p,
                cells,
            });
        }
    }
    if planned.is_empty() && errors.is_empty() {
        errors.push(row_error(2, "", "import.empty", ""));
    }
    if errors.is_empty() {
        Ok(Ok(planned))
    } else {
        errors.sort_by_key(|e| e.line);
        Ok(Err(errors))
    }
}

/// Applies checked rows (source imported), re-scores each touched (enterprise,
/// period) once and records one audit row.
fn apply(
    conn: &mut DbConnection,
    actor: &Actor,
    rows: &[PlannedRow],
) -> Result<ImportSummary, AppError> {
    let mut summary = ImportSummary {
        rows: rows.len(),
        ..Default::default()
    };
    let mut touched = BTreeSet::new();
    for r in rows {
        for (key, cell) in &r.cells {
            let value = match cell {
                Cell::NotGiven => continue,
                Cell::Clear => None,
                Cell::Value(v) => Some(*v),
            };
            if index::set_value(
                conn,
                r.enterprise_id,
                r.period,
                key,
                value,
                ValueSource::Imported,
                actor.user_id,
            )? {
                summary.changed += 1;
                touched.insert((r.enterprise_id, r.period.to_string()));
            }
        }
    }
    for (id, p) in &touched {
        let p: Period = p.parse().map_err(|_| AppError::BadRequest(p.clone()))?;
        index::rescore(conn, *id, p)?;
    }
    summary.enterprises = touched
        .iter()
        .map(|(id, _)| id)
        .collect::<BTreeSet<_>>()
        .len();
    audit::record(
        conn,
        actor,
        Change {
            action: "index.import",
            entity: "index_values",
            after: Some(serde_json::json!({
                "rows": summary.rows,
                "changed": summary.changed,
                "enterprises": summary.enterprises,
            })),
            ..Default::default()
        },
    )?;
    Ok(summary)
}

/// `POST /index/import` (multipart: `csrf_token`, `file`).
pub async fn import_upload(
    req: HttpRequest,
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let up = read_upload(payload).await?;
    crate::auth::csrf::verify(&req, up.csrf.as_deref())?;
    let mut out = import_page(ctx, &state).await?;
    let text = match up.text() {
        Ok(text) => text,
        Err((status, key)) => {
            out.file_error = Some(key);
            return render(status, &out);
        }
    };
    let actor = auth.actor();
    let scope = auth.user().scope.clone();
    let outcome = state
        .db
        .write(move |conn| {
            let model = index::active(conn)?.scorer()?.model().clone();
            let indicators = importable(&model);
            match check_file(conn, &scope, &text, &indicators)? {
                Ok(rows) => Ok(Ok(apply(conn, &actor, &rows)?)),
                Err(errors) => Ok(Err(errors)),
            }
        })
        .await?;
    match outcome {
        Ok(summary) => {
            out.summary = Some(summary);
            page(&out)
        }
        Err(errors) => {
            out.errors = errors;
            render(StatusCode::UNPROCESSABLE_ENTITY, &out)
        }
    }
}
