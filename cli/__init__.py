"""The kutip command line."""
