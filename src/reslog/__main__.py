"""``python -m reslog``: the same as the ``reslog`` command."""

from reslog.cli.entry import run

if __name__ == "__main__":
    run()
