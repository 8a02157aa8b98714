"""Figures and the Markdown summary of the evaluation."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..io.atomic import write_text, write_tsv
from ..io.tables import BENCHMARK_METRICS, INTERPRET_MOTIFS, METRICS, PREDICTIONS
from ..model.metrics import distance_score
from ..prep.splits import SINGLE
from .plots import pyplot, save_png

log = logging.getLogger(__name__)
PROTOCOL_LABEL = {
    "paper": "paper (each model's published protocol: test data seen in training)",
    "random_holdout": "random holdout (pairs held out before augmenting: shared elements)",
    "leakage_free": "leakage-free (chromosomes held out)",
}
PROTOCOL_COLOR = {"paper": "tab:red", "random_holdout": "tab:orange", "leakage_free": "tab:blue"}
PROTOCOL_LINE = {"paper": "--", "random_holdout": "-.", "leakage_free": "-"}


def aupr_matrix(metrics: pd.DataFrame, model: str, protocol: str, path) -> None:
    """Heatmap of AUPR, train cell lines in rows, test cell lines in columns."""
    plt = pyplot()
    metrics = pooled(metrics)
    sub = metrics[(metrics["model"] == model) & (metrics["protocol"] == protocol)]
    cells = list(dict.fromkeys(list(sub["train_cell"]) + list(sub["test_cell"])))
    mat = np.full((len(cells), len(cells)), np.nan)
    base = {}
    for r in sub.itertuples():
        mat[cells.index(r.train_cell), cells.index(r.test_cell)] = r.aupr
        base[r.test_cell] = r.base_rate
    fig, ax = plt.subplots(figsize=(1.3 * len(cells) + 2.5, 1.1 * len(cells) + 1.8))
    im = ax.imshow(mat, vmin=0, vmax=1, cmap="viridis")
    for i in range(len(cells)):
        for j in range(len(cells)):
            if np.isfinite(mat[i, j]):
                ax.text(
                    j,
                    i,
                    f"{mat[i, j]:.2f}",
                    ha="center",
                    va="center",
                    color="white" if mat[i, j] < 0.6 else "black",
                    fontsize=9,
                )
    ax.set_xticks(
        range(len(cells)), [f"{c}\nbase {base.get(c, np.nan):.3f}" for c in cells], fontsize=8
    )
    ax.set_yticks(range(len(cells)), cells, fontsize=8)
    ax.set_xlabel("test cell line (base rate = AUPR of a random scorer)")
    ax.set_ylabel("train cell line")
    ax.set_title(f"{model}: AUPR, {PROTOCOL_LABEL.get(protocol, protocol)}", fontsize=9)
    fig.colorbar(im, ax=ax, label="AUPR")
    save_png(fig, path)


def pr_curves(prediction_files: dict, path) -> None:
    """Within-cell-line precision-recall curves, one panel per cell line."""
    from sklearn.metrics import precision_recall_curve

    plt = pyplot()
    cells = sorted({k[2] for k in prediction_files})
    fig, axes = plt.subplots(1, len(cells), figsize=(4 * len(cells), 3.8), squeeze=False)
    for ax, cell in zip(axes[0], cells):
        base = None
        for (model, protocol, train, test), f in sorted(prediction_files.items()):
            if train != cell or test != cell:
                continue
            pred = PREDICTIONS.read(f)
            if pred["label"].nunique() < 2:
                continue
            prec, rec, _ = precision_recall_curve(pred["label"], pred["score"])
            ax.plot(
                rec,
                prec,
                lw=1.2,
                ls=PROTOCOL_LINE.get(protocol, ":"),
                label=f"{model} ({protocol})",
            )
            if protocol == "leakage_free":
                base = pred["label"].mean()
        if base is not None:
            ax.axhline(base, color="grey", lw=0.8, ls=":", label=f"base rate {base:.3f}")
        ax.set(title=cell, xlabel="recall", ylabel="precision", xlim=(0, 1), ylim=(0, 1.02))
        ax.legend(fontsize=6)
    fig.suptitle(
        "Precision-recall, within cell line (solid: leakage-free; dash-dot: random holdout; "
        "dashed: paper)",
        fontsize=10,
    )
    save_png(fig, path)


def protocol_comparison(metrics: pd.DataFrame, path) -> None:
    """Within-cell AUPR per model under each protocol (paper, random holdout, leakage-free),
    95% intervals; each bar is labelled with its test set's positive share, since AUPR is
    measured against it (a dotted line marks it)."""
    plt = pyplot()
    metrics = pooled(metrics)
    within = metrics[metrics["train_cell"] == metrics["test_cell"]]
    cells = list(dict.fromkeys(within["train_cell"]))
    models = list(dict.fromkeys(within["model"]))
    protocols = [p for p in PROTOCOL_LABEL if p in set(within["protocol"])]
    fig, axes = plt.subplots(
        1,
        len(cells),
        figsize=(max(4, 1.5 * len(models)) * len(cells), 4.2),
        squeeze=False,
        sharey=True,
    )
    width = 0.8 / max(len(protocols), 1)
    for ax, cell in zip(axes[0], cells):
        for k, protocol in enumerate(protocols):
            sub = within[(within["train_cell"] == cell) & (within["protocol"] == protocol)]
            sub = sub.set_index("model").reindex(models)
            x = np.arange(len(models)) + (k - (len(protocols) - 1) / 2) * width
            err = np.vstack([sub["aupr"] - sub["aupr_low"], sub["aupr_high"] - sub["aupr"]])
            ax.bar(
                x,
                sub["aupr"],
                width,
                yerr=np.nan_to_num(err),
                capsize=2,
                label=PROTOCOL_LABEL[protocol],
                color=PROTOCOL_COLOR[protocol],
            )
            for xi, share in zip(x, sub["base_rate"]):
                if np.isfinite(share):
                    ax.hlines(share, xi - width / 2, xi + width / 2, color="k", ls=":", lw=1)
                    ax.text(xi, 0.01, f"{share:.2f}", ha="center", va="bottom", fontsize=5,
                            rotation=90, color="white")  # fmt: skip
        ax.set_xticks(range(len(models)), models, rotation=30, fontsize=8)
        ax.set(title=cell, ylim=(0, 1))
    axes[0][0].set_ylabel("AUPR (95% bootstrap interval)")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, fontsize=8)
    fig.suptitle(
        "Within cell line; dotted line and number on each bar: its test set's positive share",
        fontsize=9,
    )
    save_png(fig, path)


MODALITY_COLOR = {
    "epigenome": "tab:green",
    "sequence": "tab:purple",
    "sequence + epigenome": "tab:brown",
    "distance": "tab:gray",
    "activity x contact": "black",
    "distance + activity x contact": "tab:orange",
}


def modality(model: str) -> str:
    """What a model reads: ``epigenome``, ``sequence``, ``sequence + epigenome`` or
    ``distance`` (Xiao et al.'s comparison)."""
    from ..model.registry import spec

    s = spec(model)
    if s.reads_elements:
        return "activity x contact"
    if s.reads_pair_features:
        return "distance + activity x contact"
    if s.reads_sequence and s.reads_signal:
        return "sequence + epigenome"
    return "sequence" if s.reads_sequence else "epigenome" if s.reads_signal else "distance"


def modality_comparison(metrics: pd.DataFrame, path) -> None:
    """Xiao et al.'s question per cell line: within-cell AUPR of the models that read the
    epigenome, the sequence or both (bars: leakage-free, 95% intervals; red ticks: the
    model's paper protocol; dotted: the leakage-free test set's positive share)."""
    plt = pyplot()
    metrics = pooled(metrics)
    within = metrics[metrics["train_cell"] == metrics["test_cell"]]
    cells = list(dict.fromkeys(within["train_cell"]))
    order = list(MODALITY_COLOR)
    models = sorted(dict.fromkeys(within["model"]), key=lambda m: order.index(modality(m)))
    fig, axes = plt.subplots(
        1, len(cells), figsize=(max(4, 0.7 * len(models)) * len(cells), 4.2), squeeze=False,
        sharey=True,
    )  # fmt: skip
    for ax, cell in zip(axes[0], cells):
        sub = within[within["train_cell"] == cell]
        free = sub[sub["protocol"] == "leakage_free"].set_index("model").reindex(models)
        paper = sub[sub["protocol"] == "paper"].set_index("model").reindex(models)
        x = np.arange(len(models))
        err = np.vstack([free["aupr"] - free["aupr_low"], free["aupr_high"] - free["aupr"]])
        colors = [MODALITY_COLOR[modality(m)] for m in models]
        ax.bar(x, free["aupr"], 0.7, yerr=np.nan_to_num(err), capsize=2, color=colors)
        ax.scatter(x, paper["aupr"], marker="_", s=200, color="tab:red", zorder=3)
        base = free["base_rate"].dropna()
        if len(base):
            ax.axhline(base.iloc[0], color="k", ls=":", lw=1)
        ax.set_xticks(x, models, rotation=40, fontsize=7, ha="right")
        ax.set(title=cell, ylim=(0, 1))
    axes[0][0].set_ylabel("within-cell AUPR")
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in MODALITY_COLOR.values()]
    handles.append(plt.Line2D([], [], color="tab:red", marker="_", ls="", markersize=12))
    fig.legend(
        handles, [*MODALITY_COLOR, "paper protocol"], loc="upper center",
        bbox_to_anchor=(0.5, -0.12), ncol=5, fontsize=8,
    )  # fmt: skip
    fig.suptitle(
        "Epigenome, sequence or both (Xiao et al.): leakage-free bars, paper protocol ticks",
        fontsize=9,
    )
    save_png(fig, path)


