"""Prints one role-play per customer type with the same trainee lines, through the real servers,
so trainers can see how differently the three customer types react.

    .venv/bin/python bench/sample_transcripts.py [--scenario reception] [--mode practice]
"""
import argparse
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from stack import ServerStack  # noqa: E402

LINES = [
    "您好，欢迎光临！我是销售顾问小李，请问怎么称呼您？",
    "我们这款车质量特别好，各方面都很不错，性价比非常高，买了绝对不后悔，我们店卖得最好的就是它，"
    "很多客户都是冲着它来的，外观漂亮内饰豪华配置丰富，您肯定喜欢。",
    "您平时用车主要是做什么？一般都有谁坐？",
    "您真有眼光，一进门就直奔这台车，说明您对车很有研究。您最看重车的哪些方面？",
    "您今天就定了吧，这个价格明天就没有了。",
    "/end",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="reception")
    parser.add_argument("--mode", default="practice")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        stack = ServerStack(Path(tmp))
        stack.start_actions()
        stack.start_rasa()
        try:
            for ctype in ("analytical", "dominant", "social"):
                sender = f"sample-{ctype}-{uuid.uuid4().hex[:6]}"
                print(f"\n===== {ctype} · {args.scenario} · {args.mode} =====")
                start = (f'/start_roleplay{{"customer_type":"{ctype}","scenario":"{args.scenario}",'
                         f'"mode":"{args.mode}"}}')
                for line in [start] + LINES:
                    print(f"顾问> {line}")
                    for m in stack.say(sender, line):
                        if m.get("text"):
                            print("      " + m["text"].replace("\n", "\n      "))
                        elif m.get("image"):
                            print("      [雷达图]")
        finally:
            stack.stop_all()


if __name__ == "__main__":
    main()
