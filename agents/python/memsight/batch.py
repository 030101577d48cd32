"""Wire format v1 batches (packages/contracts/src/wire.ts): the metric names
once, then one row of values per tick in that order, null where a collector
had nothing that tick."""
from __future__ import annotations

import json
import zlib

from . import AGENT_NAME, __version__

WIRE_VERSION = 1


def build_batch(instance: dict, seq: int, ticks: list, snapshots: list | None = None, dropped: int = 0) -> dict:
    """`ticks`: [(ts_ms, {metric name: value})], oldest first."""
    names: list = []
    index: dict = {}
    for _, values in ticks:
        for name in values:
            if name not in index:
                index[name] = len(names)
                names.append(name)
    samples = []
    for ts, values in ticks:
        row = [None] * len(names)
        for name, v in values.items():
            # JSON has no NaN or Infinity; a reading that produced one is missing.
            row[index[name]] = v if isinstance(v, int) or (isinstance(v, float) and v == v and abs(v) != float("inf")) else None
        samples.append({"ts": int(ts), "values": row})
    batch = {
        "v": WIRE_VERSION,
        "agent": {"name": AGENT_NAME, "version": __version__},
        "instance": instance,
        "seq": seq,
        "metrics": names,
        "samples": samples,
    }
    if snapshots:
        batch["snapshots"] = snapshots
    if dropped:
        batch["dropped"] = dropped
    return batch


def encode(batch: dict, snapshots_json: str = "") -> bytes:
    """gzip JSON, compact, NaN refused (the server would answer 400).

    `snapshots_json`: the batch's snapshots as JSON texts joined by commas,
    written into `snapshots` as they are (the agent keeps them as text: agent.py)."""
    # zlib with wbits=16+n writes the gzip format without importing `gzip`. A
    # 4 KiB window and memLevel 4 need 24 KiB of deflate state instead of 256:
    # batches are a few KiB, so compression is nearly the same.
    packer = zlib.compressobj(6, zlib.DEFLATED, 16 + 12, 4)
    text = json.dumps(batch, separators=(",", ":"), allow_nan=False)
    if snapshots_json:
        if "snapshots" in batch:
            raise ValueError("snapshots given twice")
        text = f'{text[:-1]},"snapshots":[{snapshots_json}]}}'
    raw = text.encode("utf-8")
    return packer.compress(raw) + packer.flush()
