"""ssp-coach web app: the trainee chat window (/) and the trainer review area (/review)."""
