//! The borrowed 837 reader (`Reader837::next_view`): every field of every view is
//! visited, and each view made owned must equal what the owned reader returns.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let owned: Vec<_> = accord_x12::Reader837::new(data).collect();
    let mut r = accord_x12::Reader837::new(data);
    let mut i = 0;
    loop {
        let got = match r.next_view() {
            Ok(Some(v)) => {
                let _ = accord_x12::bench::visit_claim(&v);
                Ok(v.to_claim())
            }
            Ok(None) => break,
            Err(e) => Err(e),
        };
        assert_eq!(
            Some(&got),
            owned.get(i),
            "view {i} differs from the owned claim"
        );
        i += 1;
    }
    assert_eq!(i, owned.len());
});
