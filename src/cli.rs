//! The command line: `serve`, `demo`, `migrate`, `user`, `backup`.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::auth::password;
use crate::config::{self, Settings};
use crate::db::{self, BackupOutcome, Db, write_transaction};
use crate::domain::credit_code::CreditCode;
use crate::domain::district::DistrictCode;
use crate::domain::password_policy;
use crate::domain::role::Role;
use crate::domain::username::Username;
use crate::error::AppError;
use crate::models::audit::Actor;
use crate::models::enterprise::EnterpriseRef;
use crate::models::user::{NewUser, User};
use crate::startup::{self, AppState};

/// SRDI special board (专精特新专板) management for a regional equity exchange center.
#[derive(Debug, Parser)]
#[command(name = "srdi-board", version, about, long_about = None)]
pub struct Cli {
    /// Database: `sqlite://data/srdi-board.db` (default), a file path, or `postgres://user:pass@host/db`.
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// What to do.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web server (applies pending migrations first; needs an admin account).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "SRDI_BIND", default_value = config::DEFAULT_BIND)]
        bind: String,
    },
    /// Create or reuse a demo database, load demo data, print one account per role, and serve.
    ///
    /// The default data set is 1,335 Qingdao enterprises: the seed's 16 national, 104
    /// provincial and 515 municipal SRDI enterprises, 400 innovative SMEs and 300 without
    /// a title, with titles, board history and four years of annual data, the
    /// development index for each of those years (entered values, expert scores for the
    /// provincial and national ones, scores computed), and IPO cultivation (a third of
    /// them in the pipeline, with timelines, proposals waiting for the official, tasks,
    /// plans, partner institutions and the plan's targets).
    /// Loading into a database that already has the demo data only resets the demo
    /// passwords.
    Demo {
        /// Address to listen on.
        #[arg(long, env = "SRDI_BIND", default_value = config::DEFAULT_BIND)]
        bind: String,
        /// Generate this many enterprises instead of the default set, in the same
        /// proportions (for benchmarks; stored rubric results and expert scores are
        /// left out, index values are entered for the latest year only).
        #[arg(long, value_parser = clap::value_parser!(u32).range(10..=2_000_000))]
        enterprises: Option<u32>,
        /// Seed of the generator: the same seed gives the same enterprises.
        #[arg(long, default_value_t = crate::demo::generate::DEFAULT_SEED)]
        seed: u64,
        /// Load the data, print the accounts and exit instead of serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply pending database migrations and list them.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// The development index.
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// Make a consistent copy of the database while it runs (SQLite), or print the
    /// pg_dump command to use (PostgreSQL).
    Backup {
        /// The new file to write.
        #[arg(long)]
        to: PathBuf,
    },
    /// Serve a fixed page on `/` with a bare actix-web server (no database, no
    /// middleware): the ceiling `benches/national.sh` compares every page with.
    #[command(hide = true)]
    BenchBaseline {
        /// Address to listen on.
        #[arg(long)]
        bind: String,
    },
}

/// Development index commands.
#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Score every active enterprise afresh with the active model, fixing each
    /// period's reference spreads (audited; one transaction per period).
    Recompute {
        /// The period to compute, e.g. 2025 or 2025Q3 (repeatable); default: every
        /// period that has data.
        #[arg(long = "period")]
        periods: Vec<String>,
        /// No progress bar (for logs).
        #[arg(long)]
        quiet: bool,
    },
}

/// Account commands. Passwords come from `SRDI_PASSWORD` or are prompted for twice.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account.
    Add {
        /// Account name: 3-32 of a-z, 0-9, '.', '_', '-'.
        #[arg(long)]
        username: String,
        /// admin, staff, official, expert or enterprise.
        #[arg(long)]
        role: Role,
        /// The enterprise's unified social credit code (enterprise accounts only).
        #[arg(long)]
        enterprise: Option<String>,
        /// Limit a staff or official account to these district codes (comma-separated).
        #[arg(long, value_delimiter = ',')]
        districts: Vec<String>,
        /// Name shown in the interface (defaults to the username).
        #[arg(long)]
        display_name: Option<String>,
        /// Make the user choose a new password at first sign-in.
        #[arg(long)]
        temporary: bool,
    },
    /// Disable an account and end its sessions.
    Disable {
        /// The account name.
        username: String,
    },
    /// Set an account's password (ends its sessions).
    SetPassword {
        /// The account name.
        username: String,
        /// Make the user choose a new password at next sign-in.
        #[arg(long)]
        temporary: bool,
    },
}

