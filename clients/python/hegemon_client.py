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
    hegemon_client.py --port 4242 --token PLAYER_TOKEN --role player move-army 7 12 13
    hegemon_client.py --port 4242 --token SECRET download-save copy.db

Exit codes: 0 success, 1 the server answered with an error, 2 bad usage,
3 cannot connect or the connection broke.
"""

import argparse
import base64
import hashlib
import json
import os
import socket
import ssl
import struct
import sys

PROTOCOL_VERSION = 1
# The largest frame the server ever sends (kMaxReplyFrameBytes in
# net/frame_codec.h, which says why; tests/clients/python_client_test.py
# checks that the two agree). A length prefix above it is refused before
# anything is buffered, so a hostile or broken server cannot make the client
# allocate gigabytes.
MAX_FRAME_BYTES = 64 << 20


class ServerError(Exception):
    """The server answered a request with an error."""

    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


class FrameTooLarge(ConnectionError):
    """The server announced a frame larger than any it may send."""


class DownloadError(Exception):
    """A save download that did not arrive whole (no file was written)."""


class _PartFile:
    """The file a download is written to: anonymous (O_TMPFILE) in the target's
    folder where the system allows it, so that a download killed half-way
    leaves nothing; else a hidden named file, removed unless kept."""

    def __init__(self, path):
        self.path = path
        folder = os.path.dirname(os.path.abspath(path))
        self.named = None
        try:
            self.fd = os.open(folder, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o644)
        except (AttributeError, OSError):
            import tempfile
            self.fd, self.named = tempfile.mkstemp(
                dir=folder, prefix="." + os.path.basename(path) + ".part-")

    def write(self, data):
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]

    def keep(self):
        """Synced, then given the target's name (replacing what was there)."""
        os.fsync(self.fd)
        source = self.named
        if source is None:
            source = f"{self.path}.part-{os.getpid()}"
            # linkat(AT_SYMLINK_FOLLOW): os.link uses it only when given a
            # directory fd (plain link() would link the /proc symlink itself).
            folder = os.open(os.path.dirname(os.path.abspath(source)), os.O_RDONLY)
            try:
                os.link(f"/proc/self/fd/{self.fd}", os.path.basename(source),
                        dst_dir_fd=folder, follow_symlinks=True)
            finally:
                os.close(folder)
        try:
            os.replace(source, self.path)
        except OSError:
            os.unlink(source)
            raise
        self.named = None

    def close(self):
        os.close(self.fd)
        if self.named is not None:
            os.unlink(self.named)


class Client:
    def __init__(self, host="127.0.0.1", port=4242, timeout=10.0, tls=False, cafile=None):
        """Connects and says hello. With tls=True the connection is TLS, for a
        server behind a TLS terminator (docs/PROTOCOL.md, "TLS"); the server's
        certificate is checked against `cafile` (else the system's CAs)."""
        sock = socket.create_connection((host, port), timeout=timeout)
        if tls:
            try:
                context = ssl.create_default_context(cafile=cafile)
                sock = context.wrap_socket(sock, server_hostname=host)
            except BaseException:
                sock.close()
                raise
        self._sock = sock
        self._next_id = 0
        self._buffer = b""
        self._pushes = []
        try:
            # The hello's reply: server, version, encoding, spectators and
            # `content`, the checksum of the mods the game runs; a game client
            # compares it with its own before logging in.
            self.hello = self.request("hello", version=PROTOCOL_VERSION)
        except BaseException:
            self._sock.close()
            raise

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

    def download_save(self, path, progress=None):
        """Downloads a consistent copy of the live save (docs/PROTOCOL.md, "Save
        download") to `path`, which appears only once every byte is in and
        the SHA-256 matches. progress(received, total) is called per chunk.
        Returns {"bytes", "tick", "sha256"}; raises ServerError (refused),
        DownloadError (a bad copy) or ConnectionError, leaving no file."""
        part = _PartFile(path)
        try:
            begun = self.request("download_save")
            total, received, digest = begun["bytes"], 0, hashlib.sha256()
            while True:
                push = self.next_push()
                kind = push.get("push")
                if kind == "save_error":
                    raise ServerError("failed", push.get("message", "the server gave up"))
                if kind == "save_chunk":
                    if push.get("offset") != received:
                        raise DownloadError(f"a chunk at {push.get('offset')}, not {received}")
                    data = base64.b64decode(push["data"], validate=True)
                    if received + len(data) > total:
                        raise DownloadError("more bytes than the server announced")
                    part.write(data)
                    digest.update(data)
                    received += len(data)
                    if progress:
                        progress(received, total)
                elif kind == "save_end":
                    if received != total or push.get("bytes") != total:
                        raise DownloadError(f"{received} bytes received of {total}")
                    if digest.hexdigest() != push.get("sha256"):
                        raise DownloadError(f"SHA-256 {digest.hexdigest()} is not the "
                                            f"server's {push.get('sha256')}")
                    part.keep()
                    return {"bytes": total, "tick": begun["tick"], "sha256": digest.hexdigest()}
        finally:
            part.close()

    def _receive(self):
        while True:
            if len(self._buffer) >= 4:
                (size,) = struct.unpack(">I", self._buffer[:4])
                if size > MAX_FRAME_BYTES:
                    self._sock.close()
                    raise FrameTooLarge(f"the server announced a frame of {size} bytes, more than "
                                        f"any reply can be ({MAX_FRAME_BYTES})")
                if len(self._buffer) >= 4 + size:
                    frame = self._buffer[4:4 + size]
                    self._buffer = self._buffer[4 + size:]
                    return json.loads(frame.decode("utf-8"))
            chunk = self._sock.recv(65536)
            if not chunk:
                raise ConnectionError("the server closed the connection")
            self._buffer += chunk


