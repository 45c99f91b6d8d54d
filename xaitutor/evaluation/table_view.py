"""Chapter 6's table, read: as text (:func:`show`) and as intervals a reader compares at a glance
(:func:`plot`)."""

from __future__ import annotations

from .comparison import LOWER_IS_BETTER, MEASURES
from .uncertainty import leaders


def show(rows: list[dict], fields=MEASURES, cost: bool = True, header: bool = True) -> str:
    """``rows`` as a text table, one method per line, each field as ``mean (low-high)`` (a dash
    where the method was not measured); with ``cost``, the pictures and seconds of one photo."""
    head = f"{'method':21s} ch " + " ".join(f"{f:>18s}" for f in fields)
    head += f" {'pictures':>8s} {'s':>6s}" if cost else ""
    lines = [head] if header else []
    for r in rows:
        line = f"{r['method']:21s} {r['chapter']:2d} "
        line += " ".join(_cell(r[f]).rjust(18) for f in fields)
        lines.append(line + (f" {r['pictures']:8d} {r['seconds']:6.2f}" if cost else ""))
    return "\n".join(lines)


def _cell(value: dict | None) -> str:
    return "-" if value is None else f"{value['mean']:5.2f} ({value['low']:.2f}-{value['high']:.2f})"


def plot(rows: list[dict], fields=MEASURES, size: float = 2.3):
    """One panel per field: each method's mean (dot) and 95 % interval (bar), the methods the field
    cannot tell apart from the best in colour; returns the figure."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(fields), figsize=(size * len(fields) + 1.6, 0.27 * len(rows) + 1.2), sharey=True)
    places = range(len(rows))[::-1]
    for ax, field in zip(axes, fields):
        best = set(leaders(rows, field, higher_is_better=field not in LOWER_IS_BETTER))
        for y, r in zip(places, rows):
            if r[field] is None:
                continue
            colour = "tab:red" if r["method"] in best else "0.45"
            ax.plot([r[field]["low"], r[field]["high"]], [y, y], color=colour, lw=2.5, solid_capstyle="butt")
            ax.plot(r[field]["mean"], y, "o", color=colour, ms=4)
        better = "lower" if field in LOWER_IS_BETTER else "higher"
        ax.set_title(f"{field}\n({better} is better)", fontsize=9)
        ax.grid(axis="x", lw=0.4, alpha=0.5)
        ax.tick_params(labelsize=8)
    axes[0].set_yticks(list(places), [r["method"] for r in rows], fontsize=8)
    fig.suptitle("mean and 95 % interval over pictures and seeds; red: cannot be told apart from the best", fontsize=9)
    fig.tight_layout()
    return fig
