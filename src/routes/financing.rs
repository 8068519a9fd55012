//! Financing services (融资服务): enterprises' financing needs, their referrals to
//! partner institutions, the roll-ups of approved financing and the first-loan /
//! credit-loan service center's queue. Enterprise accounts record and follow their
//! own needs; staff record needs on an enterprise's behalf, match them to partners
//! and move referrals; either closes a need with a reason; officials read; experts
//! are refused.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::enterprises::record::field_errors;
use super::enterprises::today;
use crate::auth::Auth;
use crate::auth::csrf::CsrfForm;
use crate::domain::enterprise::FieldProblem;
use crate::domain::financing::{
    CloseInput, CloseReason, FinancingKind, NeedInput, NeedStatus, ReferralInput, ReferralStatus,
    format_rate,
};
use crate::domain::role::Role;
use crate::domain::scope::DataScope;
use crate::error::AppError;
use crate::models::district::District;
use crate::models::enterprise::EnterpriseRef;
use crate::models::financing::{
    Need, NeedFilter, NeedRow, ReferError, Referral, Rollups, ServiceFigures, WriteError,
    partners_for,
};
use crate::models::partner::Partner;
use crate::startup::AppState;
use crate::views::charts::{self, BarRow};
use crate::views::flash::Flash;
use crate::views::{FieldErrors, PageCtx, page, redirect_with_flash, render};

/// Who reads every need in scope.
pub const READERS: &[Role] = &[Role::Admin, Role::Staff, Role::Official];
/// Who records needs for enterprises, matches and moves referrals.
pub const EDITORS: &[Role] = &[Role::Admin, Role::Staff];

const PAGE: i64 = 50;

fn is_enterprise(auth: &Auth) -> bool {
    auth.user().role == Role::Enterprise
}

/// Readers, or an enterprise account (which sees its own only: the scope does it).
fn require_view(auth: &Auth) -> Result<(), AppError> {
    if is_enterprise(auth) {
        Ok(())
    } else {
        auth.require(READERS)
    }
}

// ---------------------------------------------------------------- list

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    pub kind: Option<String>,
    pub status: Option<String>,
    pub district: Option<String>,
    /// Keyset: show needs with ids below this.
    pub before: Option<i32>,
}

/// `/financing` for an enterprise account: its needs and their referrals.
#[derive(Template)]
#[template(path = "financing/mine.html")]
pub struct MinePage {
    pub ctx: PageCtx,
    pub needs: Vec<(Need, Vec<(Referral, String)>)>,
}

impl MinePage {
    /// An amount in 万元.
    pub fn wan(&self, v: &i64) -> String {
        crate::domain::money::format_wan(*v)
    }

    /// A rate for display.
    pub fn rate(&self, r: &Option<i32>) -> String {
        format_rate(*r)
    }
}

/// `/financing` for staff and officials.
#[derive(Template)]
#[template(path = "financing/index.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub rows: Vec<NeedRow>,
    pub next: Option<i32>,
    pub kind: String,
    pub status: String,
    pub district: String,
    pub kinds: [FinancingKind; 5],
    pub statuses: [NeedStatus; 3],
    pub districts: Vec<District>,
    pub rollups: Rollups,
    pub chart: String,
    pub can_edit: bool,
}

impl ListPage {
    /// An amount in 万元.
    pub fn wan(&self, v: &i64) -> String {
        crate::domain::money::format_wan(*v)
    }

    /// A rate for display.
    pub fn rate(&self, r: &Option<i32>) -> String {
        format_rate(*r)
    }
    pub fn district_name(&self, code: &str) -> String {
        District::name_of(&self.districts, code, self.ctx.locale)
    }

    /// The query string of the next page (filters kept).
    pub fn next_query(&self, before: &i32) -> String {
        let mut q = format!("before={before}");
        for (k, v) in [
            ("kind", &self.kind),
            ("status", &self.status),
            ("district", &self.district),
        ] {
            if !v.is_empty() {
                q.push_str(&format!("&{k}={v}"));
            }
        }
        q
    }
}

