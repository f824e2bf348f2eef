class FeedbackRefused(Exception):
    """An answer the survey cannot take (its message says why); nothing was saved."""
