"""Where every input is opened: files, folders, compressed streams, bytes to text.

cchc reads the open web, so broken and hostile input is normal. Everything a reader gets
comes through here, under the same rules:

- only regular files are read: a FIFO, a device, a socket (or a symlink to one, such as
  `/dev/zero`) is named and skipped, never opened for reading;
- one item (a text or HTML file, a page, a JSON line, a WARC record) may be at most
  `Limits.max_size` bytes after decompression; a bigger one is refused by name;
- a compressed input that expands more than `Limits.max_ratio` times (a gzip bomb) is
  refused as soon as that is seen, after at most a few megabytes of work;
- decoding never raises anything but a `ReadError` naming the input; text that comes out is
  valid Unicode that encodes as UTF-8 (no unpaired surrogates, no NUL or control bytes).

The defaults are documented in README ("Reading articles") and raised with `--max-size` and
`--max-ratio` on the commands that read inputs.
"""
from __future__ import annotations

import codecs
import io
import os
import stat
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

import regex

from ..limits import DEFAULT_LIMITS, MB, Limits  # noqa: F401 - the readers' caps, named here too
from ..model import Article, ReadError

_JSON_KINDS = {bool: "a boolean", int: "a number", float: "a number", list: "a list", dict: "an object", type(None): "null"}


def kind_of(v) -> str:
    """What a JSON value is, in words, for a message ("a list", "null", …)."""
    return _JSON_KINDS.get(type(v), type(v).__name__)


class ReadWarning(ReadError):
    """Something in an input was wrong and was repaired or dropped (a field of the wrong type,
    an unpaired surrogate); the article itself is still read. Reported like an error (one
    line naming the input, exit status 1), but nothing was lost."""

    kind = "warning"


# ---------------------------------------------------------------- names and text

_NAME_CONTROL = regex.compile(r"[\x00-\x1f\x7f]")


def warning_of(article: Article) -> ReadWarning | None:
    """What a reader repaired or ignored in an article it still read (an unknown charset, a
    field of the wrong type), taken off the article as one warning; None when nothing was."""
    warnings = article.extra.pop("warnings", None)
    return ReadWarning(article.source, "; ".join(warnings) + " (the article is read)") if warnings else None


def with_warnings(items: Iterable[Article | ReadError | None]) -> Iterator[Article | ReadError | None]:
    """`items` with each article's warning (`warning_of`) right before it, as `iter_articles`
    gives them."""
    for item in items:
        if isinstance(item, Article) and (warning := warning_of(item)) is not None:
            yield warning
        yield item


class Unparsed:
    """Something read but not parsed yet: a JSON line (`jsonl.RawLine`), a page's or a text
    file's bytes (`RawPage`), a WARC record (`warc.RawRecord`). `cchc extract --jobs` hands
    these to its workers, which parse them (`parse`) as the reader would have, so the costly
    part of reading is shared by every core."""

    def parse(self, keep=None) -> Iterator[Article | ReadError | None]:
        """What the reader would have given for it: articles (each after its warning, as
        `iter_articles` gives them), ReadErrors, None for a JSON line `keep` drops."""
        return with_warnings(self._items(keep))

    def _items(self, keep) -> Iterator[Article | ReadError | None]:
        raise NotImplementedError


Defer = bool | Callable[[], bool]  # whether a reader leaves parsing to whoever extracts: always, or asked each time


def deferred(defer: Defer) -> bool:
    return defer() if callable(defer) else defer


def display_name(path: str | os.PathLike) -> str:
    """A path as text that is valid UTF-8 and one line: bytes that are not UTF-8 in a file
    name, and control characters (a newline in a name), are written as \\xNN escapes."""
    name = os.fsencode(path).decode("utf-8", "backslashreplace")
    return _NAME_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)


_SURROGATE = regex.compile(r"[\ud800-\udfff]")
_NUL = regex.compile(r"\x00+")
_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")


