// The calendar page: FullCalendar shows per-day, per-sequence counts from /api/calendar/events;
// clicking a count lists that day's touches a page at a time from /api/calendar/touches.
/* global document, window, FullCalendar */
(function () {
  'use strict';
  // A session that ended (idle, logged out elsewhere, server restarted) sends the page to the login.
  function get(url) {
    return fetch(url).then((r) => {
      if (r.status === 401) {
        window.location.assign('/login?next=' + encodeURIComponent(window.location.pathname + window.location.search));
        return Promise.reject(new Error('login required'));
      }
      return r;
    });
  }
  const el = document.getElementById('calendar');
  const form = document.getElementById('filters');
  const filters = () => {
    const params = new URLSearchParams();
    for (const name of ['sequence', 'force', 'stage']) {
      const value = form.elements[name].value;
      if (value) params.set(name, value);
    }
    return params;
  };
  let detail = null;

  const calendar = new FullCalendar.Calendar(el, {
    initialView: 'dayGridMonth',
    initialDate: el.dataset.initialDate,
    headerToolbar: { left: 'prev,next today', center: 'title', right: 'dayGridMonth,dayGridWeek,listMonth' },
    buttonText: { dayGridMonth: 'month', dayGridWeek: 'week', listMonth: 'list' },
    firstDay: 1,
    height: 'auto',
    dayMaxEvents: 4,
    eventSources: [
      function touches(info, success, failure) {
        const params = filters();
        params.set('start', info.startStr);
        params.set('end', info.endStr);
        get('/api/calendar/events?' + params)
          .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText))))
          .then(success, failure);
      },
      // Holidays of the leads' countries and paused seasons, shaded behind the counts.
      function marks(info, success, failure) {
        const params = new URLSearchParams({ start: info.startStr, end: info.endStr });
        get('/api/calendar/marks?' + params)
          .then((r) => (r.ok ? r.json() : Promise.reject(new Error(r.statusText))))
          .then(success, failure);
      },
    ],
    eventClick(info) {
      info.jsEvent.preventDefault();
      if (info.event.display === 'background') return;
      showDay(info.event.extendedProps.day, info.event.extendedProps.sequence, 0);
    },
  });
  calendar.render();
  get('/api/calendar/summary')
    .then((r) => r.text())
    .then((fragment) => {
      // Our own server's markup: counts and an SVG chart, every value escaped on the server.
      document.getElementById('volume').innerHTML = fragment;
    });
  form.addEventListener('change', () => {
    calendar.refetchEvents();
    if (detail) showDay(detail.day, detail.sequence, 0);
  });

  function cell(row, text, href) {
    const td = document.createElement('td');
    if (href) {
      const a = document.createElement('a');
      a.href = href;
      a.textContent = text;
      td.appendChild(a);
    } else td.textContent = text;
    row.appendChild(td);
  }

  function showDay(day, sequence, page) {
    const params = filters();
    params.set('day', day);
    if (sequence) params.set('sequence', sequence);
    params.set('page', String(page));
    get('/api/calendar/touches?' + params)
      .then((r) => r.json())
      .then((result) => {
        detail = { day, sequence, page, pages: result.pages };
        document.getElementById('day-detail').hidden = false;
        document.getElementById('day-title').textContent =
          day + (sequence ? ' · ' + sequence : '') + ' · ' + result.total + ' touches';
        const rows = document.getElementById('day-rows');
        rows.replaceChildren();
        for (const item of result.items) {
          const tr = document.createElement('tr');
          cell(tr, item.local);
          cell(tr, item.lead, '/leads/' + item.ref);
          cell(tr, item.sequence, '/sequences/' + encodeURIComponent(item.sequence));
          cell(tr, item.step);
          cell(tr, item.force);
          cell(tr, item.reason);
          rows.appendChild(tr);
        }
        document.getElementById('page-info').textContent = 'page ' + (page + 1) + ' of ' + Math.max(1, result.pages);
        document.getElementById('prev-page').disabled = page === 0;
        document.getElementById('next-page').disabled = page + 1 >= result.pages;
      });
  }
  document.getElementById('prev-page').addEventListener('click', () => showDay(detail.day, detail.sequence, detail.page - 1));
  document.getElementById('next-page').addEventListener('click', () => showDay(detail.day, detail.sequence, detail.page + 1));
})();
