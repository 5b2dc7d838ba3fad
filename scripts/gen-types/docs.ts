// Turns the spec's descriptions into short TSDoc comments. Upstream descriptions run to thousands
// of characters (Quantity's grammar, RawExtension's Go examples); the generated files keep the first
// paragraph, cut to its first sentence when long, so they stay small enough to read and diff.

const MAX = 200;
const ABBREVIATIONS = /(?:\be\.g|\bi\.e|\betc|\bvs|\bapprox|\bex|\bresp)\.$/i;

/** A description shortened to about {@link MAX} characters: first paragraph, else first sentence, else cut at a word. */
export function summarize(description: string | undefined): string {
  const paragraph = (description ?? '').trim().split(/\n\s*\n/)[0] ?? '';
  const text = paragraph.replace(/\s+/g, ' ').trim();
  if (text.length <= MAX) return text;
  const sentence = firstSentence(text);
  if (sentence !== undefined && sentence.length <= MAX * 1.5) return sentence;
  const cut = text.lastIndexOf(' ', MAX);
  return `${text.slice(0, cut > MAX / 2 ? cut : MAX).replace(/[\s,;:]+$/, '')}…`;
}

function firstSentence(text: string): string | undefined {
  for (const m of text.matchAll(/[.!?](?=\s+[A-Z0-9`"'(])/g)) {
    const candidate = text.slice(0, m.index + 1);
    if (candidate.length >= 20 && !ABBREVIATIONS.test(candidate)) return candidate;
  }
  return undefined;
}

/** Renders a TSDoc block at `indent`, wrapping at ~100 columns; returns '' when there is nothing to say. */
export function tsdoc(lines: string[], indent: string): string {
  const words = lines.filter((l) => l !== '').map(escapeComment);
  if (words.length === 0) return '';
  const body = words.flatMap((line, i) => [...(i > 0 ? [''] : []), ...wrap(line, 100 - indent.length - 3)]);
  if (body.length === 1 && (body[0] ?? '').length <= 100 - indent.length - 7) return `${indent}/** ${body[0] ?? ''} */\n`;
  return `${indent}/**\n${body.map((l) => (l === '' ? `${indent} *` : `${indent} * ${l}`)).join('\n')}\n${indent} */\n`;
}

// "*/" would end the comment early.
function escapeComment(text: string): string {
  return text.replaceAll('*/', '*\\/');
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(line);
  return out;
}
