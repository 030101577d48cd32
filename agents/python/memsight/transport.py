"""POST /v1/ingest over plain sockets: one short HTTP/1.1 exchange per batch.

Not urllib or http.client: on Python 3.11 importing them adds 7.2 MB and
6.2 MB of RSS to the host, more than the whole agent may cost. `ssl` (4.7 MB)
is imported only for https endpoints."""
from __future__ import annotations

import socket
from urllib.parse import urlsplit  # urllib.parse alone is light: no http or email imports

MAX_RESPONSE_BYTES = 64 * 1024


class Response:
    __slots__ = ("status", "retry_after", "body")

    def __init__(self, status: int, retry_after: float | None, body: bytes):
        self.status, self.retry_after, self.body = status, retry_after, body


class TransportError(Exception):
    """The exchange failed before a status line: refused, reset, timed out, or garbled."""


class HttpTransport:
    def __init__(self, endpoint: str, api_key: str, timeout: float, user_agent: str):
        parts = urlsplit(endpoint)
        self._tls = parts.scheme == "https"
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or (443 if self._tls else 80)
        self._path = (parts.path.rstrip("/") or "") + "/v1/ingest"
        self._host_header = parts.netloc.rsplit("@", 1)[-1]
        self._api_key = api_key
        self._timeout = timeout
        self._user_agent = user_agent
        self._ssl_context = None

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self._host, self._port), timeout=self._timeout)
        if not self._tls:
            return sock
        if self._ssl_context is None:
            import ssl

            self._ssl_context = ssl.create_default_context()
        return self._ssl_context.wrap_socket(sock, server_hostname=self._host)

    def post(self, body: bytes) -> Response:
        head = (
            f"POST {self._path} HTTP/1.1\r\nHost: {self._host_header}\r\nUser-Agent: {self._user_agent}\r\n"
            f"Content-Type: application/json\r\nContent-Encoding: gzip\r\nAuthorization: Bearer {self._api_key}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode("latin-1")
        try:
            sock = self._connect()
        except OSError as err:
            raise TransportError(f"cannot connect to {self._host}:{self._port}: {err}") from None
        try:
            sock.sendall(head + body)
            raw = b""
            while len(raw) < MAX_RESPONSE_BYTES:
                chunk = sock.recv(16384)
                if not chunk:
                    break
                raw += chunk
                if _complete(raw):
                    break
        except OSError as err:
            raise TransportError(f"{self._host}:{self._port} failed mid-request: {err}") from None
        finally:
            try:
                sock.close()
            except OSError:
                pass
        return _parse(raw)


def _complete(raw: bytes) -> bool:
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        return False
    for line in raw[:end].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            try:
                return len(raw) - end - 4 >= int(value.strip())
            except ValueError:
                return False
    return False  # no length: read until the server closes


def _parse(raw: bytes) -> Response:
    end = raw.find(b"\r\n\r\n")
    head = raw[: end if end >= 0 else len(raw)].decode("latin-1")
    lines = head.split("\r\n")
    status_line = lines[0].split(" ", 2) if lines else []
    if len(status_line) < 2 or not status_line[0].startswith("HTTP/") or not status_line[1].isdigit():
        raise TransportError("the server's answer is not HTTP" if raw else "the server closed the connection without answering")
    retry_after = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "retry-after":
            try:
                retry_after = max(0.0, float(value.strip()))
            except ValueError:
                retry_after = None  # an HTTP date: fall back to our own backoff
    return Response(int(status_line[1]), retry_after, raw[end + 4:] if end >= 0 else b"")
