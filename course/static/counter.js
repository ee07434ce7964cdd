/* Live length and hashtag counter for the boxes that hold a post.
 *
 * Each such textarea carries data-counter (JSON: platform, max, x = twitter-text's options as
 * the server uses them, hashtags = {min, max} or null) and data-counter-output (the id of the
 * paragraph to write into). X posts are measured by X's own twitter-text (vendor/twitter-text,
 * window.twttr), other platforms in code points after NFC, as the server does. The server
 * stays the judge: this only helps while typing. Without JavaScript nothing changes.
 */
(function () {
  "use strict";

  function plural(n, word) {
    return n.toLocaleString("en") + " " + word + (n === 1 ? "" : "s");
  }

  var EMOJI_PART = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20E3/u;
  var segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter("en", { granularity: "grapheme" }) : null;

  // As the server's parse_x does: every emoji sequence (a family, a flag, a skin tone, a
  // keycap) weighs as one emoji, also those newer than twitter-text's own table.
  function onePerEmojiSequence(text) {
    if (!segmenter) return text;
    var out = "";
    for (var part of segmenter.segment(text.normalize("NFC"))) {
      var g = part.segment;
      out += Array.from(g).length > 1 && EMOJI_PART.test(g) ? "\u{1F600}" : g;
    }
    return out;
  }

  function measure(text, settings) {
    var tt = window.twttr;
    var length;
    if (settings.platform === "x") {
      var counted = settings.x.oneEmojiPerSequence ? onePerEmojiSequence(text) : text;
      length = tt ? tt.parseTweet(counted, settings.x).weightedLength : null;
    } else {
      length = Array.from(text.normalize("NFC")).length;
    }
    var hashtags = null;
    if (settings.hashtags && tt) {
      var seen = {};
      tt.extractHashtags(text).forEach(function (tag) { seen[tag.toLowerCase()] = true; });
      hashtags = Object.keys(seen).length;
    }
    return { length: length, hashtags: hashtags };
  }

  function attach(box) {
    var settings = JSON.parse(box.getAttribute("data-counter"));
    var output = document.getElementById(box.getAttribute("data-counter-output"));
    if (!output || (settings.platform === "x" && !window.twttr)) return;
    var live = document.createElement("p");
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    output.parentNode.insertBefore(live, output.nextSibling);
    var described = (box.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    described.push(output.id);
    box.setAttribute("aria-describedby", described.join(" "));
    var wasOver = false;

    function update() {
      var found = measure(box.value, settings);
      var over = found.length - settings.max;
      var parts = [];
      var how = settings.platform === "x" ? " as X counts them" : "";
      var lengthText = over > 0
        ? found.length.toLocaleString("en") + " of " + settings.max.toLocaleString("en") +
          " characters" + how + ": " + over.toLocaleString("en") + " over"
        : found.length.toLocaleString("en") + " of " + settings.max.toLocaleString("en") +
          " characters" + how;
      parts.push('<span class="counter-length' + (over > 0 ? " counter-over" : "") +
        '" data-length="' + found.length + '">' + lengthText + "</span>");
      if (found.hashtags !== null) {
        var h = settings.hashtags;
        var outside = box.value.trim() !== "" && (found.hashtags < h.min || found.hashtags > h.max);
        parts.push('<span class="counter-hashtags' + (outside ? " counter-over" : "") +
          '" data-hashtags="' + found.hashtags + '">' + plural(found.hashtags, "hashtag") +
          " (" + (h.min === h.max ? h.min : h.min + "–" + h.max) + " asked for)</span>");
      }
      output.innerHTML = parts.join(" · ");
      output.hidden = false;
      if ((over > 0) !== wasOver) {
        wasOver = over > 0;
        live.textContent = wasOver ? "Over the limit by " + plural(over, "character") + "."
                                   : "Back within the limit.";
      }
    }

    box.addEventListener("input", update);
    update();
  }

  function start() {
    document.querySelectorAll("textarea[data-counter]").forEach(attach);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
