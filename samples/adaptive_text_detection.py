#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Arbitrary-shape text detection with cv2.AdaptiveTextDetector (the cv2 built from OpenCV's source with
the adaptivetext module: tools/build_with_opencv.sh BUILD_DIR, then PYTHONPATH=BUILD_DIR/lib/python3).

    adaptive_text_detection.py --input IMAGE_OR_FOLDER [--model M.onnx] [--output DIR]

Writes NAME.txt (one detection a line: x1,y1,...,xn,yn,score) and NAME.png per image, like the C++ app.
Exit codes, as the C++ app: 0 all inputs done, 1 an input or a write failed (listed on stderr), 2 a bad option.
"""
import argparse
import os
import sys
import time

import cv2
import numpy as np

from adaptive_text_checks import int_in, prepare_output_dir, unit_interval, write_checked

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
PALETTE = [(0, 220, 0), (0, 140, 255), (255, 80, 0), (220, 0, 220), (0, 220, 220), (255, 200, 0)]
# The detector's bounds (detector.hpp, AdaptiveTextDetector::InputSizeLimits); argparse turns a value outside
# them into a usage error (exit code 2) before any work.
MAX_INPUT_SIDE = getattr(cv2, "AdaptiveTextDetector_MAX_INPUT_SIDE", 4096)
MIN_SIDE_LENGTH = getattr(cv2, "AdaptiveTextDetector_MIN_SIDE_LENGTH", 16)


def write_results(out_dir, name, image, polygons, scores):
    lines = "".join(",".join(str(int(v)) for v in poly.ravel()) + ",%.4f\n" % score
                    for poly, score in zip(polygons, scores))
    write_checked(os.path.join(out_dir, name + ".txt"), lines.encode())
    # imencode + a checked write, not cv2.imwrite: that reported success for a small PNG on a full device.
    ok, png = cv2.imencode(".png", draw(image, polygons, scores))
    if not ok:
        raise OSError("cannot encode %s.png" % name)
    write_checked(os.path.join(out_dir, name + ".png"), png.tobytes())


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", "-i", required=True, help="an image or a folder of images")
    p.add_argument("--model", "-m", default="", help="adaptivetext .onnx model, or \"lines\" (the default) or \"words\" for a shipped model")
    p.add_argument("--score", type=unit_interval, default=0.7, help="minimum text score, in [0, 1]")
    p.add_argument("--nms", type=unit_interval, default=0.1, help="polygon-IoU threshold of the NMS, in [0, 1]")
    p.add_argument("--width", type=int_in(1, MAX_INPUT_SIDE, 0), default=0,
                   help="fixed network input width (with --height), 1..%d" % MAX_INPUT_SIDE)
    p.add_argument("--height", type=int_in(1, MAX_INPUT_SIDE, 0), default=0,
                   help="fixed network input height (with --width), 1..%d" % MAX_INPUT_SIDE)
    p.add_argument("--long_side", type=int_in(MIN_SIDE_LENGTH, MAX_INPUT_SIDE, 0), default=0,
                   help="keep aspect, long side scaled to this, %d..%d" % (MIN_SIDE_LENGTH, MAX_INPUT_SIDE))
    p.add_argument("--backend", type=int_in(cv2.dnn.DNN_BACKEND_DEFAULT, cv2.dnn.DNN_BACKEND_TIMVX),
                   default=cv2.dnn.DNN_BACKEND_DEFAULT)
    p.add_argument("--target", type=int_in(cv2.dnn.DNN_TARGET_CPU, cv2.dnn.DNN_TARGET_NPU),
                   default=cv2.dnn.DNN_TARGET_CPU)
    p.add_argument("--output", "-o", default="", help="folder for NAME.txt and NAME.png")
    args = p.parse_args()
    if (args.width > 0) != (args.height > 0) or (args.width > 0 and args.long_side > 0):
        p.error("give either --width and --height, or --long_side")
    return args


def draw(image, polygons, scores):
    canvas = image.copy()
    for i, (poly, score) in enumerate(zip(polygons, scores)):
        colour = PALETTE[i % len(PALETTE)]
        cv2.polylines(canvas, [poly.reshape(-1, 1, 2)], True, colour, 2, cv2.LINE_AA)
        at = (int(poly[0][0]), int(poly[0][1]) - 4)
        cv2.putText(canvas, "%.2f" % score, at, cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(canvas, "%.2f" % score, at, cv2.FONT_HERSHEY_SIMPLEX, 0.5, colour, 1, cv2.LINE_AA)
    return canvas


def main():
    args = parse_args()
    if args.output:
        error = prepare_output_dir(args.output)
        if error:
            print("error: " + error, file=sys.stderr)
            return 1
    if not hasattr(cv2, "AdaptiveTextDetector"):
        sys.exit("this cv2 (%s) has no AdaptiveTextDetector: use the cv2 built by tools/build_with_opencv.sh"
                 % cv2.__file__)
    detector = cv2.AdaptiveTextDetector.create(args.model, (args.width, args.height), args.score, args.nms,
                                               args.backend, args.target)
    if args.long_side > 0:
        detector.setInputSizePolicy(cv2.AdaptiveTextDetector_INPUT_SIZE_LONG_SIDE, args.long_side)
    if os.path.isdir(args.input):
        files = sorted(os.path.join(args.input, f) for f in os.listdir(args.input)
                       if f.lower().endswith(IMAGE_EXTENSIONS))
    else:
        files = [args.input]
    latencies, failed, attempted = [], [], 0

    def fail(path, why):
        failed.append((path, why))
        print("%s: %s" % (path, why), file=sys.stderr)

    for path in files:
        attempted += 1
        image = cv2.imread(path, cv2.IMREAD_COLOR)
        if image is None:
            fail(path, "cannot read the image")
            continue
        start = time.perf_counter()
        try:
            polygons, scores = detector.detect(image)
        except cv2.error as e:
            fail(path, "detection failed: %s" % e)
            continue
        latencies.append((time.perf_counter() - start) * 1000)
        print("%s: %d text regions, %.1f ms" % (path, len(polygons), latencies[-1]))
        if args.output:
            try:
                write_results(args.output, os.path.splitext(os.path.basename(path))[0], image, polygons,
                              np.ravel(scores))
            except OSError as e:
                # A full disk fails every later write too: stop; the files written so far stay.
                fail(path, "%s; stopped, %d inputs not processed" % (e.strerror or e, len(files) - attempted))
                break
    if len(latencies) > 1:
        print("median latency: %.1f ms over %d images" % (float(np.median(latencies)), len(latencies)))
    print("%d frames, %d failed" % (attempted, len(failed)))
    if failed:
        print("%d of %d inputs failed:" % (len(failed), attempted), file=sys.stderr)
        for path, why in failed:
            print("  %s: %s" % (path, why), file=sys.stderr)
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main())
