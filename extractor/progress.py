"""Progress on stderr for long runs (tqdm when stderr is a terminal, silent otherwise)."""
from __future__ import annotations

import sys
from collections import Counter


class Progress:
    def __init__(self, what: str, disable: bool = False):
        self.kinds: Counter[str] = Counter()
        self.bar = None
        self.disable = disable
        if not disable and sys.stderr.isatty():
            from tqdm import tqdm

            self.bar = tqdm(desc=what, unit=" articles", file=sys.stderr, dynamic_ncols=True)

    def update(self, records) -> None:
        for r in records:
            self.kinds[r["kind"]] += 1
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(figures=self.kinds["figure"], refresh=False)

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
