"""PNG charts of a dataset (matplotlib, no display needed)."""
from __future__ import annotations

from pathlib import Path


def draw(ds, folder: str) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    figs = ds.figures()
    rate = figs[(figs.metric == "dossiers_on_time_rate") & (figs.role == "actual")].copy()
    fig, ax = plt.subplots(figsize=(9, 5))
    if len(rate):
        rate["where"] = rate["locality"].fillna(rate["province"]).fillna("?") + " · " + rate["period"].fillna("?")
        rate = rate.groupby("where")["value"].mean().sort_values()
        ax.barh(rate.index, rate.values, color="#2e7d32")
        ax.set_xlim(max(0, rate.min() - 5), 100)
    else:
        ax.text(0.5, 0.5, "no on-time rates in this dataset", ha="center", va="center")
    ax.set_title("Dossiers resolved on time (%) by locality and period")
    fig.tight_layout()
    p = out / "on_time_rate.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    paths.append(str(p))
    per = figs[figs.metric != "other"].groupby("source").size().sort_values()
    fig, ax = plt.subplots(figsize=(9, max(3, 0.35 * len(per) + 1)))
    ax.barh([s[-50:] for s in per.index], per.values, color="#1565c0")
    ax.set_title("Labelled figures per source")
    fig.tight_layout()
    p = out / "figures_per_source.png"
    fig.savefig(p, dpi=110)
    plt.close(fig)
    paths.append(str(p))
    return paths
