//! The exchange search benchmark (DESIGN.md §6: p95 < 10 ms over 100,000
//! cases). Generates the cases from a fixed seed, builds the index in
//! memory (as a server without `--search-index` does), runs a fixed mix of
//! queries with and without facet filters, as the public and as councils,
//! and prints the latency percentiles. It also writes the same cases and
//! queries to `--out`, for the SQLite FTS5 peer (`bench/search/fts5_peer.py`).
//!
//! `cargo run --release -p beacon-search --no-default-features --example bench -- --out DIR`
use beacon_search::corpus::{self, COUNCILS, QUERIES};
use beacon_search::{Dimension, Filters, Index, Request};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Instant;
use uuid::Uuid;

struct Args {
    cases: usize,
    seed: u64,
    rounds: usize,
    out: Option<PathBuf>,
}

fn args() -> Args {
    let mut a = Args {
        cases: 100_000,
        seed: 20_261_124,
        rounds: 20,
        out: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--cases" => a.cases = value.parse().unwrap_or(a.cases),
            "--seed" => a.seed = value.parse().unwrap_or(a.seed),
            "--rounds" => a.rounds = value.parse().unwrap_or(a.rounds),
            "--out" => a.out = Some(PathBuf::from(value)),
            other => {
                eprintln!("unknown argument {other}");
                std::process::exit(2);
            }
        }
    }
    a
}

/// One query of the mix.
struct Query {
    class: &'static str,
    reader: Option<Uuid>,
    request: Request,
}

fn filters(pairs: &[(Dimension, &str)]) -> Filters {
    let mut f = Filters::new();
    for (d, v) in pairs {
        f.entry(*d).or_default().insert((*v).to_owned());
    }
    f
}

