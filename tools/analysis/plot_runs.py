#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Several training runs on one figure: training loss (moving average) and validation F against the step,
e.g. the two arms of an A/B.

    /usr/bin/python3 tools/analysis/plot_runs.py --out doc/images/lines_ab.png \\
        plain=doc/runs/campaign_lines_w0125_plain_ab_metrics.csv merged=doc/runs/campaign_lines_w0125_merged_ab_metrics.csv

Runs validated elsewhere (e.g. on a GPU machine without the evaluator, scored here afterwards with the C++
module) add their points with `--val_points LABEL=STEP:F,STEP:F`, drawn in the run's colour.
"""
import argparse
import csv

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read(path):
    loss, val = [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            if row.get("loss"):
                loss.append((int(row["step"]), float(row["loss"])))
            if row.get("val_hmean"):
                val.append((int(row["step"]), float(row["val_hmean"])))
    return np.array(loss).reshape(-1, 2), np.array(val).reshape(-1, 2)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--smooth", type=int, default=5, help="moving-average window over logged losses")
    ap.add_argument("--title", default="")
    ap.add_argument("--val_points", action="append", default=[], metavar="LABEL=STEP:F,...",
                    help="validation F measured outside the run, e.g. A=0:0.830,974:0.800")
    ap.add_argument("--val_label", default="validation F (icdar15)")
    ap.add_argument("runs", nargs="+", metavar="LABEL=METRICS.csv")
    args = ap.parse_args(argv)
    extra = {}
    for item in args.val_points:
        label, points = item.split("=", 1)
        extra[label] = np.array([[float(v) for v in p.split(":")] for p in points.split(",")])
    fig, (ax_loss, ax_val) = plt.subplots(1, 2, figsize=(11, 4))
    for item in args.runs:
        label, path = item.split("=", 1)
        loss, val = read(path)
        if len(loss):
            k = max(1, min(args.smooth, len(loss)))
            smoothed = np.convolve(loss[:, 1], np.ones(k) / k, mode="valid")
            line, = ax_loss.plot(loss[k - 1:, 0], smoothed, label=label)
        if len(val):
            ax_val.plot(val[:, 0], val[:, 1], marker="o", label=label)
        if label in extra:
            ax_val.plot(extra[label][:, 0], extra[label][:, 1], marker="o", label=label,
                        color=line.get_color() if len(loss) else None)
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("training loss (moving average of %d logs)" % args.smooth)
    ax_val.set_xlabel("step")
    ax_val.set_ylabel(args.val_label)
    for ax in (ax_loss, ax_val):
        ax.grid(alpha=0.3)
        ax.legend()
    if args.title:
        fig.suptitle(args.title)
    fig.tight_layout()
    fig.savefig(args.out, dpi=90)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
