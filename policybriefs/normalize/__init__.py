"""The normalizer: small named passes, each returning its text and the edits it made."""
