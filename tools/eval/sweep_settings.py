#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Scores exported models in the C++ module over a grid of input sizes and score thresholds: the way the
shipped models' detector settings are chosen on a validation split (never on a test split).

    /usr/bin/python3 tools/eval/sweep_settings.py --build build --gt runs/x/val_gt \\
        --images ../shared/datasets/msra_td500/train/images --model a.onnx [--model b.onnx] \\
        --long_side 576,640,704 --score 0.5,0.6,0.7,0.8 [--protocol icdar15] [--csv out.csv]

--gt is a folder of NAME.txt ground truth (uniform format); only the images named there are run, found
under --images (any extension). The samples app runs once per model and long side at the lowest score;
higher thresholds are applied to its output, which is what the detector would return at that threshold
(its NMS keeps the higher-scored polygon, and a threshold only removes lower-scored ones).
"""
import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from training.atrr.scoring import evaluate, link_images, threshold, write_csv  # noqa: E402


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default="build", help="standalone build folder (samples app and evaluator)")
    ap.add_argument("--gt", required=True, help="ground-truth folder: NAME.txt per validation image")
    ap.add_argument("--images", required=True, help="folder holding NAME.jpg (or another extension)")
    ap.add_argument("--model", action="append", required=True, help="exported .onnx; repeatable")
    ap.add_argument("--long_side", default="640", help="comma list of long sides")
    ap.add_argument("--score", default="0.5,0.7", help="comma list of score thresholds")
    ap.add_argument("--nms", default="0.1", help="comma list of polygon-NMS IoU thresholds (the app's --nms; its default 0.1)")
    ap.add_argument("--small_side", type=int, default=0,
                    help="the app's --small_side: 0 one pass (the default here), -1 the detector's default, "
                         "else the second pass's side")
    ap.add_argument("--small_split", type=float, default=0.0, help="the app's --small_split (0: its default)")
    ap.add_argument("--verifier", default="", help="the app's --verifier (\"\": none)")
    ap.add_argument("--verifier_score", type=float, default=-1.0, help="the app's --verifier_score (-1: its default)")
    ap.add_argument("--protocol", default="icdar15")
    ap.add_argument("--csv", help="also write the table here")
    args = ap.parse_args(argv)
    sides = [int(v) for v in args.long_side.split(",")]
    scores = sorted(float(v) for v in args.score.split(","))
    nms_values = [float(v) for v in args.nms.split(",")]
    app = os.path.join(args.build, "samples", "adaptive_text_detection")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        images = os.path.join(tmp, "images")
        link_images(args.gt, args.images, images)
        for model in args.model:
            for side in sides:
                for nms in nms_values:
                    raw = os.path.join(tmp, "raw_%d_%g" % (side, nms))
                    subprocess.run([app, "--model=" + model, "--input=" + images, "--output=" + raw,
                                    "--long_side=%d" % side, "--score=%g" % scores[0], "--nms=%g" % nms,
                                    "--small_side=%d" % args.small_side, "--small_split=%g" % args.small_split,
                                    "--verifier=" + args.verifier, "--verifier_score=%g" % args.verifier_score],
                                   check=True, capture_output=True)
                    for score in scores:
                        kept = os.path.join(tmp, "kept_%d_%g_%g" % (side, nms, score))
                        threshold(raw, kept, score)
                        p, r, f = evaluate(args.build, args.gt, kept, args.protocol)
                        rows.append((model, side, score, nms, p, r, f))
                        print("%s long_side %d score %.2f%s: P %.3f R %.3f F %.3f"
                              % (model, side, score, " nms %.2f" % nms if len(nms_values) > 1 else "", p, r, f),
                              flush=True)
    if args.csv:
        write_csv(args.csv, "model,long_side,score,nms,precision,recall,hmean", "%s,%d,%g,%g,%.4f,%.4f,%.4f", rows)


if __name__ == "__main__":
    sys.exit(main())
