# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""training/atrr/verifier.py on shapes worked by hand, and its export against the PyTorch network."""
import numpy as np
import pytest
import torch

from training.atrr import verifier
from training.atrr.detections import shape


def rect(x0, y0, x1, y1):
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def white_box_image(x0, y0, x1, y1):
    img = np.zeros((200, 300, 3), np.uint8)
    img[y0:y1, x0:x1] = 255
    return img


@pytest.mark.parametrize("box", [(50, 40, 150, 60), (100, 50, 120, 150)])  # 100 x 20 lying, then standing
def test_crop_puts_the_long_side_horizontal_and_pads_by_hand(box):
    # Thickness 20, so the padding is 0.15 * 20 = 3 px on every side: 106 x 26 source pixels fill 128 x 32.
    # Across: 3 / 26 * 32 = 3.7 rows of background above and below; along: 3 / 106 * 128 = 3.6 columns.
    crop = verifier.rectified_crop(white_box_image(*box), rect(*box))
    assert crop.shape == (verifier.CROP_H, verifier.CROP_W, 3)
    assert crop[16, 64, 0] == 255 and crop[6, 8, 0] == 255 and crop[25, 119, 0] == 255
    assert crop[1, 64, 0] == 0 and crop[30, 64, 0] == 0  # above and below the line
    assert crop[16, 1, 0] == 0 and crop[16, 126, 0] == 0  # beyond its ends


def test_labels_by_hand():
    care = (shape(rect(0, 0, 100, 20)), True)
    dont = (shape(rect(0, 100, 100, 120)), False)
    assert verifier.label_of(shape(rect(0, 0, 100, 20)), [care, dont]) == 1
    # half of the line: IoU 0.5 counts as found (the icdar15 protocol's >= 0.5)
    assert verifier.label_of(shape(rect(0, 0, 50, 20)), [care, dont]) == 1
    # a third of it: IoU 1/3
    assert verifier.label_of(shape(rect(0, 0, 100, 20 / 3)), [care, dont]) == 0
    # inside the "###" region: left out; half inside it: a negative
    assert verifier.label_of(shape(rect(10, 102, 90, 118)), [care, dont]) == -1
    assert verifier.label_of(shape(rect(0, 90, 100, 110)), [care, dont]) == 0


def test_shape_features_by_hand():
    f = verifier.shape_features(rect(0, 0, 100, 20), 0.25, 400)
    assert f == pytest.approx([0.25, np.log(5.0), np.log(20 / 400 * 100)], abs=1e-4)


def test_verifier_gives_one_logit_per_crop():
    model = verifier.Verifier().eval()
    crops = np.zeros((5, verifier.CROP_H, verifier.CROP_W, 3), np.uint8)
    out = model(verifier.to_tensor(crops), torch.zeros(5, 3))
    assert out.shape == (5,)


def test_average_precision_by_hand():
    # ranked: hit, miss, hit -> precisions at the hits 1 and 2/3 -> AP 5/6
    assert verifier.average_precision(np.array([0.9, 0.8, 0.7]), np.array([1.0, 0.0, 1.0])) == pytest.approx(5 / 6)


def test_half_resolution_stem_is_the_network_on_the_averaged_crop():
    """stem_stride 2's start: one 6 x 6 stride-2 convolution = the 3 x 3 one over the 2 x 2 average."""
    torch.manual_seed(4)
    model = verifier.Verifier().eval()
    stem = verifier.half_resolution_stem(model).eval()
    assert stem.body[0].weight.shape[2:] == (6, 6) and stem.body[0].stride == (2, 2)
    crops, feats = torch.rand(4, 3, verifier.CROP_H, verifier.CROP_W) - 0.5, torch.randn(4, 3)
    with torch.no_grad():
        want = model(torch.nn.functional.avg_pool2d(crops, 2), feats)
        np.testing.assert_allclose(stem(crops, feats).numpy(), want.numpy(), atol=1e-5)


