#!/usr/bin/env python3
"""Prints the Instacart benchmark's tables (markdown) from the raw results run.sh wrote.

usage: summarize.py RESULTS_DIR
"""
import bisect
import csv
import datetime
import glob
import json
import os
import statistics
import sys


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, spec=".2f"):
    return "n/a" if x is None else format(x, spec)


def read_tsv(path):
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        return []
    with open(path) as f:
        return list(csv.DictReader(f, delimiter="\t"))


def replay_nodes(path):
    """sqlreplay --per-node's rows: unique id -> (wall s, CPU s, peak RSS MB)."""
    out = {}
    if os.path.exists(path):
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if len(f) == 4 and f[0].startswith("model."):
                out[f[0]] = (float(f[1]), float(f[2]), int(f[3]) / 1024)
    return out


def gdbt_nodes(path):
    """A run_results.json's node execution times: unique id -> seconds."""
    if not os.path.exists(path):
        return {}
    return {n["unique_id"]: n["execution_time"] for n in json.load(open(path))["results"]}


def gdbt_node_cpu(res, k):
    """Each node's CPU seconds inside pair K's gdbt run, from nodecpu.py's samples (run.sh
    NODECPU=1) between the node's execute start and end; {} without samples."""
    path = os.path.join(res, f"pair_cpu.{k}.tsv")
    rr = os.path.join(res, f"pair_run_results.{k}.json")
    if not (os.path.exists(path) and os.path.exists(rr)):
        return {}
    samples = [tuple(map(float, l.split())) for l in open(path) if len(l.split()) == 2 and not l.startswith("self_cpu_s")]
    if len(samples) < 2:
        return {}
    times = [t for t, _ in samples]

    def cpu_at(t):  # the CPU of the last sample at or before t
        i = max(bisect.bisect_right(times, t) - 1, 0)
        return samples[i][1]

    out = {}
    for n in json.load(open(rr))["results"]:
        ex = [x for x in n.get("timing", []) if x.get("name") == "execute"]
        if not ex:
            continue
        try:
            a = datetime.datetime.fromisoformat(ex[0]["started_at"][:26].rstrip("Z") + "+00:00").timestamp()
            b = datetime.datetime.fromisoformat(ex[0]["completed_at"][:26].rstrip("Z") + "+00:00").timestamp()
        except (KeyError, ValueError):
            continue
        out[n["unique_id"]] = cpu_at(b) - cpu_at(a)
    return out


