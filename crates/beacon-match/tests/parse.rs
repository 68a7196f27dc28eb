//! The parsers never panic, whatever the text, and read what they should.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use beacon_match::parse;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn orlib_never_panics(text in any::<String>()) {
        let _ = parse::orlib(&text);
    }

    /// Text shaped like the format, with damage here and there.
    #[test]
    fn orlib_near_misses_never_panic(tokens in prop::collection::vec("[0-9x -]{0,4}", 0..40)) {
        let _ = parse::orlib(&tokens.join(" "));
    }

    #[test]
    fn csv_parsers_never_panic(text in any::<String>()) {
        let _ = parse::pairs_csv(&text);
        let _ = parse::capacities_csv(&text);
        let _ = parse::preferences_csv(&text, ["person", "post", "rank"]);
        let _ = parse::profiles_csv(&text);
        let _ = parse::vacancies_json(&text, &["a".to_owned()]);
        let _ = parse::day(&text);
    }

    #[test]
    fn profile_near_misses_never_panic(rows in prop::collection::vec("[a-c]{0,2},[0-9x]{0,2},[0-9.]{0,5},[0-9-]{0,7},[0-9]{0,7},[0-9]{0,3},[a-z;]{0,5},[a-z;]{0,5},[a-z@0-9;-]{0,14},[a-z:0-9;]{0,8},[0-9]{0,2}", 0..6)) {
        let header = "person,grade,weekly_hours,easting,northing,max_travel_km,sites,preferred_areas,qualifications,experience,s1";
        let _ = parse::profiles_csv(&format!("{header}\n{}", rows.join("\n")));
    }

    #[test]
    fn pairs_csv_near_misses_never_panic(
        rows in prop::collection::vec("[a-c]{0,2},[p-q]{0,1},[-+0-9.e]{0,8}(,[0-9]{0,2})?", 0..10),
        tiers in any::<bool>(),
    ) {
        let header = if tiers { "person,post,score,tier" } else { "person,post,score" };
        let _ = parse::pairs_csv(&format!("{header}\n{}", rows.join("\n")));
    }

    /// Any matrix written out reads back the same.
    #[test]
    fn orlib_round_trips(n in 0usize..6, seed in prop::collection::vec(-1000i64..1000, 36)) {
        let mut text = format!("{n}\n");
        for i in 0..n {
            let row: Vec<String> = (0..n).map(|j| seed[i * n + j].to_string()).collect();
            text.push_str(&row.join(" "));
            text.push('\n');
        }
        let m = parse::orlib(&text).unwrap();
        prop_assert_eq!(m.as_slice(), &seed[..n * n]);
    }

    /// Decimal scores are scaled to integers exactly, by the most places any score has.
    #[test]
    fn scores_scale_exactly(whole in prop::collection::vec((-99999i64..99999, 0u32..1000), 1..6)) {
        let mut text = String::from("person,post,score\n");
        for (k, (w, f)) in whole.iter().enumerate() {
            text.push_str(&format!("p{k},q,{w}.{f:03}\n"));
        }
        let parsed = parse::pairs_csv(&text).unwrap();
        // Scaling by 10^decimals must give back each number's digits exactly.
        let scale = 10i64.pow(parsed.decimals);
        for ((_, _, s), (w, f)) in parsed.pairs.iter().zip(&whole) {
            let exact = w * 1000 + if *w < 0 { -(*f as i64) } else { *f as i64 };
            prop_assert_eq!(s * 1000, exact * scale);
        }
    }
}

#[test]
fn orlib_errors_name_the_line() {
    let e = parse::orlib("2\n1 2\n3\n").unwrap_err();
    assert_eq!(e.line, 3);
    let e = parse::orlib("2\n1 2\n3 4 5\n").unwrap_err();
    assert_eq!(e.line, 3);
    let e = parse::orlib("").unwrap_err();
    assert_eq!(e.line, 0);
}

#[test]
fn pairs_csv_reads_tiers_and_rejects_conflicts() {
    let p = parse::pairs_csv("person,post,score,tier\na,x,1.5,1\nb,x,2,2\na,y,3,1\n").unwrap();
    assert_eq!(p.people, ["a", "b"]);
    assert_eq!(p.posts, ["x", "y"]);
    assert_eq!(p.decimals, 1);
    assert_eq!(p.pairs, [(0, 0, 15), (1, 0, 20), (0, 1, 30)]);
    assert_eq!(p.tiers, Some(vec![1, 2]));
    let e = parse::pairs_csv("person,post,score,tier\na,x,1,1\na,y,1,2\n").unwrap_err();
    assert_eq!(e.line, 3);
    let e = parse::pairs_csv("who,post,score\n").unwrap_err();
    assert_eq!(e.line, 1);
    let e = parse::pairs_csv("person,post,score\na,x,1,2\n").unwrap_err();
    assert_eq!(e.line, 2);
}
