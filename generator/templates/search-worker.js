/* The handbook's search worker, in place of Material's (generator/search.py puts it there).
 *
 * It speaks Material's worker protocol (0 setup, 1 ready, 2 query, 3 result), so Material's
 * search box, result list and keyboard handling are unchanged. The index holds one entry per
 * clause and one per anchored item of a clause's list; words are stemmed and the editors'
 * synonyms (policies/search-synonyms.yml) expanded when the index is set up; a query word not in
 * the handbook matches words one or two typing slips away, and only the last word, while it is
 * being typed, matches as a prefix. Each clause (and list item) is its own result, shown under
 * the policy and section it belongs to, with its matching words marked in a snippet. */
"use strict";

var STOP = new Set(("a able about across after all almost also am among an and any are as at be because been " +
  "but by can cannot could dear did do does either else ever every for from get got had has have he her hers " +
  "him his how however i if in into is it its just least let like likely may me might most must my neither no " +
  "nor not of off often on only or other our own rather said say says she should since so some than that the " +
  "their them then there these they this tis to too twas us wants was we were what when where which while who " +
  "whom why will with would yet you your im ive dont want").split(" "));
var WORD = /[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)*/g;
var FIELDS = {title: 4, section: 0.5, policy: 1, text: 1};
/* BM25: how much a word said again still adds (K1), and how much less a long clause's words weigh
 * (B, near 1): the clause that answers is most often the short one that says just that. */
var K1 = 2, B = 0.9;
var SECTION_AS_TITLE = 3;  /* a clause headed only by its section's title shares it with its neighbours */
var KIND = {clause: 1, item: 1, section: 0.3, page: 0.3};
var MAX_RESULTS = 50;

var engine = null;

var IRREGULAR = {taken: "take", took: "take", gave: "give", given: "give", sent: "send", made: "make",
                 kept: "keep", wrote: "write", written: "write", bought: "buy", told: "tell", said: "say"};

/* Words that are not another word with an ending ("evening" is not "even", an "outing" not "out",
 * "information" not "inform"): cut, they would bring a synonym group to every "out" or "inform". */
var WHOLE = new Set(["evening", "evenings", "outing", "outings", "information"]);

