//! Ranking: the top `k` of a large pool.
//!
//! The fast path ranks by strengths fit alone, `Σ weight × min(level held, level wanted)`,
//! which is where a million profiles are won or lost. The matrix is stored strength by
//! strength, so each step of the loop applies one strength to a block of people at once:
//! byte minimum, multiply, add, in lanes the compiler can vectorise. A block's totals are
//! then checked against the worst of the best `k` kept in a heap, which rarely lets one
//! in. Whole scores with explanations ([`crate::score`]) are then computed for the few
//! that are shown.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::score::{DesiredStrength, MAX_STRENGTH};

/// People's strengths, 0–5, stored strength-major: `data[s * people + p]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StrengthMatrix {
    people: usize,
    strengths: usize,
    data: Vec<u8>,
}

/// Why a strength matrix or query cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RankError {
    #[error("person {person} has {got} strengths, expected {expected}")]
    Width {
        person: usize,
        got: usize,
        expected: usize,
    },
    #[error("person {person} has a strength above {MAX_STRENGTH}")]
    Level { person: usize },
    #[error("strength {0} is not in the framework")]
    NoSuchStrength(usize),
}

impl StrengthMatrix {
    /// Builds the matrix from each person's strengths in framework order.
    pub fn from_people<'a>(
        strengths: usize,
        people: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Self, RankError> {
        let rows: Vec<&[u8]> = people.into_iter().collect();
        let n = rows.len();
        let mut data = vec![0u8; n * strengths];
        for (p, row) in rows.iter().enumerate() {
            if row.len() != strengths {
                return Err(RankError::Width {
                    person: p,
                    got: row.len(),
                    expected: strengths,
                });
            }
            for (s, &level) in row.iter().enumerate() {
                if level > MAX_STRENGTH {
                    return Err(RankError::Level { person: p });
                }
                data[s * n + p] = level;
            }
        }
        Ok(Self {
            people: n,
            strengths,
            data,
        })
    }

    pub fn people(&self) -> usize {
        self.people
    }
    pub fn strengths(&self) -> usize {
        self.strengths
    }
    pub fn level(&self, person: usize, strength: usize) -> u8 {
        self.data[strength * self.people + person]
    }
}

/// People scored at most this many at once; a block's totals stay in L1 cache.
const BLOCK: usize = 1024;

/// The `k` people with the best strengths fit, best first (ties to the lower index),
/// among those `eligible` allows. Fits are whole numbers: `Σ weight × min(held, wanted)`.
pub fn top_k_by_strengths(
    matrix: &StrengthMatrix,
    wanted: &[DesiredStrength],
    k: usize,
    eligible: Option<&dyn Fn(usize) -> bool>,
) -> Result<Vec<(usize, u32)>, RankError> {
    for d in wanted {
        if d.strength >= matrix.strengths {
            return Err(RankError::NoSuchStrength(d.strength));
        }
    }
    // Only strengths that count; levels capped at the scale's top.
    let terms: Vec<(usize, u8, u16)> = wanted
        .iter()
        .filter(|d| d.weight > 0 && d.level > 0)
        .map(|d| (d.strength, d.level.min(MAX_STRENGTH), u16::from(d.weight)))
        .collect();
    let n = matrix.people;
    // 255 × 5 × strengths must fit the accumulator: u16 up to 51 strengths, else u32.
    let fits_u16 = terms.len() * 255 * usize::from(MAX_STRENGTH) <= usize::from(u16::MAX);
    let mut heap: BinaryHeap<Reverse<(u32, Reverse<usize>)>> = BinaryHeap::with_capacity(k + 1);
    if k == 0 {
        return Ok(Vec::new());
    }
    let mut acc16 = [0u16; BLOCK];
    let mut acc32 = [0u32; BLOCK];
    let mut start = 0;
    while start < n {
        let len = BLOCK.min(n - start);
        if fits_u16 {
            let acc = &mut acc16[..len];
            acc.fill(0);
            // Four strengths a pass, so the totals are loaded and stored a quarter as often.
            let mut quads = terms.chunks_exact(4);
            for q in &mut quads {
                let col = |t: usize| &matrix.data[q[t].0 * n + start..q[t].0 * n + start + len];
                let (c0, c1, c2, c3) = (col(0), col(1), col(2), col(3));
                for (k, a) in acc.iter_mut().enumerate() {
                    *a += u16::from(c0[k].min(q[0].1)) * q[0].2
                        + u16::from(c1[k].min(q[1].1)) * q[1].2
                        + u16::from(c2[k].min(q[2].1)) * q[2].2
                        + u16::from(c3[k].min(q[3].1)) * q[3].2;
                }
            }
            for &(s, level, weight) in quads.remainder() {
                let column = &matrix.data[s * n + start..s * n + start + len];
                for (a, &held) in acc.iter_mut().zip(column) {
                    *a += u16::from(held.min(level)) * weight;
                }
            }
            for (a, b) in acc32[..len].iter_mut().zip(acc.iter()) {
                *a = u32::from(*b);
            }
        } else {
            let acc = &mut acc32[..len];
            acc.fill(0);
            for &(s, level, weight) in &terms {
                let column = &matrix.data[s * n + start..s * n + start + len];
                for (a, &held) in acc.iter_mut().zip(column) {
                    *a += u32::from(held.min(level)) * u32::from(weight);
                }
            }
        }
        let mut floor = if heap.len() < k {
            None
        } else {
            heap.peek().map(|r| r.0)
        };
        for (offset, &fit) in acc32[..len].iter().enumerate() {
            let person = start + offset;
            let entry = (fit, Reverse(person));
            if floor.is_some_and(|f| entry <= f) {
                continue;
            }
            if eligible.is_some_and(|ok| !ok(person)) {
                continue;
            }
            heap.push(Reverse(entry));
            if heap.len() > k {
                heap.pop();
            }
            if heap.len() == k {
                floor = heap.peek().map(|r| r.0);
            }
        }
        start += len;
    }
    let mut best: Vec<(usize, u32)> = heap
        .into_iter()
        .map(|Reverse((fit, Reverse(p)))| (p, fit))
        .collect();
    best.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Ok(best)
}

/// The `k` best of any scored items, best first (ties to the lower index). For whole
/// scores, where there is no matrix to stream.
pub fn top_k<T>(items: impl IntoIterator<Item = (T, f64)>, k: usize) -> Vec<(T, f64)> {
    let mut all: Vec<(usize, T, f64)> = items
        .into_iter()
        .enumerate()
        .filter(|(_, (_, s))| !s.is_nan())
        .map(|(i, (t, s))| (i, t, s))
        .collect();
    let by_rank =
        |a: &(usize, T, f64), b: &(usize, T, f64)| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0));
    if all.len() > k && k > 0 {
        all.select_nth_unstable_by(k - 1, by_rank);
    }
    all.truncate(k);
    all.sort_unstable_by(by_rank);
    all.into_iter().map(|(_, t, s)| (t, s)).collect()
}
