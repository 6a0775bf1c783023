"""POSIX resource limits the host puts on itself before loading any extension code.

An address-space cap turns a runaway allocation into a MemoryError (and the host exits with EXIT_MEMORY, which
the supervisor reports as "exceeded its memory limit") instead of the whole machine swapping.
"""

from __future__ import annotations

import sys


def apply_memory_limit(megabytes: int | None) -> bool:
    """Cap the process's address space at ``megabytes`` MiB; False where the platform has no such limit."""
    if megabytes is None or sys.platform == "win32":
        return False
    import resource

    limit = megabytes * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    return True


__all__ = ["apply_memory_limit"]
