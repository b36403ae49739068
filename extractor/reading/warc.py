"""WARC / ARC archives (Common Crawl CC-NEWS, cchc's own crawls): every HTML response record
is read as a page whose source is its target URI. A bad record is a ReadError for that
record; the rest of the file is still read."""
from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from ..model import Article, ReadError


def iter_warc(path: str, source: str | None = None, fileobj: IO[bytes] | None = None) -> Iterator[Article | ReadError]:
    """Every HTML response (or resource) record of the archive at `path`, read as an article
    whose source and url are the record's target URI; non-HTML records and non-2xx responses
    are skipped. `source` names the archive in errors about the file itself (default: path);
    `fileobj` reads an already open binary stream (e.g. from HDFS/S3) instead of opening path."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    from .html import read_html

    try:
        stream = fileobj if fileobj is not None else open(path, "rb")  # noqa: SIM115 - closed below
    except OSError as e:
        yield ReadError(source or path, e.strerror or str(e))
        return
    n = 0
    with stream:
        try:
            for rec in ArchiveIterator(stream, arc2warc=True):
                if rec.rec_type not in ("response", "resource"):
                    continue
                n += 1
                uri = rec.rec_headers.get_header("WARC-Target-URI") or f"{source or path}#{n}"
                ctype = (rec.http_headers.get_header("Content-Type") if rec.http_headers else
                         rec.rec_headers.get_header("Content-Type")) or ""
                if "html" not in ctype.lower():
                    continue
                if rec.http_headers is not None:
                    status = rec.http_headers.get_statuscode()
                    if status and not status.startswith("2"):
                        continue
                try:
                    body = rec.content_stream().read()
                    yield read_html(body, uri, url=uri)
                except ReadError as e:
                    yield e
                except Exception as e:  # noqa: BLE001 - a record warcio cannot decode: name it, read on
                    yield ReadError(uri, f"unreadable WARC record ({e.__class__.__name__}: {e})")
        except (ArchiveLoadFailed, OSError, EOFError, ValueError) as e:
            yield ReadError(source or path, f"WARC file broken after {n} records ({e.__class__.__name__}: {e})")
