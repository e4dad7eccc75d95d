/* The wall display (/wall): panel rotation and the clock. Both run here in the browser, so
   neither costs a server round trip; the data refresh is a Dash callback (callbacks/wall.py).

   Dash loads every asset on every page: this stays idle until a `.wall` element exists.
   One interval for the clock and one chain of timeouts for the rotation are started once for
   the page's lifetime; nothing is added per rotation or per refresh, so a wall that runs all
   day keeps a flat heap and node count (tests/e2e/test_wall_soak.py).

   The shown panel is written as data-active on the `.wall` root, which no callback redraws
   (wall.css shows the panel whose data-panel matches), so panels redrawn with new data keep
   their visibility. data-rotations counts the rotations since the wall appeared. */
(function () {
  "use strict";

  var DEFAULT_ROTATE_MS = 30000;
  var LOOK_FOR_WALL_MS = 500;
  var CLOCK_MS = 250;
  var wall = null;

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  // YYYY-MM-DD HH:mm:ss in the browser's time zone (the wall's own clock: Beijing time).
  function stamp(d) {
    return d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " +
      two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }

  function tickClock() {
    var clock = document.querySelector(".wall .wall-clock");
    if (!clock) {
      return;
    }
    var text = stamp(new Date());
    if (clock.textContent !== text) {
      clock.textContent = text;
    }
  }

  function rotateMs(root) {
    var seconds = parseFloat(root.getAttribute("data-rotate"));
    return isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_ROTATE_MS;
  }

  function count(root, name) {
    return parseInt(root.getAttribute(name), 10) || 0;
  }

  function show(root, index) {
    var panels = root.querySelectorAll(".wall-panel[data-panel]");
    if (!panels.length) {
      return;
    }
    var i = index % panels.length;
    root.setAttribute("data-active", panels[i].getAttribute("data-panel"));
    root.setAttribute("data-index", String(i));
    var position = root.querySelector(".wall-position");
    if (position) {
      position.textContent = (i + 1) + "/" + panels.length;
    }
  }

  function rotate() {
    var root = document.querySelector(".wall");
    if (!root) {
      wall = null;
      window.setTimeout(rotate, LOOK_FOR_WALL_MS);
      return;
    }
    if (root !== wall) {
      // A new wall (first visit, or another language or speed in the URL): start at panel 1.
      wall = root;
      root.setAttribute("data-rotations", "0");
      show(root, 0);
      tickClock();
    } else {
      show(root, count(root, "data-index") + 1);
      root.setAttribute("data-rotations", String(count(root, "data-rotations") + 1));
    }
    window.setTimeout(rotate, rotateMs(root));
  }

  window.setInterval(tickClock, CLOCK_MS);
  rotate();
})();
