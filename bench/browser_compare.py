"""Check the load harness against a real Chromium on the same page changes.

    python -m bench.browser_compare --url http://127.0.0.1:8501 --password load-pass-1

Both sides sign in (Chromium as load-employee-0001, the harness as load-employee-0002;
run `python -m dashboard demo-load-accounts` first) and then switch between home and
/announcements `--repeat` times, one at a time, on an otherwise idle server. Both are timed
the same way: from the `rerun_script` message leaving the client to the last
`script_finished` the change causes. In Chromium the websocket is watched from inside the
page (a wrapper records each frame with performance.now()); its frames are decoded with
the same protobufs. Chromium's time until the page is drawn is printed as well.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.load import LOCAL_HOSTS, Session, percentiles

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic",
                 "--no-first-run"]
RUNNING = ('[data-testid="stStatusWidgetRunningIcon"],'
           ' [data-testid="stStatusWidgetRunningManIcon"]')
# Wrap the page's WebSocket: every frame with its time, small received frames kept whole
# (script_finished is a few bytes; deltas are not needed).
RECORDER = """
(() => {
  const Native = window.WebSocket;
  window.__frames = [];
  const b64 = (buf) => { let s = ''; const a = ArrayBuffer.isView(buf)
      ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : new Uint8Array(buf);
    for (let i = 0; i < a.length; i++) s += String.fromCharCode(a[i]); return btoa(s); };
  window.WebSocket = function (url, protocols) {
    const ws = new Native(url, protocols);
    const send = ws.send.bind(ws);
    ws.send = (data) => { window.__frames.push([performance.now(), 'send', b64(data)]);
      return send(data); };
    ws.addEventListener('message', (event) => {
      const now = performance.now();
      const data = event.data;
      if (data instanceof ArrayBuffer) {
        window.__frames.push([now, 'recv', data.byteLength < 256 ? b64(data) : '']);
      } else if (data instanceof Blob) {
        window.__frames.push([now, 'recv-blob', '']);
      }
    });
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, Native);
})();
"""


def _cpu_seconds(marker: str) -> float:
    """CPU time used so far by the Chromium launched with `marker` and all its children."""
    procs = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                cmdline = (proc / "cmdline").read_bytes()
            except OSError:
                continue
            procs[int(proc.name)] = (int(stat[1]), int(stat[11]) + int(stat[12]), cmdline)
    tree = {pid for pid, (_, _, cmdline) in procs.items() if marker.encode() in cmdline}
    grew = True
    while grew:
        children = {pid for pid, (ppid, _, _) in procs.items() if ppid in tree} - tree
        tree |= children
        grew = bool(children)
    return sum(procs[pid][1] for pid in tree) / os.sysconf("SC_CLK_TCK")


def _is_rerun(payload: str) -> bool:
    msg = BackMsg()
    msg.ParseFromString(base64.b64decode(payload))
    return msg.WhichOneof("type") == "rerun_script"


def _finished(payload: str) -> bool:
    if not payload:
        return False
    msg = ForwardMsg()
    try:
        msg.ParseFromString(base64.b64decode(payload))
    except Exception:  # noqa: BLE001 - not every small frame is a whole message
        return False
    return (msg.WhichOneof("type") == "script_finished"
            and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY)


def browser_side(url: str, password: str, repeat: int,
                 chromium: str) -> tuple[list, list, list]:
    from playwright.sync_api import sync_playwright

    network, protocol, drawn, cpu = [], [], [], []
    marker = f"--peyvand-bench={uuid.uuid4().hex}"  # finds this Chromium's processes
    wire: list[tuple[float, str, str]] = []  # Chromium's network stack: time, kind, payload
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium,
                                             args=[*CHROMIUM_ARGS, marker])
        page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
        page.set_default_timeout(60_000)
        page.add_init_script(RECORDER)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameSent", lambda event: wire.append(
            (event["timestamp"], "send", event["response"]["payloadData"])))
        cdp.on("Network.webSocketFrameReceived", lambda event: wire.append(
            (event["timestamp"], "recv", event["response"]["payloadData"]
             if len(event["response"]["payloadData"]) < 344 else "")))
        page.goto(url)
        page.get_by_role("textbox", name="نام کاربری").fill("load-employee-0001")
        page.get_by_role("textbox", name="گذرواژه").fill(password)
        page.get_by_role("button", name="ورود", exact=True).click()
        nav = page.locator('[data-testid="stSidebarNav"]')
        nav.wait_for()
        _settle(page)
        for index in range(repeat):
            target = "announcements" if index % 2 == 0 else ""
            page.evaluate("window.__frames = []")
            wire.clear()
            cpu_before = _cpu_seconds(marker)
            started = time.perf_counter()
            nav.locator("a").nth(1 if target else 0).click()
            page.wait_for_url(f"**/{target}" if target else url.rstrip("/") + "/")
            _settle(page)
            drawn.append(time.perf_counter() - started - 0.5)  # minus the settle pause
            cpu.append(_cpu_seconds(marker) - cpu_before)
            frames = page.evaluate("window.__frames")
            sent = [t for t, kind, data in frames if kind == "send" and _is_rerun(data)]
            done = [t for t, kind, data in frames if kind == "recv" and _finished(data)]
            if sent and done:
                protocol.append((done[-1] - sent[0]) / 1000)
            sent = [t for t, kind, data in wire if kind == "send" and _is_rerun(data)]
            done = [t for t, kind, data in wire if kind == "recv" and _finished(data)]
            if sent and done:
                network.append(done[-1] - sent[0])
        browser.close()
    return network, protocol, drawn, cpu


def _settle(page) -> None:
    """Wait until Streamlit's running indicator is gone and stays gone for 0.5 s."""
    for _ in range(3):
        page.wait_for_function(f"() => !document.querySelector('{RUNNING}')")
        page.wait_for_timeout(500)
        if not page.query_selector(RUNNING):
            return


async def harness_side(url: str, password: str, repeat: int) -> list[float]:
    session = Session(url, 60)
    await session.connect()
    try:
        await session.open_app()
        await session.sign_in("load-employee-0002", password)
        await asyncio.sleep(1)
        timings = []
        for index in range(repeat):
            started = time.perf_counter()
            await session.visit("announcements" if index % 2 == 0 else "")
            timings.append(time.perf_counter() - started)
            await asyncio.sleep(0.5)
        return timings
    finally:
        await session.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.browser_compare",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8501")
    parser.add_argument("--password", required=True)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args(argv)
    from urllib.parse import urlsplit

    if urlsplit(args.url).hostname not in LOCAL_HOSTS or not 1 <= args.repeat <= 100:
        print("error: only 127.0.0.1, and 1-100 repeats", file=sys.stderr)
        return 2
    network, protocol, drawn, cpu = browser_side(args.url, args.password, args.repeat,
                                                 args.chromium)
    harness = asyncio.run(harness_side(args.url, args.password, args.repeat))
    print(f"{'home <-> /announcements':<37}{'n':>4}{'median ms':>11}{'p95 ms':>9}")
    for name, values in (("Chromium network, rerun -> finished", network),
                         ("Chromium page JS, rerun -> finished", protocol),
                         ("Chromium, click -> drawn and idle", drawn),
                         ("Chromium's own CPU time per change", cpu),
                         ("harness, rerun -> script_finished", harness)):
        if values:
            print(f"{name:<37}{len(values):>4}{statistics.median(values) * 1000:>11.0f}"
                  f"{percentiles(values)[95]:>9.0f}")
    if network and harness:
        print(f"harness / Chromium network (medians, same measure): "
              f"{statistics.median(harness) / statistics.median(network):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
