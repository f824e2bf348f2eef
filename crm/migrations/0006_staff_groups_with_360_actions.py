"""Set the staff groups again, now that the 360's permissions exist (the agent opens the 360
and acts from it). Its only job is to call the idempotent function of 0002."""

from django.db import migrations


def create_staff_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    from crm.staff.groups import staff_groups_setup

    for app_config in apps.get_app_configs():
        # Restored after: a test calls this with the live registry, whose app configs must
        # keep their models module (or later flushes stop re-creating permissions).
        models_module, app_config.models_module = app_config.models_module, True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = models_module
    staff_groups_setup(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("crm", "0005_customer360_actions")]

    operations = [migrations.RunPython(create_staff_groups, migrations.RunPython.noop)]
