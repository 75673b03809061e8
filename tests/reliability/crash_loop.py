#!/usr/bin/env python3
"""Crash loop (issue #7, item 1; docs/RELIABILITY.md, "Crash loop"): start
`hegemon serve` on one save, SIGKILL it at a random moment, check the save,
start it again, round after round.

After every kill, before anything else opens the save:
  - the WAL and its index are read as raw bytes, to tell whether the kill tore
    a commit (frames of an unfinished transaction after the last commit
    frame, which recovery discards) or a checkpoint (frames being copied into
    the database file, which recovery redoes);
  - `PRAGMA integrity_check` is "ok" (Python's sqlite3, read-only);
  - the last tick L is whole: the game row and the `ticks` row of L record the
    same hash, ticks 0..L each have a `ticks` row, no history row, game event
    or snapshot lies beyond L, every snapshot due at or before L is there,
    the tick the last round ended at still has the hash it had, and every
    command the server accepted for a tick <= L is in `event_log`;
  - once a server has run 200 ticks, every living nation with a valid player
    token issued before it started is its player's (the token is stored at
    once, its set_player command only with its tick: a kill in between must
    not leave the nation with the AI for good);
  - `hegemon replay SAVE --from-snapshot` exits 0: it re-runs the ticks from
    the latest snapshot to L against their recorded hashes, history rows and
    events, and checks that the tables hash to the hash recorded for L;
  - the next server logs "resumed ... at tick L" and its status lines never
    show a tick below L; L never goes backwards (except to a rollback's
    target, see below).
At the end `hegemon replay SAVE` verifies the whole game, and the game must
have advanced.

Kills land at random: about one round in seven during start-up (creating the
schema and the world in the first round; later opening, recovering and
checking the save), the others 0..1.2 s after the server says it is serving.
At --speed max (about 3,000 ticks/s for this world) the persistence actor
commits all the time, and SQLite checkpoints the WAL every 1,000 pages or so.
About one round in ten aims at a snapshot tick (--snapshot-every 50): it
slows the game to 60 ticks/s, watches the committed ticks and kills about
when the next snapshot tick commits. About four in ten first send a few
player commands through the gateway (the Python client and `hegemon
client`), some ending with a checkpoint request (`save`) just before the
kill, or issuing a player token on a paused game just before it; about one
in ten asks for a live rollback and is killed while it runs or after.

Usage: crash_loop.py HEGEMON_BINARY SOURCE_DIR [--rounds N] [--seed S] [--keep]
  --rounds N (or HEGEMON_CRASH_ROUNDS)  rounds (default 10)
  --seed S   (or HEGEMON_CRASH_SEED)    the seed of every random choice; printed
             at the start, so a failing run can be repeated with the same
             choices (the exact kill instants depend on the machine too)
  --keep                                keep the save even if every check passes
On a failure the temporary directory with the save and the server logs is
kept and its path printed.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

DEADLINE = 30.0           # seconds for a server to come up or a request to be answered
SNAPSHOT_EVERY = 50
ADMIN_TOKEN = "crash-loop-admin"
WORLD = ["--seed", "2024", "--provinces", "300", "--nations", "30"]
# The game events of rules/events.h: those a tick writes. Operational
# incidents (actor_crashed, rolled_back, ...) are written at once, outside any
# tick, and may carry the tick in flight.
GAME_EVENTS = ("war_declared", "war_declaration_refused", "army_recruited", "revolt", "bankruptcy",
               "battle", "army_destroyed", "siege_won", "province_transferred", "capital_moved",
               "peace", "nation_eliminated", "command", "command_failed", "peace_offered",
               "peace_refused", "peace_offer_expired")


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


# ---- the WAL, read before SQLite touches it ----

def wal_checksum(data, s0, s1, little_endian):
    words = struct.unpack(("<" if little_endian else ">") + f"{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def wal_tail(path):
    """Reads SAVE-wal as SQLite's recovery would. Returns (committed frames,
    frames of an unfinished transaction after the last commit frame). A kill
    inside a commit's write to the WAL leaves the second number above zero;
    recovery ignores those frames."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return 0, 0
    if len(data) < 32:
        return 0, 0
    magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:32])
    if magic not in (0x377F0682, 0x377F0683):
        return 0, 0
    little = magic == 0x377F0682
    s0, s1 = wal_checksum(data[:24], 0, 0, little)
    if (s0, s1) != (c1, c2):
        return 0, 0
    frame_size = 24 + page_size
    committed = pending = 0
    offset = 32
    while offset + frame_size <= len(data):
        header = data[offset:offset + 24]
        _page, commit_size, fs1, fs2, fc1, fc2 = struct.unpack(">6I", header)
        if (fs1, fs2) != (salt1, salt2):
            break
        t0, t1 = wal_checksum(header[:8], s0, s1, little)
        t0, t1 = wal_checksum(data[offset + 24:offset + frame_size], t0, t1, little)
        if (t0, t1) != (fc1, fc2):
            break
        s0, s1 = t0, t1
        pending += 1
        if commit_size:
            committed += pending
            pending = 0
        offset += frame_size
    return committed, pending


