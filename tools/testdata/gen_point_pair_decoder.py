#!/usr/bin/python3
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
"""Reference cases for adaptivetext.PointPairDecoder (doc/model_format.md, section 3.4).

The expected pairs / num_pairs come from a float64 NumPy LSTM written from the contract text; the generator
also checks that NumPy LSTM against torch.nn.LSTM (gate order i, f, g, o) on the steps it emitted. Each
case is a one-node ONNX model point_pair_decoder_<case>.onnx (K dynamic, weights as initializers) plus
point_pair_decoder_<case>.{features,text_scores,rois,pairs,num_pairs}.npy. Random cases are re-drawn until
every stop decision is at least STOP_MARGIN away from stop_threshold, so float32 rounding in the C++ code
cannot change a RoI's number of pairs.
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

PREFIX = "point_pair_decoder"
STOP_MARGIN = 1e-3


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def reference(features, text_scores, rois, w, T, min_steps, score_thr, stop_thr):
    """float64 decoder. Returns pairs [K,T,4], num_pairs [K,1], hidden states [K,T,Hd] (zeros where not
    computed) and the smallest |stop_t - stop_thr| over the decisive steps."""
    K = rois.shape[0]
    x = features.reshape(K, -1).astype(np.float64)
    W_ih, W_hh, B, W_out, B_out = (np.asarray(a, np.float64) for a in w)
    hd = W_hh.shape[1]
    pairs = np.zeros((K, T, 4))
    num = np.zeros((K, 1))
    hidden = np.zeros((K, T, hd))
    margin = np.inf
    for k in range(K):
        # thresholds are float32 attributes; compare in float32 like the stored scores
        if rois[k, 0] < 0 or np.float32(text_scores[k, 0]) < np.float32(score_thr):
            continue
        x1, y1, x2, y2 = rois[k, 1:].astype(np.float64)
        h = np.zeros(hd)
        c = np.zeros(hd)
        for t in range(T):
            g = W_ih @ x[k] + W_hh @ h + B
            gi, gf, gg, go = g[:hd], g[hd:2 * hd], g[2 * hd:3 * hd], g[3 * hd:]
            c = sigmoid(gf) * c + sigmoid(gi) * np.tanh(gg)
            h = sigmoid(go) * np.tanh(c)
            hidden[k, t] = h
            y = W_out @ h + B_out
            pairs[k, t] = [x1 + y[0] * (x2 - x1), y1 + y[1] * (y2 - y1),
                           x1 + y[2] * (x2 - x1), y1 + y[3] * (y2 - y1)]
            if t + 1 == T:
                break
            if t + 1 >= min_steps:
                stop = sigmoid(y[4])
                margin = min(margin, abs(stop - np.float32(stop_thr)))
                if stop > np.float32(stop_thr):
                    break
        num[k, 0] = t + 1
    return pairs, num, hidden, margin


def check_against_torch(features, w, hidden, num):
    """The hidden states the NumPy LSTM emitted must match torch.nn.LSTM fed the same input T times."""
    K, T, hd = hidden.shape
    x = torch.from_numpy(features.reshape(K, -1).astype(np.float64))
    lstm = torch.nn.LSTM(x.shape[1], hd).double()
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(w[0].astype(np.float64)))
        lstm.weight_hh_l0.copy_(torch.from_numpy(w[1].astype(np.float64)))
        lstm.bias_ih_l0.copy_(torch.from_numpy(w[2].astype(np.float64)))
        lstm.bias_hh_l0.zero_()  # B = b_ih + b_hh
        out, _ = lstm(x.unsqueeze(0).expand(T, K, x.shape[1]).contiguous())
    out = out.numpy().transpose(1, 0, 2)  # [K,T,Hd]
    for k in range(K):
        n = int(num[k, 0])
        assert np.allclose(out[k, :n], hidden[k, :n], atol=1e-12), "NumPy LSTM disagrees with torch"


def random_weights(rng, D, hd, stop_bias, stop_gain=3.0):
    W_ih = rng.standard_normal((4 * hd, D)) / np.sqrt(D)
    W_hh = rng.standard_normal((4 * hd, hd)) * 1.5 / np.sqrt(hd)
    B = rng.standard_normal(4 * hd) * 0.5
    W_out = rng.standard_normal((5, hd)) * 0.5
    W_out[4] *= stop_gain
    B_out = np.array([0.1, 0.0, 0.1, 1.0, stop_bias]) + rng.standard_normal(5) * 0.05
    B_out[4] = stop_bias
    return [a.astype(np.float32) for a in (W_ih, W_hh, B, W_out, B_out)]


def random_rois(rng, K, n_padding):
    x1 = rng.uniform(0, 80, K)
    y1 = rng.uniform(0, 60, K)
    rois = np.stack([np.zeros(K), x1, y1, x1 + rng.uniform(8, 120, K), y1 + rng.uniform(4, 40, K)], axis=1)
    pad = rng.choice(K, n_padding, replace=False)
    rois[pad] = [-1, 0, 0, 0, 0]
    return rois.astype(np.float32)


def make_model(feature_shape, T, w, min_steps, score_thr, stop_thr):
    attrs = dict(max_steps=T, score_threshold=float(score_thr))
    if min_steps is not None:  # else the layer's default (2)
        attrs["min_steps"] = min_steps
    if stop_thr is not None:  # else the layer's default (0.5)
        attrs["stop_threshold"] = float(stop_thr)
    names = ["W_ih", "W_hh", "B", "W_out", "B_out"]
    node = common.custom_node("PointPairDecoder", ["features", "text_scores", "rois"] + names,
                              ["pairs", "num_pairs"], name="point_pair_decoder", **attrs)
    return common.make_model([node],
                             [("features", ["k"] + list(feature_shape)), ("text_scores", ["k", 1]),
                              ("rois", ["k", 5])],
                             [("pairs", ["k", T, 4]), ("num_pairs", ["k", 1])],
                             initializers=dict(zip(names, w)))


def save(case, features, text_scores, rois, w, T, min_steps=None, score_thr=0.5, stop_thr=None,
         extra_thresholds=()):
    """extra_thresholds: other score thresholds to write references for (the test sets them at run time)."""
    eff_min = 2 if min_steps is None else min_steps
    eff_stop = 0.5 if stop_thr is None else stop_thr
    pairs, num, hidden, margin = reference(features, text_scores, rois, w, T, eff_min, score_thr, eff_stop)
    assert margin > STOP_MARGIN, (case, margin)
    check_against_torch(features, w, hidden, num)
    arrays = dict(features=features, text_scores=text_scores, rois=rois, pairs=pairs, num_pairs=num)
    for i, thr in enumerate(extra_thresholds):
        p2, n2, _, m2 = reference(features, text_scores, rois, w, T, eff_min, thr, eff_stop)
        assert m2 > STOP_MARGIN
        arrays["pairs_thr%d" % i] = p2
        arrays["num_pairs_thr%d" % i] = n2
        arrays["thr%d" % i] = np.array([thr])
    model = make_model(features.shape[1:], T, w, min_steps, score_thr, stop_thr)
    common.save_case("%s_%s" % (PREFIX, case), model, **arrays)
    return num


def random_case(rng, case, K, feature_shape, hd, T, min_steps=None, score_thr=0.3, stop_thr=None,
                stop_bias=0.0, n_padding=0, extra_thresholds=(), score_at_threshold=False, varied=False):
    """varied: re-draw until the decoded RoIs stop at two or more different steps."""
    eff_min = 2 if min_steps is None else min_steps
    eff_stop = 0.5 if stop_thr is None else stop_thr
    D = int(np.prod(feature_shape))
    for _ in range(1000):
        w = random_weights(rng, D, hd, stop_bias)
        features = rng.standard_normal((K,) + tuple(feature_shape)).astype(np.float32)
        text_scores = rng.uniform(0, 1, (K, 1)).astype(np.float32)
        rois = random_rois(rng, K, n_padding)
        if score_at_threshold:  # the first real RoI sits exactly on the threshold
            text_scores[np.nonzero(rois[:, 0] >= 0)[0][0], 0] = score_thr
        refs = [reference(features, text_scores, rois, w, T, eff_min, thr, eff_stop)
                for thr in (score_thr,) + tuple(extra_thresholds)]
        num = refs[0][1]
        if varied and len(np.unique(num[num > 0])) < 2:
            continue
        if min(r[3] for r in refs) > STOP_MARGIN:
            return save(case, features, text_scores, rois, w, T, min_steps, score_thr, stop_thr,
                        extra_thresholds)
    raise RuntimeError("no draw with safe stop margins for " + case)


def main():
    rng = np.random.default_rng(20190616)
    # Random sweep over shapes and parameters; the stop bias keeps the number of pairs varied.
    sweeps = [
        dict(case="sweep0", K=12, feature_shape=(16,), hd=8, T=6, score_thr=0.2, n_padding=2),
        dict(case="sweep1", K=20, feature_shape=(32,), hd=16, T=10, min_steps=3, score_thr=0.4, stop_thr=0.7,
             stop_bias=1.0, n_padding=5),
        dict(case="sweep2", K=7, feature_shape=(5,), hd=3, T=4, min_steps=1, score_thr=0.0, stop_thr=0.3,
             stop_bias=-0.8),
        # features [K,C,h,w]: the decoder flattens the trailing dims to D
        dict(case="sweep3", K=9, feature_shape=(4, 2, 2), hd=6, T=8, score_thr=0.1, stop_bias=-1.0,
             n_padding=1),
    ]
    for sweep in sweeps:
        random_case(rng, varied=True, **sweep)
    random_case(rng, "k1", K=1, feature_shape=(8,), hd=4, T=5, score_thr=0.0)

    # All rows padding: zero outputs.
    num = random_case(rng, "all_padding", K=4, feature_shape=(6,), hd=4, T=3, n_padding=4)
    assert np.all(num == 0)

    # A large negative stop bias: every RoI runs to T.
    num = random_case(rng, "no_stop", K=6, feature_shape=(10,), hd=5, T=7, score_thr=0.0, stop_bias=-40.0)
    assert np.all(num == 7)

    # A large positive stop bias: every RoI stops at the first permitted step.
    num = random_case(rng, "first_stop", K=5, feature_shape=(10,), hd=5, T=7, min_steps=1, score_thr=0.0,
                      stop_bias=40.0)
    assert np.all(num == 1)
    num = random_case(rng, "first_stop_min3", K=5, feature_shape=(10,), hd=5, T=7, min_steps=3,
                      score_thr=0.0, stop_bias=40.0)
    assert np.all(num == 3)

    # Score threshold skips some rows; one score equals the threshold exactly (kept: the rule is "<").
    # References for two more thresholds let the test change the threshold at run time.
    num = random_case(rng, "score_skip", K=10, feature_shape=(12,), hd=6, T=6, score_thr=0.5, n_padding=1,
                      extra_thresholds=(0.0, 0.9), score_at_threshold=True)
    data_path = os.path.join(common.OUT_DIR, PREFIX + "_score_skip.")
    scores = np.load(data_path + "text_scores.npy")[:, 0]
    real = np.load(data_path + "rois.npy")[:, 0] >= 0
    assert np.any(real & (scores < 0.5)) and np.all(num[real & (scores == 0.5)] > 0)


if __name__ == "__main__":
    main()
