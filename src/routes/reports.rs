//! The officials' overview of the board over a span, shared by the dashboard (this
//! quarter so far) and the quarterly report (any quarter): counts by tier, level,
//! stage, district and industry at both ends, plan targets against actuals, approved
//! financing and index averages. The report is one printable page and the same
//! tables as an XLSX workbook.

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{Datelike, Duration, NaiveDate};
use serde::Deserialize;

use crate::auth::Auth;
use crate::domain::cultivation::Stage;
use crate::domain::dashboard::{current_quarter, parse_quarter, quarter_days};
use crate::domain::index::period::Period;
use crate::domain::industry::section_label;
use crate::domain::qualification::Level;
use crate::domain::role::Role;
use crate::domain::scope::DataScope;
use crate::domain::tier::Tier;
use crate::error::AppError;
use crate::models::dashboard::{Composition, Dimension};
use crate::models::district::District;
use crate::models::financing::Rollups;
use crate::models::index::Summary;
use crate::models::pipeline::StageStats;
use crate::routes::cultivation::pipeline::{
    PipelineQuery, TargetCell, funnel_svg, target_cells, targets_svg,
};
use crate::routes::enterprises::today;
use crate::routes::transfer::{Cell, Sheet, xlsx_book_response};
use crate::startup::AppState;
use crate::views::charts::{self, BarRow, Series};
use crate::views::{PageCtx, page};

/// Who reads the overview and the report.
pub const READERS: &[Role] = &[Role::Official, Role::Admin];

/// Approved financing: how many referrals and how much (yuan).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Totals {
    pub count: i64,
    pub amount: i64,
}

impl Totals {
    /// Sums roll-up rows (key, count, amount).
    pub fn of<K>(rows: &[(K, i64, i64)]) -> Totals {
        rows.iter()
            .fold(Totals::default(), |acc, (_, n, amount)| Totals {
                count: acc.count + n,
                amount: acc.amount + amount,
            })
    }
}

/// Everything the overview shows for a span, in one data scope.
pub struct Overview {
    pub composition: Arc<Composition>,
    /// The pipeline as it stands today (stage statistics cannot be rebuilt as of a
    /// past day; the stage counts in `composition` can).
    pub stats: Vec<StageStats>,
    /// The plan year (the year the span ends in) and its targets against actuals.
    pub year: i32,
    pub targets: Vec<TargetCell>,
    /// Financing approved within the span, in the plan year up to the span's end,
    /// and ever.
    pub financing: std::sync::Arc<Rollups>,
    pub financing_year: Totals,
    pub financing_all: Totals,
    /// The newest computed index period and its summary in scope.
    pub index: Option<(Period, Arc<Summary>)>,
    pub districts: Vec<District>,
}

/// Loads the overview of the span from the start of `from` to the start of `until`
/// (now when `None`), as seen by `scope`.
pub fn load(
    conn: &mut crate::db::DbConnection,
    state: &AppState,
    scope: &DataScope,
    from: NaiveDate,
    until: Option<NaiveDate>,
    day: NaiveDate,
) -> Result<Overview, AppError> {
    let end = until.unwrap_or(day + Duration::days(1));
    let year = (end - Duration::days(1)).year();
    let composition =
        crate::models::dashboard::cached(&state.dashboard_cache, conn, scope, from, until)?;
    let pq = PipelineQuery::default();
    let cutoff = day - Duration::days(pq.stall_days());
    let aggregates =
        state
            .pipeline_cache
            .aggregates(conn, scope, &pq.filter(), day, cutoff, year..=year)?;
    let plan = crate::models::cultivation::targets(conn)?;
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(AppError::NotFound)?;
    let g = crate::models::financing::rollups_generation(conn)?;
    let mut rollups = |span| Rollups::cached(&state.financing_cache, g, &mut *conn, scope, span);
    let financing = rollups(Some((from, end)))?;
    let financing_year = Totals::of(&rollups(Some((year_start, end)))?.by_kind);
    let financing_all = Totals::of(&rollups(None)?.by_kind);
    let index = match crate::models::index::latest_computed(conn)? {
        Some(p) => Some((p, state.index_cache.summary(conn, p, scope, "")?)),
        None => None,
    };
    Ok(Overview {
        stats: aggregates.stats.clone(),
        targets: target_cells(&plan, &aggregates.actuals, year),
        year,
        composition,
        financing,
        financing_year,
        financing_all,
        index,
        districts: District::all(conn)?,
    })
}

