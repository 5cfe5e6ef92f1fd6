//! # accord-server
//!
//! One HTTP server for every audience, over the same services the CLI uses (`accord-service`):
//! - [`api`]: REST/JSON under `/api/v1`, described by the OpenAPI 3.1 document at
//!   `/api/openapi.json` ([`openapi`]); errors are one JSON shape ([`error`]).
//! - [`pages`]: server-rendered pages — sign-in, the provider portal (eligibility, authorization
//!   status), the staff console (UM queue, decisions); [`portal`] (authorization form, claims,
//!   remittances), [`case_forms`] (filing and acting on cases), [`console`] (claims pend queue,
//!   peer review).
//! - [`claims_api`]: claims as JSON, received through the 837 intake.
//! - [`self_assessment`]: PAY-05's 17-item fiscal-policy self-assessment as a form with its
//!   score, for a provider (portal) and for the staff reviewing one (console); nothing stored.
//! - [`part2`]: SEC-02 for claims and remittances seen by a payee that did not bill them.
//! - [`network`]: the provider network — a provider's own network status, the staff's
//!   credentialing pipeline (JSON and pages).
//! - [`auth`]: accounts (argon2), sessions (HttpOnly, SameSite=Strict cookies, CSRF tokens on forms,
//!   sign-in throttling) for people and bearer API tokens for systems; roles and the provider scope
//!   every handler checks (SEC-01). Reads and writes of member data go to the access log.
//!
//! Limits: request bodies over 1 MiB are refused (413), requests time out after 30 s.
//! "Now" is read here, at the edge; the rules below never read a clock.

pub mod api;
pub mod auth;
pub mod case_forms;
pub mod cases;
pub mod charts;
pub mod claims_api;
pub mod console;
pub mod dashboard;
pub mod error;
pub mod intake;
pub mod network;
pub mod openapi;
pub mod pages;
pub mod part2;
pub mod portal;
pub mod self_assessment;

use std::sync::Arc;
use std::time::Duration;

use accord_plan::Plan;
use accord_store::{Store, StoredAccount};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use tower_http::timeout::TimeoutLayer;

use crate::auth::{Role, Sessions};

/// Largest request body accepted.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The access log's writer: concurrent requests' records are committed together in one
/// transaction (group commit), and each request waits until its record is committed before it
/// answers — member data is never shown unlogged, and the log costs one write per batch instead
/// of one per request.
#[derive(Clone)]
pub struct AccessLog {
    tx: tokio::sync::mpsc::UnboundedSender<(
        accord_store::AccessRecord,
        tokio::sync::oneshot::Sender<Result<(), String>>,
    )>,
}

/// Most records committed in one access-log transaction.
pub const ACCESS_LOG_BATCH: usize = 512;

impl AccessLog {
    /// Starts the writer task on `store`.
    pub fn start(store: Store) -> Self {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(
            accord_store::AccessRecord,
            tokio::sync::oneshot::Sender<Result<(), String>>,
        )>();
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut batch = vec![first];
                while batch.len() < ACCESS_LOG_BATCH {
                    match rx.try_recv() {
                        Ok(item) => batch.push(item),
                        Err(_) => break,
                    }
                }
                let records: Vec<_> = batch.iter().map(|(r, _)| r.clone()).collect();
                let result = store.log_access(&records).await.map_err(|e| e.to_string());
                for (_, done) in batch {
                    let _ = done.send(result.clone());
                }
            }
        });
        Self { tx }
    }

    /// Writes one record and waits until it is committed.
    pub async fn write(&self, record: accord_store::AccessRecord) -> Result<(), String> {
        let (done, wait) = tokio::sync::oneshot::channel();
        self.tx
            .send((record, done))
            .map_err(|_| "the access log writer has stopped".to_owned())?;
        wait.await
            .map_err(|_| "the access log writer has stopped".to_owned())?
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The plan.
    pub plan: Arc<Plan>,
    /// Sessions and sign-in throttling.
    pub sessions: Sessions,
    /// Mark cookies `Secure` (off only for plain-HTTP loopback demos and tests).
    pub secure_cookies: bool,
    /// The access log's group-commit writer.
    pub access_log: AccessLog,
    /// API tokens already checked: digest → principal, for [`auth::TOKEN_CACHE_TTL`].
    pub token_cache: auth::TokenCache,
}

impl AppState {
    /// State over a store and a plan.
    /// Must be called inside a tokio runtime (it starts the access-log writer).
    pub fn new(store: Store, plan: Plan, secure_cookies: bool) -> Self {
        Self {
            access_log: AccessLog::start(store.clone()),
            token_cache: auth::TokenCache::default(),
            store,
            plan: Arc::new(plan),
            sessions: Sessions::default(),
            secure_cookies,
        }
    }
}

