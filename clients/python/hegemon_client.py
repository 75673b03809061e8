#!/usr/bin/env python3
"""A Hegemon client in Python with only the standard library.

Speaks protocol version 1 (docs/PROTOCOL.md): length-prefixed JSON frames over
TCP. Use it as a module:

    with Client("127.0.0.1", 4242) as c:
        c.login("spectator")
        print(c.request("status"))

or from the command line:

    hegemon_client.py --port 4242 status
    hegemon_client.py --port 4242 --token SECRET speed max
    hegemon_client.py --port 4242 --json province 12

Exit codes: 0 success, 1 the server answered with an error, 2 bad usage,
3 cannot connect or the connection broke.
"""

import argparse
import json
import socket
import struct
import sys

PROTOCOL_VERSION = 1


class ServerError(Exception):
    """The server answered a request with an error."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class Client:
    def __init__(self, host="127.0.0.1", port=4242, timeout=10.0):
        self._sock = socket.create_connection((host, port), timeout=timeout)
        self._next_id = 0
        self._buffer = b""
        self._pushes = []
        self.request("hello", version=PROTOCOL_VERSION)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self._sock.close()

    def login(self, role, token=None):
        fields = {"role": role}
        if token is not None:
            fields["token"] = token
        return self.request("login", **fields)

    def request(self, type_, **fields):
        """Sends one request and returns its result, or raises ServerError."""
        self._next_id += 1
        message = dict(fields, id=self._next_id, type=type_)
        payload = json.dumps(message).encode("utf-8")
        self._sock.sendall(struct.pack(">I", len(payload)) + payload)
        reply = self._receive()
        while "push" in reply:  # a delta that arrived before the reply
            self._pushes.append(reply)
            reply = self._receive()
        if "error" in reply:
            raise ServerError(reply["error"]["code"], reply["error"]["message"])
        return reply["result"]

    def watch(self):
        """Subscribes; returns the snapshot. Then call next_push() for deltas."""
        return self.request("watch")

    def next_push(self):
        """The next delta (or resync snapshot) pushed by the server."""
        if self._pushes:
            return self._pushes.pop(0)
        return self._receive()

    def _receive(self):
        while True:
            if len(self._buffer) >= 4:
                (size,) = struct.unpack(">I", self._buffer[:4])
                if len(self._buffer) >= 4 + size:
                    frame = self._buffer[4:4 + size]
                    self._buffer = self._buffer[4 + size:]
                    return json.loads(frame.decode("utf-8"))
            chunk = self._sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self._buffer += chunk


def _print_human(command, result):
    if command == "status":
        paused = f"  PAUSED: {result['last_error']}" if result["last_error"] else ""
        print(f"{result['date']}  tick {result['tick']} (committed {result['committed_tick']})  "
              f"speed {result['speed']}  {result['living_nations']} nations, "
              f"{result['active_wars']} wars, {result['armies']} armies  "
              f"hash {result['state_hash']}  restarts {result['restarts']}{paused}")
    elif command == "actors":
        for a in result:
            crash = f"  last crash at tick {a['last_crash_tick']}: {a['last_crash']}" if a["last_crash"] else ""
            state = "running" if a["running"] else "DOWN"
            print(f"{a['kind']:<12} {a['id']:>5}  {a['supervisor']:<8} gen {a['generation']:<3} "
                  f"restarts {a['restarts']:<3} {state}{crash}")
    elif isinstance(result, dict):
        for key, value in result.items():
            print(f"{key}: {value}")
    else:
        print(result)


def _watch(client, args):
    limit = int(args.argument) if args.argument else None
    client.watch()
    seen = 0
    while limit is None or seen < limit:
        push = client.next_push()
        if args.json:
            print(json.dumps(push), flush=True)
        elif push["push"] == "snapshot":
            print(f"{push['date']}  tick {push['tick']}  resynchronised (fell behind)", flush=True)
        else:
            print(f"{push['date']}  tick {push['tick']}  {len(push['provinces'])} provinces, "
                  f"{len(push['nations'])} nations, {len(push['armies'])} armies changed, "
                  f"{len(push['events'])} events  hash {push['state_hash']}", flush=True)
        seen += 1
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(description="Hegemon client (protocol version 1)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4242)
    parser.add_argument("--token", help="admin token (logs in as admin; else as spectator)")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("command", choices=["status", "province", "nation", "actors", "pause",
                                            "resume", "save", "speed", "watch"])
    parser.add_argument("argument", nargs="?",
                        help="province/nation id, the speed, or how many ticks to watch")
    args = parser.parse_args(argv)

    fields = {}
    if args.command in ("province", "nation"):
        if args.argument is None or not args.argument.isdigit():
            parser.error(f"{args.command} needs a numeric id")
        fields[args.command] = int(args.argument)
    elif args.command == "speed":
        if args.argument is None:
            parser.error("speed needs 0..5 or max")
        fields["speed"] = args.argument
    try:
        with Client(args.host, args.port) as client:
            if args.token:
                client.login("admin", args.token)
            else:
                client.login("spectator")
            if args.command == "watch":
                return _watch(client, args)
            result = client.request(args.command, **fields)
    except ServerError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (OSError, ConnectionError) as e:
        print(f"cannot talk to {args.host}:{args.port}: {e}", file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps(result))
    else:
        _print_human(args.command, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
