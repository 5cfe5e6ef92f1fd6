//! Browser tests: headless Chromium driven over WebDriver (chromedriver), against `accord serve` on
//! the demo database, as a provider and as a reviewer would click through.
//!
//! They need Debian's `chromium` and `chromium-driver`. Without them the tests say so and pass, so
//! `cargo test --workspace` works on a machine with only the Rust toolchain; CI installs both and
//! sets `ACCORD_BROWSER_TESTS=1`, which makes a missing browser a failure. With
//! `ACCORD_SCREENSHOTS=DIR` the tests save a PNG of each main page there (`docs/screenshots/`).

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

struct Kill(Child);
impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn find(names: &[&str]) -> Option<PathBuf> {
    for n in names {
        for dir in std::env::var("PATH")
            .unwrap_or_default()
            .split(':')
            .chain(["/usr/bin", "/usr/lib/chromium"])
        {
            let p = Path::new(dir).join(n);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

async fn wait_for(port: u16) {
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("nothing listening on {port}");
}

async fn shot(c: &Client, name: &str) {
    if let Ok(dir) = std::env::var("ACCORD_SCREENSHOTS") {
        let png = c.screenshot().await.unwrap();
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(Path::new(&dir).join(format!("{name}.png")), png).unwrap();
    }
}

/// Clicks and waits until the next page shows `then` (a form post navigates asynchronously).
async fn click_then(c: &Client, what: Locator<'_>, then: Locator<'_>) {
    c.find(what).await.unwrap().click().await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(then)
        .await
        .unwrap_or_else(|e| panic!("the next page did not show up: {e}"));
}

async fn sign_in(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Css("input[name=user]"))
        .await
        .unwrap()
        .send_keys(user)
        .await
        .unwrap();
    c.find(Locator::Css("input[name=password]"))
        .await
        .unwrap()
        .send_keys(&format!("demo-{user}"))
        .await
        .unwrap();
    click_then(c, Locator::Css("form button"), Locator::Css("nav")).await;
}

async fn text(c: &Client) -> String {
    c.find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn provider_and_reviewer_click_through_the_portal() {
    let required = std::env::var("ACCORD_BROWSER_TESTS").is_ok_and(|v| v == "1");
    let (Some(driver), Some(chromium)) = (
        find(&["chromedriver"]),
        find(&["chromium", "chromium-browser"]),
    ) else {
        assert!(
            !required,
            "ACCORD_BROWSER_TESTS=1 but chromium / chromedriver are not installed"
        );
        eprintln!(
            "browser tests skipped: install Debian's chromium and chromium-driver to run them"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let accord = env!("CARGO_BIN_EXE_accord");
    let demo = Command::new(accord)
        .args(["demo", "--scale", "600", "--seed", "11", "--no-serve"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );
    let port = free_port();
    let _server = Kill(
        Command::new(accord)
            .args(["serve", "--addr", &format!("127.0.0.1:{port}")])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let dport = free_port();
    let _driver = Kill(
        Command::new(&driver)
            .arg(format!("--port={dport}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_for(port).await;
    wait_for(dport).await;
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": chromium, "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1200,900"]}),
    );
    let c = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{dport}"))
        .await
        .expect("chromedriver session");
    let base = format!("http://127.0.0.1:{port}");

    // The demo's first request form names a covered member and provider1's facility.
    let form: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(
            dir.path()
                .join("demo-out/um/requests/01-auto-approved-residential.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let member = form["member_id"].as_str().unwrap().to_owned();

    // Provider: sign in, check eligibility.
    sign_in(&c, &base, "provider1").await;
    let home = text(&c).await;
    assert!(home.contains("Request an authorization"), "{home}");
    shot(&c, "provider-home").await;
    c.goto(&format!("{base}/portal/eligibility")).await.unwrap();
    c.find(Locator::Css("input[name=member_id]"))
        .await
        .unwrap()
        .send_keys(&member)
        .await
        .unwrap();
    click_then(&c, Locator::Css("main form button"), Locator::Id("answer")).await;
    let t = text(&c).await;
    assert!(
        t.contains(&format!("Member {member}")) && t.contains("Eligible"),
        "{t}"
    );
    shot(&c, "provider-eligibility").await;

    // Request an authorization from the form: complete and within the criteria, approved at once.
    c.goto(&format!("{base}/portal/authorizations/new"))
        .await
        .unwrap();
    let fill = [
        ("member_id", member.as_str()),
        ("code", "H0047"),
        ("modifiers", "HF"),
        ("units", "10"),
        ("diagnosis", "F10.20"),
        ("asam_level", "3.5"),
        ("substance_use", "alcohol daily"),
        ("medical", "none"),
        ("treatment_plan", "residential 3.5"),
        ("discharge_plan", "step down to IOP"),
    ];
    for (name, value) in fill {
        c.find(Locator::Css(&format!("[name={name}]")))
            .await
            .unwrap()
            .send_keys(value)
            .await
            .unwrap();
    }
    // Dates through script: date inputs take keyboard input in the locale's order.
    c.execute(
        "document.querySelector('[name=start_date]').value = arguments[0]; document.querySelector('[name=end_date]').value = arguments[1]; document.querySelector('[name=risk_reviewed]').checked = true;",
        vec![form["start_date"].clone(), serde_json::json!(form["start_date"].as_str().map(|s| s.to_owned()).unwrap())],
    )
    .await
    .unwrap();
    shot(&c, "provider-request-form").await;
    click_then(
        &c,
        Locator::Css("main form button"),
        Locator::Css("main ol"),
    )
    .await;
    let t = text(&c).await;
    assert!(
        t.contains("Authorization request UM-") && t.contains("approved"),
        "{t}"
    );
    shot(&c, "provider-authorization").await;

    // Claims with their explanation.
    c.goto(&format!("{base}/portal/claims")).await.unwrap();
    shot(&c, "provider-claims").await;
    // The newest accepted claim (a rejected one explains its rejection instead).
    click_then(
        &c,
        Locator::XPath("//tbody/tr[td[4]='accepted']/td[1]/a"),
        Locator::Id("explanation"),
    )
    .await;
    let why = c
        .find(Locator::Id("explanation"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(why.contains("CLM-") || why.contains("ELIG-"), "{why}");
    shot(&c, "provider-claim-explanation").await;

    // Remittances: the 835 downloads as sent.
    c.goto(&format!("{base}/portal/remittances")).await.unwrap();
    shot(&c, "provider-remittances").await;
    let href = c
        .find(Locator::Css("a[href$='/835']"))
        .await
        .expect("an 835 link")
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let body = c
        .execute_async(
            "const done = arguments[1]; fetch(arguments[0]).then(r => r.text()).then(done);",
            vec![serde_json::json!(href)],
        )
        .await
        .unwrap();
    assert!(body.as_str().unwrap_or("").starts_with("ISA*"), "{body}");
    click_then(
        &c,
        Locator::Css("nav form button"),
        Locator::Css("input[name=user]"),
    )
    .await;

    // Reviewer: the queue, a request, a decision.
    sign_in(&c, &base, "md1").await;
    c.goto(&format!(
        "{base}/console/dashboard?from=2026-10-01&to=2026-11-30"
    ))
    .await
    .unwrap();
    let svgs = c.find_all(Locator::Css("figure svg")).await.unwrap();
    assert_eq!(svgs.len(), 4, "the dashboard draws four charts");
    shot(&c, "console-dashboard").await;
    c.goto(&format!("{base}/console/um-queue")).await.unwrap();
    shot(&c, "console-um-queue").await;
    let t = text(&c).await;
    assert!(t.contains("intensive_outpatient"), "{t}");
    click_then(
        &c,
        Locator::XPath("//tr[td[contains(., 'intensive_outpatient')]]//a"),
        Locator::Css("input[value=deny]"),
    )
    .await;
    shot(&c, "console-review").await;
    c.find(Locator::Css("input[value=deny]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("input[name=reason]"))
        .await
        .unwrap()
        .send_keys("Imminent risk calls for a higher level of care than IOP.")
        .await
        .unwrap();
    click_then(
        &c,
        Locator::Css("main form button"),
        Locator::XPath("//h2[.='Decision']"),
    )
    .await;
    let t = text(&c).await;
    assert!(
        t.contains("denied") && t.contains("higher level of care"),
        "{t}"
    );
    c.close().await.unwrap();
}
