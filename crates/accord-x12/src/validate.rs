//! TR3 conformance checks for 837P/837I that need no business data:
//! loop structure (which segment may appear where, required segments and loops,
//! repeat counts), element requirements, code values, lengths, date and time
//! formats, HL and LX numbering. Each finding carries the IK3/IK4 codes of the
//! 999 (X12 code lists 620 and 621).
//!
//! The loop model is a condensed TR3: loops are recognised by their trigger
//! segment (and qualifier), segments inside a loop are accepted in any order
//! (order faults are rare and harmless for reading), and the provider loops
//! 2310x/2330x/2420x are recognised generically by NM1.

use crate::model::ClaimKind;
use crate::r837::parse_decimal;
use crate::segment::{Fields, Segment};

/// An element-level finding (IK4).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ElementIssue {
    /// IK401-1 element position in the segment.
    pub element: usize,
    /// IK401-2 component position, for composites.
    pub component: Option<usize>,
    /// IK403 code (621): 1 required missing, 4 too short, 5 too long, 6 invalid character, 7 invalid code, 8 invalid date, 9 invalid time, 3 too many elements.
    pub code: &'static str,
    /// IK404 copy of the bad value.
    pub value: Option<String>,
    pub message: String,
}

/// A segment-level finding (IK3), with its element findings.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SegmentIssue {
    pub segment_id: String,
    /// IK302 position in the transaction set (ST = 1).
    pub position: u32,
    /// Segment ordinal in the file.
    pub segment: u64,
    /// IK303 loop identifier.
    pub loop_id: String,
    /// IK304 code (620): 1 unrecognized, 2 unexpected, 3 required missing, 4 loop over max, 5 segment over max use, 8 has element errors.
    pub code: &'static str,
    pub elements: Vec<ElementIssue>,
    pub message: String,
    /// CLM01 of the claim the segment belongs to (for the 999 CTX business unit).
    pub claim_id: Option<String>,
}

/// Parses CCYYMMDD into a calendar date (None when malformed or impossible).
pub fn parse_ccyymmdd(s: &str) -> Option<jiff::civil::Date> {
    let b: &[u8; 8] = s.as_bytes().try_into().ok()?;
    if !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    // Digits only, so the values fit: what `str::parse` of each field would give.
    let n = |i: usize| i16::from(b[i] - b'0');
    let y = n(0) * 1000 + n(1) * 100 + n(2) * 10 + n(3);
    let m = (n(4) * 10 + n(5)) as i8;
    let d = (n(6) * 10 + n(7)) as i8;
    jiff::civil::Date::new(y, m, d).ok()
}

fn valid_time(s: &str) -> bool {
    if !(s.len() == 4 || s.len() == 6 || s.len() == 8) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let h: u8 = s[0..2].parse().unwrap_or(99);
    let m: u8 = s[2..4].parse().unwrap_or(99);
    let sec: u8 = if s.len() >= 6 {
        s[4..6].parse().unwrap_or(99)
    } else {
        0
    };
    h < 24 && m < 60 && sec < 60
}

#[derive(Clone, Copy)]
struct Match {
    id: &'static str,
    /// Element holding the qualifier, 0 for none.
    el: usize,
    codes: &'static [&'static str],
}

const fn m(id: &'static str) -> Match {
    Match {
        id,
        el: 0,
        codes: &[],
    }
}
const fn mq(id: &'static str, el: usize, codes: &'static [&'static str]) -> Match {
    Match { id, el, codes }
}

impl Match {
    fn matches(&self, seg: &Fields<'_>) -> bool {
        seg.id() == self.id.as_bytes() && (self.el == 0 || self.codes.contains(&seg.el(self.el)))
    }
}

struct SegDef {
    m: Match,
    max: u32,
    required: bool,
}

const fn s(id: &'static str, max: u32, required: bool) -> SegDef {
    SegDef {
        m: m(id),
        max,
        required,
    }
}

struct LoopDef {
    id: &'static str,
    trigger: Match,
    max: u32,
    required: bool,
    segs: &'static [SegDef],
    children: &'static [&'static LoopDef],
}

// --- The condensed 837 loop model (shared by 837P and 837I). ---

