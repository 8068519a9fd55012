//! One enterprise's cultivation: where it stands, the next step's checklist, the
//! proposal forms, the plan (定板、定序、定价), intermediaries, tasks and timeline.

use std::collections::{BTreeMap, HashMap};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Deserialize;

use super::{
    DECIDERS, EDITORS, PROPOSERS, READERS, finding_text, line_label, refusal_error, step_label,
};
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::db::DbConnection;
use crate::domain::cultivation::{
    self, ExitKind, GateLine, GateStatus, IntermediaryKind, ProposalAction, Step, TargetBoard,
};
use crate::domain::money;
use crate::domain::parse_date;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::models::cultivation::{
    self as model, CultivationError, Event, Intermediary, NewTask, Plan, PlanData, ProposalRow,
    TaskFilter, TaskRow,
};
use crate::models::district::District;
use crate::models::enterprise::Enterprise;
use crate::routes::enterprises::record::PanelForm;
use crate::routes::enterprises::today;
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// One entry of the timeline: a move, a proposal, or a decision.
#[derive(Debug, Clone)]
pub struct TimelineItem {
    pub at: NaiveDateTime,
    /// `moved`, `proposed`, `approved` or `returned`.
    pub kind: &'static str,
    pub from: Option<Step>,
    pub to: Step,
    pub who: String,
    pub text: String,
    pub proposal_id: Option<i32>,
    /// The date the move took effect (moves only).
    pub on: Option<NaiveDate>,
}

/// The cultivation page.
#[derive(Template)]
#[template(path = "cultivation/enterprise.html")]
pub struct CultivationPage {
    pub ctx: PageCtx,
    pub e: Enterprise,
    pub district_name: String,
    pub step: Option<Step>,
    pub days_in_step: i64,
    /// (place, length) in the queue of its stage.
    pub queue: Option<(i64, i64)>,
    /// The step an advance would lead to, and its checklist now.
    pub next: Option<(Step, GateStatus)>,
    pub pending: Option<ProposalRow>,
    pub timeline: Vec<TimelineItem>,
    pub plan: Plan,
    pub counsellor: String,
    pub intermediaries: Vec<Intermediary>,
    /// Per intermediary kind: the partners that can serve it.
    pub partner_choices: Vec<(IntermediaryKind, Vec<(i32, String)>)>,
    pub tasks: Vec<TaskRow>,
    pub staff: Vec<(i32, String, String)>,
    pub ticks: HashMap<String, (String, String)>,
    pub can_edit: bool,
    pub can_propose: bool,
    pub can_decide: bool,
    pub is_enterprise: bool,
    pub pipeline: [Step; 11],
    pub target_boards: [TargetBoard; 8],
    pub exit_kinds: [ExitKind; 2],
    pub kinds: [IntermediaryKind; 4],
    pub today: NaiveDate,
    /// Which form failed ("" when none), with what was typed and the messages.
    pub failed: &'static str,
    pub form: PanelForm,
}

impl CultivationPage {
    /// The typed values and errors of `which` form (empty unless that one failed).
    pub fn f(&self, which: &str) -> PanelForm {
        if self.failed == which {
            self.form.clone()
        } else {
            PanelForm::default()
        }
    }

    /// A step's name.
    pub fn step_name(&self, s: &Step) -> String {
        step_label(&self.ctx, *s)
    }

    /// A checklist line's label.
    pub fn line_name(&self, l: &GateLine) -> String {
        line_label(&self.ctx, l)
    }

    /// Why the line is met or missing.
    pub fn finding(&self, l: &GateLine) -> String {
        finding_text(&self.ctx, &l.finding)
    }