/// `GET /financing`
pub async fn index(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    if is_enterprise(&auth) {
        let Some(eid) = auth.user().enterprise_id else {
            return Err(AppError::NotFound);
        };
        let needs = state
            .db
            .read(move |conn| {
                let needs = Need::for_enterprise(conn, eid)?;
                let ids: Vec<i32> = needs.iter().map(|n| n.id).collect();
                let refs = Referral::for_needs(conn, &ids)?;
                Ok(needs
                    .into_iter()
                    .map(|n| {
                        let mine = refs
                            .iter()
                            .filter(|(r, _)| r.need_id == n.id)
                            .cloned()
                            .collect();
                        (n, mine)
                    })
                    .collect())
            })
            .await?;
        return page(&MinePage { ctx, needs });
    }
    auth.require(READERS)?;
    let filter = NeedFilter {
        kind: q.kind.as_deref().and_then(|k| k.parse().ok()),
        status: q.status.as_deref().and_then(|s| s.parse().ok()),
        district: q.district.clone().filter(|d| !d.trim().is_empty()),
    };
    let scope = auth.user().scope.clone();
    let before = q.before;
    let f = filter.clone();
    let (mut rows, rollups, districts) = state
        .db
        .read(move |conn| {
            Ok((
                Need::page(conn, &scope, &f, before, PAGE + 1)?,
                Rollups::load(conn, &scope, None)?,
                District::all(conn)?,
            ))
        })
        .await?;
    let next = if rows.len() as i64 > PAGE {
        rows.truncate(PAGE as usize);
        rows.last().map(|r| r.need.id)
    } else {
        None
    };
    let bars: Vec<BarRow> = rollups
        .by_kind
        .iter()
        .map(|(k, n, sum)| BarRow {
            label: ctx.label("financing_kind", k),
            value: *sum as f64,
            display: format!(
                "{} · {}",
                crate::domain::money::format_wan(*sum),
                ctx.t1("financing.count", &n.to_string())
            ),
        })
        .collect();
    let chart = charts::bars(
        &ctx.t("financing.approved_by_kind"),
        &bars,
        &ctx.t("financing.no_approved"),
    );
    page(&ListPage {
        ctx,
        rows,
        next,
        kind: filter
            .kind
            .map(|k| k.as_str().to_string())
            .unwrap_or_default(),
        status: filter
            .status
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        district: filter.district.unwrap_or_default(),
        kinds: FinancingKind::ALL,
        statuses: NeedStatus::ALL,
        districts,
        rollups,
        chart,
        can_edit: auth.require(EDITORS).is_ok(),
    })
}

// ---------------------------------------------------------------- new need

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    pub enterprise: Option<i32>,
}

/// The need form.
#[derive(Template)]
#[template(path = "financing/need_form.html")]
pub struct NeedFormPage {
    pub ctx: PageCtx,
    pub enterprise: EnterpriseRef,
    pub form: NeedInput,
    pub errors: FieldErrors,
    pub kinds: [FinancingKind; 5],
    /// Staff post the enterprise's id with the form.
    pub on_behalf: bool,
}

/// Which enterprise a need is for: an enterprise account's own; for staff, the
/// one asked for, if in scope (404 otherwise).
async fn target(
    auth: &Auth,
    state: &web::Data<AppState>,
    asked: Option<i32>,
) -> Result<EnterpriseRef, AppError> {
    let id = if is_enterprise(auth) {
        auth.user().enterprise_id.ok_or(AppError::NotFound)?
    } else {
        auth.require(EDITORS)?;
        asked.ok_or(AppError::NotFound)?
    };
    let scope = auth.user().scope.clone();
    state
        .db
        .read(move |conn| EnterpriseRef::find(conn, &scope, id)?.ok_or(AppError::NotFound))
        .await
}

/// `GET /financing/needs/new` (`?enterprise=` for staff)
pub async fn new_need(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<NewQuery>,
) -> Result<HttpResponse, AppError> {
    let enterprise = target(&auth, &state, q.enterprise).await?;
    page(&NeedFormPage {
        ctx,
        enterprise,
        form: NeedInput::default(),
        errors: FieldErrors::default(),
        kinds: FinancingKind::ALL,
        on_behalf: !is_enterprise(&auth),
    })
}

