# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""The training campaign's stages and the data folders they read (doc/training.md, "Campaign").

The campaign trains one backbone on everything, then fine-tunes it twice: a line model (MSRA-TD500
granularity, the default) and a word model (ICDAR2015 granularity). Its configs live in
training/configs/campaign/ and name the real data through environment variables, never a path of one
machine:

  ADAPTIVETEXT_DATA   what ../shared/datasets/build_more.py wrote (default ~/.cache/adaptivetext-data):
                      icdar2015/train, mlt_like/train
  ADAPTIVETEXT_SHARED the shared benchmark folder (default ../shared/datasets): msra_td500, icdar2015_sample

`prepare` carves the validation split that no stage trains on, ICDAR2015 img_801..img_900, as folders of
symbolic links (nothing is copied):

    /usr/bin/python3 -m training.atrr.stages prepare            # writes runs/data/ic15_{train800,val100}
    /usr/bin/python3 -m training.atrr.train --config training/configs/campaign/pretrain_w0125.json

The MSRA-TD500 validation split is the one the trainer carves itself (val_fraction 0.1, val_seed 0: the 30
images every earlier run was measured on).
"""
import argparse
import os
import re

from .data.lines import name_id

DEFAULT_DATA = "~/.cache/adaptivetext-data"
DEFAULT_SHARED = "../shared/datasets"
IC15_VAL_IDS = range(801, 901)  # held out from every stage: the word model's validation split
_VAR = re.compile(r"\$\{(\w+)\}")


def environment():
    """The variables configs may use, with their defaults filled in."""
    env = dict(os.environ)
    env.setdefault("ADAPTIVETEXT_DATA", os.path.expanduser(DEFAULT_DATA))
    env.setdefault("ADAPTIVETEXT_SHARED", DEFAULT_SHARED)
    return env


def expand(text, env=None):
    """`${NAME}` replaced from `env`; an unknown name is an error, so a path never silently breaks."""
    env = environment() if env is None else env

    def one(match):
        if match.group(1) not in env:
            raise SystemExit("error: config path %r uses ${%s}, which is not set" % (text, match.group(1)))
        return env[match.group(1)]
    return _VAR.sub(one, text)


def expand_config_paths(cfg, env=None):
    """Expands the variables in every data path and in init_checkpoint, in place; returns cfg."""
    data = cfg.get("data", {})
    for src in data.get("sources", []) + data.get("val_sources", []):
        src["path"] = expand(src["path"], env)
        if src.get("resize_from"):
            src["resize_from"]["src"] = expand(src["resize_from"]["src"], env)
    if cfg.get("init_checkpoint"):
        cfg["init_checkpoint"] = expand(cfg["init_checkpoint"], env)
    return cfg


def link_subset(src, dst, keep):
    """dst/images and dst/gt hold links to the files of src whose image number passes `keep`."""
    images = sorted(os.listdir(os.path.join(src, "images")))
    if not images:
        raise SystemExit("error: no images under %s/images" % src)
    count = 0
    for sub in ("images", "gt"):
        os.makedirs(os.path.join(dst, sub), exist_ok=True)
    for name in images:
        if not keep(name_id(os.path.splitext(name)[0])):
            continue
        stem = os.path.splitext(name)[0]
        for sub, file in (("images", name), ("gt", stem + ".txt")):
            target = os.path.abspath(os.path.join(src, sub, file))
            if not os.path.exists(target):
                raise SystemExit("error: %s has no %s" % (src, os.path.join(sub, file)))
            link = os.path.join(dst, sub, file)
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(target, link)
        count += 1
    return count


def prepare(out="runs/data", env=None):
    """The derived folders the campaign configs read; returns {folder: image count}."""
    env = environment() if env is None else env
    ic15 = os.path.join(env["ADAPTIVETEXT_DATA"], "icdar2015", "train")
    if not os.path.isdir(os.path.join(ic15, "images")):
        raise SystemExit("error: %s is missing: build it with ../shared/datasets/build_more.py "
                         "(doc/training.md, 'Campaign')" % ic15)
    held_out = set(IC15_VAL_IDS)
    written = {
        os.path.join(out, "ic15_train800"): link_subset(ic15, os.path.join(out, "ic15_train800"),
                                                        lambda n: n is not None and n not in held_out),
        os.path.join(out, "ic15_val100"): link_subset(ic15, os.path.join(out, "ic15_val100"),
                                                      lambda n: n in held_out),
    }
    return written


# What a committed checkpoint keeps: enough to export it and to start the next stage from it (weights only,
# no optimizer or RNG state, so a 0.69 M-parameter model stays under 3 MB).
SLIM_KEYS = ("model", "config", "train_config", "step", "best_f", "elapsed_s", "metrics")


def slim_checkpoint(src, dst):
    import torch
    ckpt = torch.load(src, map_location="cpu", weights_only=False)
    if "model" not in ckpt or "config" not in ckpt:
        raise SystemExit("error: %s is not a trainer checkpoint (no 'model' and 'config')" % src)
    torch.save({k: ckpt[k] for k in SLIM_KEYS if k in ckpt}, dst)
    return dst


# The point-pair decoder's parameters (the LSTM and its output layer): `average --decoder-checkpoints` takes
# them from a subset. For the shipped line model (doc/models.md), a mean of seven fine-tunes detected more lines than any of them, but its
# outlines of curved lines read worse than each one's; the decoder of three of them kept the reading.
DECODER_PREFIXES = ("lstm.", "pair_out.")


def _load_trainer_checkpoints(srcs):
    import torch
    ckpts = [torch.load(s, map_location="cpu", weights_only=False) for s in srcs]
    for s, c in zip(srcs, ckpts):
        if "model" not in c or "config" not in c:
            raise SystemExit("error: %s is not a trainer checkpoint (no 'model' and 'config')" % s)
    return ckpts


def average_checkpoints(srcs, dst, decoder_srcs=None):
    """Weights-only checkpoint whose float tensors are the mean of those of srcs (same shapes).

    Snapshots late in one run's cosine lie in one basin, so their mean often validates above each of them, and
    so do fine-tunes of one recent start ("model soups"); integer buffers (BatchNorm's batch counters) are
    taken from the last source. With decoder_srcs, the decoder's tensors (DECODER_PREFIXES) are the mean of
    those checkpoints instead."""
    import torch
    if len(srcs) < 2:
        raise SystemExit("error: average needs at least two checkpoints")
    decoder_srcs = list(decoder_srcs or [])
    ckpts = _load_trainer_checkpoints(srcs)
    decoder = _load_trainer_checkpoints(decoder_srcs)
    for s, c in zip(list(srcs) + decoder_srcs, ckpts + decoder):
        if c["model"].keys() != ckpts[0]["model"].keys():
            raise SystemExit("error: %s holds other tensors than %s" % (s, srcs[0]))
    mean = {}
    for k, last in ckpts[-1]["model"].items():
        if last.is_floating_point():
            group = decoder if decoder and k.startswith(DECODER_PREFIXES) else ckpts
            mean[k] = torch.stack([c["model"][k].float() for c in group]).mean(0).to(last.dtype)
        else:
            mean[k] = last.clone()
    out = {k: ckpts[-1][k] for k in SLIM_KEYS if k in ckpts[-1]}
    out["model"] = mean
    out["averaged_from"] = [os.path.basename(s) for s in srcs]
    if decoder_srcs:
        out["decoder_averaged_from"] = [os.path.basename(s) for s in decoder_srcs]
    torch.save(out, dst)
    return dst


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python3 -m training.atrr.stages", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="write the campaign's split folders (links into ADAPTIVETEXT_DATA)")
    p.add_argument("--out", default="runs/data", help="folder for the derived splits (default runs/data)")
    p = sub.add_parser("slim", help="a weights-only copy of a run checkpoint, to commit")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    p = sub.add_parser("average", help="a weights-only checkpoint averaging several (late snapshots of one run, "
                                        "or fine-tunes of one start)")
    p.add_argument("--checkpoints", nargs="+", required=True)
    p.add_argument("--decoder-checkpoints", nargs="+", default=None,
                   help="average the point-pair decoder (%s) over these instead" % ", ".join(DECODER_PREFIXES))
    p.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    if args.command == "average":
        print("wrote", average_checkpoints(args.checkpoints, args.out, args.decoder_checkpoints))
        return
    if args.command == "slim":
        print("wrote", slim_checkpoint(args.checkpoint, args.out))
        return
    for folder, n in prepare(args.out).items():
        print("%s: %d images" % (folder, n))


if __name__ == "__main__":
    main()
