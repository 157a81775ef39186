#!/bin/bash
# This file is part of OpenCV project.
# It is subject to the license terms in the LICENSE file found in the top-level directory
# of this distribution and at http://opencv.org/license.html.
#
# Ours against the baseline (the PaddleOCR PP-OCRv4 mobile detector on OpenCV DNN) in alternating blocks, for a
# machine whose speed drifts within minutes (a shared 2-core VM: the same tool differs by 15-20 % between runs a
# few minutes apart). Each block times 10 end-to-end runs of `adaptive_text_benchmark --sizes=default` (the
# detector as created) and then 10 of the baseline at the larger of our two inputs; the ratio of a block compares
# the two under the same conditions.
#   tools/bench/paired_latency.sh IMAGE BASELINE_WxH [BLOCKS=5] [THREADS=2]
#   e.g. tools/bench/paired_latency.sh data/samples/curved_text.jpg 672x512
# Prints each block (ours ms, baseline ms, ratio) and the medians. Needs the baseline (../shared/baseline/setup.sh,
# BASELINE_DIR) and an idle machine; BENCH overrides the benchmark binary (default build-bench/, as
# tools/bench/run_benchmarks.sh), BASELINE_BENCH the baseline's timer (default ../shared/baseline/bench.py).
# VERIFIER (a path, or "verifier" for the shipped one): ours with that candidate verifier (setVerifier).
# MODEL (a path): ours with that line model instead of the shipped default, run with the settings it carries
# (its passes and paired verifier; a model without settings: the generic ones; doc/detector.md, "Model settings").
# SHIPPED_TOO=1 (with MODEL): each block also times the shipped default first, and prints candidate / shipped too.
set -eu
cd "$(dirname "$0")/../.."
IMAGE=$1 BASELINE_SIZE=$2 BLOCKS=${3:-5} THREADS=${4:-2}
BENCH=${BENCH:-build-bench/apps/adaptive_text_benchmark/adaptive_text_benchmark}
BASELINE_BENCH=${BASELINE_BENCH:-../shared/baseline/bench.py}
export BASELINE_DIR=${BASELINE_DIR:-$HOME/.cache/adaptivetext-baseline}
ours() {  # [MODEL] -> end-to-end median ms of 10 runs
    "$BENCH" --image="$IMAGE" --sizes=default --threads="$THREADS" --runs=10 --warmup=2 \
        ${VERIFIER:+--verifier="$VERIFIER"} ${1:+--model="$1"} 2>&1 | grep -A1 '^default' | tail -1 | awk '{print $11}'
}
SHIPPED=${SHIPPED_TOO:+${MODEL:+1}}
echo "block ours_ms baseline_ms ratio${SHIPPED:+ shipped_ms ours/shipped}  ($(basename "$IMAGE"), baseline at $BASELINE_SIZE," \
     "$THREADS threads, $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg))"
for b in $(seq "$BLOCKS"); do
    shipped=${SHIPPED:+$(ours "")}
    mine=$(ours "${MODEL:-}")
    base=$(/usr/bin/python3 "$BASELINE_BENCH" "$IMAGE" "$BASELINE_SIZE" --threads "$THREADS" --runs 10 --warmup 2 2>&1 |
           grep 'end-to-end median' | tail -1 | sed 's/.*end-to-end median \([0-9.]*\).*/\1/')
    echo "$b $mine $base $shipped"
done | awk '{ printf "%s %s %s %.3f", $1, $2, $3, $2 / $3; o[NR] = $2; p[NR] = $3; r[NR] = $2 / $3
              if (NF > 3) { printf " %s %.3f", $4, $2 / $4; s[NR] = $4; q[NR] = $2 / $4; ns++ }
              printf "\n" }
function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                   return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
END { printf "median: ours %.1f ms, baseline %.1f ms, ratio of medians %.3f, median ratio %.3f\n",
             median(o, NR), median(p, NR), median(o, NR) / median(p, NR), median(r, NR)
      if (ns) printf "median: shipped %.1f ms, ours / shipped median ratio %.3f\n", median(s, NR), median(q, NR) }'
