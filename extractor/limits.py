"""Caps on one input: the largest item after decompression and how many times compressed input
may expand (the readers of reading/ apply them; `--max-size` and `--max-ratio` set them).
Plain Python, nothing of cchc: the command line reads the defaults for its options before it
imports the readers, and `cchc extract --jobs N` starts its workers' server before that."""
from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Caps on one input. `max_size`: the largest item (file, page, JSON line, WARC record)
    after decompression, in bytes. `max_ratio`: how many times a compressed input may expand.
    `ratio_floor`: the ratio is only enforced past this many output bytes (small inputs
    compress oddly)."""

    max_size: int = 20 * MB
    max_ratio: float = 100.0
    ratio_floor: int = 256 * 1024

    def too_big(self, n: int, what: str = "file") -> str:
        return (f"{what} skipped: larger than the {_mb(self.max_size)} limit ({_mb(n)} or more); "
                "raise --max-size if it is real")

    def is_bomb(self, compressed: int, out: int, floor: int | None = None) -> bool:
        """Whether `out` bytes from `compressed` expand past `max_ratio`, once past `floor`
        bytes of output (default `ratio_floor`)."""
        return out > (self.ratio_floor if floor is None else floor) and out > self.max_ratio * max(compressed, 1)

    def bomb(self, compressed: int, out: int, what: str | None = "file") -> str:
        why = (f"a decompression bomb (expands more than {self.max_ratio:g} times, {_mb(compressed)} to over "
               f"{_mb(out)}); raise --max-ratio if it is real")
        return f"{what} skipped: {why}" if what else why


DEFAULT_LIMITS = Limits()


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= 10 * MB else f"{n / MB:.1f} MB" if n >= MB // 10 else f"{n:,} bytes"
