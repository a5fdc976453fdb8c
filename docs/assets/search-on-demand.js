// Search's index and worker load when search is first used, not with every page (issue 15);
// why and how: overrides/main.html. Loaded before Material's bundle; file:// is left alone.
(function () {
  if (location.protocol === "file:" || !window.XMLHttpRequest || !window.Worker) return;
  var wanted = new URLSearchParams(location.search).has("h"), waiting = [];
  function want() {
    if (!wanted) { wanted = true; waiting.splice(0).forEach(function (go) { go(); }); }
  }
  function path(url) { return new URL(url, location.href).pathname; }

  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.held = /\/search\/search_index\.json$/.test(path(url));
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (!request.held || wanted) return send.apply(request, args);
    waiting.push(function () { send.apply(request, args); });
  };

  var RealWorker = window.Worker;
  window.Worker = function (url, options) {
    if (!/\/workers\/search\.[^/]*\.js$/.test(path(url))) return new RealWorker(url, options);
    var real = null, listeners = [];
    function worker() {
      if (!real) {
        real = new RealWorker(url, options);
        listeners.forEach(function (l) { real.addEventListener.apply(real, l); });
      }
      return real;
    }
    return {
      addEventListener: function () { if (real) real.addEventListener.apply(real, arguments); else listeners.push(arguments); },
      removeEventListener: function (type, fn) {
        if (real) real.removeEventListener.apply(real, arguments);
        else listeners = listeners.filter(function (l) { return l[0] !== type || l[1] !== fn; });
      },
      postMessage: function () { var w = worker(); w.postMessage.apply(w, arguments); },
      terminate: function () { if (real) real.terminate(); }
    };
  };

  document.addEventListener("change", function (e) { if (e.target.id === "__search" && e.target.checked) want(); }, true);
  document.addEventListener("focusin", function (e) { if (e.target.matches("[data-md-component=search-query]")) want(); }, true);
})();
