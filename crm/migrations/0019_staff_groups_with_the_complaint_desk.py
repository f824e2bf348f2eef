"""Set the staff groups again, now that the complaint desk's tables and screens have their
permissions (tickets, procedures, quality review, SLA policies, resolution actions, mentions,
crisis alerts and plans, the report; canned responses in crm). Calls the idempotent function
of 0002."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from crm.staff.groups import permissions_create, staff_groups_setup

    permissions_create(apps=apps)
    staff_groups_setup(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0018_desk_outsourced_canned"),
        ("complaints", "0011_crisis_plans"),
    ]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
