//! The command line, run as a user would run it.

use std::process::{Command, Output};

use crate::helpers::{TestDb, on_postgres};

fn cli(db: &TestDb, args: &[&str], password: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_srdi-board"));
    cmd.args(args)
        .env("DATABASE_URL", &db.url)
        .env_remove("SRDI_PASSWORD")
        .env("RUST_LOG", "warn");
    if let Some(p) = password {
        cmd.env("SRDI_PASSWORD", p);
    }
    cmd.output().expect("run srdi-board")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn every_command_has_help() {
    let db = TestDb::new();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["migrate", "--help"],
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "disable", "--help"],
        vec!["user", "set-password", "--help"],
        vec!["backup", "--help"],
    ] {
        let o = cli(&db, &args, None);
        assert!(o.status.success(), "{args:?}: {}", text(&o));
        assert!(text(&o).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn migrate_says_what_it_applied() {
    let db = TestDb::new();
    let o = cli(&db, &["migrate"], None);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("applied migration 2026-11-27-000001_foundation"));
    let o = cli(&db, &["migrate"], None);
    assert!(text(&o).contains("up to date"));
}

#[test]
fn serve_refuses_to_start_without_an_admin() {
    let db = TestDb::new();
    let o = cli(&db, &["serve", "--bind", "127.0.0.1:0"], None);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("no administrator account")
            && t.contains("user add --username admin --role admin"),
        "{t}"
    );
}

#[test]
fn user_commands_create_disable_and_reset() {
    let db = TestDb::new();
    // Weak passwords are refused with the reason.
    let o = cli(
        &db,
        &["user", "add", "--username", "ops", "--role", "admin"],
        Some("qwerty123456"),
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("commonly used"), "{}", text(&o));
    let o = cli(
        &db,
        &["user", "add", "--username", "ops", "--role", "admin"],
        Some("Fushan-bay-sunset-9"),
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("created admin account 'ops'"));
    let o = cli(
        &db,
        &["user", "add", "--username", "ops", "--role", "admin"],
        Some("Fushan-bay-sunset-9"),
    );
    assert!(!o.status.success(), "duplicates refused");
    let o = cli(
        &db,
        &["user", "add", "--username", "bad", "--role", "chief"],
        Some("Fushan-bay-sunset-9"),
    );
    assert!(!o.status.success());
    // Enterprise accounts need a registered enterprise; the code is checked first.
    let o = cli(
        &db,
        &[
            "user",
            "add",
            "--username",
            "co.acct",
            "--role",
            "enterprise",
            "--enterprise",
            "91370200163562681H",
        ],
        Some("Fushan-bay-sunset-9"),
    );
    assert!(text(&o).contains("GB 32100"), "{}", text(&o));
    let o = cli(
        &db,
        &[
            "user",
            "add",
            "--username",
            "co.acct",
            "--role",
            "enterprise",
            "--enterprise",
            "91370200163562681G",
        ],
        Some("Fushan-bay-sunset-9"),
    );
    assert!(
        text(&o).contains("no enterprise with credit code"),
        "{}",
        text(&o)
    );
    // District-limited official.
    let o = cli(
        &db,
        &[
            "user",
            "add",
            "--username",
            "ls.official",
            "--role",
            "official",
            "--districts",
            "370212,370211",
        ],
        Some("Fushan-bay-sunset-9"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = cli(
        &db,
        &["user", "set-password", "ls.official", "--temporary"],
        Some("Another-good-one-77"),
    );
    assert!(o.status.success(), "{}", text(&o));
    let o = cli(&db, &["user", "disable", "ls.official"], None);
    assert!(o.status.success(), "{}", text(&o));
    let o = cli(&db, &["user", "disable", "nobody"], None);
    assert!(!o.status.success());
    let conn_db = srdi_board::db::Db::connect(&db.url, 1).unwrap();
    let mut conn = conn_db.conn().unwrap();
    let ls = srdi_board::models::user::User::by_username(&mut conn, "ls.official")
        .unwrap()
        .unwrap();
    assert!(ls.disabled && ls.must_change_password);
    assert_eq!(
        srdi_board::models::user::User::districts(&mut conn, ls.id).unwrap(),
        vec!["370211", "370212"]
    );
}

#[test]
fn backup_copies_sqlite_and_explains_postgres() {
    let db = TestDb::new();
    assert!(
        cli(
            &db,
            &["user", "add", "--username", "ops", "--role", "admin"],
            Some("Fushan-bay-sunset-9")
        )
        .status
        .success()
    );
    let dir = std::env::temp_dir().join(format!("srdi-backup-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("copy.db");
    let _ = std::fs::remove_file(&file);
    let o = cli(&db, &["backup", "--to", file.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    if on_postgres() {
        assert!(text(&o).contains("pg_dump"));
    } else {
        // The copy is a working database with the same accounts.
        let copy = srdi_board::db::Db::connect(&format!("sqlite://{}", file.display()), 1).unwrap();
        let mut conn = copy.conn().unwrap();
        assert!(
            srdi_board::models::user::User::by_username(&mut conn, "ops")
                .unwrap()
                .is_some()
        );
        // Refuses to overwrite.
        assert!(
            !cli(&db, &["backup", "--to", file.to_str().unwrap()], None)
                .status
                .success()
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `serve` with JSON logs: every request is one JSON line with its request id, route
/// and status; SIGTERM shuts the server down gracefully (exit status 0).
#[test]
fn serve_logs_json_lines_with_request_ids_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader, Read, Write};
    let db = TestDb::new();
    let o = cli(
        &db,
        &["user", "add", "--username", "ops", "--role", "admin"],
        Some("Fushan-bay-sunset-9"),
    );
    assert!(o.status.success(), "{}", text(&o));
    /// Kills the server if the test fails before it stops it.
    struct Server(std::process::Child);
    impl Drop for Server {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_srdi-board"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("DATABASE_URL", &db.url)
            .env("RUST_LOG", "info")
            .env("SRDI_LOG_FORMAT", "json")
            .env("SRDI_SECRET_KEY", "k".repeat(64))
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("serve"),
    );
    let child = &mut server.0;
    // Lines arrive on a thread, so a missing one fails the test instead of hanging it.
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let next = |want: &dyn Fn(&str) -> bool| -> String {
        loop {
            let line = rx
                .recv_timeout(std::time::Duration::from_secs(30))
                .expect("a log line in time");
            if want(&line) {
                return line;
            }
        }
    };
    let ready = next(&|l| l.contains("listening on http://"));
    let addr = ready
        .split("http://")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    let mut s = std::net::TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let logged = next(&|l| l.contains("/healthz") && l.contains("\"http.status_code\""));
    let event: serde_json::Value = serde_json::from_str(&logged).expect("a JSON line");
    let span = &event["span"];
    assert_eq!(span["http.route"], "/healthz", "{logged}");
    assert!(
        span["request_id"].as_str().is_some_and(|id| id.len() >= 32),
        "{logged}"
    );
    assert_eq!(event["level"], "INFO");

    // SIGTERM: actix stops accepting, finishes what is in flight, and exits 0.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    next(&|l| l.contains("graceful shutdown"));
    let status = child.wait().unwrap();
    assert!(status.success(), "exit after SIGTERM: {status}");
}
