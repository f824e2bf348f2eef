"""Set the staff groups again for issue 32's permissions (the analytics dashboard, the risk
flags). Calls the idempotent function of 0002."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from crm.staff.groups import permissions_create, staff_groups_setup

    permissions_create(apps=apps)
    staff_groups_setup(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0034_risk_flags"),
    ]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
