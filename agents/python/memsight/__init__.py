"""memsight: memory monitoring for Python services.

Importing this package does nothing: no thread, no file, no network. The
sampler, transport and `start()` come with the rest of the agent; what is
here are the collectors and the wire batch they feed.
"""

__version__ = "0.1.0"
AGENT_NAME = "memsight-python"