/// One dimension's rows: (key, label) in display order.
pub fn dimension_keys(ctx: &PageCtx, o: &Overview, which: Which) -> Vec<(String, String)> {
    let c = &o.composition;
    match which {
        Which::Tier => Tier::ALL
            .iter()
            .map(|t| (t.as_str().to_string(), ctx.label("tier", t.as_str())))
            .collect(),
        Which::Level => Level::ALL
            .iter()
            .map(|l| (l.as_str().to_string(), ctx.label("level", l.as_str())))
            .collect(),
        Which::Stage => Stage::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), ctx.label("stage", s.as_str())))
            .collect(),
        // Districts in register order, those with anyone at either end.
        Which::District => o
            .districts
            .iter()
            .filter(|d| present(&c.districts, &d.code))
            .map(|d| {
                (
                    d.code.clone(),
                    District::name_of(&o.districts, &d.code, ctx.locale),
                )
            })
            .collect(),
        // Sections A..T with anyone at either end, then those without a section.
        Which::Industry => {
            let mut keys: Vec<String> = c
                .industries
                .now
                .keys()
                .chain(c.industries.then.keys())
                .cloned()
                .collect();
            keys.sort_by_key(|k| (k.is_empty(), k.clone()));
            keys.dedup();
            keys.into_iter()
                .map(|k| {
                    let label = if k.is_empty() {
                        ctx.t("report.no_industry")
                    } else {
                        section_label(&k, ctx.locale).unwrap_or_else(|| k.clone())
                    };
                    (k, label)
                })
                .collect()
        }
    }
}

fn present(d: &Dimension, key: &str) -> bool {
    d.now.get(key).is_some_and(|n| *n > 0) || d.then.get(key).is_some_and(|n| *n > 0)
}

/// The five dimensions the composition is counted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    Tier,
    Level,
    Stage,
    District,
    Industry,
}

impl Which {
    pub const ALL: [Which; 5] = [
        Which::Tier,
        Which::Level,
        Which::Stage,
        Which::District,
        Which::Industry,
    ];

    /// The element id on pages and the message key of the title.
    pub fn id_and_title(self) -> (&'static str, &'static str) {
        match self {
            Which::Tier => ("tiers", "dash.by_tier"),
            Which::Level => ("levels", "dash.by_level"),
            Which::Stage => ("stages", "dash.by_stage"),
            Which::District => ("districts", "dash.by_district"),
            Which::Industry => ("industries", "dash.by_industry"),
        }
    }

    pub fn of(self, c: &Composition) -> &Dimension {
        match self {
            Which::Tier => &c.tiers,
            Which::Level => &c.levels,
            Which::Stage => &c.stages,
            Which::District => &c.districts,
            Which::Industry => &c.industries,
        }
    }

    /// Whether a chart helps (industries have up to 20 rows: the table says it).
    pub fn charted(self) -> bool {
        self != Which::Industry
    }
}

/// A titled table with an optional chart: a block on a page and a sheet in the
/// workbook.
pub struct Block {
    pub id: String,
    pub title: String,
    pub chart: String,
    pub header: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// A note under the table (e.g. the start figure could not be rebuilt exactly).
    pub note: Option<String>,
}

impl Block {
    fn sheet(&self) -> Sheet {
        Sheet {
            name: self.title.clone(),
            header: self.header.clone(),
            rows: self.rows.clone(),
        }
    }
}

fn n(v: i64) -> Cell {
    Cell::Number(v as f64)
}

/// Yuan as 万元 with two decimals, as a number.
fn wan(yuan: i64) -> Cell {
    Cell::Number((yuan as f64 / 100.0).round() / 100.0)
}

fn delta(v: i64) -> Cell {
    Cell::Text(if v > 0 {
        format!("+{v}")
    } else {
        v.to_string()
    })
}

