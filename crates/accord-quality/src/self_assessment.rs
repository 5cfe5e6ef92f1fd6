//! PAY-05: the state's fiscal-policy self-assessment for providers billing state funds (seed 002,
//! Appendix A, Part A: 17 items answered Yes, No or "Yes but"), and its score.
//!
//! The items are the state's fixed text, not plan configuration: they ship with this crate
//! (`data/fiscal_policy_self_assessment.csv`, paraphrased) and change only with the state's tool
//! (decision 0020). Scoring: Yes 2 points, "Yes but" 1 (partly met), No or unanswered 0; every
//! item not answered Yes is listed as unmet with the provider's note.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

const ITEMS_CSV: &str = include_str!("../data/fiscal_policy_self_assessment.csv");

/// One item of the tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// 1–17.
    pub number: u32,
    /// What is asked.
    pub text: String,
}

/// The 17 items, in order.
pub fn items() -> Vec<Item> {
    let mut rdr = csv::Reader::from_reader(ITEMS_CSV.as_bytes());
    rdr.records()
        .filter_map(Result::ok)
        .filter_map(|r| {
            Some(Item {
                number: r.get(0)?.parse().ok()?,
                text: r.get(1)?.to_owned(),
            })
        })
        .collect()
}

/// An answer as the tool spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// In place.
    Yes,
    /// Not in place.
    No,
    /// In place with reservations.
    YesBut,
}

impl Answer {
    fn points(self) -> u32 {
        match self {
            Answer::Yes => 2,
            Answer::YesBut => 1,
            Answer::No => 0,
        }
    }
}

/// One answered item.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemAnswer {
    /// Item number, 1–17.
    pub item: u32,
    /// Yes, no or yes_but.
    pub answer: Answer,
    /// The provider's note (what is missing, the level for item 4, …).
    #[serde(default)]
    pub note: String,
}

/// The answers file: `{"provider": "...", "answers": [{"item": 1, "answer": "yes"}, ...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// Who answered (provider name or NPI).
    #[serde(default)]
    pub provider: String,
    /// One entry per item.
    pub answers: Vec<ItemAnswer>,
}

/// A problem in an answers file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct AnswerError {
    /// The field, e.g. `answers[3].item`.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// An item not fully met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmet {
    /// Item number.
    pub item: u32,
    /// Its text.
    pub text: String,
    /// `no`, `yes_but` or `not_answered`.
    pub status: &'static str,
    /// The provider's note.
    pub note: String,
}

/// The score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// Who answered.
    pub provider: String,
    /// Points.
    pub points: u32,
    /// Out of (2 per item).
    pub max_points: u32,
    /// Percent, two places.
    pub percent: Decimal,
    /// Items answered Yes.
    pub met: u32,
    /// Every item not answered Yes, in item order.
    pub unmet: Vec<Unmet>,
}

/// Parses an answers file (JSON), naming the field of every problem.
pub fn parse_answers(json: &str) -> Result<Answers, Vec<AnswerError>> {
    let answers: Answers = serde_json::from_str(json).map_err(|e| {
        vec![AnswerError {
            field: format!("line {} column {}", e.line(), e.column()),
            message: e.to_string(),
        }]
    })?;
    let known = items();
    let mut seen = BTreeMap::new();
    let mut errors = Vec::new();
    for (i, a) in answers.answers.iter().enumerate() {
        if !known.iter().any(|k| k.number == a.item) {
            errors.push(AnswerError {
                field: format!("answers[{i}].item"),
                message: format!("{} is not an item (1 to {})", a.item, known.len()),
            });
        } else if let Some(first) = seen.insert(a.item, i) {
            errors.push(AnswerError {
                field: format!("answers[{i}].item"),
                message: format!("item {} is already answered at answers[{first}]", a.item),
            });
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// Scores the answers: every item not answered Yes is unmet, unanswered items included.
pub fn score(answers: &Answers) -> Score {
    let known = items();
    let by_item: BTreeMap<u32, &ItemAnswer> = answers.answers.iter().map(|a| (a.item, a)).collect();
    let mut points = 0;
    let mut met = 0;
    let mut unmet = Vec::new();
    for item in &known {
        let a = by_item.get(&item.number);
        points += a.map_or(0, |a| a.answer.points());
        let status = match a.map(|a| a.answer) {
            Some(Answer::Yes) => {
                met += 1;
                continue;
            }
            Some(Answer::YesBut) => "yes_but",
            Some(Answer::No) => "no",
            None => "not_answered",
        };
        unmet.push(Unmet {
            item: item.number,
            text: item.text.clone(),
            status,
            note: a.map(|a| a.note.clone()).unwrap_or_default(),
        });
    }
    let max_points = 2 * known.len() as u32;
    Score {
        provider: answers.provider.clone(),
        points,
        max_points,
        percent: crate::access::percent(u64::from(points), u64::from(max_points)),
        met,
        unmet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pay_05_self_assessment_has_the_states_17_items() {
        let all = items();
        assert_eq!(all.len(), 17);
        assert_eq!(
            all.iter().map(|i| i.number).collect::<Vec<_>>(),
            (1..=17).collect::<Vec<_>>()
        );
        assert!(all[3].text.contains("federal poverty level"));
    }

    #[test]
    fn pay_05_self_assessment_scores_and_lists_unmet_items() {
        let json = r#"{"provider": "Riverside", "answers": [
            {"item": 1, "answer": "yes"}, {"item": 2, "answer": "yes_but", "note": "draft"},
            {"item": 3, "answer": "no"}]}"#;
        let s = score(&parse_answers(json).unwrap());
        assert_eq!((s.points, s.max_points, s.met), (3, 34, 1));
        assert_eq!(s.unmet.len(), 16);
        assert_eq!((s.unmet[0].item, s.unmet[0].status), (2, "yes_but"));
        assert_eq!(s.unmet[0].note, "draft");
        assert_eq!((s.unmet[1].item, s.unmet[1].status), (3, "no"));
        assert_eq!(s.unmet[2].status, "not_answered");
        assert_eq!(s.percent, Decimal::new(882, 2));
    }

    #[test]
    fn pay_05_self_assessment_names_bad_fields() {
        let json = r#"{"answers": [{"item": 18, "answer": "yes"},
            {"item": 2, "answer": "yes"}, {"item": 2, "answer": "no"}]}"#;
        let e = parse_answers(json).unwrap_err();
        assert_eq!(e.len(), 2);
        assert_eq!(
            e[0].to_string(),
            "answers[0].item: 18 is not an item (1 to 17)"
        );
        assert_eq!(
            e[1].to_string(),
            "answers[2].item: item 2 is already answered at answers[1]"
        );
        let bad = parse_answers(r#"{"answers": [{"item": 1, "answer": "maybe"}]}"#).unwrap_err();
        assert!(bad[0].message.contains("unknown variant"), "{bad:?}");
    }
}