def protocol_shares(metrics: pd.DataFrame) -> pd.DataFrame:
    """Per protocol and model: the positive share of its within-cell test sets (range over
    cell lines) and what they hold. Under ``paper`` each model has its own published test set
    (``epipair.prep.splits.PAPER_SCHEMES``)."""
    within = pooled(metrics)
    within = within[within["train_cell"] == within["test_cell"]]
    rows = []
    for (protocol, model), sub in within.groupby(["protocol", "model"], sort=False):
        share = sub["n_pos"] / sub["n"]
        lo, hi = f"{share.min():.3f}", f"{share.max():.3f}"
        n_lo, n_hi = sub["n"].min(), sub["n"].max()
        rows.append(
            {
                "protocol": protocol,
                "model": model,
                "test pairs or instances": f"{n_lo}" if n_lo == n_hi else f"{n_lo}-{n_hi}",
                "positive share": lo if lo == hi else f"{lo}-{hi}",
            }
        )
    return pd.DataFrame(rows)


def leakage_table(audit_files: dict) -> pd.DataFrame:
    return pd.concat(
        [pd.read_csv(f, sep="\t") for _, f in sorted(audit_files.items())], ignore_index=True
    )


def _fmt(v, lo=None, hi=None):
    if v is None or not np.isfinite(v):
        return "—"
    if lo is None or not np.isfinite(lo):
        return f"{v:.3f}"
    return f"{v:.3f} [{lo:.3f}, {hi:.3f}]"


