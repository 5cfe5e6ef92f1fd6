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
    // QM-01 on the demo database: the hospital stays and ED visits give every follow-up measure
    // and readmissions events, some met and some not.
    let q = accord(
        dir.path(),
        &[
            "report",
            "quality",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "csv",
        ],
    );
    assert!(q.status.success(), "{}", text(&q));
    let rates: std::collections::HashMap<String, (u64, u64)> = String::from_utf8_lossy(&q.stdout)
        .lines()
        .skip(1)
        .filter_map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            Some((
                f.first()?.to_string(),
                (f.get(1)?.parse().ok()?, f.get(2)?.parse().ok()?),
            ))
        })
        .collect();
    for m in [
        "FUH-7",
        "FUH-30",
        "FUM-7",
        "FUM-30",
        "FUA-7",
        "FUA-30",
        "IET-initiation",
        "PCR-30",
    ] {
        let (den, num) = rates.get(m).copied().unwrap_or_default();
        assert!(den > 0, "{m}: no events\n{}", text(&q));
        assert!(num > 0 && num < den, "{m}: {num} of {den}\n{}", text(&q));
    }
    // The day's cases: filings under demo-out/cases/, the due list printed, a filing replayed.
    assert!(text(&c).contains("Due at 2026-11-02 17:00"), "{}", text(&c));
    assert!(
        text(&c).contains("APL-03: psy1 made the decision"),
        "{}",
        text(&c)
    );
    let late = dir
        .path()
        .join("demo-out/cases/03-late-level-2-appeal.json");
    let again = accord(
        dir.path(),
        &["case", "file", late.to_str().unwrap(), "--at", "2026-11-02"],
    );
    assert_eq!(again.status.code(), Some(7), "{}", text(&again));
    assert!(text(&again).contains("APL-01"), "{}", text(&again));
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
fn elig_01_rec_01_member_file_with_a_retro_termination_updates_the_span() {
    let dir = tempfile::tempdir().unwrap();
    let good = fixture("members-good.csv");
    let first = accord(dir.path(), &["import", "members", good.to_str().unwrap()]);
    assert!(first.status.success(), "{}", text(&first));
    // The state's next file ends M0002's open span after the fact and changes nothing else.
    let next = std::fs::read_to_string(&good)
        .unwrap()
        .replace("2024-03-01,\n", "2024-03-01,2026-02-28\n");
    assert!(next.contains("2026-02-28"), "{next}");
    std::fs::write(dir.path().join("next.csv"), next).unwrap();
    let o = accord(
        dir.path(),
        &["import", "members", "next.csv", "--readjudicate"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("imported 0 members with 0 eligibility spans"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("M0002 ACCORD-IL span from 2024-03-01: end open -> 2026-02-28"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("no decided claims are affected"),
        "{}",
        text(&o)
    );
    // A member whose details differ is refused with the column, and nothing changes.
    let renamed = std::fs::read_to_string(&good)
        .unwrap()
        .replace("Bo,Li", "Bo,Lee");
    std::fs::write(dir.path().join("renamed.csv"), renamed).unwrap();
    let o = accord(dir.path(), &["import", "members", "renamed.csv"]);
    assert_eq!(o.status.code(), Some(6), "{}", text(&o));
    assert!(
        text(&o).contains("member_id=M0002: last_name differs"),
        "{}",
        text(&o)
    );
    // Nothing re-decided when nothing changed since tomorrow.
    let o = accord(
        dir.path(),
        &["claims", "readjudicate", "--affected-since", "2099-01-01"],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("no decided claims are affected"),
        "{}",
        text(&o)
    );
    // --rarc goes with --deny only.
    let o = accord(
        dir.path(),
        &[
            "claims",
            "examine",
            "T1",
            "--approve",
            "--rarc",
            "N29",
            "--reason",
            "x",
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("--rarc"), "{}", text(&o));
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
    // A small demo world: members, providers, a month of claims already submitted and paid.
    let demo = accord(dir.path(), &["demo", "--no-serve", "--scale", "300"]);
    assert!(demo.status.success(), "{}", text(&demo));
    let month = dir.path().join("demo-out/claims/837P-2026-10.x12");
    assert!(month.exists(), "the demo writes its 837s under demo-out/");
    let before = count(&accord(dir.path(), &["status"]), "claims").unwrap();

    // The same file again: its interchange was received, no claim is created (CLM-01).
    let again = accord(
        dir.path(),
        &["claims", "submit", month.to_str().unwrap(), "--out", "acks"],
    );
    assert!(again.status.success(), "{}", text(&again));
    assert!(
        text(&again).contains("already received"),
        "{}",
        text(&again)
    );
    assert_eq!(
        count(&accord(dir.path(), &["status"]), "claims"),
        Some(before)
    );

    // The same claims in a new interchange, received and decided in one command
    // (`--adjudicate`, decision 0033): stored as new claims, and decided on receipt as exact
    // duplicates of the claims already paid (CLM-06).
    let resent = std::fs::read_to_string(&month)
        .unwrap()
        .replacen("*00501*000000001*", "*00501*777777778*", 1)
        .replacen("IEA*1*000000001~", "IEA*1*777777778~", 1);
    assert!(
        resent.contains("777777778"),
        "the demo's first 837 has ISA13 000000001"
    );
    std::fs::write(dir.path().join("resent.837"), resent).unwrap();
    let decided = accord(
        dir.path(),
        &[
            "claims",
            "submit",
            "resent.837",
            "--adjudicate",
            "--out",
            "acks",
        ],
    );
    assert!(decided.status.success(), "{}", text(&decided));
    assert!(
        text(&decided).contains("adjudicated "),
        "{}",
        text(&decided)
    );
    assert!(text(&decided).contains("CO-18"), "{}", text(&decided));
    let before = count(&accord(dir.path(), &["status"]), "claims").unwrap();

    // Claims for members the plan does not have: stored, rejected on the 277CA with the reason
    // (CLM-01, CLM-04), and explained.
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
    let first = accord(
        dir.path(),
        &["claims", "submit", "batch.837", "--out", "acks"],
    );
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        text(&first).contains("0 accepted into adjudication, 12 rejected"),
        "{}",
        text(&first)
    );
    let ack = std::fs::read_to_string(dir.path().join("acks/batch.277ca.x12")).unwrap();
    assert!(ack.contains("STC*A"), "{ack}");
    assert_eq!(
        count(&accord(dir.path(), &["status"]), "claims"),
        Some(before + 12),
        "rejected claims are on record too"
    );
    let tracking = text(&first)
        .split("tracking numbers ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .map(str::to_owned)
        .expect("tracking numbers printed");
    let explained = accord(dir.path(), &["claims", "explain", &tracking]);
    assert!(explained.status.success(), "{}", text(&explained));
    assert!(
        text(&explained).contains("rejected at intake"),
        "{}",
        text(&explained)
    );
    assert!(
        text(&explained).contains("2010BA NM109"),
        "{}",
        text(&explained)
    );
    let missing = accord(dir.path(), &["claims", "explain", "NOPE"]);
    assert_eq!(missing.status.code(), Some(5), "{}", text(&missing));
}

/// The documented example plan, end to end: each refusal exits 7 (rule_violation) with the rule
/// and what to do instead, and changes nothing; the right way through succeeds.
#[test]
fn sp_plan_of_care_refusals_name_the_rule_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let example =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/service-plan.json");
    let example = example.to_str().unwrap();
    let poc = |args: &[&str]| {
        let mut all = vec!["plan-of-care"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--as-of", "2026-01-05"]);
        accord(dir.path(), &all)
    };
    let members = accord(
        dir.path(),
        &[
            "import",
            "members",
            fixture("members-good.csv").to_str().unwrap(),
        ],
    );
    assert!(members.status.success(), "{}", text(&members));
    let created = poc(&["create", example]);
    assert!(created.status.success(), "{}", text(&created));
    assert!(text(&created).contains("plan SP-2026-0001 created for member M0002"));

    // SP-04: no supervisor note, the UCAT in progress: both said at once.
    let refused = poc(&["submit", "SP-2026-0001"]);
    assert_eq!(refused.status.code(), Some(7), "{}", text(&refused));
    let err = String::from_utf8_lossy(&refused.stderr);
    assert!(err.contains("SP-04"), "{err}");
    assert!(err.contains("UCAT (in progress)"), "{err}");
    let shown = poc(&["show", "SP-2026-0001", "--json"]);
    assert!(shown.status.success(), "{}", text(&shown));
    let plan: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(plan["status"], "draft");
    assert_eq!(plan["revision"], 1);

    for args in [
        &[
            "note",
            "SP-2026-0001",
            "--kind",
            "supervisor-review",
            "--text",
            "Reviewed",
        ][..],
        &["document", "SP-2026-0001", "UCAT", "--status", "complete"],
    ] {
        let o = poc(args);
        assert!(o.status.success(), "{}", text(&o));
    }
    // SP-05: priority without a justification note.
    let refused = poc(&["submit", "SP-2026-0001", "--priority"]);
    assert_eq!(refused.status.code(), Some(7), "{}", text(&refused));
    assert!(text(&refused).contains("SP-05"), "{}", text(&refused));
    let ok = poc(&["submit", "SP-2026-0001"]);
    assert!(ok.status.success(), "{}", text(&ok));
    let ok = poc(&["authorize", "SP-2026-0001", "--actor", "msu.reviewer"]);
    assert!(ok.status.success(), "{}", text(&ok));

    // SP-02: an authorized line is never edited; change-line does it the right way.
    let refused = poc(&["edit-line", "SP-2026-0001", "1", "--units", "60"]);
    assert_eq!(refused.status.code(), Some(7), "{}", text(&refused));
    assert!(
        text(&refused).contains("is authorized and cannot be edited; end-date it on 2026-01-04"),
        "{}",
        text(&refused)
    );
    let ok = poc(&[
        "change-line",
        "SP-2026-0001",
        "1",
        "--effective",
        "2026-04-01",
        "--units",
        "60",
    ]);
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(
        text(&ok).contains("line 1 end-dated 2026-03-31"),
        "{}",
        text(&ok)
    );

    // SP-06 and a bad value: the flag is named.
    let refused = poc(&[
        "add-line",
        "SP-2026-0001",
        "--service",
        "H0047",
        "--modifiers",
        "HF",
        "--provider",
        "1234567893",
        "--units",
        "7",
        "--frequency",
        "week",
        "--begin",
        "2026-05-01",
        "--end",
        "2026-05-31",
    ]);
    assert_eq!(refused.status.code(), Some(7), "{}", text(&refused));
    assert!(text(&refused).contains("SP-06"), "{}", text(&refused));
    let bad = poc(&[
        "change-line",
        "SP-2026-0001",
        "2",
        "--effective",
        "2026-04-01",
        "--units",
        "0",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(
        text(&bad).contains("--units: units \"0\": must be greater than zero"),
        "{}",
        text(&bad)
    );
    let missing = poc(&["show", "SP-404"]);
    assert_eq!(missing.status.code(), Some(5), "{}", text(&missing));

    let list = poc(&["list", "--member", "M0002"]);
    assert!(
        text(&list).contains("SP-2026-0001  2026-01-01 to 2026-12-31  amending"),
        "{}",
        text(&list)
    );
}

/// Utilization management on the demo database, as staff would drive it: the queue, UM-05's
/// refusal of a care manager's denial (exit 8, nothing changed), a psychiatrist's reduction with
/// its UM-06 letter, a request file sent again, the QM-04 report, and a bad role named.
#[test]
fn um_05_only_a_psychiatrist_denies_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let demo = accord(d, &["demo", "--scale", "600", "--seed", "11", "--no-serve"]);
    assert!(demo.status.success(), "{}", text(&demo));
    let queue = accord(d, &["auth", "queue"]);
    let q = text(&queue);
    let iop = q
        .lines()
        .find(|l| l.contains("intensive_outpatient"))
        .and_then(|l| l.split_whitespace().next())
        .unwrap_or_else(|| panic!("no IOP request in the queue:\n{q}"))
        .to_owned();
    let refused = accord(
        d,
        &[
            "auth", "decide", &iop, "--deny", "--reason", "x", "--as", "ccm1",
        ],
    );
    assert_eq!(refused.status.code(), Some(8), "{}", text(&refused));
    assert!(text(&refused).contains("UM-05"));
    assert!(text(&accord(d, &["auth", "show", &iop])).contains("IN REVIEW"));
    let reduced = accord(
        d,
        &[
            "auth",
            "decide",
            &iop,
            "--approve",
            "--units",
            "12",
            "--reason",
            "12 hours meet 2.1 for now",
            "--as",
            "md1",
        ],
    );
    assert!(reduced.status.success(), "{}", text(&reduced));
    assert!(
        text(&reduced).contains("PARTIALLY APPROVED"),
        "{}",
        text(&reduced)
    );
    let letter = d.join("notice.html");
    let n = accord(
        d,
        &["auth", "notice", &iop, "--html", letter.to_str().unwrap()],
    );
    assert!(n.status.success(), "{}", text(&n));
    let html = std::fs::read_to_string(&letter).unwrap();
    assert!(html.contains("12 hours meet 2.1 for now") && html.contains("expedited appeal"));
    let again = accord(
        d,
        &[
            "auth",
            "request",
            "demo-out/um/requests/01-auto-approved-residential.json",
        ],
    );
    assert!(again.status.success(), "{}", text(&again));
    let report = accord(
        d,
        &[
            "report",
            "um",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "csv",
        ],
    );
    assert!(text(&report).contains("\nall,"), "{}", text(&report));
    let quality = accord(
        d,
        &[
            "report",
            "quality",
            "--from",
            "2026-01-01",
            "--to",
            "2026-12-31",
            "--format",
            "csv",
        ],
    );
    assert!(quality.status.success(), "{}", text(&quality));
    assert!(
        text(&quality).starts_with("measure,denominator,numerator,rate\nFUH-7,"),
        "{}",
        text(&quality)
    );
    let claims = accord(
        d,
        &[
            "report",
            "claims",
            "--from",
            "2026-10-01",
            "--to",
            "2026-11-30",
        ],
    );
    assert!(
        text(&claims).contains("auto-adjudicated"),
        "{}",
        text(&claims)
    );
    let bad = accord(d, &["staff", "add", "x", "--name", "X", "--role", "wizard"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad).contains("--role: \"wizard\" is not a role"));
}

/// Cases from files and flags: a refusal exits 7 (rule_violation) with the engine's sentence —
/// the rule, the window and the dates — and changes nothing; APL-03 reviewer independence reads
/// the staff reporting lines; the due list is per team at `--at`.
#[test]
fn apl_case_commands_refuse_with_the_rule_and_show_what_is_due() {
    let dir = tempfile::tempdir().unwrap();
    let case = |args: &[&str]| {
        let mut all = vec!["case"];
        all.extend_from_slice(args);
        accord(dir.path(), &all)
    };
    for (id, role, boss) in [
        ("md-lead", "psychiatrist", None),
        ("md1", "psychiatrist", Some("md-lead")),
        ("ccm1", "clinical_care_manager", Some("md1")),
    ] {
        let mut args = vec!["staff", "add", id, "--name", id, "--role", role];
        if let Some(b) = boss {
            args.extend_from_slice(&["--reports-to", b]);
        }
        let o = accord(dir.path(), &args);
        assert!(o.status.success(), "{}", text(&o));
    }
    let write = |name: &str, v: serde_json::Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, v.to_string()).unwrap();
        p.to_str().unwrap().to_owned()
    };
    let appeal = write(
        "appeal.json",
        serde_json::json!({
            "parties": {"filed_by": "provider"},
            "subject": {"authorization": "PA-2026-000417"},
            "filing": {"kind": "appeal", "level": "one", "track": "expedited",
                "nature": "clinical", "appealed_notice": "2026-10-30", "decided_by": ["md1"]}
        }),
    );
    let filed = case(&["file", &appeal, "--at", "2026-11-02T10:00"]);
    assert!(filed.status.success(), "{}", text(&filed));
    assert!(
        text(&filed).contains("Case APL-2026-000001  appeal  FILED"),
        "{}",
        text(&filed)
    );
    assert!(
        text(&filed).contains("[APL-02] decide the appeal"),
        "{}",
        text(&filed)
    );

    // APL-03: a subordinate of the decision-maker is refused; deciding without a reviewer too.
    let refused = case(&[
        "act",
        "APL-2026-000001",
        "assign_reviewer",
        "--reviewer",
        "ccm1",
        "--at",
        "2026-11-02T10:30",
    ]);
    assert_eq!(refused.status.code(), Some(7), "{}", text(&refused));
    assert!(
        text(&refused).contains("APL-03: ccm1 reports to md1, who made the decision under appeal"),
        "{}",
        text(&refused)
    );
    let refused = case(&[
        "act",
        "APL-2026-000001",
        "decide",
        "--outcome",
        "upheld",
        "--at",
        "2026-11-02T10:30",
    ]);
    assert_eq!(refused.status.code(), Some(7), "{}", text(&refused));
    assert!(
        text(&refused).contains("APL-03: assign an independent reviewer"),
        "{}",
        text(&refused)
    );
    // A missing flag is named; an unknown action too.
    let bad = case(&["act", "APL-2026-000001", "assign_reviewer"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("(give --reviewer)"), "{}", text(&bad));
    let bad = case(&["act", "APL-2026-000001", "approve_everything"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("unknown variant"), "{}", text(&bad));

    for args in [
        &[
            "act",
            "APL-2026-000001",
            "assign_reviewer",
            "--reviewer",
            "md-lead",
            "--as",
            "appeals-intake",
            "--at",
            "2026-11-02T11:00",
        ][..],
        &[
            "act",
            "APL-2026-000001",
            "decide",
            "--outcome",
            "upheld",
            "--as",
            "md-lead",
            "--at",
            "2026-11-02T15:00",
        ],
    ] {
        let o = case(args);
        assert!(o.status.success(), "{}", text(&o));
    }
    // The verbal notice is due by the end of the next day (APL-02): due today on 2026-11-03.
    let due = case(&["due", "--at", "2026-11-03T12:00", "--json"]);
    assert!(due.status.success(), "{}", text(&due));
    let list: serde_json::Value = serde_json::from_slice(&due.stdout).unwrap();
    assert_eq!(list["due_today"], 1, "{list}");
    assert_eq!(list["groups"][0]["owner"], "appeals");
    assert_eq!(
        list["groups"][0]["items"][0]["clock"]["label"],
        "give verbal notice of the expedited decision"
    );
    let shown = case(&["due", "--at", "2026-11-03T12:00", "--team", "appeals"]);
    assert!(text(&shown).contains("DUE TODAY"), "{}", text(&shown));
    let bad = case(&["due", "--team", "janitors"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(
        text(&bad).contains("--team: \"janitors\""),
        "{}",
        text(&bad)
    );

    // The action as a JSON file closes the case; a closed case never reopens.
    let notice = write(
        "notice.json",
        serde_json::json!({"action": "verbal_notice_given"}),
    );
    let o = case(&[
        "act",
        "APL-2026-000001",
        &notice,
        "--at",
        "2026-11-03T09:00",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Closed 2026-11-03 09:00"), "{}", text(&o));
    let again = case(&[
        "act",
        "APL-2026-000001",
        &notice,
        "--at",
        "2026-11-03T10:00",
    ]);
    assert_eq!(again.status.code(), Some(7), "{}", text(&again));
    assert!(text(&again).contains("never reopens"), "{}", text(&again));
    let shown = case(&["show", "APL-2026-000001", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(v["events"].as_array().unwrap().len(), 3, "{v}");
    assert_eq!(v["status"]["closure"]["reason"], "decided");

    // APL-01: a late Level II appeal names its window and dates, and stores nothing.
    let late = write(
        "late.json",
        serde_json::json!({
            "subject": {"authorization": "PA-2026-000417"},
            "filing": {"kind": "appeal", "level": "two", "track": "standard",
                "nature": "clinical", "appealed_notice": "2026-07-05", "decided_by": ["md1", "md-lead"]}
        }),
    );
    let refused = case(&["file", &late, "--at", "2026-11-02"]);
    assert_eq!(refused.status.code(), Some(7), "{}", text(&refused));
    assert!(
        text(&refused).contains(
            "APL-01: Level II appeal must be filed within 90 calendar days of the Level I decision on 2026-07-05 (by 2026-10-03); today is 2026-11-02"
        ),
        "{}",
        text(&refused)
    );
    let listed = case(&["list"]);
    assert!(text(&listed).contains("1 cases"), "{}", text(&listed));
    // A bad filing names the file and the field; a missing case is not found.
    let bad = write(
        "bad.json",
        serde_json::json!({"filing": {"kind": "appeal", "level": "three"}}),
    );
    let o = case(&["file", &bad]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("bad.json: filing: unknown variant `three`"),
        "{}",
        text(&o)
    );
    let missing = case(&["show", "APL-2026-000404"]);
    assert_eq!(missing.status.code(), Some(5), "{}", text(&missing));
}

#[test]
fn net_provider_commands_credential_sanction_reinstate_and_screen() {
    let dir = tempfile::tempdir().unwrap();
    let provider = |args: &[&str]| {
        let mut all = vec!["provider"];
        all.extend_from_slice(args);
        accord(dir.path(), &all)
    };
    let npi = "1234567893";
    let form = dir.path().join("application.json");
    std::fs::write(
        &form,
        serde_json::json!({
            "provider": {"npi": npi, "kind": "individual", "name": "Margot Quillfeather, LCPC",
                "tax_id": "36-1000001", "specialty": "lcpc", "license_number": "180-000001",
                "license_expires": "2029-12-31", "facility_npi": null},
            "date_of_birth": "1971-03-04",
            "lines_of_business": ["medicaid"],
            "evidence": {"license": "licence 180-000001"}
        })
        .to_string(),
    )
    .unwrap();
    let o = provider(&["apply", form.to_str().unwrap(), "--at", "2026-01-05"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("CRD-2026-000001"), "{}", text(&o));
    let o = provider(&["show", npi, "--on", "2026-01-06", "--at", "2026-01-06"]);
    assert!(text(&o).contains("claims deny (CO-B7)"), "{}", text(&o));
    assert!(
        text(&o).contains("malpractice coverage: evidence not submitted"),
        "{}",
        text(&o)
    );
    // NET-02: approval is refused while items are missing.
    let refused = provider(&[
        "decide",
        "CRD-2026-000001",
        "--outcome",
        "approved",
        "--reason",
        "ok",
        "--effective",
        "medicaid=2026-02-01",
        "--at",
        "2026-01-20",
    ]);
    assert_eq!(refused.status.code(), Some(7), "{}", text(&refused));
    assert!(text(&refused).contains("NET-02"), "{}", text(&refused));
    for item in ["license", "malpractice", "exclusion_check", "work_history"] {
        let o = provider(&[
            "verify",
            "CRD-2026-000001",
            "--item",
            item,
            "--evidence",
            "seen",
            "--on",
            "2026-01-10",
            "--at",
            "2026-01-10",
        ]);
        assert!(o.status.success(), "{}", text(&o));
    }
    let o = provider(&[
        "decide",
        "CRD-2026-000001",
        "--outcome",
        "approved",
        "--reason",
        "meets standards",
        "--effective",
        "medicaid=2026-02-01",
        "--at",
        "2026-01-20",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = provider(&["show", npi, "--on", "2026-02-02", "--at", "2026-02-02"]);
    assert!(text(&o).contains("claims payable"), "{}", text(&o));
    assert!(
        text(&o).contains("re-credentialing opens 2028-10-20, due 2029-01-20"),
        "{}",
        text(&o)
    );

    // NET-05: a suspension longer than 30 days needs --extended; one within it takes effect.
    let refused = provider(&[
        "sanction",
        npi,
        "--level",
        "suspension",
        "--from",
        "2026-03-01",
        "--to",
        "2026-04-30",
        "--reason",
        "audit",
        "--at",
        "2026-03-01",
    ]);
    assert_eq!(refused.status.code(), Some(7), "{}", text(&refused));
    let o = provider(&[
        "sanction",
        npi,
        "--level",
        "suspension",
        "--from",
        "2026-03-01",
        "--reason",
        "audit",
        "--at",
        "2026-03-01",
    ]);
    assert!(
        text(&o).contains("suspension from 2026-03-01 to 2026-03-30"),
        "{}",
        text(&o)
    );
    let o = provider(&["show", npi, "--on", "2026-03-05", "--at", "2026-03-05"]);
    assert!(
        text(&o).contains("new authorizations refused"),
        "{}",
        text(&o)
    );
    let o = provider(&[
        "reinstate",
        npi,
        "--on",
        "2026-03-10",
        "--reason",
        "repaid",
        "--at",
        "2026-03-10",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = provider(&["show", npi, "--on", "2026-03-10", "--at", "2026-03-10"]);
    assert!(text(&o).contains("claims payable"), "{}", text(&o));

    // NET-08 leave and return; NET-03 daily job.
    let o = provider(&[
        "leave",
        npi,
        "--from",
        "2026-04-01",
        "--reason",
        "medical",
        "--at",
        "2026-04-01",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = provider(&[
        "recredential-due",
        "--on",
        "2026-10-02",
        "--at",
        "2026-10-02",
    ]);
    assert!(
        text(&o).contains("1 disenrollment notice(s)"),
        "{}",
        text(&o)
    );
    let o = provider(&["return", npi, "--on", "2026-10-05", "--at", "2026-10-05"]);
    assert!(o.status.success(), "{}", text(&o));
    let o = provider(&[
        "recredential-due",
        "--on",
        "2028-10-20",
        "--at",
        "2028-10-20",
    ]);
    assert!(
        text(&o).contains("1 opening, 1 due, 0 lapsing"),
        "{}",
        text(&o)
    );

    // NET-07: the shipped sample lists her under a near name and her date of birth: review.
    let sample =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/examples/exclusions-sample.csv");
    let o = provider(&[
        "exclusions",
        "import",
        sample.to_str().unwrap(),
        "--on",
        "2026-10-06",
        "--at",
        "2026-10-06",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("1 match(es), 0 suspended"),
        "{}",
        text(&o)
    );
    let o = provider(&["exclusions", "review"]);
    assert!(
        text(&o).contains("1 match(es) awaiting review"),
        "{}",
        text(&o)
    );
    let id = text(&o)
        .lines()
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned();
    let o = provider(&[
        "exclusions",
        "review",
        "--match",
        &id,
        "--confirm",
        "--at",
        "2026-10-07",
    ]);
    assert!(
        text(&o).contains("provider suspended (NET-07)"),
        "{}",
        text(&o)
    );
    let o = provider(&["show", npi, "--on", "2026-10-08", "--at", "2026-10-08"]);
    assert!(text(&o).contains("claims deny (CO-B7)"), "{}", text(&o));
    // A bad list names the line and column and imports nothing.
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        std::fs::read_to_string(&sample)
            .unwrap()
            .replace("20240115", "2024-01-15"),
    )
    .unwrap();
    let o = provider(&[
        "exclusions",
        "import",
        bad.to_str().unwrap(),
        "--at",
        "2026-10-06",
    ]);
    assert!(!o.status.success());
    assert!(text(&o).contains("line 2, EXCLDATE"), "{}", text(&o));
}

#[test]
fn net_04_net_07_change_report_and_screening_schedule_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let provider = |args: &[&str]| {
        let mut all = vec!["provider"];
        all.extend_from_slice(args);
        accord(dir.path(), &all)
    };
    let npi = "1234567893";
    let form = dir.path().join("application.json");
    std::fs::write(
        &form,
        serde_json::json!({
            "provider": {"npi": npi, "kind": "individual", "name": "Margot Quillfeather, LCPC",
                "tax_id": "36-1000001", "specialty": "lcpc", "license_number": "180-000001",
                "license_expires": "2029-12-31", "facility_npi": null},
            "date_of_birth": "1971-03-04",
            "lines_of_business": ["medicaid"]
        })
        .to_string(),
    )
    .unwrap();
    let o = provider(&["apply", form.to_str().unwrap(), "--at", "2026-01-05"]);
    assert!(o.status.success(), "{}", text(&o));

    // NET-04: a board action told 7 days after it took effect is late (5 allowed); a material
    // change told on its 10th day is on time.
    let o = provider(&[
        "change",
        npi,
        "--kind",
        "board_action",
        "--field",
        "board",
        "--value",
        "reprimand",
        "--effective",
        "2026-02-01",
        "--reported",
        "2026-02-08",
        "--at",
        "2026-02-08",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("notice due 2026-02-06"), "{}", text(&o));
    assert!(text(&o).contains("LATE by 2 day(s)"), "{}", text(&o));
    let o = provider(&[
        "change",
        npi,
        "--kind",
        "material",
        "--field",
        "address",
        "--value",
        "1 Main St",
        "--effective",
        "2026-03-01",
        "--reported",
        "2026-03-11",
        "--at",
        "2026-03-11",
    ]);
    assert!(text(&o).contains("on time"), "{}", text(&o));
    let bad = provider(&[
        "change",
        npi,
        "--kind",
        "gossip",
        "--field",
        "x",
        "--effective",
        "2026-03-01",
    ]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(text(&bad).contains("--kind"), "{}", text(&bad));

    let all = provider(&["changes"]);
    assert!(
        text(&all).contains("2 change(s), 1 late (NET-04)"),
        "{}",
        text(&all)
    );
    let late = provider(&["changes", "--late"]);
    assert!(
        text(&late).contains("1 change(s), 1 late"),
        "{}",
        text(&late)
    );
    assert!(
        text(&late).contains("due 2026-02-06, told 2026-02-08 LATE by 2 day(s)"),
        "{}",
        text(&late)
    );
    let march = provider(&[
        "changes",
        "--from",
        "2026-03-01",
        "--to",
        "2026-03-31",
        "--json",
    ]);
    let v: serde_json::Value =
        serde_json::from_str(&String::from_utf8_lossy(&march.stdout)).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["kind"], "material");
    assert_eq!(v[0]["late"], false);

    // NET-07: never screened — the daily job says the screening is overdue; after a run the
    // schedule says when the next is due, who ran it and the list's date.
    let o = provider(&[
        "recredential-due",
        "--on",
        "2026-03-02",
        "--at",
        "2026-03-02",
    ]);
    assert!(
        text(&o).contains("exclusion screening OVERDUE: never screened"),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("1234567893 Margot Quillfeather, LCPC"),
        "{}",
        text(&o)
    );
    let list = dir.path().join("LEIE-2026-02.csv");
    std::fs::write(
        &list,
        "LASTNAME,FIRSTNAME,MIDNAME,BUSNAME,GENERAL,SPECIALTY,UPIN,NPI,DOB,ADDRESS,CITY,STATE,ZIP,EXCLTYPE,EXCLDATE,REINDATE,WAIVERDATE,WVRSTATE\n",
    )
    .unwrap();
    let o = provider(&[
        "exclusions",
        "import",
        list.to_str().unwrap(),
        "--on",
        "2026-03-02",
        "--list-date",
        "2026-02-27",
        "--as",
        "cred1",
        "--at",
        "2026-03-02",
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let o = provider(&[
        "exclusions",
        "schedule",
        "--on",
        "2026-03-10",
        "--at",
        "2026-03-10",
    ]);
    assert!(
        text(&o).contains("on 2026-03-02 by cred1: LEIE-2026-02.csv (list of 2026-02-27)"),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("next due by 2026-04-02"), "{}", text(&o));
    let o = provider(&[
        "recredential-due",
        "--on",
        "2026-04-03",
        "--at",
        "2026-04-03",
    ]);
    assert!(
        text(&o).contains(
            "exclusion screening OVERDUE: last run 2026-03-02, due 2026-04-02, 1 day(s) late"
        ),
        "{}",
        text(&o)
    );
}

/// The rate lines (`FUH-7 …`) of a `bench quality` run.
fn rate_lines(o: &Output) -> Vec<String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| l.trim_start().starts_with(['F', 'I', 'P']))
        .map(str::to_owned)
        .collect()
}

#[test]
fn qm_01_bench_quality_reads_from_a_database_and_reuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("q.db").display());
    let args = [
        "bench",
        "quality",
        "--bench-db",
        &url,
        "--members",
        "300",
        "--lines",
        "3000",
    ];
    let first = accord(dir.path(), &args);
    assert!(first.status.success(), "{}", text(&first));
    let out = text(&first);
    assert!(out.contains("setup: 300 members"), "{out}");
    for phase in ["read ", "measures ", "total ", "peak "] {
        assert!(out.contains(phase), "{phase} missing: {out}");
    }
    assert_eq!(rate_lines(&first).len(), 9, "{out}");

    // The second run finds the population stored and measures the same rates.
    let second = accord(dir.path(), &args);
    assert!(second.status.success(), "{}", text(&second));
    assert!(
        text(&second).contains("reusing the 300 members"),
        "{}",
        text(&second)
    );
    assert_eq!(rate_lines(&first), rate_lines(&second));

    // A database holding another population is refused, not mixed.
    let other = accord(
        dir.path(),
        &[
            "bench",
            "quality",
            "--bench-db",
            &url,
            "--members",
            "400",
            "--lines",
            "3000",
        ],
    );
    assert!(!other.status.success());
    assert!(
        text(&other).contains("holds 300 members"),
        "{}",
        text(&other)
    );
}

/// A reader that stops early (`accord … | head`) ends the command quietly, by SIGPIPE as any Unix
/// tool, never with a panic and exit code 101 (decision 0029).
#[cfg(unix)]
#[test]
fn output_into_a_closed_pipe_ends_quietly() {
    use std::io::Read as _;
    use std::os::unix::process::ExitStatusExt as _;
    use std::process::Stdio;

    let dir = tempfile::tempdir().unwrap();
    // About 1.4 MB of X12, far more than a pipe buffers.
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .current_dir(dir.path())
        .args(["x12", "gen", "--scale", "3000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 3];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    assert_eq!(&first, b"ISA");
    // The read end is dropped here, as `head` exits.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "{stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{:?}", out.status);
}
