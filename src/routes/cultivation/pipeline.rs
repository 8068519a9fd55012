//! The officials' pipeline page: funnel and conversion, time in stage, each stage's
//! queue, stalled enterprises, plan targets against actuals and the proposals inbox;
//! the full queue of a stage; the export of what the filters select; plan targets.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{EDITORS, READERS, step_label};
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::auth::guard::ADMIN;
use crate::domain::cultivation::{self, Stage, Step, TargetBoard};
use crate::domain::industry::{SECTIONS, Section};
use crate::domain::locale::Locale;
use crate::domain::qualification::Level;
use crate::domain::sheet;
use crate::domain::tier::Tier;
use crate::error::AppError;
use crate::models::cultivation::{self as model, ProposalRow};
use crate::models::district::District;
use crate::models::pipeline::{self, ExportRow, PipelineFilter, PipelineRow, StageStats};
use crate::routes::enterprises::today;
use crate::routes::transfer::attachment;
use crate::startup::AppState;
use crate::views::charts::{self, BarRow, FunnelStep, Series};
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// Rows per stage on the board, and on the stalled list.
const BOARD_ROWS: i64 = 8;
const STALLED_ROWS: i64 = 20;
/// Rows per page of a stage's full queue.
const QUEUE_PAGE: i64 = 50;

/// The filters as typed in the query string (kept as text to show them again).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct PipelineQuery {
    pub district: String,
    pub industry: String,
    pub level: String,
    pub tier: String,
    pub board: String,
    /// Stall threshold in days.
    pub stall: String,
    /// The stage of the queue page.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub stage: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_id: Option<i32>,
}

impl PipelineQuery {
    /// The filter the query describes; unknown values are ignored.
    pub fn filter(&self) -> PipelineFilter {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        PipelineFilter {
            district: opt(&self.district),
            industry: opt(&self.industry).map(|s| s.to_uppercase()),
            level: match self.level.as_str() {
                "none" => Some(None),
                l => l.parse::<Level>().ok().map(Some),
            },
            tier: match self.tier.as_str() {
                "none" => Some(None),
                t => t.parse::<Tier>().ok().map(Some),
            },
            target_board: match self.board.as_str() {
                "none" => Some(None),
                b => b.parse::<TargetBoard>().ok().map(Some),
            },
        }
    }

    /// The stall threshold the reader chose (see [`cultivation::stall_days`]).
    pub fn stall_days(&self) -> i64 {
        cultivation::stall_days(&self.stall)
    }

    /// The filters as a query string, without stage and cursor (for links and exports).
    pub fn filters_qs(&self) -> String {
        let q = PipelineQuery {
            stage: String::new(),
            after: None,
            after_id: None,
            ..self.clone()
        };
        serde_urlencoded::to_string(q).unwrap_or_default()
    }
}

/// What the filter form offers.
pub struct Choices {
    pub districts: Vec<District>,
    pub sections: &'static [Section],
    pub levels: [Level; 4],
    pub tiers: [Tier; 3],
    pub boards: [TargetBoard; 8],
}

impl Choices {
    fn with(districts: Vec<District>) -> Choices {
        Choices {
            districts,
            sections: &SECTIONS,
            levels: Level::ALL,
            tiers: Tier::ALL,
            boards: TargetBoard::ALL,
        }
    }
}

/// What the pipeline's row lists (`pipeline_rows.html`) show besides the rows.
pub trait PipelineRows {
    fn ctx(&self) -> &PageCtx;
    fn today(&self) -> NaiveDate;
    fn districts(&self) -> &[District];

    /// A step's name.
    fn step_name(&self, s: &Step) -> String {
        step_label(self.ctx(), *s)
    }

    /// Whole days since a date.
    fn days(&self, d: &Option<NaiveDate>) -> String {
        d.map_or_else(
            || "—".into(),
            |d| cultivation::days_since(d, self.today()).to_string(),
        )
    }

    /// A district's name.
    fn district(&self, code: &str) -> String {
        District::name_of(self.districts(), code, self.ctx().locale)
    }
}

/// A year's target and actual for one stage.
#[derive(Debug, Clone)]
pub struct TargetCell {
    pub stage: Stage,
    pub target: Option<i32>,
    pub actual: i64,
}

/// One stage's column on the board.
pub struct BoardColumn {
    pub stage: String,
    pub count: i64,
    pub rows: Vec<PipelineRow>,
}

