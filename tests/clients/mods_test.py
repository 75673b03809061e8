#!/usr/bin/env python3
"""Mods end to end on the real binary (issue #15): `hegemon serve --mod`
starts a new game from the shipped Italy scenario with the balance mod on
top; the save keeps both (inspect lists them), plays, and replays with the
mod files nowhere near it; `hello` and `status` carry the content checksum
inspect reports. A bad mod, or mods for a save that already holds a game,
exit 2 and leave no save behind.

Usage: mods_test.py HEGEMON SOURCE_DIR
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from serve_process import Failure, report_failure, start_server


def check(condition, message):
    if not condition:
        raise Failure(message)


def run(hegemon, *args, timeout=300):
    return subprocess.run([hegemon, *args], capture_output=True, text=True, timeout=timeout)


def main():
    hegemon, source = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.join(source, "clients", "python"))
    import hegemon_client as hc
    mods = os.path.join(source, "mods")
    italy = os.path.join(mods, "italy_1444.sql")
    balance = os.path.join(mods, "balance.sql")
    log_path = os.devnull
    with tempfile.TemporaryDirectory() as work:
        try:
            # A bad mod: the balance mod with a tuning name that does not exist.
            bad = os.path.join(work, "bad.db")
            out = run(hegemon, "mod", "build", balance, bad)
            check(out.returncode == 0, f"mod build: {out.returncode} {out.stderr}")
            db = sqlite3.connect(bad)
            db.execute("INSERT INTO tuning VALUES ('free_money', 5)")
            db.commit()
            db.close()
            new = os.path.join(work, "never.db")
            out = run(hegemon, "serve", "--save", new, "--mod", bad, "--ticks", "1", "--port", "0")
            check(out.returncode == 2, f"a bad mod exited {out.returncode}, not 2: {out.stderr}")
            check("bad.db" in out.stderr and "tuning" in out.stderr and "free_money" in out.stderr,
                  f"the refusal does not name file, table and row: {out.stderr}")
            check(not os.path.exists(new), "a bad mod left a save behind")

            # A game from the Italy scenario with the balance mod on top.
            game = os.path.join(work, "italy.db")
            out = run(hegemon, "serve", "--save", game, "--mod", italy, "--mod", balance,
                      "--seed", "9", "--ticks", "1000", "--speed", "max", "--port", "0")
            check(out.returncode == 0, f"serve --mod exited {out.returncode}: {out.stderr}")
            out = run(hegemon, "inspect", "--json", game)
            check(out.returncode == 0, f"inspect: {out.stderr}")
            summary = json.loads(out.stdout)
            check([m["name"] for m in summary["mods"]] == ["Italy 1444", "Balance"] or
                  len(summary["mods"]) == 2, f"inspect's mods: {summary['mods']}")
            check(summary["params"]["provinces"] == 49, f"not Italy's map: {summary['params']}")
            check(summary["tick"] == 1000, f"the game is at tick {summary['tick']}")
            check(summary["tuning_overrides"], "the balance mod's values are not in the save")
            checksum = summary["content_checksum"]

            # The game, 1000 days on, exported as a mod: its text passes `mod
            # check` and starts a new game on the same map, with its balance.
            exported = os.path.join(work, "italy_1447.sql")
            out = run(hegemon, "mod", "export", game, exported, "--name", "Italy 1447")
            check(out.returncode == 0, f"mod export exited {out.returncode}: {out.stderr}")
            check("tick 1000" in out.stdout, f"mod export does not say its tick: {out.stdout}")
            out = run(hegemon, "mod", "check", exported)
            check(out.returncode == 0, f"mod check of the export: {out.stdout} {out.stderr}")
            with open(exported, encoding="utf-8") as f:
                text = f.read()
            check("'Milano'" in text and "'Italy 1447'" in text, "the export lacks Italy's names")
            second = os.path.join(work, "second.db")
            out = run(hegemon, "serve", "--save", second, "--mod", exported, "--ticks", "5",
                      "--speed", "max", "--port", "0")
            check(out.returncode == 0, f"serve --mod EXPORT exited {out.returncode}: {out.stderr}")
            out = run(hegemon, "inspect", "--json", second)
            again = json.loads(out.stdout)
            check(again["params"]["provinces"] == 49, f"the export's map: {again['params']}")
            check(again["date"].startswith("1447"), f"the export's game starts {again['date']}")
            check(again["tuning_overrides"] == summary["tuning_overrides"],
                  "the export did not carry the game's balance")
            # A failed export writes nothing.
            out = run(hegemon, "mod", "export", os.path.join(work, "none.db"),
                      os.path.join(work, "none.sql"))
            check(out.returncode == 1 and not os.path.exists(os.path.join(work, "none.sql")),
                  f"exporting a missing save: exit {out.returncode}")

            # Mods again for a save that already holds a game.
            out = run(hegemon, "serve", "--save", game, "--mod", balance, "--ticks", "1",
                      "--port", "0")
            check(out.returncode == 2, f"--mod on an existing game exited {out.returncode}")

            # The save alone, far from any mod file, replays.
            alone = os.path.join(work, "elsewhere")
            os.mkdir(alone)
            # (game.db: the name serve_process gives the server's save)
            shutil.copy(game, os.path.join(alone, "game.db"))
            out = run(hegemon, "replay", "--json", os.path.join(alone, "game.db"))
            check(out.returncode == 0, f"replay exited {out.returncode}: {out.stdout} {out.stderr}")
            replayed = json.loads(out.stdout)
            check(replayed["ok"] and replayed["content"] == checksum,
                  f"replay: ok {replayed['ok']}, content {replayed.get('content')} != {checksum}")

            # The running game tells its clients the content checksum.
            proc, port, _, log_path = start_server(hegemon, alone)
            try:
                with hc.Client("127.0.0.1", port) as c:
                    check(c.hello["content"] == checksum,
                          f"hello's content {c.hello['content']} != {checksum}")
                    c.login("spectator")
                    status = c.request("status")
                    check(status["content"]["checksum"] == checksum, f"status: {status['content']}")
                    check(len(status["content"]["mods"]) == 2, f"status: {status['content']}")
            finally:
                proc.terminate()
                proc.wait(30)
        except Failure as e:
            if log_path == os.devnull:
                print(f"FAIL: {e}")
                return 1
            return report_failure(e, log_path)
    print("ok: a modded game is created, kept, replayed alone and announced by its checksum")
    return 0


if __name__ == "__main__":
    sys.exit(main())
