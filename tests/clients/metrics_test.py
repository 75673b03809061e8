#!/usr/bin/env python3
"""The metrics endpoint read by a parser written by others (issue #13, item
12 and the metrics part of 13), against the real binary on 127.0.0.1.

- Debian's python3-prometheus-client parses the exposition in both formats:
  OpenMetrics when asked for it (Accept: application/openmetrics-text, as
  Prometheus asks), the text format 0.0.4 otherwise. Before, the OpenMetrics
  parser refused it ("Clashing name": the counter's TYPE line carried the
  sample's `_total`, and there was no `# EOF`).
- hegemon_actor_restarts_total never goes down for the life of the process:
  scraped again and again while a nation actor and the coordinator crash
  (--inject-crash) and after a live rollback. Before, the coordinator counted
  restarts: its restart and the rollback (a new coordinator) set it back to
  0, and its own restart was never counted.
- The metrics port takes at most 16 connections at a time: with 16 idle ones
  open, the next is answered 503 at once; once they are gone, scrapes work.

Usage: metrics_test.py HEGEMON SOURCE_DIR
"""

import os
import socket
import sys
import tempfile
import time

try:
    import prometheus_client  # noqa: F401
except ImportError:
    # Debian's package installs for Debian's python3; a python3 from elsewhere
    # (pyenv, a venv) does not look there.
    sys.path.append("/usr/lib/python3/dist-packages")
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text
from serve_process import DEADLINE, Failure, report_failure, start_server

ADMIN_TOKEN = "metrics-test-admin-token"
METRICS_CONNECTIONS = 16  # kDefaultMetricsConnections, net/metrics.h


def http_get(port, accept=None):
    with socket.create_connection(("127.0.0.1", port), timeout=DEADLINE) as s:
        headers = "GET /metrics HTTP/1.1\r\nHost: localhost\r\n"
        if accept:
            headers += f"Accept: {accept}\r\n"
        s.sendall((headers + "\r\n").encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, body = data.decode().partition("\r\n\r\n")
    return head, body


def restarts(families):
    for f in families:
        if f.name == "hegemon_actor_restarts":
            if f.type != "counter":
                raise Failure(f"hegemon_actor_restarts is a {f.type}")
            samples = [s for s in f.samples if s.name == "hegemon_actor_restarts_total"]
            if len(samples) != 1:
                raise Failure(f"hegemon_actor_restarts has samples {f.samples}")
            return samples[0].value
    raise Failure("no counter hegemon_actor_restarts in " + ", ".join(f.name for f in families))


def scrape(port):
    """The restart counter, read in both formats (which must agree)."""
    head, body = http_get(port, "application/openmetrics-text; version=1.0.0,text/plain;q=0.5")
    if "application/openmetrics-text" not in head:
        raise Failure(f"asked for OpenMetrics, got: {head}")
    try:
        om = restarts(list(parse_openmetrics(body)))
    except ValueError as e:
        raise Failure(f"the OpenMetrics parser refused the exposition: {e}\n{body}")
    head, body = http_get(port)
    if "text/plain; version=0.0.4" not in head:
        raise Failure(f"asked for the text format, got: {head}")
    text = restarts(list(parse_text(body)))
    # Two scrapes, one after the other: a restart may fall between them (the
    # crashes are injected while the test scrapes), so the later text scrape
    # may count more, never fewer.
    if text < om:
        raise Failure(f"the formats disagree: {om} (OpenMetrics) then {text} (text)")
    return om


def main():
    hegemon, source = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.join(source, "clients", "python"))
    import hegemon_client as hc

    with tempfile.TemporaryDirectory() as workdir:
        proc, port, metrics_port, log_path = start_server(hegemon, workdir,
                                                           ["--admin-token", ADMIN_TOKEN,
                                                            "--inject-crash", "nation:3@3,coordinator@6"])
        try:
            seen = [scrape(metrics_port)]
            admin = hc.Client("127.0.0.1", port, timeout=DEADLINE)
            admin.login("admin", ADMIN_TOKEN)
            admin.request("speed", speed="max")
            end = time.monotonic() + DEADLINE
            while admin.request("status")["tick"] < 12:
                seen.append(scrape(metrics_port))
                if time.monotonic() > end:
                    raise Failure("the game did not reach tick 12")
            admin.request("pause")
            seen.append(scrape(metrics_port))
            # The nation's restart and the coordinator's.
            if seen[-1] < 2:
                raise Failure(f"{seen[-1]} restarts counted after two injected crashes")
            admin.request("rollback", tick=2)
            seen.append(scrape(metrics_port))
            admin.request("kill", kind="nation", actor=5)
            end = time.monotonic() + DEADLINE
            while scrape(metrics_port) <= seen[-1]:
                if time.monotonic() > end:
                    raise Failure("a killed nation's restart was not counted")
                time.sleep(0.05)
            seen.append(scrape(metrics_port))
            if any(b < a for a, b in zip(seen, seen[1:])):
                raise Failure(f"hegemon_actor_restarts_total went down: {seen}")
            status_restarts = admin.request("status")["restarts"]
            if status_restarts != seen[-1]:
                raise Failure(f"status says {status_restarts} restarts, the metrics {seen[-1]}")

            # The connection cap: 16 idle connections, then one more.
            # Accepted in the order they connect: the 17th is refused whatever
            # the timing.
            idle = [socket.create_connection(("127.0.0.1", metrics_port), timeout=DEADLINE)
                    for _ in range(METRICS_CONNECTIONS)]
            head, _ = http_get(metrics_port)
            if not head.startswith("HTTP/1.0 503"):
                raise Failure(f"connection {METRICS_CONNECTIONS + 1} was answered: {head}")
            for s in idle:
                s.close()
            end = time.monotonic() + DEADLINE
            while True:
                head, _ = http_get(metrics_port)
                if head.startswith("HTTP/1.0 200"):
                    break
                if time.monotonic() > end:
                    raise Failure(f"the endpoint did not recover: {head}")
                time.sleep(0.05)
            admin.close()
        except (Failure, hc.ServerError, OSError) as e:
            return report_failure(e, log_path)
        finally:
            proc.kill()
            proc.wait()
    print(f"ok: restarts seen {seen[0]} -> {seen[-1]} over {len(seen)} scrapes, never down; "
          "both formats parsed; metrics connections capped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
