#!/usr/bin/env python3
"""The Python client against a hostile server (issue #13, item 14).

A "server" on 127.0.0.1 answers the hello with a length prefix of 4 GiB - 1:
the client must fail at once with FrameTooLarge (a ConnectionError, so the
command line exits 3), without waiting for or buffering the announced bytes.
Before the limit, the client kept reading into its buffer until the server
went away. A frame of exactly the limit's size is still accepted up to its
header, and the limit is the one the C++ side declares (net/frame_codec.h).

Usage: python_client_test.py SOURCE_DIR
"""

import os
import re
import socket
import struct
import sys
import threading


def hostile_server(announced, payload=b"{"):
    """A listening socket whose first client gets `announced` as a length
    prefix after its hello. Returns (port, thread)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def serve():
        conn, _ = listener.accept()
        with conn:
            conn.recv(4096)  # the hello
            conn.sendall(struct.pack(">I", announced) + payload)
            conn.settimeout(10)
            try:
                while conn.recv(4096):  # until the client hangs up
                    pass
            except OSError:
                pass
        listener.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener.getsockname()[1], thread


def main():
    source = sys.argv[1]
    sys.path.insert(0, os.path.join(source, "clients", "python"))
    import hegemon_client as hc

    problems = []
    with open(os.path.join(source, "net", "frame_codec.h")) as f:
        m = re.search(r"kMaxReplyFrameBytes = (\d+)u? << (\d+)", f.read())
    if not m:
        problems.append("kMaxReplyFrameBytes not found in net/frame_codec.h")
    elif int(m.group(1)) << int(m.group(2)) != hc.MAX_FRAME_BYTES:
        problems.append(f"MAX_FRAME_BYTES {hc.MAX_FRAME_BYTES} differs from the server's "
                        f"{int(m.group(1)) << int(m.group(2))}")

    port, thread = hostile_server(0xFFFFFFFF)
    try:
        hc.Client("127.0.0.1", port, timeout=5)
        problems.append("a 4 GiB frame was not refused")
    except hc.FrameTooLarge as e:
        if "4294967295" not in str(e):
            problems.append(f"the error does not name the announced size: {e}")
    except Exception as e:  # a timeout here means the client waited for the bytes
        problems.append(f"expected FrameTooLarge, got {type(e).__name__}: {e}")
    thread.join(15)

    # The command line reports it as a broken connection (exit 3).
    port, thread = hostile_server(hc.MAX_FRAME_BYTES + 1)
    code = hc.main(["--port", str(port), "status"])
    if code != 3:
        problems.append(f"the command line exited {code}, not 3")
    thread.join(15)

    if problems:
        for p in problems:
            print("FAIL:", p)
        return 1
    print("ok: the Python client refuses frames above", hc.MAX_FRAME_BYTES, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
