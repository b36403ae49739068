"""WARC / ARC archives (Common Crawl CC-NEWS, cchc's own crawls): every HTML response record
is read as a page whose source is its target URI.

Archives from the open web are often damaged, so records are framed here rather than trusted:
a record is `WARC/1.x` headers, `Content-Length` bytes of block, then a blank line. A record
whose length is not a number, whose block is cut short (a truncated file or gzip member), or
whose `Content-Length` runs past its end into the next record is named and skipped, and
reading resumes at the next `WARC/1.x` line; bytes between records that are not a record
(garbage) are named and skipped too. Gzipped archives are read member by member: a corrupt
member or bytes between members that are not gzip are named and skipped the same way. A
record larger than `Limits.max_size`, or a gzip member that expands more than
`Limits.max_ratio` times, is refused by name. Only a validated record is handed to warcio to
parse its HTTP headers and decode its payload (gzip, brotli, chunked), under the same cap.

ARC files (`.arc`, `.arc.gz`, the pre-2008 format) are read by warcio's own iterator.
"""
from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

import regex

from ..model import Article, ReadError
from .inputs import DEFAULT_LIMITS, MB, Defer, Limits, Unparsed, deferred, open_regular

_CHUNK = 1 * MB
_STEP = 256 * 1024   # output per decompression step: a bomb is seen after this much work
_MAX_HEADER = 64 * 1024
_START = regex.compile(rb"WARC/(?:1\.[01]|0\.1[78])\r?\n")   # the first line of a record
_HEADER_END = regex.compile(rb"\r?\n\r?\n")
_GZ_MAGIC = b"\x1f\x8b\x08"


@dataclass
class _Damage:
    """A place where the compressed stream is broken: what comes after it starts afresh."""

    what: str
    fatal: bool = False


def _raw_chunks(read) -> Iterator[bytes | _Damage]:
    while True:
        data = read(_CHUNK)
        if not data:
            return
        yield data


def _gzip_chunks(read, limits: Limits) -> Iterator[bytes | _Damage]:
    """The decompressed bytes of every gzip member, in order, with a `_Damage` where a member is
    corrupt, truncated or a bomb (checked before any of its output is passed on), or where
    bytes between members are not gzip. After a bad member, reading resumes at the next gzip
    header. Members that expand more than `limits.max_ratio` in total end the file."""
    pending = b""
    eof = False
    total_in = total_out = 0
    after_damage = False
    held: list = []  # consecutive bad members of one kind are reported once: [what, count, kind]

    def flush() -> Iterator[_Damage]:
        if held:
            what, n, _ = held
            held.clear()
            yield _Damage(what if n == 1 else f"{what} (and the {n - 1:,} gzip members after it, alike)")

    def more() -> bool:
        nonlocal pending, eof
        if eof:
            return False
        data = read(_CHUNK)
        if not data:
            eof = True
            return False
        pending += data
        return True

    while True:
        while len(pending) < 3 and more():
            pass
        if not pending:
            yield from flush()
            return
        if not pending.startswith(_GZ_MAGIC):  # not a member: skip to the next one
            skipped = 0
            while True:
                i = pending.find(_GZ_MAGIC, 1)
                if i >= 0:
                    skipped += i
                    pending = pending[i:]
                    break
                keep = pending[-2:]
                skipped += len(pending) - len(keep)
                pending = keep
                if not more():
                    skipped += len(pending)
                    pending = b""
                    break
            if not after_damage and (pending or skipped > 64):  # padding at the very end is not damage
                yield from flush()
                yield _Damage(f"{skipped:,} bytes that are not gzip data")
            after_damage = False
            continue
        after_damage = False
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        member_in = member_out = 0
        bad = kind = None  # what is wrong with this member, in words and as "truncated", "bomb" or "corrupt"
        held_out: list[bytes] | None = []  # a member's first bytes wait until it is known not to be a bomb
        while not d.eof and not bad:
            if not pending and not more():
                bad, kind = "the file ends inside a gzip member (truncated)", "truncated"
                break
            buf, pending = pending, b""
            try:
                out = d.decompress(buf, _STEP)
                while True:
                    used = member_in + len(buf) - len(d.unused_data if d.eof else d.unconsumed_tail)
                    member_out += len(out)
                    if limits.is_bomb(used, member_out):
                        bad, kind = "a gzip member that is " + limits.bomb(used, member_out, None), "bomb"
                        break
                    if held_out is not None:
                        held_out.append(out)
                        if member_out > limits.ratio_floor:  # big enough to judge, and it is no bomb
                            yield from flush()
                            yield from held_out
                            held_out = None
                    elif out:
                        yield out
                    if d.eof:
                        break
                    out = d.decompress(d.unconsumed_tail, _STEP) if d.unconsumed_tail else d.decompress(b"", _STEP)
                    if not out and not d.unconsumed_tail and not d.eof:
                        break
            except zlib.error as e:
                bad, kind = f"a corrupt gzip member ({e})", "corrupt"
            if bad:  # resynchronize on the next member header, after what this member used
                pending = d.unconsumed_tail if kind == "bomb" else buf[1:]
                after_damage = True
                break
            member_in += len(buf) - len(d.unused_data)
            pending = d.unused_data
        if held_out and (not bad or kind == "truncated"):  # what a truncated member holds is still read
            yield from flush()
            yield from held_out
        if bad:
            if held and held[2] == kind:
                held[1] += 1
            else:
                yield from flush()
                held.extend([bad, 1, kind])
            continue
        total_in += member_in
        total_out += member_out
        if limits.is_bomb(total_in, total_out, floor=4 * limits.ratio_floor):
            yield from flush()
            yield _Damage("the rest of the file not read: " + limits.bomb(total_in, total_out, None), fatal=True)
            return


