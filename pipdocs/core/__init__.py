"""Core: the plan model, plan files, the signing policy, errors, files and shipped resources.

The bottom layer: it imports nothing else from pipdocs.
"""
