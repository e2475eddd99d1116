// Every review page: copies the session's CSRF token (the nurture_csrf cookie, which only our own
// pages can read) into the _csrf field of each form that changes something, and offers it to
// page scripts as nurtureCsrf() for an X-CSRF-Token header. The server compares it with the
// session's own token, and checks the Origin, before any POST, PUT or DELETE behind the login.
/* global document, window */
(function () {
  'use strict';
  function csrf() {
    const pairs = document.cookie.split(';').map((c) => c.trim());
    for (const name of ['__Host-nurture_csrf=', 'nurture_csrf=']) {
      const found = pairs.find((c) => c.startsWith(name));
      if (found) return found.slice(name.length);
    }
    return '';
  }
  window.nurtureCsrf = csrf;
  function fill() {
    for (const field of document.querySelectorAll('form input[name="_csrf"]')) field.value = csrf();
  }
  fill();
  // At submit time too: the token a form carries is the one of the session the browser has now.
  document.addEventListener('submit', fill, true);
})();
