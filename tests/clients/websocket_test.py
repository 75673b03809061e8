#!/usr/bin/env python3
"""The WebSocket port (issue #16) against Debian's python3-websockets, a
client written by others: hello, login with a token, status, watch with
per-tick deltas; and raw-socket hostile frames (unmasked, RSV set, a
126-byte ping, a fragmented ping, bad UTF-8, an oversized message, a bad
upgrade) each closing only its own connection while another client keeps
working.

Usage: websocket_test.py HEGEMON SOURCE_DIR
"""

import base64
import json
import os
import re
import socket
import struct
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_process import Failure, report_failure, start_server  # noqa: E402

try:
    import websockets.client  # Debian's python3-websockets (10.x: asyncio only)
except ImportError:  # another python3 first on PATH (pyenv): Debian's has it
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise
import asyncio  # noqa: E402


def check(condition, message):
    if not condition:
        raise Failure(message)


async def ask(ws, id_, type_, **fields):
    await ws.send(json.dumps(dict(fields, id=id_, type=type_)))
    while True:
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if "push" not in reply:
            check(reply.get("id") == id_, f"reply {reply} is not to request {id_}")
            return reply


def raw_upgrade(port, path="/ws", host="x", origin=None):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    origin_line = f"Origin: {origin}\r\n" if origin is not None else ""
    s.sendall((f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"{origin_line}Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            break
        head += chunk
    return s, head.split(b"\r\n\r\n", 1)[0].decode()


def frame(first, payload, masked=True):
    n = len(payload)
    mask_bit = 0x80 if masked else 0
    if n < 126:
        out = bytes([first, mask_bit | n])
    elif n < 65536:
        out = bytes([first, mask_bit | 126]) + struct.pack(">H", n)
    else:
        out = bytes([first, mask_bit | 127]) + struct.pack(">Q", n)
    if not masked:
        return out + payload
    key = b"\x01\x02\x03\x04"
    return out + key + bytes(b ^ key[i % 4] for i, b in enumerate(payload))


def close_code_after(port, data):
    """Sends `data` after the upgrade; returns the close code the server
    sent (None if the stream ended without a close frame)."""
    s, head = raw_upgrade(port)
    check(" 101 " in head.split("\r\n")[0], f"upgrade refused: {head}")
    try:
        s.sendall(data)
    except OSError:  # closed before all was sent (an oversized message)
        pass
    received = b""
    while True:
        try:
            chunk = s.recv(65536)
        except OSError:
            break
        if not chunk:
            break
        received += chunk
    s.close()
    # Walk the server's frames (unmasked) to the close frame.
    pos = 0
    while pos + 2 <= len(received):
        opcode, n = received[pos] & 0x0F, received[pos + 1] & 0x7F
        pos += 2
        if n == 126:
            n = struct.unpack(">H", received[pos:pos + 2])[0]
            pos += 2
        elif n == 127:
            n = struct.unpack(">Q", received[pos:pos + 8])[0]
            pos += 8
        if opcode == 8:
            return struct.unpack(">H", received[pos:pos + 2])[0]
        pos += n
    return None


async def session(ws_port):
    async with websockets.client.connect(f"ws://127.0.0.1:{ws_port}/ws",
                                         max_size=64 << 20) as ws:
        hello = await ask(ws, 1, "hello", version=1)
        check(hello["result"]["server"] == "hegemon", f"hello: {hello}")
        login = await ask(ws, 2, "login", role="admin", token="a" * 24)
        check(login["result"]["role"] == "admin", f"login: {login}")
        status = await ask(ws, 3, "status")
        check("tick" in status["result"], f"status: {status}")
        snapshot = await ask(ws, 4, "watch")
        tick = snapshot["result"]["tick"]
        check((await ask(ws, 5, "speed", speed="max"))["result"] == {"ok": True}, "speed")
        deltas = []
        while len(deltas) < 3:
            push = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if push.get("push") == "delta":
                deltas.append(push["tick"])
        check(deltas[0] > tick and deltas == list(range(deltas[0], deltas[0] + 3)),
              f"deltas {deltas} do not follow tick {tick}")
        await ask(ws, 6, "pause")
        hostile = {
            "unmasked": (frame(0x81, b'{"id":1}', masked=False), 1002),
            "RSV1 set": (frame(0xC1, b'{"id":1}'), 1002),
            "126-byte ping": (frame(0x89, b"p" * 126), 1002),
            "fragmented ping": (frame(0x09, b"p"), 1002),
            "bad UTF-8": (frame(0x81, b'{"id":"\xc0\xaf"}'), 1007),
            "oversized message": (frame(0x82, b"x" * ((1 << 20) + 1)), 1009),
        }
        for name, (data, code) in hostile.items():
            got = close_code_after(ws_port, data)
            check(got == code, f"{name}: closed with {got}, not {code}")
            check((await ask(ws, 7, "status"))["result"]["tick"] >= 0,
                  f"after {name} the other client got no answer")
        for path, status_code in (("/wss", "404"), ("/../CMakeLists.txt", "404"),
                                  ("/", "200"), ("/admin", "200")):
            s, head = raw_upgrade(ws_port, path)
            s.close()
            check(f" {status_code} " in head.split("\r\n")[0], f"GET {path}: {head}")
            if status_code == "200":
                check("Content-Security-Policy: default-src 'none'; script-src 'self'" in head,
                      f"GET {path} without its Content-Security-Policy: {head}")
        # The metrics port's text on this port too.
        s = socket.create_connection(("127.0.0.1", ws_port), timeout=10)
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        metrics = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            metrics += chunk
        s.close()
        check(metrics.startswith(b"HTTP/1.0 200 ") and b"\nhegemon_tick " in metrics,
              f"GET /metrics on the http port: {metrics[:200]!r}")
        # Origin: a page of another site may not open a WebSocket here (it would
        # act with whatever the visitor's browser holds); the pages' own may.
        here = f"127.0.0.1:{ws_port}"
        for origin, host, expected in (("http://evil.example", here, "403"),
                                       (f"http://{here}.evil.example", here, "403"),
                                       ("null", here, "403"),
                                       (f"http://{here}", here, "101"),
                                       (None, here, "101")):
            s, head = raw_upgrade(ws_port, "/ws", host=host, origin=origin)
            s.close()
            check(f" {expected} " in head.split("\r\n")[0], f"Origin {origin}: {head}")
        s = socket.create_connection(("127.0.0.1", ws_port), timeout=10)
        s.sendall(b"GET /ws HTTP/1.1\r\nHost: x\r\n\r\n")
        check(b" 400 " in s.recv(4096).split(b"\r\n")[0], "a plain GET /ws is no 400")
        s.close()
        check((await ask(ws, 8, "status"))["result"]["tick"] >= 0, "the client stopped working")


def main():
    hegemon, _source = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as workdir:
        proc, _port, _metrics, log_path = start_server(
            hegemon, workdir, ["--http-port", "0", "--admin-token", "a" * 24])
        try:
            with open(log_path) as f:
                found = re.search(r"websocket listening on ws://127\.0\.0\.1:(\d+)/ws", f.read())
            check(found, "no websocket port in the log")
            ws_port = int(found.group(1))
            asyncio.run(session(ws_port))
        except Failure as e:
            proc.kill()
            return report_failure(e, log_path)
        proc.terminate()
        proc.wait(timeout=30)
    print("ok: hello, login, status and watch over WebSocket; hostile frames close only theirs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
