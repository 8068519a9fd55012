//! The MIIT rubric view: each indicator's value, band and points, totals, pass or
//! fail with reasons, the next level and what it lacks, and a what-if panel that
//! recomputes with changed inputs without saving anything.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;

use super::READERS;
use crate::auth::Auth;
use crate::domain::annual::{AnnualFigures, AnnualInput};
use crate::domain::assessment::{self, RecordFacts};
use crate::domain::locale::Locale;
use crate::domain::money;
use crate::domain::role::Role;
use crate::domain::rubric::{self, MetricValue, Outcome, RubricDef, RubricResult, Unit};
use crate::error::AppError;
use crate::models::enterprise::Enterprise;
use crate::models::rubric as model;
use crate::startup::AppState;
use crate::views::{PageCtx, page};

/// One input of the what-if panel: a figure of the year's annual data.
pub struct WhatIfField {
    /// The annual-data field name (form and CSV name).
    pub name: &'static str,
    /// The recorded value as a form shows it ("" when missing).
    pub actual: String,
    /// The value typed for the what-if ("" when not changed).
    pub typed: String,
    /// The locale key of the problem with the typed value, if any.
    pub error: Option<&'static str>,
}

/// The annual figures a what-if may change.
const WHAT_IF_FIELDS: [&str; 19] = [
    "revenue",
    "main_business_revenue",
    "net_profit",
    "total_assets",
    "total_liabilities",
    "rd_expense",
    "equity_financing",
    "employees",
    "rd_staff",
    "ip_class1",
    "ip_class1_high_value",
    "ip_class1_self",
    "ip_class2",
    "digitalisation_level",
    "rd_institution_level",
    "quality_items",
    "market_share",
    "own_brand",
    "distinctive_points",
];

/// The rubric page.
#[derive(Template)]
#[template(path = "enterprises/rubric.html")]
pub struct RubricPage {
    pub ctx: PageCtx,
    pub e: Enterprise,
    pub years: Vec<i32>,
    pub year: Option<i32>,
    /// The newest version of every rubric, with its result on the actual data.
    pub results: Vec<(RubricDef, RubricResult)>,
    /// Which rubric is shown in detail.
    pub selected: String,
    /// The rubric of the level above the current one.
    pub next_code: Option<String>,
    /// The selected rubric recomputed with the what-if inputs, if any were changed.
    pub what_if: Option<RubricResult>,
    pub fields: Vec<WhatIfField>,
}

/// A metric value in display units: 万元 for money, % for ratios, 是/否 for flags.
fn show(value: Option<f64>, unit: &Unit, locale: Locale) -> String {
    let Some(v) = value else { return "—".into() };
    match unit {
        Unit::Yuan => money::format_wan(v.round() as i64),
        Unit::Percent => format!("{v:.1}%"),
        Unit::Flag => match (v != 0.0, locale) {
            (true, Locale::ZhCn) => "是".into(),
            (false, Locale::ZhCn) => "否".into(),
            (true, Locale::En) => "yes".into(),
            (false, Locale::En) => "no".into(),
        },
        _ => {
            if v.fract() == 0.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.2}")
            }
        }
    }
}

impl RubricPage {
    /// Chooses the text in the page language.
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.ctx.locale == Locale::En {
            en
        } else {
            zh
        }
    }

    /// A metric value as shown.
    pub fn value(&self, mv: &MetricValue) -> String {
        let unit = rubric::known_metric(&mv.metric)
            .map(|m| &m.3)
            .unwrap_or(&Unit::Count);
        show(mv.value, unit, self.ctx.locale)
    }

    /// A metric's label.
    pub fn metric_label(&self, metric: &str) -> String {
        rubric::known_metric(metric)
            .map_or_else(|| metric.to_string(), |m| self.pick(m.1, m.2).to_string())
    }

    /// Points with at most one decimal.
    pub fn pts(&self, p: &f64) -> String {
        if p.fract() == 0.0 {
            format!("{p:.0}")
        } else {
            format!("{p:.1}")
        }
    }

    /// An optional total.
    pub fn total(&self, t: &Option<f64>) -> String {
        t.map_or_else(|| "—".into(), |p| self.pts(&p))
    }

    /// The outcome's CSS class and label key.
    pub fn outcome(&self, o: &Outcome) -> (&'static str, &'static str) {
        match o {
            Outcome::Met => ("ok", "rubric.met"),
            Outcome::NotMet => ("off", "rubric.not_met"),
            Outcome::Missing => ("warn", "rubric.missing"),
        }
    }

    /// The detailed (selected) rubric and its result.
    pub fn detail(&self) -> Option<&(RubricDef, RubricResult)> {
        self.results.iter().find(|(d, _)| d.code == self.selected)
    }

    /// Whether `y` is the year shown.
    pub fn is_year(&self, y: &i32) -> bool {
        self.year == Some(*y)
    }
}

