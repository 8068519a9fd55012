//! The data side of the development index through HTTP: staff entry of values
//! (saving, clearing, validation, conflicts, re-scoring, audit), the CSV import of
//! values, and expert scoring (assigning, scoring, the panel value, review).

use diesel::prelude::*;
use reqwest::multipart::{Form, Part};
use srdi_board::domain::role::Role;
use srdi_board::schema::{expert_assignments, index_scores, index_values};

use crate::helpers::{TestApp, location};

const CASH: &str = "ref_operating_cash_ratio"; // %
const CERTS: &str = "ref_certifications"; // 项
const REVENUE: &str = "spec_core_product_revenue"; // 万元
const RANK: &str = "spec_market_rank"; // 名
const REPUTATION: &str = "spec_market_reputation"; // expert
const FOCUS: &str = "spec_strategy_focus"; // expert

/// A stored value and its source.
fn value(app: &TestApp, eid: i32, period: &str, key: &str) -> Option<(f64, String)> {
    let (period, key) = (period.to_string(), key.to_string());
    app.with_db(move |c| {
        Ok(index_values::table
            .filter(index_values::enterprise_id.eq(eid))
            .filter(index_values::period.eq(period))
            .filter(index_values::indicator.eq(key))
            .select((index_values::value, index_values::source))
            .first::<(f64, String)>(c)
            .optional()?)
    })
}

fn value_count(app: &TestApp) -> i64 {
    app.with_db(|c| Ok(index_values::table.count().get_result(c)?))
}