/// The pipeline page.
#[derive(Template)]
#[template(path = "cultivation/pipeline.html")]
pub struct PipelinePage {
    pub ctx: PageCtx,
    pub query: PipelineQuery,
    pub choices: Choices,
    pub stall_days: i64,
    pub stats: Vec<StageStats>,
    pub funnel_svg: String,
    pub time_svg: String,
    pub board: Vec<BoardColumn>,
    pub stalled: Vec<PipelineRow>,
    pub stalled_total: i64,
    /// Per plan year: the cells and the chart.
    pub targets: Vec<(i32, Vec<TargetCell>, String)>,
    pub pending: Vec<ProposalRow>,
    pub pending_total: i64,
    pub today: NaiveDate,
    pub can_edit_targets: bool,
    pub can_reorder: bool,
    /// The account sees only some districts (actuals are for those).
    pub limited: bool,
}

impl PipelineRows for PipelinePage {
    fn ctx(&self) -> &PageCtx {
        &self.ctx
    }
    fn today(&self) -> NaiveDate {
        self.today
    }
    fn districts(&self) -> &[District] {
        &self.choices.districts
    }
}

impl PipelinePage {
    /// How many are in the pipeline (active and listed, not exited).
    pub fn in_pipeline(&self) -> i64 {
        self.stats
            .iter()
            .filter(|s| s.stage != "exited")
            .map(|s| s.count)
            .sum()
    }

    /// The exited count.
    pub fn exited(&self) -> i64 {
        self.stats
            .iter()
            .find(|s| s.stage == "exited")
            .map_or(0, |s| s.count)
    }

    /// The conversion from each stage into the next, formatted.
    pub fn conversions(&self) -> Vec<(String, String, String)> {
        conversions(&self.stats)
            .into_iter()
            .map(|(a, b, r)| {
                (
                    self.ctx.label("stage", a.as_str()),
                    self.ctx.label("stage", b.as_str()),
                    percent(r),
                )
            })
            .collect()
    }
}

fn percent(r: Option<f64>) -> String {
    r.map_or_else(|| "—".into(), |r| format!("{:.1}%", r * 100.0))
}

fn conversions(stats: &[StageStats]) -> Vec<(Stage, Stage, Option<f64>)> {
    let counts: Vec<(Stage, i64)> = stats
        .iter()
        .filter_map(|s| Some((s.stage.parse::<Stage>().ok()?, s.count)))
        .collect();
    cultivation::conversion(&counts)
}

pub(crate) fn funnel_svg(ctx: &PageCtx, stats: &[StageStats], qs: &str) -> String {
    let rates = conversions(stats);
    let steps: Vec<FunnelStep> = Stage::ALL
        .iter()
        .map(|stage| FunnelStep {
            label: ctx.label("stage", stage.as_str()),
            count: stats
                .iter()
                .find(|s| s.stage == stage.as_str())
                .map_or(0, |s| s.count),
            rate_to_next: rates
                .iter()
                .find(|(a, _, _)| a == stage)
                .and_then(|(_, _, r)| *r),
            href: Some(format!("/pipeline/queue?stage={}&{qs}", stage.as_str())),
        })
        .collect();
    charts::funnel(&ctx.t("pipeline.funnel"), &steps)
}

fn time_svg(ctx: &PageCtx, stats: &[StageStats]) -> String {
    let rows: Vec<BarRow> = stats
        .iter()
        .filter(|s| s.stage != "listed" && s.stage != "exited")
        .map(|s| BarRow {
            label: ctx.label("stage", &s.stage),
            value: s.median_days.unwrap_or(0) as f64,
            display: s.median_days.map_or_else(
                || "—".into(),
                |d| ctx.t1("cultivation.days", &d.to_string()),
            ),
        })
        .collect();
    charts::bars(
        &ctx.t("pipeline.time_in_stage"),
        &rows,
        &ctx.t("pipeline.no_data"),
    )
}

/// The year's targets beside its actuals, as grouped columns.
pub(crate) fn targets_svg(ctx: &PageCtx, year: i32, cells: &[TargetCell]) -> String {
    let categories: Vec<String> = cells
        .iter()
        .map(|c| ctx.label("stage", c.stage.as_str()))
        .collect();
    let series = [
        Series {
            name: ctx.t("pipeline.target"),
            values: cells.iter().map(|c| c.target.map(f64::from)).collect(),
            class: "chart-bar-alt",
        },
        Series {
            name: ctx.t("pipeline.actual"),
            values: cells.iter().map(|c| Some(c.actual as f64)).collect(),
            class: "chart-bar",
        },
    ];
    charts::grouped_columns(
        &ctx.t1("pipeline.targets_year", &year.to_string()),
        &categories,
        &series,
    )
}

