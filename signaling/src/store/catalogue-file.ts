/** Reads the case-type catalogue from disk: the shipped seed, or a file an operator supplies. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AblakError } from '@ablak/protocol';
import { parseCatalogue, type Catalogue } from '../queue/catalogue';

/** signaling/data/catalogue.json: about 450 case types of a Hungarian one-stop shop in ~30 queues. */
export const DEFAULT_CATALOGUE_PATH = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'catalogue.json');

/** Loads and validates a catalogue file (BAD_REQUEST naming the file and the first problems). */
export function loadCatalogueFile(file: string = DEFAULT_CATALOGUE_PATH): Catalogue {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new AblakError('BAD_REQUEST', `cannot read catalogue ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    return parseCatalogue(json);
  } catch (error) {
    if (error instanceof AblakError) throw new AblakError(error.code, `${file}: ${error.message}`);
    throw error;
  }
}
