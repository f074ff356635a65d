"""Sphinx configuration of the course website (`make site`; docs/site/build_site.py copies it into the build).

The engine is Jupyter Book 1's: Sphinx, MyST-NB (notebooks and MyST markdown) and the book theme. The notebooks
arrive already executed (load mode, with the shipped checkpoints), so MyST-NB only renders them. Nothing is
fetched from the network when the pages are built or read: MathJax is served from the site itself.
"""
project = "Image generation with GANs and VAEs"
author = "the GAN & VAE course"
copyright = "the course's authors"

extensions = ["myst_nb"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]

# The notebooks are executed by build_site.py (bounded, in load mode), never by Sphinx.
nb_execution_mode = "off"
nb_output_stderr = "show"             # a warning a learner would see is shown here too
nb_merge_streams = True
nb_mime_priority_overrides = [("html", "image/gif", 15)]   # an animation rendered as itself, not as its text
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence"]
myst_heading_anchors = 3
myst_update_mathjax = False          # its settings are for MathJax 3; MathJax 2 is configured below
suppress_warnings = ["myst.header", "mystnb.unknown_mime_type"]

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["course.css"]
html_theme_options = {
    "show_toc_level": 2,
    "home_page_in_toc": True,
    "use_download_button": True,      # each page offers its notebook (with outputs) and its source
    "navigation_with_keys": False,
}
html_last_updated_fmt = None

# MathJax 2.7 from the jupyter-server-mathjax wheel, copied into _static/mathjax by build_site.py.
mathjax_path = "mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
mathjax2_config = {"tex2jax": {"inlineMath": [["\\(", "\\)"]], "displayMath": [["\\[", "\\]"]],
                               "processEscapes": True},
                   # The wheel carries the STIX-Web fonts only (as classic Jupyter used them).
                   "HTML-CSS": {"availableFonts": [], "preferredFont": None, "webFont": "STIX-Web",
                                "imageFont": None, "scale": 90, "linebreaks": {"automatic": True}},
                   "messageStyle": "none"}
