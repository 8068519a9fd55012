//! IPO cultivation through HTTP: discovery, checklists with evidence, proposals and
//! decisions with every refusal, the plan, intermediaries, tasks, the queue, the
//! pipeline page with its filters, scope and exports, and plan targets.

use srdi_board::domain::partner::PartnerKind;
use srdi_board::domain::role::Role;

use crate::helpers::{TestApp, location};

async fn get(app: &TestApp, client: &reqwest::Client, path: &str) -> (u16, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// The enterprise's current step as stored.
fn step_of(app: &TestApp, id: i32) -> Option<String> {
    app.with_db(|c| {
        Ok(srdi_board::models::enterprise::Enterprise::find(
            c,
            &srdi_board::domain::scope::DataScope::All,
            id,
        )?
        .unwrap()
        .cultivation_step)
    })
}

/// The id of the pending proposal of an enterprise.
fn pending_proposal(app: &TestApp, enterprise: i32) -> i32 {
    app.with_db(|c| {
        Ok(
            srdi_board::models::cultivation::proposals_of(c, enterprise)?
                .into_iter()
                .find(|p| p.is_pending())
                .expect("a pending proposal")
                .id,
        )
    })
}

#[tokio::test]
async fn an_enterprise_moves_only_by_approved_proposals_with_open_gates() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021212345670", "青岛培育测试科技有限公司", "370212");
    let other = app.enterprise("9137020312345670", "青岛他企科技有限公司", "370203");
    app.user("staff", Role::Staff);
    app.user("official", Role::Official);
    app.user("expert", Role::Expert);
    app.user_with("ent", Role::Enterprise, Some(e.id), &[], false);
    let staff = app.signed_in("staff").await;
    let official = app.signed_in("official").await;
    let page = format!("/enterprises/{}/cultivation", e.id);

    // Not in the pipeline yet: staff discover it at potential (no conditions).
    let (status, html) = get(&app, &staff, &page).await;
    assert_eq!(status, 200);
    assert!(html.contains("该企业尚未纳入上市培育"));
    let discover = format!("/enterprises/{}/cultivation/discover", e.id);
    let r = app
        .post_form(&staff, &discover, &[("note", "区工信局推荐")])
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(step_of(&app, e.id).as_deref(), Some("potential"));
    let r = app.post_form(&staff, &discover, &[("note", "")]).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("该企业已在培育中"));

    // The reserve checklist is closed: no title or rubric, intention not confirmed.
    let propose = format!("/enterprises/{}/cultivation/proposals", e.id);
    let advance = [
        ("action", "advance"),
        ("to", "reserve"),
        ("comment", "建议入库"),
    ];
    let r = app.post_form(&staff, &propose, &advance).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("进入条件尚未满足"), "{html}");
    assert!(html.contains("上市意愿确认") && html.contains("持有有效资质或评价达标"));
    assert!(html.contains("建议入库"), "the comment is kept");
    // Skipping a stage is refused whatever the checklists say.
    let skip = [
        ("action", "advance"),
        ("to", "shareholding_reform"),
        ("comment", ""),
    ];
    let r = app.post_form(&staff, &propose, &skip).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("须逐级推进"));

    // A tick needs evidence; with it the manual item counts.
    let ticks = format!("/enterprises/{}/cultivation/ticks", e.id);
    let r = app
        .post_form(
            &staff,
            &ticks,
            &[("item", "reserve.willing"), ("evidence", " ")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("请填写说明或文件编号"));
    let r = app
        .post_form(
            &staff,
            &ticks,
            &[("item", "reserve.qualified"), ("evidence", "x")],
        )
        .await;
    assert_eq!(r.status(), 422, "automatic items are not ticked by hand");
    let r = app
        .post_form(
            &staff,
            &ticks,
            &[
                ("item", "reserve.willing"),
                ("evidence", "董事会决议"),
                ("document_ref", "QD-2026-001"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    app.sql(&format!(
        "UPDATE enterprises SET current_level = 'municipal' WHERE id = {}",
        e.id
    ));
    let (_, html) = get(&app, &staff, &page).await;
    assert!(html.contains("条件已全部满足"), "{html}");
    assert!(html.contains("董事会决议"));

    // Officials, experts and enterprise accounts do not propose or tick.
    for who in [&official] {
        assert_eq!(app.post_form(who, &propose, &advance).await.status(), 403);
        assert_eq!(
            app.post_form(
                who,
                &ticks,
                &[("item", "reserve.willing"), ("evidence", "x")]
            )
            .await
            .status(),
            403
        );
    }
    let ent = app.signed_in("ent").await;
    assert_eq!(app.post_form(&ent, &propose, &advance).await.status(), 403);

    // Proposed: nothing moves yet; a second proposal waits for the first.
    let r = app.post_form(&staff, &propose, &advance).await;
    assert_eq!(r.status(), 303);
    assert_eq!(step_of(&app, e.id).as_deref(), Some("potential"));
    let r = app.post_form(&staff, &propose, &advance).await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("已有待审批的提议"));
    let id = pending_proposal(&app, e.id);

    // The inbox and the proposal page show it with its checklist.
    let (status, html) = get(&app, &official, "/proposals").await;
    assert_eq!(status, 200);
    assert!(html.contains("青岛培育测试科技有限公司"));
    let (status, html) = get(&app, &official, &format!("/proposals/{id}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("提议时的条件") && html.contains("上市意愿确认"));

    // Staff do not decide; a return needs a comment and moves nothing.
    let decision = format!("/proposals/{id}/decision");
    let r = app
        .post_form(
            &staff,
            &decision,
            &[("decision", "approve"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let r = app
        .post_form(
            &official,
            &decision,
            &[("decision", "return"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("退回时请说明原因"));
    let r = app
        .post_form(
            &official,
            &decision,
            &[("decision", "return"), ("comment", "请补充财务数据")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(step_of(&app, e.id).as_deref(), Some("potential"));
    // A decided proposal is not decided again.
    let r = app
        .post_form(
            &official,
            &decision,
            &[("decision", "approve"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status(), 409);

    // Proposed again and approved: the enterprise moves, on the timeline and the audit.
    assert_eq!(
        app.post_form(&staff, &propose, &advance).await.status(),
        303
    );
    let id = pending_proposal(&app, e.id);
    let r = app
        .post_form(
            &official,
            &format!("/proposals/{id}/decision"),
            &[("decision", "approve"), ("comment", "同意")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(step_of(&app, e.id).as_deref(), Some("reserve"));
    assert_eq!(app.audit_count("cultivation.move"), 2);
    assert_eq!(app.audit_count("cultivation.decide"), 2);
    let (_, html) = get(&app, &staff, &page).await;
    assert!(
        html.contains("请补充财务数据") && html.contains("同意"),
        "timeline"
    );
    // A page from before the move proposing reserve again is refused, not re-aimed.
    let r = app.post_form(&staff, &propose, &advance).await;
    assert_eq!(r.status(), 422);

    // Nobody approves their own proposal, even after becoming an official.
    let gate_ok = [
        ("item", "reform.plan"),
        ("evidence", "股改方案 v2"),
        ("document_ref", ""),
    ];
    assert_eq!(app.post_form(&staff, &ticks, &gate_ok).await.status(), 303);
    let exit = [
        ("action", "exit"),
        ("exit_kind", "withdrawn"),
        ("reason", ""),
        ("comment", ""),
    ];
    let r = app.post_form(&staff, &propose, &exit).await;
    assert_eq!(r.status(), 422, "an exit needs a reason");
    let exit = [
        ("action", "exit"),
        ("exit_kind", "withdrawn"),
        ("reason", "企业暂缓上市计划"),
        ("comment", ""),
    ];
    assert_eq!(app.post_form(&staff, &propose, &exit).await.status(), 303);
    let id = pending_proposal(&app, e.id);
    app.sql("UPDATE users SET role = 'official' WHERE username = 'staff'");
    let turned = app.signed_in("staff").await;
    let r = app
        .post_form(
            &turned,
            &format!("/proposals/{id}/decision"),
            &[("decision", "approve"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("不能批准本人提出的提议"));
    assert_eq!(step_of(&app, e.id).as_deref(), Some("reserve"));
    // Another official approves the exit; re-entry then needs a proposal too.
    let r = app
        .post_form(
            &official,
            &format!("/proposals/{id}/decision"),
            &[("decision", "approve"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(step_of(&app, e.id).as_deref(), Some("withdrawn"));
    app.sql("UPDATE users SET role = 'staff' WHERE username = 'staff'");
    let staff = app.signed_in("staff").await;
    let r = app.post_form(&staff, &discover, &[("note", "")]).await;
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("须经提议和审批才能重新纳入")
    );
    let r = app
        .post_form(
            &staff,
            &propose,
            &[("action", "reenter"), ("comment", "重新评估")],
        )
        .await;
    assert_eq!(r.status(), 303);

    // The enterprise account sees its own stage, checklist and timeline, no forms;
    // another enterprise's page does not exist for it.
    let (status, html) = get(&app, &ent, &page).await;
    assert_eq!(status, 200);
    assert!(html.contains("主动撤回") && html.contains("企业暂缓上市计划"));
    assert!(
        !html.contains("/cultivation/proposals\""),
        "no proposal form"
    );
    let (status, _) = get(
        &app,
        &ent,
        &format!("/enterprises/{}/cultivation", other.id),
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = get(&app, &ent, "/pipeline").await;
    assert_eq!(status, 403);
    let (status, _) = get(&app, &ent, "/proposals").await;
    assert_eq!(status, 403);
    let expert = app.signed_in("expert").await;
    let (status, _) = get(&app, &expert, &page).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn plan_intermediaries_tasks_and_queue() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021212345670", "青岛计划测试股份有限公司", "370212");
    let f = app.enterprise("9137021212345680", "青岛排序测试有限公司", "370212");
    app.user("staff", Role::Staff);
    app.user("staff2", Role::Staff);
    app.user("official", Role::Official);
    let staff = app.signed_in("staff").await;
    let staff2 = app.signed_in("staff2").await;
    let official = app.signed_in("official").await;
    for id in [e.id, f.id] {
        let r = app
            .post_form(
                &staff,
                &format!("/enterprises/{id}/cultivation/discover"),
                &[],
            )
            .await;
        assert_eq!(r.status(), 303);
    }
    let plan = format!("/enterprises/{}/cultivation/plan", e.id);

    // Bad input is named beside its field and kept.
    let fields = [
        ("target_board", "star"),
        ("valuation", "12亿"),
        ("planned_raise", "50000"),
        ("planned_filing_on", "2027-03-01"),
        ("planned_listing_on", "2026-12-31"),
        ("counsellor_id", ""),
        ("note", "科创属性评价中"),
        ("version", "0"),
    ];
    let r = app.post_form(&staff, &plan, &fields).await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="valuation-error""#));
    assert!(html.contains("计划上市日不能早于计划辅导备案日"));
    assert!(html.contains(r#"value="12亿""#) && html.contains("科创属性评价中"));
    let good = [
        ("target_board", "star"),
        ("valuation", "120000"),
        ("planned_raise", "30000"),
        ("planned_filing_on", "2027-03-01"),
        ("planned_listing_on", "2028-06-30"),
        ("counsellor_id", ""),
        ("note", "科创属性评价中"),
        ("version", "0"),
    ];
    assert_eq!(app.post_form(&staff, &plan, &good).await.status(), 303);
    // A second save from the same stale page is refused and keeps the input.
    let mut stale = good;
    stale[1] = ("valuation", "150000");
    let r = app.post_form(&staff2, &plan, &stale).await;
    assert_eq!(r.status(), 409);
    assert!(r.text().await.unwrap().contains(r#"value="150000""#));
    assert_eq!(app.audit_count("cultivation.plan"), 1);
    // Officials read the plan and may not change it.
    let (status, html) = get(
        &app,
        &official,
        &format!("/enterprises/{}/cultivation", e.id),
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        html.contains("科创板") && html.contains("120,000"),
        "{html}"
    );
    assert_eq!(app.post_form(&official, &plan, &good).await.status(), 403);

    // Intermediaries come from the partner register, of the matching kind.
    let bank = app.partner("青岛银行", PartnerKind::Bank);
    let sponsor = app.partner("中信证券", PartnerKind::SecuritiesFirm);
    let engage = format!("/enterprises/{}/cultivation/intermediaries", e.id);
    let bank_id = bank.to_string();
    let r = app
        .post_form(
            &staff,
            &engage,
            &[
                ("kind", "sponsor"),
                ("partner_id", &bank_id),
                ("engaged_on", ""),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("请选择与类型相符的在册合作机构")
    );
    let sponsor_id = sponsor.to_string();
    let r = app
        .post_form(
            &staff,
            &engage,
            &[
                ("kind", "sponsor"),
                ("partner_id", &sponsor_id),
                ("engaged_on", "2026-10-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let facts = app.with_db(|c| {
        let e = srdi_board::models::enterprise::Enterprise::find(
            c,
            &srdi_board::domain::scope::DataScope::All,
            e.id,
        )?
        .unwrap();
        Ok(srdi_board::models::cultivation::facts(
            c,
            &e,
            chrono::Utc::now().date_naive(),
        )?)
    });
    assert_eq!(facts.intermediaries.len(), 1);
    assert!(facts.target_board.is_some());

    // Tasks: validated, flagged when overdue on every list, done with a version check.
    let tasks = format!("/enterprises/{}/cultivation/tasks", e.id);
    let staff_id = app.with_db(|c| {
        Ok(srdi_board::models::user::User::by_username(c, "staff")?
            .unwrap()
            .id)
    });
    let owner = staff_id.to_string();
    let r = app
        .post_form(
            &staff,
            &tasks,
            &[
                ("title", ""),
                ("owner_id", &owner),
                ("due_on", "2020-13-01"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="title-error""#) && html.contains(r#"id="due_on-error""#));
    let r = app
        .post_form(
            &staff,
            &tasks,
            &[
                ("title", "提交审计报告"),
                ("owner_id", &owner),
                ("due_on", "2020-01-31"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = get(&app, &staff, &format!("/enterprises/{}/cultivation", e.id)).await;
    assert!(html.contains("提交审计报告") && html.contains("overdue-flag"));
    let (status, html) = get(&app, &staff, "/tasks").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("提交审计报告") && html.contains("overdue-flag"),
        "my tasks"
    );
    let (_, html) = get(&app, &staff2, "/tasks").await;
    assert!(!html.contains("提交审计报告"), "not staff2's task");
    let (status, html) = get(&app, &official, "/tasks").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("提交审计报告"),
        "officials see every overdue task"
    );
    let task_id: i32 = regex::Regex::new(r#"action="/tasks/(\d+)/done""#)
        .unwrap()
        .captures(&html)
        .map(|c| c[1].parse().unwrap())
        .unwrap_or_else(|| {
            app.with_db(|c| {
                Ok(srdi_board::models::cultivation::tasks(
                    c,
                    &srdi_board::domain::scope::DataScope::All,
                    srdi_board::models::cultivation::TaskFilter::Enterprise(e.id),
                    chrono::Utc::now().date_naive(),
                    10,
                )?[0]
                    .id)
            })
        });
    let done = format!("/tasks/{task_id}/done");
    assert_eq!(
        app.post_form(&official, &done, &[("version", "1"), ("done", "1")])
            .await
            .status(),
        403
    );
    let r = app
        .post_form(&staff, &done, &[("version", "1"), ("done", "1")])
        .await;
    assert_eq!(r.status(), 303);
    let r = app
        .post_form(&staff2, &done, &[("version", "1"), ("done", "0")])
        .await;
    assert_eq!(r.status(), 303);
    let (_, html) = get(&app, &staff2, &location(&r)).await;
    assert!(
        html.contains("任务已被他人修改"),
        "a stale reopen is refused"
    );
    let (_, html) = get(&app, &staff, "/tasks").await;
    assert!(!html.contains("提交审计报告"), "done tasks leave my list");

    // The queue: f entered after e; moving f up swaps them.
    let order = |id: i32| {
        app.with_db(|c| {
            Ok(srdi_board::models::enterprise::Enterprise::find(
                c,
                &srdi_board::domain::scope::DataScope::All,
                id,
            )?
            .unwrap()
            .queue_order)
        })
    };
    assert_eq!((order(e.id), order(f.id)), (Some(1), Some(2)));
    let r = app
        .post_form(
            &staff,
            &format!("/enterprises/{}/queue", f.id),
            &[
                ("direction", "up"),
                ("back", "/pipeline/queue?stage=potential"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(location(&r), "/pipeline/queue?stage=potential");
    assert_eq!((order(e.id), order(f.id)), (Some(2), Some(1)));
    let r = app
        .post_form(
            &official,
            &format!("/enterprises/{}/queue", f.id),
            &[("direction", "down")],
        )
        .await;
    assert_eq!(r.status(), 403, "officials see the queue, staff order it");
    let (status, html) = get(&app, &official, "/pipeline/queue?stage=potential").await;
    assert_eq!(status, 200);
    let (a, b) = (
        html.find("青岛排序测试有限公司").unwrap(),
        html.find("青岛计划测试股份有限公司").unwrap(),
    );
    assert!(a < b, "queue order shown");
    assert_eq!(app.audit_count("cultivation.queue"), 1);
}

#[tokio::test]
async fn the_pipeline_page_counts_filters_scopes_and_exports() {
    let app = TestApp::spawn().await;
    let names = [
        (
            "9137021210000010",
            "青岛漏斗一号有限公司",
            "370212",
            "potential",
            "potential",
            10,
        ),
        (
            "9137021210000020",
            "青岛漏斗二号有限公司",
            "370212",
            "potential",
            "potential",
            400,
        ),
        (
            "9137020310000030",
            "青岛漏斗三号有限公司",
            "370203",
            "reserve",
            "reserve",
            30,
        ),
        (
            "9137020310000040",
            "青岛漏斗四号有限公司",
            "370203",
            "tutoring_filing",
            "listing_process",
            20,
        ),
        (
            "9137021210000050",
            "青岛漏斗五号有限公司",
            "370212",
            "listed",
            "listed",
            5,
        ),
        (
            "9137021210000060",
            "青岛漏斗六号有限公司",
            "370212",
            "terminated",
            "exited",
            50,
        ),
    ];
    for (i, (code, name, district, step, stage, days)) in names.iter().enumerate() {
        let e = app.enterprise(code, name, district);
        let since = (chrono::Utc::now() - chrono::Duration::days(*days)).date_naive();
        let order = if *stage == "listed" || *stage == "exited" {
            "NULL".to_string()
        } else {
            (i + 1).to_string()
        };
        app.sql(&format!(
            "UPDATE enterprises SET cultivation_step = '{step}', cultivation_stage = '{stage}', \
             stage_since = '{since}', step_since = '{since}', queue_order = {order}, \
             target_board = {} WHERE id = {}",
            if *step == "tutoring_filing" {
                "'bse'"
            } else {
                "NULL"
            },
            e.id
        ));
    }
    app.user("official", Role::Official);
    app.user_with("laoshan", Role::Official, None, &["370212"], false);
    app.user("admin", Role::Admin);
    app.user("expert", Role::Expert);
    let official = app.signed_in("official").await;

    let (status, html) = get(&app, &official, "/pipeline").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<svg") && html.contains("chart-funnel"),
        "funnel chart"
    );
    // 5 in the pipeline (the exited one is outside), the stalled one (400 days) listed.
    assert!(html.contains("在培育企业 5 家"), "{html}");
    assert!(html.contains("已退出 1 家"));
    let stalled =
        &html[html.find(r#"id="stalled""#).unwrap()..html.find(r#"id="targets""#).unwrap()];
    assert!(stalled.contains("青岛漏斗二号有限公司"));
    assert!(!stalled.contains("青岛漏斗一号有限公司"));
    // The stall threshold is the reader's choice.
    let (_, html) = get(&app, &official, "/pipeline?stall=7").await;
    let stalled =
        &html[html.find(r#"id="stalled""#).unwrap()..html.find(r#"id="targets""#).unwrap()];
    assert!(stalled.contains("青岛漏斗一号有限公司"));
    // Conversion: reached reserve or beyond = 3 of the 5 that reached potential.
    assert!(html.contains("60.0%"), "potential → reserve conversion");

    // The figures are cached per view, and any write to what they read (here plain
    // SQL, as an import or another app server might) shows on the next request.
    app.sql(
        "UPDATE enterprises SET cultivation_step = 'terminated', cultivation_stage = 'exited', \
         queue_order = NULL WHERE name = '青岛漏斗一号有限公司'",
    );
    let (_, html) = get(&app, &official, "/pipeline?stall=7").await;
    assert!(
        html.contains("在培育企业 4 家") && html.contains("已退出 2 家"),
        "{html}"
    );
    app.sql(
        "UPDATE enterprises SET cultivation_step = 'potential', cultivation_stage = 'potential', \
         queue_order = 1 WHERE name = '青岛漏斗一号有限公司'",
    );

    // Filters narrow every part.
    let (_, html) = get(&app, &official, "/pipeline?board=bse").await;
    assert!(html.contains("在培育企业 1 家"));
    let (_, html) = get(&app, &official, "/pipeline?district=370203").await;
    assert!(html.contains("在培育企业 2 家"));
    assert!(!html.contains("青岛漏斗二号有限公司"));

    // A district-limited official sees only its districts, even when asking for others.
    let laoshan = app.signed_in("laoshan").await;
    let (_, html) = get(&app, &laoshan, "/pipeline?district=370203").await;
    assert!(html.contains("在培育企业 0 家"));
    let (_, html) = get(&app, &laoshan, "/pipeline").await;
    assert!(html.contains("在培育企业 3 家"));
    assert!(!html.contains("青岛漏斗三号有限公司"));

    // Exports carry what the filters select.
    let r = official
        .get(app.url("/pipeline.csv?district=370212"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let csv = r.text().await.unwrap();
    assert!(csv.contains("青岛漏斗二号有限公司") && !csv.contains("青岛漏斗三号有限公司"));
    assert!(csv.lines().count() >= 4, "header + rows");
    let r = laoshan.get(app.url("/pipeline.csv")).send().await.unwrap();
    assert!(
        !r.text().await.unwrap().contains("青岛漏斗三号有限公司"),
        "scoped export"
    );
    let r = official
        .get(app.url("/pipeline.xlsx"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(
        r.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));

    // Plan targets: admins set them, bad numbers are named, officials only read.
    let admin = app.signed_in("admin").await;
    let r = app
        .post_form(
            &admin,
            "/pipeline/targets",
            &[
                ("year", "2026"),
                ("target_reserve", "-3"),
                ("target_listed", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains(r#"id="target_reserve-error""#) && html.contains(r#"value="-3""#));
    let r = app
        .post_form(
            &admin,
            "/pipeline/targets",
            &[
                ("year", "2026"),
                ("target_reserve", "40"),
                ("target_listed", "2"),
            ],
        )
        .await;
    assert_eq!(r.status(), 303);
    assert_eq!(app.audit_count("plan_targets.set"), 1);
    let (_, html) = get(&app, &official, "/pipeline").await;
    assert!(html.contains("2026 年目标与完成"));
    let r = app
        .post_form(
            &official,
            "/pipeline/targets",
            &[("year", "2026"), ("target_reserve", "1")],
        )
        .await;
    assert_eq!(r.status(), 403);
    let (status, _) = get(&app, &official, "/pipeline/targets").await;
    assert_eq!(status, 403);

    // Experts have no business here.
    let expert = app.signed_in("expert").await;
    for path in [
        "/pipeline",
        "/pipeline.csv",
        "/pipeline/queue?stage=reserve",
        "/tasks",
        "/proposals",
    ] {
        assert_eq!(get(&app, &expert, path).await.0, 403, "{path}");
    }
    // The queue page of each stage renders; an unknown stage is a bad request.
    for stage in [
        "potential",
        "reserve",
        "listing_process",
        "listed",
        "exited",
    ] {
        let (status, _) = get(&app, &official, &format!("/pipeline/queue?stage={stage}")).await;
        assert_eq!(status, 200, "{stage}");
    }
    assert_eq!(
        get(&app, &official, "/pipeline/queue?stage=nope").await.0,
        400
    );
}

#[tokio::test]
async fn every_cultivation_post_needs_the_session_token() {
    let app = TestApp::spawn().await;
    let e = app.enterprise("9137021212345670", "青岛令牌测试有限公司", "370212");
    app.user("staff", Role::Staff);
    app.user("admin", Role::Admin);
    app.user("official", Role::Official);
    let staff = app.signed_in("staff").await;
    let admin = app.signed_in("admin").await;
    let official = app.signed_in("official").await;
    let id = e.id;
    let posts = [
        format!("/enterprises/{id}/cultivation/discover"),
        format!("/enterprises/{id}/cultivation/ticks"),
        format!("/enterprises/{id}/cultivation/proposals"),
        format!("/enterprises/{id}/cultivation/plan"),
        format!("/enterprises/{id}/cultivation/intermediaries"),
        format!("/enterprises/{id}/cultivation/tasks"),
        format!("/enterprises/{id}/queue"),
        "/proposals/1/decision".to_string(),
        "/tasks/1/done".to_string(),
        "/pipeline/targets".to_string(),
    ];
    for path in &posts {
        // Each path also by a role that may use it, so only the missing token refuses.
        let allowed = if path.starts_with("/proposals") {
            &official
        } else {
            &admin
        };
        for client in [&staff, allowed] {
            let r = client
                .post(app.url(path))
                .form(&[("note", "x"), ("direction", "up"), ("year", "2026")])
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "POST {path} without a token");
        }
    }
    assert_eq!(step_of(&app, id), None, "nothing happened");
    assert_eq!(app.audit_count("plan_targets.set"), 0);
}
