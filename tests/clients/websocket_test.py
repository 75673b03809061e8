#!/usr/bin/env python3
"""The WebSocket port (issue #16) against Debian's python3-websockets, a
client written by others: hello, login with a token, status, watch with
per-tick deltas; and raw-socket hostile frames (unmasked, RSV set, a
126-byte ping, a fragmented ping, bad UTF-8, an oversized message, a bad
upgrade) each closing only its own connection while another client keeps
working; a ping's pong with its payload; MessagePack in binary messages as
in TCP's msgpack mode (Debian's python3-msgpack); a watcher that never
reads falling behind (its deltas dropped at the outbox limit, then a
resync snapshot) while another keeps every delta; 408 and 431 for slow and
oversized HTTP heads; close code 1001 to open WebSockets on SIGTERM.

Usage: websocket_test.py HEGEMON SOURCE_DIR
"""

import base64
import json
import os
import re
import signal
import socket
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serve_process import (Failure, report_failure, start_server,  # noqa: E402
                           use_debian_python)

use_debian_python("msgpack", "websockets")
import msgpack  # noqa: E402 (Debian's python3-msgpack)
import websockets.client  # noqa: E402 (Debian's python3-websockets; 10.x: asyncio only)
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


def read_frame(s):
    """One server frame from a raw socket: (opcode, payload)."""
    def exactly(n):
        out = b""
        while len(out) < n:
            chunk = s.recv(n - len(out))
            check(chunk, "the stream ended inside a frame")
            out += chunk
        return out
    first, second = exactly(2)
    n = second & 0x7F
    if n == 126:
        n = struct.unpack(">H", exactly(2))[0]
    elif n == 127:
        n = struct.unpack(">Q", exactly(8))[0]
    return first & 0x0F, exactly(n)