def _md_table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    lines = ["| " + " | ".join(map(str, cols)) + " |", "|" + "---|" * len(cols)]
    for row in df.itertuples(index=False):
        lines.append("| " + " | ".join(str(v) for v in row) + " |")
    return "\n".join(lines)


def pooled(metrics: pd.DataFrame) -> pd.DataFrame:
    """The pooled rows of a metrics table (fold ``all``: every test pair once)."""
    return metrics[metrics["fold"] == SINGLE]


def fold_spread(metrics: pd.DataFrame) -> pd.DataFrame:
    """Per model, protocol and cell line under cross-validation: AUPR of each fold, their
    range and the pooled AUPR (empty without cross-validation)."""
    folds = metrics[(metrics["fold"] != SINGLE) & (metrics["train_cell"] == metrics["test_cell"])]
    all_rows = pooled(metrics).set_index(["model", "protocol", "train_cell", "test_cell"])
    rows = []
    for (model, protocol, cell), sub in folds.groupby(
        ["model", "protocol", "train_cell"], sort=False
    ):
        sub = sub.sort_values("fold", key=lambda s: s.astype(int))
        pooled_aupr = all_rows.loc[(model, protocol, cell, cell), "aupr"]
        rows.append(
            {
                "model": model,
                "protocol": protocol,
                "cell line": cell,
                "folds": len(sub),
                "AUPR per fold": ", ".join(_fmt(v) for v in sub["aupr"]),
                "range": f"{sub['aupr'].min():.3f}-{sub['aupr'].max():.3f}",
                "sd": f"{sub['aupr'].std(ddof=1):.3f}" if len(sub) > 1 else "—",
                "pooled AUPR": _fmt(pooled_aupr),
                "base rate per fold": ", ".join(f"{v:.3f}" for v in sub["base_rate"]),
            }
        )
    return pd.DataFrame(rows)


