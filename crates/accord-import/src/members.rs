//! Member files: one row per eligibility span; a member with several spans appears on several rows
//! whose member columns agree.

use std::collections::HashMap;

use accord_core::member::{EligibilitySpan, Member, Program, Sex};
use accord_core::{MemberId, Money};

use crate::row::{Row, records};
use crate::{Format, ImportErrors, Location, RowError};

/// Columns of a member file; `*` marks the required ones in `docs/import.md`.
pub const MEMBER_COLUMNS: &[&str] = &[
    "member_id",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "zip",
    "family_size",
    "annual_income",
    "sud_consent",
    "plan_code",
    "program",
    "eligibility_start",
    "eligibility_end",
];

const REQUIRED: &[&str] = &[
    "member_id",
    "first_name",
    "last_name",
    "birth_date",
    "sex",
    "zip",
    "plan_code",
    "program",
    "eligibility_start",
];

/// A validated member file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberImport {
    /// Members, in first-seen order.
    pub members: Vec<Member>,
    /// Their eligibility spans (ELIG-01).
    pub spans: Vec<EligibilitySpan>,
}

/// Reads a member file. Any bad row fails the whole file, with every problem listed.
pub fn read_members(bytes: &[u8], format: Format) -> Result<MemberImport, ImportErrors> {
    let records = records(bytes, format, REQUIRED)?;

    let mut out = MemberImport::default();
    let mut errors: Vec<RowError> = Vec::new();
    let mut seen: HashMap<MemberId, (usize, Location)> = HashMap::new();
    for (location, fields) in &records {
        let mut row = Row::from_fields(location.clone(), fields);
        let parsed = read_row(&mut row);
        errors.append(&mut row.errors);
        let Some((member, span)) = parsed else {
            continue;
        };
        match seen.get(&member.member_id) {
            Some((idx, first_loc)) => {
                if out.members[*idx] != member {
                    errors.push(RowError {
                        location: location.clone(),
                        field: "member_id".into(),
                        message: format!(
                            "member {} appears again with different member columns than at {}",
                            member.member_id,
                            describe(first_loc)
                        ),
                    });
                    continue;
                }
            }
            None => {
                seen.insert(
                    member.member_id.clone(),
                    (out.members.len(), location.clone()),
                );
                out.members.push(member);
            }
        }
        out.spans.push(span);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ImportErrors(errors))
    }
}

fn describe(l: &Location) -> String {
    match l {
        Location::File => "the file".into(),
        Location::Line(n) => format!("line {n}"),
        Location::Record(n) => format!("record {n}"),
    }
}

