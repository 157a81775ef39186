# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""stem_distill: which photos it reads, what it trains (the stem only), and what it writes."""
import os

import cv2
import numpy as np
import torch

from training.atrr import stem_distill
from training.atrr.config import ModelConfig
from training.atrr.export import load_checkpoint
from training.atrr.model import ATRR


def write_photos(folder, names, seed=0):
    os.makedirs(folder, exist_ok=True)
    rng = np.random.RandomState(seed)
    for name in names:
        cv2.imwrite(os.path.join(folder, name), rng.randint(0, 256, (120, 160, 3), np.uint8))


def test_list_images_leaves_out_the_validation_names(tmp_path):
    photos, gt = str(tmp_path / "images"), str(tmp_path / "val_gt")
    write_photos(photos, ["a.jpg", "b.png", "c.JPG"])
    open(os.path.join(photos, "notes.txt"), "w").close()
    os.makedirs(gt)
    open(os.path.join(gt, "b.txt"), "w").close()
    names = [os.path.basename(p) for p in stem_distill.list_images([photos], [gt])]
    assert names == ["a.jpg", "c.JPG"]


def tiny_teacher_and_photos(tmp_path, seed):
    """A random tiny line model saved as a checkpoint, and a folder of three random photos."""
    cfg = ModelConfig(width_mult=0.125, post_nms_top_n=8, max_steps=4, fc_dim=64, lstm_hidden=32)
    torch.manual_seed(seed)
    teacher = ATRR(cfg)
    teacher_path = str(tmp_path / "teacher.pt")
    torch.save({"model": teacher.state_dict(), "config": cfg.to_dict()}, teacher_path)
    photos = str(tmp_path / "images")
    write_photos(photos, ["%d.jpg" % i for i in range(3)], seed=seed)
    return teacher, teacher_path, photos


def test_a_short_run_trains_the_stem_only_and_writes_a_loadable_checkpoint(tmp_path):
    teacher, teacher_path, photos = tiny_teacher_and_photos(tmp_path, 0)
    out = str(tmp_path / "stem.pt")
    stem_distill.main(["--teacher", teacher_path, "--images", photos, "--minutes", "0.05", "--crop", "64",
                       "--batch", "2", "--stem_channels", "12", "--log_every", "1", "--out", out])
    student = load_checkpoint(out)
    assert student.cfg.stem == "k4s2" and student.cfg.stem_channels == 12
    trained, frozen = student.state_dict(), teacher.state_dict()
    for name, value in trained.items():
        if not name.startswith("backbone.stages.0."):
            assert torch.equal(value, frozen[name]), name
    with open(out + ".csv") as log:
        rows = log.read().splitlines()
    assert rows[0] == "step,minutes,lr,stem_error,feature_error" and len(rows) >= 2
    # The optimizer state for --resume sits beside it.
    assert os.path.exists(out + ".state")


def test_train_backbone_moves_the_later_stages_but_not_the_heads(tmp_path):
    teacher, teacher_path, photos = tiny_teacher_and_photos(tmp_path, 1)
    out = str(tmp_path / "b.pt")
    stem_distill.main(["--teacher", teacher_path, "--images", photos, "--minutes", "0.05", "--crop", "64",
                       "--batch", "2", "--train", "backbone", "--backbone_lr", "1e-2", "--out", out])
    trained, frozen = load_checkpoint(out).state_dict(), teacher.state_dict()
    moved = [n for n in trained if n.startswith("backbone.stages.1.") and n.endswith("weight")
             and not torch.equal(trained[n], frozen[n])]
    assert moved, "no weight of stage 2 changed"
    for name in trained:
        heads = not name.startswith(("backbone.", "skip4."))
        later_statistics = "running_" in name and not name.startswith("backbone.stages.0.")
        if heads or later_statistics:  # BatchNorm statistics of stages 2-5 stay frozen
            assert torch.equal(trained[name], frozen[name]), name


def test_resume_continues_the_step_count_and_the_log(tmp_path):
    _, teacher_path, photos = tiny_teacher_and_photos(tmp_path, 2)
    out = str(tmp_path / "r.pt")
    common = ["--teacher", teacher_path, "--images", photos, "--crop", "64", "--batch", "2", "--log_every", "1",
              "--out", out]
    stem_distill.main(common + ["--minutes", "0.03"])
    first = torch.load(out + ".state", map_location="cpu")
    stem_distill.main(common + ["--minutes", "0.06", "--resume", out + ".state"])
    second = torch.load(out + ".state", map_location="cpu")
    assert second["step"] > first["step"] and second["elapsed"] > first["elapsed"]
    assert [torch.equal(a, b) for a, b in zip(first["variance"], second["variance"])] == [True, True]
    with open(out + ".csv") as log:
        steps = [int(line.split(",")[0]) for line in log.read().splitlines()[1:]]
    assert steps == list(range(1, second["step"] + 1))  # one header, then every step once, across both runs
