//! Demo data: one account per role (and a district-limited official) with known
//! passwords, and the enterprises they are bound to. Idempotent: running the demo
//! again resets the demo accounts' passwords and keeps everything else.

use crate::auth::password;
use crate::db::{Db, write_transaction};
use crate::domain::credit_code::CreditCode;
use crate::domain::district::DistrictCode;
use crate::domain::role::Role;
use crate::domain::username::Username;
use crate::error::AppError;
use crate::models::audit::Actor;
use crate::models::enterprise::EnterpriseRef;
use crate::models::user::{NewUser, User};

/// A demo account as printed at start.
pub struct DemoAccount {
    pub username: &'static str,
    pub role: Role,
    pub password: &'static str,
}

/// (16 leading characters of the credit code, name, district).
const ENTERPRISES: [(&str, &str, &str); 3] = [
    ("9137021258674123", "青岛海纳精密制造股份有限公司", "370212"),
    ("9137021157736912", "青岛蓝湾海洋生物科技有限公司", "370211"),
    ("9137028155620347", "胶州智联工业软件有限公司", "370281"),
];

/// (username, display name, role, password, enterprise index, districts).
const ACCOUNTS: [(&str, &str, Role, &str, Option<usize>, &[&str]); 6] = [
    (
        "admin",
        "系统管理员",
        Role::Admin,
        "Haier-Bridge-2026",
        None,
        &[],
    ),
    (
        "staff",
        "王晓燕（专板运营部）",
        Role::Staff,
        "Jiaozhou-Bay-2026",
        None,
        &[],
    ),
    (
        "official",
        "李建国（市民营经济局）",
        Role::Official,
        "Zhanqiao-Pier-2026",
        None,
        &[],
    ),
    (
        "laoshan.official",
        "陈静（崂山区工信局）",
        Role::Official,
        "Shilaoren-Beach-2026",
        None,
        &["370212"],
    ),
    (
        "expert",
        "赵明（评审专家）",
        Role::Expert,
        "Laoshan-Peak-2026",
        None,
        &[],
    ),
    (
        "enterprise",
        "青岛海纳精密制造",
        Role::Enterprise,
        "Beer-Festival-2026",
        Some(0),
        &[],
    ),
];

/// Loads (or refreshes) the demo data and returns the accounts to print.
pub fn load(db: &Db) -> Result<Vec<DemoAccount>, AppError> {
    let actor = Actor {
        user_id: None,
        name: "demo".into(),
        ip: "local".into(),
    };
    // Hash outside the transaction: it is slow and needs no lock.
    let hashes: Vec<String> = ACCOUNTS
        .iter()
        .map(|a| password::hash(a.3))
        .collect::<anyhow::Result<_>>()?;
    let mut conn = db.conn()?;
    write_transaction(&mut conn, |conn| {
        let mut ids = Vec::new();
        for (prefix, name, district) in ENTERPRISES {
            let code = CreditCode::complete(prefix)
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("demo code {prefix}")))?;
            let e = match EnterpriseRef::by_credit_code(conn, &code)? {
                Some(e) => e,
                None => EnterpriseRef::create(conn, &code, name, district)?,
            };
            ids.push(e.id);
        }
        for ((username, display, role, _, enterprise, districts), hash) in
            ACCOUNTS.iter().zip(&hashes)
        {
            match User::by_username(conn, username)? {
                Some(u) => {
                    User::set_password(conn, &actor, u.id, hash, false)?;
                    if u.disabled {
                        User::set_disabled(conn, &actor, u.id, false)?;
                    }
                }
                None => {
                    let districts: Vec<DistrictCode> = districts
                        .iter()
                        .filter_map(|d| DistrictCode::parse(d).ok())
                        .collect();
                    let new = NewUser {
                        username: Username::parse(username)
                            .map_err(|e| AppError::Internal(e.into()))?,
                        display_name: (*display).to_string(),
                        password_hash: hash.clone(),
                        role: *role,
                        enterprise_id: enterprise.map(|i| ids[i]),
                        all_districts: districts.is_empty(),
                        districts,
                        must_change_password: false,
                    };
                    User::create(conn, &actor, &new)?;
                }
            }
        }
        Ok::<_, AppError>(())
    })?;
    Ok(ACCOUNTS
        .iter()
        .map(|(username, _, role, password, _, _)| DemoAccount {
            username,
            role: *role,
            password,
        })
        .collect())
}
