"""The progress line of ``cspolicy run`` on a terminal: what the run is doing, and that it is alive.

A run that takes more than a moment (``delay``, 2 s) shows one line on stderr, redrawn in
place a few times a second by a background thread, so that it moves even while the run is
busy in one long step (a sort of two million rows sends no events):

    reading    [##########----------]  48%  5 s
    sorting …  21 s
    computing  1,234,567 rows  27 s
    writing …  31 s

The run only records its phase (:meth:`ProgressLine.__call__`, cheap enough to be called
often); the line is cleared when the run ends, whatever way it ends. In Chinese the phases
and the count come from the message catalogue (``读取``, ``1,234,567 行``).
"""

from __future__ import annotations

import threading
import time
import unicodedata
from types import TracebackType
from typing import TextIO

from cspolicy.i18n import Lang
from cspolicy.messages import translate

__all__ = ["ProgressLine"]


class ProgressLine:
    """A ``progress(phase, done, total)`` callback that draws itself on ``stream``."""

    def __init__(self, stream: TextIO, *, delay: float = 2.0, interval: float = 0.2, width: int = 20, lang: Lang = "en") -> None:
        self.stream = stream
        self.lang = lang
        self.delay = delay
        self.interval = interval
        self.width = width
        self.state: tuple[str, int, int | None] = ("starting", 0, None)
        self.started = time.monotonic()
        self._shown = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cspolicy-progress", daemon=True)

    def __call__(self, phase: str, done: int, total: int | None) -> None:
        self.state = (phase, done, total)  # one assignment: the drawing thread sees a whole state

    def __enter__(self) -> ProgressLine:
        self.started = time.monotonic()
        self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        with self._lock:
            self._clear()

    def note(self, message: str) -> None:
        """Print a message line (the progress line, if shown, is drawn again below it)."""
        with self._lock:
            self._clear()
            self.stream.write(message + "\n")
            self.stream.flush()

    def text(self) -> str:
        """The line as it is drawn now."""
        phase, done, total = self.state
        phase = translate(phase, self.lang)
        padded = phase + " " * max(0, 10 - _width(phase))
        elapsed = f"{time.monotonic() - self.started:.0f} s"
        if total:
            fraction = min(max(done / total, 0.0), 1.0)
            filled = round(fraction * self.width)
            bar = "#" * filled + "-" * (self.width - filled)
            return f"{padded} [{bar}] {fraction:4.0%}  {elapsed}"
        if done:
            return f"{padded} {translate(f'{done:,} rows', self.lang)}  {elapsed}"
        return f"{phase} …  {elapsed}"

    def _run(self) -> None:
        if self._stop.wait(self.delay):
            return
        while True:
            with self._lock:
                self.stream.write("\r\x1b[K" + self.text())
                self.stream.flush()
                self._shown = True
            if self._stop.wait(self.interval):
                return

    def _clear(self) -> None:
        if self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self._shown = False


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
