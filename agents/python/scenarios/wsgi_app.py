"""A WSGI app for the gunicorn and uwsgi tests: each request allocates and
keeps a little memory, and answers with the worker's pid."""
import os

_kept = []


def app(environ, start_response):
    _kept.append(bytearray(10_000))
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
