//! The command line, run as a user would run it.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, ExitStatus, Output, Stdio};
use std::sync::mpsc::Receiver;
use std::time::Duration;

use crate::helpers::{TestDb, csrf_in, on_postgres};
use crate::registry::{code, record};

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

/// A fresh temp dir for a test's backup and the file to write there (not there yet).
fn backup_target(test: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("srdi-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("copy.db");
    let _ = std::fs::remove_file(&file);
    (dir, file)
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
    let (dir, file) = backup_target("backup");
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

/// `srdi-board serve` on a free port of this machine, its log lines (standard output)
/// read on a thread so a missing one fails the test instead of hanging it. Killed if
/// the test fails before it stops.
struct Served {
    child: std::process::Child,
    lines: Receiver<String>,
    addr: String,
}

impl Served {
    /// Starts the server on `url` and waits for its "listening" line.
    fn start(url: &str, log_format: &str) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_srdi-board"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .env("DATABASE_URL", url)
            .env("RUST_LOG", "info")
            .env("SRDI_LOG_FORMAT", log_format)
            .env("SRDI_SECRET_KEY", "k".repeat(64))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve");
        let (tx, lines) = std::sync::mpsc::channel::<String>();
        let stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut served = Served {
            child,
            lines,
            addr: String::new(),
        };
        let ready = served.next_line(|l| l.contains("listening on http://"));
        served.addr = ready
            .split("http://")
            .nth(1)
            .and_then(|a| a.split_whitespace().next())
            .unwrap()
            .to_string();
        served
    }

    /// The next log line that `want` accepts (the ones before it are skipped).
    fn next_line(&self, want: impl Fn(&str) -> bool) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(30))
                .expect("a log line in time");
            if want(&line) {
                return line;
            }
        }
    }

    fn sigterm(&self) {
        let pid = self.child.id().to_string();
        assert!(
            Command::new("kill")
                .args(["-TERM", &pid])
                .status()
                .unwrap()
                .success()
        );
    }

    /// SIGTERM, then the exit status.
    fn stop(mut self) -> ExitStatus {
        self.sigterm();
        self.child.wait().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP answer.
struct Answer {
    status: u16,
    head: String,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

/// Reads one response (head, then a `Content-Length` body) from a connection.
fn read_answer(r: &mut impl BufRead) -> Answer {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        assert!(
            r.read_line(&mut line).unwrap() > 0,
            "answer cut short: {head}"
        );
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("a status line: {head}"));
    let mut answer = Answer {
        status,
        head,
        body: String::new(),
    };
    let len: usize = answer
        .header("content-length")
        .map_or(0, |v| v.parse().unwrap());
    let mut body = vec![0; len];
    r.read_exact(&mut body).unwrap();
    answer.body = String::from_utf8(body).unwrap();
    answer
}

/// A browser for the served binary over plain TCP, one connection per request
/// (`Connection: close`, so no idle connection holds up a graceful shutdown); keeps
/// its cookies.
struct Browser {
    addr: String,
    cookies: Vec<(String, String)>,
}

impl Browser {
    /// Signs in through the login form.
    fn signed_in(addr: &str, username: &str, password: &str) -> Browser {
        let mut b = Browser {
            addr: addr.to_string(),
            cookies: Vec::new(),
        };
        let token = csrf_in(&b.request("GET", "/login", &[]).body).expect("a login form");
        let r = b.request(
            "POST",
            "/login",
            &[
                ("csrf_token", &token),
                ("username", username),
                ("password", password),
            ],
        );
        assert_eq!(r.status, 303, "sign-in of {username}: {}", r.head);
        b
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The request's head and body; a GET without fields has no body.
    fn raw(&self, method: &str, path: &str, fields: &[(&str, &str)]) -> String {
        let body = serde_urlencoded::to_string(fields).unwrap();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nCookie: {}\r\nConnection: close\r\n",
            self.addr,
            self.cookie_header()
        );
        if method == "POST" {
            head.push_str(&format!(
                "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        format!("{head}\r\n{}", if method == "POST" { &body } else { "" })
    }

    fn keep_cookies(&mut self, a: &Answer) {
        for line in a.head.lines() {
            let Some((n, v)) = line.split_once(':') else {
                continue;
            };
            if !n.eq_ignore_ascii_case("set-cookie") {
                continue;
            }
            let pair = v.trim().split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                self.cookies.retain(|(c, _)| c != name);
                self.cookies.push((name.to_string(), value.to_string()));
            }
        }
    }

    fn request(&mut self, method: &str, path: &str, fields: &[(&str, &str)]) -> Answer {
        let mut s = TcpStream::connect(&self.addr).unwrap();
        s.write_all(self.raw(method, path, fields).as_bytes())
            .unwrap();
        let a = read_answer(&mut BufReader::new(&s));
        self.keep_cookies(&a);
        a
    }

    /// Posts a form with the session's CSRF token.
    fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let token = csrf_in(&self.request("GET", "/password", &[]).body).expect("a token");
        let mut all = vec![("csrf_token", token.as_str())];
        all.extend_from_slice(fields);
        self.request("POST", path, &all)
    }
}

/// The CLI with an admin (`serve` needs one) and a staff account `clerk`.
fn with_accounts(db: &TestDb) {
    for (name, role) in [("ops", "admin"), ("clerk", "staff")] {
        let o = cli(
            db,
            &["user", "add", "--username", name, "--role", role],
            Some("Fushan-bay-sunset-9"),
        );
        assert!(o.status.success(), "{}", text(&o));
    }
}

/// `serve` with JSON logs: every request is one JSON line with its request id, route
/// and status; SIGTERM shuts the server down gracefully (exit status 0).
#[test]
fn serve_logs_json_lines_with_request_ids_and_stops_on_sigterm() {
    let db = TestDb::new();
    with_accounts(&db);
    let server = Served::start(&db.url, "json");
    let addr = server.addr.clone();
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /healthz HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let logged = server.next_line(|l| l.contains("/healthz") && l.contains("\"http.status_code\""));
    let event: serde_json::Value = serde_json::from_str(&logged).expect("a JSON line");
    let span = &event["span"];
    assert_eq!(span["http.route"], "/healthz", "{logged}");
    assert!(
        span["request_id"].as_str().is_some_and(|id| id.len() >= 32),
        "{logged}"
    );
    assert_eq!(event["level"], "INFO");

    // An anonymous visit to a page that needs a sign-in is a redirect, logged as
    // one INFO line: no warning or error event for an everyday answer.
    let mut s = TcpStream::connect(&addr).unwrap();
    write!(
        s,
        "GET /pipeline HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    s.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 303"), "{response}");
    let noisy = std::cell::RefCell::new(Vec::new());
    let logged = server.next_line(|l| {
        if l.contains("\"level\":\"ERROR\"") || l.contains("\"level\":\"WARN\"") {
            noisy.borrow_mut().push(l.to_string());
        }
        l.contains("/pipeline") && l.contains("\"http.status_code\"")
    });
    assert!(logged.contains("\"http.status_code\":303"), "{logged}");
    assert!(logged.contains("\"level\":\"INFO\""), "{logged}");
    assert_eq!(noisy.into_inner(), Vec::<String>::new());

    // SIGTERM: actix stops accepting, finishes what is in flight, and exits 0.
    server.sigterm();
    server.next_line(|l| l.contains("graceful shutdown"));
    let status = server.stop();
    assert!(status.success(), "exit after SIGTERM: {status}");
}

/// A request in flight when SIGTERM arrives still gets its whole answer (and its
/// write is stored); then the process exits 0 and refuses new connections.
#[test]
fn sigterm_finishes_the_request_in_flight_then_exits_cleanly() {
    let db = TestDb::new();
    with_accounts(&db);
    let server = Served::start(&db.url, "plain");
    let mut clerk = Browser::signed_in(&server.addr, "clerk", "Fushan-bay-sunset-9");
    let form = clerk.request("GET", "/enterprises/new", &[]);
    let token = csrf_in(&form.body).expect("a form token");
    let credit_code = code(7, "370212");
    let mut fields = record(&credit_code, "青岛停机测试有限公司", "370212");
    fields.insert(0, ("csrf_token", &token));

    // A new record's form post, its head sent with `Expect: 100-continue`: the
    // server's "100 Continue" says it is handling the request (a request whose bytes
    // still wait unread in the socket when the signal comes counts as idle, and
    // actix closes idle connections at once). Then half the body, the signal, and
    // the rest of the body only once actix says it is finishing this connection.
    let request = clerk.raw("POST", "/enterprises", &fields);
    let (head, body) = request.split_once("\r\n\r\n").unwrap();
    let conn = TcpStream::connect(&server.addr).unwrap();
    let mut reader = BufReader::new(&conn);
    write!(&conn, "{head}\r\nExpect: 100-continue\r\n\r\n").unwrap();
    assert_eq!(read_answer(&mut reader).status, 100);
    let (sent, held) = body.split_at(body.len() / 2);
    (&conn).write_all(sent.as_bytes()).unwrap();

    server.sigterm();
    // actix logs the signal, then each worker: the one holding this connection
    // finishes it (the other, idle, just stops).
    server.next_line(|l| l.contains("SIGTERM received; starting graceful shutdown"));
    server.next_line(|l| l.contains("graceful worker shutdown; finishing"));
    (&conn).write_all(held.as_bytes()).unwrap();
    let answer = read_answer(&mut reader);
    assert_eq!(answer.status, 303, "{}{}", answer.head, answer.body);
    let to = answer.header("location").unwrap_or_default().to_string();
    assert!(
        to.strip_prefix("/enterprises/")
            .is_some_and(|id| id.parse::<i32>().is_ok()),
        "{to}"
    );

    let addr = server.addr.clone();
    let status = server.stop();
    assert!(status.success(), "exit after SIGTERM: {status}");
    assert!(TcpStream::connect(&addr).is_err(), "still accepting");
    assert!(
        stored(&db.url, &[credit_code]),
        "the answered write is stored"
    );
}

/// Whether every record with these credit codes is in the database at `url`.
fn stored(url: &str, codes: &[String]) -> bool {
    let db = srdi_board::db::Db::connect(url, 1).unwrap();
    let mut conn = db.conn().unwrap();
    codes.iter().all(|c| {
        let c = srdi_board::domain::credit_code::CreditCode::parse(c).unwrap();
        srdi_board::models::enterprise::EnterpriseRef::by_credit_code(&mut conn, &c)
            .unwrap()
            .is_some()
    })
}

/// SQLite's own checks of a database file: `integrity_check` says ok and
/// `foreign_key_check` finds nothing.
fn sqlite_checks(path: &std::path::Path) {
    use diesel::prelude::*;
    #[derive(QueryableByName)]
    struct Found {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    let mut c = SqliteConnection::establish(path.to_str().unwrap()).unwrap();
    let integrity: Vec<String> =
        diesel::sql_query("SELECT integrity_check AS v FROM pragma_integrity_check")
            .load::<Found>(&mut c)
            .unwrap()
            .into_iter()
            .map(|f| f.v)
            .collect();
    assert_eq!(integrity, ["ok"]);
    let dangling = diesel::sql_query(
        "SELECT \"table\" || ' ' || rowid || ' -> ' || parent AS v FROM pragma_foreign_key_check",
    )
    .load::<Found>(&mut c)
    .unwrap();
    assert!(
        dangling.is_empty(),
        "{:?}",
        dangling.iter().map(|f| &f.v).collect::<Vec<_>>()
    );
}

/// `backup` while four sessions keep saving new records: the copy passes the
/// database's checks and holds every record acknowledged before the backup started.
/// SQLite: `backup` copies (`VACUUM INTO`); PostgreSQL: it prints the `pg_dump`
/// command, which is run as printed and restored with `pg_restore` (foreign keys are
/// checked as the restore adds them). Then README's restore drill: stop the server,
/// put the copy in place (SQLite: over the file, its -wal/-shm removed), start, sign
/// in and find the data as the copy has it: a record saved before the backup is
/// there, one saved after it finished is not.
#[test]
fn backup_under_writes_is_consistent_and_restores() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Condvar, Mutex};
    let db = TestDb::new();
    with_accounts(&db);
    let server = Served::start(&db.url, "plain");

    // Every acknowledged save in order: its record page, credit code, name, and
    // whether it was sent after the copy was made.
    type Saved = Vec<(String, String, String, bool)>;
    let saved: Arc<(Mutex<Saved>, Condvar)> = Arc::default();
    let (stop, copied) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    );
    let writers: Vec<_> = (0..4u32)
        .map(|w| {
            let (saved, stop, copied) = (saved.clone(), stop.clone(), copied.clone());
            let addr = server.addr.clone();
            std::thread::spawn(move || {
                let mut clerk = Browser::signed_in(&addr, "clerk", "Fushan-bay-sunset-9");
                for k in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let credit_code = code(w * 10_000 + k + 1, "370212");
                    let name = format!("青岛备份测试{w}号{k}有限公司");
                    let late = copied.load(Ordering::SeqCst);
                    let r = clerk.post("/enterprises", &record(&credit_code, &name, "370212"));
                    assert_eq!(r.status, 303, "save refused: {}", r.body);
                    let page = r.header("location").unwrap().to_string();
                    saved
                        .0
                        .lock()
                        .unwrap()
                        .push((page, credit_code, name, late));
                    saved.1.notify_all();
                }
            })
        })
        .collect();
    let wait_for = |enough: &dyn Fn(&Saved) -> bool| {
        let list = saved.1.wait_while(saved.0.lock().unwrap(), |v| !enough(v));
        list.unwrap().clone()
    };

    let before = wait_for(&|v| v.len() >= 12);
    let (dir, copy) = backup_target("backup-load");
    let o = cli(&db, &["backup", "--to", copy.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", text(&o));
    if on_postgres() {
        let printed = text(&o);
        let command = printed
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with("pg_dump "))
            .unwrap_or_else(|| panic!("a pg_dump command: {printed}"));
        let dump = Command::new("sh").args(["-c", command]).output().unwrap();
        assert!(dump.status.success(), "{}", text(&dump));
    }
    // A save sent after the copy was made, then the writers stop.
    copied.store(true, Ordering::SeqCst);
    let late = wait_for(&|v| v.iter().any(|s| s.3));
    let late = late.iter().find(|s| s.3).unwrap();
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().expect("a writer");
    }

    // The copy, checked on its own and put in place.
    let status = server.stop();
    assert!(status.success(), "exit after SIGTERM: {status}");
    let restored_db; // PostgreSQL: the database the copy is restored into
    let url = if on_postgres() {
        restored_db = TestDb::new();
        let o = Command::new("pg_restore")
            .args([
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                &restored_db.url,
            ])
            .arg(&copy)
            .output()
            .unwrap();
        assert!(o.status.success(), "pg_restore: {}", text(&o));
        restored_db.url.clone()
    } else {
        sqlite_checks(&copy);
        let file = db.url.strip_prefix("sqlite://").unwrap();
        std::fs::copy(&copy, file).unwrap();
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{file}{suffix}"));
        }
        db.url.clone()
    };
    let codes: Vec<String> = before.iter().map(|s| s.1.clone()).collect();
    assert!(
        stored(&url, &codes),
        "every save acknowledged before the backup"
    );

    let server = Served::start(&url, "plain");
    let mut clerk = Browser::signed_in(&server.addr, "clerk", "Fushan-bay-sunset-9");
    let (page, _, name, _) = &before[0];
    let r = clerk.request("GET", page, &[]);
    assert!(
        r.status == 200 && r.body.contains(name.as_str()),
        "{page}: {}",
        r.head
    );
    let page = &late.0;
    assert_eq!(
        clerk.request("GET", page, &[]).status,
        404,
        "{page} came after the copy"
    );
    assert!(server.stop().success());
    let _ = std::fs::remove_dir_all(&dir);
}
