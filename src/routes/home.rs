//! The home page: what this account is and what it can see.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::Auth;
use crate::domain::cultivation::Step;
use crate::domain::dashboard::quarter_start;
use crate::domain::financing::NeedStatus;
use crate::domain::role::Role;
use crate::domain::scope::DataScope;
use crate::error::AppError;
use crate::models::cultivation::{self, ProposalRow, TaskFilter, TaskRow};
use crate::models::district::District;
use crate::models::enterprise::{self, EnterpriseRef};
use crate::models::session::Session;
use crate::models::training::TrainingEvent;
use crate::models::{annual, financing, qualification};
use crate::routes::cultivation::pipeline::{PipelineQuery, funnel_svg};
use crate::routes::enterprises::today;
use crate::routes::reports::{self, Block, Totals};
use crate::startup::AppState;
use crate::views::{PageCtx, page};

/// Counts of accounts by role, for the admin's home.
pub struct RoleCount {
    pub role: Role,
    pub count: i64,
}

/// How many rows each dashboard card lists before linking to the full page.
pub const CARD_ROWS: usize = 6;

/// A staff member's work: their open tasks, reviews and things to follow up.
#[derive(Default)]
pub struct StaffBlocks {
    /// My open tasks (all of them counted, overdue ones first since due dates sort first).
    pub task_count: usize,
    pub overdue_count: usize,
    pub tasks: Vec<TaskRow>,
    /// Annual-data submissions waiting for review in scope.
    pub pending_count: usize,
    pub pending: Vec<annual::QueueRow>,
    /// Titles in force expiring within 90 days in scope.
    pub expiring_count: usize,
    pub expiring: Vec<qualification::ExpiringRow>,
    /// My proposals returned in the last 30 days (not yet proposed again).
    pub returned_count: usize,
    pub returned: Vec<ProposalRow>,
    /// Financing needs recorded in the last 30 days in scope.
    pub needs_count: usize,
    pub needs: Vec<financing::NeedRow>,
}

/// An enterprise account's own figures.
pub struct EnterpriseBlocks {
    pub open_needs: Vec<financing::Need>,
    pub trainings: Vec<TrainingEvent>,
    /// The record: tier, title and its expiry, cultivation step.
    pub record: crate::models::enterprise::Enterprise,
    /// The newest index panel (total, percentile, band, radar), when scored.
    pub index: Option<crate::routes::index::Panel>,
}

/// Officials and admins: where the board stands this quarter.
pub struct OfficialBlocks {
    pub quarter_start: chrono::NaiveDate,
    /// The current quarter, for the report link.
    pub quarter: String,
    /// Counts by tier, level, stage, district and industry with the change.
    pub composition: Vec<Block>,
    /// The cultivation funnel (as on /pipeline) and the number stalled.
    pub funnel_svg: String,
    pub stalled_total: i64,
    pub targets: Block,
    /// Approved financing this year and ever, and the plan year.
    pub year: i32,
    pub financing_year: Totals,
    pub financing_all: Totals,
}

/// The newest computed index period in scope (officials and admins).
pub struct IndexBrief {
    pub period: String,
    pub scored: usize,
    pub mean: String,
    pub median: String,
}

/// Keeps the first [`CARD_ROWS`] rows and returns how many there were.
fn first_rows<T>(mut rows: Vec<T>) -> (usize, Vec<T>) {
    let n = rows.len();
    rows.truncate(CARD_ROWS);
    (n, rows)
}

/// The home page.
#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub ctx: PageCtx,
    pub role: Role,
    /// Enterprises this account can see (through its data scope).
    pub visible_enterprises: i64,
    /// The districts this account is limited to (names), empty when unrestricted.
    pub scope_districts: Vec<String>,
    pub scope_all: bool,
    /// For enterprise accounts: their own enterprise.
    pub own_enterprise: Option<EnterpriseRef>,
    /// For admins: accounts per role and sessions online now.
    pub role_counts: Vec<RoleCount>,
    pub online_sessions: usize,
    pub staff: Option<StaffBlocks>,
    pub enterprise: Option<EnterpriseBlocks>,
    pub official: Option<OfficialBlocks>,
    pub index_brief: Option<IndexBrief>,
}

impl HomePage {
    /// What this role does here, in a sentence.
    pub fn intro(&self) -> String {
        self.ctx
            .t(&format!("home.role_intro.{}", self.role.as_str()))
    }

    pub fn step_name(&self, s: &Step) -> String {
        crate::routes::cultivation::step_label(&self.ctx, *s)
    }

    pub fn wan(&self, v: &i64) -> String {
        crate::domain::money::format_wan(*v)
    }

    pub fn count_of(&self, n: &usize) -> String {
        n.to_string()
    }

    /// A change with its sign (`+2`, `-1`, `0`).
    pub fn delta(&self, n: &i64) -> String {
        if *n > 0 {
            format!("+{n}")
        } else {
            n.to_string()
        }
    }
}

