import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { TextEdit } from '../../server/src/engine/types';
import { named, numberProduct } from '../lib/syntax';

/**
 * Statically known token lifetimes in Python, Go and Java: an expiry written as "now plus a
 * literal duration". Each result names the node holding the duration, so a fix can shorten it in
 * place, in the file's own style.
 */
export interface Lifetime {
  readonly seconds: number;
  /** The duration part of the expression (`timedelta(days=30)`, `24 * time.Hour`, `30, ChronoUnit.DAYS`). */
  readonly span: readonly [number, number];
  /** Writes a replacement for `span` that means `seconds`. */
  readonly rewrite: (seconds: number) => string;
}

/** `60 * 15` style: the shortest readable way to write `seconds`. */
function unitOf(seconds: number): { amount: number; unit: 'days' | 'hours' | 'minutes' | 'seconds' } {
  if (seconds % 86400 === 0) return { amount: seconds / 86400, unit: 'days' };
  if (seconds % 3600 === 0) return { amount: seconds / 3600, unit: 'hours' };
  if (seconds % 60 === 0) return { amount: seconds / 60, unit: 'minutes' };
  return { amount: seconds, unit: 'seconds' };
}

// ---------------------------------------------------------------- Python

const TIMEDELTA_POSITIONAL = ['days', 'seconds', 'microseconds', 'milliseconds', 'minutes', 'hours', 'weeks'];
const TIMEDELTA_SECONDS: Record<string, number> = { days: 86400, seconds: 1, microseconds: 1e-6, milliseconds: 1e-3, minutes: 60, hours: 3600, weeks: 604800 };

/** `datetime.now(...)`, `datetime.utcnow()`, `timezone.now()`, `time.time()`, `int(time.time())`, `now`. */
function isPythonNow(node: SyntaxNode | null | undefined): boolean {
  if (!node) return false;
  if (node.type === 'identifier') return /^(?:now|utc_?now|issued_at|iat|current_time)$/i.test(node.text);
  if (node.type !== 'call') return false;
  const callee = node.childForFieldName('function');
  const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
  if (name === 'int' || name === 'round') return isPythonNow(named(node.childForFieldName('arguments'))[0]);
  return name === 'now' || name === 'utcnow' || (name === 'time' && callee?.type === 'attribute');
}

/** `timedelta(days=30)` / `datetime.timedelta(hours=12)`: seconds, when every argument is a literal. */
function pythonTimedelta(node: SyntaxNode): number | undefined {
  const callee = node.childForFieldName('function');
  const name = callee?.type === 'attribute' ? callee.childForFieldName('attribute')?.text : callee?.text;
  if (node.type !== 'call' || name !== 'timedelta') return undefined;
  let seconds = 0;
  const args = named(node.childForFieldName('arguments'));
  for (const [index, arg] of args.entries()) {
    const unit = arg.type === 'keyword_argument' ? arg.childForFieldName('name')?.text : TIMEDELTA_POSITIONAL[index];
    const value = numberProduct(arg.type === 'keyword_argument' ? arg.childForFieldName('value') : arg);
    if (unit === undefined || value === undefined || TIMEDELTA_SECONDS[unit] === undefined) return undefined;
    seconds += value * TIMEDELTA_SECONDS[unit]!;
  }
  return args.length > 0 ? seconds : undefined;
}