/// A year's target and actual per stage.
pub(crate) fn target_cells(
    targets: &[model::Target],
    actuals: &[(i32, Stage, i64)],
    year: i32,
) -> Vec<TargetCell> {
    Stage::ALL
        .iter()
        .map(|s| TargetCell {
            stage: *s,
            target: targets
                .iter()
                .find(|t| t.year == year && t.stage == s.as_str())
                .map(|t| t.target),
            actual: actuals
                .iter()
                .find(|(ay, st, _)| *ay == year && st == s)
                .map_or(0, |a| a.2),
        })
        .collect()
}

/// The plan years shown: those with targets, else last, this and next year.
fn plan_years(targets: &[model::Target], today: NaiveDate) -> Vec<i32> {
    let mut years: Vec<i32> = targets.iter().map(|t| t.year).collect();
    years.sort_unstable();
    years.dedup();
    if years.is_empty() {
        let y = today.year();
        years = vec![y - 1, y, y + 1];
    }
    years
}

/// `GET /pipeline`
pub async fn show(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<PipelineQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let query = query.into_inner();
    let filter = query.filter();
    let stall_days = query.stall_days();
    let day = today();
    let cutoff = day - Duration::days(stall_days);
    let scope = auth.user().scope.clone();
    let cache_state = state.clone();
    let (aggregates, board, stalled, targets, pending, pending_total, districts) = state
        .db
        .read(move |conn| {
            let targets = model::targets(conn)?;
            let years = plan_years(&targets, day);
            let span = match (years.first(), years.last()) {
                (Some(a), Some(b)) => *a..=*b,
                _ => day.year()..=day.year(),
            };
            let aggregates = cache_state
                .pipeline_cache
                .aggregates(conn, &scope, &filter, day, cutoff, span)?;
            let mut board = Vec::new();
            for s in &aggregates.stats {
                if s.stage == "exited" {
                    continue;
                }
                let rows = if s.count == 0 {
                    Vec::new()
                } else {
                    pipeline::queue(conn, &scope, &filter, &s.stage, None, BOARD_ROWS)?
                };
                board.push(BoardColumn {
                    stage: s.stage.clone(),
                    count: s.count,
                    rows,
                });
            }
            let mut stalled = pipeline::stalled(conn, &scope, &filter, cutoff, STALLED_ROWS)?;
            pipeline::flag_overdue(
                conn,
                board
                    .iter_mut()
                    .flat_map(|c| c.rows.iter_mut())
                    .chain(stalled.iter_mut()),
                day,
            )?;
            let districts = District::all(conn)?;
            let pending = model::proposals(conn, &scope, Some("pending"), None, 10)?;
            let pending_total = model::pending_count(conn, &scope)?;
            Ok((
                aggregates,
                board,
                stalled,
                targets,
                pending,
                pending_total,
                districts,
            ))
        })
        .await?;
    let stats = aggregates.stats.clone();
    let actuals = &aggregates.actuals;
    let years = plan_years(&targets, day);
    let targets: Vec<(i32, Vec<TargetCell>, String)> = years
        .into_iter()
        .map(|y| {
            let cells = target_cells(&targets, actuals, y);
            let svg = targets_svg(&ctx, y, &cells);
            (y, cells, svg)
        })
        .collect();
    let qs = query.filters_qs();
    let stalled_total = stats.iter().map(|s| s.stalled).sum();
    page(&PipelinePage {
        funnel_svg: funnel_svg(&ctx, &stats, &qs),
        time_svg: time_svg(&ctx, &stats),
        choices: Choices::with(districts),
        stall_days,
        stats,
        board,
        stalled,
        stalled_total,
        targets,
        pending,
        pending_total,
        today: day,
        can_edit_targets: auth.require(ADMIN).is_ok(),
        can_reorder: auth.require(EDITORS).is_ok(),
        limited: !matches!(auth.user().scope, crate::domain::scope::DataScope::All),
        query,
        ctx,
    })
}

/// A stage's whole queue, page by page.
#[derive(Template)]
#[template(path = "cultivation/queue.html")]
pub struct QueuePage {
    pub ctx: PageCtx,
    pub query: PipelineQuery,
    pub choices: Choices,
    pub stage: String,
    pub rows: Vec<PipelineRow>,
    /// The query string of the next page, if any.
    pub next: Option<String>,
    pub can_reorder: bool,
    pub today: NaiveDate,
    pub stages: Vec<&'static str>,
}