    /// Where a pipeline step lies relative to the enterprise: done, current or ahead.
    pub fn progress(&self, s: &Step) -> &'static str {
        let Some(at) = self.step else {
            return "ahead";
        };
        let pos = |x: Step| Step::PIPELINE.iter().position(|p| *p == x);
        match (pos(at), pos(*s)) {
            (Some(a), Some(b)) if b < a => "done",
            (Some(a), Some(b)) if b == a => "current",
            _ => "ahead",
        }
    }

    /// The engaged partner of a kind.
    pub fn engaged(&self, k: &IntermediaryKind) -> Option<&Intermediary> {
        self.intermediaries.iter().find(|i| i.kind == *k)
    }

    /// A plan form field: as typed when the plan form was refused, else as stored.
    pub fn plan_v(&self, field: &str) -> String {
        if self.failed == "plan" {
            return self.form.v(field);
        }
        let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let p = &self.plan;
        match field {
            "target_board" => self.e.target_board.clone().unwrap_or_default(),
            "counsellor_id" => p.counsellor_id.map(|c| c.to_string()).unwrap_or_default(),
            "valuation" => money::input_wan(p.valuation),
            "valuation_on" => date(p.valuation_on),
            "planned_raise" => money::input_wan(p.planned_raise),
            "planned_filing_on" => date(p.planned_filing_on),
            "planned_listing_on" => date(p.planned_listing_on),
            "note" => p.note.clone(),
            "version" => p.version.to_string(),
            _ => String::new(),
        }
    }

    /// Whether the enterprise has exited.
    pub fn exited(&self) -> bool {
        matches!(self.step, Some(Step::Exited(_)))
    }

    /// Whether it can still advance (in the pipeline, not listed, not exited).
    pub fn active(&self) -> bool {
        self.step.is_some_and(Step::is_active)
    }

    /// The stored evidence of a manual item: (note, document reference).
    pub fn tick_of(&self, key: &str) -> Option<&(String, String)> {
        self.ticks.get(key)
    }

    /// The owner preselected in the new-task form: as typed, else the signed-in user.
    pub fn task_owner(&self) -> String {
        match self.f("task").v("owner_id") {
            typed if !typed.is_empty() => typed,
            _ => self
                .ctx
                .user
                .as_ref()
                .map(|u| u.id.to_string())
                .unwrap_or_default(),
        }
    }

    /// Open tasks past due.
    pub fn overdue(&self) -> usize {
        self.tasks.iter().filter(|t| t.overdue).count()
    }
}

fn user_names(conn: &mut DbConnection, ids: Vec<i32>) -> QueryResult<HashMap<i32, String>> {
    use crate::schema::users;
    Ok(users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::display_name))
        .load::<(i32, String)>(conn)?
        .into_iter()
        .collect())
}

fn timeline(
    events: &[Event],
    proposals: &[ProposalRow],
    names: &HashMap<i32, String>,
) -> Vec<TimelineItem> {
    let name = |id: Option<i32>| {
        id.and_then(|i| names.get(&i).cloned())
            .unwrap_or_else(|| "—".into())
    };
    let mut items: Vec<TimelineItem> = events
        .iter()
        .filter_map(|ev| {
            Some(TimelineItem {
                at: ev.recorded_at,
                kind: "moved",
                from: ev.step_from.as_deref().and_then(|s| s.parse().ok()),
                to: ev.step_to.parse().ok()?,
                who: name(ev.recorded_by),
                text: ev.reason.clone(),
                proposal_id: ev.proposal_id,
                on: Some(ev.effective_on),
            })
        })
        .collect();
    for p in proposals {
        items.push(TimelineItem {
            at: p.proposed_at,
            kind: "proposed",
            from: Some(p.step_from),
            to: p.step_to,
            who: p.proposer_name.clone(),
            text: [p.reason.as_str(), p.comment.as_str()]
                .into_iter()
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(" — "),
            proposal_id: Some(p.id),
            on: None,
        });
        if let Some(at) = p.decided_at {
            items.push(TimelineItem {
                at,
                kind: if p.status == "approved" {
                    "approved"
                } else {
                    "returned"
                },
                from: Some(p.step_from),
                to: p.step_to,
                who: name(p.decided_by),
                text: p.decision_comment.clone(),
                proposal_id: Some(p.id),
                on: None,
            });
        }
    }
    // Newest first; a decision sorts before the move it caused (same instant).
    items.sort_by(|a, b| {
        b.at.cmp(&a.at)
            .then_with(|| (a.kind == "moved").cmp(&(b.kind == "moved")))
    });
    items
}

