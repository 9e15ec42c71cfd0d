/**
 * Decodes HTML character references in text meant for reading (chunks and
 * excerpts). The named entities are the tokenizer's table, so the text a
 * reader sees and the tokens in the index agree.
 */
import { lookupEntity, MAX_ENTITY_NAME_LENGTH } from "../kernels/entities.js";

const REFERENCE = new RegExp(`&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z][a-zA-Z0-9]{0,${MAX_ENTITY_NAME_LENGTH - 1}});`, "g");

export function decodeEntities(text: string): string {
  return text.replace(REFERENCE, (match, body: string) => {
    if (!body.startsWith("#")) {
      const codePoint = lookupEntity(body);
      return codePoint === undefined ? match : String.fromCodePoint(codePoint);
    }
    const hex = body[1] === "x" || body[1] === "X";
    const codePoint = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
    return isValidCodePoint(codePoint) ? String.fromCodePoint(codePoint) : "\ufffd";
  });
}

function isValidCodePoint(codePoint: number): boolean {
  const surrogate = codePoint >= 0xd800 && codePoint <= 0xdfff;
  return codePoint > 0 && codePoint <= 0x10ffff && !surrogate;
}