@pytest.mark.parametrize("arch", [{}, {"pre_pool": 2}, {"stem_stride": 2}, {"width": 0.75}])  # the last: the shipped one
def test_export_runs_in_opencv_as_the_network_and_fusion_in_pytorch(tmp_path, arch):
    """The exported graph (all convolutions, score arithmetic inside) against the trained module and the fusion
    written out here: a calibrated line model's scores (shift 0.8473, threshold 0.7) and the raw ones (0, 0.5), with
    the fusion weights 0.5 (the mean) and 0.75 (the shipped one)."""
    cv2 = pytest.importorskip("cv2")
    torch.manual_seed(3)
    model = verifier.Verifier(**arch)
    for m in model.modules():  # BatchNorm statistics away from the identity, so that folding them is tested
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.2, 0.2)
            m.running_var.uniform_(0.5, 2.0)
    path = tmp_path / "v.pt"
    model.eval()
    torch.save(dict(arch, model=model.state_dict()), path)
    for shift, detector_threshold, threshold, weight in ((0.8473, 0.7, 0.5, 0.5), (0.0, 0.5, 0.4, 0.5),
                                                         (0.8473, 0.7, 0.5, 0.75)):
        onnx_path = str(tmp_path / ("v_%g_%g.onnx" % (shift, weight)))
        line = tmp_path / "line.pt"
        torch.save({"config": {"text_logit_shift": shift}}, line)
        verifier.main(["export", "--verifier", str(path), "--line_checkpoint", str(line), "--out", onnx_path,
                       "--threshold", str(threshold), "--detector_threshold", str(detector_threshold),
                       "--weight", str(weight)])
        net = cv2.dnn.readNet(onnx_path)
        for n in (6, 1, 3):  # one Net, batch sizes in turn
            crops = torch.rand(n, 3, verifier.CROP_H, verifier.CROP_W) - 0.5
            raw = torch.rand(n) * 0.98 + 0.01
            shapes = torch.randn(n, 2)
            det = torch.sigmoid(torch.logit(raw) + shift)  # the detector's (calibrated) score
            net.setInput(crops.numpy(), "crops")
            net.setInput(torch.logit(det).numpy().reshape(n, 1, 1, 1), "score_logit")
            net.setInput(shapes.numpy().reshape(n, 2, 1, 1), "shape")
            out = net.forward("score").reshape(-1)
            with torch.no_grad():
                v = torch.sigmoid(model(crops, torch.cat([raw[:, None], shapes], 1)))
            fused = (1 - weight) * raw + weight * v
            want = torch.sigmoid(torch.logit(fused) + np.log(detector_threshold / (1 - detector_threshold))
                                 - np.log(threshold / (1 - threshold))).numpy()
            np.testing.assert_allclose(out, want, atol=2e-5)
            assert ((out >= detector_threshold) == (fused.numpy() >= threshold)).all()
        again = str(tmp_path / "again.onnx")
        verifier.main(["export", "--verifier", str(path), "--line_checkpoint", str(line), "--out", again,
                       "--threshold", str(threshold), "--detector_threshold", str(detector_threshold),
                       "--weight", str(weight)])
        assert open(again, "rb").read() == open(onnx_path, "rb").read()


def test_shipped_verifier_re_exports_byte_for_byte(tmp_path):
    """data/models/adaptivetext_verifier.onnx is what doc/models.md's command makes from committed checkpoints."""
    import os
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    out = str(tmp_path / "v.onnx")
    verifier.main(["export", "--verifier", os.path.join(root, "training/checkpoints/verifier_v1.pt"),
                   "--line_checkpoint", os.path.join(root, "training/checkpoints/lines_v1.pt"),
                   "--threshold", "0.5", "--weight", "0.75", "--out", out])
    assert open(out, "rb").read() == open(os.path.join(root, "data/models/adaptivetext_verifier.onnx"), "rb").read()


def test_fused_score_by_hand():
    """(1 - w) score + w verifier for a straight candidate; a curved one (fill under MIN_FILL) keeps its score."""
    straight = np.float32([[0, 0], [100, 0], [100, 10], [0, 10]])  # fills its rectangle: 1.0
    vee = np.float32([[0, 0], [50, 40], [100, 0], [100, 10], [50, 50], [0, 10]])  # fill 1000 / 5000 = 0.2
    assert verifier.fused_score((straight, 0.4), 0.8, 0.75, True) == pytest.approx(0.25 * 0.4 + 0.75 * 0.8)  # 0.7
    assert verifier.fused_score((straight, 0.4), 0.8, 0.5, True) == pytest.approx(0.6)
    assert verifier.fused_score((vee, 0.4), 0.8, 0.75, True) == pytest.approx(0.4)
    assert verifier.fused_score((vee, 0.4), 0.8, 0.75, False) == pytest.approx(0.7)


def test_distinct_candidates_by_hand():
    """The rectangles of test/test_verifier.cpp's near_duplicates case: C (10..110) is highest; A (0..100) overlaps it
    at IoU 1800 / 2200 = 0.818 and goes; B (0..60) at 1000 / 2200 = 0.455 stays; E repeats D, the earlier stays."""
    cands = [(rect(0, 0, 100, 20), 0.9), (rect(0, 0, 60, 20), 0.85), (rect(10, 0, 110, 20), 0.95),
             (rect(0, 50, 100, 70), 0.3), (rect(0, 50, 100, 70), 0.3)]
    ids = [10, 11, 12, 13, 14]
    assert verifier.distinct_candidates(cands, 0.8, ids) == [11, 12, 13]
    assert verifier.distinct_candidates(cands, 0.9, ids) == [10, 11, 12, 13]
    assert verifier.distinct_candidates(cands, 0.4, ids) == [12, 13]


def test_pruning_drops_only_channels_that_output_nothing():
    """The shipped verifier's start: with the channels to drop silenced (BatchNorm gamma and beta 0: 0 after the ReLU, so they add
    nothing to the next block or the head), the pruned network computes what the full one does."""
    torch.manual_seed(5)
    model = verifier.Verifier().eval()
    for i, bn in enumerate((1, 5, 9, 13)):
        m = model.body[bn]
        m.running_mean.uniform_(-0.2, 0.2)
        m.running_var.uniform_(0.5, 2.0)
        n = m.weight.shape[0]
        with torch.no_grad():
            m.weight.copy_(torch.rand(n) + 0.5)
            silent = torch.randperm(n)[:n // 4]  # the quarter that width 0.75 drops
            m.weight[silent] = 0.0
            m.bias[silent] = 0.0
    small = verifier.prune_channels(model, 0.75).eval()
    assert [small.body[i].out_channels for i in (0, 4, 8, 12)] == [12, 24, 48, 48]
    crops, feats = torch.rand(3, 3, verifier.CROP_H, verifier.CROP_W) - 0.5, torch.randn(3, 3)
    with torch.no_grad():
        np.testing.assert_allclose(small(crops, feats).numpy(), model(crops, feats).numpy(), atol=1e-5)
