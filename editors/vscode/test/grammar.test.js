'use strict';
// The TextMate grammar (syntaxes/exm.tmLanguage.json), tokenized the way VS Code does it
// (vscode-textmate on vscode-oniguruma), against a small lexer written from grammar/exm.pest and
// the keyword and value lists of src/syntax/schema.rs. Every plan that exgen accepts
// (examples/, tests/plans/ok/, tests/plans/cli/, and the exm blocks of README.md and
// docs/language.md) is tokenized line by line, and so are the plans of tests/plans/fail/ and
// tests/plans/bad/, which are checked for what their errors leave intact (comments, strings,
// punctuation, keywords, whole words).

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vsctm = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const extensionDir = path.join(__dirname, '..');
const repo = path.join(extensionDir, '..', '..');

// ---- What the Rust side says the language is ----

const schemaText = fs.readFileSync(path.join(repo, 'src/syntax/schema.rs'), 'utf8');

/** The text of `fn NAME` in schema.rs, up to the next `pub fn`. */
function schemaFunction(name) {
  const start = schemaText.indexOf(`pub fn ${name}(`);
  assert.ok(start >= 0, `schema.rs has no fn ${name}`);
  const end = schemaText.indexOf('pub fn ', start + 1);
  return schemaText.slice(start, end < 0 ? undefined : end);
}

const quoted = (text) => [...text.matchAll(/"([^"\\]*)"/g)].map((m) => m[1]);

/** Every `pub const NAME: &[&str] = &[...]` of schema.rs: the value word lists. */
const valueLists = Object.fromEntries(
  [...schemaText.matchAll(/pub const (\w+): &\[&str\] = &\[([\s\S]*?)\];/g)].map((m) => [
    m[1],
    quoted(m[2]),
  ]),
);

/** Every keyword a statement can start with: the block names and every `keywords()` arm. */
const statementKeywords = (() => {
  const words = new Set(quoted(schemaFunction('name')));
  const arms = schemaFunction('keywords');
  for (const word of quoted(arms)) words.add(word);
  for (const m of arms.matchAll(/=>\s*([A-Z][A-Z_]+)\s*,/g)) {
    assert.ok(valueLists[m[1]], `schema.rs: keywords() names ${m[1]}, which is not a list`);
    for (const word of valueLists[m[1]]) words.add(word);
  }
  return words;
})();

/** The checks a `validate` block lists: `validation_checks` of every specs/*.yaml. */
const validationChecks = (() => {
  const checks = new Set();
  for (const file of fs.readdirSync(path.join(repo, 'specs')).filter((f) => f.endsWith('.yaml'))) {
    const text = fs.readFileSync(path.join(repo, 'specs', file), 'utf8');
    for (const m of text.matchAll(/^validation_checks:\s*\[([^\]]*)\]/gm)) {
      for (const check of m[1].split(',')) checks.add(check.trim());
    }
  }
  return checks;
})();

/** Which statement takes which schema list as values. A new list fails the test until added. */
const valuesOf = {
  roles: ['ROLES'],
  cluster: ['CLUSTER_KINDS'],
  services: ['CERT_SERVICES'],
  names: ['NAMESPACE_KINDS'],
  auth: ['OA_AUTH', 'CONNECTOR_AUTH'],
  'iis-auth': ['IIS_AUTH'],
  organization: ['MODES'],
  'ssl-offloading': ['ON_OFF'],
  update: ['GALSYNC_UPDATES'],
  schedule: ['PERIODS'],
  method: ['MOVE_METHODS'],
};
const valueWords = Object.fromEntries(
  Object.entries(valuesOf).map(([keyword, lists]) => [
    keyword,
    new Set(lists.flatMap((list) => valueLists[list] || [])),
  ]),
);

/** The statements that declare a name, and the scope the name gets. */
const declarations = {
  server: 'entity.name.server.exm',
  site: 'entity.name.site.exm',
  database: 'entity.name.database.exm',
  'public-folder-database': 'entity.name.database.exm',
  dag: 'entity.name.dag.exm',
  ccr: 'entity.name.ccr.exm',
  forest: 'entity.name.forest.exm',
};

// ---- A lexer written from grammar/exm.pest ----