/// The columns chart of a dimension at both ends of the span.
fn composition_chart(
    ctx: &PageCtx,
    title: &str,
    running: bool,
    labels: &[String],
    rows: &[(i64, i64)],
) -> String {
    let series = [
        Series {
            name: ctx.t("report.at_start"),
            values: rows.iter().map(|r| Some(r.0 as f64)).collect(),
            class: "chart-bar-alt",
        },
        Series {
            name: ctx.t(if running { "dash.now" } else { "report.at_end" }),
            values: rows.iter().map(|r| Some(r.1 as f64)).collect(),
            class: "chart-bar",
        },
    ];
    charts::grouped_columns(title, labels, &series)
}

/// A dimension's block: start, end and change per key.
pub fn composition_block(ctx: &PageCtx, o: &Overview, which: Which, prefix: &str) -> Block {
    let (id, title_key) = which.id_and_title();
    let d = which.of(&o.composition);
    let keys = dimension_keys(ctx, o, which);
    let counts: Vec<(i64, i64)> = keys
        .iter()
        .map(|(k, _)| {
            (
                d.then.get(k).copied().unwrap_or(0),
                d.now.get(k).copied().unwrap_or(0),
            )
        })
        .collect();
    let labels: Vec<String> = keys.iter().map(|(_, l)| l.clone()).collect();
    let title = ctx.t(title_key);
    let chart = if which.charted() {
        composition_chart(ctx, &title, o.composition.until.is_none(), &labels, &counts)
    } else {
        String::new()
    };
    let from = o.composition.as_of.to_string();
    let to = end_label(ctx, o.composition.until);
    Block {
        id: format!("{prefix}{id}"),
        chart,
        header: vec![
            title.clone(),
            ctx.t1("report.start_on", &from),
            to,
            ctx.t("report.change"),
        ],
        rows: labels
            .into_iter()
            .zip(counts)
            .map(|(l, (then, now))| vec![Cell::Text(l), n(then), n(now), delta(now - then)])
            .collect(),
        note: d.inexact.then(|| ctx.t("dash.inexact")),
        title,
    }
}

/// "At the start of 2027-01-01" or "now".
fn end_label(ctx: &PageCtx, until: Option<NaiveDate>) -> String {
    match until {
        Some(d) => ctx.t1("report.start_on", &d.to_string()),
        None => ctx.t("dash.now"),
    }
}

/// The plan year's targets against actuals.
pub fn targets_block(ctx: &PageCtx, o: &Overview) -> Block {
    Block {
        id: "report-targets".into(),
        title: ctx.t1("pipeline.targets_year", &o.year.to_string()),
        chart: targets_svg(ctx, o.year, &o.targets),
        header: vec![
            ctx.t("pipeline.stage"),
            ctx.t("pipeline.target"),
            ctx.t("pipeline.actual"),
            ctx.t("report.attainment"),
        ],
        rows: o
            .targets
            .iter()
            .map(|c| {
                vec![
                    Cell::Text(ctx.label("stage", c.stage.as_str())),
                    c.target.map_or(Cell::Empty, |t| n(t.into())),
                    n(c.actual),
                    match c.target {
                        Some(t) if t > 0 => {
                            Cell::Text(format!("{:.0}%", c.actual as f64 * 100.0 / f64::from(t)))
                        }
                        _ => Cell::Empty,
                    },
                ]
            })
            .collect(),
        note: None,
    }
}

/// Approved financing in the span by one roll-up.
fn financing_block(
    ctx: &PageCtx,
    id: &str,
    title: String,
    key_header: String,
    rows: Vec<(String, i64, i64)>,
) -> Block {
    let bars: Vec<BarRow> = rows
        .iter()
        .map(|(label, _, amount)| BarRow {
            label: label.clone(),
            value: *amount as f64,
            display: format!(
                "{} {}",
                crate::domain::money::format_wan(*amount),
                ctx.t("financing.wan")
            ),
        })
        .collect();
    Block {
        id: id.to_string(),
        chart: charts::bars(&title, &bars, &ctx.t("dash.none")),
        header: vec![
            key_header,
            ctx.t("report.referrals"),
            ctx.t("report.amount_wan"),
        ],
        rows: rows
            .into_iter()
            .map(|(label, count, amount)| vec![Cell::Text(label), n(count), wan(amount)])
            .collect(),
        note: None,
        title,
    }
}

