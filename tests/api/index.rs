//! The development index through HTTP: scores kept current after data changes
//! (only the changed enterprise, against the period's fixed reference), the
//! enterprise panel and page, the overview, exports, and who sees what.

use diesel::prelude::*;
use srdi_board::domain::index::ValueSource;
use srdi_board::domain::index::model::Source;
use srdi_board::domain::index::period::Period;
use srdi_board::domain::role::Role;
use srdi_board::models::audit::Actor;
use srdi_board::models::index;
use srdi_board::schema::index_scores;

use crate::helpers::TestApp;

fn p(s: &str) -> Period {
    s.parse().unwrap()
}

/// Three enterprises (two in Laoshan, one in Shinan) with annual figures for
/// 2024-2025 and every entered/expert value set, better for `quality` higher;
/// both periods fully computed. Returns their ids.
pub fn scored(app: &TestApp) -> [i32; 3] {
    let a = app
        .enterprise("9137021200000001", "青岛甲科技有限公司", "370212")
        .id;
    let b = app
        .enterprise("9137021200000002", "青岛乙科技有限公司", "370212")
        .id;
    let c = app
        .enterprise("9137020200000003", "青岛丙科技有限公司", "370202")
        .id;
    for (id, quality) in [(a, 3.0), (b, 2.0), (c, 1.0)] {
        for year in [2023, 2024, 2025] {
            let growth = 1.0 + 0.1 * (year - 2023) as f64 * quality;
            app.sql(&format!(
                "INSERT INTO annual_data (enterprise_id, year, revenue, main_business_revenue, net_profit, \
                 total_assets, total_liabilities, rd_expense, employees, rd_staff, ip_class1, updated_at, version) \
                 VALUES ({id}, {year}, {rev}, {main}, {np}, {ta}, {tl}, {rd}, {emp}, {rds}, {ip}, '2026-01-01 00:00:00', 1)",
                rev = (50_000_000.0 * quality * growth) as i64,
                main = (45_000_000.0 * quality * growth) as i64,
                np = (4_000_000.0 * quality * growth) as i64,
                ta = 80_000_000,
                tl = (50_000_000.0 / quality) as i64,
                rd = (2_000_000.0 * quality * quality * growth) as i64,
                emp = 100 + 50 * quality as i64,
                rds = (20.0 * quality) as i64,
                ip = (5.0 * quality) as i64,
            ));
        }
    }
    app.with_db(|c| {
        let model = index::active(c)?;
        let scorer = model.scorer()?;
        for period in [p("2024"), p("2025")] {
            for (id, quality) in [(a, 3.0), (b, 2.0), (c_id(c, "青岛丙科技有限公司")?, 1.0)]
            {
                for ind in scorer.indicators() {
                    let v = match ind.source {
                        Source::Derived(_) => continue,
                        _ if ind.unit == "%" || ind.unit == "分" => 20.0 * quality + 10.0,
                        _ => quality * 2.0,
                    };
                    index::set_value(c, id, period, &ind.key, Some(v), ValueSource::Entered, None)?;
                }
            }
            // A moved a year ago: its trademarks were the fewest in 2024.
            if period == p("2024") {
                index::set_value(
                    c,
                    a,
                    period,
                    "dis_trademarks",
                    Some(0.0),
                    ValueSource::Entered,
                    None,
                )?;
            }
        }
        Ok(())
    });
    let mut conn = app.db.conn().unwrap();
    for period in [p("2024"), p("2025")] {
        index::recompute_period(&mut conn, &Actor::cli(), period, &mut |_, _, _| {}).unwrap();
    }
    [a, b, c]
}

fn c_id(
    c: &mut srdi_board::db::DbConnection,
    name: &str,
) -> Result<i32, srdi_board::error::AppError> {
    use srdi_board::schema::enterprises as e;
    Ok(e::table.filter(e::name.eq(name)).select(e::id).first(c)?)
}

fn total(app: &TestApp, id: i32, period: &str) -> Option<f64> {
    let period = period.to_string();
    app.with_db(move |c| {
        Ok(index_scores::table
            .filter(index_scores::enterprise_id.eq(id))
            .filter(index_scores::period.eq(period))
            .select(index_scores::total)
            .first::<Option<f64>>(c)?)
    })
}

