# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The training CLI end to end on tiny runs (config, CSV, PNG, checkpoints, resume, time budget, torchrun),
plus its pieces (overrides, lr schedule, batch sampler, fallback matcher) on hand-worked numbers.

The mechanics tests use a stand-in model and data module written into the test's tmp folder (the CLI
loads both by name: `model_factory`, `data.module`), so they check the trainer alone and stay fast; one
test runs the project's real model and data package when they are importable.
"""
import csv
import json
import math
import os
import socket
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, REPO)

from training.atrr import plotting, train, validate  # noqa: E402

PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


# ---- a tiny data folder in the uniform format ----------------------------------------------------------

def make_striped_dataset(root, count, size=96, seed=0):
    """Grey images with 1-2 dark rectangles filled with vertical light stripes (glyph-like), and their
    4-point ground truth; one `###` region in every third image."""
    rng = np.random.RandomState(seed)
    os.makedirs(os.path.join(root, "images"))
    os.makedirs(os.path.join(root, "gt"))
    for i in range(count):
        img = np.full((size, size, 3), 160 + rng.randint(-30, 30), np.uint8)
        lines = []
        for k in range(1 + i % 2):
            w, h = rng.randint(30, 70), rng.randint(10, 18)
            x, y = rng.randint(2, size - w - 2), rng.randint(2 + 45 * k, 45 * k + 30)
            img[y:y + h, x:x + w] = 30
            img[y + 2:y + h - 2, x + 2:x + w - 2:4] = 220  # stripes: stroke-like texture
            label = "###" if (i % 3 == 0 and k == 1) else "word"
            lines.append("%d,%d,%d,%d,%d,%d,%d,%d,%s" % (x, y, x + w, y, x + w, y + h, x, y + h, label))
        cv2.imwrite(os.path.join(root, "images", "img_%03d.png" % i), img)
        with open(os.path.join(root, "gt", "img_%03d.txt" % i), "w") as f:
            f.write("\n".join(lines) + "\n")


STANDIN_DATA = '''
import glob, os
import cv2, numpy as np, torch

def load_records(path):
    records = []
    for img in sorted(glob.glob(os.path.join(path, "images", "*.png"))):
        name = os.path.splitext(os.path.basename(img))[0]
        polys, ignore = [], []
        for line in open(os.path.join(path, "gt", name + ".txt")):
            f = line.strip().split(",")
            polys.append(np.array([float(v) for v in f[:8]]).reshape(4, 2))
            ignore.append(f[8] == "###")
        records.append({"image_path": img, "polygons": polys, "ignore": ignore})
    return records

def split_train_val(records, val_fraction, seed):
    order = np.random.RandomState(seed).permutation(len(records))
    n_val = max(1, int(round(val_fraction * len(records))))
    return [records[i] for i in order[n_val:]], [records[i] for i in order[:n_val]]

class _Set(torch.utils.data.Dataset):
    def __init__(self, records, crop, length):
        self.records, self.crop, self.length = records, crop, length
    def __len__(self):
        return self.length
    def __getitem__(self, i):
        r = self.records[i % len(self.records)]
        img = cv2.imread(r["image_path"])
        s = self.crop / img.shape[0]
        return {"image": cv2.resize(img, (self.crop, self.crop)), "polygons": [p * s for p in r["polygons"]],
                "ignore": r["ignore"], "pairs": None}

def make_dataset(records, train_size, augment, seed, length):
    return _Set(records, train_size, length)

def collate(items):
    return list(items)

def val_item(record):
    return record
'''

STANDIN_MODEL = '''
import torch

class Tiny(torch.nn.Module):
    """Predicts a darkness map; its 'polygon' is the box of the dark pixels."""
    def __init__(self, cfg):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.head = torch.nn.Conv2d(4, 1, 1)
    def forward_train(self, images, samples):
        y = self.head(torch.relu(self.conv(images / 255.0)))
        target = (images.mean(1, keepdim=True) < 80).float()
        return {"map": torch.nn.functional.binary_cross_entropy_with_logits(y, target),
                "l2": 1e-3 * sum((p ** 2).sum() for p in self.parameters())}
    def predict(self, image, input_size):
        x = torch.from_numpy(image).permute(2, 0, 1)[None].float()
        m = torch.sigmoid(self.head(torch.relu(self.conv(x / 255.0))))[0, 0] > 0.5
        ys, xs = torch.nonzero(m, as_tuple=True)
        if len(xs) == 0:
            return [], []
        x1, y1, x2, y2 = xs.min().item(), ys.min().item(), xs.max().item(), ys.max().item()
        return [[[x1, y1], [x2, y1], [x2, y2], [x1, y2]]], [0.9]

def build(cfg):
    assert cfg["width_mult"] == 0.125, cfg
    return Tiny(cfg)
'''


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    root = tmp_path_factory.mktemp("train_cli")
    make_striped_dataset(str(root / "data"), 12)
    (root / "standin_data.py").write_text(STANDIN_DATA)
    (root / "standin_model.py").write_text(STANDIN_MODEL)
    return root


def tiny_config(ws, **train_overrides):
    cfg = {
        "seed": 3,
        "model_factory": "standin_model:build",
        "model": {"width_mult": 0.125},
        "data": {"module": "standin_data", "sources": [{"path": str(ws / "data"), "weight": 1.0}],
                 "val_fraction": 0.25, "max_val_images": 3, "train_size": 64, "workers": 0},
        "train": dict({"steps": 6, "batch_size": 2, "log_every": 1, "val_every": 3, "ckpt_every": 2,
                       "progress": "simple", "torch_threads": 1}, **train_overrides),
        "optim": {"name": "adamw", "lr": 0.01, "weight_decay": 0.0},
        "schedule": {"name": "cosine", "warmup_steps": 2},
        "val": {"input_size": 64, "evaluator": "/nonexistent/adaptive_text_eval"},
    }
    return cfg


def run_cli(ws, args, module=("-m", "training.atrr.train"), timeout=300, evaluator=False):
    """The CLI in a fresh process (what users run); returns its console output. Without `evaluator`
    the C++ evaluator is hidden, so that the fallback path runs."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([REPO, str(ws)])
    if not evaluator:
        env.pop("ADAPTIVETEXT_BUILD_DIR", None)
    proc = subprocess.run([PYTHON] + list(module) + args, cwd=REPO, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, universal_newlines=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-4000:]
    return proc.stdout


