"""How far a learner is through a module, in percent.

The one rule the dashboard, the module page, the report's Progress (%) column, its CSV and
workbook, and the API all read.

A module's steps are its lessons, its exercises and its quiz: one step each. Steps done count
only evidence that counts (from the version that last asked for retraining on). A completed
module is 100% (a completion stays 100 even when a later version adds steps); until then the
figure stops at 99%, so 100% always means completed.
"""


def percent(
    lessons_read: int,
    lesson_count: int,
    exercises_passed: int,
    exercise_count: int,
    quiz_passed: bool,
    completed: bool,
) -> int:
    """The learner's percent through a module, 0-100, rounded down.

    Example: 3 lessons read and 2 exercises passed, quiz not taken: 5 of 6 steps, 83.
    Evidence of steps a later version removed is capped, never counted twice.
    """
    if completed:
        return 100
    steps = lesson_count + exercise_count + 1
    done = (
        min(lessons_read, lesson_count)
        + min(exercises_passed, exercise_count)
        + (1 if quiz_passed else 0)
    )
    return min(99, 100 * done // steps)
