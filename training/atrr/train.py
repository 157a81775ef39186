# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Training CLI: config, mixed data sources, checkpoints, resume, validation, logs, torchrun.

    /usr/bin/python3 -m training.atrr.train --config training/configs/cpu_synth_w025.json --out runs/x
    /usr/bin/python3 -m training.atrr.train --out runs/x --resume            # continues runs/x
    torchrun --nproc_per_node 4 -m training.atrr.train --config CFG --device cuda --out runs/y

Overrides: `--set train.steps=200` (value parsed as JSON, else taken as a string), repeatable; bare
`train.steps=200` arguments work too. See doc/training.md for every config key.
"""
import time

_PROCESS_START = time.time()  # the CLI's time budget counts from here, imports included

import argparse  # noqa: E402
import copy  # noqa: E402
import glob  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import logging  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import sys  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.distributed as dist  # noqa: E402

from . import plotting, validate  # noqa: E402

DEFAULTS = {
    "seed": 0,
    "out": "runs/default",
    "device": "auto",  # auto | cpu | cuda
    # "module:callable" building the model from the "model" section (a ModelConfig dict).
    "model_factory": "training.atrr.train:build_default_model",
    "model": {"width_mult": 0.25},
    "init_checkpoint": None,  # weights to start from (fine-tuning); ignored when resuming
    "data": {
        "module": None,  # None: training/atrr/data; else a module with the functions of ProjectData
        # [{"path": DIR, "weight": w, "val_fraction": f, "generate": {"count": N, "seed": s, ...}}]
        # or {"path": DIR, "resize_from": {"src": BIG_DIR, "long_side": N}} (a shrunk copy made on first use)
        # (weight, val_fraction, generate optional); relative paths are relative to the cwd
        "sources": [],
        "val_sources": [],  # held-out dirs; when empty, val_fraction of every source is held out
        "val_fraction": 0.05,
        "val_seed": 0,
        "max_val_images": 50,
        "train_size": 384,  # long side of a training image after augmentation (a multiple of 16)
        "augment": True,  # or a dict of data.augment.Augmenter fields, e.g. {"crop_max_fraction": 0.55}
        "workers": 1,
    },
    "train": {
        "steps": 1000,
        "epochs": None,  # if set, steps = ceil(epochs * train images / global batch)
        "batch_size": 8,  # per process; the global batch is batch_size * world size
        "log_every": 10,
        "val_every": 500,
        "ckpt_every": 100,
        "time_budget_minutes": None,
        "grad_clip_norm": 10.0,
        "progress": "auto",  # auto | tqdm | simple | none
        "torch_threads": None,  # None: the cores divided among the local processes
        "find_unused_parameters": True,  # a batch without positives leaves heads unused
        "bf16_backbone": False,  # backbone under bfloat16 autocast while training (cpu_speed.py)
        "channels_last": False,  # channels-last weights and activations (cpu_speed.py)
        "freeze_bn_stats": False,  # BatchNorm uses and keeps its running statistics (small-batch fine-tunes)
        "trainable": None,  # parameter-name prefixes that train (e.g. ["backbone.stages.0."]); None: all
    },
    "optim": {"name": "sgd", "lr": 0.01, "momentum": 0.9, "nesterov": False, "weight_decay": 1e-4,
              "betas": [0.9, 0.999]},
    "schedule": {"name": "cosine", "warmup_steps": 100, "warmup_start_factor": 0.1, "min_lr_factor": 0.01,
                 "milestones": [], "gamma": 0.1,
                 # cosine only: also advance with the clock, as the fraction of train.time_budget_minutes used,
                 # so a machine slower than planned still anneals before the budget stops the run
                 "follow_time_budget": False},
    "val": {"input_size": None, "protocol": "icdar15", "evaluator": None},
}

AUGMENTATIONS_PER_IMAGE = 100000
log = logging.getLogger("atrr.train")


# ---- configuration -----------------------------------------------------------------------------------------

def deep_merge(base, update):
    out = copy.deepcopy(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "model":
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def apply_override(cfg, text):
    """`a.b.c=value`: value parsed as JSON (numbers, true, null, lists), else kept as a string."""
    if "=" not in text:
        raise ValueError("override '%s' is not KEY=VALUE (e.g. train.steps=200)" % text)
    key, raw = text.split("=", 1)
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    node = cfg
    parts = key.strip().split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise ValueError("override '%s': '%s' is not a section" % (text, part))
    node[parts[-1]] = value


def check_keys(cfg, defaults=DEFAULTS, where="config"):
    """Refuses keys the trainer does not know: a typo would otherwise be silently ignored. The model
    section is checked by ModelConfig itself; data sources are free-form dicts."""
    for key, value in cfg.items():
        if key not in defaults:
            raise SystemExit("error: %s: unknown key '%s' (known: %s)" % (where, key, ", ".join(sorted(defaults))))
        if isinstance(value, dict) and isinstance(defaults[key], dict) and key != "model":
            check_keys(value, defaults[key], where + "." + key)


def parse_data_arg(text):
    """`--data DIR[:WEIGHT]`."""
    head, sep, tail = text.rpartition(":")
    if sep:
        try:
            return {"path": head, "weight": float(tail)}
        except ValueError:
            pass  # a colon inside the path
    return {"path": text, "weight": 1.0}


def load_config(args):
    cfg = copy.deepcopy(DEFAULTS)
    run_config = os.path.join(args.out, "config.json") if args.out else None
    if args.config:
        with open(args.config) as f:
            cfg = deep_merge(cfg, json.load(f))
    elif args.resume and run_config and os.path.exists(run_config):
        with open(run_config) as f:
            cfg = deep_merge(cfg, json.load(f))
    elif not args.resume:
        raise SystemExit("error: --config is required for a new run")
    for text in (args.set or []) + (args.overrides or []):
        apply_override(cfg, text)
    if args.data:
        cfg["data"]["sources"] = [parse_data_arg(d) for d in args.data]
    if args.out:
        cfg["out"] = args.out
    if args.device:
        cfg["device"] = args.device
    check_keys(cfg)
    from .stages import expand_config_paths  # ${ADAPTIVETEXT_DATA} and friends in data paths
    return expand_config_paths(cfg)


def parse_args(argv=None):
    p = argparse.ArgumentParser(prog="python3 -m training.atrr.train", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", help="JSON config (training/configs/*.json); optional with --resume")
    p.add_argument("--out", help="run folder (default: the config's 'out')")
    p.add_argument("--resume", action="store_true",
                   help="continue the run in --out from its checkpoints/last.pt (config from the run folder "
                        "unless --config is given; overrides apply, e.g. a larger train.steps)")
    p.add_argument("--data", action="append", metavar="DIR[:WEIGHT]",
                   help="training data folder in the uniform format; repeat to mix (replaces data.sources)")
    p.add_argument("--device", choices=["auto", "cpu", "cuda"])
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="config override, e.g. train.steps=200")
    p.add_argument("overrides", nargs="*", metavar="KEY=VALUE", help="same as --set")
    return p.parse_args(argv)


# ---- model and data plug-ins -------------------------------------------------------------------------------

def load_callable(spec):
    module_name, _, attr = spec.partition(":")
    if not attr:
        raise ValueError("'%s' is not 'module:callable'" % spec)
    return getattr(importlib.import_module(module_name), attr)


def build_default_model(model_cfg):
    """The project's ATRR model (training/atrr/model.py) from a ModelConfig dict."""
    from .config import ModelConfig
    from .model import ATRR
    return ATRR(ModelConfig.from_dict(model_cfg))


