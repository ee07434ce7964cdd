"""Business rules. Plain inputs, plain outputs, no request objects.

Who commits: services flush, never commit. The view or CLI command that owns the request
decides when its unit of work is done and commits once, so two services called in one request
(an answer recorded and the progress it completes, an account created and its due dates)
land together or not at all. A service that refuses raises a `refusal.RefusalError` (naming the
form field at fault) before it changes anything; the view's step `course.saving.save` runs
the service, commits, or rolls back and shows the refusal next to that field. A CLI command
commits after the service returns and turns a refusal into a ClickException.

Time comes from `clock`; whose learners a person may see from `scope`; an import points down
(views -> services -> models), never inside a function (tests/services/test_imports.py).
"""
