#!/usr/bin/env python3
"""Fog of war enforced by the server (issue #17), on a real `hegemon serve`.

A player walks EVERY request type of the request table (`hegemon client
--requests`) and nothing outside its nation's sight comes back; its watch
snapshot and every delta over several ticks hold exactly the armies it sees
(an army leaving sight is sent as gone, one entering as new), on TCP and on
the WebSocket. Sight is computed here, independently of rules/sight.cc: a
breadth-first search over the save's adjacency (read through the admin's
`sql`) from the provinces the nation owns or controls and where its armies
stand. Then `--spectators delayed:N`: a spectator's status, snapshot and
deltas are N ticks behind; and `--spectators off` refuses spectators.

Usage: fog_test.py HEGEMON SOURCE_DIR
"""

import asyncio
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_process import Failure, run_with_server, use_debian_python  # noqa: E402

use_debian_python("websockets")
import websockets.client  # noqa: E402 (Debian's python3-websockets)

ADMIN = "fog-test-admin-token-0123456789abc"
PRIVATE_NATION_KEYS = {"treasury", "stability", "manpower", "tax_level", "player", "armies"}
PUBLIC_EVENTS = {"war_declared", "peace", "province_transferred", "capital_moved",
                 "nation_eliminated"}


def check(condition, message):
    if not condition:
        raise Failure(message)


class World:
    """The whole committed world as the admin reads it from the save, and the
    sight of a nation in it, computed here."""

    def __init__(self, admin):
        def rows(sql):
            return admin.request("sql", sql=sql, max_rows=10000)["rows"]
        self.neighbours = {}
        for a, b in rows("SELECT province_id, neighbor_id FROM adjacency"):
            self.neighbours.setdefault(a, set()).add(b)
            self.neighbours.setdefault(b, set()).add(a)
        self.radius = 1
        for (v,) in rows("SELECT value FROM tuning WHERE name = 'sight_radius'"):
            self.radius = v
        self.provinces = {p: [o, c] for p, o, c in
                          rows("SELECT id, owner_id, controller_id FROM provinces")}
        self.armies = {a: [n, p] for a, n, p in
                       rows("SELECT id, nation_id, province_id FROM armies")}
        self.wars = {w: (a, d, e) for w, a, d, e in
                     rows("SELECT id, attacker_id, defender_id, end_tick FROM wars")}
        (self.tick,) = rows("SELECT max(tick) FROM ticks")[0]

    def apply(self, delta):
        """An admin's (whole) delta."""
        for p in delta["provinces"]:
            self.provinces[p["id"]] = [p["owner_id"], p["controller_id"]]
        for a in delta["armies"]:
            self.armies[a["id"]] = [a["nation_id"], a["province_id"]]
        for a in delta["removed_armies"]:
            self.armies.pop(a, None)
        for w in delta["wars"]:
            self.wars[w["id"]] = (w["attacker_id"], w["defender_id"], w["end_tick"])
        self.tick = delta["tick"]

    def sight(self, nation):
        seen = {p for p, (o, c) in self.provinces.items() if nation in (o, c)}
        seen |= {p for n, p in self.armies.values() if n == nation}
        frontier = set(seen)
        for _ in range(self.radius):
            frontier = {q for p in frontier for q in self.neighbours.get(p, ())} - seen
            seen |= frontier
        return seen

    def seen_armies(self, nation, sight):
        return {a for a, (n, p) in self.armies.items() if n == nation or p in sight}


def check_nation(n, me, where):
    if n["id"] != me:
        leaked = PRIVATE_NATION_KEYS & set(n)
        check(not leaked, f"{where}: nation {n['id']} shows {leaked} to nation {me}")


def check_war(w, me, where):
    ours = me in (w.get("attacker_id"), w.get("defender_id"))
    if not ours:
        check("peace_offer" not in w, f"{where}: a foreign war's peace offer: {w}")
        if w.get("end_tick") is None:
            check("war_score" not in w, f"{where}: an active foreign war's score: {w}")


