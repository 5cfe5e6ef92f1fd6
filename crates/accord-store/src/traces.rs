//! Decision traces stored apart from their decisions (`decision_traces`), LZ4-compressed.
//!
//! The explanation trace is about three quarters of a decision's JSON (3.5 of 4.7 KB on the
//! benchmark's claims) and is read only to explain a claim, never to pay or report on it. Kept in
//! its own table, compressed about four to one, it no longer rides along when a payment cycle
//! reads or updates decision rows. A decision whose trace is stored apart carries an empty trace
//! (`"trace":[]`, its last field); reading it back for an explanation splices the trace in.

use crate::StoreError;

/// How a decision whose trace is stored apart ends: the engine serialises `trace` last.
const EMPTY_TRACE_END: &str = "\"trace\":[]}";

/// The trace's JSON back from storage (packed with [`crate::codec::pack`]).
pub(crate) fn unpack(tracking: &str, bytes: &[u8]) -> Result<String, StoreError> {
    crate::codec::unpack("decision_traces", "trace", tracking, bytes)
}

/// The whole decision: `decision` (stored with an empty trace) with `trace_json` put in its place.
pub(crate) fn splice(
    tracking: &str,
    mut decision: String,
    trace_json: &str,
) -> Result<String, StoreError> {
    if !decision.ends_with(EMPTY_TRACE_END) {
        return Err(StoreError::Invalid {
            table: "decisions",
            column: "decision",
            value: tracking.to_owned(),
            reason: "a decision whose trace is stored apart must end with an empty trace".into(),
        });
    }
    decision.truncate(decision.len() - "[]}".len());
    decision.push_str(trace_json);
    decision.push('}');
    Ok(decision)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trace_packed_and_spliced_back_gives_the_whole_decision() {
        let trace =
            r#"[{"step":"pricing","rule":"PAY-01","line":1,"text":"fee schedule 19.00 (PAY-01)"}]"#;
        let packed = crate::codec::pack(trace);
        let body = r#"{"tracking":"T1","paid":"19.00","trace":[]}"#.to_owned();
        let whole = splice("T1", body, &unpack("T1", &packed).unwrap()).unwrap();
        assert_eq!(
            whole,
            format!(r#"{{"tracking":"T1","paid":"19.00","trace":{trace}}}"#)
        );
    }

    #[test]
    fn a_decision_with_its_trace_inline_is_not_spliced() {
        let err = splice("T1", r#"{"trace":[{"step":"x"}]}"#.into(), "[]").unwrap_err();
        assert!(err.to_string().contains("empty trace"), "{err}");
    }

    #[test]
    fn damaged_bytes_are_an_error_naming_the_claim() {
        let err = unpack("T9", &[100, 0, 0, 0]).unwrap_err();
        assert!(err.to_string().contains("T9"), "{err}");
    }
}