/** A PyJWT `exp` value written as now plus a literal: `datetime.now(tz=utc) + timedelta(days=30)`, `int(time.time()) + 86400`. */
export function pythonLifetime(value: SyntaxNode | null | undefined): Lifetime | undefined {
  let node = value;
  // `int(time.time() + 3600)`
  if (node?.type === 'call' && node.childForFieldName('function')?.text === 'int') node = named(node.childForFieldName('arguments'))[0];
  if (node?.type !== 'binary_operator' || node.childForFieldName('operator')?.text !== '+') return undefined;
  const [base, delta] = [node.childForFieldName('left'), node.childForFieldName('right')];
  if (!isPythonNow(base) || !delta) return undefined;
  const timedelta = pythonTimedelta(delta);
  if (timedelta !== undefined) {
    const callee = delta.childForFieldName('function')!.text;
    return {
      seconds: timedelta,
      span: [delta.startIndex, delta.endIndex],
      rewrite: (seconds) => {
        const { amount, unit } = unitOf(seconds);
        return `${callee}(${unit}=${amount})`;
      },
    };
  }
  const seconds = numberProduct(delta);
  return seconds === undefined ? undefined : { seconds, span: [delta.startIndex, delta.endIndex], rewrite: (s) => String(s) };
}

// ---------------------------------------------------------------- Go

const GO_UNITS: Record<string, number> = { Nanosecond: 1e-9, Microsecond: 1e-6, Millisecond: 1e-3, Second: 1, Minute: 60, Hour: 3600 };
const GO_UNIT_NAMES: Record<string, string> = { days: 'Hour', hours: 'Hour', minutes: 'Minute', seconds: 'Second' };

/** A `time.Duration` written with literals: `24 * time.Hour`, `time.Hour * 24 * 365`, `time.Duration(30) * time.Minute`. */
function goDurationValue(node: SyntaxNode | null | undefined): number | undefined {
  if (!node) return undefined;
  if (node.type === 'selector_expression' && node.childForFieldName('operand')?.text === 'time') return GO_UNITS[node.childForFieldName('field')?.text ?? ''];
  if (node.type === 'int_literal' || node.type === 'float_literal') return numberProduct(node);
  if (node.type === 'parenthesized_expression') return goDurationValue(named(node)[0]);
  if (node.type === 'call_expression' && node.childForFieldName('function')?.text === 'time.Duration') return goDurationValue(named(node.childForFieldName('arguments'))[0]);
  if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '*') {
    const left = goDurationValue(node.childForFieldName('left'));
    const right = goDurationValue(node.childForFieldName('right'));
    return left !== undefined && right !== undefined ? left * right : undefined;
  }
  return undefined;
}

const isGoNow = (node: SyntaxNode | null | undefined) => node?.type === 'call_expression' && node.childForFieldName('function')?.text.replace(/\s+/g, '') === 'time.Now';

function goRewrite(seconds: number): string {
  const { amount, unit } = unitOf(seconds);
  return `${unit === 'days' ? amount * 24 : amount} * time.${GO_UNIT_NAMES[unit]}`;
}

/**
 * A golang-jwt expiry written as now plus a literal: `time.Now().Add(24 * time.Hour)` (optionally
 * `.Unix()` or inside `jwt.NewNumericDate(…)`), `time.Now().AddDate(0, 0, 30)`, `time.Now().Unix() + 3600`.
 */
export function goLifetime(value: SyntaxNode | null | undefined): Lifetime | undefined {
  let node = value;
  if (node?.type === 'call_expression' && /(?:^|\.)NewNumericDate$/.test(node.childForFieldName('function')?.text ?? '')) node = named(node.childForFieldName('arguments'))[0];
  if (node?.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const unix = left?.type === 'call_expression' ? left.childForFieldName('function') : undefined;
    const seconds = numberProduct(right);
    if (unix?.type === 'selector_expression' && unix.childForFieldName('field')?.text === 'Unix' && isGoNow(unix.childForFieldName('operand')) && seconds !== undefined && right) {
      return { seconds, span: [right.startIndex, right.endIndex], rewrite: (s) => String(s) };
    }
    return undefined;
  }
  // `….Unix()` around the time.
  const unwrap = (n: SyntaxNode | null | undefined) => {
    const callee = n?.type === 'call_expression' ? n.childForFieldName('function') : undefined;
    return callee?.type === 'selector_expression' && callee.childForFieldName('field')?.text === 'Unix' && named(n!.childForFieldName('arguments')).length === 0 ? callee.childForFieldName('operand') : n;
  };
  node = unwrap(node);
  const callee = node?.type === 'call_expression' ? node.childForFieldName('function') : undefined;
  if (callee?.type !== 'selector_expression' || !isGoNow(callee.childForFieldName('operand'))) return undefined;
  const method = callee.childForFieldName('field');
  const args = named(node!.childForFieldName('arguments'));
  if (method?.text === 'Add' && args.length === 1) {
    const seconds = goDurationValue(args[0]);
    return seconds === undefined ? undefined : { seconds, span: [args[0]!.startIndex, args[0]!.endIndex], rewrite: goRewrite };
  }
  if (method?.text === 'AddDate' && args.length === 3) {
    const [years, months, days] = args.map((arg) => numberProduct(arg));
    if (years === undefined || months === undefined || days === undefined) return undefined;
    const seconds = years * 31557600 + months * 2629800 + days * 86400;
    // `AddDate(0, 0, 30)` → `Add(15 * time.Minute)`: from the method name to the call's end.
    return { seconds, span: [method.startIndex, node!.endIndex], rewrite: (s) => `Add(${goRewrite(s)})` };
  }
  return undefined;
}