def _trained_label(row) -> str:
    """``model``, or ``model [group]`` for a train group's model (and its distance_prior)."""
    if row.trained_on == row.cell_line:
        return row.model
    return f"{row.model} [{row.trained_on}]"


def benchmark_figure(bench: pd.DataFrame, path, score_files: dict | None = None) -> None:
    """Per benchmark: AUPR of each model with 95% intervals beside distance_prior and the base
    rate (red: below the distance score) and, given ``score_files`` (``{(benchmark, cell,
    trained on, model, protocol): scores.tsv}``), every model's PR curve on one plot with
    distance_prior (grey, dashed), abc (black) and abc's threshold as a point. A model of a
    train group is labelled ``model [group]``."""
    plt = pyplot()
    names = list(dict.fromkeys(bench["benchmark"])) or ["(no benchmark)"]
    n_rows = 2 if score_files else 1
    fig, axes = plt.subplots(
        n_rows, len(names), figsize=(4.2 * len(names), 3.6 * n_rows), squeeze=False
    )
    for ax, name in zip(axes[0], names):
        _benchmark_bars(ax, bench[bench["benchmark"] == name].reset_index(drop=True), name)
    axes[0][0].legend(fontsize=7, loc="lower right")
    for ax, name in zip(axes[1] if score_files else [], names):
        files = {
            _trained_label(SimpleNamespace(cell_line=k[1], trained_on=k[2], model=k[3])): v
            for k, v in score_files.items()
            if k[0] == name
        }
        _benchmark_curves(ax, files, bench[bench["benchmark"] == name])
    fig.suptitle(
        "Independent benchmarks: red = below the distance score; PR curves below", fontsize=9
    )
    save_png(fig, path)


def _benchmark_bars(ax, sub: pd.DataFrame, name: str) -> None:
    """One benchmark's AUPR bars with intervals; red where below its distance prior."""
    y = np.arange(len(sub))
    priors = sub[sub["model"] == "distance_prior"].set_index("trained_on")["aupr"]
    colors = [
        "tab:grey"
        if m == "distance_prior"
        else ("tab:red" if a < priors.get(t, np.nan) else "tab:blue")
        for m, a, t in zip(sub["model"], sub["aupr"], sub["trained_on"])
    ]
    err = np.vstack([sub["aupr"] - sub["aupr_low"], sub["aupr_high"] - sub["aupr"]])
    ax.barh(y, sub["aupr"], xerr=np.nan_to_num(err), color=colors, capsize=2)
    ax.set_yticks(y, [_trained_label(r) for r in sub.itertuples()], fontsize=8)
    if len(sub):
        ax.axvline(sub["base_rate"].iloc[0], color="black", ls=":", lw=1, label="base rate")
        cell = sub["cell_line"].iloc[0]
        n, n_pos = int(sub["n"].iloc[0]), int(sub["n_pos"].iloc[0])
        ax.set_title(f"{name} ({cell}, {n} pairs, {n_pos} positive)", fontsize=8)
    ax.set_xlabel("AUPR (95% interval)")
    top = np.nanmax(np.r_[sub["aupr_high"], sub["aupr"], 0.05]) if len(sub) else 1.0
    ax.set_xlim(0, min(1.0, 1.15 * top))