def _sql_params(words):
    """NAME=VALUE words as the `sql` request's params: digits are integers."""
    params = {}
    for w in words:
        name, eq, value = w.partition("=")
        if not eq or not name:
            raise ValueError(f"not NAME=VALUE: {w}")
        params[name] = int(value) if value.lstrip("-").isdigit() else value
    return params


def _print_table(result):
    """An `sql` answer as aligned columns, then why it stopped if it did."""
    def cell(v):
        if v is None:
            return "NULL"
        if isinstance(v, dict):
            return f"<blob {v.get('blob_bytes', 0)} bytes>"
        return str(v)
    rows = [[cell(v) for v in r] for r in result["rows"]]
    widths = [max([len(c)] + [len(r[i]) for r in rows]) for i, c in enumerate(result["columns"])]
    print("  ".join(c.ljust(w) for c, w in zip(result["columns"], widths)).rstrip())
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
    if "stopped" in result:
        print(f"({len(rows)} rows; stopped: {result['stopped']})")


def _print_human(command, result):
    if command == "sql":
        _print_table(result)
    elif command == "status":
        paused = f"  PAUSED: {result['last_error']}" if result["last_error"] else ""
        print(f"{result['date']}  tick {result['tick']} (committed {result['committed_tick']})  "
              f"speed {result['speed']}  {result['living_nations']} nations, "
              f"{result['active_wars']} wars, {result.get('armies', '?')} armies  "
              f"hash {result.get('state_hash', '-')}  restarts {result['restarts']}{paused}")
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


def _progress_bar():
    """A progress callback drawing a bar on stderr when it is a terminal."""
    if not sys.stderr.isatty():
        return None

    def draw(received, total):
        filled = received * 30 // total if total else 30
        end = "\n" if received >= total else ""
        print(f"\r[{'#' * filled}{' ' * (30 - filled)}] {received * 100 // max(total, 1):>3}%  "
              f"{received / 1048576:.1f} of {total / 1048576:.1f} MiB", end=end, file=sys.stderr,
              flush=True)
    return draw


def _watch(client, args):
    limit = int(args.argument) if args.argument else None
    client.watch()
    seen = 0
    while limit is None or seen < limit:
        push = client.next_push()
        if args.json:
            print(json.dumps(push), flush=True)
        elif push["push"] == "snapshot":
            print(f"{push['date']}  tick {push['tick']}  resynchronised: a fresh snapshot", flush=True)
        else:
            print(f"{push['date']}  tick {push['tick']}  {len(push['provinces'])} provinces, "
                  f"{len(push['nations'])} nations, {len(push['armies'])} armies changed, "
                  f"{len(push['events'])} events  hash {push.get('state_hash', '-')}", flush=True)
        seen += 1
    return 0


