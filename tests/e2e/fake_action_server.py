"""A fake action server for fault injection: it hangs, returns 500, or dies mid-request.

Runs in a thread inside the test process, on the port the stage-2 Rasa uses as its action
endpoint (WAYFINDER_TEST_FAKE_ACTIONS_PORT). When it is not running, that port refuses
connections (the "action server down" case).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager

ERROR_REPLY = (b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n"
               b"Content-Length: 2\r\nConnection: close\r\n\r\n{}")


async def _read_request(reader: asyncio.StreamReader) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    for line in head.decode("latin-1").split("\r\n"):
        if line.lower().startswith("content-length:"):
            await reader.readexactly(int(line.split(":", 1)[1]))


def _handler(mode: str, calls: list[str]):
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await _read_request(reader)
            calls.append(mode)
            if mode == "hang":
                await asyncio.sleep(3600)
            elif mode == "error":
                writer.write(ERROR_REPLY)
                await writer.drain()
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            pass
        finally:
            writer.close()  # "drop": the process died after reading the request
    return handle


@contextmanager
def fake_action_server(port: int, mode: str) -> Iterator[list[str]]:
    """Serves `mode` ("hang", "error" or "drop") on 127.0.0.1:port until the block ends.
    Yields the list of requests it received (one entry per call)."""
    calls: list[str] = []
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder: dict[str, asyncio.AbstractServer] = {}

    async def start() -> None:
        holder["server"] = await asyncio.start_server(_handler(mode, calls), "127.0.0.1", port,
                                                      reuse_address=True)
        started.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(start()),
                                              loop.run_forever()), daemon=True)
    thread.start()
    if not started.wait(10):
        raise RuntimeError(f"fake action server did not start on port {port}")
    try:
        yield calls
    finally:
        async def shutdown() -> None:
            holder["server"].close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()
        asyncio.run_coroutine_threadsafe(shutdown(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
