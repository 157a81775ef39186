#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Arbitrary-shape text detection with cv2.AdaptiveTextDetector (the cv2 built from OpenCV's source with
the adaptivetext module: tools/build_with_opencv.sh BUILD_DIR, then PYTHONPATH=BUILD_DIR/lib/python3).

    adaptive_text_detection.py --input IMAGE_OR_FOLDER [--model M.onnx] [--output DIR]

Writes NAME.txt (one detection a line: x1,y1,...,xn,yn,score) and NAME.png per image, like the C++ app.
"""
import argparse
import os
import sys
import time

import cv2
import numpy as np

IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp")
PALETTE = [(0, 220, 0), (0, 140, 255), (255, 80, 0), (220, 0, 220), (0, 220, 220), (255, 200, 0)]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--input", "-i", required=True, help="an image or a folder of images")
    p.add_argument("--model", "-m", default="", help="adaptivetext .onnx model (default: the shipped model)")
    p.add_argument("--score", type=float, default=0.7, help="minimum text score")
    p.add_argument("--nms", type=float, default=0.3, help="polygon-IoU threshold of the NMS")
    p.add_argument("--width", type=int, default=0, help="fixed network input width (with --height)")
    p.add_argument("--height", type=int, default=0, help="fixed network input height (with --width)")
    p.add_argument("--long_side", type=int, default=0, help="keep aspect, long side scaled to this")
    p.add_argument("--backend", type=int, default=cv2.dnn.DNN_BACKEND_DEFAULT)
    p.add_argument("--target", type=int, default=cv2.dnn.DNN_TARGET_CPU)
    p.add_argument("--output", "-o", default="", help="folder for NAME.txt and NAME.png")
    return p.parse_args()


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
    if args.output:
        os.makedirs(args.output, exist_ok=True)
    latencies = []
    for path in files:
        image = cv2.imread(path, cv2.IMREAD_COLOR)
        if image is None:
            print("%s: cannot read the image, skipped" % path, file=sys.stderr)
            continue
        start = time.perf_counter()
        polygons, scores = detector.detect(image)
        latencies.append((time.perf_counter() - start) * 1000)
        print("%s: %d text regions, %.1f ms" % (path, len(polygons), latencies[-1]))
        if args.output:
            name = os.path.splitext(os.path.basename(path))[0]
            with open(os.path.join(args.output, name + ".txt"), "w") as f:
                for poly, score in zip(polygons, np.ravel(scores)):
                    f.write(",".join(str(int(v)) for v in poly.ravel()) + ",%.4f\n" % score)
            cv2.imwrite(os.path.join(args.output, name + ".png"), draw(image, polygons, np.ravel(scores)))
    if len(latencies) > 1:
        print("median latency: %.1f ms over %d images" % (float(np.median(latencies)), len(latencies)))
    return 0 if latencies else 1


if __name__ == "__main__":
    sys.exit(main())
