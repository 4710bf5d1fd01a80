#!/usr/bin/env bash
# The one command a lent GPU machine runs:
#
#     scripts/gpu_run.sh BUNDLE OUTDIR
#
# BUNDLE: a folder written by `synth reproduce pack` (config, vocabulary-trimmed
# model, compressed data, wheels). OUTDIR gets result.json, summary.md,
# figures/*.png, log.txt and work/ (per-run results; checkpoints while a run is
# in progress). Run it again with the same OUTDIR after a kill and it resumes:
# finished runs are reused, an unfinished one continues from its checkpoint.
#
# Needs only what the GPU machine has (torch, transformers, PyYAML, matplotlib,
# typer, ...); pydantic and its kin come from the bundle's wheels, installed
# offline into a scratch folder. No network, no `pip install -e .`: the
# checkout is put on PYTHONPATH.
#
# Environment: SYNTH_GPU_DEVICE (default cuda), PYTHON (default python3),
# SYNTH_HOME (default a scratch folder: the converted model is cached there).
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: scripts/gpu_run.sh BUNDLE OUTDIR" >&2
  exit 2
fi
bundle=$(cd "$1" && pwd)
mkdir -p "$2"
outdir=$(cd "$2" && pwd)
repo=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python3}
device=${SYNTH_GPU_DEVICE:-cuda}
scratch=${TMPDIR:-/tmp}/synth-gpu-run
log="$outdir/log.txt"

export SYNTH_HOME=${SYNTH_HOME:-$scratch/home}
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 PYTHONUNBUFFERED=1 MPLBACKEND=Agg

say() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$log" >&2; }

say "gpu_run.sh: bundle $bundle -> $outdir (device $device, $("$python" --version 2>&1))"
if ! "$python" -c "import pydantic, pydantic_settings" 2>/dev/null; then
  say "installing the bundle's wheels offline into $scratch/site"
  "$python" -m pip install --quiet --no-index --no-deps --target "$scratch/site" "$bundle"/wheels/*.whl 2>&1 | tee -a "$log"
  export PYTHONPATH="$scratch/site${PYTHONPATH:+:$PYTHONPATH}"
fi
export PYTHONPATH="$repo${PYTHONPATH:+:$PYTHONPATH}"

if [ "$device" = cuda ]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>&1 | tee -a "$log" || true
fi
began=$(date +%s)
"$python" -m synth.reproduce hybrid-batch --bundle "$bundle" --device "$device" --out "$outdir" 2>&1 | tee -a "$log"
say "finished in $(( $(date +%s) - began )) s"
# The decompressed data is the bundle's again on the next run: do not ship it back.
rm -rf "$outdir/work/bundle-data"
