// Search loads when it is first wanted, not with every page (issue 15: a page's first view
// without the ~30 KB gzip of index and worker). Material's bundle makes the search worker and
// requests search/search_index.json as each page loads; loaded before the bundle, this holds both
// back until the search box opens or gains focus ("/", a click, Tab), or the page was reached from
// a search result (?h=, whose words the page highlights). Under file:// (the offline edition)
// nothing changes: Material already waits there for the search box to open.
(function () {
  if (location.protocol === "file:" || !window.XMLHttpRequest || !window.Worker) return;
  var wanted = new URLSearchParams(location.search).has("h");
  var waiting = [];
  function want() {
    if (wanted) return;
    wanted = true;
    waiting.splice(0).forEach(function (go) { go(); });
  }
  function whenWanted(go) {
    if (wanted) go(); else waiting.push(go);
  }

  var open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    this.__searchIndex = /\/search\/search_index\.json$/.test(new URL(url, location.href).pathname);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (!this.__searchIndex) return send.apply(this, arguments);
    var request = this, args = arguments;
    whenWanted(function () { send.apply(request, args); });
  };

  // The worker is made on its first message (the index, sent once it has loaded); listeners
  // added before then are handed over to it.
  var RealWorker = window.Worker;
  function LazyWorker(url, options) {
    if (!/\/workers\/search\.[^/]*\.js$/.test(new URL(url, location.href).pathname)) return new RealWorker(url, options);
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
  }
  window.Worker = LazyWorker;

  document.addEventListener("change", function (event) {
    if (event.target && event.target.id === "__search" && event.target.checked) want();
  }, true);
  document.addEventListener("focusin", function (event) {
    if (event.target && event.target.matches && event.target.matches("[data-md-component=search-query]")) want();
  }, true);
})();