#[derive(Deserialize)]
pub struct NeedForm {
    #[serde(flatten)]
    pub input: NeedInput,
    #[serde(default)]
    pub enterprise_id: Option<String>,
}

/// `POST /financing/needs`
pub async fn create_need(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<NeedForm>,
) -> Result<HttpResponse, AppError> {
    let asked = form
        .enterprise_id
        .as_deref()
        .and_then(|s| s.trim().parse().ok());
    let enterprise = target(&auth, &state, asked).await?;
    match form.input.parse(today()) {
        Ok(d) => {
            let actor = auth.actor();
            let via = if is_enterprise(&auth) {
                "enterprise"
            } else {
                "staff"
            };
            let (eid, district) = (enterprise.id, enterprise.district_code.clone());
            let n = state
                .db
                .write(move |conn| Ok(Need::create(conn, &actor, eid, &district, &d, via)?))
                .await?;
            let to = if is_enterprise(&auth) {
                "/financing".to_string()
            } else {
                format!("/financing/needs/{}", n.id)
            };
            Ok(redirect_with_flash(
                &state,
                &to,
                Flash::success("flash.need_created"),
            ))
        }
        Err(problems) => render(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NeedFormPage {
                ctx,
                enterprise,
                form: form.input,
                errors: field_errors(&problems),
                kinds: FinancingKind::ALL,
                on_behalf: !is_enterprise(&auth),
            },
        ),
    }
}

// ---------------------------------------------------------------- one need

/// A need with its referrals, the match form and the status forms.
#[derive(Template)]
#[template(path = "financing/need.html")]
pub struct NeedPage {
    pub ctx: PageCtx,
    pub row: NeedRow,
    pub district_name: String,
    pub referrals: Vec<(Referral, String)>,
    /// Partners that can serve the need's kind (for the match form).
    pub partners: Vec<Partner>,
    pub can_edit: bool,
    pub match_errors: FieldErrors,
    pub match_partner: String,
    /// A refused status form: (referral id, input, errors).
    pub moving: Option<(i32, ReferralInput, FieldErrors)>,
    pub conflict: bool,
    pub statuses: [ReferralStatus; 4],
    /// The close form: shown to editors and the enterprise itself while open.
    pub can_close: bool,
    pub close_input: CloseInput,
    pub close_errors: FieldErrors,
    pub close_reasons: [CloseReason; 3],
}

impl NeedPage {
    /// An amount in 万元.
    pub fn wan(&self, v: &i64) -> String {
        crate::domain::money::format_wan(*v)
    }

    /// A rate for display.
    pub fn rate(&self, r: &Option<i32>) -> String {
        format_rate(*r)
    }
    /// Whether a referral may move from `from` to `to` (the status options).
    pub fn can_move(&self, from: &ReferralStatus, to: &ReferralStatus) -> bool {
        from.can_move_to(*to)
    }

    /// The status form's input for referral `id` (what was typed when refused).
    pub fn input_for(&self, id: &i32) -> ReferralInput {
        match &self.moving {
            Some((m, input, _)) if m == id => input.clone(),
            _ => ReferralInput::default(),
        }
    }

    /// The status form's errors for referral `id`.
    pub fn errors_for(&self, id: &i32) -> FieldErrors {
        match &self.moving {
            Some((m, _, e)) if m == id => e.clone(),
            _ => FieldErrors::default(),
        }
    }
}