def _benchmark_curves(ax, files: dict, rows: pd.DataFrame) -> None:
    """One benchmark's PR curves (``files``: ``{label: scores.tsv}``), the distance prior
    once, and each threshold of ``rows`` as a point."""
    from sklearn.metrics import precision_recall_curve

    from ..io.tables import BENCHMARK_SCORES

    style = {"distance_prior": ("tab:grey", "--", 1.6), "abc": ("black", "-", 1.6)}
    prior_done = False
    for model, file in files.items():
        scores = BENCHMARK_SCORES.read(file)
        curves = [(model, scores["score"].to_numpy(float))]
        if not prior_done:
            curves.append(("distance_prior", distance_score(scores)))
            prior_done = True
        for label, s in curves:
            prec, rec, _ = precision_recall_curve(scores["label"], s)
            color, ls, lw = style.get(label, (None, "-", 0.8))
            ax.plot(rec, prec, color=color, ls=ls, lw=lw, label=label)
    for r in rows[rows["threshold"].notna()].itertuples():
        ax.plot(r.threshold_recall, r.threshold_precision, "ko", ms=5)
        ax.annotate(f"{r.model} > {r.threshold:g}", (r.threshold_recall, r.threshold_precision),
                    fontsize=7, xytext=(4, 4), textcoords="offset points")  # fmt: skip
    ax.axvline(0.7, color="black", ls=":", lw=0.8)
    ax.set_xlabel("recall (dotted: 70%)")
    ax.set_ylabel("precision")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=6, loc="upper right", ncol=2)


def benchmark_markdown(bench: pd.DataFrame) -> str:
    """The summary's benchmark section: every model beside distance_prior."""
    out = [
        "## Independent benchmarks",
        "",
        "Pairs labelled another way (BENGI: Hi-C or ChIA-PET; CRISPRi screens: an element's",
        "perturbation changed the gene's expression; negatives not distance-matched, see the",
        "base rate of each set), scored by the leakage_free models of a cell line (or of a",
        "train group, `trained_on`) on chromosomes they never trained on. `distance_prior`",
        "ranks pairs by distance alone (closer first), with no training; `abc` is the",
        "Activity-by-Contact model as released, which trains nothing; `e2g` and `e2g_gbm` learn",
        "from distance, gene rank, activity and contact (epipair.model.e2g). P@70%R: precision at",
        "70% recall, ABC's own operating point.",
        "",
    ]
    tab = bench.assign(
        AUPR=[_fmt(r.aupr, r.aupr_low, r.aupr_high) for r in bench.itertuples()],
        AUROC=[_fmt(r.auroc, r.auroc_low, r.auroc_high) for r in bench.itertuples()],
        base_rate=bench["base_rate"].map(lambda v: f"{v:.3f}"),
        **{"P@70%R": bench["precision_at_70_recall"].map(lambda v: f"{v:.3f}")},
    )
    cols = ["benchmark", "cell_line", "trained_on", "model", "protocol", "n", "n_pos"]
    cols += ["base_rate"]
    out += [_md_table(tab[cols + ["AUPR", "AUROC", "P@70%R"]]), ""]
    for r in bench[bench["threshold"].notna()].itertuples():
        out += [
            f"{r.benchmark}: {r.model} above its threshold {r.threshold:g}: precision "
            f"{r.threshold_precision:.3f}, recall {r.threshold_recall:.3f}.",
            "",
        ]
    for (name, trained_on), sub in bench.groupby(["benchmark", "trained_on"], sort=False):
        prior = sub.loc[sub["model"] == "distance_prior", "aupr"]
        if not len(prior):
            continue
        below = sub[(sub["model"] != "distance_prior") & (sub["aupr"] < prior.iloc[0])]
        if len(below):
            out += [
                f"**{name} (models of {trained_on}): {', '.join(below['model'])} score(s) "
                f"below the distance score (AUPR {prior.iloc[0]:.3f}).**",
                "",
            ]
    return "\n".join(out)


