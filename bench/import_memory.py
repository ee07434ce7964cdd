"""Peak memory and time of the largest imports accepted, and of files past the limits.

Each case runs in a fresh Python process against a scratch database (SQLite by default,
`--database-url` for PostgreSQL: it empties that database): parse (outside any transaction),
then write (the transaction that holds SQLite's write lock), as the studio's import pages do.
Prints the process's peak RSS, its RSS before the import (the app alone), and both times.

    .venv/bin/python bench/import_memory.py [--database-url URL]
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course.services import content_limits as limits  # noqa: E402


def largest_module() -> str:
    """The most questions, each with the most choices, each choice with feedback (the most
    YAML values a file may hold), just under the size limit."""
    choices = "".join(
        f"      - text: Choice {n} {'c' * 50}\n        feedback: Because {'f' * 35}\n"
        + ("        correct: true\n" if n == 0 else "")
        for n in range(limits.CHOICES)
    )
    questions = "".join(
        f"  - key: q{n}\n    prompt: Question {n} {'p' * 60}?\n    explanation: E\n"
        f"    choices:\n{choices}"
        for n in range(limits.QUESTIONS)
    )
    lessons = "".join(
        f"# Lesson {n}\n\n{'Some words of the lesson. ' * 10}\n" for n in range(limits.LESSONS)
    )
    return f"---\nslug: largest\ntitle: Largest\nquestions:\n{questions}---\n{lessons}"


def gift(count: int) -> str:
    question = "::Flu:: Is the flu vaccine offered to staff every autumn? {T#No, it is.#Yes.}"
    return "\n\n".join([question] * count) + "\n"


def alias_bomb(levels: int) -> str:
    lines = ["---", "slug: bomb", "title: Bomb", 'l0: &l0 "laugh "']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * 10)}]")
    return "\n".join([*lines, f"summary: *l{levels}", "---", "# L", "", "Text."]) + "\n"


CASES = {
    "module file, largest accepted": ("module", largest_module),
    "GIFT file, largest accepted (500 questions)": ("gift", lambda: gift(limits.QUESTIONS)),
    "GIFT file, 10,000 questions (refused)": ("gift", lambda: gift(10_000)),
    "module file, alias chain of 8 levels (refused)": ("module", lambda: alias_bomb(8)),
}

CHILD = """
import json, resource, sys, time
from course import create_app
from course.extensions import db
from course.models import Role
from course.services import accounts, authoring, content_io
from course.services.content_io import ContentError

kind, path, url = sys.argv[1:4]
text = open(path, encoding="utf-8").read()
app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x",
                  "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
with app.app_context():
    db.drop_all()
    db.create_all()
    trainer = accounts.create_user("t@example.org", "T", "bench-password", {Role.TRAINER})
    db.session.commit()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome, write = "stored", 0.0
    start = time.perf_counter()
    try:
        if kind == "module":
            spec = content_io.parse_module(text, "bench.md")
        else:
            questions, skipped = authoring.read_gift(text, "bench.txt")
        parse = time.perf_counter() - start
        start = time.perf_counter()
        if kind == "module":
            authoring.import_module(trainer.id, spec, "bench.md")
        else:
            module = authoring.create_module(trainer.id, "bench", "Bench")
            authoring.add_gift_questions(module, trainer.id, questions, "bench.txt", skipped)
        write = time.perf_counter() - start
    except ContentError as error:
        parse = time.perf_counter() - start
        outcome = "refused: " + error.problems[0][1][:60]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    db.session.remove()
    db.drop_all()
    print(json.dumps({"before": before, "peak": peak, "parse": parse, "write": write,
                      "outcome": outcome}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a scratch SQLite file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{scratch}/bench.sqlite3"
        print(f"{'case':50} {'bytes':>9} {'RSS before':>10} {'peak RSS':>9} "
              f"{'parse':>7} {'write':>7}  outcome")  # fmt: skip
        for name, (kind, make) in CASES.items():
            path = Path(scratch) / "upload.txt"
            text = make()
            path.write_text(text, encoding="utf-8")
            result = subprocess.run(
                [sys.executable, "-c", CHILD, kind, str(path), url],
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            row = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"{name:50} {len(text.encode()):>9,} {row['before'] / 1024:>8.0f} MB "
                f"{row['peak'] / 1024:>6.0f} MB {row['parse']:>6.2f}s {row['write']:>6.2f}s  "
                f"{row['outcome']}"
            )


if __name__ == "__main__":
    main()
