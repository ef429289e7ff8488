"""Profile one cold build of the benchmark corpus with cProfile: where does the time go?

``python bench/profile_build.py --count 1000`` builds bench/out/1000/content (generating it if
needed) in-process under cProfile and prints the top functions of our package by cumulative
time, then the top functions overall by own time (library code included). ``--save FILE``
keeps the raw profile for ``python -m pstats FILE`` or snakeviz.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

import make_corpus

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = str(ROOT / "policybriefs")

Key = tuple[str, int, str]


def _label(key: Key) -> str:
    filename, line, name = key
    path = Path(filename)
    try:
        shown = path.relative_to(ROOT).as_posix()
    except ValueError:
        parts = path.parts
        shown = "/".join(parts[-2:]) if len(parts) > 1 else filename
    return f"{shown}:{line} {name}" if line else name


def table(stats: pstats.Stats, keys: list[Key], total: float) -> str:
    raw = stats.stats  # type: ignore[attr-defined]
    lines = [
        "| cumulative s | % of build | own s | calls | function |",
        "|---:|---:|---:|---:|---|",
    ]
    for key in keys:
        _, ncalls, tottime, cumtime, _ = raw[key]
        lines.append(
            f"| {cumtime:.2f} | {100 * cumtime / total:.0f} | {tottime:.2f} | {ncalls:,} | "
            f"`{_label(key)}` |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", "-n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--save", type=Path, help="write the raw profile here")
    parser.add_argument(
        "--build-args", default="--no-search", help="extra build.py arguments (default --no-search)"
    )
    args = parser.parse_args(argv)

    corpus = ROOT / "bench" / "out" / str(args.count)
    make_corpus.ensure_corpus(corpus, args.count, args.seed)
    sys.path.insert(0, str(ROOT))
    from policybriefs.cli import main as build_main

    out = Path(tempfile.mkdtemp(prefix="profile-site-"))
    site = out / "site"
    build_argv = ["--content", str(corpus / "content"), "--out", str(site), "-q"]
    build_argv += args.build_args.split()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    try:
        profiler.enable()
        rc = build_main(build_argv, project_dir=ROOT)
        profiler.disable()
    finally:
        shutil.rmtree(out, ignore_errors=True)
    total = time.perf_counter() - start
    if args.save:
        profiler.dump_stats(args.save)

    stats = pstats.Stats(profiler)
    raw = stats.stats  # type: ignore[attr-defined]
    ours = [k for k in raw if k[0].startswith(PACKAGE)]
    ours.sort(key=lambda k: raw[k][3], reverse=True)
    everything = sorted(raw, key=lambda k: raw[k][2], reverse=True)
    print(f"# Profile of one cold build, N={args.count} (build.py {' '.join(build_argv[4:])})\n")
    print(f"Wall time under cProfile: {total:.1f} s (exit {rc}).\n")
    print(f"## Our package, top {args.top} by cumulative time\n")
    print(table(stats, ours[: args.top], total))
    print(f"\n## Everything, top {args.top} by own time\n")
    print(table(stats, everything[: args.top], total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
