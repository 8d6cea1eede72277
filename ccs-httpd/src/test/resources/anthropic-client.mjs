// Drives ccs's Anthropic face with the official @anthropic-ai/sdk package, as an application would.
// Usage: node anthropic-client.mjs BASE_URL API_KEY; prints one JSON line per step.
import Anthropic from '@anthropic-ai/sdk';

const [base, key] = process.argv.slice(2);
const client = new Anthropic({ baseURL: base, apiKey: key, maxRetries: 0 });
const print = (value) => console.log(JSON.stringify(value));
const failure = async (kind, call) => {
  try {
    await call();
    print({ kind, status: 200 });
  } catch (e) {
    print({ kind, status: e.status, type: e.error?.error?.type, message: e.error?.error?.message ?? e.message });
  }
};

const q1 = { role: 'user', content: 'first question [[mock:text=first answer]]' };
const first = await client.messages.create({ model: 'sonnet', max_tokens: 1024, system: 'Answer briefly.',
  messages: [q1] });
print({ kind: 'first', id: first.id, type: first.type, role: first.role, text: first.content[0].text,
  blocks: first.content.length, stop: first.stop_reason, usage: first.usage });

const a1 = { role: 'assistant', content: first.content[0].text };
const q2 = { role: 'user', content: [{ type: 'text', text: 'second question [[mock:text=second answer]]' }] };
const stream = await client.messages.create({ model: 'sonnet', max_tokens: 1024, system: 'Answer briefly.',
  messages: [q1, a1, q2], stream: true });
const events = [];
let text = '';
let stop = null;
let usage = null;
for await (const event of stream) {
  events.push(event.type);
  if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
  if (event.type === 'message_delta') {
    stop = event.delta.stop_reason;
    usage = event.usage;
  }
}
print({ kind: 'stream', text, stop, usage, events });

const helper = client.messages.stream({ model: 'sonnet', max_tokens: 1024, system: 'Answer briefly.',
  messages: [q1, a1, q2, { role: 'assistant', content: text },
    { role: 'user', content: 'third question [[mock:text=third answer]]' }] });
const final = await helper.finalMessage();
print({ kind: 'third', text: final.content[0].text, stop: final.stop_reason });

await failure('badModel', () => client.messages.create({ model: 'gpt-4o', max_tokens: 10, messages: [q1] }));
await failure('emptyMessages', () => client.messages.create({ model: 'sonnet', max_tokens: 10, messages: [] }));
await failure('imageBlock', () => client.messages.create({ model: 'sonnet', max_tokens: 10, messages: [{ role: 'user',
  content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'AAAA' } }] }] }));
const stranger = new Anthropic({ baseURL: base, apiKey: 'sk-ant-not-a-ccs-key', maxRetries: 0 });
await failure('unauthorized', () => stranger.messages.create({ model: 'sonnet', max_tokens: 10, messages: [q1] }));
