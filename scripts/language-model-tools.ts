// Prints the `contributes.languageModelTools` entries for package.json, derived from the chat
// tool set (src/chat). `--check` compares them with package.json and exits 1 on any difference.
//   node --import tsx scripts/language-model-tools.ts [--check]
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { languageModelToolContributions } from '../src/chat/toolContributions';

const entries = languageModelToolContributions();
if (process.argv.includes('--check')) {
  const pkg = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8'));
  const current = pkg.contributes?.languageModelTools ?? [];
  if (!isDeepStrictEqual(current, entries)) {
    console.error('package.json contributes.languageModelTools differs from the tool set; paste the output of this script without --check.');
    process.exit(1);
  }
  console.log(`package.json has all ${entries.length} language model tools.`);
} else {
  console.log(JSON.stringify(entries, null, 2));
}
