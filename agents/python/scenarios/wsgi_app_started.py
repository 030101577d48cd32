"""The same WSGI app, attached in code (as opposed to `python -m memsight
run`): memsight.start() where the app is loaded, settings from MEMSIGHT_*."""
import memsight
from wsgi_app import app  # noqa: F401  (what the server serves)

memsight.start()
