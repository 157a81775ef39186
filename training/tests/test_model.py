# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The PyTorch model: shapes, custom-op Functions against the training paths and against hand-worked
cases of doc/model_format.md, targets with ### regions, and a short training run whose loss goes down."""
import math

import numpy as np
import pytest
import torch
from torchvision.ops import roi_align

from training.atrr import ops, targets
from training.atrr.anchors import anchor_shapes, grid_anchors
from training.atrr.config import ModelConfig
from training.atrr.model import (ATRR, SEBlock, collate_images, freeze_batch_norm_stats, limit_trainable,
                                 pairs_to_polygon, polygon_nms)
from conftest import rectangle_sample


def tiny_config(**kw):
    base = dict(width_mult=0.125, post_nms_top_n=16, max_steps=4, fc_dim=64, lstm_hidden=32)
    base.update(kw)
    return ModelConfig(**base)


def test_backbone_widths_and_stride():
    model = ATRR(ModelConfig(width_mult=0.25))
    convs = [m for m in model.backbone.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [c.out_channels for c in convs] == [16, 16, 32, 32, 64, 64, 64, 128, 128, 128, 128, 128, 128]
    squeeze = [m.w1.shape for m in model.backbone.modules() if hasattr(m, "w1")]
    assert squeeze == [(1, 16), (2, 32), (4, 64), (8, 128), (8, 128)]  # max(1, C // 16)
    assert min(c.out_channels for c in ATRR(ModelConfig(width_mult=0.01)).backbone.modules()
               if isinstance(c, torch.nn.Conv2d)) == 8
    feat, cls, deltas = model.rpn(torch.zeros(2, 3, 96, 160))
    assert feat.shape == (2, 128, 6, 10)
    assert cls.shape == (2, 18, 6, 10) and deltas.shape == (2, 72, 6, 10)


def test_feature_stride_8_keeps_the_weights_and_halves_the_stride():
    cfg16 = ModelConfig(width_mult=0.125, batch_norm=False)
    cfg8 = ModelConfig(width_mult=0.125, batch_norm=False, feature_stride=8)
    m16, m8 = ATRR(cfg16).eval(), ATRR(cfg8).eval()
    m8.load_state_dict(m16.state_dict())  # same parameters: a stride-16 checkpoint starts a stride-8 run
    pools = [m for m in m8.backbone.modules() if isinstance(m, torch.nn.MaxPool2d)]
    assert len(pools) == 3
    assert [c.dilation for c in m8.backbone.stages[4] if isinstance(c, torch.nn.Conv2d)] == [(2, 2)] * 3
    assert m8.rpn_conv.dilation == (2, 2)
    torch.manual_seed(5)
    image = torch.rand(1, 3, 96, 160) * 255
    with torch.no_grad():
        f16, _, _ = m16.rpn(image)
        f8, cls8, _ = m8.rpn(image)
    assert f8.shape == (1, 64, 12, 20) and cls8.shape == (1, 18, 12, 20)
    # Up to stage 4 the two models compute the same map; the stride-16 model then pools it (stage 5 of the
    # stride-8 model reads it unpooled, dilated, so the two agree only approximately after that).
    x = m8.preprocess(image)
    for stage in m8.backbone.stages[:4]:
        x = stage(x)
    y = m16.preprocess(image)
    for stage in m16.backbone.stages[:4]:
        y = stage(y)
    assert torch.allclose(torch.nn.functional.max_pool2d(x, 2, 2), y)
    with pytest.raises(ValueError, match="feature_stride"):
        ATRR(ModelConfig(width_mult=0.125, feature_stride=4))
    # The stage-4 skip starts at zero: a stride-8 checkpoint without it keeps its function.
    skip = ATRR(ModelConfig(width_mult=0.125, batch_norm=False, feature_stride=8, stage4_skip=True)).eval()
    skip.load_state_dict(m8.state_dict(), strict=False)
    with torch.no_grad():
        assert torch.equal(skip.rpn(image)[1], cls8)
        skip.skip4.bias.fill_(1.0)  # and it does feed the RPN once trained
        assert not torch.equal(skip.rpn(image)[1], cls8)
    with pytest.raises(ValueError, match="stage4_skip"):
        ATRR(ModelConfig(width_mult=0.125, stage4_skip=True))


def test_preprocess_is_mean_std_in_bgr():
    cfg = ModelConfig(width_mult=0.125, mean=[10.0, 20.0, 30.0], std=[2.0, 4.0, 5.0])
    pix = torch.tensor([50.0, 60.0, 80.0]).view(1, 3, 1, 1)
    out = ATRR(cfg).preprocess(pix).flatten().tolist()
    assert out == pytest.approx([20.0, 10.0, 10.0])  # (50-10)/2, (60-20)/4, (80-30)/5


def test_graph_output_shapes():
    cfg = tiny_config()
    model = ATRR(cfg).eval()
    with torch.no_grad():
        rois, rpn_scores, text_scores, box_deltas, pairs, num_pairs = model(torch.rand(1, 3, 64, 96) * 255)
    assert rois.shape == (16, 5) and rpn_scores.shape == (16, 1) and text_scores.shape == (16, 1)
    assert box_deltas.shape == (16, 4) and pairs.shape == (16, 4, 4) and num_pairs.shape == (16, 1)


def test_se_block_function_equals_torch_path():
    torch.manual_seed(3)
    x = torch.randn(2, 32, 5, 7)
    block = SEBlock(32, 16)
    plain = block(x)
    with ops.contract_mode():
        fused = block(x)
    # and a hand computation of the contract formula
    s = x.mean(dim=(2, 3))
    e = torch.sigmoid(torch.relu(s @ block.w1.t()) @ block.w2.t())
    assert torch.allclose(plain, fused, atol=1e-6)
    assert torch.allclose(fused, x * e[:, :, None, None], atol=1e-6)
    assert not torch.allclose(fused, x)  # the block does scale


def test_roi_align_padding_rows_are_zero():
    x = torch.rand(1, 3, 8, 8)
    rois = torch.tensor([[0.0, 8.0, 8.0, 64.0, 40.0], [-1.0, 0.0, 0.0, 0.0, 0.0]])
    y = ops.roi_align_contract(x, rois, 2, 3, 1.0 / 16, 2)
    ref = roi_align(x, rois[:1], (2, 3), 1.0 / 16, 2, aligned=True)
    assert torch.equal(y[0], ref[0]) and float(y[1].abs().sum()) == 0.0


def test_anchor_layout_matches_contract():
    sizes, ratios = [16.0, 32.0], [1.0, 4.0]
    wh = anchor_shapes(sizes, ratios)
    assert wh[3] == pytest.approx([64.0, 16.0])  # a = i_ratio * 2 + i_size = 1 * 2 + 1: size 32, ratio 4
    boxes = grid_anchors(2, 3, 16, sizes, ratios)
    # flat index (a*Hf + y)*Wf + x: anchor 1 at (y=1, x=2) is centred at (40, 24), 32x32
    assert boxes[(1 * 2 + 1) * 3 + 2].tolist() == pytest.approx([24.0, 8.0, 56.0, 40.0])


def test_text_proposal_order_ties_nms_and_padding():
    # One anchor shape (16x16), a 1x3 feature map, zero deltas: boxes are the anchors themselves.
    scores = torch.tensor([[[0.5, 0.9, 0.5]]])
    deltas = torch.zeros(4, 1, 3)
    rois, s = ops.propose(scores, deltas, 16, 48, 16, [16.0], [1.0], pre_nms_top_n=10, post_nms_top_n=4,
                          nms_threshold=0.5, min_size=1.0)
    # order: 0.9 (x=1), then the tie 0.5 by lower flat index (x=0 before x=2); disjoint boxes, none suppressed
    assert rois.tolist() == [[0, 16, 0, 32, 16], [0, 0, 0, 16, 16], [0, 32, 0, 48, 16], [-1, 0, 0, 0, 0]]
    assert s.flatten().tolist() == pytest.approx([0.9, 0.5, 0.5, 0.0])
    # dx = 0.5 moves the middle box half a width right: IoU with the x=2 box is 8*16/(2*256-128) = 1/3
    deltas[0, 0, 1] = 0.5
    rois, _ = ops.propose(scores, deltas, 16, 48, 16, [16.0], [1.0], 10, 4, 0.3, 1.0)
    assert rois[:, 0].tolist() == [0, 0, -1, -1] and rois[0, 1:].tolist() == [24, 0, 40, 16]


def test_point_pair_decoder_early_stop_and_skip():
    # Hd = 1 with zero recurrent/input weights: h_t = sigmoid(b_o) * tanh(c_t), c_t grows each step.
    w_ih, w_hh = torch.zeros(4, 2), torch.zeros(4, 1)
    bias = torch.tensor([10.0, 10.0, 10.0, 10.0])  # i = f = o ~ 1, g ~ 1: c_t ~ t + 1
    w_out = torch.tensor([[0.0], [0.0], [1.0], [1.0], [20.0]])
    b_out = torch.tensor([0.0, 0.0, 0.0, 0.0, -20.0 * math.tanh(2.5)])  # stop once tanh(c_t) > tanh(2.5): t >= 2
    feats = torch.zeros(3, 2)
    scores = torch.tensor([[0.9], [0.2], [0.9]])
    rois = torch.tensor([[0.0, 10.0, 20.0, 50.0, 40.0], [0.0, 0, 0, 10, 10], [-1.0, 0, 0, 0, 0]])
    pairs, count = ops.decode_point_pairs(feats, scores, rois, w_ih, w_hh, bias, w_out, b_out, max_steps=5,
                                          min_steps=2, score_threshold=0.5, stop_threshold=0.5)
    assert count.flatten().tolist() == [3.0, 0.0, 0.0]
    sig = 1.0 / (1.0 + math.exp(-10.0))
    c = 0.0
    for t in range(3):
        c = sig * c + sig * math.tanh(10.0)
        h = sig * math.tanh(c)  # u_bottom = v_bottom = h; x = x1 + u * 40, y = y1 + v * 20
        assert pairs[0, t].tolist() == pytest.approx([10.0, 20.0, 10.0 + 40.0 * h, 20.0 + 20.0 * h], abs=1e-4)
    assert float(pairs[0, 3:].abs().sum()) == 0.0 and float(pairs[1:].abs().sum()) == 0.0


def test_targets_ignore_regions_are_neither_positive_nor_negative():
    cfg = tiny_config()
    sample = {"image": np.zeros((64, 128, 3), np.uint8),
              "polygons": [np.array([[8, 8], [72, 8], [72, 24], [8, 24]], np.float32),
                           np.array([[80, 40], [120, 40], [120, 56], [80, 56]], np.float32)],
              "ignore": [False, True],
              "pairs": [np.array([[8, 8, 8, 24], [72, 8, 72, 24]], np.float32),
                        np.array([[80, 40, 80, 56], [120, 40, 120, 56]], np.float32)]}
    gt = targets.GroundTruth.from_sample(sample, "cpu")
    assert gt.boxes.tolist() == [[8, 8, 72, 24]] and gt.ignore_boxes.tolist() == [[80, 40, 120, 56]]
    boxes = torch.tensor([[8.0, 8, 72, 24], [82.0, 42, 118, 54], [0.0, 40, 30, 60]])
    labels, matched = targets.label_boxes(boxes, gt, 0.5, 0.4, cfg.ignore_ioa, False)
    assert labels.tolist() == [targets.POSITIVE, targets.IGNORED, targets.NEGATIVE]
    rois, t = targets.sample_rois([torch.tensor([[0.0, 82, 42, 118, 54], [0.0, 0, 40, 30, 60]])], [gt], cfg)
    # the GT box is added as a RoI (positive, pairs relative to itself); the ### RoI is not sampled
    assert rois[:, 1:].tolist() == [[0, 40, 30, 60], [8, 8, 72, 24]]
    assert t.labels.tolist() == [0, 1] and t.pair_count.tolist() == [0, 2]
    assert t.pair_uv[1, :2].tolist() == [[0, 0, 0, 1], [1, 0, 1, 1]]


def test_polygon_order_and_nms():
    pairs = np.array([[0, 0, 0, 10], [20, 0, 20, 10], [40, 0, 40, 10]], np.float32)
    assert pairs_to_polygon(pairs).tolist() == [[0, 0], [20, 0], [40, 0], [40, 10], [20, 10], [0, 10]]
    a = pairs_to_polygon(pairs)
    assert polygon_nms([a, a + 1, a + 100], [0.5, 0.9, 0.7], 0.3) == [1, 2]


@pytest.fixture
def one_thread():
    # On a loaded 2-core machine two intra-op threads made these tiny steps 20x slower than one.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def test_short_training_run_lowers_the_loss(one_thread):
    rng = np.random.default_rng(0)
    data = [rectangle_sample(rng, 96, 128, ignore_last=(i == 3)) for i in range(4)]
    model = ATRR(tiny_config(train_post_nms_top_n=64, roi_batch_per_image=32, rpn_batch_per_image=128))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    totals = []
    for step in range(30):
        batch = [data[(2 * step) % 4], data[(2 * step + 1) % 4]]
        losses = model.forward_train(collate_images(batch), batch)
        assert all(torch.isfinite(v) for v in losses.values()), losses
        opt.zero_grad()
        losses["total"].backward()
        opt.step()
        totals.append(float(losses["total"]))
    first, last = np.mean(totals[:5]), np.mean(totals[-5:])
    assert last < 0.8 * first, "loss went from %.3f to %.3f: %s" % (first, last, np.round(totals, 3))
    polygons, scores = model.predict(data[0]["image"], (128, 96))
    assert len(polygons) == len(scores) and all(p.shape[1] == 2 for p in polygons)


def test_frozen_batch_norm_stats_stay_while_its_weights_train(one_thread):
    rng = np.random.default_rng(1)
    batch = [rectangle_sample(rng, 96, 128) for _ in range(2)]

    def one_step(freeze):
        torch.manual_seed(0)
        model = ATRR(tiny_config()).train()
        if freeze:
            freeze_batch_norm_stats(model)
        bn = next(m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d))
        before = (bn.running_mean.clone(), bn.running_var.clone())
        model.forward_train(collate_images(batch), batch)["total"].backward()
        return bn, before

    bn, (mean, var) = one_step(freeze=True)
    assert not bn.training
    assert torch.equal(bn.running_mean, mean) and torch.equal(bn.running_var, var)
    assert bn.weight.grad is not None and float(bn.weight.grad.abs().sum()) > 0, "the affine weights must train"
    bn, (mean, var) = one_step(freeze=False)
    assert not torch.equal(bn.running_mean, mean), "without freezing, a step updates the statistics"


