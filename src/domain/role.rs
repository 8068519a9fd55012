//! The five kinds of account and what each may do in general terms.

use std::fmt;
use std::str::FromStr;

/// Who an account belongs to; decides navigation, pages and permitted actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Equity-center system administrator: users, reference data, models.
    Admin,
    /// Equity-center staff: board operations and cultivation counsellors.
    Staff,
    /// Government official: reads everything, approves stage advancements.
    Official,
    /// Index review expert: scores assigned enterprises.
    Expert,
    /// A company's own account, bound to exactly one enterprise.
    Enterprise,
}

impl Role {
    /// Every role, in the order they are listed in forms.
    pub const ALL: [Role; 5] = [
        Role::Admin,
        Role::Staff,
        Role::Official,
        Role::Expert,
        Role::Enterprise,
    ];

    /// The stable name stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Staff => "staff",
            Role::Official => "official",
            Role::Expert => "expert",
            Role::Enterprise => "enterprise",
        }
    }

    /// Staff and officials may be limited to districts; other roles may not.
    pub fn can_be_district_scoped(self) -> bool {
        matches!(self, Role::Staff | Role::Official)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A role name that is not one of the five.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role '{0}': expected one of admin, staff, official, expert, enterprise")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| UnknownRole(s.to_string()))
    }
}

impl TryFrom<String> for Role {
    type Error = UnknownRole;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        assert!("root".parse::<Role>().is_err());
    }

    #[test]
    fn only_staff_and_officials_are_district_scoped() {
        let scoped: Vec<_> = Role::ALL
            .into_iter()
            .filter(|r| r.can_be_district_scoped())
            .collect();
        assert_eq!(scoped, vec![Role::Staff, Role::Official]);
    }
}
