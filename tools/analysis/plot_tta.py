#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Plots tta_offline.py tables: F of each validation split and their mean for every (view, fusion) at one
threshold, one group of bars per setting, the one-view baseline first and its mean drawn across.

    /usr/bin/python3 tools/analysis/plot_tta.py --csv a.csv [--csv b.csv] --out doc/images/x.png
"""
import argparse
import collections
import csv

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SETS = ("td500val30", "ic15lines100", "trainfit60")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", action="append", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--score", type=float, default=0.5)
    ap.add_argument("--title", default="")
    args = ap.parse_args(argv)
    f = collections.OrderedDict()  # "view fusion" -> {set: F}
    for path in args.csv:
        for r in csv.DictReader(open(path)):
            if float(r["score"]) == args.score:
                f.setdefault("%s %s" % (r["view"], r["fusion"]), {})[r["set"]] = float(r["hmean"])
    labels = [k for k in f if all(s in f[k] for s in SETS)]
    fig, ax = plt.subplots(figsize=(1.1 * len(labels) + 2, 4))
    width = 0.2
    for i, s in enumerate(SETS + ("mean",)):
        vals = [sum(f[k][x] for x in SETS) / len(SETS) if s == "mean" else f[k][s] for k in labels]
        ax.bar([j + (i - 1.5) * width for j in range(len(labels))], vals, width, label=s,
               color="black" if s == "mean" else None)
    base = sum(f["id none"][x] for x in SETS) / len(SETS)
    ax.axhline(base, color="gray", ls="--", lw=1)
    ax.axhline(base + 0.010, color="red", ls=":", lw=1, label="one view + 0.010 (the rule)")
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels([k.replace(" ", "\n") for k in labels], fontsize=8)
    ax.set_ylim(0.45, 1.02)
    ax.set_ylabel("F (icdar15 protocol), threshold %g" % args.score)
    ax.set_title(args.title)
    ax.legend(fontsize=7, ncol=5, loc="upper center")
    fig.tight_layout()
    fig.savefig(args.out, dpi=110)
    print(args.out)


if __name__ == "__main__":
    main()
