import _socket
import unittest

from memsight.transport import HttpTransport, TransportError, _complete, _parse


class ParseTest(unittest.TestCase):
    def test_status_retry_after_and_body(self):
        r = _parse(b"HTTP/1.1 429 Too Many Requests\r\nContent-Length: 2\r\nretry-after:  7.5 \r\n\r\n{}")
        self.assertEqual((r.status, r.retry_after, r.body), (429, 7.5, b"{}"))
        r = _parse(b"HTTP/1.1 202\r\nRetry-After: Wed, 21 Oct 2026 07:28:00 GMT\r\n\r\n")
        self.assertEqual((r.status, r.retry_after, r.body), (202, None, b""), "a date: our own backoff; no reason phrase is fine")
        self.assertIsNone(_parse(b"HTTP/1.1 500 Oops\r\n\r\nx").retry_after)

    def test_what_is_not_http_is_a_transport_error(self):
        for raw in (b"", b"SSH-2.0-OpenSSH\r\n\r\n", b"HTTP/1.1\r\n\r\n", b"HTTP/1.1 abc OK\r\n\r\n"):
            with self.assertRaises(TransportError, msg=raw):
                _parse(raw)

    def test_complete_once_the_body_is_as_long_as_declared(self):
        head = b"HTTP/1.1 202 Accepted\r\nX-Content-Length: 1\r\nContent-Length: 4\r\n\r\n"
        self.assertFalse(_complete(head[:20]))
        self.assertFalse(_complete(head + b"abc"))
        self.assertTrue(_complete(head + b"abcd"))
        self.assertFalse(_complete(b"HTTP/1.1 200 OK\r\n\r\nabc"), "no length: read until the server closes")
        self.assertFalse(_complete(b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"))


class AddressTest(unittest.TestCase):
    def test_an_ip_address_is_never_resolved(self):
        self.assertEqual(HttpTransport("http://127.0.0.1:9", "k", 1.0, "t")._address, (_socket.AF_INET, _socket.SOCK_STREAM, 0, ("127.0.0.1", 9)))
        self.assertEqual(HttpTransport("http://[::1]:9", "k", 1.0, "t")._address[0], _socket.AF_INET6)
        self.assertIsNone(HttpTransport("http://localhost:9", "k", 1.0, "t")._address, "a name is resolved when sending")

    def test_the_last_address_of_a_name_is_reused_and_resolved_again_when_it_fails(self):
        listener = _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        try:
            t = HttpTransport(f"http://localhost:{port}", "msk_x", 2.0, "test")
            t._connect(2.0).close()
            first = t._address
            self.assertIsNotNone(first)
            t._connect(2.0).close()
            self.assertIs(t._address, first, "reused, not resolved again")
            t._address = (_socket.AF_INET, _socket.SOCK_STREAM, 0, ("127.0.0.1", 1))  # a stale address: refused
            t._connect(2.0).close()
            self.assertEqual(t._address[3], ("127.0.0.1", port), "resolved again after the failure")
        finally:
            listener.close()


if __name__ == "__main__":
    unittest.main()
