"""The git merge driver for day pages: ``python -m reslog.sync.driver %O %A %B %P``.

``reslog sync`` registers it in the repository's ``.git/config`` (the command
names the Python that runs reslog) and maps ``days/**/*.md`` to it in
``.gitattributes``. Git calls it with the base, ours and theirs versions in
temporary files; it writes the merge of :func:`reslog.sync.merge.merge` over
ours and exits 0, or 1 when conflicts are left in the file (git then stops,
and so does ``reslog sync``, saying where). A page that is not UTF-8 is not
merged line by line: both versions are kept whole, between conflict markers.
"""

from __future__ import annotations

import os
import sys

from reslog.sync.merge import OURS_LABEL, THEIRS_LABEL, merge


def _labels() -> tuple[str, str]:
    """Who "ours" and "theirs" are. ``git pull --rebase`` (what reslog sync runs) replays this
    machine's commits onto the other's: ours is then the other machine's version."""
    git_dir = os.environ.get("GIT_DIR", ".git")
    if any(os.path.isdir(os.path.join(git_dir, name)) for name in ("rebase-merge", "rebase-apply")):
        return THEIRS_LABEL, OURS_LABEL
    return OURS_LABEL, THEIRS_LABEL


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print("usage: python -m reslog.sync.driver BASE OURS THEIRS [PATH]", file=sys.stderr)
        return 2
    base_file, ours_file, theirs_file = argv[:3]
    name = argv[3] if len(argv) > 3 else ours_file
    data = []
    for file in (base_file, ours_file, theirs_file):
        with open(file, "rb") as handle:
            data.append(handle.read())
    labels = _labels()
    try:
        base, ours, theirs = (part.decode("utf-8") for part in data)
    except UnicodeDecodeError:
        newline = b"\n"
        merged_bytes = b"".join([b"<<<<<<< ", labels[0].encode(), newline, data[1].rstrip(b"\n"), newline,
                                 b"=======", newline, data[2].rstrip(b"\n"), newline,
                                 b">>>>>>> ", labels[1].encode(), newline])
        with open(ours_file, "wb") as handle:
            handle.write(merged_bytes)
        print(f"reslog: {name} is not UTF-8; both versions are kept in it", file=sys.stderr)
        return 1
    merged = merge(base, ours, theirs, labels)
    with open(ours_file, "wb") as handle:
        handle.write(merged.text.encode("utf-8"))
    if merged.conflicts:
        print(f"reslog: {name}: {merged.conflicts} place(s) changed on both machines; both versions are "
              "kept between <<<<<<< and >>>>>>> lines", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
