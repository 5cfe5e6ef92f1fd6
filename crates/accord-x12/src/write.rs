//! Shared X12 writing: segment building with the standard separators
//! (`*` `:` `^` `~`, one segment per line) and the ISA/GS/ST envelope.
//! All dates and control numbers come from the caller (the codec reads no clock).

use std::fmt::Write as _;

/// Who sends, who receives, when and with which control numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub sender_qualifier: String,
    pub sender_id: String,
    pub receiver_qualifier: String,
    pub receiver_id: String,
    /// GS02/GS03 application codes.
    pub gs_sender: String,
    pub gs_receiver: String,
    pub date: jiff::civil::Date,
    /// HHMM.
    pub time: jiff::civil::Time,
    pub interchange_control: u32,
    pub group_control: u32,
    /// P production, T test.
    pub usage: char,
}

impl Envelope {
    /// A test envelope with fixed values: for examples, tests and the generator.
    pub fn example() -> Self {
        Envelope {
            sender_qualifier: "ZZ".into(),
            sender_id: "ACCORDPLAN".into(),
            receiver_qualifier: "ZZ".into(),
            receiver_id: "CLEARINGHOUSE".into(),
            gs_sender: "ACCORDPLAN".into(),
            gs_receiver: "CLEARINGHOUSE".into(),
            date: jiff::civil::date(2026, 1, 15),
            time: jiff::civil::time(9, 30, 0, 0),
            interchange_control: 1,
            group_control: 1,
            usage: 'T',
        }
    }

    /// The envelope answering an interchange: sender and receiver swapped.
    pub fn reply_to(
        isa: &crate::envelope::Isa,
        gs: Option<&crate::envelope::Gs>,
        base: &Envelope,
    ) -> Envelope {
        Envelope {
            sender_qualifier: isa.receiver_qualifier.clone(),
            sender_id: isa.receiver_id.clone(),
            receiver_qualifier: isa.sender_qualifier.clone(),
            receiver_id: isa.sender_id.clone(),
            gs_sender: gs
                .map(|g| g.receiver.clone())
                .unwrap_or_else(|| isa.receiver_id.clone()),
            gs_receiver: gs
                .map(|g| g.sender.clone())
                .unwrap_or_else(|| isa.sender_id.clone()),
            usage: if isa.usage == "P" { 'P' } else { 'T' },
            ..base.clone()
        }
    }
}

/// Removes characters that would break the file (separators, control characters).
pub fn clean(s: &str) -> String {
    s.chars()
        .filter(|c| !matches!(c, '*' | ':' | '^' | '~') && (' '..='~').contains(c))
        .collect()
}

fn pad(s: &str, n: usize) -> String {
    let mut c = clean(s);
    c.truncate(n);
    format!("{c:<n$}")
}

pub fn ccyymmdd(d: jiff::civil::Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), d.month(), d.day())
}

pub fn hhmm(t: jiff::civil::Time) -> String {
    format!("{:02}{:02}", t.hour(), t.minute())
}

/// Builds a file segment by segment, counting segments of the open transaction set.
#[derive(Debug, Default)]
pub struct X12Writer {
    pub out: String,
    set_segments: u32,
    set_control: String,
    sets_in_group: u32,
    groups: u32,
    group_control: u32,
    interchange_control: u32,
}

impl X12Writer {
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes one segment; trailing empty elements are dropped as X12 requires.
    pub fn seg(&mut self, elements: &[&str]) {
        let mut n = elements.len();
        while n > 1 && elements[n - 1].is_empty() {
            n -= 1;
        }
        for (i, e) in elements[..n].iter().enumerate() {
            if i > 0 {
                self.out.push('*');
            }
            self.out.push_str(e);
        }
        self.out.push_str("~\n");
        self.set_segments += 1;
    }

    /// Composite element from components, trailing empty ones dropped.
    pub fn comp(parts: &[&str]) -> String {
        let mut n = parts.len();
        while n > 1 && parts[n - 1].is_empty() {
            n -= 1;
        }
        parts[..n].join(":")
    }

    pub fn isa(&mut self, env: &Envelope) {
        self.interchange_control = env.interchange_control;
        self.groups = 0;
        let d = env.date;
        let _ = writeln!(
            self.out,
            "ISA*00*{}*00*{}*{}*{}*{}*{}*{:02}{:02}{:02}*{}*^*00501*{:09}*0*{}*:~",
            pad("", 10),
            pad("", 10),
            pad(&env.sender_qualifier, 2),
            pad(&env.sender_id, 15),
            pad(&env.receiver_qualifier, 2),
            pad(&env.receiver_id, 15),
            d.year() % 100,
            d.month(),
            d.day(),
            hhmm(env.time),
            env.interchange_control % 1_000_000_000,
            env.usage
        );
    }

    pub fn gs(&mut self, env: &Envelope, functional_id: &str, version: &str, group_control: u32) {
        self.groups += 1;
        self.sets_in_group = 0;
        self.group_control = group_control;
        let (s, r) = (clean(&env.gs_sender), clean(&env.gs_receiver));
        let (d, t) = (ccyymmdd(env.date), hhmm(env.time));
        let g = group_control.to_string();
        self.seg(&["GS", functional_id, &s, &r, &d, &t, &g, "X", version]);
    }

    pub fn st(&mut self, id: &str, control: &str, version: &str) {
        self.sets_in_group += 1;
        self.set_segments = 0;
        self.set_control = control.to_string();
        // The 835 TR3 marks ST03 "not used"; every other guide Accord writes requires it.
        let version = if id == "835" { "" } else { version };
        self.seg(&["ST", id, control, version]);
    }

    pub fn se(&mut self) {
        let n = (self.set_segments + 1).to_string();
        let c = self.set_control.clone();
        self.seg(&["SE", &n, &c]);
    }

    pub fn ge(&mut self) {
        let n = self.sets_in_group.to_string();
        let g = self.group_control.to_string();
        self.seg(&["GE", &n, &g]);
    }

    pub fn iea(&mut self) {
        let n = self.groups.to_string();
        let c = format!("{:09}", self.interchange_control % 1_000_000_000);
        self.seg(&["IEA", &n, &c]);
    }

    /// Segments written in the open transaction set so far.
    pub fn set_segments(&self) -> u32 {
        self.set_segments
    }
}

/// Money as X12 writes it: no trailing zeros beyond what is needed, no plus sign.
pub fn money(d: rust_decimal::Decimal) -> String {
    d.normalize().to_string()
}