const WORD = /[A-Za-z0-9_][A-Za-z0-9_.-]*/y;
const TIME = /[0-9]{1,2}:[0-9]{2}(?![A-Za-z0-9_.-])/y;
const BUILD = /[0-9]+(?:\.[0-9]+)+(?![A-Za-z0-9_.-])/y;
const NUMBER = /[0-9]+(?![A-Za-z0-9_.-])/y;

/**
 * The tokens of one line as exm.pest reads them. Each: kind, start, end, text; `first` for the
 * keyword that starts a statement; `keyword` (lower case) and `arg` (0-based) for arguments.
 */
function lex(line) {
  const out = [];
  let i = 0;
  let atStart = true; // at the start of a statement: line start, after `{` or `;`
  let keyword = null;
  let arg = 0;
  const sticky = (re) => {
    re.lastIndex = i;
    const m = re.exec(line);
    return m ? m[0] : null;
  };
  const push = (kind, end, extra = {}) => {
    out.push({ kind, start: i, end, text: line.slice(i, end), ...extra });
    i = end;
  };
  while (i < line.length) {
    const c = line[i];
    if (c === ' ' || c === '\t' || c === '\uFEFF') {
      i += 1;
    } else if (c === '#') {
      push('comment', line.length);
    } else if (c === '"') {
      let j = i + 1;
      const escapes = [];
      for (;;) {
        if (j >= line.length) break;
        if (line[j] === '"' && line[j + 1] === '"') {
          escapes.push(j);
          j += 2;
        } else if (line[j] === '"') {
          break;
        } else {
          j += 1;
        }
      }
      const closed = j < line.length;
      push(closed ? 'string' : 'unterminated', closed ? j + 1 : line.length, {
        escapes,
        keyword,
        arg: arg++,
      });
    } else if (c === '{' || c === ';') {
      push(c === '{' ? 'open' : 'sep', i + 1);
      atStart = true;
      keyword = null;
    } else if (c === '}') {
      push('close', i + 1);
      atStart = false;
      keyword = null;
    } else if (c === ',') {
      push('comma', i + 1);
    } else if (atStart && sticky(WORD)) {
      const text = sticky(WORD);
      push('word', i + text.length, { first: true });
      atStart = false;
      keyword = text.toLowerCase();
      arg = 0;
    } else {
      const time = sticky(TIME);
      const build = !time && sticky(BUILD);
      const number = !time && !build && sticky(NUMBER);
      const word = !time && !build && !number && sticky(WORD);
      const text = time || build || number || word;
      if (text) {
        const kind = time ? 'time' : build ? 'build' : number ? 'number' : 'word';
        push(kind, i + text.length, { keyword, arg: arg++ });
      } else {
        push('stray', i + 1);
      }
    }
  }
  return out;
}

// ---- The grammar, loaded as VS Code loads it ----

const grammarPath = path.join(extensionDir, 'syntaxes', 'exm.tmLanguage.json');

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName) =>
      scopeName === 'source.exm'
        ? vsctm.parseRawGrammar(fs.readFileSync(grammarPath, 'utf8'), grammarPath)
        : null,
  });
  const grammar = await registry.loadGrammar('source.exm');
  assert.ok(grammar, 'the grammar loads');
  return grammar;
}

const grammarReady = loadGrammar();

/** The lines of a text, each with its tokens, tokenized in order as an editor does. */
function tokenizeText(grammar, text) {
  let stack = vsctm.INITIAL;
  return text.split(/\r\n|\n|\r/).map((line) => {
    const result = grammar.tokenizeLine(line, stack);
    stack = result.ruleStack;
    return { line, tokens: result.tokens };
  });
}

// ---- Checks ----

const has = (token, scope) => token.scopes.some((s) => s === scope || s.startsWith(`${scope}.`));
const show = (line, token) =>
  `${JSON.stringify(line.slice(token.startIndex, token.endIndex))} [${token.scopes.join(' ')}]`;

/**
 * Checks one line's tokens against the lexer. `strict` (plans exgen accepts): every word is
 * classified, and nothing is invalid. Returns the problems found, each a string.
 */
