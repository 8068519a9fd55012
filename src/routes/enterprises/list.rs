//! The enterprise list: filters, sorting, keyset pages.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::{Deserialize, Serialize};

use super::READERS;
use crate::auth::Auth;
use crate::domain::industry::{SECTIONS, Section};
use crate::domain::qualification::Level;
use crate::domain::role::Role;
use crate::domain::tier::Tier;
use crate::error::AppError;
use crate::models::district::District;
use crate::models::enterprise::{self, Archived, ListFilter, ListRow, Sort};
use crate::startup::AppState;
use crate::views::{PageCtx, page};

/// The list filters as typed in the query string (kept as text to show them again).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub tier: String,
    pub level: String,
    pub district: String,
    pub industry: String,
    pub status: String,
    pub sort: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub after: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_id: Option<i32>,
}

impl ListQuery {
    /// The filter the query describes; unknown values are ignored.
    pub fn filter(&self) -> ListFilter {
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        ListFilter {
            text: opt(&self.q),
            tier: match self.tier.as_str() {
                "none" => Some(None),
                t => t.parse::<Tier>().ok().map(Some),
            },
            level: match self.level.as_str() {
                "none" => Some(None),
                l => l.parse::<Level>().ok().map(Some),
            },
            district: opt(&self.district),
            industry: opt(&self.industry).map(|s| s.to_uppercase()),
            archived: match self.status.as_str() {
                "archived" => Archived::Archived,
                "all" => Archived::All,
                _ => Archived::Active,
            },
            sort: Sort::parse(&self.sort),
            after: opt(&self.after).map(|k| (k, self.after_id.unwrap_or(0))),
        }
    }

    /// The query string without the page cursor (for sort links and exports).
    pub fn without_cursor(&self) -> String {
        let q = ListQuery {
            after: String::new(),
            after_id: None,
            ..self.clone()
        };
        serde_urlencoded::to_string(q).unwrap_or_default()
    }
}

/// The list page.
#[derive(Template)]
#[template(path = "enterprises/list.html")]
pub struct ListPage {
    pub ctx: PageCtx,
    pub rows: Vec<ListRow>,
    pub query: ListQuery,
    pub next: Option<String>,
    pub first_page: bool,
    pub districts: Vec<District>,
    pub sections: &'static [Section],
    pub tiers: [Tier; 3],
    pub levels: [Level; 4],
    pub can_edit: bool,
}

impl ListPage {
    /// A district's name in the page language.
    pub fn district_name(&self, code: &str) -> String {
        District::name_of(&self.districts, code, self.ctx.locale)
    }

    /// A section's name in the page language.
    pub fn section_name(&self, s: &Section) -> &'static str {
        if self.ctx.locale == crate::domain::locale::Locale::En {
            s.name_en
        } else {
            s.name_zh
        }
    }
}

/// `GET /enterprises`
pub async fn list(
    auth: Auth,
    ctx: PageCtx,
    state: web::Data<AppState>,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    if auth.user().role == Role::Enterprise {
        // An enterprise account has one record: its own.
        let id = auth.user().enterprise_id.ok_or(AppError::NotFound)?;
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/enterprises/{id}")))
            .finish());
    }
    auth.require(READERS)?;
    super::refresh_levels_if_due(&state.db).await?;
    let query = q.into_inner();
    let filter = query.filter();
    let scope = auth.user().scope.clone();
    let sort = filter.sort;
    let ((rows, more), districts) = state
        .db
        .read(move |conn| {
            Ok((
                enterprise::list(conn, &scope, &filter)?,
                District::all(conn)?,
            ))
        })
        .await?;
    let next = if more {
        rows.last().map(|last| {
            let q = ListQuery {
                after: last.cursor(sort),
                after_id: Some(last.id),
                ..query.clone()
            };
            serde_urlencoded::to_string(q).unwrap_or_default()
        })
    } else {
        None
    };
    page(&ListPage {
        can_edit: auth.require(super::EDITORS).is_ok(),
        first_page: query.after.is_empty(),
        ctx,
        rows,
        query,
        next,
        districts,
        sections: &SECTIONS,
        tiers: Tier::ALL,
        levels: Level::ALL,
    })
}