static L1000A: LoopDef = LoopDef {
    id: "1000A",
    trigger: mq("NM1", 1, &["41"]),
    max: 1,
    required: true,
    segs: &[s("PER", 2, true)],
    children: &[],
};
static L1000B: LoopDef = LoopDef {
    id: "1000B",
    trigger: mq("NM1", 1, &["40"]),
    max: 1,
    required: true,
    segs: &[],
    children: &[],
};
static L2010AA: LoopDef = LoopDef {
    id: "2010AA",
    trigger: mq("NM1", 1, &["85"]),
    max: 1,
    required: true,
    segs: &[
        s("N3", 1, true),
        s("N4", 1, true),
        s("REF", 3, false),
        s("PER", 2, false),
    ],
    children: &[],
};
static L2010AB: LoopDef = LoopDef {
    id: "2010AB",
    trigger: mq("NM1", 1, &["87"]),
    max: 1,
    required: false,
    segs: &[s("N3", 1, true), s("N4", 1, true)],
    children: &[],
};
static L2010AC: LoopDef = LoopDef {
    id: "2010AC",
    trigger: mq("NM1", 1, &["PE"]),
    max: 1,
    required: false,
    segs: &[s("N3", 1, false), s("N4", 1, false), s("REF", 2, false)],
    children: &[],
};
static L2010BA: LoopDef = LoopDef {
    id: "2010BA",
    trigger: mq("NM1", 1, &["IL"]),
    max: 1,
    required: true,
    segs: &[
        s("N3", 1, false),
        s("N4", 1, false),
        s("DMG", 1, false),
        s("REF", 2, false),
        s("PER", 1, false),
    ],
    children: &[],
};
static L2010BB: LoopDef = LoopDef {
    id: "2010BB",
    trigger: mq("NM1", 1, &["PR"]),
    max: 1,
    required: true,
    segs: &[s("N3", 1, false), s("N4", 1, false), s("REF", 5, false)],
    children: &[],
};
static L2010CA: LoopDef = LoopDef {
    id: "2010CA",
    trigger: mq("NM1", 1, &["QC"]),
    max: 1,
    required: true,
    segs: &[
        s("N3", 1, true),
        s("N4", 1, true),
        s("DMG", 1, true),
        s("REF", 2, false),
        s("PER", 1, false),
    ],
    children: &[],
};
static L2310: LoopDef = LoopDef {
    id: "2310",
    trigger: m("NM1"),
    max: 12,
    required: false,
    segs: &[
        s("PRV", 1, false),
        s("N3", 1, false),
        s("N4", 1, false),
        s("REF", 20, false),
        s("PER", 1, false),
    ],
    children: &[],
};
static L2330: LoopDef = LoopDef {
    id: "2330",
    trigger: m("NM1"),
    max: 10,
    required: false,
    segs: &[
        s("N3", 1, false),
        s("N4", 1, false),
        s("DMG", 1, false),
        s("DTP", 2, false),
        s("REF", 10, false),
        s("PER", 1, false),
    ],
    children: &[],
};
static L2320: LoopDef = LoopDef {
    id: "2320",
    trigger: m("SBR"),
    max: 10,
    required: false,
    segs: &[
        s("CAS", 5, false),
        s("AMT", 5, false),
        s("OI", 1, true),
        s("MIA", 1, false),
        s("MOA", 1, false),
    ],
    children: &[&L2330],
};
static L2410: LoopDef = LoopDef {
    id: "2410",
    trigger: m("LIN"),
    max: 1,
    required: false,
    segs: &[s("CTP", 1, true), s("REF", 1, false)],
    children: &[],
};
static L2420: LoopDef = LoopDef {
    id: "2420",
    trigger: m("NM1"),
    max: 12,
    required: false,
    segs: &[
        s("PRV", 1, false),
        s("N3", 1, false),
        s("N4", 1, false),
        s("REF", 20, false),
        s("PER", 1, false),
    ],
    children: &[],
};
static L2430: LoopDef = LoopDef {
    id: "2430",
    trigger: m("SVD"),
    max: 15,
    required: false,
    segs: &[s("CAS", 5, false), s("DTP", 1, true), s("AMT", 1, false)],
    children: &[],
};
static L2440: LoopDef = LoopDef {
    id: "2440",
    trigger: m("LQ"),
    max: 10,
    required: false,
    segs: &[s("FRM", 99, true)],
    children: &[],
};
static L2400: LoopDef = LoopDef {
    id: "2400",
    trigger: m("LX"),
    max: 999,
    required: true,
    segs: &[
        s("SV1", 1, false),
        s("SV2", 1, false),
        s("SV5", 1, false),
        s("PWK", 10, false),
        s("CR1", 1, false),
        s("CR3", 1, false),
        s("CRC", 5, false),
        s("DTP", 10, false),
        s("QTY", 2, false),
        s("MEA", 5, false),
        s("CN1", 1, false),
        s("REF", 20, false),
        s("AMT", 2, false),
        s("K3", 10, false),
        s("NTE", 2, false),
        s("PS1", 1, false),
        s("HCP", 1, false),
    ],
    children: &[&L2410, &L2420, &L2430, &L2440],
};
static L2300: LoopDef = LoopDef {
    id: "2300",
    trigger: m("CLM"),
    max: 100,
    required: false,
    segs: &[
        s("DTP", 20, false),
        s("CL1", 1, false),
        s("PWK", 10, false),
        s("CN1", 1, false),
        s("AMT", 3, false),
        s("REF", 20, false),
        s("K3", 10, false),
        s("NTE", 10, false),
        s("CR1", 1, false),
        s("CR2", 1, false),
        s("CRC", 8, false),
        s("HI", 25, true),
        s("HCP", 1, false),
    ],
    children: &[&L2310, &L2320, &L2400],
};
static L2000C: LoopDef = LoopDef {
    id: "2000C",
    trigger: mq("HL", 3, &["23"]),
    max: u32::MAX,
    required: false,
    segs: &[s("PAT", 1, true)],
    children: &[&L2010CA, &L2300],
};
static L2000B: LoopDef = LoopDef {
    id: "2000B",
    trigger: mq("HL", 3, &["22"]),
    max: u32::MAX,
    required: true,
    segs: &[s("SBR", 1, true), s("PAT", 1, false)],
    children: &[&L2010BA, &L2010BB, &L2300, &L2000C],
};
static L2000A: LoopDef = LoopDef {
    id: "2000A",
    trigger: mq("HL", 3, &["20"]),
    max: u32::MAX,
    required: true,
    segs: &[s("PRV", 1, false), s("CUR", 1, false)],
    children: &[&L2010AA, &L2010AB, &L2010AC, &L2000B],
};
static HEADER: LoopDef = LoopDef {
    id: "HEADER",
    trigger: m("ST"),
    max: 1,
    required: true,
    segs: &[s("BHT", 1, true)],
    children: &[&L1000A, &L1000B, &L2000A],
};

