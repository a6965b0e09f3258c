"""A progress line (or a tqdm bar) for the runs of a simulation, on stderr."""

import sys
import time


class Progress:
    """Finished runs on stderr. In a terminal: a tqdm bar if installed, else
    one line rewritten in place. Elsewhere (a log, a pipe, a notebook's
    captured stream): a plain line at every tenth of the runs."""

    def __init__(self, total, enabled):
        self.tty = bool(getattr(sys.stderr, "isatty", lambda: False)())
        if enabled is None:
            enabled = total >= 8 and self.tty
        self.total, self.enabled, self.done = total, enabled, 0
        self._bar = None
        self._step = max(1, -(-total // 10))
        self._started = time.perf_counter()

    def __enter__(self):
        if self.enabled and self.tty:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                self._line()
            else:
                self._bar = tqdm(
                    total=self.total, desc="simulate", unit="run", file=sys.stderr
                )
        elif self.enabled:
            self._line()
        return self

    def update(self):
        self.done += 1
        if self._bar is not None:
            self._bar.update()
        elif self.enabled and (
            self.tty or self.done % self._step == 0 or self.done == self.total
        ):
            self._line()

    def _line(self):
        elapsed = time.perf_counter() - self._started
        text = f"simulate: {self.done}/{self.total} runs done, {elapsed:.0f} s"
        if self.tty:
            end = "\n" if self.done == self.total else ""
            sys.stderr.write(f"\r{text}{end}")
        else:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.close()
        elif self.enabled and self.tty and self.done != self.total:
            sys.stderr.write("\n")
        return False
