//! `remark_codes.csv` (optional; PAY-06, RULES.md CODES): which remittance advice remark code
//! (RARC, X12 code list 411) an 835 carries with each adjustment the engine makes. A row maps a
//! claim adjustment group code, a CARC and, optionally, the rule ID that made the adjustment to
//! one RARC and its plain-language text for vouchers and explanations.
//!
//! Look-up: the row naming the rule wins over the row for the same group and CARC with no rule;
//! an adjustment with no matching row carries no remark (the CARC says enough, e.g. PR-1/2/3).
//! Keeping the codes here, not in the engine, lets a plan follow the code list's yearly changes
//! and its state's companion guide without a release.

use std::collections::HashMap;
use std::path::Path;

use crate::errors::PlanError;
use crate::table::{self, Col, opt, req};

/// One mapping row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemarkCode {
    /// Claim adjustment group code: `CO`, `PR`, `OA` or `PI`.
    pub group: String,
    /// Claim adjustment reason code, e.g. `197`, `B7`.
    pub carc: String,
    /// The rule ID that made the adjustment (e.g. `CLM-07`); `None`: any rule.
    pub rule: Option<String>,
    /// Remittance advice remark code, e.g. `M62`.
    pub rarc: String,
    /// What the remark means, in plain language.
    pub text: String,
}

/// The plan's remark-code mapping.
#[derive(Debug, Clone, Default)]
pub struct RemarkCodes {
    rows: Vec<RemarkCode>,
    /// (group, carc, rule or "") → row index.
    by_key: HashMap<(String, String, String), usize>,
}

impl RemarkCodes {
    /// PAY-06: the remark for an adjustment `group`-`carc` made under `rule`: the row naming the
    /// rule, else the row with no rule, else none.
    pub fn lookup(&self, group: &str, carc: &str, rule: Option<&str>) -> Option<&RemarkCode> {
        let key = |r: &str| (group.to_owned(), carc.to_owned(), r.to_owned());
        rule.and_then(|r| self.by_key.get(&key(r)))
            .or_else(|| self.by_key.get(&key("")))
            .and_then(|&i| self.rows.get(i))
    }

    /// The plain-language text of a remark code, from the first row carrying it.
    pub fn text(&self, rarc: &str) -> Option<&str> {
        self.rows
            .iter()
            .find(|r| r.rarc.eq_ignore_ascii_case(rarc))
            .map(|r| r.text.as_str())
    }

    /// The rows in file order.
    pub fn iter(&self) -> std::slice::Iter<'_, RemarkCode> {
        self.rows.iter()
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the file was absent or empty.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Builds a mapping from rows (tests and synthetic plans); later duplicates are ignored.
    pub fn from_rows(rows: impl IntoIterator<Item = RemarkCode>) -> Self {
        let mut out = Self::default();
        for r in rows {
            let key = (
                r.group.clone(),
                r.carc.clone(),
                r.rule.clone().unwrap_or_default(),
            );
            if !out.by_key.contains_key(&key) {
                out.by_key.insert(key, out.rows.len());
                out.rows.push(r);
            }
        }
        out
    }
}

const COLS: &[Col] = &[
    req("group"),
    req("carc"),
    opt("rule"),
    req("rarc"),
    req("text"),
];

fn parse_group(s: &str) -> Result<String, String> {
    let g = s.to_ascii_uppercase();
    if matches!(g.as_str(), "CO" | "PR" | "OA" | "PI") {
        Ok(g)
    } else {
        Err(format!(
            "{s:?} is not a claim adjustment group code (CO, PR, OA or PI)"
        ))
    }
}

/// CARCs are 1–3 characters of letters and digits (`1`, `197`, `B7`, `P14`).
fn parse_carc(s: &str) -> Result<String, String> {
    let c = s.to_ascii_uppercase();
    if (1..=3).contains(&c.len()) && c.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(c)
    } else {
        Err(format!(
            "{s:?} is not a claim adjustment reason code (1–3 letters or digits, e.g. 197, B7)"
        ))
    }
}

/// RARCs are one or two letters then digits (`M62`, `N362`, `MA130`).
fn parse_rarc(s: &str) -> Result<String, String> {
    let r = s.to_ascii_uppercase();
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = r.len() - letters;
    if (1..=2).contains(&letters)
        && (1..=4).contains(&digits)
        && r.bytes().skip(letters).all(|b| b.is_ascii_digit())
    {
        Ok(r)
    } else {
        Err(format!(
            "{s:?} is not a remittance advice remark code (one or two letters then digits, e.g. M62, N362)"
        ))
    }
}

