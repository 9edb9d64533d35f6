"""The course's written group exercises: content (content/exercises.yml), grading one answer with the one
reading and the scorer, picking the best answers for a board, and batch grading a sheet of answers."""

from .catalog import Exercise, load_exercise_file, load_exercises
from .grading import ExerciseError, ExerciseGrade, best_answers, describe, grade, grade_answer

__all__ = [
    "Exercise",
    "ExerciseError",
    "ExerciseGrade",
    "best_answers",
    "describe",
    "grade",
    "grade_answer",
    "load_exercise_file",
    "load_exercises",
]
