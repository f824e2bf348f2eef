"""Set the staff groups again, now that the 360's permissions exist (the agent opens the 360
and acts from it). Its only job is to call the idempotent function of 0002."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from crm.staff.groups import permissions_create, staff_groups_setup

    permissions_create(apps=apps)
    staff_groups_setup(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("crm", "0005_customer360_actions")]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
