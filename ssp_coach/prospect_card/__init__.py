"""A卡 / 购车意向记录表: the card's fields and how typed answers are read (spec, answers), the grading
against what the customer revealed (grading), and the follow-up it schedules (follow_up). No Rasa import."""
