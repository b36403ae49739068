"""JSON Lines of articles (`id`, `url`, `title`, `published`, `text`; optionally `author`, `site`).

Each line is one article; its `source` is its `url`, or `FILE#id` without one. A bad line is
a `ReadError` naming the file and its real line number; the other lines are still read. Lines
are read in bounded memory (a line over the size limit is refused, not kept), `.gz` files are
unpacked under the decompression caps of `inputs.Limits`.

Field types: `text` must be a non-empty string, `url` a string (they decide what the article
is); `title`, `author`, `site` may be a string, a list of strings (joined with ", ") or an
object with a string `name`; `published` a string; `id` a string or an integer. A field of
another type is dropped with a `ReadWarning` and the article is still read.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from ..model import Article, ReadError
from ..normalize import changes_words, normalize_text
from .dates import parse_date
from .inputs import (DEFAULT_LIMITS, Defer, GzipStream, Limits, ReadWarning, Unparsed, clean_text, deferred, iter_lines,
                     kind_of, open_regular)

def _label(obj: dict, key: str, warnings: list[str]) -> str | None:
    """A text field (title, author, site): a string, strings joined, or an object's name."""
    v = obj.get(key)
    if v is None or v == "":
        return None
    if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
        v = ", ".join(x.strip() for x in v if x.strip())
    elif isinstance(v, dict) and isinstance(v.get("name"), str):
        v = v["name"]
    if not isinstance(v, str):
        warnings.append(f"`{key}` is {kind_of(v)}, not text: ignored")
        return None
    v, fixed = clean_text(v)
    if fixed:
        warnings.append(f"`{key}`: {fixed}")
    return normalize_text(v).strip() or None


def article_from_obj(obj: Any, name: str, lineno: int, warnings: list[str] | None = None,
                     keep=None) -> Article | None:
    """The article of one parsed line (a ReadError if the line cannot be an article); what
    was repaired or dropped is appended to `warnings`. `keep(text, title)`, given, sees the
    normalized text and title first: None when it says no, and nothing else is done."""
    where = f"{name}:{lineno}"
    if not isinstance(obj, dict):
        raise ReadError(where, f"not a JSON object ({kind_of(obj)}): line skipped")
    if warnings is None:
        warnings = []
    text = obj.get("text")
    if text is None or text == "":
        raise ReadError(where, "no `text` field: line skipped")
    if not isinstance(text, str):
        raise ReadError(where, f"`text` is {kind_of(text)}, not a string: line skipped")
    text, fixed = clean_text(text)
    if fixed:
        warnings.append(f"`text`: {fixed}")
    raw_title = obj.get("title")
    if keep is not None and (raw_title is None or isinstance(raw_title, str)) and text.strip() \
            and not changes_words(text) and not changes_words(raw_title):
        # asked before normalization, which would add no word to what keep sees; a title that
        # is a list or an object is only known once read (`_label`), so that line waits
        if not keep(text, raw_title):
            return None
        keep = None  # it said yes
    text = normalize_text(text).strip()
    if not text:
        raise ReadError(where, "`text` is blank: line skipped")
    title = _label(obj, "title", warnings)
    if keep is not None and not keep(text, title):
        return None
    url = obj.get("url")
    if url is not None and not isinstance(url, str):
        raise ReadError(where, f"`url` is {kind_of(url)}, not a string: line skipped")
    if url:
        url, fixed = clean_text(url.strip())
        if fixed:
            warnings.append(f"`url`: {fixed}")
    url = url or None
    ident = obj.get("id")
    if isinstance(ident, float) and ident.is_integer():
        ident = int(ident)
    if ident is not None and (isinstance(ident, bool) or not isinstance(ident, (str, int))):
        warnings.append(f"`id` is {kind_of(ident)}, not a string or integer: ignored, the line number names it")
        ident = None
    if isinstance(ident, str):
        ident = clean_text(ident)[0]
    source = url or (f"{name}#{ident}" if ident not in (None, "") else f"{name}#{lineno}")
    published = obj.get("published")
    if published is not None and not isinstance(published, str):
        warnings.append(f"`published` is {kind_of(published)}, not a date string: ignored")
        published = None
    return Article(
        source=source,
        text=text,
        title=title,
        published=parse_date(published) if published else None,
        author=_label(obj, "author", warnings),
        url=url,
        site=_label(obj, "site", warnings),
        extra={"id": ident} if ident not in (None, "") else {},
    )