def test_limit_trainable_moves_only_the_named_part(one_thread):
    """train.trainable: a step of the detection loss changes the backbone's stage 1 and nothing else, BatchNorm
    statistics included (frozen as in the fine-tunes), so the rest stays the trained model it was."""
    rng = np.random.default_rng(2)
    batch = [rectangle_sample(rng, 96, 128) for _ in range(2)]
    torch.manual_seed(0)
    model = ATRR(tiny_config())
    stage_values = sum(p.numel() for n, p in model.named_parameters() if n.startswith("backbone.stages.0."))
    assert limit_trainable(model, ["backbone.stages.0."]) == stage_values > 0
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.train()
    freeze_batch_norm_stats(model)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=1e-2)
    model.forward_train(collate_images(batch), batch)["total"].backward()
    opt.step()
    changed = sorted(k for k, v in model.state_dict().items() if not torch.equal(v, before[k]))
    assert changed and all(k.startswith("backbone.stages.0.") for k in changed), changed
    assert "backbone.stages.0.0.weight" in changed
    with pytest.raises(ValueError, match="no parameter name starts with 'backbone.stem.'"):
        limit_trainable(model, ["backbone.stem."])


def test_polygon_iou_score_target_follows_the_decoded_polygon():
    from training.atrr import losses
    cfg = ModelConfig(min_steps=2, stop_threshold=0.5)
    steps = 4
    uv = torch.zeros(3, steps, 4)
    uv[:, 0] = torch.tensor([0.0, 0.0, 0.0, 1.0])  # the unit square as two pairs
    uv[:, 1] = torch.tensor([1.0, 0.0, 1.0, 1.0])
    count = torch.tensor([2, 2, 2])
    seq = torch.full((3, steps, 5), -10.0)
    seq[..., :4] = uv
    seq[:, 1, 4] = 10.0  # stop after 2 pairs
    seq[1, :2, :4] = torch.tensor([[0.0, 0.0, 0.0, 0.5], [1.0, 0.0, 1.0, 0.5]])  # top half: IoU 0.5
    seq[2, :2, :4] = torch.tensor([[0.0, 0.0, 0.0, 0.4], [1.0, 0.0, 1.0, 0.4]])  # IoU 0.4
    seq[2, 1, 4] = -10.0  # no stop: 4 pairs, the last two at (0,0,0,0): a degenerate tail
    assert ops.stop_counts(seq[..., 4], cfg.min_steps, cfg.stop_threshold).tolist() == [2, 2, 4]
    # (IoU - 0.3) / 0.4 clipped: 1, 0.5, and 0 for the third (IoU at most 0.4 with its degenerate tail)
    quality = losses.decoded_quality(seq, uv, count, cfg)
    assert quality.tolist() == pytest.approx([1.0, 0.5, 0.0], abs=1e-6)
    model = ATRR(tiny_config(score_target="polygon_iou"))
    assert model.cfg.score_target == "polygon_iou"
    with pytest.raises(ValueError, match="score_target"):
        ATRR(tiny_config(score_target="box"))


