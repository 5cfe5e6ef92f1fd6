//! The `accord` binary, run as a newcomer would: real processes, real files, a scratch directory.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn accord(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_accord"))
        .args(args)
        .current_dir(dir)
        .env_remove("ACCORD_DATABASE_URL")
        .output()
        .expect("run accord")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn digest(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .find(|l| l.starts_with("content digest:"))
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn demo_twice_with_the_same_seed_gives_the_same_database() {
    let dir = tempfile::tempdir().unwrap();
    let a = accord(
        dir.path(),
        &["demo", "--scale", "600", "--seed", "11", "--no-serve"],
    );
    assert!(a.status.success(), "{}", text(&a));
    assert!(dir.path().join("accord.db").exists());
    let b = accord(
        dir.path(),
        &["demo", "--scale", "600", "--seed", "11", "--no-serve"],
    );
    assert!(b.status.success(), "{}", text(&b));
    assert!(!digest(&a).is_empty(), "{}", text(&a));
    assert_eq!(digest(&a), digest(&b));
    let c = accord(
        dir.path(),
        &["demo", "--scale", "600", "--seed", "12", "--no-serve"],
    );
    assert_ne!(
        digest(&a),
        digest(&c),
        "a different seed gives different data"
    );
    // Outside a checkout the demo uses the plan built into the binary.
    assert!(dir.path().join("demo-out/plan/plan.toml").exists());
    let status = accord(dir.path(), &["status"]);
    assert!(status.status.success(), "{}", text(&status));
}

#[test]
fn import_all_rows_or_none() {
    let dir = tempfile::tempdir().unwrap();
    let bad = accord(
        dir.path(),
        &[
            "import",
            "members",
            fixture("members-bad.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(bad.status.code(), Some(4), "{}", text(&bad));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("line 3: birth_date:"), "{err}");
    assert!(err.contains("line 4: sex: must be F, M or U"), "{err}");
    // Nothing was imported, not even the good row (line 2).
    let status = accord(dir.path(), &["status"]);
    assert_eq!(count(&status, "members"), Some(0), "{}", text(&status));

    let good = accord(
        dir.path(),
        &[
            "import",
            "members",
            fixture("members-good.csv").to_str().unwrap(),
        ],
    );
    assert!(good.status.success(), "{}", text(&good));
    assert!(
        text(&good).contains("imported 2 members with 3 eligibility spans"),
        "{}",
        text(&good)
    );
    let p = accord(
        dir.path(),
        &[
            "import",
            "providers",
            fixture("providers-good.csv").to_str().unwrap(),
        ],
    );
    assert!(p.status.success(), "{}", text(&p));
    // Importing the same file twice is a conflict, not a silent duplicate.
    let again = accord(
        dir.path(),
        &[
            "import",
            "members",
            fixture("members-good.csv").to_str().unwrap(),
        ],
    );
    assert_eq!(again.status.code(), Some(6), "{}", text(&again));
}

#[test]
fn plan_check_names_the_file_and_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let ok = accord(&root, &["plan", "check", "plans/demo-illinois-bh"]);
    assert!(ok.status.success(), "{}", text(&ok));
    let broken = accord(
        &root,
        &[
            "plan",
            "check",
            "crates/accord-plan/tests/fixtures/broken-rate",
        ],
    );
    assert_eq!(broken.status.code(), Some(3), "{}", text(&broken));
    assert!(
        String::from_utf8_lossy(&broken.stderr).contains("fee_schedule.csv:"),
        "{}",
        text(&broken)
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(
        accord(dir.path(), &["no-such-command"]).status.code(),
        Some(2)
    );
    let wrong_ext = accord(dir.path(), &["import", "members", "x.txt"]);
    assert_eq!(wrong_ext.status.code(), Some(4), "{}", text(&wrong_ext));
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/x12-samples")
}

#[test]
fn x12_check_exit_codes_and_999() {
    let dir = tempfile::tempdir().unwrap();
    let generated = accord(
        dir.path(),
        &[
            "x12",
            "gen",
            "--scale",
            "50",
            "--seed",
            "5",
            "--kind",
            "i",
            "-o",
            "claims.837",
        ],
    );
    assert!(generated.status.success(), "{}", text(&generated));
    let ok = accord(dir.path(), &["x12", "check", "claims.837", "--out", "ack"]);
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
    assert!(text(&ok).contains("50 claim(s)"), "{}", text(&ok));
    let acks: Vec<_> = std::fs::read_dir(dir.path().join("ack")).unwrap().collect();
    assert_eq!(acks.len(), 1, "one 999 for the one functional group");

    let shown = accord(dir.path(), &["x12", "show", "claims.837"]);
    assert!(shown.status.success(), "{}", text(&shown));
    assert!(
        text(&shown).contains("2300"),
        "segments are shown with loop names"
    );

    let broken = samples().join("imsweb-structural/imsweb-x12_bad_segment_identifier.x12");
    if broken.exists() {
        let bad = accord(
            dir.path(),
            &["x12", "check", broken.to_str().unwrap(), "--out", "ack-bad"],
        );
        assert_eq!(bad.status.code(), Some(1), "{}", text(&bad));
    }
    let missing = accord(dir.path(), &["x12", "check", "no-such-file.837"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
}

fn count(status: &Output, table: &str) -> Option<u64> {
    String::from_utf8_lossy(&status.stdout)
        .lines()
        .find(|l| l.split_whitespace().next() == Some(table))
        .and_then(|l| l.split_whitespace().last()?.parse().ok())
}

#[test]
fn clm_01_claims_are_stored_before_acknowledgment_and_never_twice() {
    let dir = tempfile::tempdir().unwrap();
    let generated = accord(
        dir.path(),
        &[
            "x12",
            "gen",
            "--scale",
            "12",
            "--seed",
            "8",
            "-o",
            "batch.837",
        ],
    );
    assert!(generated.status.success(), "{}", text(&generated));
    // A second file with one claim whose billing NPI fails its check digit.
    let body = std::fs::read_to_string(dir.path().join("batch.837")).unwrap();
    let npi_at = body.find("NM1*85*2*").expect("billing provider");
    let xx = npi_at + body[npi_at..].find("*XX*").unwrap() + 4;
    let mut bad = body.clone();
    bad.replace_range(xx..xx + 10, "1234567890");
    // A new interchange control number (ISA13, echoed in IEA02), so it is a new file.
    let isa13 = body.split('*').nth(13).unwrap().to_owned();
    let bad = bad
        .replace(&format!("*{isa13}*"), "*987654321*")
        .replace(&format!("*{isa13}~"), "*987654321~");
    std::fs::write(dir.path().join("bad.837"), bad).unwrap();

    let first = accord(
        dir.path(),
        &["claims", "submit", "batch.837", "--out", "acks"],
    );
    assert!(first.status.success(), "{}", text(&first));
    assert!(text(&first).contains("12 accepted"), "{}", text(&first));
    assert!(dir.path().join("acks/batch.277ca.x12").exists());
    let again = accord(
        dir.path(),
        &["claims", "submit", "batch.837", "--out", "acks"],
    );
    assert!(
        text(&again).contains("already received"),
        "{}",
        text(&again)
    );
    let status = accord(dir.path(), &["status"]);
    assert_eq!(count(&status, "claims"), Some(12), "{}", text(&status));

    let second = accord(
        dir.path(),
        &["claims", "submit", "bad.837", "--out", "acks"],
    );
    assert!(second.status.success(), "{}", text(&second));
    // The billing provider (2010AA) is shared by every claim in the file, so all of them reject.
    assert!(
        text(&second).contains("0 accepted into adjudication, 12 rejected"),
        "{}",
        text(&second)
    );
    let status = accord(dir.path(), &["status"]);
    assert_eq!(
        count(&status, "claims"),
        Some(24),
        "rejected claims are on record too: {}",
        text(&status)
    );
}