/// Every route.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/v1/me", get(api::me))
        .route("/api/v1/eligibility", get(api::eligibility))
        .route("/api/v1/auth-grid", get(api::auth_grid))
        .route("/api/v1/authorizations", post(api::request_authorization))
        .route("/api/v1/authorizations/{id}", get(api::authorization))
        .route("/api/v1/authorizations/{id}/decision", post(api::decide))
        .route("/api/v1/um/queue", get(api::um_queue))
        .route(
            "/api/v1/claims/837",
            post(intake::receive_837).layer(DefaultBodyLimit::max(intake::UPLOAD_LIMIT)),
        )
        .route("/api/v1/claims", post(claims_api::submit_json))
        .route("/api/v1/claims/{tracking}", get(api::claim))
        .route("/api/v1/cases", post(cases::file))
        .route("/api/v1/cases/due", get(cases::due))
        .route("/api/v1/cases/{id}", get(cases::show))
        .route("/api/v1/cases/{id}/events", post(cases::act))
        .route("/portal/cases", get(cases::cases_page))
        .route("/portal/cases/{id}/letter", get(cases::letter_page))
        .route("/console/dashboard", get(dashboard::page))
        .route("/api/v1/reports/claims", get(dashboard::claims_report))
        .route("/api/v1/reports/um", get(dashboard::um_report))
        .route("/portal/cases/{id}", get(cases::case_page))
        .route(
            "/portal/cases/new",
            get(case_forms::new_case_page).post(case_forms::new_case_submit),
        )
        .route("/console/cases/{id}", get(case_forms::console_case_page))
        .route(
            "/console/cases/{id}/events",
            post(case_forms::console_case_act),
        )
        .route("/console/claims/pended", get(console::pend_queue_page))
        .route(
            "/console/claims/{tracking}/examine",
            post(console::examine_submit),
        )
        .route("/console/peer-review", get(console::peer_review_page))
        .route(
            "/console/authorizations/{id}/peer-to-peer",
            post(console::peer_to_peer_submit),
        )
        .route("/login", get(pages::login_page).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/", get(pages::home))
        .route("/portal/eligibility", get(pages::eligibility_page))
        .route(
            "/portal/authorizations/new",
            get(portal::request_form).post(portal::request_submit),
        )
        .route(
            "/portal/authorizations/{id}",
            get(pages::authorization_page),
        )
        .route("/portal/claims", get(portal::claims_list))
        .route("/portal/claims/{tracking}", get(portal::claim_page))
        .route("/portal/remittances", get(portal::remittances))
        .route(
            "/portal/remittances/{cycle}/{npi}/{kind}",
            get(portal::remittance_file),
        )
        .route("/console/um-queue", get(pages::um_queue_page))
        .route(
            "/portal/self-assessment",
            get(self_assessment::portal_page).post(self_assessment::portal_submit),
        )
        .route(
            "/console/self-assessment",
            get(self_assessment::console_page).post(self_assessment::console_submit),
        )
        .route(
            "/api/v1/network/providers/{npi}",
            get(network::provider_record),
        )
        .route("/api/v1/network/pipeline", get(network::pipeline))
        .route("/portal/network", get(network::status_page))
        .route("/console/credentialing", get(network::pipeline_page))
        .route(
            "/console/authorizations/{id}/decision",
            post(pages::decide_form),
        )
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .with_state(state)
}

/// Serves on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, router(state)).await
}

/// Why an account could not be created.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The role is not one of the server's.
    #[error("role: {0:?} is not a role ({1})")]
    Role(String, String),
    /// Hashing failed.
    #[error("password: {0}")]
    Hash(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] accord_store::StoreError),
}

impl From<&AccountError> for accord_core::ErrorCode {
    fn from(e: &AccountError) -> Self {
        match e {
            AccountError::Role(..) | AccountError::Hash(_) => accord_core::ErrorCode::InvalidInput,
            AccountError::Store(s) => s.into(),
        }
    }
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Sign-in name.
    pub user_id: String,
    /// Name shown.
    pub name: String,
    /// Role (server spelling).
    pub role: String,
    /// Provider users: NPIs.
    pub npis: Vec<String>,
    /// The password.
    pub password: String,
    /// A fixed salt (demo only, so its database is the same on every run); `None`: random.
    pub salt: Option<Vec<u8>>,
}

/// Creates (or replaces) accounts in one unit of work.
pub async fn save_accounts(
    store: &Store,
    accounts: &[NewAccount],
    actor: &str,
    now: jiff::Timestamp,
) -> Result<(), AccountError> {
    let mut rows = Vec::new();
    for a in accounts {
        let role = Role::parse(&a.role).ok_or_else(|| {
            AccountError::Role(a.role.clone(), Role::ALL.map(|r| r.as_str()).join(", "))
        })?;
        let hash = match &a.salt {
            Some(s) => auth::hash_with_salt(&a.password, s),
            None => auth::hash_password(&a.password),
        }
        .map_err(AccountError::Hash)?;
        rows.push(StoredAccount {
            user_id: a.user_id.clone(),
            display_name: a.name.clone(),
            role: role.as_str().into(),
            npis: a.npis.clone(),
            password_hash: hash,
            created_at: now,
        });
    }
    let mut uow = store.begin(actor, "accounts saved", now).await?;
    uow.save_accounts(&rows).await?;
    uow.commit().await?;
    Ok(())
}

/// Issues an API token for `user_id`; returns the token (shown once; only its digest is kept).
pub async fn issue_token(
    store: &Store,
    user_id: &str,
    label: &str,
    now: jiff::Timestamp,
) -> Result<String, AccountError> {
    let token = format!("acc_{}", auth::random_secret());
    let mut uow = store.begin(user_id, "API token issued", now).await?;
    uow.save_token(&auth::token_digest(&token), user_id, label, now)
        .await?;
    uow.commit().await?;
    Ok(token)
}
