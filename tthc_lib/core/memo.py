"""Answers from the cache: a command whose inputs have not changed prints what it printed
last time, without reading the export again.

The key is everything the answer depends on: the command and its options; each input file
by path, size, modification time and inode (a changed file is a new key; a file rewritten
in place within the same nanosecond with the same size is the one case not seen); the
package's own files the same way (a new version or an edited rule is a new key); and today
(what is "in the future" and "overdue" depends on the day). Only successful answers are
kept. Nothing here imports DuckDB, NumPy or pandas: a cache hit costs a Python start-up.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from .paths import atomic_output, cache_dir, file_identity

PACKAGE = Path(__file__).resolve().parent.parent
VERSION = "1"


def package_stamp() -> str:
    """A fingerprint of the installed package's code and rules (their sizes and times)."""
    h = hashlib.sha256()
    for root, dirs, files in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith((".py", ".yaml", ".yml", ".j2", ".csv", ".json", ".toml")):
                h.update(json.dumps(file_identity(Path(root) / name)).encode())
    return h.hexdigest()


class _Tee(io.TextIOBase):
    """A text stream that writes through to `stream` and keeps a copy."""

    def __init__(self, stream):
        self.stream, self.kept = stream, io.StringIO()

    def write(self, text: str) -> int:
        self.kept.write(text)
        return self.stream.write(text)

    def flush(self) -> None:
        self.stream.flush()


class Memo:
    """The cached answer of one command with its inputs, by key."""

    def __init__(self, command: str, options: dict, files: list[str | Path]):
        key = {"v": VERSION, "command": command, "options": options, "today":
               date.today().isoformat(), "files": [file_identity(Path(f)) for f in files],
               "package": package_stamp()}
        digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode())
        root = cache_dir()
        self.path = (root / "answers" / f"{command}-{digest.hexdigest()[:40]}.json"
                     if root is not None else None)

    def replay(self) -> bool:
        """Print the cached answer and return True, or return False when there is none."""
        if self.path is None:
            return False
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return False
        sys.stderr.write(saved["stderr"])
        sys.stdout.write(saved["stdout"])
        return True

    @contextmanager
    def recording(self):
        """Run the block with stdout and stderr copied; keep them when it succeeds."""
        out, err = _Tee(sys.stdout), _Tee(sys.stderr)
        saved = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = out, err
        try:
            yield
        finally:
            sys.stdout, sys.stderr = saved
        if self.path is None:  # outside a workspace: nothing is kept
            return
        try:
            with atomic_output(self.path) as tmp:
                tmp.write_text(json.dumps({"stdout": out.kept.getvalue(),
                                           "stderr": err.kept.getvalue()},
                                          ensure_ascii=False), encoding="utf-8")
        except OSError:  # a read-only cache folder: answers are simply not kept
            pass
