# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""A second opinion on the line model's candidates: the shipped line model's verifier (doc/models.md).

Why: a third of the care lines the line model misses on the validation splits have a candidate at IoU >= 0.5
in its pool before the NMS, scored 0.02-0.25 (doc/models.md, "Verifier"). The verifier reads each candidate's
rectified crop (its minimum-area rectangle, long side horizontal, 32 x 128) with its score and shape, and says
whether it is a line; the candidate's new score is (1 - w) score + w verifier (w 0.75 for the shipped verifier,
chosen on the validation splits among 0.5-1.0: `eval --weights`, `export --weight`).

    python3 -m training.atrr.verifier pool --model raw.onnx --set NAME=GT_DIR:IMAGES_DIR --out P.npz
    python3 -m training.atrr.verifier train --pools A.npz B.npz --val V.npz --out v.pt --epochs 8
    python3 -m training.atrr.verifier eval --verifier v.pt --model raw.onnx --set NAME=GT:IMAGES --csv F
    python3 -m training.atrr.verifier export --verifier v.pt --line_checkpoint lines_cal.pt --out verifier.onnx

The pools are the detector's two passes (512, then 672 for polygons thinner than 32 px at 512) run once each
in the C++ samples app at --pass_score, no NMS (training/atrr/scoring.py, detector_pools). Label: IoU >= 0.5
with a care line (1), under 0.5 with every care line (0); candidates lying mostly (> 0.5) inside a "###"
region are left out, as the icdar15 protocol leaves such detections out.
"""
import argparse
import json
import math
import os
import sys
import tempfile
import time

import cv2
import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

from training.atrr.convert import logit
from training.atrr.data.readers import find_image
from training.atrr.detections import FIRST_SIDE, SECOND_SIDE, iou, nms, read_gt, shape, write_dets
from training.atrr.scoring import detector_pools, evaluate, open_sets, write_csv

CROP_H, CROP_W = 32, 128
PAD = 0.15  # of the thickness, on every side: the verifier sees the line's edges
# Curvature gate: a candidate filling less than this of its minimum-area rectangle is a curved line whose rectangle
# crop shows a thin arc in an empty box, unlike the straight lines the verifier learnt from; it keeps its own score
# (doc/detector.md, "Verifier"). The one definition: export writes it into the verifier's settings ("min_fill"),
# which the C++ detector reads.
MIN_FILL = 0.7
# The metadata_props key of the verifier's settings (as training.atrr.export.SETTINGS_KEY for detector models).
SETTINGS_KEY = "adaptivetext.settings"


def verifier_settings(threshold, weight, detector_threshold):
    """The verifier's own settings JSON: the fusion it computes (baked into the graph) and its crop fill gate."""
    return {"version": 1, "kind": "verifier", "fusion_weight": float(weight), "threshold": float(threshold),
            "detector_threshold": float(detector_threshold), "min_fill": float(MIN_FILL)}


def rectified_crop(img, pts):
    """The polygon's minimum-area rectangle, padded, warped to CROP_H x CROP_W with its long side horizontal."""
    (cx, cy), (w, h), a = cv2.minAreaRect(pts.astype(np.float32))
    if w < h:
        w, h, a = h, w, a + 90.0
    w, h = w + 2 * PAD * h, h * (1 + 2 * PAD)
    t = math.radians(a)
    u = np.array([math.cos(t), math.sin(t)]) * w / 2
    v = np.array([-math.sin(t), math.cos(t)]) * h / 2
    c = np.array([cx, cy])
    src = np.float32([c - u - v, c + u - v, c + u + v])
    dst = np.float32([[0, 0], [CROP_W, 0], [CROP_W, CROP_H]])
    return cv2.warpAffine(img, cv2.getAffineTransform(src, dst), (CROP_W, CROP_H), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)


def shape_features(pts, score, frame_long):
    (_, _), (w, h), _ = cv2.minAreaRect(pts.astype(np.float32))
    long_, short = max(w, h, 1.0), max(min(w, h), 1.0)
    return [score, math.log(long_ / short), math.log(short / frame_long * 100.0)]


def fill_ratio(pts):
    """Polygon area over its minimum-area rectangle's (1 for a straight line, well under 1 for an arc)."""
    (_, _), (w, h), _ = cv2.minAreaRect(pts.astype(np.float32))
    return abs(cv2.contourArea(pts.astype(np.float32))) / max(w * h, 1e-6)


