"""The shared spaCy pipeline: a blank `zh` with the jieba segmenter, loaded once per process."""

import sys
from functools import lru_cache

from .paths import spacy_model_dir


@lru_cache(maxsize=1)
def load_nlp():
    # thinc imports TensorFlow eagerly when it is installed (Rasa brings it); the domain package never
    # needs it, so outside the Rasa server we skip that multi-second import.
    blocked = "tensorflow" not in sys.modules
    if blocked:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if blocked:
            del sys.modules["tensorflow"]

    path = spacy_model_dir()
    if (path / "config.cfg").exists():
        return spacy.load(path)
    # Same pipeline, built in memory (no download): used before `make` has saved it to disk.
    return spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