/// Everything the page shows, in one read.
pub async fn cultivation_page(
    state: &web::Data<AppState>,
    auth: &Auth,
    ctx: PageCtx,
    id: i32,
    failed: &'static str,
    form: PanelForm,
) -> Result<CultivationPage, AppError> {
    let scope = auth.user().scope.clone();
    let day = today();
    let locale = ctx.locale;
    let is_enterprise = auth.user().role == Role::Enterprise;
    let can_edit = auth.require(EDITORS).is_ok();
    let can_propose = auth.require(PROPOSERS).is_ok();
    let can_decide = auth.require(DECIDERS).is_ok();
    state
        .db
        .read(move |conn| {
            let e = Enterprise::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let district_name = District::name_of(&District::all(conn)?, &e.district_code, locale);
            let step = e.step();
            let next_step = match step {
                Some(Step::Exited(_)) => Some(Step::Potential),
                Some(s) => s.next(),
                None => None,
            };
            let next = match next_step {
                Some(n) => Some((n, model::gate_for(conn, &e, n, day)?)),
                None => None,
            };
            let proposals = model::proposals_of(conn, id)?;
            let pending = proposals.iter().find(|p| p.is_pending()).cloned();
            let events = model::events(conn, id)?;
            let plan = model::plan(conn, id)?;
            let mut ids: Vec<i32> = events.iter().filter_map(|e| e.recorded_by).collect();
            ids.extend(proposals.iter().filter_map(|p| p.decided_by));
            ids.extend(plan.counsellor_id);
            let names = user_names(conn, ids)?;
            let counsellor = plan
                .counsellor_id
                .and_then(|c| names.get(&c).cloned())
                .unwrap_or_else(|| "—".into());
            let intermediaries = model::intermediaries(conn, id)?;
            let partner_choices = if can_edit {
                IntermediaryKind::ALL
                    .into_iter()
                    .map(|k| Ok((k, model::partner_choices(conn, k)?)))
                    .collect::<QueryResult<Vec<_>>>()?
            } else {
                Vec::new()
            };
            let tasks = model::tasks(
                conn,
                &crate::domain::scope::DataScope::Enterprise(id),
                TaskFilter::Enterprise(id),
                day,
                500,
            )?;
            let staff = if can_edit {
                model::staff_choices(conn)?
            } else {
                Vec::new()
            };
            let ticks = model::ticks(conn, id)?
                .into_iter()
                .map(|t| (t.item_key, (t.evidence, t.document_ref)))
                .collect();
            let queue = model::queue_position(conn, &e)?;
            let days_in_step = e.step_since.map_or(0, |d| cultivation::days_since(d, day));
            let timeline = timeline(&events, &proposals, &names);
            Ok(CultivationPage {
                ctx,
                e,
                district_name,
                step,
                days_in_step,
                queue,
                next,
                pending,
                timeline,
                plan,
                counsellor,
                intermediaries,
                partner_choices,
                tasks,
                staff,
                ticks,
                can_edit,
                can_propose,
                can_decide,
                is_enterprise,
                pipeline: Step::PIPELINE,
                target_boards: TargetBoard::ALL,
                exit_kinds: ExitKind::ALL,
                kinds: IntermediaryKind::ALL,
                today: day,
                failed,
                form,
            })
        })
        .await
}

