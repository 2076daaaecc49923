// A CloudFormation template, YAML or JSON, read with the line of everything in it, and its
// intrinsic functions evaluated as far as the template alone allows: parameters take their
// defaults, conditions are decided from them, !Ref and !GetAtt of the template's own resources
// become their ids (made from the logical id before the stack exists: sg-cfn:WebSecurityGroup),
// !Sub, !Join, !Select, !Split, !FindInMap and !If are computed. What the template cannot say (a
// parameter without a default, Fn::ImportValue, an attribute only the deployed stack has) is
// Unknown, with the reason. Pure: the text comes in.
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { inputError } from '../../errors.js';
import { isUnknown, unknown, type Unknown } from '../world.js';

export type Json = Readonly<Record<string, unknown>>;
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v) && !isUnknown(v);

// The short forms YAML templates use for intrinsic functions.
const SHORT_FORMS = new Set([
  '!Ref', '!Condition', '!GetAtt', '!Sub', '!Join', '!Select', '!Split', '!FindInMap', '!If', '!Equals', '!Not', '!And', '!Or',
  '!Base64', '!Cidr', '!GetAZs', '!ImportValue', '!Transform', '!Length', '!ToJsonString',
]);

export interface Template {
  readonly file: string;
  readonly value: Json;
  /** The line of each object and list of the template (1-based). */
  readonly lines: WeakMap<object, number>;
  /** The line of each key of an object. */
  readonly keyLines: WeakMap<object, ReadonlyMap<string, number>>;
}

/** The template, parsed with positions; a syntax error is an input error naming the line. */
export function parseTemplate(text: string, file: string): Template {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter, uniqueKeys: true, prettyErrors: true, schema: 'core', maxAliasCount: 100 } as Parameters<typeof parseDocument>[1]);
  const problem = doc.errors[0] ?? doc.warnings.find((w) => !(w.code === 'TAG_RESOLVE_FAILED' && [...SHORT_FORMS].some((tag) => w.message.includes(`tag: ${tag} `))));
  if (problem) {
    const at = problem.linePos?.[0];
    throw inputError(`${file}${at ? `:${at.line}:${at.col}` : ''}: invalid template: ${(problem.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '')}`, 'fix the template syntax (YAML or JSON)');
  }
  const lines = new WeakMap<object, number>();
  const keyLines = new WeakMap<object, Map<string, number>>();
  const lineOf = (node: Node) => (node.range ? lineCounter.linePos(node.range[0]).line : 0);
  let aliases = 0;
  const walk = (node: unknown): unknown => {
    if (isAlias(node)) {
      if (++aliases > 1000) throw inputError(`${file}: too many YAML aliases`, 'expand the aliases in the template');
      return walk(node.resolve(doc));
    }
    let value: unknown;
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      const keys = new Map<string, number>();
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        obj[key] = walk(pair.value);
        if (pair.key && typeof pair.key === 'object') keys.set(key, lineOf(pair.key as Node));
      }
      lines.set(obj, lineOf(node));
      keyLines.set(obj, keys);
      value = obj;
    } else if (isSeq(node)) {
      const arr = node.items.map(walk);
      lines.set(arr, lineOf(node));
      value = arr;
    } else if (isScalar(node)) {
      value = node.value;
    } else value = node ?? null;
    const tag = (node as { tag?: string } | null)?.tag;
    if (tag && SHORT_FORMS.has(tag)) {
      const name = tag.slice(1);
      let long: Record<string, unknown>;
      if (name === 'Ref' || name === 'Condition') long = { [name]: value };
      // !GetAtt Resource.Attribute is the list form's [Resource, Attribute].
      else if (name === 'GetAtt' && typeof value === 'string') {
        const dot = value.indexOf('.');
        long = { 'Fn::GetAtt': dot > 0 ? [value.slice(0, dot), value.slice(dot + 1)] : [value, ''] };
      } else long = { [`Fn::${name}`]: value };
      if (isMap(node) || isSeq(node) || isScalar(node)) lines.set(long, lineOf(node as Node));
      return long;
    }
    return value;
  };
  const value = walk(doc.contents);
  if (!isObject(value)) throw inputError(`${file}: a template is an object with Resources`, 'give a CloudFormation template (YAML or JSON)');
  return { file, value, lines, keyLines };
}

