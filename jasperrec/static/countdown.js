// Count down the time left on a hold, second by second. The page already says it in
// minutes, so without JavaScript nothing is lost; this only keeps the number current.
(function () {
  "use strict";
  var clocks = document.querySelectorAll("time[data-countdown]");
  if (!clocks.length) { return; }
  function say(seconds) {
    if (seconds <= 0) { return "no time"; }
    var minutes = Math.floor(seconds / 60);
    var rest = seconds % 60;
    var parts = [];
    if (minutes) { parts.push(minutes + (minutes === 1 ? " minute" : " minutes")); }
    parts.push(rest + (rest === 1 ? " second" : " seconds"));
    return parts.join(" ");
  }
  function tick() {
    var now = Date.now();
    clocks.forEach(function (clock) {
      var until = Date.parse(clock.getAttribute("datetime"));
      if (!isNaN(until)) {
        clock.textContent = say(Math.max(0, Math.round((until - now) / 1000)));
      }
    });
  }
  tick();
  window.setInterval(tick, 1000);
}());
