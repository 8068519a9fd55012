//! Page structs (one per template) and the context every page shares: the
//! language, the signed-in account, the CSRF token, the flash and navigation.

pub mod charts;
pub mod flash;

use std::future::{Ready, ready};

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{Payload, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};
use askama::Template;

use crate::auth::session::{AnonCsrf, CurrentUser, SignedIn};
use crate::domain::locale::Locale;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::startup::AppState;
use flash::Flash;

/// The language cookie's name.
pub const LANG_COOKIE: &str = "srdi_lang";

/// A navigation link.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: &'static str,
    pub label_key: &'static str,
    pub active: bool,
}

/// A navigation group: one link on its own, or a labelled menu of links.
#[derive(Debug, Clone)]
pub struct NavGroup {
    /// The menu's label; `None` for a single link shown as itself.
    pub label_key: Option<&'static str>,
    pub items: Vec<NavItem>,
}

impl NavGroup {
    /// Whether the page shown is one of the group's.
    pub fn active(&self) -> bool {
        self.items.iter().any(|i| i.active)
    }
}

/// What every page template receives as `ctx`.
#[derive(Debug, Clone)]
pub struct PageCtx {
    pub locale: Locale,
    pub user: Option<CurrentUser>,
    pub csrf: String,
    pub flash: Option<Flash>,
    /// The current path and query, for the language switch to come back to.
    pub here: String,
    pub nav: Vec<NavGroup>,
}

type Links = &'static [(&'static str, &'static str)];

