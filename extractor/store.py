"""The dataset: one SQLite file (WAL), written one article per transaction.

Tables (docs/dataset.md explains each column):
- `runs`: one row per command run (when, what, pattern version, counts, status);
- `sources`, `pages` (raw fetched pages, zlib-compressed: the evidence), `articles` (the
  normalized text every offset refers to);
- `figures`, `officials`, `awards`, `documents`, `rankings`, `checks`: the records, each row
  tied to the run that produced it (`run_id`), so "run 12" can be cited and two runs diffed;
- `extractions`: which run extracted which article, with a digest of its records;
- `frontier`: the crawl frontier and seen-set (committed at once, so a SIGKILL loses nothing).
Views `current_<table>` show each article's latest extraction. `articles_fts` indexes the
articles' title and text for full-text search (SQLite FTS5 through sqlite-utils, kept current by
triggers; `Store.search`, `Dataset.search`, the search box of `cchc browse`).

Saving an article whose records are identical to its latest stored extraction writes nothing,
so running the same input twice gives the same row counts; a changed extraction (new
patterns, `cchc reextract`) is stored under the new run beside the old one.
"""
from __future__ import annotations

import hashlib
import json
import os
import shlex
import sqlite3
import time
import urllib.parse
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from . import __version__, records
from .patterns import patterns_dir

KIND_TABLE = {k: records.KINDS[k].table for k in records.RECORD_KINDS}
RECORD_TABLES = tuple(KIND_TABLE.values())
_SPAN = ("text", "start", "end")
# the columns of each record table (the fields of its kind, records.py; the span last, as in
# CSV) and of `articles`
COLUMNS = {records.KINDS[k].table: [n for n in records.names(k) if n not in ("article_id", "source", *_SPAN)]
           + [n for n in _SPAN if n in records.names(k)] for k in records.RECORD_KINDS}
ARTICLE_COLUMNS = records.names("article")
# what the store adds to the records, for the Datasette column descriptions
STORE_COLUMNS = {"run_id": "the run that produced the row (table `runs`)",
                 "n": "the record's place among the records of its kind in the article",
                 "page_id": "the stored page the article was read from (table `pages`)",
                 "first_run": "the run that first stored the article", "last_run": "the run that last changed it"}


def _q(col: str) -> str:
    """An SQL identifier, quoted (a double quote inside doubled)."""
    return '"' + col.replace('"', '""') + '"'


def _column_defs(kind: str) -> dict[str, str]:
    """Column -> its SQL definition, for the fields of a kind as stored."""
    specs = {s.name: s for s in records.specs(records.KINDS[kind])}
    if kind == "article":
        names = ARTICLE_COLUMNS
    else:
        names = ["article_id", *COLUMNS[records.KINDS[kind].table]]
    not_null = {"article_id", "source", "id"} | ({"text"} if kind == "article" else set())
    return {n: specs[n].column.sql + (" NOT NULL" if n in not_null else "") for n in names}


def _record_table(kind: str) -> str:
    table = records.KINDS[kind].table
    cols = [f"{_q(n)} {d}" for n, d in _column_defs(kind).items()]
    if "id" in records.names(kind):   # figures have their own id
        key = "run_id, id"
    else:
        cols.insert(1, '"n" INTEGER NOT NULL')
        key = "run_id, article_id, n"
    return f"CREATE TABLE IF NOT EXISTS {table} (\n  run_id INTEGER NOT NULL, {', '.join(cols)}, PRIMARY KEY ({key}));\n"