def run_inprocess(ws, args, monkeypatch):
    """The CLI's main() in this process: saves the ~10 s torch import of a new process per run."""
    monkeypatch.syspath_prepend(str(ws))
    monkeypatch.delenv("ADAPTIVETEXT_BUILD_DIR", raising=False)
    threads = torch.get_num_threads()
    try:
        assert train.main(args) == 0
    finally:
        torch.set_num_threads(threads)  # main() sets it; later tests in this process keep theirs
    out = args[args.index("--out") + 1]
    with open(os.path.join(out, "train.log")) as f:
        return f.read()


def write_config(ws, name, cfg):
    path = ws / name
    path.write_text(json.dumps(cfg))
    return str(path)


def read_rows(run_dir):
    with open(os.path.join(run_dir, "metrics.csv")) as f:
        return list(csv.DictReader(f))


def test_run_then_resume_continues_from_saved_step(workspace, monkeypatch):
    run_dir = str(workspace / "run_resume")
    cfg_path = write_config(workspace, "tiny.json", tiny_config(workspace))
    monkeypatch.setattr(validate, "SOURCE_DIR", str(workspace))  # nor is there a build/ to fall back on
    text = run_inprocess(workspace, ["--config", cfg_path, "--out", run_dir, "--set", "train.steps=4"],
                         monkeypatch)
    assert "(fallback evaluator" in text  # the configured evaluator path does not exist
    ckpt = torch.load(os.path.join(run_dir, "checkpoints", "last.pt"))
    assert ckpt["step"] == 4
    assert os.path.getsize(os.path.join(run_dir, "curves.png")) > 1000
    assert os.path.exists(os.path.join(run_dir, "checkpoints", "best.pt"))
    assert os.path.exists(os.path.join(run_dir, "train.log"))
    rows = read_rows(run_dir)
    train_rows = [r for r in rows if r["loss"]]
    assert [int(r["step"]) for r in train_rows] == [1, 2, 3, 4]
    assert {"loss_map", "loss_l2", "lr", "images_per_s", "val_hmean"} <= set(rows[0].keys())
    for r in train_rows:
        assert math.isclose(float(r["loss"]), float(r["loss_map"]) + float(r["loss_l2"]), rel_tol=1e-4)
    val_steps = [int(r["step"]) for r in rows if r["val_hmean"]]
    assert val_steps == [3, 4]  # every 3 steps, and the final one
    assert len(os.listdir(os.path.join(run_dir, "val_pred"))) == 3
    assert len(os.listdir(os.path.join(run_dir, "val_gt"))) == 3

    # Resume with a longer schedule: no --config needed, the run folder holds it.
    text = run_inprocess(workspace, ["--out", run_dir, "--resume", "train.steps=7"], monkeypatch)
    assert "resumed at step 4" in text
    ckpt = torch.load(os.path.join(run_dir, "checkpoints", "last.pt"))
    assert ckpt["step"] == 7
    rows = [r for r in read_rows(run_dir) if r["loss"]]
    assert [int(r["step"]) for r in rows] == [1, 2, 3, 4, 5, 6, 7]
    times = [float(r["time_s"]) for r in rows]
    assert times == sorted(times)  # time_s counts the whole run, earlier sessions included


