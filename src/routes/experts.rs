//! Expert scoring: admins assign experts to (enterprise, period, indicators);
//! experts score only what is assigned to them; the panel summary becomes the
//! indicator's value; admins and officials review panels that disagree.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::index_data::label_of;
use crate::auth::Auth;
use crate::auth::csrf::{CsrfForm, Empty};
use crate::domain::index::entry;
use crate::domain::index::experts::DEFAULT_CV_THRESHOLD;
use crate::domain::index::model::{IndexModel, Indicator, Source};
use crate::domain::index::period::Period;
use crate::domain::locale::Locale;
use crate::domain::role::Role;
use crate::domain::scope::DataScope;
use crate::error::AppError;
use crate::models::enterprise::Enterprise;
use crate::models::experts::{self, Listed, Panel, SubmitError, Submitted};
use crate::models::index;
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// Who assigns experts.
pub const ASSIGNERS: &[Role] = &[Role::Admin];
/// Who reads the review of expert panels.
pub const REVIEWERS: &[Role] = &[Role::Admin, Role::Official];
/// Who scores.
pub const EXPERTS: &[Role] = &[Role::Expert];

fn expert_indicators(model: &IndexModel) -> Vec<Indicator> {
    model
        .indicators()
        .filter(|i| i.source == Source::Expert)
        .cloned()
        .collect()
}

async fn active_model(state: &web::Data<AppState>) -> Result<IndexModel, AppError> {
    state
        .db
        .read(|conn| Ok(index::active(conn)?.scorer()?.model().clone()))
        .await
}

// ---------------------------------------------------------------------------
// Assigning.

/// The assignment form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    pub expert_id: String,
    #[serde(default)]
    pub credit_code: String,
    #[serde(default)]
    pub period: String,
    #[serde(default)]
    pub indicators: Vec<String>,
}

/// `?period=&expert=`
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub period: Option<String>,
    pub expert: Option<String>,
    /// Review page: `all` lists every panel; otherwise the flagged ones only.
    pub show: Option<String>,
}

/// The assignment page: form and list.
#[derive(Template)]
#[template(path = "index/experts.html")]
pub struct AssignPage {
    pub ctx: PageCtx,
    pub form: AssignForm,
    /// The form has not been sent yet: every indicator is ticked.
    pub fresh: bool,
    pub errors: FieldErrors,
    pub experts: Vec<(i32, String, String)>,
    /// (key, label) of the expert-scored indicators.
    pub indicators: Vec<(String, String)>,
    pub rows: Vec<Listed>,
    pub filter_period: String,
    pub filter_expert: String,
    pub periods: Vec<String>,
}

impl AssignPage {
    pub fn ticked(&self, key: &str) -> bool {
        self.fresh || self.form.indicators.iter().any(|k| k == key)
    }

    pub fn indicator_label(&self, key: &str) -> String {
        self.indicators
            .iter()
            .find(|(k, _)| k == key)
            .map_or_else(|| key.to_string(), |(_, l)| l.clone())
    }
}

async fn assign_page(
    ctx: PageCtx,
    auth: &Auth,
    state: &web::Data<AppState>,
    q: ListQuery,
    form: AssignForm,
    fresh: bool,
) -> Result<AssignPage, AppError> {
    let filter_period = q.period.unwrap_or_default().trim().to_string();
    let filter_expert = q.expert.unwrap_or_default().trim().to_string();
    let fp = filter_period.clone();
    let fe = filter_expert.parse::<i32>().ok();
    let scope = auth.user().scope.clone();
    let (model, experts, rows, periods) = state
        .db
        .read(move |conn| {
            let model = index::active(conn)?.scorer()?.model().clone();
            let experts = experts::experts(conn)?;
            let period = Some(fp.as_str()).filter(|p| !p.is_empty());
            let rows = experts::list(conn, &scope, period, fe)?;
            let periods = index::periods(conn)?
                .into_iter()
                .map(|r| r.period)
                .collect();
            Ok((model, experts, rows, periods))
        })
        .await?;
    let indicators = expert_indicators(&model)
        .iter()
        .map(|i| (i.key.clone(), label_of(&ctx, i)))
        .collect();
    Ok(AssignPage {
        ctx,
        form,
        fresh,
        errors: FieldErrors::default(),
        experts,
        indicators,
        rows,
        filter_period,
        filter_expert,
        periods,
    })
}