struct Open {
    def: &'static LoopDef,
    /// Highest segment index used so far, for the sequence check.
    last_seg: Option<usize>,
    children_started: bool,
    seg_counts: Vec<u32>,
    child_counts: Vec<u32>,
    start_position: u32,
}

impl Open {
    fn new(def: &'static LoopDef, position: u32) -> Self {
        Open {
            def,
            last_seg: None,
            children_started: false,
            seg_counts: vec![0; def.segs.len()],
            child_counts: vec![0; def.children.len()],
            start_position: position,
        }
    }
}

/// TR3 checker for one 837 transaction set. Feed body segments in order, then call `finish`.
pub struct Validator837 {
    kind: ClaimKind,
    stack: Vec<Open>,
    pub issues: Vec<SegmentIssue>,
    /// HL01 values seen in this set (bounded), to check HL02 parents in O(1).
    hl_ids: std::collections::HashSet<Box<str>>,
    next_hl: u64,
    next_lx: u64,
    /// CLM segments seen.
    pub claims: u64,
    /// Stop recording after this many issues (memory bound for hostile files).
    max_issues: usize,
    claim_id: Option<String>,
}

const HI_QUALIFIERS: &[&str] = &[
    "ABK", "ABF", "ABJ", "APR", "ABN", "BK", "BF", "BJ", "PR", "BN", "BBR", "BBQ", "BR", "BQ",
    "BP", "BO", "CAH", "BH", "BE", "BG", "TC", "DR", "LOI", "BI", "BS",
];

impl Validator837 {
    pub fn new(kind: ClaimKind) -> Self {
        Validator837 {
            kind,
            stack: vec![Open::new(&HEADER, 1)],
            issues: vec![],
            hl_ids: Default::default(),
            next_hl: 1,
            next_lx: 1,
            claims: 0,
            max_issues: 1000,
            claim_id: None,
        }
    }

    fn push_issue(&mut self, mut issue: SegmentIssue) {
        issue.claim_id.clone_from(&self.claim_id);
        if self.issues.len() < self.max_issues {
            self.issues.push(issue);
        }
    }