/// The navigation per role: single links and menus (label key, links).
fn nav_for(role: Role) -> Vec<(Option<&'static str>, Links)> {
    const HOME: Links = &[("/", "nav.home")];
    const SERVICES: Links = &[
        ("/financing", "nav.financing"),
        ("/partners", "nav.partners"),
        ("/training", "nav.training"),
    ];
    const REPORTS: Links = &[
        ("/reports/quarterly", "nav.report"),
        ("/audit", "nav.audit"),
    ];
    let mut groups: Vec<(Option<&'static str>, Links)> = vec![(None, HOME)];
    match role {
        Role::Admin => groups.extend([
            (
                Some("nav.group.registry"),
                &[
                    ("/enterprises", "nav.enterprises"),
                    ("/submissions", "nav.submissions"),
                    ("/qualifications/expiring", "nav.expiring"),
                ][..],
            ),
            (None, &[("/pipeline", "nav.pipeline")][..]),
            (
                Some("nav.group.index"),
                &[
                    ("/index", "nav.index"),
                    ("/index/import", "nav.index_import"),
                    ("/index/experts", "nav.index_experts"),
                    ("/admin/index", "nav.index_admin"),
                ][..],
            ),
            (Some("nav.group.services"), SERVICES),
            (Some("nav.group.reports"), REPORTS),
            (
                Some("nav.group.admin"),
                &[
                    ("/admin/users", "nav.users"),
                    ("/admin/reference", "nav.reference"),
                    ("/admin/sessions", "nav.sessions"),
                ][..],
            ),
        ]),
        Role::Staff => groups.extend([
            (
                Some("nav.group.registry"),
                &[
                    ("/enterprises", "nav.enterprises"),
                    ("/submissions", "nav.submissions"),
                    ("/qualifications/expiring", "nav.expiring"),
                ][..],
            ),
            (
                Some("nav.group.cultivation"),
                &[("/pipeline", "nav.pipeline"), ("/tasks", "nav.tasks")][..],
            ),
            (
                Some("nav.group.index"),
                &[
                    ("/index", "nav.index"),
                    ("/index/import", "nav.index_import"),
                ][..],
            ),
            (Some("nav.group.services"), SERVICES),
        ]),
        Role::Official => groups.extend([
            (
                Some("nav.group.registry"),
                &[
                    ("/enterprises", "nav.enterprises"),
                    ("/qualifications/expiring", "nav.expiring"),
                ][..],
            ),
            (
                Some("nav.group.cultivation"),
                &[
                    ("/pipeline", "nav.pipeline"),
                    ("/proposals", "nav.proposals"),
                ][..],
            ),
            (
                Some("nav.group.index"),
                &[
                    ("/index", "nav.index"),
                    ("/index/experts/review", "nav.expert_review"),
                    ("/admin/index", "nav.index_admin"),
                ][..],
            ),
            (Some("nav.group.services"), SERVICES),
            (
                Some("nav.group.reports"),
                &[
                    ("/reports/quarterly", "nav.report"),
                    ("/audit", "nav.audit"),
                ][..],
            ),
        ]),
        Role::Expert => groups.extend([
            (None, &[("/enterprises", "nav.enterprises")][..]),
            (None, &[("/index/expert", "nav.my_scoring")][..]),
        ]),
        Role::Enterprise => groups.extend([
            (None, &[("/enterprises", "nav.my_enterprise")][..]),
            (None, &[("/training", "nav.training")][..]),
            (None, &[("/financing", "nav.financing")][..]),
        ]),
    }
    groups
}

/// Whether a link is the page at `path` (or a page under it). A link inside a menu
/// is not active for a deeper link of the same menu (`/index` vs `/index/import`).
fn is_active(href: &str, path: &str, siblings: Links) -> bool {
    if href == "/" {
        return path == "/";
    }
    let under = |h: &str| {
        path == h || path.starts_with(&format!("{h}/")) || path.starts_with(&format!("{h}."))
    };
    under(href)
        && !siblings
            .iter()
            .any(|(other, _)| other.len() > href.len() && other.starts_with(href) && under(other))
}

impl PageCtx {
    /// Builds the context from what the session middleware put in the request.
    pub fn from_request(req: &HttpRequest) -> PageCtx {
        let ext = req.extensions();
        let signed = ext.get::<SignedIn>();
        let user = signed.map(|s| s.user.clone());
        let csrf = signed
            .map(|s| s.csrf_token.clone())
            .or_else(|| ext.get::<AnonCsrf>().map(|a| a.0.clone()))
            .unwrap_or_default();
        let locale = req
            .cookie(LANG_COOKIE)
            .map(|c| Locale::from_tag(c.value()))
            .unwrap_or_default();
        let path = req.path();
        let nav = user
            .as_ref()
            .filter(|u| !u.must_change_password)
            .map(|u| {
                nav_for(u.role)
                    .into_iter()
                    .map(|(label_key, links)| NavGroup {
                        label_key,
                        items: links
                            .iter()
                            .map(|&(href, label_key)| NavItem {
                                href,
                                label_key,
                                active: is_active(href, path, links),
                            })
                            .collect(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        PageCtx {
            locale,
            user,
            csrf,
            flash: ext.get::<Flash>().cloned(),
            here: req
                .uri()
                .path_and_query()
                .map_or("/", |pq| pq.as_str())
                .to_string(),
            nav,
        }
    }

    /// The text for a locale key in the page's language.
    pub fn t(&self, key: &str) -> String {
        rust_i18n::t!(key, locale = self.locale.tag()).into_owned()
    }

    /// The text for a key with its `%{arg}` placeholder filled.
    pub fn t1(&self, key: &str, arg: &str) -> String {
        self.t(key).replace("%{arg}", arg)
    }

    /// The text of the flash message, if any.
    pub fn flash_text(&self) -> String {
        match &self.flash {
            Some(f) => self.t1(&f.key, f.arg.as_deref().unwrap_or("")),
            None => String::new(),
        }
    }

    /// A role's display name.
    pub fn role_name(&self, role: &Role) -> String {
        self.t(&format!("role.{}", role.as_str()))
    }

    /// The label of a stored enum value: `label("tier", "custody")` -> 托管.
    pub fn label(&self, prefix: &str, value: &str) -> String {
        self.t(&format!("{prefix}.{value}"))
    }

    /// Like [`Self::label`] for an optional value; a dash when absent.
    pub fn opt_label(&self, prefix: &str, value: &Option<String>) -> String {
        value
            .as_deref()
            .map_or_else(|| "—".to_string(), |v| self.label(prefix, v))
    }

    /// An amount in 万元, or a dash when missing.
    pub fn money(&self, yuan: &Option<i64>) -> String {
        yuan.map_or_else(|| "—".to_string(), crate::domain::money::format_wan)
    }

    /// A percentage with one decimal, or a dash when missing.
    pub fn percent(&self, v: &Option<f64>) -> String {
        v.map_or_else(|| "—".to_string(), |x| format!("{x:.1}%"))
    }

    /// A whole number, or a dash when missing.
    pub fn count(&self, v: &Option<i32>) -> String {
        v.map_or_else(|| "—".to_string(), |x| x.to_string())
    }

    /// A date, or a dash when missing.
    pub fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map_or_else(|| "—".to_string(), |d| d.to_string())
    }

    /// A GB/T 4754 division with its name, e.g. `C34 通用设备制造业`.
    pub fn industry(&self, division: &Option<String>) -> String {
        division
            .as_deref()
            .and_then(|d| crate::domain::industry::division_label(d, self.locale))
            .unwrap_or_else(|| "—".to_string())
    }

    /// A timestamp as shown in tables (UTC+8, China Standard Time).
    pub fn datetime(&self, at: &chrono::NaiveDateTime) -> String {
        (*at + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }
}

impl FromRequest for PageCtx {
    type Error = AppError;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(PageCtx::from_request(req)))
    }
}

/// Renders a template into a response with the given status.
pub fn render<T: Template>(
    status: actix_web::http::StatusCode,
    page: &T,
) -> Result<HttpResponse, AppError> {
    let html = page
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// Renders a template with status 200.
pub fn page<T: Template>(page: &T) -> Result<HttpResponse, AppError> {
    render(actix_web::http::StatusCode::OK, page)
}

/// A 303 redirect that carries a flash message to the next page.
pub fn redirect_with_flash(state: &web::Data<AppState>, to: &str, flash: Flash) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .cookie(flash.cookie(&state.settings.cookie_key, state.settings.https))
        .finish()
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub ctx: PageCtx,
    pub status: u16,
    pub title_key: &'static str,
}

/// Replaces the body of an error response (one raised as an error, not a page a
/// handler rendered on purpose) with the error page in the user's language. Never
/// shows internals.
pub fn error_page<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let has_page = res.response().error().is_none()
        && res.response().headers().get(header::CONTENT_TYPE).is_some();
    if has_page {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    // A refused form token says what to do about it, not just "forbidden".
    let csrf = res
        .response()
        .error()
        .and_then(|e| e.as_error::<crate::error::AppError>())
        .is_some_and(|e| matches!(e, crate::error::AppError::Csrf(_)));
    let title_key = match status.as_u16() {
        403 if csrf => "error.csrf",
        403 => "error.forbidden",
        404 => "error.not_found",
        405 => "error.method",
        413 => "error.too_large",
        400..=499 => "error.bad_request",
        _ => "error.internal",
    };
    let ctx = PageCtx::from_request(res.request());
    let html = ErrorPage {
        ctx,
        status: status.as_u16(),
        title_key,
    }
    .render()
    .unwrap_or_else(|_| format!("<!doctype html><title>{status}</title><h1>{status}</h1>"));
    let (req, mut resp) = res.into_parts();
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    let resp = resp.set_body(BoxBody::new(html));
    let res: ServiceResponse<EitherBody<B, BoxBody>> =
        ServiceResponse::new(req, resp).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

/// Messages to show beside form fields: (field, locale key, argument).
#[derive(Debug, Default, Clone)]
pub struct FieldErrors(Vec<(&'static str, &'static str, String)>);

impl FieldErrors {
    /// Adds a message for `field`.
    pub fn add(&mut self, field: &'static str, key: &'static str) {
        self.0.push((field, key, String::new()));
    }

    /// Adds a message whose `%{arg}` is filled with `arg`.
    pub fn add_with(&mut self, field: &'static str, key: &'static str, arg: impl Into<String>) {
        self.0.push((field, key, arg.into()));
    }

    /// Whether all fields passed.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The message for `field` in the page's language ("" when the field passed).
    pub fn text(&self, ctx: &PageCtx, field: &str) -> String {
        self.0
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, key, arg)| ctx.t1(key, arg))
            .unwrap_or_default()
    }

    /// Every message in the page's language, in the order added (for a summary).
    pub fn all(&self, ctx: &PageCtx) -> Vec<String> {
        self.0
            .iter()
            .map(|(_, key, arg)| ctx.t1(key, arg))
            .collect()
    }

    /// Whether `field` has a message.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|(f, _, _)| *f == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_is_active_on_its_page_and_below_but_not_for_a_deeper_sibling() {
        let index: Links = &[("/index", "a"), ("/index/import", "b")];
        assert!(is_active("/index", "/index", index));
        assert!(is_active("/index", "/index/scores.csv", index));
        assert!(!is_active("/index", "/index/import", index));
        assert!(is_active("/index/import", "/index/import", index));
        assert!(!is_active("/index", "/indexes", index));
        assert!(is_active("/", "/", index));
        assert!(!is_active("/", "/index", index));
        assert!(is_active("/enterprises", "/enterprises/12/index", &[]));
    }

    #[test]
    fn every_role_has_a_home_and_no_link_twice() {
        for role in Role::ALL {
            let groups = nav_for(role);
            assert_eq!(groups[0].1, &[("/", "nav.home")][..]);
            let mut hrefs: Vec<&str> = groups
                .iter()
                .flat_map(|(_, links)| links.iter().map(|l| l.0))
                .collect();
            let n = hrefs.len();
            hrefs.sort_unstable();
            hrefs.dedup();
            assert_eq!(hrefs.len(), n, "{role:?}");
            // A menu has more than one link; a single link stands alone.
            for (label, links) in &groups {
                assert_eq!(label.is_some(), links.len() > 1, "{role:?} {links:?}");
            }
        }
    }
}