def test_text_logit_shift_moves_every_text_score_by_the_same_logit():
    torch.manual_seed(4)
    plain = ATRR(tiny_config()).eval()
    shifted = ATRR(tiny_config(text_logit_shift=1.25)).eval()
    shifted.load_state_dict(plain.state_dict())
    image = torch.rand(1, 3, 64, 96) * 255
    with torch.no_grad():
        rois, _, s0 = plain(image)[:3]
        _, _, s1 = shifted(image)[:3]
    valid = rois[:, 0] >= 0
    logit = lambda p: torch.log(p) - torch.log1p(-p)  # noqa: E731
    assert torch.allclose(logit(s1[valid]) - logit(s0[valid]), torch.full_like(s0[valid], 1.25), atol=1e-4)
    # training ignores it: the losses are those of the unshifted model
    pooled = torch.rand(1, plain.fc1.in_features // (7 * 14), 7, 14)
    assert shifted.head(pooled)[1].item() == plain.head(pooled)[1].item()


def test_convert_keeps_parameters_adds_the_skip_and_calibrates():
    from training.atrr.convert import convert
    base = ATRR(tiny_config(feature_stride=8))
    state = {"model": base.state_dict(), "config": base.cfg.to_dict()}
    out, fresh = convert(state, {"stage4_skip": True}, score_at=0.4)
    assert sorted(fresh) == ["skip4.bias", "skip4.weight"]
    assert out["config"]["stage4_skip"] is True
    # logit(0.7) - logit(0.4), worked by hand: 0.847298 + 0.405465
    assert out["config"]["text_logit_shift"] == pytest.approx(1.252763, abs=1e-6)
    assert torch.equal(out["model"]["fc1.weight"], state["model"]["fc1.weight"])
    with pytest.raises(ValueError, match="drops parameters"):
        convert(out, {"stage4_skip": None})
    with pytest.raises(ValueError, match="score_at"):
        convert(state, {}, score_at=1.0)


def test_convert_appends_anchor_ratios_keeping_the_old_anchors_outputs():
    from training.atrr.convert import convert
    base = ATRR(tiny_config())
    state = {"model": base.state_dict(), "config": base.cfg.to_dict()}
    old_ratios = list(base.cfg.anchor_ratios)
    out, fresh = convert(state, {"anchor_ratios": old_ratios + [0.25]})
    assert fresh == []
    n_old = len(old_ratios) * len(base.cfg.anchor_sizes)
    n_new = n_old + len(base.cfg.anchor_sizes)
    assert out["model"]["rpn_cls.weight"].shape[0] == n_new and out["model"]["rpn_reg.weight"].shape[0] == 4 * n_new
    assert torch.equal(out["model"]["rpn_cls.weight"][:n_old], state["model"]["rpn_cls.weight"])
    assert torch.equal(out["model"]["rpn_reg.bias"][:4 * n_old], state["model"]["rpn_reg.bias"])
    # the new anchors start at the model's 1 % text prior, logit(0.01) = -4.595 (worked by hand)
    assert torch.allclose(out["model"]["rpn_cls.bias"][n_old:], torch.full((n_new - n_old,), -4.6))
    # the old anchors' scores on an image are unchanged
    grown = ATRR(ModelConfig.from_dict(out["config"]))
    grown.load_state_dict(out["model"])
    image = torch.rand(1, 3, 64, 96)
    with torch.no_grad():
        _, cls_old, reg_old = base.rpn(image)
        _, cls_new, reg_new = grown.rpn(image)
    assert torch.equal(cls_new[:, :n_old], cls_old) and torch.equal(reg_new[:, :4 * n_old], reg_old)
    with pytest.raises(ValueError, match="extended at the end"):
        convert(state, {"anchor_ratios": [0.25] + old_ratios})


def test_convert_stores_float16_weights_that_load_back_into_the_float32_model(tmp_path):
    from training.atrr.convert import main as convert_main
    base = ATRR(tiny_config())
    src, dst = tmp_path / "a.pt", tmp_path / "a_f16.pt"
    torch.save({"model": base.state_dict(), "config": base.cfg.to_dict()}, src)
    assert convert_main(["--checkpoint", str(src), "--out", str(dst), "--store", "float16"]) == 0
    stored = torch.load(dst, map_location="cpu")["model"]
    assert stored["fc1.weight"].dtype == torch.float16
    # BatchNorm's step counter is an integer and stays one
    counters = [k for k in stored if k.endswith("num_batches_tracked")]
    assert counters and all(stored[k].dtype == torch.int64 for k in counters)
    assert dst.stat().st_size < 0.6 * src.stat().st_size
    loaded = ATRR(ModelConfig.from_dict(torch.load(dst, map_location="cpu")["config"]))
    loaded.load_state_dict(stored)
    w = loaded.state_dict()["fc1.weight"]
    assert w.dtype == torch.float32
    # the weights are the originals rounded to float16's 11-bit significand: relative change <= 2**-11
    orig = base.state_dict()["fc1.weight"]
    rel = ((w - orig).abs() / orig.abs().clamp_min(1e-30))[orig.abs() > 1e-4]
    assert rel.max() <= 2.0 ** -11 and not torch.equal(w, orig)
