// The tether-chat page: one WebSocket to /chat, speaking the JSON protocol of
// samples/chat/README.md. Everything a user typed reaches the page through
// textContent only, never as HTML, so a message cannot inject markup.
'use strict';

const $ = (id) => document.getElementById(id);

let socket = null;
let myNick = null;       // set by `welcome`; sent again after a reconnect
let named = false;       // whether this connection's `hello` was accepted
let currentRoom = null;
let nextRef = 1;
const rooms = new Map(); // room name -> { tab, panel, members, messages, ids }
const pending = new Map(); // ref -> { room, text } until `ack` or `error`

// -- connection ---------------------------------------------------------------

function connect() {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  socket = new WebSocket(`${scheme}//${location.host}/chat`);
  setStatus('connecting', 'connecting');
  socket.addEventListener('open', onOpen);
  socket.addEventListener('message', (event) => onMessage(event.data));
  socket.addEventListener('close', onClose);
}

function onOpen() {
  setStatus('connected', 'connected');
  named = false;
  // After a reconnect the server knows nothing of us: ask for the same
  // nickname again; `welcome` then rejoins the rooms that were open.
  if (myNick !== null) {
    send({ type: 'hello', nick: myNick });
  } else {
    setEnabled($('nick-form'), true);
  }
}

function onClose(event) {
  const why = event.code === 1000 || event.code === 1005 ? '' : ` (code ${event.code})`;
  setStatus('disconnected', `disconnected${why}`);
  $('reconnect').hidden = false;
  // What the page shows is now only as fresh as the moment it was cut off.
  $('chat').classList.add('offline');
  setEnabled($('nick-form'), false);
  setEnabled($('join-form'), false);
  setSendEnabled(false);
  pending.clear();
}

function send(message) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    socket.send(JSON.stringify(message));
  }
}

function setStatus(state, text) {
  const status = $('status');
  status.dataset.state = state;
  status.textContent = text;
}

// -- messages from the server -------------------------------------------------

const handlers = {
  welcome(m) {
    myNick = m.nick;
    named = true;
    $('me').textContent = m.nick;
    $('nick-form').hidden = true;
    $('chat').hidden = false;
    $('chat').classList.remove('offline');
    setEnabled($('join-form'), true);
    hideError();
    for (const room of rooms.keys()) send({ type: 'join', room });
    if (rooms.size === 0) $('room').focus();
  },
  joined(m) {
    // A room joined again after a reconnect starts over from the server's
    // history, and keeps its place among the tabs.
    const known = rooms.has(m.room);
    const room = known ? rooms.get(m.room) : addRoom(m.room);
    room.messages.replaceChildren(...m.history.map(messageItem));
    room.ids = new Set(m.history.map((h) => h.id));
    room.members.replaceChildren();
    for (const nick of m.members) addMember(room, nick);
    if (!known || currentRoom === m.room) selectRoom(m.room);
    scrollToEnd(room);
  },
  left(m) {
    removeRoom(m.room);
  },
  presence(m) {
    const room = rooms.get(m.room);
    if (!room) return;
    if (m.event === 'join') addMember(room, m.nick);
    else removeMember(room, m.nick);
    appendToLog(room, presenceItem(m.nick, m.event));
  },
  message(m) {
    const room = rooms.get(m.room);
    // The server sends each message once; should one come again, the log
    // must not show it twice.
    if (!room || room.ids.has(m.id)) return;
    room.ids.add(m.id);
    appendToLog(room, messageItem(m));
    if (m.room !== currentRoom) room.tab.classList.add('unread');
  },
  ack(m) {
    pending.delete(m.ref);
  },
  error(m) {
    // A second click on Join before `joined` came: the first join answers.
    if (m.code === 'already_joined') return;
    showError(`${m.message} (${m.code})`);
    // A refused `say` had no effect: give the text back to retype.
    const request = pending.get(m.ref);
    pending.delete(m.ref);
    if (request && request.room === currentRoom && $('text').value === '') {
      $('text').value = request.text;
    }
    // After a reconnect the old connection may still hold the nickname
    // until the server notices it is gone: let the user pick again.
    if (!named && m.code === 'nick_taken') showNickForm();
  },
};

function onMessage(data) {
  let message;
  try {
    message = JSON.parse(data);
  } catch {
    showError('the server sent something that is not JSON');
    return;
  }
  // Unknown types are ignored, so an older page keeps working with a newer server.
  if (Object.hasOwn(handlers, message.type)) handlers[message.type](message);
}

