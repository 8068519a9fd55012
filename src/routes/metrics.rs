//! `GET /metrics`: Prometheus text format. Requests and their latencies per route
//! pattern, method and status (recorded by `actix-web-prom` around every request),
//! and the database pool's connections. Readable by admins, or from this machine
//! when the request did not come through a proxy (a scraper on the host).

use actix_web::http::header::{self, HeaderMap};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use actix_web_prom::{PrometheusMetrics, PrometheusMetricsBuilder};
use prometheus::{Encoder, IntGauge, Registry, TextEncoder};

use crate::auth::session::SignedIn;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::startup::AppState;

/// The request metrics middleware and the registry `/metrics` reads.
#[derive(Clone)]
pub struct Metrics {
    pub middleware: PrometheusMetrics,
    pool_open: IntGauge,
    pool_idle: IntGauge,
    pool_max: IntGauge,
}

impl Metrics {
    /// A fresh registry (one per app state) with the HTTP and pool metrics.
    pub fn new() -> Metrics {
        let registry = Registry::new();
        let middleware = PrometheusMetricsBuilder::new("srdi")
            .registry(registry.clone())
            // The scrape itself is not a request worth counting.
            .exclude("/metrics")
            // Unmatched paths (404s, probes) share one label value instead of one
            // each, so nobody can grow the label set by asking for random paths.
            .mask_unmatched_patterns("UNMATCHED")
            .buckets(&[
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
            ])
            .build()
            .expect("valid request metrics");
        let gauge = |name: &str, help: &str| {
            let g = IntGauge::new(name, help).expect("valid gauge");
            registry
                .register(Box::new(g.clone()))
                .expect("registered once");
            g
        };
        Metrics {
            pool_open: gauge(
                "srdi_db_pool_connections",
                "Database connections open in this server's pool.",
            ),
            pool_idle: gauge(
                "srdi_db_pool_idle_connections",
                "Open database connections not in use.",
            ),
            pool_max: gauge(
                "srdi_db_pool_max_connections",
                "The most connections this server's pool opens.",
            ),
            middleware,
        }
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// Whether the request came straight from this machine: a loopback peer and no
/// proxy header (a reverse proxy on the host is loopback too, but says whom it
/// forwards for).
pub fn from_this_machine(peer: Option<std::net::IpAddr>, headers: &HeaderMap) -> bool {
    let proxied = headers.contains_key(header::FORWARDED)
        || headers.contains_key("x-forwarded-for")
        || headers.contains_key("x-real-ip");
    peer.is_some_and(|ip| ip.is_loopback()) && !proxied
}

/// `GET /metrics`
pub async fn metrics(
    req: HttpRequest,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let admin = req
        .extensions()
        .get::<SignedIn>()
        .is_some_and(|s| s.user.role == Role::Admin);
    let local = from_this_machine(req.peer_addr().map(|a| a.ip()), req.headers());
    if !admin && !local {
        return Err(AppError::Forbidden);
    }
    let m = &state.metrics;
    let (open, idle, max) = state.db.pool_state();
    m.pool_open.set(open.into());
    m.pool_idle.set(idle.into());
    m.pool_max.set(max.into());
    let mut body = Vec::new();
    TextEncoder::new()
        .encode(&m.middleware.registry.gather(), &mut body)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("metrics: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    #[test]
    fn only_a_direct_loopback_request_is_local() {
        let none = HeaderMap::new();
        let v4: std::net::IpAddr = "127.0.0.1".parse().unwrap();
        let v6: std::net::IpAddr = "::1".parse().unwrap();
        let lan: std::net::IpAddr = "10.0.0.8".parse().unwrap();
        assert!(from_this_machine(Some(v4), &none));
        assert!(from_this_machine(Some(v6), &none));
        assert!(!from_this_machine(Some(lan), &none));
        assert!(!from_this_machine(None, &none));
        for h in ["x-forwarded-for", "x-real-ip", "forwarded"] {
            let mut proxied = HeaderMap::new();
            proxied.insert(
                header::HeaderName::from_static(h),
                HeaderValue::from_static("203.0.113.9"),
            );
            assert!(!from_this_machine(Some(v4), &proxied), "{h}");
        }
    }
}
