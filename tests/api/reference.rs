//! Reference data as data: districts, entry conditions and rubric versions change
//! behaviour without code changes.

use srdi_board::domain::role::Role;

use crate::helpers::{TestApp, location};

#[tokio::test]
async fn admins_add_districts_switch_conditions_and_add_rubric_versions() {
    let app = TestApp::spawn().await;
    app.user("ref.admin", Role::Admin);
    app.user("ops", Role::Staff);
    let a = app.signed_in("ref.admin").await;
    let s = app.signed_in("ops").await;
    // A district of another city.
    let r = app
        .post_form(
            &a,
            "/admin/districts",
            &[("code", "3702"), ("name_zh", "x"), ("name_en", "x")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("区划代码应为 6 位数字"));
    let r = app
        .post_form(
            &a,
            "/admin/districts",
            &[
                ("code", "370102"),
                ("name_zh", "历下区"),
                ("name_en", "Lixia District, Jinan"),
            ],
        )
        .await;
    assert_eq!(location(&r), "/admin/reference");
    let form = s
        .get(app.url("/enterprises/new"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(form.contains("历下区"));
    // Switch off the custody condition: entering custody without a register now works.
    let ent = app.enterprise("9137021244556677", "青岛条件测试有限公司", "370212");
    let page = a
        .get(app.url("/admin/reference"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let re = regex::Regex::new(r#"/admin/board-conditions/(\d+)/active"#).unwrap();
    let first = re.captures(&page).unwrap()[1].to_string();
    let r = app
        .post_form(
            &a,
            &format!("/admin/board-conditions/{first}/active"),
            &[("active", "0")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(
            &s,
            &format!("/enterprises/{}/board-moves", ent.id),
            &[("action", "enter"), ("target", "custody"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 303, "no register needed any more");
    // A new rule as data: listing needs "other" company type (silly, but proves it).
    let r = app
        .post_form(
            &a,
            "/admin/board-conditions",
            &[
                ("tier", "display"),
                ("field", "company_type"),
                ("value", "bank"),
                ("label_zh", "x"),
                ("label_en", "x"),
            ],
        )
        .await;
    assert!(r.text().await.unwrap().contains("“企业类型”须填写"));
    // A later rubric version: parsed, stored, and used without code changes.
    let builtin = srdi_board::domain::rubric::builtin();
    let srdi = builtin.iter().find(|d| d.code == "srdi_sme").unwrap();
    let mut v2026 = serde_json::to_value(srdi).unwrap();
    v2026["version"] = "2026".into();
    v2026["pass_total"] = 65.into();
    let r = app
        .post_form(&a, "/admin/rubrics", &[("definition", &v2026.to_string())])
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(&a, "/admin/rubrics", &[("definition", &v2026.to_string())])
        .await;
    assert_eq!(r.status(), 422, "the same version twice");
    let r = app
        .post_form(&a, "/admin/rubrics", &[("definition", r#"{"code":"x"}"#)])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="definition-error""#));
    // Stored results now record the new version.
    let path = format!("/enterprises/{}/annual", ent.id);
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("year", "2024"),
                ("revenue", "3000"),
                ("main_business_revenue", "2700"),
                ("rd_expense", "150"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let versions: Vec<(String, String)> = app.with_db(|c| {
        use diesel::prelude::*;
        use srdi_board::schema::rubric_results as rr;
        Ok(rr::table
            .select((rr::rubric_code, rr::rubric_version))
            .order(rr::rubric_code)
            .load(c)?)
    });
    assert!(
        versions.contains(&("srdi_sme".into(), "2026".into())),
        "{versions:?}"
    );
    let html = s
        .get(app.url(&format!("/enterprises/{}/rubric?rubric=srdi_sme", ent.id)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("版本 2026"));
    // Only admins reach the page.
    assert_eq!(
        s.get(app.url("/admin/reference"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
}
