#!/usr/bin/python3
"""An acknowledged chat message survives `kill -9` of tether-chat. Run by
CTest as

    /usr/bin/python3 chat_durability_test.py path/to/tether-chat

It starts the server on a free loopback port with a fresh database, sends
many `say`s pipelined on one connection, and SIGKILLs the server the moment
the last `ack` arrives. Then it reads the SQLite file itself: every
acknowledged id must be there with its text, and nothing else. Finally it
starts the server again on the same file and checks that a join's history
is the last acknowledged messages. Every server is stopped by its PID.
"""
import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile

import websockets

MESSAGES = 300
# Says sent but not yet acknowledged. Well below the server's per-connection
# limit of waiting requests (256), above which it would answer `busy`.
WINDOW = 200
HISTORY = 50
ROOM = "durability"
NICK = "durable"
TIMEOUT = 20

PASSES = []
FAILURES = []


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what, flush=True)
    (PASSES if condition else FAILURES).append(what)
    return condition


def start_server(binary, db_path):
    return subprocess.Popen(
        [binary, "--port", "0", "--db", db_path, "--history", str(HISTORY),
         "--log-level", "warn"],
        stdout=subprocess.PIPE, text=True)


async def read_urls(proc):
    """Returns the page and WebSocket URLs of the server's status line."""
    loop = asyncio.get_running_loop()
    line = await asyncio.wait_for(
        loop.run_in_executor(None, proc.stdout.readline), TIMEOUT)
    match = re.fullmatch(
        r"\*\*\* tether-chat listening on (http://\S+/) "
        r"\(WebSocket (ws://\S+/chat), database (.+)\)\n", line)
    if not match:
        raise RuntimeError(f"unexpected status line from tether-chat: {line!r}")
    return match.group(1), match.group(2)


async def receive(ws, wanted_type):
    """The next message of `wanted_type`; fails on an `error`."""
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), TIMEOUT))
        if message["type"] == "error":
            raise RuntimeError(f"server refused a request: {message}")
        if message["type"] == wanted_type:
            return message


async def enter_room(ws):
    await ws.send(json.dumps({"type": "hello", "nick": NICK}))
    await receive(ws, "welcome")
    await ws.send(json.dumps({"type": "join", "room": ROOM}))
    return await receive(ws, "joined")


def text_of(i):
    # Distinct per message, with some non-ASCII, so a mix-up shows.
    return f"message {i} \u00e9\u20ac {'x' * (i % 17)}"


async def say_and_kill(url, proc):
    """Sends the says, collects acks, and SIGKILLs `proc` at the last one.
    Returns {ref: id} of the acknowledged says."""
    acked = {}
    window = asyncio.Semaphore(WINDOW)
    async with websockets.connect(url) as ws:
        await enter_room(ws)

        async def send_all():
            for i in range(MESSAGES):
                await window.acquire()
                await ws.send(json.dumps(
                    {"type": "say", "room": ROOM, "text": text_of(i),
                     "ref": str(i)}))

        async def read_acks():
            while len(acked) < MESSAGES:
                message = json.loads(await asyncio.wait_for(ws.recv(),
                                                            TIMEOUT))
                if message["type"] == "error":
                    raise RuntimeError(f"a say was refused: {message}")
                if message["type"] != "ack":
                    continue
                acked[message["ref"]] = message["id"]
                window.release()
            # The instant the last ack is in: no chance to flush anything.
            os.kill(proc.pid, signal.SIGKILL)

        await asyncio.gather(send_all(), read_acks())
    return acked


def check_database(db_path, acked):
    db = sqlite3.connect(db_path, timeout=5)
    try:
        rows = {row[0]: row[1:] for row in db.execute(
            "SELECT id, room, nick, text FROM messages")}
    finally:
        db.close()
    missing = [(ref, i) for ref, i in acked.items()
               if rows.get(i) != (ROOM, NICK, text_of(int(ref)))]
    check(not missing,
          f"all {len(acked)} acknowledged messages are in the database "
          f"with their text (missing or wrong: {missing[:5]})")
    check(len(rows) == len(acked),
          f"the database holds only acknowledged messages "
          f"({len(rows)} rows, {len(acked)} acks)")


async def check_history_after_restart(url, acked):
    async with websockets.connect(url) as ws:
        joined = await enter_room(ws)
    by_id = sorted((i, int(ref)) for ref, i in acked.items())
    expected = [{"id": i, "nick": NICK, "text": text_of(n)}
                for i, n in by_id[-HISTORY:]]
    got = [{key: m[key] for key in ("id", "nick", "text")}
           for m in joined["history"]]
    check(got == expected,
          f"after a restart, `joined` has the last {HISTORY} acknowledged "
          f"messages, oldest first")


def stop(proc):
    if proc.poll() is None:
        proc.kill()
    proc.wait(10)


async def scenario(binary, db_path):
    first = start_server(binary, db_path)
    try:
        _, url = await read_urls(first)
        acked = await say_and_kill(url, first)
        check(len(acked) == MESSAGES and
              len(set(acked.values())) == MESSAGES,
              f"{MESSAGES} says acknowledged with distinct ids")
        code = await asyncio.get_running_loop().run_in_executor(
            None, lambda: first.wait(10))
        check(code == -signal.SIGKILL, "the server died from SIGKILL")
    finally:
        stop(first)

    check_database(db_path, acked)

    second = start_server(binary, db_path)
    try:
        _, url = await read_urls(second)
        await check_history_after_restart(url, acked)
        second.send_signal(signal.SIGTERM)
        code = await asyncio.get_running_loop().run_in_executor(
            None, lambda: second.wait(15))
        check(code == 0, "tether-chat exits 0 after SIGTERM")
    finally:
        stop(second)


def main():
    if len(sys.argv) != 2:
        print("usage: chat_durability_test.py path/to/tether-chat",
              file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="tether-chat-") as tmp:
        db_path = os.path.join(tmp, "chat.db")
        try:
            asyncio.run(asyncio.wait_for(scenario(sys.argv[1], db_path), 90))
        except Exception as e:  # any failure is reported, not a traceback
            check(False, f"scenario ran to the end ({type(e).__name__}: {e})")
    print(f"{len(PASSES)} passed, {len(FAILURES)} failed")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
