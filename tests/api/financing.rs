//! Financing services through HTTP: partners' agreements and service plans;
//! financing needs, referrals, roll-ups and the service-center queue.

use srdi_board::domain::role::Role;
use srdi_board::models::financing::{Agreement, ServicePlan};

use crate::helpers::{TestApp, location};

async fn page(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// A partner created by staff `s`; returns its id.
async fn partner(app: &TestApp, s: &reqwest::Client, name: &str, kind: &str) -> i32 {
    let r = app
        .post_form(s, "/partners", &[("name", name), ("kind", kind)])
        .await;
    assert_eq!(r.status(), 303);
    location(&r).rsplit('/').next().unwrap().parse().unwrap()
}

fn agreement<'a>(signed: &'a str, starts: &'a str, ends: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("signed_on", signed),
        ("scope", "科技型中小企业信贷服务"),
        ("starts_on", starts),
        ("ends_on", ends),
    ]
}

fn plan<'a>(min: &'a str, max: &'a str, rmin: &'a str, rmax: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "专精特新贷"),
        ("products", "信用贷款、知识产权质押贷款"),
        ("min_amount", min),
        ("max_amount", max),
        ("term_months", "12"),
        ("rate_min", rmin),
        ("rate_max", rmax),
        ("target_levels", "创新型中小企业、专精特新中小企业"),
        ("active", "1"),
    ]
}