def clean_text(s: str, controls: bool = False) -> tuple[str, str | None]:
    """(s made safe to store and print, what was repaired or None). Unpaired surrogates (they
    cannot be written as UTF-8) become U+FFFD, which is reported; NUL characters are dropped
    silently, and with `controls` every control character but tab and newlines (markup must
    not hold them)."""
    problem = None
    if _SURROGATE.search(s):
        n = len(_SURROGATE.findall(s))
        s = _SURROGATE.sub("\ufffd", s)
        problem = f"{n} unpaired surrogate{'s' if n > 1 else ''} (not Unicode text) replaced with U+FFFD"
    pattern = _CONTROL if controls else _NUL
    if pattern.search(s):
        s = pattern.sub("", s)
    return s, problem


def nul_offset(data: bytes, window: int = 65536) -> int | None:
    """Offset of a NUL byte near the start (binary data), or None."""
    i = data.find(b"\0", 0, window)
    return i if i >= 0 else None


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def bom_encoding(data: bytes) -> str | None:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    return None


def decode_text(data: bytes, source: str) -> str:
    """A text file as text: UTF-8 (a BOM says UTF-16/32). Anything else is a ReadError."""
    if not data.strip():
        raise ReadError(source, "empty file")
    enc = bom_encoding(data)
    if enc is None:
        at = nul_offset(data)
        if at is not None:
            raise ReadError(source, f"a binary file, not text (NUL byte at offset {at})")
        enc = "utf-8"
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as e:
        if enc == "utf-8":
            raise ReadError(source, f"not UTF-8 text (byte 0x{data[e.start]:02x} at offset {e.start}); convert it "
                                    "with iconv -f WINDOWS-1258 -t UTF-8 or save it as UTF-8") from None
        raise ReadError(source, f"not valid {enc.upper()} text ({e.reason} at offset {e.start})") from None
    return clean_text(text)[0]


# ---------------------------------------------------------------- files and folders

