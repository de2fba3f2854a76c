"""``python -m pipdocs``: the same as the ``pipdocs`` command."""

from pipdocs.cli import main

if __name__ == "__main__":
    main()
