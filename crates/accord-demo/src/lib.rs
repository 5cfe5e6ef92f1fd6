//! # accord-demo
//!
//! Deterministic synthetic data for the demo, tests and benchmarks: a seed and a scale in, plain
//! records out. No I/O, no clock, no storage: the caller (the `accord demo` command) decides where
//! the data goes. The same [`DemoOptions`] always give the same records, byte for byte, on every
//! machine (ChaCha8 is a portable, specified generator).
//!
//! The generator is split by area so later steps grow it beside what is here: [`population`]
//! (members, eligibility, other coverage), [`network`] (providers, locations, pay-to vendors,
//! status and sanctions) and [`claims`] (a month of 837P/837I claims for that population and
//! network under a loaded plan, with the prior authorizations they need and the seeds' edge cases
//! mixed in — duplicates across providers (CLM-06), retro terminations and plan switches
//! (ELIG-01/02), sanctioned providers (NET-05/08), residential per diem (PAY-01, CLM-02), late
//! filing (CLM-02), daily caps (CLM-08), thresholds and authorizations (UM-01, CLM-07), other
//! coverage (PAY-03/04) and claims intake rejects (CLM-01/04); `claims::write_files` writes the
//! 837 files and `claims::authorizations_csv` the authorizations). Cases will be a further module.

pub mod claims;
pub mod names;
pub mod network;
pub mod population;

use accord_core::Date;
use accord_core::member::Program;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub use network::Network;
pub use population::Population;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Number of members.
    pub members: u32,
    /// Random seed: the same seed gives the same data.
    pub seed: u64,
    /// The demo's "today": every date is placed relative to it.
    pub as_of: Date,
    /// The plan's code (its eligibility spans carry it).
    pub plan_code: String,
    /// The plan's program.
    pub program: Program,
}

impl DemoOptions {
    /// Number of providers for this scale: 300 for the default 10,000 members, growing with the
    /// population (three providers per 100 members) above that.
    pub fn providers(&self) -> u32 {
        (self.members / 100 * 3).max(300)
    }
}

/// Everything the demo loads, generated together so the parts agree (e.g. a member's other
/// coverage lies within their life).
#[derive(Debug, Clone)]
pub struct DemoData {
    /// Members and their coverage.
    pub population: Population,
    /// Providers and their standing.
    pub network: Network,
}

/// Generates the demo data for `opts`.
pub fn generate(opts: &DemoOptions) -> DemoData {
    // Separate streams per area, so adding a field to one area does not reshuffle the other.
    let mut pop_rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let mut net_rng = ChaCha8Rng::seed_from_u64(opts.seed ^ 0x6e65_7477_6f72_6b00);
    DemoData {
        population: population::generate(opts, &mut pop_rng),
        network: network::generate(opts, &mut net_rng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn opts(seed: u64) -> DemoOptions {
        DemoOptions {
            members: 2_000,
            seed,
            as_of: date(2026, 11, 2),
            plan_code: "ACCORD-IL".into(),
            program: Program::Medicaid,
        }
    }

    #[test]
    fn same_seed_same_data() {
        let a = generate(&opts(7));
        let b = generate(&opts(7));
        assert_eq!(a.population.members, b.population.members);
        assert_eq!(a.population.spans, b.population.spans);
        assert_eq!(a.network.providers, b.network.providers);
        let c = generate(&opts(8));
        assert_ne!(a.population.members, c.population.members);
    }
}