    /// The loop the last segment fed belongs to (e.g. "2300"), "HEADER" before the first loop.
    pub fn current_loop_id(&self) -> &'static str {
        self.current_loop()
    }

    fn current_loop(&self) -> &'static str {
        self.stack.last().map(|o| o.def.id).unwrap_or("")
    }

    /// Checks one body segment at `position` (ST = 1).
    pub fn segment(&mut self, seg: &Segment<'_>, position: u32) {
        let seg = &seg.fields();
        let id = seg.id();
        match id {
            b"CLM" => self.claim_id = Some(seg.el(1).chars().take(38).collect()),
            b"HL" => self.claim_id = None,
            _ => {}
        }
        let well_formed = (2..=3).contains(&id.len())
            && id
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && id[0].is_ascii_uppercase();
        if !well_formed {
            let issue = SegmentIssue {
                segment_id: String::from_utf8_lossy(&id[..id.len().min(3)]).into_owned(),
                position,
                segment: seg.index,
                loop_id: self.current_loop().into(),
                code: "1",
                elements: vec![],
                claim_id: None,
                message: format!("unrecognized segment ID {:?}", String::from_utf8_lossy(id)),
            };
            self.push_issue(issue);
            return;
        }
        // Find where this segment belongs, from the innermost loop outwards.
        enum Found {
            Seg(usize, usize),
            Child(usize, usize),
        }
        let mut found = None;
        for depth in (0..self.stack.len()).rev() {
            let def = self.stack[depth].def;
            if let Some(i) = def.segs.iter().position(|sd| sd.m.matches(seg)) {
                found = Some(Found::Seg(depth, i));
                break;
            }
            if let Some(i) = def.children.iter().position(|c| c.trigger.matches(seg)) {
                found = Some(Found::Child(depth, i));
                break;
            }
        }
        match found {
            None => {
                let issue = SegmentIssue {
                    segment_id: seg.id_str().into(),
                    position,
                    segment: seg.index,
                    loop_id: self.current_loop().into(),
                    code: "2",
                    elements: vec![],
                    claim_id: None,
                    message: format!(
                        "segment {} is not expected here (in or after loop {})",
                        seg.id_str(),
                        self.current_loop()
                    ),
                };
                self.push_issue(issue);
                return;
            }
            Some(Found::Seg(depth, i)) => {
                self.close_to(depth + 1, position, seg.index);
                let open = &mut self.stack[depth];
                open.seg_counts[i] += 1;
                let out_of_order = open.children_started || open.last_seg.is_some_and(|l| l > i);
                open.last_seg = Some(open.last_seg.map_or(i, |l| l.max(i)));
                let def = &open.def.segs[i];
                if out_of_order {
                    let issue = SegmentIssue {
                        segment_id: seg.id_str().into(),
                        position,
                        segment: seg.index,
                        loop_id: open.def.id.into(),
                        code: "7",
                        elements: vec![],
                        claim_id: None,
                        message: format!("{} is out of sequence in loop {}", def.m.id, open.def.id),
                    };
                    self.push_issue(issue);
                }
                let open = &mut self.stack[depth];
                let def = &open.def.segs[i];
                if open.seg_counts[i] > def.max {
                    let issue = SegmentIssue {
                        segment_id: seg.id_str().into(),
                        position,
                        segment: seg.index,
                        loop_id: open.def.id.into(),
                        code: "5",
                        elements: vec![],
                        claim_id: None,
                        message: format!(
                            "{} used more than {} times in loop {}",
                            def.m.id, def.max, open.def.id
                        ),
                    };
                    self.push_issue(issue);
                }
            }
            Some(Found::Child(depth, i)) => {
                self.close_to(depth + 1, position, seg.index);
                let parent = &mut self.stack[depth];
                parent.child_counts[i] += 1;
                parent.children_started = true;
                let child = parent.def.children[i];
                if parent.child_counts[i] > child.max {
                    let issue = SegmentIssue {
                        segment_id: seg.id_str().into(),
                        position,
                        segment: seg.index,
                        loop_id: child.id.into(),
                        code: "4",
                        elements: vec![],
                        claim_id: None,
                        message: format!("loop {} occurs more than {} times", child.id, child.max),
                    };
                    self.push_issue(issue);
                }
                self.stack.push(Open::new(child, position));
            }
        }
        let loop_id = self.current_loop();
        let mut el_issues = vec![];
        let raw = seg.raw();
        if raw.len() > id.len() && raw.last() == Some(&seg.delimiters().element) {
            // X12 syntax: trailing empty elements must be suppressed.
            el_issues.push(issue(
                seg.element_count(),
                None,
                "3",
                "",
                format!(
                    "{} ends with an element separator (trailing empty element)",
                    seg.id_str()
                ),
            ));
        }
        self.elements(seg, loop_id, &mut el_issues);
        if !el_issues.is_empty() {
            let message = el_issues
                .iter()
                .map(|e| e.message.as_str())
                .collect::<Vec<_>>()
                .join("; ");
            let issue = SegmentIssue {
                segment_id: seg.id_str().into(),
                position,
                segment: seg.index,
                loop_id: loop_id.into(),
                code: "8",
                elements: el_issues,
                message,
                claim_id: None,
            };
            self.push_issue(issue);
        }
    }

    /// Closes loops until `depth` remain, checking what they required.
    fn close_to(&mut self, depth: usize, position: u32, segment: u64) {
        while self.stack.len() > depth {
            let Some(open) = self.stack.pop() else { break };
            let def = open.def;
            let mut missing: Vec<(&'static str, &'static str, String)> = vec![];
            for (sd, n) in def.segs.iter().zip(&open.seg_counts) {
                if sd.required && *n == 0 {
                    // 837P requires HI; 837I does too: both keep the rule.
                    missing.push((
                        sd.m.id,
                        def.id,
                        format!("required segment {} missing in loop {}", sd.m.id, def.id),
                    ));
                }
            }
            for (c, n) in def.children.iter().zip(&open.child_counts) {
                let required = c.required && !(def.id == "2000B" && c.id == "2300");
                if required && *n == 0 {
                    missing.push((
                        c.trigger.id,
                        c.id,
                        format!("required loop {} missing in loop {}", c.id, def.id),
                    ));
                }
            }
            if def.id == "2000B" {
                // A subscriber level needs claims either directly or under a patient level.
                let claims = open.child_counts[2] + open.child_counts[3];
                if claims == 0 {
                    missing.push((
                        "CLM",
                        "2300",
                        "subscriber level has no claim and no patient level".into(),
                    ));
                }
            }
            if def.id == "2300" {
                let _ = self.kind; // both kinds require HI; 837I statement dates are checked below
            }
            if def.id == "2400" {
                let need = match self.kind {
                    ClaimKind::Professional => 0,
                    ClaimKind::Institutional => 1,
                };
                if open.seg_counts[need] == 0 {
                    let id = if need == 0 { "SV1" } else { "SV2" };
                    missing.push((
                        id,
                        "2400",
                        format!("required segment {id} missing in loop 2400"),
                    ));
                }
            }
            for (seg_id, loop_id, message) in missing {
                self.push_issue(SegmentIssue {
                    segment_id: seg_id.into(),
                    position,
                    segment,
                    loop_id: loop_id.into(),
                    code: "3",
                    elements: vec![],
                    message,
                    claim_id: None,
                });
            }
            let _ = open.start_position;
        }
    }

    /// End of the transaction set (SE at `position`).
    pub fn finish(&mut self, position: u32, segment: u64) {
        self.close_to(0, position, segment);
    }

    fn elements(&mut self, seg: &Fields<'_>, loop_id: &str, out: &mut Vec<ElementIssue>) {
        use Kind::*;
        let id = seg.id();
        if id == b"HL" {
            let hl = seg.el(1);
            if hl.parse::<u64>().ok() != Some(self.next_hl) {
                out.push(issue(
                    1,
                    None,
                    "7",
                    hl,
                    format!("HL01 {hl:?} out of sequence, expected {}", self.next_hl),
                ));
            }
            self.next_hl += 1;
            let parent = seg.el(2);
            if !parent.is_empty() && !self.hl_ids.contains(parent) {
                out.push(issue(
                    2,
                    None,
                    "7",
                    parent,
                    format!("HL02 parent {parent:?} is not an earlier HL"),
                ));
            }
            if seg.el(3) != "20" && parent.is_empty() {
                out.push(issue(
                    2,
                    None,
                    "1",
                    "",
                    "HL02 parent ID required below the billing provider level".into(),
                ));
            }
            if self.hl_ids.len() < 100_000 {
                self.hl_ids.insert(hl.into());
            }
        }
        if id == b"CLM" {
            self.claims += 1;
            self.next_lx = 1;
        }
        if id == b"LX" {
            let lx = seg.el(1);
            if lx.parse::<u64>().ok() != Some(self.next_lx) {
                out.push(issue(
                    1,
                    None,
                    "7",
                    lx,
                    format!("LX01 {lx:?} out of sequence, expected {}", self.next_lx),
                ));
            }
            self.next_lx += 1;
        }
        let specs: &[El] = match id {
            b"BHT" => &[
                el(1, true, Id, 4, 4, &["0019"]),
                el(2, true, Id, 2, 2, &["00", "18"]),
                el(3, true, An, 1, 50, &[]),
                el(4, true, Dt, 8, 8, &[]),
                el(5, true, Tm, 4, 8, &[]),
                el(6, true, Id, 2, 2, &["31", "CH", "RP"]),
            ],
            b"NM1" => &[
                el(1, true, Id, 2, 3, &[]),
                el(2, true, Id, 1, 1, &["1", "2"]),
                el(3, false, An, 1, 60, &[]),
                el(4, false, An, 1, 35, &[]),
                el(5, false, An, 1, 25, &[]),
                el(7, false, An, 1, 10, &[]),
                el(
                    8,
                    false,
                    Id,
                    1,
                    2,
                    &[
                        "24", "34", "46", "FI", "II", "MI", "PI", "XV", "XX", "SV", "ZZ",
                    ],
                ),
                el(9, false, An, 2, 80, &[]),
            ],
            b"N3" => &[el(1, true, An, 1, 55, &[]), el(2, false, An, 1, 55, &[])],
            b"N4" => &[
                el(1, true, An, 2, 30, &[]),
                el(2, false, Alpha, 2, 2, &[]),
                el(3, false, An, 3, 15, &[]),
                el(4, false, Id, 2, 3, &[]),
            ],
            b"REF" => &[el(1, true, Id, 2, 3, &[]), el(2, true, An, 1, 50, &[])],
            b"PER" => &[
                el(1, true, Id, 2, 2, &["IC"]),
                el(2, false, An, 1, 60, &[]),
                el(3, false, Id, 2, 2, &["TE", "EM", "FX", "EX"]),
                el(4, false, An, 1, 256, &[]),
                el(5, false, Id, 2, 2, &["TE", "EM", "FX", "EX"]),
                el(7, false, Id, 2, 2, &["TE", "EM", "FX", "EX"]),
            ],
            b"HL" => &[
                el(1, true, An, 1, 12, &[]),
                el(3, true, Id, 2, 2, &["20", "22", "23"]),
                el(4, false, Id, 1, 1, &["0", "1"]),
            ],
            b"PRV" => &[
                el(1, true, Id, 2, 3, &[]),
                el(2, true, Id, 3, 3, &["PXC"]),
                el(3, true, An, 1, 50, &[]),
            ],
            b"SBR" => &[
                el(
                    1,
                    true,
                    Id,
                    1,
                    1,
                    &["A", "B", "C", "D", "E", "F", "G", "H", "P", "S", "T", "U"],
                ),
                el(2, false, Id, 2, 2, &[]),
                el(3, false, An, 1, 50, &[]),
                el(9, false, Id, 1, 2, &[]),
            ],
            b"DMG" => &[
                el(1, true, Id, 2, 3, &["D8"]),
                el(2, true, Dt, 8, 8, &[]),
                el(3, false, Id, 1, 1, &["F", "M", "U"]),
            ],
            b"CLM" => &[
                el(1, true, An, 1, 38, &[]),
                el(2, true, R, 1, 18, &[]),
                el(5, true, Composite, 1, 20, &[]),
                el(6, false, Id, 1, 1, &["Y", "N"]),
                el(7, false, Id, 1, 1, &["A", "B", "C"]),
                el(8, false, Id, 1, 1, &["N", "W", "Y"]),
                el(9, false, Id, 1, 1, &["I", "Y"]),
            ],
            b"DTP" => &[
                el(1, true, Id, 3, 3, &[]),
                el(2, true, Id, 2, 3, &["D8", "RD8", "DT"]),
            ],
            b"AMT" => &[el(1, true, Id, 1, 3, &[]), el(2, true, R, 1, 18, &[])],
            b"LX" => &[el(1, true, N0, 1, 6, &[])],
            b"SV1" => &[
                el(1, true, Composite, 1, 60, &[]),
                el(2, true, R, 1, 18, &[]),
                el(3, true, Id, 2, 2, &["MJ", "UN"]),
                el(4, true, R, 1, 15, &[]),
            ],
            b"SV2" => &[
                el(1, true, An, 1, 48, &[]),
                el(3, true, R, 1, 18, &[]),
                el(4, true, Id, 2, 2, &["DA", "UN"]),
                el(5, true, R, 1, 15, &[]),
                el(7, false, R, 1, 18, &[]),
            ],
            b"CAS" => &[
                el(1, true, Id, 1, 2, &["CO", "CR", "OA", "PI", "PR"]),
                el(2, true, Id, 1, 5, &[]),
                el(3, true, R, 1, 18, &[]),
            ],
            b"PWK" => &[
                el(1, true, Id, 2, 2, &[]),
                el(2, true, Id, 1, 2, &["AA", "BM", "EL", "EM", "FT", "FX"]),
            ],
            b"NTE" => &[el(1, true, Id, 3, 3, &[]), el(2, true, An, 1, 80, &[])],
            b"SVD" => &[el(1, true, An, 2, 80, &[]), el(2, true, R, 1, 18, &[])],
            b"CL1" => &[
                el(1, false, Id, 1, 1, &[]),
                el(2, false, Id, 1, 1, &[]),
                el(3, false, Id, 1, 2, &[]),
            ],
            _ => &[],
        };
        for spec in specs {
            check_element(seg, spec, out);
        }
        match id {
            b"DTP" => check_dtp(seg, out),
            b"HI" => check_hi(seg, out),
            b"CLM" => {
                for (c, name) in [
                    (1, "facility code"),
                    (2, "facility code qualifier"),
                    (3, "frequency code"),
                ] {
                    if !seg.el(5).is_empty() && seg.component(5, c).is_empty() {
                        out.push(issue(
                            5,
                            Some(c),
                            "1",
                            "",
                            format!("CLM05-{c} {name} missing"),
                        ));
                    }
                }
                if self.kind == ClaimKind::Institutional && !seg.el(6).is_empty() {
                    out.push(issue(
                        6,
                        None,
                        "I10",
                        seg.el(6),
                        "CLM06 is not used in the 837I".into(),
                    ));
                }
                // CLM05-2: B (place of service) on the 837P, A (uniform billing facility type) on the 837I.
                let q = seg.component(5, 2);
                let want = match self.kind {
                    ClaimKind::Professional => "B",
                    ClaimKind::Institutional => "A",
                };
                if !q.is_empty() && q != want {
                    out.push(issue(
                        5,
                        Some(2),
                        "7",
                        q,
                        format!("CLM05-2 {q:?} must be {want}"),
                    ));
                }
            }
            b"SV1" => {
                let q = seg.component(1, 1);
                if !matches!(q, "ER" | "HC" | "IV" | "WK") {
                    out.push(issue(
                        1,
                        Some(1),
                        "7",
                        q,
                        format!("SV101-1 product qualifier {q:?} is not ER, HC, IV or WK"),
                    ));
                }
                if seg.component(1, 2).is_empty() {
                    out.push(issue(
                        1,
                        Some(2),
                        "1",
                        "",
                        "SV101-2 procedure code missing".into(),
                    ));
                }
            }
            b"N4" if loop_id == "2010AA" && self.kind == ClaimKind::Institutional => {
                // X223 TR3: the billing provider's US ZIP code must be all nine digits (pyx12 enforces it for 837I only).
                let zip = seg.el(3);
                let us = seg.el(4).is_empty() || seg.el(4) == "US";
                if us
                    && !zip.is_empty()
                    && !(zip.len() == 9 && zip.bytes().all(|b| b.is_ascii_digit()))
                {
                    out.push(issue(
                        3,
                        None,
                        "I12",
                        zip,
                        format!("billing provider ZIP code {zip:?} must be 9 digits (ZIP+4)"),
                    ));
                }
            }
            _ => {}
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    An,
    Id,
    Alpha,
    Dt,
    Tm,
    N0,
    R,
    Composite,
}

struct El {
    n: usize,
    required: bool,
    kind: Kind,
    min: usize,
    max: usize,
    codes: &'static [&'static str],
}