/** The value AWS::NoValue stands for: the property is left out. */
export const NO_VALUE: unique symbol = Symbol('AWS::NoValue');

export interface EvaluationEnv {
  readonly parameters: ReadonlyMap<string, unknown>;
  readonly conditions: ReadonlyMap<string, boolean | Unknown>;
  readonly mappings: Json;
  /** Logical id → its id before the stack exists. */
  readonly refs: ReadonlyMap<string, string>;
  /** Logical id → the attribute values the template gives it (for !GetAtt). */
  readonly attributes: (logicalId: string, attribute: string) => unknown;
  readonly region?: string;
}

/**
 * A value with its intrinsic functions evaluated. Objects and lists keep their shape (and their
 * line, through `lines`); AWS::NoValue removes a property or an item.
 */
export function evaluateValue(value: unknown, env: EvaluationEnv, lines?: WeakMap<object, number>): unknown {
  const ev = (v: unknown): unknown => evaluateValue(v, env, lines);
  if (Array.isArray(value)) {
    const out = value.map(ev).filter((v) => v !== NO_VALUE);
    const line = lines?.get(value);
    if (line !== undefined) lines?.set(out, line);
    return out;
  }
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const fn = keys[0] as string;
    const arg = value[fn];
    const result = intrinsic(fn, arg, env, ev);
    if (result !== NOT_INTRINSIC) return result;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const v = ev(value[key]);
    if (v !== NO_VALUE) out[key] = v;
  }
  const line = lines?.get(value);
  if (line !== undefined) lines?.set(out, line);
  return out;
}

const NOT_INTRINSIC = Symbol('not an intrinsic function');

function intrinsic(fn: string, arg: unknown, env: EvaluationEnv, ev: (v: unknown) => unknown): unknown {
  switch (fn) {
    case 'Ref':
      return ref(String(arg), env);
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(arg) ? arg.map((a) => ev(a)) : [arg, ''];
      if (typeof logicalId !== 'string' || typeof attribute !== 'string') return unknown(`!GetAtt of a computed name`);
      return env.attributes(logicalId, attribute);
    }
    case 'Fn::Sub':
      return sub(arg, env, ev);
    case 'Fn::Join': {
      if (!Array.isArray(arg)) return unknown('Fn::Join without a list');
      const [delimiter, items] = [ev(arg[0]), ev(arg[1])];
      if (isUnknown(items)) return items;
      if (!Array.isArray(items) || typeof delimiter !== 'string') return unknown('Fn::Join of a value that is not a list');
      const bad = items.find(isUnknown);
      return bad ?? items.map(String).join(delimiter);
    }
    case 'Fn::Select': {
      if (!Array.isArray(arg)) return unknown('Fn::Select without a list');
      const [index, items] = [ev(arg[0]), ev(arg[1])];
      if (isUnknown(items)) return items;
      if (isUnknown(index)) return index;
      return Array.isArray(items) ? (items[Number(index)] ?? unknown(`Fn::Select index ${String(index)} is past the list`)) : unknown('Fn::Select of a value that is not a list');
    }
    case 'Fn::Split': {
      if (!Array.isArray(arg)) return unknown('Fn::Split without a list');
      const [delimiter, source] = [ev(arg[0]), ev(arg[1])];
      if (isUnknown(source)) return source;
      return typeof source === 'string' && typeof delimiter === 'string' ? source.split(delimiter) : unknown('Fn::Split of a value that is not a string');
    }
    case 'Fn::FindInMap': {
      if (!Array.isArray(arg)) return unknown('Fn::FindInMap without a list');
      const [map, top, second] = arg.map(ev);
      const bad = [map, top, second].find(isUnknown);
      if (bad) return bad;
      const found = isObject(env.mappings[String(map)]) ? (env.mappings[String(map)] as Json)[String(top)] : undefined;
      const value = isObject(found) ? found[String(second)] : undefined;
      return value === undefined ? unknown(`mapping ${String(map)}.${String(top)}.${String(second)} is not in the template`) : value;
    }
    case 'Fn::If': {
      if (!Array.isArray(arg)) return unknown('Fn::If without a list');
      const condition = env.conditions.get(String(arg[0]));
      if (condition === undefined) return unknown(`condition ${String(arg[0])} is not in the template`);
      if (isUnknown(condition)) return unknown(`condition ${String(arg[0])}: ${condition.reason}`);
      return ev(condition ? arg[1] : arg[2]);
    }
    case 'Fn::Base64':
      return ev(arg);
    case 'Fn::ImportValue':
      return unknown(`Fn::ImportValue ${JSON.stringify(ev(arg))} is another stack's output`);
    case 'Fn::GetAZs':
    case 'Fn::Cidr':
    case 'Fn::Transform':
    case 'Fn::Length':
    case 'Fn::ToJsonString':
      return unknown(`${fn} is computed when the stack is deployed`);
    case 'Condition':
      return NOT_INTRINSIC;
    default:
      return NOT_INTRINSIC;
  }
}

