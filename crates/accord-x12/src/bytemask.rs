//! Byte searches that give bitmasks instead of one position per call: sixteen bytes at a
//! time with SSE2 on x86_64 (part of every x86_64 target), a plain byte loop elsewhere. Both
//! give exactly the same results (unit-tested against a byte loop, and by proptests on
//! arbitrary bytes).
//!
//! The `unsafe` here (decision 0105) is two kinds of call, nothing else: calling a
//! `#[target_feature(enable = "sse2")]` function, sound because SSE2 is statically enabled
//! on x86_64 (asserted at compile time below); and an unaligned 16-byte vector load from a
//! `&[u8; 16]`, sound because the reference covers exactly those 16 bytes.

/// Bit `i` of the result is set when `chunk[i] == b`.
#[inline(always)]
fn eq_mask16_scalar(chunk: &[u8; 16], b: u8) -> u32 {
    let mut m = 0u32;
    for (i, &x) in chunk.iter().enumerate() {
        m |= u32::from(x == b) << i;
    }
    m
}

#[cfg(target_arch = "x86_64")]
mod sse2 {
    use core::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };

    // The `unsafe` calls of the `#[target_feature(enable = "sse2")]` functions below rely on
    // this: every x86_64 target enables SSE2 statically.
    const _: () = assert!(cfg!(target_feature = "sse2"));

    #[inline]
    #[target_feature(enable = "sse2")]
    fn load(chunk: &[u8; 16]) -> __m128i {
        // SAFETY: `chunk` is a valid reference to 16 bytes, exactly what an unaligned
        // 128-bit load reads (`_mm_loadu_si128` has no alignment requirement).
        unsafe { _mm_loadu_si128(chunk.as_ptr().cast()) }
    }

    /// Bit `i` set where `chunk[i] == b`; and bit `i` set where `chunk[i] >= 0x80`.
    #[inline]
    #[target_feature(enable = "sse2")]
    pub(super) fn masks16(chunk: &[u8; 16], b: u8) -> (u32, u32) {
        let v = load(chunk);
        let eq = _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8))) as u32;
        let high = _mm_movemask_epi8(v) as u32;
        (eq, high)
    }

    /// See [`super::positions`].
    #[target_feature(enable = "sse2")]
    pub(super) fn positions(hay: &[u8], b: u8, base: u32, out: &mut Vec<u32>) {
        let needle = _mm_set1_epi8(b as i8);
        let mut chunks = hay.chunks_exact(64);
        let mut at = base;
        for c in &mut chunks {
            let mut m = 0u64;
            for (k, q) in c.chunks_exact(16).enumerate() {
                let q: &[u8; 16] = q.try_into().unwrap_or(&[0; 16]);
                let eq = _mm_movemask_epi8(_mm_cmpeq_epi8(load(q), needle)) as u32;
                m |= u64::from(eq) << (16 * k);
            }
            while m != 0 {
                out.push(at + m.trailing_zeros());
                m &= m - 1;
            }
            at = at.wrapping_add(64);
        }
        super::positions_scalar(chunks.remainder(), b, at, out);
    }
}

/// For the 16 bytes of `chunk`: (bit `i` set where `chunk[i] == b`, bit `i` set where
/// `chunk[i]` is not ASCII).
#[inline(always)]
pub(crate) fn masks16(chunk: &[u8; 16], b: u8) -> (u32, u32) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: `masks16` only needs SSE2, which every x86_64 target enables (asserted
        // at compile time in `sse2`).
        unsafe { sse2::masks16(chunk, b) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut high = 0u32;
        for (i, &x) in chunk.iter().enumerate() {
            high |= u32::from(x >= 0x80) << i;
        }
        (eq_mask16_scalar(chunk, b), high)
    }
}

fn positions_scalar(hay: &[u8], b: u8, base: u32, out: &mut Vec<u32>) {
    let mut chunks = hay.chunks_exact(16);
    let mut at = base;
    for c in &mut chunks {
        let mut m = eq_mask16_scalar(c.try_into().unwrap_or(&[0; 16]), b);
        while m != 0 {
            out.push(at + m.trailing_zeros());
            m &= m - 1;
        }
        at = at.wrapping_add(16);
    }
    for (i, &x) in chunks.remainder().iter().enumerate() {
        if x == b {
            out.push(at + i as u32);
        }
    }
}

/// Appends `base + i` to `out` for every `i` where `hay[i] == b`, in order. (`base + i`
/// must fit a `u32`: the lexer's buffer is at most a few MiB.)
pub(crate) fn positions(hay: &[u8], b: u8, base: u32, out: &mut Vec<u32>) {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: `positions` only needs SSE2, which every x86_64 target enables
        // (asserted at compile time in `sse2`).
        unsafe { sse2::positions(hay, b, base, out) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    positions_scalar(hay, b, base, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(hay: &[u8], b: u8, base: u32) -> Vec<u32> {
        hay.iter()
            .enumerate()
            .filter(|&(_, &x)| x == b)
            .map(|(i, _)| base + i as u32)
            .collect()
    }

    #[test]
    fn positions_match_a_byte_loop() {
        let mut hay = Vec::new();
        let mut x = 12345u32;
        for _ in 0..1000 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            hay.push(match x >> 29 {
                0 => b'~',
                1 => 0xFF,
                2 => 0x80,
                _ => (x >> 16) as u8,
            });
        }
        for b in [b'~', 0xFF, 0x80, 0, b'*'] {
            for start in [0, 1, 15, 16, 63, 64, 65, 200] {
                for end in [start, start + 1, start + 17, start + 64, start + 130, 1000] {
                    let hay = &hay[start..end.max(start)];
                    let mut got = vec![7];
                    positions(hay, b, 9, &mut got);
                    let mut want = vec![7];
                    want.extend(naive(hay, b, 9));
                    assert_eq!(got, want);
                    let mut got = vec![];
                    positions_scalar(hay, b, 9, &mut got);
                    assert_eq!(got, naive(hay, b, 9));
                }
            }
        }
    }

    #[test]
    fn masks_match_a_byte_loop() {
        for seed in 0u32..300 {
            let mut c = [0u8; 16];
            let mut x = seed;
            for v in &mut c {
                x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                *v = if x >> 30 == 0 { b'*' } else { (x >> 16) as u8 };
            }
            for b in [b'*', c[3], 0x80, 0xFF] {
                let eq = (0..16).filter(|&i| c[i] == b).fold(0, |m, i| m | 1 << i);
                let high = (0..16).filter(|&i| c[i] >= 0x80).fold(0, |m, i| m | 1 << i);
                assert_eq!(masks16(&c, b), (eq, high));
                assert_eq!(eq_mask16_scalar(&c, b), eq);
            }
        }
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn positions_and_masks_on_any_bytes(
            hay in proptest::collection::vec(any::<u8>(), 0..300),
            b in any::<u8>(),
            base in 0u32..1_000_000,
        ) {
            let mut got = vec![];
            positions(&hay, b, base, &mut got);
            prop_assert_eq!(&got, &naive(&hay, b, base));
            for c in hay.chunks_exact(16) {
                let c: &[u8; 16] = c.try_into().unwrap_or(&[0; 16]);
                let eq = (0..16).filter(|&i| c[i] == b).fold(0, |m, i| m | 1 << i);
                let high = (0..16).filter(|&i| c[i] >= 0x80).fold(0, |m, i| m | 1 << i);
                prop_assert_eq!(masks16(c, b), (eq, high));
            }
        }
    }
}
