#!/usr/bin/env python3
"""Fog of war's cost (issue #17): the same game at EU4 size (5,000
provinces, 500 nations) at a speed (default 5: 60 ticks a second), first with no player watching, then
with W player watchers (default 20, TCP, one nation each): the gateway then
keeps its committed world and cuts each watched nation's delta once per tick
(net/fog.h). Not in CTest: it takes minutes and its figures depend on the
machine (docs/BENCHMARKS.md, "Fog of war").

Both runs issue the same W player tokens (which hand those nations to their
players, so the two games play alike); only the second connects watchers.
Measures: ticks per second over S seconds (from `status`), the server's CPU,
the watchers' deltas and resync snapshots, and how far the slowest watcher
was behind the game at the end (ticks).

Usage: fog_watchers.py HEGEMON SOURCE_DIR [--watchers W] [--seconds S] [--speed 5|max]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

TOKEN = "f" * 32


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(hc, hegemon, watchers, seconds, speed, workdir):
    log_path = os.path.join(workdir, "serve.log")
    proc = subprocess.Popen(
        [hegemon, "serve", "--save", os.path.join(workdir, "game.db"), "--seed", "3",
         "--provinces", "5000", "--nations", "500", "--speed", "0", "--port", "0",
         "--admin-token", TOKEN], stdout=open(log_path, "w"), stderr=subprocess.STDOUT)
    try:
        port = None
        for _ in range(1200):
            m = re.search(r"gateway listening on 127\.0\.0\.1:(\d+)", open(log_path).read())
            if m:
                port = int(m.group(1))
                break
            time.sleep(0.1)
        if port is None:
            raise SystemExit("the server did not come up:\n" + open(log_path).read())
        admin = hc.Client(port=port, timeout=120)
        admin.login("admin", TOKEN)
        tokens = [admin.request("token_issue", role="player", nation=n)["token"]
                  for n in range(1, max(watchers, 20) + 1)]
        stop = threading.Event()
        counts = []

        def watch(token):
            c = hc.Client(port=port, timeout=120)
            c.login("player", token)
            c.watch()
            mine = {"deltas": 0, "snapshots": 0, "tick": 0}
            counts.append(mine)
            while not stop.is_set():
                p = c.next_push()
                mine["deltas" if p.get("push") == "delta" else "snapshots"] += 1
                mine["tick"] = p.get("tick", mine["tick"])
            c.close()

        threads = [threading.Thread(target=watch, args=(t,), daemon=True)
                   for t in tokens[:watchers]]
        for t in threads:
            t.start()
        while len(counts) < watchers:
            time.sleep(0.1)
        admin.request("speed", speed=speed)
        time.sleep(2)  # warm up
        t0, tick0, cpu0 = time.monotonic(), admin.request("status")["tick"], cpu_seconds(proc.pid)
        time.sleep(seconds)
        t1, tick1, cpu1 = time.monotonic(), admin.request("status")["tick"], cpu_seconds(proc.pid)
        lag = max([tick1 - c["tick"] for c in counts], default=0)
        admin.request("pause")
        stop.set()
        return {"watchers": watchers,
                "ticks_per_second": round((tick1 - tick0) / (t1 - t0), 1),
                "server_cpu_percent": round(100 * (cpu1 - cpu0) / (t1 - t0)),
                "deltas": sum(c["deltas"] for c in counts),
                "resync_snapshots": sum(c["snapshots"] for c in counts),
                "watcher_lag_ticks": lag, "speed": speed}
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("hegemon")
    parser.add_argument("source")
    parser.add_argument("--watchers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--speed", default="5", choices=["1", "2", "3", "4", "5", "max"])
    args = parser.parse_args()
    sys.path.insert(0, os.path.join(args.source, "clients", "python"))
    import hegemon_client as hc
    for w in (0, args.watchers):
        with tempfile.TemporaryDirectory() as workdir:
            print(json.dumps(run(hc, args.hegemon, w, args.seconds, args.speed, workdir)), flush=True)


if __name__ == "__main__":
    main()
