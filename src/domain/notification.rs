//! Notification kinds and how a stored notification becomes text: the kind names a
//! locale key, the parameters fill its `%{name}` placeholders at display time, in the
//! reader's language. Parameters whose name ends in `_label` hold a locale key
//! themselves (a step, a level) and are translated too.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A proposed pipeline move was approved (to the proposer).
    ProposalApproved,
    /// A proposed pipeline move was returned (to the proposer).
    ProposalReturned,
    /// Annual data submitted by an enterprise was approved (to its accounts).
    AnnualApproved,
    /// Annual data submitted by an enterprise was returned (to its accounts).
    AnnualReturned,
    /// A title entered the re-review window (to staff in scope and the enterprise).
    TitleExpiring,
    /// An open task passed its due date (to its owner).
    TaskOverdue,
    /// A financing referral was answered (for the financing module).
    ReferralAnswered,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 7] = [
        Kind::ProposalApproved,
        Kind::ProposalReturned,
        Kind::AnnualApproved,
        Kind::AnnualReturned,
        Kind::TitleExpiring,
        Kind::TaskOverdue,
        Kind::ReferralAnswered,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ProposalApproved => "proposal_approved",
            Kind::ProposalReturned => "proposal_returned",
            Kind::AnnualApproved => "annual_approved",
            Kind::AnnualReturned => "annual_returned",
            Kind::TitleExpiring => "title_expiring",
            Kind::TaskOverdue => "task_overdue",
            Kind::ReferralAnswered => "referral_answered",
        }
    }

    /// The locale key of its message.
    pub fn message_key(self) -> String {
        format!("notification.kind.{}", self.as_str())
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Kind {
    type Err = ();
    fn from_str(s: &str) -> Result<Kind, ()> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s).ok_or(())
    }
}

/// The parameters of a message (name -> value), stored as a JSON object.
pub type Params = BTreeMap<String, String>;

/// Builds parameters from pairs.
pub fn params<const N: usize>(pairs: [(&str, String); N]) -> Params {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Parses stored parameters (an unreadable value gives none rather than an error).
pub fn parse_params(json: &str) -> Params {
    serde_json::from_str(json).unwrap_or_default()
}

/// Fills `%{name}` placeholders of `template` from `params`; values of `*_label`
/// parameters go through `translate` first. Unknown placeholders stay as they are.
pub fn render(template: &str, params: &Params, translate: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find("%{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match params.get(name) {
                    Some(v) if name.ends_with("_label") => out.push_str(&translate(v)),
                    Some(v) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 1]),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether `link` is a path on this site (so that "open" never redirects elsewhere).
pub fn is_local_link(link: &str) -> bool {
    link.starts_with('/') && !link.starts_with("//") && !link.contains('\\')
}

/// The dedupe key of a title entering its re-review window.
pub fn title_expiring_key(qualification_id: i32) -> String {
    format!("title-expiring:{qualification_id}")
}

/// The dedupe key of an overdue task.
pub fn task_overdue_key(task_id: i32) -> String {
    format!("task-overdue:{task_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(k.as_str().parse::<Kind>(), Ok(k));
            assert!(k.message_key().starts_with("notification.kind."));
        }
        assert!("nope".parse::<Kind>().is_err());
    }

    #[test]
    fn render_fills_placeholders_and_translates_labels() {
        let p = params([
            ("enterprise", "青岛某公司".to_string()),
            ("step_label", "step.reserve".to_string()),
        ]);
        let text = render("%{enterprise} → %{step_label} (%{missing})", &p, |k| {
            format!("<{k}>")
        });
        assert_eq!(text, "青岛某公司 → <step.reserve> (%{missing})");
    }

    #[test]
    fn render_does_not_reexpand_values() {
        let p = params([("a", "%{b}".to_string()), ("b", "x".to_string())]);
        // One pass: a value that looks like a placeholder is shown as typed.
        assert_eq!(render("%{a}", &p, |k| k.to_string()), "%{b}");
        assert_eq!(render("50%{a", &p, |k| k.to_string()), "50%{a");
    }

    #[test]
    fn parse_params_tolerates_garbage() {
        assert!(parse_params("not json").is_empty());
        assert_eq!(parse_params(r#"{"year":"2025"}"#)["year"], "2025");
    }

    #[test]
    fn only_local_links_are_followed() {
        assert!(is_local_link("/enterprises/3"));
        assert!(!is_local_link("//evil.example"));
        assert!(!is_local_link("https://evil.example"));
        assert!(!is_local_link("/\\evil"));
        assert!(!is_local_link(""));
    }

    #[test]
    fn dedupe_keys() {
        assert_eq!(title_expiring_key(7), "title-expiring:7");
        assert_eq!(task_overdue_key(9), "task-overdue:9");
    }
}
