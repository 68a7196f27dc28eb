//! The command line end to end: the real binary, its JSON and its exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn orlib_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/orlib")
}

fn beacon_match(args: &[&str]) -> (i32, Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_beacon-match"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let json = if stdout.trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&stdout).unwrap()
    };
    (
        out.status.code().unwrap(),
        json,
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("beacon-match-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Published optima of the OR-Library instances (data/orlib/README.md).
const OPTIMA: [(&str, i64); 8] = [
    ("assign100.txt", 305),
    ("assign200.txt", 475),
    ("assign300.txt", 626),
    ("assign400.txt", 804),
    ("assign500.txt", 991),
    ("assign600.txt", 1176),
    ("assign700.txt", 1362),
    ("assign800.txt", 1552),
];

#[test]
fn every_orlib_instance_reaches_its_optimum_through_the_command_line() {
    for (file, optimum) in OPTIMA {
        let path = orlib_dir().join(file);
        let (code, json, stderr) = beacon_match(&[
            "assign",
            "--format",
            "orlib",
            "--input",
            path.to_str().unwrap(),
        ]);
        assert_eq!(code, 0, "{file}: {stderr}");
        assert_eq!(json["objective"], optimum, "{file}");
        let n: usize = file[6..9].parse().unwrap();
        assert_eq!(json["assigned"], n);
        assert!(json["solve_seconds"].as_f64().unwrap() >= 0.0);
        assert_eq!(json["certificate_verified"], true);
        // The pairs are a permutation whose costs add up to the objective.
        let text = std::fs::read_to_string(&path).unwrap();
        let costs: Vec<i64> = text
            .split_whitespace()
            .skip(1)
            .map(|t| t.parse().unwrap())
            .collect();
        let pairs = json["pairs"].as_array().unwrap();
        let mut cols = vec![false; n];
        let mut total = 0;
        for pair in pairs {
            let (r, c) = (
                pair[0].as_u64().unwrap() as usize,
                pair[1].as_u64().unwrap() as usize,
            );
            assert!(!std::mem::replace(&mut cols[c], true));
            total += costs[r * n + c];
        }
        assert_eq!(total, optimum);
    }
}

#[test]
fn bad_orlib_input_names_file_and_line_and_exits_2() {
    let path = temp_file("bad.txt", "3\n1 2 3\n4 x 6\n7 8 9\n");
    let (code, json, stderr) = beacon_match(&[
        "assign",
        "--format",
        "orlib",
        "--input",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert_eq!(json, Value::Null);
    assert!(
        stderr.contains(&format!("{}:3:", path.display())),
        "{stderr}"
    );
    assert!(stderr.contains("\"x\""), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn missing_file_exits_2() {
    let (code, _, stderr) = beacon_match(&[
        "assign",
        "--format",
        "orlib",
        "--input",
        "/nonexistent/file.txt",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("/nonexistent/file.txt"), "{stderr}");
}

/// Two posts, "analyst" with room for two. Ann (tier 1) and Bob (tier 2) both score best
/// at "clerk", which holds one; Cat can only go to "analyst". Everyone can be placed
/// either way, so the score decides: 9 + 2 + 3 = 14 beats 8.5 + 1 + 3 = 12.5.
#[test]
fn csv_with_capacities_and_tiers() {
    let pairs = temp_file(
        "pairs.csv",
        "person,post,score,tier\nann,clerk,9,1\nann,analyst,1,1\nbob,clerk,8.5,2\nbob,analyst,2,2\ncat,analyst,3,2\n",
    );
    let caps = temp_file("caps.csv", "post,capacity\nanalyst,2\n");
    let (code, json, stderr) = beacon_match(&[
        "assign",
        "--format",
        "csv",
        "--input",
        pairs.to_str().unwrap(),
        "--capacities",
        caps.to_str().unwrap(),
        "--maximize",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["objective"].as_f64().unwrap(), 14.0);
    assert_eq!(json["assigned"], 3);
    let mut got: Vec<(String, String)> = json["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p[0].as_str().unwrap().to_owned(),
                p[1].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    got.sort();
    let want = [("ann", "clerk"), ("bob", "analyst"), ("cat", "analyst")];
    assert_eq!(got, want.map(|(a, b)| (a.to_owned(), b.to_owned())));
    assert_eq!(json["placed_by_tier"], serde_json::json!([1, 2]));
    assert_eq!(json["certificate_verified"], true);
}

/// Three people for one single place: placing everyone is impossible, which is a valid
/// answer (exit 1), not an error; without --require-all the best one is placed.
#[test]
fn csv_infeasible_when_everyone_must_be_placed() {
    let pairs = temp_file("crowd.csv", "person,post,score\na,p,1\nb,p,2\nc,p,3\n");
    let path = pairs.to_str().unwrap();
    let (code, json, _) = beacon_match(&[
        "assign",
        "--format",
        "csv",
        "--input",
        path,
        "--require-all",
    ]);
    assert_eq!(code, 1);
    assert_eq!(json["status"], "infeasible");
    let (code, json, _) = beacon_match(&["assign", "--format", "csv", "--input", path]);
    assert_eq!(code, 0);
    assert_eq!(json["pairs"], serde_json::json!([["a", "p"]]));
    assert_eq!(json["unplaced"], serde_json::json!(["b", "c"]));
}

#[test]
fn bad_csv_input_names_file_and_line() {
    let pairs = temp_file("badpairs.csv", "person,post,score\na,p,1\nb,q,lots\n");
    let (code, _, stderr) = beacon_match(&[
        "assign",
        "--format",
        "csv",
        "--input",
        pairs.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}:3:", pairs.display())),
        "{stderr}"
    );

    let pairs = temp_file("dup.csv", "person,post,score\na,p,1\na,p,2\n");
    let (code, _, stderr) = beacon_match(&[
        "assign",
        "--format",
        "csv",
        "--input",
        pairs.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(":3:") && stderr.contains("line 2"),
        "{stderr}"
    );

    let pairs = temp_file("ok.csv", "person,post,score\na,p,1\n");
    let caps = temp_file("badcaps.csv", "post,capacity\np,-1\n");
    let (code, _, stderr) = beacon_match(&[
        "assign",
        "--format",
        "csv",
        "--input",
        pairs.to_str().unwrap(),
        "--capacities",
        caps.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}:2:", caps.display())),
        "{stderr}"
    );
}

/// Two people, two posts. Both people prefer "a"; post "a" prefers Ben. Deferred
/// acceptance gives Ben "a" and Ann "b"; the rank-sum optimum is the same here.
#[test]
fn stable_matching_from_preference_files() {
    let people = temp_file(
        "people.csv",
        "person,post,rank\nann,a,1\nann,b,2\nben,a,1\nben,b,2\n",
    );
    let posts = temp_file(
        "posts.csv",
        "post,person,rank\na,ben,1\na,ann,2\nb,ann,1\nb,ben,2\n",
    );
    let (code, json, stderr) = beacon_match(&[
        "stable",
        "--people",
        people.to_str().unwrap(),
        "--posts",
        posts.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        json["pairs"],
        serde_json::json!([["ann", "b"], ["ben", "a"]])
    );
    assert_eq!(json["blocking_pairs"], 0);
    assert_eq!(json["stability_cost"]["extra_rank"], 0);
}

#[test]
fn stable_rejects_tied_ranks_with_the_line() {
    let people = temp_file("tied.csv", "person,post,rank\nann,a,1\nann,b,1\n");
    let posts = temp_file("posts2.csv", "post,person,rank\na,ann,1\n");
    let (code, _, stderr) = beacon_match(&[
        "stable",
        "--people",
        people.to_str().unwrap(),
        "--posts",
        posts.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}:3:", people.display())),
        "{stderr}"
    );
}

const PROFILES: &str = "\
person,grade,weekly_hours,easting,northing,max_travel_km,sites,preferred_areas,qualifications,experience,Leadership,Delivery
ann,4,37.5,530000,180000,10,,housing,licence@2030-01-01,housing:36,5,4
ben,4,37.5,530000,180000,10,,,licence@2020-01-01,housing:12,5,5
cat,4,37.5,530000,180000,10,,housing,licence,,2,1
dan,7,37.5,530000,180000,10,,housing,licence,housing:36,5,5
";

const VACANCY: &str = r#"{
  "id": "housing-officer",
  "service_area": "housing",
  "essential": [{"code": "licence"}],
  "strengths": [{"strength": "Leadership", "level": 4, "weight": 2}, {"strength": "delivery", "level": 4, "weight": 1}],
  "experience": [{"area": "housing", "months": 24}],
  "grade_min": 3, "grade_max": 5, "weekly_hours": 37,
  "site": "town hall", "location": {"easting": 531000, "northing": 180000}
}"#;

/// Ben's licence has expired and Dan's grade is outside the band, so only Ann and Cat are
/// ranked; Ann meets every strength, has the experience and prefers housing.
#[test]
fn rank_candidates_for_a_vacancy() {
    let profiles = temp_file("profiles.csv", PROFILES);
    let vacancy = temp_file("vacancy.json", VACANCY);
    let (code, json, stderr) = beacon_match(&[
        "rank",
        "--profiles",
        profiles.to_str().unwrap(),
        "--vacancy",
        vacancy.to_str().unwrap(),
        "--today",
        "2026-11-22",
        "--top",
        "5",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(json["considered"], 4);
    assert_eq!(json["eligible"], 2);
    let top = json["top"].as_array().unwrap();
    assert_eq!(top[0]["person"], "ann");
    assert_eq!(top[1]["person"], "cat");
    assert_eq!(top[0]["score"].as_f64().unwrap(), 100.0);
    assert!(top[1]["score"].as_f64().unwrap() < 100.0);
    assert_eq!(top[0]["components"][0]["component"], "strengths");
}

#[test]
fn rank_opportunities_for_a_person() {
    let profiles = temp_file("profiles2.csv", PROFILES);
    let other = VACANCY
        .replace("housing-officer", "parks-officer")
        .replace("\"housing\",", "\"parks\",");
    let vacancies = temp_file("vacancies.json", &format!("[{VACANCY}, {other}]"));
    let (code, json, stderr) = beacon_match(&[
        "rank",
        "--profiles",
        profiles.to_str().unwrap(),
        "--person",
        "ann",
        "--vacancies",
        vacancies.to_str().unwrap(),
        "--today",
        "2026-11-22",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let top = json["top"].as_array().unwrap();
    assert_eq!(top.len(), 2);
    // Ann prefers housing, so the housing post ranks first.
    assert_eq!(top[0]["vacancy"], "housing-officer");
    assert_eq!(top[1]["vacancy"], "parks-officer");
}

#[test]
fn rank_bad_profile_names_the_line() {
    let profiles = temp_file(
        "badprofiles.csv",
        &PROFILES.replace("cat,4,37.5", "cat,four,37.5"),
    );
    let vacancy = temp_file("vacancy2.json", VACANCY);
    let (code, _, stderr) = beacon_match(&[
        "rank",
        "--profiles",
        profiles.to_str().unwrap(),
        "--vacancy",
        vacancy.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}:4:", profiles.display())),
        "{stderr}"
    );

    let profiles = temp_file("profiles3.csv", PROFILES);
    let vacancy = temp_file("badvacancy.json", "{\n  \"id\": \"x\",\n  \"colour\": 1\n}");
    let (code, _, stderr) = beacon_match(&[
        "rank",
        "--profiles",
        profiles.to_str().unwrap(),
        "--vacancy",
        vacancy.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains(&format!("{}:3:", vacancy.display())),
        "{stderr}"
    );
}
