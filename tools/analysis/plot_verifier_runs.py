#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Curves of verifier training runs (training/atrr/verifier.py train logs): loss and AP on the held-out MLT-like
pool per epoch, against the detection score alone.

    /usr/bin/python3 tools/analysis/plot_verifier_runs.py --log v1=doc/runs/s25_verifier_v1_train.log \\
        --log v2=doc/runs/s26_verifier_v2_train.log --out doc/images/s26_verifier_curves.png
"""
import argparse
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

EPOCH = re.compile(r"epoch (\d+) loss ([0-9.]+) ([0-9.]+) s val AP ([0-9.]+) \(score alone ([0-9.]+)\)")


def read_log(path):
    """[(epoch, loss, seconds, AP, AP of the score alone)] of one log."""
    return [tuple(float(g) for g in m.groups()) for m in map(EPOCH.search, open(path)) if m]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--log", action="append", required=True, help="NAME=train log; repeatable")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    baseline = None
    for spec in args.log:
        name, path = spec.split("=", 1)
        rows = read_log(path)
        minutes = [r[2] / 60 for r in rows]
        left.plot(minutes, [r[1] for r in rows], "o-", label=name)
        right.plot(minutes, [r[3] for r in rows], "o-", label=name)
        baseline = rows[0][4]
    right.axhline(baseline, color="grey", ls="--", label="detection score alone")
    left.set(xlabel="training minutes", ylabel="training loss", title="loss")
    right.set(xlabel="training minutes", ylabel="AP, 40 held-out MLT-like images", title="candidate AP")
    for a in (left, right):
        a.grid(alpha=0.3)
        a.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out, dpi=100)
    print("wrote", args.out)


if __name__ == "__main__":
    main()