def label_of(g, gt_shapes):
    """1 / 0 / -1 (left out): see the module's docstring."""
    best = 0.0
    for q, care in gt_shapes:
        if care:
            best = max(best, iou(g, q))
    if best >= 0.5:
        return 1
    if g.area > 0 and any(not care and g.intersection(q).area > 0.5 * g.area for q, care in gt_shapes):
        return -1
    return 0


def pools_of(args, spec_list, tmp):
    """Yields (set name, gt_dir, image name, frame, [(pts, score)]) over every image of every set."""
    for name, gt_dir, images, names, sizes in open_sets(spec_list, tmp):
        sides = tuple(int(v) for v in args.passes.split(",")) if args.passes else (FIRST_SIDE, SECOND_SIDE)
        pools = detector_pools(args.build, args.model, args.cache, args.pass_score, name, images, names, sizes, sides)
        for n in names:
            yield name, gt_dir, n, cv2.imread(find_image(images, n)), pools[n]


def cmd_pool(args):
    crops, feats, labels = [], [], []
    t0 = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for k, (name, gt_dir, n, frame, cands) in enumerate(pools_of(args, args.set, tmp)):
            gt = [(shape(p), care) for p, care in read_gt(os.path.join(gt_dir, n + ".txt"))]
            for pts, s in cands:
                lab = label_of(shape(pts), gt)
                if lab < 0:
                    continue
                crops.append(rectified_crop(frame, pts))
                feats.append(shape_features(pts, s, max(frame.shape[:2])))
                labels.append(lab)
            if k % 100 == 0:
                print("%s: %d images, %d candidates (%.0f%% lines), %.0f s" % (
                    name, k + 1, len(labels), 100.0 * np.mean(labels) if labels else 0, time.time() - t0), flush=True)
    np.savez_compressed(args.out, crops=np.stack(crops), feats=np.float32(feats), labels=np.int8(labels))
    print(json.dumps({"out": args.out, "candidates": len(labels), "lines": int(np.sum(labels))}))


class Verifier(nn.Module):
    """Four 3x3 conv blocks over the 32 x 128 crop, pooled to C x 1 x 4 (C = 64 at width 1), joined with the shape
    features. width scales the blocks' channels (0.5: a quarter of the multiply-adds); pre_pool 2 averages the
    crop 2 x 2 first (a 16 x 64 crop, a quarter of the multiply-adds with the full-resolution weights; the detector
    still cuts 32 x 128, the pool is the exported graph's first node); stem_stride 2 makes the first convolution
    6 x 6 at stride 2 (the same half-resolution maps as pre_pool 2, with a learned downsampling instead of a fixed
    average; see half_resolution_stem). The shipped verifier is width 0.75, pruned from a width-1 one
    (prune_channels; doc/models.md)."""

    def __init__(self, n_feats=3, width=1.0, pre_pool=1, stem_stride=1):
        super().__init__()
        self.pre_pool = pre_pool
        self.stem_stride = stem_stride
        chans = [3] + [max(1, int(round(c * width))) for c in (16, 32, 64, 64)]
        layers = []
        for i in range(4):
            layers += [nn.Conv2d(chans[i], chans[i + 1], 3, padding=1, bias=False), nn.BatchNorm2d(chans[i + 1]),
                       nn.ReLU(inplace=True)]
            if i < 3:
                layers.append(nn.MaxPool2d(2))
        if stem_stride == 2:
            layers[0] = nn.Conv2d(chans[0], chans[1], 6, stride=2, padding=2, bias=False)
        self.body = nn.Sequential(*layers)
        self.width = width
        self.head = nn.Sequential(nn.Linear(chans[-1] * 4 + n_feats, 64), nn.ReLU(inplace=True), nn.Linear(64, 1))

    def features(self, crops):
        return self.body(F.avg_pool2d(crops, self.pre_pool) if self.pre_pool > 1 else crops)

    def forward(self, crops, feats):
        x = self.features(crops)
        x = F.adaptive_avg_pool2d(x, (1, 4)).flatten(1)
        return self.head(torch.cat([x, feats], 1)).squeeze(1)


def half_resolution_stem(model):
    """model (pre_pool 1 or 2, a 3 x 3 first convolution) as a stem_stride 2 verifier computing what the model
    computes on a 2 x 2 averaged crop, exactly: a 3 x 3 convolution (padding 1) of the 2 x 2 average is a 6 x 6
    convolution at stride 2 (padding 2) whose kernel repeats each tap over 2 x 2 pixels, divided by 4."""
    out = Verifier(width=model.width, stem_stride=2)
    state = dict(model.state_dict())
    state["body.0.weight"] = state["body.0.weight"].repeat_interleave(2, 2).repeat_interleave(2, 3) / 4.0
    out.load_state_dict(state)
    return out