/// `GET /`
pub async fn home(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    crate::routes::notifications::sweeps_if_due(&state.db).await?;
    let user = auth.user().clone();
    let locale = ctx.locale;
    let settings = state.settings.clone();
    let shared = state.clone();
    let data = state
        .db
        .read(move |conn| {
            // A count over every active record in scope: cached while the pipeline
            // generation (which registrations and archiving bump) lasts.
            let scope = user.scope.clone();
            let visible = *shared
                .active_counts
                .get_or(conn, format!("{scope:?}"), |conn| {
                    enterprise::count_active(conn, &scope)
                })?;
            let districts = District::all(conn)?;
            let scope_districts: Vec<String> = match &user.scope {
                DataScope::Districts(ds) => ds
                    .iter()
                    .map(|d| District::name_of(&districts, d.as_str(), locale))
                    .collect(),
                _ => Vec::new(),
            };
            let own = match user.scope {
                DataScope::Enterprise(id) => EnterpriseRef::find(conn, &user.scope, id)?,
                _ => None,
            };
            let (role_counts, online) = if user.role == Role::Admin {
                let now = crate::models::now();
                let counts = crate::models::user::count_by_role(conn)?
                    .into_iter()
                    .map(|(role, count)| RoleCount { role, count })
                    .collect();
                let online = Session::online(
                    conn,
                    now - settings.session_idle,
                    now - settings.session_absolute,
                )?
                .len();
                (counts, online)
            } else {
                (Vec::new(), 0)
            };
            let role = user.role;
            let staff = if role == Role::Staff {
                let day = today();
                let mine = cultivation::tasks(
                    conn,
                    &user.scope,
                    TaskFilter::OwnerOpen(user.id),
                    day,
                    500,
                )?;
                let overdue_count = mine.iter().filter(|t| t.overdue).count();
                let (task_count, tasks) = first_rows(mine);
                let (pending_count, pending) = first_rows(annual::pending(conn, &user.scope)?);
                let (expiring_count, expiring) = first_rows(qualification::expiring(
                    conn,
                    &user.scope,
                    day,
                    day + chrono::Duration::days(90),
                )?);
                let since = crate::models::now() - chrono::Duration::days(30);
                let (returned_count, returned) = first_rows(cultivation::returned_to(
                    conn,
                    &user.scope,
                    user.id,
                    since,
                    500,
                )?);
                let recent: Vec<financing::NeedRow> = financing::Need::page(
                    conn,
                    &user.scope,
                    &financing::NeedFilter::default(),
                    None,
                    500,
                )?
                .into_iter()
                .filter(|r| r.need.created_at >= since)
                .collect();
                let (needs_count, needs) = first_rows(recent);
                Some(StaffBlocks {
                    task_count,
                    overdue_count,
                    tasks,
                    pending_count,
                    pending,
                    expiring_count,
                    expiring,
                    returned_count,
                    returned,
                    needs_count,
                    needs,
                })
            } else {
                None
            };
            let enterprise_blocks = match user.scope {
                DataScope::Enterprise(id) if own.is_some() => {
                    let record =
                        crate::models::enterprise::Enterprise::find(conn, &user.scope, id)?
                            .ok_or(AppError::NotFound)?;
                    let index = crate::routes::index::load(
                        conn,
                        &shared.index_cache,
                        &record,
                        None,
                        locale,
                        true,
                    )?
                    .map(|l| l.panel);
                    let open_needs = financing::Need::for_enterprise(conn, id)?
                        .into_iter()
                        .filter(|n| n.status == NeedStatus::Open)
                        .collect();
                    let trainings =
                        crate::models::training::upcoming_for(conn, id, crate::models::now())?
                            .into_iter()
                            .map(|(e, _)| e)
                            .take(CARD_ROWS)
                            .collect();
                    Some(EnterpriseBlocks {
                        open_needs,
                        trainings,
                        record,
                        index,
                    })
                }
                _ => None,
            };
            let overview = if matches!(role, Role::Official | Role::Admin) {
                let day = today();
                Some(reports::load(
                    conn,
                    &shared,
                    &user.scope,
                    quarter_start(day),
                    None,
                    day,
                )?)
            } else {
                None
            };
            Ok((
                (visible, scope_districts, own, role_counts, online),
                (staff, enterprise_blocks, overview),
            ))
        })
        .await?;
    let (
        (visible_enterprises, scope_districts, own_enterprise, role_counts, online_sessions),
        (staff, enterprise_blocks, overview),
    ) = data;
    let index_brief = overview.as_ref().and_then(|o| {
        o.index.as_ref().map(|(p, s)| IndexBrief {
            period: p.label(ctx.locale.tag()),
            scored: s.scored,
            mean: crate::routes::index::score_text(s.mean),
            median: crate::routes::index::score_text(s.median),
        })
    });
    let official = overview.map(|o| {
        let day = today();
        OfficialBlocks {
            quarter_start: o.composition.as_of,
            quarter: crate::domain::dashboard::current_quarter(day).to_string(),
            composition: reports::Which::ALL
                .iter()
                .map(|w| reports::composition_block(&ctx, &o, *w, "dash-"))
                .collect(),
            funnel_svg: funnel_svg(&ctx, &o.stats, &PipelineQuery::default().filters_qs()),
            stalled_total: o.stats.iter().map(|s| s.stalled).sum(),
            targets: reports::Block {
                id: "dash-targets".into(),
                ..reports::targets_block(&ctx, &o)
            },
            year: o.year,
            financing_year: o.financing_year,
            financing_all: o.financing_all,
        }
    });
    page(&HomePage {
        role: auth.user().role,
        scope_all: auth.user().scope == DataScope::All,
        ctx,
        visible_enterprises,
        scope_districts,
        own_enterprise,
        role_counts,
        online_sessions,
        staff,
        enterprise: enterprise_blocks,
        official,
        index_brief,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_keep_the_first_rows_and_the_full_count() {
        let (n, rows) = first_rows((0..10).collect::<Vec<i32>>());
        assert_eq!(n, 10);
        assert_eq!(rows, (0..CARD_ROWS as i32).collect::<Vec<_>>());
        let (n, rows) = first_rows(vec![1]);
        assert_eq!((n, rows), (1, vec![1]));
    }
}
