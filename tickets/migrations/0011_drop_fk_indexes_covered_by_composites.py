"""The sweep inserts thousands of escalations and events per batch and rewrites clocks:
drop the single-column foreign-key indexes that a composite index already starts with.
Only the index is dropped (the foreign keys stay as they are: Django's AlterField would
drop and re-add each constraint, re-validating millions of rows)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0010_merge_hardening'),
    ]

    state_operations = [
        migrations.AlterField(
            model_name='escalation',
            name='clock',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='escalations', to='tickets.slaclock'),
        ),
        migrations.AlterField(
            model_name='slaclock',
            name='ticket',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='clocks', to='tickets.ticket'),
        ),
        migrations.AlterField(
            model_name='ticketevent',
            name='ticket',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='events', to='tickets.ticket'),
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=state_operations,
            database_operations=[
                migrations.RunSQL('DROP INDEX IF EXISTS "tickets_escalation_clock_id_0d474ecb"',
                                  'CREATE INDEX IF NOT EXISTS "tickets_escalation_clock_id_0d474ecb" '
                                  'ON "tickets_escalation" ("clock_id")'),
                migrations.RunSQL('DROP INDEX IF EXISTS "tickets_slaclock_ticket_id_3a7b2be6"',
                                  'CREATE INDEX IF NOT EXISTS "tickets_slaclock_ticket_id_3a7b2be6" '
                                  'ON "tickets_slaclock" ("ticket_id")'),
                migrations.RunSQL('DROP INDEX IF EXISTS "tickets_ticketevent_ticket_id_b572d14b"',
                                  'CREATE INDEX IF NOT EXISTS "tickets_ticketevent_ticket_id_b572d14b" '
                                  'ON "tickets_ticketevent" ("ticket_id")'),
            ],
        ),
    ]
