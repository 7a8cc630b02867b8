"""Reading the log for the web app: the index, search, ask and the semantic layer, in one place.

The CLI runs one command per process: open the index, refresh it, embed what
is new, answer, exit (see ``reslog.cli.actions.search`` and
``reslog.cli.ask_cmds``). A server answers many requests, from several
threads, and a search must never wait for embedding. So this module keeps:

* one :class:`~reslog.index.Index` connection per thread, refreshed from the
  files before a read (the index re-reads only pages whose size or mtime
  changed). Looking at every page's size and mtime costs ~14 ms on a 10-year
  log, so a read within :data:`FRESH_FOR` seconds of the last refresh skips it,
  unless the server itself wrote since (:meth:`Reader.touch`): what the server
  writes is searchable at once, what the CLI or an editor writes within a
  fraction of a second;
* the semantic layer (:func:`reslog.semantic.setup.prepare`: settings,
  backend, vectors) in a background thread, started a second after launch and
  woken when the index changes (at most every :data:`REFRESH_EVERY` seconds),
  and every :data:`REFRESH_EVERY` seconds while the log's background
  embedding process (which ``prepare`` starts) is still at work; the backend
  is stateless, so request threads embed queries side by side. Readers use
  the latest vectors it has loaded and search by keyword until the first load
  is done. An entry captured a moment ago is found by its words at once and by
  its meaning as soon as it is embedded (a few new passages are embedded by
  ``prepare`` itself).

This is the glue to adapt when the core's semantic layer changes; the routes
only call :meth:`Reader.search`, :meth:`Reader.ask`, :meth:`Reader.status`,
:meth:`Reader.vectors`, :meth:`Reader.index` and :meth:`Reader.touch`.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reslog.ask import Answer, Retrieved, answer, retrieve, wordless
from reslog.errors import InputError, ReslogError
from reslog.index import Index
from reslog.search import Filters, Hit, check_length, listing, scoped, typed_query
from reslog.search import search as keyword_search
from reslog.semantic.setup import Semantic
from reslog.settings import Settings
from reslog.settings import load as load_settings
from reslog.store import Log
from reslog.timescope import Scope

TYPE_CHECKING = False
if TYPE_CHECKING:
    from reslog.semantic.vectors import Vectors  # imports numpy: not at the server's start

__all__ = ["FRESH_FOR", "Found", "Reader"]

#: Seconds a refresh of the index is trusted for reads that follow it (see the module's docstring).
FRESH_FOR = 0.5
#: Seconds between two loads of the vectors by the background thread.
REFRESH_EVERY = 2.0
#: Seconds after start before the background thread loads the model and vectors.
START_AFTER = 1.0


class Found:
    """A search's results with what the page shows around them."""

    def __init__(self, hits: list[Hit], words: tuple[str, ...], scope: Scope | None, mode: str,
                 note: str | None) -> None:
        self.hits = hits
        self.words = words
        self.scope = scope
        self.mode = mode
        self.note = note


