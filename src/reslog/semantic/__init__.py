"""Meaning search: the bundled sentence model, passages' vectors, and their fusion with keywords."""

from __future__ import annotations

import os

_BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> None:
    """One BLAS thread for numpy, in a process that embeds queries and a few sentences while other
    work runs beside it (the web server's request threads): a few small matrix products, where a
    pool of BLAS threads spins against the rest for the cores (a query embedded in 143 ms with
    OpenBLAS's threads on a busy 2-core machine, 21 ms with one). A whole log is embedded by ONNX
    Runtime, which keeps its own threads. Takes effect only before numpy is first imported; a
    value the user set is kept."""
    for name in _BLAS_THREADS:
        os.environ.setdefault(name, "1")


def blas_threads_by_load() -> None:
    """:func:`one_blas_thread` when the machine is busy (a load average of one a core or more: the
    background embedding, a build), else numpy's own choice, a thread a core. On a 2-core machine
    under load 3.5, `reslog search` took 1.27 s with OpenBLAS's threads and 0.38 s with one, and
    `ask` 93 s and 5.7 s at load 5.5; at rest the threads make `ask` 1.37x faster
    (benchmarks/README.md)."""
    try:
        busy = os.getloadavg()[0] >= (os.cpu_count() or 1)
    except OSError:  # no load average on this system
        busy = False
    if busy:
        one_blas_thread()