// ---------------------------------------------------------------- Java

const CHRONO_SECONDS: Record<string, number> = { MILLIS: 1e-3, SECONDS: 1, MINUTES: 60, HOURS: 3600, HALF_DAYS: 43200, DAYS: 86400, WEEKS: 604800 };
const CHRONO_NAMES: Record<string, string> = { days: 'DAYS', hours: 'HOURS', minutes: 'MINUTES', seconds: 'SECONDS' };
const DURATION_FACTORY: Record<string, number> = { ofMillis: 1e-3, ofSeconds: 1, ofMinutes: 60, ofHours: 3600, ofDays: 86400 };
const DURATION_NAMES: Record<string, string> = { days: 'ofDays', hours: 'ofHours', minutes: 'ofMinutes', seconds: 'ofSeconds' };
const TIME_UNIT_SECONDS: Record<string, number> = { MILLISECONDS: 1e-3, SECONDS: 1, MINUTES: 60, HOURS: 3600, DAYS: 86400 };
const PLUS_METHODS: Record<string, number> = { plusMillis: 1e-3, plusSeconds: 1 };

function javaCall(node: SyntaxNode | null | undefined): { object?: SyntaxNode; name: string; args: SyntaxNode[] } | undefined {
  if (node?.type !== 'method_invocation') return undefined;
  return { object: node.childForFieldName('object') ?? undefined, name: node.childForFieldName('name')?.text ?? '', args: named(node.childForFieldName('arguments')) };
}

const isJavaNowMillis = (node: SyntaxNode | null | undefined) => {
  const call = javaCall(node);
  return (call?.name === 'currentTimeMillis' && call.object?.text === 'System') || (call?.name === 'getTime' && call.args.length === 0) || call?.name === 'toEpochMilli';
};

/** Milliseconds written with literals: `1000L * 60 * 60 * 24`, `TimeUnit.DAYS.toMillis(30)`, `Duration.ofDays(30).toMillis()`. */
function javaMillis(node: SyntaxNode | null | undefined): number | undefined {
  const product = numberProduct(node);
  if (product !== undefined) return product;
  const call = javaCall(node);
  if (call?.name !== 'toMillis') return undefined;
  if (call.args.length === 1) {
    const unit = call.object?.type === 'field_access' ? call.object.childForFieldName('field')?.text : undefined;
    const amount = numberProduct(call.args[0]);
    return unit && TIME_UNIT_SECONDS[unit] !== undefined && amount !== undefined ? amount * TIME_UNIT_SECONDS[unit]! * 1000 : undefined;
  }
  const duration = javaDurationFactory(call.object);
  return duration === undefined ? undefined : duration * 1000;
}

