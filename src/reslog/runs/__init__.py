"""The experiment ledger: ``reslog run`` and the commands that read its runs back.

A subpackage at the edge: it uses the core (the files layer for the entry, the
index for listing) and nothing in the core imports it.

- :mod:`reslog.runs.recorder`: one run from start to end (the entry, the run folder, meta.json).
- :mod:`reslog.runs.process`: the child process, the terminal, signals, the tee.
- :mod:`reslog.runs.capped`: output files that keep the head and the tail under a cap.
- :mod:`reslog.runs.gitstate`: commit, branch, dirty flag, diff and untracked files.
- :mod:`reslog.runs.metrics`: metrics and W&B/MLflow runs read from the last lines of output.
- :mod:`reslog.runs.meta`: meta.json, the machine's facts, and whether a run's reslog still lives.
- :mod:`reslog.runs.entry`: the ``exp:`` entry of a run: its first line, fields, nested lines.
- :mod:`reslog.runs.lost`: runs whose reslog died (SIGKILL, reboot) marked ``lost``.
- :mod:`reslog.runs.ledger`: listing, numbering, rerunning runs, adding an outcome.
"""
