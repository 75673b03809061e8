#!/usr/bin/env python3
"""Turns one run of scripts/bench.sh into markdown tables: medians of the
repetitions, and the ratios issue #6 sets targets on. Usage:

    summarize.py RESULTS_DIR > RESULTS_DIR/results.md

RESULTS_DIR holds cache.json, persistence.json, world.json, start_simple.json
(Google Benchmark --benchmark_out) and, when Erlang was installed, ets.jsonl (ets_bench.escript).
"""
import json
import os
import sys


def medians(path, aggregate="median"):
    """{run_name: median (or another aggregate's) entry} of a Google Benchmark JSON file."""
    if not os.path.exists(path):
        return {}
    with open(path) as f:
        data = json.load(f)
    out = {}
    for b in data["benchmarks"]:
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") == aggregate:
            out[b["run_name"]] = b
    return out


def ets_medians(path):
    if not os.path.exists(path):
        return {}
    out = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                rec = json.loads(line)
                out[rec["name"]] = rec["median"]
    return out


def mops(x):
    return "—" if x is None else f"{x / 1e6:.1f}"


def ratio(a, b):
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def to_ms(entry):
    scale = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}[entry["time_unit"]]
    return entry["real_time"] * scale


def cache_table(results, ets):
    impls = [
        ("hegemon", "BM_CacheRead_HegemonWorld"),
        ("cuckoo_id", "BM_CacheRead_RawCuckooIdHash"),
        ("cuckoo_std", "BM_CacheRead_RawCuckooStdHash"),
        ("shared_mutex", "BM_CacheRead_SharedMutexMap"),
        ("seqlock", "BM_CacheRead_SeqlockArrayPrototype"),
    ]
    lines = [
        "### Hot cache reads (M lookups/s, median; higher is better)",
        "",
        "| keys | threads | Hegemon `World::province` | raw libcuckoo, World's IdHash "
        "| raw libcuckoo, std::hash | unordered_map + shared_mutex | ETS, read_concurrency "
        "| ETS, plain set | seqlock array (prototype) "
        "| Hegemon / raw (IdHash) | Hegemon / raw (std::hash) | Hegemon / best ETS |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for keys in (5000, 50000):
        for threads in (1, 2):
            rate = {}
            for key, fn in impls:
                e = results.get(f"{fn}/keys:{keys}/real_time/threads:{threads}")
                rate[key] = e.get("items_per_second") if e else None
            rate["ets"] = ets.get(f"ets/keys:{keys}/threads:{threads}")
            rate["ets_plain"] = ets.get(f"ets_plain/keys:{keys}/threads:{threads}")
            known = [x for x in (rate["ets"], rate["ets_plain"]) if x is not None]
            best_ets = max(known) if known else None
            lines.append(
                f"| {keys:,} | {threads} | {mops(rate['hegemon'])} | {mops(rate['cuckoo_id'])} "
                f"| {mops(rate['cuckoo_std'])} | {mops(rate['shared_mutex'])} "
                f"| {mops(rate['ets'])} | {mops(rate['ets_plain'])} | {mops(rate['seqlock'])} "
                f"| {ratio(rate['hegemon'], rate['cuckoo_id'])} "
                f"| {ratio(rate['hegemon'], rate['cuckoo_std'])} "
                f"| {ratio(rate['hegemon'], best_ets)} |")
    return lines


def kops(x):
    return "—" if x is None else f"{x / 1e3:,.0f} k"


def fmt_ms(x):
    return "—" if x is None else f"{x:.2f}"


def commit_table(results):
    lines = [
        "### Commit of one tick (median ms per commit, and rows/s)",
        "",
        "Commit time excludes the WAL checkpoint after it, shown apart (ckpt) with the WAL the "
        "commit wrote.",
        "",
        "| rows | synchronous | Hegemon `SaveFile::commit` ms | Hegemon rows/s | Hegemon ckpt ms / WAL KiB "
        "| raw bound: UPDATE provinces loop ms | raw rows/s | raw ckpt ms / WAL KiB "
        "| Hegemon / raw (time per row) "
        "| 2-column upsert loop ms (issue's reference setup) | its rows/s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]

    def ckpt(e):
        if not e:
            return "—"
        return f"{e.get('checkpoint_ms', 0):.2f} / {e.get('wal_kb', 0):,.0f}"

    for full in (0, 1):
        for rows in (100, 1000, 10000):
            suffix = f"/rows:{rows}/full:{full}/manual_time"
            h = results.get("BM_Commit_Hegemon" + suffix)
            r = results.get("BM_Commit_RawSqlite" + suffix)
            n = results.get("BM_Commit_RawSqliteNarrow" + suffix)
            hm, rm, nm = (to_ms(x) if x else None for x in (h, r, n))
            lines.append(
                f"| {rows:,} | {'FULL' if full else 'NORMAL'} "
                f"| {fmt_ms(hm)} | {kops(h and h.get('items_per_second'))} | {ckpt(h)} "
                f"| {fmt_ms(rm)} | {kops(r and r.get('items_per_second'))} | {ckpt(r)} "
                f"| {ratio(hm, rm)} "
                f"| {fmt_ms(nm)} | {kops(n and n.get('items_per_second'))} |")
    return lines


def table_head(title, columns):
    """A section's title, then the head of its table with `columns`."""
    return [f"### {title}", "", "| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]


def world_tables(results):
    names = ["default (2,000 / 150)", "EU4-sized (5,000 / 500)", "huge (50,000 / 2,000)"]
    lines = table_head("run_tick_sequential (median; rules only: no actors, no persistence)",
                       ["world (provinces / nations)", "ms per tick", "ticks/s", "rows per tick",
                        "ticks run"])
    for i, name in enumerate(names):
        e = results.get(f"BM_Tick_Sequential/world:{i}")
        if not e:
            continue
        ms = to_ms(e)
        lines.append(f"| {name} | {ms:.2f} | {1000 / ms:,.0f} | {e.get('rows_per_tick', 0):.0f} "
                     f"| {e.get('tick', 0):.0f} |")
    lines += [""] + table_head(
        "Open a save and rebuild the cache (median ms: SaveFile::open + load_world + World)",
        ["world (provinces / nations)", "ms"])
    for i, name in enumerate(names):
        e = results.get(f"BM_OpenSave_RebuildCache/world:{i}/manual_time")
        if e:
            lines.append(f"| {name} | {to_ms(e):.1f} |")
    return lines


def start_simple_table(results, means):
    """start_simple_bench: the same ticks reading the hot cache or SQLite."""
    names = ["default (2,000 / 150)", "EU4-sized (5,000 / 500)"]
    lines = [
        "### What the cache buys: the same ticks reading the cache or SQLite "
        "(median; every tick committed, synchronous NORMAL)",
        "",
        "Hegemon: `run_tick_sequential` on the hot cache + `SaveFile::commit`. Start simple: "
        "the same rules with every read of the phases going to SQLite (a read-only "
        "connection to the save), + the same commit. ms are per tick: CPU is the thread's CPU "
        "time (steadier than wall time on a busy machine), rules and commit are wall time; "
        "\"extra CPU µs per read\" is start simple's extra CPU time per tick divided by the "
        "reads SQLite answered. The two had the same state hash at every tick (checked by the "
        "benchmark, which exits 3 otherwise).",
        "",
        "| world (provinces / nations) | Hegemon ticks/s | start simple ticks/s "
        "| Hegemon / start simple (wall) | CPU ms, Hegemon | CPU ms, start simple "
        "| start simple / Hegemon (CPU) | rules ms, Hegemon | rules ms, start simple "
        "| commit ms, Hegemon | commit ms, start simple | SQLite reads per tick "
        "| overlay reads per tick | extra CPU µs per read | ticks timed, each |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    def find(table, prefix):  # the run name goes on with /iterations:N/real_time
        return next((e for k, e in table.items() if k.startswith(prefix + "/")), None)

    for i, name in enumerate(names):
        h = find(results, f"BM_Month_Hegemon/world:{i}")
        s = find(results, f"BM_Month_StartSimple/world:{i}")
        if not h or not s:
            continue
        hr, sr = h.get("items_per_second"), s.get("items_per_second")
        hc, sc = h.get("cpu_ms_per_tick"), s.get("cpu_ms_per_tick")
        hrules, srules = h.get("rules_ms_per_tick"), s.get("rules_ms_per_tick")
        reads = s.get("sqlite_reads_per_tick")
        per_read = ("—" if not reads or hc is None or sc is None
                    else f"{(sc - hc) * 1e3 / reads:.2f}")
        m = find(means, f"BM_Month_Hegemon/world:{i}") or {}
        ticks = m.get("ticks", 0) * m.get("repetitions", 0)
        lines.append(
            f"| {name} | {hr:,.0f} | {sr:,.0f} | {ratio(hr, sr)} | {fmt_ms(hc)} | {fmt_ms(sc)} "
            f"| {ratio(sc, hc)} | {fmt_ms(hrules)} | {fmt_ms(srules)} "
            f"| {fmt_ms(h.get('commit_ms_per_tick'))} | {fmt_ms(s.get('commit_ms_per_tick'))} "
            f"| {reads:,.0f} | {s.get('overlay_reads_per_tick', 0):,.0f} | {per_read} "
            f"| {ticks:,.0f} |")
    return lines


def main():
    d = sys.argv[1]
    ets = ets_medians(os.path.join(d, "ets.jsonl"))
    out = []
    out += cache_table(medians(os.path.join(d, "cache.json")), ets)
    if not ets:
        out += ["", "ETS: skipped (install erlang-nox)"]
    out += [""] + commit_table(medians(os.path.join(d, "persistence.json")))
    out += [""] + world_tables(medians(os.path.join(d, "world.json")))
    start_simple = os.path.join(d, "start_simple.json")
    out += [""] + start_simple_table(medians(start_simple), medians(start_simple, "mean"))
    print("\n".join(out))


if __name__ == "__main__":
    main()