SCHEMA = f"""
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT, command TEXT, args TEXT,
  pattern_version TEXT, cchc_version TEXT, status TEXT NOT NULL DEFAULT 'running', pid INTEGER,
  counts TEXT, errors TEXT);
CREATE TABLE IF NOT EXISTS sources (
  name TEXT PRIMARY KEY, site TEXT, province TEXT, base_url TEXT);
CREATE TABLE IF NOT EXISTS pages (
  id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE, fetched_at TEXT, status INTEGER, headers TEXT,
  encoding TEXT, sha1 TEXT, size INTEGER, body BLOB, run_id INTEGER REFERENCES runs(id));
CREATE TABLE IF NOT EXISTS articles (
  {', '.join(f"{_q(n)} {d}" for n, d in _column_defs("article").items()).replace("NOT NULL", "PRIMARY KEY", 1)},
  page_id INTEGER REFERENCES pages(id), first_run INTEGER, last_run INTEGER);
CREATE INDEX IF NOT EXISTS articles_source ON articles(source);
CREATE TABLE IF NOT EXISTS extractions (
  article_id TEXT NOT NULL REFERENCES articles(article_id), run_id INTEGER NOT NULL REFERENCES runs(id),
  pattern_version TEXT, digest TEXT NOT NULL, extracted_at TEXT, PRIMARY KEY (article_id, run_id));
{''.join(_record_table(k) for k in records.RECORD_KINDS)}CREATE INDEX IF NOT EXISTS figures_metric ON figures(metric);
CREATE TABLE IF NOT EXISTS frontier (
  url TEXT PRIMARY KEY, source TEXT, depth INTEGER DEFAULT 0, kind TEXT, status TEXT NOT NULL DEFAULT 'queued',
  added_at TEXT, done_at TEXT, error TEXT, attempts INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS frontier_status ON frontier(status);
CREATE VIEW IF NOT EXISTS latest_extractions AS
  SELECT article_id, MAX(run_id) AS run_id FROM extractions GROUP BY article_id;
""" + "".join(
    f"CREATE VIEW IF NOT EXISTS current_{t} AS SELECT x.* FROM {t} x JOIN latest_extractions l "
    f"ON x.article_id = l.article_id AND x.run_id = l.run_id;\n" for t in RECORD_TABLES)


SEARCH_COLUMNS = ("title", "text")
SEARCH_TRIGGERS = ("articles_ai", "articles_ad", "articles_au")
# Vietnamese tone marks change the word ("hồ" is not "hổ"): the index keeps them, folds case only
FTS_TOKENIZE = "unicode61 remove_diacritics 0"


def search(db: sqlite3.Connection, query: str, limit: int = 20) -> list[dict[str, Any]]:
    """Full-text search of the articles of an open dataset (see Store.search)."""
    import sqlite_utils

    from .normalize import normalize_text

    articles = sqlite_utils.Database(db)["articles"]
    if articles.detect_fts() is None:
        raise LookupError("this dataset has no full-text index yet: open it once with a cchc command "
                          "that writes (cchc reextract --db PATH builds it)")
    return list(articles.search(normalize_text(query), columns=["article_id", "source", "title", "published"],
                                limit=limit, quote=True))


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def pattern_version() -> str:
    """sha1 over the pattern files: the extraction rules a run used."""
    h = hashlib.sha1()
    for p in sorted(Path(patterns_dir()).glob("*.yaml")):
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def _cell(v: Any) -> Any:
    return json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict)) else v