_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def _not_regular(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def open_regular(path: str | os.PathLike, source: str) -> IO[bytes]:
    """Open a regular file for reading, or raise a ReadError naming what it is instead. A FIFO
    is opened non-blocking so a writer that never comes cannot hang the run; a symlink is
    judged by what it points to (a link to /dev/zero is a device)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise ReadError(source, f"a broken symbolic link (to {display_name(os.readlink(path))}): skipped") from None
        raise ReadError(source, "no such file or folder") from None
    except OSError as e:
        raise ReadError(source, _oserror(e)) from None
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(source, f"{_not_regular(st.st_mode)}, not a regular file: skipped")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise ReadError(source, _oserror(e)) from None
    st = os.fstat(fd)  # the file may have been swapped since the first look
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise ReadError(source, f"{_not_regular(st.st_mode)}, not a regular file: skipped")
    return os.fdopen(fd, "rb")


def _oserror(e: OSError) -> str:
    return (e.strerror or str(e)).lower().replace("no such file or directory", "no such file or folder")


def read_capped(f: IO[bytes], source: str, limits: Limits) -> bytes:
    """All of a stream, refused past `limits.max_size`."""
    data = f.read(limits.max_size + 1)
    if len(data) > limits.max_size:
        raise ReadError(source, limits.too_big(len(data)))
    return data


def read_file(path: str | os.PathLike, source: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """A whole regular file, gzip unpacked (capped), as bytes."""
    with open_regular(path, source) as f:
        size = os.fstat(f.fileno()).st_size
        if size > limits.max_size:
            raise ReadError(source, limits.too_big(size))
        data = read_capped(f, source, limits)
    return gunzip(data, source, limits) if data[:2] == b"\x1f\x8b" else data


def walk(folder: str | os.PathLike, wanted) -> Iterator[Path | ReadError]:
    """Files under `folder` whose name `wanted(name)` accepts: a folder's own files (sorted)
    before its subfolders, hidden entries and __pycache__ skipped. A subfolder that cannot be
    listed is a ReadError naming it. Symlinked folders are not entered (no loops); whether a
    wanted name is a regular file is judged when it is opened (`open_regular`)."""
    stack = [os.fspath(folder)]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as e:
            yield ReadError(display_name(here), f"cannot list this folder ({_oserror(e)}): skipped")
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            if name.startswith(".") or name == "__pycache__":
                continue
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                subdirs.append(entry.path)
            elif wanted(name):
                yield Path(entry.path)
        stack.extend(reversed(subdirs))


# ---------------------------------------------------------------- compressed data

class GzipStream(io.RawIOBase):
    """A gzip (or multi-member gzip) stream, read in bounded pieces, that raises a ReadError
    once the output outgrows `limits.max_ratio` times the compressed bytes consumed."""

    def __init__(self, raw: IO[bytes], source: str, limits: Limits = DEFAULT_LIMITS):
        from isal import igzip  # the standard library's gzip with Intel's ISA-L inflate: twice as fast

        self._raw = raw
        self._count = _Counting(raw)
        self._gz = igzip.IGzipFile(fileobj=self._count, mode="rb")
        self.source, self.limits = source, limits
        self.out = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        n = self._gz.readinto(b)
        self.out += n
        lim = self.limits
        if lim.is_bomb(self._count.n, self.out):
            raise ReadError(self.source, lim.bomb(self._count.n, self.out))
        return n

    def close(self) -> None:
        self._gz.close()
        super().close()


class _Counting(io.RawIOBase):
    """The compressed bytes a decompressor took, handed out 8 KB at a time: the ratio of a bomb
    is seen after a few pieces, whatever size of read the decompressor asks for (ISA-L's
    reader asks for more than the whole of a 1 MB bomb at once)."""

    PIECE = 8 * 1024

    def __init__(self, raw: IO[bytes]):
        self.raw, self.n = raw, 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size if size is None or size < 0 else min(size, self.PIECE))
        self.n += len(data)
        return data

    def readinto(self, b) -> int:
        data = self.read(len(b))
        b[:len(data)] = data
        return len(data)


def gunzip(data: bytes, source: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """Unpack gzip data (every member) under both caps; broken gzip is a ReadError."""
    out: list[bytes] = []
    total = pos = 0
    while pos < len(data):
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        buf = data[pos:]
        try:
            while not d.eof:
                chunk = d.decompress(buf, MB)
                buf = d.unconsumed_tail
                total += len(chunk)
                out.append(chunk)
                consumed = len(data) - len(d.unused_data if d.eof else buf)
                if total > limits.max_size:
                    raise ReadError(source, limits.too_big(total))
                if limits.is_bomb(consumed, total):
                    raise ReadError(source, limits.bomb(consumed, total))
                if not chunk and not buf:
                    break
        except zlib.error as e:
            raise ReadError(source, f"broken gzip data ({e})") from None
        if not d.eof:
            raise ReadError(source, "truncated gzip data (the compressed stream ends early)")
        pos = len(data) - len(d.unused_data)
        if data[pos:pos + 2] != b"\x1f\x8b":
            if data[pos:].strip(b"\0"):
                raise ReadError(source, f"{len(data) - pos:,} bytes of garbage after the gzip data")
            break
    return b"".join(out)


def iter_lines(stream: IO[bytes], max_line: int, chunk: int = 1 * MB) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line without its newline) for every line of a binary stream, in bounded
    memory: a line longer than `max_line` comes as None (its bytes are skipped, not kept), and
    the numbering stays true after it."""
    pieces: list[bytes] = []
    plen = 0
    lineno = 0
    skipping = False
    while True:
        data = stream.read(chunk)
        if not data:
            break
        start = 0
        while True:
            nl = data.find(b"\n", start)
            if nl < 0:
                rest = data[start:]
                if not skipping and rest:
                    if plen + len(rest) > max_line:
                        skipping, pieces, plen = True, [], 0
                    else:
                        pieces.append(rest)
                        plen += len(rest)
                break
            lineno += 1
            seg = data[start:nl]
            if skipping or plen + len(seg) > max_line:
                yield lineno, None
            else:
                yield lineno, (b"".join(pieces) + seg) if pieces else seg
            skipping, pieces, plen = False, [], 0
            start = nl + 1
    if skipping:
        yield lineno + 1, None
    elif plen:
        yield lineno + 1, b"".join(pieces)
