"""Thousands of inbox rows per sweep batch: drop the recipient index that both inbox
indexes already start with (only the index; the foreign key is not re-validated)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('staff', '0011_merge_hardening'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='notification',
            name='recipient',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=state_operations,
            database_operations=[
                migrations.RunSQL('DROP INDEX IF EXISTS "staff_notification_recipient_id_dfaddd32"',
                                  'CREATE INDEX IF NOT EXISTS "staff_notification_recipient_id_dfaddd32" '
                                  'ON "staff_notification" ("recipient_id")'),
            ],
        ),
    ]
