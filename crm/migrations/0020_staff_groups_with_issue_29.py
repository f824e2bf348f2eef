"""Set the staff groups again for issue 29's permissions (the delivery promise report, the web
push subscriptions list, the trusted customers of exchanges). Calls the idempotent function of
0002."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from crm.staff.groups import permissions_create, staff_groups_setup

    permissions_create(apps=apps)
    staff_groups_setup(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0019_staff_groups_with_the_complaint_desk"),
        ("orders", "0019_exchanges"),
        ("notifications", "0007_push_channel"),
    ]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
