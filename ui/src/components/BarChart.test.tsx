import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { createI18n } from '../i18n/setup';
import { BarChart, type BarChartPoint } from './BarChart';

function render(points: BarChartPoint[], target?: { value: number; label: string }): string {
  const i18n = createI18n({ app: { hu: {}, en: {} }, language: 'en' });
  return renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <BarChart
        title="Service level"
        categoryHeader="Period"
        points={points}
        format={(v) => `${Math.round(v * 100)}%`}
        max={1}
        target={target}
      />
    </I18nextProvider>,
  );
}

const day = (key: string, value: number | null): BarChartPoint => ({ key, label: key, longLabel: `${key} March`, value });

describe('BarChart', () => {
  it('draws one bar per figure, names the image with a summary and gives every figure in its table', () => {
    const html = render([day('2', 0.8), day('3', null), day('4', 0.95)], { value: 0.8, label: '80%' });
    expect(html.match(/<rect /g)).toHaveLength(2);
    expect(html).toContain('aria-label="Service level. 2 periods, lowest 80%, highest 95%, last 95%. Target: 80%."');
    expect(html).toContain('<th scope="row">3 March</th><td>no data</td>');
    expect(html).toContain('<th scope="row">4 March</th><td>95%</td>');
    // the table is one button away, not shown by default
    expect(html).toMatch(/aria-expanded="false"[^>]*>Show as table</);
  });

  it('says so when the period has no figures', () => {
    expect(render([day('2', null)])).toContain('aria-label="Service level. No data in this period."');
  });
});
