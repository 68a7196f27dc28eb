"""Print the exchange search benchmark's table (markdown) from the two runs."""
import json
import sys

TARGET_P95_MS = 10.0


def main():
    ours = json.load(open(sys.argv[1], encoding="utf-8"))
    peer = json.load(open(sys.argv[2], encoding="utf-8"))
    print(f"{ours['cases']:,} cases ({ours['entries']:,} entries), {ours['queries_per_round']} queries a round; "
          f"tantivy {ours['rounds']} rounds, SQLite {peer['sqlite']} FTS5 {peer['rounds']} rounds")
    print(f"build: tantivy {ours['build_s']} s, FTS5 {peer['build_s']} s")
    print()
    print("| queries | n | tantivy p50 | p95 | p99 | FTS5 p50 | p95 | p99 | p95 FTS5 / tantivy |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for cls in ["text", "text + facets", "browse + facets", "all"]:
        a, b = ours["latency_ms"][cls], peer["latency_ms"][cls]
        ratio = b["p95"] / a["p95"] if a["p95"] else float("inf")
        print(f"| {cls} | {a['n']} | {a['p50']:.2f} ms | {a['p95']:.2f} ms | {a['p99']:.2f} ms | "
              f"{b['p50']:.2f} ms | {b['p95']:.2f} ms | {b['p99']:.2f} ms | {ratio:.1f} |")
    p95 = ours["latency_ms"]["all"]["p95"]
    verdict = "met" if p95 < TARGET_P95_MS else "NOT met"
    print()
    print(f"target p95 < {TARGET_P95_MS:.0f} ms: {verdict} (p95 {p95:.2f} ms)")
    same = sum(1 for x, y in zip(ours["totals"], peer["totals"]) if x == y)
    close = sum(1 for x, y in zip(ours["totals"], peer["totals"]) if abs(x - y) <= 0.05 * max(x, y, 1))
    print(f"result counts: {same} of {len(ours['totals'])} queries equal, {close} within 5% "
          "(the stemmers differ: Snowball English against Porter)")


if __name__ == "__main__":
    main()
