//! Proposals: the officials' inbox, one proposal with its checklist then and now,
//! and the decision.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{DECIDERS, READERS, finding_text, line_label, refusal_error, step_label};
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::domain::cultivation::{Decision, GateLine, GateStatus, Outcome, Step};
use crate::error::AppError;
use crate::models::cultivation::{self as model, CultivationError, ProposalRow};
use crate::models::enterprise::Enterprise;
use crate::routes::enterprises::record::PanelForm;
use crate::routes::enterprises::today;
use crate::startup::AppState;
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// Rows per inbox page.
const PAGE: i64 = 50;

/// The inbox's query string.
#[derive(Debug, Default, Deserialize)]
pub struct InboxQuery {
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub before: Option<i32>,
}

/// The proposals list.
#[derive(Template)]
#[template(path = "cultivation/proposals.html")]
pub struct InboxPage {
    pub ctx: PageCtx,
    /// `pending`, `approved`, `returned` or `all`.
    pub status: String,
    pub rows: Vec<ProposalRow>,
    /// The cursor of the next page, if there is one.
    pub next_before: Option<i32>,
    pub statuses: [&'static str; 4],
}

impl InboxPage {
    /// A step's name.
    pub fn step_name(&self, s: &Step) -> String {
        step_label(&self.ctx, *s)
    }

    /// Whether the stored checklist was complete when proposed.
    pub fn was_open(&self, p: &ProposalRow) -> bool {
        p.snapshot().is_some_and(|g| g.is_open())
    }
}

/// `GET /proposals`: pending first by default; officials decide from here.
pub async fn inbox(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    query: web::Query<InboxQuery>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let status = match query.status.as_deref() {
        Some(s @ ("pending" | "approved" | "returned" | "all")) => s.to_string(),
        None | Some("") => "pending".to_string(),
        Some(other) => return Err(AppError::BadRequest(format!("unknown status '{other}'"))),
    };
    let scope = auth.user().scope.clone();
    let before = query.before;
    let wanted = (status != "all").then(|| status.clone());
    let mut rows = state
        .db
        .read(move |conn| {
            Ok(model::proposals(
                conn,
                &scope,
                wanted.as_deref(),
                before,
                PAGE + 1,
            )?)
        })
        .await?;
    let next_before = if rows.len() as i64 > PAGE {
        rows.truncate(PAGE as usize);
        rows.last().map(|r| r.id)
    } else {
        None
    };
    page(&InboxPage {
        ctx,
        status,
        rows,
        next_before,
        statuses: ["pending", "approved", "returned", "all"],
    })
}

/// One proposal.
#[derive(Template)]
#[template(path = "cultivation/proposal.html")]
pub struct ProposalPage {
    pub ctx: PageCtx,
    pub p: ProposalRow,
    /// The checklist when proposed.
    pub then: Option<GateStatus>,
    /// The checklist now (what an approval is checked against).
    pub now: GateStatus,
    /// Where the enterprise is now.
    pub current: Option<Step>,
    pub decider_name: String,
    pub can_decide: bool,
    /// The signed-in official made this proposal (before a role change): no approving it.
    pub own: bool,
    pub form: PanelForm,
}

impl ProposalPage {
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
}

async fn proposal_page(
    state: &web::Data<AppState>,
    auth: &Auth,
    ctx: PageCtx,
    id: i32,
    form: PanelForm,
) -> Result<ProposalPage, AppError> {
    let scope = auth.user().scope.clone();
    let day = today();
    let me = auth.user().id;
    let can_decide = auth.require(DECIDERS).is_ok();
    state
        .db
        .read(move |conn| {
            let p = model::proposal(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let e = Enterprise::find(conn, &scope, p.enterprise_id)?.ok_or(AppError::NotFound)?;
            let now = model::gate_for(conn, &e, p.step_to, day)?;
            let decider_name = match p.decided_by {
                Some(d) => crate::models::user::User::find(conn, d)?
                    .map(|u| u.display_name)
                    .unwrap_or_default(),
                None => String::new(),
            };
            Ok(ProposalPage {
                ctx,
                then: p.snapshot(),
                own: p.proposed_by == me,
                p,
                now,
                current: e.step(),
                decider_name,
                can_decide,
                form,
            })
        })
        .await
}

/// `GET /proposals/{id}`
pub async fn show(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    page(&proposal_page(&state, &auth, ctx, path.into_inner(), PanelForm::default()).await?)
}

/// The decision form.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    pub decision: String,
    #[serde(default)]
    pub comment: String,
}

/// `POST /proposals/{id}/decision`: officials only, never on their own proposal; an
/// approval re-checks the move and the checklist against the record now.
pub async fn decide(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(DECIDERS)?;
    let id = path.into_inner();
    let mut errors = FieldErrors::default();
    let decision = form.decision.parse::<Decision>().ok();
    if decision.is_none() {
        errors.add("decision", "cultivation.decision");
    }
    if form.comment.chars().count() > 1000 {
        errors.add_with("comment", "field.too_long", "1000");
    }
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let (true, Some(decision)) = (errors.is_empty(), decision) {
        let (actor, role, scope) = (auth.actor(), auth.user().role, auth.user().scope.clone());
        let comment = form.comment.clone();
        let result = state
            .db
            .write(move |conn| {
                match model::decide(conn, &actor, role, &scope, id, decision, &comment, today()) {
                    Ok(o) => Ok(Ok(o)),
                    Err(CultivationError::NotFound) => Err(AppError::NotFound),
                    Err(CultivationError::Db(e)) => Err(e.into()),
                    Err(other) => Ok(Err(other)),
                }
            })
            .await?;
        match result {
            Ok(outcome) => {
                let key = match outcome {
                    Outcome::Moved(_) => "flash.proposal_approved",
                    Outcome::Returned => "flash.proposal_returned",
                };
                return Ok(redirect_with_flash(
                    &state,
                    "/proposals",
                    Flash::success(key),
                ));
            }
            Err(CultivationError::Conflict) => {
                status = StatusCode::CONFLICT;
                errors.add("decision", "cultivation.already_decided");
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
    let values: BTreeMap<String, String> = [
        ("decision".to_string(), form.decision.clone()),
        ("comment".to_string(), form.comment.clone()),
    ]
    .into_iter()
    .collect();
    let panel = PanelForm {
        values,
        errors,
        open: true,
    };
    let page = proposal_page(&state, &auth, ctx, id, panel).await?;
    render(status, &page)
}
