#!/usr/bin/env python3
"""Bad clients (issue #7, item 4): misbehaving connections against a running
`hegemon serve` on 127.0.0.1, all at once, while a well-behaved client keeps
asking for the status and the game keeps ticking; then the state must be
exactly that of a clean run of the same seed.

The attackers, each a thread of its own (counts in the summary line):
  noise       random bytes in random pieces, then close
  oversized   a header announcing a frame above the 1 MiB maximum: the server
              must answer bad_frame and close the connection
  stalled     hello, then half a frame (up to 512 KiB of a large one), then
              nothing: held open until the end
  half_close  half a frame (or half a header), then close or reset
  refused     a flood of well-formed requests the server must refuse, checked
              reply by reply: wrong tokens, a spectator's and a player's
              commands for another nation, admin requests as a player,
              commands that fail validation, wrong types, out-of-range ids
              and time ranges; any `result` is a failure
  mutants     mutated valid requests (JSON and MessagePack sessions)
  bomb        1 MiB frames of nothing but nesting ("[[[[...", or MessagePack
              one-element arrays): bad_frame, at no more cost than the bytes
  churn       connect, maybe hello, disconnect, as fast as possible
  non_reader  requests sent without ever reading a reply (24 MiB of empty
              frames, each answered with a ~90-byte error): the server must
              stop taking them (or drop the client) long before the end
              rather than hold every reply
Meanwhile a spectator asks for `status` ten times a second: every answer
must come (within 5 s) and the tick must advance. Afterwards the attackers'
connections must all be gone from the admin's `clients` list, the server's
memory must have stayed within bounds and failed logins must not have
flooded the log. Then one client takes every free connection slot: exactly
the cap (256) is admitted, the rest turned away with an error, the spectator
still served, and a new client admitted once the slots are given back.

Both runs start paused on a fresh world with `--ticks T`; an admin issues a
player token for nation 3 (the `refused` flood logs in with it), makes the
hand-over explicit with `set_player` (so it applies at tick 1 in both runs),
and sets the speed. The server under attack runs at 60 ticks/s during the
attack, then at max speed up to T; the clean run at max speed throughout.
Every tick's state hash (table `ticks`) must be the same in both saves, and
so must the commands recorded in `event_log`: nothing refused got in.

Usage: bad_clients.py HEGEMON_BINARY SOURCE_DIR [--seed S] [--seconds N]
                      [--ticks T] [--keep]
  --seed S     (or HEGEMON_FUZZ_SEED) every random choice; default 1444
  --seconds N  length of the attack (default 10)
  --ticks T    ticks of both runs (default 1500)
  --keep       keep the saves and logs even if every check passes
"""

import argparse
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

DEADLINE = 30.0                    # seconds for a server to come up or answer
ADMIN_TOKEN = "bad-clients-admin"
WORLD = ["--seed", "5", "--provinces", "300", "--nations", "20"]
PLAYER_NATION = 3
MAX_FRAME = 1 << 20                # the server's default maximum frame
MAX_CONNECTIONS = 256              # and its default cap on connections
STALLED = 16                       # connections left hanging with half a frame
# Requests the non-reader may push. Kernel buffers on loopback take a few MiB
# before the server's back-pressure shows; without it, 24 MiB of empty frames
# would make the server hold ~500 MiB of unread replies.
NON_READER_BYTES = 24 * 1024 * 1024
REFUSAL_CODES = {"unauthorized", "forbidden", "bad_request", "refused", "not_found",
                 "unknown_type", "rate_limited", "hello_first", "bad_frame"}


class Failure(Exception):
    pass


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


def jframe(doc):
    return frame(json.dumps(doc).encode())


