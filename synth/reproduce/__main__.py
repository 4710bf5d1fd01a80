"""`python -m synth.reproduce hybrid-batch ...` = `synth reproduce hybrid-batch ...`.

A module entry point so torchrun can launch it: ``torchrun --nproc_per_node 4
-m synth.reproduce hybrid-batch --config reproductions/hybrid_batch/gpu.yaml --device cuda``.
"""

import sys

from synth.cli import main

if __name__ == "__main__":
    sys.argv[1:1] = ["reproduce"]
    main()
