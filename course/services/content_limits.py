"""How large each part of a module may be.

The studio's forms and the file imports (module files and GIFT) read these same numbers, so an
import can store nothing a form would refuse, and no upload can hold a worker's memory or the
database's write lock for long (bench/import_memory.py measures the largest file accepted).
The shipped curriculum uses a tenth of each or less.
"""

#: Characters: module, lesson and exercise titles.
TITLE = 200
#: Characters: a module's summary.
SUMMARY = 2_000
#: Characters: the article a shipped module was written from.
SOURCE = 200
#: Characters of Markdown in one lesson (the longest shipped lesson has about 2,000).
LESSON_TEXT = 20_000
#: Characters: a question's text.
PROMPT = 1_000
#: Characters: one choice, and the feedback shown when it is picked.
CHOICE_TEXT = 1_000
FEEDBACK = 1_000
#: Characters: the explanation shown after a question is answered.
EXPLANATION = 2_000
#: Characters of Markdown in an exercise's instructions.
INSTRUCTIONS = 5_000

#: Parts of one module.
LESSONS = 200
QUESTIONS = 500
CHOICES = 12
EXERCISES = 20

#: Characters in one imported file (module or GIFT); the request itself is capped by
#: MAX_CONTENT_LENGTH.
FILE_CHARS = 1_000_000
#: Nesting levels of a module file's YAML front matter (the format itself needs 5).
YAML_DEPTH = 10
#: YAML nodes (every mapping, list, key and value) in a module file's front matter: 500
#: questions of 12 choices with feedback need about 50,000.
YAML_NODES = 100_000


def too_long(text: str, limit: int) -> str | None:
    """A message when `text` has more than `limit` characters, else None."""
    if len(text) > limit:
        return f"has {len(text):,} characters; at most {limit:,} are allowed"
    return None
