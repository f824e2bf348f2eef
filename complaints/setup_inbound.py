"""What the inbound-email, attachments and retention part of the desk adds at start-up: the
staff view of photos and its ticket panel, and the retention job's task."""


def register_inbound_parts() -> None:
    from . import admin_attachments
    from .retention import tasks  # noqa: F401  (the periodic task registers itself)

    admin_attachments.register_attachments_panel()