function stem(word) {
  var w = word.toLowerCase().replace(/['\u2019]/g, "");
  if (WHOLE.has(w)) return w.replace(/s$/, "");
  if (IRREGULAR[w]) w = IRREGULAR[w];
  if (w.length <= 3) return w;
  if (/ies$/.test(w) && w.length > 4) w = w.slice(0, -3) + "y";
  else if (/sses$/.test(w)) w = w.slice(0, -2);
  else if (/[^su]s$/.test(w) && !/is$/.test(w)) w = w.slice(0, -1);
  if (/ied$/.test(w) && w.length > 4) w = w.slice(0, -3) + "y";
  else if (/ed$/.test(w) && w.length > 4) w = w.slice(0, -2);
  else if (/ing$/.test(w) && w.length > 4) w = w.slice(0, -3);
  else if (/ation$/.test(w) && w.length > 7) w = w.slice(0, -5);
  else if (/ion$/.test(w) && w.length > 6) w = w.slice(0, -3);
  if (/e$/.test(w) && w.length > 3) w = w.slice(0, -1);
  if (w.length > 3 && w[w.length - 1] === w[w.length - 2] && !/[aeiou]/.test(w[w.length - 1])) w = w.slice(0, -1);
  return w;
}

function isStop(word) {
  return STOP.has(word.toLowerCase().replace(/['\u2019]/g, ""));
}

function words(text) {
  return (text.match(WORD) || []).filter(function (w) { return !isStop(w); });
}

/* Every word's stem, short common words included, for phrases such as "on my own" or "how long". */
function allStems(text) {
  return (text.match(WORD) || []).map(stem);
}

function compounds(text) {
  return (text.toLowerCase().match(/[a-z0-9]+(?:-[a-z0-9]+)+/g) || []).map(function (c) {
    return {term: stem(c.replace(/-/g, "")), parts: c.split("-").map(stem)};
  });
}

/* Synonyms: each word or phrase (as stems) → its group's term "~n". A phrase is matched without
 * its short common words ("out of hours" as "out hours") unless that would leave one word or
 * none: "how long" or "on my own" are matched word for word (`exact`), never as "long" or "". */
function synonymTable(groups) {
  var table = new Map(), exact = new Map(), longest = 1;
  groups.forEach(function (group, n) {
    group.forEach(function (term) {
      var seq = words(term).map(stem), all = allStems(term);
      if (seq.length > 1 || all.length === 1) table.set(seq.join(" "), "~" + n);
      else exact.set(all.join(" "), "~" + n);
      longest = Math.max(longest, all.length);
      var joined = term.replace(/[\s-]+/g, "");
      if (joined !== term) table.set(stem(joined), "~" + n);
    });
  });
  return {table: table, exact: exact, longest: longest};
}

/* The synonym groups named by runs of `seq` (stems) found in `table`, each with the run's start. */
function phrases(seq, table, longest) {
  var found = [];
  for (var i = 0; i < seq.length; i++)
    for (var n = 1; n <= longest && i + n <= seq.length; n++) {
      var id = table.get(seq.slice(i, i + n).join(" "));
      if (id) found.push({id: id, at: i, n: n});
    }
  return found;
}

function analyse(text, synonyms, parts) {
  var seq = words(text).map(stem), out = seq.slice();
  compounds(text).forEach(function (c) { out.push(c.term); if (parts) parts.set(c.term, c.parts); });
  [[seq, synonyms.table], [allStems(text), synonyms.exact]].forEach(function (run) {
    phrases(run[0], run[1], synonyms.longest).forEach(function (p) { out.push(p.id); });
  });
  return out;
}

function sameWords(a, b) {
  var key = function (text) { return (text.match(WORD) || []).join(" ").toLowerCase(); };
  return !!a && key(a) === key(b);
}

function counts(terms) {
  var m = new Map();
  terms.forEach(function (t) { m.set(t, (m.get(t) || 0) + 1); });
  return m;
}

function setup(data) {
  var synonyms = synonymTable((data.config && data.config.synonyms) || []);
  var parts = new Map(), df = new Map(), total = 0;
  var policy = (data.config && data.config.policy) || "";
  var docs = data.docs.map(function (doc) {
    /* A clause without a heading of its own (a list, an imported paragraph), and a list's items,
     * are headed by the heading they sit under on the page (`under`), else by their section's
     * title; either is shared with their neighbours, so it weighs less than a title of their own. */
    var own = doc.heading === undefined ? doc.title : doc.heading;
    var heading = own || doc.under || doc.section;
    var section = heading === doc.section ? "" : doc.section;
    var named = doc.policy || "";
    /* A heading that is the policy's own name (an imported first section) says no more than the
     * policy does: it is not weighed as the clause's title. */
    if (doc.kind !== "page" && doc.kind !== "section" && sameWords(heading, named || policy)) heading = "";
    var fields = {title: counts(analyse(heading, synonyms, parts)),
                  section: counts(analyse(section || "", synonyms, parts)),
                  policy: counts(analyse(named, synonyms, parts)),
                  text: counts(analyse(doc.text, synonyms, parts))};
    var seen = new Set();
    Object.keys(fields).forEach(function (f) { fields[f].forEach(function (_, t) { seen.add(t); }); });
    seen.forEach(function (t) { df.set(t, (df.get(t) || 0) + 1); });
    var length = 0;
    fields.text.forEach(function (c) { length += c; });
    total += length;
    return {doc: doc, fields: fields, length: length, titled: own && own !== doc.section ? FIELDS.title : SECTION_AS_TITLE};
  });
  var vocab = [];
  df.forEach(function (_, t) { if (t[0] !== "~") vocab.push(t); });
  docs.forEach(function (e) {
    var named = e.doc.policy || policy;
    if (e.doc.section !== undefined) e.doc.parent = named ? named + " \u203a " + e.doc.section : e.doc.section;
  });
  return {docs: docs, df: df, vocab: vocab, synonyms: synonyms, parts: parts,
          avg: total / Math.max(1, docs.length) || 1};
}

/* Damerau-Levenshtein distance, stopping once it exceeds `max`. */
function distance(a, b, max) {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  var prev2 = null, prev = [], cur;
  for (var j = 0; j <= b.length; j++) prev.push(j);
  for (var i = 1; i <= a.length; i++) {
    cur = [i];
    var best = i;
    for (j = 1; j <= b.length; j++) {
      var cost = a[i - 1] === b[j - 1] ? 0 : 1;
      var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
      best = Math.min(best, v);
    }
    if (best > max) return max + 1;
    prev2 = prev; prev = cur;
  }
  return prev[b.length];
}

function alternatives(raw, last) {
  var s = stem(raw), alts = [], syn = engine.synonyms.table;
  var add = function (term, weight) {
    alts.push([term, weight]);
    var id = syn.get(term);
    if (id) alts.push([id, weight * 0.9]);
  };
  if (engine.df.has(s) || syn.has(s)) { add(s, 1); return alts; }
  var max = s.length >= 8 ? 2 : s.length >= 5 ? 1 : 0;
  engine.vocab.forEach(function (t) {
    if (max && distance(s, t, max) <= max) add(t, 0.7);
    else if (last && raw.length >= 3 && t.indexOf(s) === 0) add(t, 0.5);
  });
  return alts;
}

/* The query as concepts, each matched by any of its weighted terms. */
function concepts(query) {
  var out = [], rest = query;
  exactPhrases(query).forEach(function (p) {
    out.push({words: [p.words], alts: [[p.id, 1]]});
    rest = rest.replace(p.words, " ");
  });
  return out.concat(wordConcepts(rest));
}

/* The query's phrases that are matched word for word ("on my own"), as typed. */
function exactPhrases(query) {
  var found = [], all = query.match(WORD) || [], syn = engine.synonyms;
  phrases(all.map(stem), syn.exact, syn.longest).forEach(function (p) {
    var typed = new RegExp("\\b" + all.slice(p.at, p.at + p.n).join("\\W+") + "\\b", "i").exec(query);
    if (typed) found.push({id: p.id, words: typed[0]});
  });
  return found;
}

function wordConcepts(query) {
  var raw = words(query), seq = raw.map(stem), out = [], syn = engine.synonyms.table;
  for (var i = 0; i < raw.length;) {
    var taken = 0;
    for (var n = Math.min(engine.synonyms.longest, raw.length - i); n >= 2 && !taken; n--) {
      var id = syn.get(seq.slice(i, i + n).join(" "));
      var joined = stem(raw.slice(i, i + n).join(""));
      if (id) { out.push({words: raw.slice(i, i + n), alts: [[id, 1]]}); taken = n; }
      else if (n === 2 && engine.df.has(joined)) { out.push({words: raw.slice(i, i + 2), alts: alternatives(joined, false)}); taken = 2; }
    }
    if (!taken) { out.push({words: [raw[i]], alts: alternatives(raw[i], i === raw.length - 1)}); taken = 1; }
    i += taken;
  }
  return out;
}

function termScore(entry, term) {
  var df = engine.df.get(term);
  if (!df) return 0;
  var idf = Math.log(1 + (engine.docs.length - df + 0.5) / (df + 0.5)), sum = 0;
  Object.keys(FIELDS).forEach(function (f) {
    var tf = entry.fields[f].get(term) || 0;
    if (!tf) return;
    var norm = f === "text" ? 1 - B + B * entry.length / engine.avg : 1;
    sum += (f === "title" ? entry.titled : FIELDS[f]) * tf * (K1 + 1) / (tf + K1 * norm);
  });
  return idf * sum;
}

/* Whether the clause itself (its title, section or text) has the term: a word only in its policy's
 * name adds to its score but does not make it a match ("mobile" is not in every clause of the
 * E-Safety and Mobile Technology policy). */
function said(entry, term) {
  return ["title", "section", "text"].some(function (f) { return entry.fields[f].has(term); });
}

function rank(query) {
  var wanted = concepts(query);
  if (!wanted.length) return [];
  var hits = [];
  engine.docs.forEach(function (entry) {
    var score = 0, matched = 0, used = [], terms = {};
    wanted.forEach(function (c) {
      var best = 0, bestTerm = null;
      c.alts.forEach(function (alt) {
        var s = alt[1] * termScore(entry, alt[0]);
        if (s > best) { best = s; bestTerm = alt[0]; }
      });
      terms[c.words.join(" ")] = best > 0;
      if (best > 0) { score += best; used.push(bestTerm); }
      if (c.alts.some(function (alt) { return said(entry, alt[0]); })) matched++;
    });
    if (!matched) return;
    var coverage = matched / wanted.length;
    hits.push({entry: entry, score: score * coverage * coverage * KIND[entry.doc.kind], used: used, terms: terms});
  });
  leadWithBestItem(hits);
  hits.sort(function (a, b) { return b.score - a.score; });
  return hits.slice(0, MAX_RESULTS);
}

/* A list that matches is led by its best-matching item, as a page is by its best clause. */
function leadWithBestItem(hits) {
  var lists = new Map(), best = new Map();
  hits.forEach(function (h) {
    var doc = h.entry.doc;
    if (doc.kind === "clause") lists.set(doc.location, h);
    else if (doc.list && (!best.has(doc.list) || h.score > best.get(doc.list).score)) best.set(doc.list, h);
  });
  best.forEach(function (item, list) {
    if (lists.has(list)) item.score = Math.max(item.score, lists.get(list).score * 1.001);
  });
}

function escape(text) {
  return text.replace(/[&<>"']/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[c];
  });
}

/* The terms a result matched: words (with the parts of joined words) and synonym groups. */
function markSet(used) {
  var marks = {words: new Set(), groups: new Set()};
  used.forEach(function (t) {
    if (t[0] === "~") marks.groups.add(t);
    else [t].concat(engine.parts.get(t) || []).forEach(function (w) { marks.words.add(w); });
  });
  return marks;
}

/* Each word of `text`, marked when it, or a phrase it is part of, matched. */
function spansOf(text, marks) {
  var spans = [], m, table = engine.synonyms.table;
  WORD.lastIndex = 0;
  while ((m = WORD.exec(text))) {
    var s = stem(m[0]);
    spans.push({start: m.index, end: m.index + m[0].length, stem: s, stop: isStop(m[0]),
                hit: marks.words.has(s) || marks.groups.has(table.get(s))});
  }
  var content = spans.filter(function (x) { return !x.stop; }), syn = engine.synonyms;
  [[content, syn.table], [spans, syn.exact]].forEach(function (run) {
    var seq = run[0].map(function (x) { return x.stem; });
    phrases(seq, run[1], syn.longest).forEach(function (p) {
      if (marks.groups.has(p.id)) run[0].slice(p.at, p.at + p.n).forEach(function (x) { x.hit = true; });
    });
  });
  return spans;
}

/* The text with matching words marked: all of it, or a window of about `size` words around the first match. */
function marked(text, marks, size) {
  var spans = spansOf(text, marks);
  var from = 0, to = spans.length;
  if (size && spans.length > size) {
    var first = spans.findIndex(function (s) { return s.hit; });
    from = Math.max(0, Math.min(first - 8, spans.length - size));
    to = from + size;
  }
  if (!spans.length) return escape(text);
  var start = size ? spans[from].start : 0, end = size ? spans[to - 1].end : text.length, out = "", at = start;
  for (var i = from; i < to; i++) {
    out += escape(text.slice(at, spans[i].start));
    var w = escape(text.slice(spans[i].start, spans[i].end));
    out += spans[i].hit ? "<mark>" + w + "</mark>" : w;
    at = spans[i].end;
  }
  out += escape(text.slice(at, end));
  return (start > 0 ? "… " : "") + out + (end < text.length ? " …" : "");
}

function result(hit) {
  var doc = hit.entry.doc, marks = markSet(hit.used);
  var item = {location: doc.location, title: marked(doc.title, marks, 0), text: marked(doc.text, marks, 36),
              score: hit.score, terms: hit.terms};
  if (doc.location.indexOf("#") === -1) {
    if (doc.parent) item.title = escape(doc.parent) + " › " + item.title;
    return [item];
  }
  var page = {location: doc.location.split("#")[0], title: escape(doc.parent || ""), text: "", score: 0, terms: {}};
  return [item, page];
}

function search(query) {
  return {items: rank(query).map(result)};
}

addEventListener("message", function (ev) {
  var message = ev.data;
  if (message.type === 0) {
    engine = setup(message.data);
    postMessage({type: 1});
  } else if (message.type === 2) {
    var data;
    try {
      data = engine ? search(message.data) : {items: []};
    } catch (err) {
      console.warn("search failed for " + JSON.stringify(message.data), err);
      data = {items: []};
    }
    postMessage({type: 3, data: data});
  }
});