/// `GET /index/experts`
pub async fn assignments(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(ASSIGNERS)?;
    page(
        &assign_page(
            ctx,
            &auth,
            &state,
            q.into_inner(),
            AssignForm::default(),
            true,
        )
        .await?,
    )
}

/// `POST /index/experts`: creates the missing assignments.
pub async fn assign(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<AssignForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(ASSIGNERS)?;
    let model = active_model(&state).await?;
    let allowed = expert_indicators(&model);
    let mut errors = FieldErrors::default();
    let period = form.period.trim().parse::<Period>();
    if period.is_err() {
        errors.add("period", "index_data.period_invalid");
    }
    let chosen: Vec<String> = form
        .indicators
        .iter()
        .filter(|k| allowed.iter().any(|i| &i.key == *k))
        .cloned()
        .collect();
    if chosen.is_empty() {
        errors.add("indicators", "experts.pick_indicators");
    }
    let expert_id = form.expert_id.trim().parse::<i32>().ok();
    let code = form.credit_code.trim().to_uppercase();
    let (is_expert, enterprise) = state
        .db
        .read(move |conn| {
            let list = experts::experts(conn)?;
            let is_expert = expert_id.is_some_and(|id| list.iter().any(|e| e.0 == id));
            let e = Enterprise::by_code(conn, &code)?.filter(|e| e.archived_at.is_none());
            Ok((is_expert, e))
        })
        .await?;
    if !is_expert {
        errors.add("expert_id", "experts.pick_expert");
    }
    if enterprise.is_none() {
        errors.add("credit_code", "experts.unknown_enterprise");
    }
    let (Ok(p), Some(e), Some(expert_id), true) =
        (period, enterprise, expert_id, errors.is_empty())
    else {
        let mut out = assign_page(ctx, &auth, &state, ListQuery::default(), form, false).await?;
        out.errors = errors;
        return render(StatusCode::UNPROCESSABLE_ENTITY, &out);
    };
    let actor = auth.actor();
    let eid = e.id;
    let n = state
        .db
        .write(move |conn| Ok(experts::assign(conn, &actor, expert_id, eid, p, &chosen)?))
        .await?;
    Ok(redirect_with_flash(
        &state,
        &format!("/index/experts?period={p}"),
        Flash::success("flash.experts_assigned").with_arg(n.to_string()),
    ))
}

/// `POST /index/experts/{id}/remove`: removes an unscored assignment.
pub async fn remove(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    auth.require(ASSIGNERS)?;
    let id = path.into_inner();
    let actor = auth.actor();
    let removed = state
        .db
        .write(move |conn| Ok(experts::remove(conn, &actor, id)?))
        .await?;
    let flash = if removed {
        Flash::success("flash.assignment_removed")
    } else {
        Flash::error("flash.assignment_not_removed")
    };
    Ok(redirect_with_flash(&state, "/index/experts", flash))
}

// ---------------------------------------------------------------------------
// Scoring.

/// One (enterprise, period) of an expert's tasks.
#[derive(Debug, Clone)]
pub struct Task {
    pub enterprise_id: i32,
    pub enterprise_name: String,
    pub period: String,
    pub total: usize,
    pub scored: usize,
}

/// `GET /index/expert`: my assignments.
#[derive(Template)]
#[template(path = "index/expert_mine.html")]
pub struct MinePage {
    pub ctx: PageCtx,
    pub tasks: Vec<Task>,
}

/// `GET /index/expert`
pub async fn mine(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(EXPERTS)?;
    let me = auth.user().id;
    let rows = state
        .db
        .read(move |conn| Ok(experts::list(conn, &DataScope::All, None, Some(me))?))
        .await?;
    let mut tasks: BTreeMap<(String, String, i32), Task> = BTreeMap::new();
    for r in rows {
        let t = tasks
            .entry((
                r.a.period.clone(),
                r.enterprise_name.clone(),
                r.a.enterprise_id,
            ))
            .or_insert_with(|| Task {
                enterprise_id: r.a.enterprise_id,
                enterprise_name: r.enterprise_name.clone(),
                period: r.a.period.clone(),
                total: 0,
                scored: 0,
            });
        t.total += 1;
        if r.a.score.is_some() {
            t.scored += 1;
        }
    }
    let mut tasks: Vec<Task> = tasks.into_values().collect();
    // Work still to do first, then newest period first.
    tasks.sort_by(|a, b| {
        (a.scored == a.total)
            .cmp(&(b.scored == b.total))
            .then(b.period.cmp(&a.period))
    });
    page(&MinePage { ctx, tasks })
}