/// `GET /enterprises/{id}/rubric?year=&rubric=&w.<metric>=`: what-if values are
/// query parameters, so trying them changes nothing on the server.
pub async fn view(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    q: web::Query<BTreeMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    if auth.user().role != Role::Enterprise {
        auth.require(READERS)?;
    }
    let id = path.into_inner();
    let scope = auth.user().scope.clone();
    let query = q.into_inner();
    let wanted_year = query.get("year").and_then(|y| y.parse::<i32>().ok());
    let (e, figures, defs) = state
        .db
        .read(move |conn| {
            let e = Enterprise::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let figures: Vec<AnnualFigures> = crate::models::annual::years(conn, id)?
                .iter()
                .map(|r| r.figures())
                .collect();
            Ok((e, figures, model::definitions(conn)?))
        })
        .await?;
    let years: Vec<i32> = figures.iter().rev().map(|f| f.year).collect();
    let year = wanted_year
        .filter(|y| years.contains(y))
        .or(years.first().copied());
    let facts = model::facts(&e);
    let latest: Vec<RubricDef> = model::latest_versions(&defs).into_iter().cloned().collect();
    let next_code =
        rubric::next_level_rubric(&defs, e.current_level.as_deref()).map(|d| d.code.clone());
    let selected = query
        .get("rubric")
        .filter(|c| latest.iter().any(|d| &d.code == *c))
        .cloned()
        .or_else(|| next_code.clone())
        .or_else(|| latest.first().map(|d| d.code.clone()))
        .unwrap_or_default();
    let metrics = year.and_then(|y| assessment::metrics(&facts, &figures, y));
    let (results, what_if, fields) = match (year, metrics) {
        (Some(y), Some(m)) => {
            let results: Vec<(RubricDef, RubricResult)> = latest
                .iter()
                .map(|d| (d.clone(), rubric::evaluate(d, &m)))
                .collect();
            let (what_if, fields) = match latest.iter().find(|d| d.code == selected) {
                Some(def) => what_if(def, &facts, &figures, y, &query),
                None => (None, Vec::new()),
            };
            (results, what_if, fields)
        }
        _ => (Vec::new(), None, Vec::new()),
    };
    page(&RubricPage {
        ctx,
        e,
        years,
        year,
        results,
        selected,
        next_code,
        what_if,
        fields,
    })
}

/// Builds the what-if inputs (the year's annual figures) and, if any was changed,
/// the rubric's result on the changed figures. Derived ratios and multi-year sums
/// are recomputed exactly as for recorded data.
fn what_if(
    def: &RubricDef,
    facts: &RecordFacts,
    figures: &[AnnualFigures],
    year: i32,
    query: &BTreeMap<String, String>,
) -> (Option<RubricResult>, Vec<WhatIfField>) {
    let Some(this) = figures.iter().find(|f| f.year == year) else {
        return (None, Vec::new());
    };
    let actual = serde_json::to_value(this.to_input()).unwrap_or_default();
    let mut changed = actual.clone();
    let mut any = false;
    let mut fields = Vec::new();
    for name in WHAT_IF_FIELDS {
        let recorded = actual
            .get(name)
            .and_then(|v| v.as_str())
            .unwrap_or("")
            .to_string();
        let typed = query
            .get(&format!("w.{name}"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if !typed.is_empty() && typed != recorded {
            changed[name] = serde_json::Value::String(typed.clone());
            any = true;
        }
        fields.push(WhatIfField {
            name,
            actual: recorded,
            typed,
            error: None,
        });
    }
    if !any {
        return (None, fields);
    }
    let input: AnnualInput = serde_json::from_value(changed).unwrap_or_default();
    match input.parse(year + 1) {
        Err(problems) => {
            for p in problems {
                if let Some(f) = fields.iter_mut().find(|f| f.name == p.field) {
                    f.error = Some(p.key);
                }
            }
            (None, fields)
        }
        Ok(new_year) => {
            let mut all: Vec<AnnualFigures> =
                figures.iter().filter(|f| f.year != year).cloned().collect();
            all.push(new_year);
            let result = assessment::metrics(facts, &all, year).map(|m| rubric::evaluate(def, &m));
            (result, fields)
        }
    }
}