def check_army(a, me, sight, where):
    check(a["nation_id"] == me or a["province_id"] in sight,
          f"{where}: army {a['id']} of nation {a['nation_id']} in province "
          f"{a['province_id']}, outside nation {me}'s sight")
    if a["nation_id"] != me:
        check("path" not in a and "move_progress" not in a, f"{where}: a foreign army's orders")


def event_allowed(e, me, sight, world):
    t, d = e["type"], e["data"]
    if t in PUBLIC_EVENTS:
        return True
    if t == "war_declaration_refused":
        return me in (d.get("nation"), d.get("target"))
    if t in ("command", "command_failed", "bankruptcy", "army_destroyed"):
        return d.get("nation") == me
    # Where it sees, only as it happens: an earlier tick's event is shown
    # for its place only if it is the player's own (the place may have come
    # into sight since).
    now = e.get("tick", world.tick) >= world.tick  # a delta's events carry no tick: now
    w = world.wars.get(d.get("war"))
    my_war = w is not None and me in w[:2]
    if t in ("army_recruited", "revolt", "siege_won"):
        return d.get("nation") == me or (now and d.get("province") in sight)
    if t == "battle":
        return (now and d.get("province") in sight) or (not now and my_war)
    if t in ("peace_offered", "peace_refused", "peace_offer_expired"):
        return my_war
    return False


def walk_every_request(hc, port, table, me, token, world):
    """Every request type a player may send, with real arguments; returns
    how many foreign armies it was refused (not vacuous: some must be)."""
    sight = world.sight(me)
    hidden = 0
    with hc.Client(port=port) as c:
        c.login("player", token)
        handled = {"hello", "login"}

        def call(type_, **fields):
            while True:  # the rate limit (200 a second) is not under test here
                try:
                    return c.request(type_, **fields)
                except hc.ServerError as e:
                    if e.code != "rate_limited":
                        raise
                    time.sleep(0.2)

        def ask(type_, **fields):
            handled.add(type_)
            return call(type_, **fields)

        status = ask("status")
        check("armies" not in status and "state_hash" not in status, f"status: {status}")
        for p in range(1, len(world.provinces) + 1):
            got = ask("province", province=p)
            check(("unrest" in got) == (p in sight), f"province {p}: unrest shown "
                  f"{'unrest' in got}, in sight {p in sight}")
        nations = sorted({o for o, _ in world.provinces.values()} | {me})
        for n in nations:
            check_nation(ask("nation", nation=n), me, "nation")
        for a, (n, p) in world.armies.items():
            try:
                got = ask("army", army=a)  # noqa
                check_army(got, me, sight, "army")
            except hc.ServerError as e:
                check(e.code == "not_found", f"army {a}: {e}")
                check(n != me and p not in sight, f"army {a} of {n} at {p} refused though seen")
                hidden += 1
        for w in world.wars:
            check_war(ask("war", war=w), me, "war")
        check(len(ask("map")["provinces"]) == len(world.provinces), "map")
        ask("geometry")
        for n in nations[:5]:
            ask("provinces_of", nation=n)
            for w in ask("wars_of", nation=n):
                check_war(w, me, "wars_of")
        got = ask("province_at", province=1, tick=world.tick)
        check(set(got) <= {"province", "since_tick", "owner_id", "controller_id", "development"},
              f"province_at: {got}")
        shown = 0
        for start in range(0, world.tick + 1, 3651):
            for e in ask("events", **{"from": start, "to": min(start + 3650, world.tick)}):
                check(event_allowed(e, me, sight, world), f"events: {e} is not nation {me}'s")
                shown += 1
        snap = ask("watch")
        check(snap["tick"] == world.tick, f"snapshot tick {snap['tick']}, world {world.tick}")
        check(set(snap["sight"]) == sight, "the snapshot's sight is not the one computed here")
        check({a["id"] for a in snap["armies"]} == world.seen_armies(me, sight),
              "the snapshot's armies are not those in sight")
        for a in snap["armies"]:
            check_army(a, me, sight, "snapshot")
        for n in snap["nations"]:
            check_nation(n, me, "snapshot")
        for w in snap["wars"]:
            check_war(w, me, "snapshot")
        # Commands echo the command only; admin requests are refused.
        for row in table:
            t = row["type"]
            if t in handled or "player" not in row["roles"]:
                if "player" not in row["roles"]:
                    try:
                        call(t)
                        raise Failure(f"a player was answered '{t}'")
                    except hc.ServerError as e:
                        check(e.code == "forbidden", f"'{t}': {e}")
                    handled.add(t)
                continue
            check(row["reads"] == "nothing", f"'{t}' reads the world but this test does not walk it")
            if t == "download_save":
                # The whole save, every nation in it: refused to a player of
                # a running game (here without --player-downloads at all).
                try:
                    call(t)
                    raise Failure("a player of a running game was sent the save")
                except hc.ServerError as e:
                    check(e.code == "forbidden", f"'{t}': {e}")
                handled.add(t)
                continue
            fields = {"declare_war": {"target": nations[0] if nations[0] != me else nations[1]},
                      "offer_peace": {"terms": "white"}, "accept_peace": {},
                      "recruit": {"province": 1}, "set_tax": {"level": 2},
                      "move_army": {"army": next(iter(world.armies)), "path": [1]}}
            check(t in fields, f"the walk does not know how to send '{t}'")
            try:
                got = call(t, **fields[t])
                check(set(got) - {"tick", "seq", "nation", "kind"} <= set(fields[t]),
                      f"'{t}' answered more than its command: {got}")
            except hc.ServerError:
                pass
            handled.add(t)
        missing = {r["type"] for r in table} - handled
        check(not missing, f"request types not walked: {missing}")
    return hidden, shown


