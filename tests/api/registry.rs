//! The enterprise registry through HTTP: records, conflicts, board moves, titles,
//! annual data and its review, rubrics, scope and the list.

use srdi_board::domain::role::Role;

use crate::helpers::{TestApp, location};

/// A valid credit code for `n` (distinct per n) in `district`.
pub fn code(n: u32, district: &str) -> String {
    let first16 = format!("91{district}{:08}", 10_000_000 + n);
    srdi_board::domain::credit_code::CreditCode::complete(&first16)
        .unwrap()
        .to_string()
}

pub fn record<'a>(code: &'a str, name: &'a str, district: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("credit_code", code),
        ("name", name),
        ("district_code", district),
        ("company_type", "llc"),
        ("founded_on", "2012-05-01"),
        ("industry_section", "C"),
        ("industry_division", "35"),
        ("niche_since", "2013"),
        ("product_field", "2"),
        ("meets_common_gate", "on"),
    ]
}

pub async fn create(app: &TestApp, client: &reqwest::Client, fields: &[(&str, &str)]) -> i32 {
    let r = app.post_form(client, "/enterprises", fields).await;
    assert_eq!(
        r.status(),
        303,
        "create refused: {}",
        r.text().await.unwrap_or_default()
    );
    location(&r).rsplit('/').next().unwrap().parse().unwrap()
}

pub async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

