import { useEffect, useState } from 'react';
import { CaseTypeList, type LocalizedText } from '@ablak/protocol';
import { apiFetch } from '@ablak/ui';

/**
 * The call's case type name: the one its offer carried, or, in a console reloaded mid-call (the call
 * summary names only the code), the catalogue's. null until known; the caller shows the code then.
 */
export function useCaseTypeName(code: string, known: LocalizedText | null): LocalizedText | null {
  const [looked, setLooked] = useState<{ code: string; name: LocalizedText } | null>(null);
  useEffect(() => {
    if (known) return;
    const controller = new AbortController();
    apiFetch('/api/case-types', {
      schema: CaseTypeList,
      query: { q: code, limit: 50 },
      signal: controller.signal,
    })
      .then(({ caseTypes }) => {
        const hit = caseTypes.find((c) => c.code === code);
        if (hit) setLooked({ code, name: hit.name });
      })
      .catch(() => undefined);
    return () => controller.abort();
  }, [code, known]);
  return known ?? (looked?.code === code ? looked.name : null);
}
