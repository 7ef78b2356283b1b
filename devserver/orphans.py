"""Processes that die with their parent (Linux's PR_SET_PDEATHSIG), so that a killed `make run`
leaves no devserver and no DynamoDB Local behind. Elsewhere these do nothing."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Callable

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    return ctypes.CDLL(None, use_errno=True).prctl


def die_with_parent(signum: int = signal.SIGTERM) -> None:
    """Have this process receive `signum` when its parent dies; exit at once if the parent
    died already (we were re-parented before asking)."""
    prctl = _prctl()
    if prctl is None:
        return
    parent = os.getppid()
    prctl(PR_SET_PDEATHSIG, signum)
    if os.getppid() != parent:
        os.kill(os.getpid(), signum)


def child_dies_with_us(signum: int = signal.SIGKILL) -> Callable[[], None] | None:
    """A `preexec_fn` for subprocess.Popen: the child gets `signum` when the thread that
    started it ends (start it from a long-lived thread; the devserver uses its main thread).
    The C function is looked up here, before the fork, so the child only calls it."""
    prctl = _prctl()
    if prctl is None:
        return None
    return lambda: prctl(PR_SET_PDEATHSIG, signum)