pub fn version_in(html: &str) -> String {
    let re = regex::Regex::new(r#"name="version" value="(\d+)""#).unwrap();
    re.captures(html).expect("a version field")[1].to_string()
}

#[tokio::test]
async fn records_are_validated_created_and_never_silently_overwritten() {
    let app = TestApp::spawn().await;
    app.user("staff.a", Role::Staff);
    app.user("staff.b", Role::Staff);
    app.user("reader", Role::Official);
    let a = app.signed_in("staff.a").await;
    let b = app.signed_in("staff.b").await;
    // A failing code says which check failed, beside the field, and keeps the input.
    let mut fields = record("91370200163562681H", "青岛测试精工股份有限公司", "370212");
    let r = app.post_form(&a, "/enterprises", &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="credit_code-error""#) && html.contains("GB 32100"));
    assert!(html.contains(r#"value="青岛测试精工股份有限公司""#));
    let good = code(1, "370212");
    fields[0].1 = &good;
    let id = create(&app, &a, &fields).await;
    // The same code again is refused.
    let r = app.post_form(&a, "/enterprises", &fields).await;
    assert!(r.text().await.unwrap().contains("该统一社会信用代码已登记"));
    // Officials read but may not write.
    let reader = app.signed_in("reader").await;
    assert_eq!(
        app.post_form(&reader, "/enterprises", &fields)
            .await
            .status(),
        403
    );
    let (status, html) = page(&app, &reader, &format!("/enterprises/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("青岛测试精工股份有限公司") && html.contains("C35"));
    // Two editors open the form at the same version; the second save is refused.
    let (_, form_a) = page(&app, &a, &format!("/enterprises/{id}/edit")).await;
    let (_, form_b) = page(&app, &b, &format!("/enterprises/{id}/edit")).await;
    let v = version_in(&form_a);
    assert_eq!(v, version_in(&form_b));
    let mut edit_a = fields.clone();
    edit_a[1].1 = "青岛测试精工（A改）股份有限公司";
    edit_a.push(("version", &v));
    assert_eq!(
        app.post_form(&a, &format!("/enterprises/{id}"), &edit_a)
            .await
            .status(),
        303
    );
    let mut edit_b = fields.clone();
    edit_b[1].1 = "青岛测试精工（B改）股份有限公司";
    edit_b.push(("version", &v));
    let r = app
        .post_form(&b, &format!("/enterprises/{id}"), &edit_b)
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("保存冲突") && html.contains("青岛测试精工（A改）股份有限公司"));
    assert!(
        html.contains(r#"value="青岛测试精工（B改）股份有限公司""#),
        "B's input is kept"
    );
    let (_, shown) = page(&app, &reader, &format!("/enterprises/{id}")).await;
    assert!(shown.contains("（A改）") && !shown.contains("（B改）"));
    assert_eq!(app.audit_count("enterprise.update"), 1);
}

#[tokio::test]
async fn board_moves_follow_the_table_and_the_entry_conditions() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let c = code(2, "370211");
    let id = create(&app, &s, &record(&c, "青岛蓝海装备有限公司", "370211")).await;
    let path = format!("/enterprises/{id}/board-moves");
    let (_, html) = page(&app, &s, &format!("/enterprises/{id}")).await;
    let v = version_in(&html);
    // Listing needs a joint-stock company and a recommending institution: both named.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("action", "enter"),
                ("target", "listing"),
                ("version", &v),
                ("reason", "首次申请"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("为股份有限公司") && html.contains("有推荐机构"),
        "says which conditions failed"
    );
    assert!(
        html.contains(r#"value="首次申请""#),
        "the typed reason is kept"
    );
    // Display has no conditions.
    let r = app
        .post_form(
            &s,
            &path,
            &[("action", "enter"), ("target", "display"), ("version", &v)],
        )
        .await;
    assert_eq!(r.status(), 303);
    // A stale version is refused.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("action", "move_up"),
                ("target", "custody"),
                ("version", &v),
                ("reason", "x"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("刚被他人修改"));
    let (_, html) = page(&app, &s, &format!("/enterprises/{id}")).await;
    let v = version_in(&html);
    // Moving "up" to a lower tier, and moving without a reason, are refused.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("action", "move_down"),
                ("target", "custody"),
                ("version", &v),
                ("reason", "x"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("目标层级与变动方向不符"));
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("action", "move_up"),
                ("target", "custody"),
                ("version", &v),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains(r#"id="reason-error""#));
    // Custody needs the shareholder register.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("action", "move_up"),
                ("target", "custody"),
                ("version", &v),
                ("reason", "完成登记托管"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("已提交股东名册"));
    // Record it, then the move goes through.
    let mut fields = record(&c, "青岛蓝海装备有限公司", "370211");
    fields.push(("has_shareholder_register", "on"));
    fields.push(("version", &v));
    assert_eq!(
        app.post_form(&s, &format!("/enterprises/{id}"), &fields)
            .await
            .status(),
        303
    );
    let (_, html) = page(&app, &s, &format!("/enterprises/{id}")).await;
    let v = version_in(&html);
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("action", "move_up"),
                ("target", "custody"),
                ("version", &v),
                ("reason", "完成登记托管"),
                ("effective_on", "2026-03-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = page(&app, &s, &format!("/enterprises/{id}")).await;
    assert!(
        html.contains("托管层") && html.contains("2026-03-01") && html.contains("完成登记托管")
    );
    // Exit needs a reason; with one, the enterprise leaves the board; history keeps all rows.
    let v = version_in(&html);
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("action", "exit"),
                ("version", &v),
                ("reason", "主动申请退出"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let rows: i64 = app.with_db(|c| {
        use diesel::prelude::*;
        Ok(srdi_board::schema::board_entries::table
            .count()
            .get_result(c)?)
    });
    assert_eq!(rows, 3);
    assert_eq!(app.audit_count("board.move"), 3);
    let (_, html) = page(&app, &s, "/enterprises?tier=none").await;
    assert!(html.contains("青岛蓝海装备有限公司"));
}

#[tokio::test]
async fn titles_give_the_current_level_and_follow_reviews_and_revocation() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let c = code(3, "370212");
    let id = create(&app, &s, &record(&c, "青岛崂山智控科技有限公司", "370212")).await;
    let path = format!("/enterprises/{id}/qualifications");
    // Expiry defaults to three years.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("level", "municipal"),
                ("batch", "2024年第一批"),
                ("recognized_on", "2024-06-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    // A provincial title expiring within 90 days: due for re-review, still the level.
    let today = srdi_board::routes::enterprises::today();
    let soon = (today + chrono::Duration::days(30)).to_string();
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("level", "provincial"),
                ("batch", "2023年"),
                ("recognized_on", "2023-01-10"),
                ("expires_on", &soon),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = page(&app, &s, &format!("/enterprises/{id}")).await;
    assert!(html.contains("2027-06-01"), "municipal title: three years");
    assert!(html.contains("待复核"));
    let (_, list) = page(&app, &s, "/enterprises?level=provincial").await;
    assert!(list.contains("青岛崂山智控科技有限公司"));
    let (_, expiring) = page(&app, &s, "/qualifications/expiring").await;
    assert!(expiring.contains("青岛崂山智控科技有限公司"));
    // Bad dates are refused beside the field.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("level", "national"),
                ("batch", "x"),
                ("recognized_on", "2025-01-01"),
                ("expires_on", "2024-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("有效期须晚于认定日期"));
    // Re-review: the municipal one is not due; the provincial one extends three years.
    let ids: Vec<(i32, String)> = app.with_db(|c| {
        use diesel::prelude::*;
        use srdi_board::schema::qualifications as q;
        Ok(q::table.select((q::id, q::level)).order(q::id).load(c)?)
    });
    let r = app
        .post_form(
            &s,
            &format!("/qualifications/{}/re-review", ids[0].0),
            &[("note", "")],
        )
        .await;
    assert_eq!(location(&r), format!("/enterprises/{id}"));
    assert_eq!(
        app.audit_count("qualification.re_review"),
        0,
        "not due: refused"
    );
    app.post_form(
        &s,
        &format!("/qualifications/{}/re-review", ids[1].0),
        &[("note", "复核通过")],
    )
    .await;
    let extended = (chrono::NaiveDate::parse_from_str(&soon, "%Y-%m-%d").unwrap())
        .checked_add_months(chrono::Months::new(36))
        .unwrap();
    let (_, html) = page(&app, &s, &format!("/enterprises/{id}")).await;
    assert!(
        html.contains(&extended.to_string()),
        "extended to {extended}"
    );
    // Revocation needs a reason; then the level falls back to the municipal title.
    app.post_form(
        &s,
        &format!("/qualifications/{}/revocation", ids[1].0),
        &[("note", " ")],
    )
    .await;
    assert_eq!(app.audit_count("qualification.revoke"), 0);
    app.post_form(
        &s,
        &format!("/qualifications/{}/revocation", ids[1].0),
        &[("note", "发现申报材料造假")],
    )
    .await;
    let (_, list) = page(&app, &s, "/enterprises?level=municipal").await;
    assert!(list.contains("青岛崂山智控科技有限公司"));
    let (_, html) = page(&app, &s, &format!("/enterprises/{id}")).await;
    assert!(html.contains("已撤销") && html.contains("发现申报材料造假"));
}

#[tokio::test]
async fn annual_data_is_reviewed_before_it_changes_the_record() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    app.user("reader", Role::Official);
    let s = app.signed_in("ops").await;
    let c = code(4, "370214");
    let id = create(&app, &s, &record(&c, "青岛城阳新材料有限公司", "370214")).await;
    app.user_with("company", Role::Enterprise, Some(id), &[], false);
    let co = app.signed_in("company").await;
    let path = format!("/enterprises/{id}/annual");
    // Staff enter 2024 directly; ratios are computed.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("year", "2024"),
                ("revenue", "8000"),
                ("main_business_revenue", "7200"),
                ("rd_expense", "400"),
                ("total_assets", "10000"),
                ("total_liabilities", "4500"),
                ("net_profit", "640"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = page(&app, &s, &format!("/enterprises/{id}")).await;
    assert!(
        html.contains("8,000.00")
            && html.contains("5.0%")
            && html.contains("45.0%")
            && html.contains("90.0%")
    );
    // Bad input is refused beside the field and kept.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("year", "2023"),
                ("revenue", "100"),
                ("main_business_revenue", "150"),
                ("employees", "abc"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="employees-error""#) && html.contains(r#"value="abc""#));
    // A stale save of an existing year is refused with both versions shown.
    let r = app
        .post_form(&s, &path, &[("year", "2024"), ("revenue", "9000")])
        .await;
    assert_eq!(r.status(), 409);
    // The enterprise submits 2025: pending, nothing changes yet.
    let r = app
        .post_form(
            &co,
            &path,
            &[
                ("year", "2025"),
                ("revenue", "9600"),
                ("main_business_revenue", "8700"),
                ("rd_expense", "520"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = page(&app, &co, &format!("/enterprises/{id}")).await;
    assert!(html.contains("待审核") && !html.contains("9,600.00"));
    // Officials may not enter or approve data.
    let reader = app.signed_in("reader").await;
    assert_eq!(
        app.post_form(&reader, &path, &[("year", "2025")])
            .await
            .status(),
        403
    );
    assert_eq!(
        reader
            .get(app.url("/submissions"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // Staff return it with a reason; then approve a corrected one.
    let (_, queue) = page(&app, &s, "/submissions").await;
    let re = regex::Regex::new(r#"/submissions/(\d+)/return"#).unwrap();
    let sid = re.captures(&queue).unwrap()[1].to_string();
    let r = app
        .post_form(
            &s,
            &format!("/submissions/{sid}/return"),
            &[("reason", " ")],
        )
        .await;
    assert_eq!(location(&r), "/submissions");
    assert_eq!(
        app.audit_count("annual.return"),
        0,
        "a return needs a reason"
    );
    app.post_form(
        &s,
        &format!("/submissions/{sid}/return"),
        &[("reason", "研发费用与审计报告不符")],
    )
    .await;
    let (_, html) = page(&app, &co, &format!("/enterprises/{id}")).await;
    assert!(html.contains("研发费用与审计报告不符"));
    app.post_form(
        &co,
        &path,
        &[
            ("year", "2025"),
            ("revenue", "9600"),
            ("main_business_revenue", "8700"),
            ("rd_expense", "480"),
        ],
    )
    .await;
    let (_, queue) = page(&app, &s, "/submissions").await;
    let re = regex::Regex::new(r#"/submissions/(\d+)/approval"#).unwrap();
    let sid = re.captures(&queue).unwrap()[1].to_string();
    assert_eq!(
        app.post_form(&s, &format!("/submissions/{sid}/approval"), &[])
            .await
            .status(),
        303
    );
    // Approving twice does nothing more.
    app.post_form(&s, &format!("/submissions/{sid}/approval"), &[])
        .await;
    assert_eq!(app.audit_count("annual.approve"), 1);
    let (_, html) = page(&app, &s, &format!("/enterprises/{id}")).await;
    assert!(
        html.contains("9,600.00") && html.contains("20.8%"),
        "main-business growth 8700/7200-1"
    );
    // Rubric results were stored with their version.
    let stored: Vec<(String, String)> = app.with_db(|c| {
        use diesel::prelude::*;
        use srdi_board::schema::rubric_results as r;
        Ok(r::table
            .filter(r::year.eq(2025))
            .select((r::rubric_code, r::rubric_version))
            .order(r::rubric_code)
            .load(c)?)
    });
    assert_eq!(stored.len(), 3);
    assert!(stored.iter().all(|(_, v)| v == "2022"));
}

#[tokio::test]
async fn the_rubric_page_explains_and_what_if_saves_nothing() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let c = code(5, "370215");
    let id = create(&app, &s, &record(&c, "青岛即墨精密仪器有限公司", "370215")).await;
    let path = format!("/enterprises/{id}/annual");
    for (y, rev, main, rd) in [
        ("2023", "4000", "3600", "60"),
        ("2024", "4600", "4200", "80"),
    ] {
        let r = app
            .post_form(
                &s,
                &path,
                &[
                    ("year", y),
                    ("revenue", rev),
                    ("main_business_revenue", main),
                    ("rd_expense", rd),
                    ("total_assets", "5000"),
                    ("total_liabilities", "2000"),
                    ("ip_class2", "3"),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    let (status, html) = page(
        &app,
        &s,
        &format!("/enterprises/{id}/rubric?rubric=innovative_sme"),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("创新型中小企业") && html.contains("尚缺条件"));
    let total = |html: &str| -> String {
        let re = regex::Regex::new(r#"<span class="score">([0-9.]+)<small>"#).unwrap();
        re.captures(html).unwrap()[1].to_string()
    };
    let before = total(&html);
    let results_before = app.with_db(|c| {
        use diesel::prelude::*;
        Ok(srdi_board::schema::rubric_results::table
            .count()
            .get_result::<i64>(c)?)
    });
    // What if R&D expense were 300 万元 (6.5% of revenue)?
    let (_, html) = page(
        &app,
        &s,
        &format!("/enterprises/{id}/rubric?year=2024&rubric=innovative_sme&w.rd_expense=300"),
    )
    .await;
    let re = regex::Regex::new(r#"id="what-if-total">([0-9.]+)<"#).unwrap();
    let what_if: f64 = re.captures(&html).expect("a what-if result")[1]
        .parse()
        .unwrap();
    assert!(
        what_if > before.parse::<f64>().unwrap(),
        "{what_if} > {before}"
    );
    assert!(html.contains(r#"value="300""#), "the typed value is kept");
    let results_after = app.with_db(|c| {
        use diesel::prelude::*;
        Ok(srdi_board::schema::rubric_results::table
            .count()
            .get_result::<i64>(c)?)
    });
    assert_eq!(results_before, results_after, "what-if stores nothing");
    // A bad number is flagged, not applied.
    let (_, html) = page(
        &app,
        &s,
        &format!("/enterprises/{id}/rubric?year=2024&rubric=innovative_sme&w.rd_expense=lots"),
    )
    .await;
    assert!(html.contains("请填写以万元为单位的金额"));
}

#[tokio::test]
async fn scope_holds_for_enterprises_and_districts() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let (c1, c2) = (code(6, "370212"), code(7, "370202"));
    let mine = create(&app, &s, &record(&c1, "青岛本企业科技有限公司", "370212")).await;
    let other = create(&app, &s, &record(&c2, "青岛别家企业科技有限公司", "370202")).await;
    app.user_with("co.account", Role::Enterprise, Some(mine), &[], false);
    let co = app.signed_in("co.account").await;
    let r = co.get(app.url("/enterprises")).send().await.unwrap();
    assert_eq!(location(&r), format!("/enterprises/{mine}"));
    assert_eq!(
        page(&app, &co, &format!("/enterprises/{mine}")).await.0,
        200
    );
    for path in [
        format!("/enterprises/{other}"),
        format!("/enterprises/{other}/rubric"),
        format!("/enterprises/{other}/annual"),
    ] {
        assert_eq!(page(&app, &co, &path).await.0, 404, "{path}");
    }
    assert_eq!(
        app.post_form(
            &co,
            &format!("/enterprises/{other}/annual"),
            &[("year", "2024"), ("revenue", "1")]
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        app.post_form(
            &co,
            &format!("/enterprises/{mine}"),
            &record(&c1, "改名", "370212")
        )
        .await
        .status(),
        403
    );
    // A district-limited staff member lists, opens and creates only in their district.
    app.user_with("laoshan.staff", Role::Staff, None, &["370212"], false);
    let ls = app.signed_in("laoshan.staff").await;
    let (_, list) = page(&app, &ls, "/enterprises").await;
    assert!(list.contains("青岛本企业科技有限公司") && !list.contains("青岛别家企业科技有限公司"));
    assert_eq!(
        page(&app, &ls, &format!("/enterprises/{other}")).await.0,
        404
    );
    let c3 = code(8, "370202");
    let r = app
        .post_form(
            &ls,
            "/enterprises",
            &record(&c3, "越权企业有限公司", "370202"),
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("您的权限范围不包括该区"));
}

#[tokio::test]
async fn the_list_filters_searches_and_pages_by_keyset() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let actor = srdi_board::models::audit::Actor::cli();
    // 120 records straight through the model (the HTTP path is tested above).
    app.with_db(|c| {
        for n in 0..120u32 {
            let district = if n % 3 == 0 { "370211" } else { "370212" };
            let input = srdi_board::domain::enterprise::EnterpriseInput {
                credit_code: code(100 + n, district),
                name: format!("青岛列表测试{n:03}有限公司"),
                district_code: district.into(),
                ..Default::default()
            };
            let data = input
                .parse(chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap())
                .unwrap();
            srdi_board::models::enterprise::Enterprise::create(c, &actor, &data)?;
        }
        Ok(())
    });
    let mut seen = Vec::new();
    let mut path = "/enterprises".to_string();
    let re_row = regex::Regex::new(r#"青岛列表测试(\d{3})有限公司"#).unwrap();
    let re_next = regex::Regex::new(r#"href="/enterprises\?([^"]*after=[^"]*)">下一页"#).unwrap();
    for _ in 0..10 {
        let (_, html) = page(&app, &s, &path).await;
        seen.extend(re_row.captures_iter(&html).map(|c| c[1].to_string()));
        match re_next.captures(&html) {
            Some(c) => {
                path = format!(
                    "/enterprises?{}",
                    c[1].replace("&#38;", "&").replace("&amp;", "&")
                )
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 120, "every row once");
    let mut sorted = seen.clone();
    sorted.sort();
    assert_eq!(seen, sorted, "in name order across pages");
    // District filter, case-insensitive code search, sort by code.
    let (_, html) = page(&app, &s, "/enterprises?district=370211").await;
    assert_eq!(re_row.captures_iter(&html).count(), 40);
    let lower = code(105, "370212").to_lowercase();
    let (_, html) = page(&app, &s, &format!("/enterprises?q={}", &lower[..12])).await;
    assert!(html.contains("青岛列表测试005有限公司"));
    let (_, html) = page(&app, &s, "/enterprises?q=%25").await;
    assert!(html.contains("没有符合条件的企业"), "wildcards are literal");
    let (status, _) = page(
        &app,
        &s,
        "/enterprises?sort=code&level=none&tier=none&industry=c&status=all",
    )
    .await;
    assert_eq!(status, 200);
}
