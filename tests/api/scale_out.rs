//! Several app servers on one database behave as one: sessions, edits, conflicts,
//! sign-in throttling and the cached figures are shared through the database, and
//! servers starting together apply the migrations once. Runs on SQLite and (in
//! `.ci/run`) on PostgreSQL, the configuration for more than one machine.

use srdi_board::db::Db;
use srdi_board::domain::role::Role;
use srdi_board::startup;

use crate::helpers::{PASSWORD, TestApp, TestDb, location};
use crate::registry::{code, create, page, record, version_in};

#[tokio::test]
async fn two_app_servers_on_one_database_behave_as_one() {
    let a = TestApp::spawn().await;
    let b = a.beside().await;
    a.user("ops", Role::Staff);
    a.user("gov", Role::Official);

    // A session made on A is valid on B, and signing out on B ends it on A.
    let s = a.signed_in("ops").await;
    let (status, home) = page(&b, &s, "/").await;
    assert_eq!(status, 200);
    assert!(home.contains("ops"), "signed in on B too");
    let t = a.signed_in("gov").await;
    let token = b.csrf(&t, "/password").await;
    let r = t
        .post(b.url("/logout"))
        .form(&[("csrf_token", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let r = t.get(a.url("/")).send().await.unwrap();
    assert_eq!(r.status(), 303, "signed out everywhere");
    assert!(location(&r).starts_with("/login"));

    // An edit on A is seen on B; the official's cached dashboard on B follows it.
    let g = b.signed_in("gov").await;
    let c = code(7, "370212");
    let fields = record(&c, "青岛双机科技有限公司", "370212");
    let id = create(&a, &s, &fields).await;
    let (_, dash) = page(&b, &g, "/").await;
    assert!(dash.contains("id=\"dash-districts\""));
    let (status, shown) = page(&b, &g, &format!("/enterprises/{id}")).await;
    assert_eq!(status, 200);
    assert!(shown.contains("青岛双机科技有限公司"));
    let mut moved = fields.clone();
    moved[2].1 = "370202"; // to Shinan
    let (_, form) = page(&a, &s, &format!("/enterprises/{id}/edit")).await;
    let v = version_in(&form);
    let mut edit = moved.clone();
    edit.push(("version", &v));
    assert_eq!(
        a.post_form(&s, &format!("/enterprises/{id}"), &edit)
            .await
            .status(),
        303
    );
    let (_, dash) = page(&b, &g, "/").await;
    let districts = &dash[dash.find("id=\"dash-districts\"").unwrap()..];
    let districts = &districts[..districts.find("</section>").unwrap()];
    assert!(
        districts.contains("市南区"),
        "B's cached counts follow A's edit"
    );

    // A conflicting edit across them is refused: both forms at the same version.
    let (_, form_a) = page(&a, &s, &format!("/enterprises/{id}/edit")).await;
    let (_, form_b) = page(&b, &s, &format!("/enterprises/{id}/edit")).await;
    let v = version_in(&form_a);
    assert_eq!(v, version_in(&form_b));
    let mut on_a = moved.clone();
    on_a[1].1 = "青岛双机科技（A）有限公司";
    on_a.push(("version", &v));
    let mut on_b = moved.clone();
    on_b[1].1 = "青岛双机科技（B）有限公司";
    on_b.push(("version", &v));
    assert_eq!(
        a.post_form(&s, &format!("/enterprises/{id}"), &on_a)
            .await
            .status(),
        303
    );
    let r = b.post_form(&s, &format!("/enterprises/{id}"), &on_b).await;
    assert_eq!(r.status(), 409);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("青岛双机科技（A）有限公司")
    );
    assert_eq!(a.audit_count("enterprise.update"), 2);

    // Sign-in throttling counts the attempts made on both.
    a.user("target", Role::Admin);
    let x = a.client();
    for app in [&a, &b, &a] {
        let r = app.login(&x, "target", "wrong-password-xx").await;
        assert_eq!(r.status(), 401);
    }
    let r = b.login(&x, "target", PASSWORD).await;
    assert_eq!(r.status(), 429, "the fourth attempt, on B, waits like on A");
}

#[test]
fn servers_starting_together_apply_the_migrations_once() {
    let db = TestDb::new();
    let url = db.url.clone();
    let results: Vec<Result<Vec<String>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let url = url.clone();
                scope.spawn(move || {
                    let db = Db::connect(&url, 2).map_err(|e| e.to_string())?;
                    startup::prepare_database(&db).map_err(|e| format!("{e:?}"))
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let applied: Vec<Vec<String>> = results
        .into_iter()
        .map(|r| r.expect("both servers start"))
        .collect();
    // One applied everything, the other found nothing pending.
    let counts: Vec<usize> = applied.iter().map(Vec::len).collect();
    assert!(
        counts.contains(&0)
            && counts.iter().sum::<usize>() == counts.iter().max().copied().unwrap(),
        "{counts:?}"
    );
    assert!(counts.iter().max().copied().unwrap() >= 8);
    // Each migration is recorded once.
    let db = Db::connect(&url, 1).unwrap();
    let mut conn = db.conn().unwrap();
    use diesel::prelude::*;
    diesel::table! { __diesel_schema_migrations (version) { version -> Text, } }
    let versions: Vec<String> = __diesel_schema_migrations::table
        .select(__diesel_schema_migrations::version)
        .load(&mut *conn)
        .unwrap();
    let mut unique = versions.clone();
    unique.dedup();
    assert_eq!(unique.len(), versions.len());
    assert_eq!(versions.len(), counts.iter().max().copied().unwrap());
}
