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
from pathlib import Path
from typing import Callable

import pandas as pd

from . import records
from .store import COLUMNS, open_readonly

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
    """A dataset opened read-only (store.open_readonly): FileNotFoundError for a missing file,
    StoreError for a damaged or foreign one or one written by an older cchc (the message names
    the columns it lacks and the command that adds them)."""

    def __init__(self, path: str | Path):
        if not Path(path).exists():
            raise FileNotFoundError(f"{path}: no such dataset (create it with `cchc extract ... --db {path}`)")
        self.path = str(path)
        self.db = open_readonly(self.path)

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

    def conflicts(self, run: int | None = None) -> pd.DataFrame:
        """One row per group of comparable figures that holds more than one distinct value:
        the same place (province_code, district_code, ward_code, unit_level), year, period and metric,
        among labelled actual figures (not `other`, not targets) with a place and a period.

        Columns: the group's keys, `place` (one name per place), `values` (the distinct
        values, sorted), `figures` (their ids), `articles` (how many articles state them)."""
        f = self._comparable(run)
        rows = []
        for key, g in f.groupby(_CELL + ["metric"], dropna=False, sort=True):
            values = sorted(set(g["value"].tolist()))
            if len(values) > 1:
                rows.append({**dict(zip(_CELL + ["metric"], key)), "values": values, "figures": g["id"].tolist(),
                             "articles": g["article_id"].nunique()})
        out = pd.DataFrame(rows, columns=[*_CELL, "metric", "values", "figures", "articles"])
        out = out.replace({"": None})
        out.insert(0, "place", [_place(r) for r in out.itertuples()])
        out["year"] = out["year"].astype("Int64")
        return out

    def _comparable(self, run: int | None) -> pd.DataFrame:
        f = self.figures(run)
        f = f[(f.metric != "other") & (f.role == "actual") & f.province_code.notna() & f.period.notna()].copy()
        for col in ("district_code", "ward_code"):
            f[col] = f[col].fillna("")  # a province-level figure: no district, grouped as such
        return f

    def wide(self, run: int | None = None, agg: str | Callable = "mark") -> pd.DataFrame:
        """The comparison table: one row per place (codes, whatever the spelling) and period,
        one column per metric, from labelled actual figures with a place and a period.

        A cell that several figures fill with different values is never decided silently:
        `agg="mark"` (the default) leaves it empty and names its metric in the row's
        `conflicts` column (see `conflicts()` for the values); `agg="raise"` refuses with
        ConflictError; any other `agg` ("first", "mean", "median", "max", a function …) is
        the explicit choice, applied to every cell."""
        f = self._comparable(run)
        cell = f.groupby(_CELL + ["metric"], dropna=False, sort=True)["value"]
        if agg in ("mark", "raise"):
            n = cell.nunique()
            clash = n[n > 1]
            if agg == "raise" and len(clash):
                raise ConflictError(f"{len(clash)} cells hold more than one value (see Dataset.conflicts()); "
                                    "pass agg='mark' to leave them empty, or agg='first', 'mean', … to choose")
            values = cell.first().where(n == 1)
        else:
            values = cell.agg(agg)
            clash = values.iloc[0:0]
        table = values.unstack("metric")
        table.columns.name = None
        marks: dict[tuple, list[str]] = {}
        for key in clash.index:
            marks.setdefault(key[:-1], []).append(key[-1])
        table["conflicts"] = [marks.get(k, []) for k in table.index]
        table = table.reset_index().replace({"district_code": {"": None}, "ward_code": {"": None}})
        table.insert(0, "place", [_place(r) for r in table.itertuples()])
        table["year"] = table["year"].astype("Int64")
        return table


class ConflictError(ValueError):
    """wide(agg="raise") on a dataset where one cell would hold several values."""


_CELL = ["province_code", "district_code", "ward_code", "unit_level", "year", "period"]


def _place(row) -> str | None:
    from .gazetteer import place_label

    label = place_label(row.province_code, row.district_code or None, row.ward_code or None)
    if row.unit_level == "commune" and not row.ward_code and label:
        return f"a commune of {label}"  # "Phường 14" of a city whose districts each have one
    return label


def open(path: str | Path) -> Dataset:  # noqa: A001 - the notebook spelling: dataset.open(...)
    return Dataset(path)


TABLES = ("articles", *COLUMNS.keys(), "runs")