function checkLine(line, tokens, strict) {
  const problems = [];
  const fail = (lexeme, message, token) =>
    problems.push(
      `col ${lexeme.start + 1} ${JSON.stringify(lexeme.text)}: ${message}` +
        (token ? `: ${show(line, token)}` : ''),
    );
  const within = (lexeme) =>
    tokens.filter((t) => t.endIndex > lexeme.start && t.startIndex < lexeme.end);
  const whole = (lexeme) => {
    const ts = within(lexeme);
    if (ts.length !== 1 || ts[0].startIndex !== lexeme.start || ts[0].endIndex !== lexeme.end) {
      fail(lexeme, `not one token (${ts.map((t) => show(line, t)).join(', ')})`);
      return null;
    }
    return ts[0];
  };
  const every = (lexeme, scope) => {
    for (const t of within(lexeme)) {
      if (!has(t, scope)) fail(lexeme, `a part is not ${scope}`, t);
    }
  };

  for (const lexeme of lex(line)) {
    switch (lexeme.kind) {
      case 'comment':
        every(lexeme, 'comment.line.number-sign.exm');
        break;
      case 'string':
      case 'unterminated': {
        for (const t of within(lexeme)) {
          if (t.startIndex < lexeme.start || t.endIndex > lexeme.end) {
            fail(lexeme, 'a token runs past the string', t);
          }
          if (!has(t, 'string.quoted.double.exm')) fail(lexeme, 'a part is not a string', t);
          for (const scope of ['keyword', 'comment', 'constant.language', 'punctuation.section']) {
            if (has(t, scope)) fail(lexeme, `${scope} inside a string`, t);
          }
        }
        for (const at of lexeme.escapes) {
          const escape = tokens.find((t) => t.startIndex === at && t.endIndex === at + 2);
          if (!escape || !has(escape, 'constant.character.escape')) {
            fail(lexeme, `"" at col ${at + 1} is not one escape token`);
          }
        }
        if (lexeme.kind === 'unterminated') every(lexeme, 'invalid.illegal.unterminated-string');
        if (declarations[lexeme.keyword] && lexeme.arg === 0) {
          every(lexeme, declarations[lexeme.keyword]);
        }
        break;
      }
      case 'open':
      case 'close':
      case 'sep':
      case 'comma': {
        const t = whole(lexeme);
        const scope = {
          open: 'punctuation.section.block.begin.exm',
          close: 'punctuation.section.block.end.exm',
          sep: 'punctuation.terminator.statement.exm',
          comma: 'punctuation.separator.comma.exm',
        }[lexeme.kind];
        if (t && !has(t, scope)) fail(lexeme, `not ${scope}`, t);
        break;
      }
      case 'time':
      case 'build':
      case 'number': {
        const t = whole(lexeme);
        const scope = lexeme.kind === 'time' ? 'constant.numeric.time' : 'constant.numeric';
        if (t && !has(t, scope)) fail(lexeme, `not ${scope}`, t);
        break;
      }
      case 'stray': {
        const t = whole(lexeme);
        if (t && !has(t, 'invalid.illegal')) fail(lexeme, 'a stray character is not invalid', t);
        break;
      }
      case 'word': {
        const t = whole(lexeme);
        if (!t) break;
        const word = lexeme.text.toLowerCase();
        if (lexeme.first) {
          if (statementKeywords.has(word)) {
            if (!has(t, 'keyword.other.exm')) fail(lexeme, 'a statement keyword is not a keyword', t);
          } else if (validationChecks.has(word)) {
            if (!has(t, 'support.function.check.exm')) fail(lexeme, 'a check is not scoped', t);
          } else if (strict) {
            fail(lexeme, 'a statement starts with a word the test knows as no keyword', t);
          } else if (has(t, 'keyword')) {
            fail(lexeme, 'an unknown statement word is a keyword', t);
          }
          break;
        }
        if (declarations[lexeme.keyword] && lexeme.arg === 0 && !has(t, declarations[lexeme.keyword])) {
          fail(lexeme, `a declared name is not ${declarations[lexeme.keyword]}`, t);
        }
        const values = valueWords[lexeme.keyword];
        if (values && values.has(word) && !has(t, 'constant.language.exm')) {
          fail(lexeme, `a value of \`${lexeme.keyword}\` is not constant.language.exm`, t);
        }
        if (strict && t.scopes.length < 2) fail(lexeme, 'an unscoped word', t);
        break;
      }
      default:
        throw new Error(`lexeme kind ${lexeme.kind}`);
    }
  }
  if (strict) {
    for (const t of tokens) {
      if (t.scopes.some((s) => s.startsWith('invalid'))) {
        problems.push(`col ${t.startIndex + 1}: invalid in a valid plan: ${show(line, t)}`);
      }
    }
  }
  return problems;
}