def test_resume_replays_the_uninterrupted_run(workspace, monkeypatch):
    """Same seed, same batches, restored optimizer/RNG: 3 steps + 3 resumed steps = 6 straight steps."""
    cfg = tiny_config(workspace, val_every=100)
    cfg["schedule"] = {"name": "constant", "warmup_steps": 0}  # a cosine would depend on train.steps
    cfg_path = write_config(workspace, "tiny6.json", cfg)
    straight, split = str(workspace / "straight"), str(workspace / "split")
    run_inprocess(workspace, ["--config", cfg_path, "--out", straight], monkeypatch)
    run_inprocess(workspace, ["--config", cfg_path, "--out", split, "train.steps=3"], monkeypatch)
    run_inprocess(workspace, ["--config", cfg_path, "--out", split, "--resume", "train.steps=6"], monkeypatch)
    a = torch.load(os.path.join(straight, "checkpoints", "last.pt"))
    b = torch.load(os.path.join(split, "checkpoints", "last.pt"))
    assert a["step"] == b["step"] == 6
    la = [float(r["loss"]) for r in read_rows(straight) if r["loss"]]
    lb = [float(r["loss"]) for r in read_rows(split) if r["loss"]]
    assert len(la) == len(lb) == 6 and la == pytest.approx(lb, rel=1e-5)
    for key, value in a["model"].items():
        assert torch.allclose(value, b["model"][key], rtol=1e-5, atol=1e-7), key


def test_time_budget_stops_cleanly(workspace, monkeypatch):
    run_dir = str(workspace / "run_budget")
    cfg_path = write_config(workspace, "budget.json", tiny_config(workspace, steps=100000,
                                                                   time_budget_minutes=0.01))
    text = run_inprocess(workspace, ["--config", cfg_path, "--out", run_dir], monkeypatch)
    assert "time budget of 0.01 min reached" in text
    ckpt = torch.load(os.path.join(run_dir, "checkpoints", "last.pt"))
    assert ckpt["step"] < 100000
    assert any(r["val_hmean"] for r in read_rows(run_dir))  # the final validation ran


