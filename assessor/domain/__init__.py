"""The question bank, its validation, answers files and scoring.

Plain Python: no Flask, SQLAlchemy or WeasyPrint.
"""
