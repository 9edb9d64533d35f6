"""Rasa server add-ons (no domain logic): guarded input channels and a launcher that keeps the API
token off the command line."""