class _Framer:
    """A byte buffer over the chunks that remembers the damage met while filling."""

    def __init__(self, chunks: Iterator[bytes | _Damage]):
        self.chunks = chunks
        self.buf = bytearray()
        self.eof = False
        self.damage: _Damage | None = None

    def fill(self, n: int) -> bool:
        """Try to hold at least n bytes; False at the end or at damage (see .damage)."""
        while len(self.buf) < n:
            if self.eof or self.damage:
                return False
            try:
                c = next(self.chunks)
            except StopIteration:
                self.eof = True
                return False
            if isinstance(c, _Damage):
                self.damage = c
                return False
            self.buf += c
        return True

    def take(self, n: int) -> bytes:
        out = bytes(self.buf[:n])
        del self.buf[:n]  # cheap: CPython's bytearray deletes from the front in O(1)
        return out

    def find(self, pattern, start: int = 0, limit: int | None = None) -> int:
        """Position of `pattern` (a compiled bytes regex) at or after `start`, filling as
        needed (while fewer than `limit` bytes are held), or -1."""
        pos = start
        while True:
            m = pattern.search(self.buf, pos)
            if m:
                return m.start()
            pos = max(start, len(self.buf) - 16)
            if limit is not None and len(self.buf) >= limit:
                return -1
            if not self.fill(len(self.buf) + _CHUNK):
                m = pattern.search(self.buf, pos)
                return m.start() if m else -1

    def restart(self) -> _Damage | None:
        """After damage: drop what is held and go on with the data after it."""
        dmg, self.damage = self.damage, None
        self.buf.clear()
        return dmg


def _headers(block: bytes) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in block.decode("utf-8", "replace").split("\n")[1:]:
        k, sep, v = line.partition(":")
        if sep:
            out.setdefault(k.strip().lower(), v.strip())
    return out