/// `GET /enterprises/{id}/cultivation`: enterprise accounts see their own only (the
/// scope is in the query: another id is not found).
pub async fn show(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    if auth.user().role != Role::Enterprise {
        auth.require(READERS)?;
    }
    page(
        &cultivation_page(
            &state,
            &auth,
            ctx,
            path.into_inner(),
            "",
            PanelForm::default(),
        )
        .await?,
    )
}

/// Runs a change and answers: back to the page with a flash when done; the page with
/// the form as typed and the reason beside the field when refused.
#[allow(clippy::too_many_arguments)]
async fn act<F>(
    state: web::Data<AppState>,
    auth: Auth,
    ctx: PageCtx,
    id: i32,
    which: &'static str,
    values: BTreeMap<String, String>,
    mut errors: FieldErrors,
    flash: &'static str,
    change: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut DbConnection) -> Result<(), CultivationError> + Send + 'static,
{
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if errors.is_empty() {
        let result = state
            .db
            .write(move |conn| match change(conn) {
                Ok(()) => Ok(Ok(())),
                Err(CultivationError::Db(e)) => Err(e.into()),
                Err(CultivationError::NotFound) => Err(AppError::NotFound),
                Err(other) => Ok(Err(other)),
            })
            .await?;
        match result {
            Ok(()) => {
                return Ok(redirect_with_flash(
                    &state,
                    &format!("/enterprises/{id}/cultivation"),
                    Flash::success(flash),
                ));
            }
            Err(CultivationError::Conflict) => {
                status = StatusCode::CONFLICT;
                errors.add("version", "field.stale");
            }
            Err(CultivationError::Invalid(field, key)) => errors.add(field, key),
            Err(CultivationError::Refused(r)) => {
                let items = state.db.read(|conn| Ok(model::gate_items(conn)?)).await?;
                refusal_error(&ctx, &mut errors, &r, &items);
            }
            Err(CultivationError::Db(_) | CultivationError::NotFound) => {
                unreachable!("returned above")
            }
        }
    }
    let form = PanelForm {
        values,
        errors,
        open: true,
    };
    let page = cultivation_page(&state, &auth, ctx, id, which, form).await?;
    render(status, &page)
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The discovery form.
#[derive(Debug, Deserialize)]
pub struct DiscoverForm {
    #[serde(default)]
    pub note: String,
}

/// `POST /enterprises/{id}/cultivation/discover`: enters the pipeline at potential.
pub async fn discover(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<DiscoverForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(PROPOSERS)?;
    let id = path.into_inner();
    let (actor, role, scope) = (auth.actor(), auth.user().role, auth.user().scope.clone());
    let note = form.note.clone();
    let mut errors = FieldErrors::default();
    if note.chars().count() > 500 {
        errors.add_with("note", "field.too_long", "500");
    }
    act(
        state,
        auth,
        ctx,
        id,
        "discover",
        values(&[("note", &form.note)]),
        errors,
        "flash.cultivation_discovered",
        move |conn| model::discover(conn, &actor, role, &scope, id, &note, today()),
    )
    .await
}

/// The tick form.
#[derive(Debug, Deserialize)]
pub struct TickForm {
    #[serde(default)]
    pub item: String,
    #[serde(default)]
    pub evidence: String,
    #[serde(default)]
    pub document_ref: String,
    /// Present to withdraw the tick instead.
    #[serde(default)]
    pub withdraw: Option<String>,
}

/// `POST /enterprises/{id}/cultivation/ticks`: ticks a manual item with evidence, or
/// withdraws a tick.
pub async fn tick(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<TickForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let (actor, scope) = (auth.actor(), auth.user().scope.clone());
    let mut errors = FieldErrors::default();
    if form.evidence.chars().count() > 500 {
        errors.add_with("evidence", "field.too_long", "500");
    }
    if form.document_ref.chars().count() > 200 {
        errors.add_with("evidence", "field.too_long", "200");
    }
    let typed = values(&[
        ("item", &form.item),
        ("evidence", &form.evidence),
        ("document_ref", &form.document_ref),
    ]);
    let TickForm {
        item,
        evidence,
        document_ref,
        withdraw,
    } = form;
    if withdraw.is_some() {
        return act(
            state,
            auth,
            ctx,
            id,
            "tick",
            typed,
            errors,
            "flash.cultivation_unticked",
            move |conn| model::untick(conn, &actor, &scope, id, &item),
        )
        .await;
    }
    act(
        state,
        auth,
        ctx,
        id,
        "tick",
        typed,
        errors,
        "flash.cultivation_ticked",
        move |conn| model::tick(conn, &actor, &scope, id, &item, &evidence, &document_ref),
    )
    .await
}

/// The proposal form: advance, exit (with kind and reason) or re-enter.
#[derive(Debug, Deserialize)]
pub struct ProposeForm {
    #[serde(default)]
    pub action: String,
    /// For an advance: the step the user saw as next. A page older than the record
    /// (or a hand-made request to skip) is refused instead of proposing something else.
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub exit_kind: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub comment: String,
}

/// `POST /enterprises/{id}/cultivation/proposals`
pub async fn propose(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<ProposeForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(PROPOSERS)?;
    let id = path.into_inner();
    let (actor, role, scope) = (auth.actor(), auth.user().role, auth.user().scope.clone());
    let which = if form.action == "exit" {
        "exit"
    } else {
        "propose"
    };
    let typed = values(&[
        ("action", &form.action),
        ("exit_kind", &form.exit_kind),
        ("reason", &form.reason),
        ("comment", &form.comment),
    ]);
    let mut errors = FieldErrors::default();
    if form.comment.chars().count() > 1000 {
        errors.add_with("comment", "field.too_long", "1000");
    }
    if form.reason.chars().count() > 500 {
        errors.add_with("reason", "field.too_long", "500");
    }
    // Advance: to whatever follows the current step, looked up in the transaction.
    let action = match form.action.as_str() {
        "advance" if !form.to.trim().is_empty() => match form.to.parse::<Step>() {
            Ok(to) => Some(ProposalAction::Advance(to)),
            Err(_) => {
                errors.add("action", "cultivation.action");
                None
            }
        },
        "advance" | "reenter" => None,
        "exit" => match form.exit_kind.parse::<ExitKind>() {
            Ok(k) => Some(ProposalAction::Exit(k, form.reason.clone())),
            Err(_) => {
                errors.add("exit_kind", "cultivation.exit_kind");
                None
            }
        },
        _ => {
            errors.add("action", "cultivation.action");
            None
        }
    };
    let comment = form.comment.clone();
    let reenter = form.action == "reenter";
    act(
        state,
        auth,
        ctx,
        id,
        which,
        typed,
        errors,
        "flash.cultivation_proposed",
        move |conn| {
            let action = match action {
                Some(a) => a,
                None if reenter => ProposalAction::Reenter,
                None => {
                    let e =
                        Enterprise::find(conn, &scope, id)?.ok_or(CultivationError::NotFound)?;
                    let current = e.step().ok_or(CultivationError::Invalid(
                        "action",
                        "cultivation.not_in_pipeline_error",
                    ))?;
                    match current.next() {
                        Some(n) => ProposalAction::Advance(n),
                        None if current == Step::Listed => {
                            return Err(cultivation::Refusal::AlreadyListed.into());
                        }
                        None => {
                            return Err(CultivationError::Invalid(
                                "action",
                                "cultivation.refused_exited",
                            ));
                        }
                    }
                }
            };
            model::propose(conn, &actor, role, &scope, id, &action, &comment, today()).map(|_| ())
        },
    )
    .await
}

/// The plan form (定板、定价 and the counsellor), amounts in 万元.
#[derive(Debug, Deserialize)]
pub struct PlanForm {
    #[serde(default)]
    pub target_board: String,
    #[serde(default)]
    pub valuation: String,
    #[serde(default)]
    pub valuation_on: String,
    #[serde(default)]
    pub planned_raise: String,
    #[serde(default)]
    pub planned_filing_on: String,
    #[serde(default)]
    pub planned_listing_on: String,
    #[serde(default)]
    pub counsellor_id: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub version: i32,
}

/// Checks the plan form; every problem is named beside its field.
pub fn parse_plan(form: &PlanForm, errors: &mut FieldErrors) -> PlanData {
    let mut data = PlanData::default();
    match form.target_board.trim() {
        "" => {}
        t => match t.parse::<TargetBoard>() {
            Ok(b) => data.target_board = Some(b),
            Err(_) => errors.add("target_board", "cultivation.target_board_error"),
        },
    }
    for (field, raw, slot) in [
        ("valuation", &form.valuation, &mut data.valuation),
        (
            "planned_raise",
            &form.planned_raise,
            &mut data.planned_raise,
        ),
    ] {
        match money::parse_wan(raw, false) {
            Ok(v) => *slot = v,
            Err(e) => errors.add(field, e.message_key()),
        }
    }
    for (field, raw, slot) in [
        ("valuation_on", &form.valuation_on, &mut data.valuation_on),
        (
            "planned_filing_on",
            &form.planned_filing_on,
            &mut data.planned_filing_on,
        ),
        (
            "planned_listing_on",
            &form.planned_listing_on,
            &mut data.planned_listing_on,
        ),
    ] {
        match parse_date(raw) {
            Ok(v) => *slot = v,
            Err(key) => errors.add(field, key),
        }
    }
    for (field, key) in cultivation::plan_problems(
        data.valuation,
        data.planned_raise,
        data.planned_filing_on,
        data.planned_listing_on,
    ) {
        errors.add(field, key);
    }
    match form.counsellor_id.trim() {
        "" => {}
        c => match c.parse::<i32>() {
            Ok(id) => data.counsellor_id = Some(id),
            Err(_) => errors.add("counsellor_id", "cultivation.counsellor_error"),
        },
    }
    if form.note.chars().count() > 1000 {
        errors.add_with("note", "field.too_long", "1000");
    }
    data.note = form.note.trim().to_string();
    data
}

/// `POST /enterprises/{id}/cultivation/plan`
pub async fn save_plan(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<PlanForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let (actor, scope) = (auth.actor(), auth.user().scope.clone());
    let mut errors = FieldErrors::default();
    let data = parse_plan(&form, &mut errors);
    let typed = values(&[
        ("target_board", &form.target_board),
        ("valuation", &form.valuation),
        ("valuation_on", &form.valuation_on),
        ("planned_raise", &form.planned_raise),
        ("planned_filing_on", &form.planned_filing_on),
        ("planned_listing_on", &form.planned_listing_on),
        ("counsellor_id", &form.counsellor_id),
        ("note", &form.note),
        ("version", &form.version.to_string()),
    ]);
    let version = form.version;
    act(
        state,
        auth,
        ctx,
        id,
        "plan",
        typed,
        errors,
        "flash.cultivation_plan_saved",
        move |conn| model::save_plan(conn, &actor, &scope, id, version, &data),
    )
    .await
}

/// The intermediary form: one kind, a partner (empty releases) and the date.
#[derive(Debug, Deserialize)]
pub struct IntermediaryForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub partner_id: String,
    #[serde(default)]
    pub engaged_on: String,
}