SUMMARY_INTRO = [
    "# epipair evaluation summary",
    "",
    "AUPR and AUROC with 95% stratified bootstrap intervals. Three protocols separate",
    "two leaks. `paper`: each model's own published protocol (docs/protocols.md): SPEID",
    "and Zhuang et al. scored data their models trained on; models without one augment",
    "before a random split, so test positives have shifted copies in training (first",
    "leak), at a positive share near 0.5. `random_holdout`: pairs held out at random",
    "before augmentation and scored once",
    "at the labels' positive share; no copies, but test pairs share enhancers and",
    "promoters with training pairs (second leak). `leakage_free`: whole chromosomes held",
    "out, neither leak. AUPR depends on the test set's positive share (below): compare",
    "a number only with numbers measured at the same share. A leakage-free AUPR near the",
    "base rate is not by itself a bug.",
    "",
]
PUBLISHED_INTRO = [
    "## Published numbers beside ours",
    "",
    "Only values that can be cited to their source are listed (resources/published.tsv;",
    "SPEID's are read from its repository's figure). Published evaluation sets differ",
    "from all three of ours: see docs/protocols.md before comparing. Ours are shown only",
    "beside numbers measured on TargetFinder pairs; ABC's (K562 CRISPRi screens) compare",
    "with a `crispri` benchmark in the section below, which epipair never fetches itself;",
    "TransEPI's (BENGI Hi-C of cell lines it never trained on, per fold of its own",
    "chromosome groups) with a `bengi` benchmark of that cell line.",
    "",
]


def summary_markdown(
    metrics: pd.DataFrame,
    leakage: pd.DataFrame,
    published: pd.DataFrame,
    benchmarks: pd.DataFrame | None = None,
) -> str:
    """The evaluation summary: test sets, within and across cell lines, published numbers
    beside ours, the leakage audit, the folds' spread and the benchmarks."""
    spread = fold_spread(metrics)
    metrics = pooled(metrics)
    within = metrics[metrics["train_cell"] == metrics["test_cell"]].copy()
    out = list(SUMMARY_INTRO)
    if len(within):
        out += ["## Test sets per protocol", "", _md_table(protocol_shares(metrics)), ""]
    out += ["## Within cell line", "", _md_table(_within_table(within)), ""]
    out += PUBLISHED_INTRO
    if len(published):
        out += [_md_table(_published_table(published, within)), ""]
    out += _across_sections(metrics)
    out += _leakage_section(leakage)
    if len(spread):
        out += [
            "## Cross-validation folds",
            "",
            "Each fold holds out whole chromosomes; every pair is tested once. The spread across",
            "folds is the uncertainty a single held-out split hides.",
            "",
            _md_table(spread),
            "",
        ]
    if benchmarks is not None and len(benchmarks):
        out += [benchmark_markdown(benchmarks), ""]
    return "\n".join(out)


def _within_table(within: pd.DataFrame) -> pd.DataFrame:
    """Within-cell rows with their intervals formatted."""
    tab = within.assign(
        AUPR=[_fmt(r.aupr, r.aupr_low, r.aupr_high) for r in within.itertuples()],
        AUROC=[_fmt(r.auroc, r.auroc_low, r.auroc_high) for r in within.itertuples()],
        base_rate=within["base_rate"].map(lambda v: f"{v:.3f}"),
    )[["model", "protocol", "train_cell", "n", "n_pos", "base_rate", "AUPR", "AUROC"]]
    return tab.rename(columns={"train_cell": "cell line"})


def _published_table(published: pd.DataFrame, within: pd.DataFrame) -> pd.DataFrame:
    """Each published number beside ours under the three protocols, where measured on the
    same kind of set (TargetFinder pairs)."""
    ours = within.set_index(["model", "protocol", "train_cell"])
    rows = []
    for r in published.itertuples():
        same_set = str(getattr(r, "measured_on", "TargetFinder")).startswith("TargetFinder")

        def get(protocol, metric, r=r, same_set=same_set):
            key = (r.model, protocol, r.cell_line)
            ok = same_set and key in ours.index and metric in ours.columns
            return _fmt(ours.loc[key, metric]) if ok else "—"

        value = r.value if isinstance(r.value, str) or np.isfinite(r.value) else ""
        rows.append(
            {
                "model": r.model,
                "cell line": r.cell_line,
                "metric": r.metric,
                "published": value,
                "source": r.source,
                "measured on": getattr(r, "measured_on", ""),
                "ours (paper protocol)": get("paper", r.metric),
                "ours (random holdout)": get("random_holdout", r.metric),
                "ours (leakage-free)": get("leakage_free", r.metric),
            }
        )
    return pd.DataFrame(rows)


