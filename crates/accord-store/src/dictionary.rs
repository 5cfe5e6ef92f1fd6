//! The dictionaries packed texts are compressed against (decision 0038). A claim's engine JSON,
//! its decision's JSON and its explanation trace repeat the same keys and phrases claim after
//! claim; LZ4 finds them in a sample of each kind given as its dictionary, so each text keeps
//! only what is its own (a trace packs to about 450 bytes instead of 1,100).
//!
//! A dictionary is part of the stored format: every text packed against it needs exactly these
//! bytes to be read back. The files never change. A better sample becomes a new file with a new
//! number, and the old one stays for the texts already packed with it.

/// A dictionary, by the number stored in each packed text's header (1 to 127).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dictionary {
    /// A decision's explanation trace (`decision_traces.trace`).
    Trace = 1,
    /// A claim's engine JSON (`claims.claim_packed`).
    Claim = 2,
    /// A decision's JSON without its trace (`decisions.decision_packed`).
    Decision = 3,
}

impl Dictionary {
    /// Every dictionary: what a header may name, and what the tests pin.
    pub(crate) const ALL: [Dictionary; 3] =
        [Dictionary::Trace, Dictionary::Claim, Dictionary::Decision];

    /// The number stored in a packed text's header.
    pub(crate) fn number(self) -> u8 {
        self as u8
    }

    /// The dictionary a header names, if there is one of that number.
    pub(crate) fn numbered(number: u8) -> Option<Dictionary> {
        Dictionary::ALL.into_iter().find(|d| d.number() == number)
    }

    /// The dictionary's bytes: one real text of its kind, from the benchmark's generated claims.
    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            Dictionary::Trace => include_bytes!("../dictionaries/trace-1.json"),
            Dictionary::Claim => include_bytes!("../dictionaries/claim-1.json"),
            Dictionary::Decision => include_bytes!("../dictionaries/decision-1.json"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FNV-1a, 64 bits: enough to notice a changed file.
    fn fingerprint(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        })
    }

    /// Texts already stored need these exact bytes: a changed dictionary file makes them
    /// unreadable. Add a new dictionary instead.
    #[test]
    fn the_dictionaries_never_change() {
        let pinned: Vec<(Dictionary, usize, u64)> = Dictionary::ALL
            .iter()
            .map(|d| (*d, d.bytes().len(), fingerprint(d.bytes())))
            .collect();
        assert_eq!(
            pinned,
            vec![
                (Dictionary::Trace, 4896, 8_084_166_348_730_296_686),
                (Dictionary::Claim, 1726, 4_306_164_503_298_481_829),
                (Dictionary::Decision, 1714, 2_240_908_203_134_689_109),
            ]
        );
    }

    #[test]
    fn each_number_names_its_dictionary() {
        for d in Dictionary::ALL {
            assert_eq!(Dictionary::numbered(d.number()), Some(d));
        }
        assert_eq!(Dictionary::numbered(0), None);
        assert_eq!(Dictionary::numbered(4), None);
    }
}
