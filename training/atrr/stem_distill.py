# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Trains a cheap stem (`ModelConfig.stem`) to stand in for a trained line model's VGG stage 1.

The rest of the network is the teacher's, frozen: the student is the teacher with stage 1 swapped. The loss is
the squared error of the stem's output against stage 1's, plus that of the backbone's output (what the Text-RPN
and RoIAlign read) against the teacher's, each divided by the teacher's per-channel variance so that no
channel or level dominates. No labels: any real photo teaches it, so the images are the training photos minus
the validation splits (`--exclude` folders of ground truth whose file names are left out).

    python3 -m training.atrr.stem_distill --teacher training/checkpoints/lines_v1_uncalibrated.pt \\
        --images runs/data/td500_train_1024/images --images runs/data/ic15_train800/images \\
        --exclude runs/campaign_lines_w0125_merged_cont/val_gt --minutes 45 --out runs/s29/stem.pt

It checkpoints every `--save_minutes` (with the optimizer, to resume with `--resume`), logs a CSV line every
`--log_every` steps, and at the end writes `--out` (weights and config only, like the shipped checkpoints)
and prints the held-out error on `--holdout` images at the detector's two pass sizes.
"""
import argparse
import csv
import math
import os
import random
import sys
import time

import cv2
import numpy as np
import torch

from .config import ModelConfig
from .export import load_checkpoint
from .model import ATRR, STEM_PREFIX, limit_trainable
from .train import save_atomic, seed_everything

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp")


def list_images(folders, exclude_folders=()):
    excluded = set()
    for folder in exclude_folders:
        excluded.update(os.path.splitext(n)[0] for n in os.listdir(folder))
    paths = []
    for folder in folders:
        for name in sorted(os.listdir(folder)):
            stem, ext = os.path.splitext(name)
            if ext.lower() in IMAGE_SUFFIXES and stem not in excluded:
                paths.append(os.path.join(folder, name))
    return paths


TRAINED = {"stem": (STEM_PREFIX,), "backbone": ("backbone.", "skip4.")}  # skip4: where the model has it


def student_of(teacher: ATRR, stem: str, stem_channels: int, trained="stem") -> ATRR:
    """The teacher with stage 1 swapped for the stem; only the parameters of `trained` (TRAINED) learn."""
    cfg = ModelConfig.from_dict(dict(teacher.cfg.to_dict(), stem=stem, stem_channels=stem_channels))
    student = ATRR(cfg)
    weights = {k: v for k, v in teacher.state_dict().items() if not k.startswith(STEM_PREFIX)}
    missing, unexpected = student.load_state_dict(weights, strict=False)
    assert not unexpected and all(k.startswith(STEM_PREFIX) for k in missing), (missing, unexpected)
    limit_trainable(student, [p for p in TRAINED[trained] if p != "skip4." or student.skip4 is not None])
    return student


def stem_and_features(model: ATRR, image):
    """(stage-1 output, backbone output) of a BGR 0..255 batch."""
    x = model.backbone.stages[0](model.preprocess(image))
    stem = x
    for i, stage in enumerate(model.backbone.stages[1:], start=1):
        x = stage(x)
        if i == 3:
            stage4 = x
    if model.skip4 is not None:
        x = x + model.skip4(stage4)
    return stem, x


def random_crop(path, crop, rng):
    """The photo at a random long side in 384..1024 (the detector's passes are 512 and 672), one crop."""
    image = cv2.imread(path, cv2.IMREAD_COLOR)
    if image is None:
        raise RuntimeError("cannot read %s" % path)
    long_side = rng.uniform(384, 1024)
    scale = long_side / max(image.shape[:2])
    image = cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA if scale < 1 else
                       cv2.INTER_LINEAR)
    h, w = image.shape[:2]
    out = np.zeros((crop, crop, 3), np.uint8)
    y0, x0 = rng.randint(0, max(0, h - crop)), rng.randint(0, max(0, w - crop))
    part = image[y0:y0 + crop, x0:x0 + crop]
    out[:part.shape[0], :part.shape[1]] = part
    return out


def to_batch(images):
    return torch.from_numpy(np.stack(images)).permute(0, 3, 1, 2).float().contiguous()


def normalized_error(student, teacher, variance):
    return (((student - teacher) ** 2).mean(dim=(0, 2, 3)) / variance).mean()


