//! Every migration applies and reverts cleanly (real `down.sql`), and the audit log
//! is append-only at the database level.

use diesel::connection::SimpleConnection;
use srdi_board::db;
use srdi_board::domain::role::Role;

use crate::helpers::{TestApp, TestDb};

#[test]
fn migrations_apply_revert_and_reapply() {
    let test_db = TestDb::new();
    let database = db::Db::connect(&test_db.url, 2).unwrap();
    let mut conn = database.conn().unwrap();
    let applied = db::run_migrations(&mut conn).unwrap();
    assert!(!applied.is_empty());
    assert!(
        db::run_migrations(&mut conn).unwrap().is_empty(),
        "nothing pending the second time"
    );
    let reverted = db::revert_all_migrations(&mut conn).unwrap();
    assert_eq!(reverted, applied.len());
    // Everything is gone: the users table no longer exists.
    assert!(conn.batch_execute("SELECT 1 FROM users").is_err());
    assert_eq!(db::run_migrations(&mut conn).unwrap(), applied);
}

#[tokio::test]
async fn the_audit_log_cannot_be_changed() {
    let app = TestApp::spawn().await;
    app.user("someone", Role::Staff);
    let mut conn = app.db.conn().unwrap();
    assert!(
        conn.batch_execute("UPDATE audit_log SET action = 'x'")
            .is_err()
    );
    assert!(conn.batch_execute("DELETE FROM audit_log").is_err());
    assert_eq!(app.audit_count("user.create"), 1);
}

#[test]
fn a_bad_url_reports_the_real_error() {
    let err = db::Db::connect("postgres://nobody:wrong@127.0.0.1:1/none", 1)
        .err()
        .expect("refused");
    let msg = err.to_string();
    assert!(msg.contains("cannot connect to PostgreSQL"), "{msg}");
    assert!(
        msg.to_lowercase().contains("connect") && msg.contains("127.0.0.1"),
        "driver message kept: {msg}"
    );
}