/// Index averages by district for the newest computed period.
fn index_block(ctx: &PageCtx, o: &Overview) -> Option<Block> {
    let (p, s) = o.index.as_ref()?;
    let score = |v: Option<f64>| v.map_or(Cell::Empty, |v| Cell::Number((v * 10.0).round() / 10.0));
    let mut rows = vec![vec![
        Cell::Text(ctx.t("report.all_in_scope")),
        n(s.scored as i64),
        score(s.mean),
        score(s.median),
    ]];
    rows.extend(s.by_district.iter().map(|g| {
        vec![
            Cell::Text(District::name_of(&o.districts, &g.key, ctx.locale)),
            n(g.count as i64),
            score(g.total),
            Cell::Empty,
        ]
    }));
    Some(Block {
        id: "report-index".into(),
        title: format!("{} · {}", ctx.t("index.title"), p.label(ctx.locale.tag())),
        chart: String::new(),
        header: vec![
            ctx.t("enterprise.district"),
            ctx.t("index.scored"),
            ctx.t("index.mean"),
            ctx.t("index.median"),
        ],
        rows,
        note: None,
    })
}

/// The report's key figures.
fn summary_block(ctx: &PageCtx, o: &Overview) -> Block {
    let c = &o.composition;
    let span = Totals::of(&o.financing.by_kind);
    let stalled: i64 = o.stats.iter().map(|s| s.stalled).sum();
    let mut rows = vec![
        vec![Cell::Text(ctx.t("report.active_start")), n(c.total_then)],
        vec![Cell::Text(ctx.t("report.active_end")), n(c.total_now)],
        vec![Cell::Text(ctx.t("report.registered")), n(c.registered())],
        vec![Cell::Text(ctx.t("report.financing_count")), n(span.count)],
        vec![
            Cell::Text(ctx.t("report.financing_amount")),
            wan(span.amount),
        ],
        vec![
            Cell::Text(ctx.t1("report.financing_year", &o.year.to_string())),
            wan(o.financing_year.amount),
        ],
        vec![Cell::Text(ctx.t("report.stalled_now")), n(stalled)],
    ];
    if let Some((p, s)) = &o.index {
        let label = format!("{} · {}", ctx.t("index.mean"), p.label(ctx.locale.tag()));
        rows.push(vec![
            Cell::Text(label),
            s.mean
                .map_or(Cell::Empty, |m| Cell::Number((m * 10.0).round() / 10.0)),
        ]);
    }
    Block {
        id: "report-summary".into(),
        title: ctx.t("report.summary"),
        chart: String::new(),
        header: vec![ctx.t("report.figure"), ctx.t("report.value")],
        rows,
        note: None,
    }
}

/// Every block of the report, in page order.
pub fn report_blocks(ctx: &PageCtx, o: &Overview) -> Vec<Block> {
    let mut blocks = vec![summary_block(ctx, o)];
    blocks.extend(
        Which::ALL
            .iter()
            .map(|w| composition_block(ctx, o, *w, "report-")),
    );
    blocks.push(targets_block(ctx, o));
    let f = &o.financing;
    blocks.push(financing_block(
        ctx,
        "report-financing-kind",
        ctx.t("report.financing_by_kind"),
        ctx.t("financing.kind"),
        f.by_kind
            .iter()
            .map(|(k, c, a)| (ctx.label("financing_kind", k), *c, *a))
            .collect(),
    ));
    blocks.push(financing_block(
        ctx,
        "report-financing-district",
        ctx.t("report.financing_by_district"),
        ctx.t("enterprise.district"),
        f.by_district
            .iter()
            .map(|(k, c, a)| (District::name_of(&o.districts, k, ctx.locale), *c, *a))
            .collect(),
    ));
    blocks.push(financing_block(
        ctx,
        "report-financing-partner",
        ctx.t("report.financing_by_partner"),
        ctx.t("financing.partner"),
        f.by_partner.clone(),
    ));
    blocks.extend(index_block(ctx, o));
    blocks
}

/// `?q=2026Q3`: which quarter (default: the current one).
#[derive(Debug, Default, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    pub q: String,
}

