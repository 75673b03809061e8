#!/usr/bin/env python3
"""Load: N WebSocket watchers (default 500) on the default world (2,000
provinces, 150 nations) at speed 5 (60 ticks/s, actors/game_speed.h) for S
seconds (default 60), over loopback only. Not in CTest: it takes minutes and
its figures depend on the machine (docs/BENCHMARKS.md, "WebSocket
watchers").

Measures: the ticks per second the game kept (from `status`, once the
watchers are all watching), each watcher's lag (the game's tick minus the
last delta it got, sampled every second), how many fell behind (the
server's "fell behind" log lines: deltas dropped at the outbox limit, then a
resync snapshot), the server's RSS before the watchers and at its peak, and
the server's and this client's CPU.

Usage: ws_watchers.py HEGEMON [--watchers N] [--seconds S] [--speed 5] [--log PATH]
(--log keeps the server's log there; by default it goes with its temporary
directory.)
Exits 1 if the game fell under 90% of the speed's ticks per second, a
watcher lagged by more than the outbox allows (a resync is within it), or a
watcher got no delta at all.
"""

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time

try:
    import websockets.client  # Debian's python3-websockets
except ImportError:  # pyenv's python3 first on PATH: Debian's has it
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise
import asyncio  # noqa: E402

TICKS_PER_SECOND = {1: 1, 2: 2, 3: 5, 4: 15, 5: 60}
TOKEN = "b" * 32


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1))


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Watcher:
    def __init__(self):
        self.last_tick = -1
        self.deltas = 0
        self.snapshots = 0


async def watch(url, w, stop):
    # A connection waits its turn behind 2,000-province snapshots to others.
    # No keepalive pings from this side: with hundreds of connections in one
    # Python process the event loop answers late, and the client library
    # would close a healthy connection (1011, "keepalive ping timeout").
    async with websockets.client.connect(url, max_size=64 << 20, max_queue=64,
                                         open_timeout=120, close_timeout=5,
                                         ping_interval=None) as ws:
        await ws.send('{"id":1,"type":"hello","version":1}')
        await ws.recv()
        await ws.send('{"id":2,"type":"login","role":"spectator"}')
        await ws.recv()
        await ws.send('{"id":3,"type":"watch"}')
        w.last_tick = json.loads(await ws.recv())["result"]["tick"]
        while not stop.is_set():
            try:
                msg = await asyncio.wait_for(ws.recv(), 1)
            except asyncio.TimeoutError:
                continue
            # The tick without parsing the whole delta: the key after the
            # top-level state_hash (keys are sorted; wars hold ticks too).
            at = msg.find('"tick":', msg.find('"state_hash":'))
            tick = int(re.match(r"\d+", msg[at + 7:]).group(0))
            if '"push":"snapshot"' in msg:
                w.snapshots += 1
            else:
                w.deltas += 1
            w.last_tick = max(w.last_tick, tick)


