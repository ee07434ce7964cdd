"""RefusalError: a change the rules refuse, raised before the service changes anything."""


class RefusalError(ValueError):
    """A change the rules refuse; the message says why, in words for the person who asked.

    `field` names the form input at fault ("email", "quiz_size", ...) so the view shows the
    message next to it; None when no single input is (the message goes at the top of the page).
    Every service's refusal (AccountError, AssignmentError, AuthoringError) is one of these, so
    one step in the views (`course.saving.save`) handles them all.
    """

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
