//! Nothing lost under load: 32 clients at once (20 staff, 4 officials, 8 enterprise
//! accounts) make conflicting record edits, exit proposals, decisions and annual-data
//! submissions against one server. Afterwards every acknowledged write is there,
//! every refused one was refused with its reason, the audit log has one entry per
//! acknowledged change, and no request failed (no "database is locked", no 500).

use std::collections::HashMap;

use srdi_board::domain::role::Role;
use tokio::task::JoinSet;

use crate::helpers::TestApp;
use crate::registry::{page, record, version_in};

const ENTERPRISES: usize = 8;
const STAFF: usize = 20;
const OFFICIALS: usize = 4;
const ROUNDS: usize = 4;

/// What one client saw: (kind of write, enterprise index, the unique value written,
/// HTTP status, whether the body gave the expected refusal when refused).
type Outcome = (&'static str, usize, String, u16, bool);

fn credit_prefix(i: usize) -> String {
    format!("91370212{:08}", 55_000_000 + i)
}

#[tokio::test]
async fn concurrent_conflicting_writes_lose_nothing() {
    let app = std::sync::Arc::new(TestApp::spawn().await);
    let mut ids = Vec::new();
    for i in 0..ENTERPRISES {
        let e = app.enterprise(
            &credit_prefix(i),
            &format!("青岛并发{i}号有限公司"),
            "370212",
        );
        ids.push(e.id);
    }
    // In the pipeline, so staff may propose (an exit needs no checklist).
    app.sql(
        "UPDATE enterprises SET cultivation_step = 'potential', cultivation_stage = 'potential', \
         stage_since = '2026-01-05', step_since = '2026-01-05'",
    );
    for i in 0..STAFF {
        app.user(&format!("staff{i}"), Role::Staff);
    }
    for i in 0..OFFICIALS {
        app.user(&format!("gov{i}"), Role::Official);
    }
    for (i, id) in ids.iter().enumerate() {
        app.user_with(&format!("ent{i}"), Role::Enterprise, Some(*id), &[], false);
    }
    let audit_before = |action: &str| app.audit_count(action);
    let (updates0, proposes0, decides0, submits0) = (
        audit_before("enterprise.update"),
        audit_before("cultivation.propose"),
        audit_before("cultivation.decide"),
        audit_before("annual.submit"),
    );

    let mut set: JoinSet<Vec<Outcome>> = JoinSet::new();
    // Officials keep deciding while staff still propose, then clear what waits.
    let staff_left = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(STAFF));
    for i in 0..STAFF {
        let app = app.clone();
        let ids = ids.clone();
        let staff_left = staff_left.clone();
        set.spawn(async move {
            let c = app.signed_in(&format!("staff{i}")).await;
            let mut seen = Vec::new();
            for k in 0..ROUNDS {
                // Several staff edit the same record from the version they read.
                let e = (i + k) % ENTERPRISES;
                let id = ids[e];
                let (_, form) = page(&app, &c, &format!("/enterprises/{id}/edit")).await;
                let v = version_in(&form);
                let name = format!("青岛并发{e}号（{i}-{k}）有限公司");
                let code = srdi_board::domain::credit_code::CreditCode::complete(&credit_prefix(e))
                    .unwrap()
                    .to_string();
                let mut fields = record(&code, &name, "370212");
                fields.push(("version", &v));
                let r = app
                    .post_form(&c, &format!("/enterprises/{id}"), &fields)
                    .await;
                let status = r.status().as_u16();
                let body = r.text().await.unwrap_or_default();
                seen.push(("edit", e, name, status, body.contains("保存冲突")));
                // And propose an exit for it: one pending proposal per enterprise.
                let reason = format!("并发提议{i}-{k}");
                let r = app
                    .post_form(
                        &c,
                        &format!("/enterprises/{id}/cultivation/proposals"),
                        &[
                            ("action", "exit"),
                            ("exit_kind", "withdrawn"),
                            ("reason", &reason),
                            ("comment", ""),
                        ],
                    )
                    .await;
                let status = r.status().as_u16();
                let body = r.text().await.unwrap_or_default();
                seen.push((
                    "propose",
                    e,
                    reason,
                    status,
                    body.contains("已有待审批的提议"),
                ));
            }
            staff_left.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            seen
        });
    }
    for i in 0..OFFICIALS {
        let app = app.clone();
        let staff_left = staff_left.clone();
        set.spawn(async move {
            let c = app.signed_in(&format!("gov{i}")).await;
            let mut seen = Vec::new();
            for k in 0.. {
                let staff_done = staff_left.load(std::sync::atomic::Ordering::SeqCst) == 0;
                // Every official returns whatever waits: they race for the same ones.
                let pending: Vec<i32> = app.with_db(|conn| {
                    use diesel::prelude::*;
                    use srdi_board::schema::cultivation_proposals as p;
                    Ok(p::table
                        .filter(p::status.eq("pending"))
                        .select(p::id)
                        .load(conn)?)
                });
                if staff_done && pending.is_empty() {
                    break;
                }
                for pid in pending {
                    let comment = format!("并发退回{i}-{k}-{pid}");
                    let r = app
                        .post_form(
                            &c,
                            &format!("/proposals/{pid}/decision"),
                            &[("decision", "return"), ("comment", &comment)],
                        )
                        .await;
                    let status = r.status().as_u16();
                    seen.push(("decide", pid as usize, comment, status, status == 409));
                }
                tokio::task::yield_now().await;
            }
            seen
        });
    }
    for (i, id) in ids.iter().enumerate() {
        let app = app.clone();
        let id = *id;
        set.spawn(async move {
            let c = app.signed_in(&format!("ent{i}")).await;
            let mut seen = Vec::new();
            for k in 0..ROUNDS {
                let revenue = format!("{}", 1000 + 10 * i + k);
                let r = app
                    .post_form(
                        &c,
                        &format!("/enterprises/{id}/annual"),
                        &[
                            ("year", "2025"),
                            ("revenue", &revenue),
                            ("main_business_revenue", "900"),
                        ],
                    )
                    .await;
                let status = r.status().as_u16();
                seen.push(("submit", i, revenue, status, false));
            }
            seen
        });
    }
    let mut all: Vec<Outcome> = Vec::new();
    while let Some(r) = set.join_next().await {
        all.extend(r.expect("a client task"));
    }

    // No request failed: every answer is a success or a refusal with its reason.
    for (kind, e, value, status, reason) in &all {
        match (*kind, *status) {
            (_, 303) => {}
            ("edit", 409) => assert!(*reason, "edit {e} {value}: 409 without the conflict page"),
            ("propose", 422) => assert!(*reason, "propose {e} {value}: refused without a reason"),
            ("decide", 409) => {}
            other => panic!("{kind} {e} {value}: unexpected {other:?}"),
        }
    }
    let acked = |kind: &str| all.iter().filter(|o| o.0 == kind && o.3 == 303).count() as i64;
    let refused = |kind: &str| all.iter().filter(|o| o.0 == kind && o.3 != 303).count();
    assert!(refused("edit") > 0, "the edits did conflict");
    assert!(acked("edit") >= ENTERPRISES as i64);
    assert!(refused("propose") > 0, "proposals met pending ones");
    assert!(acked("propose") > 0 && acked("decide") > 0);

    // One audit entry per acknowledged change, of each kind.
    assert_eq!(
        app.audit_count("enterprise.update") - updates0,
        acked("edit")
    );
    assert_eq!(
        app.audit_count("cultivation.propose") - proposes0,
        acked("propose")
    );
    assert_eq!(
        app.audit_count("cultivation.decide") - decides0,
        acked("decide")
    );
    assert_eq!(app.audit_count("annual.submit") - submits0, acked("submit"));
    assert_eq!(
        acked("submit"),
        (ENTERPRISES * ROUNDS) as i64,
        "submissions never conflict"
    );

    // Every acknowledged write is there: each record holds the last acknowledged
    // name (the one with the highest version), each acknowledged proposal and
    // submission is a row, each acknowledged decision returned its proposal.
    let stored = app.with_db(|conn| {
        use diesel::prelude::*;
        use srdi_board::schema::{
            annual_submissions as a, cultivation_proposals as p, enterprises as e,
        };
        let names: Vec<(i32, String)> = e::table.select((e::id, e::name)).load(conn)?;
        let proposals: Vec<(String, String, String)> = p::table
            .select((p::reason, p::status, p::decision_comment))
            .load(conn)?;
        let submissions: i64 = a::table.count().get_result(conn)?;
        Ok((names, proposals, submissions))
    });
    let (names, proposals, submissions) = stored;
    let names: HashMap<i32, String> = names.into_iter().collect();
    for (e, id) in ids.iter().enumerate() {
        let edits: Vec<&String> = all
            .iter()
            .filter(|o| o.0 == "edit" && o.1 == e && o.3 == 303)
            .map(|o| &o.2)
            .collect();
        if !edits.is_empty() {
            assert!(
                edits.contains(&&names[id]),
                "{} is an acknowledged name",
                names[id]
            );
        }
    }
    for o in all.iter().filter(|o| o.0 == "propose" && o.3 == 303) {
        assert!(
            proposals.iter().any(|p| p.0 == o.2),
            "proposal {} stored",
            o.2
        );
    }
    assert_eq!(proposals.len() as i64, acked("propose"));
    for o in all.iter().filter(|o| o.0 == "decide" && o.3 == 303) {
        assert!(
            proposals.iter().any(|p| p.1 == "returned" && p.2 == o.2),
            "decision {} stored",
            o.2
        );
    }
    assert_eq!(submissions, acked("submit"));
    // The officials cleared every proposal: each was decided exactly once.
    assert_eq!(acked("decide"), acked("propose"));
}
