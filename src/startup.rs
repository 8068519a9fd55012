//! Builds the HTTP server: state, middleware and the route table.

use std::net::TcpListener;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::{DefaultHeaders, ErrorHandlers, Next, from_fn};
use actix_web::{App, HttpServer, web};
use tracing_actix_web::TracingLogger;

use crate::auth::session;
use crate::config::Settings;
use crate::db::Db;
use crate::error::AppError;
use crate::routes;
use crate::views;

/// What every handler shares.
pub struct AppState {
    pub db: Db,
    pub settings: Settings,
    /// Verified against when a sign-in names no account (equal timing).
    pub dummy_hash: String,
    /// Whole-pipeline figures by view, kept while the data they read is unchanged.
    pub pipeline_cache: crate::models::pipeline::Cache<crate::models::pipeline::Aggregates>,
    /// Dashboard and quarterly-report counts as of a day, on the same generation.
    pub dashboard_cache: crate::models::pipeline::Cache<crate::models::dashboard::Composition>,
    /// Approved financing totals for the dashboard and the quarterly report.
    pub financing_cache: crate::models::financing::RollupsCache,
    /// Request and pool metrics for `/metrics`.
    pub metrics: crate::routes::metrics::Metrics,
    /// Active enterprises per data scope (the home page's first figure).
    pub active_counts: crate::models::pipeline::Cache<i64>,
    pub index_cache: crate::models::index::Cache,
}

impl AppState {
    /// Builds the state (computes the dummy hash once).
    pub fn new(db: Db, settings: Settings) -> AppState {
        AppState {
            db,
            settings,
            dummy_hash: crate::auth::password::dummy_hash(),
            pipeline_cache: Default::default(),
            dashboard_cache: Default::default(),
            financing_cache: Default::default(),
            active_counts: Default::default(),
            metrics: Default::default(),
            index_cache: Default::default(),
        }
    }
}

/// Applies pending migrations and stores built-in reference data that lives in
/// code (the MIIT rubric versions, the default index model). Returns the names of the migrations applied.
pub fn prepare_database(db: &Db) -> Result<Vec<String>, crate::error::AppError> {
    let mut conn = db.conn()?;
    // Servers starting together: one migrates and stores the built-ins, the others
    // wait and find both done.
    crate::db::with_startup_lock(&mut conn, |conn| {
        let applied = crate::db::run_migrations(conn)?;
        crate::db::write_transaction(conn, |c| {
            crate::models::rubric::ensure_builtins(c)?;
            crate::models::index::ensure_builtin(c)?;
            Ok::<_, crate::error::AppError>(())
        })?;
        Ok(applied)
    })
}

/// Content-Security-Policy: no inline script, no framing, same-origin everything.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

fn security_headers(https: bool) -> DefaultHeaders {
    let h = DefaultHeaders::new()
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"))
        .add((
            "Permissions-Policy",
            "camera=(), microphone=(), geolocation=()",
        ));
    if https {
        h.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        ))
    } else {
        h
    }
}

/// Refuses a query string carrying a NUL character (`%00`) before any handler sees
/// it: no filter takes one, and PostgreSQL cannot compare text containing NUL (the
/// query would fail with a 500).
async fn refuse_nul(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.query_string().contains("%00") {
        // A response rather than an error, so the error page is rendered around it.
        let refused = AppError::BadRequest("a NUL character in the query string".into());
        return Ok(req.error_response(refused).map_into_right_body());
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_left_body)
}

/// Starts serving on an already-bound listener (tests bind port 0).
pub fn run(listener: TcpListener, state: AppState) -> std::io::Result<Server> {
    let https = state.settings.https;
    let metrics = state.metrics.middleware.clone();
    let data = web::Data::new(state);
    // No response compression here: gzip costs about a quarter of the throughput of a
    // list page; the reverse proxy compresses (README, "Running behind nginx").
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            // Forms are small; anything larger is refused before it is read.
            .app_data(web::PayloadConfig::new(256 * 1024))
            .wrap(from_fn(refuse_nul))
            .wrap(from_fn(session::middleware))
            .wrap(ErrorHandlers::new().default_handler(views::error_page))
            .wrap(security_headers(https))
            .wrap(metrics.clone())
            .wrap(TracingLogger::default())
            .configure(routes::configure)
            .default_service(web::to(routes::not_found))
    })
    // Without TCP_NODELAY a response written in several chunks on a keep-alive
    // connection can wait ~40 ms for a delayed ACK (Nagle).
    .tcp_nodelay(true)
    .listen(listener)?
    .run();
    Ok(server)
}