const PSEUDO: Readonly<Record<string, (env: EvaluationEnv) => unknown>> = {
  'AWS::Region': (env) => env.region ?? unknown('AWS::Region: the stack\'s region (give --region)'),
  'AWS::Partition': () => 'aws',
  'AWS::URLSuffix': () => 'amazonaws.com',
  'AWS::AccountId': () => unknown('AWS::AccountId: the stack\'s account'),
  'AWS::StackName': () => unknown('AWS::StackName: the stack\'s name'),
  'AWS::StackId': () => unknown('AWS::StackId: the stack\'s id'),
  'AWS::NotificationARNs': () => [],
};

function ref(name: string, env: EvaluationEnv): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  const pseudo = PSEUDO[name];
  if (pseudo) return pseudo(env);
  if (env.parameters.has(name)) return env.parameters.get(name);
  const id = env.refs.get(name);
  return id ?? unknown(`!Ref ${name}: no parameter or resource of that name`);
}

/** Fn::Sub: ${Name} and ${Resource.Attribute} replaced; ${!Literal} kept as ${Literal}. */
function sub(arg: unknown, env: EvaluationEnv, ev: (v: unknown) => unknown): unknown {
  const [template, vars] = Array.isArray(arg) ? [arg[0], ev(arg[1])] : [arg, {}];
  if (typeof template !== 'string') return unknown('Fn::Sub of a value that is not a string');
  let missing: Unknown | undefined;
  const text = template.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const given = isObject(vars) ? vars[name] : undefined;
    const value = given !== undefined ? given : name.includes('.') ? env.attributes(name.slice(0, name.indexOf('.')), name.slice(name.indexOf('.') + 1)) : ref(name, env);
    if (isUnknown(value)) missing ??= value;
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  });
  return missing ?? text;
}

/** A condition's value: Fn::Equals, Fn::Not, Fn::And, Fn::Or and Condition over evaluated values. */
export function evaluateCondition(value: unknown, env: EvaluationEnv, named: (name: string) => boolean | Unknown): boolean | Unknown {
  if (!isObject(value)) return typeof value === 'boolean' ? value : unknown('a condition that is not a function');
  const [fn] = Object.keys(value);
  const arg = value[fn as string];
  const all = (items: unknown): (boolean | Unknown)[] => (Array.isArray(items) ? items.map((i) => evaluateCondition(i, env, named)) : []);
  switch (fn) {
    case 'Condition':
      return named(String(arg));
    case 'Fn::Equals': {
      if (!Array.isArray(arg)) return unknown('Fn::Equals without a list');
      const [a, b] = arg.map((x) => evaluateValue(x, env));
      if (isUnknown(a)) return a;
      if (isUnknown(b)) return b;
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not': {
      const [inner] = all(arg);
      return inner === undefined ? unknown('Fn::Not without a condition') : isUnknown(inner) ? inner : !inner;
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const values = all(arg);
      const decided = fn === 'Fn::And' ? values.some((v) => v === false) : values.some((v) => v === true);
      if (decided) return fn !== 'Fn::And';
      const open = values.find(isUnknown);
      return open ?? fn === 'Fn::And';
    }
    default:
      return unknown(`${String(fn)} is not a condition function`);
  }
}
