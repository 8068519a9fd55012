//! `GET /metrics`: Prometheus text with requests per route pattern and status, their
//! latencies and the pool; admins anywhere, or a direct request from this machine.

use srdi_board::domain::role::Role;

use crate::helpers::TestApp;

/// As a reverse proxy on the same host would send it.
const PROXIED: (&str, &str) = ("X-Forwarded-For", "203.0.113.9");

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_and_report_the_pool() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021212345670", "青岛度量科技有限公司", "370212");
    app.user("admin", Role::Admin);
    let a = app.signed_in("admin").await;
    for _ in 0..3 {
        assert_eq!(
            a.get(app.url("/healthz")).send().await.unwrap().status(),
            200
        );
    }
    let page = format!("/enterprises/{}", e.id);
    assert_eq!(a.get(app.url(&page)).send().await.unwrap().status(), 200);
    let r = a.get(app.url("/no/such/page/7f3a")).send().await.unwrap();
    assert_eq!(r.status(), 404);

    let r = a.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = r.text().await.unwrap();
    let line = |needle: &[&str]| {
        text.lines()
            .find(|l| needle.iter().all(|n| l.contains(n)))
            .unwrap_or_else(|| panic!("{needle:?} in\n{text}"))
            .to_string()
    };
    let healthz = line(&[
        "srdi_http_requests_total{",
        "endpoint=\"/healthz\"",
        "status=\"200\"",
    ]);
    assert!(healthz.ends_with(" 3"), "{healthz}");
    // Ids stay out of the labels: the pattern is recorded, not the path.
    line(&[
        "srdi_http_requests_total{",
        "endpoint=\"/enterprises/{id}\"",
    ]);
    assert!(!text.contains(&page));
    // Unknown paths share one label value.
    line(&[
        "srdi_http_requests_total{",
        "endpoint=\"UNMATCHED\"",
        "status=\"404\"",
    ]);
    assert!(!text.contains("7f3a"));
    // Latencies as a histogram, and the pool.
    line(&[
        "srdi_http_requests_duration_seconds_bucket{",
        "endpoint=\"/healthz\"",
        "le=\"0.005\"",
    ]);
    line(&["srdi_db_pool_max_connections 8"]);
    line(&["srdi_db_pool_connections "]);
    line(&["srdi_db_pool_idle_connections "]);
    // The scrape does not count itself.
    assert!(!text.contains("endpoint=\"/metrics\""));
}

#[tokio::test]
async fn only_admins_or_a_direct_local_scraper_read_metrics() {
    let app = TestApp::spawn().await;
    app.user("admin", Role::Admin);
    app.user("staff", Role::Staff);
    // A scraper on this machine, not through the proxy: allowed without an account.
    let anon = app.client();
    let r = anon.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    // Through the proxy (which is on this machine too): only admins.
    let r = anon
        .get(app.url("/metrics"))
        .header(PROXIED.0, PROXIED.1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let s = app.signed_in("staff").await;
    let r = s
        .get(app.url("/metrics"))
        .header(PROXIED.0, PROXIED.1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let a = app.signed_in("admin").await;
    let r = a
        .get(app.url("/metrics"))
        .header(PROXIED.0, PROXIED.1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(r.text().await.unwrap().contains("srdi_http_requests_total"));
}
