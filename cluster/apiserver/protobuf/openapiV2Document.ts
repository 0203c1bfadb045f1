// The Swagger 2.0 document in the protobuf form kube-apiserver serves at /openapi/v2 for
// application/com.github.proto-openapi.spec.v2@v1.0+protobuf: gnostic's openapi.v2.Document, the message
// kubectl (explain --output=plaintext-openapiv2, patch metadata when OpenAPI v3 lacks it) parses.
// Field numbers follow gnostic's OpenAPIv2.proto. JSON objects keyed by name become repeated Named* pairs in
// JSON order; `x-` keys become vendor_extension pairs; free-form values (default, example, enum items,
// extensions) an Any holding their YAML text (JSON is YAML). Keys the message lacks are left out.
import { isRecord } from '../../../kube/objects';
import type { SwaggerDocument } from '../../../kube/openapiV2';
import { WireWriter } from './wire';

type Json = unknown;
type JsonObject = Record<string, Json>;

type Scalar = 'string' | 'bool' | 'double' | 'int64' | 'any';
/** a scalar, a message of this table, or a JSON object as the Named* pairs of a message's values */
type FieldType = Scalar | { message: string } | { named: FieldType };
interface Field {
  no: number;
  type: FieldType;
  repeated?: true;
}
/** A message: its fields by JSON key, and the field number of its vendor extensions */
interface Message {
  fields: Record<string, Field>;
  extensions?: number;
}

const f = (no: number, type: FieldType, repeated?: true): Field => ({ no, type, ...(repeated ? { repeated } : {}) });
const msg = (message: string): FieldType => ({ message });
const named = (type: FieldType): FieldType => ({ named: type });

/** The fields of a non-body parameter or header, numbered from `first` (query and form data add allowEmptyValue). */
function primitiveFields(first: number): Record<string, Field> {
  const keys = [
    'type',
    'format',
    'items',
    'collectionFormat',
    'default',
    'maximum',
    'exclusiveMaximum',
    'minimum',
    'exclusiveMinimum',
    'maxLength',
    'minLength',
    'pattern',
    'maxItems',
    'minItems',
    'uniqueItems',
    'enum',
    'multipleOf',
  ];
  const types: Record<string, FieldType> = {
    items: msg('PrimitivesItems'),
    default: 'any',
    maximum: 'double',
    minimum: 'double',
    multipleOf: 'double',
    exclusiveMaximum: 'bool',
    exclusiveMinimum: 'bool',
    uniqueItems: 'bool',
    maxLength: 'int64',
    minLength: 'int64',
    maxItems: 'int64',
    minItems: 'int64',
  };
  return Object.fromEntries(
    keys.map((k, i) => [k, k === 'enum' ? f(first + i, 'any', true) : f(first + i, types[k] ?? 'string')]),
  );
}

const PARAMETER_HEAD = {
  required: f(1, 'bool'),
  in: f(2, 'string'),
  description: f(3, 'string'),
  name: f(4, 'string'),
};

