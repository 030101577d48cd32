"""POST /v1/ingest over plain sockets: one short HTTP/1.1 exchange per batch.

Not urllib or http.client: on Python 3.11 importing them adds 7.2 MB and
6.2 MB of RSS to the host, more than the whole agent may cost. Not even the
`socket` module for plain http: its enums and selectors cost 0.5 MB where
the C `_socket` costs 0.2 MB. `socket` and `ssl` (4.7 MB) are imported only
for https endpoints."""
from __future__ import annotations

import _socket
import time
from array import array

MAX_RESPONSE_BYTES = 64 * 1024
RESOLVE_SECONDS = 300.0  # how long a resolved address is reused while it connects


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
        # (family, type, proto, sockaddr) to connect to: made here, for good, when the
        # host is an IP address; else the one that connected last (see _connect).
        self._literal = _literal_address(self._host, self._port)
        self._address = self._literal
        self._resolved_until = array("d", [0.0])

    def _connect(self, timeout: float):
        if self._tls:
            import socket
            import ssl

            if self._ssl_context is None:
                self._ssl_context = ssl.create_default_context()
            sock = socket.create_connection((self._host, self._port), timeout=timeout)
            return self._ssl_context.wrap_socket(sock, server_hostname=self._host)
        if self._literal is not None:
            return self._try(*self._literal, timeout)
        # A name: the address that worked last is tried first, for up to RESOLVE_SECONDS.
        # A lookup per send made a list and tuples each time (see _header on why that
        # matters). A failure to connect to it resolves again at once.
        if self._address is not None and time.monotonic() < self._resolved_until[0]:
            try:
                return self._try(*self._address, timeout)
            except OSError:
                pass
        self._address = None
        last_error: OSError = OSError("no address")
        # A str host goes through the "idna" codec, which pulls in stringprep and
        # the unicodedata tables: 0.7 MB of RSS to resolve "localhost".
        host = self._host.encode("ascii") if self._host.isascii() else self._host
        for family, kind, proto, _, address in _socket.getaddrinfo(host, self._port, 0, _socket.SOCK_STREAM):
            try:
                sock = self._try(family, kind, proto, address, timeout)
            except OSError as err:
                last_error = err
                continue
            self._address = (family, kind, proto, address)
            self._resolved_until[0] = time.monotonic() + RESOLVE_SECONDS
            return sock
        raise last_error

    @staticmethod
    def _try(family, kind, proto, address, timeout: float):
        sock = _socket.socket(family, kind, proto)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError:
            sock.close()
            raise
        return sock

    def warm_up(self) -> None:
        """Makes a socket and sets its timeout without connecting: the first use of
        _socket allocates state that lives for good, better at start than during the
        host's work (agent.Agent._warm_up says why)."""
        if not self._tls:
            sock = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
            sock.settimeout(self._timeout)
            sock.close()

    def post(self, body: bytes, timeout: float | None = None) -> Response:
        """One exchange; `timeout` (seconds, each connect, send and recv) defaults to the configured one."""
        head = (
            f"POST {self._path} HTTP/1.1\r\nHost: {self._host_header}\r\nUser-Agent: {self._user_agent}\r\n"
            f"Content-Type: application/json\r\nContent-Encoding: gzip\r\nAuthorization: Bearer {self._api_key}\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        ).encode("latin-1")
        try:
            sock = self._connect(self._timeout if timeout is None else timeout)
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


def _literal_address(host: str, port: int):
    """(family, type, proto, sockaddr) for an IPv4 or IPv6 address, else None (a name)."""
    for family in (_socket.AF_INET, _socket.AF_INET6):
        try:
            _socket.inet_pton(family, host)
        except (OSError, ValueError):
            continue
        return family, _socket.SOCK_STREAM, 0, (host, port)
    return None


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


# Responses are read by find and slices, without split or partition: a list or
# tuple per response, freed after the host's collector had emptied the free
# lists during its peak, went into them and kept a host arena resident (issue 14).
def _header(head: bytes, name: bytes):
    """The value of header `name` (lower case) in the status line and headers `head`, or None."""
    at = head.lower().find(b"\r\n" + name + b":")
    if at < 0:
        return None
    start = at + len(name) + 3
    end = head.find(b"\r\n", start)
    return head[start:end if end >= 0 else len(head)].strip()


def _complete(raw: bytes) -> bool:
    end = raw.find(b"\r\n\r\n")
    if end < 0:
        return False
    length = _header(raw[:end], b"content-length")
    if length is None or not length.isdigit():
        return False  # no length: read until the server closes
    return len(raw) - end - 4 >= int(length)


def _parse(raw: bytes) -> Response:
    end = raw.find(b"\r\n\r\n")
    head = raw[:end if end >= 0 else len(raw)]
    line_end = head.find(b"\r\n")
    line = head[:line_end if line_end >= 0 else len(head)]
    code_start = line.find(b" ") + 1
    code_end = line.find(b" ", code_start)
    code = line[code_start:code_end if code_end >= 0 else len(line)] if code_start else b""
    if not line.startswith(b"HTTP/") or not code.isdigit():
        raise TransportError("the server's answer is not HTTP" if raw else "the server closed the connection without answering")
    retry_after = _header(head, b"retry-after")
    if retry_after is not None:
        try:
            retry_after = max(0.0, float(retry_after))
        except ValueError:
            retry_after = None  # an HTTP date: fall back to our own backoff
    return Response(int(code), retry_after, raw[end + 4:] if end >= 0 else b"")
