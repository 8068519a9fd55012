//! The MIIT rubric view: each indicator's value, band and points, totals, pass or
//! fail with reasons, the next level and what it lacks, and a what-if panel that
//! recomputes with changed inputs without saving anything.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;

use super::READERS;
use crate::auth::Auth;
use crate::domain::locale::Locale;
use crate::domain::money;
use crate::domain::role::Role;
use crate::domain::rubric::{self, MetricValue, Metrics, Outcome, RubricDef, RubricResult, Unit};
use crate::error::AppError;
use crate::models::enterprise::Enterprise;
use crate::models::rubric as model;
use crate::startup::AppState;
use crate::views::{PageCtx, page};

/// One input of the what-if panel.
pub struct WhatIfField {
    pub metric: String,
    pub label: String,
    pub unit_label: String,
    /// The actual value, in display units ("" when missing).
    pub actual: String,
    /// The value typed for the what-if ("" when not changed).
    pub typed: String,
    pub is_flag: bool,
    /// A problem with the typed value, if any.
    pub error: bool,
}

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

fn unit_factor(unit: &Unit) -> f64 {
    match unit {
        Unit::Yuan => 10_000.0,
        _ => 1.0,
    }
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

    /// Whether any what-if value was typed.
    pub fn has_what_if(&self) -> bool {
        self.what_if.is_some()
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
    let (e, years, defs, metrics) = state
        .db
        .read(move |conn| {
            let e = Enterprise::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let years: Vec<i32> = crate::models::annual::years(conn, id)?
                .iter()
                .rev()
                .map(|r| r.year)
                .collect();
            let year = wanted_year
                .filter(|y| years.contains(y))
                .or(years.first().copied());
            let defs = model::definitions(conn)?;
            let metrics = match year {
                Some(y) => model::metrics(conn, &e, y)?.map(|m| (y, m)),
                None => None,
            };
            Ok((e, years, defs, metrics))
        })
        .await?;
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
    let (year, results, what_if, fields) = match metrics {
        None => (None, Vec::new(), None, Vec::new()),
        Some((year, m)) => {
            let results: Vec<(RubricDef, RubricResult)> = latest
                .iter()
                .map(|d| (d.clone(), rubric::evaluate(d, &m)))
                .collect();
            let (what_if, fields) = match latest.iter().find(|d| d.code == selected) {
                Some(def) => what_if(def, &m, &query, ctx.locale),
                None => (None, Vec::new()),
            };
            (Some(year), results, what_if, fields)
        }
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

/// Builds the what-if inputs for a rubric and, if any was changed, the new result.
fn what_if(
    def: &RubricDef,
    actual: &Metrics,
    query: &BTreeMap<String, String>,
    locale: Locale,
) -> (Option<RubricResult>, Vec<WhatIfField>) {
    let mut changed = actual.clone();
    let mut any = false;
    let mut fields = Vec::new();
    for metric in def.referenced_metrics() {
        let Some(known) = rubric::known_metric(metric) else {
            continue;
        };
        let unit = &known.3;
        let factor = unit_factor(unit);
        let actual_display = actual.get(metric).map(|v| {
            let x = v / factor;
            if *unit == Unit::Flag {
                (if x != 0.0 { "1" } else { "0" }).to_string()
            } else if x.fract() == 0.0 {
                format!("{x:.0}")
            } else {
                format!("{x:.2}")
            }
        });
        let typed = query
            .get(&format!("w.{metric}"))
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        let mut error = false;
        if !typed.is_empty() && Some(&typed) != actual_display.as_ref() {
            match typed.replace(',', "").trim_end_matches('%').parse::<f64>() {
                Ok(v) if v.is_finite() => {
                    changed.set(metric, v * factor);
                    any = true;
                }
                _ => error = true,
            }
        }
        let unit_label = match (unit, locale) {
            (Unit::Yuan, Locale::ZhCn) => "万元",
            (Unit::Yuan, Locale::En) => "10k yuan",
            (Unit::Percent, _) => "%",
            _ => "",
        };
        fields.push(WhatIfField {
            metric: metric.to_string(),
            label: if locale == Locale::En {
                known.2
            } else {
                known.1
            }
            .to_string(),
            unit_label: unit_label.to_string(),
            actual: actual_display.unwrap_or_default(),
            typed,
            is_flag: *unit == Unit::Flag,
            error,
        });
    }
    (any.then(|| rubric::evaluate(def, &changed)), fields)
}
