//! Top-k by strengths against sorting everyone, and whole-score ranking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use beacon_match::rank::{StrengthMatrix, top_k, top_k_by_strengths};
use beacon_match::score::DesiredStrength;
use proptest::prelude::*;

fn naive(
    rows: &[Vec<u8>],
    wanted: &[DesiredStrength],
    k: usize,
    ok: &dyn Fn(usize) -> bool,
) -> Vec<(usize, u32)> {
    let mut all: Vec<(usize, u32)> = rows
        .iter()
        .enumerate()
        .filter(|(p, _)| ok(*p))
        .map(|(p, row)| {
            let fit = wanted
                .iter()
                .map(|d| u32::from(d.weight) * u32::from(row[d.strength].min(d.level)))
                .sum();
            (p, fit)
        })
        .collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    all.truncate(k);
    all
}

fn case(
    max_strengths: usize,
) -> impl Strategy<Value = (usize, Vec<Vec<u8>>, Vec<DesiredStrength>, usize, u64)> {
    (1usize..=max_strengths, 0usize..3000).prop_flat_map(|(s, n)| {
        (
            prop::collection::vec(prop::collection::vec(0u8..=5, s), n),
            prop::collection::vec((0..s, 0u8..=5, any::<u8>()), 0..=s.min(60)),
            0usize..40,
            any::<u64>(),
        )
            .prop_map(move |(rows, wanted, k, mask)| {
                let wanted = wanted
                    .into_iter()
                    .map(|(strength, level, weight)| DesiredStrength {
                        strength,
                        level,
                        weight,
                    })
                    .collect();
                (s, rows, wanted, k, mask)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn top_k_matches_sorting_everyone((strengths, rows, wanted, k, mask) in case(40)) {
        let m = StrengthMatrix::from_people(strengths, rows.iter().map(Vec::as_slice)).unwrap();
        let all = |_: usize| true;
        prop_assert_eq!(top_k_by_strengths(&m, &wanted, k, None).unwrap(), naive(&rows, &wanted, k, &all));
        let some = move |p: usize| (mask >> (p % 64)) & 1 == 1;
        prop_assert_eq!(top_k_by_strengths(&m, &wanted, k, Some(&some)).unwrap(), naive(&rows, &wanted, k, &some));
    }

    /// Past 51 wanted strengths the totals no longer fit 16 bits; the wide path must agree.
    #[test]
    fn wide_totals_are_exact((strengths, rows, wanted, k, _) in case(70)) {
        let m = StrengthMatrix::from_people(strengths, rows.iter().map(Vec::as_slice)).unwrap();
        let mut many = wanted.clone();
        many.extend(wanted.iter().copied());
        many.extend(wanted.iter().copied());
        let all = |_: usize| true;
        prop_assert_eq!(top_k_by_strengths(&m, &many, k, None).unwrap(), naive(&rows, &many, k, &all));
    }

    #[test]
    fn top_k_of_scores(scores in prop::collection::vec(-100.0f64..100.0, 0..200), k in 0usize..20) {
        let got = top_k(scores.iter().copied().enumerate(), k);
        let mut want: Vec<(usize, f64)> = scores.iter().copied().enumerate().collect();
        want.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        want.truncate(k);
        prop_assert_eq!(got, want);
    }
}

#[test]
fn bad_matrices_are_refused() {
    assert!(StrengthMatrix::from_people(2, [&[1u8, 2][..], &[1][..]]).is_err());
    assert!(StrengthMatrix::from_people(1, [&[6u8][..]]).is_err());
    let m = StrengthMatrix::from_people(1, [&[1u8][..]]).unwrap();
    let d = DesiredStrength {
        strength: 3,
        level: 1,
        weight: 1,
    };
    assert!(top_k_by_strengths(&m, &[d], 1, None).is_err());
}