def shm_checkpoint(path, recovered_frames):
    """From SAVE-shm (the WAL index, native byte order): whether the process
    died inside a checkpoint, i.e. after announcing how far it would copy WAL
    frames into the database (nBackfillAttempted) and before recording that
    it had (nBackfill). Recovery redoes such a checkpoint from the WAL.
    SQLite's own WAL recovery also leaves nBackfillAttempted at the frames it
    recovered (the last kill's committed frames) until the next checkpoint
    completes, so that value alone proves nothing."""
    try:
        with open(path, "rb") as f:
            data = f.read(136)
    except FileNotFoundError:
        return False
    if len(data) < 136:
        return False
    backfill, = struct.unpack_from("=I", data, 96)
    attempted, = struct.unpack_from("=I", data, 128)
    return attempted > backfill and attempted != recovered_frames


# ---- the save, read-only ----

def connect_read_only(save):
    return sqlite3.connect(f"file:{save}?mode=ro", uri=True, timeout=DEADLINE)


def tick_hash(save, tick):
    db = connect_read_only(save)
    try:
        row = db.execute("SELECT state_hash FROM ticks WHERE tick = ?", (tick,)).fetchone()
        return row[0] if row else None
    finally:
        db.close()


def check_save(save, floor, kept, accepted_commands):
    """The SQL side of the checks. `floor`: the lowest tick the save may be at
    (-1: it may hold no world yet); `kept`: (tick, hash) the save must still
    record, or None. Returns (last tick, its hash, commands found, commands lost)."""
    check(os.path.exists(save) or floor < 0, "the save disappeared")
    if not os.path.exists(save):
        return -1, None, 0, 0
    if os.path.exists(save + "-journal") and os.path.getsize(save + "-journal") > 0:
        # Killed while the schema was being created (before the save turns to
        # WAL mode): a hot rollback journal that only a writer can roll back,
        # which the next server does. No world can be in it yet.
        check(floor < 0, f"a rollback journal beside a save at tick {floor}")
        return -1, None, 0, 0
    db = connect_read_only(save)
    try:
        result = [r[0] for r in db.execute("PRAGMA integrity_check").fetchall()]
        check(result == ["ok"], f"integrity_check: {result[:10]}")
        has_game = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'game'").fetchone()
        row = db.execute("SELECT tick, state_hash FROM game WHERE id = 1").fetchone() \
            if has_game else None
        if row is None:
            # Killed before the world was created: nothing may be half there.
            check(floor < 0, f"the save lost its world (was at tick {floor})")
            for table in ("provinces", "nations", "ticks", "snapshots"):
                if db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (table,)).fetchone():
                    n = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                    check(n == 0, f"no game row but {n} rows in {table}")
            return -1, None, 0, 0
        last, state_hash = row
        check(last >= floor, f"the save went back from tick {floor} to tick {last}")
        first, top, count = db.execute(
            "SELECT min(tick), max(tick), count(*) FROM ticks").fetchone()
        check((first, top, count) == (0, last, last + 1),
              f"ticks rows: ticks {first}..{top}, {count} rows; the game is at tick {last}")
        recorded = db.execute("SELECT state_hash FROM ticks WHERE tick = ?", (last,)).fetchone()[0]
        check(recorded == state_hash,
              f"tick {last}: the ticks row records hash {recorded}, the game row {state_hash}")
        if kept is not None:
            was = db.execute("SELECT state_hash FROM ticks WHERE tick = ?", (kept[0],)).fetchone()
            check(was is not None and was[0] == kept[1],
                  f"tick {kept[0]} had hash {kept[1]}, now {was[0] if was else 'nothing'}")
        beyond = db.execute("SELECT count(*) FROM province_history WHERE tick > ?",
                            (last,)).fetchone()[0]
        check(beyond == 0, f"{beyond} province_history rows after the last tick {last}")
        marks = ",".join("?" * len(GAME_EVENTS))
        beyond = db.execute(f"SELECT count(*) FROM event_log WHERE tick > ? AND event_type IN "
                            f"({marks})", (last, *GAME_EVENTS)).fetchone()[0]
        check(beyond == 0, f"{beyond} game events after the last tick {last}")
        snapshots = {r[0] for r in db.execute("SELECT tick FROM snapshots")}
        check(max(snapshots) <= last, f"a snapshot of tick {max(snapshots)} after tick {last}")
        missing = [t for t in range(0, last + 1, SNAPSHOT_EVERY) if t not in snapshots]
        check(not missing, f"snapshots missing at ticks {missing[:10]}")
        found = lost = 0
        for c in accepted_commands:
            if c["tick"] > last:
                lost += 1  # accepted for a tick that never committed: gone with the process
                continue
            rows = db.execute("SELECT event_data FROM event_log WHERE tick = ? AND event_type = "
                              "'command'", (c["tick"],)).fetchall()
            seqs = {json.loads(r[0]).get("seq") for r in rows}
            check(c["seq"] in seqs, f"command {c} was accepted for tick {c['tick']} <= {last} "
                                    f"but is not in event_log (seqs there: {sorted(seqs)})")
            found += 1
        return last, state_hash, found, lost
    finally:
        db.close()


