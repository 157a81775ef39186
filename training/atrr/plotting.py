# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Training logs: the CSV of the curves, its PNG plot, and the progress bar."""
import csv
import logging
import math
import os
import sys
import time

# Columns that are always present, in this order; loss columns are added as the model reports them.
BASE_COLUMNS = ["step", "time_s", "lr", "images_per_s", "loss"]
VAL_COLUMNS = ["val_precision", "val_recall", "val_hmean"]


class CsvLog:
    """An append-only CSV whose columns may grow (a model may report a new loss term later).

    The rows are kept in memory (one per logged step: small) so that the file can be rewritten when a
    column appears and truncated on resume, where the steps after the checkpoint are trained again.
    """

    def __init__(self, path, resume_step=None):
        self.path = path
        self.columns = list(BASE_COLUMNS)
        self.rows = []
        if resume_step is not None and os.path.exists(path):
            with open(path, newline="") as f:
                reader = csv.DictReader(f)
                for name in reader.fieldnames or []:
                    if name not in self.columns:
                        self.columns.append(name)
                self.rows = [r for r in reader if int(float(r["step"])) <= resume_step]
        self._rewrite()

    def append(self, row):
        grew = False
        for name in row:
            if name not in self.columns:
                self.columns.append(name)
                grew = True
        self.rows.append({k: _format(v) for k, v in row.items()})
        if grew:
            self._rewrite()
        else:
            with open(self.path, "a", newline="") as f:
                csv.DictWriter(f, self.columns).writerow(self.rows[-1])

    def _rewrite(self):
        tmp = self.path + ".tmp"
        with open(tmp, "w", newline="") as f:
            writer = csv.DictWriter(f, self.columns)
            writer.writeheader()
            writer.writerows(self.rows)
        os.replace(tmp, self.path)


def _format(value):
    if isinstance(value, float):
        return "%.6g" % value
    return value


def read_csv(path):
    """Returns {column: [(step, value), ...]} for the non-empty cells of every numeric column."""
    series = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            step = float(row["step"])
            for name, cell in row.items():
                if name == "step" or cell in ("", None):
                    continue
                try:
                    series.setdefault(name, []).append((step, float(cell)))
                except ValueError:
                    pass
    return series


def plot_curves(csv_path, png_path):
    """Draws losses (log scale), learning rate and validation P/R/F against the step into one PNG."""
    import matplotlib
    matplotlib.use("Agg")  # no display on servers; must precede pyplot's import
    import matplotlib.pyplot as plt

    series = read_csv(csv_path)
    loss_names = ["loss"] + sorted(n for n in series if n.startswith("loss_"))
    fig, axes = plt.subplots(3, 1, figsize=(8, 10), sharex=True)
    for name in loss_names:
        if name in series:
            steps, values = zip(*series[name])
            axes[0].plot(steps, values, label=name, linewidth=2.0 if name == "loss" else 1.0)
    axes[0].set_ylabel("training loss")
    if any(v > 0 for n in loss_names for _, v in series.get(n, [])):
        axes[0].set_yscale("log")
    axes[0].legend(fontsize="small")
    if "lr" in series:
        axes[1].plot(*zip(*series["lr"]), color="tab:purple")
    axes[1].set_ylabel("learning rate")
    for name, label in zip(VAL_COLUMNS, ["precision", "recall", "F (hmean)"]):
        if name in series:
            axes[2].plot(*zip(*series[name]), marker="o", label=label)
    axes[2].set_ylim(0.0, 1.0)
    axes[2].set_ylabel("validation")
    axes[2].set_xlabel("step")
    if any(name in series for name in VAL_COLUMNS):
        axes[2].legend(fontsize="small", loc="lower right")
    for ax in axes:
        ax.grid(True, alpha=0.3)
    fig.tight_layout()
    tmp = png_path + ".tmp.png"
    fig.savefig(tmp, dpi=80)
    plt.close(fig)
    os.replace(tmp, png_path)


def _eta_text(seconds):
    if seconds is None or not math.isfinite(seconds):
        return "?"
    seconds = int(seconds)
    return "%d:%02d:%02d" % (seconds // 3600, seconds // 60 % 60, seconds % 60)


class ConsoleHandler(logging.Handler):
    """Log lines on stderr; through tqdm.write when tqdm is installed, which redraws an active bar below."""

    def emit(self, record):
        try:
            message = self.format(record)
            try:
                from tqdm import tqdm
                tqdm.write(message, file=sys.stderr)
            except ImportError:
                sys.stderr.write(message + "\n")
        except Exception:  # logging must never take the run down
            self.handleError(record)


class ProgressBar:
    """tqdm when installed (Debian: python3-tqdm) and asked for, otherwise one printed line per update.

    `mode`: "auto" (tqdm if importable), "tqdm", "simple" or "none".
    """

    def __init__(self, total, initial, mode="auto", stream=None):
        self.total, self.step = total, initial
        self.stream = stream or sys.stderr
        self.mode = mode
        self.tqdm = None
        if mode in ("auto", "tqdm"):
            try:
                from tqdm import tqdm
                self.tqdm = tqdm(total=total, initial=initial, unit="step", file=self.stream,
                                 dynamic_ncols=True, mininterval=1.0)
            except ImportError:
                if mode == "tqdm":
                    raise
                self.mode = "simple"
        self.start_time, self.start_step = time.time(), initial

    def update(self, step, stats):
        """stats: ordered {name: number}; shown after the step counter."""
        if self.tqdm is not None:
            self.tqdm.update(step - self.step)
            self.tqdm.set_postfix({k: _short(v) for k, v in stats.items()}, refresh=False)
        elif self.mode == "simple":
            elapsed = time.time() - self.start_time
            done = step - self.start_step
            eta = (self.total - step) * elapsed / done if done > 0 else None
            text = " ".join("%s=%s" % (k, _short(v)) for k, v in stats.items())
            self.stream.write("step %d/%d %s eta %s\n" % (step, self.total, text, _eta_text(eta)))
            self.stream.flush()
        self.step = step

    def close(self):
        if self.tqdm is not None:
            self.tqdm.close()


def _short(value):
    if isinstance(value, float):
        return "%.3g" % value
    return value