async fn get(client: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn a_full_computation_scores_everyone_and_a_change_rescores_only_its_enterprise() {
    let app = TestApp::spawn().await;
    let [a, b, c] = scored(&app);
    let (ta, tb, tc) = (
        total(&app, a, "2025").unwrap(),
        total(&app, b, "2025").unwrap(),
        total(&app, c, "2025").unwrap(),
    );
    assert!(ta > tb && tb > tc, "{ta} {tb} {tc}");
    assert!((0.0..=100.0).contains(&ta) && (0.0..=100.0).contains(&tc));
    assert_eq!(app.audit_count("index.recompute"), 2);
    let reference_before =
        app.with_db(|conn| Ok(index::period(conn, p("2025"))?.unwrap().reference));
    let c_2024 = total(&app, c, "2024");

    // Enterprise C's entered values improve: C alone is re-scored, against the
    // period's fixed reference (values above its maximum are clamped).
    app.with_db(|conn| {
        let scorer = index::active(conn)?.scorer()?;
        for ind in scorer.indicators().filter(|i| i.source == Source::Entered) {
            index::set_value(
                conn,
                c,
                p("2025"),
                &ind.key,
                Some(1_000.0),
                ValueSource::Entered,
                None,
            )?;
        }
        index::rescore(conn, c, p("2025"))?;
        Ok(())
    });
    let tc2 = total(&app, c, "2025").unwrap();
    assert!(tc2 > tc, "{tc2} <= {tc}");
    assert!(tc2 <= 100.0);
    assert_eq!(total(&app, a, "2025").unwrap(), ta);
    assert_eq!(total(&app, b, "2025").unwrap(), tb);
    // Only the period that changed: C's 2024 score stays as it was.
    assert_eq!(total(&app, c, "2024"), c_2024);
    let reference_after =
        app.with_db(|conn| Ok(index::period(conn, p("2025"))?.unwrap().reference));
    assert_eq!(reference_before, reference_after);

    // A missing value stays missing in the stored detail, never 0.
    app.with_db(|conn| {
        index::set_value(
            conn,
            a,
            p("2025"),
            "inn_standards",
            None,
            ValueSource::Entered,
            None,
        )?;
        index::rescore(conn, a, p("2025"))?;
        let row = index::scores_of(conn, a)?.pop().unwrap();
        let scorer = index::model(conn, row.model_id)?.unwrap().scorer()?;
        let i = scorer.position("inn_standards").unwrap();
        assert_eq!(row.detail().raw[i], None);
        assert_eq!(row.detail().points[i], None);
        Ok(())
    });
}

#[tokio::test]
async fn annual_data_saved_through_the_page_updates_the_score() {
    let app = TestApp::spawn().await;
    let [a, _, _] = scored(&app);
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let before = total(&app, a, "2025").unwrap();
    let version: i32 = app.with_db(|c| {
        use srdi_board::schema::annual_data as ad;
        Ok(ad::table
            .filter(ad::enterprise_id.eq(a))
            .filter(ad::year.eq(2025))
            .select(ad::version)
            .first(c)?)
    });
    // Debt far higher and profit gone: the index must fall.
    let r = app
        .post_form(
            &s,
            &format!("/enterprises/{a}/annual"),
            &[
                ("year", "2025"),
                ("version", &version.to_string()),
                ("revenue", "3000"),
                ("main_business_revenue", "1000"),
                ("net_profit", "-900"),
                ("total_assets", "8000"),
                ("total_liabilities", "7900"),
                ("rd_expense", "10"),
                ("employees", "150"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303, "{}", r.text().await.unwrap());
    let after = total(&app, a, "2025").unwrap();
    assert!(after < before, "{after} >= {before}");
}

#[tokio::test]
async fn the_enterprise_page_shows_the_panel_radar_trend_and_standings() {
    let app = TestApp::spawn().await;
    let [a, b, c] = scored(&app);
    app.user("reader", Role::Official);
    let o = app.signed_in("reader").await;
    let (status, html) = get(&o, &app, &format!("/enterprises/{a}/index")).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"index-radar\""));
    let radar = html.split("id=\"index-radar\">").nth(1).unwrap();
    assert!(radar.trim_start().starts_with("<svg"), "{}", &radar[..200]);
    assert!(radar.matches("<polygon").count() >= 2);
    assert!(html.contains("id=\"index-trend\""));
    // Best of three overall; rank shown to staff and officials.
    assert!(html.contains("1 / 3"), "no overall rank");
    // Movers between 2024 and 2025 are listed (growth figures changed between
    // the years): the movers table, with at least one signed change.
    let movers = html.split("变化最大的指标").nth(1).expect("movers heading");
    let movers = &movers[..movers.find("</table>").expect("a movers table")];
    assert!(
        movers.contains("得分变化") && movers.contains("badge"),
        "no movers listed"
    );
    // The period picker switches to 2024.
    let (status, html24) = get(&o, &app, &format!("/enterprises/{a}/index?period=2024")).await;
    assert_eq!(status, 200);
    assert!(html24.contains("<option value=\"2024\" selected"));
    // The record page carries the panel too.
    let (_, record) = get(&o, &app, &format!("/enterprises/{b}")).await;
    assert!(record.contains("id=\"index-panel\""));
    // An enterprise without scores says so.
    let d = app
        .enterprise("9137021200000009", "青岛丁科技有限公司", "370212")
        .id;
    let (status, html) = get(&o, &app, &format!("/enterprises/{d}/index")).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"index-none\""));
    let _ = c;
}

