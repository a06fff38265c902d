"""Tables of internal news (announcements, reads, acknowledgements, comments)."""
