"""What the scorer learns from: the labelled corpus, trainers' corrections, and the fitted models' cache."""