#[tokio::test]
async fn an_enterprise_account_sees_its_own_band_and_percentile_and_nobody_elses_values() {
    let app = TestApp::spawn().await;
    let [a, b, _] = scored(&app);
    app.user_with("company", Role::Enterprise, Some(b), &[], false);
    let co = app.signed_in("company").await;
    let (status, html) = get(&co, &app, &format!("/enterprises/{b}/index")).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"index-radar\""));
    // Its band and percentile; no ranks among named peers, no other names.
    assert!(html.contains("排名区间"));
    assert!(
        !html.contains(" / 3"),
        "ranks shown to an enterprise account"
    );
    assert!(!html.contains("青岛甲科技有限公司") && !html.contains("青岛丙科技有限公司"));
    // Another enterprise's index, overview and exports are out of reach.
    assert_eq!(
        get(&co, &app, &format!("/enterprises/{a}/index")).await.0,
        404
    );
    assert_eq!(get(&co, &app, "/index").await.0, 403);
    assert_eq!(get(&co, &app, "/index/scores.csv").await.0, 403);
    assert_eq!(get(&co, &app, "/index/scores.xlsx").await.0, 403);
    // Experts have no index pages.
    app.user("judge", Role::Expert);
    let ex = app.signed_in("judge").await;
    assert_eq!(get(&ex, &app, "/index").await.0, 403);
    assert_eq!(
        get(&ex, &app, &format!("/enterprises/{a}/index")).await.0,
        403
    );
    let (_, record) = get(&ex, &app, &format!("/enterprises/{a}")).await;
    assert!(!record.contains("id=\"index-panel\""));
}

