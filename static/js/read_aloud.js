// "Read it to me" beside a story in the child view, spoken by the browser's own speech
// synthesis. Only a voice on the phone itself is used (localService): a network voice would
// send the child's story to a third party. Without one, or without JavaScript, the button stays
// hidden and the story is there to read.
(function () {
  "use strict";
  var synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function") { return; }

  function localVoice() {
    var lang = (document.documentElement.lang || "en").toLowerCase();
    var voices = synth.getVoices().filter(function (voice) { return voice.localService; });
    return voices.find(function (voice) { return voice.lang.toLowerCase().indexOf(lang) === 0; }) ||
      voices.find(function (voice) { return voice.default; }) || voices[0] || null;
  }

  function reveal(root) {
    var ready = localVoice() !== null;
    root.querySelectorAll("[data-read-aloud]").forEach(function (button) { button.hidden = !ready; });
  }
  reveal(document);
  // A boosted page swap runs this file again: reveal its buttons, but listen only once.
  if (window.braveStepsReadAloud) { return; }
  window.braveStepsReadAloud = true;
  // Voices often arrive after the page has loaded.
  if (synth.addEventListener) {
    synth.addEventListener("voiceschanged", function () { reveal(document); });
  }
  document.addEventListener("htmx:load", function (event) { reveal(event.target); });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-read-aloud]");
    if (!button) { return; }
    var story = document.getElementById(button.getAttribute("data-read-aloud"));
    var voice = localVoice();
    // A second tap while speaking stops it.
    if (synth.speaking) { synth.cancel(); return; }
    if (!story || !voice) { return; }
    var utterance = new window.SpeechSynthesisUtterance(story.textContent.trim());
    utterance.voice = voice;
    utterance.lang = voice.lang;
    utterance.rate = 0.85;  // unhurried, for a worried child
    synth.speak(utterance);
  });
})();
