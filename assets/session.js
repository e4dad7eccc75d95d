/* A page left open after its session ended (signed out elsewhere, 30 minutes idle, account
   disabled): the server answers Dash's callbacks with 401, which dash-renderer would swallow,
   leaving a page that silently stops updating. Send the browser to the login page instead, to
   come back here afterwards. The wall screen signs in with its token, never through this. */
(function () {
  "use strict";
  var original = window.fetch;
  if (!original) { return; }
  window.fetch = function (resource, init) {
    return original.apply(this, arguments).then(function (response) {
      var url = typeof resource === "string" ? resource : (resource && resource.url) || "";
      if (response.status === 401 && url.indexOf("/_dash-") !== -1 &&
          window.location.pathname !== "/login") {
        var here = window.location.pathname + window.location.search;
        window.location.assign("/login?next=" + encodeURIComponent(here));
      }
      return response;
    });
  };
}());
