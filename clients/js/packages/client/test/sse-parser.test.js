// The SSE parser (moved here from the sample's flowstream.js): every split point, CR/LF/CRLF, BOM, comments.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { SseParser } from '../src/index.js';

const stream = 'id: 1\ndata: {"type":"a"}\n\nid: 2\ndata: {"type":"b"}\n\n: keepalive\n\nid: 3\ndata: {"type":"c"}\n\n';

/** Feeds the chunks in order and returns every event with the parser. */
function parse(chunks) {
  const parser = new SseParser();
  const events = chunks.flatMap((chunk) => parser.push(chunk));
  return { events, parser };
}

const expected = [
  { type: 'message', data: '{"type":"a"}', lastEventId: '1' },
  { type: 'message', data: '{"type":"b"}', lastEventId: '2' },
  { type: 'message', data: '{"type":"c"}', lastEventId: '3' },
];

test('whole stream in one chunk gives every event, comments skipped', () => {
  const { events, parser } = parse([stream]);
  assert.deepEqual(events, expected);
  assert.equal(parser.comments, 1);
  assert.equal(parser.lastEventId, '3');
});

test('every split point of the stream gives the same events', () => {
  for (let i = 0; i <= stream.length; i++) {
    assert.deepEqual(parse([stream.slice(0, i), stream.slice(i)]).events, expected, `split at ${i}`);
  }
});

test('one character per chunk gives the same events', () => {
  assert.deepEqual(parse([...stream]).events, expected);
});

test('CRLF, CR and LF line ends are all line ends', () => {
  for (const eol of ['\r\n', '\r', '\n']) {
    const text = stream.replaceAll('\n', eol);
    assert.deepEqual(parse([text]).events, expected, JSON.stringify(eol));
    assert.deepEqual(parse([...text]).events, expected, `${JSON.stringify(eol)} char by char`);
  }
});

test('a CRLF split between two chunks is one line end, not two', () => {
  const { events } = parse(['id: 1\r\ndata: x\r', '\n\r', '\nid: 2\r\ndata: y\r\n\r\n']);
  assert.deepEqual(events.map((e) => [e.lastEventId, e.data]), [['1', 'x'], ['2', 'y']]);
});

test('several events in one chunk, and an event split over three chunks', () => {
  const { events } = parse(['id: 1\ndata: a\n\nid: 2\ndata: b\n\nid: 3\nda', 'ta: c', '\n\n']);
  assert.deepEqual(events.map((e) => e.data), ['a', 'b', 'c']);
});

test('multi-line data joins with LF; a missing space after the colon is fine; one leading space only is stripped', () => {
  const { events } = parse(['data:one\ndata:  two\ndata\n\n']);
  assert.deepEqual(events.map((e) => e.data), ['one\n two\n']);
});

test('the id persists across events until changed, an id with NUL is ignored, an empty id resets it', () => {
  const { events } = parse(['id: 7\ndata: a\n\ndata: b\n\nid: 8\0\ndata: c\n\nid\ndata: d\n\n']);
  assert.deepEqual(events.map((e) => e.lastEventId), ['7', '7', '7', '']);
});

test('event and retry fields; unknown fields ignored; no data means no event', () => {
  const { events, parser } = parse(['event: ping\nretry: 1500\nfoo: bar\n\nevent: custom\ndata: x\n\nretry: soon\n\n']);
  assert.deepEqual(events, [{ type: 'custom', data: 'x', lastEventId: '' }]);
  assert.equal(parser.retry, 1500);
});

test('a leading BOM is ignored; an unterminated event at the end is dropped', () => {
  const parser = new SseParser();
  const events = parser.push('\uFEFFdata: a\n\ndata: b');
  parser.end();
  assert.deepEqual(events.map((e) => e.data), ['a']);
});

test('multi-byte characters split across byte chunks survive a streaming TextDecoder', () => {
  const bytes = new TextEncoder().encode('id: 1\ndata: {"text":"héllo ✓ 🚀"}\n\n');
  const decoder = new TextDecoder();
  const parser = new SseParser();
  const events = [];
  for (let i = 0; i < bytes.length; i++) events.push(...parser.push(decoder.decode(bytes.slice(i, i + 1), { stream: true })));
  assert.deepEqual(JSON.parse(events[0].data), { text: 'héllo ✓ 🚀' });
});

test('a leading BOM at every split point is dropped once; a second BOM is data', () => {
  const text = '\uFEFF' + stream;
  for (let i = 0; i <= text.length; i++) {
    assert.deepEqual(parse([text.slice(0, i), text.slice(i)]).events, expected, `split at ${i}`);
  }
  assert.deepEqual(parse(['\uFEFFdata: a\n\n\uFEFFdata: b\n\n']).events.map((e) => e.data), ['a']);
});

test('comments at every split point are counted and never dispatched, with CRLF too', () => {
  const text = ': hello\r\nid: 1\r\n: mid-event comment\r\ndata: x\r\n\r\n:\r\n';
  for (let i = 0; i <= text.length; i++) {
    const { events, parser } = parse([text.slice(0, i), text.slice(i)]);
    assert.deepEqual(events.map((e) => [e.lastEventId, e.data]), [['1', 'x']], `split at ${i}`);
    assert.equal(parser.comments, 3, `split at ${i}`);
  }
});

test('a line longer than maxBufferSize throws instead of growing without bound', () => {
  const parser = new SseParser({ maxBufferSize: 10 });
  assert.throws(() => parser.push('data: 0123456789abc'), RangeError);
});
