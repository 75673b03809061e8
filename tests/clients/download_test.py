#!/usr/bin/env python3
"""Save download over the network (issue #17), on a real `hegemon serve`:
`hegemon client download-save` and the Python client get a copy of the live
save that is the server's state at its tick (same state hash, integrity
check ok, `hegemon replay` ok) while the game keeps ticking; a download cut
short (a connection cut by a proxy, a client killed mid-stream) leaves no
file; a player is refused unless the server allows it and the game is paused;
a second download on the same connection is refused. And the audit trail:
downloads, SQL, tokens, kicks and refused logins land in audit_log, refused
logins bounded, no token in any row.

Usage: download_test.py HEGEMON SOURCE_DIR
"""

import json
import os
import shutil
import socket
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time

from serve_process import Failure, report_failure, run_with_server, start_server

ADMIN_TOKEN = "download-test-admin-token-0123456789"


def check(condition, message):
    if not condition:
        raise Failure(message)


def run_client(hegemon, port, *args, token=ADMIN_TOKEN, role="admin"):
    cmd = [hegemon, "client", "--port", str(port)]
    if token:
        cmd += ["--token", token, "--role", role]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=120)


def wait_for(what, condition, seconds=30):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise Failure(f"timed out waiting for {what}")


class CuttingProxy:
    """Forwards one connection to the server; from the server to the client
    only `limit` bytes, `pace` bytes at a time with a pause between, then
    cuts both sides: a download broken off half-way, on real sockets."""

    def __init__(self, port, limit, pace=1 << 20, pause=0.0):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.upstream_port, self.limit, self.pace, self.pause = port, limit, pace, pause
        self.forwarded = 0
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        client, _ = self.listener.accept()
        server = socket.create_connection(("127.0.0.1", self.upstream_port))

        def up():
            try:
                while True:
                    data = client.recv(65536)
                    if not data:
                        break
                    server.sendall(data)
            except OSError:
                pass
        threading.Thread(target=up, daemon=True).start()
        try:
            while self.forwarded < self.limit:
                data = server.recv(min(self.pace, self.limit - self.forwarded))
                if not data:
                    break
                client.sendall(data)
                self.forwarded += len(data)
                time.sleep(self.pause)
        except OSError:
            pass
        for s in (client, server):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()
        self.listener.close()


def copy_facts(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            "integrity": db.execute("PRAGMA integrity_check").fetchone()[0],
            "journal": db.execute("PRAGMA journal_mode").fetchone()[0],
            "tick": db.execute("SELECT tick FROM game").fetchone()[0],
            "hash": db.execute("SELECT state_hash FROM game").fetchone()[0],
            "tokens": db.execute("SELECT count(*) FROM tokens").fetchone()[0],
        }
    finally:
        db.close()


def live_hash(admin, tick):
    rows = admin.request("sql", sql="SELECT state_hash FROM ticks WHERE tick = :t",
                         params={"t": tick})["rows"]
    check(rows, f"the live save has no tick {tick}")
    return rows[0][0]


def leftovers(folder):
    return [n for n in os.listdir(folder) if ".download-" in n or ".part" in n]


