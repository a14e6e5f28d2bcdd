"""What ``crm serve`` sets up for its processes: the socket ``--workers N`` listens on, whose
accepted connections have Nagle's algorithm off as a single process's have (else each response
after the first on a kept-alive connection waits for the client's delayed acknowledgement,
about 40 ms on Linux); start-up objects kept out of the garbage collector's sight."""

import asyncio
import gc
import socket
from pathlib import Path

import pytest
import uvicorn

from crm.api.server import tcp_socket, worker_app


async def accepted_nodelay(listening: socket.socket) -> int:
    """``TCP_NODELAY`` of a connection the event loop accepts on ``listening``."""
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def on_connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sock = writer.get_extra_info("socket")
        accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
        writer.close()

    server = await asyncio.start_server(on_connection, sock=listening)
    async with server:
        port = listening.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            return await asyncio.wait_for(accepted, 10)
        finally:
            writer.close()


def bound() -> socket.socket:
    return uvicorn.Config("crm.api.server:worker_app", host="127.0.0.1", port=0).bind_socket()


async def test_a_connection_accepted_by_a_worker_has_nagle_off() -> None:
    assert await accepted_nodelay(tcp_socket(bound())) != 0


async def test_uvicorn_s_own_socket_still_leaves_nagle_on() -> None:
    """Why ``tcp_socket`` exists: when this fails, uvicorn sets the protocol itself and
    ``tcp_socket`` can go."""
    assert await accepted_nodelay(bound()) == 0


def test_a_worker_s_start_up_objects_are_frozen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRM_DATA_DIR", str(tmp_path / "crm-data"))
    gc.unfreeze()
    try:
        worker_app()
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
