//! Identifiers and codes, parsed on entry and valid by construction ("parse, don't validate").
//!
//! Every type here has exactly one way in: `parse` (also `FromStr` and serde `Deserialize`, which
//! call it). A value in hand is therefore always well formed, and an error always says which rule
//! the input broke. Validity *for a date of service* (is this code covered, is it active) is plan
//! data and belongs to `accord-plan`; this module checks form only.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Why an identifier or code was refused. The message names the kind of value, what was given and
/// the rule it broke, so a person reading a CLI error or an API response can fix the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} {input:?}: {reason}")]
pub struct IdError {
    /// The kind of identifier, e.g. "NPI".
    pub kind: &'static str,
    /// The input as given (trimmed).
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

impl IdError {
    fn new(kind: &'static str, input: &str, reason: impl Into<String>) -> Self {
        Self {
            kind,
            input: input.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Implements `Display`, `FromStr`, `AsRef<str>`, and string serde for a `String` newtype with a
/// `parse` constructor.
macro_rules! string_newtype {
    ($t:ident) => {
        impl $t {
            /// The canonical text of this value.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl FromStr for $t {
            type Err = IdError;
            fn from_str(s: &str) -> Result<Self, IdError> {
                Self::parse(s)
            }
        }
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

fn all_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

// ---------------------------------------------------------------------------------------------
// NPI
// ---------------------------------------------------------------------------------------------

/// National Provider Identifier (NET-01): 10 digits, the last a Luhn check digit computed over the
/// card-issuer prefix `80840` followed by the first nine digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Npi(String);
string_newtype!(Npi);

impl Npi {
    /// Parses an NPI, checking length, digits and the check digit (NET-01).
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        if s.len() != 10 || !all_digits(s) {
            return Err(IdError::new("NPI", s, "must be exactly 10 digits"));
        }
        let expected = Self::check_digit(&s[..9]);
        let given = s.as_bytes()[9] - b'0';
        if expected != given {
            return Err(IdError::new(
                "NPI",
                s,
                format!("check digit is {given}, expected {expected} (Luhn with prefix 80840)"),
            ));
        }
        Ok(Self(s.to_owned()))
    }

    /// The Luhn check digit for the first nine digits of an NPI, with the `80840` prefix.
    ///
    /// # Panics
    /// Never on nine ASCII digits; callers pass only validated digit strings.
    pub fn check_digit(first_nine: &str) -> u8 {
        debug_assert!(first_nine.len() == 9 && all_digits(first_nine));
        // Luhn over "80840" + nine digits, doubling every second digit from the right of the
        // payload (the check digit itself would be rightmost). The prefix contributes a constant 24.
        let mut sum: u32 = 24;
        for (i, b) in first_nine.bytes().rev().enumerate() {
            let mut d = u32::from(b - b'0');
            if i % 2 == 0 {
                d *= 2;
                if d > 9 {
                    d -= 9;
                }
            }
            sum += d;
        }
        ((10 - (sum % 10)) % 10) as u8
    }

    /// Builds a valid NPI from nine digits by appending the check digit (used by generators).
    pub fn from_first_nine(first_nine: u32) -> Self {
        let body = format!("{:09}", first_nine % 1_000_000_000);
        let check = Self::check_digit(&body);
        Self(format!("{body}{check}"))
    }
}

// ---------------------------------------------------------------------------------------------
// Vendor number, tax ID, member ID
// ---------------------------------------------------------------------------------------------

/// Service-location vendor number (NET-01): one letter and five digits, e.g. `A23456`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VendorNumber(String);
string_newtype!(VendorNumber);

impl VendorNumber {
    /// Parses a vendor number; lower-case letters are accepted and upper-cased.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        let b = s.as_bytes();
        if b.len() != 6 || !b[0].is_ascii_alphabetic() || !all_digits(&s[1..]) {
            return Err(IdError::new(
                "vendor number",
                input.trim(),
                "must be one letter followed by 5 digits, e.g. A23456",
            ));
        }
        Ok(Self(s))
    }
}

/// Federal tax identification number (EIN or SSN used as TIN): nine digits, stored without the
/// hyphen. `12-3456789` and `123456789` are the same TIN.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaxId(String);
string_newtype!(TaxId);

impl TaxId {
    /// Parses a TIN: nine digits, optionally written `NN-NNNNNNN` (EIN) or `NNN-NN-NNNN` (SSN).
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim();
        let hyphen_ok = matches!(s.len(), 9)
            || (s.len() == 10 && s.as_bytes()[2] == b'-')
            || (s.len() == 11 && s.as_bytes()[3] == b'-' && s.as_bytes()[6] == b'-');
        let digits: String = s.chars().filter(|c| *c != '-').collect();
        if !hyphen_ok || digits.len() != 9 || !all_digits(&digits) {
            return Err(IdError::new(
                "tax ID",
                s,
                "must be 9 digits (EIN as NN-NNNNNNN or plain digits)",
            ));
        }
        if digits == "000000000" {
            return Err(IdError::new("tax ID", s, "must not be all zeros"));
        }
        Ok(Self(digits))
    }

    /// The EIN form, `NN-NNNNNNN`.
    pub fn as_ein(&self) -> String {
        format!("{}-{}", &self.0[..2], &self.0[2..])
    }
}

/// A plan's member identifier (the subscriber/patient ID on claims, NM109). 2–20 characters,
/// letters, digits and hyphens; stored upper-case so look-ups never miss on case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MemberId(String);
string_newtype!(MemberId);

impl MemberId {
    /// Parses a member ID.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        if !(2..=20).contains(&s.len()) {
            return Err(IdError::new(
                "member ID",
                input.trim(),
                "must be 2 to 20 characters",
            ));
        }
        if !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(IdError::new(
                "member ID",
                input.trim(),
                "may contain only letters, digits and hyphens",
            ));
        }
        Ok(Self(s))
    }
}

