"""POST /v1/ingest over plain sockets: one short HTTP/1.1 exchange per batch.

Not urllib or http.client: on Python 3.11 importing them adds 7.2 MB and
6.2 MB of RSS to the host, more than the whole agent may cost. Not even the
`socket` module for plain http: its enums and selectors cost 0.5 MB where
the C `_socket` costs 0.2 MB. `socket` and `ssl` (4.7 MB) are imported only
for https endpoints."""
from __future__ import annotations

import _socket

MAX_RESPONSE_BYTES = 64 * 1024


class Response:
    __slots__ = ("status", "retry_after", "body")

    def __init__(self, status: int, retry_after: float | None, body: bytes):
        self.status, self.retry_after, self.body = status, retry_after, body


class TransportError(Exception):
    """The exchange failed before a status line: refused, reset, timed out, or garbled."""


class HttpTransport:
    def __init__(self, endpoint: str, api_key: str, timeout: float, user_agent: str):
        self._tls, self._host, self._port, base_path, self._host_header = split_endpoint(endpoint)
        self._path = base_path.rstrip("/") + "/v1/ingest"
        self._api_key = api_key
        self._timeout = timeout
        self._user_agent = user_agent
        self._ssl_context = None

    def _connect(self):
        if self._tls:
            import socket
            import ssl

            if self._ssl_context is None:
                self._ssl_context = ssl.create_default_context()
            sock = socket.create_connection((self._host, self._port), timeout=self._timeout)
            return self._ssl_context.wrap_socket(sock, server_hostname=self._host)
        last_error: OSError = OSError("no address")
        # A str host goes through the "idna" codec, which pulls in stringprep and
        # the unicodedata tables: 0.7 MB of RSS to resolve "localhost".
        host = self._host.encode("ascii") if self._host.isascii() else self._host
        for family, kind, proto, _, address in _socket.getaddrinfo(host, self._port, 0, _socket.SOCK_STREAM):
            sock = _socket.socket(family, kind, proto)
            sock.settimeout(self._timeout)
            try:
                sock.connect(address)
                return sock
            except OSError as err:
                last_error = err
                sock.close()
        raise last_error

    def warm_up(self) -> None:
        """Makes a socket and sets its timeout without connecting: the first use of
        _socket allocates state that lives for good, better at start than during the
        host's work (agent.Agent._warm_up says why)."""
        if not self._tls:
            sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
            sock.settimeout(self._timeout)
            sock.close()

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
            sock.sendall(head + body)  # the timeout bounds each send and recv: a hung server costs one timeout
            raw = b""
            while len(raw) < MAX_RESPONSE_BYTES:
                chunk = sock.recv(16384)
                if not chunk:
                    break
                raw += chunk
                if _complete(raw):
                    break
        except OSError as err:  # _socket.timeout is an OSError too
            raise TransportError(f"{self._host}:{self._port} failed mid-request: {err!r}") from None
        finally:
            try:
                sock.close()
            except OSError:
                pass
        return _parse(raw)


def split_endpoint(endpoint: str) -> tuple:
    """(tls, host, port, path, Host header) of an http(s) URL; IPv6 hosts in brackets.

    By hand rather than urllib.parse, which costs the host 1.6 MB of imports."""
    scheme, _, rest = endpoint.partition("://")
    tls = scheme.lower() == "https"
    netloc, slash, path = rest.partition("/")
    netloc = netloc.rsplit("@", 1)[-1]
    if netloc.startswith("["):
        host, _, tail = netloc[1:].partition("]")
        port = tail[1:] if tail.startswith(":") else ""
    else:
        host, _, port = netloc.partition(":")
    return tls, host or "127.0.0.1", int(port) if port.isdigit() else (443 if tls else 80), slash + path, netloc


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
