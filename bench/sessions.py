"""Server capacity without browsers: N Streamlit sessions at once over Streamlit's own websocket.

Each session connects to ``/_stcore/stream`` (subprotocol ``streamlit``), sends the rerun message
a browser sends on load (``BackMsg.rerun_script`` with the page's query string) and reads
``ForwardMsg``s until ``script_finished``. No browser draws anything, so on two cores the figures
say what the *server* can hold (headless Chromiums eat most of the CPU in the browser benchmark).
Bounded: at most ``MAX_SESSIONS`` sessions, each waits at most ``TIMEOUT_S``, only to 127.0.0.1.
Server CPU comes from ``/proc/<pid>/stat`` (user + system time of the server process).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time

MAX_SESSIONS = 100
TIMEOUT_S = 120.0


async def one_view(
    port: int, query: str, timeout: float = TIMEOUT_S, path: str = "", cookie: str | None = None
) -> tuple[float | None, int]:
    """Seconds until the script finished for one new session (None: not within ``timeout``), and
    how many delta messages the page sent. ``path``: the app's base path behind a proxy
    (``/matkluster``); ``cookie``: the browser's XSRF cookie, the proxy's sticky key."""
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    deltas = 0
    start = time.perf_counter()
    try:
        headers = {"Cookie": f"_streamlit_xsrf={cookie}"} if cookie else None
        async with websockets.connect(
            f"ws://127.0.0.1:{port}{path}/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            open_timeout=timeout,
            additional_headers=headers,
        ) as socket:
            message = BackMsg()
            message.rerun_script.query_string = query
            await socket.send(message.SerializeToString())
            while True:
                remaining = timeout - (time.perf_counter() - start)
                if remaining <= 0:
                    return None, deltas
                forward = ForwardMsg()
                forward.ParseFromString(await asyncio.wait_for(socket.recv(), remaining))
                kind = forward.WhichOneof("type")
                if kind == "delta":
                    deltas += 1
                elif kind == "script_finished":
                    return time.perf_counter() - start, deltas
    except Exception:  # noqa: BLE001 - a session that fails or times out is the finding, not a crash
        return None, deltas


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process has used so far (Linux), in clock ticks (1/100 s
    here): a figure per view is only meaningful over many views, as in the full run's N ≥ 10."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def measure(port: int, pid: int, counts: list[int], query: str) -> dict[int, dict[str, float | int | None]]:
    """For each N: N sessions opened at once; median and worst seconds, CPU-seconds per view."""
    asyncio.run(one_view(port, query))  # the first run after start imports and loads: not a view
    results: dict[int, dict[str, float | int | None]] = {}
    for count in counts:
        count = min(count, MAX_SESSIONS)
        before = server_cpu_seconds(pid)

        async def many(n: int = count) -> list[tuple[float | None, int]]:
            return list(await asyncio.gather(*(one_view(port, query) for _ in range(n))))

        outcomes = asyncio.run(many())
        cpu = server_cpu_seconds(pid) - before
        times = [seconds for seconds, _ in outcomes if seconds is not None]
        results[count] = {
            "sessions": count,
            "finished": len(times),
            "median": statistics.median(times) if times else None,
            "worst": max(times) if times else None,
            "cpu_per_view": cpu / count,
            "deltas": max((deltas for _, deltas in outcomes), default=0),
        }
    return results
