"""Thin rasa-sdk adapters: read the tracker, call the ssp_coach domain package, emit events."""
