#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Curves of cheap-stem runs (training/atrr/stem_distill.py's CSV logs): the stem's and the backbone's error
against the teacher (each over the teacher's per-channel variance) by training minute.

    /usr/bin/python3 tools/analysis/plot_stem_runs.py --log S=doc/runs/s29_stem_a.csv \
        --log S2=doc/runs/s29_stem_b.csv@40 --out doc/images/s29_stem_curves.png

A log given as NAME=CSV@M starts at minute M (a run initialised from another one's end).
"""
import argparse
import csv

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_log(path):
    """{column: [floats]} of one CSV log."""
    with open(path) as f:
        rows = list(csv.DictReader(f))
    return {k: [float(r[k]) for r in rows] for k in ("step", "minutes", "stem_error", "feature_error")}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--log", action="append", required=True, help="NAME=CSV log[@start minute]; repeatable")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for spec in args.log:
        name, path = spec.split("=", 1)
        path, _, offset = path.partition("@")
        log = read_log(path)
        log["minutes"] = [m + float(offset or 0) for m in log["minutes"]]
        axes[0].plot(log["minutes"], log["stem_error"], label=name, linewidth=0.8)
        axes[1].plot(log["minutes"], log["feature_error"], label=name, linewidth=0.8)
    for ax, title in zip(axes, ("stage-1 output (the stem)", "backbone output (what the RPN reads)")):
        ax.set_title(title)
        ax.set_xlabel("training minutes (2 threads)")
        ax.set_ylabel("squared error / teacher variance")
        ax.set_yscale("log")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("Cheap stem against soup8's stage 1 (25-step means of 4 crops of 320 px)")
    fig.tight_layout()
    fig.savefig(args.out, dpi=90)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
