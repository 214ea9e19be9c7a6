"""Ctrl-C and SIGTERM: stop cleanly.

Both signals raise `Interrupted` in the main thread, so every `finally` runs: staging
folders are removed and nothing half-written is published; reports already published stay.
"""

from __future__ import annotations

import signal
from contextlib import contextmanager


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal; `exit_code` is 128 + its number (130, 143)."""

    def __init__(self, signum: int = signal.SIGINT, message: str = ""):
        super().__init__(message)
        self.signum = signum
        self.message = message

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum)

    @property
    def how(self) -> str:
        return "Ctrl-C" if self.signum == signal.SIGINT else "tín hiệu dừng SIGTERM"


def _raise(signum, frame):
    raise Interrupted(signum)


def install() -> None:
    """Make SIGINT and SIGTERM raise Interrupted in this process's main thread (only the
    main thread can set handlers; elsewhere nothing changes)."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    signal.signal(signal.SIGINT, _raise)
    signal.signal(signal.SIGTERM, _raise)


def worker(cleanup) -> None:
    """In a batch worker: Ctrl-C at the terminal is for the parent, which stops the workers
    with SIGTERM when it decides to; then `cleanup()` (kill the kernel, remove staging
    folders) runs and the worker ends at once, without unwinding through a kernel client's
    event loop."""
    import os

    def on_term(signum, frame):
        try:
            cleanup()
        finally:
            os._exit(128 + signum)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, on_term)


@contextmanager
def deferred():
    """Hold SIGINT and SIGTERM for the block (publishing a report's files: all or none);
    a signal that came meanwhile acts right after it."""
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