def _across_sections(metrics: pd.DataFrame) -> list[str]:
    """The cross-cell-line AUPR matrices, one per model and protocol (none without
    cross-cell rows)."""
    if not len(metrics[metrics["train_cell"] != metrics["test_cell"]]):
        return []
    out = ["## Across cell lines (AUPR; rows: train, columns: test)", ""]
    for (model, protocol), sub in metrics.groupby(["model", "protocol"], sort=False):
        mat = sub.pivot(index="train_cell", columns="test_cell", values="aupr")
        mat = mat.map(lambda v: _fmt(v)).reset_index()
        mat = mat.rename(columns={"train_cell": "train \\ test"})
        out += [f"### {model}, {protocol}", "", _md_table(mat), ""]
    return out


def _leakage_section(leakage: pd.DataFrame) -> list[str]:
    """The leakage audit as percentages."""
    out = [
        "## Leakage audit",
        "",
        "Share of test pairs whose enhancer or promoter overlaps an element of a training",
        "pair, and share of test positives with a (shifted) copy in training.",
        "",
    ]
    lk = leakage.copy()
    for c in ("test_share_element_in_train", "test_pos_copy_in_train", "pos_share_element"):
        lk[c] = lk[c].map(lambda v: f"{100 * v:.1f}%" if np.isfinite(v) else "—")
    return out + [_md_table(lk), ""]


def interpret_markdown(tables: dict, q_max: float = 0.05, top: int = 10) -> str:
    """The summary's interpretation section: per interpreted model, protocol and cell line
    (``tables``: ``{(model, protocol, cell): motifs.tsv table}``), the motifs matched at
    q < ``q_max``, best first."""
    out = [
        "## What the models learned",
        "",
        f"Filter motifs and TF-MoDISco patterns matched with Tomtom at q < {q_max} (best",
        f"{top} per model; results/interpret/<model>/<protocol>/<cell>/motifs.tsv has all).",
        "",
    ]
    for (model, protocol, cell), tab in tables.items():
        hits = tab[tab["q_value"] < q_max].sort_values(["q_value", "motif_id"], kind="stable")
        n_motifs = tab["motif_id"].nunique()
        out += [f"### {model}, {protocol}, {cell}", ""]
        if hits.empty:
            out += [f"None of its {n_motifs} motifs matches a database motif at q < {q_max}.", ""]
            continue
        shown = hits.head(top).assign(q_value=hits["q_value"].map(lambda v: f"{v:.2g}"))
        cols = ["motif_id", "source", "n_sites", "consensus", "database", "match_id"]
        out += [_md_table(shown[cols + ["match_name", "q_value"]]), ""]
        out += [f"{hits['motif_id'].nunique()} of {n_motifs} motifs matched.", ""]
    return "\n".join(out)


def write_summary(
    metrics_path,
    leakage_path,
    published_path,
    out_path,
    benchmarks_path=None,
    interpret_paths: dict | None = None,
    schedules=None,
):
    """``interpret_paths``: ``{(model, protocol, cell): motifs.tsv}`` of the interpreted
    models; ``schedules``: ``[(model, protocol, how it trained), ...]``
    (``epipair.model.registry.schedule_text``)."""
    metrics = METRICS.read(metrics_path)
    leakage = pd.read_csv(leakage_path, sep="\t")
    published = pd.read_csv(published_path, sep="\t", comment="#")
    bench = BENCHMARK_METRICS.read(benchmarks_path) if benchmarks_path else None
    text = summary_markdown(metrics, leakage, published, bench)
    if interpret_paths:
        tables = {k: INTERPRET_MOTIFS.read(p) for k, p in interpret_paths.items()}
        text += "\n" + interpret_markdown(tables) + "\n"
    if schedules:
        text += "\n" + schedules_markdown(schedules) + "\n"
    write_text(text, out_path)


def schedules_markdown(schedules) -> str:
    """Which training schedule produced each model's numbers, per protocol."""
    rows = ["| model | protocol | schedule |", "|---|---|---|"]
    rows += [f"| {m} | {p} | {text} |" for m, p, text in schedules]
    return "\n".join(["## Training schedules", "", *rows])


def write_leakage(audit_files: dict, out_path) -> None:
    write_tsv(leakage_table(audit_files), out_path)