def prune_channels(model, width):
    """model (a full-resolution verifier) narrowed to `width`: each conv block keeps the output channels with the
    largest BatchNorm scale |gamma| (network slimming), the next block's inputs and the head are sliced to match.
    A channel whose gamma and beta are 0 outputs 0 after its ReLU, so dropping such channels changes nothing."""
    out = Verifier(width=width)
    state, keep_in = model.state_dict(), torch.arange(3)
    new = {}
    for conv, bn in ((0, 1), (4, 5), (8, 9), (12, 13)):
        n = out.body[conv].out_channels
        keep = torch.sort(torch.argsort(state["body.%d.weight" % bn].abs(), descending=True)[:n]).values
        new["body.%d.weight" % conv] = state["body.%d.weight" % conv][keep][:, keep_in]
        for k in ("weight", "bias", "running_mean", "running_var"):
            new["body.%d.%s" % (bn, k)] = state["body.%d.%s" % (bn, k)][keep]
        new["body.%d.num_batches_tracked" % bn] = state["body.%d.num_batches_tracked" % bn]
        keep_in = keep
    pooled = torch.cat([keep_in * 4 + j for j in range(4)]).sort().values  # channel-major, 4 columns each
    first = state["head.0.weight"]
    new["head.0.weight"] = torch.cat([first[:, pooled], first[:, -3:]], 1)
    for k in ("head.0.bias", "head.2.weight", "head.2.bias"):
        new[k] = state[k]
    out.load_state_dict(new)
    return out


def to_tensor(crops):
    return torch.from_numpy(crops).permute(0, 3, 1, 2).float().div_(255.0).sub_(0.5)


def load_verifier(path):
    """A verifier checkpoint (weights only; a missing "width", "pre_pool" or "stem_stride" means 1)."""
    state = torch.load(path, map_location="cpu")
    model = Verifier(width=state.get("width", 1.0), pre_pool=state.get("pre_pool", 1),
                     stem_stride=state.get("stem_stride", 1))
    model.load_state_dict(state["model"])
    return model


def load_pools(paths):
    parts = [np.load(p) for p in paths]
    return (np.concatenate([p["crops"] for p in parts]), np.concatenate([p["feats"] for p in parts]),
            np.concatenate([p["labels"] for p in parts]).astype(np.float32))


def average_precision(probs, labels):
    order = np.argsort(-probs)
    hits = labels[order]
    prec = np.cumsum(hits) / np.arange(1, len(hits) + 1)
    return float(np.sum(prec * hits) / max(hits.sum(), 1))


def predict(model, crops, feats, batch=512):
    model.eval()
    out = []
    with torch.no_grad():
        for i in range(0, len(crops), batch):
            out.append(torch.sigmoid(model(to_tensor(crops[i:i + batch]), torch.from_numpy(feats[i:i + batch]))))
    return torch.cat(out).numpy() if out else np.zeros(0, np.float32)