class ProjectData:
    """The project's data package (training/atrr/data) behind the trainer's data protocol: these six
    functions. `data.module` may name any module that defines them instead (the tests use a stand-in)."""

    @staticmethod
    def load_records(path):
        """Records of a folder in the uniform format."""
        from .data.dataset import load_uniform
        return load_uniform(path)

    @staticmethod
    def split_train_val(records, val_fraction, seed):
        from .data.dataset import split_train_val
        return split_train_val(records, val_fraction, seed)

    @staticmethod
    def make_dataset(records, train_size, augment, seed, length):
        """A map-style dataset of `length` samples; sample i shows record i % len(records) with its own
        augmentation, so a long index space gives fresh augmentations without epochs."""
        from .data.augment import Augmenter
        from .data.dataset import TextDataset
        augmenter = Augmenter(**augment) if isinstance(augment, dict) else Augmenter() if augment else None
        return TextDataset(records, size=train_size, augmenter=augmenter, seed=seed, length=length)

    @staticmethod
    def collate(samples):
        return list(samples)

    @staticmethod
    def val_item(record):
        """A record as {image_path, polygons, ignore}: what validation writes as ground truth."""
        return {"image_path": record.image_path, "polygons": record.polygons, "ignore": record.ignore}

    @staticmethod
    def generate(out_dir, count, seed, workers=1, **options):
        """The synthetic renderer (data/synth.py); options are SynthConfig fields, e.g. size."""
        from .data import synth
        return synth.generate(out_dir, count=count, seed=seed, cfg=synth.SynthConfig(**options), workers=workers)