/// `POST /enterprises/{id}/cultivation/intermediaries`
pub async fn set_intermediary(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<IntermediaryForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let (actor, scope) = (auth.actor(), auth.user().scope.clone());
    let mut errors = FieldErrors::default();
    let kind = form.kind.parse::<IntermediaryKind>().ok();
    if kind.is_none() {
        errors.add("kind", "cultivation.intermediary_kind");
    }
    let partner = match form.partner_id.trim() {
        "" => None,
        p => match p.parse::<i32>() {
            Ok(p) => Some(p),
            Err(_) => {
                errors.add("partner_id", "cultivation.partner_kind");
                None
            }
        },
    };
    let engaged_on = match parse_date(&form.engaged_on) {
        Ok(d) => d.unwrap_or_else(today),
        Err(key) => {
            errors.add("engaged_on", key);
            today()
        }
    };
    if engaged_on > today() {
        errors.add("engaged_on", "field.date_future");
    }
    let typed = values(&[
        ("kind", &form.kind),
        ("partner_id", &form.partner_id),
        ("engaged_on", &form.engaged_on),
    ]);
    act(
        state,
        auth,
        ctx,
        id,
        "intermediary",
        typed,
        errors,
        "flash.cultivation_intermediary_saved",
        move |conn| {
            let kind = kind.ok_or(CultivationError::Invalid(
                "kind",
                "cultivation.intermediary_kind",
            ))?;
            model::set_intermediary(conn, &actor, &scope, id, kind, partner, engaged_on)
        },
    )
    .await
}

