// Drives ccs's OpenAI face with the official openai package, as an application would.
// Usage: node openai-client.mjs BASE_URL API_KEY; prints one JSON line per step.
import OpenAI from 'openai';

const [base, key] = process.argv.slice(2);
const client = new OpenAI({ baseURL: base + '/v1', apiKey: key, maxRetries: 0 });
const print = (value) => console.log(JSON.stringify(value));
const failure = async (kind, call) => {
  try {
    await call();
    print({ kind, status: 200 });
  } catch (e) {
    print({ kind, status: e.status, type: e.error?.type ?? e.type, code: e.code, message: e.message });
  }
};

const system = { role: 'system', content: 'Answer briefly.' };
const q1 = { role: 'user', content: 'first question [[mock:text=first answer]]' };
const first = await client.chat.completions.create({ model: 'sonnet', messages: [system, q1] });
print({ kind: 'first', id: first.id, object: first.object, content: first.choices[0].message.content,
  role: first.choices[0].message.role, finish: first.choices[0].finish_reason, usage: first.usage,
  session: first.session_id });

const a1 = { role: 'assistant', content: first.choices[0].message.content };
const q2 = { role: 'user', content: [{ type: 'text', text: 'second question [[mock:text=second answer]]' }] };
const second = await client.chat.completions.create({ model: 'sonnet', messages: [system, q1, a1, q2] });
print({ kind: 'second', content: second.choices[0].message.content, session: second.session_id });

const a2 = { role: 'assistant', content: second.choices[0].message.content };
const q3 = { role: 'user', content: 'third question [[mock:text=streamed third answer]]' };
const stream = await client.chat.completions.create({ model: 'sonnet', messages: [system, q1, a1, q2, a2, q3],
  stream: true, stream_options: { include_usage: true } });
let text = '';
let finish = null;
let usage = null;
let chunks = 0;
let role = null;
for await (const chunk of stream) {
  chunks++;
  const choice = chunk.choices[0];
  if (choice?.delta?.role) role = choice.delta.role;
  if (choice?.delta?.content) text += choice.delta.content;
  if (choice?.finish_reason) finish = choice.finish_reason;
  if (chunk.usage) usage = chunk.usage;
}
print({ kind: 'stream', text, finish, usage, chunks, role });

const models = await client.models.list();
print({ kind: 'models', ids: models.data.map((m) => m.id) });

await failure('badModel', () => client.chat.completions.create({ model: 'gpt-4o', messages: [q1] }));
await failure('emptyMessages', () => client.chat.completions.create({ model: 'sonnet', messages: [] }));
await failure('imagePart', () => client.chat.completions.create({ model: 'sonnet', messages: [{ role: 'user',
  content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] }));
await failure('tools', () => client.chat.completions.create({ model: 'sonnet', messages: [q1],
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }] }));
const stranger = new OpenAI({ baseURL: base + '/v1', apiKey: 'sk-not-a-ccs-key', maxRetries: 0 });
await failure('unauthorized', () => stranger.chat.completions.create({ model: 'sonnet', messages: [q1] }));