const MESSAGES: Record<string, Message> = {
  Document: {
    fields: {
      swagger: f(1, 'string'),
      info: f(2, msg('Info')),
      host: f(3, 'string'),
      basePath: f(4, 'string'),
      schemes: f(5, 'string', true),
      consumes: f(6, 'string', true),
      produces: f(7, 'string', true),
      paths: f(8, msg('Paths')),
      definitions: f(9, msg('Definitions')),
      parameters: f(10, msg('ParameterDefinitions')),
      responses: f(11, msg('ResponseDefinitions')),
      security: f(12, msg('SecurityRequirement'), true),
      securityDefinitions: f(13, msg('SecurityDefinitions')),
      tags: f(14, msg('Tag'), true),
      externalDocs: f(15, msg('ExternalDocs')),
    },
    extensions: 16,
  },
  Info: {
    fields: {
      title: f(1, 'string'),
      version: f(2, 'string'),
      description: f(3, 'string'),
      termsOfService: f(4, 'string'),
      contact: f(5, msg('Contact')),
      license: f(6, msg('License')),
    },
    extensions: 7,
  },
  Contact: { fields: { name: f(1, 'string'), url: f(2, 'string'), email: f(3, 'string') }, extensions: 4 },
  License: { fields: { name: f(1, 'string'), url: f(2, 'string') }, extensions: 3 },
  ExternalDocs: { fields: { description: f(1, 'string'), url: f(2, 'string') }, extensions: 3 },
  Tag: {
    fields: { name: f(1, 'string'), description: f(2, 'string'), externalDocs: f(3, msg('ExternalDocs')) },
    extensions: 4,
  },
  PathItem: {
    fields: {
      $ref: f(1, 'string'),
      get: f(2, msg('Operation')),
      put: f(3, msg('Operation')),
      post: f(4, msg('Operation')),
      delete: f(5, msg('Operation')),
      options: f(6, msg('Operation')),
      head: f(7, msg('Operation')),
      patch: f(8, msg('Operation')),
      parameters: f(9, msg('ParametersItem'), true),
    },
    extensions: 10,
  },
  Operation: {
    fields: {
      tags: f(1, 'string', true),
      summary: f(2, 'string'),
      description: f(3, 'string'),
      externalDocs: f(4, msg('ExternalDocs')),
      operationId: f(5, 'string'),
      produces: f(6, 'string', true),
      consumes: f(7, 'string', true),
      parameters: f(8, msg('ParametersItem'), true),
      responses: f(9, msg('Responses')),
      schemes: f(10, 'string', true),
      deprecated: f(11, 'bool'),
      security: f(12, msg('SecurityRequirement'), true),
    },
    extensions: 13,
  },
  JsonReference: { fields: { $ref: f(1, 'string'), description: f(2, 'string') } },
  BodyParameter: {
    fields: {
      description: f(1, 'string'),
      name: f(2, 'string'),
      in: f(3, 'string'),
      required: f(4, 'bool'),
      schema: f(5, msg('Schema')),
    },
    extensions: 6,
  },
  HeaderParameterSubSchema: { fields: { ...PARAMETER_HEAD, ...primitiveFields(5) }, extensions: 22 },
  PathParameterSubSchema: { fields: { ...PARAMETER_HEAD, ...primitiveFields(5) }, extensions: 22 },
  QueryParameterSubSchema: {
    fields: { ...PARAMETER_HEAD, allowEmptyValue: f(5, 'bool'), ...primitiveFields(6) },
    extensions: 23,
  },
  FormDataParameterSubSchema: {
    fields: { ...PARAMETER_HEAD, allowEmptyValue: f(5, 'bool'), ...primitiveFields(6) },
    extensions: 23,
  },
  PrimitivesItems: { fields: primitiveFields(1), extensions: 18 },
  Header: { fields: { ...primitiveFields(1), description: f(18, 'string') }, extensions: 19 },
  Response: {
    fields: {
      description: f(1, 'string'),
      schema: f(2, msg('SchemaItem')),
      headers: f(3, named(msg('Header'))),
      examples: f(4, named('any')),
    },
    extensions: 5,
  },
  Schema: {
    fields: {
      $ref: f(1, 'string'),
      format: f(2, 'string'),
      title: f(3, 'string'),
      description: f(4, 'string'),
      default: f(5, 'any'),
      multipleOf: f(6, 'double'),
      maximum: f(7, 'double'),
      exclusiveMaximum: f(8, 'bool'),
      minimum: f(9, 'double'),
      exclusiveMinimum: f(10, 'bool'),
      maxLength: f(11, 'int64'),
      minLength: f(12, 'int64'),
      pattern: f(13, 'string'),
      maxItems: f(14, 'int64'),
      minItems: f(15, 'int64'),
      uniqueItems: f(16, 'bool'),
      maxProperties: f(17, 'int64'),
      minProperties: f(18, 'int64'),
      required: f(19, 'string', true),
      enum: f(20, 'any', true),
      additionalProperties: f(21, msg('AdditionalPropertiesItem')),
      type: f(22, msg('TypeItem')),
      items: f(23, msg('ItemsItem')),
      allOf: f(24, msg('Schema'), true),
      properties: f(25, named(msg('Schema'))),
      discriminator: f(26, 'string'),
      readOnly: f(27, 'bool'),
      xml: f(28, msg('Xml')),
      externalDocs: f(29, msg('ExternalDocs')),
      example: f(30, 'any'),
    },
    extensions: 31,
  },
  FileSchema: {
    fields: {
      format: f(1, 'string'),
      title: f(2, 'string'),
      description: f(3, 'string'),
      default: f(4, 'any'),
      required: f(5, 'string', true),
      type: f(6, 'string'),
      readOnly: f(7, 'bool'),
      externalDocs: f(8, msg('ExternalDocs')),
      example: f(9, 'any'),
    },
    extensions: 10,
  },
  Xml: {
    fields: {
      name: f(1, 'string'),
      namespace: f(2, 'string'),
      prefix: f(3, 'string'),
      attribute: f(4, 'bool'),
      wrapped: f(5, 'bool'),
    },
    extensions: 6,
  },
  ApiKeySecurity: {
    fields: { type: f(1, 'string'), name: f(2, 'string'), in: f(3, 'string'), description: f(4, 'string') },
    extensions: 5,
  },
  BasicAuthenticationSecurity: { fields: { type: f(1, 'string'), description: f(2, 'string') }, extensions: 3 },
};

const FIELDS = new Map(Object.entries(MESSAGES).map(([name, m]) => [name, new Map(Object.entries(m.fields))]));

/** Messages that hold a JSON object as Named* pairs in field 1 (Paths and Responses also take extensions). */
const MAPS: Record<string, { value: FieldType; extensions?: number; entries?: number }> = {
  Definitions: { value: msg('Schema') },
  ParameterDefinitions: { value: msg('Parameter') },
  ResponseDefinitions: { value: msg('Response') },
  SecurityDefinitions: { value: msg('SecurityDefinitionsItem') },
  SecurityRequirement: { value: msg('StringArray') },
  Paths: { value: msg('PathItem'), extensions: 1, entries: 2 },
  Responses: { value: msg('ResponseValue'), entries: 1, extensions: 2 },
};

