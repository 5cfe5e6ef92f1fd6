//! Who is asking: accounts, passwords (argon2), sessions for people (cookie), API tokens for
//! systems (bearer), login throttling, and the role and scope every handler checks (SEC-01).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use accord_store::StoredAccount;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jiff::{SignedDuration, Timestamp};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::error::ApiError;

/// A role as the server knows it: the plan's staff roles, provider users and state portal staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A provider organisation's user: sees only its own NPIs' records.
    Provider,
    /// Clinical care manager.
    ClinicalCareManager,
    /// Psychiatrist reviewer.
    Psychiatrist,
    /// Doctoral psychologist reviewer.
    DoctoralPsychologist,
    /// Appeals reviewer.
    AppealsReviewer,
    /// Claims examiner.
    ClaimsExaminer,
    /// Plan administrator.
    Administrator,
    /// State resolution-portal staff: escalations only.
    StatePortal,
    /// Read-only auditor.
    Auditor,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 9] = [
        Role::Provider,
        Role::ClinicalCareManager,
        Role::Psychiatrist,
        Role::DoctoralPsychologist,
        Role::AppealsReviewer,
        Role::ClaimsExaminer,
        Role::Administrator,
        Role::StatePortal,
        Role::Auditor,
    ];

    /// The storage spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Provider => "provider",
            Role::ClinicalCareManager => "clinical_care_manager",
            Role::Psychiatrist => "psychiatrist",
            Role::DoctoralPsychologist => "doctoral_psychologist",
            Role::AppealsReviewer => "appeals_reviewer",
            Role::ClaimsExaminer => "claims_examiner",
            Role::Administrator => "administrator",
            Role::StatePortal => "state_portal",
            Role::Auditor => "auditor",
        }
    }

    /// Parses the storage spelling.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s.trim())
    }

    /// The plan's own staff (not providers, not the state).
    pub fn is_plan_staff(self) -> bool {
        !matches!(self, Role::Provider | Role::StatePortal)
    }

    /// Clinical staff who review authorization requests (UM-05).
    pub fn is_clinical(self) -> bool {
        matches!(
            self,
            Role::ClinicalCareManager | Role::Psychiatrist | Role::DoctoralPsychologist
        )
    }

    /// May change records (everyone but the auditor and the state desk, within their scope).
    pub fn may_write(self) -> bool {
        !matches!(self, Role::Auditor | Role::StatePortal)
    }
}

/// The signed-in user or system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Principal {
    /// Sign-in name.
    pub user_id: String,
    /// Name shown.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Provider users: the NPIs they act for.
    pub npis: Vec<String>,
}

impl Principal {
    /// SEC-01: a provider user sees a record only when one of its NPIs is on it; plan staff see
    /// every record; the state desk sees none of these.
    pub fn may_see(&self, npis_on_record: &[&str]) -> bool {
        match self.role {
            Role::Provider => npis_on_record
                .iter()
                .any(|n| self.npis.iter().any(|m| m == n)),
            Role::StatePortal => false,
            _ => true,
        }
    }

    /// Refuses unless the role is one of `roles`.
    pub fn require(&self, roles: &[Role], what: &str) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "{} ({}) may not {what}",
                self.user_id,
                self.role.as_str()
            )))
        }
    }

    /// The principal of an account (`None` when its role is not known).
    pub fn from_account(a: &StoredAccount) -> Option<Principal> {
        Some(Principal {
            user_id: a.user_id.clone(),
            name: a.display_name.clone(),
            role: Role::parse(&a.role)?,
            npis: a.npis.clone(),
        })
    }
}

/// An argon2 PHC string for `password` with a random salt.
pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    hash_with_salt(password, &salt)
}