def march_to_unseen(hc, port, token, me, world):
    """Sends one of the player's armies towards the nearest army it does not
    see, so that armies enter its sight while the deltas are followed.
    Returns whether the march was accepted."""
    sight = world.sight(me)
    targets = {p for a, (n, p) in world.armies.items() if n != me and p not in sight}
    for army, (n, start) in sorted(world.armies.items()):
        if n != me:
            continue
        came_from = {start: None}
        queue = [start]
        while queue:
            p = queue.pop(0)
            if p in targets:
                path = []
                while p != start:
                    path.append(p)
                    p = came_from[p]
                with hc.Client(port=port) as c:
                    c.login("player", token)
                    try:
                        c.request("move_army", army=army, path=path[::-1])
                        return True
                    except hc.ServerError:
                        break
            for q in sorted(world.neighbours.get(p, ())):
                if q not in came_from:
                    came_from[q] = p
                    queue.append(q)
    return False


def follow_deltas(hc, port, token, me, admin_port, world, seconds):
    """A player and an admin watch while the game runs; at every tick the
    player holds exactly the armies in its sight."""
    with hc.Client(port=port) as player, hc.Client(port=admin_port) as admin:
        player.login("player", token)
        admin.login("admin", ADMIN)
        snap = player.watch()
        admin_snap = admin.watch()
        check(snap["tick"] == admin_snap["tick"] == world.tick, "watch snapshots at other ticks")
        held = {a["id"]: a for a in snap["armies"]}
        admin.request("speed", speed="5")
        end = time.monotonic() + seconds
        ticks = entered = left = 0
        while time.monotonic() < end or ticks == 0:
            d = admin.next_push()
            check(d["push"] == "delta", f"admin push: {d['push']}")
            world.apply(d)
            p = player.next_push()
            check(p["tick"] == d["tick"],
                  f"player push {p['push']} of tick {p.get('tick')}, admin {d['tick']}")
            sight = world.sight(me)
            if p["push"] == "snapshot":  # it fell behind: all it sees, again
                held = {a["id"]: a for a in p["armies"]}
                p = dict(p, armies=[], removed_armies=[], events=[])
            for a in p["armies"]:
                check_army(a, me, sight, f"delta {p['tick']}")
                entered += a["id"] not in held
                held[a["id"]] = a
            for a in p["removed_armies"]:
                check(a in held, f"delta {p['tick']}: army {a} removed but never shown")
                left += a in world.armies
                held.pop(a)
            check(set(held) == world.seen_armies(me, sight),
                  f"tick {p['tick']}: the player holds {sorted(held)}, sees "
                  f"{sorted(world.seen_armies(me, sight))}")
            if "sight" in p:
                check(set(p["sight"]) == sight, f"tick {p['tick']}: sight differs")
            for n in p["nations"]:
                check_nation(n, me, "delta")
            for w in p["wars"]:
                check_war(w, me, "delta")
            for e in p["events"]:
                check(event_allowed(e, me, sight, world), f"delta event {e}")
            ticks += 1
        admin.request("pause")
    return ticks, entered, left


