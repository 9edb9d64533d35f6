"""Our own Rasa NLU components (Rasa-dependent code lives here, never in `ssp_coach/`)."""