const fn el(
    n: usize,
    required: bool,
    kind: Kind,
    min: usize,
    max: usize,
    codes: &'static [&'static str],
) -> El {
    El {
        n,
        required,
        kind,
        min,
        max,
        codes,
    }
}

fn issue(
    element: usize,
    component: Option<usize>,
    code: &'static str,
    value: &str,
    message: String,
) -> ElementIssue {
    ElementIssue {
        element,
        component,
        code,
        value: (!value.is_empty()).then(|| value.chars().take(99).collect()),
        message,
    }
}

/// X12 basic and extended character sets: printable ASCII only.
fn valid_chars(v: &[u8]) -> bool {
    v.iter().all(|&b| (0x20..0x7f).contains(&b))
}

fn check_element(seg: &Fields<'_>, spec: &El, out: &mut Vec<ElementIssue>) {
    let raw = seg.element(spec.n);
    let id = seg.id_str();
    let n = spec.n;
    if raw.is_empty() {
        if spec.required {
            out.push(issue(n, None, "1", "", format!("{id}{n:02} is required")));
        }
        return;
    }
    if !valid_chars(raw) {
        out.push(issue(
            n,
            None,
            "6",
            &String::from_utf8_lossy(raw),
            format!("{id}{n:02} has an invalid character"),
        ));
        return;
    }
    let v = seg.el(n);
    if spec.kind == Kind::Composite {
        return;
    }
    let len = if spec.kind == Kind::R {
        v.bytes().filter(|b| b.is_ascii_digit()).count()
    } else {
        v.len()
    };
    if len < spec.min {
        out.push(issue(
            n,
            None,
            "4",
            v,
            format!("{id}{n:02} {v:?} is shorter than {}", spec.min),
        ));
        return;
    }
    if len > spec.max {
        out.push(issue(
            n,
            None,
            "5",
            v,
            format!("{id}{n:02} {v:?} is longer than {}", spec.max),
        ));
        return;
    }
    match spec.kind {
        Kind::Dt if parse_ccyymmdd(v).is_none() => out.push(issue(
            n,
            None,
            "8",
            v,
            format!("{id}{n:02} {v:?} is not a valid CCYYMMDD date"),
        )),
        Kind::Tm if !valid_time(v) => out.push(issue(
            n,
            None,
            "9",
            v,
            format!("{id}{n:02} {v:?} is not a valid time"),
        )),
        Kind::N0 if !v.bytes().all(|b| b.is_ascii_digit()) => out.push(issue(
            n,
            None,
            "6",
            v,
            format!("{id}{n:02} {v:?} is not a whole number"),
        )),
        Kind::R if parse_decimal(v).is_none() => out.push(issue(
            n,
            None,
            "6",
            v,
            format!("{id}{n:02} {v:?} is not a number"),
        )),
        Kind::Alpha if !v.bytes().all(|b| b.is_ascii_uppercase()) => out.push(issue(
            n,
            None,
            "7",
            v,
            format!("{id}{n:02} {v:?} is not a valid state or province code"),
        )),
        _ if !spec.codes.is_empty() && !spec.codes.contains(&v) => out.push(issue(
            n,
            None,
            "7",
            v,
            format!("{id}{n:02} {v:?} is not one of {}", spec.codes.join(", ")),
        )),
        _ => {}
    }
}

