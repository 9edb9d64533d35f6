"""Rasa's events table (rasa.core.tracker_store.SQLTrackerStore), the columns this project reads: one
definition for every reader of the tracker store (the web app, the A卡 follow-up's card lookup)."""

import sqlalchemy as sa

EVENTS = sa.Table(
    "events",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("type_name", sa.String(255)),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),  # a slot event's slot name
    sa.Column("data", sa.Text),
)
