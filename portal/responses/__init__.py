"""Response tracking: who was asked to answer what, who answered, how fast, and how it was rated.

Forum, feedback and konsultasi write here when an item is assigned and when an ASN answers;
the development record (rekam pembinaan) reads these rows with SQL aggregates, never
re-deriving them from posts.
"""