impl PipelineRows for QueuePage {
    fn ctx(&self) -> &PageCtx {
        &self.ctx
    }
    fn today(&self) -> NaiveDate {
        self.today
    }
    fn districts(&self) -> &[District] {
        &self.choices.districts
    }
}

/// `GET /pipeline/queue?stage=...`: one stage in queue order (定序); staff reorder here.
pub async fn queue(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<PipelineQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let query = query.into_inner();
    let stages: Vec<&'static str> = Stage::ALL
        .iter()
        .map(|s| s.as_str())
        .chain(std::iter::once("exited"))
        .collect();
    let stage = match stages.iter().find(|s| **s == query.stage) {
        Some(s) => s.to_string(),
        None => {
            return Err(AppError::BadRequest(format!(
                "unknown stage '{}'",
                query.stage
            )));
        }
    };
    let filter = query.filter();
    let scope = auth.user().scope.clone();
    let day = today();
    let after = query.after.zip(query.after_id);
    let st = stage.clone();
    let (mut rows, districts) = state
        .db
        .read(move |conn| {
            let mut rows = pipeline::queue(conn, &scope, &filter, &st, after, QUEUE_PAGE + 1)?;
            pipeline::flag_overdue(conn, rows.iter_mut(), day)?;
            Ok((rows, District::all(conn)?))
        })
        .await?;
    let next = if rows.len() as i64 > QUEUE_PAGE {
        rows.truncate(QUEUE_PAGE as usize);
        rows.last().map(|r| {
            let q = PipelineQuery {
                stage: stage.clone(),
                after: Some(r.queue_order.unwrap_or(0)),
                after_id: Some(r.id),
                ..query.clone()
            };
            serde_urlencoded::to_string(q).unwrap_or_default()
        })
    } else {
        None
    };
    page(&QueuePage {
        choices: Choices::with(districts),
        stage,
        rows,
        next,
        can_reorder: auth.require(EDITORS).is_ok(),
        today: day,
        stages,
        query,
        ctx,
    })
}

async fn export_rows(
    auth: &Auth,
    state: &web::Data<AppState>,
    query: &PipelineQuery,
) -> Result<(Vec<ExportRow>, Vec<StageStats>), AppError> {
    auth.require(READERS)?;
    let filter = query.filter();
    let scope = auth.user().scope.clone();
    let day = today();
    let cutoff = day - Duration::days(query.stall_days());
    state
        .db
        .read(move |conn| {
            Ok((
                pipeline::export(conn, &scope, &filter, day)?,
                pipeline::stage_stats(conn, &scope, &filter, day, cutoff)?,
            ))
        })
        .await
}

/// The export's columns: (key, Chinese, English).
const EXPORT_COLUMNS: [(&str, &str, &str); 18] = [
    ("credit_code", "统一社会信用代码", "Credit code"),
    ("name", "企业名称", "Name"),
    ("district", "区（市）", "District"),
    ("industry", "行业", "Industry"),
    ("level", "资质等级", "Level"),
    ("tier", "专板层级", "Board tier"),
    ("stage", "培育阶段", "Stage"),
    ("step", "当前节点", "Step"),
    ("step_since", "节点日期", "Step since"),
    ("days_in_step", "停留天数", "Days at step"),
    ("queue_order", "排序", "Queue order"),
    ("target_board", "拟上市板块", "Target board"),
    ("valuation", "估值（万元）", "Valuation (10k yuan)"),
    (
        "planned_raise",
        "拟募资（万元）",
        "Planned raise (10k yuan)",
    ),
    ("planned_filing_on", "计划辅导备案日", "Planned filing"),
    ("planned_listing_on", "计划上市日", "Planned listing"),
    ("counsellor", "培育专员", "Counsellor"),
    ("flags", "提示", "Flags"),
];