def test_torchrun_two_processes(workspace):
    run_dir = str(workspace / "run_ddp")
    cfg_path = write_config(workspace, "ddp.json", tiny_config(workspace, steps=3, val_every=100))
    # --redirects 1 --tee 1: torch 1.13's torchrun cannot parse its default "0" under Python 3.11
    # (AttributeError 'NoneType' object has no attribute 'get'); 1 = stdout also goes to a log file.
    # a free port, not torchrun's default 29500: another job on the machine may hold that one
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = run_cli(workspace, ["--redirects", "1", "--tee", "1", "--nproc_per_node", "2",
                              "--master_addr", "127.0.0.1", "--master_port", str(port),
                              "-m", "training.atrr.train", "--config", cfg_path,
                              "--out", run_dir], module=("-m", "torch.distributed.run"))
    assert "2 processes" in out
    ckpt = torch.load(os.path.join(run_dir, "checkpoints", "last.pt"))
    assert ckpt["step"] == 3 and len(ckpt["rng"]) == 2
    rows = [r for r in read_rows(run_dir) if r["loss"]]
    assert [int(r["step"]) for r in rows] == [1, 2, 3]  # rank 0 alone writes the log


def test_real_model_end_to_end(workspace, monkeypatch):
    """The project's model and data package on 64 px crops, width 0.125: runs, logs, resumes."""
    pytest.importorskip("training.atrr.model")
    pytest.importorskip("training.atrr.data")
    cfg = {"seed": 0, "model": {"width_mult": 0.125},
           "data": {"sources": [{"path": str(workspace / "data")}], "val_fraction": 0.25,
                    "max_val_images": 2, "train_size": 64, "workers": 0},
           "train": {"steps": 3, "batch_size": 2, "log_every": 1, "val_every": 100, "ckpt_every": 2,
                     "progress": "simple"},
           "val": {"input_size": 64}}
    run_dir = str(workspace / "run_real")
    cfg_path = write_config(workspace, "real.json", cfg)
    run_cli(workspace, ["--config", cfg_path, "--out", run_dir], evaluator=True)
    with open(os.path.join(run_dir, "train.log")) as f:
        used = "cpp" if validate.find_evaluator() else "fallback"
        assert "(%s evaluator, 2 images" % used in f.read()
    assert torch.load(os.path.join(run_dir, "checkpoints", "last.pt"))["step"] == 3
    assert os.path.exists(os.path.join(run_dir, "curves.png"))
    text = run_inprocess(workspace, ["--out", run_dir, "--resume", "train.steps=4"], monkeypatch)
    assert "resumed at step 3" in text
    assert [int(r["step"]) for r in read_rows(run_dir) if r["loss"]] == [1, 2, 3, 4]


# ---- pieces -------------------------------------------------------------------------------------------

def test_overrides_parse_json_values():
    cfg = {"train": {"steps": 1}}
    train.apply_override(cfg, "train.steps=200")
    train.apply_override(cfg, "optim.name=adamw")
    train.apply_override(cfg, "model.anchor_ratios=[1, 2.5]")
    train.apply_override(cfg, "train.time_budget_minutes=null")
    assert cfg == {"train": {"steps": 200, "time_budget_minutes": None}, "optim": {"name": "adamw"},
                   "model": {"anchor_ratios": [1, 2.5]}}
    with pytest.raises(ValueError):
        train.apply_override(cfg, "train.steps")
    assert train.parse_data_arg("/d/synth:0.5") == {"path": "/d/synth", "weight": 0.5}
    assert train.parse_data_arg("/d/td500") == {"path": "/d/td500", "weight": 1.0}


def test_lr_schedule_by_hand():
    cfg = {"name": "cosine", "warmup_steps": 10, "warmup_start_factor": 0.1, "min_lr_factor": 0.0,
           "milestones": [], "gamma": 0.1}
    assert train.lr_factor(0, 110, cfg) == pytest.approx(0.1)
    assert train.lr_factor(5, 110, cfg) == pytest.approx(0.55)  # halfway up the warm-up
    assert train.lr_factor(10, 110, cfg) == pytest.approx(1.0)
    assert train.lr_factor(60, 110, cfg) == pytest.approx(0.5)  # cos(pi/2): half-way down
    assert train.lr_factor(110, 110, cfg) == pytest.approx(0.0)
    # the clock ahead of the steps: 3/4 of the budget used at step 20 -> cos(3pi/4) -> (1 - 0.7071) / 2
    assert train.lr_factor(20, 110, cfg, time_fraction=0.75) == pytest.approx(0.146447, abs=1e-6)
    assert train.lr_factor(60, 110, cfg, time_fraction=0.1) == pytest.approx(0.5)  # steps ahead: steps win
    assert train.lr_factor(5, 110, cfg, time_fraction=0.9) == pytest.approx(0.55)  # warm-up is by steps
    step_cfg = dict(cfg, name="step", warmup_steps=0, milestones=[5, 8])
    assert [train.lr_factor(s, 10, step_cfg) for s in (4, 5, 8)] == pytest.approx([1.0, 0.1, 0.01])


