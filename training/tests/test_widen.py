# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Per-stage widths and the function-preserving widening of a checkpoint (training/atrr/widen.py)."""
import numpy as np
import pytest
import torch

from training.atrr import widen
from training.atrr.config import ModelConfig
from training.atrr.model import ATRR


def narrow_config(**kw):
    base = dict(width_mult=0.125, post_nms_top_n=16, max_steps=4)
    base.update(kw)
    return ModelConfig(**base)


def test_stage_width_mults_set_each_stage_and_the_head():
    cfg = narrow_config(stage_width_mults=[0.125, 0.125, 0.125, 0.125, 0.25], head_width_mult=0.25)
    model = ATRR(cfg)
    convs = [m.out_channels for m in model.backbone.modules() if isinstance(m, torch.nn.Conv2d)]
    # VGG16 64,64 | 128,128 | 256 x3 | 512 x3 | 512 x3, times 0.125 and the last stage times 0.25
    assert convs == [8, 8, 16, 16, 32, 32, 32, 64, 64, 64, 128, 128, 128]
    assert model.fc1.in_features == 128 * 7 * 14 and model.fc1.out_features == 128  # 512 * 0.25
    assert model.lstm.hidden_size == 64  # 256 * 0.25


def test_unset_optional_keys_leave_the_saved_config_as_before():
    # Checkpoints and exported metadata written before the keys existed must re-export to the same bytes.
    d = ModelConfig(width_mult=0.125).to_dict()
    assert "stage_width_mults" not in d and "head_width_mult" not in d
    d2 = ModelConfig(width_mult=0.125, head_width_mult=0.25).to_dict()
    assert d2["head_width_mult"] == 0.25 and ModelConfig.from_dict(d2).head_dim == 128


def test_widen_tensor_keeps_old_block_and_cuts_new_inputs_to_old_outputs():
    old = torch.arange(6, dtype=torch.float32).view(2, 3)
    new = torch.full((4, 5), 7.0)
    out = widen._widen_tensor(old, new)
    expected = np.array([[0, 1, 2, 0, 0],
                         [3, 4, 5, 0, 0],
                         [7, 7, 7, 7, 7],
                         [7, 7, 7, 7, 7]], dtype=np.float32)
    np.testing.assert_array_equal(out.numpy(), expected)


def test_lstm_gates_are_widened_block_by_block():
    # rows of a 2-unit LSTM tensor: gates i,f,g,o of 2 rows each -> 3 units: each gate keeps its 2 old rows first
    old = torch.arange(8, dtype=torch.float32).view(8, 1)
    new = torch.full((12, 1), -1.0)
    out = widen._widen_gates(old, new).flatten().tolist()
    assert out == [0, 1, -1, 2, 3, -1, 4, 5, -1, 6, 7, -1]


@pytest.mark.parametrize("change", [
    dict(stage_width_mults=[0.125, 0.125, 0.125, 0.125, 0.25], head_width_mult=0.25),
    dict(width_mult=0.1875),
])
def test_widened_model_computes_what_the_narrow_one_did(change):
    torch.manual_seed(3)
    narrow = ATRR(narrow_config())
    # trained-looking weights: nonzero BatchNorm statistics and head biases
    for m in narrow.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
            m.weight.data.uniform_(0.5, 1.5)
            m.bias.data.uniform_(-0.2, 0.2)
    narrow.text_cls.weight.data.normal_(0, 0.3)
    narrow.pair_out.weight.data.normal_(0, 0.3)
    wide_cfg = ModelConfig.from_dict(dict(narrow.cfg.to_dict(), **change))
    wide = ATRR(wide_cfg)
    wide.load_state_dict(widen.widen_state(narrow.state_dict(), wide.state_dict()))
    assert sum(p.numel() for p in wide.parameters()) > sum(p.numel() for p in narrow.parameters())
    narrow.eval()
    wide.eval()
    image = torch.rand(1, 3, 128, 192) * 255
    with torch.no_grad():
        outs_narrow, outs_wide = narrow(image), wide(image)
    assert outs_narrow[0].shape[0] > 0  # there were RoIs to compare
    for a, b in zip(outs_narrow, outs_wide):
        np.testing.assert_allclose(a.numpy(), b.numpy(), atol=1e-4)
    # and the new units do change the output once their zero columns move (training's first step)
    wide.fc2.weight.data[:, narrow.cfg.head_dim:] = 0.5
    with torch.no_grad():
        changed = wide(image)
    assert not torch.allclose(changed[2], outs_narrow[2])


def test_widening_refuses_a_narrower_target():
    big = ATRR(narrow_config(width_mult=0.25)).state_dict()
    small = ATRR(narrow_config()).state_dict()
    with pytest.raises(ValueError, match="cannot widen"):
        widen.widen_state(big, small)
