"""The special days the shop starts with (Yılbaşı, the national days, the two bayrams from the
business calendar, Mother's, Father's and Teachers' Day), and the Marketing group's right to
edit them. Both calls are idempotent (seed_demo seeds the same rows)."""

from django.db import migrations


def seed(apps, schema_editor):
    from crm.journeys.special_days.seed import special_days_seed
    from crm.staff.groups import permissions_create, staff_groups_setup

    special_days_seed(model=apps.get_model("crm", "SpecialDay"))
    permissions_create(apps=apps)
    staff_groups_setup(apps=apps, strict=False)


class Migration(migrations.Migration):
    dependencies = [("crm", "0014_specialday_birthday_index")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