def _digest(records: list[dict[str, Any]]) -> str:
    body = [{k: v for k, v in r.items() if k not in ("source",)} for r in records]
    return hashlib.sha1(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class StoreError(Exception):
    """The dataset cannot be opened or written; the message names the path and the cause."""

    def __init__(self, path: str, cause: str):
        super().__init__(f"{path}: {cause}")
        self.path, self.cause = path, cause


def explain(e: BaseException, path: str) -> str:
    """What an sqlite3 or OS error means for the dataset at `path`, in a few words."""
    msg = str(e.strerror if isinstance(e, OSError) and e.strerror else e)
    low = msg.lower()
    folder = os.path.dirname(os.path.abspath(path))
    if "disk is full" in low or "no space" in low or "file too large" in low:
        return f"cannot write: the disk is full ({msg})"
    if "disk i/o error" in low:
        return f"cannot write: a disk I/O error (a full or failing disk, or a file size limit) ({msg})"
    if "readonly" in low or "read-only" in low or "permission denied" in low or "unable to open" in low:
        if not os.path.isdir(folder):
            return f"cannot create the dataset: the folder {folder} does not exist and cannot be created"
        if not os.path.exists(path) and not os.access(folder, os.W_OK):
            return f"cannot create the dataset: the folder {folder} is not writable (read-only)"
        if os.path.exists(path) and not os.access(path, os.W_OK):
            return "the dataset is read-only (no write permission)"
        if not os.access(folder, os.W_OK):
            return f"cannot write beside the dataset: the folder {folder} is read-only (SQLite needs its journal there)"
        return f"cannot open the dataset ({msg})"
    if "not a database" in low or "malformed" in low:
        return f"not a cchc dataset, or a damaged one ({msg})"
    if "locked" in low or "busy" in low:
        return f"the dataset is locked by another process ({msg})"
    return msg


def connect_readonly(path: str | os.PathLike) -> sqlite3.Connection:
    """A read-only connection that writes nothing, not even SQLite's shared-memory file: in
    a read-only folder (where no writer can be at work) the file is opened as immutable."""
    base = "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=ro"
    db = sqlite3.connect(base, uri=True, timeout=60, isolation_level=None)
    try:
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError as e:
        db.close()
        folder = os.path.dirname(os.path.abspath(path))
        if os.access(folder, os.W_OK) or not any(w in str(e).lower() for w in ("readonly", "unable to open")):
            raise
    return sqlite3.connect(base + "&immutable=1", uri=True, timeout=60, isolation_level=None)


def _lacking(db: sqlite3.Connection, kind: str) -> list[str]:
    """The columns of a kind's table, as the current schema makes it, that the file lacks."""
    have = {r[1] for r in db.execute(f"PRAGMA table_info({records.KINDS[kind].table})")}
    return [n for n in _column_defs(kind) if n not in have]


def schema_gaps(db: sqlite3.Connection) -> list[str]:
    """What an open dataset lacks of the tables records.py defines (`articles` and the record
    tables), one phrase per table: empty for a file written by this cchc, else the fields
    added since the cchc that wrote it (read as they are, they would be missing or wrong)."""
    gaps = []
    for kind in records.KINDS:
        lacking = _lacking(db, kind)
        if len(lacking) == len(_column_defs(kind)):
            gaps.append(f"no table {records.KINDS[kind].table}")
        elif lacking:
            gaps.append(f"{records.KINDS[kind].table} lacks {', '.join(lacking)}")
    return gaps


def _refusal(db: sqlite3.Connection, path: str) -> str | None:
    """Why an open file cannot be read as this cchc's dataset, or None."""
    if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'runs'").fetchone():
        return "not a cchc dataset (an SQLite file without cchc's tables)"
    gaps = schema_gaps(db)
    if gaps:
        return (f"written by an older cchc: {'; '.join(gaps)}. Run `cchc reextract --db {shlex.quote(path)}` to add "
                "them and fill them from the stored article texts (any cchc command that writes to the dataset "
                "adds them, empty)")
    return None


def open_readonly(path: str | os.PathLike) -> sqlite3.Connection:
    """An existing cchc dataset opened for reading only (connect_readonly: nothing is written),
    shared by Store(readonly=True) and Dataset. Raises StoreError when the file is missing,
    damaged, not a cchc dataset, or written by an older cchc (the columns it lacks are named,
    with the command that adds them): read as it is, such a file fails or reads wrong values."""
    path = str(path)
    if not os.path.isfile(path):
        raise StoreError(path, "no such dataset (create it with `cchc extract ... --db PATH`)")
    try:
        db = connect_readonly(path)
    except (sqlite3.Error, OSError) as e:
        raise StoreError(path, explain(e, path)) from None
    try:
        cause = _refusal(db, path)
    except (sqlite3.Error, OSError) as e:
        cause = explain(e, path)
    if cause:
        db.close()
        raise StoreError(path, cause)
    return db


class Store:
    """A cchc dataset in one SQLite file. Use as a context manager, or call close().

    `readonly=True` opens an existing dataset for reading only (export, reports): nothing is
    written, not even the schema, and a read-only file or folder is fine; a file written by an
    older cchc is refused (open_readonly). Failing to open raises a StoreError naming the path
    and why."""

    def __init__(self, path: str | os.PathLike, readonly: bool = False):
        self.path = str(path)
        self.readonly = readonly
        try:
            if readonly:
                self.db = open_readonly(self.path)
            else:
                folder = Path(self.path).parent
                if not folder.is_dir():  # a typo in the path must not create folders silently
                    raise StoreError(self.path, f"the folder {folder} does not exist (create it first)")
                self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
                self._setup()
            self.db.row_factory = sqlite3.Row
            self._version = pattern_version()
            if not readonly:
                self._mark_interrupted()
        except StoreError:
            raise
        except (sqlite3.Error, OSError) as e:
            raise StoreError(self.path, explain(e, self.path)) from None

    def _setup(self, attempts: int = 200) -> None:
        """WAL and the schema. Several processes may open a new file at once (crawl workers):
        switching the journal mode is not covered by the busy timeout, so retry it."""
        for n in range(attempts):
            try:
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                self.db.execute("PRAGMA foreign_keys=ON")
                self.db.executescript(SCHEMA)
                self._add_new_columns()
                self._enable_search()
                if "attempts" not in {r[1] for r in self.db.execute("PRAGMA table_info(frontier)")}:
                    self.db.execute("ALTER TABLE frontier ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")
                return
            except sqlite3.OperationalError as e:
                if "locked" not in str(e) or n == attempts - 1:
                    raise
                time.sleep(0.05)

    def _add_new_columns(self) -> None:
        """A file written by an older cchc lacks the fields added since: add them (empty)."""
        for kind in records.KINDS:
            table = records.KINDS[kind].table
            for name in _lacking(self.db, kind):
                sql = _column_defs(kind)[name]
                try:
                    self.db.execute(f"ALTER TABLE {table} ADD COLUMN {_q(name)} {sql.replace(' NOT NULL', '')}")
                except sqlite3.OperationalError as e:
                    if "duplicate column" not in str(e):  # another process added it first
                        raise

    def _search_ready(self) -> bool:
        want = ("articles_fts", *SEARCH_TRIGGERS)
        found = self.db.execute(f"SELECT COUNT(*) FROM sqlite_master WHERE name IN ({', '.join('?' * len(want))})",
                                want).fetchone()[0]
        return found == len(want)

    def _enable_search(self) -> None:
        """The full-text index of the articles (built once per file, from the rows already there)."""
        if self._search_ready():
            return
        import sqlite_utils  # only when the index is built: it imports pandas

        articles = sqlite_utils.Database(self.db)["articles"]
        try:
            articles.enable_fts(list(SEARCH_COLUMNS), create_triggers=True, tokenize=FTS_TOKENIZE)
        except sqlite3.OperationalError as e:
            if "already exists" not in str(e):
                raise
            for _ in range(100):  # another process is building it this moment
                if self._search_ready():
                    return
                time.sleep(0.05)
            articles.enable_fts(list(SEARCH_COLUMNS), create_triggers=True, tokenize=FTS_TOKENIZE, replace=True)

    @classmethod
    def open(cls, path: str | os.PathLike, readonly: bool = False) -> Store:
        return cls(path, readonly=readonly)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if hasattr(self, "db"):
            self.db.close()

    # ---------------------------------------------------------------- runs
    def _mark_interrupted(self) -> None:
        for row in self.db.execute("SELECT id, pid FROM runs WHERE status = 'running'").fetchall():
            if not _pid_alive(row["pid"]):
                self.db.execute("UPDATE runs SET status = 'interrupted' WHERE id = ?", (row["id"],))

    def begin_run(self, command: str, args: list[str] | None = None) -> int:
        try:
            cur = self.db.execute(
                "INSERT INTO runs (started_at, command, args, pattern_version, cchc_version, status, pid) "
                "VALUES (?, ?, ?, ?, ?, 'running', ?)",
                (now(), command, json.dumps(args or [], ensure_ascii=False), self._version, __version__, os.getpid()))
        except sqlite3.Error as e:
            raise StoreError(self.path, explain(e, self.path)) from None
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, counts: dict[str, Any] | None = None, status: str = "ok",
                   errors: list[str] | None = None) -> None:
        """Record how the run ended: `ok`, `failed` (inputs refused, or stopped by an error such
        as a full disk) or `interrupted` (Ctrl-C, SIGTERM). Raises StoreError if even that
        cannot be written (the next open then marks the run `interrupted`)."""
        try:
            self.db.execute("UPDATE runs SET finished_at = ?, status = ?, counts = ?, errors = ? WHERE id = ?",
                            (now(), status, json.dumps(counts or {}),
                             json.dumps((errors or [])[:1000], ensure_ascii=False), run_id))
        except sqlite3.Error as e:
            raise StoreError(self.path, explain(e, self.path) + f"; run {run_id} could not be marked {status}") from None

    # ---------------------------------------------------------------- articles and records
    def save(self, records: list[dict[str, Any]], run_id: int, page: dict[str, Any] | None = None) -> bool:
        """Store one article's records (article record first) in one transaction. Returns
        False when the latest stored extraction of the article is identical (nothing written)."""
        article = records[0]
        if article.get("kind") != "article":
            raise ValueError("the first record must be the article record")
        aid = article["article_id"]
        digest = _digest(records)
        db = self.db
        try:
            db.execute("BEGIN IMMEDIATE")
            page_id = self._save_page(page, run_id) if page else None
            last = db.execute("SELECT e.digest, e.pattern_version FROM extractions e JOIN latest_extractions l "
                              "ON e.article_id = l.article_id AND e.run_id = l.run_id WHERE e.article_id = ?",
                              (aid,)).fetchone()
            exists = db.execute("SELECT page_id FROM articles WHERE article_id = ?", (aid,)).fetchone()
            values = [_cell(article.get(c)) for c in ARTICLE_COLUMNS]
            if exists is None:
                db.execute(f"INSERT INTO articles ({', '.join(map(_q, ARTICLE_COLUMNS))}, page_id, first_run, last_run) "
                           f"VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))}, ?, ?, ?)", (*values, page_id, run_id, run_id))
            else:
                sets = ", ".join(f"{_q(c)} = ?" for c in ARTICLE_COLUMNS[1:])
                db.execute(f"UPDATE articles SET {sets}, page_id = COALESCE(?, page_id) WHERE article_id = ?",
                           (*values[1:], page_id, aid))
            if last is not None and last["digest"] == digest:
                db.execute("COMMIT")
                return False
            db.execute("UPDATE articles SET last_run = ? WHERE article_id = ?", (run_id, aid))
            db.execute("INSERT OR REPLACE INTO extractions (article_id, run_id, pattern_version, digest, extracted_at) "
                       "VALUES (?, ?, ?, ?, ?)", (aid, run_id, self._version, digest, now()))
            n: dict[str, int] = {}
            for r in records[1:]:
                table = KIND_TABLE.get(r["kind"])
                if table is None:
                    continue
                cols = COLUMNS[table]
                row = [_cell(r.get(c)) for c in cols]
                if table == "figures":
                    db.execute(f"INSERT OR REPLACE INTO figures (run_id, article_id, {', '.join(map(_q, cols))}) "
                               f"VALUES (?, ?, {', '.join('?' * len(cols))})", (run_id, aid, *row))
                else:
                    n[table] = n.get(table, 0) + 1
                    db.execute(f"INSERT OR REPLACE INTO {table} (run_id, article_id, n, {', '.join(map(_q, cols))}) "
                               f"VALUES (?, ?, ?, {', '.join('?' * len(cols))})", (run_id, aid, n[table], *row))
            db.execute("COMMIT")
            return True
        except BaseException as e:
            if db.in_transaction:
                try:
                    db.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # SQLite rolled back by itself (a full disk, an I/O error)
            if isinstance(e, sqlite3.Error):
                raise StoreError(self.path, explain(e, self.path)) from None
            raise

    def _save_page(self, page: dict[str, Any], run_id: int) -> int:
        body = page.get("body") or b""
        if isinstance(body, str):
            body = body.encode(page.get("encoding") or "utf-8")
        self.db.execute(
            "INSERT INTO pages (url, fetched_at, status, headers, encoding, sha1, size, body, run_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET fetched_at = excluded.fetched_at, "
            "status = excluded.status, headers = excluded.headers, encoding = excluded.encoding, sha1 = excluded.sha1, "
            "size = excluded.size, body = excluded.body, run_id = excluded.run_id",
            (page["url"], page.get("fetched_at") or now(), page.get("status"),
             json.dumps(page.get("headers") or {}, ensure_ascii=False), page.get("encoding"),
             hashlib.sha1(body).hexdigest(), len(body), zlib.compress(body, 6), run_id))
        return int(self.db.execute("SELECT id FROM pages WHERE url = ?", (page["url"],)).fetchone()[0])

    def add_source(self, name: str, site: str | None = None, province: str | None = None, base_url: str | None = None) -> None:
        """Register a news source (or update its site, province and URL); plain SQL: sqlite_utils
        would import pandas (~0.7 s) for one row."""
        self.db.execute(
            "INSERT INTO sources (name, site, province, base_url) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE"
            " SET site = excluded.site, province = excluded.province, base_url = excluded.base_url",
            (name, site, province, base_url))

    def search(self, query: str, limit: int = 20) -> list[dict[str, Any]]:
        """Articles whose title or text hold every word of `query` (tone marks count: "hồ sơ"
        is not "hổ sợ"), best match first: article_id, source, title, published."""
        return search(self.db, query, limit)

    # ---------------------------------------------------------------- reading back
    def iter_articles(self) -> Iterator[dict[str, Any]]:
        """Stored articles as `article` records (with `page_id`), oldest first."""
        cur = self.db.execute(f"SELECT {', '.join(map(_q, ARTICLE_COLUMNS))}, page_id FROM articles ORDER BY rowid")
        for row in cur:
            yield {"kind": "article", **dict(row)}

    def iter_pages(self) -> Iterator[dict[str, Any]]:
        for row in self.db.execute("SELECT id, url, fetched_at, status, headers, encoding, body FROM pages ORDER BY id"):
            d = dict(row)
            d["body"] = zlib.decompress(d["body"]) if d["body"] is not None else b""
            d["headers"] = json.loads(d["headers"] or "{}")
            yield d

    def page(self, page_id: int) -> dict[str, Any] | None:
        row = self.db.execute("SELECT url, fetched_at, status, headers, encoding, body FROM pages WHERE id = ?",
                              (page_id,)).fetchone()
        if row is None:
            return None
        d = dict(row)
        d["body"] = zlib.decompress(d["body"])
        d["headers"] = json.loads(d["headers"] or "{}")
        return d

    def records(self, run_id: int | None = None, tables: Iterable[str] = RECORD_TABLES) -> Iterator[dict[str, Any]]:
        """SPEC records back from the store: each article, then its rows (latest run, or `run_id`)."""
        arts = {a["article_id"]: a for a in self.iter_articles()}
        rows: dict[str, list[dict]] = {}
        kind_of = {t: k for k, t in KIND_TABLE.items()}
        for table in tables:
            kind = kind_of[table]
            specs = records.specs(records.KINDS[kind])
            src = table if run_id is not None else f"current_{table}"
            where = "WHERE run_id = ?" if run_id is not None else ""
            cols = ", ".join(_q(s.name) for s in specs if s.name != "source")
            cur = self.db.execute(f"SELECT {cols}, run_id FROM {src} {where} ORDER BY article_id, rowid",
                                  (run_id,) if run_id is not None else ())
            for row in cur:
                aid = row["article_id"]
                rec: dict[str, Any] = {"kind": kind}
                for s in specs:
                    v = arts[aid]["source"] if s.name == "source" else row[s.name]
                    if s.column.json and isinstance(v, str):
                        try:
                            v = json.loads(v)
                        except ValueError:
                            pass  # a value stored as plain text
                    elif s.column.sql == "REAL" and isinstance(v, float) and v.is_integer():
                        v = int(v)  # 36466.0 -> 36466, as the records write it
                    rec[s.name] = v
                rec["run_id"] = row["run_id"]
                rows.setdefault(aid, []).append(rec)
        omit = {s.name for s in records.specs(records.Article) if s.omit_none}
        for aid, art in arts.items():
            if run_id is not None and aid not in rows:
                continue
            yield {k: v for k, v in art.items() if k != "page_id" and not (v is None and k in omit)}
            yield from rows.get(aid, [])

    def counts(self) -> dict[str, int]:
        tables = ("runs", "sources", "pages", "articles", "extractions", *RECORD_TABLES, "frontier")
        return {t: int(self.db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]) for t in tables}

    def diff_runs(self, a: int, b: int, table: str = "figures") -> dict[str, list[dict]]:
        """Rows present in run `a` and not `b` (removed) and in `b` and not `a` (added),
        compared on everything but the run id."""
        cols = ["article_id"] + [c for c in COLUMNS[table] if c not in ("id",)]
        sel = ", ".join(map(_q, cols))
        q = f"SELECT {sel} FROM {table} WHERE run_id = ? EXCEPT SELECT {sel} FROM {table} WHERE run_id = ?"
        removed = [dict(r) for r in self.db.execute(q, (a, b))]
        added = [dict(r) for r in self.db.execute(q, (b, a))]
        return {"removed": removed, "added": added}

    # ---------------------------------------------------------------- crawl frontier
    def frontier_add(self, urls: Iterable[str | tuple], source: str | None = None, depth: int = 0,
                     kind: str = "article") -> int:
        """Queue URLs not seen before; returns how many were new. Committed at once."""
        added = 0
        with self.db:
            for u in urls:
                url, k = (u if isinstance(u, tuple) else (u, kind))
                cur = self.db.execute("INSERT OR IGNORE INTO frontier (url, source, depth, kind, status, added_at) "
                                      "VALUES (?, ?, ?, ?, 'queued', ?)", (url, source, depth, k, now()))
                added += cur.rowcount
        return added

    def frontier_next(self, n: int = 100, source: str | None = None, retry_below: int = 0) -> list[dict[str, Any]]:
        """Queued URLs, and failed ones tried fewer than `retry_below` times."""
        q = "SELECT url, source, depth, kind FROM frontier WHERE (status = 'queued' OR (status = 'failed' AND attempts < ?))"
        args: tuple = (retry_below,)
        if source:
            q += " AND source = ?"
            args += (source,)
        return [dict(r) for r in self.db.execute(q + " ORDER BY rowid LIMIT ?", (*args, n))]

    def frontier_done(self, url: str, status: str = "done", error: str | None = None, kind: str | None = None) -> None:
        """A URL's outcome; a failure counts one more attempt."""
        failed = int(status == "failed")
        with self.db:
            self.db.execute("INSERT INTO frontier (url, kind, status, added_at, done_at, error, attempts) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET status = excluded.status, "
                            "done_at = excluded.done_at, error = excluded.error, kind = COALESCE(excluded.kind, kind), "
                            "attempts = attempts + excluded.attempts", (url, kind, status, now(), now(), error, failed))

    def frontier_row(self, url: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM frontier WHERE url = ?", (url,)).fetchone()
        return dict(row) if row else None