class Conn:
    """A raw connection: frames in and out, nothing assumed about the server."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def frame(self):
        """The next frame's payload; None when the server closed."""
        while True:
            if len(self.buf) >= 4:
                (n,) = struct.unpack(">I", self.buf[:4])
                if len(self.buf) >= 4 + n:
                    payload, self.buf = self.buf[4:4 + n], self.buf[4 + n:]
                    return payload
            chunk = self.sock.recv(65536)
            if not chunk:
                return None
            self.buf += chunk

    def call(self, doc):
        self.send(jframe(doc))
        payload = self.frame()
        return None if payload is None else json.loads(payload)

    def closed_by_server(self, timeout=5.0):
        self.sock.settimeout(timeout)
        try:
            while True:
                if not self.sock.recv(65536):
                    return True
        except socket.timeout:
            return False
        except OSError:  # reset: closed too
            return True

    def reset(self):
        """Closes with a RST instead of a FIN."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self):
        self.sock.close()


class Server:
    def __init__(self, hegemon, workdir, name, ticks):
        self.save = os.path.join(workdir, name + ".db")
        self.log_path = os.path.join(workdir, name + ".log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [hegemon, "serve", "--save", self.save, *WORLD, "--speed", "0", "--port", "0",
             "--ticks", str(ticks), "--admin-token", ADMIN_TOKEN, "--snapshot-every", "0"],
            stdout=self.log, stderr=subprocess.STDOUT)
        end = time.monotonic() + DEADLINE
        self.port = None
        while self.port is None:
            with open(self.log_path) as f:
                m = re.search(r"gateway listening on 127\.0\.0\.1:(\d+)", f.read())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None or time.monotonic() > end:
                raise Failure(f"{name}: the server did not come up; see {self.log_path}")
            else:
                time.sleep(0.05)

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def wait(self, timeout):
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise Failure(f"the server did not finish its ticks within {timeout:.0f} s")
        self.log.close()
        return code

    def stop(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def setup(server):
    """Admin: a player token for PLAYER_NATION, the hand-over made explicit."""
    admin = Conn(server.port, timeout=DEADLINE)
    admin.call({"id": 1, "type": "hello", "version": 1})
    reply = admin.call({"id": 2, "type": "login", "role": "admin", "token": ADMIN_TOKEN})
    if "result" not in reply:
        raise Failure(f"admin login failed: {reply}")
    issued = admin.call({"id": 3, "type": "token_issue", "role": "player", "nation": PLAYER_NATION})
    if "result" not in issued:
        raise Failure(f"token_issue failed: {issued}")
    # Issuing hands the nation over too, but asynchronously: this command makes
    # the tick it happens at the same in both runs (a second set_player is a
    # no-op for the state).
    scheduled = admin.call({"id": 4, "type": "set_player", "nation": PLAYER_NATION, "player": True})
    if scheduled.get("result", {}).get("tick") != 1:
        raise Failure(f"set_player was not scheduled for tick 1: {scheduled}")
    return admin, issued["result"]["token"]


# ---- the attackers -----------------------------------------------------------

class Attack:
    def __init__(self, port, player_token, seed):
        self.port = port
        self.player_token = player_token
        self.seed = seed
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.counts = {}
        self.violations = []
        self.stalled = []

    def count(self, what, n=1):
        with self.lock:
            self.counts[what] = self.counts.get(what, 0) + n

    def violation(self, text):
        with self.lock:
            if len(self.violations) < 20:
                self.violations.append(text)

    def loop(self, name, body):
        rng = random.Random(f"{self.seed}:{name}")
        while not self.stop.is_set():
            try:
                body(rng)
            except (OSError, ValueError):
                self.count(name + "_dropped")  # the server closed on us: fine

    def noise(self, rng):
        c = Conn(self.port, timeout=2.0)
        data = rng.randbytes(rng.randint(1, 65536))
        for at in range(0, len(data), 4096):
            c.send(data[at:at + 4096])
        self.count("noise")
        self.count("noise_bytes", len(data))
        c.close()

    def oversized(self, rng):
        c = Conn(self.port)
        if rng.random() < 0.5:
            c.call({"id": 1, "type": "hello", "version": 1})
        size = rng.choice([MAX_FRAME + 1, 1 << 31, (1 << 32) - 1, rng.randint(MAX_FRAME + 1, (1 << 32) - 1)])
        c.send(struct.pack(">I", size) + rng.randbytes(rng.randint(0, 100)))
        reply = c.frame()
        code = json.loads(reply).get("error", {}).get("code") if reply else None
        if code != "bad_frame":
            self.violation(f"oversized header ({size}): got {reply!r}, not bad_frame")
        if not c.closed_by_server():
            self.violation("oversized header: the server did not close the connection")
        self.count("oversized")
        c.close()

    def stall(self):
        rng = random.Random(f"{self.seed}:stalled")
        for _ in range(STALLED):
            try:
                c = Conn(self.port)
                c.call({"id": 1, "type": "hello", "version": 1})
                size = rng.choice([100, 4096, MAX_FRAME - 1, MAX_FRAME])
                c.send(struct.pack(">I", size) + b"{" * min(size // 2, 512 * 1024))
                self.stalled.append(c)
                self.count("stalled")
            except OSError:
                self.violation("could not open a stalled connection")

    def half_close(self, rng):
        c = Conn(self.port)
        whole = jframe({"id": 1, "type": "hello", "version": 1})
        c.send(whole[:rng.randint(1, len(whole) - 1)])
        if rng.random() < 0.5:
            c.reset()
        else:
            c.close()
        self.count("half_close")

    def bomb(self, rng):
        """A maximum-size frame of nothing but nesting (JSON "[[[[..." or
        MessagePack one-element arrays): refused with bad_frame at depth 33,
        at no more cost than its own bytes."""
        c = Conn(self.port)
        msgpack = rng.random() < 0.5
        hello = {"id": 0, "type": "hello", "version": 1}
        if msgpack:
            hello["encoding"] = "msgpack"
        c.call(hello)
        c.send(frame((b"\x91" if msgpack else b"[") * (MAX_FRAME - rng.randint(0, 16))))
        reply = c.frame()
        if reply is None:
            self.violation("the server closed a connection over a nesting bomb")
        elif not msgpack and json.loads(reply).get("error", {}).get("code") != "bad_frame":
            self.violation(f"a nesting bomb got {reply[:120]!r}, not bad_frame")
        self.count("bombs")
        c.close()

    def churn(self, rng):
        c = Conn(self.port)
        if rng.random() < 0.3:
            c.send(jframe({"id": 1, "type": "hello", "version": 1}))
        c.close()
        self.count("churn")

    def refused_requests(self, rng, role):
        """Requests that must all be refused, for a session of `role`."""
        other = rng.choice([1, 2, 4, 5, 19, 20, 0, -1, 999])
        big = rng.choice([2 ** 31, 2 ** 32 + 1, 2 ** 40, 2 ** 63 - 1, -(2 ** 63)])
        common = [
            {"type": "login", "role": "admin", "token": "%032x" % rng.getrandbits(128)},
            {"type": "login", "role": "player", "token": "not-a-token"},
            {"type": "actors"}, {"type": "pause"}, {"type": "speed", "speed": "max"},
            {"type": "kill", "kind": "nation", "actor": 3}, {"type": "rollback", "tick": 1},
            {"type": "shutdown"}, {"type": "token_issue", "role": "admin"},
            {"type": "set_player", "nation": PLAYER_NATION, "player": False},
            {"type": "recruit", "province": 1, "nation": other},
            {"type": "set_tax", "level": 2, "nation": other},
            {"type": "province", "province": big}, {"type": "nation", "nation": big},
            {"type": "army", "army": big}, {"type": "war", "war": big},
            {"type": "provinces_of", "nation": big}, {"type": "wars_of", "nation": big},
            {"type": "province_at", "province": big, "tick": 1},
            {"type": "events", "from": -(2 ** 62), "to": 2 ** 62},
            {"type": "events", "from": 0, "to": -(2 ** 63)},
            {"type": "events", "from": "0", "to": 10},
            {"type": "province", "province": "12"}, {"type": "province", "province": 1.5},
            {"type": "province"}, {"type": "frobnicate"}, {"type": "hello", "version": 1},
        ]
        if role == "player":  # the player's own nation, but commands that fail validation
            common += [
                {"type": "set_tax", "level": rng.choice([-1, 5, 7, 2 ** 31 - 1])},
                {"type": "declare_war", "target": PLAYER_NATION},
                {"type": "declare_war", "target": rng.choice([0, 21, 999, -3])},
                {"type": "recruit", "province": rng.choice([0, 301, 99999, -1])},
                {"type": "move_army", "army": rng.choice([0, 99999, -1]), "path": [1]},
                {"type": "move_army", "army": 1, "path": []},
                {"type": "move_army", "army": 1, "path": list(range(1, 300))},
                {"type": "move_army", "army": 1, "path": "1,2"},
                {"type": "accept_peace"},
                {"type": "offer_peace", "terms": "surrender"},
                {"type": "recruit", "province": "1"},
                {"type": "declare_war", "target": big},
            ]
        else:
            common += [{"type": "recruit", "province": 1}, {"type": "set_tax", "level": 2},
                       {"type": "declare_war", "target": 2}]
        return common

    def refused(self, rng):
        c = Conn(self.port)
        c.call({"id": 0, "type": "hello", "version": 1})
        role = rng.choice(["none", "spectator", "player"])
        if role == "spectator":
            c.call({"id": 0, "type": "login", "role": "spectator"})
        elif role == "player":
            reply = c.call({"id": 0, "type": "login", "role": "player", "token": self.player_token})
            if reply.get("error", {}).get("code") == "rate_limited":
                # The attack's wrong tokens come from this address too: past
                # the failed-login limit (net/login_limiter.h) every login
                # from it is refused unchecked, the right token as well.
                role = "none"
                self.count("login_limited")
            elif "result" not in reply:
                self.violation(f"the player's login failed: {reply}")
        for _ in range(rng.randint(1, 20)):
            batch = rng.choices(self.refused_requests(rng, role), k=20)
            for i, doc in enumerate(batch):
                doc["id"] = i
            c.send(b"".join(jframe(d) for d in batch))  # pipelined
            for doc in batch:
                payload = c.frame()
                if payload is None:
                    self.violation(f"the server closed a refused-flood connection ({role})")
                    return
                reply = json.loads(payload)
                code = reply.get("error", {}).get("code")
                if code not in REFUSAL_CODES:
                    self.violation(f"{role}: {json.dumps(doc)[:120]} got {json.dumps(reply)[:160]}")
                self.count("refused_" + str(code))
                self.count("refused")
        c.close()

    def mutants(self, rng):
        seeds = [{"type": "status"}, {"type": "province", "province": 12},
                 {"type": "nation", "nation": 3}, {"type": "events", "from": 1, "to": 20},
                 {"type": "move_army", "army": 1, "path": [1, 2]}, {"type": "map"},
                 {"type": "recruit", "province": 3}, {"type": "province_at", "province": 1, "tick": 0}]
        c = Conn(self.port)
        msgpack = rng.random() < 0.3
        hello = {"id": 0, "type": "hello", "version": 1}
        if msgpack:
            hello["encoding"] = "msgpack"
        c.call(hello)
        if msgpack:  # {"id":0,"type":"login","role":"spectator"}, by hand
            c.send(frame(b"\x83\xa2id\x00\xa4type\xa5login\xa4role\xa9spectator"))
            c.frame()
        else:
            c.call({"id": 0, "type": "login", "role": "spectator"})
        for i in range(rng.randint(1, 50)):
            doc = dict(rng.choice(seeds), id=i)
            data = bytearray(json.dumps(doc).encode())
            if msgpack:  # no MessagePack in the standard library: mutate bytes alone
                data = bytearray(b"\x83\xa2id" + bytes([i & 0x7f]) + b"\xa4type\xa6status\xa1x\x91\x01")
            for _ in range(rng.randint(1, 4)):
                if not data:
                    break
                at = rng.randrange(len(data))
                op = rng.random()
                if op < 0.4:
                    data[at] ^= 1 << rng.randrange(8)
                elif op < 0.6:
                    del data[at:at + rng.randint(1, 8)]
                elif op < 0.8:
                    data[at:at] = rng.choice([b"[" * 5000, b"1e400", b"\x91" * 5000, b"\"\\ud800\"",
                                              b"99999999999999999999", b"{", b"\x00", b"\xff"])
                else:
                    data = data[:at]
            c.send(frame(bytes(data)))
            if c.frame() is None:
                self.violation("the server closed a connection over a mutated request")
                return
            self.count("mutants")
        c.close()

    def non_reader(self):
        """Empty frames (each answered with a bad_frame error of ~90 bytes)
        as fast as the server takes them, never reading a reply; then the
        connection is held, unread, until the end."""
        c = Conn(self.port, timeout=2.0)
        c.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 16384)
        chunk = b"\x00\x00\x00\x00" * 16384
        sent = 0
        try:
            while not self.stop.is_set() and sent < NON_READER_BYTES:
                c.send(chunk)
                sent += len(chunk)
        except socket.timeout:
            self.count("non_reader_blocked")  # back-pressure: the server stopped reading
        except OSError:
            self.count("non_reader_dropped")
        self.count("non_reader_bytes", sent)
        self.stop.wait()
        c.close()

    def run(self, seconds):
        self.stall()
        threads = [threading.Thread(target=self.loop, args=(name, body), daemon=True)
                   for name, body in [("noise", self.noise), ("oversized", self.oversized),
                                      ("half_close", self.half_close), ("churn", self.churn),
                                      ("refused", self.refused), ("refused2", self.refused),
                                      ("mutants", self.mutants), ("bomb", self.bomb),
                                      ("bomb2", self.bomb)]]
        threads.append(threading.Thread(target=self.non_reader, daemon=True))
        for t in threads:
            t.start()
        return threads

    def finish(self, threads):
        self.stop.set()
        for t in threads:
            t.join(timeout=DEADLINE)
            if t.is_alive():
                self.violation("an attacker thread hung")
        for c in self.stalled:
            c.close()


def fill_connection_cap(port, good, already):
    """Takes every free connection slot, and one more: the server admits up
    to its cap, turns the rest away with an error frame, keeps serving the
    clients it has, and admits new ones once the slots are given back."""
    held, admitted, turned_away = [], 0, 0
    for _ in range(MAX_CONNECTIONS - already + 8):
        c = Conn(port)
        try:
            reply = c.call({"id": 1, "type": "hello", "version": 1})
        except OSError:  # turned away: reset before the error frame was read
            reply = None
        if reply and "result" in reply:
            admitted += 1
        else:
            turned_away += 1
        held.append(c)
    good_served = "result" in good.call({"id": 0, "type": "status"})
    for c in held:
        c.close()
    new_after = False
    end = time.monotonic() + 10
    while not new_after and time.monotonic() < end:
        c = Conn(port)
        reply = c.call({"id": 1, "type": "hello", "version": 1})
        new_after = bool(reply and "result" in reply)
        c.close()
        time.sleep(0.05)
    return {"admitted": admitted, "turned_away": turned_away, "good_served": good_served,
            "new_after": new_after}


# ---- the runs -----------------------------------------------------------------

def tick_hashes(save):
    db = sqlite3.connect(f"file:{save}?mode=ro", uri=True)
    try:
        hashes = db.execute("SELECT tick, state_hash FROM ticks ORDER BY tick").fetchall()
        commands = db.execute("SELECT count(*) FROM event_log WHERE event_type = 'command'").fetchone()[0]
        return hashes, commands
    finally:
        db.close()


def attacked_run(args, workdir):
    server = Server(args.hegemon, workdir, "attacked", args.ticks)
    try:
        admin, player_token = setup(server)
        good = Conn(server.port, timeout=DEADLINE)
        good.call({"id": 0, "type": "hello", "version": 1})
        good.call({"id": 0, "type": "login", "role": "spectator"})
        admin.call({"id": 5, "type": "speed", "speed": "5"})  # 60 ticks/s
        rss_before = server.rss_kib()

        attack = Attack(server.port, player_token, args.seed)
        started = time.monotonic()
        threads = attack.run(args.seconds)
        latencies, ticks, peak_rss = [], [], rss_before
        n = 0
        while time.monotonic() - started < args.seconds:
            n += 1
            asked = time.monotonic()
            reply = good.call({"id": n, "type": "status"})
            latencies.append(time.monotonic() - asked)
            if reply is None or "result" not in reply:
                raise Failure(f"the well-behaved client got {reply} under attack")
            ticks.append(reply["result"]["tick"])
            if server.proc.poll() is not None:
                raise Failure(f"the server exited under attack (code {server.proc.returncode})")
            peak_rss = max(peak_rss, server.rss_kib())
            time.sleep(0.1)
        attack.finish(threads)

        # Every attacker's connection is gone; only the admin and the good client remain.
        end = time.monotonic() + 10
        while True:
            listed = admin.call({"id": 6, "type": "clients"})["result"]
            if len(listed) == 2 or time.monotonic() > end:
                break
            time.sleep(0.2)
        cap = fill_connection_cap(server.port, good, len(listed))
        status = good.call({"id": n + 1, "type": "status"})["result"]
        rss_after = server.rss_kib()
        admin.call({"id": 7, "type": "speed", "speed": "max"})
        good.close()
        admin.close()
        code = server.wait(timeout=120)
        latencies.sort()
        with open(server.log_path, errors="replace") as f:
            log = f.read().splitlines()
        login_lines = sum(1 for line in log if re.search(r"failed \w+ login", line))
        figures = {
            "attack_seconds": args.seconds,
            "status_answered": len(latencies),
            "status_p50_ms": round(latencies[len(latencies) // 2] * 1000, 1),
            "status_max_ms": round(latencies[-1] * 1000, 1),
            "ticks_during_attack": ticks[-1] - ticks[0],
            "rss_mib": [round(rss_before / 1024, 1), round(peak_rss / 1024, 1), round(rss_after / 1024, 1)],
            "clients_left": len(listed),
            "connection_cap": cap,
            "log_lines": len(log),
            "failed_login_lines": login_lines,
            **attack.counts,
        }
        problems = list(attack.violations)
        if len(listed) != 2:
            problems.append(f"{len(listed)} clients still listed after the attack: {listed}")
        if cap["admitted"] != MAX_CONNECTIONS - len(listed) or not cap["good_served"] or not cap["new_after"]:
            problems.append(f"the connection cap misbehaved: {cap}")
        if latencies[-1] > 5.0:
            problems.append(f"a status answer took {latencies[-1]:.1f} s")
        if ticks[-1] - ticks[0] < 30:
            problems.append(f"the game advanced only {ticks[-1] - ticks[0]} ticks under attack")
        if status["last_error"]:
            problems.append(f"the game paused: {status['last_error']}")
        # About 25 MiB in practice: 16 stalled half frames (up to 512 KiB
        # each), a few hundred connections' buffers. One nesting bomb cost
        # 78 MiB before JSON nesting was bounded.
        if peak_rss - rss_before > 96 * 1024:
            problems.append(f"the server grew by {(peak_rss - rss_before) // 1024} MiB under attack")
        if code != 0:
            problems.append(f"the server exited with {code}")
        # Clients cause log lines; a flood of them must not fill the disk
        # (failed logins: at most 10 lines a second, net/log_throttle.h).
        if login_lines > 10 * (args.seconds + 5):
            problems.append(f"{login_lines} failed-login lines logged in {args.seconds:.0f} s of attack")
        if attack.counts.get("non_reader_bytes", 0) >= NON_READER_BYTES:
            problems.append("the server took every request of a client that reads no reply")
        return figures, problems
    finally:
        server.stop()


def clean_run(args, workdir):
    server = Server(args.hegemon, workdir, "clean", args.ticks)
    try:
        admin, _ = setup(server)
        admin.call({"id": 5, "type": "speed", "speed": "max"})
        admin.close()
        if server.wait(timeout=120) != 0:
            raise Failure("the clean run failed")
    finally:
        server.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("hegemon")
    parser.add_argument("source", nargs="?", default=".")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("HEGEMON_FUZZ_SEED", "1444")))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--ticks", type=int, default=1500)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="hegemon-bad-clients-")
    print(f"bad_clients: seed {args.seed}, {args.seconds:.0f} s of attack, {args.ticks} ticks, in {workdir}",
          flush=True)
    ok = False
    try:
        started = time.monotonic()
        figures, problems = attacked_run(args, workdir)
        print("attacked run: " + json.dumps(figures), flush=True)
        clean_run(args, workdir)
        attacked, attacked_commands = tick_hashes(os.path.join(workdir, "attacked.db"))
        clean, clean_commands = tick_hashes(os.path.join(workdir, "clean.db"))
        if len(attacked) != args.ticks + 1 or attacked != clean:
            first = next((a for a, b in zip(attacked, clean) if a != b), None)
            problems.append(f"the state differs from the clean run: {len(attacked)} vs {len(clean)} ticks, "
                            f"first difference at {first}")
        if attacked_commands != clean_commands:
            problems.append(f"{attacked_commands} commands recorded under attack, {clean_commands} in the clean run")
        print(f"state: {len(attacked)} tick hashes identical to the clean run's: {attacked == clean}; "
              f"final hash {attacked[-1][1] if attacked else None}; {attacked_commands} commands recorded in "
              f"each; {time.monotonic() - started:.1f} s in all", flush=True)
        for p in problems:
            print("FAILED: " + p, flush=True)
        ok = not problems
        return 0 if ok else 1
    except Failure as e:
        print(f"FAILED: {e}", flush=True)
        return 1
    finally:
        if ok and not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"saves and logs kept in {workdir}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
