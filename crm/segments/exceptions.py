"""Domain errors of segments."""


class SegmentInUse(Exception):
    """The segment cannot be deleted: something (a campaign) still names it."""
