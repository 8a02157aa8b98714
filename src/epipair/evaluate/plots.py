"""Figures as every epipair report writes them: matplotlib without a display, PNGs written
atomically (nothing half-written is left behind)."""

from __future__ import annotations

from ..io.atomic import atomic_path


def pyplot():
    """``matplotlib.pyplot`` on the Agg backend (no display needed), imported when first
    drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def save_png(fig, path) -> None:
    """``fig`` as a PNG at ``path`` (120 dpi, tight), then closed."""
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=120, bbox_inches="tight")
    pyplot().close(fig)
