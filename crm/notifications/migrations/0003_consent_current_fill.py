"""Fill the current-consent rows from the history recorded before they existed."""

from django.db import migrations


def fill(apps, schema_editor):
    from crm.notifications.consent_fill import consent_current_fill

    consent_current_fill(apps=apps)


class Migration(migrations.Migration):
    dependencies = [("notifications", "0002_consentcurrent")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop, elidable=True)]
