//! [`DatabaseUrl`]: a connection URL whose `Debug` and `Display` never show the password.

use std::fmt;

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite: `sqlite://path.db` (created if missing) or `sqlite::memory:`.
    Sqlite,
    /// PostgreSQL: `postgres://user:password@host:port/db`.
    Postgres,
}

impl Backend {
    /// The backend's name, `sqlite` or `postgres`.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    /// The most bind parameters one statement may carry (SQLite's compiled limit is 32,766,
    /// PostgreSQL's wire protocol allows 65,535); bulk inserts stay below it.
    pub(crate) fn max_params(self) -> usize {
        match self {
            Backend::Sqlite => 32_766,
            Backend::Postgres => 65_535,
        }
    }

    /// How many bind parameters a bulk-insert statement carries: within [`Backend::max_params`].
    /// Bulk inserts bind SQLite parameters by position (`?`), so binding is linear; 2,048 measured
    /// as fast as 8,192 and keeps each statement small (`docs/performance.md`).
    pub(crate) fn bulk_params(self) -> usize {
        match self {
            Backend::Sqlite => 2_048,
            Backend::Postgres => self.max_params(),
        }
    }
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A database URL. The text is kept as given for connecting; `Debug` and `Display` replace the
/// password (in the user-info part or a `password=` parameter) with `***`, so the URL can be
/// logged and shown in errors.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// Wraps a URL (no validation: [`DatabaseUrl::backend`] says whether it is one we know).
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL with its password, for connecting. Never log this.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The backend the scheme names, if any.
    pub fn backend(&self) -> Option<Backend> {
        let u = self.0.trim();
        if u.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if u.starts_with("postgres://") || u.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    /// True for an in-memory SQLite database, which lives only as long as its one connection.
    pub fn is_sqlite_memory(&self) -> bool {
        self.backend() == Some(Backend::Sqlite)
            && (self.0.contains(":memory:") || self.0.contains("mode=memory"))
    }

    /// The URL with the password replaced by `***`.
    pub fn redacted(&self) -> String {
        let s = &self.0;
        let mut out = match s.find("://") {
            Some(i) => {
                let rest_start = i + 3;
                let rest = &s[rest_start..];
                let auth_end = rest.find(['/', '?']).unwrap_or(rest.len());
                let authority = &rest[..auth_end];
                match authority.rfind('@') {
                    Some(at) => {
                        let userinfo = &authority[..at];
                        let user = match userinfo.find(':') {
                            Some(c) => format!("{}:***", &userinfo[..c]),
                            None => userinfo.to_owned(),
                        };
                        format!(
                            "{}{}{}{}",
                            &s[..rest_start],
                            user,
                            &authority[at..],
                            &rest[auth_end..]
                        )
                    }
                    None => s.clone(),
                }
            }
            None => s.clone(),
        };
        // A password given as a query parameter.
        if let Some(q) = out.find('?') {
            let (head, query) = out.split_at(q + 1);
            let query = query
                .split('&')
                .map(|kv| {
                    if kv.to_ascii_lowercase().starts_with("password=") {
                        "password=***".to_owned()
                    } else {
                        kv.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join("&");
            out = format!("{head}{query}");
        }
        out
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_hidden_in_debug_and_display() {
        let u = DatabaseUrl::new("postgres://accord:s3cret@db:5432/accord?sslmode=require");
        assert_eq!(
            u.to_string(),
            "postgres://accord:***@db:5432/accord?sslmode=require"
        );
        assert!(!format!("{u:?}").contains("s3cret"));
        assert_eq!(
            u.expose(),
            "postgres://accord:s3cret@db:5432/accord?sslmode=require"
        );
        let q = DatabaseUrl::new("postgres://db/accord?user=a&password=s3cret");
        assert_eq!(q.to_string(), "postgres://db/accord?user=a&password=***");
        let p = DatabaseUrl::new("postgres://postgres@127.0.0.1/test");
        assert_eq!(p.to_string(), "postgres://postgres@127.0.0.1/test");
    }

    #[test]
    fn backend_from_scheme() {
        assert_eq!(
            DatabaseUrl::new("sqlite://a.db").backend(),
            Some(Backend::Sqlite)
        );
        assert!(DatabaseUrl::new("sqlite::memory:").is_sqlite_memory());
        assert_eq!(
            DatabaseUrl::new("postgresql://x/y").backend(),
            Some(Backend::Postgres)
        );
        assert_eq!(DatabaseUrl::new("mysql://x/y").backend(), None);
    }
}