#[tokio::test]
async fn agreements_are_recorded_edited_and_terminated_on_the_partner_page() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let bank = partner(&app, &s, "青岛银行股份有限公司", "bank").await;
    let here = format!("/partners/{bank}");
    let (_, html) = page(&app, &s, &here).await;
    assert!(html.contains("暂无合作协议") && html.contains("暂无服务方案"));
    // Refused: no scope, end before start; the input is kept beside the messages.
    let mut bad = agreement("2025-12-01", "2026-01-01", "2025-06-30");
    bad[1].1 = " ";
    let r = app.post_form(&s, &format!("{here}/agreements"), &bad).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="scope-error""#) && html.contains(r#"id="ends_on-error""#));
    assert!(html.contains("截止日期不能早于起始日期"));
    assert!(html.contains(r#"value="2025-06-30""#) && html.contains(r#"value="2025-12-01""#));
    assert_eq!(app.audit_count("partner_agreement.create"), 0);
    // An agreement in force (signed, open-ended), a draft (unsigned) and an expired one.
    for fields in [
        agreement("2025-12-01", "2026-01-01", ""),
        agreement("", "2026-01-01", "2030-12-31"),
        agreement("2020-01-01", "2020-01-01", "2022-12-31"),
    ] {
        let r = app
            .post_form(&s, &format!("{here}/agreements"), &fields)
            .await;
        assert_eq!(r.status(), 303);
        assert_eq!(location(&r), here);
    }
    assert_eq!(app.audit_count("partner_agreement.create"), 3);
    let (_, html) = page(&app, &s, &here).await;
    assert!(html.contains("合作协议已保存"));
    assert!(html.contains(">生效<") && html.contains(">草拟<") && html.contains(">到期<"));
    let stored = app.with_db(|c| Ok(Agreement::for_partner(c, bank)?));
    let draft = stored.iter().find(|a| a.signed_on.is_none()).unwrap().id;
    // Edit: the form is filled from the stored agreement and carries its version.
    let (_, html) = page(&app, &s, &format!("{here}?agreement={draft}")).await;
    assert!(html.contains(&format!(r#"action="{here}/agreements/{draft}""#)));
    assert!(html.contains(r#"value="2030-12-31""#));
    let mut signed = agreement("2025-12-20", "2026-01-01", "2030-12-31");
    signed.push(("version", "1"));
    let r = app
        .post_form(&s, &format!("{here}/agreements/{draft}"), &signed)
        .await;
    assert_eq!(r.status(), 303);
    // The same edit again is stale: 409, input kept.
    signed[0].1 = "2025-12-21";
    let r = app
        .post_form(&s, &format!("{here}/agreements/{draft}"), &signed)
        .await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("其他用户刚刚修改了这条记录") && html.contains(r#"value="2025-12-21""#));
    assert_eq!(app.audit_count("partner_agreement.update"), 1);
    // Terminating needs a date and a reason.
    let term = format!("{here}/agreements/{draft}/terminate");
    let r = app
        .post_form(
            &s,
            &term,
            &[("terminated_on", ""), ("reason", ""), ("version", "2")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="terminated_on-error""#) && html.contains(r#"id="reason-error""#));
    let r = app
        .post_form(
            &s,
            &term,
            &[
                ("terminated_on", "2026-03-01"),
                ("reason", "合作方调整业务"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = page(&app, &s, &here).await;
    assert!(html.contains(">终止<") && html.contains("合作方调整业务"));
    assert_eq!(app.audit_count("partner_agreement.terminate"), 1);
    let a = app.with_db(|c| Ok(Agreement::find(c, bank, draft)?.unwrap()));
    assert_eq!(a.version, 3);
    assert_eq!(a.termination_reason, "合作方调整业务");
}

#[tokio::test]
async fn service_plans_check_their_ranges() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let bank = partner(&app, &s, "青岛农商银行", "bank").await;
    let here = format!("/partners/{bank}");
    let r = app
        .post_form(&s, &format!("{here}/plans"), &plan("1000", "50", "5", "x"))
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="max_amount-error""#) && html.contains("上限不能小于下限"));
    assert!(html.contains(r#"id="rate_max-error""#));
    assert!(html.contains(r#"value="1000""#) && html.contains(r#"value="x""#));
    assert_eq!(app.audit_count("partner_plan.create"), 0);
    let r = app
        .post_form(
            &s,
            &format!("{here}/plans"),
            &plan("50", "1000", "3.2", "4.5"),
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = page(&app, &s, &here).await;
    assert!(html.contains("服务方案已保存") && html.contains("专精特新贷"));
    assert!(html.contains("50.00 – 1,000.00") && html.contains("3.20% – 4.50%"));
    let id = app.with_db(|c| Ok(ServicePlan::for_partner(c, bank)?))[0].id;
    // Edit to an equity-like plan without rates ("—"), switched off.
    let mut edit = plan("100", "", "—", "");
    edit[8].1 = "0";
    edit.push(("version", "1"));
    let r = app
        .post_form(&s, &format!("{here}/plans/{id}"), &edit)
        .await;
    assert_eq!(r.status(), 303);
    let p = app.with_db(|c| Ok(ServicePlan::find(c, bank, id)?.unwrap()));
    assert!(!p.active && p.rate_min.is_none() && p.max_amount.is_none() && p.version == 2);
    assert_eq!(p.min_amount, Some(1_000_000));
    // Stale.
    let r = app
        .post_form(&s, &format!("{here}/plans/{id}"), &edit)
        .await;
    assert_eq!(r.status(), 409);
    assert_eq!(app.audit_count("partner_plan.update"), 1);
}

#[tokio::test]
async fn officials_read_agreements_and_plans_others_are_refused() {
    let app = TestApp::spawn().await;
    app.user("ops", Role::Staff);
    app.user("gov", Role::Official);
    app.user("expert", Role::Expert);
    let s = app.signed_in("ops").await;
    let bank = partner(&app, &s, "青岛银行股份有限公司", "bank").await;
    let here = format!("/partners/{bank}");
    app.post_form(
        &s,
        &format!("{here}/agreements"),
        &agreement("2025-12-01", "2026-01-01", ""),
    )
    .await;
    app.post_form(
        &s,
        &format!("{here}/plans"),
        &plan("50", "1000", "3.2", "4.5"),
    )
    .await;
    let aid = app.with_db(|c| Ok(Agreement::for_partner(c, bank)?))[0].id;
    let pid = app.with_db(|c| Ok(ServicePlan::for_partner(c, bank)?))[0].id;
    let g = app.signed_in("gov").await;
    let (status, html) = page(&app, &g, &here).await;
    assert_eq!(status, 200);
    assert!(html.contains("科技型中小企业信贷服务") && html.contains("专精特新贷"));
    assert!(!html.contains(r#"id="agreement-form""#) && !html.contains(r#"id="plan-form""#));
    let mut versioned = agreement("2025-12-01", "2026-01-01", "");
    versioned.push(("version", "1"));
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        (
            format!("{here}/agreements"),
            agreement("2025-12-01", "2026-01-01", ""),
        ),
        (format!("{here}/agreements/{aid}"), versioned.clone()),
        (
            format!("{here}/agreements/{aid}/terminate"),
            vec![
                ("terminated_on", "2026-03-01"),
                ("reason", "x"),
                ("version", "1"),
            ],
        ),
        (format!("{here}/plans"), plan("1", "2", "", "")),
        (format!("{here}/plans/{pid}"), plan("1", "2", "", "")),
    ];
    let e = app.signed_in("expert").await;
    for (path, fields) in &posts {
        assert_eq!(
            app.post_form(&g, path, fields).await.status(),
            403,
            "official {path}"
        );
        assert_eq!(
            app.post_form(&e, path, fields).await.status(),
            403,
            "expert {path}"
        );
        // And staff without the session token.
        let r = s.post(app.url(path)).form(fields).send().await.unwrap();
        assert_eq!(r.status(), 403, "no token: {path}");
    }
    assert_eq!(page(&app, &e, &here).await.0, 403);
    assert_eq!(app.audit_count("partner_agreement.create"), 1);
    assert_eq!(app.audit_count("partner_agreement.update"), 0);
    assert_eq!(app.audit_count("partner_agreement.terminate"), 0);
    assert_eq!(app.audit_count("partner_plan.create"), 1);
    assert_eq!(app.audit_count("partner_plan.update"), 0);
}
