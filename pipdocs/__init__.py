"""pipdocs: Performance Improvement Plans to Word and PDF, signed by employee, manager and HR."""

__version__ = "0.1.0"
