"""FBI product presentation: Feature 配备 → Benefit 利益 → Impact 冲击 (detector.py, model.py)."""
