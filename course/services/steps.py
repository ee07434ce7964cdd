"""How far a learner is through a module, in percent: the one rule the dashboard's progress bar
and the report's Progress (%) column both read.

A module's steps are its lessons, its exercises and its quiz. Lessons read count as steps done;
the quiz and the exercises count once the module is completed, which is then 100%. Until then the
figure stops at 99%, so 100% always means completed.
"""


def percent(completed: bool, lessons_read: int, lesson_count: int, exercise_count: int) -> int:
    """The learner's percent through a module (see the module's docstring)."""
    if completed:
        return 100
    steps = lesson_count + exercise_count + 1
    return min(99, (100 * min(lessons_read, lesson_count)) // steps)
