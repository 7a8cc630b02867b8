"""Meaning search: the bundled sentence model, passages' vectors, and their fusion with keywords."""

from __future__ import annotations

import os


def one_blas_thread() -> None:
    """One BLAS thread for numpy, in a process that embeds queries and a few sentences (the CLI,
    the web server): a few small matrix products, where a pool of BLAS threads spins against
    whatever else runs for the two cores. On a busy 2-core machine (load 3.5) `reslog search` took
    1.27 s with OpenBLAS's threads and 0.38 s with one, `ask`'s quoting 5.4-7.2 s and 1.4-2.2 s;
    the web server's query 143 ms and 21 ms. A whole log is embedded by ONNX Runtime, which keeps
    its own threads. Takes effect only before numpy is first imported; a value the user set is
    kept."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