// ---------------------------------------------------------------------------------------------
// Procedure codes and modifiers
// ---------------------------------------------------------------------------------------------

/// Which code set a procedure code belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureKind {
    /// CPT Category I: five digits (e.g. 90837).
    CptCategory1,
    /// CPT Category II performance-measurement codes: four digits and `F`.
    CptCategory2,
    /// CPT Category III emerging-technology codes: four digits and `T`.
    CptCategory3,
    /// HCPCS Level II: a letter and four digits (e.g. H0004).
    HcpcsLevel2,
}

/// A procedure code: CPT (HCPCS Level I) or HCPCS Level II. Whether the code is covered or active
/// on a date is plan data; this type checks form only.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProcedureCode(String);
string_newtype!(ProcedureCode);

/// Letters that begin HCPCS Level II codes (D is dental CDT, I/N/O/W/X/Y/Z are not used).
const HCPCS_LETTERS: &[u8] = b"ABCEGHJKLMPQRSTUV";

impl ProcedureCode {
    /// Parses a CPT or HCPCS Level II code; letters are upper-cased.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        if Self::kind_of(&s).is_none() {
            return Err(IdError::new(
                "procedure code",
                input.trim(),
                "must be a CPT code (5 digits, or 4 digits and F/T) or a HCPCS Level II code (letter A-V and 4 digits)",
            ));
        }
        Ok(Self(s))
    }

    /// The code set this code belongs to.
    pub fn kind(&self) -> ProcedureKind {
        Self::kind_of(&self.0).unwrap_or(ProcedureKind::CptCategory1)
    }

    fn kind_of(s: &str) -> Option<ProcedureKind> {
        let b = s.as_bytes();
        if b.len() != 5 || !s.is_ascii() {
            return None;
        }
        if all_digits(&s[..4]) {
            return match b[4] {
                b'0'..=b'9' => Some(ProcedureKind::CptCategory1),
                b'F' => Some(ProcedureKind::CptCategory2),
                b'T' => Some(ProcedureKind::CptCategory3),
                _ => None,
            };
        }
        if HCPCS_LETTERS.contains(&b[0]) && all_digits(&s[1..]) {
            return Some(ProcedureKind::HcpcsLevel2);
        }
        None
    }
}

