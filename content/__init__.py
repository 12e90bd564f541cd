"""Describe, check and store what a disclosure item shows.

Plain Python with no web framework and no database: ``bodies`` holds the typed bodies of an item
(text, table, image, PDF), ``sanitize`` the HTML allow-list, ``render`` their HTML for previews and
posters, and ``assets`` the checking, normalising and storing of uploaded images and PDFs.
"""