async def run(args, proc, url):
    async with websockets.client.connect(url, ping_interval=None) as admin:
        async def ask(id_, type_, **fields):
            await admin.send(json.dumps(dict(fields, id=id_, type=type_)))
            while True:
                reply = json.loads(await admin.recv())
                if reply.get("id") == id_:
                    if "result" not in reply:
                        raise SystemExit(f"{type_} was refused: {reply}")
                    return reply["result"]

        await ask(1, "hello", version=1)
        await ask(2, "login", role="admin", token=TOKEN)
        rss_before = rss_kb(proc.pid)
        stop = asyncio.Event()
        watchers = [Watcher() for _ in range(args.watchers)]
        tasks = []
        for i, w in enumerate(watchers):  # 50 at a time: a burst of logins is no test here
            tasks.append(asyncio.create_task(watch(url, w, stop)))
            if i % 25 == 24:
                await asyncio.sleep(0.5)
        end = time.monotonic() + 180
        while sum(w.last_tick >= 0 for w in watchers) < args.watchers:
            if time.monotonic() > end or any(t.done() for t in tasks):
                for t in tasks:
                    if t.done() and t.exception():
                        raise t.exception()
                raise SystemExit("the watchers did not all start watching")
            await asyncio.sleep(0.1)
        start_status = await ask(3, "status")
        t0, cpu0, mine0 = time.monotonic(), cpu_seconds(proc.pid), time.process_time()
        # Deltas count from here: the first watchers were watching long
        # before the last one started.
        deltas0 = [w.deltas for w in watchers]
        max_lag, max_rss, id_ = 0, rss_kb(proc.pid), 10
        while time.monotonic() - t0 < args.seconds:
            await asyncio.sleep(1)
            id_ += 1
            tick = (await ask(id_, "status"))["tick"]
            max_lag = max(max_lag, max(tick - w.last_tick for w in watchers))
            max_rss = max(max_rss, rss_kb(proc.pid))
        end_status = await ask(id_ + 1, "status")
        elapsed = time.monotonic() - t0
        cpu = cpu_seconds(proc.pid) - cpu0
        mine = time.process_time() - mine0
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        return {
            "watchers": args.watchers,
            "seconds": round(elapsed, 1),
            "ticks": end_status["tick"] - start_status["tick"],
            "ticks_per_second": round((end_status["tick"] - start_status["tick"]) / elapsed, 1),
            "max_lag_ticks": max_lag,
            "min_deltas": min(w.deltas - d0 for w, d0 in zip(watchers, deltas0)),
            "resync_snapshots": sum(w.snapshots for w in watchers),
            "rss_before_kb": rss_before,
            "rss_peak_kb": max_rss,
            "rss_after_kb": rss_kb(proc.pid),
            "server_cpu_percent": round(100 * cpu / elapsed),
            "client_cpu_percent": round(100 * mine / elapsed),
        }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("hegemon")
    parser.add_argument("--watchers", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--speed", type=int, default=5, choices=range(1, 6))
    parser.add_argument("--log", help="keep the server's log at this path")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.watchers)), hard))
    with tempfile.TemporaryDirectory() as workdir:
        log_path = args.log or os.path.join(workdir, "serve.log")
        with open(log_path, "w") as log:
            proc = subprocess.Popen(
                [args.hegemon, "serve", "--save", os.path.join(workdir, "game.db"),
                 "--host", "127.0.0.1", "--port", "0", "--http-port", "0",
                 "--speed", str(args.speed), "--admin-token", TOKEN,
                 "--max-connections", str(args.watchers + 16)],
                stdout=log, stderr=subprocess.STDOUT)
        try:
            end = time.monotonic() + 120
            while True:
                with open(log_path) as f:
                    found = re.search(r"websocket listening on (ws://[\d.:]+/ws)", f.read())
                if found:
                    break
                if proc.poll() is not None or time.monotonic() > end:
                    raise SystemExit("the server did not come up:\n" + open(log_path).read())
                time.sleep(0.1)
            result = asyncio.run(run(args, proc, found.group(1)))
        finally:
            proc.terminate()
            proc.wait(timeout=60)
        with open(log_path) as f:
            result["fell_behind"] = len(re.findall(r"fell behind at tick", f.read()))
    print(json.dumps(result, indent=1))
    wanted = TICKS_PER_SECOND[args.speed]
    failures = []
    if result["ticks_per_second"] < 0.9 * wanted:
        failures.append(f"{result['ticks_per_second']} ticks/s, under 90% of {wanted}")
    if result["min_deltas"] == 0:
        failures.append("a watcher got no delta")
    # The outbox (4 MiB) holds about ten seconds of the default world's
    # deltas at speed 5 (docs/PROTOCOL.md, "Slow readers").
    if result["max_lag_ticks"] > 10 * wanted:
        failures.append(f"a watcher lagged {result['max_lag_ticks']} ticks")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
