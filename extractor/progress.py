"""Progress on stderr for long runs.

On a terminal: a tqdm bar. Otherwise (a batch job, a log file): one plain line every
`interval` seconds (default 10, or $CCHC_PROGRESS_INTERVAL) with the count, the rate and,
when the size of the input is known, how far through it the run is and an ETA:

    cchc: extract: 12,400 articles, 310.2/s, 41 % of 96.1 MB, ETA 0:01:47, 8,211 figures

How far is read from the input files themselves: the ones before the file being read, plus the
read position of that file (/proc/self/fdinfo on Linux; elsewhere, whole files only).
"""
from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

DEFAULT_INTERVAL = 10.0


class InputMeter:
    """How many bytes of the inputs have been read, of how many."""

    def __init__(self, inputs: Iterable[str]):
        self.files: list[tuple[str, int]] = []
        self.known = True
        for inp in inputs:
            if inp == "-" or inp.startswith(("http://", "https://")):
                self.known = False
                continue
            p = Path(inp)
            try:
                if p.is_dir():
                    from .reading import _walk

                    self.files += [(os.path.realpath(f), f.stat().st_size) for f in _walk(p)]
                elif p.is_file():
                    self.files.append((os.path.realpath(p), p.stat().st_size))
            except OSError:
                continue
        self.total = sum(size for _, size in self.files)
        self.index = {path: i for i, (path, _) in enumerate(self.files)}
        self.before: list[int] = []
        acc = 0
        for _, size in self.files:
            self.before.append(acc)
            acc += size
        self.done_through = -1   # the last file known to be finished

    def seen(self, source: str | None) -> None:
        """An article from `source` came out: a plain file named by it has been read whole."""
        if not source:
            return
        if source.startswith(("http://", "https://")):
            return
        path, inside, _ = source.partition("#")
        i = self.index.get(os.path.realpath(path))
        if i is None:
            return
        # a text or HTML file is read whole; a line of a JSONL file ("FILE#id") leaves the rest of it
        self.done_through = max(self.done_through, i - 1 if inside else i)

    def position(self) -> int | None:
        """Bytes read so far, or None when the size of the input is unknown."""
        if not self.known or not self.total:
            return None
        done = self.before[self.done_through] + self.files[self.done_through][1] if self.done_through >= 0 else 0
        for i, pos in self._open_files():
            done = max(done, self.before[i] + min(pos, self.files[i][1]))
        return min(done, self.total)

    def _open_files(self):
        fd_dir = "/proc/self/fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            return
        for fd in fds:
            try:
                i = self.index.get(os.readlink(f"{fd_dir}/{fd}"))
                if i is None:
                    continue
                with open(f"/proc/self/fdinfo/{fd}") as info:
                    pos = int(info.readline().split()[1])
                yield i, pos
            except (OSError, ValueError, IndexError):
                continue


def _clock(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def _size(n: int) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} GB"


class Progress:
    def __init__(self, what: str, disable: bool = False, inputs: Iterable[str] | None = None,
                 total: int | None = None, interval: float | None = None):
        self.what = what
        self.kinds: Counter[str] = Counter()
        self.bar = None
        self.disable = disable
        self.articles = 0
        self.total = total
        self.meter: InputMeter | None = None
        self.started = time.monotonic()
        if interval is None:
            try:
                interval = float(os.environ.get("CCHC_PROGRESS_INTERVAL", DEFAULT_INTERVAL))
            except ValueError:
                interval = DEFAULT_INTERVAL
        self.interval = interval
        self.next_log = self.started + interval
        if disable:
            return
        if sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(desc=what, unit=" articles", file=sys.stderr, dynamic_ncols=True, total=total)
        elif inputs is not None:
            self.meter = InputMeter(inputs)

    def update(self, records) -> None:
        self.articles += 1
        for r in records:
            self.kinds[r["kind"]] += 1
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(figures=self.kinds["figure"], refresh=False)
        elif not self.disable:
            if self.meter is not None and records:
                self.meter.seen(records[0].get("source"))
            now = time.monotonic()
            if now >= self.next_log:
                self.next_log = now + self.interval
                print(self.line(now), file=sys.stderr, flush=True)

    def line(self, now: float | None = None) -> str:
        """The periodic log line."""
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        rate = self.articles / elapsed
        parts = [f"cchc: {self.what}: {self.articles:,} articles", f"{rate:,.1f}/s"]
        done = total = None
        if self.total:
            done, total = self.articles, self.total
            parts.append(f"{100 * done / total:.0f} % of {total:,}")
        elif self.meter is not None:
            pos = self.meter.position()
            if pos is not None:
                done, total = pos, self.meter.total
                parts.append(f"{100 * done / total:.0f} % of {_size(total)}")
        if done and total and done < total:
            parts.append(f"ETA {_clock(elapsed * (total - done) / done)}")
        parts.append(f"{self.kinds['figure']:,} figures")
        return ", ".join(parts)

    def write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr)

    def summary(self) -> str:
        kinds = [k for k in ("figure", "official", "award", "document", "ranking", "check") if self.kinds[k]]
        return ", ".join(f"{self.kinds[k]} {k}s" for k in kinds) or "no records"

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
