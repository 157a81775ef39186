#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Turns the raw results of tools/bench/run_benchmarks.sh into doc/benchmarks.md and its plot.

    /usr/bin/python3 tools/bench/plot_benchmarks.py --results out/bench --doc doc/benchmarks.md \
        --plot doc/images/benchmarks.png
"""
import argparse
import json
import math
import os
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

STAGES = [("preprocess", "preprocess"), ("backbone", "backbone"), ("proposals", "proposals"),
          ("roi_features", "RoI features"), ("refine_decoder", "refine + decoder"),
          ("forward_other", "dnn other"), ("postprocess", "postprocess")]
# What ../shared/baseline/bench.py prints per size.
BASELINE_LINE = re.compile(r"opencv-dnn (\d+)x(\d+) threads=(\d+) runs=(\d+) forward median ([\d.]+) ms.*?"
                       r"end-to-end median ([\d.]+) ms \(min ([\d.]+)\), (\d+) dets")
REGENERATE = "tools/bench/run_benchmarks.sh"
BASELINE_LABEL = "PaddleOCR PP-OCRv4 mobile (OpenCV DNN)"
BASELINE = "the PaddleOCR PP-OCRv4 mobile detector (DB head) on OpenCV 4.6 DNN"
BASELINE_STRIDE = 32  # the baseline's FPN adds maps of strides 4..32: its input sides must be multiples of 32


def baseline_size(width, height):
    """The baseline's input for one of ours: each side to the nearest multiple of 32, ties down (976 -> 960), so
    the baseline never gets more pixels than ours where the sizes differ."""
    def side(v):
        return BASELINE_STRIDE * max(1, int(math.floor(v / BASELINE_STRIDE + 0.5 - 1e-9)))
    return side(width), side(height)


def baseline_input(result):
    """The baseline's input for one row of ours: its network size, or for two passes the second (larger) one, so
    that the baseline reads the frame at the largest resolution ours reads it."""
    return baseline_size(*result.get("small_text_net_size", result["net_size"]))


def net_label(result):
    w, h = result["net_size"]
    if "small_text_net_size" in result:
        return "%dx%d + %dx%d" % (w, h, result["small_text_net_size"][0], result["small_text_net_size"][1])
    return "%dx%d" % (w, h)


def read_key_values(path):
    values = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.partition(":")
            values[key.strip()] = value.strip()
    return values


def read_loads(path):
    """load.txt lines 'tool tag phase | l1 l5 l15' -> {(tool, tag, phase): 'l1 l5 l15'}."""
    loads = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                head, _, load = line.partition("|")
                tool, tag, phase = head.split()
                loads[(tool, tag, phase)] = load.strip()
    return loads


def read_baseline(results_dir, tag):
    """{(W, H, threads): {"forward": ms, "end_to_end": ms, "runs": n, "dets": n}} from baseline_<tag>_t<T>.txt."""
    baseline = {}
    for name in sorted(os.listdir(results_dir)):
        if not (name.startswith("baseline_%s_t" % tag) and name.endswith(".txt")):
            continue
        with open(os.path.join(results_dir, name)) as f:
            for m in BASELINE_LINE.finditer(f.read()):
                w, h, t, runs = (int(m.group(i)) for i in range(1, 5))
                baseline[(w, h, t)] = {"forward": float(m.group(5)), "end_to_end": float(m.group(6)),
                                   "runs": runs, "dets": int(m.group(8))}
    return baseline


def load_image_results(results_dir):
    images = []
    with open(os.path.join(results_dir, "images.txt")) as f:
        for line in f:
            tag, path = line.split(maxsplit=1)
            with open(os.path.join(results_dir, "cpp_%s.json" % tag)) as g:
                cpp = json.load(g)
            pt_path = os.path.join(results_dir, "pytorch_%s.json" % tag)
            pytorch = {}
            if os.path.exists(pt_path):
                with open(pt_path) as g:
                    pt = json.load(g)
                pytorch = {(r["input"], r["threads"]): r for r in pt["results"]}
            images.append({"tag": tag, "path": path.strip(), "cpp": cpp, "pytorch": pytorch,
                           "baseline": read_baseline(results_dir, tag)})
    return images


def ms(summary):
    return "%.1f" % summary["median"]


def ms_range(summary):
    return "%.1f [%.1f–%.1f]" % (summary["median"], summary["p10"], summary["p90"])


def ratio(a, b):
    return "%.2f" % (a / b) if a and b else "–"


def one_minute(load):
    return load.split()[0] if load else "?"


def image_section(img, loads):
    cpp = img["cpp"]
    tag = img["tag"]
    name = os.path.basename(img["path"])
    load_cpp = "%s → %s" % (one_minute(loads.get(("cpp", tag, "start"))), one_minute(loads.get(("cpp", tag, "end"))))
    load_pt = "%s → %s" % (one_minute(loads.get(("pytorch", tag, "start"))),
                           one_minute(loads.get(("pytorch", tag, "end"))))
    lines = ["### %s (%dx%d)" % (name, cpp["image_size"][0], cpp["image_size"][1]), "",
             "Ours, per stage (ms, medians of %d runs after %d warm-up; 1-min load average %s during this tool):"
             % (cpp["runs"], cpp["warmup"], load_cpp), "",
             "| input | net WxH | threads | " + " | ".join(label for _, label in STAGES) +
             " | forward | **end to end** [p10–p90] | peak RSS MiB (RSS before) | detections |",
             "|---|---|---|" + "---|" * len(STAGES) + "---|---|---|---|"]
    for r in cpp["results"]:
        lines.append("| %s | %s | %d | %s | %s | **%s** | %.0f (%.0f) | %d |" % (
            r["input"], net_label(r), r["threads"],
            " | ".join(ms(r["stages"][key]) for key, _ in STAGES), ms(r["forward"]), ms_range(r["end_to_end"]),
            r["peak_rss_mib"], r["rss_before_mib"], r["detections"]))
    has_unfolded = any("forward_unfolded" in r for r in img["pytorch"].values())
    lines += ["", "Against PyTorch eager (same checkpoint, 1-min load %s) and the baseline, %s (same network "
              "input size):" % (load_pt, BASELINE), "",
              "| input | net WxH | threads | ours forward | PyTorch forward%s | **PyTorch / ours** | ours end to end "
              "| baseline WxH | baseline end to end | baseline forward | **ours / baseline** (end to end) | baseline load |"
              % (" | PyTorch, BN not folded" if has_unfolded else ""),
              "|---|---|---|---|---|%s---|---|---|---|---|---|---|" % ("---|" if has_unfolded else "")]
    for r in cpp["results"]:
        w, h, t = r["net_size"][0], r["net_size"][1], r["threads"]
        pt = img["pytorch"].get((r["input"], t))
        pw, ph = baseline_input(r)
        base = img["baseline"].get((pw, ph, t))
        pt_fwd = pt["forward"]["median"] if pt else None
        base_e2e = base["end_to_end"] if base else None
        base_load = "%s → %s" % (one_minute(loads.get(("baseline", tag, "start_t%d" % t))),
                                 one_minute(loads.get(("baseline", tag, "end_t%d" % t))))
        cells = [r["input"], net_label(r), str(t), ms(r["forward"]), "%.1f" % pt_fwd if pt else "–"]
        if has_unfolded:
            cells.append(ms(pt["forward_unfolded"]) if pt and "forward_unfolded" in pt else "–")
        cells += ["**%s**" % ratio(pt_fwd, r["forward"]["median"]), ms(r["end_to_end"]), "%dx%d" % (pw, ph),
                  "%.1f" % base_e2e if base else "–", "%.1f" % base["forward"] if base else "–",
                  "**%s**" % ratio(r["end_to_end"]["median"], base_e2e), base_load]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def write_doc(path, plot_path, machine, images, loads):
    rel_plot = os.path.relpath(plot_path, os.path.dirname(os.path.abspath(path)))
    out = ["# Benchmarks: CPU latency and memory", "",
           "Generated by `%s` (it builds `adaptive_text_benchmark` if needed, runs it, PyTorch eager "
           "and the baseline one after another on the same images and machine, then calls "
           "`tools/bench/plot_benchmarks.py`). Do not edit by hand: rerun the command." % REGENERATE, "",
           "## Machine", "",
           "| | |", "|---|---|"]
    for key in ("date", "commit", "model", "checkpoint", "nproc", "cpu", "threads", "sizes", "runs", "load_start", "load_end"):
        if key in machine:
            out.append("| %s | %s |" % (key.replace("_", " "), machine[key]))
    fast = {img["cpp"].get("fast_conv3x3") for img in images}
    if fast != {None}:  # older results of the tool do not say
        out.append("| 3x3 convolutions | %s |" % (
            "the module's direct kernel, `FastConv3x3Layer` (doc/detector.md)" if fast == {True} else
            "OpenCV 4.6's (`ADAPTIVETEXT_FAST_CONV=0`, or a CPU without AVX-512F / AVX2)" if fast == {False} else
            "mixed across images"))
    out += ["", "Load averages are 1, 5, 15 min from `/proc/loadavg`. The machine is shared: a load average "
            "above the core count means other processes competed for the cores while the numbers below were "
            "taken, so they are slower than on an idle machine; the ratios compare tools run back to back under "
            "similar load (each table says the load during its tool).", "",
            "## Results", ""]
    for img in images:
        out += image_section(img, loads) + [""]
    out += ["![benchmarks](%s)" % rel_plot, "",
            "Targets: PyTorch / ours >= 2 (ours at least twice as fast as PyTorch eager for the same "
            "model and input) and ours / baseline <= 1 (end to end at or below the baseline's at the same input "
            "size).", "",
            "## How it is measured", "",
            "- **Inputs**: `short736` keeps the image's aspect ratio with the short side 736 "
            "(AdaptiveTextDetector::INPUT_SIZE_SHORT_SIDE), `1280x736` is a fixed size (aspect not kept); "
            "both rounded to multiples of 16 as the detector does; `long640` is one pass at long side 640; "
            "`default` is the detector as created, the line model's two passes "
            "(long side 512, then 672 for thin lines: `setSmallTextPass`), its stages summed over both passes. "
            "The baseline runs once, at the larger of the two inputs; the `long640` row gives it at 640.",
            "- **Ours** (`apps/adaptive_text_benchmark`): per configuration a fresh detector and a fresh "
            "`cv::dnn::Net` per pass of the same model, `cv::setNumThreads(threads)`, warm-up runs, then the "
            "timed iterations of the stages on those Nets, then as many `AdaptiveTextDetector::detect` calls in "
            "a row (the end-to-end column); "
            "medians and p10/p90 over the iterations.",
            "- **Stages**: *preprocess* = the detector's resize + blob packing (`src/preprocess.cpp`, compiled "
            "into the tool and timed around the call) + the graph's normalisation conv `preprocess`; the graph layers' times come from `Net::getPerfProfile` after each "
            "forward, summed per stage by layer name and type in graph order: *backbone* = "
            "every layer before `rpn_conv` (13 convs, ReLUs, 5 SEBlocks, 4 max-pools at feature stride 16 or 3 at stride 8, and the stage-4 skip if the model has one); *proposals* = `rpn_conv`, ReLU, "
            "`rpn_cls`, `rpn_reg`, sigmoid and `adaptivetext.TextProposal`; *RoI features* = "
            "`adaptivetext.RoIAlign`; *refine + decoder* = everything after RoIAlign (Flatten, fc1, fc2, "
            "text_cls, box_reg, sigmoid, `adaptivetext.PointPairDecoder`, and the Identity layers OpenCV adds "
            "for the graph outputs). *dnn other* = forward wall time minus the sum of the layer times (cv::dnn's "
            "own work between layers). *postprocess* (polygons, scaling, clipping, polygon NMS) is the module's "
            "internal `postprocess.cpp`, which the tool compiles in to time it directly on the forward's outputs "
            "(it checks that it finds as many polygons as `detect`). Print the mapping with "
            "`adaptive_text_benchmark --list_layers`.",
            "- **Peak memory**: `VmHWM` of the process from `/proc/self/status`, reset by writing 5 to "
            "`/proc/self/clear_refs` just before the detector is created, read after its warm-up (so it is the "
            "detector's peak at that size, plus what the process already held before creating it: the RSS in "
            "brackets, libraries and heap kept from earlier configurations).",
            "- **PyTorch eager** (`tools/bench/bench_pytorch.py`): `ATRR.forward(image)` of the checkpoint the "
            "shipped ONNX was exported from, eval mode, `torch.no_grad()`, `torch.set_num_threads(threads)`. "
            "*PyTorch forward* folds each Conv+BatchNorm into one Conv as the export does, so it computes exactly "
            "the graph the C++ side runs; the first image also times the checkpoint as trained (BatchNorm run "
            "separately). The ratio uses the folded (faster or equal) form. PyTorch has no polygon postprocess, "
            "so forward is compared with forward.",
            "- **Baseline** (`../shared/baseline/bench.py`): %s, at the "
            "network sizes ours used on that image, each side rounded to the nearest multiple of 32 (ties down: "
            "976 -> 960), because its FPN fails on other sizes in OpenCV 4.6 (Eltwise shape mismatch "
            "`[1,96,46,61]` vs `[1,96,46,62]` at 976x736); end to end = resize + normalise + forward + DB "
            "post-processing (see `../shared/baseline/README.md`)." % BASELINE, ""]
    with open(path, "w") as f:
        f.write("\n".join(out))


def plot(path, images):
    fig, axes = plt.subplots(2, len(images), figsize=(6.5 * len(images), 8), squeeze=False)
    colors = plt.get_cmap("tab10").colors
    for col, img in enumerate(images):
        cpp = img["cpp"]["results"]
        labels = ["%s\n%d thr" % (net_label(r).replace(" + ", "+\n"), r["threads"]) for r in cpp]
        xs = range(len(cpp))
        ax = axes[0][col]
        bottom = [0.0] * len(cpp)
        for i, (key, label) in enumerate(STAGES):
            values = [max(0.0, r["stages"][key]["median"]) for r in cpp]
            ax.bar(xs, values, bottom=bottom, color=colors[i], label=label)
            bottom = [b + v for b, v in zip(bottom, values)]
        ax.set_xticks(list(xs), labels)
        ax.set_ylabel("ms (median)")
        ax.set_title("ours per stage: %s" % os.path.basename(img["path"]))
        ax.legend(fontsize=7, loc="upper left")

        ax = axes[1][col]
        width = 0.27
        ours = [r["end_to_end"]["median"] for r in cpp]
        pytorch = [img["pytorch"].get((r["input"], r["threads"]), {}).get("forward", {}).get("median", 0.0)
                   for r in cpp]
        base = [img["baseline"].get(baseline_input(r) + (r["threads"],), {}).get("end_to_end", 0.0)
                for r in cpp]
        ax.bar([x - width for x in xs], ours, width, label="ours, end to end", color=colors[0])
        ax.bar(list(xs), pytorch, width, label="PyTorch eager, forward", color=colors[3])
        ax.bar([x + width for x in xs], base, width, label=BASELINE_LABEL + ", end to end", color=colors[2])
        ax.set_xticks(list(xs), labels)
        ax.set_ylabel("ms (median)")
        ax.set_title("vs PyTorch eager and the baseline")
        ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=80)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", required=True, help="folder written by run_benchmarks.sh")
    ap.add_argument("--doc", required=True)
    ap.add_argument("--plot", required=True)
    a = ap.parse_args()
    images = load_image_results(a.results)
    machine = read_key_values(os.path.join(a.results, "machine.txt"))
    loads = read_loads(os.path.join(a.results, "load.txt"))
    plot(a.plot, images)
    write_doc(a.doc, a.plot, machine, images, loads)
    print("wrote %s and %s" % (a.doc, a.plot))


if __name__ == "__main__":
    main()
