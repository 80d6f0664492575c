"""What an anonymous session can make the server hold: a websocket session asks for no page with
an uploader, yet PUTs files to Streamlit's upload endpoint with its own XSRF token (the
double-submit cookie is its own choice). Measured against a real server: the server's memory must
not grow with the files (ui.access keeps uploads only for sessions whose viewer may edit data)."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.e2e_server import ROOT, free_port
from tests.support import FIXTURES

pytestmark = pytest.mark.slow
FILES, SIZE = 30, 4 * 1024 * 1024  # 120 MB offered by one anonymous session (maxUploadSize is 5 MB)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def put(base: str, session_id: str, token: str, payload: bytes) -> int:
    boundary = secrets.token_hex(8)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + payload
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(
        f"{base}/_stcore/upload_file/{session_id}/{uuid.uuid4()}",
        data=body,
        method="PUT",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "X-Xsrftoken": token,
            "Cookie": f"_streamlit_xsrf={token}",
        },
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


async def flood(base: str, port: int, pid: int) -> tuple[float, float, list[int]]:
    import websockets
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.web.server.starlette.starlette_app_utils import generate_xsrf_token_string

    token = generate_xsrf_token_string()
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/_stcore/stream",
        subprotocols=["streamlit", token],
        additional_headers={"Cookie": f"_streamlit_xsrf={token}"},
        max_size=None,
    ) as socket:
        message = BackMsg()
        message.rerun_script.query_string = ""
        await socket.send(message.SerializeToString())
        session_id = ""
        while True:
            forward = ForwardMsg()
            forward.ParseFromString(await asyncio.wait_for(socket.recv(), 60))
            kind = forward.WhichOneof("type")
            if kind == "new_session":
                session_id = forward.new_session.initialize.session_id
            if kind == "script_finished":
                break
        assert session_id
        before = rss_mb(pid)
        statuses = []
        for _ in range(FILES):
            statuses.append(await asyncio.to_thread(put, base, session_id, token, os.urandom(SIZE)))
        await asyncio.sleep(1.0)
        return before, rss_mb(pid), statuses


def test_an_anonymous_upload_flood_does_not_fill_the_servers_memory(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ, KPI_DATA_DIR=str(FIXTURES / "basic" / "data"), KPI_TARGETS=str(FIXTURES / "basic" / "targets.yaml")
    )
    env.pop("KPI_EDITOR_PASSWORD", None)
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline and process.poll() is None, "the dashboard did not start"
                time.sleep(0.25)
        before, after, statuses = asyncio.run(flood(base, port, process.pid))
    finally:
        process.terminate()
        process.wait(timeout=20)
    assert statuses == [204] * FILES  # Streamlit accepts the PUTs: what matters is what it keeps
    assert after - before < 40, f"the server grew by {after - before:.0f} MB for {FILES * SIZE >> 20} MB offered"
