# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""How far apart two offline settings really are on the validation splits: a paired bootstrap over images.

    /usr/bin/python3 tools/analysis/bootstrap_offline.py --set td500val30=GT_DIR --set ic15lines100=... \\
        --set trainfit60=... --a KEEP_A:mean_0.4_0.1 --b KEEP_B:none_0.5_0 [--draws 4000] [--csv F]

Why: the selection rules (doc/runs/s2*_rule.md) ask a candidate for a lead of 0.010 in the mean F of three small
splits (30, 100 and 60 images). One line on val30 moves its F by about 0.006, so a lead measured once may be luck.
KEEP_X is a folder written by `verifier.py eval --keep` (one sub-folder SET_SETTING of detections per setting);
each setting's folder is scored by the C++ evaluator (icdar15), whose per-image counts (care lines, detections,
matches) are resampled here: each draw picks, per split, as many images as it has, with replacement, the same
images for A and B, and recomputes each split's F from the summed counts, then the mean of the splits.
Prints the measured difference (A - B), its 5th / 50th / 95th percentiles and the share of draws in which A leads.
"""
import argparse
import os
import re
import subprocess
import sys

import numpy as np

LINE = re.compile(r"^(\S+): gt_care=(\d+) gt_dontcare=\d+ det=(\d+) det_dontcare=(\d+) matched=(\d+) matched_det=(\d+)")


def per_image_counts(build, gt_dir, pred_dir):
    """{image: (care lines, scored detections, matched lines, matched detections)} from the evaluator's lines."""
    out = subprocess.run([os.path.join(build, "apps", "adaptive_text_eval", "adaptive_text_eval"),
                          "--gt=" + gt_dir, "--pred=" + pred_dir, "--protocol=icdar15"],
                         check=True, capture_output=True, text=True).stdout
    counts = {}
    for row in out.splitlines():
        m = LINE.match(row)
        if m:
            name, care, det, _, matched, matched_det = m.groups()
            counts[name] = (int(care), int(det), int(matched), int(matched_det))  # det: the scored ones
    return counts


def hmean(c):
    """F of summed counts (..., 4): recall over care lines, precision over scored detections."""
    r = c[..., 2] / np.maximum(c[..., 0], 1)
    p = np.where(c[..., 1] > 0, c[..., 3] / np.maximum(c[..., 1], 1), 0.0)
    return np.where(p + r > 0, 2 * p * r / np.maximum(p + r, 1e-12), 0.0)


def paired_bootstrap(sets_a, sets_b, draws, seed=0):
    """sets_x: [(images, 4) count arrays], one per split, rows in the same image order for A and B.
    Returns (measured mean-F difference, the draws' differences)."""
    rng = np.random.default_rng(seed)
    measured = np.mean([hmean(a.sum(0)) - hmean(b.sum(0)) for a, b in zip(sets_a, sets_b)])
    diffs = np.zeros(draws)
    for a, b in zip(sets_a, sets_b):
        idx = rng.integers(0, len(a), size=(draws, len(a)))
        diffs += hmean(a[idx].sum(1)) - hmean(b[idx].sum(1))
    return float(measured), diffs / len(sets_a)


def setting_counts(build, specs, setting):
    keep, tag = setting.split(":", 1)
    out = []
    for name, gt_dir in specs:
        counts = per_image_counts(build, gt_dir, os.path.join(keep, "%s_%s" % (name, tag)))
        out.append(counts)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build")
    ap.add_argument("--set", action="append", required=True, help="NAME=GT_DIR; repeatable, as in the eval")
    ap.add_argument("--a", required=True, help="KEEP_DIR:FUSION_THRESHOLD_FLOOR, e.g. runs/k:mean_0.4_0.1")
    ap.add_argument("--b", required=True, help="the setting A is compared with, e.g. runs/k:none_0.5_0")
    ap.add_argument("--draws", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    specs = [tuple(s.split("=", 1)) for s in args.set]
    ca, cb = setting_counts(args.build, specs, args.a), setting_counts(args.build, specs, args.b)
    sets_a, sets_b = [], []
    for (name, _), a, b in zip(specs, ca, cb):
        names = sorted(set(a) | set(b))
        empty = (0, 0, 0, 0)
        sets_a.append(np.array([a.get(n, empty) for n in names], float))
        sets_b.append(np.array([b.get(n, empty) for n in names], float))
        print("%s: %d images, F %.4f (A) %.4f (B)" % (name, len(names), hmean(sets_a[-1].sum(0)),
                                                     hmean(sets_b[-1].sum(0))))
    measured, diffs = paired_bootstrap(sets_a, sets_b, args.draws, args.seed)
    lo, mid, hi = np.percentile(diffs, [5, 50, 95])
    print("A - B: measured %+.4f; bootstrap 5%% %+.4f, median %+.4f, 95%% %+.4f; A ahead in %.1f%% of %d draws, "
          "by >= 0.010 in %.1f%%" % (measured, lo, mid, hi, 100 * np.mean(diffs > 0), args.draws,
                                    100 * np.mean(diffs >= 0.010)))


if __name__ == "__main__":
    sys.exit(main())
