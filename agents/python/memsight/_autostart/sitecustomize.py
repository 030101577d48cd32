# Put on PYTHONPATH by `python -m memsight run`: starts the agent in the
# program it launches, then hands over to the program's own sitecustomize.
import sys


def _chain_to_the_original():
    here = __file__.rsplit("/", 1)[0]
    me = sys.modules.pop("sitecustomize", None)
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if p.rstrip("/") != here.rstrip("/")]
    try:
        import sitecustomize  # noqa: F401  the program's own, if it has one
    except ImportError:
        pass
    finally:
        sys.path[:] = saved
        # The import system looks this module up by name when it finishes running it.
        sys.modules["sitecustomize"] = me


def _stop_inheriting():
    # Only the launched program gets the agent: its child processes inherit the
    # environment, and a helper script started with subprocess should not
    # start reporting as a service of its own.
    import os

    from memsight.config import pythonpath, set_pythonpath

    here = os.path.dirname(os.path.abspath(__file__))
    set_pythonpath([p for p in pythonpath() if os.path.abspath(p) != here])


try:
    _chain_to_the_original()
    _stop_inheriting()
    import memsight

    memsight.start()
except Exception as err:  # never stop the program from starting
    sys.stderr.write(f"memsight ERROR: autostart failed: {err!r}\n")