fn has_score(app: &TestApp, eid: i32, period: &str) -> bool {
    let period = period.to_string();
    app.with_db(move |c| {
        Ok(index_scores::table
            .filter(index_scores::enterprise_id.eq(eid))
            .filter(index_scores::period.eq(period))
            .count()
            .get_result::<i64>(c)?
            > 0)
    })
}

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn hidden(html: &str, name: &str) -> String {
    let re = regex::Regex::new(&format!(r#"name="{name}" value="([^"]*)""#)).unwrap();
    re.captures(html)
        .unwrap_or_else(|| panic!("no field {name}"))[1]
        .to_string()
}

#[tokio::test]
async fn staff_enter_clear_and_validate_values_and_scores_follow() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let e = app.enterprise("9137021258674123", "青岛测试股份有限公司", "370212");
    let s = app.signed_in("ops").await;
    let path = format!("/enterprises/{}/index/data?period=2025", e.id);

    // The form lists the entered indicators with label, unit and definition.
    let (status, html) = get(&app, &s, &path).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("经营现金流量比率")
            && html.contains(&format!(r#"name="orig_{CASH}" value="""#))
    );
    assert!(
        !html.contains(&format!(r#"name="{REPUTATION}""#)),
        "expert indicators are not typed in here"
    );

    // Saving two values: stored as entered, the period computed, audited.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                (CASH, "35.5"),
                (&format!("orig_{CASH}"), ""),
                (CERTS, "3"),
                (&format!("orig_{CERTS}"), ""),
                (RANK, ""),
                (&format!("orig_{RANK}"), ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), path);
    assert_eq!(
        value(&app, e.id, "2025", CASH),
        Some((35.5, "entered".into()))
    );
    assert_eq!(
        value(&app, e.id, "2025", CERTS),
        Some((3.0, "entered".into()))
    );
    assert_eq!(value(&app, e.id, "2025", RANK), None, "blank stays missing");
    assert!(
        has_score(&app, e.id, "2025"),
        "the first data computes the period"
    );
    assert_eq!(app.audit_count("index.values"), 1);
    let (_, html) = get(&app, &s, &path).await;
    assert!(html.contains("已保存指数数据（2 项变更）"));
    assert!(html.contains(&format!(r#"name="orig_{CASH}" value="35.5""#)));
    assert!(html.contains("录入 · ops display"));
    // The derived indicators are shown read-only once the period is scored.
    assert!(html.contains("自动计算的指标（只读）") && html.contains("主营业务收入占营业收入比重"));
    assert!(!html.contains(r#"name="spec_main_business_share""#));
    let (_, html) = get(&app, &s, &format!("/enterprises/{}", e.id)).await;
    assert!(html.contains(&format!(r#"href="/enterprises/{}/index/data""#, e.id)));

    // Clearing makes the value missing, not 0.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                (CERTS, ""),
                (&format!("orig_{CERTS}"), "3"),
                (CASH, "35.5"),
                (&format!("orig_{CASH}"), "35.5"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(value(&app, e.id, "2025", CERTS), None);
    assert_eq!(
        value(&app, e.id, "2025", CASH),
        Some((35.5, "entered".into()))
    );
    assert_eq!(app.audit_count("index.values"), 2);
    assert!(has_score(&app, e.id, "2025"));

    // Saving without a change changes nothing and records nothing.
    let r = app
        .post_form(
            &s,
            &path,
            &[(CASH, "35.50"), (&format!("orig_{CASH}"), "35.5")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("index.values"), 2);

    // Refused values: messages next to the fields, input kept, nothing saved.
    let before = value_count(&app);
    let r = app
        .post_form(
            &s,
            &path,
            &[
                (CASH, "120"),
                (&format!("orig_{CASH}"), "35.5"),
                (CERTS, "-2"),
                (&format!("orig_{CERTS}"), ""),
                (REVENUE, "abc"),
                (&format!("orig_{REVENUE}"), ""),
                (RANK, "7"),
                (&format!("orig_{RANK}"), ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("百分比须在 0 到 100 之间")
            && html.contains(&format!(r#"id="{CASH}-error""#))
    );
    assert!(html.contains("数量不能为负数") && html.contains("请输入数字"));
    assert!(html.contains(&format!(r#"name="{CASH}" value="120""#)));
    assert!(html.contains(&format!(r#"name="{REVENUE}" value="abc""#)));
    assert!(html.contains(&format!(r#"name="{RANK}" value="7""#)));
    assert_eq!(value_count(&app), before);
    assert_eq!(value(&app, e.id, "2025", RANK), None);

    // A bad period is refused next to the picker; a new valid one opens empty.
    let (status, html) = get(
        &app,
        &s,
        &format!("/enterprises/{}/index/data?period=2025Q5", e.id),
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("期间格式不正确") && html.contains(r#"value="2025Q5""#));
    let (status, html) = get(
        &app,
        &s,
        &format!("/enterprises/{}/index/data?period=2026Q1", e.id),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!(r#"name="{CASH}" value="""#)));
    // Without a period the latest one opens, and the picker offers the existing ones.
    let (status, html) = get(&app, &s, &format!("/enterprises/{}/index/data", e.id)).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"<option value="2025">"#) && html.contains(r#"value="35.5""#));
}

#[tokio::test]
async fn a_value_changed_by_someone_else_is_a_conflict() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let e = app.enterprise("9137021258674123", "青岛测试股份有限公司", "370212");
    let s = app.signed_in("ops").await;
    let path = format!("/enterprises/{}/index/data?period=2025", e.id);
    let r = app
        .post_form(&s, &path, &[(CASH, "35.5"), (&format!("orig_{CASH}"), "")])
        .await;
    assert_eq!(r.status(), 303);
    // This user loads the form ...
    let (_, html) = get(&app, &s, &path).await;
    let orig = hidden(&html, &format!("orig_{CASH}"));
    assert_eq!(orig, "35.5");
    // ... someone else changes the same value meanwhile ...
    app.sql(&format!(
        "UPDATE index_values SET value = 40 WHERE enterprise_id = {} AND indicator = '{CASH}'",
        e.id
    ));
    // ... so this user's change is refused with both values shown, input kept.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                (CASH, "50"),
                (&format!("orig_{CASH}"), &orig),
                (CERTS, "4"),
                (&format!("orig_{CERTS}"), ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("保存冲突") && html.contains("<td>40</td><td>50</td>"),
        "{html}"
    );
    assert!(html.contains(&format!(r#"name="{CASH}" value="50""#)));
    assert!(html.contains(&format!(r#"name="{CERTS}" value="4""#)));
    assert_eq!(value(&app, e.id, "2025", CASH).unwrap().0, 40.0);
    assert_eq!(
        value(&app, e.id, "2025", CERTS),
        None,
        "nothing of a refused save lands"
    );
    // The refused form is now against the stored value: saving again keeps the input.
    assert_eq!(hidden(&html, &format!("orig_{CASH}")), "40");
    let r = app
        .post_form(&s, &path, &[(CASH, "50"), (&format!("orig_{CASH}"), "40")])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(value(&app, e.id, "2025", CASH).unwrap().0, 50.0);
    // A field this user left alone is no conflict, and another's change to it stays.
    app.sql(&format!(
        "UPDATE index_values SET value = 60 WHERE enterprise_id = {} AND indicator = '{CASH}'",
        e.id
    ));
    let r = app
        .post_form(
            &s,
            &path,
            &[
                (CASH, "50"),
                (&format!("orig_{CASH}"), "50"),
                (RANK, "3"),
                (&format!("orig_{RANK}"), ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(value(&app, e.id, "2025", CASH).unwrap().0, 60.0);
    assert_eq!(value(&app, e.id, "2025", RANK).unwrap().0, 3.0);
}

#[tokio::test]
async fn only_staff_and_admins_enter_data_within_their_scope() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021258674123", "崂山甲公司", "370212");
    let other = app.enterprise("9137021157736912", "黄岛乙公司", "370211");
    app.user("boss", Role::Admin);
    app.user("reader", Role::Official);
    app.user("prof", Role::Expert);
    app.user_with("firm", Role::Enterprise, Some(e.id), &[], false);
    app.user_with("laoshan", Role::Staff, None, &["370212"], false);
    let path = |id: i32| format!("/enterprises/{id}/index/data?period=2025");
    for who in ["reader", "prof", "firm"] {
        let c = app.signed_in(who).await;
        assert_eq!(get(&app, &c, &path(e.id)).await.0, 403, "{who}");
        let r = app
            .post_form(
                &c,
                &path(e.id),
                &[(CASH, "1"), (&format!("orig_{CASH}"), "")],
            )
            .await;
        assert_eq!(r.status(), 403, "{who}");
        assert_eq!(get(&app, &c, "/index/import").await.0, 403, "{who}");
        assert_eq!(
            get(&app, &c, "/index/import/template.csv").await.0,
            403,
            "{who}"
        );
    }
    let boss = app.signed_in("boss").await;
    assert_eq!(get(&app, &boss, &path(other.id)).await.0, 200);
    assert_eq!(get(&app, &boss, &path(9999)).await.0, 404);
    let district = app.signed_in("laoshan").await;
    assert_eq!(get(&app, &district, &path(e.id)).await.0, 200);
    assert_eq!(get(&app, &district, &path(other.id)).await.0, 404);
    let r = app
        .post_form(
            &district,
            &path(other.id),
            &[(CASH, "1"), (&format!("orig_{CASH}"), "")],
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(value_count(&app), 0);
    // The navigation offers the import to staff and admins, scoring to experts.
    let (_, html) = get(&app, &district, "/").await;
    assert!(html.contains(r#"href="/index/import""#));
    let prof = app.signed_in("prof").await;
    let (_, html) = get(&app, &prof, "/").await;
    assert!(html.contains(r#"href="/index/expert""#) && html.contains("评分任务"));
}

async fn upload(app: &TestApp, client: &reqwest::Client, bytes: Vec<u8>) -> (u16, String) {
    let token = app.csrf(client, "/index/import").await;
    let form = Form::new().text("csrf_token", token).part(
        "file",
        Part::bytes(bytes)
            .file_name("values.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let r = client
        .post(app.url("/index/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn values_are_imported_once_and_bad_files_change_nothing() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let a = app.enterprise("9137021258674123", "崂山甲公司", "370212");
    let b = app.enterprise("9137021157736912", "黄岛乙公司", "370211");
    let s = app.signed_in("ops").await;
    let (status, html) = get(&app, &s, "/index/import").await;
    assert_eq!(status, 200);
    assert!(html.contains(CASH) && html.contains(REPUTATION));
    let r = s
        .get(app.url("/index/import/template.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body = r.bytes().await.unwrap();
    assert!(body.starts_with(b"\xEF\xBB\xBFcredit_code,period,"));
    assert!(String::from_utf8_lossy(&body).contains(REPUTATION));

    // Keys or Chinese labels as headers; blank = not given; "-" clears.
    app.with_db(|c| {
        srdi_board::models::index::set_value(
            c,
            b.id,
            "2025Q1".parse().unwrap(),
            CERTS,
            Some(9.0),
            srdi_board::domain::index::ValueSource::Entered,
            None,
        )?;
        Ok(())
    });
    let csv = format!(
        "credit_code,period,{CASH},管理体系认证数,{REPUTATION}\n{},2025,30,4,\n{},2025Q1,,-,80\n",
        a.credit_code, b.credit_code
    );
    let (status, html) = upload(&app, &s, csv.clone().into_bytes()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("变更值 4"), "{html}");
    assert_eq!(
        value(&app, a.id, "2025", CASH),
        Some((30.0, "imported".into()))
    );
    assert_eq!(
        value(&app, a.id, "2025", CERTS),
        Some((4.0, "imported".into()))
    );
    assert_eq!(value(&app, a.id, "2025", REPUTATION), None);
    assert_eq!(value(&app, b.id, "2025Q1", CERTS), None, "'-' clears");
    assert_eq!(
        value(&app, b.id, "2025Q1", REPUTATION),
        Some((80.0, "imported".into()))
    );
    assert!(has_score(&app, a.id, "2025") && has_score(&app, b.id, "2025Q1"));
    assert_eq!(app.audit_count("index.import"), 1);

    // The same file again changes nothing.
    let (status, html) = upload(&app, &s, csv.into_bytes()).await;
    assert_eq!(status, 200);
    assert!(html.contains("变更值 0"), "{html}");
    assert_eq!(
        value(&app, a.id, "2025", CASH),
        Some((30.0, "imported".into()))
    );

    // GBK with Chinese headers, as a Chinese spreadsheet tool saves it.
    let text = format!(
        "统一社会信用代码,期间,经营现金流量比率\r\n{},2025,31.5\r\n",
        a.credit_code
    );
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let (status, html) = upload(&app, &s, gbk.into_owned()).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("变更值 1"));
    assert_eq!(value(&app, a.id, "2025", CASH).unwrap().0, 31.5);

    // Every problem reported by line and column; nothing written.
    let before = value_count(&app);
    let audits = app.audit_count("index.import");
    let bad = format!(
        "credit_code,period,{CASH},{CERTS},mystery\n{},2025,50,1,\n91370200MA3C4XYZ12,2025,1,1,\n{},2025Q9,101,-1,\n",
        a.credit_code, b.credit_code
    );
    let (status, html) = upload(&app, &s, bad.into_bytes()).await;
    assert_eq!(status, 422);
    assert!(html.contains("<code>mystery</code>"), "unknown column");
    for needle in [
        "<td class=\"num\">3</td><td><code>credit_code</code></td>",
        "<td class=\"num\">4</td><td><code>period</code></td>",
        &format!(
            "<td class=\"num\">4</td><td><code>{CASH}</code></td><td>百分比须在 0 到 100 之间"
        ),
        &format!("<td class=\"num\">4</td><td><code>{CERTS}</code></td><td>数量不能为负数"),
    ] {
        assert!(html.contains(needle), "{needle} in {html}");
    }
    let bad = format!(
        "credit_code,period,{CASH}\n{},2025,50\n91370200MA3C4XYZ12,2025,1\n",
        a.credit_code
    );
    let (status, html) = upload(&app, &s, bad.into_bytes()).await;
    assert_eq!(status, 422);
    assert!(
        html.contains("<td class=\"num\">3</td><td><code>credit_code</code></td>"),
        "{html}"
    );
    assert_eq!(value_count(&app), before);
    assert_eq!(value(&app, a.id, "2025", CASH).unwrap().0, 31.5);
    assert_eq!(app.audit_count("index.import"), audits);
}

#[tokio::test]
async fn district_staff_import_only_their_enterprises() {
    let app = TestApp::spawn().await;
    let a = app.enterprise("9137021258674123", "崂山甲公司", "370212");
    let b = app.enterprise("9137021157736912", "黄岛乙公司", "370211");
    app.user_with("laoshan", Role::Staff, None, &["370212"], false);
    let s = app.signed_in("laoshan").await;
    let csv = format!(
        "credit_code,period,{CASH}\n{},2025,10\n{},2025,20\n",
        a.credit_code, b.credit_code
    );
    let (status, html) = upload(&app, &s, csv.into_bytes()).await;
    assert_eq!(status, 422);
    assert!(html.contains("该企业不在您的权限范围内"));
    assert_eq!(value_count(&app), 0);
}

async fn score(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let (_, html) = get(app, client, path).await;
    let version = hidden(&html, "version");
    let mut all: Vec<(&str, &str)> = vec![("version", version.as_str())];
    all.extend_from_slice(fields);
    app.post_form(client, path, &all).await
}

#[tokio::test]
async fn experts_score_their_assignments_and_panels_are_summarised() {
    let app = TestApp::spawn().await;
    app.user("boss", Role::Admin);
    app.user("reader", Role::Official);
    app.user("ops", Role::Staff);
    let x: Vec<i32> = ["prof1", "prof2", "prof3"]
        .iter()
        .map(|u| app.user(u, Role::Expert).id)
        .collect();
    let e = app.enterprise("9137021258674123", "崂山甲公司", "370212");
    let boss = app.signed_in("boss").await;

    // The form lists experts and the expert-scored indicators, all ticked.
    let (status, html) = get(&app, &boss, "/index/experts").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("prof1 display")
            && html.contains(&format!(r#"value="{REPUTATION}" checked"#))
    );
    // Refusals next to the fields, input kept.
    let r = app
        .post_form(
            &boss,
            "/index/experts",
            &[
                ("expert_id", ""),
                ("credit_code", "91370200MA3C4XYZ12"),
                ("period", "2025Q7"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("请选择一位专家账号") && html.contains("系统中没有该统一社会信用代码的企业")
    );
    assert!(html.contains("期间格式不正确") && html.contains("请至少勾选一个专家评分指标"));
    assert!(html.contains(r#"value="91370200MA3C4XYZ12""#));

    // Three experts on two indicators; assigning again skips what exists.
    for id in &x {
        let r = app
            .post_form(
                &boss,
                "/index/experts",
                &[
                    ("expert_id", &id.to_string()),
                    ("credit_code", &e.credit_code),
                    ("period", "2025"),
                    ("indicators", REPUTATION),
                    ("indicators", FOCUS),
                ],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    let r = app
        .post_form(
            &boss,
            "/index/experts",
            &[
                ("expert_id", &x[0].to_string()),
                ("credit_code", &e.credit_code),
                ("period", "2025"),
                ("indicators", REPUTATION),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let n: i64 = app.with_db(|c| Ok(expert_assignments::table.count().get_result(c)?));
    assert_eq!(n, 6);
    assert_eq!(app.audit_count("index.expert.assign"), 3);
    let (_, html) = get(
        &app,
        &boss,
        &format!("/index/experts?period=2025&expert={}", x[1]),
    )
    .await;
    assert_eq!(html.matches("未评分").count(), 2, "filtered to one expert");

    // An expert sees their tasks and scores them.
    let path = format!("/index/expert/{}/2025", e.id);
    let p1 = app.signed_in("prof1").await;
    let (status, html) = get(&app, &p1, "/index/expert").await;
    assert_eq!(status, 200);
    assert!(html.contains("崂山甲公司") && html.contains("0 / 2"));
    let (status, html) = get(&app, &p1, &path).await;
    assert_eq!(status, 200);
    assert!(html.contains("细分市场认可度") && html.contains(&e.credit_code));
    // Validation next to the field, input kept.
    let r = score(
        &app,
        &p1,
        &path,
        &[
            (&format!("score_{REPUTATION}"), "120"),
            (&format!("comment_{REPUTATION}"), "很好"),
            (&format!("score_{FOCUS}"), "x"),
        ],
    )
    .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("分值须在 0 到 100 之间") && html.contains("请输入数字"));
    assert!(html.contains(r#"value="120""#) && html.contains("很好"));
    // Scores that agree on one indicator and disagree on the other.
    for (client, a, b) in [
        (&p1, "80", "20"),
        (&app.signed_in("prof2").await, "82", "90"),
        (&app.signed_in("prof3").await, "78", "55"),
    ] {
        let r = score(
            &app,
            client,
            &path,
            &[
                (&format!("score_{REPUTATION}"), a),
                (&format!("score_{FOCUS}"), b),
                (&format!("comment_{FOCUS}"), "依据访谈"),
            ],
        )
        .await;
        assert_eq!(r.status(), 303);
    }
    assert_eq!(app.audit_count("index.expert.score"), 3);
    assert_eq!(
        value(&app, e.id, "2025", REPUTATION),
        Some((80.0, "expert".into()))
    );
    assert_eq!(
        value(&app, e.id, "2025", FOCUS),
        Some((55.0, "expert".into()))
    );
    assert!(has_score(&app, e.id, "2025"));
    let (_, html) = get(&app, &p1, "/index/expert").await;
    assert!(html.contains("2 / 2"));

    // Re-scoring changes the panel value; a stale form is refused with the input kept.
    let (_, html) = get(&app, &p1, &path).await;
    let version = hidden(&html, "version");
    let r = score(
        &app,
        &p1,
        &path,
        &[
            (&format!("score_{REPUTATION}"), "86"),
            (&format!("score_{FOCUS}"), "20"),
        ],
    )
    .await;
    assert_eq!(r.status(), 303);
    assert_eq!(value(&app, e.id, "2025", REPUTATION).unwrap().0, 82.0);
    let r = app
        .post_form(
            &p1,
            &path,
            &[
                ("version", &version),
                (&format!("score_{REPUTATION}"), "70"),
                (&format!("score_{FOCUS}"), "20"),
            ],
        )
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("保存冲突") && html.contains(r#"value="70""#));
    assert_eq!(value(&app, e.id, "2025", REPUTATION).unwrap().0, 82.0);

    // The review: spread flagged first, for admins and officials.
    for who in [&boss, &app.signed_in("reader").await] {
        // By default only the panels that need review.
        let (status, html) = get(&app, who, "/index/experts/review?period=2025").await;
        assert_eq!(status, 200);
        assert!(html.contains("20 / 90 / 55") && !html.contains("86 / 82 / 78"));
        assert!(html.contains("共 2 组专家评分，其中 1 组"), "counts");
        let (status, html) = get(&app, who, "/index/experts/review?period=2025&show=all").await;
        assert_eq!(status, 200);
        let flag = html.find("分歧较大，需复核").expect("flagged");
        let focus = html.find("发展战略聚焦度").unwrap();
        let reputation = html.find("细分市场认可度").unwrap();
        assert!(focus < flag && flag < reputation, "flagged first");
        assert!(html.contains("20 / 90 / 55") && html.contains("86 / 82 / 78"));
    }

    // Scored assignments stay; an unscored one can be removed (audited).
    let extra = app
        .post_form(
            &boss,
            "/index/experts",
            &[
                ("expert_id", &x[0].to_string()),
                ("credit_code", &e.credit_code),
                ("period", "2026"),
                ("indicators", FOCUS),
            ],
        )
        .await;
    assert_eq!(extra.status(), 303);
    let ids: Vec<(i32, Option<f64>)> = app.with_db(|c| {
        Ok(expert_assignments::table
            .order(expert_assignments::id)
            .select((expert_assignments::id, expert_assignments::score))
            .load(c)?)
    });
    let scored = ids[0].0;
    let unscored = ids.last().unwrap().0;
    let r = app
        .post_form(&boss, &format!("/index/experts/{scored}/remove"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(&boss, &format!("/index/experts/{unscored}/remove"), &[])
        .await;
    assert_eq!(r.status(), 303);
    let n: i64 = app.with_db(|c| Ok(expert_assignments::table.count().get_result(c)?));
    assert_eq!(n, 6);
    assert_eq!(app.audit_count("index.expert.unassign"), 1);

    // Experts see only their own assignments; others may not score at all.
    app.user("prof4", Role::Expert);
    let p4 = app.signed_in("prof4").await;
    assert_eq!(get(&app, &p4, &path).await.0, 404);
    let r = app
        .post_form(
            &p4,
            &path,
            &[("version", ""), (&format!("score_{FOCUS}"), "1")],
        )
        .await;
    assert_eq!(r.status(), 404);
    assert_eq!(
        get(&app, &p1, &format!("/index/expert/{}/2024", e.id))
            .await
            .0,
        404
    );
    assert_eq!(
        get(&app, &p1, &format!("/index/expert/{}/bad", e.id))
            .await
            .0,
        404
    );
    for who in ["boss", "ops", "reader"] {
        let c = app.signed_in(who).await;
        assert_eq!(get(&app, &c, "/index/expert").await.0, 403, "{who}");
        assert_eq!(get(&app, &c, &path).await.0, 403, "{who}");
    }
    for who in ["ops", "reader", "prof1"] {
        let c = app.signed_in(who).await;
        assert_eq!(get(&app, &c, "/index/experts").await.0, 403, "{who}");
        let r = app
            .post_form(
                &c,
                "/index/experts",
                &[
                    ("expert_id", &x[0].to_string()),
                    ("credit_code", &e.credit_code),
                    ("period", "2027"),
                    ("indicators", FOCUS),
                ],
            )
            .await;
        assert_eq!(r.status(), 403, "{who}");
    }
    for who in ["ops", "prof1"] {
        let c = app.signed_in(who).await;
        assert_eq!(get(&app, &c, "/index/experts/review").await.0, 403, "{who}");
    }
}

/// A POST to try: who sends it, where, with which fields.
type Case<'a> = (&'a reqwest::Client, String, Vec<(String, String)>);

#[tokio::test]
async fn every_index_data_post_needs_the_csrf_token() {
    let app = TestApp::spawn().await;
    app.user("boss", Role::Admin);
    let x = app.user("prof", Role::Expert);
    let e = app.enterprise("9137021258674123", "崂山甲公司", "370212");
    let boss = app.signed_in("boss").await;
    let r = app
        .post_form(
            &boss,
            "/index/experts",
            &[
                ("expert_id", &x.id.to_string()),
                ("credit_code", &e.credit_code),
                ("period", "2025"),
                ("indicators", FOCUS),
                ("indicators", REPUTATION),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let id: i32 = app.with_db(|c| {
        Ok(expert_assignments::table
            .select(expert_assignments::id)
            .first(c)?)
    });
    let prof = app.signed_in("prof").await;
    let score_path = format!("/index/expert/{}/2025", e.id);
    let cases: Vec<Case> = vec![
        (
            &boss,
            format!("/enterprises/{}/index/data?period=2025", e.id),
            vec![
                (CASH.into(), "1".into()),
                (format!("orig_{CASH}"), String::new()),
            ],
        ),
        (
            &boss,
            "/index/experts".into(),
            vec![
                ("expert_id".into(), x.id.to_string()),
                ("credit_code".into(), e.credit_code.clone()),
                ("period".into(), "2026".into()),
                ("indicators".into(), FOCUS.into()),
            ],
        ),
        (&boss, format!("/index/experts/{id}/remove"), vec![]),
        (
            &prof,
            score_path.clone(),
            vec![
                ("version".into(), String::new()),
                (format!("score_{FOCUS}"), "50".into()),
            ],
        ),
    ];
    for (client, path, fields) in cases {
        let r = client
            .post(app.url(&path))
            .form(&fields)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
        let mut with_bad = fields.clone();
        with_bad.push(("csrf_token".into(), "0".repeat(64)));
        let r = client
            .post(app.url(&path))
            .form(&with_bad)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403, "{path}");
    }
    // The upload without a token.
    let form = Form::new().part(
        "file",
        Part::bytes(format!("credit_code,period,{CASH}\n{},2025,1\n", e.credit_code).into_bytes())
            .file_name("v.csv")
            .mime_str("text/csv")
            .unwrap(),
    );
    let r = boss
        .post(app.url("/index/import"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(value_count(&app), 0);
    let n: i64 = app.with_db(|c| Ok(expert_assignments::table.count().get_result(c)?));
    assert_eq!(n, 2);
    assert_eq!(app.audit_count("index.expert.score"), 0);
}
