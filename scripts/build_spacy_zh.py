"""Save a blank spaCy `zh` pipeline with the jieba segmenter to disk (no download needed)."""
import sys
from pathlib import Path

import spacy


def main(target: str) -> None:
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(target)
    print(f"saved blank zh pipeline (jieba) to {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "models/spacy_zh")