fn read_row(row: &mut Row<'_>) -> Option<(Member, EligibilitySpan)> {
    let member_id = row.parse("member_id", MemberId::parse);
    let first_name = row.text("first_name").map(str::to_owned);
    let last_name = row.text("last_name").map(str::to_owned);
    let birth_date = row.date("birth_date");
    let sex = row.parse("sex", |s| match s.to_ascii_uppercase().as_str() {
        "F" => Ok(Sex::F),
        "M" => Ok(Sex::M),
        "U" => Ok(Sex::U),
        _ => Err("must be F, M or U"),
    });
    let zip = row.parse("zip", |s| {
        let ok = (s.len() == 5 || s.len() == 9 || (s.len() == 10 && s.as_bytes()[5] == b'-'))
            && s.bytes().filter(|b| *b != b'-').all(|b| b.is_ascii_digit());
        if ok {
            Ok(s.to_owned())
        } else {
            Err("must be a 5- or 9-digit ZIP code")
        }
    });
    let family_size = row.parse_opt("family_size", |s| match s.parse::<u8>() {
        Ok(n) if (1..=20).contains(&n) => Ok(n),
        _ => Err("must be a whole number from 1 to 20"),
    });
    let annual_income = row.parse_opt("annual_income", |s| {
        let m = Money::parse(s).map_err(|e| e.to_string())?;
        if m.is_negative() {
            Err("must not be negative".to_owned())
        } else {
            Ok(m)
        }
    });
    let sud_consent = row.opt_bool("sud_consent");
    let plan_code = row.text("plan_code").map(str::to_owned);
    let program = row.parse("program", |s| {
        Program::parse(s).ok_or_else(|| {
            let all: Vec<_> = Program::ALL.iter().map(|p| p.as_str()).collect();
            format!("{s:?} is not a program; use one of {}", all.join(", "))
        })
    });
    let start = row.date("eligibility_start");
    let end = row.opt_date("eligibility_end");
    if let (Some(s), Some(Some(e))) = (start, end)
        && e < s
    {
        row.error(
            "eligibility_end",
            format!("{e} is before eligibility_start {s}"),
        );
        return None;
    }
    let member = Member {
        member_id: member_id?,
        first_name: first_name?,
        last_name: last_name?,
        birth_date: birth_date?,
        sex: sex?,
        zip: zip?,
        family_size: family_size?,
        annual_income: annual_income?,
        sud_consent: sud_consent?,
    };
    let span = EligibilitySpan {
        member_id: member.member_id.clone(),
        plan_code: plan_code?,
        program: program?,
        start: start?,
        end: end?,
    };
    Some((member, span))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "member_id,first_name,last_name,birth_date,sex,zip,family_size,annual_income,sud_consent,plan_code,program,eligibility_start,eligibility_end\n";

    #[test]
    fn elig_01_reads_several_spans_per_member() {
        let csv = format!(
            "{HEADER}M001,Ana,Rivera,1990-02-03,F,60612,3,21000,true,ACCORD-IL,medicaid,2025-01-01,2025-06-30\n\
             M001,Ana,Rivera,1990-02-03,F,60612,3,21000,true,RIVERCARE-IL,medicaid,2025-07-01,\n"
        );
        let m = read_members(csv.as_bytes(), Format::Csv).unwrap();
        assert_eq!(m.members.len(), 1);
        assert_eq!(m.spans.len(), 2);
        assert_eq!(m.spans[1].end, None);
    }

    #[test]
    fn every_bad_row_is_reported_with_line_and_field() {
        let csv = format!(
            "{HEADER}M001,Ana,Rivera,1990-02-30,F,60612,,,,ACCORD-IL,medicaid,2025-01-01,\n\
             M002,Bo,Li,1980-01-01,X,606,,,,ACCORD-IL,medicare,2025-01-01,2024-01-01\n"
        );
        let e = read_members(csv.as_bytes(), Format::Csv).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("line 2: birth_date:"), "{text}");
        assert!(text.contains("line 3: sex: must be F, M or U"), "{text}");
        assert!(text.contains("line 3: zip:"), "{text}");
        assert!(text.contains("line 3: program:"), "{text}");
        assert!(text.contains("line 3: eligibility_end:"), "{text}");
    }

    #[test]
    fn conflicting_member_columns_are_refused() {
        let csv = format!(
            "{HEADER}M001,Ana,Rivera,1990-02-03,F,60612,,,,ACCORD-IL,medicaid,2025-01-01,\n\
             M001,Anna,Rivera,1990-02-03,F,60612,,,,ACCORD-IL,medicaid,2026-01-01,\n"
        );
        let e = read_members(csv.as_bytes(), Format::Csv).unwrap_err();
        assert!(
            e.to_string()
                .contains("line 3: member_id: member M001 appears again"),
            "{e}"
        );
    }

    #[test]
    fn missing_header_is_a_file_error() {
        let e = read_members(b"member_id,first_name\nM1,A\n", Format::Csv).unwrap_err();
        assert!(e.to_string().contains("lacks column(s) last_name"), "{e}");
    }

    #[test]
    fn json_records_use_the_same_fields() {
        let json = r#"[{"member_id":"M001","first_name":"Ana","last_name":"Rivera","birth_date":"1990-02-03",
            "sex":"F","zip":"60612","family_size":3,"plan_code":"ACCORD-IL","program":"medicaid",
            "eligibility_start":"2025-01-01","eligibility_end":null},
            {"member_id":"M002","first_name":"Bo","last_name":"Li","birth_date":"nope","sex":"M","zip":"60612",
            "plan_code":"ACCORD-IL","program":"medicaid","eligibility_start":"2025-01-01"}]"#;
        let e = read_members(json.as_bytes(), Format::Json).unwrap_err();
        assert_eq!(e.0.len(), 1);
        assert_eq!(
            e.0[0].to_string(),
            "record 2: birth_date: \"nope\" is not a date (use YYYY-MM-DD)"
        );
        assert!(
            read_members(b"{", Format::Json)
                .unwrap_err()
                .to_string()
                .contains("line 1")
        );
    }
}