def parse_line(line: bytes, name: str, lineno: int, keep=None) -> Iterator[Article | ReadError | None]:
    """The article of one line (bytes without the newline), its warnings, or why not; None
    when `keep` (see `article_from_obj`) drops it."""
    where = f"{name}:{lineno}"
    if lineno == 1 and line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    if not line.strip():
        return
    try:
        s = line.decode("utf-8")
    except UnicodeDecodeError as e:
        yield ReadError(where, f"not UTF-8 (byte 0x{line[e.start]:02x} at column {e.start + 1}): line skipped")
        return
    try:
        obj = json.loads(s)
    except json.JSONDecodeError as e:
        yield ReadError(where, f"not JSON ({e.msg}: column {e.colno}): line skipped")
        return
    except RecursionError:
        yield ReadError(where, "JSON nested too deeply: line skipped")
        return
    except ValueError as e:  # e.g. an integer of more than 4300 digits
        why = "a number with too many digits" if "digits" in str(e) else str(e)
        yield ReadError(where, f"not usable JSON ({why}): line skipped")
        return
    warnings: list[str] = []
    try:
        art = article_from_obj(obj, name, lineno, warnings, keep)
    except ReadError as e:
        yield e
        return
    if art is None:  # dropped by `keep`: nothing of it is reported
        yield None
        return
    if warnings:
        yield ReadWarning(where, "; ".join(warnings) + " (the article is read)")
    yield art


_NOT_JSONL_AFTER = 20  # leading lines that are not JSON at all before a file is judged not JSON Lines


@dataclass(frozen=True)
class RawLine(Unparsed):
    """One line of a file already known to be JSON Lines, not parsed yet (`parse_line`)."""

    line: bytes
    name: str
    lineno: int

    def _items(self, keep) -> Iterator[Article | ReadError | None]:
        return parse_line(self.line, self.name, self.lineno, keep)


def iter_jsonl(stream: IO[bytes], name: str, limits: Limits = DEFAULT_LIMITS,
               keep=None, unparsed: Defer = False) -> Iterator[Article | ReadError | RawLine | None]:
    """Every article of a binary JSON Lines stream, or why a line is not one. A file that is
    no JSON Lines at all (binary, or its first lines are not JSON) is one error, not one per
    line. With `unparsed`, once the file has shown it is JSON Lines its lines come unparsed
    (`RawLine`), to be parsed where they are extracted; `unparsed` a function: asked at each
    line (`cchc extract --jobs` parses lines here while its workers are busy)."""
    lineno = 0
    leading: list[ReadError] | None = []  # errors held while no line has been JSON yet
    content = False
    try:
        # compressed input is read in small pieces, so a bomb is seen after little work
        chunk = 64 * 1024 if isinstance(stream, GzipStream) else 1024 * 1024
        for lineno, line in iter_lines(stream, limits.max_size, chunk):
            if line is None:
                items = [ReadError(f"{name}:{lineno}", limits.too_big(limits.max_size + 1, "line"))]
            elif leading is not None and b"\0" in line:
                yield ReadError(name, f"a binary file, not JSON Lines (NUL byte on line {lineno}): file skipped")
                return
            elif leading is None and deferred(unparsed):
                yield RawLine(line, name, lineno)
                continue
            else:
                items = list(parse_line(line, name, lineno, keep))
                content = content or bool(line.strip())
            if leading is None:
                yield from items
                continue
            if any(not (isinstance(x, ReadError) and x.reason.startswith(("not UTF-8", "not JSON ("))) for x in items):
                yield from leading  # a line that is JSON: this is JSON Lines, the held errors stand
                leading = None
                yield from items
                continue
            leading.extend(items)
            if len(leading) >= _NOT_JSONL_AFTER:
                yield ReadError(name, f"not JSON Lines: its first {len(leading)} lines are not JSON "
                                      f"(line 1: {leading[0].reason.removesuffix(': line skipped')}): file skipped")
                return
        if leading:
            yield from leading
        elif leading is not None and not content:
            yield ReadError(name, "empty file (no JSON lines)")
    except ReadError as e:  # a decompression bomb: the rest of the file is not read
        yield from leading or ()
        yield ReadError(f"{name}:{lineno + 1}", e.reason.replace("file skipped", "the rest of the file skipped", 1))
    except Exception as e:  # noqa: BLE001 - truncated or corrupt gzip (EOFError, BadGzipFile, zlib.error)
        yield from leading or ()
        yield ReadError(f"{name}:{lineno + 1}", f"unreadable from here on ({e.__class__.__name__}: {e})")


def read_jsonl(path: str, limits: Limits = DEFAULT_LIMITS, source: str | None = None,
               keep=None, unparsed: Defer = False) -> Iterator[Article | ReadError | RawLine | None]:
    name = source or path
    try:
        raw = open_regular(path, name)
    except ReadError as e:
        yield e
        return
    with raw:
        head = raw.read(2)
        raw.seek(0)
        if head != b"\x1f\x8b":
            yield from iter_jsonl(raw, name, limits, keep, unparsed)
            return
        try:  # a bomb is refused before any of its lines is read (its start gives it away)
            _prescan(GzipStream(raw, name, limits))
        except ReadError as e:
            yield e
            return
        except Exception:  # noqa: BLE001 - broken gzip: reported, by line, when read below
            pass
        raw.seek(0)
        yield from iter_jsonl(GzipStream(raw, name, limits), name, limits, keep, unparsed)


def _prescan(stream: GzipStream, upto: int = 4 * 1024 * 1024) -> None:
    while stream.out < upto and stream.read(64 * 1024):
        pass
