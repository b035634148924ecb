/* Faultlines: what the dashboard's page does in the browser besides Streamlit's own work.
   Run once per page (geo/view/client.py puts it in the page); the map's own scripts run in
   its frame (assets/faultlines.js). */
(function () {
  "use strict";
  if (window.flPage) {
    return;
  }
  var page = {};
  window.flPage = page;

  /* History. Streamlit pushes a history entry each time the app writes the view into the
     address. A change of the map's centre or zoom (lat, lon, z) or of the data version (v)
     replaces the current entry instead, so Back undoes the last change of layers, filters,
     time window, selection, search or basemap, not every pan. */
  var QUIET = ["lat", "lon", "z", "v"];

  page.isMeaningful = function (before, after) {
    var a = new URLSearchParams(before);
    var b = new URLSearchParams(after);
    var keys = Array.from(a.keys()).concat(Array.from(b.keys()));
    return keys.some(function (key) {
      return QUIET.indexOf(key) < 0 && a.get(key) !== b.get(key);
    });
  };

  var push = window.history.pushState;
  window.history.pushState = function (state, title, url) {
    if (url !== undefined && url !== null) {
      var next = new URL(String(url), window.location.href);
      if (next.pathname === window.location.pathname
          && !page.isMeaningful(window.location.search, next.search)) {
        return window.history.replaceState(state, title, url);
      }
    }
    return push.apply(window.history, arguments);
  };

  /* The event list: scroll its grid (Streamlit's canvas table, which the page cannot search)
     just enough that row `row` (0 is the first under the header) shows. The list in its own
     order only: once sorted by a column header its rows sit elsewhere, and it is left alone. */
  page.showRow = function (key, row, tries) {
    if (row === null || row === undefined) {
      return;
    }
    var left = tries === undefined ? 40 : tries;
    var grid = document.querySelector(".st-key-" + key + " [data-testid='stDataFrame']");
    var scroller = grid && grid.querySelector(".dvn-scroller");
    var table = grid && grid.querySelector("table[aria-rowcount]");
    if (!scroller || !table || scroller.clientHeight === 0) {
      if (left > 0) {  // the list is drawn after this script runs
        window.setTimeout(function () { page.showRow(key, row, left - 1); }, 50);
      }
      return;
    }
    var sorted = Array.from(table.querySelectorAll("th")).some(function (cell) {
      return /^[\u2191\u2193]/.test(cell.textContent.trim());
    });
    if (sorted) {
      return;
    }
    var lines = Number(table.getAttribute("aria-rowcount"));  // the header is one of them
    var height = scroller.scrollHeight / lines;
    var top = (row + 1) * height;
    var shownTop = scroller.scrollTop + height;  // under the header, which stays on top
    var shownBottom = scroller.scrollTop + scroller.clientHeight;
    if (top < shownTop) {
      scroller.scrollTop = top - height;
    } else if (top + height > shownBottom) {
      scroller.scrollTop = top + height - scroller.clientHeight;
    }
  };
})();
