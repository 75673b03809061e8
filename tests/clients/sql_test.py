#!/usr/bin/env python3
"""An operator's SQL over the network (issue #17), on a real `hegemon serve`:
`hegemon client sql` and the Python client ask a running game's save and get
rows; writes, ATTACH and settings are refused and change nothing; a spectator
may not ask; a runaway query is stopped and reported while the server goes on
answering other clients (the query runs off the gateway's I/O thread).

Usage: sql_test.py HEGEMON SOURCE_DIR
"""

import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import contextlib

from serve_process import Failure, run_with_server

ADMIN_TOKEN = "sql-test-admin-token-0123456789"


def check(condition, message):
    if not condition:
        raise Failure(message)


def run_client(hegemon, port, *args, token=ADMIN_TOKEN):
    cmd = [hegemon, "client", "--port", str(port)]
    if token:
        cmd += ["--token", token]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=60)


def main():
    hegemon, source = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.join(source, "clients", "python"))
    import hegemon_client as hc

    def body(port, log_path):
        # The C++ client: a table, and --json rows.
        out = run_client(hegemon, port, "sql", "SELECT count(*) AS n FROM provinces")
        check(out.returncode == 0, f"sql exited {out.returncode}: {out.stderr}")
        lines = out.stdout.split("\n")
        check(lines[0].strip() == "n" and lines[1].strip() == "300",
              f"the table is not n / 300: {out.stdout!r}")
        out = run_client(hegemon, port, "--json", "sql",
                         "SELECT id, name FROM nations WHERE id <= :most ORDER BY id", "most=3")
        check(out.returncode == 0, f"sql --json exited {out.returncode}: {out.stderr}")
        answer = json.loads(out.stdout)
        check(answer["columns"] == ["id", "name"], f"columns: {answer['columns']}")
        check([r[0] for r in answer["rows"]] == [1, 2, 3], f"rows: {answer['rows']}")

        # The Python client, with a text parameter.
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            code = hc.main(["--port", str(port), "--token", ADMIN_TOKEN, "--json", "sql",
                            "SELECT count(*) FROM tokens WHERE role = :r", "r=admin"])
        check(code == 0, f"the Python client's sql returned {code}")
        check(json.loads(buffer.getvalue())["rows"] == [[0]],
              f"the Python client's answer: {buffer.getvalue()}")

        # Refused, and nothing changed.
        before = run_client(hegemon, port, "--json", "sql", "SELECT count(*) FROM provinces")
        for sql in ("DELETE FROM provinces", "ATTACH DATABASE 'x.db' AS x",
                    "PRAGMA user_version = 1", "SELECT 1; DELETE FROM provinces"):
            out = run_client(hegemon, port, "sql", sql)
            check(out.returncode == 1, f"`{sql}` exited {out.returncode}, not 1 (refused)")
            check("not authorised" in out.stderr or "more than one statement" in out.stderr,
                  f"`{sql}` refused without saying why: {out.stderr}")
        after = run_client(hegemon, port, "--json", "sql", "SELECT count(*) FROM provinces")
        check(before.stdout == after.stdout, "a refused query changed the save")
        check(not os.path.exists(os.path.join(workdir, "x.db")), "ATTACH made a file")

        # A spectator may not ask.
        out = run_client(hegemon, port, "sql", "SELECT 1", token=None)
        check(out.returncode == 1 and "forbidden" in out.stderr.lower() or
              "admin" in out.stderr, f"a spectator's sql: {out.returncode} {out.stderr}")

        # A runaway query is stopped at the time limit and reported, and
        # meanwhile another client is answered.
        runaway = {}

        def ask_runaway():
            with hc.Client("127.0.0.1", port, timeout=30) as c:
                c.login("admin", ADMIN_TOKEN)
                runaway["answer"] = c.request(
                    "sql", sql="WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                    "FROM c) SELECT count(*) FROM c")
                runaway["done"] = True

        thread = threading.Thread(target=ask_runaway)
        with hc.Client("127.0.0.1", port) as other:
            other.login("spectator")
            thread.start()
            # Once the server has taken the query (it logs it as it hands
            # it to the worker), another client's request is answered
            # before the query's 2 s are up.
            end = time.monotonic() + 20
            while time.monotonic() < end:
                with open(log_path) as f:
                    if "runs SQL: WITH RECURSIVE" in f.read():
                        break
                time.sleep(0.02)
            other.request("status")
            answered_meanwhile = thread.is_alive()
        thread.join(60)
        check(runaway.get("done"), "the runaway query got no answer")
        check("time limit" in runaway["answer"].get("stopped", ""),
              f"the runaway query was not stopped by the time limit: {runaway['answer']}")
        check(answered_meanwhile, "no other client was answered while the query ran")

    with tempfile.TemporaryDirectory() as workdir:
        if run_with_server(hegemon, workdir, ["--admin-token", ADMIN_TOKEN], body,
                           errors=(Failure,)):
            return 1
    print("ok: sql over the network reads, refuses writes, is bounded and off the I/O thread")
    return 0


if __name__ == "__main__":
    sys.exit(main())