#[tokio::test]
async fn the_overview_and_exports_follow_the_period_and_the_district_scope() {
    let app = TestApp::spawn().await;
    app.user("reader", Role::Official);
    let o = app.signed_in("reader").await;
    // Nothing computed yet: a clear empty page, and exports 404.
    let (status, html) = get(&o, &app, "/index").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"index-none\""));
    assert_eq!(get(&o, &app, "/index/scores.csv").await.0, 404);

    let [_, _, _] = scored(&app);
    let (status, html) = get(&o, &app, "/index").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"index-scored\">3<"), "count");
    assert!(html.contains("青岛甲科技有限公司") && html.contains("id=\"leaders\""));
    assert!(
        html.contains("<option value=\"2024\"") && html.contains("<option value=\"2025\" selected")
    );
    let (_, html24) = get(&o, &app, "/index?period=2024").await;
    assert!(html24.contains("<option value=\"2024\" selected"));

    let csv = o
        .get(app.url("/index/scores.csv?period=2025"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let body = csv.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.len(), 4, "{body}");
    assert!(
        lines[1].contains("913702120000000"),
        "best first: {}",
        lines[1]
    );
    let xlsx = o.get(app.url("/index/scores.xlsx")).send().await.unwrap();
    assert_eq!(xlsx.status(), 200);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"));

    // A Shinan-only official sees and exports Shinan alone.
    app.user_with("shinan", Role::Official, None, &["370202"], false);
    let sh = app.signed_in("shinan").await;
    let (_, html) = get(&sh, &app, "/index").await;
    assert!(html.contains("id=\"index-scored\">1<"));
    assert!(!html.contains("青岛甲科技有限公司"));
    let body = sh
        .get(app.url("/index/scores.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(body.lines().count(), 2, "{body}");
    assert!(body.contains("青岛丙科技有限公司"));
    // The district filter narrows what an all-district reader sees.
    let (_, html) = get(&o, &app, "/index?district=370212").await;
    assert!(html.contains("id=\"index-scored\">2<"));
}

#[tokio::test]
async fn the_cli_recomputes_every_period_with_data() {
    let app = TestApp::spawn().await;
    let _ = scored(&app);
    let before = app.audit_count("index.recompute");
    let url = app.url.clone();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_srdi-board"))
        .args(["--database-url", &url, "index", "recompute", "--quiet"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("2024: scored 3 of 3") && text.contains("2025: scored 3 of 3"),
        "{text}"
    );
    assert_eq!(app.audit_count("index.recompute"), before + 2);
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_srdi-board"))
        .args([
            "--database-url",
            &url,
            "index",
            "recompute",
            "--period",
            "2025Q7",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("2025Q3"));
}

#[tokio::test]
async fn dashboards_carry_the_index() {
    let app = TestApp::spawn().await;
    let [_, b, _] = scored(&app);
    app.user_with("company", Role::Enterprise, Some(b), &[], false);
    let co = app.signed_in("company").await;
    let (status, home) = get(&co, &app, "/").await;
    assert_eq!(status, 200);
    assert!(home.contains("id=\"dash-status\"") && home.contains("id=\"dash-own-index\""));
    assert!(home.contains("排名区间") && home.contains("<svg"));
    assert!(!home.contains("青岛甲科技有限公司"));
    app.user_with("shinan", Role::Official, None, &["370202"], false);
    let sh = app.signed_in("shinan").await;
    let (_, home) = get(&sh, &app, "/").await;
    let card = home.split("id=\"dash-index\"").nth(1).expect("index card");
    assert!(card.contains("参评企业 1"), "district-scoped count");
}

#[tokio::test]
async fn the_comparison_cache_follows_its_grouping_columns_and_nothing_else() {
    let app = TestApp::spawn().await;
    let [a, _, _] = scored(&app);
    let cache = index::Cache::default();
    let view = |app: &TestApp| {
        let mut conn = app.db.conn().unwrap();
        cache.view(&mut conn, p("2025")).unwrap()
    };
    let first = view(&app);
    // A board move and a cultivation step change nothing the view groups by: the
    // same view is served.
    app.sql(&format!(
        "UPDATE enterprises SET current_tier = 'custody', cultivation_stage = 'reserve' \
         WHERE id = {a}"
    ));
    assert!(
        std::sync::Arc::ptr_eq(&first, &view(&app)),
        "kept across a board move"
    );
    // A change of industry division alone regroups the peers.
    app.sql(&format!(
        "UPDATE enterprises SET industry_division = '39' WHERE id = {a}"
    ));
    let after = view(&app);
    assert!(
        !std::sync::Arc::ptr_eq(&first, &after),
        "rebuilt after a division change"
    );
    let entry = after.entries.iter().find(|e| e.id == a).unwrap();
    assert_eq!(entry.division.as_deref(), Some("39"));
    // And so does a level or district change.
    app.sql(&format!(
        "UPDATE enterprises SET district_code = '370202' WHERE id = {a}"
    ));
    let moved = view(&app);
    assert!(!std::sync::Arc::ptr_eq(&after, &moved));
    assert_eq!(
        moved.entries.iter().find(|e| e.id == a).unwrap().district,
        "370202"
    );
}
