"""The dataset for notebooks: pandas DataFrames with typed columns.

<!-- dataset-example -->
```python
from extractor import dataset

ds = dataset.open("cchc.sqlite")
figs = ds.figures()                               # each article's latest extraction
late = figs[figs.metric == "dossiers_late_rate"][["locality", "period", "value", "sentence"]]
ds.articles(), ds.officials(), ds.checks(), ds.rankings(), ds.runs()
ds.wide()                                         # locality x period x metric
ds.figures(run=1)                                 # exactly what run 1 produced
ds.search("hồ sơ trễ hạn")                        # articles holding these words (full-text index)
```
"""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd

from . import records
from .store import COLUMNS

# the dtype of every column (records.py), and of the store's run ids
_DTYPES = {**records.dtypes(), "run_id": "Int64"}
_NUMERIC = {c: t for c, t in _DTYPES.items() if t in ("Int64", "float64")}
_LISTS = records.list_fields()


def _typed(df: pd.DataFrame) -> pd.DataFrame:
    """Each column as records.py types it: numbers, text, lists, datetimes."""
    for col in df.columns:
        dtype = _DTYPES.get(col)
        if dtype in ("Int64", "float64"):
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(dtype)
        elif dtype == "str":
            df[col] = df[col].astype("str")
        elif dtype and dtype.startswith("datetime"):
            df[col] = pd.to_datetime(df[col], utc=True, errors="coerce", format="ISO8601").astype(dtype)
        elif col in _LISTS:
            df[col] = df[col].map(lambda s: json.loads(s) if isinstance(s, str) else s)
    return df


class Dataset:
    def __init__(self, path: str | Path):
        if not Path(path).exists():
            raise FileNotFoundError(f"{path}: no such dataset (create it with `cchc extract ... --db {path}`)")
        self.path = str(path)
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)

    def close(self) -> None:
        self.db.close()

    def _table(self, table: str, run: int | None = None) -> pd.DataFrame:
        if run is None:
            df = pd.read_sql_query(f"SELECT * FROM current_{table}", self.db)
        else:
            df = pd.read_sql_query(f"SELECT * FROM {table} WHERE run_id = ?", self.db, params=(run,))
        arts = pd.read_sql_query("SELECT article_id, source, province AS article_province, published FROM articles", self.db)
        df = df.merge(arts, on="article_id", how="left")
        if "province" not in df.columns:
            df["province"] = df["article_province"]
        return _typed(df.drop(columns=["article_province"]))

    def figures(self, run: int | None = None) -> pd.DataFrame:
        return self._table("figures", run)

    def officials(self, run: int | None = None) -> pd.DataFrame:
        return self._table("officials", run)

    def awards(self, run: int | None = None) -> pd.DataFrame:
        return self._table("awards", run)

    def documents(self, run: int | None = None) -> pd.DataFrame:
        return self._table("documents", run)

    def rankings(self, run: int | None = None) -> pd.DataFrame:
        return self._table("rankings", run)

    def checks(self, run: int | None = None) -> pd.DataFrame:
        return self._table("checks", run)

    def articles(self) -> pd.DataFrame:
        return _typed(pd.read_sql_query("SELECT * FROM articles", self.db))

    def search(self, query: str, limit: int = 20) -> pd.DataFrame:
        """Articles whose title or text hold every word of `query`, best match first."""
        from .store import search

        return _typed(pd.DataFrame(search(self.db, query, limit),
                                   columns=["article_id", "source", "title", "published"]))

    def runs(self) -> pd.DataFrame:
        df = pd.read_sql_query("SELECT * FROM runs", self.db)
        for c in ("started_at", "finished_at"):
            df[c] = pd.to_datetime(df[c], utc=True, errors="coerce", format="ISO8601")
        return df

    def wide(self, run: int | None = None) -> pd.DataFrame:
        """The comparison table: one row per locality and period, one column per metric
        (actual figures; the first value when an article states one twice)."""
        f = self.figures(run)
        f = f[(f.metric != "other") & (f.role == "actual")].copy()
        f["locality"] = f["locality"].fillna(f["province"])
        return f.pivot_table(index=["province", "locality", "period"], columns="metric", values="value",
                             aggfunc="first", dropna=False).dropna(how="all").reset_index()


def open(path: str | Path) -> Dataset:  # noqa: A001 - the notebook spelling: dataset.open(...)
    return Dataset(path)


TABLES = ("articles", *COLUMNS.keys(), "runs")
