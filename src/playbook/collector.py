"""Python's cyclic garbage collector, held off while the library is read and its pages rendered.

Reading a library and rendering its pages build many containers that stay alive to the end (the
parsed files with their positions, the model, the item fragments, the page texts). The collector
runs whenever enough new containers pile up, and every few runs it walks all of them again; with
a growing heap of live objects that walk finds nothing to free and costs more each time: 20-35%
of `playbook validate` at 1,000 playbooks. While it is held off, reference counting still frees
every object that is no longer used; only garbage cycles wait, and the collector picks them up
as soon as it runs again. (mypy and Instagram's servers do the same for the same reason.)
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def held_off() -> Iterator[None]:
    """Run the body with the cyclic collector disabled; restore its state afterwards (nested
    uses and callers that had disabled it themselves keep their setting)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
