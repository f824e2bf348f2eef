"""Set the staff groups again for issue 31's permissions (segments, campaigns, the tracking
counts). Calls the idempotent function of 0002."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from crm.staff.groups import permissions_create, staff_groups_setup

    permissions_create(apps=apps)
    staff_groups_setup(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0029_campaigns"),
    ]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
