#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Plots container_offline.py --diagnose tables: for each kind of missed care line (none / merged / loose),
how many have a candidate at IoU >= 0.5 in the pool before the NMS, by that candidate's score, so that one
sees what a rule over the pool could still recover (a candidate scored >= 0.3) and what only a better score
could (0.02-0.3).

    /usr/bin/python3 tools/analysis/plot_miss_pool.py --csv diag_at_0.02.csv --out doc/images/x.png
"""
import argparse
import csv

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

KINDS = ("none", "merged", "loose")
BANDS = (("no candidate at IoU >= 0.5", None), ("best candidate scored 0.02-0.1", (0.0, 0.1)),
         ("0.1-0.3", (0.1, 0.3)), ("0.3-0.5 (a threshold or rule could reach it)", (0.3, 1.01)))


def band_of(row):
    if float(row["best_pool_iou"]) < 0.5:
        return 0
    s = float(row["best_pool_score"])
    return next(i for i, (_, r) in enumerate(BANDS) if r and r[0] <= s < r[1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--title", default="missed care lines on the validation splits, and the pool before the NMS")
    args = ap.parse_args(argv)
    rows = list(csv.DictReader(open(args.csv)))
    counts = [[sum(1 for r in rows if r["kind"] == k and band_of(r) == b) for k in KINDS] for b in range(len(BANDS))]
    fig, ax = plt.subplots(figsize=(7, 4))
    bottom = [0] * len(KINDS)
    colors = ("#bbbbbb", "#f4a582", "#d6604d", "#2166ac")
    for (label, _), c, color in zip(BANDS, counts, colors):
        ax.bar(KINDS, c, bottom=bottom, label=label, color=color)
        bottom = [a + b for a, b in zip(bottom, c)]
    for i, total in enumerate(bottom):
        ax.text(i, total + 1, str(total), ha="center")
    ax.set_ylabel("missed care lines")
    ax.set_title(args.title, fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print("wrote %s" % args.out)


if __name__ == "__main__":
    main()
