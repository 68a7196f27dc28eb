//! Every OR-Library assignment instance reaches its published optimum, with a certificate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use beacon_match::certificate::verify_dense;
use beacon_match::{Sense, parse, solve_dense_i64};

/// Optima published with the instances (see data/orlib/README.md).
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

pub fn orlib_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/orlib")
}

#[test]
fn every_orlib_instance_reaches_its_published_optimum() {
    for (file, optimum) in OPTIMA {
        let text = std::fs::read_to_string(orlib_dir().join(file)).expect(file);
        let matrix = parse::orlib(&text).expect(file);
        let solution = solve_dense_i64(&matrix, Sense::Minimise).expect(file);
        assert_eq!(solution.objective, optimum, "{file}");
        verify_dense(&matrix, Sense::Minimise, &solution, 0).expect(file);
    }
}
