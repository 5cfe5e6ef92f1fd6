//! Property tests: generated claims survive write → read unchanged, the borrowed
//! claim views agree with the owned reader, and no byte string makes the lexer,
//! the checker or any reader panic.

use accord_x12::model::{Claim, ClaimKind};
use accord_x12::write::Envelope;
use proptest::prelude::*;
use rust_decimal::Decimal;

fn strip(mut c: Claim) -> Claim {
    c.provenance = Default::default();
    c
}

fn kind() -> impl Strategy<Value = ClaimKind> {
    prop_oneof![
        Just(ClaimKind::Professional),
        Just(ClaimKind::Institutional)
    ]
}

/// Text X12 can carry in an element: no separators.
fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!(
        "[A-Z0-9][A-Z0-9 .,&/-]{{0,{}}}[A-Z0-9]",
        max.saturating_sub(2)
    ))
    .unwrap_or_else(|_| unreachable!("static regex"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn generated_claims_round_trip(
        seed in any::<u64>(),
        n in 1u64..12,
        kind in kind(),
        id in text(20),
        name in text(30),
        cents in 0i64..10_000_000,
        note in proptest::option::of(text(60)),
    ) {
        let mut claims = accord_x12::generate::claims(seed, n, kind);
        // Vary the fields a generator would never produce.
        claims[0].claim_id = id;
        std::sync::Arc::make_mut(&mut claims[0].subscriber).person.name = name;
        claims[0].lines[0].charge = Decimal::new(cents, 2);
        claims[0].total_charge = claims[0].lines.iter().map(|l| l.charge).sum();
        if let Some(t) = note {
            claims[0].notes.push(("ADD".into(), t));
        }
        let text = accord_x12::w837::write_claims(&claims, &Envelope::example(), kind);
        let back: Vec<Claim> = accord_x12::read_claims(text.as_bytes())
            .map_err(|e| TestCaseError::fail(e.to_string()))?
            .into_iter()
            .map(strip)
            .collect();
        let claims: Vec<Claim> = claims.into_iter().map(strip).collect();
        prop_assert_eq!(back, claims);
        let report = accord_x12::check::check_bytes(text.as_bytes());
        prop_assert_eq!(report.claims(), n);
    }

    #[test]
    fn views_agree_with_owned_claims(
        seed in any::<u64>(),
        n in 1u64..12,
        kind in kind(),
        crlf in any::<bool>(),
    ) {
        let claims = accord_x12::generate::claims(seed, n, kind);
        let mut text = accord_x12::w837::write_claims(&claims, &Envelope::example(), kind);
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let owned = accord_x12::read_claims(text.as_bytes())
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let views = views_as_claims(text.as_bytes());
        prop_assert_eq!(views.len(), owned.len());
        for (v, o) in views.into_iter().zip(&owned) {
            prop_assert_eq!(v.as_ref(), Ok(o));
        }
        // And what was generated, field by field through the view accessors.
        let mut r = accord_x12::Reader837::new(text.as_bytes());
        let mut k = 0;
        while let Some(v) = r.next_view().map_err(|e| TestCaseError::fail(e.to_string()))? {
            let c = &claims[k];
            prop_assert_eq!(v.claim_id(), c.claim_id.as_str());
            prop_assert_eq!(v.total_charge(), c.total_charge);
            prop_assert_eq!(v.lines().len(), c.lines.len());
            for (l, cl) in v.lines().zip(&c.lines) {
                prop_assert_eq!(l.charge(), cl.charge);
                prop_assert_eq!(l.units(), cl.units);
                prop_assert_eq!(
                    l.service_date().and_then(|d| d.start()),
                    cl.service_date().and_then(|d| d.start())
                );
                prop_assert_eq!(
                    l.procedure().map(|p| p.code()),
                    cl.procedure.as_ref().map(|p| p.code.as_str())
                );
            }
            prop_assert_eq!(v.subscriber().person().name(), c.subscriber.person.name.as_str());
            prop_assert_eq!(v.diagnoses().count(), c.diagnoses().count());
            k += 1;
        }
        prop_assert_eq!(k, claims.len());
    }

    #[test]
    fn views_agree_with_owned_claims_on_damaged_files(
        seed in 0u64..16,
        kind in kind(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), prop_oneof![
            Just(b'*'), Just(b'~'), Just(b':'), Just(b'.'), Just(b'\n'), any::<u8>()
        ]), 0..8),
        swaps in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>()), 0..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let text = accord_x12::w837::write_claims(&accord_x12::generate::claims(seed, 4, kind), &Envelope::example(), kind);
        // Move whole segments around (a BHT or HL in the middle of a claim, say), then damage bytes.
        let mut segs: Vec<&str> = text.split_inclusive('~').collect();
        let len = segs.len();
        for (a, b) in swaps {
            segs.swap(3 + a.index(len - 6), 3 + b.index(len - 6));
        }
        let mut bytes = segs.concat().into_bytes();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        let owned: Vec<_> = accord_x12::Reader837::new(&bytes[..]).collect();
        prop_assert_eq!(views_as_claims(&bytes), owned);
    }

    /// Any bytes inside elements (multi-byte UTF-8, invalid UTF-8, control bytes): the views
    /// read an element as its bytes when they are UTF-8 and as "" otherwise, in stores that
    /// are all ASCII and in stores that are not, and still agree with the owned reader.
    #[test]
    fn views_read_any_bytes_in_elements(
        seed in 0u64..64,
        kind in kind(),
        name in proptest::collection::vec(prop_oneof![
            4 => proptest::char::any().prop_map(|c| c.to_string().into_bytes()),
            1 => any::<u8>().prop_map(|b| vec![b]),
            2 => "[A-Z ]{1,4}".prop_map(String::into_bytes),
        ], 1..12),
        note in proptest::option::of(proptest::collection::vec(any::<char>(), 1..8)),
    ) {
        let name: Vec<u8> = name
            .concat()
            .into_iter()
            .filter(|b| !b"*:^~\r\n".contains(b))
            .collect();
        let mut claims = accord_x12::generate::claims(seed, 3, kind);
        std::sync::Arc::make_mut(&mut claims[1].subscriber).person.name = "ZZNAMEZZ".into();
        claims[1].claim_id = "ZZIDZZ".into();
        if let Some(t) = &note {
            let t: String = t.iter().filter(|c| !"*:^~\r\n".contains(**c)).collect();
            claims[0].notes.push(("ADD".into(), format!("N{t}N")));
        }
        let text = accord_x12::w837::write_claims(&claims, &Envelope::example(), kind);
        prop_assert!(text.contains("ZZNAMEZZ") && text.contains("ZZIDZZ"));
        let mut bytes = Vec::new();
        for (i, part) in text.split("ZZNAMEZZ").enumerate() {
            if i > 0 {
                bytes.extend_from_slice(&name);
            }
            bytes.extend_from_slice(part.as_bytes());
        }
        let bytes = {
            let t = bytes;
            let mut out = Vec::new();
            let mut rest = &t[..];
            while let Some(p) = rest.windows(6).position(|w| w == b"ZZIDZZ") {
                out.extend_from_slice(&rest[..p]);
                out.extend_from_slice(&name);
                rest = &rest[p + 6..];
            }
            out.extend_from_slice(rest);
            out
        };
        let want = std::str::from_utf8(&name).unwrap_or("");
        let owned: Vec<_> = accord_x12::Reader837::new(&bytes[..]).collect();
        prop_assert_eq!(views_as_claims(&bytes), owned.clone());
        let mut r = accord_x12::Reader837::new(&bytes[..]);
        let mut k = 0;
        while let Ok(Some(v)) = r.next_view() {
            let _ = accord_x12::bench::visit_claim(&v);
            if k == 1 {
                prop_assert_eq!(v.subscriber().person().name(), want);
                prop_assert_eq!(v.claim_id(), want);
            }
            if k == 0 && let Some(t) = &note {
                let t: String = t.iter().filter(|c| !"*:^~\r\n".contains(**c)).collect();
                let n = format!("N{t}N");
                prop_assert!(v.notes().any(|(_, x)| x == n));
            }
            k += 1;
        }
        prop_assert_eq!(k, 3);
    }

    #[test]
    fn streaming_and_slice_lexers_agree(
        seed in 0u64..8,
        kind in kind(),
        capacity in 512usize..4096,
        crlf in any::<bool>(),
    ) {
        let mut text = accord_x12::w837::write_claims(&accord_x12::generate::claims(seed, 5, kind), &Envelope::example(), kind);
        if crlf {
            text = text.replace('\n', "\r\n");
        }
        let bytes = text.as_bytes();
        let slice: Vec<(Vec<u8>, u64, u64)> = accord_x12::SliceLexer::new(bytes)
            .map(|s| s.map(|s| (s.raw().to_vec(), s.index, s.offset)))
            .collect::<Result<_, _>>()
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let mut lx = accord_x12::Lexer::with_capacity(bytes, capacity);
        let mut stream = vec![];
        while let Some(s) = lx.next_segment().map_err(|e| TestCaseError::fail(e.to_string()))? {
            stream.push((s.raw().to_vec(), s.index, s.offset));
        }
        prop_assert_eq!(slice, stream);
    }

    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        exercise(&bytes);
    }

    #[test]
    fn isa_then_noise_never_panics(
        body in proptest::collection::vec(prop_oneof![
            Just(b'*'), Just(b'~'), Just(b':'), Just(b'^'), Just(b'\n'),
            b'A'..=b'Z', b'0'..=b'9', any::<u8>()
        ], 0..2048),
    ) {
        let mut bytes = b"ISA*00*          *00*          *ZZ*A              *ZZ*B              *260101*1200*^*00501*000000001*0*T*:~".to_vec();
        bytes.extend(body);
        exercise(&bytes);
    }

    #[test]
    fn mutated_valid_files_never_panic(
        seed in 0u64..4,
        kind in kind(),
        edits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        cut in any::<prop::sample::Index>(),
    ) {
        let text = accord_x12::w837::write_claims(&accord_x12::generate::claims(seed, 3, kind), &Envelope::example(), kind);
        let mut bytes = text.into_bytes();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        bytes.truncate(cut.index(bytes.len() + 1));
        exercise(&bytes);
    }
}

