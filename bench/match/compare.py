"""Times Beacon's matching engine beside scipy and PyPI `lap` on the same instances.

Each instance is built once (with a fixed seed) and handed to every solver; answers are
checked to agree before a time is reported. Times are the solver alone: the fastest of
several runs where a run is short, one run where it is long. Peers are timed in this
process; the engine reports its own solve time (parsing excluded).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

import numpy as np
import lap
import scipy
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_array
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

SEED = 20261122


def best_of(repeats, fn):
    best, result = float("inf"), None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def engine(args, *command):
    out = subprocess.run(command, check=False, capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(map(str, command))} failed: {out.stderr}")
    return json.loads(out.stdout)


def ms(seconds):
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def row(*cells):
    print("| " + " | ".join(str(c) for c in cells) + " |")


def dense(args):
    print("\n### Dense: OR-Library (fastest of", args.repeats, "runs)\n")
    row("instance", "optimum", "beacon", "lap.lapjv", "scipy linear_sum_assignment",
        "beacon / lapjv", "beacon / scipy")
    row(*["---"] * 7)
    for n in range(100, 900, 100):
        path = os.path.join(args.orlib, f"assign{n}.txt")
        tokens = open(path).read().split()
        size = int(tokens[0])
        cost = np.array(tokens[1:], dtype=np.float64).reshape(size, size)
        ours = engine(args, args.solve_orlib, path, str(args.repeats))
        t_lapjv, lapjv_cost = best_of(args.repeats, lambda: lap.lapjv(cost)[0])
        t_scipy, (r, c) = best_of(args.repeats, lambda: linear_sum_assignment(cost))
        scipy_cost = cost[r, c].sum()
        assert ours["objective"] == lapjv_cost == scipy_cost, (path, ours, lapjv_cost, scipy_cost)
        t = ours["solve_seconds"]
        row(f"assign{n}", ours["objective"], ms(t), ms(t_lapjv), ms(t_scipy),
            f"{t / t_lapjv:.2f}", f"{t / t_scipy:.2f}")


def random_sparse_rows(rng, people, posts, degree, diagonal):
    """`degree` distinct posts per person (the person's own index first when `diagonal`,
    so that a complete assignment exists), sorted."""
    draw = degree - 1 if diagonal else degree
    cols = rng.integers(0, posts, size=(people, draw + 8))
    out = np.empty((people, degree), dtype=np.int64)
    for i in range(people):
        seen = np.unique(cols[i])
        if diagonal:
            seen = seen[seen != i]
        if len(seen) < draw:
            pool = np.setdiff1d(np.arange(posts), [i] if diagonal else [])
            seen = rng.choice(pool, size=draw, replace=False)
        else:
            seen = rng.permutation(seen)[:draw]
        out[i] = np.sort(np.concatenate([[i], seen]) if diagonal else seen)
    return out


def write_pairs(path, people_of, posts, scores, tiers=None):
    with open(path, "w") as f:
        f.write("person,post,score" + (",tier" if tiers is not None else "") + "\n")
        if tiers is None:
            table = np.column_stack([people_of, posts, scores])
            np.savetxt(f, table, fmt="%d", delimiter=",")
        else:
            table = np.column_stack([people_of, posts, scores, tiers])
            np.savetxt(f, table, fmt="%d", delimiter=",")


def sparse(args, work):
    n, degree = args.sparse_n, 50
    print(f"\n### Sparse: {n:,} × {n:,}, {degree} feasible pairs a row "
          f"({n * degree:,} edges), costs 1–1000, one run each\n")
    rng = np.random.default_rng(SEED)
    cols = random_sparse_rows(rng, n, n, degree, diagonal=True)
    costs = rng.integers(1, 1001, size=(n, degree))
    indptr = np.arange(0, n * degree + 1, degree)
    people_of = np.repeat(np.arange(n), degree)
    path = os.path.join(work, "sparse.csv")
    write_pairs(path, people_of, cols.ravel(), costs.ravel())

    ours = engine(args, args.engine, "assign", "--format", "csv", "--input", path, "--require-all")
    assert ours["status"] == "optimal", ours
    started = time.perf_counter()
    lapmod_cost = lap.lapmod(n, costs.ravel().astype(np.float64), indptr, cols.ravel())[0]
    t_lapmod = time.perf_counter() - started
    matrix = csr_array((costs.ravel().astype(np.float64), cols.ravel(), indptr), shape=(n, n))
    started = time.perf_counter()
    r, c = min_weight_full_bipartite_matching(matrix)
    t_scipy = time.perf_counter() - started
    scipy_cost = matrix[r, c].sum()
    assert ours["objective"] == lapmod_cost == scipy_cost, (ours["objective"], lapmod_cost, scipy_cost)
    t = ours["solve_seconds"]
    row("optimum", "beacon", "lap.lapmod", "scipy min_weight_full_bipartite_matching",
        "beacon / lapmod", "beacon / scipy")
    row(*["---"] * 6)
    row(int(ours["objective"]), ms(t), ms(t_lapmod), ms(t_scipy),
        f"{t / t_lapmod:.2f}", f"{t / t_scipy:.2f}")


def tiers(args, work):
    people, posts, degree, capacity = args.tier_people, args.tier_people // 10, 50, 10
    print(f"\n### Capacities and tiers: {people:,} people × {posts:,} posts of capacity "
          f"{capacity}, {degree} feasible posts each, tiers 5% / 25% / 70%, scores 1–100, "
          "maximised; one run\n")
    rng = np.random.default_rng(SEED + 1)
    cols = random_sparse_rows(rng, people, posts, degree, diagonal=False)
    scores = rng.integers(1, 101, size=(people, degree))
    tier = rng.choice([1, 2, 3], size=people, p=[0.05, 0.25, 0.70])
    path = os.path.join(work, "tiers.csv")
    write_pairs(path, np.repeat(np.arange(people), degree), cols.ravel(), scores.ravel(),
                np.repeat(tier, degree))
    caps = os.path.join(work, "capacities.csv")
    with open(caps, "w") as f:
        f.write("post,capacity\n")
        for j in range(posts):
            f.write(f"{j},{capacity}\n")
    ours = engine(args, args.engine, "assign", "--format", "csv", "--input", path,
                  "--capacities", caps, "--maximize")
    row("placed by tier", "total score", "beacon", "target", "certificate")
    row(*["---"] * 5)
    row(ours["placed_by_tier"], ours["objective"], ms(ours["solve_seconds"]), "≤ 2 s",
        "verified" if ours["certificate_verified"] else "NOT verified")


def rank(args, work):
    people, strengths, k = args.rank_people, 36, 20
    print(f"\n### Rank: top {k} of {people:,} profiles × {strengths} strengths "
          f"(fastest of {args.repeats} runs)\n")
    rng = np.random.default_rng(SEED + 2)
    levels = rng.integers(0, 6, size=(people, strengths), dtype=np.uint8)
    wanted = rng.integers(1, 6, size=strengths).astype(np.uint8)
    weight = rng.integers(1, 256, size=strengths).astype(np.uint16)
    matrix = os.path.join(work, "strengths.u8")
    levels.tofile(matrix)
    query = os.path.join(work, "query.txt")
    with open(query, "w") as f:
        for level, w in zip(wanted, weight):
            f.write(f"{level} {w}\n")
    ours = engine(args, args.rank_strengths, matrix, str(people), str(strengths), query,
                  str(k), str(args.repeats))

    def numpy_top():
        fit = (np.minimum(levels, wanted).astype(np.uint16) * weight).sum(axis=1, dtype=np.uint32)
        top = np.argpartition(-fit.astype(np.int64), k)[:k]
        return sorted(fit[top].tolist(), reverse=True)

    t_numpy, numpy_fits = best_of(args.repeats, numpy_top)
    assert [f for _, f in ours["top"]] == numpy_fits, (ours["top"], numpy_fits)
    t = ours["solve_seconds"]
    row("beacon", "numpy", "beacon / numpy", "target")
    row(*["---"] * 4)
    row(ms(t), ms(t_numpy), f"{t / t_numpy:.2f}", "≤ 10 ms")


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--engine", required=True)
    p.add_argument("--solve-orlib", required=True)
    p.add_argument("--rank-strengths", required=True)
    p.add_argument("--orlib", required=True)
    p.add_argument("--repeats", type=int, default=20)
    p.add_argument("--sparse-n", type=int, default=100_000)
    p.add_argument("--tier-people", type=int, default=100_000)
    p.add_argument("--rank-people", type=int, default=1_000_000)
    p.add_argument("--quick", action="store_true", help="dense and rank only")
    args = p.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
          f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"scipy {scipy.__version__}, lap {lap.__version__}; seed {SEED}")
    with tempfile.TemporaryDirectory() as work:
        dense(args)
        rank(args, work)
        if not args.quick:
            sparse(args, work)
            tiers(args, work)


if __name__ == "__main__":
    main()
