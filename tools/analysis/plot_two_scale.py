#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Plots a two_scale_offline.py table: F of each validation split and their mean against the second pass's
side, one line per split height (merge rule "score", second-pass threshold 0.5 unless --rule/--second_score).

    /usr/bin/python3 tools/analysis/plot_two_scale.py --csv runs/twoscale.csv --out doc/images/x.png
"""
import argparse
import collections
import csv

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--csv", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--rule", default="score")
    ap.add_argument("--second_score", type=float, default=0.5)
    ap.add_argument("--title", default="")
    args = ap.parse_args(argv)
    f = collections.defaultdict(dict)  # (split, side) -> {set: F}
    for r in csv.DictReader(open(args.csv)):
        if r["rule"] == args.rule and float(r.get("second_score", 0.5)) == args.second_score:
            f[(float(r["split"]), int(r["side"]))][r["set"]] = float(r["hmean"])
    sets = sorted({s for v in f.values() for s in v})
    splits = sorted({k[0] for k in f})
    fig, axes = plt.subplots(1, len(sets) + 1, figsize=(4 * (len(sets) + 1), 3.6), sharex=True)
    for ax, name in zip(axes, sets + ["three-split mean"]):
        for split in splits:
            sides = sorted(side for (sp, side) in f if sp == split)
            ys = [f[(split, s)][name] if name in sets else sum(f[(split, s)].values()) / len(f[(split, s)])
                  for s in sides]
            ax.plot(sides, ys, marker="o", label="split %g px" % split)
        ax.set_title(name)
        ax.set_xlabel("second pass, long side")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("F (icdar15 protocol)")
    axes[-1].legend(fontsize=8)
    if args.title:
        fig.suptitle(args.title)
    fig.tight_layout()
    fig.savefig(args.out, dpi=90)


if __name__ == "__main__":
    main()
