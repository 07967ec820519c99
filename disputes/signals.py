"""Signals other apps listen to, so that `disputes` never imports them."""

from django.dispatch import Signal

# Sent inside the writing transaction for every new timeline entry, with
# `dispute` (the case as saved) and `event` (the DisputeEvent). Receivers that
# must agree with the case (report rollups) write in the same transaction;
# receivers that leave the process (mail, webhooks) enqueue on commit.
case_event = Signal()

# Sent after rows were inserted in bulk without their per-case signals (the
# demo seeder): listeners that keep derived data rebuild it.
cases_bulk_loaded = Signal()

# Sent by the demo seeder for each chunk of cases it builds in bulk, with
# `cases`: each case's columns as attributes, `store` with its `category_id`
# and `region`. A receiver returns `(model, rows)`: rows (dicts of column
# values) it derives from those cases, written with them; sent with no cases
# before the load to learn the models. `cases_bulk_loaded` then comes with
# `derived=True`: every receiver's rows for every case are written.
cases_bulk_built = Signal()
