"""How bot messages are marked in transcripts (Contract 3): the chat, the actions and the review app
all read the same markers."""

COACH_MARK = "【教练】"
SCORECARD_MARK = COACH_MARK + "成绩单"
