//! Financing services through HTTP: partners' agreements and service plans;
//! financing needs, referrals, roll-ups and the service-center queue.

use chrono::NaiveDate;
use srdi_board::domain::financing::{FinancingKind, NeedData, ReferralMove};
use srdi_board::domain::role::Role;
use srdi_board::domain::scope::DataScope;
use srdi_board::models::audit::Actor;
use srdi_board::models::financing::{
    Agreement, Need, Referral, Rollups, ServiceFigures, ServicePlan,
};

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

fn need_fields<'a>(kind: &'a str, amount: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("kind", kind),
        ("amount", amount),
        ("purpose", "采购研发设备"),
        ("wanted_by", ""),
    ]
}

fn need_id(r: &reqwest::Response) -> i32 {
    location(r).rsplit('/').next().unwrap().parse().unwrap()
}

/// Stores a need directly (for hand-made data sets).
fn stored_need(
    app: &TestApp,
    enterprise: i32,
    district: &str,
    kind: FinancingKind,
    wan: i64,
) -> i32 {
    let d = NeedData {
        kind,
        amount: wan * 10_000,
        purpose: "测试".into(),
        wanted_by: None,
    };
    let district = district.to_string();
    app.with_db(move |c| Ok(Need::create(c, &Actor::cli(), enterprise, &district, &d, "staff")?.id))
}

/// Refers a need to a partner and moves it to `mv` (if any); returns the referral id.
fn stored_referral(app: &TestApp, need: i32, partner: i32, mv: Option<ReferralMove>) -> i32 {
    app.with_db(move |c| {
        let row = Need::find(c, &DataScope::All, need)?.unwrap();
        let r = Referral::create(c, &Actor::cli(), &row, partner).expect("refer");
        if let Some(mv) = mv {
            Referral::advance(c, &Actor::cli(), &row, r.id, r.version, &mv).expect("move");
        }
        Ok(r.id)
    })
}

fn approved(wan: i64) -> Option<ReferralMove> {
    Some(ReferralMove::Approved {
        amount: wan * 10_000,
        rate: Some(350),
        on: NaiveDate::from_ymd_opt(2026, 1, 15).unwrap(),
    })
}