async fn need_page(
    auth: &Auth,
    ctx: PageCtx,
    state: &web::Data<AppState>,
    id: i32,
) -> Result<NeedPage, AppError> {
    let scope = auth.user().scope.clone();
    let locale = ctx.locale;
    let (row, referrals, partners, district_name) = state
        .db
        .read(move |conn| {
            let row = Need::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let referrals = Referral::for_needs(conn, &[id])?;
            let partners = partners_for(conn, row.need.kind)?;
            let district_name =
                District::name_of(&District::all(conn)?, &row.district_code, locale);
            Ok((row, referrals, partners, district_name))
        })
        .await?;
    let row_open = row.need.status != NeedStatus::Closed;
    Ok(NeedPage {
        ctx,
        row,
        district_name,
        referrals,
        partners,
        can_edit: auth.require(EDITORS).is_ok(),
        match_errors: FieldErrors::default(),
        match_partner: String::new(),
        moving: None,
        conflict: false,
        statuses: ReferralStatus::ALL,
        can_close: row_open && may_close(auth),
        close_input: CloseInput::default(),
        close_errors: FieldErrors::default(),
        close_reasons: CloseReason::ALL,
    })
}

/// Editors close needs in their scope; an enterprise account its own (the scope
/// in the query does that).
fn may_close(auth: &Auth) -> bool {
    is_enterprise(auth) || auth.require(EDITORS).is_ok()
}

/// `GET /financing/needs/{id}`
pub async fn show_need(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
) -> Result<HttpResponse, AppError> {
    require_view(&auth)?;
    page(&need_page(&auth, ctx, &state, path.into_inner()).await?)
}

#[derive(Debug, Default, Deserialize)]
pub struct MatchForm {
    #[serde(default)]
    pub partner_id: String,
}

/// `POST /financing/needs/{id}/referrals`: refers the need to a partner.
pub async fn refer(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<MatchForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let scope = auth.user().scope.clone();
    let actor = auth.actor();
    let partner_id: Option<i32> = form.partner_id.trim().parse().ok();
    let outcome = state
        .db
        .write(move |conn| {
            let row = Need::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let Some(pid) = partner_id else {
                return Ok(Err("financing.partner_required"));
            };
            if Partner::find(conn, pid)?.is_none() {
                return Ok(Err("financing.partner_required"));
            }
            match Referral::create(conn, &actor, &row, pid) {
                Ok(_) => Ok(Ok(())),
                Err(ReferError::Unsuitable) => Ok(Err("financing.partner_unsuitable")),
                Err(ReferError::Duplicate) => Ok(Err("financing.partner_duplicate")),
                Err(ReferError::Closed) => Ok(Err("financing.need_closed")),
                Err(ReferError::Db(e)) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/financing/needs/{id}"),
            Flash::success("flash.referral_sent"),
        )),
        Err(key) => {
            let mut p = need_page(&auth, ctx, &state, id).await?;
            p.match_errors.add("partner_id", key);
            p.match_partner = form.partner_id;
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
    }
}

#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(flatten)]
    pub input: ReferralInput,
    #[serde(default)]
    pub version: i32,
}

enum MoveOutcome {
    Saved(i32),
    Invalid(i32, Vec<FieldProblem>),
    Conflict(i32),
}

