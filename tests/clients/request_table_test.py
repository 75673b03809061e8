#!/usr/bin/env python3
"""The request table (net/request_table.cc) against everything that lists
requests (issue #16): `hegemon client --help` and its parser,
docs/PROTOCOL.md's tables and the Python client must all agree with it, so
none of them can drift from what the server answers.

Usage: request_table_test.py HEGEMON SOURCE_DIR
"""

import json
import os
import re
import shlex
import subprocess
import sys

ROLES = {
    "any": ["spectator", "player", "admin"],
    "admin": ["admin"],
    "player, admin": ["player", "admin"],
    "anyone": ["none", "spectator", "player", "admin"],
}


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def load_table(hegemon):
    out = subprocess.run([hegemon, "client", "--requests"], capture_output=True, text=True,
                         timeout=30)
    check(out.returncode == 0, f"client --requests exited {out.returncode}: {out.stderr}")
    table = json.loads(out.stdout)
    check(isinstance(table, list) and len(table) > 30, "the table has fewer than 30 requests")
    types = [r["type"] for r in table]
    check(len(types) == len(set(types)), f"a request type is listed twice: {types}")
    for r in table:
        check(r["roles"], f"{r['type']}: no role may make it")
        check(r["summary"], f"{r['type']}: no summary")
        check(bool(r["cli"]) == bool(r["cli_example"]), f"{r['type']}: cli without an example")
    return {r["type"]: r for r in table}


def check_client_help(hegemon, table):
    out = subprocess.run([hegemon, "client", "--help"], capture_output=True, text=True, timeout=30)
    check(out.returncode == 0, f"client --help exited {out.returncode}")
    help_text = out.stdout
    for r in table.values():
        if not r["cli"]:
            continue
        check(re.search(r"^  " + re.escape(r["cli"]) + r"  ", help_text, re.M),
              f"`hegemon client --help` does not list `{r['cli']}`")
        # The parser knows it: with the example's arguments the client gets as
        # far as connecting (exit 3, nothing listens on port 1), not a usage
        # error (exit 2).
        run = subprocess.run([hegemon, "client", "--port", "1", "--token", "x" * 16,
                              *shlex.split(r["cli_example"])], capture_output=True, text=True,
                             timeout=30)
        check(run.returncode == 3, f"`hegemon client {r['cli_example']}` exited "
              f"{run.returncode}, not 3 (no connection): {run.stderr.strip()}")
    bad = subprocess.run([hegemon, "client", "--port", "1", "no-such-request"],
                         capture_output=True, text=True, timeout=30)
    check(bad.returncode == 2, f"an unknown command exited {bad.returncode}, not 2")


def doc_tables(text, heading):
    """The rows of the first table under `## heading`: lists of cells."""
    section = text.split("\n## " + heading + "\n", 1)
    check(len(section) == 2, f"docs/PROTOCOL.md has no section '{heading}'")
    body = section[1].split("\n## ", 1)[0]
    rows = []
    for line in body.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows[1:]  # without the header


def check_docs(source, table):
    text = open(os.path.join(source, "docs", "PROTOCOL.md")).read()
    documented = {}
    for section, role_column in (("Requests", 2), ("Commands", None)):
        for cells in doc_tables(text, section):
            for name in re.findall(r"`([a-z_]+)`", cells[0]):
                check(name not in documented, f"docs/PROTOCOL.md lists `{name}` twice")
                documented[name] = (section, cells, role_column)
    missing = sorted(set(table) - set(documented))
    extra = sorted(set(documented) - set(table))
    check(not missing, f"docs/PROTOCOL.md does not list requests {missing}")
    check(not extra, f"docs/PROTOCOL.md lists requests the server does not have: {extra}")
    for name, (section, cells, role_column) in documented.items():
        row = table[name]
        names = {f["name"] for f in row["fields"]}
        required = {f["name"] for f in row["fields"] if f["required"]}
        in_doc = set(re.findall(r"`([a-z_]+)`", cells[1]))
        check(required <= in_doc, f"docs/PROTOCOL.md, `{name}`: fields {sorted(required - in_doc)} "
              "are not documented")
        # (A cell may name another request: "`client` (id from `clients`)".)
        unknown = in_doc - names - set(table)
        check(not unknown, f"docs/PROTOCOL.md, `{name}`: documents fields "
              f"{sorted(unknown)} the table does not have")
        if role_column is not None:
            roles = ROLES.get(cells[role_column])
            check(roles == row["roles"], f"docs/PROTOCOL.md, `{name}`: role "
                  f"'{cells[role_column]}', the table says {row['roles']}")
        else:
            check(row["group"] == "command", f"`{name}` is in Commands but is no command")
            admin_only = "admin only" in cells[-1]
            check(admin_only == (row["roles"] == ["admin"]), f"docs/PROTOCOL.md, `{name}`: "
                  f"admin only is {admin_only}, the table's roles are {row['roles']}")


def check_python_client(source, table):
    sys.path.insert(0, os.path.join(source, "clients", "python"))
    import hegemon_client as hc
    check(hc.COMMANDS, "the Python client lists no commands")
    cli_words = {r["cli"].split()[0]: r for r in table.values() if r["cli"]}
    # `token`'s subcommands are rows of their own ("token issue ...").
    token_rows = {r["cli"].split()[1]: r for r in table.values() if r["cli"].startswith("token ")}
    check(set(token_rows) == set(hc.TOKEN_COMMANDS), f"the Python client's token subcommands "
          f"{sorted(hc.TOKEN_COMMANDS)} are not `hegemon client`'s {sorted(token_rows)}")
    # Every command `hegemon client` has, the Python client has (the README
    # says they are the same).
    missing = sorted(set(cli_words) - set(hc.COMMANDS))
    check(not missing, f"the Python client lacks `hegemon client`'s commands {missing}")
    commands = [(w, t, f) for w, (t, f) in hc.COMMANDS.items() if w != "token"]
    commands += [("token " + w, t, f) for w, (t, f) in hc.TOKEN_COMMANDS.items()]
    for word, type_, fields in commands:
        check(type_ in table, f"the Python client's `{word}` sends `{type_}`, not a request")
        row = table[type_]
        spelled = token_rows.get(word[6:]) if word.startswith("token ") else cli_words.get(word)
        check(spelled is not None and spelled["type"] == type_,
              f"the Python client's `{word}` is `{type_}`, `hegemon client` spells it otherwise")
        names = {f["name"] for f in row["fields"]}
        required = {f["name"] for f in row["fields"] if f["required"]}
        if row["group"] == "command":
            names.discard("nation")  # from --nation
        check(set(fields) <= names, f"the Python client's `{word}` sends fields "
              f"{sorted(set(fields) - names)} `{type_}` does not have")
        check(required <= set(fields), f"the Python client's `{word}` never sends "
              f"{sorted(required - set(fields))}")


def main():
    hegemon, source = sys.argv[1], sys.argv[2]
    try:
        table = load_table(hegemon)
        check_client_help(hegemon, table)
        check_docs(source, table)
        check_python_client(source, table)
    except Failure as e:
        print(f"FAIL: {e}")
        return 1
    print(f"ok: {len(table)} requests agree with --help, docs/PROTOCOL.md and the Python client")
    return 0


if __name__ == "__main__":
    sys.exit(main())