def test_sampler_weights_shards_and_restart():
    # Source 0 has 2 images with weight 3, source 1 has 6 with weight 1: 3/4 of the draws from source 0.
    full = train.MixedBatchSampler([2, 6], [3.0, 1.0], 4, 0, 1, seed=1, start=0, total=2000)
    batches = list(full)
    draws = np.concatenate(batches)
    assert abs(np.mean(draws < 2) - 0.75) < 0.02
    assert len(full) == 2000
    # Two ranks split each global batch of step s; a restart at step 1500 replays the same batches.
    r0 = list(train.MixedBatchSampler([2, 6], [3.0, 1.0], 2, 0, 2, 1, 0, 20))
    r1 = list(train.MixedBatchSampler([2, 6], [3.0, 1.0], 2, 1, 2, 1, 0, 20))
    assert [a + b for a, b in zip(r0, r1)] == batches[:20]
    assert list(train.MixedBatchSampler([2, 6], [3.0, 1.0], 4, 0, 1, 1, 1500, 2000)) == batches[1500:]


def test_images_tensor_pads_to_stride():
    samples = [{"image": np.full((20, 30, 3), 7, np.uint8)}, {"image": np.full((33, 16, 3), 9, np.uint8)}]
    t = train.images_tensor(samples, torch.device("cpu"))
    assert t.shape == (2, 3, 48, 32) and t.dtype == torch.float32
    assert t[0, :, :20, :30].eq(7).all() and t[0, :, 20:].eq(0).all() and t[1, :, :33, :16].eq(9).all()


def write_hand_made_case(root):
    """img_a: 2 care boxes + 1 don't-care; detections: one hit (IoU 0.81), one on the ### region (ignored),
    one on background (false positive). img_b: one care box, missed. So 1 match, 3 care gt, 2 counted
    detections: P = 1/2, R = 1/3, F = 0.4."""
    gt, pred = root / "gt", root / "pred"
    gt.mkdir()
    pred.mkdir()
    validate.write_lines(str(gt / "a.txt"), ["0,0,10,0,10,10,0,10,CARE", "20,20,40,20,40,30,20,30,x,y",
                                             "50,50,60,50,60,60,50,60,###"])
    validate.write_lines(str(pred / "a.txt"), validate.prediction_lines(
        [[[1, 1], [10, 1], [10, 10], [1, 10]], [[51, 51], [59, 51], [59, 59], [51, 59]],
         [[70, 70], [80, 70], [80, 80], [70, 80]]], [0.9, 0.8, 0.7]))
    validate.write_lines(str(gt / "b.txt"), ["0,0,10,0,10,10,0,10,CARE"])
    return str(gt), str(pred)


def test_fallback_matcher_by_hand(tmp_path):
    square = [[0, 0], [10, 0], [10, 10], [0, 10]]
    shifted = [[5, 0], [15, 0], [15, 10], [5, 10]]  # overlap 50, union 150
    assert validate.polygon_iou(square, shifted) == pytest.approx(1 / 3)
    assert validate._raster_areas(np.array(square, float), np.array(shifted, float)) == pytest.approx(
        (100, 100, 50), rel=0.03)
    r = validate.fallback_evaluate(*write_hand_made_case(tmp_path))
    assert (r["matches"], r["gt"], r["detections"]) == (1, 3, 2)
    assert r["precision"] == pytest.approx(0.5) and r["recall"] == pytest.approx(1 / 3)
    assert r["hmean"] == pytest.approx(0.4)