def channel_variance(teacher, paths, crop, rng, batches=8, batch=4):
    stems, feats = [], []
    with torch.no_grad():
        for _ in range(batches):
            s, f = stem_and_features(teacher, to_batch([random_crop(rng.choice(paths), crop, rng)
                                                        for _ in range(batch)]))
            stems.append(s.transpose(0, 1).reshape(s.shape[1], -1))
            feats.append(f.transpose(0, 1).reshape(f.shape[1], -1))
    return (torch.cat(stems, 1).var(1).clamp_min(1e-6), torch.cat(feats, 1).var(1).clamp_min(1e-6))


def holdout_error(student, teacher, paths, variance, sides=(512, 672)):
    """Mean normalized errors (stem, features) over whole held-out photos at the detector's pass sizes."""
    student.eval()
    errors = []
    with torch.no_grad():
        for path in paths:
            image = cv2.imread(path, cv2.IMREAD_COLOR)
            for side in sides:
                scale = side / max(image.shape[:2])
                w, h = (max(16, int(round(d * scale / 16)) * 16) for d in (image.shape[1], image.shape[0]))
                x = to_batch([cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA)])
                s_stem, s_feat = stem_and_features(student, x)
                t_stem, t_feat = stem_and_features(teacher, x)
                errors.append((normalized_error(s_stem, t_stem, variance[0]).item(),
                               normalized_error(s_feat, t_feat, variance[1]).item()))
    return tuple(float(np.mean([e[i] for e in errors])) for i in (0, 1))


def make_optimizer(student, stem_lr, backbone_lr):
    """Adam over what learns: the stem at stem_lr, anything else trainable (--train backbone) at backbone_lr."""
    stem = [p for n, p in student.named_parameters() if n.startswith(STEM_PREFIX)]
    rest = [p for n, p in student.named_parameters() if p.requires_grad and not n.startswith(STEM_PREFIX)]
    groups = [{"params": stem, "base_lr": stem_lr}]
    if rest:
        groups.append({"params": rest, "base_lr": backbone_lr})
    return torch.optim.Adam(groups, lr=stem_lr)


class Run:
    """The student, its optimizer, where it stands (step, seconds trained), the teacher's per-channel
    variances (fixed at the start, so that a resumed run's loss means the same), and its resume file."""

    def __init__(self, student, optimizer, state_path):
        self.student, self.optimizer, self.state_path = student, optimizer, state_path
        self.step, self.elapsed, self.variance = 0, 0.0, None

    def save(self):
        save_atomic({"model": self.student.state_dict(), "optimizer": self.optimizer.state_dict(),
                     "step": self.step, "elapsed": self.elapsed, "variance": list(self.variance)}, self.state_path)

    def resume(self, path):
        state = torch.load(path, map_location="cpu")
        self.student.load_state_dict(state["model"])
        self.optimizer.load_state_dict(state["optimizer"])
        self.step, self.elapsed, self.variance = state["step"], state["elapsed"], tuple(state["variance"])


def distill(run, teacher, paths, rng, args):
    """Steps until args.minutes of training (the resumed ones included), with a cosine from args.lr to a
    hundredth of it over that time (steps per minute vary with the machine's load); a CSV line and a progress
    line every args.log_every steps, the resume file every args.save_minutes and at the end."""
    log_path = args.out + ".csv"
    new_log = not (args.resume and os.path.exists(log_path))
    with open(log_path, "w" if new_log else "a", newline="") as log:
        writer = csv.writer(log)
        if new_log:
            writer.writerow(["step", "minutes", "lr", "stem_error", "feature_error"])
        budget = args.minutes * 60
        start, last_save = time.time() - run.elapsed, time.time()
        running = []
        while time.time() - start < budget:
            progress = min(1.0, (time.time() - start) / budget)
            decay = 0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * progress))
            for group in run.optimizer.param_groups:
                group["lr"] = group["base_lr"] * decay
            running.append(distill_step(run, teacher, [random_crop(rng.choice(paths), args.crop, rng)
                                                        for _ in range(args.batch)], args.feature_weight))
            run.step += 1
            run.elapsed = time.time() - start
            if run.step % args.log_every == 0:
                m = np.mean(running, axis=0)
                running = []
                writer.writerow([run.step, "%.2f" % (run.elapsed / 60), "%.2e" % (args.lr * decay),
                                 "%.5f" % m[0], "%.5f" % m[1]])
                log.flush()
                print("[%-30s] step %d  %.1f/%.0f min  lr %.1e  stem %.4f  features %.4f"
                      % ("#" * int(30 * progress), run.step, run.elapsed / 60, args.minutes, args.lr * decay,
                         m[0], m[1]), flush=True)
            if time.time() - last_save > args.save_minutes * 60:
                run.save()
                last_save = time.time()
    run.save()


