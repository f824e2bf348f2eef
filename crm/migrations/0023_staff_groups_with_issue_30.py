"""Set the staff groups again for issue 30's permissions (the help centre's articles, product
questions' moderation, the chat console and taking any team's chat). Calls the idempotent
function of 0002."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from crm.staff.groups import permissions_create, staff_groups_setup

    permissions_create(apps=apps)
    staff_groups_setup(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0022_help_centre"),
        ("catalog", "0007_product_questions"),
    ]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