class _Worker(threading.Thread):
    """Keeps :attr:`semantic` up to date with the index, off the request path."""

    def __init__(self, log: Log) -> None:
        super().__init__(name="reslog-semantic", daemon=True)
        self.log = log
        self.semantic: Semantic | None = None
        self.error: str | None = None
        self.generation: str | None = None
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._wake.set()

    def poke(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()

    def run(self) -> None:
        from reslog.semantic.setup import prepare

        # Let the server answer its first requests before the model and vectors load: loading
        # holds the interpreter for a while, and searches are answered by keyword until then.
        self._stop.wait(START_AFTER)
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.is_set():
                return
            try:
                with Index(self.log) as index:
                    index.refresh()
                    generation = index.generation()
                    if (self.semantic is not None and generation == self.generation
                            and self.semantic.complete):
                        continue
                    self.semantic = prepare(index)
                    self.generation = generation
                    self.error = None
            except ReslogError as exc:
                self.error = exc.message
            except Exception as exc:  # keep serving by keyword; the status says why
                self.error = f"{exc.__class__.__name__}: {exc}"
            # While captures pour in, load fresh vectors at most every REFRESH_EVERY seconds:
            # each load reads every vector of the log (see reslog.semantic.vectors). While the
            # background embedding process works through the log, look again as often.
            self._stop.wait(REFRESH_EVERY)
            if self.semantic is not None and not self.semantic.complete:
                self._wake.set()


class Reader:
    """The read side of one log for a server: per-thread index connections and the semantic worker."""

    def __init__(self, log: Log, semantic: bool = True) -> None:
        self.log = log
        self._local = threading.local()
        self._fresh_at = -FRESH_FOR
        self._written = 0  # bumped by touch(); a refresh records the count it has seen
        self._seen = -1
        self.worker: _Worker | None = _Worker(log) if semantic else None
        if self.worker is not None:
            self.worker.start()

    def close(self) -> None:
        if self.worker is not None:
            self.worker.stop()

    def touch(self) -> None:
        """Say that the server has just written a page: the next read refreshes the index."""
        self._written += 1

    @contextmanager
    def index(self) -> Iterator[Index]:
        """This thread's index connection, up to date with the files (see the module's docstring)."""
        index: Index | None = getattr(self._local, "index", None)
        if index is None:
            index = Index(self.log)
            self._local.index = index
        now = time.monotonic()
        written = self._written
        if written != self._seen or now - self._fresh_at > FRESH_FOR:
            index.refresh()
            self._fresh_at, self._seen = now, written
            if self.worker is not None and index.generation() != self.worker.generation:
                self.worker.poke()
        yield index

    def settings(self) -> Settings:
        semantic = self.worker.semantic if self.worker is not None else None
        return semantic.settings if semantic is not None else load_settings(self.log)

    def _semantic(self) -> Semantic | None:
        """The semantic layer when its model is loaded: with all the log's vectors, part of them
        while the background process embeds the rest, or none yet (then hybrid search ranks by
        any of the query's words, as the CLI does)."""
        found = self.worker.semantic if self.worker is not None else None
        return found if found is not None and found.backend is not None else None

    def vectors(self) -> Vectors | None:
        """The vectors loaded so far (for the week's themes by meaning), or None."""
        semantic = self._semantic()
        return semantic.vectors if semantic is not None else None

    def status(self) -> dict[str, Any]:
        """How searches are answered now: ``ready`` (by meaning too), ``warming``, or ``off``."""
        if self.worker is None:
            return {"semantic": "off", "note": "semantic search is off for this server"}
        found = self.worker.semantic
        if found is None:
            return {"semantic": "warming", "note": self.worker.error or "embedding new entries; "
                    "searching by keyword until then"}
        if found.backend is not None:  # the note says how much of the log is embedded, if not all
            return {"semantic": "ready", "note": found.notice, "entries": len(found.vectors or ())}
        return {"semantic": "off", "note": found.hint or self.worker.error}

    def search(self, text: str, filters: Filters, today: dt.date, limit: int = 20,
               mode: str | None = None) -> Found:
        """What ``reslog search`` finds for the same words and filters (time scopes included)."""
        scope, rest, filters = scoped(text, today, filters)
        query = typed_query(rest)
        with self.index() as index:
            if query.match is None:
                hits = listing(index, filters, limit, exclude=query.exclude)
                return Found(list(reversed(hits)), (), scope, "listing", None)
            chosen = mode or self.settings().search_mode
            semantic = self._semantic()
            note = None if semantic is None else semantic.notice
            if chosen == "semantic" and (semantic is None or not semantic.on):
                raise InputError("semantic search needs embeddings, which are not ready or off for "
                                 "this log; use the keyword mode")
            if chosen != "keyword" and semantic is not None:
                from reslog.semantic import hybrid

                hits = hybrid.search(index, rest, filters, limit, chosen, semantic.backend, semantic.vectors)
            else:
                hits = keyword_search(index, rest, filters, limit)
                if chosen != "keyword":
                    note = self.status()["note"]
                chosen = "keyword"
        return Found(hits, query.words, scope, chosen, note)

    def ask(
        self, question: str, today: dt.date, mode: str | None = None
    ) -> tuple[Retrieved, Answer, str | None]:
        """What ``reslog ask`` answers: the evidence, the answer (cited or abstaining), a notice."""
        text = question.strip()
        if (problem := wordless(text)) is not None:
            raise InputError(f"the question {problem}; ask something, e.g. when did I first try X?")
        check_length(text, "question")  # before the vectors load, not after
        semantic = self._semantic()
        settings = self.settings()
        chosen = mode or settings.search_mode
        backend = semantic.backend if semantic is not None else None
        vectors = semantic.vectors if semantic is not None else None
        with self.index() as index:
            found = retrieve(index, text, today, chosen, backend, vectors)
            result = answer(found, backend, _generator(settings.ask_model))
        return found, result, result.notice


def _generator(model: str | None) -> Any:
    """The log's generative model (``ask.model``) if one is set; never required."""
    if not model:
        return None
    from reslog.generate import llm_generator

    return llm_generator(model)
