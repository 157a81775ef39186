#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""test/data/arc_scenes: scenes of curved English lines with their true outlines and texts, for the
reading test `recognition/shipped_outlines_read_like_the_true_ones` (test/test_recognition.cpp).

The scenes come from the training generator (training/atrr/data/synth.py) set as tools/measure_recognition.py
sets it: arcs only (30-180 degrees of turn), English only, whole lines, no tiny text, no perspective,
procedural backgrounds. The seed (2026) is neither the training seed (1) nor the validation seed (1000),
so no model has seen these images. Ground truth: the generator's point pairs and texts, in the uniform
format (x1,y1,...,xn,yn,text); the test reads the lines whose outline needed at least 3 point pairs.

    /usr/bin/python3 tools/testdata/gen_arc_scenes.py    # needs the fonts of tools/install_deps.sh

A validation set for choosing candidates, read by the same test with ADAPTIVETEXT_TEST_READING_SCENES=DIR
(doc/recognition.md): --seed 3000 --scenes 40 --out DIR (never the test's seed).
"""
import argparse
import os
import sys

import cv2

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
from common import OUT_DIR  # noqa: E402
from training.atrr.data import synth  # noqa: E402
from training.atrr.data.readers import write_uniform_gt  # noqa: E402

SEED = 2026
SCENES = 16
JPEG_QUALITY = 90


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--scenes", type=int, default=SCENES)
    parser.add_argument("--out", default=os.path.join(OUT_DIR, "arc_scenes"))
    args = parser.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    cfg = synth.SynthConfig(chinese_prob=0.0, arc_prob=1.0, wave_prob=0.0, perspective_prob=0.0,
                            word_instance_prob=0.0, tiny_text_prob=0.0, use_photos=False)
    curved = 0
    for index in range(args.scenes):
        image, instances, _ = synth.render_sample(args.seed, index, cfg)
        name = "arc_%02d" % index
        cv2.imwrite(os.path.join(out, name + ".jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
        write_uniform_gt(os.path.join(out, name + ".txt"), [p for p, _, _ in instances],
                         [t for _, t, _ in instances])
        curved += sum(1 for p, _, ignore in instances if not ignore and len(p) >= 6)
    print("%d scenes, %d curved lines in %s" % (args.scenes, curved, out))


if __name__ == "__main__":
    main()