async def ws_player(ws_port, token, me, world):
    """The WebSocket shares the session: the same cut snapshot."""
    async with websockets.client.connect(f"ws://127.0.0.1:{ws_port}/ws",
                                         max_size=64 << 20) as ws:
        async def ask(i, type_, **fields):
            await ws.send(json.dumps(dict(fields, id=i, type=type_)))
            while True:
                reply = json.loads(await ws.recv())
                if reply.get("id") == i:
                    return reply
        await ask(1, "hello", version=1)
        await ask(2, "login", role="player", token=token)
        snap = (await ask(3, "watch"))["result"]
        sight = world.sight(me)
        check(set(snap["sight"]) == sight, "WebSocket: sight differs")
        check({a["id"] for a in snap["armies"]} == world.seen_armies(me, sight),
              "WebSocket: the snapshot's armies are not those in sight")
        army = next(a for a, (n, p) in world.armies.items() if n != me and p not in sight)
        reply = await ask(4, "army", army=army)
        check("error" in reply and reply["error"]["code"] == "not_found",
              f"WebSocket: unseen army {army}: {reply}")


def rollback(hc, port, admin, token, me, tick):
    """A live rollback: a watching player's fresh snapshot is the sight at
    the tick it went back to."""
    with hc.Client(port=port) as player:
        player.login("player", token)
        player.watch()
        got = admin.request("rollback", tick=tick)["tick"]
        while True:
            p = player.next_push()
            if p["push"] == "snapshot":
                break
        check(p["reason"] == "rollback" and p["tick"] == got, f"after rollback: {p['push']} "
              f"{p.get('reason')} of tick {p['tick']}, not {got}")
        world = World(admin)
        check(world.tick == got, f"the save is at {world.tick}, not {got}")
        sight = world.sight(me)
        check(set(p["sight"]) == sight, "after rollback: the sight differs")
        check({a["id"] for a in p["armies"]} == world.seen_armies(me, sight),
              "after rollback: the armies are not those in sight")
        return got


def wait_committed(admin):
    for _ in range(200):
        s = admin.request("status")
        if s["uncommitted"] == 0 and s["committed_tick"] == s["tick"]:
            return s["tick"]
        time.sleep(0.05)
    raise Failure("the game did not settle after pause")


def run_until(admin, ticks):
    admin.request("speed", speed="max")
    start = admin.request("status")["tick"]
    while admin.request("status")["tick"] < start + ticks:
        time.sleep(0.05)
    admin.request("pause")
    return wait_committed(admin)


def fog(hegemon, hc, workdir, table):
    def body(port, log_path):
        with open(log_path) as f:
            import re
            ws_port = int(re.search(r"ws://127\.0\.0\.1:(\d+)/ws", f.read()).group(1))
        with hc.Client(port=port) as admin:
            admin.login("admin", ADMIN)
            run_until(admin, 150)  # wars, marches
            world = World(admin)
            # The nation with the most armies outside its sight.
            def unseen(n):
                return len(world.armies) - len(world.seen_armies(n, world.sight(n)))
            # A nation at war (armies march in and out of its sight), the
            # one with the most armies outside its sight.
            at_war = {n for a, d, e in world.wars.values() if e is None for n in (a, d)}
            nations = sorted({o for o, _ in world.provinces.values()} - {None, 0})
            me = max([n for n in nations if n in at_war] or nations, key=unseen)
            check(unseen(me) > 0, "no army is hidden from any nation: the test would be vacuous")
            token = admin.request("token_issue", role="player", nation=me)["token"]
            hidden, events = walk_every_request(hc, port, table, me, token, world)
            check(hidden > 0, "the player was refused no army: vacuous")
            asyncio.run(ws_player(ws_port, token, me, world))
            marching = march_to_unseen(hc, port, token, me, world)
            ticks, entered, left = follow_deltas(hc, port, token, me, port, world, 6.0)
            wait_committed(admin)
            check(ticks >= 10, f"only {ticks} ticks followed")
            # Its own army marched towards armies it did not see.
            check(not marching or entered > 0, "an army marched, yet no army entered sight")
            back = rollback(hc, port, admin, token, me, world.tick - 40)
            print(f"fog: nation {me}: {hidden} armies hidden, {events} events, "
                  f"{ticks} ticks followed, {entered} armies entered sight, {left} left it; "
                  f"rolled back to {back}; marching {marching}")

    return run_with_server(hegemon, workdir, ["--admin-token", ADMIN, "--http-port", "0"], body)