def pairs(res, rows, spread):
    """The overhead pairs (run.sh PAIRS=K): per pair, gdbt's feature run against the replay of
    its statements, run back to back with nothing between them; what gdbt adds around its
    SQL (its wall minus its nodes' execution times) apart from its SQL running slower or
    faster than the same statements alone (the nodes' sum against the replay's)."""
    g = {r["run"]: r for r in rows.get("pair_gdbt", [])}
    d = {r["run"]: r for r in rows.get("pair_direct", [])}
    # GNU time counted nodecpu.py's own CPU with gdbt's (NODECPU=1): take it off.
    for k, r in g.items():
        p = os.path.join(res, f"pair_cpu.{k}.tsv")
        if r["cpu"] and os.path.exists(p):
            for l in open(p):
                if l.startswith("self_cpu_s "):
                    r["cpu"] -= float(l.split()[1])
    runs = [k for k in g if k in d]
    if not runs:
        return
    print("\n| pair | first | gdbt wall s | replay wall s | wall +% | gdbt CPU s | replay CPU s | CPU +% | gdbt nodes' sum s | replay statements' sum s | SQL inside gdbt +% | gdbt wall - its nodes s | replay wall - its statements s | other processes' CPU s (gdbt / replay) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    wall, cpu, sql, own, rown = [], [], [], [], []
    for k in runs:
        a, b = g[k], d[k]
        gn = gdbt_nodes(os.path.join(res, f"pair_run_results.{k}.json"))
        dn = replay_nodes(os.path.join(res, f"pair_direct.{k}.out"))
        gsum = sum(gn.values()) if gn else None
        dsum = sum(x[0] for x in dn.values()) if dn else None
        w = (a["wall"] / b["wall"] - 1) * 100 if a["wall"] and b["wall"] else None
        c = (a["cpu"] / b["cpu"] - 1) * 100 if a["cpu"] and b["cpu"] else None
        q = (gsum / dsum - 1) * 100 if gsum and dsum else None
        o = a["wall"] - gsum if a["wall"] and gsum is not None else None
        ro = b["wall"] - dsum if b["wall"] and dsum is not None else None
        wall.append(w); cpu.append(c); sql.append(q); own.append(o); rown.append(ro)
        first = "gdbt" if int(k) % 2 == 1 else "replay"
        print(f"| {k} | {first} | {fmt(a['wall'])} | {fmt(b['wall'])} | {fmt(w, '+.1f')} | {fmt(a['cpu'])} | {fmt(b['cpu'])} | {fmt(c, '+.1f')} | "
              f"{fmt(gsum)} | {fmt(dsum)} | {fmt(q, '+.1f')} | {fmt(o)} | {fmt(ro)} | {fmt(a['others'], '.1f')} / {fmt(b['others'], '.1f')} |")
    print(f"\n| overhead over the replay (pairs: {len(runs)}) | min / median / max | target |")
    print("|---|---|---|")
    print(f"| gdbt feature run wall / replay wall - 1 (%) | {spread(wall, '+.1f')} | < 3 % |")
    print(f"| gdbt feature run CPU / replay CPU - 1 (%) | {spread(cpu, '+.1f')} | < 3 % |")
    print(f"| gdbt's nodes / the replay's statements - 1 (%) | {spread(sql, '+.1f')} | |")
    # Both processes start, open a new DuckDB file and checkpoint it at close around their
    # statements: the replay's own share is what any program running this SQL pays.
    print(f"| gdbt wall - its nodes' execution times (s) | {spread(own)} | |")
    print(f"| replay wall - its statements' times (s) | {spread(rown)} | |")

    # Per statement, medians over the pairs: which statements, if any, run slower in gdbt.
    # With NODECPU=1, also each node's CPU inside gdbt (nodecpu.py's samples at the node's
    # execute start and end) beside the replay's CPU for the statement.
    gm, dm, gc, dc = {}, {}, {}, {}
    for k in runs:
        for u, t in gdbt_nodes(os.path.join(res, f"pair_run_results.{k}.json")).items():
            gm.setdefault(u, []).append(t)
        for u, c in gdbt_node_cpu(res, k).items():
            gc.setdefault(u, []).append(c)
        for u, x in replay_nodes(os.path.join(res, f"pair_direct.{k}.out")).items():
            dm.setdefault(u, []).append(x[0])
            dc.setdefault(u, []).append(x[1])
    items = sorted(((u, med(ts), med(dm.get(u, []))) for u, ts in gm.items()), key=lambda x: -(x[2] or 0))
    print(f"\n| statement (pairs, median of {len(runs)}) | in gdbt s | replayed s | +% | in gdbt CPU s | replayed CPU s | CPU +% |")
    print("|---|---|---|---|---|---|---|")
    pct = lambda a, b: (a / b - 1) * 100 if a and b else None
    for u, a, b in items[:8]:
        ca, cb = med(gc.get(u, [])), med(dc.get(u, []))
        print(f"| {u} | {fmt(a)} | {fmt(b)} | {fmt(pct(a, b), '+.1f')} | {fmt(ca)} | {fmt(cb)} | {fmt(pct(ca, cb), '+.1f')} |")


def main():
    res = sys.argv[1]
    print("```")
    print(open(os.path.join(res, "machine.txt")).read().strip())
    print("```\n")
    rows = {}
    for line in open(os.path.join(res, "times.tsv")):
        p = line.split()
        if len(p) < 4:
            continue
        name, run, load, code = p[:4]
        wall, rss, cpu, others, steal = [None if x in (None, "-") else x for x in (p[4:9] + [None] * 5)[:5]]
        rows.setdefault(name, []).append(dict(run=run, wall=float(wall) if wall else None,
                                              rss=int(rss) / 1024 if rss else None,
                                              cpu=float(cpu) if cpu else None, load=float(load), code=int(code),
                                              others=float(others) if others else None, steal=float(steal) if steal else None))

    # sqlreplay resets the kernel's peak-RSS mark before each statement (for its per-statement
    # peaks), which also resets what GNU time reports for the whole process: its peak is the
    # largest of the per-statement peaks in its --per-node output.
    for name in ("direct_sql", "pair_direct"):
        for r in rows.get(name, []):
            peaks = [x[2] for x in replay_nodes(os.path.join(res, f"{name}.{r['run']}.out")).values()]
            if peaks:
                r["rss"] = max(peaks)

    def col(name, key):
        return [r[key] for r in rows.get(name, [])]

    def spread(xs, spec=".2f"):
        xs = sorted(x for x in xs if x is not None)
        if not xs:
            return "n/a"
        return f"{format(xs[0], spec)} / {format(statistics.median(xs), spec)} / {format(xs[-1], spec)}"

    steps = ["gdbt_build", "gdbt_features", "direct_sql", "pandas_sklearn", "sklearn_fit", "gdbt_gd", "pair_gdbt", "pair_direct"]
    print("| step | wall s min / median / max | CPU s (user+sys) min / median / max | peak RSS MB min / median / max | runs | exit codes | load avg at start |")
    print("|---|---|---|---|---|---|---|")
    for name in steps:
        if name in rows:
            print(f"| {name} | {spread(col(name, 'wall'))} | {spread(col(name, 'cpu'))} | {spread(col(name, 'rss'), '.0f')} | {len(rows[name])} | "
                  f"{','.join(str(c) for c in col(name, 'code'))} | {','.join(str(l) for l in col(name, 'load'))} |")

    # Every run, so the spread can be checked against the medians above.
    print()
    print("| step | run | wall s | CPU s | peak RSS MB | exit | load avg at start | other processes' CPU s meanwhile | steal s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name in steps:
        for r in rows.get(name, []):
            print(f"| {name} | {r['run']} | {fmt(r['wall'])} | {fmt(r['cpu'])} | {fmt(r['rss'], '.0f')} | {r['code']} | {r['load']} | "
                  f"{fmt(r['others'], '.1f')} | {fmt(r['steal'], '.1f')} |")

    def ratios(a, b, key, f):
        by = {r["run"]: r[key] for r in rows.get(b, [])}
        return [f(r[key], by.get(r["run"])) for r in rows.get(a, []) if r[key] and by.get(r["run"])]

    # Ratios are taken within a run (both sides of it ran back to back in one loop). RUNS=0 has none.
    if rows.get("gdbt_build"):
        print()
        print("| ratio (within each run) | min / median / max | per run | target |")
        print("|---|---|---|---|")
        for label, a, b, key, f, spec, target in [
            ("pandas+sklearn wall / gdbt build wall", "pandas_sklearn", "gdbt_build", "wall", lambda a, b: a / b, ".2f", ">= 3"),
            ("gdbt build peak RSS / pandas+sklearn peak RSS", "gdbt_build", "pandas_sklearn", "rss", lambda a, b: a / b, ".3f", "<= 0.25"),
            ("pandas+sklearn CPU / gdbt build CPU", "pandas_sklearn", "gdbt_build", "cpu", lambda a, b: a / b, ".2f", ""),
            ("gdbt feature run wall / direct SQL wall - 1 (%)", "gdbt_features", "direct_sql", "wall", lambda a, b: (a / b - 1) * 100, ".1f", "< 3 %"),
            ("gdbt feature run CPU / direct SQL CPU - 1 (%)", "gdbt_features", "direct_sql", "cpu", lambda a, b: (a / b - 1) * 100, ".1f", "< 3 %"),
        ]:
            xs = ratios(a, b, key, f)
            print(f"| {label} | {spread(xs, spec)} | {', '.join(format(x, spec) for x in xs)} | {target} |")

    pairs(res, rows, spread)

    # The pandas reference's own split of its time, and its metrics.
    outs = []
    for p in sorted(glob.glob(os.path.join(res, "pandas_sklearn.*.out"))):
        try:
            outs.append(json.loads(open(p).read().strip().splitlines()[-1]))
        except (ValueError, IndexError):
            pass
    if outs:
        print(f"\npandas+sklearn internals (median of {len(outs)}): features {fmt(med([o['features_s'] for o in outs]))} s, "
              f"fit {fmt(med([o['fit_s'] for o in outs]))} s, scoring {fmt(med([o['score_s'] for o in outs]))} s; "
              f"{outs[-1]['train_rows']} training rows, {outs[-1].get('candidates')} candidates, validation AUC {outs[-1]['valid_auc']:.4f}")

    cf = os.path.join(res, "compare_features.txt")
    if os.path.exists(cf):
        print("\nfeature check (compare_features.py): " + open(cf).read().strip())

    # Per node: the build's execution_time and rows (run_results.json), and for the feature
    # models the direct replay's wall, CPU and peak RSS of the same statement run alone
    # (sqlreplay --per-node), medians over runs.
    per, rowcount = {}, {}
    for p in sorted(glob.glob(os.path.join(res, "build_run_results.*.json"))):
        for n in json.load(open(p))["results"]:
            per.setdefault(n["unique_id"], []).append((n["execution_time"], n["status"]))
            ra = (n.get("adapter_response") or {}).get("rows_affected")
            if isinstance(ra, int) and ra >= 0:
                rowcount[n["unique_id"]] = ra
    direct = {}
    for p in sorted(glob.glob(os.path.join(res, "direct_sql.*.out"))):
        for u, x in replay_nodes(p).items():
            direct.setdefault(u, []).append(x)
    if per:
        items = sorted(per.items(), key=lambda kv: -med([t for t, _ in kv[1]]))
        print(f"\n| node | gdbt build s (median of {max(len(ts) for _, ts in items)}) | rows | direct SQL wall s | direct CPU s | direct peak RSS MB | status |")
        print("|---|---|---|---|---|---|---|")
        for uid, ts in items[:20]:
            d = direct.get(uid, [])
            print(f"| {uid} | {med([t for t, _ in ts]):.2f} | {rowcount.get(uid, '')} | {fmt(med([x[0] for x in d]))} | "
                  f"{fmt(med([x[1] for x in d]))} | {fmt(med([x[2] for x in d]), '.0f')} | {ts[-1][1]} |")
        print(f"| ({len(items)} nodes, sum of medians) | {sum(med([t for t, _ in ts]) for _, ts in items):.2f} | | "
              f"{fmt(sum(med([x[0] for x in d]) for d in direct.values()) if direct else None)} | "
              f"{fmt(sum(med([x[1] for x in d]) for d in direct.values()) if direct else None)} | | |")
        bad = [(u, ts[-1][1]) for u, ts in items if ts[-1][1] not in ("success", "pass")]
        if bad:
            print(f"\nnodes not successful in the last build: {bad[:10]}")

    # Training (run.sh skips it when RUNS=0: no build, only the overhead pairs).
    if not rows.get("gdbt_build"):
        return
    fit = None
    fo = os.path.join(res, "sklearn_fit.train.out")
    if os.path.exists(fo) and os.path.getsize(fo):
        fit = json.loads(open(fo).read().strip().splitlines()[-1])
    print("\n| solver | scans | final objective | scans to sklearn optimum + 1e-4 | time to it s | total training s | validation AUC | AUC - sklearn AUC |")
    print("|---|---|---|---|---|---|---|---|")
    # The first-order retraining's solver (run.sh's GD_SOLVER) is recorded beside its history.
    sf = os.path.join(res, "gd_solver.txt")
    first_order = open(sf).read().strip() if os.path.exists(sf) else "gradient_descent"
    for solver, hist, ev in [("newton", "history_newton.tsv", "eval_metrics.tsv"), (first_order, "history_gd.tsv", "eval_metrics_gd.tsv")]:
        h = read_tsv(os.path.join(res, hist))
        e = read_tsv(os.path.join(res, ev))
        if not h:
            print(f"| {solver} | no history table (training failed) | | | | | | |")
            continue
        losses = [float(x["loss"]) for x in h]
        durs = [float(x["duration_s"]) for x in h]
        # A warm start's first scans run on a sample (fewer n_rows): their loss is the
        # sample's, not comparable to the optimum, so only full scans can reach it.
        rows = [float(x["n_rows"]) if x.get("n_rows") not in (None, "") else 0.0 for x in h]
        full = max(rows) if rows else 0.0
        reach, t_reach = None, None
        if fit:
            for i, l in enumerate(losses):
                if rows[i] == full and l - fit["train_objective"] <= 1e-4:
                    reach, t_reach = i + 1, sum(durs[: i + 1])
                    break
        sample_scans = sum(1 for r in rows if r < full)
        auc = float(e[0]["auc"]) if e and e[0].get("auc") not in (None, "", "<nil>") else None
        d = None if auc is None or not fit else auc - fit["valid_auc"]
        scans = f"{len(h)} ({sample_scans} on a sample)" if sample_scans else str(len(h))
        print(f"| {solver} | {scans} | {losses[-1]:.6f} | {reach if reach else 'not reached'} | {fmt(t_reach)} | {sum(durs):.2f} | {fmt(auc, '.4f')} | {fmt(d, '+.4f')} |")
    if fit:
        print(f"| scikit-learn lbfgs (C=1.0) | {fit['n_iter']} iterations | {fit['train_objective']:.6f} | | | {fit['fit_s']:.2f} (fit only) | {fit['valid_auc']:.4f} | |")


if __name__ == "__main__":
    main()