def test_cpp_evaluator_agrees_with_fallback(tmp_path):
    """The C++ evaluator (when built: ADAPTIVETEXT_BUILD_DIR, set by ctest) on the hand-made case."""
    exe = validate.find_evaluator()
    if exe is None:
        pytest.skip("adaptive_text_eval not built")
    gt, pred = write_hand_made_case(tmp_path)
    r = validate.run_evaluator(exe, gt, pred, "icdar15")
    assert r["precision"] == pytest.approx(0.5) and r["recall"] == pytest.approx(1 / 3)
    assert r["hmean"] == pytest.approx(0.4)


def test_evaluator_found_in_the_source_trees_build_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("ADAPTIVETEXT_BUILD_DIR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(validate, "SOURCE_DIR", str(tmp_path))
    assert validate.find_evaluator() is None
    exe = tmp_path / "build" / "apps" / "adaptive_text_eval" / "adaptive_text_eval"
    exe.parent.mkdir(parents=True)
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    assert validate.find_evaluator() == str(exe)
    assert validate.find_evaluator(explicit="/nonexistent") == str(exe)


def test_missing_evaluator_is_reported_and_fallback_used(tmp_path, monkeypatch):
    monkeypatch.setattr(validate, "_warned_missing", [])
    monkeypatch.delenv("ADAPTIVETEXT_BUILD_DIR", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(validate, "SOURCE_DIR", str(tmp_path))  # no build/ there either
    image = np.zeros((20, 20, 3), np.uint8)
    cv2.imwrite(str(tmp_path / "a.png"), image)
    items = [{"name": "a", "image_path": str(tmp_path / "a.png"), "ignore": [False],
              "polygons": [np.array([[2, 2], [12, 2], [12, 8], [2, 8]])]}]
    validate.write_ground_truth(items, str(tmp_path / "gt"))
    messages = []
    result = validate.validate(lambda img: ([[[2, 2], [12, 2], [12, 8], [2, 8]]], [0.9]), items,
                               str(tmp_path / "gt"), str(tmp_path / "pred"), log=messages.append)
    assert len(messages) == 1 and "adaptive_text_eval not found" in messages[0]
    assert result["evaluator"] == "fallback" and result["hmean"] == 1.0
    assert open(str(tmp_path / "pred" / "a.txt")).read() == "2,2,12,2,12,8,2,8,0.9000\n"


def test_prediction_lines_format():
    lines = validate.prediction_lines([np.array([[1.4, 2.6], [10, 2], [10, 9], [1, 9]]), [[0, 0], [1, 1]]],
                                      [0.87654, 0.5])
    assert lines == ["1,3,10,2,10,9,1,9,0.8765"]  # the 2-point polygon is no area: dropped


def test_csv_log_grows_columns_and_truncates_on_resume(tmp_path):
    path = str(tmp_path / "m.csv")
    log = plotting.CsvLog(path)
    log.append({"step": 1, "loss": 2.0})
    log.append({"step": 2, "loss": 1.5, "loss_rpn": 0.5})
    log.append({"step": 3, "loss": 1.0, "loss_rpn": 0.25})
    again = plotting.CsvLog(path, resume_step=2)
    rows = list(csv.DictReader(open(path)))
    assert [r["step"] for r in rows] == ["1", "2"] and rows[1]["loss_rpn"] == "0.5"
    assert "loss_rpn" in again.columns
    plotting.plot_curves(path, str(tmp_path / "c.png"))
    assert cv2.imread(str(tmp_path / "c.png")) is not None


def test_shipped_configs_load_and_typos_are_refused(tmp_path):
    config_dir = os.path.join(REPO, "training", "configs")
    names = sorted(n for n in os.listdir(config_dir) if n.endswith(".json"))
    assert {"cpu_synth_w025.json", "cpu_td500_w025.json", "gpu_full_w100.json", "tiny_test.json"} <= set(names)
    for name in names:
        cfg = train.load_config(train.parse_args(["--config", os.path.join(config_dir, name)]))
        assert cfg["data"]["sources"] and cfg["model"]["width_mult"] > 0, name
        assert cfg["data"]["train_size"] % 16 == 0, name
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"train": {"step": 10}}))
    with pytest.raises(SystemExit, match="unknown key 'step'"):
        train.load_config(train.parse_args(["--config", str(bad)]))