def cmd_train(args):
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    torch.set_num_threads(args.threads)
    crops, feats, labels = load_pools(args.pools)
    vc, vf, vl = load_pools([args.val]) if args.val else (None, None, None)
    model = load_verifier(args.init) if args.init else Verifier(width=args.width)
    if args.pre_pool:
        model.pre_pool = args.pre_pool  # the init's weights at half the crop resolution
    if args.stem_stride == 2:
        model = half_resolution_stem(model)  # starts computing what pre_pool 2 computes
    if args.prune_width:
        model = prune_channels(model, args.prune_width)  # the init's own channels, by BatchNorm scale
    targets = labels
    if args.teacher:  # distillation: half the target is the teacher's belief, on the unaugmented crop
        believed = predict(load_verifier(args.teacher), crops, feats)
        targets = 0.5 * labels + 0.5 * believed
        print("teacher %s: AP on the training pools %.4f" % (args.teacher, average_precision(believed, labels)))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    steps = args.epochs * (len(labels) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps, pct_start=0.1)
    pos_weight = torch.tensor((1 - labels.mean()) / max(labels.mean(), 1e-3))
    print("%d candidates, %.1f%% lines; %d steps of %d" % (len(labels), 100 * labels.mean(), steps, args.batch))
    t0 = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(len(labels))
        total = 0.0
        for i in range(0, len(order) - args.batch + 1, args.batch):
            idx = np.sort(order[i:i + args.batch])
            x = to_tensor(crops[idx])
            flip = torch.rand(len(idx)) < 0.5  # a line read upside down is still a line
            x[flip] = x[flip].flip(2, 3)
            x = x * (0.8 + 0.4 * torch.rand(len(idx), 1, 1, 1))
            loss = F.binary_cross_entropy_with_logits(model(x, torch.from_numpy(feats[idx])),
                                                      torch.from_numpy(targets[idx]), pos_weight=pos_weight)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += float(loss)
        msg = "epoch %d loss %.4f %.0f s" % (epoch + 1, total / max(len(order) // args.batch, 1), time.time() - t0)
        if vc is not None:
            p = predict(model, vc, vf)
            msg += " val AP %.4f (score alone %.4f)" % (average_precision(p, vl), average_precision(vf[:, 0], vl))
        print(msg, flush=True)
    torch.save({"model": model.state_dict(), "pools": args.pools, "epochs": args.epochs, "seed": args.seed,
                "init": args.init, "width": model.width, "pre_pool": model.pre_pool, "stem_stride": model.stem_stride,
                "teacher": args.teacher}, args.out)


def distinct_candidates(cands, min_iou, ids):
    """ids of the candidates that overlap no higher-scored kept one at IoU >= min_iou (greedy, highest first):
    the detector's NMS keeps at most one of such a pair anyway, and the verifier need not see the others."""
    order = sorted(range(len(cands)), key=lambda i: -cands[i][1])
    shapes = [shape(p) for p, _ in cands]
    kept = []
    for i in order:
        if all(iou(shapes[i], shapes[j]) < min_iou for j in kept):
            kept.append(i)
    return [ids[i] for i in sorted(kept)]


def fused_score(cand, prob, weight, gate):
    """(1 - weight) * score + weight * verifier, as the exported graph computes it; a curved candidate (fill under
    MIN_FILL) keeps its own score when gated."""
    pts, score = cand
    if gate and fill_ratio(pts) < MIN_FILL:
        return score
    return (1.0 - weight) * score + weight * prob


def cmd_eval(args):
    model = None if args.oracle else load_verifier(args.verifier)
    torch.set_num_threads(args.threads)
    thresholds = [float(v) for v in args.thresholds.split(",")]
    floors = [float(v) for v in args.floors.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = args.keep or tmp  # --keep: the detections of every setting stay, e.g. for a bootstrap of the F
        results = {}
        for name, gt_dir, n, frame, cands in pools_of(args, args.set, tmp):
            if not cands:
                probs = []
            elif args.oracle:  # the bound: a verifier that knows the labels (IoU >= 0.5 with a care line)
                gt = [(shape(p), care) for p, care in read_gt(os.path.join(gt_dir, n + ".txt"))]
                probs = [1.0 if label_of(shape(p), gt) == 1 else 0.0 for p, _ in cands]
            else:
                crops = np.stack([rectified_crop(frame, p) for p, _ in cands])
                feats = np.float32([shape_features(p, s, max(frame.shape[:2])) for p, s in cands])
                probs = predict(model, crops, feats)
            results.setdefault((name, gt_dir), {})[n] = (cands, [float(v) for v in probs])
        dedups = [float(v) for v in args.dedup.split(",")] if args.dedup else []
        weights = [float(v) for v in args.weights.split(",")]
        for (name, gt_dir), per_image in results.items():
            # floor: candidates scored under it never reach the verifier (the detector's candidate score)
            settings = [("none", args.score, 0.0, 0.0, 0.5)]
            for w in weights:
                tag = "" if w == 0.5 else "_w%g" % w  # w 0.5 (the mean) keeps the plain names "mean", "dedupD"
                settings += [("mean" + tag, t, fl, 0.0, w) for fl in floors for t in thresholds]
                settings += [("dedup%g%s" % (d, tag), t, fl, d, w) for d in dedups for fl in floors for t in thresholds]
            for fusion, t, fl, d, w in settings:
                out = os.path.join(tmp, "%s_%s_%g_%g" % (name, fusion, t, fl))
                os.makedirs(out, exist_ok=True)
                for n, (cands, probs) in per_image.items():
                    asked = [i for i, (_, s) in enumerate(cands) if s >= fl]
                    if d > 0:
                        asked = distinct_candidates([cands[i] for i in asked], d, asked)
                    seen = [(cands[i][0], fused_score(cands[i], probs[i], w, args.gate)) for i in asked]
                    write_dets(out, n, nms(cands if fusion == "none" else seen, t, args.nms))
                p, r, f = evaluate(args.build, gt_dir, out, "icdar15")
                rows.append((name, fusion, t, fl, p, r, f))
                print("%s fusion %s threshold %g floor %g: P %.4f R %.4f F %.4f" % rows[-1], flush=True)
    if args.csv:
        write_csv(args.csv, "set,fusion,threshold,floor,precision,recall,hmean", "%s,%s,%g,%g,%.4f,%.4f,%.4f", rows)


class ExportedVerifier(nn.Module):
    """The verifier as the C++ detector runs it (doc/detector.md, "Verifier"). Inputs: crops (N x 3 x 32 x 128,
    BGR, (pixel - 127.5) / 255), score_logit (N x 1 x 1 x 1, the logit of the detector's score) and shape
    (N x 2 x 1 x 1, shape_features without the score); output: score (N x 1 x 1 x 1), the candidate's new score
    in the detector's own score space, so that the detector's threshold applies to it unchanged.

    The head's linear layers become 1x4 and 1x1 convolutions and its concatenation a sum of their outputs:
    OpenCV 4.6's ONNX importer refuses the trained head's Concat of the pooled crop with the features, and its
    MatMul fails on a 2-d input (doc/design/opencv_observations.md §10). The score arithmetic is in the graph, so that a
    calibrated line model (convert --score_at, text_logit_shift) and its verifier travel as a pair:
    raw = sigmoid(score_logit - text_logit_shift) is the score the verifier was trained on; the fused score
    (1 - weight) raw + weight verifier >= threshold is mapped to >= detector_threshold by a logit shift."""

    def __init__(self, verifier, text_logit_shift, threshold, detector_threshold, weight=0.5):
        super().__init__()
        self.weight = float(weight)
        self.body = verifier.body
        self.pre_pool = verifier.pre_pool
        self.stem_stride = verifier.stem_stride
        weight, bias = verifier.head[0].weight.data, verifier.head[0].bias.data
        pooled = weight.shape[1] - 3  # 64 channels x 4 columns, flattened channel-major
        self.from_crop = nn.Conv2d(pooled // 4, weight.shape[0], (1, 4))
        self.from_crop.weight.data = weight[:, :pooled].reshape(weight.shape[0], pooled // 4, 1, 4).clone()
        self.from_crop.bias.data = bias.clone()
        self.from_score = nn.Conv2d(1, weight.shape[0], 1, bias=False)
        self.from_score.weight.data = weight[:, pooled:pooled + 1].reshape(-1, 1, 1, 1).clone()
        self.from_shape = nn.Conv2d(2, weight.shape[0], 1, bias=False)
        self.from_shape.weight.data = weight[:, pooled + 1:].reshape(-1, 2, 1, 1).clone()
        last = verifier.head[2]
        self.out = nn.Conv2d(weight.shape[0], 1, 1)
        self.out.weight.data = last.weight.data.reshape(1, -1, 1, 1).clone()
        self.out.bias.data = last.bias.data.clone()
        self.shift_in = float(text_logit_shift)
        self.shift_out = logit(detector_threshold) - logit(threshold)

    def forward(self, crops, score_logit, shape):
        raw = torch.sigmoid(score_logit - self.shift_in)
        # Verifier.features written out: holding the verifier itself would rename every weight in the graph (and
        # change the shipped file's bytes).
        if self.pre_pool > 1:
            crops = F.avg_pool2d(crops, self.pre_pool)
        k = self.pre_pool * self.stem_stride * 8  # then the body's three 2 x 2 max pools
        x = F.avg_pool2d(self.body(crops), (CROP_H // k, CROP_W // k // 4))  # = adaptive (1, 4) of the last map
        h = F.relu(self.from_crop(x) + self.from_score(raw) + self.from_shape(shape))
        fused = (1.0 - self.weight) * raw + self.weight * torch.sigmoid(self.out(h))
        return torch.sigmoid(torch.log(fused) - torch.log(1.0 - fused) + self.shift_out)


def cmd_export(args):
    model = load_verifier(args.verifier)
    shift = 0.0
    if args.line_checkpoint:
        shift = torch.load(args.line_checkpoint, map_location="cpu")["config"].get("text_logit_shift") or 0.0
    exported = ExportedVerifier(model.eval(), shift, args.threshold, args.detector_threshold, args.weight).eval()
    n = 2
    dummy = (torch.zeros(n, 3, CROP_H, CROP_W), torch.zeros(n, 1, 1, 1), torch.zeros(n, 2, 1, 1))
    with torch.no_grad():
        torch.onnx.export(exported, dummy, args.out, input_names=["crops", "score_logit", "shape"],
                          output_names=["score"], opset_version=11,
                          dynamic_axes={k: {0: "n"} for k in ("crops", "score_logit", "shape", "score")})
    proto = onnx.load(args.out)
    entry = proto.metadata_props.add()
    entry.key = SETTINGS_KEY
    entry.value = json.dumps(verifier_settings(args.threshold, args.weight, args.detector_threshold), sort_keys=True)
    onnx.save(proto, args.out)
    print(json.dumps({"out": args.out, "text_logit_shift": shift, "threshold": args.threshold, "weight": args.weight,
                      "detector_threshold": args.detector_threshold, "bytes": os.path.getsize(args.out)}))


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m training.atrr.verifier", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    for name in ("pool", "eval"):
        p = sub.add_parser(name)
        p.add_argument("--build", default="build")
        p.add_argument("--model", required=True, help="the line model, exported raw (.onnx)")
        p.add_argument("--set", action="append", required=True, help="NAME=GT_DIR:IMAGES_DIR; repeatable")
        p.add_argument("--pass_score", type=float, default=0.02)
        p.add_argument("--cache", default="runs/verifier_cache")
        p.add_argument("--passes", help="one pass's long side (512 or 672) instead of the detector's two")
    sub.choices["pool"].add_argument("--out", required=True)
    ev = sub.choices["eval"]
    judge = ev.add_mutually_exclusive_group(required=True)
    judge.add_argument("--verifier", help="a verifier .pt")
    judge.add_argument("--oracle", action="store_true",
                       help="the labels as the verifier's output: the bound")
    ev.add_argument("--weights", default="0.5", help="fusion weights w: (1 - w) score + w verifier")
    ev.add_argument("--thresholds", default="0.4,0.5,0.6")
    ev.add_argument("--gate", action="store_true", help="the curvature gate (MIN_FILL), as the detector applies it")
    ev.add_argument("--floors", default="0.02", help="candidate floors, e.g. 0.02,0.1")
    ev.add_argument("--score", type=float, default=0.5, help="the baseline's threshold (no verifier)")
    ev.add_argument("--nms", type=float, default=0.1)
    ev.add_argument("--threads", type=int, default=1)
    ev.add_argument("--dedup", help="IoU list: settings where near-duplicate candidates never reach the verifier")
    ev.add_argument("--csv")
    ev.add_argument("--keep", help="a folder for each setting's detections, SET_fusion_THRESHOLD_FLOOR/NAME.txt")
    tr = sub.add_parser("train")
    tr.add_argument("--pools", nargs="+", required=True)
    tr.add_argument("--val")
    tr.add_argument("--out", required=True)
    tr.add_argument("--init", help="weights to start from (a verifier .pt; its width)")
    tr.add_argument("--width", type=float, default=1.0, help="channel multiplier of a verifier trained from scratch")
    tr.add_argument("--pre_pool", type=int, default=0, help="2: average the crop 2 x 2 first (0: the init's or 1)")
    tr.add_argument("--stem_stride", type=int, default=1, help="2: a 6 x 6 stride-2 first convolution")
    tr.add_argument("--prune_width", type=float, help="narrow the init to this width by BatchNorm scale (the shipped verifier: 0.75)")
    tr.add_argument("--teacher", help="a verifier .pt: targets 0.5 label + 0.5 its probability (distillation)")
    tr.add_argument("--epochs", type=int, default=8)
    tr.add_argument("--batch", type=int, default=256)
    tr.add_argument("--lr", type=float, default=3e-3)
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--threads", type=int, default=1)
    ex = sub.add_parser("export")
    ex.add_argument("--verifier", required=True)
    ex.add_argument("--out", required=True)
    ex.add_argument("--line_checkpoint", help="the line model's checkpoint as shipped (its text_logit_shift)")
    ex.add_argument("--threshold", type=float, default=0.5, help="fused-score threshold chosen on validation")
    ex.add_argument("--weight", type=float, default=0.5, help="fusion weight w: (1 - w) score + w verifier")
    ex.add_argument("--detector_threshold", type=float, default=0.7,
                    help="the detector's score threshold that should mean --threshold (create()'s default 0.7)")
    args = ap.parse_args(argv)
    return {"pool": cmd_pool, "train": cmd_train, "eval": cmd_eval, "export": cmd_export}[args.cmd](args)


if __name__ == "__main__":
    sys.exit(main())
