//! The development index as people read it: the panel on an enterprise's page,
//! the enterprise's full index page (radar against the peer median, trend,
//! movers, every indicator), the overview of a period, and score exports.
//!
//! Who sees what: admins, staff and officials read every enterprise in their data
//! scope; an enterprise account reads its own scores with its percentile and rank
//! band and the peers' medians (anonymous aggregates), never another enterprise's
//! values or its rank among named peers; experts have no index pages here.

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use askama::Template;
use diesel::prelude::*;
use serde::Deserialize;

use crate::auth::Auth;
use crate::db::DbConnection;
use crate::domain::index::model::Source;
use crate::domain::index::period::Period;
use crate::domain::index::rank::{RankBand, Standing};
use crate::domain::index::score::Scorer;
use crate::domain::locale::Locale;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::models::enterprise::Enterprise;
use crate::models::index::{self, Cache, PeerGroup, ScoreRow};
use crate::startup::AppState;
use crate::views::charts::{self, RadarSeries, TrendPoint};
use crate::views::{PageCtx, page};

/// Who reads the overview and the exports (officials read everything in scope).
pub const READERS: &[Role] = &[Role::Admin, Role::Staff, Role::Official];

fn tr(locale: Locale, key: &str) -> String {
    rust_i18n::t!(key, locale = locale.tag()).into_owned()
}

/// A score with one decimal, or a dash when missing.
pub fn score_text(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |x| format!("{x:.1}"))
}

/// A signed change with one decimal, or a dash.
pub fn change_text(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |x| format!("{x:+.1}"))
}