def data_api(module_name):
    return importlib.import_module(module_name) if module_name else ProjectData


# ---- distributed -------------------------------------------------------------------------------------------

class Dist:
    """Rank bookkeeping; a single process is world size 1 and calls no torch.distributed function."""

    def __init__(self, device_kind):
        self.world = int(os.environ.get("WORLD_SIZE", "1"))
        self.rank = int(os.environ.get("RANK", "0"))
        self.local_rank = int(os.environ.get("LOCAL_RANK", "0"))
        self.local_world = int(os.environ.get("LOCAL_WORLD_SIZE", str(self.world)))
        if device_kind == "cuda":
            torch.cuda.set_device(self.local_rank)
            self.device = torch.device("cuda", self.local_rank)
        else:
            self.device = torch.device("cpu")
        if self.world > 1:
            dist.init_process_group("nccl" if device_kind == "cuda" else "gloo", init_method="env://")

    @property
    def main(self):
        return self.rank == 0

    def barrier(self):
        if self.world > 1:
            dist.barrier()

    def mean(self, values):
        """Averages a list of floats over the ranks."""
        if self.world == 1:
            return values
        t = torch.tensor(values, dtype=torch.float64, device=self.device)
        dist.all_reduce(t)
        return (t / self.world).tolist()

    def broadcast_flag(self, flag):
        """Rank 0's decision for everyone (stop on time budget)."""
        if self.world == 1:
            return flag
        t = torch.tensor([1 if flag else 0], device=self.device)
        dist.broadcast(t, 0)
        return bool(t.item())

    def gather(self, obj):
        if self.world == 1:
            return [obj]
        out = [None] * self.world
        dist.all_gather_object(out, obj)
        return out

    def close(self):
        if self.world > 1:
            dist.destroy_process_group()


# ---- sampling ---------------------------------------------------------------------------------------------

class MixedBatchSampler:
    """Batches for steps start..total-1 over a ConcatDataset of sources: each draw picks a source with its
    mixing weight, then an index of that source uniformly (with replacement).

    torch's DistributedSampler has neither per-source weights nor a restart point inside an epoch, so it
    is not used: the global batch of step s comes from a generator seeded with (seed, s), identical on
    every rank, and rank r takes its slice of it (DistributedSampler's sharding, per step). A resumed run
    therefore sees exactly the batches the uninterrupted run would have seen.
    """

    def __init__(self, source_sizes, source_weights, batch_size, rank, world, seed, start, total):
        if min(source_sizes) <= 0 or min(source_weights) < 0 or sum(source_weights) <= 0:
            raise ValueError("data sources need images and weights >= 0 with a positive sum: sizes %s, "
                             "weights %s" % (source_sizes, source_weights))
        self.sizes = torch.tensor(source_sizes, dtype=torch.int64)
        self.offsets = torch.cumsum(self.sizes, 0) - self.sizes
        self.weights = torch.tensor(source_weights, dtype=torch.float64)
        self.batch_size, self.rank, self.world = batch_size, rank, world
        self.seed, self.start, self.total = seed, start, total

    def __iter__(self):
        n = self.batch_size * self.world
        for step in range(self.start, self.total):
            g = torch.Generator()
            g.manual_seed(self.seed * 1000003 + step)
            source = torch.multinomial(self.weights, n, replacement=True, generator=g)
            index = torch.randint(0, 2 ** 62, (n,), generator=g) % self.sizes[source] + self.offsets[source]
            yield index[self.rank * self.batch_size:(self.rank + 1) * self.batch_size].tolist()

    def __len__(self):
        return max(0, self.total - self.start)