function javaDurationFactory(node: SyntaxNode | null | undefined): number | undefined {
  const call = javaCall(node);
  if (!call || call.object?.text !== 'Duration' || DURATION_FACTORY[call.name] === undefined || call.args.length !== 1) return undefined;
  const amount = numberProduct(call.args[0]);
  return amount === undefined ? undefined : amount * DURATION_FACTORY[call.name]!;
}

/**
 * A jjwt expiration written as now plus a literal: `new Date(System.currentTimeMillis() + 86_400_000L)`,
 * `Date.from(Instant.now().plus(30, ChronoUnit.DAYS))`, `….plus(Duration.ofDays(30))`, `….plusSeconds(86400)`.
 */
export function javaLifetime(value: SyntaxNode | null | undefined): Lifetime | undefined {
  if (value?.type === 'object_creation_expression' && value.childForFieldName('type')?.text.replace(/^java\.util\./, '') === 'Date') {
    const sum = named(value.childForFieldName('arguments'))[0];
    if (sum?.type !== 'binary_expression' || sum.childForFieldName('operator')?.text !== '+' || !isJavaNowMillis(sum.childForFieldName('left'))) return undefined;
    const delta = sum.childForFieldName('right')!;
    const millis = javaMillis(delta);
    return millis === undefined ? undefined : { seconds: millis / 1000, span: [delta.startIndex, delta.endIndex], rewrite: (s) => `${s * 1000}L` };
  }
  const from = javaCall(value);
  if (from?.name !== 'from' || from.object?.text !== 'Date' || from.args.length !== 1) return undefined;
  const plus = javaCall(from.args[0]);
  const nowCall = javaCall(plus?.object);
  if (!plus || nowCall?.name !== 'now') return undefined;
  if (PLUS_METHODS[plus.name] !== undefined && plus.args.length === 1) {
    const amount = numberProduct(plus.args[0]);
    const factor = PLUS_METHODS[plus.name]!;
    return amount === undefined ? undefined : { seconds: amount * factor, span: [plus.args[0]!.startIndex, plus.args[0]!.endIndex], rewrite: (s) => String(s / factor) };
  }
  if (plus.name !== 'plus') return undefined;
  if (plus.args.length === 2) {
    const amount = numberProduct(plus.args[0]);
    const unit = plus.args[1]!;
    const unitName = unit.type === 'field_access' ? unit.childForFieldName('field')?.text : unit.text;
    const qualifier = unit.type === 'field_access' ? `${unit.childForFieldName('object')!.text}.` : '';
    if (amount === undefined || !unitName || CHRONO_SECONDS[unitName] === undefined) return undefined;
    return {
      seconds: amount * CHRONO_SECONDS[unitName]!,
      span: [plus.args[0]!.startIndex, unit.endIndex],
      rewrite: (s) => {
        const { amount: n, unit: u } = unitOf(s);
        return `${n}, ${qualifier}${CHRONO_NAMES[u]}`;
      },
    };
  }
  const seconds = plus.args.length === 1 ? javaDurationFactory(plus.args[0]) : undefined;
  if (seconds === undefined) return undefined;
  return {
    seconds,
    span: [plus.args[0]!.startIndex, plus.args[0]!.endIndex],
    rewrite: (s) => {
      const { amount, unit } = unitOf(s);
      return `Duration.${DURATION_NAMES[unit]}(${amount})`;
    },
  };
}

/**
 * Inserts `.call(…)` into a method chain before the call whose name starts at `nameStart` (its
 * receiver ends at `objectEnd`): inline, or on a line of its own with the same indent when the
 * chain puts that call on its own line (`.compact()`, `.sign(key)`).
 */
export function callBefore(text: string, objectEnd: number, nameStart: number, call: string): TextEdit {
  if (!text.slice(objectEnd, nameStart).includes('\n')) return { span: [objectEnd, objectEnd], newText: call };
  const lineStart = text.lastIndexOf('\n', nameStart) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const eol = text[lineStart - 2] === '\r' ? '\r\n' : '\n';
  return { span: [objectEnd, objectEnd], newText: `${eol}${indent}${call}` };
}
