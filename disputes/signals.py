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
