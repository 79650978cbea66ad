"""Drafting a register folder from a body's prose privacy notice.

The pipeline: ``sources`` turns a notice file into plain text; ``segment``
cuts the text into headings, paragraphs, sentences, list items and table
rows, each with its character offsets; ``topics`` says what each list or
section is about; the extractors (``contacts``, ``legislation``, ``bases``,
``recipients``, ``categories``, ``purposes``, ``rights``, ``retention``,
``subjects``, ``collections``, ``sharing``) draft entities whose every fact
quotes the text it rests on; ``writer`` writes the folder in ``seed_data/``'s
format and ``report`` the HTML page a reviewer reads.
"""
