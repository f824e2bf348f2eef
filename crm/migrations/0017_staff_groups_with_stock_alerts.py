"""Set the staff groups again, now that the back-in-stock requests have their permissions (the
shop manager sees and cancels them, Marketing sees them). Calls the idempotent function of 0002."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from crm.staff.groups import permissions_create, staff_groups_setup

    permissions_create(apps=apps)
    staff_groups_setup(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [("crm", "0016_journeys_name")]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