def distill_step(run, teacher, crops, feature_weight):
    """One optimizer step on a batch of crops → (stem error, backbone-output error)."""
    run.student.eval()
    run.student.backbone.stages[0].train()  # only the stem's BatchNorm learns statistics
    x = to_batch(crops)
    with torch.no_grad():
        t_stem, t_feat = stem_and_features(teacher, x)
    s_stem, s_feat = stem_and_features(run.student, x)
    e_stem = normalized_error(s_stem, t_stem, run.variance[0])
    e_feat = normalized_error(s_feat, t_feat, run.variance[1])
    run.optimizer.zero_grad()
    (e_stem + feature_weight * e_feat).backward()
    run.optimizer.step()
    return e_stem.item(), e_feat.item()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--teacher", required=True, help="a line-model checkpoint (weights + config)")
    ap.add_argument("--images", action="append", required=True, help="a folder of photos (repeatable)")
    ap.add_argument("--exclude", action="append", default=[],
                    help="a folder (ground truth of a validation split) whose file names are left out")
    ap.add_argument("--holdout", help="a folder of photos for the final held-out error (e.g. the validation split)")
    ap.add_argument("--holdout_gt", help="only the holdout photos named in this ground-truth folder")
    ap.add_argument("--stem", default="k4s2")
    ap.add_argument("--stem_channels", type=int, default=16)
    ap.add_argument("--train", choices=sorted(TRAINED), default="stem",
                    help="stem: the stem alone; backbone: the stem and stages 2-5 (+ skip), so that the later "
                         "stages absorb what the stem cannot copy (their BatchNorm statistics stay frozen)")
    ap.add_argument("--backbone_lr", type=float, default=3e-4, help="learning rate of stages 2-5 with --train backbone")
    ap.add_argument("--init", help="start from this checkpoint of an earlier run (weights only, e.g. --train stem's)")
    ap.add_argument("--minutes", type=float, default=45.0, help="training time budget (the schedule's length)")
    ap.add_argument("--crop", type=int, default=320)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--feature_weight", type=float, default=1.0, help="weight of the backbone-output term")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--log_every", type=int, default=25)
    ap.add_argument("--save_minutes", type=float, default=5.0)
    ap.add_argument("--resume", help="a checkpoint written by this script (with its optimizer)")
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    rng = random.Random(args.seed)
    teacher = load_checkpoint(args.teacher).eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    student = student_of(teacher, args.stem, args.stem_channels, args.train)
    if args.init:
        student.load_state_dict(load_checkpoint(args.init).state_dict())
    paths = list_images(args.images, args.exclude)
    if not paths:
        sys.exit("no training photos in %s" % args.images)
    run = Run(student, make_optimizer(student, args.lr, args.backbone_lr), args.out + ".state")
    if args.resume:
        run.resume(args.resume)
    else:
        run.variance = channel_variance(teacher, paths, args.crop, rng)
    print("stem %s/%d, training the %s: %d photos, crop %d, batch %d, %.0f min (from step %d, %.1f min done)"
          % (args.stem, args.stem_channels, args.train, len(paths), args.crop, args.batch, args.minutes,
             run.step, run.elapsed / 60), flush=True)
    distill(run, teacher, paths, rng, args)
    student.eval()
    save_atomic({"model": student.state_dict(), "config": student.cfg.to_dict()}, args.out)
    print("wrote %s after %d steps, %.1f min" % (args.out, run.step, run.elapsed / 60), flush=True)
    if args.holdout:
        held = list_images([args.holdout])
        if args.holdout_gt:
            keep = {os.path.splitext(n)[0] for n in os.listdir(args.holdout_gt)}
            held = [p for p in held if os.path.splitext(os.path.basename(p))[0] in keep]
        e = holdout_error(student, teacher, held, run.variance)
        print("held-out (%d photos at long sides 512 and 672): stem error %.4f, feature error %.4f"
              % (len(held), e[0], e[1]), flush=True)


if __name__ == "__main__":
    main()
