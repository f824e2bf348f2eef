"""What the inbound-email, attachments and retention part of the desk adds at start-up: the
staff view of photos and its ticket panel (the retention task is in complaints.tasks)."""


def register_inbound_parts() -> None:
    from .admin import attachments as admin_attachments

    admin_attachments.register_attachments_panel()
