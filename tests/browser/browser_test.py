#!/usr/bin/env python3
"""The pages in a real browser (issue #16): Debian's Chromium, headless,
driven over the DevTools protocol with python3-websockets, against a real
`hegemon serve` on 127.0.0.1.

  browser_test.py HEGEMON SOURCE_DIR [SCREENSHOT_DIR]

- `/`: the map appears, `#tick` advances while the game runs, the canvas'
  `data-provinces` equals the world's province count, and a click on the map
  shows a province whose owner is the one the server reports.
- `/admin`: logging in with the admin token shows the actor tree; the Kill
  button of a nation actor makes its generation go up; the token is in
  sessionStorage only, never in the URL.
Screenshots of both pages go to SCREENSHOT_DIR (default: the working
directory; docs/screenshots/ holds the ones the README shows).

No Chromium is a failure, not a skip: CI installs it (scripts/install_deps.sh).
"""
import asyncio
import base64
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients"))
from serve_process import Failure, report_failure, start_server  # noqa: E402

try:
    import websockets.client  # Debian's python3-websockets (10.x: asyncio only)
except ImportError:
    if os.path.exists("/usr/bin/python3") and sys.executable != "/usr/bin/python3":
        os.execv("/usr/bin/python3", ["/usr/bin/python3", *sys.argv])
    raise

ADMIN_TOKEN = "b" * 24
PROVINCES = 300  # serve_process.start_server's world
WAIT = 30.0


def check(ok, message):
    if not ok:
        raise Failure(message)


