"""The PHI check on the labelled practice posts: how many leaks it flags, how many clean posts
it fails, and what a post costs.

Run by hand (tests never assert timings):

    .venv/bin/python bench/phi.py [--misses] [--repeat N]

It reads the labelled sets in tests/exercises/ (pairs of a leaking post and its clean twin),
prints recall and false failures per set and per kind, then times `find_phi` per post: the
first call (which loads the name lists) and the median and 99th percentile of warm calls, in
CPU time of the calling thread (time.thread_time_ns), so that other processes sharing the
machine's cores do not count.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course.exercises.findings import ERROR  # noqa: E402
from course.exercises.phi import find_phi  # noqa: E402

SETS = sorted((ROOT / "tests" / "exercises").glob("phi_posts*.yaml"))


def fails(text: str) -> bool:
    return any(f.severity == ERROR for f in find_phi(text, organisation_domain="example.org"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="print each miss and false alarm")
    parser.add_argument("--repeat", type=int, default=20, help="timed passes over all posts")
    args = parser.parse_args()

    started = time.thread_time_ns()
    find_phi("Mr Smith was admitted to bed 4", organisation_domain="example.org")
    first = (time.thread_time_ns() - started) / 1e9

    everything = []
    for path in SETS:
        pairs = yaml.safe_load(path.read_text(encoding="utf-8"))
        everything += [p["leak"] for p in pairs] + [p["clean"] for p in pairs]
        flagged, false_fail = Counter(), Counter()
        per_kind = Counter(p["kind"] for p in pairs)
        for pair in pairs:
            if fails(pair["leak"]):
                flagged[pair["kind"]] += 1
            elif args.misses:
                print(f"  MISS  [{pair['kind']}] {pair['leak']}")
            if fails(pair["clean"]):
                false_fail[pair["kind"]] += 1
                if args.misses:
                    hits = [
                        f"{f.kind}:{f.excerpt}"
                        for f in find_phi(pair["clean"], organisation_domain="example.org")
                        if f.severity == ERROR
                    ]
                    print(f"  FALSE [{pair['kind']}] {pair['clean']}  <- {hits}")
        n = len(pairs)
        print(
            f"{path.name}: {n} leaks, {n} clean posts; leaks flagged "
            f"{sum(flagged.values())}/{n} ({sum(flagged.values()) / n:.0%}); clean posts failed "
            f"{sum(false_fail.values())}/{n} ({sum(false_fail.values()) / n:.0%})"
        )
        for kind in sorted(per_kind):
            print(
                f"    {kind:<20} flagged {flagged[kind]}/{per_kind[kind]}, "
                f"clean failed {false_fail[kind]}/{per_kind[kind]}"
            )

    timings = []
    for _ in range(args.repeat):
        for text in everything:
            t0 = time.thread_time_ns()
            find_phi(text, organisation_domain="example.org")
            timings.append((time.thread_time_ns() - t0) / 1e9)
    timings.sort()
    long_post = " ".join(everything)[:3000]
    t0 = time.thread_time_ns()
    for _ in range(args.repeat):
        find_phi(long_post, organisation_domain="example.org")
    long_ms = (time.thread_time_ns() - t0) / 1e6 / args.repeat
    print(
        f"CPU time per post ({len(everything)} posts x {args.repeat}): median "
        f"{statistics.median(timings) * 1000:.3f} ms, p99 "
        f"{timings[int(len(timings) * 0.99)] * 1000:.3f} ms, max {timings[-1] * 1000:.3f} ms; "
        f"a 3,000-character post {long_ms:.2f} ms; first call (loads the name lists) "
        f"{first * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
