//! Data scope: which enterprises an account may see. Applied in every query.

use super::district::DistrictCode;
use super::role::Role;

/// The set of enterprises visible to an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DataScope {
    /// Every enterprise (admins, experts for now, unrestricted staff and officials).
    All,
    /// Only enterprises registered in these districts (a district bureau).
    Districts(Vec<DistrictCode>),
    /// Only this one enterprise (an enterprise account).
    Enterprise(i32),
    /// Nothing (a district-scoped account with no districts left, or a broken binding).
    Nothing,
}

impl DataScope {
    /// Derives the scope from the account's role and its stored limits.
    pub fn for_account(
        role: Role,
        all_districts: bool,
        districts: Vec<DistrictCode>,
        enterprise_id: Option<i32>,
    ) -> DataScope {
        match role {
            Role::Enterprise => enterprise_id.map_or(DataScope::Nothing, DataScope::Enterprise),
            r if r.can_be_district_scoped() && !all_districts => {
                if districts.is_empty() {
                    DataScope::Nothing
                } else {
                    DataScope::Districts(districts)
                }
            }
            _ => DataScope::All,
        }
    }

    /// Whether records may be created in (or moved to) `district` under this scope.
    pub fn covers_district(&self, district: &str) -> bool {
        match self {
            DataScope::All => true,
            DataScope::Districts(ds) => ds.iter().any(|d| d.as_str() == district),
            DataScope::Enterprise(_) | DataScope::Nothing => false,
        }
    }

    /// Whether an enterprise in `district` with id `enterprise_id` is visible.
    pub fn allows(&self, enterprise_id: i32, district: &str) -> bool {
        match self {
            DataScope::All => true,
            DataScope::Districts(ds) => ds.iter().any(|d| d.as_str() == district),
            DataScope::Enterprise(id) => *id == enterprise_id,
            DataScope::Nothing => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(code: &str) -> DistrictCode {
        DistrictCode::parse(code).unwrap()
    }

    #[test]
    fn scope_follows_role() {
        assert_eq!(
            DataScope::for_account(Role::Admin, false, vec![], None),
            DataScope::All
        );
        assert_eq!(
            DataScope::for_account(Role::Staff, false, vec![d("370212")], None),
            DataScope::Districts(vec![d("370212")])
        );
        assert_eq!(
            DataScope::for_account(Role::Official, true, vec![d("370212")], None),
            DataScope::All
        );
        assert_eq!(
            DataScope::for_account(Role::Official, false, vec![], None),
            DataScope::Nothing
        );
        assert_eq!(
            DataScope::for_account(Role::Enterprise, true, vec![], Some(7)),
            DataScope::Enterprise(7)
        );
        assert_eq!(
            DataScope::for_account(Role::Enterprise, true, vec![], None),
            DataScope::Nothing
        );
    }

    #[test]
    fn allows_checks_membership() {
        let s = DataScope::Districts(vec![d("370212")]);
        assert!(s.allows(1, "370212"));
        assert!(!s.allows(1, "370202"));
        assert!(DataScope::Enterprise(3).allows(3, "370202"));
        assert!(!DataScope::Enterprise(3).allows(4, "370202"));
        assert!(!DataScope::Nothing.allows(1, "370212"));
        assert!(s.covers_district("370212") && !s.covers_district("370202"));
        assert!(DataScope::All.covers_district("370202"));
        assert!(!DataScope::Enterprise(3).covers_district("370202"));
    }
}
