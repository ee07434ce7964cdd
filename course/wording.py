"""Words that follow numbers: "1 lesson", "2 lessons", never "lesson(s)"."""


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """`number` with the noun that agrees with it: counted(1, "assignment") -> "1 assignment",
    counted(2, "assignment") -> "2 assignments", counted(3, "person", "people")."""
    noun = singular if number == 1 else (plural or singular + "s")
    return f"{number:,} {noun}"