def check_players(save, up_to_token, enforce):
    """If `enforce`: every living nation with a valid player token among
    tokens 1..up_to_token is its player's. Returns the highest token id now."""
    if not os.path.exists(save) or os.path.exists(save + "-journal"):
        return 0
    db = connect_read_only(save)
    try:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'tokens'").fetchone():
            return 0
        orphans = db.execute(
            "SELECT t.id, t.nation_id FROM tokens t JOIN nations n ON n.id = t.nation_id"
            " WHERE t.role = 'player' AND t.revoked_at IS NULL AND t.id <= ? AND n.alive = 1"
            " AND n.player = 0", (up_to_token,)).fetchall()
        check(not enforce or not orphans, f"nations with a valid player token still played by "
                                          f"the AI (token, nation): {orphans}")
        return db.execute("SELECT coalesce(max(id), 0) FROM tokens").fetchone()[0]
    finally:
        db.close()


# ---- the server ----

def tail(text, lines=15):
    return "\n".join(text.splitlines()[-lines:])


class Server:
    def __init__(self, hegemon, save, log_path):
        self.log_path = log_path
        self.log = open(log_path, "w")
        self.proc = subprocess.Popen(
            [hegemon, "serve", "--save", save, *WORLD, "--port", "0", "--speed", "max",
             "--snapshot-every", str(SNAPSHOT_EVERY), "--admin-token", ADMIN_TOKEN],
            stdout=self.log, stderr=subprocess.STDOUT)
        self.started = time.monotonic()

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def wait_serving(self):
        """The gateway port once the server says it is serving."""
        end = time.monotonic() + DEADLINE
        while time.monotonic() < end:
            text = self.text()
            port = re.search(r"gateway listening on 127\.0\.0\.1:(\d+)", text)
            if port and "serving " in text:
                return int(port.group(1))
            if self.proc.poll() is not None:
                raise Failure(f"the server exited with {self.proc.returncode} before serving:\n"
                              + tail(text))
            time.sleep(0.01)
        raise Failure("the server did not start serving in time:\n" + tail(self.text()))

    def kill(self):
        code = self.proc.poll()
        if code is not None:
            raise Failure(f"the server exited on its own with {code}:\n" + tail(self.text()))
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=DEADLINE)
        self.log.close()

    def stop(self):
        """On a failure: no server outlives the test."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=DEADLINE)
        self.log.close()


def check_resume(log_text, saved_tick, floor):
    """The server resumed exactly at the saved tick (or created the world if
    there was none) and its status lines never showed a tick below `floor`."""
    resumed = re.search(r"resumed \S+ at tick (\d+)", log_text)
    created = "created a new world" in log_text
    if saved_tick < 0:
        check(resumed is None, "resumed a save that held no world:\n" + tail(log_text))
    elif resumed is None:
        check(not created, f"created a new world over a save at tick {saved_tick}")
        check("serving " not in log_text, "serving without saying where it resumed")
    else:
        check(int(resumed.group(1)) == saved_tick,
              f"resumed at tick {resumed.group(1)}, the save was at tick {saved_tick}")
    # Nothing the server logged as an error: a refused save, a failed
    # commit or a hash mismatch would show here first.
    errors = re.findall(r"^\S+ \S+ (?:error|critical) .*$", log_text, re.M)
    check(not errors, "the server logged errors:\n" + "\n".join(errors[:10]))
    shown = [int(t) for t in re.findall(r"  tick (\d+)  ", log_text)]
    check(all(t >= floor for t in shown),
          f"a status line showed tick {min(shown, default=0)}, below tick {floor}")
    return shown


# ---- what a round does before the kill ----

def send_commands(hegemon, client_module, port, save, rng, stats):
    """A few commands as an admin, for random living nations, through the
    Python client and the C++ one (`hegemon client`). Returns those accepted
    and how the round ends: None (as any other), "checkpoint" (a checkpoint
    request just before the kill) or "paused token" (a player token issued
    on a paused game, so its set_player command cannot commit before the
    kill)."""
    accepted = []
    db = connect_read_only(save)
    try:
        living = [r[0] for r in db.execute("SELECT id FROM nations WHERE alive = 1 ORDER BY id")]
    finally:
        db.close()
    with client_module.Client("127.0.0.1", port, timeout=DEADLINE) as c:
        c.login("admin", ADMIN_TOKEN)
        for _ in range(rng.randint(2, 6)):
            nation = rng.choice(living)
            what = rng.random()
            try:
                info = c.request("nation", nation=nation)
                if not info["alive"]:
                    continue
                if what < 0.4:
                    out = subprocess.run(
                        [hegemon, "client", "--port", str(port), "--token", ADMIN_TOKEN,
                         "--nation", str(nation), "--json", "set-tax", str(rng.randint(0, 4))],
                        capture_output=True, text=True, timeout=DEADLINE)
                    if out.returncode == 1:
                        stats["refused"] += 1
                        continue
                    check(out.returncode == 0, f"hegemon client set-tax: {out.stderr}")
                    reply = json.loads(out.stdout)
                elif what < 0.7:
                    reply = c.request("recruit", nation=nation, province=info["capital_id"])
                elif what < 0.9:
                    db = connect_read_only(save)
                    try:
                        army = db.execute("SELECT id FROM armies WHERE nation_id = ? ORDER BY id "
                                          "LIMIT 1", (nation,)).fetchone()
                    finally:
                        db.close()
                    if army is None:
                        continue
                    where = c.request("army", army=army[0])["province_id"]
                    step = rng.choice(c.request("province", province=where)["neighbors"])
                    reply = c.request("move_army", nation=nation, army=army[0], path=[step])
                else:
                    # A player token: stored in the save outside any tick, and
                    # a set_player command for the nation at the next tick.
                    paused = rng.random() < 0.5
                    if paused:
                        c.request("pause")
                    c.request("token_issue", role="player", nation=nation)
                    stats["tokens"] += 1
                    if paused:
                        stats["paused_tokens"] += 1
                        return accepted, "paused token"
                    continue
                accepted.append({"seq": reply["seq"], "tick": reply["tick"],
                                 "kind": reply["kind"], "nation": nation})
            except client_module.ServerError as e:
                # Refused: the world moved on since the pick (the army is
                # gone, the nation died, no money): fine. Anything else is not.
                if e.code not in ("refused", "not_found"):
                    raise
                stats["refused"] += 1
        if rng.random() < 0.3:
            c.request("save")  # a checkpoint; the kill follows within 30 ms
            stats["checkpoints"] += 1
            time.sleep(rng.uniform(0, 0.03))
            return accepted, "checkpoint"
    return accepted, None


def aim_at_snapshot(client_module, port, rng):
    """Slows the game to 60 ticks/s, waits for the delta of a tick just before
    a snapshot tick and returns 13..18 ms later (busy-waiting: sleep() is too
    coarse), about when the snapshot tick commits. Returns that tick."""
    with client_module.Client("127.0.0.1", port, timeout=DEADLINE) as c:
        c.login("admin", ADMIN_TOKEN)
        c.request("speed", speed="5")
        c.watch()
        previous = time.monotonic()
        while True:
            push = c.next_push()
            now = time.monotonic()
            # Only once the deltas come at the steady 60 a second: right
            # after the switch from max speed, queued ticks come in a burst.
            steady, previous = now - previous > 0.012, now
            if steady and push.get("push") == "delta" and (push["tick"] + 1) % SNAPSHOT_EVERY == 0:
                break
        start, delay = now, rng.uniform(0.013, 0.018)
        while time.monotonic() - start < delay:
            pass
        return push["tick"] + 1


class Rollback:
    """A live rollback asked for on its own connection, so the kill may come
    before the reply."""

    def __init__(self, client_module, port, target):
        self.client = client_module.Client("127.0.0.1", port, timeout=DEADLINE)
        self.client.login("admin", ADMIN_TOKEN)
        self.reply = self.error = None
        self.thread = threading.Thread(target=self._run, args=(target,), daemon=True)
        self.thread.start()

    def _run(self, target):
        try:
            self.reply = self.client.request("rollback", tick=target)
        except Exception as e:  # the kill breaks the connection
            self.error = e

    def wait(self):
        self.thread.join(DEADLINE)
        check(self.reply is not None, f"rollback: no reply ({self.error})")
        self.client.request("speed", speed="max")  # a rolled-back game waits, paused

    def close(self):
        self.thread.join(DEADLINE)
        self.client.close()


def run_tool(args):
    started = time.monotonic()
    out = subprocess.run(args, capture_output=True, text=True, timeout=600)
    return out, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("hegemon")
    parser.add_argument("source", nargs="?", default=".")
    parser.add_argument("--rounds", type=int,
                        default=int(os.environ.get("HEGEMON_CRASH_ROUNDS", 10)))
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    seed = args.seed
    if seed is None:
        seed = int(os.environ["HEGEMON_CRASH_SEED"]) if os.environ.get("HEGEMON_CRASH_SEED") \
            else random.SystemRandom().randrange(1, 2**31)
    print(f"crash loop: {args.rounds} rounds, seed {seed} "
          f"(repeat with HEGEMON_CRASH_SEED={seed} or --seed {seed})", flush=True)
    sys.path.insert(0, os.path.join(args.source, "clients", "python"))
    import hegemon_client

    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="hegemon-crash-loop-")
    save = os.path.join(work, "crash.db")
    stats = dict.fromkeys(["startup", "torn", "torn_snapshot", "in_checkpoint", "commands", "found",
                           "lost", "refused", "tokens", "checkpoints", "rollbacks",
                           "rollbacks_in_flight", "rolled_back_in_flight", "aimed", "aimed_hit",
                           "paused_tokens"],
                          0)
    replay_seconds = 0.0
    began = time.monotonic()
    last, last_hash = -1, None  # where the save was after the last kill
    first_tick = None
    wal_frames = 0              # committed frames in the WAL at the last kill
    tokens = 0                  # the highest token id at the last kill
    ok = False
    server = rollback = None
    try:
        for round_ in range(1, args.rounds + 1):
            server = Server(args.hegemon, save, os.path.join(work, f"serve-{round_:03d}.log"))
            accepted, ending, note = [], None, ""
            floor, kept = last, (last, last_hash) if last >= 0 else None
            if rng.random() < 0.15:
                time.sleep(rng.uniform(0, 0.06))  # start-up takes 30..130 ms here
            else:
                port = server.wait_serving()
                mode = rng.random()
                if mode < 0.1 and last > 0:
                    # Back to an earlier committed tick, live: one transaction
                    # rewrites the tables and drops every row after the target.
                    target = rng.randint(max(0, last - 3000), last)
                    floor, kept = target, (target, tick_hash(save, target))
                    time.sleep(rng.uniform(0, 0.3))
                    rollback = Rollback(hegemon_client, port, target)
                    stats["rollbacks"] += 1
                    if rng.random() < 0.5:
                        stats["rollbacks_in_flight"] += 1
                        note = f", rollback to tick {target} in flight"
                        time.sleep(rng.uniform(0, 0.06))
                    else:
                        rollback.wait()
                        note = f", rolled back to tick {target} and ran on"
                        time.sleep(rng.uniform(0, 0.6))
                elif mode < 0.2:
                    # Aim at a snapshot tick: at 60 ticks/s, watch the
                    # committed ticks and kill 13..18 ms after tick 50k-1,
                    # about when tick 50k (with its snapshot) is committed.
                    target = aim_at_snapshot(hegemon_client, port, rng)
                    stats["aimed"] += 1
                    note = f", aimed at snapshot tick {target}"
                elif mode < 0.6:
                    time.sleep(rng.uniform(0, 0.3))
                    accepted, ending = send_commands(args.hegemon, hegemon_client, port, save,
                                                     rng, stats)
                    stats["commands"] += len(accepted)
                    if accepted:
                        note = f", {len(accepted)} commands"
                    if ending == "paused token":
                        note += ", a player token issued on the paused game"
                    if ending is None:
                        time.sleep(rng.uniform(0, 1.2))
                else:
                    time.sleep(rng.uniform(0, 1.2))
            server.kill()
            alive = time.monotonic() - server.started
            if rollback is not None:
                rollback.close()
                rollback = None
            log_text = server.text()
            where = ("after a checkpoint request" if ending == "checkpoint" else
                     "while serving" if "serving " in log_text else "during start-up")
            stats["startup"] += where == "during start-up"
            shown = check_resume(log_text, last, floor)

            in_checkpoint = shm_checkpoint(save + "-shm", wal_frames)
            wal_frames, pending_frames = wal_tail(save + "-wal")
            new_last, new_hash, found, lost = check_save(save, floor, kept, accepted)
            if "aimed at" in note and new_last == target - 1:
                stats["aimed_hit"] += 1
                note += " (not committed)"
            if "in flight" in note and new_last < last:
                stats["rolled_back_in_flight"] += 1
                note += " (done)"
            stats["found"] += found
            stats["lost"] += lost
            if pending_frames:
                stats["torn"] += 1
                note += f", killed mid-commit ({pending_frames} WAL frames of tick {new_last + 1}"
                if (new_last + 1) % SNAPSHOT_EVERY == 0:
                    stats["torn_snapshot"] += 1
                    note += ", a snapshot tick"
                note += " discarded)"
            if in_checkpoint:
                stats["in_checkpoint"] += 1
                note += ", killed mid-checkpoint"
            # A player token issued in an earlier round hands its nation to
            # the player even if the server died before the tick of its
            # set_player command: the next server sends it again at start
            # (checked once this round's server has run for a while).
            tokens = check_players(save, tokens, new_last >= last + 200 and "roll" not in note)
            if new_last > 0:  # at tick 0 there is no tick to replay (exit 3, "nothing checked")
                out, seconds = run_tool([args.hegemon, "replay", save, "--from-snapshot", "--json"])
                replay_seconds += seconds
                check(out.returncode == 0, f"replay --from-snapshot exited {out.returncode}:\n"
                                           f"{out.stdout}{out.stderr}")
                report = json.loads(out.stdout)
                check(report["ok"] and report["end_tick"] == new_last,
                      f"replay --from-snapshot: {out.stdout}")
                if first_tick is None:
                    first_tick = new_last
            print(f"round {round_:3d}: killed {where} after {alive:.2f} s "
                  f"(last status tick {max(shown, default='-')}); save at tick {new_last}{note}",
                  flush=True)
            last, last_hash = new_last, new_hash

        out, seconds = run_tool([args.hegemon, "replay", save, "--json"])
        check(out.returncode == 0,
              f"hegemon replay exited {out.returncode}:\n{out.stdout}{out.stderr}")
        report = json.loads(out.stdout)
        check(report["ok"] and report["end_tick"] == last, f"hegemon replay: {out.stdout}")
        check(first_tick is not None and last > first_tick,
              f"the game made no progress (ticks {first_tick} .. {last})")
        s = stats
        print(f"crash loop passed: seed {seed}, {args.rounds} rounds in "
              f"{time.monotonic() - began:.1f} s, the game from tick {first_tick} (first kill) to "
              f"{last}; kills: {s['startup']} during start-up, {s['torn']} mid-commit (unfinished "
              f"commit frames in the WAL; {s['torn_snapshot']} of a snapshot tick), "
              f"{s['in_checkpoint']} mid-checkpoint, {s['checkpoints']} right after a checkpoint "
              f"request, {s['aimed']} aimed at a snapshot tick ({s['aimed_hit']} of them "
              f"killed before it committed), {s['rollbacks_in_flight']} during a live rollback "
              f"(done before the kill: {s['rolled_back_in_flight']}), "
              f"{s['rollbacks'] - s['rollbacks_in_flight']} after one; commands: "
              f"{s['commands']} accepted, {s['found']} committed, {s['lost']} lost with their "
              f"tick, {s['refused']} refused, {s['tokens']} player tokens issued "
              f"({s['paused_tokens']} on a paused game, just before the kill); "
              f"replays from snapshots {replay_seconds:.1f} s, whole replay {seconds:.1f} s",
              flush=True)
        ok = True
    except Failure as e:
        print(f"FAILED (seed {seed}): {e}", flush=True)
    finally:
        if rollback is not None:
            rollback.client.close()
        if server is not None:
            server.stop()
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"save and server logs kept in {work}", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