/// One row of the scoring form.
#[derive(Debug, Clone)]
pub struct ScoreField {
    pub key: String,
    pub label: String,
    pub definition: String,
    pub score: String,
    pub comment: String,
    pub error: Option<&'static str>,
}

/// The scoring form.
#[derive(Template)]
#[template(path = "index/expert_score.html")]
pub struct ScorePage {
    pub ctx: PageCtx,
    pub e: Enterprise,
    pub period: String,
    pub version: String,
    pub fields: Vec<ScoreField>,
    pub stale: bool,
}

struct ScoreData {
    e: Enterprise,
    model: IndexModel,
    mine: Vec<experts::Assignment>,
}

async fn load_task(
    auth: &Auth,
    state: &web::Data<AppState>,
    eid: i32,
    period: &str,
) -> Result<(Period, ScoreData), AppError> {
    let p: Period = period.parse().map_err(|_| AppError::NotFound)?;
    let me = auth.user().id;
    let ps = p.to_string();
    let data = state
        .db
        .read(move |conn| {
            let mine = experts::of_expert(conn, me, eid, &ps)?;
            if mine.is_empty() {
                return Err(AppError::NotFound);
            }
            let e = crate::models::enterprise::Enterprise::find(
                conn,
                &crate::domain::scope::DataScope::All,
                eid,
            )?
            .ok_or(AppError::NotFound)?;
            let model = index::active(conn)?.scorer()?.model().clone();
            Ok(ScoreData { e, model, mine })
        })
        .await?;
    Ok((p, data))
}

fn score_fields(
    ctx: &PageCtx,
    d: &ScoreData,
    typed: Option<&HashMap<String, String>>,
    errors: &HashMap<String, &'static str>,
) -> Vec<ScoreField> {
    let en = ctx.locale == Locale::En;
    d.mine
        .iter()
        .map(|a| {
            let ind = d.model.indicator(&a.indicator);
            let (score, comment) = match typed {
                Some(t) => (
                    t.get(&format!("score_{}", a.indicator))
                        .cloned()
                        .unwrap_or_default(),
                    t.get(&format!("comment_{}", a.indicator))
                        .cloned()
                        .unwrap_or_default(),
                ),
                None => (entry::show(a.score), a.comment.clone()),
            };
            ScoreField {
                key: a.indicator.clone(),
                label: ind.map_or_else(|| a.indicator.clone(), |i| label_of(ctx, i)),
                definition: ind
                    .map(|i| {
                        if en {
                            i.definition_en.clone()
                        } else {
                            i.definition_zh.clone()
                        }
                    })
                    .unwrap_or_default(),
                score,
                comment,
                error: errors.get(&a.indicator).copied(),
            }
        })
        .collect()
}

/// `GET /index/expert/{enterprise_id}/{period}`
pub async fn score_form(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
) -> Result<HttpResponse, AppError> {
    auth.require(EXPERTS)?;
    let (eid, period) = path.into_inner();
    let (p, d) = load_task(&auth, &state, eid, &period).await?;
    let fields = score_fields(&ctx, &d, None, &HashMap::new());
    page(&ScorePage {
        ctx,
        version: experts::version(&d.mine),
        period: p.to_string(),
        e: d.e,
        fields,
        stale: false,
    })
}

