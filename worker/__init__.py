"""The background worker: Celery app, tasks and the pipeline stages they run."""

import os

# One BLAS thread per process. A worker runs one process per core already; OpenBLAS's own
# threads then only compete with them and spin while waiting: the skill matcher's small matrix
# products cost ~8x more CPU with them (bench/pipeline/README.md). Set before numpy loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
# The matcher is loaded before the pool forks (``worker.celery_app``); the tokenizer's own
# thread pool would not survive the fork anyway, and says so on every child otherwise.
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
