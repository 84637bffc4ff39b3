import { defineRule } from '../../server/src/engine/define-rule';
import { base64Text } from '../../server/src/engine/secret-values';
import type { FileKind } from '../../server/src/engine/types';
import { isKeyIssuingService, isPackageWithVersion, namesCredential, nameWords } from '../lib/credential-names';
import { accountBeforeSlash, isUuencodedLine, nameAround, nameCharacters, passwordOfPair } from '../lib/name-around';
import { xmlValueAfterName } from '../lib/xml-values';
import docs from './docs.md';

/**
 * Words whose occurrences start the search; each is expanded to the identifier around it and
 * checked for `= value`, `: value`, `:= value`, `=> value` right after (and Make's `?=`, `::=`,
 * `:::=`, and `??=`). The prefilter's pass records where they occur, so work is proportional to
 * the hits, not to the text. `sonar` finds `sonar.login`, SonarQube's token property, and
 * `plaintext` the GitHub provider's `plaintext_value` of a secret.
 */
const CREDENTIAL_WORDS = ['pass', 'pwd', '_pat', '-pat', 'secret', 'token', 'key', 'credential', 'contrase', 'senha', 'kennwort', 'wachtwoord', 'salasana', 'haslo', 'jelszo', 'heslo', 'sonar', 'plaintext', 'auth'];
/**
 * `key` counts only as part of a key name: `api_key`, `PrivateKey`, `access-key`, `authKey`,
 * `signing_key`; outside code also two words (`Secret Key: …`, `Access key = …`), as docs and
 * hand-written notes give it. In code `private key = …` is a class field called `key`.
 */
const KEY_QUALIFIER = /(?:api|private|access|auth|signing|secret|authentication|authorization)([ _-]?)$/i;
const QUALIFIER_REACH = 'authentication_'.length;
/**
 * The word right before `key`, when it names a service that issues API keys (`HEROKU_KEY`,
 * `sendgridKey`; credential-names.ts has the list), in KEY_QUALIFIER's shape: the match and the separator.
 */
function serviceQualifier(text: string, keyAt: number): [string, string] | null {
  let end = keyAt;
  const separator = end > 0 && (text[end - 1] === '_' || text[end - 1] === '-' || text[end - 1] === ' ') ? text[--end]! : '';
  let start = end;
  while (start > 0 && end - start < 16 && /[A-Za-z0-9]/.test(text[start - 1]!)) start--;
  const word = nameWords(text.slice(start, end)).pop();
  return word && isKeyIssuingService(word) ? [text.slice(end - word.length, keyAt), separator] : null;
}

/**
 * Right after a name: a C array declarator (`api_key[] =`), an optional closing quote and a
 * subscript's bracket (`os.environ["API_KEY"] =`, checked by isSubscript), the operator (in code
 * also a type annotation before `=`: Kotlin's `val password: String =`, a Python default
 * `passwd: str = "…"`, TypeScript's `apiKey: string =`, Go's `var apiKey string =`; appending
 * `.=` and `+=` count too, as PHP and Makefiles build values), then a
 * quoted value (groups 1, 2), with an optional string prefix (C# and Objective-C
 * `@"…"`, Python `r"…"` and `f"…"`, C#'s `$"…"`, C `L"…"`, escaped too when the code sits in a JSON string, as in a
 * notebook: `r\"…\"`), or a bare value (group 3). In source code a bare value stops
 * at punctuation, where an expression would go on; in configuration it runs to the next space,
 * since generated passwords are full of brackets and commas. A quoted value may be long: OAuth
 * access and refresh tokens (Entra, Airtable) run to a thousand characters or more.
 */
