"""ssp-coach domain package: scoring, role-play, reports, content. Imports nothing from Rasa."""
