"""PNG charts of a dataset (matplotlib, no display needed), as a paper would print them.

- `<metric>_by_province_year.png`: one metric by province and year, from province-level
  figures only (a district is never drawn beside a city); the bar is the median of the
  figures behind it and says how many there are (n); counts start at 0, rates run 0–100 %.
  A count is drawn for whole-year periods only (a half-year count is not a year's).
- `figures_per_site.png`: labelled figures per news site, by the site's name (the registry's,
  else the host of the article's URL; files given on the command line count under their folder).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

DEFAULT_METRICS = ("dossiers_on_time_rate", "dossiers_received")


def by_province_year(figs: pd.DataFrame, metric: str) -> pd.DataFrame:
    """The table behind the chart: province, year, median value, n (figures)."""
    f = figs[(figs.metric == metric) & (figs.role == "actual") & (figs.unit_level == "province")
             & figs.province_code.notna() & figs.year.notna()]
    rate = (f.unit == "%").any()
    if not rate:
        f = f[f.period == f.year.astype("string")]  # a count of a whole year only
    from .gazetteer import place_label

    f = f.assign(place=f.province_code.map(place_label))
    out = f.groupby(["place", "year"]).agg(value=("value", "median"), n=("value", "size")).reset_index()
    out.attrs["rate"] = bool(rate)
    return out


def site_name(source: str | None, url: str | None, site: str | None) -> str:
    source, url, site = (x if isinstance(x, str) and x else None for x in (source, url, site))
    if site:
        return site
    if url:
        try:
            from .sources import source_for_url

            src = source_for_url(url)
            if src is not None:
                return src.site or src.name
        except Exception:  # noqa: BLE001 - no registry: the host names the site
            pass
        host = urlsplit(url).hostname or url
        return host.removeprefix("www.")
    path, sep, _ = str(source or "?").partition("#")
    return f"files: {Path(path).name if sep else (Path(path).parent.name or Path(path).name)}"  # a JSONL file, or a folder


def draw(ds, folder: str, metrics: tuple[str, ...] | list[str] = DEFAULT_METRICS) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    figs = ds.figures()
    for metric in metrics:
        table = by_province_year(figs, metric)
        places = sorted(table.place.unique())
        years = sorted(int(y) for y in table.year.unique())
        fig, ax = plt.subplots(figsize=(max(8.0, 1.2 * len(places) * max(1, len(years)) ** 0.5 + 2), 5))
        if len(table):
            width = 0.8 / len(years)
            cmap = plt.get_cmap("tab10")
            for j, year in enumerate(years):
                rows = table[table.year == year].set_index("place")
                xs = [i + (j - (len(years) - 1) / 2) * width for i, p in enumerate(places) if p in rows.index]
                vals = [rows.loc[p, "value"] for p in places if p in rows.index]
                ns = [int(rows.loc[p, "n"]) for p in places if p in rows.index]
                bars = ax.bar(xs, vals, width * 0.95, label=str(year), color=cmap(j % 10))
                for bar, n in zip(bars, ns):
                    ax.annotate(f"n={n}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                                ha="center", va="bottom", fontsize=8, xytext=(0, 2), textcoords="offset points")
            ax.set_xticks(range(len(places)), places, rotation=30 if len(places) > 4 else 0, ha="right" if len(places) > 4 else "center")
            ax.set_ylim(0, 105 if table.attrs["rate"] else max(table.value.max() * 1.12, 1))
            ax.set_ylabel("%" if table.attrs["rate"] else "count")
            ax.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}"))
            ax.legend(title="year", fontsize=8)
        else:
            ax.text(0.5, 0.5, f"no province-level figures of {metric} in this dataset", ha="center", va="center")
            ax.set_axis_off()
        ax.set_title(f"{metric} by province and year\n(median of the n province-level figures of each bar)", fontsize=11)
        fig.tight_layout()
        p = out / f"{metric}_by_province_year.png"
        fig.savefig(p, dpi=110)
        plt.close(fig)
        paths.append(str(p))

    arts = ds.articles()[["article_id", "source", "url", "site"]]
    labelled = figs[figs.metric != "other"].merge(arts.drop(columns="source"), on="article_id", how="left")
    labelled["site_name"] = [site_name(s, u, w) for s, u, w in zip(labelled.source, labelled.url, labelled.site)]
    per = labelled.groupby("site_name").size().sort_values()
    fig, ax = plt.subplots(figsize=(9, max(3, 0.35 * len(per) + 1)))
    ax.barh(per.index, per.values, color="#1565c0")
    ax.set_xlim(0, max(per.max() * 1.1, 1) if len(per) else 1)
    ax.set_xlabel("labelled figures")
    ax.set_title("Labelled figures per site")
    fig.tight_layout()
    p = out / "figures_per_site.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    paths.append(str(p))
    return paths
