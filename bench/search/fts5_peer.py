"""The peer of the exchange search benchmark: SQLite FTS5 over the same cases
and the same queries, doing the same work per query as the index does: the
reader's visibility filter, the facet filters, the top 20 by BM25 with the
same field weights and a snippet, the total, and the counts of the seven
facets (each facet's counts under the other facets' filters). Words are
matched all together first, and any of them when no case holds all.

    python3 fts5_peer.py OUT_DIR ROUNDS
"""
import json
import re
import sqlite3
import sys
import time

DIMENSIONS = ["area", "facet", "stage", "outcome", "evidence", "council", "year"]


def load(out_dir):
    db = sqlite3.connect(":memory:")
    db.executescript(
        """
        CREATE VIRTUAL TABLE docs USING fts5(title, summary, body, tags, tokenize = 'porter unicode61');
        CREATE TABLE meta (id INTEGER PRIMARY KEY, owner TEXT, council TEXT, area TEXT, facet TEXT,
                           stage TEXT, outcome TEXT, evidence TEXT, year TEXT, published INTEGER);
        CREATE TABLE vis (doc INTEGER, token TEXT);
        """
    )
    started = time.perf_counter()
    with open(f"{out_dir}/corpus.tsv", encoding="utf-8") as f:
        for rowid, line in enumerate(f, start=1):
            (_id, owner, council, vis, title, summary, body, tags, area, facet, stage, outcome,
             evidence, year, published) = line.rstrip("\n").split("\t")
            db.execute("INSERT INTO docs(rowid, title, summary, body, tags) VALUES (?,?,?,?,?)",
                       (rowid, title, summary, body, tags))
            db.execute("INSERT INTO meta VALUES (?,?,?,?,?,?,?,?,?,?)",
                       (rowid, owner, council, area, facet, stage, outcome, evidence, year, int(published)))
            for token in vis.split():
                db.execute("INSERT INTO vis VALUES (?,?)", (rowid, token))
    db.executescript(
        """
        CREATE INDEX vis_token ON vis(token, doc);
        CREATE INDEX meta_area ON meta(area);
        CREATE INDEX meta_published ON meta(published);
        """
    )
    db.commit()
    return db, time.perf_counter() - started


def words(text):
    return [w for w in re.findall(r"[a-z0-9]+", text.lower())]


def where(q, match, except_dim=None):
    """The WHERE clause and its parameters for a query."""
    clauses, params = [], []
    if match is not None:
        clauses.append("meta.id IN (SELECT rowid FROM docs WHERE docs MATCH ?)")
        params.append(match)
    tokens = ["public"] + ([f"org:{q['reader']}"] if q["reader"] else [])
    clauses.append(f"meta.id IN (SELECT doc FROM vis WHERE token IN ({','.join('?' * len(tokens))}))")
    params += tokens
    if q["reader"]:
        clauses.append("meta.owner != ?")
        params.append(q["reader"])
    for dim, values in q["filters"].items():
        if dim == except_dim:
            continue
        clauses.append(f"meta.{dim} IN ({','.join('?' * len(values))})")
        params += values
    return " AND ".join(clauses), params


def run(db, q):
    ws = words(q["text"])
    match = None
    if ws:
        match = " ".join(f'"{w}"' for w in ws)
        w, p = where(q, match)
        total = db.execute(f"SELECT count(*) FROM meta WHERE {w}", p).fetchone()[0]
        if total == 0 and len(ws) > 1:
            match = " OR ".join(f'"{w}"' for w in ws)
    w, p = where(q, match)
    total = db.execute(f"SELECT count(*) FROM meta WHERE {w}", p).fetchone()[0]
    offset = (q["page"] - 1) * 20
    if match is not None:
        wf, pf = where(q, None)
        rows = db.execute(
            f"""SELECT docs.rowid, snippet(docs, 2, '<mark>', '</mark>', '…', 30), bm25(docs, 3.0, 1.5, 1.0, 2.0) AS r
                FROM docs JOIN meta ON meta.id = docs.rowid
                WHERE docs MATCH ? AND {wf} ORDER BY r LIMIT 20 OFFSET ?""",
            [match] + pf + [offset],
        ).fetchall()
    else:
        rows = db.execute(
            f"SELECT id, council FROM meta WHERE {w} ORDER BY published DESC LIMIT 20 OFFSET ?",
            p + [offset],
        ).fetchall()
    facets = {}
    for dim in DIMENSIONS:
        w, p = where(q, match, except_dim=dim if dim in q["filters"] else None)
        facets[dim] = db.execute(
            f"SELECT {dim}, count(*) FROM meta WHERE {w} AND {dim} != '' GROUP BY {dim}", p
        ).fetchall()
    return total, rows, facets


def percentile(sorted_values, p):
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), -(-int(p * len(sorted_values)) // 100)))
    return sorted_values[rank - 1]


def main():
    out_dir, rounds = sys.argv[1], int(sys.argv[2])
    db, build = load(out_dir)
    with open(f"{out_dir}/queries.json", encoding="utf-8") as f:
        queries = json.load(f)
    times, totals = {}, []
    for round_no in range(rounds + 1):
        for q in queries:
            started = time.perf_counter()
            total, _rows, _facets = run(db, q)
            ms = (time.perf_counter() - started) * 1000
            if round_no == 0:
                totals.append(total)
                continue
            times.setdefault(q["class"], []).append(ms)
            times.setdefault("all", []).append(ms)
    latency = {}
    for cls, values in sorted(times.items()):
        values.sort()
        latency[cls] = {"n": len(values), "p50": round(percentile(values, 50), 3),
                        "p95": round(percentile(values, 95), 3), "p99": round(percentile(values, 99), 3)}
    print(json.dumps({"engine": "sqlite-fts5", "sqlite": sqlite3.sqlite_version, "build_s": round(build, 2),
                      "rounds": rounds, "queries_per_round": len(queries), "latency_ms": latency,
                      "totals": totals}))


if __name__ == "__main__":
    main()