def iter_records(f: IO[bytes], name: str, limits: Limits = DEFAULT_LIMITS) -> Iterator[tuple[dict[str, str], bytes] | ReadError]:
    """(WARC headers, the whole record as bytes) for every sound record of a WARC stream
    (gzipped or not); a ReadError for every damaged record and every stretch of garbage."""
    head = f.read(3)
    if not head:
        yield ReadError(name, "empty file")
        return

    def read(n: int) -> bytes:
        nonlocal head
        if head:
            out, head = head, b""
            return out
        return f.read(n)

    fr = _Framer(_gzip_chunks(read, limits) if head.startswith(_GZ_MAGIC) else _raw_chunks(read))
    n = 0
    last = ""
    seen_damage = False

    def where() -> str:
        return f"after record {n} ({last})" if n else "before the first record"

    while True:
        while fr.fill(1):  # blank lines (and NUL padding) between records
            _drop_blank(fr.buf)
            if fr.buf:
                break
        if not fr.buf:
            if not fr.damage:
                if n == 0 and not seen_damage:
                    yield ReadError(name, "not a WARC archive (no WARC record in it, only blank or NUL bytes)")
                return
            seen_damage = True
            dmg = fr.restart()
            yield ReadError(name, f"{where()}: " + (dmg.what if dmg.fatal else f"skipped {dmg.what}"))
            if dmg.fatal:
                return
            continue
        fr.fill(16)
        if not _START.match(fr.buf):  # not a record: garbage up to the next one
            skipped, found = _skip_to_record(fr, 1)
            seen_damage = True
            if n == 0 and not found and fr.eof:
                yield ReadError(name, f"not a WARC archive (no WARC record in {skipped:,} bytes)")
            else:
                yield ReadError(name, f"{where()}: {skipped:,} bytes of garbage (not a WARC record), skipped")
            continue
        end = fr.find(_HEADER_END, 0, _MAX_HEADER)
        n += 1
        if end < 0 or end > _MAX_HEADER:
            last = f"{name}#record{n}"
            dmg = fr.damage
            fr.take(1)
            if dmg:
                fr.restart()
            yield ReadError(last, f"record skipped: cut short inside its headers ({dmg.what})" if dmg else
                            "record skipped: its headers never end (no blank line in 64 KB)")
            continue
        sep = _HEADER_END.match(fr.buf, end).end()
        hdrs = _headers(bytes(fr.buf[:sep]))
        rec_name = (hdrs.get("warc-target-uri") or "").strip("<>") or f"{name}#record{n}"
        last = rec_name
        length_s = hdrs.get("content-length", "")
        if not (length_s.isascii() and length_s.isdigit()):
            fr.take(sep)
            yield ReadError(rec_name, f"record skipped: its Content-Length {length_s[:40]!r} is not a number")
            _skip_to_record(fr)  # drop bytes up to the next record
            continue
        length = int(length_s)
        if length > limits.max_size:  # a real record too large, or a length that lies
            fr.take(sep)
            at = _skip_block(fr, length)
            if at == -2:
                dmg = fr.restart()
                yield ReadError(rec_name, f"record skipped: {dmg.what}")
                if dmg.fatal:
                    return
                continue
            yield ReadError(rec_name, (f"record skipped: its Content-Length {length:,} runs into the next record "
                                       f"(which starts {at:,} bytes in)") if at >= 0 else limits.too_big(length, "record"))
            continue
        block_end = sep + length
        have = fr.fill(block_end + 4)
        trailer = bytes(fr.buf[block_end:block_end + 4])
        if len(fr.buf) >= block_end and (trailer.startswith((b"\r\n\r\n", b"\n\n", b"\r\n\n"))
                                         or (not have and not trailer.strip(b"\r\n"))):
            yield hdrs, fr.take(block_end)
            continue
        nxt = _START.search(fr.buf, sep, min(len(fr.buf), block_end))
        if nxt is not None:  # the length runs into the next record
            fr.take(nxt.start())
            yield ReadError(rec_name, f"record skipped: its Content-Length {length:,} runs into the next record "
                                      f"(which starts {nxt.start() - sep:,} bytes in)")
        elif len(fr.buf) < block_end:
            present = len(fr.buf) - sep
            dmg = fr.restart()
            yield ReadError(rec_name, f"truncated record skipped (Content-Length {length:,}, only {present:,} bytes "
                                      "present" + (f": {dmg.what})" if dmg else ")"))
            if dmg and dmg.fatal:
                return
        else:
            fr.take(sep)
            yield ReadError(rec_name, f"record skipped: its Content-Length {length:,} does not end the record "
                                      "(no blank line after it)")
            _skip_to_record(fr)  # drop bytes up to the next record


def _drop_blank(buf: bytearray) -> None:
    """Drop leading newlines and NUL padding (a sparse file of zeros is gigabytes of it)."""
    head = buf[:4096]
    rest = head.lstrip(b"\r\n\0")
    if rest or len(buf) <= 4096:
        del buf[:len(head) - len(rest)]
    elif buf.count(0) == len(buf):
        buf.clear()
    else:
        del buf[:len(buf) - len(buf.lstrip(b"\r\n\0"))]


def _skip_to_record(fr: _Framer, start: int = 0) -> tuple[int, bool]:
    """Drop bytes up to the next record start at or after `start`, holding at most a chunk at a
    time (garbage may be gigabytes); (bytes dropped, whether a record start was found)."""
    skipped = 0
    while True:
        m = _START.search(fr.buf, start)
        if m:
            fr.take(m.start())
            return skipped + m.start(), True
        keep = min(len(fr.buf), 16)  # a record start may straddle two chunks
        skipped += len(fr.buf) - keep
        fr.take(len(fr.buf) - keep)
        start = 0
        held = len(fr.buf)
        fr.fill(held + _CHUNK)
        if len(fr.buf) == held:  # the end, or damage: nothing more to look at
            skipped += held
            fr.buf.clear()
            return skipped, False



def _skip_block(fr: _Framer, length: int) -> int:
    """Skip `length` bytes of a block without holding them, unless a record starts inside it:
    then stop there and return its position in the block; -1 when the block was skipped (or
    the file ended), -2 when damage cut it short (see fr.damage)."""
    done = 0
    while done < length:
        if not fr.fill(min(_CHUNK, length - done + 16)) and not fr.buf:
            return -2 if fr.damage else -1
        m = _START.search(fr.buf, 0, min(len(fr.buf), length - done))
        if m:
            fr.take(m.start())
            return done + m.start()
        n = min(len(fr.buf), length - done)
        if n == len(fr.buf) and not (fr.eof or fr.damage):
            n = max(0, n - 16)  # keep a tail: a record start may straddle two chunks
        if n == 0:
            return -2 if fr.damage else -1
        fr.take(n)
        done += n
    return -1