/// The new-task form.
#[derive(Debug, Deserialize)]
pub struct TaskForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub owner_id: String,
    #[serde(default)]
    pub due_on: String,
}

/// `POST /enterprises/{id}/cultivation/tasks`
pub async fn add_task(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<TaskForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let (actor, scope) = (auth.actor(), auth.user().scope.clone());
    let mut errors = FieldErrors::default();
    let title = form.title.trim().to_string();
    if title.is_empty() {
        errors.add("title", "field.required");
    } else if title.chars().count() > 200 {
        errors.add_with("title", "field.too_long", "200");
    }
    let owner_id = form.owner_id.trim().parse::<i32>().ok();
    if owner_id.is_none() {
        errors.add("owner_id", "cultivation.owner");
    }
    let due_on = match parse_date(&form.due_on) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            errors.add("due_on", "field.required");
            None
        }
        Err(key) => {
            errors.add("due_on", key);
            None
        }
    };
    let typed = values(&[
        ("title", &form.title),
        ("owner_id", &form.owner_id),
        ("due_on", &form.due_on),
    ]);
    act(
        state,
        auth,
        ctx,
        id,
        "task",
        typed,
        errors,
        "flash.task_added",
        move |conn| {
            let (Some(owner_id), Some(due_on)) = (owner_id, due_on) else {
                return Err(CultivationError::Invalid("title", "field.required"));
            };
            let task = NewTask {
                title,
                owner_id,
                due_on,
            };
            model::add_task(conn, &actor, &scope, id, &task).map(|_| ())
        },
    )
    .await
}

