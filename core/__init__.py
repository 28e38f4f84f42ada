"""What every package shares: settings and paths, the error vocabulary, atomic files and locks."""