/// A procedure-code modifier (e.g. `HF`, `U1`, `25`, `59`): exactly two letters or digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Modifier(String);
string_newtype!(Modifier);

impl Modifier {
    /// Parses a modifier; letters are upper-cased.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let s = input.trim().to_ascii_uppercase();
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(IdError::new(
                "modifier",
                input.trim(),
                "must be exactly 2 letters or digits",
            ));
        }
        Ok(Self(s))
    }
}

// ---------------------------------------------------------------------------------------------
// Diagnoses, place of service, revenue codes
// ---------------------------------------------------------------------------------------------

/// An ICD-10-CM diagnosis code, checked for form: a letter, a digit, a letter or digit, then up to
/// four letters or digits after an optional dot (3–7 characters in all). Stored without the dot,
/// as X12 carries it (`F331`), and shown with it (`F33.1`) by [`Icd10Code::dotted`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Icd10Code(String);
string_newtype!(Icd10Code);

impl Icd10Code {
    /// Parses an ICD-10-CM code, with or without the dot after the third character.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let raw = input.trim().to_ascii_uppercase();
        let err = |why: &str| IdError::new("ICD-10-CM code", input.trim(), why.to_owned());
        if let Some(pos) = raw.find('.')
            && (pos != 3 || raw[pos + 1..].contains('.'))
        {
            return Err(err("the dot may only follow the third character"));
        }
        let s: String = raw.chars().filter(|c| *c != '.').collect();
        let b = s.as_bytes();
        if !(3..=7).contains(&b.len()) {
            return Err(err("must be 3 to 7 characters (without the dot)"));
        }
        if !b[0].is_ascii_uppercase() {
            return Err(err("must start with a letter"));
        }
        if !b[1].is_ascii_digit() {
            return Err(err("the second character must be a digit"));
        }
        if !b[2..].iter().all(|c| c.is_ascii_alphanumeric()) {
            return Err(err("characters 3 to 7 must be letters or digits"));
        }
        if raw.ends_with('.') {
            return Err(err("a dot must be followed by more characters"));
        }
        Ok(Self(s))
    }

    /// The code with its dot, e.g. `F33.1`.
    pub fn dotted(&self) -> String {
        if self.0.len() > 3 {
            format!("{}.{}", &self.0[..3], &self.0[3..])
        } else {
            self.0.clone()
        }
    }

    /// True for the substance-related and addictive disorder block F10–F19 (42 CFR Part 2
    /// sensitivity and the AOD measures key off it).
    pub fn is_substance_use(&self) -> bool {
        self.0.starts_with("F1")
    }
}

/// CMS place-of-service code: two digits, 01–99 (e.g. 11 office, 53 community mental health
/// center, 02/10 telehealth). Which codes a plan accepts for a service is plan data.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlaceOfService(String);
string_newtype!(PlaceOfService);

impl PlaceOfService {
    /// Parses a place of service; a single digit is read with a leading zero (`3` → `03`).
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let t = input.trim();
        let s = if t.len() == 1 {
            format!("0{t}")
        } else {
            t.to_owned()
        };
        if s.len() != 2 || !all_digits(&s) || s == "00" {
            return Err(IdError::new(
                "place of service",
                t,
                "must be a two-digit code from 01 to 99",
            ));
        }
        Ok(Self(s))
    }
}

/// UB-04 revenue code: four digits with a leading zero (e.g. `0944`); three digits are accepted and
/// padded, as institutional billers often drop the zero.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RevenueCode(String);
string_newtype!(RevenueCode);

impl RevenueCode {
    /// Parses a revenue code.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let t = input.trim();
        let s = if t.len() == 3 {
            format!("0{t}")
        } else {
            t.to_owned()
        };
        if s.len() != 4 || !all_digits(&s) || s == "0000" {
            return Err(IdError::new(
                "revenue code",
                t,
                "must be 4 digits (e.g. 0944), or 3 digits without the leading zero",
            ));
        }
        Ok(Self(s))
    }
}

// ---------------------------------------------------------------------------------------------
// Units
// ---------------------------------------------------------------------------------------------