def delayed(hegemon, hc, workdir, delay):
    def body(port, log_path):
        with hc.Client(port=port) as admin, hc.Client(port=port) as spectator:
            admin.login("admin", ADMIN)
            now = run_until(admin, delay + 20)
            spectator.login("spectator")
            check(spectator.request("status")["tick"] == now - delay, "status is not T-N")
            snap = spectator.watch()
            check(snap["tick"] == now - delay, f"snapshot of tick {snap['tick']}, not {now - delay}")
            check(max(e["tick"] for e in spectator.request("events", **{"from": 0, "to": now}))
                  <= now - delay, "events after T-N")
            now = run_until(admin, 15)
            last = snap["tick"]
            while last < now - delay:
                d = spectator.next_push()
                check(d["tick"] <= now - delay, f"a {d['push']} of tick {d['tick']} at tick {now}")
                # A snapshot replaces deltas a slow session missed.
                check(d["push"] == "snapshot" or d["tick"] == last + 1,
                      f"push {d['push']} {d.get('tick')} after {last}")
                last = d["tick"]
            check(admin.request("status")["tick"] == now, "the game moved while paused")
            check(spectator.request("status")["tick"] == now - delay, "status is not T-N")
            print(f"delayed:{delay}: at tick {now} the spectator sees {last}")

    return run_with_server(hegemon, workdir,
                           ["--admin-token", ADMIN, "--spectators", f"delayed:{delay}"], body)


def bad_modes(hegemon, workdir):
    """--spectators takes full, on, off or delayed:1..365, nothing else."""
    import subprocess
    for mode in ("delayed:0", "delayed:366", "delayed:", "delayed:x", "delayed:-1", "late",
                 "delayed:99999999999"):
        out = subprocess.run([hegemon, "serve", "--save", os.path.join(workdir, "x.db"),
                              "--spectators", mode, "--port", "0"],
                             capture_output=True, text=True, timeout=30)
        check(out.returncode != 0 and "delayed:N with N in 1..365" in out.stderr + out.stdout,
              f"--spectators {mode}: exit {out.returncode}: {out.stderr}")
    check(not os.path.exists(os.path.join(workdir, "x.db")), "a refused command line made a save")
    return 0


def off(hegemon, hc, workdir):
    def body(port, log_path):
        with hc.Client(port=port) as c:
            check(c.hello["spectators"] is False, "hello says spectators are admitted")
            try:
                c.login("spectator")
                raise Failure("a spectator logged in with --spectators off")
            except hc.ServerError as e:
                check(e.code == "unauthorized" and "spectators off" in e.message, f"{e}")

    return run_with_server(hegemon, workdir, ["--spectators", "off"], body)


def main():
    hegemon, source = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.join(source, "clients", "python"))
    import hegemon_client as hc
    import subprocess
    table = json.loads(subprocess.run([hegemon, "client", "--requests"], capture_output=True,
                                      text=True, check=True).stdout)
    code = 0
    for step in (lambda d: fog(hegemon, hc, d, table), lambda d: delayed(hegemon, hc, d, 5),
                 lambda d: off(hegemon, hc, d), lambda d: bad_modes(hegemon, d)):
        with tempfile.TemporaryDirectory() as workdir:
            code = code or step(workdir)
    if code == 0:
        print("PASS")
    return code


if __name__ == "__main__":
    sys.exit(main())