/// `POST /index/expert/{enterprise_id}/{period}`
pub async fn score_save(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<(i32, String)>,
    CsrfForm(form): CsrfForm<HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    auth.require(EXPERTS)?;
    let (eid, period) = path.into_inner();
    let (p, d) = load_task(&auth, &state, eid, &period).await?;
    let mut errors = HashMap::new();
    let mut scores = Vec::new();
    for a in &d.mine {
        let typed = form
            .get(&format!("score_{}", a.indicator))
            .cloned()
            .unwrap_or_default();
        let comment: String = form
            .get(&format!("comment_{}", a.indicator))
            .map(|c| c.trim().chars().take(1000).collect())
            .unwrap_or_default();
        match entry::parse_score(&typed) {
            Err(problem) => {
                errors.insert(a.indicator.clone(), problem.key());
            }
            Ok(None) if a.score.is_some() => {
                errors.insert(a.indicator.clone(), "experts.score_required");
            }
            Ok(None) => {}
            Ok(Some(v)) => scores.push(Submitted {
                indicator: a.indicator.clone(),
                score: v,
                comment,
            }),
        }
    }
    let seen = form.get("version").cloned().unwrap_or_default();
    if errors.is_empty() {
        let actor = auth.actor();
        let me = auth.user().id;
        let r = state
            .db
            .write(
                move |conn| match experts::submit(conn, &actor, me, eid, p, &seen, &scores) {
                    Ok(n) => Ok(Ok(n)),
                    Err(SubmitError::Stale) => Ok(Err(())),
                    Err(SubmitError::Db(e)) => Err(e.into()),
                },
            )
            .await?;
        if let Ok(n) = r {
            return Ok(redirect_with_flash(
                &state,
                "/index/expert",
                Flash::success("flash.expert_scores_saved").with_arg(n.to_string()),
            ));
        }
        // Someone saved meanwhile: show what is stored now, keep the input.
        let (_, d) = load_task(&auth, &state, eid, &period).await?;
        let fields = score_fields(&ctx, &d, Some(&form), &HashMap::new());
        return render(
            StatusCode::CONFLICT,
            &ScorePage {
                ctx,
                version: experts::version(&d.mine),
                period: p.to_string(),
                e: d.e,
                fields,
                stale: true,
            },
        );
    }
    let fields = score_fields(&ctx, &d, Some(&form), &errors);
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &ScorePage {
            ctx,
            version: form.get("version").cloned().unwrap_or_default(),
            period: p.to_string(),
            e: d.e,
            fields,
            stale: false,
        },
    )
}

// ---------------------------------------------------------------------------
// Review.

/// The review of expert panels for a period.
#[derive(Template)]
#[template(path = "index/review.html")]
pub struct ReviewPage {
    pub ctx: PageCtx,
    pub period: String,
    pub period_error: Option<&'static str>,
    pub periods: Vec<String>,
    pub panels: Vec<Panel>,
    pub labels: HashMap<String, String>,
    pub threshold: f64,
    /// Every panel is listed (not only the flagged ones).
    pub all: bool,
    /// Panels in the period (in scope) and how many of them are flagged.
    pub total: usize,
    pub flagged: usize,
}

impl ReviewPage {
    pub fn label(&self, key: &str) -> String {
        self.labels
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    pub fn scores(&self, p: &Panel) -> String {
        p.scores
            .iter()
            .map(|s| entry::show(Some(*s)))
            .collect::<Vec<_>>()
            .join(" / ")
    }

    pub fn num(&self, v: &Option<f64>, places: usize) -> String {
        v.map_or_else(|| "—".into(), |x| format!("{x:.places$}"))
    }
}

/// `GET /index/experts/review?period=`
pub async fn review(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(REVIEWERS)?;
    let typed = q.period.clone().unwrap_or_default().trim().to_string();
    let parsed = if typed.is_empty() {
        None
    } else {
        Some(typed.parse::<Period>())
    };
    let scope = auth.user().scope.clone();
    let wanted = parsed.as_ref().and_then(|r| r.as_ref().ok()).copied();
    let (periods, period, panels, model) = state
        .db
        .read(move |conn| {
            let periods: Vec<String> = index::periods(conn)?
                .into_iter()
                .map(|r| r.period)
                .collect();
            let period = wanted
                .map(|p| p.to_string())
                .or_else(|| periods.last().cloned())
                .unwrap_or_default();
            let panels = experts::review(conn, &scope, &period)?;
            let model = index::active(conn)?.scorer()?.model().clone();
            Ok((periods, period, panels, model))
        })
        .await?;
    let labels = model
        .indicators()
        .map(|i| (i.key.clone(), label_of(&ctx, i)))
        .collect();
    let bad = matches!(parsed, Some(Err(_)));
    let all = q.show.as_deref() == Some("all");
    let total = panels.len();
    let flagged = panels.iter().filter(|p| p.summary.high_spread).count();
    let panels: Vec<_> = panels
        .into_iter()
        .filter(|p| all || p.summary.high_spread)
        .collect();
    let out = ReviewPage {
        all,
        total,
        flagged,
        ctx,
        period: if bad { typed } else { period },
        period_error: bad.then_some("index_data.period_invalid"),
        periods,
        panels: if bad { Vec::new() } else { panels },
        labels,
        threshold: DEFAULT_CV_THRESHOLD,
    };
    if bad {
        render(StatusCode::UNPROCESSABLE_ENTITY, &out)
    } else {
        page(&out)
    }
}
