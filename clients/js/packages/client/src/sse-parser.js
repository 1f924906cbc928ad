// A WHATWG-conformant parser for `text/event-stream`, apart from any connection: feed it text, get events.
// https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation

/**
 * One dispatched server-sent event.
 * @typedef {object} SseMessage
 * @property {string} type  the `event:` field, else "message"
 * @property {string} data  the `data:` lines joined with LF
 * @property {string} lastEventId  the last `id:` seen so far (it persists across events)
 */

/**
 * Incremental parser for `text/event-stream` (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * Feed it text chunks as they arrive, in any split: events split across chunks, several events in one chunk,
 * CRLF / LF / CR line ends (also a CRLF split between chunks), comment lines, `id:` tracking.
 */
export class SseParser {
  #buffer = '';
  #pendingCR = false;
  /** @type {string[]} */
  #data = [];
  #eventType = '';
  #firstChunk = true;

  /** The last event id seen (persists across events, as in EventSource). */
  lastEventId = '';

  /**
   * The reconnection time the server asked for with `retry:`, in ms, or null.
   * @type {number | null}
   */
  retry = null;

  /** Number of comment lines seen (heartbeats such as `: keepalive`). */
  comments = 0;

  /** @type {number} */
  #maxBufferSize;

  /**
   * @param {{ maxBufferSize?: number }} [options]  `maxBufferSize`: the longest line (in UTF-16 code units) the parser keeps
   *   while waiting for its end; a longer one throws a RangeError instead of growing without bound. Default 16 MiB.
   */
  constructor(options = {}) {
    this.#maxBufferSize = options.maxBufferSize ?? 16 * 1024 * 1024;
  }

  /**
   * Parses a chunk of text and returns the events it completed:
   * `{ type, data, lastEventId }` where `type` defaults to "message".
   * @param {string} chunk
   * @returns {SseMessage[]}
   */
  push(chunk) {
    if (this.#firstChunk && chunk.length > 0) {
      this.#firstChunk = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1); // a leading BOM is ignored
    }
    const events = [];
    let text = chunk;
    if (this.#pendingCR) {
      // The previous chunk ended with CR: a LF starting this one belongs to the same line break.
      this.#pendingCR = false;
      if (text.startsWith('\n')) text = text.slice(1);
    }
    this.#buffer += text;
    let start = 0;
    for (let i = 0; i < this.#buffer.length; i++) {
      const c = this.#buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      const line = this.#buffer.slice(start, i);
      if (c === 13) {
        if (i + 1 < this.#buffer.length) {
          if (this.#buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          this.#pendingCR = true;
        }
      }
      start = i + 1;
      const event = this.#processLine(line);
      if (event) events.push(event);
    }
    this.#buffer = this.#buffer.slice(start);
    if (this.#buffer.length > this.#maxBufferSize) {
      this.#buffer = '';
      throw new RangeError(`An event-stream line is longer than maxBufferSize (${this.#maxBufferSize}).`);
    }
    return events;
  }

  /** Ends the stream: an unterminated event at the end is discarded, as the standard says. */
  end() {
    this.#buffer = '';
    this.#data = [];
    this.#eventType = '';
    this.#pendingCR = false;
  }

  /**
   * @param {string} line
   * @returns {SseMessage | null}
   */
  #processLine(line) {
    if (line === '') return this.#dispatch();
    if (line.startsWith(':')) {
      this.comments++;
      return null;
    }
    const colon = line.indexOf(':');
    let field = line;
    let value = '';
    if (colon >= 0) {
      field = line.slice(0, colon);
      value = line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
    }
    switch (field) {
      case 'data':
        this.#data.push(value);
        break;
      case 'event':
        this.#eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) this.retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
    return null;
  }

  /** @returns {SseMessage | null} */
  #dispatch() {
    const type = this.#eventType || 'message';
    this.#eventType = '';
    if (this.#data.length === 0) return null;
    const data = this.#data.join('\n');
    this.#data = [];
    return { type, data, lastEventId: this.lastEventId };
  }
}