# Every command of this client: the request type it sends and the fields its
# arguments fill (net/request_table.cc is the server's list;
# tests/clients/request_table_test.py checks that these agree with it).
QUERIES = {
    "status": ("status", []),
    "province": ("province", ["province"]),
    "nation": ("nation", ["nation"]),
    "army": ("army", ["army"]),
    "war": ("war", ["war"]),
    "map": ("map", []),
    "provinces-of": ("provinces_of", ["nation"]),
    "wars-of": ("wars_of", ["nation"]),
    "province-at": ("province_at", ["province", "tick"]),
    "events": ("events", ["from", "to"]),  # both or neither
    "watch": ("watch", []),                # [N]: how many ticks to print
    "actors": ("actors", []),
    "pause": ("pause", []),
    "resume": ("resume", []),
    "save": ("save", []),
    "speed": ("speed", ["speed"]),         # 0..5 | max
    "sql": ("sql", ["sql", "params"]),     # QUERY [NAME=VALUE ...]
    "save-as": ("save_as", ["path"]),
    "kill": ("kill", ["kind", "actor"]),   # nation ID | war ID | persistence
    "restart": ("restart", ["kind", "actor"]),
    "shutdown": ("shutdown", []),
    "clients": ("clients", []),
    "kick": ("kick", ["client"]),
    "rollback": ("rollback", ["tick"]),
    "download-save": ("download_save", []),  # OUT: the file to write
    "token": ("tokens", []),               # issue player NATION | issue admin | revoke ID | list
}
# `token`'s second word: the request it sends and its fields.
TOKEN_COMMANDS = {
    "issue": ("token_issue", ["role", "nation"]),
    "revoke": ("token_revoke", ["token_id"]),
    "list": ("tokens", []),
}
# Commands for a nation: the request type and how to read the arguments.
GAME_COMMANDS = {
    "declare-war": ("declare_war", ["target"]),
    "recruit": ("recruit", ["province"]),
    "set-tax": ("set_tax", ["level"]),
    "offer-peace": ("offer_peace", ["terms"]),     # white | win | concede
    "accept-peace": ("accept_peace", []),
    "move-army": ("move_army", ["army", "path"]),  # ARMY P1 [P2 ...]
    "set-player": ("set_player", ["player"]),      # on | off (admin)
}
COMMANDS = dict(QUERIES, **GAME_COMMANDS)


