"""The Chroma server path (SYNTH_CHROMA_URL): a real `chroma run` on a loopback port."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from synth.errors import StoreError
from synth.index.library import Library
from tests.test_index_library import ATTENTION, WARMUP, parsed_paper

STARTUP_LIMIT_S = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_heartbeat(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + STARTUP_LIMIT_S
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"chroma run exited with {server.returncode}: {server.stdout.read()}")
        try:
            if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    raise RuntimeError(f"chroma run did not answer at {url} within {STARTUP_LIMIT_S} s")


@pytest.fixture
def chroma_server(tmp_path: Path):
    """`chroma run` on a free port with its own data folder; stopped after the test."""
    if shutil.which("chroma") is None:
        pytest.skip("the `chroma` command is not installed (it comes with the chromadb package)")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data = tmp_path / "chroma-server-data"
    server = subprocess.Popen(
        ["chroma", "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        wait_for_heartbeat(url, server)
        yield url, data, server
    finally:
        server.terminate()  # no-op when the test already stopped it
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_library_over_a_chroma_server_and_the_error_when_it_is_gone(settings, chroma_server):
    url, data, server = chroma_server
    remote = settings.model_copy(update={"chroma_url": url})
    library = Library(remote)
    library.add(*parsed_paper("attention", ATTENTION))
    library.add(*parsed_paper("warmup", WARMUP))

    assert library.dense_search("several attention functions in parallel")[0].chunk_id == "attention:v1:2"
    assert library.search("seeds diverged without warm-up")[0].chunk_id == "warmup:v1:2"
    assert library.dense.count() == 4
    assert data.is_dir() and not (remote.index_dir / "chroma").exists()

    server.terminate()
    server.wait(timeout=15)
    with pytest.raises(StoreError, match=f"unreachable at {url}"):
        library.dense_search("several attention functions")

    closed_port_url = f"http://127.0.0.1:{free_port()}"  # bound once, released: nothing listens
    with pytest.raises(StoreError) as raised:
        Library(settings.model_copy(update={"chroma_url": closed_port_url})).dense_search("anything")
    message = str(raised.value)
    assert closed_port_url in message and "chroma run" in message and "SYNTH_CHROMA_URL" in message

