# nbconvert configuration for `make slides`: lecture decks that load every asset from lib/,
# a local copy of the npm packages in slides/package.json, so they work offline.
c = get_config()  # noqa: F821 (provided by traitlets when nbconvert reads this file)
c.TemplateExporter.extra_template_basedirs = ["slides/templates"]
c.SlidesExporter.template_name = "offline"
c.SlidesExporter.reveal_url_prefix = "lib/reveal.js"
c.SlidesExporter.reveal_theme = "white"
c.SlidesExporter.reveal_scroll = True
c.SlidesExporter.require_js_url = "lib/requirejs/require.js"
c.SlidesExporter.jquery_url = "lib/jquery/dist/jquery.min.js"
c.SlidesExporter.mathjax_url = "lib/mathjax/MathJax.js?config=TeX-AMS_HTML-full,Safe"
c.SlidesExporter.widget_renderer_url = "lib/@jupyter-widgets/html-manager/dist/embed-amd.js"