fn check_dtp(seg: &Fields<'_>, out: &mut Vec<ElementIssue>) {
    let v = seg.el(3);
    if v.is_empty() {
        out.push(issue(3, None, "1", "", "DTP03 date is required".into()));
        return;
    }
    match seg.el(2) {
        "D8" if parse_ccyymmdd(v).is_none() => {
            out.push(issue(
                3,
                None,
                "8",
                v,
                format!("DTP03 {v:?} is not a valid CCYYMMDD date"),
            ));
        }
        "RD8" => {
            let ok = v.len() == 17
                && v.as_bytes()[8] == b'-'
                && match (parse_ccyymmdd(&v[..8]), parse_ccyymmdd(&v[9..])) {
                    (Some(a), Some(b)) => a <= b,
                    _ => false,
                };
            if !ok {
                out.push(issue(
                    3,
                    None,
                    "8",
                    v,
                    format!("DTP03 {v:?} is not a CCYYMMDD-CCYYMMDD period"),
                ));
            }
        }
        "DT" => {
            let ok = v.len() == 12
                && v.get(..8).and_then(parse_ccyymmdd).is_some()
                && v.get(8..).is_some_and(valid_time);
            if !ok {
                out.push(issue(
                    3,
                    None,
                    "8",
                    v,
                    format!("DTP03 {v:?} is not CCYYMMDDHHMM"),
                ));
            }
        }
        _ => {}
    }
}

