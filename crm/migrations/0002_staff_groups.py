"""Create the staff groups of docs/staff.md (crm.staff.groups.staff_groups_setup, idempotent).

Its only job is to call that function; permissions are created first, since Django makes them
only after all migrations have run."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from crm.staff.groups import permissions_create, staff_groups_setup

    permissions_create(apps=apps)
    # Models of later migrations (the 360's permissions) are not there yet: 0006 sets them.
    staff_groups_setup(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("crm", "0001_initial"),
        ("catalog", "0006_search_misses"),
        ("orders", "0014_order_lookup_indexes"),
        ("payments", "0011_echeck_return_resolve_cod_refund"),
        ("notifications", "0001_initial"),
        ("shop", "0004_user_phone_and_name_indexes"),
    ]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
