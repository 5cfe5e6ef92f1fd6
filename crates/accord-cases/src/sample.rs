//! REC-04 reproducible random samples of a provider's claims.
//!
//! Like RAT-STATS' unrestricted random sample: the frame is the claims numbered in a fixed
//! order (sorted tracking numbers, duplicates removed, so the caller's order does not matter),
//! and a seed picks `size` of them without replacement. The same frame, size and seed always give
//! the same sample, on every platform (ChaCha8, indices drawn as `u32`).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::error::CaseError;

/// Draws `size` claims from `population` with `seed`; returned in frame order.
pub fn draw(population: &[String], size: usize, seed: u64) -> Result<Vec<String>, CaseError> {
    let mut frame: Vec<&str> = population
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .collect();
    frame.sort_unstable();
    frame.dedup();
    if size == 0 || size > frame.len() {
        return Err(CaseError::Invalid(format!(
            "a sample of {size} cannot be drawn from {} distinct claims",
            frame.len()
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut picked = rand::seq::index::sample(&mut rng, frame.len(), size).into_vec();
    picked.sort_unstable();
    Ok(picked.into_iter().map(|i| frame[i].to_owned()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("C{i:05}")).collect()
    }

    #[test]
    fn rec_04_sample_is_reproducible_and_order_independent() {
        let a = draw(&claims(500), 30, 42).unwrap();
        let mut shuffled = claims(500);
        shuffled.reverse();
        shuffled.push("C00001".into());
        assert_eq!(a, draw(&shuffled, 30, 42).unwrap());
        assert_eq!(a.len(), 30);
        assert_ne!(a, draw(&claims(500), 30, 43).unwrap());
        let mut sorted = a.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, a, "frame order, no repeats");
    }

    #[test]
    fn impossible_samples_are_refused() {
        assert!(draw(&claims(3), 4, 1).is_err());
        assert!(draw(&claims(3), 0, 1).is_err());
        assert_eq!(draw(&claims(3), 3, 1).unwrap(), claims(3));
    }
}