const OPERATOR_VALUE_CODE = /(?:\[\w{0,8}\])?(?:\\{1,3}")?["']?\]?[ \t]*(?::{1,3}=|\?{1,2}=|[.+]=|=>|:[ \t]*[A-Za-z_][\w.]{0,40}(?:<[\w ,.?]{0,40}>|\[[\w ,.]{0,40}\])?[?!]?[ \t]*=(?![=>])|string[ \t]*=(?![=>])|:|=)[ \t]*(?:(?:@\$?|\$@?|[rRbBuULfF]{1,2})?\\{0,3}(["'`])([^"'`\r\n]{1,2000})\1|([^\s"'`,;#{}()[\]<>]{1,300}))/y;
/** An interpolated string's prefix and opening quote: Python's `f"…"` (also `rf`, `fr`), C#'s `$"…"` and `$@"…"`. */
const INTERPOLATED_STRING_START = /(?:[fF][rRbB]?|[rRbB][fF]|\$@?|@\$)\\{0,3}["'`]$/;
/** The same for prose, notes and other text, where `secret: A=b` is not a type annotation. */
const OPERATOR_VALUE_TEXT = /(?:\[\w{0,8}\])?(?:\\{1,3}")?["']?\]?[ \t]*(?::{1,3}=|\?{1,2}=|[.+]=|=>|:|=)[ \t]*(?:(?:@|[rRbBuUL]{1,2})?\\{0,3}(["'`])([^"'`\r\n]{1,2000})\1|([^\s"'`,;#{}()[\]<>]{1,300}))/y;
const OPERATOR_VALUE_CONFIG = /(?:\[\w{0,8}\])?(?:\\{1,3}")?["']?\]?[ \t]*(?::{1,3}=|\?{1,2}=|[.+]=|=>|:|=)[ \t]*(?:(?:@|[rRbBuUL]{1,2})?\\{0,3}(["'`])([^"'`\r\n]{1,2000})\1|([^\s"'`]{1,300}))/y;
/**
 * A call of two string arguments, the first naming a credential: `define('DB_PASSWORD', '…')`
 * (WordPress), `props.setProperty("password", "…")`, `os.Setenv("API_TOKEN", "…")`. A call with
 * more (`MovedAttribute("HTTPPasswordMgr", "urllib2", …)`, `scrypt('password', 'salt', 64)`) is
 * not a name and its value. From the name's closing quote; the value is group 2.
 */
const CALL_ARGUMENT = /["'][ \t]*,[ \t]*(["'])([^"'\r\n]{1,300})\1[ \t]*\)/y;
/**
 * A directive: the name, spaces, then a double-quoted value ending the line (`secret "…";` in BIND
 * and nginx configuration, `password "…"` in Chef and other Ruby DSLs).
 */
const DIRECTIVE_VALUE = /[ \t]{1,8}(?:@|[rRbBuUL]{1,2})?"([^"\r\n]{1,300})"[ \t]*(?:;[ \t]*)?(?=\r?\n|$)/y;
const isNameChar = nameCharacters('$.@-');
/**
 * A password stated in a sentence, as docs give a default: `the password is "…"`, `the password for
 * user 'postgres' is 'admin'`, `password was set to `…``. Only a quoted value counts: unquoted, the
 * next word is just the sentence going on. Group 3 is the value.
 */
const PROSE_VALUE = /[ \t]{1,4}(?:for[ \t]{1,4}(?:the[ \t]{1,4})?(?:(?:user|account|login|username)[ \t]{1,4})?(["'`]?)[\w.@-]{1,64}\1[ \t]{1,4})?(?:is|was|will be|remains)[ \t]{1,4}(?:set[ \t]{1,4}to[ \t]{1,4})?(["'`])([^"'`\r\n]{3,100})\2/y;
/** The names a sentence gives a password by. */
const PROSE_NAMES = new Set(['password', 'passwort', 'passphrase', 'passcode']);

/** Kubernetes and ECS env lists: `- name: DB_PASSWORD` then `value: literal` on the next line. */
const NAME_VALUE_PAIR = /name:[ \t]*["']?([A-Za-z_][\w.-]{0,80})["']?[ \t]*\r?\n[ \t]*value:[ \t]*(?:(["'])([^"'\r\n]{1,300})\2|([^\s"'#{}]{1,300}))/g;
/**
 * The same written value first (`- value: literal` then `name: DB_PASSWORD`): a map's keys come in
 * any order. Found by its key; the rest of its line is the value and the next line must start with
 * the name (read from slices, so a long run of `value:` costs one pass).
 */
const VALUE_KEY = /(?<![\w-])value:[ \t]*/g;
const QUOTED_OR_BARE_VALUE = /^(?:(["'])([^"'\r\n]{1,300})\1|([^\s"'#{}]{1,300}))[ \t]*$/;
const NAME_LINE = /^[ \t]*name:[ \t]*["']?([A-Za-z_][\w.-]{0,80})/;

/** The operator of an OPERATOR_VALUE match is a plain colon (not `:=`, `::=`). */
const COLON_OPERATOR = /^(?:\[\w{0,8}\])?["']?\]?[ \t]*:(?![:=])/;
/** After a bare value: a space and another word, or an operator (`Pass: enabled = false`). */
const PROSE_AFTER = /^[ \t][A-Za-z=]/;

/** Formats whose values are bare text to the end of the line or the next space. */
const CONFIGURATION_KINDS: readonly FileKind[] = ['yaml', 'ini', 'properties', 'dotenv', 'dockerfile'];
/** The C family, where `'abcd'` is a character constant (an integer), never a string. */
const CHARACTER_QUOTE_LANGUAGES = /\.(?:c|h|cc|cpp|cxx|hh|hpp|m|mm|cs)$/i;

/**
 * YAML that gives a setting its value in a `value:` field under the setting's key (BOSH and Ops
 * Manager properties, Helm charts): the `value:` line; the key is on the line above.
 */
const NESTED_VALUE = /\n([ \t]+)value:[ \t]*(?:(["'])([^"'\r\n]{1,300})\2|([^\s"'#{}]{1,300}))/g;
/** The line above: a key with nothing after it but a comment. */
const KEY_ALONE = /^([ \t]*)["']?([.A-Za-z_][\w.-]{0,80})["']?:[ \t]*(?:#.*)?\r?$/;

/**
 * Values that are settings, not secrets, also as prose ends them (`id-token: write.`); `#ffffff` is
 * a colour (a theme's `Token:` style).
 */
const NOT_A_SECRET_VALUE = /^(?:true|false|null|nil|none|yes|no|on|off|undefined|required|optional|string|int|number|boolean|bool|read|write|info|warn|warning|error|debug|trace|\d{1,8}|[\d.]+[smhd]|#(?:[\da-f]{3,4}|[\da-f]{6}|[\da-f]{8}))[.,;]?$/i;
/** Values that point at a secret kept elsewhere: references, lookups, calls, secret-store paths. */
const REFERENCE_VALUE = /^(?:\$|%|&|\*|\{|!Ref\b|!Sub\b|!GetAtt\b|arn:|vault:|secretsmanager:|ssm:|projects\/[^/]+\/secrets\/|sm:\/\/|ref\+|op:\/\/|keyvault|akv:)|^(?:process\.env|os\.environ|os\.getenv|System\.getenv|env\.|secrets\.|vars\.|var\.|local\.|data\.|module\.|self\.|this\.|config\.|settings\.)/i;

/**
 * A dependency as package manifests and lockfiles give it, under a package's name (`jsonwebtoken`,
 * `csrf-token`): a version or range (`^9.0.0`, `~> 2.7`, `>=1.2 <2`, `1.x || 2.x`), a dist-tag, or
 * a protocol spec (`npm:`, `workspace:`, `git+https:`). Every repetition starts with a character
 * the one before cannot take, so it is linear.
 */
const DEPENDENCY_SPEC =
  /^(?:(?:[~^=]|[<>]=?|~>)?[ \t]*v?\d+(?:\.(?:\d+|[xX*])){1,3}(?:[-+][0-9A-Za-z.-]{1,40})?(?:[ \t]+(?:\|\|[ \t]*|-[ \t]+|[<>]=?)?v?\d[\d.xX*]*)*|\*|latest|next|(?:npm|workspace|file|link|portal|patch|github|git\+(?:https?|ssh|file)):\S+)$/;

/** In a JSON string, where an embedded line, the string or a query parameter ends: an escaped line break, quote or `&`. */
const JSON_VALUE_END = /\\(?:[nr"]|u0026)/;
/** Words, then sentence punctuation at the end (`Unerwartetes Token.`, `Jeton inattendu !`), with a space. */
const SENTENCE = /^[\p{L}\p{M}][\p{L}\p{M} ,'’-]*[.!?。！？]$/u;
/** Letters, marks, punctuation and spaces only: with no Latin letter, text in another script. */
const NON_LATIN_TEXT = /^[\p{L}\p{M}\p{P} ]+$/u;

/**
 * A member path in code quoted by prose or docs (`key.publicKey`, `jsTokens.matchToToken`), or its
 * start where markup cuts it (`alice.<span>computeSecret</span>` in highlighted HTML).
 */
const MEMBER_PATH = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*\.(?:[A-Za-z_$][\w$]*)?$/;
/** An absolute or home-relative file path (`/run/secrets/db`, `PWD: '/Users/maciej'`): where a secret or a directory is, not a secret. */
const FILE_PATH = /^~?\/[\w.@-]+(?:\/[\w.@-]+)*\/?$/;
const URL_VALUE = /^[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\//;
/**
 * Regular-expression syntax: a class escape (`\w`, `\d`), a group construct (`(?:`, `(?=`) or a
 * negated class (`[^`). A tokenizer's `_token = r'[^\W\d]\w*'` is a pattern, not a token.
 */
const REGEX_SYNTAX = /\\[wdsWDSbB]|\(\?[:=!<]|\[\^/;
/** A CSS attribute selector (`[type=password]`): what matches a password field, not a password. */
const ATTRIBUTE_SELECTOR = /^\[[\w-]+(?:[~|^$*]?=[^\]]*)?\]$/;
/** An element's id or class as a selector (`#add-password`, `.token-field`): words joined by dashes, no digits. */
const ID_OR_CLASS_SELECTOR = /^[#.][A-Za-z]+(?:[-_][A-Za-z]+)+$/;

/** An HCL attribute traversal: `aws_iam_access_key.ci.secret`, `random_password.db[0].result`. */
const HCL_TRAVERSAL = /^[A-Za-z_][\w-]*(?:\[[^\]\s]{1,40}\])?(?:\.[\w-]+(?:\[[^\]\s]{1,40}\])?)+$/;

export default defineRule({
  id: 'sec-password-assignment',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: '*',
  generic: true,
  keywords: CREDENTIAL_WORDS,
  locatesKeywords: true,
  docs,
  check({ document, report }) {
    const text = document.text;
    const language = document.codeLanguage;
    const code = (language !== undefined && language !== 'hcl' && language !== 'bash') || document.kinds.has('source');
    const hcl = language === 'hcl';
    const charQuotes = CHARACTER_QUOTE_LANGUAGES.test(document.path);
    const cloudFormation = document.kinds.has('cloudformation');
    const json = document.kinds.has('json');
    const configuration = CONFIGURATION_KINDS.some((kind) => document.kinds.has(kind)) && language === undefined;
    /** Checks one name and value, and reports it; true when reported. */
    const consider = (name: string, value: string, quoted: boolean, valueStart: number): boolean => {
      if (!namesCredential(name) && !isEncodedLogin(name, value)) return false;
      // A custom resource's `ServiceToken` is the ARN of the Lambda or topic that serves it.
      if (cloudFormation && name === 'ServiceToken') return false;
      const trimmed = value.trim();
      if (trimmed.length < 4 || NOT_A_SECRET_VALUE.test(trimmed) || REFERENCE_VALUE.test(trimmed) || DEPENDENCY_SPEC.test(trimmed) || isPackageWithVersion(trimmed)) return false;
      // A PEM block (`private_key: "-----BEGIN PRIVATE KEY-----\n…"`) is the private-key rules' to judge.
      if (trimmed.startsWith('-----BEGIN ')) return false;
      // Punctuation only is a set of characters (`password_symbols = "!@#$%"`), not a password.
      if (!/[\p{L}\p{N}]/u.test(trimmed)) return false;
      // `file(var.key_path)`, `getenv(...)`: a bare word followed by `(` is a call.
      if (!quoted && text[valueStart + value.length] === '(') return false;
      // Letters only and naming a credential (`ParentMasterPassword`, `DB_TOKEN`, a Secret's key `api-key`) is the name of one.
      // So is one whose last word is `key` (`perplexity_key = invalid-key`): a placeholder that says what goes there.
      if (/^[A-Za-z_][A-Za-z_-]*$/.test(trimmed) && (namesCredential(trimmed) || nameWords(trimmed).pop() === 'key')) return false;
      // In source code a bare word after `=` is a variable or a call, not a literal.
      if (!quoted && code) return false;
      // In Terraform a bare `type.name.attribute` is a reference to another resource's attribute
      // (`aws_iam_access_key.ci.secret`, `random_password.db.result`); HCL literals are quoted.
      if (!quoted && hcl && HCL_TRAVERSAL.test(trimmed)) return false;
      // Outside configuration, where bare values run to the next space, a bare `a.b` is code
      // quoted in a README or a changelog (`var signingKey = key.publicKey`).
      if (!quoted && !configuration && MEMBER_PATH.test(trimmed)) return false;
      if (ATTRIBUTE_SELECTOR.test(trimmed) || ID_OR_CLASS_SELECTOR.test(trimmed) || REGEX_SYNTAX.test(trimmed) || FILE_PATH.test(trimmed)) return false;
      // A URL holds a credential only as the password in its user info, which the URL rules judge
      // and report alone (sec-password-in-url, sec-database-connection-string, sec-basic-auth).
      if (URL_VALUE.test(trimmed)) return false;
      // A value that spells out a name of several words is made from it (`git-credential-helper.o`).
      if (nameWords(name).length >= 2 && trimmed.toLowerCase().includes(name.toLowerCase())) return false;
      if (!quoted && /^[A-Za-z_][\w]*\(/.test(trimmed)) return false;
      // `userPass[2]`, `creds.get(k)`: an index or a call, code embedded in configuration.
      if (!quoted && /^[A-Za-z_][\w.]*(?:\[[^\]]*\]|\([^)]*\))$/.test(trimmed)) return false;
      // `"password": "Password"` is a label for the field, not its value; `Password1$` is a password.
      if (/^[A-Za-z _-]+$/.test(trimmed) && trimmed.toLowerCase().replace(/[^a-z]/g, '') === name.slice(name.lastIndexOf('.') + 1).toLowerCase().replace(/[^a-z]/g, '')) return false;
      // A field's label in a translation file: a word ending in a colon (`Engangskode:`), or the
      // name's own word in another language (`"password": "Passord"`, `Passwort`).
      if (/^[\p{L} ]+:$/u.test(trimmed) || (/^\p{Lu}\p{Ll}+$/u.test(trimmed) && sameStem(trimmed, name))) return false;
      // Words and spaces only, or several spaces, is a label or a sentence (UI strings, docs).
      if ((/^[\p{L} ]+$/u.test(trimmed) && trimmed.includes(' ')) || (trimmed.match(/ /g)?.length ?? 0) >= 3) return false;
      // A sentence (`Unerwartetes Token.`) or words in a script without Latin letters
      // (`予期しないトークンです。`): a message or its translation, keyed by a name that mentions a token.
      if ((SENTENCE.test(trimmed) && trimmed.includes(' ')) || (NON_LATIN_TEXT.test(trimmed) && !/[A-Za-z]/.test(trimmed))) return false;
      // In code, string constants are mostly identifiers, event names and paths; a secret there
      // has the texture of one: no spaces, and digits mixed with letters, or symbols.
      if (code && !looksLikeSecretInCode(trimmed)) return false;
      report({
        span: [valueStart, valueStart + value.length],
        secret: value,
        message: `${name} is set to a literal credential ({{secret}}): it is readable by everyone with the file and never expires on its own; load it at run time from a secret store or the environment.`,
        construct: name,
      });
      return true;
    };
    const operatorValue = configuration ? OPERATOR_VALUE_CONFIG : code ? OPERATOR_VALUE_CODE : OPERATOR_VALUE_TEXT;
    let scannedTo = 0;
    for (const hitStart of document.keywordStarts(CREDENTIAL_WORDS)) {
      if (hitStart < scannedTo) continue;
      let from = hitStart;
      if (text.slice(hitStart, hitStart + 3).toLowerCase() === 'key') {
        const qualifier = KEY_QUALIFIER.exec(text.slice(Math.max(0, hitStart - QUALIFIER_REACH), hitStart)) ?? serviceQualifier(text, hitStart);
        const spaced = qualifier?.[1] === ' ';
        if (!qualifier || (spaced && code)) continue;
        from -= qualifier[0].length;
        // A spaced qualifier (`Secret Key`) was read as a name of its own just before, without a value.
        if (from < scannedTo && !spaced) continue;
      }
      if (isUuencodedLine(text, hitStart)) continue;
      // The rest of the word is letters, which the name takes in.
      const { start, end } = nameAround(text, from, hitStart + 1, isNameChar);
      scannedTo = end;
      // `...:secret:/path` and `a/secret=b` are parts of a path or an ARN, not a name; `ID:ops/PW:…` joins an account and its password.
      const account = start > 0 && text[start - 1] === '/' ? accountBeforeSlash(text, start - 1) : undefined;
      if (start > 0 && ((text[start - 1] === ':' && !isRubySymbol(text, start - 1)) || (text[start - 1] === '/' && !account && !isCommentedVariable(text, start)))) continue;
      if (start > 0 && (text[start - 1] === '?' || text[start - 1] === '&') && isBadgeQuery(text, start - 1)) continue;
      operatorValue.lastIndex = end;
      const match = operatorValue.exec(text);
      if (match && (!SUBSCRIPT_CLOSE.test(match[0]) || isSubscript(text, start, match[0]))) {
        const name = trimNameSigils(text.slice(start, end));
        const [whole, quote, quotedValue, bareValue] = match;
        // A single-quoted run in the C family is a character constant, not a string literal.
        if (quote === "'" && charQuotes) continue;
        // `"Password:"`: the name and its colon are a label inside a string, and the quote after
        // the colon closes it (`passwordLabel:"Password:",rememberLabel:…`); no value follows.
        if (quote !== undefined && whole[0] === ':' && whole[1] === quote && text[start - 1] === quote) continue;
        // An interpolated string is a literal only without a placeholder (`f"{prefix}-token"` is built at run time).
        if (quotedValue !== undefined && quotedValue.includes('{') && INTERPOLATED_STRING_START.test(whole.slice(0, whole.length - quotedValue.length - 1))) continue;
        // A backquoted run with spaces is a shell command substitution (`etcdctl get /k`) or a template, not a literal.
        if (quote === '`' && /\s/.test(quotedValue!)) continue;
        // A YAML block scalar (`password: |`) holds its value on the lines below; one line of it is a literal.
        if (bareValue !== undefined && configuration && BLOCK_SCALAR_HEADER.test(bareValue)) {
          const block = singleLineBlockScalar(text, start, end + whole.length);
          if (block && consider(name, block.value, true, block.start)) scannedTo = block.start + block.value.length;
          continue;
        }
        // A bare value opening with a bracket is a list, a note (`(optional)`) or a placeholder;
        // `#` after a space opens a comment.
        if (bareValue !== undefined && (/^[([<]/.test(bareValue) || (bareValue[0] === '#' && /\s/.test(whole[whole.length - bareValue.length - 1] ?? '')))) continue;
        // `Pass: shared_access_key_enabled is false`, `## SHOULD PASS: Explicit false`: a lone
        // `pass` is also a test's verdict, and after its colon a word followed by more words on
        // the line is prose. (`password: value with spaces` may be a password, and is kept.)
        // Two words as a name (`Secret Key: see the vault`) are the same: a heading in prose or notes.
        // Outside configuration, a lower-case word followed by more words is prose too (`token: rotated monthly by ops`).
        const proseName = isLonePass(name) || name.includes(' ') || (!configuration && /^[a-z]+$/.test(bareValue ?? ''));
        if (bareValue !== undefined && proseName && !/[,;]$/.test(bareValue) && PROSE_AFTER.test(text.slice(end + whole.length, end + whole.length + 2)) && COLON_OPERATOR.test(whole)) continue;
        // In JSON a bare run is inside a string, and ends at an escaped line break, quote or `&`. After
        // a colon, words in a message (`"getTokenCredential: cache hit"`) are skipped; a value that
        // ends the string or one of its lines (YAML or a `.env` embedded in a string) is kept, as
        // is anything after `=` (`"release": "NPM_TOKEN=… npm publish"`).
        let bare = bareValue;
        if (json && bare !== undefined) {
          const escape = bare.search(JSON_VALUE_END);
          if (escape !== -1) bare = bare.slice(0, escape);
          else if (text[end + whole.length] !== '"' && whole.slice(0, whole.length - bare.length).trimEnd().endsWith(':')) continue;
        }
        // A quoted run in JSON ends at an escaped `&` (a query parameter's end) or quote
        // (`"Token. \"{\" expected"`): the value is the text before the escape, without its backslash.
        let quoted = quotedValue;
        if (json && quoted !== undefined) {
          const escape = quoted.search(JSON_VALUE_END);
          if (escape !== -1) quoted = quoted.slice(0, escape);
        }
        // JSON written inside a string (`"{\\"password\\": \\"…\\"}"`): the value's closing quote is escaped like its opening one.
        const escapedQuote = quotedValue !== undefined && whole[whole.length - quotedValue.length - 3] === '\\';
        if (quoted !== undefined && escapedQuote) quoted = quoted.replace(/\\{1,3}$/, '');
        const given = quoted !== undefined ? (json && quoted.endsWith('\\') ? quoted.slice(0, -1) : quoted) : trimTrailingPunctuation(bare ?? '');
        const givenStart = end + whole.length - (quotedValue !== undefined ? quotedValue.length + 1 : bareValue!.length);
        const { value, start: valueStart } = account === 'paired' ? passwordOfPair(given, givenStart) : { value: given, start: givenStart };
        // A reported value is one secret: a credential word inside it (`secret = pass:insta`) is not another.
        if (consider(name, value, quote !== undefined, valueStart)) scannedTo = valueStart + value.length;
        continue;
      }
      const before = start > 0 ? text[start - 1] : undefined;
      if ((before === '"' || before === "'") && text[end] === before && isFirstArgument(text, start - 1)) {
        CALL_ARGUMENT.lastIndex = end;
        const argument = CALL_ARGUMENT.exec(text);
        if (argument) consider(text.slice(start, end), argument[2]!, true, end + argument[0].length - 1 - argument[2]!.length);
        continue;
      }
      const xml = xmlValueAfterName(text, start, end);
      if (xml) {
        consider(text.slice(start, end), xml.value, true, xml.start);
        continue;
      }
      if (before === '<') continue;
      DIRECTIVE_VALUE.lastIndex = end;
      const directive = DIRECTIVE_VALUE.exec(text);
      if (directive) {
        consider(trimNameSigils(text.slice(start, end)), directive[1]!, true, end + directive[0].lastIndexOf('"') - directive[1]!.length);
        continue;
      }
      if (!PROSE_NAMES.has(text.slice(start, end).toLowerCase())) continue;
      PROSE_VALUE.lastIndex = end;
      const sentence = PROSE_VALUE.exec(text);
      if (sentence) consider(text.slice(start, end), sentence[3]!, true, end + sentence[0].length - 1 - sentence[3]!.length);
    }
    if (document.kinds.has('yaml') && text.includes('value:')) {
      for (const match of text.matchAll(NESTED_VALUE)) {
        const [whole, indent, quote, quotedValue, bareValue] = match;
        const value = quotedValue ?? bareValue;
        if (value === undefined) continue;
        const key = KEY_ALONE.exec(text.slice(text.lastIndexOf('\n', match.index - 1) + 1, match.index));
        if (!key || key[1]!.length >= indent!.length) continue;
        consider(key[2]!, value, quote !== undefined, match.index + whole.length - value.length - (quote ? 1 : 0));
      }
    }
    // Both words are in every match; `includes` is a native scan, far cheaper than the pattern's.
    const pairs = text.includes('value:') && text.includes('name:') ? text.matchAll(NAME_VALUE_PAIR) : [];
    for (const match of pairs) {
      const [whole, name, quote, quotedValue, bareValue] = match;
      const value = quotedValue ?? bareValue;
      if (!name || value === undefined) continue;
      consider(name, value, true, match.index + whole.length - value.length - (quote ? 1 : 0));
    }
    const reversed = text.includes('value:') && text.includes('name:') ? text.matchAll(VALUE_KEY) : [];
    for (const match of reversed) {
      // Only a short window is read: a value has at most 300 characters, and the name's line is next.
      const valueStart = match.index + match[0].length;
      const window = text.slice(valueStart, valueStart + 320);
      const lineEnd = window.indexOf('\n');
      if (lineEnd === -1) continue;
      const value = QUOTED_OR_BARE_VALUE.exec(window.slice(0, window[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd));
      const next = valueStart + lineEnd + 1;
      const name = value && NAME_LINE.exec(text.slice(next, next + 200))?.[1];
      if (!value || !name) continue;
      const [, quote, quotedValue, bareValue] = value;
      consider(name, (quotedValue ?? bareValue)!, true, valueStart + (quote ? 1 : 0));
    }
  },
});

const SUBSCRIPT_CLOSE = /^["']?\]/;
/**
 * Whether the `]` after a name closes a subscript the name is quoted in (`env["API_KEY"] =`), not
 * a Markdown link label (`[token]: https://…`) or a stray bracket.
 */
/** A YAML block scalar's header: `|` or `>`, an optional chomping indicator and indentation digit. */
const BLOCK_SCALAR_HEADER = /^[|>](?:[+-]?[1-9]?|[1-9][+-])$/;

/**
 * The content of a block scalar whose header ends at `headerEnd` (only a comment may follow it on
 * the line), when it is one line more indented than the key's line: a value written on the line
 * below its key. A block of several lines is a certificate, a script or a document, judged by
 * the rules for those.
 */
function singleLineBlockScalar(text: string, keyStart: number, headerEnd: number): { value: string; start: number } | undefined {
  const lineEnd = text.indexOf('\n', headerEnd);
  if (lineEnd === -1 || !/^[ \t]*(?:#.*)?\r?$/.test(text.slice(headerEnd, lineEnd))) return undefined;
  const keyLineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  const keyIndent = keyStart - keyLineStart;
  const contentStart = lineEnd + 1;
  let valueStart = contentStart;
  while (text[valueStart] === ' ') valueStart++;
  if (valueStart - contentStart <= keyIndent) return undefined;
  let valueEnd = text.indexOf('\n', valueStart);
  if (valueEnd === -1) valueEnd = text.length;
  const nextLine = valueEnd + 1;
  // The block ends with this line: the next one is blank and last, or no more indented than the key.
  let nextIndent = 0;
  while (text[nextLine + nextIndent] === ' ') nextIndent++;
  const nextCode = text.charCodeAt(nextLine + nextIndent);
  if (nextLine < text.length && nextIndent > keyIndent && nextCode !== 10 && nextCode !== 13) return undefined;
  const value = text.slice(valueStart, valueEnd).trimEnd();
  return value.length > 0 && value.length <= 300 ? { value, start: valueStart } : undefined;
}

function isSubscript(text: string, nameStart: number, afterName: string): boolean {
  const quote = text[nameStart - 1];
  return (quote === '"' || quote === "'") && afterName[0] === quote && text[nameStart - 2] === '[';
}

/** Whether the `:` at `colonAt` opens a Ruby symbol used as a hash key (`:password => '…'`), not a part of an ARN or a path (`…:secret:name`). */
/**
 * An `…auth` setting (`user_auth`, `proxyAuth`, npm's `_auth`) holding base64 of `user:password`,
 * the HTTP Basic form: the name alone says little (`auth_mode`), the decoded pair says it all.
 */
function isEncodedLogin(name: string, value: string): boolean {
  if (nameWords(name).pop() !== 'auth') return false;
  const decoded = base64Text(value.trim());
  return decoded !== undefined && /^[^:\s]{1,100}:\S{4,}$/.test(decoded);
}

/** `//$google_client_secret = '…'`: a PHP or Perl variable commented out, not a path (`$` starts no path segment). */
function isCommentedVariable(text: string, nameStart: number): boolean {
  return text[nameStart] === '$' && text[nameStart - 2] === '/';
}

function isRubySymbol(text: string, colonAt: number): boolean {
  return colonAt === 0 || /[\s{(,[]/.test(text[colonAt - 1]!);
}

/** Whether the string literal opening at `quoteAt` is a call's first argument: `(` before it, spaces aside. */
function isFirstArgument(text: string, quoteAt: number): boolean {
  let at = quoteAt - 1;
  while (at >= 0 && (text[at] === ' ' || text[at] === '\t')) at--;
  return text[at] === '(' && at > 0 && /[\w$]/.test(text[at - 1]!);
}

/** How far back from a query the start of its URL is looked for. */
const URL_REACH = 300;

/**
 * Whether the query starting at `queryStart` belongs to a badge's URL (`…/graph/badge.svg?token=`,
 * `…/api/project_badges/measure?…&token=`): a badge token only reads the badge, and is made to be
 * published in a README with it.
 */
function isBadgeQuery(text: string, queryStart: number): boolean {
  let urlStart = queryStart;
  const limit = Math.max(0, queryStart - URL_REACH);
  while (urlStart > limit && !/[\s"'`(<\[]/.test(text[urlStart - 1]!)) urlStart--;
  return /badge/i.test(text.slice(urlStart, queryStart));
}

function looksLikeSecretInCode(value: string): boolean {
  if (value.length < 6 || /\s/.test(value) || value.startsWith('/') || value.startsWith('./')) return false;
  // An identifier that itself names a credential (`FlowPasswordRequiredV2`) is an enum value or a key;
  // unless it is written in leetspeak (`sup3rstr0ngpass1`), digits inside words as no identifier has them.
  if (/^[A-Za-z_]\w*$/.test(value) && /pass|pwd|secret|token|credential|key/i.test(value) && !isLeetspeak(value)) return false;
  if (/^[\w-]+:[\w:-]+$/.test(value)) return false; // `msal:acquireTokenStart`, `scope:read`
  const mixed = /\d/.test(value) && /[A-Za-z]/.test(value);
  const symbols = /[^\w.-]/.test(value);
  return mixed || symbols;
}

/** Two or more digits standing between lower-case letters (`p4ssw0rd`, `sup3rstr0ng`): a password's spelling, not an identifier's. */
function isLeetspeak(value: string): boolean {
  let count = 0;
  for (let i = 1; i + 1 < value.length; i++) {
    if (isDigit(value.charCodeAt(i)) && isLowerLetter(value.charCodeAt(i - 1)) && isLowerLetter(value.charCodeAt(i + 1)) && ++count >= 2) return true;
  }
  return false;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLowerLetter(code: number): boolean {
  return code >= 97 && code <= 122;
}

/**
 * A bare configuration value without the statement's own punctuation: a trailing `,` or `;`, and
 * a closing bracket it never opened (`{password: s3cr3t!}`).
 */
function trimTrailingPunctuation(value: string): string {
  let end = value.length;
  for (;;) {
    const last = value[end - 1];
    if (last === ',' || last === ';') {
      end--;
      continue;
    }
    const opener = last === '}' ? '{' : last === ')' ? '(' : last === ']' ? '[' : undefined;
    if (opener === undefined) break;
    const body = value.slice(0, end);
    if (body.split(opener).length >= body.split(last!).length) break;
    end--;
  }
  return value.slice(0, end);
}

/** `$password`, `@secret.`, `.token-` → the bare name; a loop, since `[.-]+$` would retry at every dash. */
function trimNameSigils(name: string): string {
  let start = 0;
  let end = name.length;
  while (start < end && '$@.-'.includes(name[start]!)) start++;
  while (end > start && '.-'.includes(name[end - 1]!)) end--;
  return name.slice(start, end);
}

/** Whether a one-word value is the name's last word in another language: the same first four letters (`Passord`, `Passwort` for `password`). */
function sameStem(value: string, name: string): boolean {
  const words = nameWords(name);
  const word = words[words.length - 1];
  return word !== undefined && word.length >= 4 && value.length >= 4 && value.slice(0, 4).toLowerCase() === word.slice(0, 4);
}

/** The name is the word `pass` alone (`Pass`, `PASS`, `# pass`). */
function isLonePass(name: string): boolean {
  return name.length === 4 && name.toLowerCase() === 'pass';
}
