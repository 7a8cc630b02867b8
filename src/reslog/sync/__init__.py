"""The log under git (``reslog sync``), at the edge of the package.

:mod:`reslog.sync.merge` merges two versions of a day page (pure, no I/O);
:mod:`reslog.sync.driver` is the git merge driver that calls it;
:mod:`reslog.sync.repo` makes the log a repository, commits, pulls and pushes,
running git through :mod:`reslog.sync.gitrun` (its own session, signals held until
it ends) and undoing a rebase a crash left unfinished with :mod:`reslog.sync.recover`;
:mod:`reslog.sync.auto` is the background commit after a write and
:mod:`reslog.sync.trigger` the light hook that starts it. Nothing in the core
imports this package.
"""

__all__: list[str] = []
