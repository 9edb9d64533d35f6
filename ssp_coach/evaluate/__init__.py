"""Measuring the scorer honestly: grouped cross-validation on the training side by default; the frozen
test sets only on explicit request, with supports and 95% confidence intervals, and no error listing."""
