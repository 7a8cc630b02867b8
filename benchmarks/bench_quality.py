"""Answer quality on research logs: retrieval by day, abstention, citations.

    python benchmarks/bench_quality.py [--set notebook|notebook2|demo|field|all] [--types] [--misses]
                                       [--calibrate]

Four question sets, on three logs:

- ``notebook``: Carl Boettiger's lab notebook 2010-2015 (../shared/corpora),
  imported with ``reslog import markdown`` into ``benchmarks/data/cboettig``
  (cached; delete it after changing the importer), and
  ``benchmarks/eval/questions.json``; relative scopes are read against
  2026-11-26.
- ``notebook2``: a third set on the same imported notebook,
  ``benchmarks/eval/questions_notebook2.json`` (70 questions, written blind
  after the tuning of the first two, to check that what was tuned carries
  over: the held-out set is on this notebook too).
- ``demo``: a frozen 10-week log made by reslog's own generator
  (``benchmarks/eval/demo-log``, copied to ``benchmarks/data/demo-eval``) and
  ``benchmarks/eval/questions_demo.json``, written blind; relative scopes are
  read against 2026-11-23 (see eval/README.md).
- ``field``: a hand-written 8-week log of short entries in another field
  (computational ecology; ``benchmarks/eval/field-log``, copied to
  ``benchmarks/data/field-eval``) and ``benchmarks/eval/questions_field.json``,
  written blind on 2026-12-04 after everything above was tuned: what a log of
  10-second captures asks of ``ask``; relative scopes are read against 2026-10-26.

The logs are embedded in the foreground first (``reslog reindex``). For each
question the time scope is read from the question and applied as a filter,
exactly as ``reslog ask`` does, then entries are ranked by keyword (BM25),
semantic (vectors) and hybrid (fused) retrieval. Rankings are taken to days
(a day ranks where its best entry does). Reported per set, per type and
overall: day-level Recall@1, Recall@5 and MRR of the answerable questions;
for each mode, the share of unanswerable questions ``reslog ask`` abstains on
and of answerable ones it wrongly abstains on; and for hybrid, how often the
answer ``reslog ask`` writes cites a gold day.

Targets (hybrid): MRR >= 0.90 and Recall@1 >= 0.85 overall; Recall@5 >= 0.95
on paraphrases; Recall@1 >= 0.85 on time-scoped questions; abstains on >= 80%
of unanswerable questions, wrongly on <= 10% of answerable ones; citations
include a gold day >= 90% of the time.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import CORPUS, DATA, print_table, reslog_command  # noqa: E402

MODES = ("keyword", "semantic", "hybrid")


class QuestionSet:
    def __init__(self, name: str, log: Path, questions: Path, today: dt.date, source: Path) -> None:
        self.name = name
        self.log = log
        self.questions = questions
        self.today = today
        self.source = source

    def ensure_log(self) -> Path:
        if not (self.log / "days").is_dir():
            if self.name.startswith("notebook"):
                subprocess.run([*reslog_command(), "--dir", str(self.log), "import", "markdown",
                                str(self.source)], check=True, capture_output=True)
            else:
                shutil.copytree(self.source, self.log)
        subprocess.run([*reslog_command(), "--dir", str(self.log), "reindex"], check=True)
        return self.log


SETS = {
    "notebook": QuestionSet("notebook", DATA / "cboettig", HERE / "eval" / "questions.json",
                            dt.date(2026, 11, 26), CORPUS),
    "notebook2": QuestionSet("notebook2", DATA / "cboettig", HERE / "eval" / "questions_notebook2.json",
                             dt.date(2026, 11, 26), CORPUS),
    "demo": QuestionSet("demo", DATA / "demo-eval", HERE / "eval" / "questions_demo.json",
                        dt.date(2026, 11, 23), HERE / "eval" / "demo-log"),
    "field": QuestionSet("field", DATA / "field-eval", HERE / "eval" / "questions_field.json",
                         dt.date(2026, 10, 26), HERE / "eval" / "field-log"),
}


def evaluate(log: Path, questions: list[dict[str, object]], today: dt.date) -> list[dict[str, object]]:
    """Per question and mode: the day-level rank of the first gold day, and the abstention; for
    hybrid, whether the answer cites a gold day."""
    from reslog.ask import answer, retrieve
    from reslog.index import Index
    from reslog.semantic import backends
    from reslog.semantic.vectors import Vectors
    from reslog.store import Log

    index = Index(Log(log))
    index.refresh()
    backend = backends.load()
    vectors = Vectors.load(index, backend.name)
    rows = []
    for q in questions:
        gold = set(q["gold"])  # type: ignore[arg-type]
        for mode in MODES:
            found = retrieve(index, str(q["question"]), today, mode, backend, vectors)
            days = list(dict.fromkeys(hit.date for hit in found.hits))
            rank = next((n for n, day in enumerate(days, 1) if day in gold), None)
            cites = None
            if mode == "hybrid" and gold and not found.abstained:
                cites = any(quote.date in gold for quote in answer(found, backend).citations)
            rows.append({"id": q["id"], "type": q["type"], "mode": mode, "rank": rank, "gold": sorted(gold),
                         "abstained": found.abstained, "evidence": found.evidence, "top": days[:5],
                         "cosine": found.cosine, "covered": found.covered, "unknown": found.unknown,
                         "scope": found.scope.label if found.scope else None, "cites_gold": cites})
    return rows


def _summary(rows: list[dict[str, object]], by_type: bool) -> list[list[str]]:
    groups: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        kind = str(row["type"])
        if kind != "unanswerable":
            groups[("all answerable", str(row["mode"]))].append(row)
            if by_type:
                groups[(kind, str(row["mode"]))].append(row)
    table = []
    for (kind, mode), group in sorted(groups.items(), key=lambda g: (g[0][0] != "all answerable", g[0])):
        ranks = [r["rank"] for r in group]
        n = len(ranks)
        r1 = sum(1 for r in ranks if r == 1) / n
        r5 = sum(1 for r in ranks if r is not None and r <= 5) / n  # type: ignore[operator]
        mrr = sum(1 / r for r in ranks if r) / n  # type: ignore[operator]
        wrong = sum(1 for r in group if r["abstained"]) / n
        table.append([kind, mode, str(n), f"{r1:.2f}", f"{r5:.2f}", f"{mrr:.3f}", f"{wrong:.0%}"])
    return table


def calibrate(rows: list[dict[str, object]]) -> None:
    """For each mode, abstention against threshold: the share of unanswerable questions abstained
    on and of answerable ones wrongly abstained on (names the best entries lack always abstain)."""
    from reslog.ask import COVERED_ENOUGH

    for mode in MODES:
        measure = "covered" if mode == "keyword" else "cosine"
        mine = [r for r in rows if r["mode"] == mode]
        answerable = [r for r in mine if r["type"] != "unanswerable"]
        unanswerable = [r for r in mine if r["type"] == "unanswerable"]
        table = []
        best = None
        for step in range(20, 66):
            threshold = step / 100

            def abstains(row: dict[str, object], threshold: float = threshold, key: str = measure) -> bool:
                weak = float(row[key]) < threshold  # type: ignore[arg-type]
                if key == "cosine":  # as reslog.ask: weak meaning and no top entry with most words
                    weak = weak and float(row["covered"]) < COVERED_ENOUGH  # type: ignore[arg-type]
                return weak or bool(row["unknown"])

            good = sum(map(abstains, unanswerable)) / len(unanswerable)
            wrong = sum(map(abstains, answerable)) / len(answerable)
            table.append([f"{threshold:.2f}", f"{good:.0%}", f"{wrong:.0%}"])
            if wrong <= 0.10 and (best is None or good > best[1]):
                best = (threshold, good, wrong)
        also = " and covered < COVERED_ENOUGH" if measure == "cosine" else ""
        print(f"\n{mode}: abstain when {measure} < threshold{also}, or a name is missing")
        print_table(table[::2], ["threshold", "abstains on unanswerable", "wrongly on answerable"])
        if best:
            print(f"best with <= 10% wrong: {best[0]:.2f} ({best[1]:.0%} / {best[2]:.0%})")


def report(name: str, rows: list[dict[str, object]], args: argparse.Namespace, seconds: float) -> None:
    print(f"\n== {name}: {len({r['id'] for r in rows})} questions, {seconds:.1f} s for all three modes\n")
    print_table(_summary(rows, args.types), ["type", "mode", "n", "R@1", "R@5", "MRR", "wrongly abstains"])
    print()
    unanswerable = [r for r in rows if r["type"] == "unanswerable"]
    table = []
    for mode in MODES:
        mine = [r for r in unanswerable if r["mode"] == mode]
        table.append([mode, str(len(mine)), f"{sum(1 for r in mine if r['abstained']) / len(mine):.0%}"])
    print_table(table, ["mode", "unanswerable", "abstains"])
    answered = [r for r in rows if r["cites_gold"] is not None]
    if answered:
        share = sum(1 for r in answered if r["cites_gold"]) / len(answered)
        print(f"\nhybrid answers citing a gold day: {share:.0%} of {len(answered)} answered questions")
    if args.misses:
        print()
        for row in rows:
            if row["mode"] == "hybrid" and row["rank"] != 1 and row["type"] != "unanswerable":
                print(f"{row['id']:6} rank {row['rank']}  gold {row['gold']}  top {row['top']}  "
                      f"scope {row['scope']}  abstained {row['abstained']}")
            if row["mode"] == "hybrid" and row["type"] == "unanswerable" and not row["abstained"]:
                print(f"{row['id']:6} answered (evidence {row['evidence']:.3f}) top {row['top']}")
    if args.calibrate:
        calibrate(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=[*SETS, "all"], default="all", help="which question set")
    parser.add_argument("--types", action="store_true", help="one row per question type too")
    parser.add_argument("--misses", action="store_true", help="list hybrid misses at rank 1")
    parser.add_argument("--json", type=Path, help="write the per-question rows here")
    parser.add_argument("--calibrate", action="store_true", help="abstention against threshold, per mode")
    args = parser.parse_args()
    everything = {}
    for name in SETS if args.set == "all" else [args.set]:
        chosen = SETS[name]
        questions = json.loads(chosen.questions.read_text(encoding="utf-8"))
        log = chosen.ensure_log()
        started = time.perf_counter()
        rows = evaluate(log, questions, chosen.today)
        report(name, rows, args, time.perf_counter() - started)
        everything[name] = rows
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
