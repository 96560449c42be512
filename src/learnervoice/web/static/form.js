// Conditional questions: shown only when the answer they depend on applies. Without scripts all are shown
// (each says "answer only if it applies"), and the server keeps only the answers to questions that apply.
(function () {
  "use strict";
  var form = document.querySelector("form.questionnaire");
  if (!form) return;
  var conditional = Array.prototype.slice.call(form.querySelectorAll("fieldset[data-ask-question]"));

  function chosen(questionId) {
    var boxes = form.querySelectorAll('input[name="' + questionId + '"]:checked');
    return Array.prototype.map.call(boxes, function (b) { return b.value; });
  }

  function isShown(fieldset) {
    var source = document.getElementById("q-" + fieldset.dataset.askQuestion);
    if (source && source.classList.contains("hidden")) return false;
    var wanted = fieldset.dataset.askAny.split(" ");
    return chosen(fieldset.dataset.askQuestion).some(function (v) { return wanted.indexOf(v) >= 0; });
  }

  function update() {
    conditional.forEach(function (fieldset) {
      var shown = isShown(fieldset);
      fieldset.classList.toggle("hidden", !shown);
      fieldset.setAttribute("aria-hidden", shown ? "false" : "true");
      Array.prototype.forEach.call(fieldset.querySelectorAll("input, textarea, select"), function (el) {
        el.disabled = !shown;
      });
    });
  }

  form.addEventListener("change", update);
  update();
})();
