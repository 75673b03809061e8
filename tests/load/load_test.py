#!/usr/bin/env python3
"""Load (issue #7, item 5): many clients on loopback while the game runs at
speed 5, and two clients that never read their socket.

Starts `hegemon serve --speed 5 --port 0` on a new save (2,000 provinces, 150
nations: the default world) and, for --duration seconds, runs --clients
concurrent clients (asyncio, one connection each; half spectators, a fifth
players, a twentieth admins, a quarter watchers unless --watchers says):

  - spectators: status, province, nation, army, war, provinces_of, map,
    events, province_at and wars_of queries, some for ids that do not exist
    (answered `not_found`), some commands (answered `forbidden`);
  - players, each with a token for its own nation: set_tax (valid: accepted
    unless the nation has died), recruit in one of its provinces and
    declare_war on a random nation (accepted or refused: the game decides),
    and invalid commands that must be refused (tax level 9, war on itself,
    recruiting in a province that does not exist, a command for another
    nation);
  - admins: actors, clients, tokens, status, set_tax for any nation (valid),
    move_army of an army found by a query to a neighbouring province, set_tax
    for a nation that does not exist (refused);
  - watchers: `watch`, then every delta is checked (the tick after the last
    one, or a resync snapshot first), with a status query now and then.

Each client has one request in flight at a time and thinks --think-ms
(uniformly 0.5x..1.5x) between requests. Besides them: a monitor (status every
second), a slow watcher (hello, login, watch, then it reads nothing) and a
slow requester (asks for the map --slow-requests-per-second times a second
and reads nothing), both with a 4 KiB receive buffer, until the load is over.

Checks: every request is answered (sent == answered), every answer is one the
request allows (no `failed`, `rate_limited`, ...), valid commands accepted and
invalid ones refused, the tick rate (from the status lines the server logs)
stays above --min-tps, watchers see every tick in order, the slow watcher hits
the outbox limit (the server's log says so), the server's RSS grows by at
most --max-rss-growth-mib plus twice the limit for each connection that fell
behind; then the slow watcher reads and must find a resync snapshot followed
by consecutive deltas, and the slow requester reads and must find a result
for every request, in order; SIGTERM stops the server with exit code 0.

--compare-unbounded S then runs each slow client alone for S seconds against
the same save, once with the server's default outbox limit and once with a
limit of 1 TiB (in effect none), and reports the RSS growth of each.

Prints p50/p99 latencies per kind of request, the tick rate, CPU and RSS
figures and a final `LOAD-RESULT {json}` line.

Usage: load_test.py HEGEMON_BINARY [--clients N] [--watchers N] [--duration S]
                    [--think-ms MS] [--min-tps T] [--max-outbox-bytes B]
                    [--slow-requests-per-second R] [--compare-unbounded S] [--keep]
"""

import argparse
import asyncio
import datetime
import json
import os
import random
import re
import resource
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

NOMINAL_TPS = 60           # speed 5 (actors/game_speed.cc)
ADMIN_TOKEN = "load-test-admin-token"
PROVINCES = 2000
NATIONS = 150
DEADLINE = 30.0            # seconds for the server to come up, a reply, a stop
UNBOUNDED = 1 << 40        # --max-outbox-bytes that is, in effect, no limit
DEFAULT_OUTBOX = 4 << 20   # the server's default --max-outbox-bytes
FELL_BEHIND = re.compile(r"client (\d+) .*fell behind")
SLOW_CLIENT = 1            # the slow watcher connects first: the gateway numbers it 1
SLOW_REQUESTER = 2         # then the slow requester
REPLY_HEAD = re.compile(rb'\{"id":(\d+),"result":')

# What a reply may be: "result" or an error code.
OK = frozenset({"result"})
OK_OR_NOT_FOUND = frozenset({"result", "not_found"})
NOT_FOUND = frozenset({"not_found"})
FORBIDDEN = frozenset({"forbidden"})
REFUSED = frozenset({"refused"})
ACCEPTED_OR_REFUSED = frozenset({"result", "refused"})


class Failure(Exception):
    pass


def percentile(sorted_values, p):
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100.0 * (len(sorted_values) - 1))))
    return sorted_values[k]


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


STATUS_LINE = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}) \S+\s+\S+\s+tick (\d+) ", re.M)


def log_tick_rate(text, start, end):
    """Ticks per second from the status lines the server logs every second,
    between two wall-clock times: timed by the server, not by the clients."""
    points = []
    for m in STATUS_LINE.finditer(text):
        t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
        if start <= t <= end:
            points.append((t, int(m.group(2))))
    if len(points) < 2 or points[-1][0] <= points[0][0]:
        return 0.0
    return (points[-1][1] - points[0][1]) / (points[-1][0] - points[0][0])