def _seed_worker(worker_id):
    # torch seeds each worker (base seed + id); numpy and random need the same for augmentation.
    seed = torch.initial_seed() % 2 ** 32
    np.random.seed(seed)
    random.seed(seed)


def images_tensor(samples, device, stride=16):
    """Stacks the samples' BGR uint8 images as float 0..255 (the model normalises inside), padding the
    bottom/right with zeros to a common size that is a multiple of the stride (polygons stay valid)."""
    h = max(s["image"].shape[0] for s in samples)
    w = max(s["image"].shape[1] for s in samples)
    h, w = -(-h // stride) * stride, -(-w // stride) * stride
    batch = np.zeros((len(samples), h, w, 3), np.uint8)
    for i, s in enumerate(samples):
        batch[i, :s["image"].shape[0], :s["image"].shape[1]] = s["image"]
    return torch.from_numpy(batch).to(device).permute(0, 3, 1, 2).float()


class TrainStep(torch.nn.Module):
    """DDP synchronises gradients only through `forward`, so forward_train is called from here."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, images, samples):
        return self.model.forward_train(images, samples)


# ---- optimisation -----------------------------------------------------------------------------------------

def make_optimizer(params, cfg):
    name = cfg["name"].lower()
    if name == "sgd":
        return torch.optim.SGD(params, lr=cfg["lr"], momentum=cfg["momentum"], nesterov=cfg["nesterov"],
                               weight_decay=cfg["weight_decay"])
    if name == "adamw":
        return torch.optim.AdamW(params, lr=cfg["lr"], betas=tuple(cfg["betas"]),
                                 weight_decay=cfg["weight_decay"])
    raise ValueError("optim.name must be 'sgd' or 'adamw', not '%s'" % cfg["name"])


def lr_factor(step, total, cfg, time_fraction=0.0):
    """Multiplier of the base lr at `step`: linear warm-up, then cosine to min_lr_factor or steps.
    `time_fraction` (0..1, cosine only) moves the cosine on when the clock is ahead of the step count."""
    warmup = cfg["warmup_steps"]
    if step < warmup:
        start = cfg["warmup_start_factor"]
        return start + (1.0 - start) * step / warmup
    name = cfg["name"].lower()
    if name == "cosine":
        t = min(1.0, max((step - warmup) / max(1, total - warmup), time_fraction))
        low = cfg["min_lr_factor"]
        return low + (1.0 - low) * 0.5 * (1.0 + math.cos(math.pi * t))
    if name == "step":
        return cfg["gamma"] ** sum(1 for m in cfg["milestones"] if step >= m)
    if name == "constant":
        return 1.0
    raise ValueError("schedule.name must be 'cosine', 'step' or 'constant', not '%s'" % cfg["name"])


# ---- checkpoints ------------------------------------------------------------------------------------------

def rng_state():
    """Generator states as tensors and plain Python values only (no NumPy objects), so that the checkpoint
    also loads with torch >= 2.6's default `torch.load(weights_only=True)`, e.g. in export."""
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    state = {"torch": torch.get_rng_state(), "python": random.getstate(),
             "numpy": {"name": name, "keys": torch.from_numpy(keys.astype(np.int64)), "pos": int(pos),
                       "has_gauss": int(has_gauss), "gauss": float(gauss)}}
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state["cuda"] = torch.cuda.get_rng_state()
    return state


def set_rng_state(state):
    torch.set_rng_state(state["torch"])
    n = state["numpy"]
    np.random.set_state((n["name"], n["keys"].numpy().astype(np.uint32), n["pos"], n["has_gauss"], n["gauss"]))
    random.setstate(state["python"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state(state["cuda"])


def load_checkpoint(path):
    """Our own files: weights_only=False (torch 1.13's safe unpickler cannot read an optimizer state;
    torch >= 2.6 would default to True). The argument exists in both versions. Loaded to the CPU: RNG
    states must stay there, and load_state_dict copies weights and optimizer state to the model's device."""
    return torch.load(path, map_location="cpu", weights_only=False)


def save_atomic(obj, path):
    """Writes next to the target and renames: a crash mid-write never leaves a truncated checkpoint."""
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed % 2 ** 32)
    torch.manual_seed(seed)


# ---- data -------------------------------------------------------------------------------------------------

def prepare_sources(cfg, data_api, ctx):
    """Generates missing synthetic and resized folders (rank 0), then reads every source's records."""
    data_cfg = cfg["data"]
    if not data_cfg["sources"]:
        raise SystemExit("error: no training data: set data.sources in the config or pass --data DIR")
    for src in data_cfg["sources"] + data_cfg["val_sources"]:
        src.setdefault("weight", 1.0)
        gen = src.get("generate")
        if gen and ctx.main and len(glob.glob(os.path.join(src["path"], "gt", "*.txt"))) < gen["count"]:
            log.info("generating %d synthetic images into %s", gen["count"], src["path"])
            extra = {k: v for k, v in gen.items() if k not in ("count", "seed")}
            data_api.generate(src["path"], gen["count"], gen.get("seed", 0), **extra)
        shrink = src.get("resize_from")
        # compared by count, like "generate", so a copy cut short by an interrupted run is written again
        if shrink and ctx.main and (len(glob.glob(os.path.join(src["path"], "gt", "*.txt")))
                                    < len(glob.glob(os.path.join(shrink["src"], "gt", "*.txt")))):
            from .resize_dataset import resize_split
            log.info("writing %s shrunk to long side %d into %s", shrink["src"], shrink["long_side"], src["path"])
            resize_split(shrink["src"], src["path"], shrink["long_side"])
    ctx.barrier()
    train_parts, val_records = [], []
    for src in data_cfg["sources"]:
        records = data_api.load_records(src["path"])
        if not records:
            raise SystemExit("error: no images in data source %s" % src["path"])
        fraction = src.get("val_fraction", data_cfg["val_fraction"])  # a source may hold out none
        if data_cfg["val_sources"] or fraction <= 0:
            train, val = records, []
        else:
            train, val = data_api.split_train_val(records, fraction, data_cfg["val_seed"])
        train_parts.append((src, train))
        val_records += [(src["path"], r) for r in val]
    for src in data_cfg["val_sources"]:
        val_records += [(src["path"], r) for r in data_api.load_records(src["path"])]
    return train_parts, val_records[:data_cfg["max_val_images"]]


def val_items(val_records, data_api):
    """Unique file names for the evaluator's folders (two sources may both have img_1)."""
    items, seen = [], set()
    for source, record in val_records:
        item = dict(data_api.val_item(record))
        name = os.path.splitext(os.path.basename(item["image_path"]))[0]
        if name in seen:
            name = "%s__%s" % (os.path.basename(os.path.normpath(source)), name)
        seen.add(name)
        item["name"] = name
        items.append(item)
    return items


# ---- the run ----------------------------------------------------------------------------------------------

class Trainer:
    def __init__(self, cfg, resume, ctx, start_time):
        self.cfg, self.ctx, self.start_time = cfg, ctx, start_time
        self.run_dir = cfg["out"]
        self.ckpt_dir = os.path.join(self.run_dir, "checkpoints")
        tcfg = cfg["train"]
        seed_everything(cfg["seed"] + ctx.rank)
        self.data_api = data_api(cfg["data"]["module"])
        self.train_parts, val_records = prepare_sources(cfg, self.data_api, ctx)
        self.val_items = val_items(val_records, self.data_api)
        n_train = sum(len(r) for _, r in self.train_parts)
        global_batch = tcfg["batch_size"] * ctx.world
        self.total_steps = (int(math.ceil(tcfg["epochs"] * n_train / global_batch)) if tcfg["epochs"]
                            else int(tcfg["steps"]))

        self.model = load_callable(cfg["model_factory"])(cfg["model"]).to(ctx.device)
        self.step, self.best_f, ckpt = 0, -1.0, None
        self.elapsed_before = 0.0  # seconds of the earlier sessions of a resumed run
        if resume:
            path = os.path.join(self.ckpt_dir, "last.pt")
            if not os.path.exists(path):
                raise SystemExit("error: --resume: no checkpoint at %s" % path)
            ckpt = load_checkpoint(path)
            self.model.load_state_dict(ckpt["model"])
            self.step, self.best_f = ckpt["step"], ckpt["best_f"]
            self.elapsed_before = ckpt.get("elapsed_s", 0.0)
        elif cfg["init_checkpoint"]:
            init = load_checkpoint(cfg["init_checkpoint"])
            self.model.load_state_dict(init["model"] if "model" in init else init)

        from .cpu_speed import apply as apply_speed_options
        apply_speed_options(self.model, tcfg, ctx.device.type)
        if tcfg["trainable"] is not None:
            from .model import limit_trainable
            log.info("trainable: %d parameters under %s", limit_trainable(self.model, tcfg["trainable"]),
                     tcfg["trainable"])
        module = TrainStep(self.model)
        if ctx.world > 1:
            module = torch.nn.parallel.DistributedDataParallel(
                module, device_ids=[ctx.local_rank] if ctx.device.type == "cuda" else None,
                find_unused_parameters=tcfg["find_unused_parameters"])
        self.train_step = module
        self.optimizer = make_optimizer([p for p in self.model.parameters() if p.requires_grad], cfg["optim"])
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(
            self.optimizer, lambda s: lr_factor(s, self.total_steps, cfg["schedule"], self.budget_fraction()))
        if ckpt is not None:
            self.optimizer.load_state_dict(ckpt["optimizer"])
            self.scheduler.load_state_dict(ckpt["scheduler"])
            rngs = ckpt.get("rng", [])
            if len(rngs) == ctx.world:
                set_rng_state(rngs[ctx.rank])
            else:  # another world size: fresh but still seeded streams
                seed_everything(cfg["seed"] + ctx.rank + 7919 * self.step)
        self.last_val_seconds = None
        self.step_seconds = []
        if ctx.main:
            self.csv = plotting.CsvLog(os.path.join(self.run_dir, "metrics.csv"),
                                       resume_step=self.step if ckpt is not None else None)
            validate.write_ground_truth(self.val_items, os.path.join(self.run_dir, "val_gt"))
        log.info("data: %s; %d training images, %d validation images; %d steps of %d images (%d processes)",
                 ", ".join("%s (%d, weight %g)" % (s["path"], len(r), s["weight"]) for s, r in self.train_parts),
                 n_train, len(self.val_items), self.total_steps, global_batch, ctx.world)
        log.info("model: %s, %.2fM parameters; %s", type(self.model).__name__,
                 sum(p.numel() for p in self.model.parameters()) / 1e6,
                 "resumed at step %d" % self.step if ckpt is not None else "new run")

    def loader(self):
        data_cfg, tcfg = self.cfg["data"], self.cfg["train"]
        # Sample index space: AUGMENTATIONS_PER_IMAGE times each source, so that an index (hence an
        # augmentation) rarely comes twice in a run.
        datasets = [self.data_api.make_dataset(r, data_cfg["train_size"], data_cfg["augment"], self.cfg["seed"] + i,
                                               len(r) * AUGMENTATIONS_PER_IMAGE)
                    for i, (_, r) in enumerate(self.train_parts)]
        sampler = MixedBatchSampler([len(d) for d in datasets], [s["weight"] for s, _ in self.train_parts],
                                    tcfg["batch_size"], self.ctx.rank, self.ctx.world, self.cfg["seed"],
                                    self.step, self.total_steps)
        g = torch.Generator()
        g.manual_seed(self.cfg["seed"] + 7919 * self.ctx.rank + self.step)  # worker seeds, resumable
        workers = int(data_cfg["workers"])
        return torch.utils.data.DataLoader(
            torch.utils.data.ConcatDataset(datasets), batch_sampler=sampler, num_workers=workers,
            collate_fn=self.data_api.collate, worker_init_fn=_seed_worker, generator=g,
            persistent_workers=workers > 0)

    # -- checkpoints and validation (rank 0) --

    def checkpoint(self, metrics=None):
        rngs = self.ctx.gather(rng_state())
        if not self.ctx.main:
            return
        os.makedirs(self.ckpt_dir, exist_ok=True)
        # "model" + "config" (the ModelConfig dict) are what export.load_checkpoint reads.
        state = {"model": self.model.state_dict(), "config": self.model_config(),
                 "optimizer": self.optimizer.state_dict(), "scheduler": self.scheduler.state_dict(),
                 "step": self.step, "best_f": self.best_f, "rng": rngs, "train_config": self.cfg,
                 "elapsed_s": self.elapsed(),
                 "metrics": metrics}
        save_atomic(state, os.path.join(self.ckpt_dir, "last.pt"))
        return state

    def elapsed(self):
        """Wall seconds of the whole run, earlier sessions included (the CSV's time_s)."""
        return self.elapsed_before + time.time() - self.start_time

    def model_config(self):
        """The complete model config (defaults filled in) that export needs to rebuild the model."""
        cfg = getattr(self.model, "cfg", None)
        return cfg.to_dict() if hasattr(cfg, "to_dict") else dict(self.cfg["model"])

    def set_train_mode(self):
        self.model.train()
        if self.cfg["train"]["freeze_bn_stats"]:
            from .model import freeze_batch_norm_stats
            freeze_batch_norm_stats(self.model)

    def run_validation(self):
        if self.ctx.main and self.val_items:
            self.model.eval()
            input_size = self.cfg["val"]["input_size"]
            with torch.no_grad():
                result = validate.validate(
                    lambda img: self.model.predict(img, input_size), self.val_items,
                    os.path.join(self.run_dir, "val_gt"), os.path.join(self.run_dir, "val_pred"),
                    self.cfg["val"]["protocol"], self.cfg["val"]["evaluator"], log=log.warning)
            self.set_train_mode()
            self.last_val_seconds = result["seconds"]
            log.info("step %d: validation P %.3f R %.3f F %.3f (%s evaluator, %d images, %.0f s)",
                     self.step, result["precision"], result["recall"], result["hmean"], result["evaluator"],
                     len(self.val_items), result["seconds"])
            log.debug("validation at step %d: %s", self.step, json.dumps(result))
            self.csv.append({"step": self.step, "time_s": self.elapsed(),
                             "val_precision": result["precision"], "val_recall": result["recall"],
                             "val_hmean": result["hmean"]})
            plotting.plot_curves(self.csv.path, os.path.join(self.run_dir, "curves.png"))
            self.ctx.barrier()
            return result
        self.ctx.barrier()
        return None

    def validate_and_keep_best(self):
        """Validation, then last.pt; a better F also becomes best.pt (the same state)."""
        result = self.run_validation()
        improved = self.ctx.main and result is not None and result["hmean"] > self.best_f
        if improved:
            self.best_f = result["hmean"]
        state = self.checkpoint(metrics=result)
        if improved:
            save_atomic(state, os.path.join(self.ckpt_dir, "best.pt"))
            log.info("step %d: new best F %.3f -> checkpoints/best.pt", self.step, self.best_f)

    def budget_fraction(self):
        """Fraction of this process's time budget used, when the schedule follows it; else 0."""
        budget = self.cfg["train"]["time_budget_minutes"]
        if not (budget and self.cfg["schedule"]["follow_time_budget"]):
            return 0.0
        return min(1.0, (time.time() - self.start_time) / (budget * 60.0))

    def out_of_time(self):
        """True when the next step plus a final validation and checkpoint would overrun the budget."""
        budget = self.cfg["train"]["time_budget_minutes"]
        if not budget:
            return False
        step_time = max(self.step_seconds[-20:]) if self.step_seconds else 0.0
        val_time = self.last_val_seconds if self.last_val_seconds is not None else 1.0 * len(self.val_items)
        reserve = 2 * step_time + 1.2 * val_time + 10.0  # 10 s: checkpoint write and plot
        return self.ctx.broadcast_flag(time.time() - self.start_time + reserve > budget * 60.0)

    # -- the loop --

    def train(self):
        tcfg = self.cfg["train"]
        self.bar = plotting.ProgressBar(self.total_steps, self.step,
                                        tcfg["progress"] if self.ctx.main else "none")
        meters, seen, window_start = {}, 0, time.time()
        stopped_early = False
        self.set_train_mode()
        step_start = time.time()  # a step's time includes waiting for its batch
        try:
            for samples in self.loader():
                if self.out_of_time():
                    stopped_early = True
                    break
                images = images_tensor(samples, self.ctx.device)
                losses = dict(self.train_step(images, samples))
                # The model may report its own sum as "total"; otherwise the terms are summed here.
                total = losses.pop("total") if "total" in losses else sum(losses.values())
                if not torch.isfinite(total):
                    raise FloatingPointError("loss is %s at step %d (%s); lower optim.lr or raise warm-up" % (
                        total.item(), self.step, {k: float(v) for k, v in losses.items()}))
                self.optimizer.zero_grad(set_to_none=True)
                total.backward()
                if tcfg["grad_clip_norm"]:
                    torch.nn.utils.clip_grad_norm_(self.model.parameters(), tcfg["grad_clip_norm"])
                self.optimizer.step()
                self.scheduler.step()
                self.step += 1
                self.step_seconds.append(time.time() - step_start)
                for k, v in losses.items():
                    meters[k] = meters.get(k, 0.0) + float(v.detach())
                meters["_total"] = meters.get("_total", 0.0) + float(total.detach())
                meters["_n"] = meters.get("_n", 0) + 1
                seen += len(samples) * self.ctx.world
                if self.step % tcfg["log_every"] == 0 or self.step == self.total_steps:
                    self.log_window(meters, seen, time.time() - window_start)
                    meters, seen, window_start = {}, 0, time.time()
                if self.step % tcfg["val_every"] == 0 and self.step < self.total_steps:
                    self.validate_and_keep_best()
                elif self.step % tcfg["ckpt_every"] == 0 and self.step < self.total_steps:
                    self.checkpoint()
                step_start = time.time()
        except KeyboardInterrupt:
            log.warning("interrupted at step %d: writing checkpoints/last.pt", self.step)
            self.checkpoint()
            raise
        if stopped_early:
            log.info("time budget of %g min reached at step %d: final validation and checkpoint",
                     tcfg["time_budget_minutes"], self.step)
        self.validate_and_keep_best()
        if self.ctx.main:
            plotting.plot_curves(self.csv.path, os.path.join(self.run_dir, "curves.png"))
        self.bar.close()
        log.info("finished at step %d of %d after %.0f s; best val F %.3f", self.step, self.total_steps,
                 time.time() - self.start_time, self.best_f)

    def log_window(self, meters, seen, seconds):
        n = meters.pop("_n")
        names = sorted(k for k in meters if k != "_total")
        values = self.ctx.mean([meters["_total"] / n] + [meters[k] / n for k in names])
        lr = self.optimizer.param_groups[0]["lr"]
        row = {"step": self.step, "time_s": self.elapsed(), "lr": lr,
               "images_per_s": seen / max(seconds, 1e-9), "loss": values[0]}
        row.update({"loss_" + k: v for k, v in zip(names, values[1:])})
        if self.ctx.main:
            self.csv.append(row)
            stats = {"loss": values[0], "lr": lr, "img/s": row["images_per_s"]}
            self.bar.update(self.step, stats)
            log.debug("step %d %s", self.step, json.dumps(row))


def setup_logging(run_dir, main):
    """Rank 0: everything of the atrr loggers into RUN_DIR/train.log, INFO and up on the console (through
    tqdm so the bar stays intact). Returns the handlers, removed again when main() ends."""
    logger = logging.getLogger("atrr")
    if not main:
        logger.setLevel(logging.WARNING)
        return []
    os.makedirs(run_dir, exist_ok=True)
    fmt = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    file_handler = logging.FileHandler(os.path.join(run_dir, "train.log"))
    console = plotting.ConsoleHandler()
    console.setLevel(logging.INFO)
    for handler in (file_handler, console):
        handler.setFormatter(fmt)
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    return [file_handler, console]


def main(argv=None, start_time=None):
    """The CLI; callable in-process with an argument list (tests). The time budget counts from
    `start_time` (default: now)."""
    start_time = start_time or time.time()
    args = parse_args(argv)
    cfg = load_config(args)
    device = cfg["device"]
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise SystemExit("error: --device cuda but torch.cuda.is_available() is False")
    ctx = Dist(device)
    threads = cfg["train"]["torch_threads"] or max(1, (os.cpu_count() or 1) // ctx.local_world)
    torch.set_num_threads(threads)
    handlers = setup_logging(cfg["out"], ctx.main)
    try:
        if ctx.main:
            with open(os.path.join(cfg["out"], "config.json"), "w") as f:
                json.dump(cfg, f, indent=2)
            log.info("command: %s -m training.atrr.train %s", sys.executable,
                     " ".join(sys.argv[1:] if argv is None else argv))
            log.info("torch %s, device %s, %d processes, %d threads each", torch.__version__, device,
                     ctx.world, threads)
        Trainer(cfg, args.resume, ctx, start_time).train()
    finally:
        ctx.close()
        for handler in handlers:
            logging.getLogger("atrr").removeHandler(handler)
            handler.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(start_time=_PROCESS_START))
