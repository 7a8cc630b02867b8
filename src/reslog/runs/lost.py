"""Runs whose reslog died before it could write their end: marked ``lost``, never running forever.

While a run is recorded, ``.reslog/running/`` holds a marker file for it (its
name is the run folder's day and name; its text, the run folder). A reslog
that ends normally completes the run's entry and removes the marker. One that
is killed with SIGKILL, or dies with the machine, leaves the marker behind,
and the entry and meta.json saying ``running``.

Every reslog command but the captures calls :func:`reconcile` first: one
listing of a folder that is usually empty or missing, so it costs nothing.
For each marker whose reslog no longer lives (:func:`reslog.runs.meta.alive`:
same host, same boot, a process with that pid and start time), it
:func:`settle` s the run: the output files are assembled as the run would have
assembled them, meta.json gets ``"status": "lost"`` and the entry
``[status:: lost]`` (or, if the run had ended and only the entry was left to
write, the fields meta.json holds), and the marker is removed. A marker is
derived data like the rest of ``.reslog/``: ``reslog runs`` also settles any
entry still marked running whose reslog is gone, markers or not.

Only the machine that started a run settles it: an entry pulled by ``reslog
sync`` from a machine still recording it comes without meta.json and marker
(``runs/`` and ``.reslog/`` stay on each machine), or with a meta.json naming
another host, and is left as it is (:func:`settle_if_gone`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os

from reslog.store import DATA_DIR, Log, path_text

RUNNING = "running"


def _marker(log: Log, folder: str) -> str:
    day, name = folder.rstrip("/").split("/")[-2:]
    return path_text(log.folder, DATA_DIR, RUNNING, f"{day}-{name}")


def mark(log: Log, folder: str) -> None:
    """Note that the run of ``folder`` (relative to the log) is being recorded."""
    marker = _marker(log, folder)
    os.makedirs(os.path.dirname(marker), exist_ok=True)
    with open(marker, "w", encoding="utf-8") as file:
        file.write(folder + "\n")


def unmark(log: Log, folder: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(_marker(log, folder))


def run_day(folder: str) -> dt.date:
    """The day a run started, from its folder (``runs/2026/2026-11-26/091205-train``)."""
    return dt.date.fromisoformat(folder.rstrip("/").split("/")[-2])


def settle(log: Log, folder: str, meta: dict[str, object] | None, today: dt.date) -> bool:
    """Write the end of a run whose reslog is gone; True if its entry changed."""
    from reslog.errors import PageError
    from reslog.model import Page
    from reslog.runs import entry
    from reslog.runs import meta as metafile
    from reslog.runs.capped import assemble

    where = path_text(log.folder, folder)
    cap = meta.get("output_cap") if meta else None
    if isinstance(cap, int):
        for name in ("stdout.log", "stderr.log"):
            assemble(path_text(where, name), cap)
    if meta is not None and meta.get("status") == "running":
        meta = {**meta, "status": "lost", "fields": {"status": "lost"}}
        metafile.write(where, meta)
    raw = meta.get("fields") if meta else None
    fields = [(str(k), str(v)) for k, v in raw.items()] if isinstance(raw, dict) else [("status", "lost")]
    changed: list[bool] = []

    def edit(page: Page) -> Page:
        found = entry.find(page, folder)
        if found is None or found.field("status") != "running":
            return page
        changed.append(True)
        return entry.set_fields(page, found, fields)

    # No page, or one that cannot be read: meta.json says what became of the run.
    with contextlib.suppress(PageError):
        log.update_day(run_day(folder), today, edit, create=False)
    return bool(changed)


def settle_if_gone(log: Log, folder: str, today: dt.date) -> bool | None:
    """Settle the run of ``folder`` and remove its marker if its reslog is gone; None while that
    reslog lives, or when this machine cannot tell (see below), else whether the entry changed.

    Only the machine that started a run may settle it. ``reslog sync`` carries the day pages
    between machines but not ``runs/`` (unless ``sync.runs``) nor ``.reslog/``, so a machine that
    pulled the entry of a run another machine is recording has neither its meta.json nor its
    marker: that run is left alone. meta.json naming another host says the same; with meta.json
    gone but the marker here, the run was started here and its reslog is gone with it."""
    from reslog.runs import meta as metafile

    meta = metafile.read(path_text(log.folder, folder))
    if meta is None:
        try:
            marked = os.path.isfile(_marker(log, folder))
        except ValueError:  # a hand-written ``run`` field that names no run folder
            marked = False
        if not marked:
            return None
    elif metafile.alive(meta) is not False:
        return None
    changed = settle(log, folder, meta, today)
    unmark(log, folder)
    return changed


def reconcile(log: Log, today: dt.date | None = None) -> list[str]:
    """Settle the runs whose marker outlived their reslog; the run folders settled."""
    markers = path_text(log.folder, DATA_DIR, RUNNING)
    try:
        names = os.listdir(markers)
    except (FileNotFoundError, NotADirectoryError):
        return []
    settled = []
    for name in sorted(names):
        try:
            with open(path_text(markers, name), encoding="utf-8") as file:
                folder = file.read().strip()
            run_day(folder)
        except (OSError, UnicodeDecodeError, ValueError):
            continue
        if settle_if_gone(log, folder, today or dt.date.today()) is not None:
            settled.append(folder)
    return settled


__all__ = ["RUNNING", "mark", "reconcile", "run_day", "settle", "settle_if_gone", "unmark"]