/// A quantity of service: units (15-minute, hourly, event) or days. Positive, at most 99,999, with
/// at most three decimal places (X12 quantities are decimal; most behavioral-health units are whole).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Units(Decimal);

impl Units {
    const MAX: Decimal = Decimal::from_parts(99_999, 0, 0, false, 0);

    /// Parses units from text such as `8`, `1.5`.
    pub fn parse(input: &str) -> Result<Self, IdError> {
        let t = input.trim();
        let d: Decimal = t
            .parse()
            .map_err(|_| IdError::new("units", t, "must be a number"))?;
        Self::new(d).map_err(|e| IdError {
            input: t.to_owned(),
            ..e
        })
    }

    /// Checks a decimal quantity.
    pub fn new(value: Decimal) -> Result<Self, IdError> {
        let text = value.to_string();
        if value <= Decimal::ZERO {
            return Err(IdError::new("units", &text, "must be greater than zero"));
        }
        if value > Self::MAX {
            return Err(IdError::new("units", &text, "must be at most 99999"));
        }
        if value.normalize().scale() > 3 {
            return Err(IdError::new(
                "units",
                &text,
                "must have at most 3 decimal places",
            ));
        }
        Ok(Self(value.normalize()))
    }

    /// Whole units (the common case).
    pub fn whole(n: u32) -> Result<Self, IdError> {
        Self::new(Decimal::from(n))
    }

    /// The quantity.
    pub fn value(self) -> Decimal {
        self.0
    }
}

impl fmt::Display for Units {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl FromStr for Units {
    type Err = IdError;
    fn from_str(s: &str) -> Result<Self, IdError> {
        Self::parse(s)
    }
}

impl Serialize for Units {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl<'de> Deserialize<'de> for Units {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Int(u64),
            Float(f64),
        }
        match Raw::deserialize(d)? {
            Raw::Text(s) => Self::parse(&s),
            Raw::Int(n) => Self::new(Decimal::from(n)),
            // JSON numbers like 1.5 arrive as f64; go through their shortest text form so 1.5
            // stays exactly 1.5.
            Raw::Float(x) => Self::parse(&x.to_string()),
        }
        .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn net_01_npi_accepts_valid_check_digit() {
        // 1234567893 is CMS's published example of a valid NPI.
        assert!(Npi::parse("1234567893").is_ok());
        assert!(Npi::parse(" 1234567893 ").is_ok());
    }

    #[test]
    fn net_01_npi_rejects_wrong_check_digit_and_says_which() {
        let e = Npi::parse("1234567890").unwrap_err();
        assert!(e.reason.contains("expected 3"), "{e}");
        assert!(Npi::parse("123456789").is_err());
        assert!(Npi::parse("12345678a3").is_err());
    }

    #[test]
    fn npi_generator_builds_valid_npis() {
        for n in [0, 1, 123_456_789, 999_999_999] {
            let npi = Npi::from_first_nine(n);
            assert_eq!(Npi::parse(npi.as_str()).unwrap(), npi);
        }
    }

    #[test]
    fn net_01_vendor_number_is_letter_and_five_digits() {
        assert_eq!(VendorNumber::parse("a23456").unwrap().as_str(), "A23456");
        assert!(VendorNumber::parse("A2345").is_err());
        assert!(VendorNumber::parse("123456").is_err());
        assert!(VendorNumber::parse("AB2345").is_err());
    }

    #[test]
    fn tax_id_normalises_hyphen() {
        assert_eq!(TaxId::parse("12-3456789").unwrap().as_str(), "123456789");
        assert_eq!(TaxId::parse("123456789").unwrap().as_ein(), "12-3456789");
        assert!(TaxId::parse("1234-56789").is_err());
        assert!(TaxId::parse("000000000").is_err());
    }

    #[test]
    fn member_id_rules() {
        assert_eq!(MemberId::parse("ab123").unwrap().as_str(), "AB123");
        assert!(MemberId::parse("A").is_err());
        assert!(MemberId::parse("A B").is_err());
    }