def cpu_seconds(pid):
    """User + system CPU time of a process so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return 0.0


def own_cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def frame(doc):
    payload = json.dumps(doc).encode()
    return struct.pack(">I", len(payload)) + payload


class Stats:
    """Every request of the run: counts, answers and latencies by kind."""

    def __init__(self):
        self.sent = 0
        self.answered = 0
        self.latency = {}          # kind -> [seconds]
        self.outcomes = {}         # kind -> {outcome: count}
        self.unexpected = []       # (kind, request, reply), the first few
        self.unexpected_count = 0

    def record(self, kind, request, reply, seconds, expect):
        self.latency.setdefault(kind, []).append(seconds)
        outcome = "result" if "result" in reply else reply.get("error", {}).get("code", "?")
        counts = self.outcomes.setdefault(kind, {})
        counts[outcome] = counts.get(outcome, 0) + 1
        if outcome not in expect:
            self.unexpected_count += 1
            if len(self.unexpected) < 10:
                self.unexpected.append((kind, request, reply))


class Connection:
    """One client connection: requests with ids, one reader task that routes
    replies to their requests and pushes to `on_push`."""

    def __init__(self, stats, on_push=None):
        self.stats = stats
        self.on_push = on_push
        self.pending = {}          # id -> (future of (reply, receive time), hook)
        self.next_id = 0
        self.closed = False
        self.push_bytes = 0

    async def open(self, port):
        self.reader, self.writer = await asyncio.open_connection("127.0.0.1", port)
        self.task = asyncio.ensure_future(self._read())
        await self.call("hello", "setup", OK, version=1)

    async def _read(self):
        try:
            while True:
                head = await self.reader.readexactly(4)
                (size,) = struct.unpack(">I", head)
                payload = await self.reader.readexactly(size)
                now = time.perf_counter()
                doc = json.loads(payload)
                if "push" in doc:
                    self.push_bytes += size
                    if self.on_push:
                        self.on_push(doc)
                    continue
                future, hook = self.pending.pop(doc.get("id"), (None, None))
                if hook is not None:  # before any push that follows the reply
                    hook(doc)
                if future is not None and not future.done():
                    future.set_result((doc, now))
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            self.closed = True
            for future, _ in self.pending.values():
                if not future.done():
                    future.set_result((None, time.perf_counter()))

    async def call(self, type_, kind, expect, on_reply=None, **fields):
        """Sends one request and waits for its reply; records it. Returns the
        reply (None if the connection broke or no reply came in time).
        `on_reply` sees the reply as soon as it is read, before the pushes
        read after it."""
        self.next_id += 1
        request = dict(fields, id=self.next_id, type=type_)
        future = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = (future, on_reply)
        started = time.perf_counter()
        self.writer.write(frame(request))
        self.stats.sent += 1
        try:
            reply, received = await asyncio.wait_for(future, DEADLINE)
        except asyncio.TimeoutError:
            self.pending.pop(request["id"], None)
            reply = None
        if reply is None:
            return None
        self.stats.answered += 1
        self.stats.record(kind, request, reply, received - started, expect)
        return reply

    async def close(self):
        self.writer.close()
        try:
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass
        self.task.cancel()


class Load:
    def __init__(self, args, port):
        self.args = args
        self.port = port
        self.stats = Stats()
        self.rng = random.Random(args.seed)
        self.stop_at = 0.0
        self.player_tokens = {}     # nation -> token
        self.watchers = []          # per watcher: dict of what it saw
        self.samples = []           # monitor: (monotonic, tick, ticks_per_second)
        self.invalid_accepted = 0
        self.valid_refused = []     # (kind, message) of valid commands refused
        self.max_tick_seen = 0

    def think(self):
        ms = self.args.think_ms
        return self.rng.uniform(0.5 * ms, 1.5 * ms) / 1000.0

    def running(self):
        return time.monotonic() < self.stop_at

    # -- clients --

    async def spectator(self):
        c = Connection(self.stats)
        await c.open(self.port)
        await c.call("login", "setup", OK, role="spectator")
        rng = random.Random(self.rng.random())
        while self.running():
            roll = rng.random()
            if roll < 0.15:
                await c.call("status", "status", OK)
            elif roll < 0.35:
                await c.call("province", "province", OK, province=rng.randint(1, PROVINCES))
            elif roll < 0.50:
                await c.call("nation", "nation", OK, nation=rng.randint(1, NATIONS))
            elif roll < 0.60:
                await c.call("army", "army", OK_OR_NOT_FOUND, army=rng.randint(1, 400))
            elif roll < 0.65:
                await c.call("war", "war", OK_OR_NOT_FOUND, war=rng.randint(1, 30))
            elif roll < 0.72:
                await c.call("provinces_of", "provinces_of", OK, nation=rng.randint(1, NATIONS))
            elif roll < 0.74:
                await c.call("map", "map", OK)
            elif roll < 0.78:
                await c.call("events", "history", OK)
            elif roll < 0.82:
                tick = max(0, self.max_tick_seen - rng.randint(0, 100))
                await c.call("province_at", "history", OK_OR_NOT_FOUND,
                             province=rng.randint(1, PROVINCES), tick=tick)
            elif roll < 0.86:
                await c.call("wars_of", "history", OK, nation=rng.randint(1, NATIONS))
            elif roll < 0.93:  # ids that do not exist
                await c.call("province", "not_found", NOT_FOUND, province=PROVINCES + rng.randint(1, 10**6))
            else:  # spectators cannot command
                await c.call("set_tax", "forbidden", FORBIDDEN, nation=1, level=2)
            await asyncio.sleep(self.think())
        await c.close()

    async def player(self, nation):
        c = Connection(self.stats)
        await c.open(self.port)
        await c.call("login", "setup", OK, role="player", token=self.player_tokens[nation])
        rng = random.Random(self.rng.random())
        provinces = []
        while self.running():
            roll = rng.random()
            if roll < 0.25:
                reply = await c.call("set_tax", "command_valid", ACCEPTED_OR_REFUSED, level=rng.randint(0, 4))
                self.note_valid("set_tax", reply)
            elif roll < 0.35:
                reply = await c.call("provinces_of", "provinces_of", OK, nation=nation)
                if reply and "result" in reply:
                    provinces = reply["result"]
            elif roll < 0.45 and provinces:
                await c.call("recruit", "command_maybe", ACCEPTED_OR_REFUSED, province=rng.choice(provinces))
            elif roll < 0.50:
                target = rng.randint(1, NATIONS)
                if target != nation:
                    await c.call("declare_war", "command_maybe", ACCEPTED_OR_REFUSED, target=target)
            elif roll < 0.60:
                await c.call("nation", "nation", OK, nation=nation)
            elif roll < 0.70:
                await c.call("status", "status", OK)
            else:  # invalid: must be refused (or forbidden), never accepted
                which = rng.randint(0, 3)
                if which == 0:
                    reply = await c.call("set_tax", "command_invalid", REFUSED, level=9)
                elif which == 1:
                    reply = await c.call("declare_war", "command_invalid", REFUSED, target=nation)
                elif which == 2:  # a province that does not exist
                    reply = await c.call("recruit", "command_invalid", REFUSED,
                                         province=PROVINCES + rng.randint(1, 1000))
                else:
                    other = nation % NATIONS + 1
                    reply = await c.call("set_tax", "command_invalid", FORBIDDEN, nation=other, level=1)
                if reply and "result" in reply:
                    self.invalid_accepted += 1
            await asyncio.sleep(self.think())
        await c.close()

    async def admin(self):
        c = Connection(self.stats)
        await c.open(self.port)
        await c.call("login", "setup", OK, role="admin", token=ADMIN_TOKEN)
        rng = random.Random(self.rng.random())
        while self.running():
            roll = rng.random()
            if roll < 0.10:
                await c.call("actors", "admin", OK)
            elif roll < 0.20:
                await c.call("clients", "admin", OK)
            elif roll < 0.25:
                await c.call("tokens", "admin", OK)
            elif roll < 0.40:
                await c.call("status", "status", OK)
            elif roll < 0.60:
                reply = await c.call("set_tax", "command_valid", ACCEPTED_OR_REFUSED,
                                     nation=rng.randint(1, NATIONS), level=rng.randint(0, 4))
                self.note_valid("set_tax", reply)
            elif roll < 0.85:  # a real army to a neighbouring province
                army = await c.call("army", "army", OK_OR_NOT_FOUND, army=rng.randint(1, 400))
                if not army or "result" not in army:
                    continue
                a = army["result"]
                where = await c.call("province", "province", OK, province=a["province_id"])
                if not where or "result" not in where or not where["result"]["neighbors"]:
                    continue
                await c.call("move_army", "command_maybe", ACCEPTED_OR_REFUSED, nation=a["nation_id"],
                             army=a["id"], path=[rng.choice(where["result"]["neighbors"])])
            else:
                reply = await c.call("set_tax", "command_invalid", REFUSED,
                                     nation=NATIONS + rng.randint(1, 1000), level=1)
                if reply and "result" in reply:
                    self.invalid_accepted += 1
            await asyncio.sleep(self.think())
        await c.close()

    def note_valid(self, kind, reply):
        """A valid command may be refused only because its nation has died."""
        if reply and "error" in reply:
            message = reply["error"].get("message", "")
            if "no longer exists" not in message:
                self.valid_refused.append((kind, message))

    async def watcher(self):
        seen = {"deltas": 0, "snapshots": 0, "resyncs": 0, "gaps": 0, "last": None, "gap_list": []}
        self.watchers.append(seen)

        def on_push(doc):
            tick = doc["tick"]
            if doc["push"] == "snapshot":
                seen["resyncs"] += 1
            elif seen["last"] is not None and tick != seen["last"] + 1:
                seen["gaps"] += 1
                seen["gap_list"].append((seen["last"], tick, seen["deltas"]))
            else:
                seen["deltas"] += 1
            seen["last"] = tick
            self.max_tick_seen = max(self.max_tick_seen, tick)

        def on_snapshot(reply):
            if "result" in reply:
                seen["last"] = reply["result"]["tick"]
                seen["snapshots"] += 1

        c = Connection(self.stats, on_push)
        await c.open(self.port)
        await c.call("login", "setup", OK, role="spectator")
        await c.call("watch", "watch", OK, on_reply=on_snapshot)
        rng = random.Random(self.rng.random())
        while self.running():
            await asyncio.sleep(rng.uniform(0.5, 1.5))
            await c.call("status", "status", OK)
        seen["bytes"] = c.push_bytes
        await c.close()

    async def monitor(self):
        c = Connection(Stats())  # its own stats: it is not one of the clients
        await c.open(self.port)
        await c.call("login", "setup", OK, role="admin", token=ADMIN_TOKEN)
        while True:
            reply = await c.call("status", "status", OK)
            if reply and "result" in reply:
                s = reply["result"]
                self.samples.append((time.monotonic(), s["tick"], s["ticks_per_second"]))
                self.max_tick_seen = max(self.max_tick_seen, s["tick"])
            if not self.running():
                break
            await asyncio.sleep(1.0)
        await c.close()

    # -- the run --

    async def setup(self, players):
        admin = Connection(self.stats)
        await admin.open(self.port)
        await admin.call("login", "setup", OK, role="admin", token=ADMIN_TOKEN)
        for nation in range(1, players + 1):
            reply = await admin.call("token_issue", "setup", OK, role="player", nation=nation)
            if not reply or "result" not in reply:
                raise Failure(f"cannot issue a player token for nation {nation}: {reply}")
            self.player_tokens[nation] = reply["result"]["token"]
        await admin.close()

    async def run(self, on_started):
        n = self.args.clients
        watchers = n // 4 if self.args.watchers is None else self.args.watchers
        admins = max(1, n // 20)
        players = max(1, n // 5)
        spectators = max(0, n - watchers - admins - players)
        self.mix = {"spectators": spectators, "players": players, "admins": admins,
                    "watchers": watchers}
        await self.setup(players)
        self.stop_at = time.monotonic() + self.args.duration + 3600  # until all started
        clients = [self.spectator() for _ in range(spectators)]
        clients += [self.player(nation) for nation in range(1, players + 1)]
        clients += [self.admin() for _ in range(admins)]
        clients += [self.watcher() for _ in range(watchers)]
        self.rng.shuffle(clients)
        tasks = [asyncio.ensure_future(c) for c in clients]
        monitor = asyncio.ensure_future(self.monitor())
        await asyncio.sleep(1.0)  # everyone connected
        self.stop_at = time.monotonic() + self.args.duration
        on_started()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        await monitor
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:
            raise Failure(f"{len(errors)} clients failed, the first with {errors[0]!r}")


class Server:
    """`hegemon serve` in a subprocess, logging to a file."""

    def __init__(self, binary, directory, name, extra):
        self.log_path = os.path.join(directory, name + ".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [binary, "serve", "--save", os.path.join(directory, "game.db"), "--provinces",
             str(PROVINCES), "--nations", str(NATIONS), "--speed", "5", "--port", "0",
             "--admin-token", ADMIN_TOKEN] + extra,
            stdout=self.log, stderr=subprocess.STDOUT)
        end = time.monotonic() + DEADLINE
        self.port = None
        while self.port is None:
            if time.monotonic() > end or self.proc.poll() is not None:
                raise Failure(f"the server did not come up; see {self.log_path}")
            m = re.search(r"gateway listening on 127\.0\.0\.1:(\d+)", self.text())
            if m:
                self.port = int(m.group(1))
            else:
                time.sleep(0.05)

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def rss_mib(self):
        return rss_kib(self.proc.pid) / 1024.0

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            code = None
        self.log.close()
        return code


class RawClient:
    """A blocking socket with a 4 KiB receive buffer (set before connecting,
    so the kernel holds little of what the server sends) that reads nothing
    until told to."""

    def __init__(self, port, first_frames):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.connect(("127.0.0.1", port))
        self.sock.sendall(b"".join(frame(doc) for doc in first_frames))
        self.buffer = b""

    def frames(self, seconds, parse=json.loads):
        """The frames the server sent, as they are read, for at most `seconds`."""
        self.sock.settimeout(seconds)
        end = time.monotonic() + seconds
        try:
            while time.monotonic() < end:
                chunk = self.sock.recv(1 << 20)
                if not chunk:
                    return
                self.buffer += chunk
                while len(self.buffer) >= 4:
                    (size,) = struct.unpack(">I", self.buffer[:4])
                    if len(self.buffer) < 4 + size:
                        break
                    doc = parse(self.buffer[4:4 + size])
                    self.buffer = self.buffer[4 + size:]
                    yield doc
        except (socket.timeout, ConnectionError):
            return

    def close(self):
        self.sock.close()


class SlowWatcher(RawClient):
    """Says hello, logs in, watches, and then reads nothing until drained."""

    def __init__(self, port):
        super().__init__(port, [{"id": 1, "type": "hello", "version": 1},
                                {"id": 2, "type": "login", "role": "spectator"},
                                {"id": 3, "type": "watch"}])

    def drain(self, seconds):
        """Reads what waited, then follows the pushes until 50 deltas after a
        resync. Returns (frames read, resync snapshots, deltas after the last
        resync that followed each other, gaps after the last resync)."""
        frames = resyncs = consecutive = gaps = 0
        last = None
        for doc in self.frames(seconds):
            frames += 1
            if doc.get("push") == "snapshot":
                resyncs += 1
                consecutive = gaps = 0
            elif doc.get("push") == "delta" and resyncs:
                if doc["tick"] != last + 1:
                    gaps += 1
                else:
                    consecutive += 1
            if "push" in doc:
                last = doc["tick"]
            elif "tick" in doc.get("result", {}):
                last = doc["result"]["tick"]
            if resyncs and consecutive >= 50:
                break
        return frames, resyncs, consecutive, gaps


class SlowRequester(RawClient):
    """Asks for the map (about 30 KB) `rate` times a second and reads none
    of the replies until drained: its requests must wait, not pile up replies."""

    def __init__(self, port, rate):
        super().__init__(port, [{"id": 1, "type": "hello", "version": 1},
                                {"id": 2, "type": "login", "role": "spectator"}])
        self.sent = 2
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._send, args=(rate,), daemon=True)
        self.thread.start()

    def _send(self, rate):
        next_at = time.monotonic()
        while not self.stopping.is_set():
            try:
                self.sock.sendall(frame({"id": self.sent + 1, "type": "map"}))
            except OSError:
                return
            self.sent += 1
            # Never faster than `rate`, even after a delay (no catching up in
            # a burst, which the server's rate limit would rightly refuse).
            next_at = max(next_at + 1.0 / rate, time.monotonic())
            self.stopping.wait(max(0.0, next_at - time.monotonic()))

    def stop(self):
        self.stopping.set()
        self.thread.join()

    @staticmethod
    def head(payload):
        """Id and outcome from the start of a result: the server writes an
        object's keys in alphabetical order ("id" before "result"; an error,
        "error" first, is parsed whole), and parsing hundreds of megabytes of
        maps in Python would take minutes."""
        m = REPLY_HEAD.match(payload[:64])
        if not m:
            return json.loads(payload)
        return {"id": int(m.group(1)), "result": None}

    def drain(self, seconds):
        """Reads every reply. Returns (replies, in order of their ids, outcomes)."""
        replies = 0
        in_order = True
        outcomes = {}
        for doc in self.frames(seconds, parse=self.head):
            replies += 1
            in_order = in_order and doc.get("id") == replies
            outcome = "result" if "result" in doc else (doc.get("error") or {}).get("code", "error")
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if replies == self.sent:
                break
        return replies, in_order, outcomes


def sample_rss(server, samples, stop):
    """RSS every 0.25 s until `stop` is set (a thread-free asyncio task)."""
    async def loop():
        while not stop.is_set():
            samples.append((time.monotonic(), server.rss_mib()))
            try:
                await asyncio.wait_for(stop.wait(), 0.25)
            except asyncio.TimeoutError:
                pass
    return asyncio.ensure_future(loop())




def compare_unbounded(binary, directory, seconds, cap, rate):
    """Each misbehaving client alone against a quiet server (the same save, at
    speed 5), with the outbox limit and without one: the RSS growth of each."""
    out = {}
    for who in ("slow watcher", "slow requester"):
        for name, limit in (("bounded", cap), ("unbounded", UNBOUNDED)):
            extra = ["--max-outbox-bytes", str(limit)] if limit else []
            server = Server(binary, directory, f"compare-{who.split()[1]}-{name}", extra)
            time.sleep(1.0)
            start = server.rss_mib()
            client = SlowWatcher(server.port) if who == "slow watcher" else SlowRequester(server.port, rate)
            timeline = []
            began = time.monotonic()
            while time.monotonic() - began < seconds:
                timeline.append(server.rss_mib())
                time.sleep(0.5)
            final = server.rss_mib()
            if who == "slow requester":
                client.stop()
            client.close()
            code = server.stop()
            key = f"{who.split()[1]}_{name}"
            out[key] = {"limit_bytes": limit or "default", "rss_start_mib": round(start, 1),
                        "rss_end_mib": round(final, 1), "rss_peak_mib": round(max(timeline), 1),
                        "growth_mib": round(final - start, 1), "exit_code": code}
            every = [f"{m:.0f}" for m in timeline[::max(1, len(timeline) // 8)]]
            print(f"  {who}, {name:9} (--max-outbox-bytes {limit or 'default'}): RSS {start:.1f} -> "
                  f"{final:.1f} MiB in {seconds:.0f} s; along the way {' '.join(every)}", flush=True)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary")
    parser.add_argument("source", nargs="?", help="ignored (the source tree, as other tests take it)")
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--think-ms", type=float, default=100.0)
    parser.add_argument("--watchers", type=int, help="how many of the clients watch (default a quarter)")
    parser.add_argument("--min-tps", type=float, default=NOMINAL_TPS / 2,
                        help="tick rate floor, ticks/s (speed 5 is nominally 60)")
    parser.add_argument("--max-rss-growth-mib", type=float, default=64.0,
                        help="RSS growth allowed from the start of the load to its peak, besides "
                             "twice the outbox limit for each connection that fell behind")
    parser.add_argument("--max-outbox-bytes", type=int, default=0,
                        help="pass --max-outbox-bytes to the server (0: its default)")
    parser.add_argument("--slow-requests-per-second", type=float, default=50.0,
                        help="`map` requests per second of the client that reads no reply")
    parser.add_argument("--compare-unbounded", type=float, default=0.0, metavar="S")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the save and the logs")
    args = parser.parse_args()

    directory = tempfile.mkdtemp(prefix="hegemon-load-")
    problems = []
    result = {"clients": args.clients, "duration_s": args.duration, "think_ms": args.think_ms,
              "max_outbox_bytes": args.max_outbox_bytes or "default"}
    server = None
    try:
        extra = ["--max-outbox-bytes", str(args.max_outbox_bytes)] if args.max_outbox_bytes else []
        server = Server(args.binary, directory, "serve", extra)
        print(f"server pid {server.proc.pid} on port {server.port}; save and logs in {directory}",
              flush=True)
        load = Load(args, server.port)
        slow = SlowWatcher(server.port)
        requester = SlowRequester(server.port, args.slow_requests_per_second)
        rss = []      # (monotonic, MiB) every 0.25 s
        marks = {}

        async def everything():
            stop = asyncio.Event()
            sampler = sample_rss(server, rss, stop)

            def started():
                marks["start"] = (time.monotonic(), time.time(), server.rss_mib(),
                                  cpu_seconds(server.proc.pid), own_cpu_seconds())
            await load.run(started)
            marks["end"] = (time.monotonic(), time.time(), server.rss_mib(),
                            cpu_seconds(server.proc.pid), own_cpu_seconds())
            stop.set()
            await sampler

        asyncio.run(everything())
        # Only the slow watcher and the slow requester are left, still not reading.
        requester.stop()
        rss_after_load = server.rss_mib()
        frames, resyncs, consecutive, gaps = slow.drain(DEADLINE)
        slow.close()
        replies, in_order, requester_outcomes = requester.drain(4 * DEADLINE)
        requester.close()
        code = server.stop()
        log = server.text()
        server = None

        # -- figures --
        s = load.stats
        t0, wall0, rss_start, server_cpu0, own_cpu0 = marks["start"]
        t1, wall1, rss_end, server_cpu1, own_cpu1 = marks["end"]
        elapsed = max(1e-9, t1 - t0)
        tps = log_tick_rate(log, wall0 - 1.0, wall1 + 1.0)
        window = [x for x in load.samples if t0 - 1.0 <= x[0] <= t1 + 1.0]
        status_tps = ((window[-1][1] - window[0][1]) / (window[-1][0] - window[0][0])
                      if len(window) >= 2 and window[-1][0] > window[0][0] else 0.0)
        fell = [line.strip() for line in log.splitlines() if FELL_BEHIND.search(line)]
        slow_fell = [line for line in fell if f"client {SLOW_CLIENT} " in line]
        dropped = [line.strip() for line in log.splitlines() if "does not read the replies" in line]
        all_latencies = sorted(x for kind, v in s.latency.items() if kind != "setup" for x in v)
        answered_in_load = sum(len(v) for kind, v in s.latency.items() if kind != "setup")
        print(f"\nclients: {args.clients} ({', '.join(f'{v} {k}' for k, v in load.mix.items())}) "
              f"+ monitor + slow watcher, {args.duration:.0f} s, think {args.think_ms:.0f} ms, "
              f"outbox limit {args.max_outbox_bytes or 'default'}")
        print(f"requests: sent {s.sent}, answered {s.answered} "
              f"({answered_in_load / elapsed:.0f}/s during the load, setup excluded)")
        print(f"{'kind':16} {'count':>7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}  outcomes")
        kinds = {}
        for kind in sorted(s.latency):
            v = sorted(s.latency[kind])
            kinds[kind] = {"count": len(v), "p50_ms": round(percentile(v, 50) * 1000, 2),
                           "p99_ms": round(percentile(v, 99) * 1000, 2),
                           "max_ms": round(v[-1] * 1000, 2), "outcomes": s.outcomes[kind]}
            print(f"{kind:16} {len(v):7} {percentile(v, 50) * 1000:8.2f} "
                  f"{percentile(v, 99) * 1000:8.2f} {v[-1] * 1000:8.2f}  {s.outcomes[kind]}")
        p50, p99 = percentile(all_latencies, 50) * 1000, percentile(all_latencies, 99) * 1000
        print(f"{'all but setup':16} {len(all_latencies):7} {p50:8.2f} {p99:8.2f}")
        print(f"tick rate: {tps:.1f} ticks/s (the server's status lines over the load; nominal "
              f"{NOMINAL_TPS}); {status_tps:.1f} from the monitor's status requests")
        deltas = sum(w["deltas"] for w in load.watchers)
        w_resyncs = sum(w["resyncs"] for w in load.watchers)
        w_gaps = sum(w["gaps"] for w in load.watchers)
        push_bytes = sum(w.get("bytes", 0) for w in load.watchers)
        print(f"watchers: {len(load.watchers)}, {deltas} deltas ({push_bytes / max(1, deltas) / 1024:.1f} "
              f"KiB each on average), {w_resyncs} resync snapshots, {w_gaps} gaps; "
              f"{len(fell) - len(slow_fell)} of them fell behind")
        server_cpu = (server_cpu1 - server_cpu0) / elapsed
        own_cpu = (own_cpu1 - own_cpu0) / elapsed
        loadavg = os.getloadavg()[0]
        print(f"CPU during the load: server {server_cpu * 100:.0f}%, load generator "
              f"{own_cpu * 100:.0f}% (100% = one core; {os.cpu_count()} cores; load average "
              f"{loadavg:.1f} at the end)")
        during = [m for t, m in rss if t0 <= t <= t1]
        peak = max(during, default=rss_end)
        timeline = [f"{m:.1f}" for t, m in rss[::max(1, len(rss) // 12)]]
        print(f"server RSS: {rss_start:.1f} MiB at the start of the load, peak {peak:.1f}, "
              f"{rss_end:.1f} at the end, {rss_after_load:.1f} with only the slow watcher left")
        print(f"  every ~{(rss[-1][0] - rss[0][0]) / max(1, len(timeline)):.1f} s: {' '.join(timeline)}")
        print(f"slow watcher: {'fell behind' if slow_fell else 'never fell behind'}; once reading, "
              f"{frames} frames: {resyncs} resync snapshot(s), then {consecutive} consecutive "
              f"deltas, {gaps} gaps")
        for line in slow_fell[:1]:
            print(f"  {line}")
        print(f"slow requester: {requester.sent} requests ({args.slow_requests_per_second:.0f} maps/s, "
              f"none read during the load); once reading, {replies} replies, "
              f"{'in order' if in_order else 'OUT OF ORDER'}: {requester_outcomes}")
        result.update({
            "mix": load.mix, "sent": s.sent, "answered": s.answered,
            "requests_per_second": round(answered_in_load / elapsed, 1),
            "p50_ms": round(p50, 2), "p99_ms": round(p99, 2), "kinds": kinds,
            "ticks_per_second": round(tps, 1), "status_ticks_per_second": round(status_tps, 1),
            "nominal_ticks_per_second": NOMINAL_TPS,
            "watchers": {"count": len(load.watchers), "deltas": deltas, "resyncs": w_resyncs,
                         "mean_push_bytes": round(push_bytes / max(1, deltas)),
                         "gaps": w_gaps, "fell_behind": len(fell) - len(slow_fell)},
            "cpu_percent": {"server": round(server_cpu * 100), "load_generator": round(own_cpu * 100)},
            "load_average": round(loadavg, 1),
            "rss_mib": {"start": round(rss_start, 1), "peak": round(peak, 1), "end": round(rss_end, 1),
                        "after_load": round(rss_after_load, 1)},
            "slow_watcher": {"fell_behind": bool(slow_fell), "frames": frames, "resyncs": resyncs,
                             "consecutive_after": consecutive, "gaps_after": gaps},
            "slow_requester": {"sent": requester.sent, "replies": replies, "in_order": in_order,
                               "outcomes": requester_outcomes},
            "unexpected": s.unexpected_count, "invalid_accepted": load.invalid_accepted,
            "valid_refused": len(load.valid_refused), "exit_code": code})

        # -- checks --
        if s.sent != s.answered:
            problems.append(f"{s.sent - s.answered} of {s.sent} requests got no answer")
        if s.unexpected_count:
            problems.append(f"{s.unexpected_count} answers not allowed for their request, e.g. "
                            + "; ".join(f"{k}: {json.dumps(q)} -> {json.dumps(r)[:200]}"
                                        for k, q, r in s.unexpected[:3]))
        if load.invalid_accepted:
            problems.append(f"{load.invalid_accepted} invalid commands were accepted")
        if load.valid_refused:
            problems.append(f"{len(load.valid_refused)} valid commands were refused, e.g. "
                            f"{load.valid_refused[:3]}")
        if not s.outcomes.get("command_valid", {}).get("result"):
            problems.append("no valid command was accepted")
        if tps < args.min_tps:
            problems.append(f"tick rate {tps:.1f} ticks/s below the floor of {args.min_tps}")
        if w_gaps:
            examples = [g for w in load.watchers for g in w["gap_list"]][:5]
            problems.append(f"watchers saw {w_gaps} gaps between deltas without a resync "
                            f"(last tick, next tick, deltas before): {examples}")
        if deltas == 0 and load.watchers:
            problems.append("watchers got no deltas")
        if not slow_fell:
            problems.append("the slow watcher never hit the outbox limit (no 'fell behind' in the log)")
        # Each connection over its limit may hold the limit, twice (CAF's two
        # write buffers), and the slow requester is one even if not logged.
        behind = len({FELL_BEHIND.search(line).group(1) for line in fell} | {str(SLOW_REQUESTER)})
        limit_mib = (args.max_outbox_bytes or DEFAULT_OUTBOX) / (1 << 20)
        allowed = args.max_rss_growth_mib + 2 * limit_mib * behind
        result["rss_mib"]["allowed_growth"] = round(allowed, 1)
        if peak - rss_start > allowed:
            problems.append(f"RSS grew {peak - rss_start:.1f} MiB during the load (allowed "
                            f"{allowed:.0f}: {args.max_rss_growth_mib:.0f} + 2 x {limit_mib:.0f} MiB "
                            f"for each of {behind} connections over the outbox limit)")
        if resyncs < 1 or consecutive < 1 or gaps:
            problems.append(f"the slow watcher, once reading, got {resyncs} resync snapshots, "
                            f"then {consecutive} consecutive deltas and {gaps} gaps")
        if replies != requester.sent or not in_order or set(requester_outcomes) != {"result"}:
            problems.append(f"the slow requester sent {requester.sent} requests and, once reading, "
                            f"got {replies} replies ({'in' if in_order else 'out of'} order): "
                            f"{requester_outcomes}")
        if dropped:
            problems.append(f"a client was disconnected: {dropped[0]}")
        if code != 0:
            problems.append(f"the server exited with {code} on SIGTERM")

        if args.compare_unbounded > 0:
            print(f"\neach misbehaving client alone, {args.compare_unbounded:.0f} s each:")
            # The server's default limit against none, whatever the load ran with.
            result["compare"] = compare_unbounded(args.binary, directory, args.compare_unbounded,
                                                  0, args.slow_requests_per_second)
            for name, c in result["compare"].items():
                if c["exit_code"] != 0:
                    problems.append(f"the {name} server exited with {c['exit_code']} on SIGTERM")
    except Failure as e:
        problems.append(str(e))
    finally:
        if server is not None:
            server.stop()

    result["problems"] = problems
    print("\nLOAD-RESULT " + json.dumps(result, sort_keys=True))
    if problems:
        print("\nFAILED:\n  " + "\n  ".join(problems))
        print(f"save and logs kept in {directory}")
        return 1
    print("\nall checks passed")
    if args.keep:
        print(f"save and logs kept in {directory}")
    else:
        shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
