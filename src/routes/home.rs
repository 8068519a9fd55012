//! The home page: what this account is and what it can see.

use actix_web::{HttpResponse, web};
use askama::Template;

use crate::auth::Auth;
use crate::domain::role::Role;
use crate::domain::scope::DataScope;
use crate::error::AppError;
use crate::models::district::District;
use crate::models::enterprise::{self, EnterpriseRef};
use crate::models::session::Session;
use crate::startup::AppState;
use crate::views::{PageCtx, page};

/// Counts of accounts by role, for the admin's home.
pub struct RoleCount {
    pub role: Role,
    pub count: i64,
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
}

impl HomePage {
    /// What this role does here, in a sentence.
    pub fn intro(&self) -> String {
        self.ctx
            .t(&format!("home.role_intro.{}", self.role.as_str()))
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
    let data = state
        .db
        .read(move |conn| {
            let visible = enterprise::count_active(conn, &user.scope)?;
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
            Ok((visible, scope_districts, own, role_counts, online))
        })
        .await?;
    let (visible_enterprises, scope_districts, own_enterprise, role_counts, online_sessions) = data;
    page(&HomePage {
        role: auth.user().role,
        scope_all: auth.user().scope == DataScope::All,
        ctx,
        visible_enterprises,
        scope_districts,
        own_enterprise,
        role_counts,
        online_sessions,
    })
}
