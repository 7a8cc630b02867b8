"""Answer quality on a real research log: retrieval by day, and abstention.

    python benchmarks/bench_quality.py [--types] [--misses]

The log is Carl Boettiger's lab notebook 2010-2015 (../shared/corpora),
imported with ``reslog import markdown`` into ``benchmarks/data/cboettig``
(cached; the first run also embeds it, which takes minutes). The questions
are ``benchmarks/eval/questions.json`` (see its README): each has a type and
its gold day(s); unanswerable ones have none.

For each question the time scope is read from the question and applied as a
filter, exactly as ``reslog ask`` does, then entries are ranked by keyword
(BM25), semantic (vectors) and hybrid (fused) retrieval. Rankings are taken
to days (a day ranks where its best entry does). Reported per type and
overall: day-level Recall@1, Recall@5 and MRR of the answerable questions;
and for each mode, the share of unanswerable questions ``reslog ask``
abstains on and the share of answerable ones it wrongly abstains on.

Targets (hybrid): MRR >= 0.90 and Recall@1 >= 0.85 overall; Recall@5 >= 0.95
on paraphrases; Recall@1 >= 0.85 on time-scoped questions; abstains on >= 80%
of unanswerable questions, wrongly on <= 10% of answerable ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from common import DATA, print_table, reslog_command  # noqa: E402

CORPUS = HERE.parent.parent / "shared" / "corpora" / "cboettig-labnotebook"
LOG = DATA / "cboettig"
QUESTIONS = HERE / "eval" / "questions.json"
#: The questions' relative scopes (none, so far) are read against this day.
TODAY = dt.date(2026, 11, 26)
MODES = ("keyword", "semantic", "hybrid")


def ensure_log() -> Path:
    if not (LOG / "days").is_dir():
        subprocess.run([*reslog_command(), "--dir", str(LOG), "import", "markdown", str(CORPUS)],
                       check=True, capture_output=True)
    subprocess.run([*reslog_command(), "--dir", str(LOG), "reindex"], check=True)
    return LOG


def evaluate(log: Path, questions: list[dict[str, object]]) -> list[dict[str, object]]:
    """Per question and mode: the day-level rank of the first gold day, and the abstention."""
    from reslog.ask import retrieve
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
            found = retrieve(index, str(q["question"]), TODAY, mode, backend, vectors)
            days = list(dict.fromkeys(hit.date for hit in found.hits))
            rank = next((n for n, day in enumerate(days, 1) if day in gold), None)
            rows.append({"id": q["id"], "type": q["type"], "mode": mode, "rank": rank, "gold": sorted(gold),
                         "abstained": found.abstained, "evidence": found.evidence, "top": days[:5],
                         "cosine": found.cosine, "covered": found.covered, "unknown": found.unknown,
                         "scope": found.scope.label if found.scope else None})
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--types", action="store_true", help="one row per question type too")
    parser.add_argument("--misses", action="store_true", help="list hybrid misses at rank 1")
    parser.add_argument("--json", type=Path, help="write the per-question rows here")
    parser.add_argument("--calibrate", action="store_true", help="abstention against threshold, per mode")
    args = parser.parse_args()
    questions = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    log = ensure_log()
    started = time.perf_counter()
    rows = evaluate(log, questions)
    seconds = time.perf_counter() - started
    print(f"{len(questions)} questions on {log.name}, {seconds:.1f} s for all three modes\n")
    print_table(_summary(rows, args.types), ["type", "mode", "n", "R@1", "R@5", "MRR", "wrongly abstains"])
    print()
    unanswerable = [r for r in rows if r["type"] == "unanswerable"]
    table = []
    for mode in MODES:
        mine = [r for r in unanswerable if r["mode"] == mode]
        table.append([mode, str(len(mine)), f"{sum(1 for r in mine if r['abstained']) / len(mine):.0%}"])
    print_table(table, ["mode", "unanswerable", "abstains"])
    if args.misses:
        print()
        for row in rows:
            if row["mode"] == "hybrid" and row["rank"] != 1 and row["type"] != "unanswerable":
                print(f"{row['id']:6} rank {row['rank']}  gold {row['gold']}  top {row['top']}  "
                      f"scope {row['scope']}")
            if row["mode"] == "hybrid" and row["type"] == "unanswerable" and not row["abstained"]:
                print(f"{row['id']:6} answered (evidence {row['evidence']:.3f}) top {row['top']}")
    if args.calibrate:
        calibrate(rows)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