/// Every claim (or error) of `bytes` read as a view, then made owned.
fn views_as_claims(bytes: &[u8]) -> Vec<Result<Claim, accord_x12::ReadError>> {
    let mut r = accord_x12::Reader837::new(bytes);
    let mut out = vec![];
    loop {
        match r.next_view() {
            Ok(Some(v)) => out.push(Ok(v.to_claim())),
            Ok(None) => return out,
            Err(e) => out.push(Err(e)),
        }
    }
}

fn exercise(bytes: &[u8]) {
    for s in accord_x12::SliceLexer::new(bytes).flatten() {
        let _ = (
            s.id(),
            s.el(1),
            s.component(2, 2),
            s.repetitions(3),
            s.element_count(),
        );
    }
    let mut lx = accord_x12::Lexer::with_capacity(bytes, 512);
    while let Ok(Some(_)) = lx.next_segment() {}
    let report = accord_x12::check::check_bytes(bytes);
    for (_, ack) in accord_x12::w999::acknowledgments(&report, &Envelope::example()) {
        // What we write about garbage must itself lex.
        assert!(accord_x12::SliceLexer::new(ack.as_bytes()).all(|s| s.is_ok()));
    }
    for c in accord_x12::Reader837::new(bytes) {
        let _ = c;
    }
    let _ = accord_x12::bench::visit_file(bytes);
    let _ = accord_x12::w835::read_835(bytes);
    let _ = accord_x12::r999::read_999(bytes);
    let _ = accord_x12::w277ca::read_277ca(bytes);
}
