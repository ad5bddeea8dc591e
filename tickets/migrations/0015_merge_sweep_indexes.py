# Merge of the sweep's index clean-up (h12b) with vendor-repair escalations and report
# dimensions (h9, h11): the escalation's clock is optional (an RMA escalation has none) and
# needs no index of its own (one_escalation_per_clock_level serves lookups by clock).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('tickets', '0011_drop_fk_indexes_covered_by_composites'),
        ('tickets', '0014_merge_rma_and_report_dims'),
    ]

    operations = [
        migrations.AlterField(
            model_name='escalation',
            name='clock',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.CASCADE,
                                    related_name='escalations', to='tickets.slaclock'),
        ),
    ]