def _parse(record: bytes):
    from warcio.recordloader import ArcWarcRecordLoader

    loader = ArcWarcRecordLoader(verify_http=False, arc2warc=False)
    return loader.parse_record_stream(io.BufferedReader(io.BytesIO(record)))


def _html_record(rec, name: str, limits: Limits, fetched: str | None) -> Article | ReadError | None:
    """The article of one parsed record, a ReadError, or None for a record that is not an
    HTML page (an image, a request, a redirect, a 404)."""
    from .html import read_html

    if rec.rec_type not in ("response", "resource"):
        return None
    ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else
             rec.rec_headers.get_header("Content-Type")) or ""
    if "html" not in ctype.lower():
        return None
    if rec.http_headers is not None:
        status = rec.http_headers.get_statuscode()
        if status and not status.startswith("2"):
            return None
    try:
        body = rec.content_stream().read(limits.max_size + 1)
    except Exception as e:  # noqa: BLE001 - a payload warcio cannot decode (bad gzip, bad chunking)
        return ReadError(name, f"unreadable WARC record ({e.__class__.__name__}: {e})")
    if len(body) > limits.max_size:
        return ReadError(name, limits.too_big(len(body), "record"))
    try:
        return read_html(body, name, url=name, fetched_at=fetched, limits=limits)
    except ReadError as e:
        return e


@dataclass(frozen=True)
class RawRecord(Unparsed):
    """A response or resource record of a WARC file, framed (under the size cap) but not
    parsed: its article, a ReadError, or nothing (not an HTML page, not a 2xx response)."""

    record: bytes
    uri: str
    fetched: str | None
    limits: Limits = DEFAULT_LIMITS

    def _items(self, keep) -> Iterator[Article | ReadError]:
        try:
            rec = _parse(self.record)
        except Exception as e:  # noqa: BLE001 - headers warcio cannot parse: name the record, read on
            yield ReadError(self.uri, f"unreadable WARC record ({e.__class__.__name__}: {e})")
            return
        got = _html_record(rec, self.uri, self.limits, self.fetched)
        if got is not None:
            yield got


def iter_warc(path: str, source: str | None = None, fileobj: IO[bytes] | None = None,
              limits: Limits = DEFAULT_LIMITS, unparsed: Defer = False) -> Iterator[Article | ReadError | RawRecord]:
    """Every HTML response (or resource) record of the archive at `path`, read as an article
    whose source and url are the record's target URI; non-HTML records and non-2xx responses
    are skipped. `source` names the archive in errors about the file itself (default: path);
    `fileobj` reads an already open binary stream (e.g. from HDFS/S3) instead of opening path.
    With `unparsed` (see `reading.iter_articles`), a WARC file's response and resource records
    come framed but not parsed (`RawRecord`); an ARC file's are read here."""
    name = source or path
    try:
        stream = fileobj if fileobj is not None else open_regular(path, name)
    except ReadError as e:
        yield e
        return
    with stream:
        if path.lower().endswith((".arc", ".arc.gz")):
            yield from _iter_arc(stream, name, limits)
            return
        k = 0
        try:
            for item in iter_records(stream, name, limits):
                if isinstance(item, ReadError):
                    yield item
                    continue
                hdrs, record = item
                if hdrs.get("warc-type") not in ("response", "resource"):
                    continue
                k += 1
                uri = (hdrs.get("warc-target-uri") or "").strip("<>") or f"{name}#{k}"
                raw = RawRecord(record, uri, hdrs.get("warc-date"), limits)
                if deferred(unparsed):
                    yield raw
                else:
                    yield from raw._items(None)
        except OSError as e:  # the stream itself fails (a network file system, a disk error)
            yield ReadError(name, f"WARC file unreadable after {k} records ({e.__class__.__name__}: {e})")


def _iter_arc(stream: IO[bytes], name: str, limits: Limits) -> Iterator[Article | ReadError]:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    try:
        for rec in ArchiveIterator(stream, arc2warc=True):
            if rec.rec_type not in ("response", "resource"):
                continue
            n += 1
            uri = rec.rec_headers.get_header("WARC-Target-URI") or f"{name}#{n}"
            got = _html_record(rec, uri, limits, rec.rec_headers.get_header("WARC-Date"))
            if got is not None:
                yield got
    except Exception as e:  # noqa: BLE001 - warcio's errors on a damaged ARC file: name it, stop
        yield ReadError(name, f"ARC file broken after {n} records ({e.__class__.__name__}: {e})")
