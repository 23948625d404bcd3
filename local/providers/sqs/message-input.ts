/** Validation of what a sender puts in a message (body, delay, message attributes), as SQS does. */
import { invalidParameter, missingParameter, sqsError } from './errors.ts';
import type { MessageAttributeValue } from './md5.ts';

// #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF; lone surrogates fail.
const invalidCharacter = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const attributeName = /^[A-Za-z0-9_.-]{1,256}$/;
const dataTypeName = /^(String|Number|Binary)(\..+)?$/;

export function checkCharacters(text: string, what: string): void {
  if (invalidCharacter.test(text)) {
    throw sqsError(
      'InvalidMessageContents',
      `Invalid characters found in ${what}. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF`,
    );
  }
}

export function checkBody(body: unknown): string {
  if (body === undefined || body === null) throw missingParameter('MessageBody');
  if (typeof body !== 'string') throw sqsError('InvalidParameterValue', 'MessageBody must be a string.');
  if (body.length === 0) throw missingParameter('MessageBody');
  checkCharacters(body, 'the message body');
  return body;
}

export function checkDelaySeconds(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 900) {
    throw invalidParameter('DelaySeconds', value, 'must be between 0 and 900, if provided.');
  }
  return value;
}

/** Validates `MessageAttributes` and answers them in the stored shape. */
export function checkMessageAttributes(raw: unknown): Record<string, MessageAttributeValue> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw sqsError('InvalidParameterValue', 'MessageAttributes must be a map.');
  }
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > 10) {
    throw sqsError(
      'InvalidParameterValue',
      `Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`,
    );
  }
  const attributes: Record<string, MessageAttributeValue> = {};
  for (const [name, value] of entries) {
    if (
      !attributeName.test(name) ||
      /^(aws\.|amazon\.)/i.test(name) ||
      name.startsWith('.') ||
      name.endsWith('.') ||
      name.includes('..')
    ) {
      throw sqsError('InvalidParameterValue', `Message (user) attribute name '${name}' is invalid.`);
    }
    const attribute = (value ?? {}) as Record<string, unknown>;
    const dataType = attribute.DataType;
    if (typeof dataType !== 'string' || dataType === '') {
      throw sqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' must contain a non-empty attribute type.`,
      );
    }
    if (!dataTypeName.test(dataType) || dataType.length > 256) {
      throw sqsError(
        'InvalidParameterValue',
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    if (attribute.StringListValues !== undefined || attribute.BinaryListValues !== undefined) {
      throw sqsError(
        'InvalidParameterValue',
        `Message attribute list values in SendMessage operation are not supported.`,
      );
    }
    const base = dataType.split('.')[0];
    if (base === 'Binary') {
      const binary = attribute.BinaryValue;
      if (typeof binary !== 'string' || binary === '') {
        throw sqsError(
          'InvalidParameterValue',
          `The message attribute '${name}' with type 'Binary' must use field 'Binary'.`,
        );
      }
      attributes[name] = { DataType: dataType, BinaryValue: binary };
      continue;
    }
    const text = attribute.StringValue;
    if (typeof text !== 'string' || text === '') {
      throw sqsError(
        'InvalidParameterValue',
        `The message attribute '${name}' with type '${base}' must use field 'String'.`,
      );
    }
    if (base === 'Number' && !isSqsNumber(text)) {
      throw sqsError(
        'InvalidParameterValue',
        `Can't cast the value of message (user) attribute '${name}' to a number.`,
      );
    }
    checkCharacters(text, `message attribute '${name}'`);
    attributes[name] = { DataType: dataType, StringValue: text };
  }
  return attributes;
}

/** SQS numbers: up to 38 significant digits, between -10^128 and 10^126. */
function isSqsNumber(text: string): boolean {
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return false;
  const digits = text
    .replace(/[eE].*$/, '')
    .replace(/[^0-9]/g, '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  const value = Number(text);
  return digits.length <= 38 && value > -1e128 && value < 1e126;
}

/** The size SQS counts against MaximumMessageSize: body plus each attribute's name, type and value. */
export function messageSize(body: string, attributes: Record<string, MessageAttributeValue>): number {
  let size = Buffer.byteLength(body, 'utf8');
  for (const [name, attribute] of Object.entries(attributes)) {
    size += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(attribute.DataType, 'utf8');
    size +=
      attribute.BinaryValue !== undefined
        ? Buffer.from(attribute.BinaryValue, 'base64').length
        : Buffer.byteLength(attribute.StringValue ?? '', 'utf8');
  }
  return size;
}

/** `MessageSystemAttributes` on send: AWSTraceHeader (a String) is the only one SQS accepts. */
export function checkSystemAttributes(raw: unknown): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw sqsError('InvalidParameterValue', 'MessageSystemAttributes must be a map.');
  }
  let traceHeader: string | undefined;
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const attribute = (value ?? {}) as Record<string, unknown>;
    if (name !== 'AWSTraceHeader') {
      throw sqsError('InvalidParameterValue', `Message system attribute name '${name}' is invalid.`);
    }
    if (
      attribute.DataType !== 'String' ||
      typeof attribute.StringValue !== 'string' ||
      attribute.StringValue === ''
    ) {
      throw sqsError(
        'InvalidParameterValue',
        "The message system attribute 'AWSTraceHeader' must be of type 'String' with a non-empty value.",
      );
    }
    traceHeader = attribute.StringValue;
  }
  return traceHeader;
}