// -- rooms --------------------------------------------------------------------

function addRoom(name) {
  const panel = $('panel-template').content.firstElementChild.cloneNode(true);
  panel.dataset.room = name;
  panel.hidden = true;
  panel.querySelector('.room-name').textContent = `#${name}`;
  panel.querySelector('.leave').addEventListener('click', () => {
    send({ type: 'leave', room: name });
  });
  $('panels').append(panel);

  const tab = document.createElement('li');
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = `#${name}`;
  button.addEventListener('click', () => selectRoom(name));
  tab.dataset.room = name;
  tab.append(button);
  $('rooms').append(tab);

  const room = {
    tab,
    panel,
    members: panel.querySelector('.members'),
    messages: panel.querySelector('.messages'),
    ids: new Set(), // ids of the messages shown
  };
  rooms.set(name, room);
  return room;
}

function removeRoom(name) {
  const room = rooms.get(name);
  if (!room) return;
  room.tab.remove();
  room.panel.remove();
  rooms.delete(name);
  if (currentRoom === name) {
    currentRoom = null;
    const next = rooms.keys().next();
    if (!next.done) selectRoom(next.value);
    else setSendEnabled(false);
  }
}

function selectRoom(name) {
  currentRoom = name;
  for (const [other, room] of rooms) {
    const selected = other === name;
    room.panel.hidden = !selected;
    room.tab.classList.toggle('selected', selected);
    if (selected) room.tab.classList.remove('unread');
  }
  setSendEnabled(true);
  $('text').placeholder = `Message #${name}`;
  $('text').focus();
}

function addMember(room, nick) {
  const present = [...room.members.children].map((li) => li.textContent);
  if (present.includes(nick)) return;
  const item = document.createElement('li');
  item.textContent = nick;
  if (nick === myNick) item.classList.add('me');
  // Keep the list sorted, as the server sends it in `joined`.
  const after = [...room.members.children].find((li) => li.textContent > nick);
  room.members.insertBefore(item, after || null);
}

function removeMember(room, nick) {
  for (const item of room.members.children) {
    if (item.textContent === nick) item.remove();
  }
}

// -- the message log ----------------------------------------------------------

function messageItem(m) {
  const item = document.createElement('li');
  item.className = 'message';
  item.dataset.id = m.id;
  const time = new Date(m.ts);
  const clock = span('time', time.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
  clock.title = time.toLocaleString();
  item.append(clock, span('nick', m.nick), span('text', m.text));
  return item;
}

function presenceItem(nick, event) {
  const item = document.createElement('li');
  item.className = 'presence';
  item.dataset.event = event;
  item.dataset.nick = nick;
  item.textContent = `${nick} ${event === 'join' ? 'joined' : 'left'}`;
  return item;
}

function span(className, text) {
  const element = document.createElement('span');
  element.className = className;
  element.textContent = text;
  return element;
}

function appendToLog(room, item) {
  const log = room.panel.querySelector('.log');
  const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 40;
  room.messages.append(item);
  // Follow new lines, unless the reader scrolled up to read older ones.
  if (atEnd) scrollToEnd(room);
}

function scrollToEnd(room) {
  const log = room.panel.querySelector('.log');
  log.scrollTop = log.scrollHeight;
}

// -- forms and errors ---------------------------------------------------------

function setEnabled(form, enabled) {
  for (const element of form.elements) element.disabled = !enabled;
}

function setSendEnabled(enabled) {
  $('text').disabled = !enabled;
  $('send').disabled = !enabled;
}

function showNickForm() {
  $('nick-form').hidden = false;
  setEnabled($('nick-form'), true);
  $('nick').focus();
}

function showError(text) {
  $('error-text').textContent = text;
  $('error').hidden = false;
}

function hideError() {
  $('error').hidden = true;
}

$('nick-form').addEventListener('submit', (event) => {
  event.preventDefault();
  send({ type: 'hello', nick: $('nick').value });
});

$('join-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const room = $('room').value;
  if (rooms.has(room)) selectRoom(room);
  else send({ type: 'join', room });
});

$('send-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('text').value;
  if (currentRoom === null || text === '') return;
  const ref = String(nextRef++);
  pending.set(ref, { room: currentRoom, text });
  send({ type: 'say', room: currentRoom, text, ref });
  $('text').value = '';
});

$('reconnect').addEventListener('click', () => {
  $('reconnect').hidden = true;
  connect();
});

$('error-close').addEventListener('click', hideError);

setEnabled($('nick-form'), false);
connect();
