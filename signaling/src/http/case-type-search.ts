import type { CaseType, CaseTypeCategory, CaseTypeList, CaseTypeQuery, UiLanguage } from '@ablak/protocol';

/** Lower case, accents stripped, punctuation to spaces: "Személyi igazolvány" → "szemelyi igazolvany". */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

interface Entry {
  caseType: CaseType;
  /** Tie-break order per language (shorter name first, then alphabetical), computed once. */
  rank: Record<UiLanguage, number>;
  name: Record<UiLanguage, string>;
  /** Everything searchable, folded, with a leading space so " word" finds word starts. */
  haystack: string;
}

/** The catalogue with its search index precomputed at load; a query is one pass over folded strings. */
export class CaseTypeSearch {
  private readonly entries: Entry[];
  private readonly categoryNames = new Map<string, CaseType['categoryName']>();

  constructor(caseTypes: readonly CaseType[]) {
    this.entries = caseTypes.map((caseType) => {
      const name = { hu: fold(caseType.name.hu), en: fold(caseType.name.en) };
      const haystack = ` ${name.hu} ${name.en} ${fold(caseType.code)} ${fold(caseType.categoryName.hu)} ${fold(caseType.categoryName.en)}`;
      this.categoryNames.set(caseType.category, caseType.categoryName);
      return { caseType, name, haystack, rank: { hu: 0, en: 0 } };
    });
    for (const lang of ['hu', 'en'] as const) {
      const order = [...this.entries].sort(
        (a, b) =>
          a.caseType.name[lang].length - b.caseType.name[lang].length ||
          a.caseType.name[lang].localeCompare(b.caseType.name[lang], lang),
      );
      order.forEach((e, i) => (e.rank[lang] = i));
    }
    for (const lang of ['hu', 'en'] as const) {
      this.categoryOrder[lang] = [...this.categoryNames.entries()]
        .sort((a, b) => a[1][lang].localeCompare(b[1][lang], lang))
        .map(([id]) => id);
    }
  }

  private readonly categoryOrder: Record<UiLanguage, string[]> = { hu: [], en: [] };

  search(query: CaseTypeQuery): CaseTypeList {
    const terms = fold(query.q ?? '')
      .split(' ')
      .filter((t) => t.length > 0)
      .map((t) => ({ t, word: ` ${t}` }));
    const lang = query.lang;
    const scored: { entry: Entry; score: number }[] = [];
    for (const entry of this.entries) {
      let score = 0;
      let matched = true;
      for (const { t, word } of terms) {
        const at = entry.haystack.indexOf(t);
        if (at < 0) {
          matched = false;
          break;
        }
        if (entry.name[lang].startsWith(t)) score += 4;
        else if (entry.haystack.includes(word)) score += 2;
        else score += 1;
      }
      if (matched) scored.push({ entry, score });
    }
    const counts = new Map<string, number>();
    for (const { entry } of scored)
      counts.set(entry.caseType.category, (counts.get(entry.caseType.category) ?? 0) + 1);
    const inCategory = query.category
      ? scored.filter((s) => s.entry.caseType.category === query.category)
      : scored;
    inCategory.sort((a, b) => b.score - a.score || a.entry.rank[lang] - b.entry.rank[lang]);
    const categories: CaseTypeCategory[] = this.categoryOrder[lang]
      .filter((id) => counts.has(id))
      .map((id) => ({
        id,
        name: this.categoryNames.get(id) ?? { hu: id, en: id },
        count: counts.get(id) ?? 0,
      }));
    return {
      caseTypes: inCategory.slice(0, query.limit).map((s) => s.entry.caseType),
      categories,
      total: inCategory.length,
    };
  }
}