fn export_cells(
    ctx: &PageCtx,
    r: &ExportRow,
    districts: &[District],
    today: NaiveDate,
    cutoff: NaiveDate,
) -> Vec<String> {
    let row = &r.row;
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let money = |m: Option<i64>| m.map(crate::domain::money::format_wan).unwrap_or_default();
    let mut flags = Vec::new();
    if row.step.is_active() && row.step_since.is_some_and(|d| d <= cutoff) {
        flags.push(ctx.t("pipeline.stalled_flag"));
    }
    if row.overdue {
        flags.push(ctx.t("tasks.overdue"));
    }
    vec![
        r.credit_code.clone(),
        row.name.clone(),
        District::name_of(districts, &row.district_code, ctx.locale),
        ctx.industry(&row.industry_division),
        ctx.opt_label("level", &row.current_level),
        ctx.opt_label("tier", &row.current_tier),
        ctx.label("stage", cultivation_stage_key(row.step)),
        step_label(ctx, row.step),
        date(row.step_since),
        row.step_since
            .map(|d| cultivation::days_since(d, today).to_string())
            .unwrap_or_default(),
        row.queue_order.map(|o| o.to_string()).unwrap_or_default(),
        ctx.opt_label("target_board", &row.target_board)
            .replace('—', ""),
        money(r.valuation),
        money(r.planned_raise),
        date(r.planned_filing_on),
        date(r.planned_listing_on),
        r.counsellor.clone().unwrap_or_default(),
        flags.join(", "),
    ]
}

fn cultivation_stage_key(step: Step) -> &'static str {
    model::stage_key(step)
}

fn headers(ctx: &PageCtx) -> Vec<String> {
    let en = ctx.locale == Locale::En;
    EXPORT_COLUMNS
        .iter()
        .map(|(_, zh, e)| {
            if en {
                (*e).to_string()
            } else {
                (*zh).to_string()
            }
        })
        .collect()
}

/// `GET /pipeline.csv`: every enterprise the filters select (UTF-8 with BOM,
/// formula-like cells made inert).
pub async fn export_csv(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<PipelineQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (rows, _) = export_rows(&auth, &state, &query).await?;
    let districts = state.db.read(|conn| Ok(District::all(conn)?)).await?;
    let day = today();
    let cutoff = day - Duration::days(query.stall_days());
    let body = web::block(move || -> Result<Vec<u8>, AppError> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut w = csv::Writer::from_writer(&mut out);
            let csv_err = |e: csv::Error| AppError::Internal(e.into());
            w.write_record(headers(&ctx)).map_err(csv_err)?;
            for r in &rows {
                let cells = export_cells(&ctx, r, &districts, day, cutoff);
                w.write_record(cells.iter().map(|c| sheet::inert(c).into_owned()))
                    .map_err(csv_err)?;
            }
            w.flush().map_err(|e| AppError::Internal(e.into()))?;
        }
        Ok(out)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(attachment("pipeline.csv"))
        .body(body))
}

/// `GET /pipeline.xlsx`: the funnel and the enterprises the filters select, on two sheets.
pub async fn export_xlsx(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<PipelineQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let (rows, stats) = export_rows(&auth, &state, &query).await?;
    let districts = state.db.read(|conn| Ok(District::all(conn)?)).await?;
    let day = today();
    let cutoff = day - Duration::days(query.stall_days());
    let body = web::block(move || -> Result<Vec<u8>, AppError> {
        let xe = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
        let mut book = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let funnel = book.add_worksheet();
        funnel.set_name(ctx.t("pipeline.funnel")).map_err(xe)?;
        let head = [
            ctx.t("pipeline.stage"),
            ctx.t("pipeline.count"),
            ctx.t("pipeline.conversion"),
            ctx.t("pipeline.median_days"),
            ctx.t("pipeline.stalled"),
        ];
        for (c, h) in head.iter().enumerate() {
            funnel
                .write_string_with_format(0, c as u16, h, &bold)
                .map_err(xe)?;
        }
        let rates = conversions(&stats);
        for (r, s) in stats.iter().enumerate() {
            let row = (r + 1) as u32;
            funnel
                .write_string(row, 0, ctx.label("stage", &s.stage))
                .map_err(xe)?;
            funnel.write_number(row, 1, s.count as f64).map_err(xe)?;
            if let Some((_, _, Some(rate))) = rates.iter().find(|(a, _, _)| a.as_str() == s.stage) {
                funnel.write_number(row, 2, *rate).map_err(xe)?;
            }
            if let Some(d) = s.median_days {
                funnel.write_number(row, 3, d as f64).map_err(xe)?;
            }
            funnel.write_number(row, 4, s.stalled as f64).map_err(xe)?;
        }
        let list = book.add_worksheet();
        list.set_name(ctx.t("pipeline.enterprises")).map_err(xe)?;
        for (c, h) in headers(&ctx).iter().enumerate() {
            list.write_string_with_format(0, c as u16, h, &bold)
                .map_err(xe)?;
        }
        for (i, r) in rows.iter().enumerate() {
            // Strings are written as strings: a spreadsheet never evaluates them.
            for (c, v) in export_cells(&ctx, r, &districts, day, cutoff)
                .iter()
                .enumerate()
            {
                list.write_string((i + 1) as u32, c as u16, v).map_err(xe)?;
            }
        }
        list.set_freeze_panes(1, 2).map_err(xe)?;
        book.save_to_buffer().map_err(xe)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .insert_header((
            CONTENT_TYPE,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ))
        .insert_header(attachment("pipeline.xlsx"))
        .body(body))
}

/// The plan targets form (admins).
#[derive(Template)]
#[template(path = "cultivation/targets.html")]
pub struct TargetsPage {
    pub ctx: PageCtx,
    pub year: String,
    /// Per stage: the value as typed or stored.
    pub values: Vec<(Stage, String)>,
    pub errors: FieldErrors,
    /// Every year with targets: (year, stage key -> target).
    pub stored: Vec<(i32, BTreeMap<String, i32>)>,
}

/// `?year=` for the targets form.
#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default)]
    pub year: Option<i32>,
}

