# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The campaign's data plumbing (training/atrr/stages.py) and speed options (training/atrr/cpu_speed.py).
Expected values are written by hand: variable names, the files a split must hold, float32 results."""
import os

import pytest
import torch

from training.atrr import cpu_speed, stages
from training.atrr.config import ModelConfig
from training.atrr.model import ATRR


def test_expand_replaces_known_variables_and_refuses_unknown_ones():
    env = {"ADAPTIVETEXT_DATA": "/data", "ADAPTIVETEXT_SHARED": "/shared"}
    assert stages.expand("${ADAPTIVETEXT_DATA}/mlt_like/train", env) == "/data/mlt_like/train"
    assert stages.expand("runs/data/x", env) == "runs/data/x"  # no variable: unchanged
    with pytest.raises(SystemExit, match="ADAPTIVETEXT_TYPO"):
        stages.expand("${ADAPTIVETEXT_TYPO}/x", env)


def test_expand_config_paths_covers_sources_resize_and_init():
    cfg = {"init_checkpoint": "${ADAPTIVETEXT_DATA}/ckpt.pt",
           "data": {"sources": [{"path": "${ADAPTIVETEXT_DATA}/a",
                                 "resize_from": {"src": "${ADAPTIVETEXT_SHARED}/b", "long_side": 9}}],
                    "val_sources": [{"path": "${ADAPTIVETEXT_SHARED}/c"}]}}
    stages.expand_config_paths(cfg, {"ADAPTIVETEXT_DATA": "/d", "ADAPTIVETEXT_SHARED": "/s"})
    assert cfg["init_checkpoint"] == "/d/ckpt.pt"
    assert cfg["data"]["sources"][0]["path"] == "/d/a"
    assert cfg["data"]["sources"][0]["resize_from"]["src"] == "/s/b"
    assert cfg["data"]["val_sources"][0]["path"] == "/s/c"


def test_environment_defaults():
    env = stages.environment()
    assert env["ADAPTIVETEXT_DATA"]  # set or defaulted, never missing
    assert env["ADAPTIVETEXT_SHARED"]


def _fake_split(root, numbers):
    for sub in ("images", "gt"):
        os.makedirs(os.path.join(root, sub))
    for n in numbers:
        open(os.path.join(root, "images", "img_%d.jpg" % n), "w").close()
        with open(os.path.join(root, "gt", "img_%d.txt" % n), "w") as f:
            f.write("0,0,1,0,1,1,0,1,w%d\n" % n)


def test_prepare_holds_out_img_801_to_900(tmp_path):
    data = tmp_path / "data"
    _fake_split(str(data / "icdar2015" / "train"), [1, 2, 800, 801, 850, 900, 901])
    out = tmp_path / "out"
    written = stages.prepare(str(out), {"ADAPTIVETEXT_DATA": str(data), "ADAPTIVETEXT_SHARED": "x"})
    train = sorted(os.listdir(out / "ic15_train800" / "gt"))
    val = sorted(os.listdir(out / "ic15_val100" / "gt"))
    assert train == ["img_1.txt", "img_2.txt", "img_800.txt", "img_901.txt"]
    assert val == ["img_801.txt", "img_850.txt", "img_900.txt"]
    assert written[str(out / "ic15_val100")] == 3
    # links, not copies: the data stays where build_more.py wrote it
    assert os.path.islink(out / "ic15_val100" / "images" / "img_850.jpg")
    assert open(out / "ic15_val100" / "gt" / "img_850.txt").read().endswith("w850\n")
    # a second run replaces the links instead of failing
    stages.prepare(str(out), {"ADAPTIVETEXT_DATA": str(data), "ADAPTIVETEXT_SHARED": "x"})


def test_prepare_names_the_missing_data(tmp_path):
    with pytest.raises(SystemExit, match="build_more.py"):
        stages.prepare(str(tmp_path / "out"), {"ADAPTIVETEXT_DATA": str(tmp_path), "ADAPTIVETEXT_SHARED": "x"})


def _tiny_model():
    torch.manual_seed(0)
    return ATRR(ModelConfig(width_mult=0.125))


def test_channels_last_gives_the_same_backbone_output():
    model = _tiny_model().eval()
    x = torch.rand(1, 3, 64, 96) * 255
    ref = model.backbone(model.preprocess(x))
    cpu_speed.apply(model, {"channels_last": True})
    out = model.backbone(model.preprocess(x.contiguous(memory_format=torch.channels_last)))
    assert torch.allclose(out, ref, rtol=1e-4, atol=1e-4)


def test_bf16_backbone_only_while_training_and_hands_float32_on():
    model = _tiny_model()
    x = torch.rand(2, 3, 64, 96) * 255
    model.eval()
    ref_eval = model.backbone(model.preprocess(x))
    cpu_speed.apply(model, {"bf16_backbone": True})
    # evaluation (validation, export) is untouched: bit-identical float32
    assert torch.equal(model.backbone(model.preprocess(x)), ref_eval)
    model.train()
    out = model.backbone(model.preprocess(x))
    assert out.dtype == torch.float32
    model_fp32 = _tiny_model().train()
    ref = model_fp32.backbone(model_fp32.preprocess(x))
    assert not torch.equal(out, ref)  # it really ran in bfloat16
    # bfloat16 keeps 8 bits of mantissa: about 1 % relative error after one stage. Through the whole untrained
    # backbone in training mode, batch norm over a batch of 2 roughly doubles it per stage: seen on an AMD EPYC
    # without avx512_bf16, 0.011 / 0.027 / 0.064 / 0.125 / 0.262 after stages 1-5, while a CPU with
    # native bfloat16 stayed under 0.1 overall. So the bound is on one stage, the same on either CPU.
    first = model_fp32.backbone.stages[0]
    h = model_fp32.preprocess(x)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        low = first(h)
    assert low.dtype == torch.bfloat16
    high = first(h)
    assert (low.float() - high).norm() / high.norm() < 0.05


def test_slim_checkpoint_keeps_weights_and_config_only(tmp_path):
    model = _tiny_model()
    full = {"model": model.state_dict(), "config": {"width_mult": 0.125}, "optimizer": {"state": {1: 2}},
            "scheduler": {}, "rng": [], "step": 7, "best_f": 0.5}
    torch.save(full, tmp_path / "full.pt")
    stages.slim_checkpoint(str(tmp_path / "full.pt"), str(tmp_path / "slim.pt"))
    slim = torch.load(tmp_path / "slim.pt", weights_only=False)
    assert sorted(slim) == ["best_f", "config", "model", "step"]
    assert all(torch.equal(slim["model"][k], v) for k, v in model.state_dict().items())
    torch.save({"weights": 1}, tmp_path / "other.pt")
    with pytest.raises(SystemExit, match="not a trainer checkpoint"):
        stages.slim_checkpoint(str(tmp_path / "other.pt"), str(tmp_path / "x.pt"))


def test_average_checkpoints_means_floats_and_keeps_the_last_counters(tmp_path):
    # Hand-made state dicts: the mean of 1, 2 and 6 is 3; an int64 counter comes from the last source.
    paths = []
    for i, (w, n) in enumerate(((1.0, 10), (2.0, 20), (6.0, 30))):
        state = {"w": torch.full((2, 2), w), "bn.num_batches_tracked": torch.tensor(n)}
        paths.append(str(tmp_path / ("c%d.pt" % i)))
        torch.save({"model": state, "config": {"width_mult": 0.125}, "step": 100 * (i + 1), "optimizer": {}}, paths[-1])
    stages.average_checkpoints(paths, str(tmp_path / "mean.pt"))
    mean = torch.load(tmp_path / "mean.pt", weights_only=False)
    assert torch.equal(mean["model"]["w"], torch.full((2, 2), 3.0))
    assert mean["model"]["bn.num_batches_tracked"].item() == 30
    assert mean["step"] == 300 and "optimizer" not in mean
    assert mean["averaged_from"] == ["c0.pt", "c1.pt", "c2.pt"]
    torch.save({"model": {"v": torch.zeros(2)}, "config": {}}, tmp_path / "other.pt")
    with pytest.raises(SystemExit, match="other tensors"):
        stages.average_checkpoints([paths[0], str(tmp_path / "other.pt")], str(tmp_path / "x.pt"))
    with pytest.raises(SystemExit, match="at least two"):
        stages.average_checkpoints(paths[:1], str(tmp_path / "x.pt"))


def test_average_takes_the_decoder_from_its_own_checkpoints(tmp_path):
    # Decoder tensors (lstm., pair_out.) average over --decoder-checkpoints: (1 + 3) / 2 = 2; the rest over all
    # three: (1 + 3 + 8) / 3 = 4.
    paths = []
    for i, w in enumerate((1.0, 3.0, 8.0)):
        state = {"fc1.weight": torch.full((2,), w), "lstm.weight_ih_l0": torch.full((2,), w),
                 "pair_out.bias": torch.full((1,), w)}
        paths.append(str(tmp_path / ("c%d.pt" % i)))
        torch.save({"model": state, "config": {}}, paths[-1])
    stages.average_checkpoints(paths, str(tmp_path / "m.pt"), decoder_srcs=paths[:2])
    m = torch.load(tmp_path / "m.pt", weights_only=False)
    assert torch.equal(m["model"]["fc1.weight"], torch.full((2,), 4.0))
    assert torch.equal(m["model"]["lstm.weight_ih_l0"], torch.full((2,), 2.0))
    assert torch.equal(m["model"]["pair_out.bias"], torch.full((1,), 2.0))
    assert m["decoder_averaged_from"] == ["c0.pt", "c1.pt"]