/// A raw figure: up to 2 decimals, trailing zeros dropped.
pub fn figure_text(v: Option<f64>) -> String {
    match v {
        None => "—".to_string(),
        Some(x) => {
            let s = format!("{x:.2}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
    }
}

/// One dimension on the panel.
#[derive(Debug, Clone)]
pub struct DimRow {
    pub label: String,
    pub score: String,
    pub median: String,
}

/// Where the enterprise stands in one group.
#[derive(Debug, Clone)]
pub struct StandingRow {
    pub group: String,
    pub rank: String,
    pub percentile: String,
}

/// The index panel of one enterprise for one period.
#[derive(Debug, Clone)]
pub struct Panel {
    pub period: String,
    pub period_label: String,
    /// (code, label) of every period the enterprise has scores for, newest first.
    pub periods: Vec<(String, String)>,
    pub total: String,
    pub has_total: bool,
    pub coverage: String,
    pub change_prev: String,
    pub prev_label: String,
    pub change_year: String,
    pub year_label: String,
    /// Whether the same period a year earlier differs from the previous one (quarters).
    pub show_year: bool,
    pub standings: Vec<StandingRow>,
    /// For enterprise accounts: the band instead of ranks.
    pub band: String,
    pub percentile: String,
    pub dims: Vec<DimRow>,
    pub radar: String,
    pub model_version: String,
    pub peers_label: String,
}

/// Everything the panel and the full page read, loaded in one go.
pub struct Loaded {
    pub panel: Panel,
    pub rows: Vec<ScoreRow>,
    pub current: usize,
    pub scorer: Arc<Scorer>,
}

fn dim_labels(scorer: &Scorer, locale: Locale) -> Vec<String> {
    scorer
        .model()
        .dimensions
        .iter()
        .map(|d| locale.pick(&d.label_zh, &d.label_en).to_string())
        .collect()
}

fn standing_text(s: &Option<Standing>) -> (String, String) {
    match s {
        Some(s) => (
            format!("{} / {}", s.rank, s.of),
            s.percentile
                .map_or_else(|| "—".into(), |p| format!("{p:.0}")),
        ),
        None => ("—".into(), "—".into()),
    }
}

fn group_label(locale: Locale, g: PeerGroup, key: &str) -> String {
    let value = match g {
        PeerGroup::Industry => key.to_string(),
        PeerGroup::District => key.to_string(),
        PeerGroup::Level => tr(locale, &format!("level.{key}")),
    };
    format!(
        "{} ({value})",
        tr(locale, &format!("index.group.{}", g.as_str()))
    )
}

/// Loads the panel of enterprise `e` for `period` (default: its newest scored
/// period). None when the enterprise has no scores.
pub fn load(
    conn: &mut DbConnection,
    cache: &Cache,
    e: &Enterprise,
    period: Option<Period>,
    locale: Locale,
    is_enterprise: bool,
) -> Result<Option<Loaded>, AppError> {
    let rows = index::scores_of(conn, e.id)?;
    let current = match period {
        Some(p) => rows.iter().position(|r| r.parsed_period() == Some(p)),
        None => rows.len().checked_sub(1),
    };
    let Some(current) = current else {
        return Ok(None);
    };
    let row = &rows[current];
    let Some(p) = row.parsed_period() else {
        return Ok(None);
    };
    let model = index::model(conn, row.model_id)?.ok_or(AppError::NotFound)?;
    let scorer = model.scorer()?;
    let view = cache.view(conn, p)?;
    let entry = view.entry(e.id);
    // Peers for the radar: the industry (division) when it has others, else everyone.
    let industry = entry.and_then(|en| view.peers_of(en, PeerGroup::Industry));
    let (peers, peers_label) = match industry {
        Some(peers) if peers.totals.len() > 1 => (peers, tr(locale, "index.peers_industry")),
        _ => (&view.all, tr(locale, "index.peers_all")),
    };
    let labels = dim_labels(&scorer, locale);
    let own = row.dims();
    let dims = labels
        .iter()
        .enumerate()
        .map(|(i, l)| DimRow {
            label: l.clone(),
            score: score_text(own[i]),
            median: score_text(peers.dim_medians[i]),
        })
        .collect();
    let radar = charts::radar(
        &format!(
            "{} {}",
            tr(locale, "index.radar_title"),
            p.label(locale.tag())
        ),
        &labels,
        &[
            RadarSeries {
                label: if is_enterprise {
                    tr(locale, "index.this_enterprise")
                } else {
                    e.name.clone()
                },
                class: "chart-bar",
                values: own.to_vec(),
            },
            RadarSeries {
                label: peers_label.clone(),
                class: "chart-bar-alt",
                values: peers.dim_medians.to_vec(),
            },
        ],
        &tr(locale, "index.missing"),
        &tr(locale, "index.no_scores"),
    );
    let total_of = |q: Period| {
        rows.iter()
            .find(|r| r.parsed_period() == Some(q))
            .map(|r| r.total)
    };
    let change = |q: Period| match (row.total, total_of(q).flatten()) {
        (Some(a), Some(b)) => Some(a - b),
        _ => None,
    };
    let standings = view.standings(e.id);
    let mut standing_rows = vec![{
        let (rank, percentile) = standing_text(&standings.overall);
        StandingRow {
            group: tr(locale, "index.group.all"),
            rank,
            percentile,
        }
    }];
    for (g, key, s) in &standings.groups {
        let (rank, percentile) = standing_text(s);
        let key = match g {
            PeerGroup::Industry => {
                crate::domain::industry::division_label(key, locale).unwrap_or_else(|| key.clone())
            }
            PeerGroup::District => crate::models::district::District::name_of(
                &crate::models::district::District::all(conn)?,
                key,
                locale,
            ),
            PeerGroup::Level => key.clone(),
        };
        standing_rows.push(StandingRow {
            group: group_label(locale, *g, &key),
            rank,
            percentile,
        });
    }
    let percentile = standings.overall.and_then(|s| s.percentile);
    let band = percentile.map_or_else(
        || "—".to_string(),
        |pc| tr(locale, &format!("index.band.{}", RankBand::of(pc).as_str())),
    );
    let panel = Panel {
        period: p.to_string(),
        period_label: p.label(locale.tag()),
        periods: rows
            .iter()
            .rev()
            .filter_map(|r| r.parsed_period())
            .map(|q| (q.to_string(), q.label(locale.tag())))
            .collect(),
        total: score_text(row.total),
        has_total: row.total.is_some(),
        coverage: format!("{:.0}%", row.coverage * 100.0),
        change_prev: change_text(change(p.previous())),
        prev_label: p.previous().label(locale.tag()),
        change_year: change_text(change(p.year_ago())),
        year_label: p.year_ago().label(locale.tag()),
        show_year: p.previous() != p.year_ago(),
        standings: standing_rows,
        band,
        percentile: percentile.map_or_else(|| "—".into(), |pc| format!("{pc:.0}")),
        dims,
        radar,
        model_version: format!("{} v{}", model.code, model.version),
        peers_label,
    };
    Ok(Some(Loaded {
        panel,
        rows,
        current,
        scorer,
    }))
}

/// One indicator's line on the full page.
#[derive(Debug, Clone)]
pub struct IndicatorLine {
    pub label: String,
    pub definition: String,
    pub unit: String,
    pub source: String,
    pub raw: String,
    pub points: String,
    pub missing: bool,
}

/// A sub-dimension with its indicators.
#[derive(Debug, Clone)]
pub struct SubBlock {
    pub label: String,
    pub score: String,
    pub indicators: Vec<IndicatorLine>,
}

/// A dimension with its sub-dimensions.
#[derive(Debug, Clone)]
pub struct DimBlock {
    pub label: String,
    pub score: String,
    pub core: bool,
    pub subs: Vec<SubBlock>,
}

/// An indicator that moved between two periods.
#[derive(Debug, Clone)]
pub struct Mover {
    pub label: String,
    pub before: String,
    pub after: String,
    pub change: String,
    pub up: bool,
}

/// `GET /enterprises/{id}/index`
#[derive(Template)]
#[template(path = "index/enterprise.html")]
pub struct EnterprisePage {
    pub ctx: PageCtx,
    pub enterprise: Enterprise,
    pub panel: Option<Panel>,
    pub trend: String,
    pub movers: Vec<Mover>,
    pub movers_from: String,
    pub blocks: Vec<DimBlock>,
    pub is_enterprise: bool,
    pub can_enter: bool,
}

/// The period in a query string; anything unreadable means "the newest".
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    pub period: Option<String>,
}

impl PeriodQuery {
    pub fn parsed(&self) -> Option<Period> {
        self.period.as_deref().and_then(|p| p.parse().ok())
    }
}

fn blocks(loaded: &Loaded, locale: Locale) -> Vec<DimBlock> {
    let row = &loaded.rows[loaded.current];
    let detail = row.detail();
    let dims = row.dims();
    let mut sub_i = 0;
    let mut ind_i = 0;
    loaded
        .scorer
        .model()
        .dimensions
        .iter()
        .enumerate()
        .map(|(di, d)| DimBlock {
            label: locale.pick(&d.label_zh, &d.label_en).to_string(),
            score: score_text(dims.get(di).copied().flatten()),
            core: d.core,
            subs: d
                .subs
                .iter()
                .map(|s| {
                    let score = score_text(detail.subs.get(sub_i).copied().flatten());
                    sub_i += 1;
                    SubBlock {
                        label: locale.pick(&s.label_zh, &s.label_en).to_string(),
                        score,
                        indicators: s
                            .indicators
                            .iter()
                            .map(|ind| {
                                let raw = detail.raw.get(ind_i).copied().flatten();
                                let points = detail.points.get(ind_i).copied().flatten();
                                ind_i += 1;
                                let source = match ind.source {
                                    Source::Derived(_) => "derived",
                                    Source::Entered => "entered",
                                    Source::Expert => "expert",
                                };
                                IndicatorLine {
                                    label: locale.pick(&ind.label_zh, &ind.label_en).to_string(),
                                    definition: locale
                                        .pick(&ind.definition_zh, &ind.definition_en)
                                        .to_string(),
                                    unit: ind.unit.clone(),
                                    source: tr(locale, &format!("index.source.{source}")),
                                    raw: figure_text(raw),
                                    points: score_text(points),
                                    missing: raw.is_none(),
                                }
                            })
                            .collect(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// The indicators whose points moved most from the period before (up to 5 each way).
fn movers(
    conn: &mut DbConnection,
    loaded: &Loaded,
    locale: Locale,
) -> Result<(Vec<Mover>, String), AppError> {
    if loaded.current == 0 {
        return Ok((Vec::new(), String::new()));
    }
    let now = &loaded.rows[loaded.current];
    let before = &loaded.rows[loaded.current - 1];
    let before_scorer = if before.model_id == now.model_id {
        loaded.scorer.clone()
    } else {
        match index::model(conn, before.model_id)? {
            Some(m) => m.scorer()?,
            None => return Ok((Vec::new(), String::new())),
        }
    };
    let (a, b) = (now.detail(), before.detail());
    // (indicator, its position now, its position before) with the points' change.
    let changes: Vec<_> = loaded
        .scorer
        .indicators()
        .enumerate()
        .filter_map(|(i, ind)| {
            let j = before_scorer.position(&ind.key)?;
            let (p1, p0) = (a.points.get(i).copied()??, b.points.get(j).copied()??);
            Some(((ind, i, j), p1 - p0))
        })
        .collect();
    let list: Vec<Mover> = crate::domain::index::rank::movers(changes, 5)
        .into_iter()
        .map(|((ind, i, j), d)| Mover {
            label: locale.pick(&ind.label_zh, &ind.label_en).to_string(),
            before: format!(
                "{} {}",
                figure_text(b.raw.get(j).copied().flatten()),
                ind.unit
            ),
            after: format!(
                "{} {}",
                figure_text(a.raw.get(i).copied().flatten()),
                ind.unit
            ),
            change: change_text(Some(d)),
            up: d > 0.0,
        })
        .collect();
    let from = before
        .parsed_period()
        .map(|p| p.label(locale.tag()))
        .unwrap_or_default();
    Ok((list, from))
}

fn trend(
    conn: &mut DbConnection,
    cache: &Cache,
    loaded: &Loaded,
    e: &Enterprise,
    locale: Locale,
) -> Result<String, AppError> {
    let mut points = Vec::new();
    for r in &loaded.rows {
        let Some(p) = r.parsed_period() else { continue };
        let view = cache.view(conn, p)?;
        let reference = view
            .entry(e.id)
            .and_then(|en| view.peers_of(en, PeerGroup::Industry))
            .filter(|peers| peers.totals.len() > 1)
            .unwrap_or(&view.all)
            .totals
            .median();
        points.push(TrendPoint {
            label: p.label(locale.tag()),
            value: r.total,
            reference,
        });
    }
    Ok(charts::trend(
        &tr(locale, "index.trend_title"),
        &points,
        &tr(locale, "index.total"),
        &loaded.panel.peers_label,
        &tr(locale, "index.no_scores"),
    ))
}

/// `GET /enterprises/{id}/index`
pub async fn enterprise_page(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let role = auth.user().role;
    if role != Role::Enterprise {
        auth.require(READERS)?;
    }
    let scope = auth.user().scope.clone();
    let id = path.into_inner();
    let locale = ctx.locale;
    let is_enterprise = role == Role::Enterprise;
    let period = q.parsed();
    let st = state.clone();
    let (enterprise, loaded, trend_svg, movers, movers_from, blocks) = state
        .db
        .read(move |conn| {
            let e = Enterprise::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let Some(loaded) = load(conn, &st.index_cache, &e, period, locale, is_enterprise)?
            else {
                return Ok((
                    e,
                    None,
                    String::new(),
                    Vec::new(),
                    String::new(),
                    Vec::new(),
                ));
            };
            let trend_svg = trend(conn, &st.index_cache, &loaded, &e, locale)?;
            let (movers, from) = movers(conn, &loaded, locale)?;
            let blocks = blocks(&loaded, locale);
            Ok((e, Some(loaded.panel), trend_svg, movers, from, blocks))
        })
        .await?;
    page(&EnterprisePage {
        ctx,
        enterprise,
        panel: loaded,
        trend: trend_svg,
        movers,
        movers_from,
        blocks,
        is_enterprise,
        can_enter: matches!(role, Role::Admin | Role::Staff),
    })
}

/// Filters of the overview and the exports.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct OverviewQuery {
    pub period: Option<String>,
    /// A district code; empty = every district in scope.
    pub district: Option<String>,
}

/// One enterprise in a list of the overview.
#[derive(Debug, Clone)]
pub struct Named {
    pub id: i32,
    pub name: String,
    pub district: String,
    pub level: String,
    pub total: String,
    pub change: String,
}

/// Averages of one group.
#[derive(Debug, Clone)]
pub struct GroupAverage {
    pub label: String,
    pub count: usize,
    pub total: String,
    pub dims: Vec<String>,
}

/// `GET /index`
#[derive(Template)]
#[template(path = "index/overview.html")]
pub struct OverviewPage {
    pub ctx: PageCtx,
    /// (code, label) of every computed period, newest first.
    pub periods: Vec<(String, String)>,
    pub period: String,
    pub period_label: String,
    pub prev_label: String,
    pub districts: Vec<(String, String)>,
    pub district: String,
    pub scored: usize,
    pub with_total: usize,
    pub mean: String,
    pub median: String,
    pub distribution: String,
    pub dimension_chart: String,
    pub leaders: Vec<Named>,
    pub risers: Vec<Named>,
    pub fallers: Vec<Named>,
    pub dim_labels: Vec<String>,
    pub by_district: Vec<GroupAverage>,
    pub by_industry: Vec<GroupAverage>,
    pub by_level: Vec<GroupAverage>,
    pub computed_at: String,
    pub model_version: String,
    pub export_qs: String,
}

impl OverviewPage {
    /// The three tables of averages with their titles.
    pub fn group_tables(&self) -> Vec<(String, &Vec<GroupAverage>)> {
        vec![
            (self.ctx.t("index.by_district"), &self.by_district),
            (self.ctx.t("index.by_industry"), &self.by_industry),
            (self.ctx.t("index.by_level"), &self.by_level),
        ]
    }
}

fn group_rows(groups: &[index::GroupMeans], label: impl Fn(&str) -> String) -> Vec<GroupAverage> {
    groups
        .iter()
        .map(|g| GroupAverage {
            label: label(&g.key),
            count: g.count,
            total: score_text(g.total),
            dims: g.dims.iter().map(|d| score_text(*d)).collect(),
        })
        .collect()
}

/// The period asked for, else the newest computed one.
fn chosen_period(conn: &mut DbConnection, asked: Option<&str>) -> Result<Option<Period>, AppError> {
    let computed: Vec<Period> = index::periods(conn)?
        .iter()
        .filter(|r| r.computed_at.is_some())
        .filter_map(index::PeriodRow::parsed)
        .collect();
    Ok(asked
        .and_then(|p| p.parse::<Period>().ok())
        .filter(|p| computed.contains(p))
        .or_else(|| computed.last().copied()))
}

/// `GET /index`: the period's distribution, leaders, movers and averages.
pub async fn overview(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<OverviewQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let scope = auth.user().scope.clone();
    let locale = ctx.locale;
    let q = q.into_inner();
    let st = state.clone();
    let page_ctx = ctx.clone();
    let page_data = state
        .db
        .read(move |conn| {
            let districts = crate::models::district::District::all(conn)?;
            let district = q
                .district
                .clone()
                .filter(|d| districts.iter().any(|x| &x.code == d) && scope.covers_district(d))
                .unwrap_or_default();
            let district_options: Vec<(String, String)> = districts
                .iter()
                .filter(|d| scope.covers_district(&d.code))
                .map(|d| (d.code.clone(), d.name(locale).to_string()))
                .collect();
            let periods: Vec<(String, String)> = index::periods(conn)?
                .iter()
                .rev()
                .filter(|r| r.computed_at.is_some())
                .filter_map(index::PeriodRow::parsed)
                .map(|p| (p.to_string(), p.label(locale.tag())))
                .collect();
            let Some(p) = chosen_period(conn, q.period.as_deref())? else {
                return Ok(None);
            };
            let period_row = index::period(conn, p)?.ok_or(AppError::NotFound)?;
            let model = match period_row.model_id {
                Some(id) => index::model(conn, id)?,
                None => None,
            }
            .ok_or(AppError::NotFound)?;
            let scorer = model.scorer()?;
            let sum = st.index_cache.summary(conn, p, &scope, &district)?;
            let distribution = charts::bars(
                &tr(locale, "index.distribution"),
                &sum.bins
                    .iter()
                    .enumerate()
                    .map(|(i, n)| charts::BarRow {
                        label: format!("{}–{}", i * 10, i * 10 + 10),
                        value: *n as f64,
                        display: n.to_string(),
                    })
                    .collect::<Vec<_>>(),
                &tr(locale, "index.no_scores"),
            );
            let dim_labels = dim_labels(&scorer, locale);
            let dimension_chart = charts::bars(
                &tr(locale, "index.dimension_means"),
                &dim_labels
                    .iter()
                    .zip(sum.dim_means)
                    .map(|(l, m)| charts::BarRow {
                        label: l.clone(),
                        value: m.unwrap_or(0.0),
                        display: score_text(m),
                    })
                    .collect::<Vec<_>>(),
                &tr(locale, "index.no_scores"),
            );
            // Names are read now (a rename does not wait for the next score change).
            let ids: Vec<i32> = sum
                .leaders
                .iter()
                .chain(&sum.risers)
                .chain(&sum.fallers)
                .map(|e| e.id)
                .collect();
            let names: std::collections::HashMap<i32, String> = {
                use crate::schema::enterprises as en;
                en::table
                    .filter(en::id.eq_any(&ids))
                    .select((en::id, en::name))
                    .load::<(i32, String)>(conn)?
                    .into_iter()
                    .collect()
            };
            let district_name =
                |code: &str| crate::models::district::District::name_of(&districts, code, locale);
            let named = |list: &[index::Listed]| -> Vec<Named> {
                list.iter()
                    .map(|e| Named {
                        id: e.id,
                        name: names.get(&e.id).cloned().unwrap_or_default(),
                        district: district_name(&e.district),
                        level: tr(locale, &format!("level.{}", e.level)),
                        total: score_text(e.total),
                        change: change_text(e.change),
                    })
                    .collect()
            };
            let industry_name = |code: &str| {
                crate::domain::industry::section_label(code, locale)
                    .unwrap_or_else(|| "—".to_string())
            };
            let page = OverviewPage {
                ctx: page_ctx,
                periods,
                period: p.to_string(),
                period_label: p.label(locale.tag()),
                prev_label: p.previous().label(locale.tag()),
                districts: district_options,
                district: district.clone(),
                scored: sum.scored,
                with_total: sum.with_total,
                mean: score_text(sum.mean),
                median: score_text(sum.median),
                distribution,
                dimension_chart,
                leaders: named(&sum.leaders),
                risers: named(&sum.risers),
                fallers: named(&sum.fallers),
                by_district: group_rows(&sum.by_district, district_name),
                by_industry: group_rows(&sum.by_section, industry_name),
                by_level: group_rows(&sum.by_level, |k| tr(locale, &format!("level.{k}"))),
                dim_labels,
                computed_at: period_row
                    .computed_at
                    .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
                model_version: format!("{} v{}", model.code, model.version),
                export_qs: serde_urlencoded::to_string([
                    ("period", p.to_string()),
                    ("district", district),
                ])
                .unwrap_or_default(),
            };
            Ok(Some(page))
        })
        .await?;
    match page_data {
        Some(p) => page(&p),
        None => page(&EmptyOverview { ctx }),
    }
}

/// `GET /index` before any period is computed.
#[derive(Template)]
#[template(path = "index/empty.html")]
pub struct EmptyOverview {
    pub ctx: PageCtx,
}

/// One exported line: an enterprise's scores and standing in the period.
struct ExportLine {
    credit_code: String,
    name: String,
    district: String,
    industry: String,
    level: String,
    total: Option<f64>,
    dims: [Option<f64>; 6],
    rank: Option<usize>,
    percentile: Option<f64>,
    change: Option<f64>,
}

async fn export_lines(
    auth: &Auth,
    state: &web::Data<AppState>,
    q: OverviewQuery,
    locale: Locale,
) -> Result<(Period, Vec<String>, Vec<ExportLine>), AppError> {
    auth.require(READERS)?;
    let scope = auth.user().scope.clone();
    let st = state.clone();
    state
        .db
        .read(move |conn| {
            let p = chosen_period(conn, q.period.as_deref())?.ok_or(AppError::NotFound)?;
            let view = st.index_cache.view(conn, p)?;
            let prev = st.index_cache.view(conn, p.previous())?;
            let district = q.district.clone().unwrap_or_default();
            let entries = view.in_scope(&scope, &district);
            let model = index::period(conn, p)?
                .and_then(|r| r.model_id)
                .map(|id| index::model(conn, id))
                .transpose()?
                .flatten()
                .ok_or(AppError::NotFound)?;
            let dims = dim_labels(&*model.scorer()?, locale);
            let info: std::collections::HashMap<i32, (String, String, Option<String>)> = {
                use crate::schema::enterprises as en;
                crate::models::enterprise::scoped(&scope)
                    .filter(en::archived_at.is_null())
                    .select((en::id, en::credit_code, en::name, en::industry_division))
                    .load::<(i32, String, String, Option<String>)>(conn)?
                    .into_iter()
                    .map(|(id, c, n, d)| (id, (c, n, d)))
                    .collect()
            };
            let mut lines: Vec<ExportLine> = entries
                .iter()
                .filter_map(|e| {
                    let (code, name, division) = info.get(&e.id)?.clone();
                    let standing = e.total.and_then(|t| view.all.totals.standing(t));
                    Some(ExportLine {
                        credit_code: code,
                        name,
                        district: e.district.clone(),
                        industry: division.unwrap_or_default(),
                        level: e.level.clone(),
                        total: e.total,
                        dims: e.dims,
                        rank: standing.map(|s| s.rank),
                        percentile: standing.and_then(|s| s.percentile),
                        change: e
                            .total
                            .zip(prev.entry(e.id).and_then(|x| x.total))
                            .map(|(a, b)| a - b),
                    })
                })
                .collect();
            lines.sort_by(|a, b| {
                a.rank
                    .unwrap_or(usize::MAX)
                    .cmp(&b.rank.unwrap_or(usize::MAX))
                    .then(a.credit_code.cmp(&b.credit_code))
            });
            Ok((p, dims, lines))
        })
        .await
}

fn export_header(locale: Locale, dims: &[String]) -> Vec<String> {
    let mut h: Vec<String> = [
        "credit_code",
        "name",
        "district",
        "industry",
        "level",
        "total",
    ]
    .iter()
    .map(|k| tr(locale, &format!("index.col.{k}")))
    .collect();
    h.extend(dims.iter().cloned());
    h.extend(
        ["rank", "percentile", "change"]
            .iter()
            .map(|k| tr(locale, &format!("index.col.{k}"))),
    );
    h
}

fn export_cells(l: &ExportLine) -> Vec<crate::routes::transfer::Cell> {
    use crate::routes::transfer::Cell;
    let num = |v: Option<f64>| v.map_or(Cell::Empty, |x| Cell::Number((x * 100.0).round() / 100.0));
    let mut cells = vec![
        Cell::Text(l.credit_code.clone()),
        Cell::Text(l.name.clone()),
        Cell::Text(l.district.clone()),
        Cell::Text(l.industry.clone()),
        Cell::Text(l.level.clone()),
        num(l.total),
    ];
    cells.extend(l.dims.iter().map(|d| num(*d)));
    cells.push(l.rank.map_or(Cell::Empty, |r| Cell::Number(r as f64)));
    cells.push(num(l.percentile));
    cells.push(num(l.change));
    cells
}

/// `GET /index/scores.csv`
pub async fn export_csv(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<OverviewQuery>,
) -> Result<HttpResponse, AppError> {
    let (p, dims, lines) = export_lines(&auth, &state, q.into_inner(), ctx.locale).await?;
    let header = export_header(ctx.locale, &dims);
    let rows: Vec<_> = lines.iter().map(export_cells).collect();
    crate::routes::transfer::csv_response(&format!("index-{p}.csv"), header, rows).await
}

/// `GET /index/scores.xlsx`
pub async fn export_xlsx(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<OverviewQuery>,
) -> Result<HttpResponse, AppError> {
    let (p, dims, lines) = export_lines(&auth, &state, q.into_inner(), ctx.locale).await?;
    let header = export_header(ctx.locale, &dims);
    let rows: Vec<_> = lines.iter().map(export_cells).collect();
    crate::routes::transfer::xlsx_response(
        &format!("index-{p}.xlsx"),
        &format!("{} {p}", ctx.t("index.title")),
        header,
        rows,
    )
    .await
}
