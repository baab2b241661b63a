// Progressive enhancement only: draw each Vega-Lite figure from the spec embedded beside it.
// Pages work without this script (tables, forms and links are plain HTML).
(function () {
  function draw() {
    if (typeof window.vegaEmbed !== "function") return;
    document.querySelectorAll("div.chart[data-spec]").forEach(function (el) {
      var src = document.getElementById(el.dataset.spec);
      if (!src) return;
      var spec = JSON.parse(src.textContent);
      window.vegaEmbed(el, spec, { actions: { export: true, source: false, compiled: false, editor: false },
                                   renderer: "svg" })
        .then(function () { el.dataset.drawn = "1"; })
        .catch(function (err) { el.textContent = String(err); el.dataset.drawn = "error"; });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
