// The transcript reader: the text in turns, codings as marks, select-and-code, memos, and the other
// coders' changes shown without a reload (the page polls the study's change counter, which for a blind coder
// counts only their own changes). Codings are named by their GUIDs; the list numbers them for people.
// Everything from the server is put in the page as text (textContent), never as HTML.
(function () {
  "use strict";
  var root = document.getElementById("reader");
  if (!root) return;
  var study = root.dataset.study, docName = root.dataset.document, me = root.dataset.user;
  var api = "/s/" + encodeURIComponent(study) + "/api";
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var textBox = document.getElementById("text");
  var codingsList = document.getElementById("codings");
  var memosList = document.getElementById("memos");
  var status = document.getElementById("status");
  var selectionNote = document.getElementById("selection");
  var doc = null, codings = [], lastChange = null, selection = null;

  function request(method, path, body) {
    var options = { method: method, headers: { "Accept": "application/json" }, credentials: "same-origin" };
    if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
    if (method !== "GET") options.headers["X-CSRF-Token"] = csrf;
    return fetch(api + path, options).then(function (r) {
      if (r.status === 204) return null;
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(typeof data.detail === "string" ? data.detail : JSON.stringify(data.detail));
        return data;
      });
    });
  }

  function say(message) { status.textContent = message; }

  function renderText() {
    textBox.textContent = "";
    var cuts = new Set([0, doc.text.length]);
    codings.forEach(function (c) { cuts.add(c.start); cuts.add(c.end); });
    doc.turns.forEach(function (t) { cuts.add(t.start); cuts.add(t.end); });
    var points = Array.from(cuts).sort(function (a, b) { return a - b; });
    var turnIndex = 0, turnEl = null;
    for (var i = 0; i < points.length - 1; i++) {
      var a = points[i], b = points[i + 1];
      while (turnIndex < doc.turns.length && doc.turns[turnIndex].end <= a) turnIndex++;
      var turn = doc.turns[turnIndex];
      if (turn && a === turn.start) {
        turnEl = document.createElement("span");
        turnEl.className = "turn";
        var who = document.createElement("span");
        who.className = "who";
        who.textContent = turn.speaker + ": ";
        who.setAttribute("aria-hidden", "true");
        turnEl.appendChild(who);
        textBox.appendChild(turnEl);
      }
      var inTurn = turn && a >= turn.start && b <= turn.end;
      if (!inTurn && !doc.text.slice(a, b).trim()) continue;  // the line break between turns
      var covering = codings.filter(function (c) { return c.start < b && c.end > a; });
      var piece = document.createElement(covering.length ? "mark" : "span");
      piece.dataset.offset = String(a);
      piece.textContent = doc.text.slice(a, b);
      if (covering.length) {
        piece.title = covering.map(function (c) { return c.code + " (" + c.coder + ")"; }).join(", ");
        if (covering.some(function (c) { return c.coder === me; })) piece.className = "mine";
      }
      (turnEl && inTurn ? turnEl : textBox).appendChild(piece);
    }
  }

  function renderCodings() {
    codingsList.textContent = "";
    codings.forEach(function (c, n) {
      var li = document.createElement("li");
      li.textContent = c.code + " · " + c.coder + " · “" + doc.text.slice(c.start, Math.min(c.end, c.start + 80)) + (c.end - c.start > 80 ? "…" : "") + "”";
      if ((c.coder === me || root.dataset.role === "owner") && document.getElementById("code-select")) {
        var recode = document.createElement("button");
        recode.type = "button";
        recode.textContent = "Recode";
        recode.setAttribute("aria-label", "Give coding " + (n + 1) + " (" + c.code + ") the code chosen above");
        recode.addEventListener("click", function () {
          var code = document.getElementById("code-select").value;
          request("PATCH", "/codings/" + encodeURIComponent(c.id), { code: code }).then(refresh)
            .then(function () { say("Recoded as " + code + "."); }).catch(function (e) { say(e.message); });
        });
        li.appendChild(recode);
      }
      if (c.coder === me || root.dataset.role === "owner") {
        var del = document.createElement("button");
        del.type = "button";
        del.textContent = "Delete";
        del.setAttribute("aria-label", "Delete coding " + (n + 1) + " (" + c.code + ")");
        del.addEventListener("click", function () {
          request("DELETE", "/codings/" + encodeURIComponent(c.id)).then(refresh).then(function () { say("Coding deleted."); }).catch(function (e) { say(e.message); });
        });
        li.appendChild(del);
      }
      codingsList.appendChild(li);
    });
  }

  function renderMemos(memos) {
    memosList.textContent = "";
    memos.forEach(function (m) {
      var li = document.createElement("li");
      li.textContent = m.author + ": " + m.text;
      memosList.appendChild(li);
    });
  }

  function refresh() {
    return Promise.all([request("GET", "/documents/" + encodeURIComponent(docName) + "/codings"),
                        request("GET", "/documents/" + encodeURIComponent(docName) + "/memos")])
      .then(function (results) { codings = results[0]; renderText(); renderCodings(); renderMemos(results[1]); });
  }

  // A selection boundary as a character offset in the document: inside a piece of text, at the edge of a
  // piece, or between the children of a turn (what a triple click or a script's selection gives).
  function isPiece(el) { return el && el.dataset && el.dataset.offset !== undefined; }
  function startOf(el) { return Number(el.dataset.offset); }
  function firstPieceIn(node) {
    if (isPiece(node)) return node;
    return node.querySelector ? node.querySelector("[data-offset]") : null;
  }
  function offsetOf(node, offset) {
    if (node.nodeType === 3) {
      var parent = node.parentElement;
      if (isPiece(parent)) return startOf(parent) + offset;
      var next = parent && parent.nextElementSibling;  // in a speaker's name: the turn's first word
      return next && isPiece(next) ? startOf(next) : null;
    }
    if (isPiece(node)) return offset === 0 ? startOf(node) : startOf(node) + node.textContent.length;
    for (var i = offset; i < node.childNodes.length; i++) {
      var piece = firstPieceIn(node.childNodes[i]);
      if (piece) return startOf(piece);
    }
    var all = node.querySelectorAll("[data-offset]");
    var last = all[all.length - 1];
    return last ? startOf(last) + last.textContent.length : null;
  }

  document.addEventListener("selectionchange", function () {
    var sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed || !textBox.contains(sel.anchorNode)) return;
    var range = sel.getRangeAt(0);
    var start = offsetOf(range.startContainer, range.startOffset), end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return;
    selection = { start: start, end: end };
    if (selectionNote) selectionNote.textContent = "Selected: “" + doc.text.slice(start, Math.min(end, start + 80)) + "”";
  });

  var codeForm = document.getElementById("code-form");
  if (codeForm) codeForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!selection) { say("Select some words of the transcript first."); return; }
    var code = document.getElementById("code-select").value;
    request("POST", "/codings", { document: docName, start: selection.start, end: selection.end, code: code })
      .then(function () { selection = null; return refresh(); })
      .then(function () { say("Coded as " + code + "."); })
      .catch(function (e) { say(e.message); });
  });

  var memoForm = document.getElementById("memo-form");
  if (memoForm) memoForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var box = document.getElementById("memo-text");
    request("POST", "/memos", { target_kind: "document", target: docName, text: box.value })
      .then(function () { box.value = ""; return refresh(); })
      .then(function () { say("Memo added."); })
      .catch(function (e) { say(e.message); });
  });

  // "Suggestions for this code": the suggestions page of the code chosen in the list.
  var suggestLink = document.getElementById("suggest-link"), codeSelect = document.getElementById("code-select");
  if (suggestLink && codeSelect) codeSelect.addEventListener("change", function () {
    suggestLink.href = "/s/" + encodeURIComponent(study) + "/suggest?code=" + encodeURIComponent(codeSelect.value);
  });

  var undoButton = document.getElementById("undo-button");
  if (undoButton) undoButton.addEventListener("click", function () {
    request("POST", "/undo", {})
      .then(function (done) { return refresh().then(function () { say("Undone: " + done.what + "."); }); })
      .catch(function (e) { say(e.message); });
  });

  function poll() {
    request("GET", "/changes").then(function (c) {
      if (lastChange !== null && c.last !== lastChange) refresh();
      lastChange = c.last;
    }).catch(function () { /* the next poll tries again */ });
  }

  request("GET", "/documents/" + encodeURIComponent(docName)).then(function (d) {
    doc = d;
    return refresh();
  }).then(function () { poll(); setInterval(poll, 2000); }).catch(function (e) { say(e.message); });
})();
