//! The server on a random loopback port, on SQLite (and PostgreSQL when
//! `ACCORD_TEST_DATABASE_URL` is set), driven over real HTTP: sign-in with cookie, throttling and
//! CSRF; the access-control matrix (every endpoint × every role × own/foreign scope, SEC-01); the
//! error shape; body limits; the access log; the OpenAPI document.

use std::path::Path;

use accord_core::member::{EligibilitySpan, Member, Program, Sex};
use accord_core::provider::{NetworkStatus, Provider, ProviderKind, StatusSpan};
use accord_core::{MemberId, Npi, TaxId};
use accord_plan::Plan;
use accord_server::{AppState, NewAccount};
use accord_store::{ReceivedFile, Store, StoredClaim};
use accord_um::{Role as UmRole, StaffUser};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn a_npi() -> String {
    Npi::from_first_nine(900_000_001).to_string()
}
fn b_npi() -> String {
    Npi::from_first_nine(900_000_002).to_string()
}
fn unknown_npi() -> String {
    Npi::from_first_nine(900_000_099).to_string()
}

fn plan() -> Plan {
    Plan::load(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../plans/demo-illinois-bh"
    )))
    .unwrap()
}

struct Reply {
    status: u16,
    headers: String,
    body: String,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// One HTTP/1.1 request, `Connection: close`.
async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Reply {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).to_string();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    // Bodies may be chunked; the tests only look inside them, so strip chunk-size lines.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let mut b = String::new();
        let mut rest = body;
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if n == 0 || tail.len() < n {
                break;
            }
            b.push_str(&tail[..n]);
            rest = tail[n..].trim_start_matches("\r\n");
        }
        b
    } else {
        body.to_owned()
    };
    Reply {
        status,
        headers: head.to_owned(),
        body,
    }
}

struct Server {
    addr: std::net::SocketAddr,
    store: Store,
    tokens: std::collections::HashMap<&'static str, String>,
    request_a: String,
    claim_a: String,
}

impl Server {
    async fn get(&self, who: &str, path: &str) -> Reply {
        let auth = format!("Bearer {}", self.tokens[who]);
        http(self.addr, "GET", path, &[("Authorization", &auth)], "").await
    }
    async fn post(&self, who: &str, path: &str, body: &str) -> Reply {
        let auth = format!("Bearer {}", self.tokens[who]);
        http(
            self.addr,
            "POST",
            path,
            &[
                ("Authorization", &auth),
                ("Content-Type", "application/json"),
            ],
            body,
        )
        .await
    }
}

const USERS: &[(&str, &str)] = &[
    ("prov-a", "provider"),
    ("prov-b", "provider"),
    ("ccm1", "clinical_care_manager"),
    ("md1", "psychiatrist"),
    ("psy1", "doctoral_psychologist"),
    ("appeals1", "appeals_reviewer"),
    ("examiner", "claims_examiner"),
    ("admin", "administrator"),
    ("state", "state_portal"),
    ("auditor", "auditor"),
];

fn request_form(npi: &str, units: u32, end: &str) -> String {
    serde_json::json!({
        "member_id": "M1001", "requesting_npi": npi,
        "services": [{"code": "H0047", "modifiers": ["HF"], "units": units}],
        "start_date": "2026-03-02", "end_date": end, "diagnoses": ["F10.20"],
        "clinical": {"risk": {}, "substance_use": "alcohol", "medical": "none",
            "treatment_plan": "residential", "discharge_plan": "IOP", "asam_level": "3.5"}
    })
    .to_string()
}

async fn start() -> Server {
    start_with(true).await
}