#[tokio::test]
async fn an_enterprise_records_its_own_needs_and_sees_only_them() {
    let app = TestApp::spawn().await;
    let mine = app.enterprise("9137021212345670", "青岛融资测试科技有限公司", "370212");
    let other = app.enterprise("9137020312345670", "青岛他企科技有限公司", "370203");
    app.user_with("ent", Role::Enterprise, Some(mine.id), &[], false);
    app.user("ops", Role::Staff);
    let c = app.signed_in("ent").await;
    let (status, html) = page(&app, &c, "/financing/needs/new").await;
    assert_eq!(status, 200);
    assert!(html.contains("青岛融资测试科技有限公司") && !html.contains(r#"name="enterprise_id""#));
    // Refused: no kind, zero amount, no purpose, a past date; input kept.
    let r = app
        .post_form(
            &c,
            "/financing/needs",
            &[
                ("kind", ""),
                ("amount", "0"),
                ("purpose", ""),
                ("wanted_by", "2020-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    for f in ["kind", "amount", "purpose", "wanted_by"] {
        assert!(html.contains(&format!(r#"id="{f}-error""#)), "{f}");
    }
    assert!(html.contains("金额须大于零") && html.contains(r#"value="2020-01-01""#));
    // Accepted; an enterprise_id sent along is ignored (its own enterprise only).
    let other_id = other.id.to_string();
    let mut fields = need_fields("first_loan", "300");
    fields.push(("enterprise_id", &other_id));
    let r = app.post_form(&c, "/financing/needs", &fields).await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/financing");
    let (status, html) = page(&app, &c, "/financing").await;
    assert_eq!(status, 200);
    assert!(html.contains("融资需求已登记") && html.contains("首贷") && html.contains("300.00"));
    let own = app.with_db(|c| Ok(Need::for_enterprise(c, mine.id)?));
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].created_via, "enterprise");
    assert!(
        app.with_db(|c| Ok(Need::for_enterprise(c, other.id)?))
            .is_empty()
    );
    assert_eq!(app.audit_count("financing_need.create"), 1);
    // Staff record one for the other enterprise, from its page.
    let s = app.signed_in("ops").await;
    let (_, html) = page(&app, &s, &format!("/enterprises/{}", other.id)).await;
    assert!(
        html.contains("融资需求")
            && html.contains(&format!("/financing/needs/new?enterprise={}", other.id))
    );
    let (status, html) = page(
        &app,
        &s,
        &format!("/financing/needs/new?enterprise={}", other.id),
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("青岛他企科技有限公司"));
    let mut fields = need_fields("equity", "2000");
    fields.push(("enterprise_id", &other_id));
    let r = app.post_form(&s, "/financing/needs", &fields).await;
    assert_eq!(r.status(), 303);
    let theirs = need_id(&r);
    let (_, html) = page(&app, &s, &format!("/enterprises/{}", other.id)).await;
    assert!(html.contains(&format!("/financing/needs/{theirs}")) && html.contains("股权融资"));
    // The enterprise sees neither that need nor its page.
    let (_, html) = page(&app, &c, "/financing").await;
    assert!(!html.contains("股权融资"));
    assert_eq!(
        page(&app, &c, &format!("/financing/needs/{theirs}"))
            .await
            .0,
        404
    );
    assert_eq!(
        page(&app, &c, &format!("/financing/needs/{}", own[0].id))
            .await
            .0,
        200
    );
    // Staff asking for an unknown enterprise get 404.
    assert_eq!(
        page(&app, &s, "/financing/needs/new?enterprise=999999")
            .await
            .0,
        404
    );
    assert_eq!(page(&app, &s, "/financing/needs/new").await.0, 404);
}

#[tokio::test]
async fn staff_match_needs_to_suitable_partners_and_move_referrals() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021212345670", "青岛融资测试科技有限公司", "370212");
    app.user_with("company", Role::Enterprise, Some(e.id), &[], false);
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let bank = partner(&app, &s, "青岛银行股份有限公司", "bank").await;
    let vc = partner(&app, &s, "青岛创新投资有限公司", "investor").await;
    let need = stored_need(&app, e.id, "370212", FinancingKind::Loan, 500);
    let here = format!("/financing/needs/{need}");
    // Only banks are offered for a loan.
    let (_, html) = page(&app, &s, &here).await;
    assert!(
        html.contains("青岛银行股份有限公司 (银行)") && !html.contains("青岛创新投资有限公司 (")
    );
    // An investor for a loan is refused beside the field.
    let vc_s = vc.to_string();
    let r = app
        .post_form(&s, &format!("{here}/referrals"), &[("partner_id", &vc_s)])
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"id="partner_id-error""#) && html.contains("该机构类型不能提供此类融资")
    );
    let bank_s = bank.to_string();
    let r = app
        .post_form(&s, &format!("{here}/referrals"), &[("partner_id", &bank_s)])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), here);
    // Twice is refused.
    let r = app
        .post_form(&s, &format!("{here}/referrals"), &[("partner_id", &bank_s)])
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("已推送给该机构"));
    let n = app.with_db(|c| Ok(Need::find(c, &DataScope::All, need)?.unwrap()));
    assert_eq!(n.need.status.as_str(), "matched");
    let refs = app.with_db(|c| Ok(Referral::for_needs(c, &[need])?));
    let rid = refs[0].0.id;
    let path = format!("/financing/referrals/{rid}");
    let r = app
        .post_form(&s, &path, &[("status", "in_review"), ("version", "1")])
        .await;
    assert_eq!(r.status(), 303);
    // Stale: 409, the input kept.
    let stale = [
        ("status", "approved"),
        ("approved_amount", "450"),
        ("approved_rate", "3.65"),
        ("approved_on", "2026-01-10"),
        ("version", "1"),
    ];
    let r = app.post_form(&s, &path, &stale).await;
    assert_eq!(r.status(), 409);
    let html = r.text().await.unwrap();
    assert!(html.contains("其他用户刚刚修改了这条记录") && html.contains(r#"value="3.65""#));
    // Invalid approval: amount missing.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("status", "approved"),
                ("approved_amount", ""),
                ("approved_on", "2026-01-10"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(
        html.contains(r#"id="approved_amount-error""#) && html.contains(r#"value="2026-01-10""#)
    );
    let mut ok = stale;
    ok[4].1 = "2";
    let r = app.post_form(&s, &path, &ok).await;
    assert_eq!(r.status(), 303);
    let r = app.with_db(|c| Ok(Referral::find(c, rid)?.unwrap()));
    assert_eq!(r.status.as_str(), "approved");
    assert_eq!(
        (r.approved_amount, r.approved_rate),
        (Some(4_500_000), Some(365))
    );
    assert!(r.in_review_at.is_some() && r.decided_at.is_some() && r.version == 3);
    // A decision is final.
    let r = app
        .post_form(
            &s,
            &path,
            &[
                ("status", "declined"),
                ("decline_reason", "x"),
                ("version", "3"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(app.audit_count("financing_referral.create"), 1);
    assert_eq!(app.audit_count("financing_referral.status"), 2);
    let (_, html) = page(&app, &s, &here).await;
    assert!(html.contains("已获批") && html.contains("450.00") && html.contains("3.65%"));
    // The decision reached the enterprise's inbox, in its reader's words.
    let co = app.signed_in("company").await;
    let (_, inbox) = page(&app, &co, "/inbox").await;
    assert!(
        inbox.contains("青岛银行股份有限公司 已答复 青岛融资测试科技有限公司 的融资对接：已获批"),
        "no referral notification"
    );
    let answered = |c: &mut srdi_board::db::DbConnection| {
        use diesel::prelude::*;
        use srdi_board::schema::notifications as n;
        Ok(n::table
            .filter(n::kind.eq("referral_answered"))
            .count()
            .get_result::<i64>(c)?)
    };
    assert_eq!(
        app.with_db(answered),
        1,
        "only the enterprise account; staff recorded nothing"
    );
}

#[tokio::test]
async fn roll_ups_add_up_approved_financing() {
    let app = TestApp::spawn().await;
    let a = app.enterprise("9137021212345670", "青岛甲科技有限公司", "370212");
    let b = app.enterprise("9137020312345670", "青岛乙科技有限公司", "370203");
    app.sql(&format!(
        "UPDATE enterprises SET current_level = 'national' WHERE id = {}",
        a.id
    ));
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let bank = partner(&app, &s, "青岛银行股份有限公司", "bank").await;
    let bank2 = partner(&app, &s, "青岛农商银行", "bank").await;
    let sec = partner(&app, &s, "中信证券股份有限公司", "securities_firm").await;
    let n1 = stored_need(&app, a.id, "370212", FinancingKind::Loan, 500);
    let n2 = stored_need(&app, b.id, "370203", FinancingKind::Loan, 300);
    let n3 = stored_need(&app, a.id, "370212", FinancingKind::Bond, 5000);
    let n4 = stored_need(&app, b.id, "370203", FinancingKind::FirstLoan, 100);
    stored_referral(&app, n1, bank, approved(400));
    stored_referral(
        &app,
        n1,
        bank2,
        Some(ReferralMove::Declined {
            reason: "额度不足".into(),
        }),
    );
    stored_referral(&app, n2, bank, approved(300));
    stored_referral(&app, n3, sec, approved(3000));
    stored_referral(&app, n4, bank2, Some(ReferralMove::InReview));
    let r = app.with_db(|c| Ok(Rollups::load(c, &DataScope::All, None)?));
    assert_eq!(
        r.by_kind,
        vec![
            ("bond".into(), 1, 30_000_000),
            ("loan".into(), 2, 7_000_000)
        ]
    );
    assert_eq!(
        r.by_partner,
        vec![
            ("中信证券股份有限公司".into(), 1, 30_000_000),
            ("青岛银行股份有限公司".into(), 2, 7_000_000)
        ]
    );
    assert_eq!(
        r.by_district,
        vec![
            ("370203".into(), 1, 3_000_000),
            ("370212".into(), 2, 34_000_000)
        ]
    );
    assert!(
        r.by_level
            .contains(&(Some("national".into()), 2, 34_000_000))
    );
    assert!(r.by_level.contains(&(None, 1, 3_000_000)));
    let (status, html) = page(&app, &s, "/financing").await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg") && html.contains("3,400.00") && html.contains("700.00"));
    // Filters.
    let (_, html) = page(&app, &s, "/financing?kind=bond").await;
    assert!(
        html.contains(
            "/financing/needs/{n3}"
                .replace("{n3}", &n3.to_string())
                .as_str()
        )
    );
    assert!(!html.contains(&format!("/financing/needs/{n1}\"")));
    let (_, html) = page(&app, &s, "/financing?district=370203&status=matched").await;
    assert!(
        html.contains(&format!("/financing/needs/{n2}\""))
            && !html.contains(&format!("/financing/needs/{n1}\""))
    );
    // A district-scoped official sees its district only, roll-ups included.
    app.user_with("gov", Role::Official, None, &["370203"], false);
    let g = app.signed_in("gov").await;
    let (_, html) = page(&app, &g, "/financing").await;
    assert!(html.contains("青岛乙科技有限公司") && !html.contains("青岛甲科技有限公司"));
    assert!(!html.contains("3,400.00"));
    assert_eq!(
        page(&app, &g, &format!("/financing/needs/{n1}")).await.0,
        404
    );
    assert_eq!(
        page(&app, &g, &format!("/financing/needs/{n2}")).await.0,
        200
    );
    let scoped = app.with_db(|c| {
        Ok(Rollups::load(
            c,
            &DataScope::Districts(vec![
                srdi_board::domain::district::DistrictCode::parse("370203").unwrap(),
            ]),
            None,
        )?)
    });
    assert_eq!(scoped.by_kind, vec![("loan".into(), 1, 3_000_000)]);
}

#[tokio::test]
async fn keyset_paging_walks_every_need_once() {
    let app = TestApp::spawn().await;
    let a = app.enterprise("9137021212345670", "青岛甲科技有限公司", "370212");
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let ids: Vec<i32> = (0..55)
        .map(|i| stored_need(&app, a.id, "370212", FinancingKind::Loan, 10 + i))
        .collect();
    let (_, html) = page(&app, &s, "/financing").await;
    let re = regex::Regex::new(r#"href="/financing\?(before=\d+)""#).unwrap();
    let next = re.captures(&html).expect("a next link")[1].to_string();
    assert!(html.contains(&format!("/financing/needs/{}\"", ids[54])));
    assert!(!html.contains(&format!("/financing/needs/{}\"", ids[0])));
    let (_, html) = page(&app, &s, &format!("/financing?{next}")).await;
    assert!(html.contains(&format!("/financing/needs/{}\"", ids[0])));
    assert!(!html.contains(&format!("/financing/needs/{}\"", ids[54])));
    assert!(re.captures(&html).is_none());
}

#[tokio::test]
async fn the_service_center_queue_is_oldest_first_with_its_figures() {
    let app = TestApp::spawn().await;
    let a = app.enterprise("9137021212345670", "青岛甲科技有限公司", "370212");
    let b = app.enterprise("9137020312345670", "青岛乙科技有限公司", "370203");
    app.user("ops", Role::Staff);
    let s = app.signed_in("ops").await;
    let bank = partner(&app, &s, "青岛银行股份有限公司", "bank").await;
    let old = stored_need(&app, b.id, "370203", FinancingKind::CreditLoan, 100);
    let newer = stored_need(&app, a.id, "370212", FinancingKind::FirstLoan, 200);
    let loan = stored_need(&app, a.id, "370212", FinancingKind::Loan, 300);
    let done1 = stored_need(&app, a.id, "370212", FinancingKind::FirstLoan, 50);
    let done2 = stored_need(&app, a.id, "370212", FinancingKind::CreditLoan, 60);
    let r1 = stored_referral(&app, done1, bank, approved(50));
    let r2 = stored_referral(&app, done2, bank, Some(ReferralMove::InReview));
    let ts = |days: i64| {
        let t = chrono::Utc::now().naive_utc() - chrono::Duration::days(days);
        format!("'{}'", t.format("%Y-%m-%d %H:%M:%S"))
    };
    app.sql(&format!(
        "UPDATE financing_needs SET created_at = {} WHERE id = {old};
         UPDATE financing_needs SET created_at = {} WHERE id = {newer};
         UPDATE financing_needs SET created_at = {} WHERE id = {loan};
         UPDATE financing_needs SET created_at = {} WHERE id IN ({done1}, {done2});
         UPDATE financing_referrals SET sent_at = {}, decided_at = {} WHERE id = {r1};
         UPDATE financing_referrals SET sent_at = {} WHERE id = {r2};",
        ts(45),
        ts(10),
        ts(90),
        ts(40),
        ts(38),
        ts(30),
        ts(34),
    ));
    let (status, html) = page(&app, &s, "/financing/service-center").await;
    assert_eq!(status, 200);
    // Open first/credit loans only, oldest first.
    let p_old = html
        .find(&format!("/financing/needs/{old}\""))
        .expect("old in queue");
    let p_new = html
        .find(&format!("/financing/needs/{newer}\""))
        .expect("newer in queue");
    assert!(p_old < p_new);
    assert!(!html.contains(&format!("/financing/needs/{loan}\"")));
    assert!(!html.contains(&format!("/financing/needs/{done1}\"")));
    // To first referral: 2 and 6 days (median 4); to decision: 10 days; one waits > 30 days.
    let f = app.with_db(|c| {
        Ok(ServiceFigures::load(
            c,
            &DataScope::All,
            srdi_board::models::now(),
        )?)
    });
    assert_eq!(f.median_to_referral.map(|d| d.round()), Some(4.0));
    assert_eq!(f.median_to_decision.map(|d| d.round()), Some(10.0));
    assert_eq!(f.waiting_over_30, 1);
    assert!(html.contains(r#"<dd id="waiting-30">1</dd>"#));
    assert!(html.contains(r#"<dd id="median-decision">10.0</dd>"#));
}

#[tokio::test]
async fn roles_are_kept_to_what_they_may_do() {
    let app = TestApp::spawn().await;
    let a = app.enterprise("9137021212345670", "青岛甲科技有限公司", "370212");
    app.user("ops", Role::Staff);
    app.user("gov", Role::Official);
    app.user("expert", Role::Expert);
    app.user_with("ent", Role::Enterprise, Some(a.id), &[], false);
    let s = app.signed_in("ops").await;
    let bank = partner(&app, &s, "青岛银行股份有限公司", "bank").await;
    let need = stored_need(&app, a.id, "370212", FinancingKind::Loan, 500);
    let rid = stored_referral(&app, need, bank, None);
    let bank_s = bank.to_string();
    let a_s = a.id.to_string();
    let mut new_need = need_fields("loan", "100");
    new_need.push(("enterprise_id", &a_s));
    let posts: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("/financing/needs".into(), new_need.clone()),
        (
            format!("/financing/needs/{need}/referrals"),
            vec![("partner_id", &bank_s)],
        ),
        (
            format!("/financing/referrals/{rid}"),
            vec![("status", "in_review"), ("version", "1")],
        ),
    ];
    let e = app.signed_in("expert").await;
    for path in [
        "/financing",
        "/financing/needs/new",
        "/financing/service-center",
        &format!("/financing/needs/{need}"),
    ] {
        assert_eq!(page(&app, &e, path).await.0, 403, "expert GET {path}");
    }
    for (path, fields) in &posts {
        assert_eq!(
            app.post_form(&e, path, fields).await.status(),
            403,
            "expert {path}"
        );
    }
    let g = app.signed_in("gov").await;
    assert_eq!(page(&app, &g, "/financing").await.0, 200);
    assert_eq!(page(&app, &g, "/financing/service-center").await.0, 200);
    let (status, html) = page(&app, &g, &format!("/financing/needs/{need}")).await;
    assert_eq!(status, 200);
    assert!(!html.contains(r#"id="match-form""#) && !html.contains(r#"name="version""#));
    assert_eq!(
        page(
            &app,
            &g,
            &format!("/financing/needs/new?enterprise={}", a.id)
        )
        .await
        .0,
        403
    );
    for (path, fields) in &posts {
        assert_eq!(
            app.post_form(&g, path, fields).await.status(),
            403,
            "official {path}"
        );
    }
    let c = app.signed_in("ent").await;
    assert_eq!(page(&app, &c, "/financing/service-center").await.0, 403);
    let (_, html) = page(&app, &c, &format!("/financing/needs/{need}")).await;
    assert!(!html.contains(r#"id="match-form""#));
    for (path, fields) in &posts[1..] {
        assert_eq!(
            app.post_form(&c, path, fields).await.status(),
            403,
            "enterprise {path}"
        );
    }
    // Every POST needs the session token (staff, who may otherwise do all).
    for (path, fields) in &posts {
        let r = s.post(app.url(path)).form(fields).send().await.unwrap();
        assert_eq!(r.status(), 403, "no token: {path}");
        let mut wrong = vec![("csrf_token", "0".repeat(64))];
        wrong.extend(fields.iter().map(|(k, v)| (*k, v.to_string())));
        let r = s.post(app.url(path)).form(&wrong).send().await.unwrap();
        assert_eq!(r.status(), 403, "wrong token: {path}");
    }
    assert_eq!(app.audit_count("financing_need.create"), 1);
    assert_eq!(app.audit_count("financing_referral.create"), 1);
    assert_eq!(app.audit_count("financing_referral.status"), 0);
}

#[tokio::test]
async fn needs_are_closed_with_a_reason_by_their_enterprise_or_staff() {
    let app = TestApp::spawn().await;
    let a = app.enterprise("9137021212345670", "青岛甲科技有限公司", "370212");
    let b = app.enterprise("9137020212345670", "青岛乙科技有限公司", "370202");
    app.user("ops", Role::Staff);
    app.user_with("ops_sn", Role::Staff, None, &["370202"], false);
    app.user("gov", Role::Official);
    app.user("expert", Role::Expert);
    app.user_with("ent", Role::Enterprise, Some(a.id), &[], false);
    let mine = stored_need(&app, a.id, "370212", FinancingKind::Loan, 500);
    let theirs = stored_need(&app, b.id, "370202", FinancingKind::Loan, 300);
    let close = |id: i32| format!("/financing/needs/{id}/close");
    let c = app.signed_in("ent").await;

    // Another enterprise's need does not exist for this account.
    let r = app
        .post_form(
            &c,
            &close(theirs),
            &[("reason", "withdrawn"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 404);
    // No reason; "other" without a note: said beside the field, the note kept.
    let r = app
        .post_form(
            &c,
            &close(mine),
            &[("reason", ""), ("note", "先看看"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="reason-error""#) && html.contains("请选择关闭原因"));
    assert!(html.contains(">先看看</textarea>"));
    let r = app
        .post_form(
            &c,
            &close(mine),
            &[("reason", "other"), ("note", " "), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains(r#"id="note-error""#));
    assert_eq!(app.audit_count("financing_need.close"), 0);

    // Closed, with who, when and why on the page; no longer an open need at home.
    let r = app
        .post_form(
            &c,
            &close(mine),
            &[
                ("reason", "withdrawn"),
                ("note", "项目推迟到明年"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = page(&app, &c, &format!("/financing/needs/{mine}")).await;
    assert!(html.contains(r#"id="closed""#) && html.contains("企业不再需要"));
    assert!(html.contains("项目推迟到明年"));
    assert!(
        !html.contains(r#"id="close-form""#),
        "nothing left to close"
    );
    let home = page(&app, &c, "/").await.1;
    assert!(!home.contains(&format!("/financing/needs/{mine}\"")));
    let stored = app.with_db(|conn| Ok(Need::find(conn, &DataScope::All, mine)?.unwrap().need));
    assert_eq!(stored.close_reason.as_deref(), Some("withdrawn"));
    assert!(stored.closed_at.is_some() && stored.closed_by.is_some());
    assert_eq!(stored.version, 2);
    assert_eq!(app.audit_count("financing_need.close"), 1);

    // A second close from the same stale form: 409, the input kept, nothing written.
    let r = app
        .post_form(
            &c,
            &close(mine),
            &[("reason", "financed"), ("note", "又一次"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains(">又一次</textarea>"));
    assert_eq!(app.audit_count("financing_need.close"), 1);

    // A closed need takes no referral.
    let s = app.signed_in("ops").await;
    let bank = partner(&app, &s, "青岛银行股份有限公司", "bank").await;
    let r = app
        .post_form(
            &s,
            &format!("/financing/needs/{mine}/referrals"),
            &[("partner_id", &bank.to_string())],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("该需求已关闭"));

    // Staff close in their districts only; officials and experts never; a token always.
    let ls = app.signed_in("ops_sn").await;
    let r = app
        .post_form(
            &ls,
            &close(theirs),
            &[("reason", "financed"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 303);
    let other = stored_need(&app, a.id, "370212", FinancingKind::Loan, 100);
    let r = app
        .post_form(
            &ls,
            &close(other),
            &[("reason", "financed"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status(), 404, "outside the district");
    for who in ["gov", "expert"] {
        let x = app.signed_in(who).await;
        let r = app
            .post_form(
                &x,
                &close(other),
                &[("reason", "financed"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status(), 403, "{who}");
    }
    let r = s
        .post(app.url(&close(other)))
        .form(&[("reason", "financed"), ("version", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "no token");
    assert_eq!(app.audit_count("financing_need.close"), 2);
}
