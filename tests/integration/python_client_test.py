#!/usr/bin/python3
"""Drives the tether-echo sample with a client no one on the team wrote:
Python's `websockets` (Debian's python3-websockets). Run by CTest as

    /usr/bin/python3 python_client_test.py path/to/tether-echo

It starts the server on a free loopback port, checks echo, close codes and
a graceful stop on SIGTERM, and stops the server by its PID in any case.
"""
import asyncio
import re
import signal
import subprocess
import sys

import websockets

PASSES = []
FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    (PASSES if condition else FAILURES).append(what)


async def read_url(proc):
    """Returns the ws:// URL the server prints on its first status line."""
    loop = asyncio.get_running_loop()
    while True:
        line = await asyncio.wait_for(
            loop.run_in_executor(None, proc.stdout.readline), 10)
        if not line:
            raise RuntimeError("tether-echo exited before listening")
        match = re.search(r"listening on (ws://\S+)", line)
        if match:
            return match.group(1)


async def scenario(proc):
    url = await read_url(proc)
    async with websockets.connect(url) as ws:
        await ws.send("hello from python")
        check(await ws.recv() == "hello from python", "text echo")
        pong = await ws.ping(b"are you there")
        try:
            await asyncio.wait_for(pong, 5)
            check(True, "the server answers the client's ping")
        except asyncio.TimeoutError:
            check(False, "the server answers the client's ping")
        await ws.send(bytes(range(256)) * 300)
        check(await ws.recv() == bytes(range(256)) * 300, "binary echo")
        await ws.close(code=4100, reason="python leaving")
        check(ws.close_code == 4100, "server answers the client's close")

    async with websockets.connect(url, max_size=None) as ws:
        try:
            # The server may refuse while the message is still being sent.
            await ws.send("x" * (2 * 1024 * 1024))
            await asyncio.wait_for(ws.recv(), 10)
            check(False, "oversized message refused")
        except websockets.ConnectionClosed as closed:
            check(closed.rcvd is not None and closed.rcvd.code == 1009,
                  "oversized message refused with 1009")

    # A connection open while the server stops gets 1001 (going away).
    ws = await websockets.connect(url)
    await ws.send("still here")
    check(await ws.recv() == "still here", "echo before shutdown")
    proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(ws.recv(), 10)
        check(False, "close frame on shutdown")
    except websockets.ConnectionClosed as closed:
        check(closed.rcvd is not None and closed.rcvd.code == 1001,
              "close frame 1001 on shutdown")
    code = await asyncio.get_running_loop().run_in_executor(
        None, lambda: proc.wait(15))
    check(code == 0, "tether-echo exits 0 after SIGTERM")


async def heartbeat_scenario(proc):
    """websockets answers the server's pings by itself; with its own
    pings off and the server's every 200 ms, the connection lives on."""
    url = await read_url(proc)
    async with websockets.connect(url, ping_interval=None) as ws:
        await asyncio.sleep(1.5)
        await ws.send("after pings")
        check(await ws.recv() == "after pings",
              "a client that answers pings stays connected")


def run_server(server, extra, scenario_fn):
    proc = subprocess.Popen(
        [server, "--port", "0", "--log-level", "warn"] + extra,
        stdout=subprocess.PIPE, text=True)
    try:
        asyncio.run(asyncio.wait_for(scenario_fn(proc), 60))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    server = sys.argv[1]
    run_server(server, ["--ping-interval", "200ms", "--pong-timeout", "300ms"],
               heartbeat_scenario)
    run_server(server, [], scenario)
    print(f"{len(PASSES)} passed, {len(FAILURES)} failed")
    sys.exit(1 if FAILURES or not PASSES else 0)


if __name__ == "__main__":
    main()