def _command_fields(parser, command, words):
    """Request type and fields of a game command, or a usage error."""
    type_, names = GAME_COMMANDS[command]
    if command == "set-player":
        if words not in (["on"], ["off"]):
            parser.error("set-player needs on or off")
        return type_, {"player": words[0] == "on"}
    if command == "offer-peace":
        if len(words) != 1 or words[0] not in ("white", "win", "concede"):
            parser.error("offer-peace needs white, win or concede")
        return type_, {"terms": words[0]}
    if not all(w.isdigit() for w in words):
        parser.error(f"{command} takes numbers only")
    if command == "move-army":
        if len(words) < 2:
            parser.error("move-army needs an army id and one or more province ids")
        return type_, {"army": int(words[0]), "path": [int(w) for w in words[1:]]}
    if len(words) != len(names):
        parser.error(f"{command} needs {len(names)} argument(s): {' '.join(names).upper()}")
    return type_, {name: int(w) for name, w in zip(names, words)}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Hegemon client (protocol version 1)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4242)
    parser.add_argument("--token", help="log in with this token (else as a spectator)")
    parser.add_argument("--role", default="admin", choices=["admin", "player"],
                        help="the role the token is for (default admin)")
    parser.add_argument("--nation", type=int, help="the nation an admin's command is for")
    parser.add_argument("--tls", action="store_true",
                        help="connect with TLS (a server behind a TLS terminator)")
    parser.add_argument("--cafile", help="with --tls: the CA (or self-signed) certificate to trust")
    parser.add_argument("--json", action="store_true", help="print results as JSON")
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("arguments", nargs="*",
                        help="an id, the speed, how many ticks to watch, or a command's arguments")
    args = parser.parse_args(argv)

    fields = {}
    words = args.arguments
    type_, names = COMMANDS[args.command]
    if args.command == "events":
        if len(words) not in (0, 2) or not all(w.isdigit() for w in words):
            parser.error("events takes no arguments or FROM TO")
        fields = {name: int(w) for name, w in zip(names, words)}
    elif args.command in ("province", "nation", "army", "war", "provinces-of", "wars-of",
                          "province-at"):
        if len(words) != len(names) or not all(w.isdigit() for w in words):
            parser.error(f"{args.command} needs {len(names)} number(s): {' '.join(names).upper()}")
        fields = {name: int(w) for name, w in zip(names, words)}
    elif args.command == "speed":
        if len(words) != 1:
            parser.error("speed needs 0..5 or max")
        fields["speed"] = words[0]
    elif args.command == "sql":
        if not words:
            parser.error("sql needs a query, then NAME=VALUE parameters")
        try:
            fields = {"sql": words[0], "params": _sql_params(words[1:])}
        except ValueError as e:
            parser.error(str(e))
    elif args.command in ("kick", "rollback"):
        if len(words) != 1 or not words[0].isdigit():
            parser.error(f"{args.command} needs a number")
        fields = {names[0]: int(words[0])}
    elif args.command in ("save-as", "download-save"):
        if len(words) != 1 or not words[0]:
            parser.error(f"{args.command} needs a path")
        fields = {"path": words[0]} if args.command == "save-as" else {}
    elif args.command in ("kill", "restart"):
        if words == ["persistence"]:
            fields = {"kind": "persistence"}
        elif len(words) == 2 and words[0] in ("nation", "war") and words[1].isdigit():
            fields = {"kind": words[0], "actor": int(words[1])}
        else:
            parser.error(f"{args.command} needs: nation ID | war ID | persistence")
    elif args.command == "token":
        if words == ["list"] or words == ["issue", "admin"]:
            pass
        elif len(words) == 3 and words[:2] == ["issue", "player"] and words[2].isdigit():
            pass
        elif len(words) == 2 and words[0] == "revoke" and words[1].isdigit():
            pass
        else:
            parser.error("token issue player NATION | token issue admin | token revoke ID | "
                         "token list")
        type_ = TOKEN_COMMANDS[words[0]][0]
        if words[0] == "issue":
            fields = {"role": words[1]}
            if words[1] == "player":
                fields["nation"] = int(words[2])
        elif words[0] == "revoke":
            fields = {"token_id": int(words[1])}
    elif args.command in ("shutdown", "clients", "actors", "pause", "resume", "save", "status",
                          "map"):
        if words:
            parser.error(f"{args.command} takes no arguments")
    elif args.command == "watch":
        if len(words) > 1 or (words and not words[0].isdigit()):
            parser.error("watch takes an optional number of ticks")
        args.argument = words[0] if words else None
    elif args.command in GAME_COMMANDS:
        type_, fields = _command_fields(parser, args.command, words)
        if args.nation is not None:
            fields["nation"] = args.nation
    try:
        with Client(args.host, args.port, tls=args.tls, cafile=args.cafile) as client:
            if args.token:
                client.login(args.role, args.token)
            else:
                client.login("spectator")
            if args.command == "watch":
                return _watch(client, args)
            if args.command == "download-save":
                result = client.download_save(words[0], progress=_progress_bar())
                print(f"{words[0]}: {result['bytes']} bytes, tick {result['tick']}, "
                      f"sha256 {result['sha256']}", file=sys.stderr)
                return 0
            result = client.request(type_, **fields)
    except (ServerError, DownloadError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except (OSError, ConnectionError) as e:
        print(f"cannot talk to {args.host}:{args.port}: {e}", file=sys.stderr)
        return 3
    if args.json:
        print(json.dumps(result))
    elif args.command in GAME_COMMANDS:
        print(f"command {result['seq']} ({result['kind']}) for nation {result['nation']} "
              f"accepted: applies at tick {result['tick']}")
    else:
        _print_human(args.command, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
