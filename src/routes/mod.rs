//! HTTP handlers, grouped by area. Handlers are thin: extract, authorise, call a
//! model or domain function, render or redirect.

pub mod admin;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod cultivation;
pub mod enterprises;
pub mod experts;
pub mod financing;
pub mod health;
pub mod home;
pub mod index;
pub mod index_admin;
pub mod index_data;
pub mod metrics;
pub mod notifications;
pub mod partner_financing;
pub mod partners;
pub mod reports;
pub mod training;
pub mod transfer;

use actix_web::middleware::from_fn;
use actix_web::web;

use crate::auth::guard::{ADMIN, AUDIT_READERS, gate};
use crate::error::AppError;

/// The route table, grouped by who may use it.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(health::healthz))
        .route("/metrics", web::get().to(metrics::metrics))
        .route("/static/{file:.*}", web::get().to(assets::serve))
        // Anyone: signing in and out, language.
        .route("/login", web::get().to(auth::login_form))
        .route("/login", web::post().to(auth::login))
        .route("/logout", web::post().to(auth::logout))
        .route("/lang", web::post().to(auth::set_language))
        // Any signed-in account.
        .route("/", web::get().to(home::home))
        .route("/password", web::get().to(auth::password_form))
        .route("/password", web::post().to(auth::change_password))
        .route("/inbox", web::get().to(notifications::inbox))
        .route(
            "/inbox/read-all",
            web::post().to(notifications::mark_all_read),
        )
        .route("/inbox/{id}/open", web::post().to(notifications::open))
        .route("/inbox/{id}/read", web::post().to(notifications::mark_read))
        // The registry (each handler checks the role and the data scope itself).
        .route("/enterprises", web::get().to(enterprises::list::list))
        .route("/enterprises.csv", web::get().to(transfer::export_csv))
        .route("/enterprises.xlsx", web::get().to(transfer::export_xlsx))
        .route("/import", web::get().to(transfer::form))
        .route("/import", web::post().to(transfer::upload))
        .route("/enterprises", web::post().to(enterprises::record::create))
        .route(
            "/enterprises/new",
            web::get().to(enterprises::record::new_form),
        )
        .route(
            "/enterprises/{id}",
            web::get().to(enterprises::record::show),
        )
        .route(
            "/enterprises/{id}",
            web::post().to(enterprises::record::update),
        )
        .route(
            "/enterprises/{id}/edit",
            web::get().to(enterprises::record::edit_form),
        )
        .route(
            "/enterprises/{id}/archive",
            web::post().to(enterprises::record::archive),
        )
        .route(
            "/enterprises/{id}/restore",
            web::post().to(enterprises::record::restore),
        )
        .route(
            "/enterprises/{id}/board-moves",
            web::post().to(enterprises::board::create),
        )
        .route(
            "/enterprises/{id}/qualifications",
            web::post().to(enterprises::titles::grant),
        )
        .route(
            "/enterprises/{id}/index",
            web::get().to(index::enterprise_page),
        )
        .route("/index", web::get().to(index::overview))
        .route("/index/scores.csv", web::get().to(index::export_csv))
        .route("/index/scores.xlsx", web::get().to(index::export_xlsx))
        .route(
            "/enterprises/{id}/rubric",
            web::get().to(enterprises::rubric::view),
        )
        .route(
            "/enterprises/{id}/annual",
            web::get().to(enterprises::annual::form),
        )
        .route(
            "/enterprises/{id}/annual",
            web::post().to(enterprises::annual::save),
        )
        .route(
            "/qualifications/expiring",
            web::get().to(enterprises::titles::expiring),
        )
        .route(
            "/qualifications/{id}/re-review",
            web::post().to(enterprises::titles::re_review),
        )
        .route(
            "/qualifications/{id}/revocation",
            web::post().to(enterprises::titles::revoke),
        )
        .route("/submissions", web::get().to(enterprises::annual::queue))
        .route(
            "/submissions/{id}/approval",
            web::post().to(enterprises::annual::approve),
        )
        .route(
            "/submissions/{id}/return",
            web::post().to(enterprises::annual::return_it),
        )
        // IPO cultivation (each handler checks the role and the data scope itself).
        .route(
            "/enterprises/{id}/cultivation",
            web::get().to(cultivation::enterprise::show),
        )
        .route(
            "/enterprises/{id}/cultivation/discover",
            web::post().to(cultivation::enterprise::discover),
        )
        .route(
            "/enterprises/{id}/cultivation/ticks",
            web::post().to(cultivation::enterprise::tick),
        )
        .route(
            "/enterprises/{id}/cultivation/proposals",
            web::post().to(cultivation::enterprise::propose),
        )
        .route(
            "/enterprises/{id}/cultivation/plan",
            web::post().to(cultivation::enterprise::save_plan),
        )
        .route(
            "/enterprises/{id}/cultivation/intermediaries",
            web::post().to(cultivation::enterprise::set_intermediary),
        )
        .route(
            "/enterprises/{id}/cultivation/tasks",
            web::post().to(cultivation::enterprise::add_task),
        )
        .route(
            "/enterprises/{id}/queue",
            web::post().to(cultivation::enterprise::move_in_queue),
        )
        .route("/proposals", web::get().to(cultivation::proposals::inbox))
        .route(
            "/proposals/{id}",
            web::get().to(cultivation::proposals::show),
        )
        .route(
            "/proposals/{id}/decision",
            web::post().to(cultivation::proposals::decide),
        )
        .route("/pipeline", web::get().to(cultivation::pipeline::show))
        .route("/reports/quarterly", web::get().to(reports::quarterly))
        .route(
            "/reports/quarterly.xlsx",
            web::get().to(reports::quarterly_xlsx),
        )
        .route(
            "/pipeline.csv",
            web::get().to(cultivation::pipeline::export_csv),
        )
        .route(
            "/pipeline.xlsx",
            web::get().to(cultivation::pipeline::export_xlsx),
        )
        .route(
            "/pipeline/queue",
            web::get().to(cultivation::pipeline::queue),
        )
        .route(
            "/pipeline/targets",
            web::get().to(cultivation::pipeline::targets_form),
        )
        .route(
            "/pipeline/targets",
            web::post().to(cultivation::pipeline::save_targets),
        )
        .route("/tasks", web::get().to(cultivation::tasks::list))
        .route(
            "/tasks/{id}/done",
            web::post().to(cultivation::tasks::set_done),
        )
        // The development index: data entry, import, expert scoring (each handler
        // checks the role and the data scope itself).
        .route(
            "/enterprises/{id}/index/data",
            web::get().to(index_data::form),
        )
        .route(
            "/enterprises/{id}/index/data",
            web::post().to(index_data::save),
        )
        .route("/index/import", web::get().to(index_data::import_form))
        .route("/index/import", web::post().to(index_data::import_upload))
        .route(
            "/index/import/template.csv",
            web::get().to(index_data::import_template),
        )
        .route("/index/experts", web::get().to(experts::assignments))
        .route("/index/experts", web::post().to(experts::assign))
        .route("/index/experts/review", web::get().to(experts::review))
        .route(
            "/index/experts/{id}/remove",
            web::post().to(experts::remove),
        )
        .route("/index/expert", web::get().to(experts::mine))
        .route(
            "/index/expert/{enterprise_id}/{period}",
            web::get().to(experts::score_form),
        )
        .route(
            "/index/expert/{enterprise_id}/{period}",
            web::post().to(experts::score_save),
        )
        // The partner register (each handler checks the role itself).
        .route("/financing", web::get().to(financing::index))
        .route("/financing/needs", web::post().to(financing::create_need))
        .route("/financing/needs/new", web::get().to(financing::new_need))
        .route("/financing/needs/{id}", web::get().to(financing::show_need))
        .route(
            "/financing/needs/{id}/close",
            web::post().to(financing::close_need),
        )
        .route(
            "/financing/needs/{id}/referrals",
            web::post().to(financing::refer),
        )
        .route(
            "/financing/referrals/{id}",
            web::post().to(financing::move_referral),
        )
        .route(
            "/financing/service-center",
            web::get().to(financing::service_center),
        )
        .route("/partners", web::get().to(partners::list))
        .route("/partners", web::post().to(partners::create))
        .route("/partners/new", web::get().to(partners::new_form))
        .route("/partners/{id}", web::get().to(partners::show))
        .route("/partners/{id}", web::post().to(partners::update))
        .route(
            "/partners/{id}/agreements",
            web::post().to(partner_financing::create_agreement),
        )
        .route(
            "/partners/{id}/agreements/{aid}",
            web::post().to(partner_financing::update_agreement),
        )
        .route(
            "/partners/{id}/agreements/{aid}/terminate",
            web::post().to(partner_financing::terminate_agreement),
        )
        .route(
            "/partners/{id}/plans",
            web::post().to(partner_financing::create_plan),
        )
        .route(
            "/partners/{id}/plans/{plan}",
            web::post().to(partner_financing::update_plan),
        )
        .route(
            "/partners/{id}/active",
            web::post().to(partners::set_active),
        )
        // Training and events (each handler checks the role and scope itself).
        .route("/training", web::get().to(training::list))
        .route("/training", web::post().to(training::create))
        .route("/training/new", web::get().to(training::new_form))
        .route("/training/{id}", web::get().to(training::show))
        .route("/training/{id}/edit", web::get().to(training::edit_form))
        .route("/training/{id}/edit", web::post().to(training::update))
        .route(
            "/training/{id}/invite",
            web::post().to(training::invite_all),
        )
        .route(
            "/training/{id}/invite-one",
            web::post().to(training::invite_one),
        )
        .route(
            "/training/{id}/register",
            web::post().to(training::register),
        )
        .route("/training/{id}/cancel", web::post().to(training::cancel))
        .route(
            "/training/{id}/attendance",
            web::post().to(training::attendance),
        )
        // The index model and weights (admins change, officials read; each
        // handler checks the role itself). Before the /admin scope, which is
        // admins only.
        .route("/admin/index", web::get().to(index_admin::overview))
        .route(
            "/admin/index/recompute",
            web::post().to(index_admin::recompute),
        )
        .route(
            "/admin/index/models/{id}",
            web::get().to(index_admin::show_model),
        )
        .route(
            "/admin/index/models/{id}/activate",
            web::post().to(index_admin::activate),
        )
        .route(
            "/admin/index/models/{id}/json",
            web::get().to(index_admin::json_form),
        )
        .route(
            "/admin/index/models/{id}/json",
            web::post().to(index_admin::save_json),
        )
        .route(
            "/admin/index/indicators/new",
            web::get().to(index_admin::new_indicator),
        )
        .route(
            "/admin/index/indicators/new",
            web::post().to(index_admin::create_indicator),
        )
        .route(
            "/admin/index/weights",
            web::get().to(index_admin::weights_form),
        )
        .route(
            "/admin/index/weights",
            web::post().to(index_admin::weights_post),
        )
        // Administrators.
        .service(
            web::scope("/admin")
                .wrap(from_fn(|req, next| gate(ADMIN, req, next)))
                .route("/users", web::get().to(admin::users::list))
                .route("/users", web::post().to(admin::users::create))
                .route("/users/new", web::get().to(admin::users::new_form))
                .route("/users/{id}", web::get().to(admin::users::edit_form))
                .route("/users/{id}", web::post().to(admin::users::update))
                .route("/users/{id}/disable", web::post().to(admin::users::disable))
                .route("/users/{id}/enable", web::post().to(admin::users::enable))
                .route(
                    "/users/{id}/password",
                    web::post().to(admin::users::reset_password),
                )
                .route(
                    "/users/{id}/sessions/end",
                    web::post().to(admin::users::end_sessions),
                )
                .route("/reference", web::get().to(admin::reference::show))
                .route("/districts", web::post().to(admin::reference::add_district))
                .route(
                    "/board-conditions",
                    web::post().to(admin::reference::add_condition),
                )
                .route(
                    "/board-conditions/{id}/active",
                    web::post().to(admin::reference::set_condition_active),
                )
                .route("/rubrics", web::post().to(admin::reference::add_rubric))
                .route("/gates", web::get().to(admin::gates::show))
                .route("/gates", web::post().to(admin::gates::add))
                .route("/gates/{id}", web::post().to(admin::gates::update))
                .route("/sessions", web::get().to(admin::sessions::online))
                .route("/sessions/{id}/end", web::post().to(admin::sessions::end)),
        )
        // Administrators and officials.
        .service(
            web::scope("/audit")
                .wrap(from_fn(|req, next| gate(AUDIT_READERS, req, next)))
                .route("", web::get().to(audit::list)),
        );
}

/// Unknown paths.
pub async fn not_found() -> Result<actix_web::HttpResponse, AppError> {
    Err(AppError::NotFound)
}

/// A local path to go to after a form, or `/` for anything that could leave the site
/// or could not be a `Location` header (a control character such as a line break
/// made the redirect fail with a 500: found by wapiti's crlf module via `back`).
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n.contains('\\')
                && !n.contains("://")
                && !n.chars().any(char::is_control) =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_site() {
        assert_eq!(safe_next(Some("/admin/users?q=1")), "/admin/users?q=1");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/tasks\nenv;")), "/");
        assert_eq!(safe_next(Some("/tasks\r\nSet-Cookie: a=b")), "/");
        assert_eq!(
            safe_next(Some("/enterprises?q=海纳")),
            "/enterprises?q=海纳"
        );
        assert_eq!(safe_next(None), "/");
    }
}
