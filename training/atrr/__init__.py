# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""ATRR (Wang et al., CVPR 2019) in PyTorch: model, custom ops with ONNX symbolics, losses and export."""