/// The queue form.
#[derive(Debug, Deserialize)]
pub struct QueueForm {
    #[serde(default)]
    pub direction: String,
    /// Where to go back to: the queue page or the enterprise's page.
    #[serde(default)]
    pub back: String,
}

/// `POST /enterprises/{id}/queue`: one place up or down in the stage's queue.
pub async fn move_in_queue(
    auth: Auth,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<QueueForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let up = match form.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::BadRequest("direction must be up or down".into())),
    };
    let (actor, scope) = (auth.actor(), auth.user().scope.clone());
    let outcome = state
        .db
        .write(
            move |conn| match model::move_in_queue(conn, &actor, &scope, id, up) {
                Ok(()) => Ok(Ok(())),
                Err(CultivationError::NotFound) => Err(AppError::NotFound),
                Err(CultivationError::Db(e)) => Err(e.into()),
                Err(other) => Ok(Err(other)),
            },
        )
        .await?;
    let back = if form.back.is_empty() {
        format!("/enterprises/{id}/cultivation")
    } else {
        crate::routes::safe_next(Some(form.back.as_str()))
    };
    let flash = match outcome {
        Ok(()) => Flash::success("flash.queue_moved"),
        Err(_) => Flash::error("cultivation.not_queued"),
    };
    Ok(redirect_with_flash(&state, &back, flash))
}
