//! The route table as the tests see it, read from `src/routes/mod.rs` so that a
//! route is covered by the generated tests the day it is added.

use std::fmt;
use std::sync::LazyLock;

/// The two methods the app answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    Get,
    Post,
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Method::Get => "GET",
            Method::Post => "POST",
        })
    }
}

/// One row of the route table: a method and a path pattern with `{name}` holes
/// (scope prefixes such as `/admin` already applied).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Route {
    pub method: Method,
    pub pattern: String,
}

impl Route {
    /// Whether the pattern has an id (or other value) to fill in.
    pub fn has_ids(&self) -> bool {
        self.pattern.contains('{')
    }

    /// The pattern with every hole replaced by `value` (for tests where the id does
    /// not matter because the request is refused before it is looked up).
    pub fn with_every_id(&self, value: &str) -> String {
        static HOLE: LazyLock<regex::Regex> =
            LazyLock::new(|| regex::Regex::new(r"\{[a-z_]+(:[^}]*)?\}").unwrap());
        HOLE.replace_all(&self.pattern, value).into_owned()
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.method, self.pattern)
    }
}

/// Every route of `src/routes/mod.rs`, in table order. A route inside
/// `web::scope("/x")` gets the prefix of the last scope opened before it (the
/// table keeps its scopes at the end, one after the other).
pub fn every_route() -> Vec<Route> {
    let table = include_str!("../../src/routes/mod.rs");
    let scope = regex::Regex::new(r#"web::scope\("([^"]*)"\)"#).unwrap();
    let scopes: Vec<(usize, &str)> = scope
        .captures_iter(table)
        .map(|c| (c.get(0).unwrap().start(), c.get(1).unwrap().as_str()))
        .collect();
    let route = regex::Regex::new(r#"\.route\(\s*"([^"]*)",\s*web::(get|post)\(\)"#).unwrap();
    route
        .captures_iter(table)
        .map(|c| {
            let path = c.get(1).unwrap();
            let prefix = scopes
                .iter()
                .rev()
                .find(|(at, _)| *at < path.start())
                .map_or("", |(_, p)| *p);
            Route {
                method: if &c[2] == "get" {
                    Method::Get
                } else {
                    Method::Post
                },
                pattern: format!("{prefix}{}", path.as_str()),
            }
        })
        .collect()
}

#[test]
fn the_parser_sees_both_methods_and_the_scopes() {
    let routes = every_route();
    let has = |m: Method, p: &str| routes.iter().any(|r| r.method == m && r.pattern == p);
    assert!(has(Method::Get, "/healthz"));
    assert!(has(Method::Post, "/admin/users/{id}/disable"));
    assert!(has(Method::Get, "/audit"));
    assert!(has(Method::Get, "/static/{file:.*}"));
    assert!(routes.len() >= 130, "{} routes", routes.len());
}
