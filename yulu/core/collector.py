"""Python's cyclic garbage collector, set for a long-running bot process.

Python collects its youngest generation after every 700 new container objects. One update
allocates thousands (SQLAlchemy's per-statement objects, aiogram's pydantic models), and a
batch of 100 updates in flight keeps them alive together, so at the default the collector ran
several times per update and each run walked the objects of every update in flight: about
half of Yulu's own CPU per update (bench/inbound_bench.py; README "Inbound speed"). The
process's garbage is almost all freed by reference counting the moment an update ends, so
collecting rarely loses nothing; `gc.freeze()` after start-up also moves the long-lived
objects (the NLU model, the mappers, the routers) out of every later full collection.
"""

from __future__ import annotations

import gc

DEFAULT_YOUNG = 50_000  # new container objects between two young collections (Python: 700)


def tune(young: int = DEFAULT_YOUNG) -> None:
    """Collect rarely: `young` allocations between young collections; 0 keeps Python's own.

    Call once the process has loaded what it keeps (after start-up). Idempotent.
    """
    if young <= 0:
        return
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, old)
