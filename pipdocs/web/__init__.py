"""``pipdocs serve``: each party signs from a link, with a key made in their own browser."""
