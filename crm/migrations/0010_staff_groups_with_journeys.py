"""Set the staff groups again, now that the journeys (runs, texts, switches) have
their permissions. Its only job is to call the idempotent function of 0002."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from crm.staff.groups import permissions_create, staff_groups_setup

    permissions_create(apps=apps)
    # Not strict: the table is today's code, and a later migration may add a permission it
    # names; the command and tests/crm/test_staff_groups.py insist every one exists.
    staff_groups_setup(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0009_journeyrun"),
        ("notifications", "0005_kindswitch_messagetext"),
    ]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
