"""Run every benchmark (or those named): ``python -m bench [name ...]``.

Each ``bench_<name>.py`` has a ``main(argv)`` and prints its figures; docs/performance.md
records them with the command that produced each.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench


def main(argv: list[str]) -> None:
    names = [m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")]
    chosen = [n for n in names if not argv or n.removeprefix("bench_") in argv]
    for name in chosen:
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").main([])


if __name__ == "__main__":
    main(sys.argv[1:])