/// An argon2 PHC string with the given salt (the demo derives salts from its seed so that its
/// database is the same on every run; real accounts use [`hash_password`]).
pub fn hash_with_salt(password: &str, salt: &[u8]) -> Result<String, String> {
    let salt = SaltString::encode_b64(salt).map_err(|e| e.to_string())?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

/// True when `password` matches the PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// SHA-256 hex of an API token (the only form stored).
pub fn token_digest(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fresh random secret (sessions, CSRF, API tokens): 32 bytes, hex.
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// A signed-in person's session.
#[derive(Debug, Clone)]
pub struct Session {
    /// Who.
    pub principal: Principal,
    /// The form token pages must send back (CSRF).
    pub csrf: String,
    /// When it ends.
    pub expires: Timestamp,
}

/// Sessions and login throttling, in memory (a restart signs everyone out).
#[derive(Debug, Clone, Default)]
pub struct Sessions {
    inner: Arc<Mutex<SessionsInner>>,
}

#[derive(Debug, Default)]
struct SessionsInner {
    by_token: HashMap<String, Session>,
    failures: HashMap<String, Vec<Timestamp>>,
}

/// Failed sign-ins allowed per user name in [`THROTTLE_WINDOW`].
pub const MAX_FAILURES: usize = 5;
/// The throttling window.
pub const THROTTLE_WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// How long a session lasts.
pub const SESSION_LENGTH: SignedDuration = SignedDuration::from_hours(8);

impl Sessions {
    /// Starts a session; returns (token, csrf).
    pub fn start(&self, principal: Principal, now: Timestamp) -> (String, String) {
        let token = random_secret();
        let csrf = random_secret();
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.failures.remove(&principal.user_id);
        g.by_token.insert(
            token.clone(),
            Session {
                principal,
                csrf: csrf.clone(),
                expires: now + SESSION_LENGTH,
            },
        );
        (token, csrf)
    }

    /// The live session for a token.
    pub fn get(&self, token: &str, now: Timestamp) -> Option<Session> {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        match g.by_token.get(token) {
            Some(s) if s.expires > now => Some(s.clone()),
            Some(_) => {
                g.by_token.remove(token);
                None
            }
            None => None,
        }
    }

    /// Ends a session.
    pub fn end(&self, token: &str) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.by_token.remove(token);
    }

    /// True when `user` has failed too often lately (login throttling).
    pub fn throttled(&self, user: &str, now: Timestamp) -> bool {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let f = g.failures.entry(user.to_owned()).or_default();
        f.retain(|t| now.duration_since(*t) < THROTTLE_WINDOW);
        f.len() >= MAX_FAILURES
    }

    /// Records a failed sign-in.
    pub fn failed(&self, user: &str, now: Timestamp) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.failures.entry(user.to_owned()).or_default().push(now);
    }
}

/// How long a checked API token is trusted without asking the database again: a revoked token or a
/// changed role takes effect within this time.
pub const TOKEN_CACHE_TTL: SignedDuration = SignedDuration::from_secs(60);

/// API tokens already checked (digest → principal and when it was read).
#[derive(Debug, Clone, Default)]
pub struct TokenCache {
    inner: Arc<Mutex<HashMap<String, (Principal, Timestamp)>>>,
}

impl TokenCache {
    fn get(&self, digest: &str, now: Timestamp) -> Option<Principal> {
        let g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        g.get(digest)
            .filter(|(_, at)| now.duration_since(*at) < TOKEN_CACHE_TTL)
            .map(|(p, _)| p.clone())
    }

    fn put(&self, digest: String, p: Principal, now: Timestamp) {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if g.len() > 10_000 {
            g.retain(|_, (_, at)| now.duration_since(*at) < TOKEN_CACHE_TTL);
        }
        g.insert(digest, (p, now));
    }
}

/// The session cookie's name.
pub const COOKIE: &str = "accord_session";

/// The `Set-Cookie` value for a session: HttpOnly, SameSite=Strict, Secure unless the server was
/// told it runs on plain loopback HTTP.
pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        SESSION_LENGTH.as_secs(),
        if secure { "; Secure" } else { "" }
    )
}

pub(crate) fn cookie_token(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE)
        .map(|(_, v)| v.to_owned())
}

/// A request's principal and, for people, their session's CSRF token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Who.
    pub principal: Principal,
    /// The session's CSRF token (`None` for API tokens, which are not sent by browsers).
    pub csrf: Option<String>,
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let now = Timestamp::now();
        if let Some(h) = parts.headers.get(axum::http::header::AUTHORIZATION) {
            let token = h
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .ok_or_else(|| ApiError::unauthorized("Authorization: use `Bearer TOKEN`"))?;
            let digest = token_digest(token.trim());
            if let Some(principal) = state.token_cache.get(&digest, now) {
                return Ok(Caller {
                    principal,
                    csrf: None,
                });
            }
            let account = state
                .store
                .account_for_token(&digest)
                .await
                .map_err(ApiError::from_store)?
                .ok_or_else(|| ApiError::unauthorized("the API token is not known"))?;
            let principal = Principal::from_account(&account)
                .ok_or_else(|| ApiError::unauthorized("the account's role is not known"))?;
            state.token_cache.put(digest, principal.clone(), now);
            return Ok(Caller {
                principal,
                csrf: None,
            });
        }
        let token = cookie_token(parts)
            .ok_or_else(|| ApiError::unauthorized("sign in at /login or send an API token"))?;
        let s = state.sessions.get(&token, now).ok_or_else(|| {
            ApiError::unauthorized("the session has ended; sign in again at /login")
        })?;
        Ok(Caller {
            principal: s.principal,
            csrf: Some(s.csrf),
        })
    }
}