function plansIn(folder) {
  const dir = path.join(repo, folder);
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.exm'))
    .sort()
    .map((f) => path.join(dir, f));
}

/** A plan file: its name for messages, its text, and the line its text starts on. */
const planFile = (file) => ({
  name: path.relative(repo, file),
  text: fs.readFileSync(file, 'utf8'),
  firstLine: 1,
});

/** The ```exm blocks of a Markdown file, which its tests check as plans exgen accepts. */
function exmBlocks(markdown) {
  const name = path.relative(repo, markdown);
  const blocks = [];
  let current = null;
  fs.readFileSync(markdown, 'utf8')
    .split('\n')
    .forEach((line, n) => {
      if (current && line.trim() === '```') {
        blocks.push({ name, text: current.lines.join('\n'), firstLine: current.firstLine });
        current = null;
      } else if (current) {
        current.lines.push(line);
      } else if (/^```exm(\s|$)/.test(line.trim())) {
        current = { lines: [], firstLine: n + 2 };
      }
    });
  return blocks;
}

/** Tokenizes plans and checks each line; fails with every problem, by file and line. */
async function checkPlans(plans, strict) {
  const grammar = await grammarReady;
  const problems = [];
  let lines = 0;
  for (const plan of plans) {
    tokenizeText(grammar, plan.text).forEach(({ line, tokens }, n) => {
      lines += 1;
      for (const p of checkLine(line, tokens, strict)) {
        problems.push(`${plan.name}:${plan.firstLine + n}: ${p}`);
      }
    });
  }
  assert.deepEqual(problems, [], `${problems.length} problems:\n${problems.join('\n')}`);
  return lines;
}

const acceptedPlans = [
  ...plansIn('examples'),
  ...plansIn('tests/plans/ok'),
  ...plansIn('tests/plans/cli'),
].map(planFile);
const docPlans = [
  ...exmBlocks(path.join(repo, 'README.md')),
  ...exmBlocks(path.join(repo, 'docs/language.md')),
];
const rejectedPlans = [...plansIn('tests/plans/fail'), ...plansIn('tests/plans/bad')].map(planFile);

// ---- Tests ----

test('the lists the test reads from the Rust side are there', () => {
  for (const word of ['plan', 'server', 'public-folder-database', 'move', 'primary', 'new']) {
    assert.ok(statementKeywords.has(word), `keyword ${word}`);
  }
  assert.ok(statementKeywords.size > 60, `only ${statementKeywords.size} keywords found`);
  assert.ok(validationChecks.has('service-health'), 'validation checks found in specs/');
  for (const list of Object.keys(valueLists)) {
    const used = Object.values(valuesOf).some((lists) => lists.includes(list));
    assert.ok(used, `schema.rs list ${list}: say in valuesOf which statement takes it`);
  }
  for (const lists of Object.values(valuesOf)) {
    for (const list of lists) assert.ok(valueLists[list], `schema.rs has no list ${list}`);
  }
  assert.ok(acceptedPlans.length >= 25, `${acceptedPlans.length} accepted plans`);
  assert.ok(docPlans.length >= 20, `${docPlans.length} plans in README.md and docs/language.md`);
  assert.ok(rejectedPlans.length >= 100, `${rejectedPlans.length} rejected plans`);
});

test('every line of every accepted plan is scoped as the language reads it', async (t) => {
  const lines = await checkPlans(acceptedPlans, true);
  assert.ok(lines > 1000, `${lines} lines`);
  t.diagnostic(`${acceptedPlans.length} accepted plans, ${lines} lines`);
});

test('so is every plan the README and the language reference show', async (t) => {
  const lines = await checkPlans(docPlans, true);
  t.diagnostic(`${docPlans.length} plans in README.md and docs/language.md, ${lines} lines`);
});

test('rejected plans keep comments, strings, punctuation, keywords and words whole', async (t) => {
  const lines = await checkPlans(rejectedPlans, false);
  t.diagnostic(`${rejectedPlans.length} rejected plans, ${lines} lines`);
});

test('every schema keyword is a keyword at the start of a statement, in any case, whole', async () => {
  const grammar = await grammarReady;
  const problems = [];
  for (const keyword of statementKeywords) {
    for (const word of [keyword, keyword.toUpperCase()]) {
      for (const line of [word, `  ${word} "x"`, `site A { ${word}; ${word} }`, `${word}{`]) {
        const { tokens } = tokenizeText(grammar, line)[0];
        problems.push(...checkLine(line, tokens, true).map((p) => `${line}: ${p}`));
      }
      // Only as a whole word: not the start or the end of a longer one.
      for (const line of [`${word}-x A`, `${word}.x A`, `x-${word} A`, `${word}x`]) {
        const { tokens } = tokenizeText(grammar, line)[0];
        for (const t of tokens) {
          if (has(t, 'keyword')) problems.push(`${line}: part of a word is a keyword: ${show(line, t)}`);
        }
      }
    }
  }
  for (const check of validationChecks) {
    const line = `validate on MAIL2010 { ${check}; ${check.toUpperCase()} }`;
    const { tokens } = tokenizeText(grammar, line)[0];
    problems.push(...checkLine(line, tokens, true).map((p) => `${line}: ${p}`));
  }
  assert.deepEqual(problems, []);
});

test('every value of every schema list is constant.language after its statement', async () => {
  const grammar = await grammarReady;
  const problems = [];
  for (const [keyword, words] of Object.entries(valueWords)) {
    for (const value of words) {
      const lead = keyword === 'organization' ? 'organization "Contoso" mode' : keyword;
      for (const line of [`${lead} ${value}`, `${lead} ${value.toUpperCase()}`]) {
        const { tokens } = tokenizeText(grammar, line)[0];
        const at = line.lastIndexOf(' ') + 1;
        const t = tokens.find((x) => x.startIndex === at && x.endIndex === line.length);
        if (!t || !has(t, 'constant.language.exm')) {
          problems.push(`${line}: ${t ? show(line, t) : 'not one token'}`);
        }
        // Part of a longer word is not a value.
        const longer = `${lead} ${value}-x`;
        for (const x of tokenizeText(grammar, longer)[0].tokens) {
          if (has(x, 'constant.language')) problems.push(`${longer}: ${show(longer, x)}`);
        }
      }
    }
  }
  assert.deepEqual(problems, []);
});

/** The scopes of each non-blank token of a text's lines, as "text: scope scope". */
async function scopesOf(text) {
  const grammar = await grammarReady;
  return tokenizeText(grammar, text).flatMap(({ line, tokens }) =>
    tokens
      .filter((t) => line.slice(t.startIndex, t.endIndex).trim() !== '')
      .map((t) => `${line.slice(t.startIndex, t.endIndex)}: ${t.scopes.slice(1).join(' ')}`),
  );
}

test('a block on one line', async () => {
  assert.deepEqual(await scopesOf('server A { exchange 2010 sp3; roles mailbox }'), [
    'server: keyword.other.exm',
    'A: entity.name.server.exm',
    '{: punctuation.section.block.begin.exm',
    'exchange: keyword.other.exm',
    '2010: constant.numeric.version.exm',
    'sp3: constant.numeric.version.update.exm',
    ';: punctuation.terminator.statement.exm',
    'roles: keyword.other.exm',
    'mailbox: constant.language.exm',
    '}: punctuation.section.block.end.exm',
  ]);
});

test('versions and update levels', async () => {
  assert.deepEqual(
    await scopesOf(
      'target exchange 2013 cu23\nexchange 2007 sp3 ru10\nexchange 5.5 sp4\nexchange SE RTM\nupgrade-to exchange se',
    ),
    [
      'target: keyword.other.exm',
      'exchange: keyword.other.exm',
      '2013: constant.numeric.version.exm',
      'cu23: constant.numeric.version.update.exm',
      'exchange: keyword.other.exm',
      '2007: constant.numeric.version.exm',
      'sp3: constant.numeric.version.update.exm',
      'ru10: constant.numeric.version.update.exm',
      'exchange: keyword.other.exm',
      '5.5: constant.numeric.version.exm',
      'sp4: constant.numeric.version.update.exm',
      'exchange: keyword.other.exm',
      'SE: constant.numeric.version.exm',
      'RTM: constant.numeric.version.update.exm',
      'upgrade-to: keyword.other.exm',
      'exchange: keyword.other.exm',
      'se: constant.numeric.version.exm',
    ],
  );
});

test('a comment at the end of a line, and a # inside a string', async () => {
  assert.deepEqual(await scopesOf('manual "Port 25 # not a comment; {x}" after mail-flow # a comment'), [
    'manual: keyword.other.exm',
    '": string.quoted.double.exm punctuation.definition.string.begin.exm',
    'Port 25 # not a comment; {x}: string.quoted.double.exm',
    '": string.quoted.double.exm punctuation.definition.string.end.exm',
    'after: keyword.other.exm',
    'mail-flow: constant.language.phase.exm',
    '#: comment.line.number-sign.exm punctuation.definition.comment.exm',
    ' a comment: comment.line.number-sign.exm',
  ]);
});

test('backslashes are ordinary characters and "" is a quote', async () => {
  assert.deepEqual(await scopesOf('media "\\\\fs01\\media\\" # share'), [
    'media: keyword.other.exm',
    '": string.quoted.double.exm punctuation.definition.string.begin.exm',
    '\\\\fs01\\media\\: string.quoted.double.exm',
    '": string.quoted.double.exm punctuation.definition.string.end.exm',
    '#: comment.line.number-sign.exm punctuation.definition.comment.exm',
    ' share: comment.line.number-sign.exm',
  ]);
  assert.deepEqual(await scopesOf('organization "O""Brien"'), [
    'organization: keyword.other.exm',
    '": string.quoted.double.exm punctuation.definition.string.begin.exm',
    'O: string.quoted.double.exm',
    '"": string.quoted.double.exm constant.character.escape.quote.exm',
    'Brien: string.quoted.double.exm',
    '": string.quoted.double.exm punctuation.definition.string.end.exm',
  ]);
});

test('an unclosed string ends with its line', async () => {
  assert.deepEqual(await scopesOf('media "\\\\fs01\\media\ntarget exchange 2010 sp3'), [
    'media: keyword.other.exm',
    '": string.quoted.double.exm invalid.illegal.unterminated-string.exm punctuation.definition.string.begin.exm',
    '\\\\fs01\\media: string.quoted.double.exm invalid.illegal.unterminated-string.exm',
    'target: keyword.other.exm',
    'exchange: keyword.other.exm',
    '2010: constant.numeric.version.exm',
    'sp3: constant.numeric.version.update.exm',
  ]);
});

test('hyphenated keywords and names are one token', async () => {
  assert.deepEqual(
    await scopesOf(
      'public-folder-database PF01 on MAIL-2010\nclient-access on EX2010DB01 { outlook-anywhere { auth basic } }\nserver-x A',
    ),
    [
      'public-folder-database: keyword.other.exm',
      'PF01: entity.name.database.exm',
      'on: keyword.other.exm',
      'MAIL-2010: variable.other.server.exm',
      'client-access: keyword.other.exm',
      'on: keyword.other.exm',
      'EX2010DB01: variable.other.server.exm',
      '{: punctuation.section.block.begin.exm',
      'outlook-anywhere: keyword.other.exm',
      '{: punctuation.section.block.begin.exm',
      'auth: keyword.other.exm',
      'basic: constant.language.exm',
      '}: punctuation.section.block.end.exm',
      '}: punctuation.section.block.end.exm',
      'server-x: ',
      'A: ',
    ],
  );
});

test('names, references and the other value words', async () => {
  assert.deepEqual(
    await scopesOf(
      [
        'site "HQ" internet-facing forest "contoso.com" {',
        'move mailboxes to DB1 { from server MAIL2007; from database "MAIL2007\\SG1\\DB1" }',
        'cluster dag DAG1',
        'dag "DAG1" { witness FS01 "C:\\DAG1"; ip 10.0.0.8, 192.168.0.8 }',
        'schedule daily at 02:00 as "d:\\scripts\\s.ps1" run-as "CONTOSO\\svc"',
        'mail-flow on M { inbound anonymous; accepted-domain "c.com" authoritative; cost 100 }',
      ].join('\n'),
    ),
    [
      'site: keyword.other.exm',
      '": entity.name.site.exm string.quoted.double.exm punctuation.definition.string.begin.exm',
      'HQ: entity.name.site.exm string.quoted.double.exm',
      '": entity.name.site.exm string.quoted.double.exm punctuation.definition.string.end.exm',
      'internet-facing: constant.language.exm',
      'forest: keyword.other.exm',
      '": string.quoted.double.exm punctuation.definition.string.begin.exm',
      'contoso.com: string.quoted.double.exm',
      '": string.quoted.double.exm punctuation.definition.string.end.exm',
      '{: punctuation.section.block.begin.exm',
      'move: keyword.other.exm',
      'mailboxes: keyword.other.exm',
      'to: keyword.other.exm',
      'DB1: variable.other.database.exm',
      '{: punctuation.section.block.begin.exm',
      'from: keyword.other.exm',
      'server: keyword.other.exm',
      'MAIL2007: variable.other.server.exm',
      ';: punctuation.terminator.statement.exm',
      'from: keyword.other.exm',
      'database: keyword.other.exm',
      '": variable.other.database.exm string.quoted.double.exm punctuation.definition.string.begin.exm',
      'MAIL2007\\SG1\\DB1: variable.other.database.exm string.quoted.double.exm',
      '": variable.other.database.exm string.quoted.double.exm punctuation.definition.string.end.exm',
      '}: punctuation.section.block.end.exm',
      'cluster: keyword.other.exm',
      'dag: constant.language.exm',
      'DAG1: variable.other.dag.exm',
      'dag: keyword.other.exm',
      '": entity.name.dag.exm string.quoted.double.exm punctuation.definition.string.begin.exm',
      'DAG1: entity.name.dag.exm string.quoted.double.exm',
      '": entity.name.dag.exm string.quoted.double.exm punctuation.definition.string.end.exm',
      '{: punctuation.section.block.begin.exm',
      'witness: keyword.other.exm',
      'FS01: variable.other.server.exm',
      '": string.quoted.double.exm punctuation.definition.string.begin.exm',
      'C:\\DAG1: string.quoted.double.exm',
      '": string.quoted.double.exm punctuation.definition.string.end.exm',
      ';: punctuation.terminator.statement.exm',
      'ip: keyword.other.exm',
      '10.0.0.8: constant.numeric.ipv4.exm',
      ',: punctuation.separator.comma.exm',
      '192.168.0.8: constant.numeric.ipv4.exm',
      '}: punctuation.section.block.end.exm',
      'schedule: keyword.other.exm',
      'daily: constant.language.exm',
      'at: keyword.other.exm',
      '02:00: constant.numeric.time.exm',
      'as: keyword.other.exm',
      '": string.quoted.double.exm punctuation.definition.string.begin.exm',
      'd:\\scripts\\s.ps1: string.quoted.double.exm',
      '": string.quoted.double.exm punctuation.definition.string.end.exm',
      'run-as: keyword.other.exm',
      '": string.quoted.double.exm punctuation.definition.string.begin.exm',
      'CONTOSO\\svc: string.quoted.double.exm',
      '": string.quoted.double.exm punctuation.definition.string.end.exm',
      'mail-flow: keyword.other.exm',
      'on: keyword.other.exm',
      'M: variable.other.server.exm',
      '{: punctuation.section.block.begin.exm',
      'inbound: keyword.other.exm',
      'anonymous: constant.language.exm',
      ';: punctuation.terminator.statement.exm',
      'accepted-domain: keyword.other.exm',
      '": string.quoted.double.exm punctuation.definition.string.begin.exm',
      'c.com: string.quoted.double.exm',
      '": string.quoted.double.exm punctuation.definition.string.end.exm',
      'authoritative: constant.language.exm',
      ';: punctuation.terminator.statement.exm',
      'cost: keyword.other.exm',
      '100: constant.numeric.integer.exm',
      '}: punctuation.section.block.end.exm',
    ],
  );
});

test('a character outside the grammar is invalid, a value word elsewhere is not a value', async () => {
  assert.deepEqual(await scopesOf('decommission MAIL2007 @ mailbox'), [
    'decommission: keyword.other.exm',
    'MAIL2007: variable.other.server.exm',
    '@: invalid.illegal.character.exm',
    'mailbox: variable.other.server.exm',
  ]);
});