/// The fixed mix: every query as typed, with one facet, with two, and as a
/// browse without words; half as the public and half as a council.
fn mix() -> Vec<Query> {
    let areas = [
        "adult_social_care",
        "housing",
        "corporate_services",
        "childrens_services",
    ];
    let mut out = Vec::new();
    for (i, text) in QUERIES.iter().enumerate() {
        let reader = (i % 2 == 1).then(|| corpus::council_id(i % COUNCILS.len()));
        let request = |filters: Filters| Request {
            text: (*text).to_owned(),
            filters,
            page: 1,
            per_page: 20,
        };
        out.push(Query {
            class: "text",
            reader,
            request: request(Filters::new()),
        });
        out.push(Query {
            class: "text + facets",
            reader,
            request: request(filters(&[(Dimension::Area, areas[i % areas.len()])])),
        });
        out.push(Query {
            class: "text + facets",
            reader,
            request: request(filters(&[
                (Dimension::Outcome, "stopped"),
                (Dimension::Year, "2023"),
                (Dimension::Year, "2024"),
            ])),
        });
        // The second page of the plain search.
        let mut second = request(Filters::new());
        second.page = 2;
        out.push(Query {
            class: "text",
            reader,
            request: second,
        });
    }
    for (i, area) in areas.iter().enumerate() {
        for with_reader in [false, true] {
            out.push(Query {
                class: "browse + facets",
                reader: with_reader.then(|| corpus::council_id(i)),
                request: Request {
                    text: String::new(),
                    filters: filters(&[(Dimension::Area, area)]),
                    page: 1,
                    per_page: 20,
                },
            });
        }
    }
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn write_peer_files(out: &PathBuf, cases: &[corpus::Case], ids: &[Uuid], queries: &[Query]) {
    std::fs::create_dir_all(out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    let clean = |s: &str| s.replace(['\t', '\n'], " ");
    let mut tsv = String::new();
    for (i, (c, id)) in cases.iter().zip(ids).enumerate() {
        let doc = c.publication(*id, i as i64);
        let vis = match &doc.visibility {
            beacon_search::Visibility::Public => "public".to_owned(),
            beacon_search::Visibility::Councils(orgs) => orgs
                .iter()
                .map(|o| format!("org:{o}"))
                .collect::<Vec<_>>()
                .join(" "),
        };
        let _ = writeln!(
            tsv,
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            id,
            doc.owner.map(|o| o.to_string()).unwrap_or_default(),
            clean(doc.council.as_deref().unwrap_or("")),
            vis,
            clean(&doc.title),
            clean(&doc.summary),
            clean(&doc.sections.join(" ")),
            clean(&doc.tags.join(", ")),
            doc.service_area,
            doc.facet,
            doc.stage,
            doc.outcome,
            doc.evidence_level,
            doc.year,
            doc.published,
        );
    }
    std::fs::write(out.join("corpus.tsv"), tsv).unwrap_or_else(|e| panic!("corpus: {e}"));
    let mut json = String::from("[\n");
    for (i, q) in queries.iter().enumerate() {
        let filters: Vec<String> = q
            .request
            .filters
            .iter()
            .map(|(d, vs)| {
                let vs: Vec<String> = vs.iter().map(|v| format!("\"{v}\"")).collect();
                format!("\"{}\": [{}]", d.key(), vs.join(", "))
            })
            .collect();
        let _ = writeln!(
            json,
            "  {{\"class\": \"{}\", \"text\": \"{}\", \"page\": {}, \"reader\": {}, \"filters\": {{{}}}}}{}",
            q.class,
            q.request.text,
            q.request.page,
            q.reader
                .map(|r| format!("\"{r}\""))
                .unwrap_or_else(|| "null".into()),
            filters.join(", "),
            if i + 1 < queries.len() { "," } else { "" }
        );
    }
    json.push_str("]\n");
    std::fs::write(out.join("queries.json"), json).unwrap_or_else(|e| panic!("queries: {e}"));
}

fn main() {
    let args = args();
    let started = Instant::now();
    let cases = corpus::cases(args.seed, args.cases);
    let ids: Vec<Uuid> = (0..cases.len())
        .map(|i| Uuid::from_u128((u128::from(args.seed) << 64) | i as u128))
        .collect();
    let generated = started.elapsed();
    let queries = mix();
    if let Some(out) = &args.out {
        write_peer_files(out, &cases, &ids, &queries);
    }

    let index = Index::in_memory();
    let started = Instant::now();
    let docs: Vec<_> = cases
        .iter()
        .zip(&ids)
        .enumerate()
        .map(|(i, (c, id))| c.publication(*id, 1_600_000_000 + i as i64))
        .collect();
    let written = index
        .replace_all(docs, 1)
        .unwrap_or_else(|e| panic!("build: {e}"));
    let built = started.elapsed();

    // One round to warm up, then the timed rounds.
    let mut times: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut totals = Vec::new();
    for round in 0..=args.rounds {
        for q in &queries {
            let t = Instant::now();
            let found = index
                .search(q.reader, &q.request)
                .unwrap_or_else(|e| panic!("search: {e}"));
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            if round == 0 {
                totals.push(found.total);
                continue;
            }
            times.entry(q.class).or_default().push(ms);
            times.entry("all").or_default().push(ms);
        }
    }
    let mut report = String::new();
    let _ = writeln!(
        report,
        "{{\"engine\": \"tantivy\", \"cases\": {}, \"entries\": {written}, \"generate_s\": {:.2}, \"build_s\": {:.2}, \"rounds\": {}, \"queries_per_round\": {},",
        args.cases,
        generated.as_secs_f64(),
        built.as_secs_f64(),
        args.rounds,
        queries.len()
    );
    let _ = write!(report, " \"latency_ms\": {{");
    let mut first = true;
    for (class, mut v) in times {
        v.sort_by(f64::total_cmp);
        let _ = write!(
            report,
            "{}\"{class}\": {{\"n\": {}, \"p50\": {:.3}, \"p95\": {:.3}, \"p99\": {:.3}}}",
            if first { "" } else { ", " },
            v.len(),
            percentile(&v, 50.0),
            percentile(&v, 95.0),
            percentile(&v, 99.0)
        );
        first = false;
    }
    let _ = writeln!(
        report,
        "}}, \"totals\": [{}]}}",
        totals
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );
    let _ = std::io::stdout().write_all(report.as_bytes());
}