def raw_session(port, rcvbuf=None):
    """A raw-socket WebSocket after hello (JSON)."""
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(10)
    s.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall((f"GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        head += s.recv(1)  # byte by byte: the frames after the head stay unread
    check(b" 101 " in head.split(b"\r\n")[0], f"upgrade refused: {head!r}")
    s.sendall(frame(0x81, json.dumps({"id": 1, "type": "hello", "version": 1}).encode()))
    opcode, payload = read_frame(s)
    check(opcode == 1 and json.loads(payload)["id"] == 1, f"raw hello: {opcode} {payload!r}")
    return s


def ping_pong(port):
    s = raw_session(port)
    body = b"ping payload \x00\xff 42"
    s.sendall(frame(0x89, body))
    opcode, payload = read_frame(s)
    s.close()
    check(opcode == 0xA, f"a ping answered with opcode {opcode}, not a pong (10)")
    check(payload == body, f"the pong carries {payload!r}, not the ping's {body!r}")


async def msgpack_session(ws_port):
    """Binary messages are MessagePack exactly as TCP frames after a msgpack
    hello: the hello and its reply JSON (text), every later message both
    ways binary; a message of the other kind is a bad_frame."""
    url = f"ws://127.0.0.1:{ws_port}/ws"
    async with websockets.client.connect(url, max_size=64 << 20) as ws:
        await ws.send(msgpack.packb({"id": 1, "type": "hello", "version": 1}))
        reply = await asyncio.wait_for(ws.recv(), 10)
        check(isinstance(reply, str), f"a binary hello answered in binary: {reply!r}")
        check(json.loads(reply)["error"]["code"] == "bad_frame",
              f"a binary (MessagePack) hello is not a bad_frame, as on TCP: {reply}")
    async with websockets.client.connect(url, max_size=64 << 20) as ws:
        hello = await ask(ws, 1, "hello", version=1, encoding="msgpack")
        check(hello["result"]["encoding"] == "msgpack", f"msgpack hello: {hello}")

        async def ask_binary(id_, type_, **fields):
            await ws.send(msgpack.packb(dict(fields, id=id_, type=type_)))
            while True:
                raw = await asyncio.wait_for(ws.recv(), 10)
                check(isinstance(raw, bytes), f"a text reply after a msgpack hello: {raw!r}")
                reply = msgpack.unpackb(raw)
                if "push" not in reply:
                    check(reply.get("id") == id_, f"reply {reply} is not to request {id_}")
                    return reply

        login = await ask_binary(2, "login", role="spectator")
        check(login["result"]["role"] == "spectator", f"msgpack login: {login}")
        status = await ask_binary(3, "status")
        check(isinstance(status["result"]["tick"], int), f"msgpack status: {status}")
        snapshot = await ask_binary(4, "watch")
        check(len(snapshot["result"]["provinces"]) == 300,
              f"msgpack snapshot without its 300 provinces: {list(snapshot['result'])}")
        await ws.send(json.dumps({"id": 5, "type": "status"}))
        raw = await asyncio.wait_for(ws.recv(), 10)
        check(isinstance(raw, bytes), f"the error to a text message in a msgpack session: {raw!r}")
        error = msgpack.unpackb(raw)
        check(error.get("id") == 5 and error["error"]["code"] == "bad_frame",
              f"a JSON text message after a msgpack hello: {error}")
        check((await ask_binary(6, "status"))["result"]["tick"] >= 0, "msgpack session broken")


async def slow_reader(ws, ws_port, log_path):
    """A watcher that never reads while the game runs at full speed: its
    deltas are dropped at the outbox limit (the server's memory for it stays
    bounded) and it gets a resync snapshot once it reads again; meanwhile
    another watcher gets every delta in order."""
    slow = raw_session(ws_port, rcvbuf=4096)
    slow.sendall(frame(0x81, json.dumps({"id": 2, "type": "login", "role": "spectator"}).encode()))
    slow.sendall(frame(0x81, json.dumps({"id": 3, "type": "watch"}).encode()))
    # Speed 5 (60 ticks/s), not max: the reading watcher must keep up on a
    # loaded machine, or it would fall behind too.
    await ask(ws, 20, "speed", speed="5")
    # The other watcher (ws, watching since session()) reads all along and
    # must get every tick in order: no resync, no gap.
    pushes = []

    async def read_all():
        while True:
            pushes.append(json.loads(await ws.recv()))

    reader = asyncio.create_task(read_all())
    behind = None
    end = time.monotonic() + 60
    while behind is None:
        check(time.monotonic() < end and not reader.done(),
              "a watcher that never reads did not fall behind in 60 s")
        await asyncio.sleep(0.2)
        with open(log_path) as f:
            behind = re.search(r"client \d+ \(.*\) fell behind at tick (\d+)", f.read())
    fell_at = int(behind.group(1))
    while not [p for p in pushes if p.get("tick", 0) >= fell_at + 30]:
        check(time.monotonic() < end and not reader.done(),
              "the reading watcher got no deltas after the slow one fell behind")
        await asyncio.sleep(0.1)
    reader.cancel()
    try:
        await reader
    except asyncio.CancelledError:
        pass
    ticks = [p["tick"] for p in pushes if p.get("push") == "delta"]
    others = [p for p in pushes if p.get("push") not in ("delta", None)]
    check(not others, f"the reading watcher got {others[:1]} while another fell behind")
    check(ticks == list(range(ticks[0], ticks[0] + len(ticks))),
          "the reading watcher's deltas have a gap while another fell behind")
    await ask(ws, 21, "pause")
    # The slow one reads again: whatever was queued, then a resync snapshot.
    end = time.monotonic() + 60
    while True:
        check(time.monotonic() < end, "the slow watcher got no resync snapshot")
        opcode, payload = read_frame(slow)
        if opcode == 1 and b'"reason":"resync"' in payload:
            break
    slow.close()


async def session(ws_port, log_path):
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
        ping_pong(ws_port)
        await msgpack_session(ws_port)
        await slow_reader(ws, ws_port, log_path)
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
        # A head over 8 KiB: 431, without waiting for its end.
        s = socket.create_connection(("127.0.0.1", ws_port), timeout=10)
        s.sendall(b"GET /ws HTTP/1.1\r\nX-Pad: " + b"a" * 9000)
        check(b" 431 " in s.recv(4096).split(b"\r\n")[0], "a 9 KB head is no 431")
        s.close()


def slow_head(ws_port, sock):
    """The head begun at the start (sock) never ended: 408 after 10 s."""
    sock.settimeout(30)
    answer = sock.recv(4096)
    sock.close()
    check(b" 408 " in answer.split(b"\r\n")[0], f"an unfinished head got {answer[:60]!r}, not 408")


async def going_away(ws_port, proc):
    """SIGTERM: an open WebSocket is closed with 1001 (going away)."""
    async with websockets.client.connect(f"ws://127.0.0.1:{ws_port}/ws") as ws:
        await ask(ws, 1, "hello", version=1)
        proc.send_signal(signal.SIGTERM)
        try:
            while True:
                await asyncio.wait_for(ws.recv(), 30)
        except websockets.exceptions.ConnectionClosed:
            pass
        check(ws.close_code == 1001, f"on SIGTERM the WebSocket closed with {ws.close_code}, "
              "not 1001 (going away)")


def main():
    hegemon, _source = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as workdir:
        proc, _port, _metrics, log_path = start_server(
            hegemon, workdir, ["--http-port", "0", "--admin-token", "a" * 24,
                               "--max-outbox-bytes", "262144"])
        try:
            with open(log_path) as f:
                found = re.search(r"websocket listening on ws://127\.0\.0\.1:(\d+)/ws", f.read())
            check(found, "no websocket port in the log")
            ws_port = int(found.group(1))
            unfinished = socket.create_connection(("127.0.0.1", ws_port), timeout=10)
            unfinished.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
            asyncio.run(session(ws_port, log_path))
            slow_head(ws_port, unfinished)
            asyncio.run(going_away(ws_port, proc))
            proc.wait(timeout=30)
        except Failure as e:
            proc.kill()
            return report_failure(e, log_path)
    print("ok: hello, login, status and watch over WebSocket; hostile frames close only theirs; "
          "ping/pong, MessagePack, a slow reader, 408/431, 1001 on SIGTERM")
    return 0


if __name__ == "__main__":
    sys.exit(main())