/// The quarter report page.
#[derive(Template)]
#[template(path = "reports/quarterly.html")]
pub struct QuarterlyPage {
    pub ctx: PageCtx,
    pub quarter: Period,
    pub quarter_label: String,
    /// The last eight quarters, newest first, for the picker: (key, label, chosen).
    pub quarters: Vec<(String, String, bool)>,
    pub from: NaiveDate,
    /// The last day covered (the quarter's last day, or today while it runs).
    pub through: NaiveDate,
    pub running: bool,
    pub scope_label: String,
    pub generated_at: String,
    /// Why the quarter asked for was not shown (the current one is, instead).
    pub error: Option<String>,
    pub funnel_svg: String,
    pub blocks: Vec<Block>,
}

/// The quarter's overview in the reader's scope, with its span.
async fn quarter_overview(
    auth: &Auth,
    state: &web::Data<AppState>,
    quarter: Period,
) -> Result<(NaiveDate, NaiveDate, bool, Overview), AppError> {
    let day = today();
    let (from, next) = quarter_days(quarter);
    let running = next > day;
    let until = (!running).then_some(next);
    let through = if running {
        day
    } else {
        next - Duration::days(1)
    };
    let scope = auth.user().scope.clone();
    let st = state.clone();
    let o = state
        .db
        .read(move |conn| load(conn, &st, &scope, from, until, day))
        .await?;
    Ok((from, through, running, o))
}

/// The account's scope in words.
fn scope_label(ctx: &PageCtx, scope: &DataScope, districts: &[District]) -> String {
    match scope {
        DataScope::Districts(ds) => ds
            .iter()
            .map(|d| District::name_of(districts, d.as_str(), ctx.locale))
            .collect::<Vec<_>>()
            .join("、"),
        _ => ctx.t("report.scope_all"),
    }
}

/// `GET /reports/quarterly`
pub async fn quarterly(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let current = current_quarter(today());
    let (quarter, error) = match parse_quarter(&q.q, today()) {
        Ok(p) => (p, None),
        Err(e) => (
            current,
            Some(format!(
                "{} {}",
                ctx.t1("report.bad_quarter", &e.raw),
                ctx.t1("report.quarter_example", &e.example.to_string())
            )),
        ),
    };
    let (from, through, running, o) = quarter_overview(&auth, &state, quarter).await?;
    let quarters = std::iter::successors(Some(current), |p| Some(p.previous()))
        .take(8)
        .map(|p| (p.to_string(), p.label(ctx.locale.tag()), p == quarter))
        .collect();
    let funnel = funnel_svg(&ctx, &o.stats, &PipelineQuery::default().filters_qs());
    let bad = error.is_some();
    let mut response = page(&QuarterlyPage {
        error,
        quarter_label: quarter.label(ctx.locale.tag()),
        scope_label: scope_label(&ctx, &auth.user().scope, &o.districts),
        generated_at: ctx.datetime(&crate::models::now()),
        blocks: report_blocks(&ctx, &o),
        funnel_svg: funnel,
        quarter,
        quarters,
        from,
        through,
        running,
        ctx,
    })?;
    if bad {
        *response.status_mut() = actix_web::http::StatusCode::BAD_REQUEST;
    }
    Ok(response)
}

/// `GET /reports/quarterly.xlsx`: the report's tables, one sheet each.
pub async fn quarterly_xlsx(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let quarter = parse_quarter(&q.q, today()).map_err(|e| AppError::BadRequest(e.to_string()))?;
    let (_, _, _, o) = quarter_overview(&auth, &state, quarter).await?;
    let sheets = report_blocks(&ctx, &o).iter().map(Block::sheet).collect();
    xlsx_book_response(&format!("srdi-report-{quarter}.xlsx"), sheets).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_add_up_the_rows() {
        let t = Totals::of(&[
            ("loan".to_string(), 2, 3_000_000),
            ("equity".into(), 1, 500_000),
        ]);
        assert_eq!(
            t,
            Totals {
                count: 3,
                amount: 3_500_000
            }
        );
        assert_eq!(Totals::of::<String>(&[]), Totals::default());
    }

    #[test]
    fn amounts_are_wan_with_two_decimals() {
        assert_eq!(wan(12_345_678).text(), "1234.57");
        assert_eq!(wan(0).text(), "0");
        assert_eq!(delta(3).text(), "+3");
        assert_eq!(delta(-2).text(), "-2");
        assert_eq!(delta(0).text(), "0");
    }
}