fn check_hi(seg: &Fields<'_>, out: &mut Vec<ElementIssue>) {
    if seg.el(1).is_empty() {
        out.push(issue(1, None, "1", "", "HI01 is required".into()));
    }
    for n in 1..=12 {
        if seg.el(n).is_empty() {
            continue;
        }
        let q = seg.component(n, 1);
        if !HI_QUALIFIERS.contains(&q) {
            out.push(issue(
                n,
                Some(1),
                "7",
                q,
                format!("HI{n:02}-1 {q:?} is not a code list qualifier"),
            ));
        }
        if seg.component(n, 2).is_empty() {
            out.push(issue(
                n,
                Some(2),
                "1",
                "",
                format!("HI{n:02}-2 code is missing"),
            ));
        }
        let (f, d) = (seg.component(n, 3), seg.component(n, 4));
        if f == "D8" && parse_ccyymmdd(d).is_none() {
            out.push(issue(
                n,
                Some(4),
                "8",
                d,
                format!("HI{n:02}-4 {d:?} is not a valid date"),
            ));
        }
    }
}

#[cfg(test)]
mod date_tests {
    #[test]
    fn ccyymmdd_matches_field_parsing() {
        let reference = |s: &str| -> Option<jiff::civil::Date> {
            if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let y: i16 = s[0..4].parse().ok()?;
            let m: i8 = s[4..6].parse().ok()?;
            let d: i8 = s[6..8].parse().ok()?;
            jiff::civil::Date::new(y, m, d).ok()
        };
        for s in [
            "20240229",
            "20230229",
            "00000101",
            "00010101",
            "99991231",
            "20241301",
            "20240100",
            "20240131",
            "2024013a",
            "2024013",
            "202401311",
            "",
            "+2024013",
            "２０２４0101",
        ] {
            assert_eq!(super::parse_ccyymmdd(s), reference(s), "{s}");
        }
        for y in [0, 1, 1999, 2024, 9999] {
            for m in 0..=13 {
                for d in 0..=32 {
                    let s = format!("{y:04}{m:02}{d:02}");
                    assert_eq!(super::parse_ccyymmdd(&s), reference(&s), "{s}");
                }
            }
        }
    }
}