/// Parses arguments, runs the command, and maps failure to exit code 1 with a message.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to standard output: readable lines by default, one JSON object per event with
/// `SRDI_LOG_FORMAT=json` (for a log collector); `RUST_LOG` sets the detail. Each
/// request's span is logged when it closes (at `info`): one line per request with its
/// request id, method, route, status, client and time taken.
fn init_tracing() {
    use tracing_subscriber::EnvFilter;
    use tracing_subscriber::fmt::format::FmtSpan;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("SRDI_LOG_FORMAT").is_ok_and(|v| v.eq_ignore_ascii_case("json"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_span_events(FmtSpan::CLOSE);
    let _ = if json {
        builder.json().flatten_event(true).try_init()
    } else {
        builder.try_init()
    };
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let url_for = |default: &str| {
        cli.database_url
            .clone()
            .unwrap_or_else(|| default.to_string())
    };
    match cli.command {
        Command::Serve { ref bind } => {
            let db = open(&url_for(config::DEFAULT_DATABASE_URL))?;
            migrate(&db)?;
            let admins = User::count_active_admins(&mut *db.conn()?)?;
            if admins == 0 {
                anyhow::bail!(
                    "this database has no administrator account, so nobody could sign in.\n\
                     Create one first:\n    srdi-board user add --username admin --role admin\n\
                     (or try everything with demo data: srdi-board demo)"
                );
            }
            serve(db, &url_for(config::DEFAULT_DATABASE_URL), bind)
        }
        Command::Demo {
            ref bind,
            enterprises,
            seed,
            no_serve,
        } => {
            let url = url_for(config::DEMO_DATABASE_URL);
            let db = open(&url)?;
            migrate(&db)?;
            let options = crate::demo::DemoOptions {
                enterprises: enterprises.map(|n| n as usize),
                seed,
                rubric_results: enterprises.is_none(),
            };
            let loaded = crate::demo::load_with(&db, &options)?;
            match &loaded.generated {
                Some(r) => println!(
                    "loaded {} enterprises, {} titles, {} years of annual data, {} board entries, \
                     {} rubric results, {} cultivation moves, {} proposals, {} tasks, {} training \
                     events ({} invitations, {} registrations), {} index values, {} expert scores ({} assignments open) and index scores for {} \
                     periods in {:.1}s",
                    r.enterprises,
                    r.titles,
                    r.annual_rows,
                    r.board_entries,
                    r.rubric_results,
                    r.cultivation_events,
                    r.proposals,
                    r.tasks,
                    r.training_events,
                    r.training_invitations,
                    r.training_registrations,
                    r.index_values,
                    r.expert_scores,
                    r.open_assignments,
                    r.scored_periods,
                    r.elapsed.as_secs_f64()
                ),
                None => println!("demo data already loaded; demo passwords reset"),
            }
            let accounts = loaded.accounts;
            println!("\nDemo accounts (demo only; never use these passwords elsewhere):");
            println!("  {:<18} {:<11} password", "username", "role");
            for a in &accounts {
                println!(
                    "  {:<18} {:<11} {}",
                    a.username,
                    a.role.as_str(),
                    a.password
                );
            }
            println!();
            if no_serve {
                return Ok(());
            }
            serve(db, &url, bind)
        }
        Command::Migrate => {
            let db = open(&url_for(config::DEFAULT_DATABASE_URL))?;
            migrate(&db)?;
            Ok(())
        }
        Command::User { command } => {
            let db = open(&url_for(config::DEFAULT_DATABASE_URL))?;
            migrate(&db)?;
            user_command(&db, command)
        }
        Command::Index { command } => {
            let db = open(&url_for(config::DEFAULT_DATABASE_URL))?;
            migrate(&db)?;
            index_command(&db, command)
        }
        Command::Backup { to } => {
            let db = open(&url_for(config::DEFAULT_DATABASE_URL))?;
            match db::backup(&db, &to)? {
                BackupOutcome::Copied => println!("backup written to {}", to.display()),
                BackupOutcome::UsePgDump(cmd) => {
                    println!(
                        "PostgreSQL databases are backed up with pg_dump; run:\n    {cmd}\n\
                         (the password, if the database needs one, comes from PGPASSWORD or ~/.pgpass)"
                    )
                }
            }
            Ok(())
        }
        Command::BenchBaseline { bind } => bench_baseline(&bind),
    }
}

fn open(url: &str) -> anyhow::Result<Db> {
    let pool_size = std::env::var("SRDI_POOL_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    Ok(Db::connect(url, pool_size)?)
}

fn migrate(db: &Db) -> anyhow::Result<()> {
    let applied = startup::prepare_database(db)?;
    if applied.is_empty() {
        println!("database is up to date ({})", db.target().backend_name());
    } else {
        for m in &applied {
            println!("applied migration {m}");
        }
    }
    Ok(())
}

fn serve(db: Db, url: &str, bind: &str) -> anyhow::Result<()> {
    let settings = Settings::from_env(url.to_string())?;
    if !settings.cookie_key_configured {
        tracing::warn!(
            "SRDI_SECRET_KEY is not set: using a random key, so flash messages and sign-in forms do not survive a restart or work across several app servers"
        );
    }
    let listener =
        TcpListener::bind(bind).map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    let addr = listener.local_addr()?;
    let state = AppState::new(db, settings);
    println!("srdi-board listening on http://{addr}  (Ctrl-C to stop)");
    actix_web::rt::System::new().block_on(async move { startup::run(listener, state)?.await })?;
    Ok(())
}

/// One row of the bare handler's page, repeated to make about 2 KB of fixed HTML,
/// the size of a small real page.
const BASELINE_ROW: &str = "<tr><td>0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789abcdefghij</td></tr>";

/// A bare actix-web server with the app's worker count and socket settings (see
/// `startup::run`) and nothing else: what the HTTP stack alone serves on this machine.
fn bench_baseline(bind: &str) -> anyhow::Result<()> {
    use actix_web::{App, HttpResponse, HttpServer, web};
    let listener =
        TcpListener::bind(bind).map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    println!(
        "bare actix-web baseline listening on http://{}",
        listener.local_addr()?
    );
    let page = web::Bytes::from(format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>baseline</title>\
         </head><body><main><h1>baseline</h1><table>{}</table></main></body></html>\n",
        BASELINE_ROW.repeat(18)
    ));
    actix_web::rt::System::new().block_on(async move {
        HttpServer::new(move || {
            let page = page.clone(); // shared, not copied: Bytes counts references
            App::new().route(
                "/",
                web::get().to(move || {
                    let page = page.clone();
                    async move {
                        HttpResponse::Ok()
                            .content_type("text/html; charset=utf-8")
                            .body(page)
                    }
                }),
            )
        })
        .tcp_nodelay(true)
        .listen(listener)?
        .run()
        .await
    })?;
    Ok(())
}

/// Reads a new password from `SRDI_PASSWORD`, or asks twice without echo; checks the policy.
fn read_password(username: &str) -> anyhow::Result<String> {
    let pw = match std::env::var("SRDI_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            let a = rpassword::prompt_password(format!("New password for {username}: "))?;
            let b = rpassword::prompt_password("Repeat it: ")?;
            if a != b {
                anyhow::bail!("the two passwords differ");
            }
            a
        }
    };
    password_policy::check(&pw, username).map_err(|p| anyhow::anyhow!("{p}"))?;
    Ok(pw)
}

fn user_command(db: &Db, command: UserCommand) -> anyhow::Result<()> {
    let actor = Actor::cli();
    match command {
        UserCommand::Add {
            username,
            role,
            enterprise,
            districts,
            display_name,
            temporary,
        } => {
            let username = Username::parse(&username)?;
            let districts = districts
                .iter()
                .filter(|d| !d.trim().is_empty())
                .map(|d| DistrictCode::parse(d))
                .collect::<Result<Vec<_>, _>>()?;
            if !districts.is_empty() && !role.can_be_district_scoped() {
                anyhow::bail!("--districts applies to staff and official accounts only");
            }
            let mut conn = db.conn()?;
            let enterprise_id = match (role, enterprise) {
                (Role::Enterprise, Some(code)) => {
                    let code = CreditCode::parse(&code)?;
                    let e = EnterpriseRef::by_credit_code(&mut conn, &code)?.ok_or_else(|| {
                        anyhow::anyhow!("no enterprise with credit code {code} is registered")
                    })?;
                    Some(e.id)
                }
                (Role::Enterprise, None) => {
                    anyhow::bail!("an enterprise account needs --enterprise CREDIT_CODE")
                }
                (_, Some(_)) => anyhow::bail!("--enterprise applies to enterprise accounts only"),
                (_, None) => None,
            };
            let pw = read_password(username.as_str())?;
            let hash = password::hash(&pw)?;
            let new = NewUser {
                display_name: display_name.unwrap_or_else(|| username.to_string()),
                username,
                password_hash: hash,
                role,
                enterprise_id,
                all_districts: districts.is_empty(),
                districts,
                must_change_password: temporary,
            };
            let user = write_transaction(&mut conn, |c| {
                User::create(c, &actor, &new).map_err(AppError::from)
            })?;
            println!("created {} account '{}'", user.role, user.username);
        }
        UserCommand::Disable { username } => {
            let mut conn = db.conn()?;
            let user = User::by_username(&mut conn, &username)?
                .ok_or_else(|| anyhow::anyhow!("no account named '{username}'"))?;
            write_transaction(&mut conn, |c| {
                User::set_disabled(c, &actor, user.id, true).map_err(AppError::from)
            })?;
            println!("disabled '{}' and ended its sessions", user.username);
        }
        UserCommand::SetPassword {
            username,
            temporary,
        } => {
            let mut conn = db.conn()?;
            let user = User::by_username(&mut conn, &username)?
                .ok_or_else(|| anyhow::anyhow!("no account named '{username}'"))?;
            let pw = read_password(&user.username)?;
            let hash = password::hash(&pw)?;
            write_transaction(&mut conn, |c| {
                User::set_password(c, &actor, user.id, &hash, temporary).map_err(AppError::from)
            })?;
            println!("password of '{}' set; its sessions ended", user.username);
        }
    }
    Ok(())
}

fn index_command(db: &Db, command: IndexCommand) -> anyhow::Result<()> {
    use crate::domain::index::period::Period;
    use crate::models::index;
    let IndexCommand::Recompute { periods, quiet } = command;
    let mut conn = db.conn()?;
    let periods: Vec<Period> = if periods.is_empty() {
        index::periods(&mut conn)?
            .iter()
            .filter_map(index::PeriodRow::parsed)
            .collect()
    } else {
        periods
            .iter()
            .map(|p| p.parse::<Period>())
            .collect::<Result<_, _>>()?
    };
    if periods.is_empty() {
        println!(
            "no index periods yet: enter or import indicator values, or name one with --period"
        );
        return Ok(());
    }
    let actor = Actor::cli();
    for p in periods {
        let bar = if quiet {
            indicatif::ProgressBar::hidden()
        } else {
            indicatif::ProgressBar::new(1)
        };
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{prefix:>7} {msg:<7} [{bar:40}] {pos:>7}/{len:7} {elapsed_precise}",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        bar.set_prefix(p.to_string());
        let done = index::recompute_period(&mut conn, &actor, p, &mut |phase, n, of| {
            bar.set_message(phase);
            bar.set_length(of as u64);
            bar.set_position(n.min(of) as u64);
        })?;
        bar.finish_and_clear();
        println!(
            "{}: scored {} of {} active enterprises ({} with a total) from {} figures with model v{} in {:.1}s ({})",
            done.period,
            done.scored,
            done.enterprises,
            done.with_total,
            done.values,
            done.model_version,
            done.seconds,
            done.phases
                .iter()
                .map(|(name, secs)| format!("{name} {secs:.1}s"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}
