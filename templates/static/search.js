/* Site search: Pagefind over the Simplified pages, queries converted to Simplified first.
 * A classic script (module scripts do not load from file://); the index and the converter
 * are imported only when the page is served, since browsers block both from file://. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form) return;
  var data = form.dataset;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var PAGE = 10;
  // Long briefs should not lose to short index pages that repeat a meeting's name.
  var RANKING = { pageLength: 0.1, termFrequency: 0.5 };

  function fill(template, values) {
    return template.replace(/\{(\w)\}/g, function (_, key) {
      return key in values ? String(values[key]) : "";
    });
  }

  if (location.protocol === "file:") {
    document.getElementById("search-file").hidden = false;
    input.disabled = true;
    form.querySelector("button").disabled = true;
    status.textContent = data.msgFile;
    return;
  }

  var engine = null;
  function load() {
    if (!engine) {
      var pagefind = import(new URL(data.bundle, location.href).href).then(function (pf) {
        // baseUrl "/": result URLs come back relative to the site root, wherever it is served.
        var options = { baseUrl: "/", excerptLength: 36, ranking: RANKING };
        return pf.options(options).then(function () {
          return pf.init();
        }).then(function () {
          return pf;
        });
      });
      var convert = Promise.all([
        import(new URL(data.opencc, location.href).href),
        import(new URL(data.query, location.href).href),
      ]).then(function (modules) {
        var converter = modules[0].Converter({ from: "tw", to: "cn" });
        return function (query) {
          return modules[1].simplifyQuery(converter, query);
        };
      });
      engine = Promise.all([pagefind, convert]);
    }
    return engine;
  }

  function link(url) {
    return data.root + url.replace(/^\/+/, "");
  }

  // Pagefind's excerpt is HTML with <mark>; keep the text and the marks, nothing else.
  function excerpt(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var out = document.createDocumentFragment();
    holder.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent || ""));
      }
    });
    return out;
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text;
    return el;
  }

  function render(results) {
    results.forEach(function (r) {
      var item = element("li", "search-result");
      if (r.meta.kind) item.appendChild(element("p", "result-kind", r.meta.kind));
      var heading = element("h2", "result-title");
      var a = element("a", "", r.meta.title || r.url);
      a.href = link(r.url);
      heading.appendChild(a);
      item.appendChild(heading);
      if (r.meta.cities) {
        item.appendChild(element("p", "result-cities", data.msgCities + r.meta.cities));
      }
      var subs = (r.sub_results || []).filter(function (s) {
        return s.url !== r.url;
      }).slice(0, 3);
      if (!subs.length) {
        item.appendChild(element("p", "result-excerpt")).appendChild(excerpt(r.excerpt));
      } else {
        var ul = element("ul", "result-subs");
        subs.forEach(function (s) {
          var li = element("li");
          var sa = element("a", "result-sub", s.title);
          sa.href = link(s.url);
          li.appendChild(sa);
          li.appendChild(element("span", "result-excerpt")).appendChild(excerpt(s.excerpt));
          ul.appendChild(li);
        });
        item.appendChild(ul);
      }
      list.appendChild(item);
    });
  }

  var latest = 0;
  var pending = [];
  function showMore(ticket) {
    var next = pending.splice(0, PAGE);
    return Promise.all(next.map(function (r) { return r.data(); })).then(function (rows) {
      if (ticket !== latest) return;
      render(rows);
      more.hidden = !pending.length;
    });
  }

  function fail(ticket, err) {
    if (ticket === latest) status.textContent = fill(data.msgError, { e: err && err.message });
  }

  function run(query) {
    var ticket = ++latest;
    query = query.trim();
    list.textContent = "";
    more.hidden = true;
    pending = [];
    if (!query) {
      status.textContent = "";
      return;
    }
    status.textContent = data.msgLoading;
    load().then(function (loaded) {
      var pf = loaded[0];
      var simplified = loaded[1](query);
      return pf.search(simplified).then(function (search) {
        if (ticket !== latest) return;
        var total = search.results.length;
        status.textContent = total
          ? fill(data.msgCount, { n: total })
          : fill(data.msgNone, { q: query });
        pending = search.results.slice();
        return showMore(ticket);
      });
    }).catch(function (err) { fail(ticket, err); });
  }

  more.addEventListener("click", function () {
    var ticket = latest;
    showMore(ticket).catch(function (err) { fail(ticket, err); });
  });

  var timer = 0;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    var url = new URL(location.href);
    url.searchParams.set("q", input.value.trim());
    history.replaceState(null, "", url);
    run(input.value);
  });
  var initial = new URLSearchParams(location.search).get("q");
  if (initial) {
    input.value = initial;
    run(initial);
  }
})();