/** Messages whose JSON is one of several shapes (a proto oneof), or not an object at all. */
const CHOICES: Record<string, (json: Json) => [number, FieldType, Json][]> = {
  ParametersItem: (p) => (isRecord(p) && '$ref' in p ? [[2, msg('JsonReference'), p]] : [[1, msg('Parameter'), p]]),
  Parameter: (p) =>
    isRecord(p) && p.in === 'body' ? [[1, msg('BodyParameter'), p]] : [[2, msg('NonBodyParameter'), p]],
  NonBodyParameter: (p) => {
    const where = isRecord(p) ? p.in : undefined;
    if (where === 'header') return [[1, msg('HeaderParameterSubSchema'), p]];
    if (where === 'formData') return [[2, msg('FormDataParameterSubSchema'), p]];
    if (where === 'path') return [[4, msg('PathParameterSubSchema'), p]];
    return [[3, msg('QueryParameterSubSchema'), p]];
  },
  ResponseValue: (r) => (isRecord(r) && '$ref' in r ? [[2, msg('JsonReference'), r]] : [[1, msg('Response'), r]]),
  SchemaItem: (s) => (isRecord(s) && s.type === 'file' ? [[2, msg('FileSchema'), s]] : [[1, msg('Schema'), s]]),
  AdditionalPropertiesItem: (a) => (typeof a === 'boolean' ? [[2, 'bool', a]] : [[1, msg('Schema'), a]]),
  TypeItem: (t) => (Array.isArray(t) ? t : [t]).map((v) => [1, 'string', v]),
  ItemsItem: (i) => (Array.isArray(i) ? i : [i]).map((v) => [1, msg('Schema'), v]),
  StringArray: (a) => (Array.isArray(a) ? a : []).map((v) => [1, 'string', v]),
  SecurityDefinitionsItem: (s) => {
    const type = isRecord(s) ? s.type : undefined;
    if (type === 'basic') return [[1, msg('BasicAuthenticationSecurity'), s]];
    if (type === 'apiKey') return [[2, msg('ApiKeySecurity'), s]];
    return [];
  },
};

/** Any: field 2 holds the value's YAML text (field 1, a google.protobuf.Any, stays empty). */
function anyMessage(v: Json): WireWriter {
  const w = new WireWriter();
  w.string(2, `${JSON.stringify(v)}\n`);
  return w;
}

function namedPair(name: string, type: FieldType, value: Json): WireWriter {
  const w = new WireWriter();
  w.string(1, name);
  writeValue(w, 2, type, value);
  return w;
}

function writeExtensions(w: WireWriter, field: number, o: JsonObject): void {
  for (const [k, v] of Object.entries(o)) if (k.startsWith('x-')) w.message(field, namedPair(k, 'any', v));
}

/** One value of a field; proto3 leaves zero values out, so does this. */
function writeValue(w: WireWriter, no: number, type: FieldType, v: Json): void {
  if (v === undefined || v === null) return;
  if (type === 'string') {
    if (typeof v === 'string' && v !== '') w.string(no, v);
  } else if (type === 'bool') {
    if (v === true) w.varint(no, true);
  } else if (type === 'double') {
    if (typeof v === 'number' && v !== 0) w.double(no, v);
  } else if (type === 'int64') {
    if (typeof v === 'number' && Number.isInteger(v) && v !== 0) w.varint(no, v);
  } else if (type === 'any') {
    w.message(no, anyMessage(v));
  } else if ('named' in type) {
    if (!isRecord(v)) return;
    const m = new WireWriter();
    for (const [k, item] of Object.entries(v)) m.message(1, namedPair(k, type.named, item));
    w.message(no, m);
  } else {
    w.message(no, encodeMessage(type.message, v));
  }
}

function encodeMessage(name: string, v: Json): WireWriter {
  const w = new WireWriter();
  const choice = CHOICES[name];
  if (choice) {
    for (const [no, type, value] of choice(v)) writeValue(w, no, type, value);
    return w;
  }
  if (!isRecord(v)) return w;
  const map = MAPS[name];
  if (map) {
    for (const [k, item] of Object.entries(v)) {
      if (map.extensions !== undefined && k.startsWith('x-')) continue;
      w.message(map.entries ?? 1, namedPair(k, map.value, item));
    }
    if (map.extensions !== undefined) writeExtensions(w, map.extensions, v);
    return w;
  }
  const spec = MESSAGES[name];
  const fields = FIELDS.get(name)!;
  // the object's few keys, not the message's many fields (wire order is free)
  for (const [k, value] of Object.entries(v)) {
    const field = fields.get(k);
    if (field?.repeated) {
      for (const item of Array.isArray(value) ? value : []) writeValue(w, field.no, field.type, item);
    } else if (field) writeValue(w, field.no, field.type, value);
    else if (spec.extensions !== undefined && k.startsWith('x-'))
      w.message(spec.extensions, namedPair(k, 'any', value));
  }
  return w;
}

/** The Swagger 2.0 document (JSON) as gnostic's openapi.v2.Document bytes. */
export function encodeOpenApiV2Document(doc: SwaggerDocument): Buffer {
  return encodeMessage('Document', doc).finish();
}