/// `POST /financing/referrals/{id}`: moves a referral on (stale moves are 409).
pub async fn move_referral(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<MoveForm>,
) -> Result<HttpResponse, AppError> {
    auth.require(EDITORS)?;
    let id = path.into_inner();
    let scope = auth.user().scope.clone();
    let actor = auth.actor();
    let version = form.version;
    let input = form.input.clone();
    let day = today();
    let outcome = state
        .db
        .write(move |conn| {
            let r = Referral::find(conn, id)?.ok_or(AppError::NotFound)?;
            let row = Need::find(conn, &scope, r.need_id)?.ok_or(AppError::NotFound)?;
            let need = row.need.id;
            if r.version != version {
                return Ok(MoveOutcome::Conflict(need));
            }
            let mv = match input.parse(r.status, day) {
                Ok(mv) => mv,
                Err(p) => return Ok(MoveOutcome::Invalid(need, p)),
            };
            match Referral::advance(conn, &actor, &row, id, version, &mv) {
                Ok(_) => Ok(MoveOutcome::Saved(need)),
                Err(WriteError::Conflict(_)) => Ok(MoveOutcome::Conflict(need)),
                Err(WriteError::Db(e)) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        MoveOutcome::Saved(need) => Ok(redirect_with_flash(
            &state,
            &format!("/financing/needs/{need}"),
            Flash::success("flash.referral_moved"),
        )),
        MoveOutcome::Invalid(need, problems) => {
            let mut p = need_page(&auth, ctx, &state, need).await?;
            p.moving = Some((id, form.input, field_errors(&problems)));
            render(StatusCode::UNPROCESSABLE_ENTITY, &p)
        }
        MoveOutcome::Conflict(need) => {
            let mut p = need_page(&auth, ctx, &state, need).await?;
            p.moving = Some((id, form.input, FieldErrors::default()));
            p.conflict = true;
            render(StatusCode::CONFLICT, &p)
        }
    }
}

#[derive(Deserialize)]
pub struct CloseForm {
    #[serde(flatten)]
    pub input: CloseInput,
    #[serde(default)]
    pub version: i32,
}

/// `POST /financing/needs/{id}/close`: closes a need with a reason (stale or
/// already closed: 409, the input kept).
pub async fn close_need(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    CsrfForm(form): CsrfForm<CloseForm>,
) -> Result<HttpResponse, AppError> {
    if !may_close(&auth) {
        return Err(AppError::Forbidden);
    }
    let id = path.into_inner();
    let scope = auth.user().scope.clone();
    let actor = auth.actor();
    let version = form.version;
    let input = form.input.clone();
    let outcome = state
        .db
        .write(move |conn| {
            let row = Need::find(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let (reason, note) = match input.parse() {
                Ok(v) => v,
                Err(p) => return Ok(Err(Some(p))),
            };
            match Need::close(conn, &actor, &row, version, reason, &note) {
                Ok(_) => Ok(Ok(())),
                Err(WriteError::Conflict(_)) => Ok(Err(None)),
                Err(WriteError::Db(e)) => Err(e.into()),
            }
        })
        .await?;
    match outcome {
        Ok(()) => Ok(redirect_with_flash(
            &state,
            &format!("/financing/needs/{id}"),
            Flash::success("flash.need_closed"),
        )),
        Err(problems) => {
            let mut p = need_page(&auth, ctx, &state, id).await?;
            p.close_input = form.input;
            let status = match problems {
                Some(problems) => {
                    p.close_errors = field_errors(&problems);
                    StatusCode::UNPROCESSABLE_ENTITY
                }
                None => {
                    p.conflict = true;
                    StatusCode::CONFLICT
                }
            };
            // Keep the form (and the input) even when someone closed it meanwhile.
            p.can_close = may_close(&auth);
            render(status, &p)
        }
    }
}

// ---------------------------------------------------------------- service center

/// The first-loan / credit-loan service center's queue.
#[derive(Template)]
#[template(path = "financing/service_center.html")]
pub struct ServicePage {
    pub ctx: PageCtx,
    pub queue: Vec<NeedRow>,
    pub figures: ServiceFigures,
    pub districts: Vec<District>,
    pub today: chrono::NaiveDate,
}

impl ServicePage {
    /// An amount in 万元.
    pub fn wan(&self, v: &i64) -> String {
        crate::domain::money::format_wan(*v)
    }

    /// A rate for display.
    pub fn rate(&self, r: &Option<i32>) -> String {
        format_rate(*r)
    }
    pub fn district_name(&self, code: &str) -> String {
        District::name_of(&self.districts, code, self.ctx.locale)
    }

    pub fn days(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".into(), |d| format!("{d:.1}"))
    }

    /// Days a need has been waiting.
    pub fn waiting(&self, row: &NeedRow) -> i64 {
        (self.today - row.need.created_at.date()).num_days()
    }
}

/// `GET /financing/service-center`
pub async fn service_center(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    auth.require(READERS)?;
    let scope: DataScope = auth.user().scope.clone();
    let (queue, figures, districts) = state
        .db
        .read(move |conn| {
            Ok((
                Need::service_queue(conn, &scope)?,
                ServiceFigures::load(conn, &scope, crate::models::now())?,
                District::all(conn)?,
            ))
        })
        .await?;
    page(&ServicePage {
        ctx,
        queue,
        figures,
        districts,
        today: crate::models::now().date(),
    })
}
