"""A `hegemon serve` for the Python tests in this folder: a small world on
free ports (gateway and metrics), its log in a file, started and waited for
in one place."""

import os
import re
import subprocess
import time

DEADLINE = 30.0


class Failure(Exception):
    pass


def start_server(hegemon, workdir, extra_args=()):
    """Starts the server on WORKDIR/game.db (300 provinces, paused) and waits
    until both ports are in its log. Returns (proc, port, metrics_port,
    log_path); kills the server and raises Failure if it does not come up."""
    log_path = os.path.join(workdir, "serve.log")
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [hegemon, "serve", "--save", os.path.join(workdir, "game.db"), "--seed", "5",
         "--provinces", "300", "--nations", "20", "--speed", "0", "--port", "0",
         "--metrics-port", "0", *extra_args],
        stdout=log, stderr=subprocess.STDOUT)
    end = time.monotonic() + DEADLINE
    while True:
        with open(log_path) as f:
            text = f.read()
        gateway = re.search(r"gateway listening on 127\.0\.0\.1:(\d+)", text)
        metrics = re.search(r"metrics at http://127\.0\.0\.1:(\d+)/metrics", text)
        if gateway and metrics:
            return proc, int(gateway.group(1)), int(metrics.group(1)), log_path
        if proc.poll() is not None or time.monotonic() > end:
            proc.kill()
            raise Failure(f"the server did not come up; see {log_path}:\n{text}")
        time.sleep(0.05)


def report_failure(error, log_path):
    """Prints why a test failed and the end of the server's log; returns the
    test's exit code (1)."""
    print(f"FAIL: {error}")
    with open(log_path) as f:
        print(f.read()[-3000:])
    return 1


def run_with_server(hegemon, workdir, extra_args, body, errors=(Exception,)):
    """Starts the server (start_server), calls body(port, log_path) and stops
    the server again, whatever body did. Returns 0, or, when body raised one
    of `errors`, prints why with the end of the server's log (report_failure)
    and returns 1; anything else propagates once the server is stopped."""
    proc, port, _, log_path = start_server(hegemon, workdir, extra_args)
    try:
        body(port, log_path)
        return 0
    except errors as e:
        proc.kill()
        return report_failure(e, log_path)
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(30)


def use_debian_python(*modules):
    """Re-executes the running script under Debian's /usr/bin/python3 when one
    of `modules` (which Debian packages: python3-websockets, python3-msgpack)
    cannot be imported here, as when pyenv's python3 comes first on PATH."""
    import importlib.util
    import sys
    if all(importlib.util.find_spec(m.split(".")[0]) for m in modules):
        return
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise ImportError(f"missing {', '.join(modules)} (scripts/install_deps.sh installs them)")