/// The server, with or without the seeded claim on record (that claim has no engine form, so
/// tests that run adjudication start without it).
async fn start_with(seed_claim: bool) -> Server {
    // SQLite file by default; with ACCORD_TEST_DATABASE_URL=postgres://… each server gets its own
    // fresh schema on that database (left behind for inspection; names are unique per run).
    let store = match std::env::var("ACCORD_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
    {
        Some(base) => {
            use sqlx::Connection as _;
            static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let schema = format!(
                "server_{}_{}",
                std::process::id(),
                N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            );
            let mut conn = sqlx::PgConnection::connect(&base).await.unwrap();
            sqlx::raw_sql(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .execute(&mut conn)
            .await
            .unwrap();
            let sep = if base.contains('?') { '&' } else { '?' };
            Store::connect(&format!("{base}{sep}options=-c%20search_path%3D{schema}"))
                .await
                .unwrap()
        }
        None => {
            let dir = tempfile::tempdir().unwrap().keep();
            Store::connect(&format!("sqlite://{}", dir.join("t.db").display()))
                .await
                .unwrap()
        }
    };
    let now: jiff::Timestamp = "2026-03-01T15:00:00Z".parse().unwrap();
    let mut uow = store.begin("test", "seed", now).await.unwrap();
    uow.insert_members(&[Member {
        member_id: MemberId::parse("M1001").unwrap(),
        first_name: "Pat".into(),
        last_name: "Doe".into(),
        birth_date: "1990-05-05".parse().unwrap(),
        sex: Sex::U,
        zip: "60601".into(),
        family_size: Some(3),
        annual_income: None,
        sud_consent: true,
    }])
    .await
    .unwrap();
    uow.insert_members(&[Member {
        member_id: MemberId::parse("M1002").unwrap(),
        first_name: "Sam".into(),
        last_name: "Roe".into(),
        birth_date: "1985-02-02".parse().unwrap(),
        sex: Sex::U,
        zip: "60601".into(),
        family_size: Some(1),
        annual_income: None,
        sud_consent: false,
    }])
    .await
    .unwrap();
    uow.insert_eligibility(&[EligibilitySpan {
        member_id: MemberId::parse("M1002").unwrap(),
        plan_code: "ACCORD-IL".into(),
        program: Program::Medicaid,
        start: "2025-01-01".parse().unwrap(),
        end: None,
    }])
    .await
    .unwrap();
    uow.insert_eligibility(&[EligibilitySpan {
        member_id: MemberId::parse("M1001").unwrap(),
        plan_code: "ACCORD-IL".into(),
        program: Program::Medicaid,
        start: "2025-01-01".parse().unwrap(),
        end: None,
    }])
    .await
    .unwrap();
    let providers: Vec<Provider> = [a_npi(), b_npi()]
        .iter()
        .map(|n| Provider {
            npi: Npi::parse(n).unwrap(),
            kind: ProviderKind::Facility,
            name: format!("Agency {n}"),
            tax_id: TaxId::parse("12-3456789").unwrap(),
            specialty: "sud_program".into(),
            license_number: Some("036-1".into()),
            license_expires: Some("2030-12-31".parse().unwrap()),
            facility_npi: None,
        })
        .collect();
    uow.insert_providers(&providers).await.unwrap();
    uow.insert_status_spans(
        &providers
            .iter()
            .map(|p| StatusSpan {
                npi: p.npi.clone(),
                status: NetworkStatus::Participating,
                start: "2020-01-01".parse().unwrap(),
                end: None,
                reason: "credentialed".into(),
            })
            .collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    if seed_claim {
        uow.record_received_file(&ReceivedFile {
            sender: "CH".into(),
            interchange_control: "000000001".into(),
            file_name: "a.x12".into(),
            received_at: now.to_string(),
            claims: 1,
        })
        .await
        .unwrap();
        uow.insert_claims(&[StoredClaim {
            tracking: "202603010000001".into(),
            sender: "CH".into(),
            interchange_control: "000000001".into(),
            patient_control: "PCN-1".into(),
            member_id: Some("M1001".into()),
            billing_npi: Some(a_npi()),
            total_charge: accord_core::Money::parse("100.00").unwrap(),
            status: "accepted".into(),
            reasons: serde_json::json!([]),
            claim: None,
            received_at: now.to_string(),
        }])
        .await
        .unwrap();
    }
    uow.commit().await.unwrap();
    let staff: Vec<StaffUser> = [
        ("ccm1", UmRole::ClinicalCareManager),
        ("md1", UmRole::Psychiatrist),
        ("psy1", UmRole::DoctoralPsychologist),
    ]
    .map(|(id, role)| StaffUser {
        user_id: id.into(),
        name: id.into(),
        role,
        reports_to: None,
    })
    .to_vec();
    accord_service::um::save_staff(&store, &staff, "admin", now)
        .await
        .unwrap();
    let accounts: Vec<NewAccount> = USERS
        .iter()
        .map(|(u, r)| NewAccount {
            user_id: (*u).into(),
            name: (*u).into(),
            role: (*r).into(),
            npis: match *u {
                "prov-a" => vec![a_npi()],
                "prov-b" => vec![b_npi()],
                _ => vec![],
            },
            password: format!("pw-{u}"),
            salt: Some(
                u.as_bytes()
                    .iter()
                    .chain(b"saltsalt")
                    .copied()
                    .take(16)
                    .collect(),
            ),
        })
        .collect();
    accord_server::save_accounts(&store, &accounts, "admin", now)
        .await
        .unwrap();
    let mut tokens = std::collections::HashMap::new();
    for (u, _) in USERS {
        tokens.insert(
            *u,
            accord_server::issue_token(&store, u, "test", now)
                .await
                .unwrap(),
        );
    }
    let form: accord_um::RequestForm =
        serde_json::from_str(&request_form(&a_npi(), 30, "2026-03-31")).unwrap();
    let c = accord_service::um::submit(&store, &plan(), &form, now, "prov-a")
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(store.clone(), plan(), false);
    tokio::spawn(accord_server::serve(listener, state));
    Server {
        addr,
        store,
        tokens,
        request_a: c.request.id,
        claim_a: "202603010000001".into(),
    }
}

/// SEC-01: every endpoint × every role × own/foreign scope. 404 for a provider asking about
/// another provider's record (its existence is not revealed), 403 for a role that may not use
/// the endpoint at all.
#[tokio::test]
async fn sec_01_access_matrix() {
    let s = start().await;
    let ra = format!("/api/v1/authorizations/{}", s.request_a);
    let ca = format!("/api/v1/claims/{}", s.claim_a);
    let gets: Vec<(&str, String, [u16; 10])> = vec![
        //                                  prov-a prov-b ccm  md  psy  appeals examiner admin state auditor
        (
            "me",
            "/api/v1/me".into(),
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "eligibility",
            "/api/v1/eligibility?member_id=M1001&date=2026-03-02".into(),
            [200, 200, 200, 200, 200, 200, 200, 200, 403, 200],
        ),
        (
            "grid",
            "/api/v1/auth-grid?code=H0047&modifiers=HF".into(),
            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
        ),
        (
            "authorization",
            ra.clone(),
            [200, 404, 200, 200, 200, 200, 200, 200, 403, 200],
        ),
        (
            "queue",
            "/api/v1/um/queue".into(),
            [403, 403, 200, 200, 200, 403, 403, 200, 403, 200],
        ),
        (
            "claim",
            ca.clone(),
            [200, 404, 200, 200, 200, 200, 200, 200, 403, 200],
        ),
        (
            "network status (prov-a's NPI)",
            format!("/api/v1/network/providers/{}?on=2026-03-02", a_npi()),
            [200, 404, 200, 200, 200, 200, 200, 200, 403, 200],
        ),
        (
            "network status (an NPI not on file)",
            format!("/api/v1/network/providers/{}", unknown_npi()),
            [404, 404, 404, 404, 404, 404, 404, 404, 403, 404],
        ),
        (
            "credentialing pipeline",
            "/api/v1/network/pipeline?on=2026-03-02".into(),
            [403, 403, 403, 403, 403, 200, 403, 200, 403, 200],
        ),
    ];
    for (name, path, expected) in &gets {
        for ((user, _), want) in USERS.iter().zip(expected) {
            let r = s.get(user, path).await;
            assert_eq!(r.status, *want, "GET {name} as {user}: {}", r.body);
            if r.status >= 400 {
                assert!(
                    r.json()["code"].is_string(),
                    "error shape for {name} as {user}: {}",
                    r.body
                );
            }
        }
    }
    // The network pages answer like their endpoints (HTML, same statuses).
    let pages: Vec<(&str, String, [u16; 10])> = vec![
        //                                  prov-a prov-b ccm  md  psy  appeals examiner admin state auditor
        (
            "my network status",
            "/portal/network?on=2026-03-02".into(),
            [200, 200, 200, 200, 200, 200, 200, 200, 403, 200],
        ),
        (
            "network status of prov-a's NPI",
            format!("/portal/network?npi={}", a_npi()),
            [200, 404, 200, 200, 200, 200, 200, 200, 403, 200],
        ),
        (
            "credentialing pipeline page",
            "/console/credentialing".into(),
            [403, 403, 403, 403, 403, 200, 403, 200, 403, 200],
        ),
    ];
    for (name, path, expected) in &pages {
        for ((user, _), want) in USERS.iter().zip(expected) {
            let r = s.get(user, path).await;
            assert_eq!(r.status, *want, "GET {name} as {user}: {}", r.body);
            assert!(r.body.contains("<main>"), "{name} as {user}: {}", r.body);
        }
    }
    // Writing a request: only as one's own NPI; never as the state desk, the auditor or an examiner.
    let own = request_form(&a_npi(), 14, "2026-03-15");
    let expected = [201, 403, 201, 201, 201, 403, 403, 201, 403, 403];
    for ((user, _), want) in USERS.iter().zip(expected) {
        let r = s.post(user, "/api/v1/authorizations", &own).await;
        assert_eq!(r.status, want, "POST authorization as {user}: {}", r.body);
    }
    // Deciding: UM-05 — a care manager may not deny; a provider may not decide at all.
    let path = format!("{ra}/decision");
    let deny = r#"{"verdict":"deny","reasons":["does not meet 3.5 for 30 days"]}"#;
    for (user, want) in [
        ("prov-a", 403),
        ("examiner", 403),
        ("ccm1", 403),
        ("psy1", 403),
        ("md1", 200),
    ] {
        let r = s.post(user, &path, deny).await;
        assert_eq!(r.status, want, "deny as {user}: {}", r.body);
    }
    assert_eq!(s.get("prov-a", &ra).await.json()["status"], "denied");
    // Unauthenticated.
    assert_eq!(http(s.addr, "GET", "/api/v1/me", &[], "").await.status, 401);
    assert_eq!(
        http(
            s.addr,
            "GET",
            "/api/v1/me",
            &[("Authorization", "Bearer nope")],
            ""
        )
        .await
        .status,
        401
    );
}

#[tokio::test]
async fn bad_input_is_a_4xx_naming_the_field_never_a_500() {
    let s = start().await;
    let r = s
        .get(
            "prov-a",
            "/api/v1/eligibility?member_id=M1001&date=2026-13-01",
        )
        .await;
    assert_eq!((r.status, r.json()["field"].as_str()), (400, Some("date")));
    let r = s
        .post(
            "prov-a",
            "/api/v1/authorizations",
            &request_form("1234567890", 14, "2026-03-15"),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body); // not one of prov-a's NPIs
    let mut f: serde_json::Value =
        serde_json::from_str(&request_form(&a_npi(), 14, "2026-03-15")).unwrap();
    f["services"][0]["code"] = "ZZ".into();
    let r = s
        .post("prov-a", "/api/v1/authorizations", &f.to_string())
        .await;
    assert_eq!(
        (r.status, r.json()["field"].as_str()),
        (400, Some("services[0].code")),
        "{}",
        r.body
    );
    let r = s
        .post("prov-a", "/api/v1/authorizations", r#"{"member_id": 5}"#)
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(r.json()["code"], "invalid_input");
    let big = format!(
        "{{\"member_id\":\"{}\"}}",
        "x".repeat(accord_server::BODY_LIMIT + 10)
    );
    let r = s.post("prov-a", "/api/v1/authorizations", &big).await;
    assert_eq!(r.status, 413, "{}", r.body);
    let r = s.get("ccm1", "/api/v1/claims/nope").await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn sec_01_member_data_reads_are_in_the_access_log() {
    let s = start().await;
    s.get("prov-a", "/api/v1/eligibility?member_id=M1001").await;
    s.get("prov-b", &format!("/api/v1/claims/{}", s.claim_a))
        .await;
    let log = s.store.access_log(100).await.unwrap();
    assert!(log.iter().any(|r| r.user_id == "prov-a"
        && r.action == "read eligibility"
        && r.member_id.as_deref() == Some("M1001")));
    assert!(
        log.iter()
            .any(|r| r.user_id == "prov-b" && r.entity == "claim" && r.outcome == "denied")
    );
}

#[tokio::test]
async fn sign_in_sets_a_strict_cookie_throttles_and_checks_csrf() {
    let s = start().await;
    let r = http(
        s.addr,
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "user=md1&password=wrong",
    )
    .await;
    assert_eq!(r.status, 401);
    let r = http(
        s.addr,
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "user=md1&password=pw-md1",
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.headers);
    let cookie_line = r
        .headers
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .unwrap()
        .to_owned();
    assert!(
        cookie_line.contains("HttpOnly") && cookie_line.contains("SameSite=Strict"),
        "{cookie_line}"
    );
    let cookie = cookie_line
        .split_once(':')
        .unwrap()
        .1
        .trim()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let home = http(s.addr, "GET", "/", &[("Cookie", &cookie)], "").await;
    assert!(home.body.contains("Clinical review queue"), "{}", home.body);
    let page = http(
        s.addr,
        "GET",
        &format!("/portal/authorizations/{}", s.request_a),
        &[("Cookie", &cookie)],
        "",
    )
    .await;
    assert!(page.body.contains("name=\"csrf\""), "{}", page.body);
    // A form post without the session's CSRF token is refused and changes nothing.
    let r = http(
        s.addr,
        "POST",
        &format!("/console/authorizations/{}/decision", s.request_a),
        &[
            ("Cookie", &cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        "csrf=forged&verdict=deny&reason=x",
    )
    .await;
    assert_eq!(r.status, 403);
    assert_eq!(
        s.get("admin", &format!("/api/v1/authorizations/{}", s.request_a))
            .await
            .json()["status"],
        "in_review"
    );
    // Throttling: five failures lock the user name for a while, even with the right password.
    for _ in 0..5 {
        http(
            s.addr,
            "POST",
            "/login",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            "user=ccm1&password=bad",
        )
        .await;
    }
    let r = http(
        s.addr,
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        "user=ccm1&password=pw-ccm1",
    )
    .await;
    assert_eq!(r.status, 429);
}

#[tokio::test]
async fn openapi_document_describes_every_endpoint() {
    let s = start().await;
    let r = http(s.addr, "GET", "/api/openapi.json", &[], "").await;
    assert_eq!(r.status, 200);
    let doc = r.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for p in [
        "/api/v1/eligibility",
        "/api/v1/auth-grid",
        "/api/v1/authorizations",
        "/api/v1/authorizations/{id}",
        "/api/v1/authorizations/{id}/decision",
        "/api/v1/um/queue",
        "/api/v1/claims/{tracking}",
        "/api/v1/claims",
        "/api/v1/me",
        "/api/v1/network/providers/{npi}",
        "/api/v1/network/pipeline",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
}

/// SEC-01 for cases: a provider files about its own claim (its NPI filled in), another provider
/// neither sees nor files in its name, the state desk sees only its kinds, the auditor only reads.
#[tokio::test]
async fn sec_01_cases_are_scoped_like_every_record() {
    let s = start().await;
    let filing = format!(
        r#"{{"subject": {{"claim": "{}"}}, "filing": {{"kind": "claim_dispute"}}}}"#,
        s.claim_a
    );
    let r = s.post("prov-a", "/api/v1/cases", &filing).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert!(id.starts_with("DSP-"), "{id}");
    let path = format!("/api/v1/cases/{id}");
    for (user, want) in [
        ("prov-a", 200),
        ("prov-b", 404),
        ("ccm1", 200),
        ("appeals1", 200),
        ("admin", 200),
        ("state", 404),
        ("auditor", 200),
    ] {
        let r = s.get(user, &path).await;
        assert_eq!(r.status, want, "GET case as {user}: {}", r.body);
    }
    let foreign = format!(
        r#"{{"parties": {{"filed_by": "provider", "provider": "{}"}}, "subject": {{"claim": "{}"}}, "filing": {{"kind": "claim_dispute"}}}}"#,
        a_npi(),
        s.claim_a
    );
    assert_eq!(
        s.post("prov-b", "/api/v1/cases", &foreign).await.status,
        403
    );
    assert_eq!(
        s.post("auditor", "/api/v1/cases", &filing).await.status,
        403
    );
    assert_eq!(
        s.post(
            "auditor",
            &format!("{path}/events"),
            r#"{"action": "withdraw"}"#
        )
        .await
        .status,
        403
    );
    for (user, want) in [
        ("prov-a", 403),
        ("admin", 200),
        ("state", 200),
        ("appeals1", 200),
    ] {
        assert_eq!(
            s.get(user, "/api/v1/cases/due").await.status,
            want,
            "due as {user}"
        );
    }
    // A bad filing is a 4xx naming what is wrong, never a 500.
    let r = s
        .post(
            "prov-a",
            "/api/v1/cases",
            r#"{"filing": {"kind": "nonsense"}}"#,
        )
        .await;
    assert!((400..500).contains(&r.status), "{} {}", r.status, r.body);
}

/// SEC-02: a servicing provider that did not send a substance-use request sees no diagnoses or
/// clinical details unless the member's consent is on file; the requester sees everything.
#[tokio::test]
async fn sec_02_part_2_details_are_withheld_without_consent() {
    let s = start().await;
    let mut f: serde_json::Value =
        serde_json::from_str(&request_form(&a_npi(), 14, "2026-03-15")).unwrap();
    f["member_id"] = "M1002".into();
    f["servicing_npi"] = b_npi().into();
    let r = s
        .post("prov-a", "/api/v1/authorizations", &f.to_string())
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let id = r.json()["request"]["id"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/authorizations/{id}");
    let mine = s.get("prov-a", &path).await.json();
    assert_eq!(mine["request"]["diagnoses"][0], "F1020");
    assert!(mine.get("withheld").is_none());
    let theirs = s.get("prov-b", &path).await.json();
    assert_eq!(theirs["request"]["diagnoses"], serde_json::json!([]));
    assert!(theirs["request"]["clinical"]["substance_use"].is_null());
    assert!(
        theirs["withheld"]
            .as_str()
            .unwrap()
            .contains("42 CFR Part 2")
    );
    let staff = s.get("ccm1", &path).await.json();
    assert_eq!(staff["request"]["diagnoses"][0], "F1020");
    let log = s.store.access_log_for_member("M1002").await.unwrap();
    assert!(
        log.iter()
            .any(|r| r.user_id == "prov-b" && r.outcome == "withheld")
    );
}

/// CLM-01 over HTTP: an 837 is stored with tracking numbers before its 999 and 277CA come back;
/// a provider may only send its own claims (refused whole, nothing stored); a resent interchange
/// creates nothing; an 837 larger than the JSON limit is accepted on this route.
#[tokio::test]
async fn clm_01_an_837_over_http_is_stored_then_acknowledged() {
    let s = start().await;
    let mut x12 = Vec::new();
    accord_x12::generate::write_837(
        &mut x12,
        &accord_x12::generate::GenOptions {
            claims: 4000,
            seed: 5,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        x12.len() > accord_server::BODY_LIMIT,
        "the file is {} bytes",
        x12.len()
    );
    let body = String::from_utf8(x12).unwrap();
    let before = s.store.claim_count().await.unwrap();
    let auth = |u: &str| format!("Bearer {}", s.tokens[u]);
    let r = http(
        s.addr,
        "POST",
        "/api/v1/claims/837",
        &[
            ("Authorization", &auth("prov-a")),
            ("Content-Type", "application/edi-x12"),
        ],
        &body,
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert!(
        r.json()["message"]
            .as_str()
            .unwrap()
            .contains("nothing was stored")
    );
    assert_eq!(s.store.claim_count().await.unwrap(), before);
    let r = http(
        s.addr,
        "POST",
        "/api/v1/claims/837",
        &[
            ("Authorization", &auth("examiner")),
            ("Content-Type", "application/edi-x12"),
        ],
        &body,
    )
    .await;
    assert_eq!(r.status, 201, "{}", &r.body[..r.body.len().min(500)]);
    let rep = r.json();
    assert_eq!(rep["claims_read"], 4000);
    assert_eq!(rep["tracking"].as_array().unwrap().len(), 4000);
    let acks: Vec<&str> = rep["acknowledgments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a[0].as_str().unwrap())
        .collect();
    assert!(
        acks.iter().any(|a| a.contains("999")) && acks.iter().any(|a| a.contains("277")),
        "{acks:?}"
    );
    assert_eq!(s.store.claim_count().await.unwrap(), before + 4000);
    let again = http(
        s.addr,
        "POST",
        "/api/v1/claims/837",
        &[("Authorization", &auth("examiner"))],
        &body,
    )
    .await
    .json();
    assert_eq!(
        (
            again["already_received"].as_u64(),
            again["tracking"].as_array().map(Vec::len)
        ),
        (Some(4000), Some(0)),
        "{again}"
    );
    assert_eq!(s.store.claim_count().await.unwrap(), before + 4000);
    assert_eq!(
        http(
            s.addr,
            "POST",
            "/api/v1/claims/837",
            &[("Authorization", &auth("state"))],
            &body
        )
        .await
        .status,
        403
    );
}

#[test]
fn billing_npis_are_read_with_the_files_own_delimiters() {
    let isa = "ISA|00|          |00|          |ZZ|SENDER         |ZZ|RECEIVER       |260101|1200|^|00501|000000001|0|P|:!";
    assert_eq!(isa.len(), 106);
    let x12 = format!(
        "{isa}\nGS|HC|S|R|20260101|1200|1|X|005010X222A1!NM1|85|2|CLINIC|||||XX|1234567893!NM1|85|2|CLINIC|||||XX|1234567893!"
    );
    assert_eq!(
        accord_server::intake::billing_npis(x12.as_bytes()),
        vec!["1234567893".to_owned()]
    );
    assert!(accord_server::intake::billing_npis(b"not x12").is_empty());
}

// ---------------------------------------------------------------------------------------------
// Claims as JSON, the pages' forms, the page access matrix and SEC-02 for remittances.
// ---------------------------------------------------------------------------------------------

/// Today in the plan's time zone, and a few days back (a date of service within filing limits).
fn today() -> accord_core::Date {
    jiff::Timestamp::now()
        .to_zoned(plan().time_zone().clone())
        .date()
}

fn json_claim(billing: &str, member: &str, dx: &str, pcn: &str) -> serde_json::Value {
    let dos = today().checked_sub(jiff::Span::new().days(3)).unwrap();
    serde_json::json!({
        "kind": "professional",
        "patient_control_number": pcn,
        "billing_provider": {"npi": billing, "name": "AGENCY", "tax_id": "12-3456789",
            "address": {"line1": "1 MAIN ST", "city": "CHICAGO", "state": "IL", "zip": "60601"}},
        "member": {"id": member, "last_name": "DOE", "first_name": "PAT", "birth_date": "1990-05-05", "sex": "F"},
        "diagnoses": [dx],
        "place_of_service": "11",
        "lines": [{"code": "H0004", "modifiers": ["HF"], "units": "4", "charge": "100.00", "date": dos.to_string()}]
    })
}

/// Signs `user` in; returns the sign-in cookie and the CSRF token of its forms.
async fn sign_in(s: &Server, user: &str) -> (String, String) {
    let r = http(
        s.addr,
        "POST",
        "/login",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &format!("user={user}&password=pw-{user}"),
    )
    .await;
    assert_eq!(r.status, 303, "sign-in as {user}: {}", r.body);
    let cookie = r
        .headers
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .and_then(|l| l.split_once(':'))
        .and_then(|(_, v)| v.trim().split(';').next())
        .unwrap()
        .to_owned();
    let form = http(
        s.addr,
        "GET",
        "/portal/cases/new",
        &[("Cookie", &cookie)],
        "",
    )
    .await;
    let csrf = form
        .body
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned();
    (cookie, csrf)
}

async fn post_form(s: &Server, cookie: &str, path: &str, body: &str) -> Reply {
    http(
        s.addr,
        "POST",
        path,
        &[
            ("Cookie", cookie),
            ("Content-Type", "application/x-www-form-urlencoded"),
        ],
        body,
    )
    .await
}

/// CLM-01…CLM-04 for JSON: stored with a tracking number before the answer, the same clean-claim
/// checks as an 837 (a member not on file is rejected and kept with its reasons), a provider bills
/// only as its own NPIs, and a bad body is a 400 naming the field with nothing stored.
#[tokio::test]
async fn clm_01_a_json_claim_goes_through_the_837_intake() {
    let s = start().await;
    let before = s.store.claim_count().await.unwrap();
    let r = s
        .post(
            "prov-a",
            "/api/v1/claims",
            &json_claim(&a_npi(), "M1001", "F10.20", "PCN-J1").to_string(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["acknowledgment"], "accepted", "{rep}");
    assert_eq!(rep["claims"][0]["category"], "A2");
    let tracking = rep["tracking"][0].as_str().unwrap().to_owned();
    let stored = s.store.claim(&tracking).await.unwrap().unwrap();
    assert_eq!(
        (stored.status.as_str(), stored.billing_npi.as_deref()),
        ("accepted", Some(a_npi().as_str()))
    );
    assert_eq!(stored.patient_control, "PCN-J1");
    let acks: Vec<&str> = rep["acknowledgments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a[0].as_str().unwrap())
        .collect();
    assert!(
        acks.iter().any(|a| a.contains("999")) && acks.iter().any(|a| a.contains("277")),
        "{acks:?}"
    );
    // Institutional.
    let dos = today().checked_sub(jiff::Span::new().days(5)).unwrap();
    let to = today().checked_sub(jiff::Span::new().days(2)).unwrap();
    let inst = serde_json::json!({
        "kind": "institutional",
        "patient_control_number": "PCN-I1",
        "billing_provider": {"npi": a_npi(), "name": "AGENCY", "tax_id": "123456789",
            "address": {"line1": "1 MAIN ST", "city": "CHICAGO", "state": "IL", "zip": "60601"}},
        "member": {"id": "M1001", "last_name": "DOE", "first_name": "PAT", "birth_date": "1990-05-05"},
        "diagnoses": ["F10.20"],
        "type_of_bill": "0861",
        "statement_from": dos.to_string(), "statement_through": to.to_string(),
        "admission": {"date": dos.to_string(), "hour": 10, "admission_type": "3", "source": "2"},
        "patient_status": "30",
        "lines": [{"code": "H0047", "modifiers": ["HF"], "revenue_code": "1002", "units": "3", "charge": "900", "date": dos.to_string(), "through": to.to_string()}]
    });
    let r = s
        .post("examiner", "/api/v1/claims", &inst.to_string())
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.json()["tracking"].as_array().unwrap().len(), 1);
    // A member not on file: rejected on the 277CA, kept with its reasons.
    let r = s
        .post(
            "prov-a",
            "/api/v1/claims",
            &json_claim(&a_npi(), "M9999", "F10.20", "PCN-J2").to_string(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let rep = r.json();
    assert_eq!(rep["acknowledgment"], "rejected", "{rep}");
    assert!(
        rep["claims"][0]["category"]
            .as_str()
            .unwrap()
            .starts_with('A'),
        "{rep}"
    );
    let t = rep["tracking"][0].as_str().unwrap();
    let stored = s.store.claim(t).await.unwrap().unwrap();
    assert_eq!(stored.status, "rejected");
    assert!(
        stored.reasons.to_string().contains("member"),
        "{}",
        stored.reasons
    );
    assert_eq!(s.store.claim_count().await.unwrap(), before + 3);
    // SEC-01: another provider's NPI, the state desk, the auditor: refused, nothing stored.
    let foreign = json_claim(&a_npi(), "M1001", "F10.20", "PCN-X").to_string();
    for (user, want) in [
        ("prov-b", 403),
        ("state", 403),
        ("auditor", 403),
        ("ccm1", 403),
    ] {
        let r = s.post(user, "/api/v1/claims", &foreign).await;
        assert_eq!(r.status, want, "as {user}: {}", r.body);
    }
    // Bad bodies name the field.
    let mut missing = json_claim(&a_npi(), "M1001", "F10.20", "PCN-B");
    missing["lines"][0]
        .as_object_mut()
        .unwrap()
        .remove("charge");
    let mut wrong = json_claim(&a_npi(), "M1001", "F10.20", "PCN-B");
    wrong["lines"][0]["units"] = true.into();
    let mut injected = json_claim(&a_npi(), "M1001", "F10.20", "PCN-B");
    injected["member"]["last_name"] = "DOE~NM1*85*2*X".into();
    let mut no_lines = json_claim(&a_npi(), "M1001", "F10.20", "PCN-B");
    no_lines["lines"] = serde_json::json!([]);
    let mut no_pos = json_claim(&a_npi(), "M1001", "F10.20", "PCN-B");
    no_pos.as_object_mut().unwrap().remove("place_of_service");
    let mut unknown = json_claim(&a_npi(), "M1001", "F10.20", "PCN-B");
    unknown["colour"] = "blue".into();
    for (body, field) in [
        (missing, "lines[0]"),
        (wrong, "lines[0].units"),
        (injected, "member.last_name"),
        (no_lines, "lines"),
        (no_pos, "place_of_service"),
    ] {
        let r = s.post("prov-a", "/api/v1/claims", &body.to_string()).await;
        assert_eq!(r.status, 400, "{}", r.body);
        assert_eq!(r.json()["code"], "invalid_input");
        assert!(
            r.json()["field"]
                .as_str()
                .is_some_and(|f| f.starts_with(field)),
            "field {field}: {}",
            r.body
        );
    }
    let r = s
        .post("prov-a", "/api/v1/claims", &unknown.to_string())
        .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = s.post("prov-a", "/api/v1/claims", "{not json").await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(s.store.claim_count().await.unwrap(), before + 3);
}

/// SEC-02 for remittances: the payee B receives the 835 and voucher for claims A billed and had
/// paid to B. A substance-use claim of a member without consent is withheld from B (patient,
/// member ID and lines; amounts kept, the 835 still balances); a member with consent, or a claim
/// with no substance-use diagnosis, is shown whole; staff see everything.
#[tokio::test]
async fn sec_02_part_2_claims_are_withheld_from_a_payee_that_did_not_bill_them() {
    let s = start_with(false).await;
    let pay_to_b = serde_json::json!({"npi": b_npi(), "name": "AGENCY B",
        "address": {"line1": "2 MAIN ST", "city": "CHICAGO", "state": "IL", "zip": "60601"}});
    let mut tracking = Vec::new();
    for (member, dx, pcn) in [
        ("M1002", "F10.20", "P2-NO-CONSENT"),
        ("M1001", "F10.20", "P2-CONSENT"),
        ("M1002", "F33.1", "NOT-P2"),
    ] {
        let mut c = json_claim(&a_npi(), member, dx, pcn);
        c["pay_to"] = pay_to_b.clone();
        let r = s.post("examiner", "/api/v1/claims", &c.to_string()).await;
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.json()["acknowledgment"], "accepted", "{}", r.body);
        tracking.push(r.json()["tracking"][0].as_str().unwrap().to_owned());
    }
    let plan = plan();
    let now = jiff::Timestamp::now();
    accord_service::adjudication::adjudicate_pending(
        &s.store,
        &plan,
        &accord_service::adjudication::RunOptions {
            today: today(),
            at: now,
            actor: "adjudication".into(),
            page: 100,
        },
        |_| {},
    )
    .await
    .unwrap();
    for t in &tracking {
        let d = s.store.decision(t).await.unwrap().unwrap();
        assert_eq!(d.pay_to_npi, b_npi(), "{t}");
        assert_ne!(d.status, "pended", "{t}: {}", d.decision);
    }
    let out = tempfile::tempdir().unwrap();
    let cycle = accord_service::payment::run_cycle(
        &s.store,
        &plan,
        &accord_service::payment::CycleOptions {
            through: today(),
            pay_date: today(),
            at: now,
            actor: "payments".into(),
            out: out.path().to_owned(),
        },
    )
    .await
    .unwrap()
    .cycle
    .cycle;
    let path = |kind: &str| format!("/portal/remittances/{cycle}/{}/{kind}", b_npi());
    let theirs = s.get("prov-b", &path("835")).await;
    assert_eq!(theirs.status, 200, "{}", theirs.body);
    let staff = s.get("examiner", &path("835")).await;
    assert_eq!(staff.status, 200, "{}", staff.body);
    let read = |body: &str| {
        accord_x12::w835::read_835(body.as_bytes())
            .unwrap()
            .remove(0)
    };
    let (theirs_r, staff_r) = (read(&theirs.body), read(&staff.body));
    let claim = |r: &accord_x12::w835::Remittance, t: &str| {
        r.claims
            .iter()
            .find(|c| c.payer_claim_control == t)
            .unwrap()
            .clone()
    };
    let withheld = claim(&theirs_r, &tracking[0]);
    assert_eq!(
        (withheld.patient_last.as_str(), withheld.member_id.as_str()),
        ("WITHHELD", "WITHHELD")
    );
    assert!(withheld.lines.is_empty());
    let original = claim(&staff_r, &tracking[0]);
    assert_eq!(original.member_id, "M1002");
    assert!(!original.lines.is_empty());
    assert_eq!(
        (withheld.charge, withheld.paid),
        (original.charge, original.paid)
    );
    assert!(theirs_r.check_balance().is_ok());
    assert_eq!(theirs_r.total(), staff_r.total());
    assert_eq!(
        theirs.body.matches("SVC*").count(),
        staff.body.matches("SVC*").count() - original.lines.len(),
        "no service lines of a withheld claim"
    );
    for t in &tracking[1..] {
        assert_eq!(
            claim(&theirs_r, t),
            claim(&staff_r, t),
            "{t} is shown whole"
        );
    }
    // The voucher, likewise.
    let voucher = s.get("prov-b", &path("voucher")).await;
    assert_eq!(voucher.status, 200);
    assert!(voucher.body.contains("42 CFR Part 2"), "{}", voucher.body);
    let header = voucher
        .body
        .split(&format!("Claim {} (your reference", tracking[0]))
        .nth(1)
        .and_then(|rest| rest.split("</th>").next())
        .unwrap()
        .to_owned();
    assert!(
        header.contains("WITHHELD") && !header.contains("M1002"),
        "{header}"
    );
    let staff_voucher = s.get("admin", &path("voucher")).await;
    assert!(!staff_voucher.body.contains("WITHHELD"));
    // The claim status: the payee sees the status only; the biller sees everything.
    let r = s
        .get("prov-b", &format!("/api/v1/claims/{}", tracking[0]))
        .await
        .json();
    assert!(r["member_id"].is_null() && r["decision"].is_null(), "{r}");
    assert!(r["explanation"].as_str().unwrap().contains("42 CFR Part 2"));
    let r = s
        .get("prov-a", &format!("/api/v1/claims/{}", tracking[0]))
        .await
        .json();
    assert_eq!(r["member_id"], "M1002");
    let r = s
        .get("prov-b", &format!("/api/v1/claims/{}", tracking[1]))
        .await
        .json();
    assert_eq!(r["member_id"], "M1001", "consent on file: shown whole");
    let log = s.store.access_log_for_member("M1002").await.unwrap();
    assert!(
        log.iter()
            .any(|r| r.user_id == "prov-b" && r.outcome == "withheld" && r.entity == "claim")
    );
}

/// Remittance files for `npi` in cycle 1, as a payment cycle keeps them (an 835 with no claims and
/// its voucher).
async fn seed_remittance(store: &Store, npi: &str) {
    let remit = accord_x12::w835::Remittance {
        method: accord_x12::w835::PaymentMethod::NonPayment,
        payment_date: "2026-03-10".parse().unwrap(),
        trace_number: format!("T{npi}"),
        payer_tin: "1999999999".into(),
        production_date: None,
        payer: accord_x12::w835::Party {
            name: "ACCORD".into(),
            ..Default::default()
        },
        payee: accord_x12::w835::Party {
            name: format!("AGENCY {npi}"),
            id: Some(npi.into()),
            ..Default::default()
        },
        claims: Vec::new(),
        provider_adjustments: Vec::new(),
    };
    let x12 = accord_x12::w835::write_835(
        std::slice::from_ref(&remit),
        &accord_x12::write::Envelope::example(),
    )
    .unwrap();
    let html = accord_service::voucher::render(&remit, 1, &plan().remarks);
    let now: jiff::Timestamp = "2026-03-10T15:00:00Z".parse().unwrap();
    let mut uow = store.begin("payments", "cycle 1", now).await.unwrap();
    uow.save_remittance_files(&[
        accord_store::RemittanceFile {
            cycle: 1,
            pay_to_npi: npi.into(),
            kind: "835".into(),
            content: x12,
        },
        accord_store::RemittanceFile {
            cycle: 1,
            pay_to_npi: npi.into(),
            kind: "voucher".into(),
            content: html,
        },
    ])
    .await
    .unwrap();
    uow.commit().await.unwrap();
}

/// SEC-01 on every page (portal and console), the remittance (835) download and the voucher:
/// every role × own/foreign scope. A provider asking for another provider's record gets 404, a
/// role that may not use the page 403, and no list a provider sees names another provider's
/// records. Form posts without the signed-in user's CSRF token (an API token has none) change nothing.
#[tokio::test]
async fn sec_01_page_access_matrix() {
    let s = start().await;
    seed_remittance(&s.store, &a_npi()).await;
    seed_remittance(&s.store, &b_npi()).await;
    let filing = format!(
        r#"{{"subject": {{"claim": "{}"}}, "filing": {{"kind": "claim_dispute"}}}}"#,
        s.claim_a
    );
    let r = s.post("prov-a", "/api/v1/cases", &filing).await;
    assert_eq!(r.status, 201, "{}", r.body);
    let dsp = r.json()["id"].as_str().unwrap().to_owned();
    let (a, ra, ca) = (a_npi(), s.request_a.clone(), s.claim_a.clone());
    let rows: Vec<(String, [u16; 10])> = vec![
        //                                  prov-a prov-b ccm  md  psy  appeals examiner admin state auditor
        ("/".into(), [200; 10]),
        ("/portal/eligibility?member_id=M1001".into(), [200; 10]),
        (
            "/portal/authorizations/new".into(),
            [200, 200, 200, 200, 200, 403, 403, 200, 403, 403],
        ),
        (
            format!("/portal/authorizations/{ra}"),
            [200, 404, 200, 200, 200, 200, 200, 200, 403, 200],
        ),
        (
            "/portal/claims".into(),
            [200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            format!("/portal/claims/{ca}"),
            [200, 404, 200, 200, 200, 200, 200, 200, 403, 200],
        ),
        (
            "/portal/remittances".into(),
            [200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            format!("/portal/remittances/1/{a}/835"),
            [200, 404, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        (
            format!("/portal/remittances/1/{a}/voucher"),
            [200, 404, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        ("/portal/cases".into(), [200; 10]),
        (
            "/portal/cases/new".into(),
            [200, 200, 200, 200, 200, 200, 200, 200, 403, 403],
        ),
        (
            format!("/portal/cases/{dsp}"),
            [200, 404, 200, 200, 200, 200, 200, 200, 404, 200],
        ),
        (
            format!("/portal/cases/{dsp}/letter"),
            [200, 404, 200, 200, 200, 200, 200, 200, 404, 200],
        ),
        (
            "/console/dashboard".into(),
            [403, 403, 200, 200, 200, 200, 200, 200, 403, 200],
        ),
        (
            "/console/um-queue".into(),
            [403, 403, 200, 200, 200, 403, 403, 200, 403, 200],
        ),
        (
            "/console/claims/pended".into(),
            [403, 403, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        (
            "/console/peer-review".into(),
            [403, 403, 200, 200, 200, 403, 403, 200, 403, 200],
        ),
        (
            format!("/console/cases/{dsp}"),
            [403, 403, 200, 200, 200, 200, 200, 200, 404, 200],
        ),
        (
            "/portal/self-assessment".into(),
            [200, 200, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            format!("/portal/self-assessment?npi={a}"),
            [200, 404, 403, 403, 403, 403, 403, 403, 403, 403],
        ),
        (
            "/console/self-assessment".into(),
            [403, 403, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
        (
            format!("/console/self-assessment?npi={a}"),
            [403, 403, 403, 403, 403, 403, 200, 200, 403, 200],
        ),
    ];
    for (path, expected) in &rows {
        for ((user, _), want) in USERS.iter().zip(expected) {
            let r = s.get(user, path).await;
            assert_eq!(r.status, *want, "GET {path} as {user}: {}", r.body);
            if *user == "prov-b" && r.status == 200 {
                for foreign in [&ca, &ra, &dsp, &a] {
                    assert!(
                        !r.body.contains(foreign.as_str()),
                        "GET {path} as prov-b shows {foreign}"
                    );
                }
            }
        }
    }
    // Unauthenticated: pages send people to sign in.
    for path in [
        "/",
        "/portal/claims",
        "/console/claims/pended",
        "/console/peer-review",
        "/portal/self-assessment",
        "/console/self-assessment",
    ] {
        let r = http(s.addr, "GET", path, &[], "").await;
        assert_eq!(r.status, 303, "{path}");
        assert!(r.headers.contains("/login"), "{path}: {}", r.headers);
    }
    // Form posts need the signed-in user's CSRF token: an API token has none, so every role is refused.
    let posts = [
        (
            "/portal/cases/new".to_owned(),
            format!("csrf=x&kind=claim_dispute&claim={ca}"),
        ),
        (
            format!("/console/cases/{dsp}/events"),
            "csrf=x&action=resolve".to_owned(),
        ),
        (
            format!("/console/claims/{ca}/examine"),
            "csrf=x&action=request_records&reason=r".to_owned(),
        ),
        (
            format!("/console/authorizations/{ra}/peer-to-peer"),
            "csrf=x&held=no&reviewer=md1".to_owned(),
        ),
        (
            format!("/console/authorizations/{ra}/decision"),
            "csrf=x&verdict=approve".to_owned(),
        ),
        (
            "/portal/self-assessment".to_owned(),
            format!("csrf=x&npi={a}&item1=yes"),
        ),
        (
            "/console/self-assessment".to_owned(),
            format!("csrf=x&npi={a}&item1=yes"),
        ),
    ];
    for (path, body) in &posts {
        for (user, _) in USERS {
            let auth = format!("Bearer {}", s.tokens[user]);
            let r = http(
                s.addr,
                "POST",
                path,
                &[
                    ("Authorization", &auth),
                    ("Content-Type", "application/x-www-form-urlencoded"),
                ],
                body,
            )
            .await;
            assert_eq!(r.status, 403, "POST {path} as {user}: {}", r.body);
        }
    }
    let case = s.get("admin", &format!("/api/v1/cases/{dsp}")).await.json();
    assert!(
        case["events"].as_array().is_none_or(Vec::is_empty),
        "{case}"
    );
    // Filing about another provider's claim or request is refused as not found.
    for filing in [
        format!(r#"{{"subject": {{"claim": "{ca}"}}, "filing": {{"kind": "claim_dispute"}}}}"#),
        format!(
            r#"{{"subject": {{"authorization": "{ra}"}}, "filing": {{"kind": "appeal", "level": "one"}}}}"#
        ),
    ] {
        let r = s.post("prov-b", "/api/v1/cases", &filing).await;
        assert_eq!(r.status, 404, "{}", r.body);
    }
}

/// The portal's case forms and the console's case page: a provider files a dispute with the
/// signed-in user's CSRF token, a late complaint shows the cases engine's refusal (CMP-01 window and
/// dates) and files nothing, staff act on the case from the console with its deadlines in view.
#[tokio::test]
async fn cmp_01_case_forms_file_show_refusals_and_act() {
    let s = start().await;
    let (cookie, csrf) = sign_in(&s, "prov-a").await;
    assert!(!csrf.is_empty());
    let page = http(
        s.addr,
        "GET",
        "/portal/cases/new",
        &[("Cookie", &cookie)],
        "",
    )
    .await;
    for form in ["appeal-form", "complaint-form", "dispute-form"] {
        assert!(page.body.contains(form), "{form}");
    }
    let r = post_form(
        &s,
        &cookie,
        "/portal/cases/new",
        &format!("csrf={csrf}&kind=claim_dispute&claim={}", s.claim_a),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let location = r
        .headers
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("location:"))
        .unwrap()
        .split_once(':')
        .unwrap()
        .1
        .trim()
        .to_owned();
    let dsp = location.trim_start_matches("/portal/cases/").to_owned();
    assert!(dsp.starts_with("DSP-"), "{location}");
    // Late: the event was months ago; the engine's sentence is shown and nothing is filed.
    let count = || async {
        accord_service::cases::list(
            &s.store,
            &plan(),
            &accord_service::cases::ListFilter {
                subject: None,
                open: false,
            },
            jiff::Timestamp::now(),
        )
        .await
        .unwrap()
        .len()
    };
    let before = count().await;
    let r = post_form(
        &s,
        &cookie,
        "/portal/cases/new",
        &format!("csrf={csrf}&kind=complaint&complaint_type=agreement&contract_term=Exhibit+B+rate&event_date=2026-01-05"),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("CMP-01")
            && r.body.contains("10 business days")
            && r.body.contains("role=\"alert\""),
        "{}",
        r.body
    );
    assert_eq!(count().await, before);
    // A forged token files nothing.
    let r = post_form(
        &s,
        &cookie,
        "/portal/cases/new",
        &format!("csrf=forged&kind=claim_dispute&claim={}", s.claim_a),
    )
    .await;
    assert_eq!(r.status, 403);
    // Staff: the case with its deadline, then an action the engine refuses, then one it takes.
    let (staff, staff_csrf) = sign_in(&s, "appeals1").await;
    let page = http(
        s.addr,
        "GET",
        &format!("/console/cases/{dsp}"),
        &[("Cookie", &staff)],
        "",
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("DSP-01") && page.body.contains("act-form"),
        "{}",
        page.body
    );
    let r = post_form(
        &s,
        &staff,
        &format!("/console/cases/{dsp}/events"),
        &format!("csrf={staff_csrf}&action=decide&outcome=upheld"),
    )
    .await;
    assert!((400..500).contains(&r.status), "{} {}", r.status, r.body);
    assert!(r.body.contains("role=\"alert\""), "{}", r.body);
    let r = post_form(
        &s,
        &staff,
        &format!("/console/cases/{dsp}/events"),
        &format!("csrf={staff_csrf}&action=resolve&claim=readjudicate"),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let case = s.get("admin", &format!("/api/v1/cases/{dsp}")).await.json();
    assert_eq!(case["events"][0]["action"], "resolve", "{case}");
    assert_eq!(case["events"][0]["actor"], "appeals1");
}

/// The examiner's pend queue: a claim pended to COB (ELIG-04: attestation of other coverage
/// overdue) is listed with its queue and reason; an action needs a reason; request records keeps
/// it pended; deny with a CARC decides it.
#[tokio::test]
async fn clm_examiner_pend_queue_needs_a_reason_and_decides() {
    let s = start_with(false).await;
    let now = jiff::Timestamp::now();
    let mut uow = s.store.begin("test", "other coverage", now).await.unwrap();
    uow.insert_other_coverage(&[accord_core::member::OtherCoverage {
        member_id: MemberId::parse("M1001").unwrap(),
        payer_order: 1,
        payer_name: "OTHER INSURER".into(),
        payer_id: "OTH01".into(),
        policy_number: "P1".into(),
        start: "2025-01-01".parse().unwrap(),
        end: None,
        last_attested: None,
    }])
    .await
    .unwrap();
    uow.commit().await.unwrap();
    let r = s
        .post(
            "prov-a",
            "/api/v1/claims",
            &json_claim(&a_npi(), "M1001", "F33.1", "PCN-COB").to_string(),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    let t = r.json()["tracking"][0].as_str().unwrap().to_owned();
    accord_service::adjudication::adjudicate_pending(
        &s.store,
        &plan(),
        &accord_service::adjudication::RunOptions {
            today: today(),
            at: now,
            actor: "adjudication".into(),
            page: 100,
        },
        |_| {},
    )
    .await
    .unwrap();
    assert_eq!(
        s.store.decision(&t).await.unwrap().unwrap().status,
        "pended"
    );
    let (cookie, csrf) = sign_in(&s, "examiner").await;
    let q = http(
        s.addr,
        "GET",
        "/console/claims/pended",
        &[("Cookie", &cookie)],
        "",
    )
    .await;
    assert_eq!(q.status, 200);
    assert!(
        q.body.contains(&t) && q.body.contains("cob") && q.body.contains("ELIG-04"),
        "{}",
        q.body
    );
    let examine = format!("/console/claims/{t}/examine");
    let r = post_form(
        &s,
        &cookie,
        &examine,
        &format!("csrf={csrf}&action=deny&carc=&reason=x"),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = post_form(
        &s,
        &cookie,
        &examine,
        &format!("csrf={csrf}&action=request_records&reason="),
    )
    .await;
    assert_eq!(r.status, 400, "a reason is required: {}", r.body);
    let r = post_form(
        &s,
        &cookie,
        &examine,
        &format!("csrf={csrf}&action=request_records&reason=send+the+primary+EOB"),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert_eq!(
        s.store.decision(&t).await.unwrap().unwrap().status,
        "pended"
    );
    // PAY-06: a remark code the plan does not have is refused; none given, the plan's mapping for
    // CO-22 (MA04) goes with the denial.
    let r = post_form(
        &s,
        &cookie,
        &examine,
        &format!("csrf={csrf}&action=deny&carc=22&rarc=N999&reason=bill+the+primary+payer+first"),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("remark codes"), "{}", r.body);
    let r = post_form(
        &s,
        &cookie,
        &examine,
        &format!("csrf={csrf}&action=deny&carc=22&rarc=&reason=bill+the+primary+payer+first"),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let denied = s.store.decision(&t).await.unwrap().unwrap();
    assert_eq!(denied.status, "denied");
    assert!(
        denied.decision.contains("\"rarc\":\"MA04\""),
        "{}",
        denied.decision
    );
    let q = http(
        s.addr,
        "GET",
        "/console/claims/pended",
        &[("Cookie", &cookie)],
        "",
    )
    .await;
    assert!(!q.body.contains(&t));
}

/// UM-05 peer review from the console: requests in review are listed; a peer-to-peer is scheduled
/// (offered) and then recorded as held, which needs an outcome.
#[tokio::test]
async fn um_05_peer_to_peer_is_scheduled_and_recorded_from_the_console() {
    let s = start().await;
    let (cookie, csrf) = sign_in(&s, "md1").await;
    let page = http(
        s.addr,
        "GET",
        "/console/peer-review",
        &[("Cookie", &cookie)],
        "",
    )
    .await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&s.request_a), "{}", page.body);
    let path = format!("/console/authorizations/{}/peer-to-peer", s.request_a);
    let r = post_form(
        &s,
        &cookie,
        &path,
        &format!("csrf={csrf}&held=yes&reviewer=md1&outcome="),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    let r = post_form(
        &s,
        &cookie,
        &path,
        &format!("csrf={csrf}&held=no&reviewer=md1&when=2030-01-02T10%3A00"),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let r = post_form(
        &s,
        &cookie,
        &path,
        &format!("csrf={csrf}&held=yes&reviewer=md1&outcome=agreed+on+14+days"),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let c = s
        .get("admin", &format!("/api/v1/authorizations/{}", s.request_a))
        .await
        .json();
    let p2p = c["peer_to_peer"].as_array().unwrap();
    assert_eq!(p2p.len(), 2, "{c}");
    assert!(p2p[0]["held_at"].is_null());
    assert!(
        p2p[0]["outcome"]
            .as_str()
            .unwrap()
            .contains("2030-01-02 10:00")
    );
    assert_eq!(p2p[1]["outcome"], "agreed on 14 days");
    let page = http(
        s.addr,
        "GET",
        "/console/peer-review",
        &[("Cookie", &cookie)],
        "",
    )
    .await;
    assert!(page.body.contains("agreed on 14 days"));
}

/// The network day the network tests share: prov-a's agency applied for re-credentialing on
/// 2026-02-20 (unaccredited: a site visit is needed; the licence verified, the rest missing), is
/// under monitoring through March, reported a licence action late; a screening on 2026-03-01 by
/// `cred1` held prov-b's agency (renamed in February) for review by business name.
async fn network_day(s: &Server) {
    use accord_network::changes::{ChangeKind, ProviderChange};
    use accord_network::credentialing::{ApplicationForm, Item};
    use accord_network::sanctions::SanctionOrder;
    use accord_service::network;
    let plan = plan();
    let t: jiff::Timestamp = "2026-03-01T15:00:00Z".parse().unwrap();
    let a = Npi::parse(&a_npi()).unwrap();
    let record = Provider {
        npi: a.clone(),
        kind: ProviderKind::Facility,
        name: format!("Agency {}", a_npi()),
        tax_id: TaxId::parse("12-3456789").unwrap(),
        specialty: "sud_program".into(),
        license_number: Some("036-1".into()),
        license_expires: Some("2030-12-31".parse().unwrap()),
        facility_npi: None,
    };
    let form = ApplicationForm {
        provider: record,
        cycle: accord_network::credentialing::CycleKind::Recredentialing,
        date_of_birth: None,
        accreditation: None,
        prescriber: false,
        lines_of_business: vec![Program::Medicaid],
        staff: vec![],
        evidence: [(Item::License, "IDHS licence 036-1".to_owned())]
            .into_iter()
            .collect(),
    };
    let app = network::apply(
        &s.store,
        &plan,
        form,
        "2026-02-20".parse().unwrap(),
        t,
        "portal",
    )
    .await
    .unwrap();
    network::verify(
        &s.store,
        &app.id,
        &network::Verification {
            item: Item::License,
            evidence: None,
            passed: true,
            verified_on: "2026-02-25".parse().unwrap(),
            note: String::new(),
        },
        "2026-02-25".parse().unwrap(),
        t,
        "cred1",
    )
    .await
    .unwrap();
    network::sanction(
        &s.store,
        &plan,
        &a,
        &SanctionOrder {
            level: accord_core::provider::SanctionLevel::Monitoring,
            start: "2026-03-01".parse().unwrap(),
            end: Some("2026-03-31".parse().unwrap()),
            extended: false,
            reason: "record review findings (REC-05)".into(),
        },
        t,
        "committee",
    )
    .await
    .unwrap();
    network::report_change(
        &s.store,
        &plan,
        &a,
        &ProviderChange {
            kind: ChangeKind::BoardAction,
            field: "board".into(),
            value: "consent order".into(),
            effective: "2026-02-10".parse().unwrap(),
            reported: "2026-02-20".parse().unwrap(),
            description: String::new(),
        },
        t,
        "portal",
    )
    .await
    .unwrap();
    // prov-b's agency took a new name (NET-04) that an entity on the list shares.
    network::report_change(
        &s.store,
        &plan,
        &Npi::parse(&b_npi()).unwrap(),
        &ProviderChange {
            kind: ChangeKind::Material,
            field: "name".into(),
            value: "Northwind Recovery Services LLC".into(),
            effective: "2026-02-01".parse().unwrap(),
            reported: "2026-02-05".parse().unwrap(),
            description: String::new(),
        },
        t,
        "portal",
    )
    .await
    .unwrap();
    let list = "LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE\n\"\",\"\",\"\",\"NORTHWIND RECOVERY SERVICES LLC\",\"OTHER BUSINESS\",\"SUD PROGRAM\",\"\",\"0000000000\",\"\",\"1 SAMPLE STREET\",\"PEORIA\",\"IL\",\"61602\",\"1128b7\",\"20240115\",\"00000000\",\"00000000\",\"\"\n";
    network::import_exclusions(
        &s.store,
        &plan,
        list,
        "LEIE-2026-02.csv",
        Some("2026-02-27".parse().unwrap()),
        "2026-03-01".parse().unwrap(),
        t,
        "cred1",
    )
    .await
    .unwrap();
}

/// NET-02/NET-03/NET-05 for the provider itself: its page and JSON say its status, licence and
/// expiry, what is still missing, the sanction in effect and its late NET-04 notice — and nothing
/// of exclusion matches; another provider asking gets what an unknown NPI gets.
#[tokio::test]
async fn net_02_my_network_status_shows_what_is_missing_and_only_to_its_provider() {
    let s = start().await;
    network_day(&s).await;
    let path = format!("/api/v1/network/providers/{}?on=2026-03-02", a_npi());
    let own = s.get("prov-a", &path).await;
    assert_eq!(own.status, 200, "{}", own.body);
    let v = own.json();
    assert_eq!(v["status"], "participating");
    assert_eq!(v["licence"]["expires"], "2030-12-31");
    assert_eq!(v["licence"]["expired"], false);
    assert_eq!(v["standing"]["may_receive_authorizations"], false);
    assert_eq!(v["sanctions_in_effect"][0]["level"], "monitoring");
    let missing = v["applications"][0]["missing"].as_array().unwrap();
    assert_eq!(missing.len(), 3, "{missing:?}");
    assert!(
        missing
            .iter()
            .any(|m| m.as_str().unwrap().to_lowercase().contains("site visit")),
        "{missing:?}"
    );
    assert_eq!(v["changes"][0]["late"], true);
    assert!(v.get("exclusion_matches").is_none(), "{v}");
    // Staff see the matches too.
    let staff = s
        .get(
            "admin",
            &format!("/api/v1/network/providers/{}?on=2026-03-02", b_npi()),
        )
        .await
        .json();
    assert_eq!(staff["exclusion_matches"][0]["status"], "pending_review");
    // Another provider's NPI answers exactly like an NPI not on file.
    let foreign = s.get("prov-b", &path).await;
    let unknown = s
        .get(
            "prov-b",
            &format!("/api/v1/network/providers/{}?on=2026-03-02", unknown_npi()),
        )
        .await;
    assert_eq!((foreign.status, unknown.status), (404, 404));
    assert_eq!(
        foreign.body.replace(&a_npi(), "NPI"),
        unknown.body.replace(&unknown_npi(), "NPI")
    );
    let page = s
        .get("prov-b", &format!("/portal/network?npi={}", a_npi()))
        .await;
    assert_eq!(page.status, 404);
    assert!(!page.body.contains("Agency"), "{}", page.body);
    // Bad input names the field.
    let bad = s
        .get(
            "prov-a",
            &format!("/api/v1/network/providers/{}?on=2026-02-30", a_npi()),
        )
        .await;
    assert_eq!(
        (bad.status, bad.json()["field"].as_str()),
        (400, Some("on"))
    );
    let log = s.store.access_log(200).await.unwrap();
    assert!(log.iter().any(|r| r.user_id == "prov-b"
        && r.action == "read network status"
        && r.outcome == "denied"));
    // The page, as the provider sees it.
    let page = s.get("prov-a", "/portal/network?on=2026-03-02").await;
    assert_eq!(page.status, 200);
    // The page's own content (the shared layout around <main> is not this test's subject).
    let main = page
        .body
        .split_once("<main>")
        .and_then(|(_, rest)| rest.split_once("</main>"))
        .map(|(m, _)| m.to_owned())
        .unwrap_or_default();
    insta::assert_snapshot!("my_network_status", main.replace(&a_npi(), "NPI-A"));
}

/// NET-02/03/05/07 for staff: the pipeline lists the application with its missing items, the
/// sanction, the match awaiting review and the screening (who ran it, the list's date); the home
/// page links it.
#[tokio::test]
async fn net_07_credentialing_pipeline_lists_applications_matches_and_the_screening() {
    let s = start().await;
    network_day(&s).await;
    let j = s
        .get("auditor", "/api/v1/network/pipeline?on=2026-03-02")
        .await;
    assert_eq!(j.status, 200, "{}", j.body);
    let v = j.json();
    assert_eq!(v["applications"]["gathering"][0]["npi"], a_npi());
    assert_eq!(v["exclusion_matches_for_review"][0]["npi"], b_npi());
    assert_eq!(v["sanctions_in_effect"][0]["npi"], a_npi());
    assert_eq!(v["exclusion_screening"]["overdue"], false);
    assert_eq!(v["exclusion_screening"]["next_due"], "2026-04-01");
    assert_eq!(v["screenings"][0]["screened_by"], "cred1");
    assert_eq!(v["screenings"][0]["list_date"], "2026-02-27");
    // A month later, the screening is overdue.
    let later = s
        .get("admin", "/api/v1/network/pipeline?on=2026-04-03")
        .await
        .json();
    assert_eq!(later["exclusion_screening"]["overdue"], true);
    assert_eq!(later["exclusion_screening"]["days_overdue"], 2);
    let page = s.get("admin", "/console/credentialing?on=2026-03-02").await;
    assert_eq!(page.status, 200);
    for want in [
        "<h1>Credentialing pipeline</h1>",
        "CRD-2026-000001",
        "site visit (unaccredited organisation): evidence not submitted",
        "Exclusion matches awaiting review (1)",
        "LEIE-2026-02.csv (2026-02-27)",
        "monitoring",
        "next due by <strong>2026-04-01</strong>",
    ] {
        assert!(page.body.contains(want), "{want}: {}", page.body);
    }
    let overdue = s.get("admin", "/console/credentialing?on=2026-04-03").await;
    assert!(
        overdue.body.contains("Screening overdue"),
        "{}",
        overdue.body
    );
    let home = s.get("admin", "/").await;
    assert!(
        home.body.contains("/console/credentialing"),
        "{}",
        home.body
    );
    let home = s.get("prov-a", "/").await;
    assert!(home.body.contains("My network status"), "{}", home.body);
}

/// PAY-05: the fiscal-policy self-assessment as a form. A provider scores its own answers (kept on
/// the page), never another provider's; a claims examiner scores them for a provider under
/// review; a bad answer is a 400 naming the item; nothing needs or changes a stored record.
#[tokio::test]
async fn pay_05_self_assessment_form_scores_for_provider_and_staff() {
    let s = start().await;
    let (a, b) = (a_npi(), b_npi());
    // The home page links each audience to its form, and no one else.
    for (user, portal, console) in [
        ("prov-a", true, false),
        ("examiner", false, true),
        ("auditor", false, true),
        ("ccm1", false, false),
        ("state", false, false),
    ] {
        let home = s.get(user, "/").await;
        assert_eq!(
            home.body.contains("href=\"/portal/self-assessment\""),
            portal,
            "{user}: {}",
            home.body
        );
        assert_eq!(
            home.body.contains("href=\"/console/self-assessment\""),
            console,
            "{user}: {}",
            home.body
        );
    }
    let (cookie, csrf) = sign_in(&s, "prov-a").await;
    let r = http(
        s.addr,
        "GET",
        "/portal/self-assessment",
        &[("Cookie", &cookie)],
        "",
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&format!("For NPI {a}")), "{}", r.body);
    assert_eq!(r.body.matches("type=\"radio\" name=\"item").count(), 17 * 3);
    let answers =
        "item1=yes&item2=yes_but&note2=scale+adopted%2C+not+yet+attached&item3=no&item4=yes";
    let r = post_form(
        &s,
        &cookie,
        "/portal/self-assessment",
        &format!("csrf={csrf}&npi={a}&{answers}"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("Score: 5 of 34 points (14.71%)"),
        "{}",
        r.body
    );
    assert!(r.body.contains("2 of 17 items met"), "{}", r.body);
    assert!(
        r.body.contains("scale adopted, not yet attached"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("name=\"item2\" value=\"yes_but\" checked"),
        "the answers stay on the page: {}",
        r.body
    );
    // Another provider's NPI: the 404 an unknown NPI gets.
    let r = post_form(
        &s,
        &cookie,
        "/portal/self-assessment",
        &format!("csrf={csrf}&npi={b}&item1=yes"),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    assert!(!r.body.contains("Score:"), "{}", r.body);
    // A bad answer names the item.
    let r = post_form(
        &s,
        &cookie,
        "/portal/self-assessment",
        &format!("csrf={csrf}&npi={a}&item7=maybe"),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("item7"), "{}", r.body);
    // Without the session's CSRF token nothing is scored.
    let r = post_form(
        &s,
        &cookie,
        "/portal/self-assessment",
        &format!("csrf=wrong&npi={a}&item1=yes"),
    )
    .await;
    assert_eq!(r.status, 403, "{}", r.body);

    // Staff: any provider on file; an NPI not on file is 404, a malformed one a 400 naming npi.
    let (cookie, csrf) = sign_in(&s, "examiner").await;
    let r = post_form(
        &s,
        &cookie,
        "/console/self-assessment",
        &format!("csrf={csrf}&npi={b}&item1=yes&item5=yes"),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("Score: 4 of 34 points"), "{}", r.body);
    let r = post_form(
        &s,
        &cookie,
        "/console/self-assessment",
        &format!("csrf={csrf}&npi={}&item1=yes", unknown_npi()),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    let r = post_form(
        &s,
        &cookie,
        "/console/self-assessment",
        &format!("csrf={csrf}&npi=12345&item1=yes"),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("npi"), "{}", r.body);
}