class DevTools:
    """One page of the browser, over its DevTools WebSocket."""

    def __init__(self, ws):
        self.ws = ws
        self.next_id = 0

    async def call(self, method, **params):
        self.next_id += 1
        call_id = self.next_id
        await self.ws.send(json.dumps({"id": call_id, "method": method, "params": params}))
        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), WAIT))
            if message.get("id") == call_id:
                check("error" not in message, f"{method}: {message.get('error')}")
                return message["result"]

    async def evaluate(self, expression):
        result = await self.call("Runtime.evaluate", expression=expression, returnByValue=True,
                                 awaitPromise=True)
        check("exceptionDetails" not in result, f"{expression}: {result}")
        return result["result"].get("value")

    async def wait_for(self, expression, what):
        end = time.monotonic() + WAIT
        while time.monotonic() < end:
            value = await self.evaluate(expression)
            if value:
                return value
            await asyncio.sleep(0.1)
        raise Failure(f"timed out waiting for {what} ({expression})")

    async def open(self, url):
        await self.call("Page.navigate", url=url)
        await self.wait_for("document.readyState === 'complete'", f"{url} to load")

    async def click(self, x, y):
        for kind in ("mousePressed", "mouseReleased"):
            await self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                            clickCount=1)

    async def click_element(self, selector):
        box = await self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
            ".getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        await self.click(*box)

    async def screenshot(self, path):
        shot = await self.call("Page.captureScreenshot", format="png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))


def start_chromium(profile):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    check(chromium, "no Chromium: install Debian's chromium (scripts/install_deps.sh does)")
    proc = subprocess.Popen(
        [chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-extensions", "--disable-background-networking", "--window-size=1400,900",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port_file = os.path.join(profile, "DevToolsActivePort")
    end = time.monotonic() + WAIT
    while not os.path.exists(port_file) or len(open(port_file).read().split()) < 2:
        if proc.poll() is not None or time.monotonic() > end:
            proc.kill()
            raise Failure("Chromium did not open its DevTools port")
        time.sleep(0.1)
    port = int(open(port_file).read().split()[0])
    targets = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10))
    page = next(t for t in targets if t["type"] == "page")
    return proc, page["webSocketDebuggerUrl"]


async def game_request(ws_port, requests):
    """Sends REQUESTS ([(type, fields)]) as an admin over the WebSocket; the results."""
    async with websockets.client.connect(f"ws://127.0.0.1:{ws_port}/ws",
                                         max_size=64 << 20) as ws:
        results = []
        for i, (type_, fields) in enumerate([("hello", {"version": 1}),
                                             ("login", {"role": "admin", "token": ADMIN_TOKEN}),
                                             *requests]):
            await ws.send(json.dumps({"id": i, "type": type_, **fields}))
            while True:
                reply = json.loads(await asyncio.wait_for(ws.recv(), WAIT))
                if reply.get("id") == i:
                    break
            check("result" in reply, f"{type_}: {reply}")
            results.append(reply["result"])
        return results[2:]


async def map_page(page, base, ws_port, shots):
    await game_request(ws_port, [("speed", {"speed": "3"})])
    await page.open(base + "/")
    first = int(await page.wait_for(
        "/^[0-9]+$/.test(document.getElementById('tick').textContent) && "
        "document.getElementById('tick').textContent", "the map's first tick"))
    drawn = int(await page.wait_for(
        "Number(document.getElementById('map').dataset.provinces)", "provinces drawn"))
    check(drawn == PROVINCES, f"data-provinces is {drawn}, the world has {PROVINCES}")
    await page.wait_for(f"Number(document.getElementById('tick').textContent) > {first}",
                        "#tick to advance")
    await page.wait_for("document.querySelectorAll('#ranking li').length > 0", "the ranking")
    # A click in the middle of the map lands on a province; its details show
    # the owner the server has for it.
    await page.click_element("#map")
    province = int(await page.wait_for(
        "document.querySelector('#province-details') && "
        "document.querySelector('#province-details').dataset.province",
        "the clicked province's details"))
    owner_shown = await page.evaluate(
        "[...document.querySelectorAll('#province-details tr')]"
        ".find(r => r.cells[0].textContent === 'Owner').cells[1].textContent")
    [info] = await game_request(ws_port, [("province", {"province": province})])
    if info["owner_id"]:
        [nation] = await game_request(ws_port, [("nation", {"nation": info["owner_id"]})])
        check(owner_shown == nation["name"],
              f"province {province}: the page says owner {owner_shown!r}, "
              f"the server {nation['name']!r}")
    else:
        check(owner_shown == "nobody", f"province {province} is unowned, the page says "
              f"{owner_shown!r}")
    await page.screenshot(os.path.join(shots, "map.png"))
    return province


async def admin_page(page, base, ws_port, shots):
    await page.open(base + "/admin")
    await page.evaluate(f"document.getElementById('token').value = {json.dumps(ADMIN_TOKEN)}")
    await page.click_element("#login button")
    row = "tr[data-kind=\"nation\"][data-id=\"1\"]"
    before = int(await page.wait_for(
        f"document.querySelector('{row}') && "
        f"document.querySelector('{row} .generation').textContent", "the actor tree"))
    check(await page.evaluate("sessionStorage.getItem('hegemon-admin-token')") == ADMIN_TOKEN,
          "the token is not kept in sessionStorage")
    check(ADMIN_TOKEN not in await page.evaluate("location.href"), "the token is in the URL")
    check(ADMIN_TOKEN not in (await page.evaluate("document.cookie") or ""),
          "the token is in a cookie")
    await page.click_element(f"{row} button.kill")
    after = int(await page.wait_for(
        f"Number(document.querySelector('{row} .generation').textContent) > {before} && "
        f"document.querySelector('{row} .generation').textContent",
        "nation 1's generation to go up after Kill"))
    [actors] = await game_request(ws_port, [("actors", {})])
    nation1 = next(a for a in actors if a["kind"] == "nation" and a.get("id") == 1)
    check(nation1["generation"] >= after,
          f"the page shows generation {after}, the server {nation1['generation']}")
    await page.screenshot(os.path.join(shots, "admin.png"))
    return before, after


async def run(ws_port, devtools_url, shots):
    base = f"http://127.0.0.1:{ws_port}"
    async with websockets.client.connect(devtools_url, max_size=256 << 20) as ws:
        page = DevTools(ws)
        await page.call("Page.enable")
        await page.call("Runtime.enable")
        province = await map_page(page, base, ws_port, shots)
        before, after = await admin_page(page, base, ws_port, shots)
    print(f"ok: the map drew {PROVINCES} provinces and showed province {province}'s owner; "
          f"Kill moved nation 1 from generation {before} to {after}")


def main():
    hegemon = sys.argv[1]
    shots = os.path.abspath(sys.argv[3] if len(sys.argv) > 3 else ".")
    os.makedirs(shots, exist_ok=True)
    # Chromium's helpers may still be writing its profile as it is reaped.
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as workdir:
        proc, _port, _metrics, log_path = start_server(
            hegemon, workdir, ["--http-port", "0", "--admin-token", ADMIN_TOKEN])
        browser = None
        try:
            with open(log_path) as f:
                found = re.search(r"websocket listening on ws://127\.0\.0\.1:(\d+)/ws", f.read())
            check(found, "no http port in the log")
            browser, devtools_url = start_chromium(os.path.join(workdir, "profile"))
            asyncio.run(run(int(found.group(1)), devtools_url, shots))
        except Failure as e:
            proc.kill()
            return report_failure(e, log_path)
        finally:
            if browser:
                browser.kill()
                browser.wait(timeout=30)
        proc.terminate()
        proc.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