def check_admin_downloads(hegemon, hc, port, workdir, log_path):
    outdir = os.path.join(workdir, "out")
    os.mkdir(outdir)
    with hc.Client("127.0.0.1", port) as admin:
        admin.login("admin", ADMIN_TOKEN)
        admin.request("speed", speed="5")
        wait_for("the game to tick", lambda: admin.request("status")["tick"] > 5)

        # The C++ client, while the game runs.
        before = admin.request("status")["tick"]
        out = os.path.join(outdir, "copy.db")
        run = run_client(hegemon, port, "download-save", out)
        check(run.returncode == 0, f"download-save exited {run.returncode}: {run.stderr}")
        facts = copy_facts(out)
        check(facts["integrity"] == "ok", f"integrity_check: {facts['integrity']}")
        check(facts["journal"] == "delete", f"the copy is in {facts['journal']} mode, not one file")
        check(facts["tokens"] == 0, "the copy holds tokens")
        check(facts["tick"] >= before, f"the copy's tick {facts['tick']} is before {before}")
        check(f"tick {facts['tick']}," in run.stderr, f"the client names another tick: {run.stderr}")
        check(live_hash(admin, facts["tick"]) == facts["hash"],
              "the copy's state hash is not the server's at its tick")
        wait_for("the game to tick on", lambda: admin.request("status")["tick"] > facts["tick"])
        replay = subprocess.run([hegemon, "replay", out], capture_output=True, text=True,
                                timeout=300)
        check(replay.returncode == 0, f"hegemon replay of the copy exited {replay.returncode}: "
              f"{replay.stdout[-2000:]} {replay.stderr[-2000:]}")
        check(not [n for n in os.listdir(outdir) if n != "copy.db" and not n.startswith("copy.db-")],
              f"files beside the copy: {os.listdir(outdir)}")
        # ... and plays on by itself, as a friend would play it.
        played = os.path.join(workdir, "played.db")
        shutil.copy(out, played)
        serve = subprocess.run([hegemon, "serve", "--save", played, "--ticks", "20", "--speed",
                                "max", "--port", "0"], capture_output=True, text=True, timeout=300)
        check(serve.returncode == 0, f"serve on the copy exited {serve.returncode}: "
              f"{serve.stderr[-2000:]}")
        check(copy_facts(played)["tick"] == facts["tick"] + 20,
              f"the copy played to tick {copy_facts(played)['tick']}, not {facts['tick'] + 20}")

        # The Python client, over a file that exists (replaced only when whole).
        seen = []
        got = admin.download_save(out, progress=lambda r, t: seen.append((r, t)))
        check(seen and seen[-1][0] == seen[-1][1] == got["bytes"], f"progress: {seen[-3:]}")
        check(os.path.getsize(out) == got["bytes"], "the Python client's file has another size")
        facts = copy_facts(out)
        check(facts["integrity"] == "ok" and facts["tick"] == got["tick"],
              f"the Python client's copy: {facts}, {got}")
        check(live_hash(admin, got["tick"]) == facts["hash"], "the Python copy's hash differs")

        # The Python client's command line.
        by_cli = os.path.join(outdir, "cli.db")
        code = hc.main(["--port", str(port), "--token", ADMIN_TOKEN, "download-save", by_cli])
        check(code == 0 and copy_facts(by_cli)["integrity"] == "ok",
              f"the Python client's download-save returned {code}")
        os.unlink(by_cli)

        # Two at once on one connection: the second is refused, the first
        # goes on.
        with hc.Client("127.0.0.1", port) as raw:
            raw.login("admin", ADMIN_TOKEN)
            both = b""
            for i in (101, 102):  # in one write, so that they arrive together
                payload = json.dumps({"id": i, "type": "download_save"}).encode()
                both += struct.pack(">I", len(payload)) + payload
            raw._sock.sendall(both)
            answers = {}
            while not ("end" in answers and 102 in answers):
                frame = raw._receive()
                if frame.get("push") == "save_end":
                    answers["end"] = frame
                elif "id" in frame and "push" not in frame:
                    answers[frame["id"]] = frame
            check(answers[102].get("error", {}).get("code") == "rate_limited" and
                  "one at a time" in answers[102]["error"]["message"],
                  f"a second concurrent download: {answers[102]}")
            check("result" in answers[101], f"the first download: {answers[101]}")

    # Cut half-way by a proxy (base64 makes the stream a third larger than
    # the copy): the C++ client fails, no file.
    size = got["bytes"]
    check(size > 50_000, f"the save is too small ({size} bytes) to cut a download of it")
    cut = os.path.join(outdir, "cut.db")
    proxy = CuttingProxy(port, limit=size // 2)
    run = run_client(hegemon, proxy.port, "download-save", cut)
    check(run.returncode == 3, f"a cut download exited {run.returncode}: {run.stderr}")
    check(not os.path.exists(cut), "a cut download left its file")
    # The Python client likewise.
    proxy = CuttingProxy(port, limit=size // 2)
    try:
        with hc.Client("127.0.0.1", proxy.port) as c:
            c.login("admin", ADMIN_TOKEN)
            c.download_save(cut)
        raise Failure("the Python client finished a cut download")
    except (ConnectionError, OSError):
        pass
    check(not os.path.exists(cut), "the Python client's cut download left its file")
    # The C++ client killed mid-stream (the proxy slows it down).
    proxy = CuttingProxy(port, limit=1 << 30, pace=16384, pause=0.05)
    proc = subprocess.Popen([hegemon, "client", "--port", str(proxy.port), "--token", ADMIN_TOKEN,
                             "download-save", cut], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    wait_for("the download to start", lambda: proxy.forwarded > size // 4)
    proc.kill()
    proc.wait(30)
    check(not os.path.exists(cut), "a killed download left its file")
    check(not leftovers(outdir), f"a cut download left {leftovers(outdir)}")
    # And the server keeps no copy either.
    wait_for("the server's copies to go", lambda: not leftovers(workdir), 10)


def check_audit(hegemon, hc, port):
    with hc.Client("127.0.0.1", port) as admin:
        admin.login("admin", ADMIN_TOKEN)
        issued = admin.request("token_issue", role="player", nation=2)
        admin.request("token_revoke", token_id=issued["token_id"])
        with hc.Client("127.0.0.1", port) as victim:
            victim.login("spectator")
            mine = max(c["client"] for c in admin.request("clients"))
            admin.request("kick", client=mine)
        # A flood of bad logins: a handful of rows, not one per guess.
        for _ in range(40):
            with hc.Client("127.0.0.1", port) as bad:
                try:
                    bad.login("admin", "not-the-token-" + "x" * 20)
                except hc.ServerError:
                    pass

        def rows():
            answer = admin.request("sql", sql="SELECT event_type, event_data FROM audit_log "
                                   "ORDER BY id", max_rows=10000)
            return answer["rows"]
        want = {"save_downloaded", "sql_queried", "token_issued", "token_revoked",
                "client_kicked", "login_refused"}
        got = wait_for("every kind of operator action in audit_log",
                       lambda: (lambda r: r if want <= {t for t, _ in r} else None)(rows()))
        refused = [json.loads(d) for t, d in got if t == "login_refused"]
        check(1 <= len(refused) <= 6, f"{len(refused)} login_refused rows for 40 bad logins")
        for t, d in got:
            check(ADMIN_TOKEN not in d and issued["token"] not in d, f"a token in audit_log: {t} {d}")
        downloads = [json.loads(d) for t, d in got if t == "save_downloaded"]
        check(downloads[0]["by_role"] == "admin" and downloads[0]["bytes"] > 0 and
              "peer" in downloads[0], f"save_downloaded says {downloads[0]}")
        kicked = [json.loads(d) for t, d in got if t == "client_kicked"]
        check(kicked and kicked[0]["kicked"] == mine, f"client_kicked says {kicked}")

        # A live rollback keeps every row of the trail and records itself.
        admin.request("rollback", tick=5)
        after = wait_for("rolled_back in audit_log",
                         lambda: (lambda r: r if "rolled_back" in {t for t, _ in r} else None)(
                             rows()))
        check(after[:len(got)] == got, "a rollback removed or changed rows of audit_log")


def check_players(hegemon, hc, workdir):
    """Players: refused without --player-downloads; with it, refused while
    the game runs and served once it is paused."""
    for allowed in (False, True):
        folder = os.path.join(workdir, f"players-{allowed}")
        os.mkdir(folder)
        # With players allowed, also an outbox limit far below one chunk: the
        # download still completes, a chunk at a time as the socket drains.
        extra = ["--admin-token", ADMIN_TOKEN] + (
            ["--player-downloads", "--max-outbox-bytes", "1024"] if allowed else [])
        proc, port, _, log_path = start_server(hegemon, folder, extra)
        try:
            with hc.Client("127.0.0.1", port) as admin:
                admin.login("admin", ADMIN_TOKEN)
                token = admin.request("token_issue", role="player", nation=1)["token"]
                admin.request("speed", speed="3")
                out = os.path.join(folder, "p.db")
                run = run_client(hegemon, port, "download-save", out, token=token, role="player")
                check(run.returncode == 1 and "forbidden" in run.stderr,
                      f"a player's download of a running game (allowed={allowed}): "
                      f"{run.returncode} {run.stderr}")
                check(("paused" in run.stderr) if allowed else ("only admins" in run.stderr),
                      f"the refusal does not say why: {run.stderr}")
                check(not os.path.exists(out), "a refused download left a file")
                run = run_client(hegemon, port, "download-save", out, token=None)
                check(run.returncode == 1, f"a spectator's download exited {run.returncode}")
                if allowed:
                    admin.request("pause")
                    run = run_client(hegemon, port, "download-save", out, token=token,
                                     role="player")
                    check(run.returncode == 0, f"a player's download of a paused game: "
                          f"{run.returncode} {run.stderr}")
                    check(copy_facts(out)["integrity"] == "ok", "the player's copy is damaged")
        except Failure as e:
            proc.kill()
            report_failure(e, log_path)
            raise
        finally:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(30)


def main():
    hegemon, source = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.join(source, "clients", "python"))
    import hegemon_client as hc

    def admin_downloads(port, log_path):
        check_admin_downloads(hegemon, hc, port, workdir, log_path)
        check_audit(hegemon, hc, port)

    with tempfile.TemporaryDirectory() as workdir:
        if run_with_server(hegemon, workdir, ["--admin-token", ADMIN_TOKEN], admin_downloads,
                           errors=(Failure, hc.ServerError, OSError)):
            return 1
        try:
            check_players(hegemon, hc, workdir)
        except Failure as e:
            print(f"FAIL: {e}")
            return 1
    print("ok: save downloads are consistent, bounded, leave nothing when cut; "
          "operators' actions are audited")
    return 0


if __name__ == "__main__":
    sys.exit(main())