    #[test]
    fn procedure_code_kinds() {
        assert_eq!(
            ProcedureCode::parse("90837").unwrap().kind(),
            ProcedureKind::CptCategory1
        );
        assert_eq!(
            ProcedureCode::parse("h0004").unwrap().kind(),
            ProcedureKind::HcpcsLevel2
        );
        assert_eq!(
            ProcedureCode::parse("0001F").unwrap().kind(),
            ProcedureKind::CptCategory2
        );
        assert_eq!(
            ProcedureCode::parse("0042T").unwrap().kind(),
            ProcedureKind::CptCategory3
        );
        assert!(
            ProcedureCode::parse("D0120").is_err(),
            "dental CDT is not HCPCS Level II here"
        );
        assert!(ProcedureCode::parse("H004").is_err());
        assert!(ProcedureCode::parse("9083A").is_err());
    }

    #[test]
    fn modifier_is_two_alphanumerics() {
        assert_eq!(Modifier::parse("hf").unwrap().as_str(), "HF");
        assert!(Modifier::parse("5").is_err());
        assert!(Modifier::parse("59X").is_err());
    }

    #[test]
    fn icd10_with_and_without_dot() {
        let a = Icd10Code::parse("F33.1").unwrap();
        let b = Icd10Code::parse("f331").unwrap();
        assert_eq!(a, b);
        assert_eq!(a.dotted(), "F33.1");
        assert!(Icd10Code::parse("F10.20").unwrap().is_substance_use());
        assert!(!a.is_substance_use());
        assert!(Icd10Code::parse("F3").is_err());
        assert!(Icd10Code::parse("3F3").is_err());
        assert!(Icd10Code::parse("FF3").is_err());
        assert!(Icd10Code::parse("F3.31").is_err());
        assert!(Icd10Code::parse("F33.").is_err());
        assert!(Icd10Code::parse("F33.12345").is_err());
    }

    #[test]
    fn place_of_service_and_revenue_code() {
        assert_eq!(PlaceOfService::parse("3").unwrap().as_str(), "03");
        assert!(PlaceOfService::parse("00").is_err());
        assert!(PlaceOfService::parse("111").is_err());
        assert_eq!(RevenueCode::parse("944").unwrap().as_str(), "0944");
        assert!(RevenueCode::parse("94").is_err());
    }

    #[test]
    fn units_bounds() {
        assert_eq!(Units::parse("8").unwrap().value(), Decimal::from(8));
        assert_eq!(Units::parse("1.50").unwrap().to_string(), "1.5");
        assert!(Units::parse("0").is_err());
        assert!(Units::parse("-1").is_err());
        assert!(Units::parse("1.2345").is_err());
        assert!(Units::parse("100000").is_err());
        assert!(Units::parse("x").is_err());
        let u: Units = serde_json::from_str("1.5").unwrap();
        assert_eq!(u.to_string(), "1.5");
    }

    #[test]
    fn serde_goes_through_parse() {
        let n: Result<Npi, _> = serde_json::from_str("\"1234567890\"");
        assert!(n.is_err());
        let n: Npi = serde_json::from_str("\"1234567893\"").unwrap();
        assert_eq!(serde_json::to_string(&n).unwrap(), "\"1234567893\"");
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn net_01_exactly_one_check_digit_is_valid(body in 0u32..1_000_000_000) {
                let body = format!("{body:09}");
                let valid = (0..10).filter(|d| Npi::parse(&format!("{body}{d}")).is_ok()).count();
                prop_assert_eq!(valid, 1);
            }

            #[test]
            fn parsers_never_panic(s in "\\PC{0,24}") {
                let _ = Npi::parse(&s);
                let _ = VendorNumber::parse(&s);
                let _ = TaxId::parse(&s);
                let _ = MemberId::parse(&s);
                let _ = ProcedureCode::parse(&s);
                let _ = Modifier::parse(&s);
                let _ = Icd10Code::parse(&s);
                let _ = PlaceOfService::parse(&s);
                let _ = RevenueCode::parse(&s);
                let _ = Units::parse(&s);
            }
        }
    }
}
