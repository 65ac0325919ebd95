from django.db import migrations, models

# The starter indicators the dashboards show, in their order, for a deployment that loaded the
# starter set before the dashboards existed.
STARTER_ON_DASHBOARD = (
    "CP-OPEN",
    "CP-NEW",
    "CP-FIRST-CONTACT-DAYS",
    "CP-HIGH-LATE-CONTACT",
    "REF-ACCEPTED",
    "HV-COVERAGE",
    "JJ-PRETRIAL",
    "RCH-CHILDREN",
)


def show_starter_on_dashboard(apps, schema_editor):
    Indicator = apps.get_model("indicators", "Indicator")
    for position, code in enumerate(STARTER_ON_DASHBOARD, 1):
        Indicator.objects.filter(code=code).update(dashboard_position=position)


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0002_dhis2_mapping"),
    ]

    operations = [
        migrations.AddField(
            model_name="indicator",
            name="dashboard_position",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="place on the dashboards"
            ),
        ),
        migrations.RunPython(show_starter_on_dashboard, migrations.RunPython.noop),
    ]