async fn stored_targets(
    state: &web::Data<AppState>,
) -> Result<Vec<(i32, BTreeMap<String, i32>)>, AppError> {
    let all = state.db.read(|conn| Ok(model::targets(conn)?)).await?;
    let mut by_year: BTreeMap<i32, BTreeMap<String, i32>> = BTreeMap::new();
    for t in all {
        by_year.entry(t.year).or_default().insert(t.stage, t.target);
    }
    Ok(by_year.into_iter().collect())
}

/// `GET /pipeline/targets?year=`: the three-year plan's targets, editable by admins.
pub async fn targets_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<YearQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let year = query.year.unwrap_or_else(|| today().year());
    let stored = stored_targets(&state).await?;
    let of_year = stored
        .iter()
        .find(|(y, _)| *y == year)
        .map(|(_, m)| m.clone());
    let values = Stage::ALL
        .iter()
        .map(|s| {
            (
                *s,
                of_year
                    .as_ref()
                    .and_then(|m| m.get(s.as_str()))
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
            )
        })
        .collect();
    page(&TargetsPage {
        ctx,
        year: year.to_string(),
        values,
        errors: FieldErrors::default(),
        stored,
    })
}

/// The targets form as posted: `year` and one `target_<stage>` per stage.
#[derive(Debug, Deserialize)]
pub struct TargetsForm {
    #[serde(default)]
    pub year: String,
    #[serde(flatten)]
    pub fields: BTreeMap<String, String>,
}

/// `POST /pipeline/targets`: sets a year's targets (empty removes one).
pub async fn save_targets(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<TargetsForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(ADMIN)?;
    let mut errors = FieldErrors::default();
    let year = form
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y));
    if year.is_none() {
        errors.add("year", "pipeline.year_error");
    }
    let mut values = Vec::new();
    let mut typed = Vec::new();
    for s in Stage::ALL {
        let raw = form
            .fields
            .get(&format!("target_{}", s.as_str()))
            .cloned()
            .unwrap_or_default();
        let v = match raw.trim() {
            "" => None,
            t => match t.parse::<i32>() {
                Ok(n) if (0..=1_000_000).contains(&n) => Some(n),
                _ => {
                    errors.add(target_field(&s), "pipeline.target_error");
                    None
                }
            },
        };
        values.push((s, v));
        typed.push((s, raw));
    }
    if let (true, Some(year)) = (errors.is_empty(), year) {
        let actor = auth.actor();
        state
            .db
            .write(move |conn| Ok(model::set_targets(conn, &actor, year, &values)?))
            .await?;
        return Ok(redirect_with_flash(
            &state,
            "/pipeline",
            Flash::success("flash.targets_saved").with_arg(year.to_string()),
        ));
    }
    let page = TargetsPage {
        ctx,
        year: form.year.clone(),
        values: typed,
        errors,
        stored: stored_targets(&state).await?,
    };
    render(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// The form field of a stage's target.
pub fn target_field(s: &Stage) -> &'static str {
    match s {
        Stage::Potential => "target_potential",
        Stage::Reserve => "target_reserve",
        Stage::ShareholdingReform => "target_shareholding_reform",
        Stage::ListingProcess => "target_listing_process",
        Stage::Listed => "target_listed",
    }
}