/// Rule IDs as in RULES.md: letters, a dash, digits (`CLM-07`, `NET-05`).
fn parse_rule(s: &str) -> Result<String, String> {
    let r = s.to_ascii_uppercase();
    let ok = r.split_once('-').is_some_and(|(a, b)| {
        !a.is_empty()
            && a.bytes().all(|c| c.is_ascii_uppercase())
            && !b.is_empty()
            && b.bytes().all(|c| c.is_ascii_digit())
    });
    if ok {
        Ok(r)
    } else {
        Err(format!("{s:?} is not a rule ID (e.g. CLM-07)"))
    }
}

pub(crate) fn parse(file: &Path, text: &str, errors: &mut Vec<PlanError>) -> RemarkCodes {
    let mut out = RemarkCodes::default();
    let mut first_line: HashMap<(String, String, String), usize> = HashMap::new();
    table::read_table(file, text, COLS, errors, |r| {
        let group = r.required("group", parse_group);
        let carc = r.required("carc", parse_carc);
        let rule = r.optional("rule", parse_rule);
        let rarc = r.required("rarc", parse_rarc);
        let text = r.required("text", |s| Ok(s.to_owned()));
        if r.failed() {
            return;
        }
        let (Some(group), Some(carc), Some(rarc), Some(text)) = (group, carc, rarc, text) else {
            return;
        };
        let key = (
            group.clone(),
            carc.clone(),
            rule.clone().unwrap_or_default(),
        );
        if let Some(earlier) = first_line.get(&key) {
            let what = match &rule {
                Some(rule) => format!("{group}-{carc} under {rule}"),
                None => format!("{group}-{carc} with no rule"),
            };
            r.error(
                "carc",
                format!("{what} is already mapped on line {earlier}"),
            );
            return;
        }
        first_line.insert(key.clone(), r.line);
        out.by_key.insert(key, out.rows.len());
        out.rows.push(RemarkCode {
            group,
            carc,
            rule,
            rarc,
            text,
        });
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> (RemarkCodes, Vec<String>) {
        let mut errors = Vec::new();
        let t = parse(Path::new("remark_codes.csv"), text, &mut errors);
        (t, errors.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn pay_06_rule_specific_row_wins_over_the_general_one() {
        let (t, errors) = load(
            "group,carc,rule,rarc,text\n\
             CO,119,,N362,Units exceed our acceptable maximum.\n\
             CO,119,CLM-08,N640,Exceeds number/frequency allowed within time period.\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(t.lookup("CO", "119", Some("CLM-08")).unwrap().rarc, "N640");
        assert_eq!(t.lookup("CO", "119", Some("CLM-05")).unwrap().rarc, "N362");
        assert_eq!(t.lookup("CO", "119", None).unwrap().rarc, "N362");
        assert!(t.lookup("PR", "119", None).is_none());
        assert_eq!(
            t.text("n640"),
            Some("Exceeds number/frequency allowed within time period.")
        );
    }

    #[test]
    fn pay_06_unknown_column_is_an_error_naming_it() {
        let (_, errors) = load("group,carc,rule,rarc,text,note\nCO,97,,M15,Bundled.,x\n");
        assert!(
            errors[0].starts_with("remark_codes.csv:1: note: unknown column"),
            "{errors:?}"
        );
    }

    #[test]
    fn pay_06_empty_codes_are_errors_naming_line_and_field() {
        let (t, errors) = load("group,carc,rule,rarc,text\nCO,,,M15,Bundled.\nCO,97,,,Bundled.\n");
        assert_eq!(
            errors,
            vec![
                "remark_codes.csv:2: carc: is required".to_owned(),
                "remark_codes.csv:3: rarc: is required".to_owned(),
            ]
        );
        assert!(t.is_empty());
    }

    #[test]
    fn pay_06_duplicate_key_is_an_error_naming_both_lines() {
        let (_, errors) = load(
            "group,carc,rule,rarc,text\n# NCCI\nCO,97,,M15,Bundled.\nco,97,,N20,Not payable.\n",
        );
        assert_eq!(
            errors,
            vec!["remark_codes.csv:4: carc: CO-97 with no rule is already mapped on line 3"]
        );
    }

    #[test]
    fn pay_06_malformed_codes_are_errors() {
        let (_, errors) = load(
            "group,carc,rule,rarc,text\nXX,97,,M15,a\nCO,9777,,M15,b\nCO,97,CLM07,M15,c\nCO,97,,15M,d\n",
        );
        assert_eq!(errors.len(), 4, "{errors:?}");
        assert!(errors[0].contains(":2: group:"));
        assert!(errors[1].contains(":3: carc:"));
        assert!(errors[2].contains(":4: rule:"));
        assert!(errors[3].contains(":5: rarc:"));
    }
}
