"""The 404 page, made to work wherever the site is served from.

A server shows 404.html for a missing path at any depth, so MkDocs writes its
links from the site's root ("/assets/..."): right for a site at the root of its
host, unstyled and broken for one under a subpath (a GitHub Pages project site,
https://owner.github.io/name/). The build cannot know that subpath, so the page
finds it when it is shown: from the missing path's deepest folder up, the first
folder that serves 404.html with status 200 is the site's root (a folder of the
site that is not its root has no 404.html). Its links become relative to that
root through a <base> element, set before the first stylesheet is read.
"""
from __future__ import annotations

import re

from mkdocs.exceptions import PluginError

_HEADING = "<h1>404 - Not found</h1>"
_WAY_ON = '<p>No page is at this address. Go to the <a href="index.html">home page</a>, or search the site.</p>'
# href="/x" and src="/x", not a protocol-relative "//host/x"
_ROOTED = re.compile(r'(\s(?:href|src))="/(?!/)')
_CONFIG = re.compile(r'(<script id="__config" type="application/json">.*?</script>)', re.DOTALL)

_FIND_ROOT = """<script>
(function () {
  var root = "./";
  if (location.protocol !== "file:") {
    var folders = location.pathname.split("/").slice(0, -1);
    root = "/";
    for (var i = folders.length; i >= 1; i--) {
      var folder = folders.slice(0, i).join("/") + "/";
      try {
        var probe = new XMLHttpRequest();
        probe.open("HEAD", folder + "404.html", false);
        probe.send();
        if (probe.status === 200) { root = folder; break; }
      } catch (e) { /* an unreachable folder is not the root */ }
    }
  }
  var base = document.createElement("base");
  base.href = root;
  document.head.appendChild(base);
})();
</script>"""

# The theme reads its base URL and search worker from #__config against the page's own address, not <base>.
_ROOT_CONFIG = """<script>
(function (el) {
  var config = JSON.parse(el.textContent);
  config.base = document.baseURI;
  config.search = new URL(config.search, document.baseURI).href;
  el.textContent = JSON.stringify(config);
})(document.getElementById("__config"));
</script>"""


def anywhere(html: str) -> str:
    """The theme's 404.html with links relative to a root found where it is served."""
    if html.count("<head>") != 1 or len(_CONFIG.findall(html)) != 1 or html.count(_HEADING) != 1:
        raise PluginError("404.html: expected one <head>, one #__config script and one 404 heading from the theme, "
                          "to make its links work under a subpath; the theme's markup has changed")
    html = html.replace(_HEADING, _HEADING + _WAY_ON, 1)
    html = _ROOTED.sub(r'\1="', html)
    html = html.replace('"base": "/"', '"base": "."', 1).replace('"search": "/', '"search": "', 1)
    html = html.replace("<head>", "<head>\n" + _FIND_ROOT, 1)
    return _CONFIG.sub(lambda m: m.group(1) + "\n" + _ROOT_CONFIG, html, count=1)
