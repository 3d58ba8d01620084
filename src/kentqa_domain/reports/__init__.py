"""Reports built from the queries, and their renderers (R-AUD-6, SPEC section 6).

``learning`` holds the Learning and Improvement report model and how it is assembled;
``renderers`` registers the built-in formats (json, md, html) through the
``kentqa_register_renderers`` hook. Rendering imports Jinja2 and matplotlib only when a
document is rendered, so loading the plugins stays quick.
"""
