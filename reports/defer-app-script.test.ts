import { describe, expect, it } from 'vitest';
// The tag the awesome template writes for its app (a dependency of allure@3.18.0, at the version the lockfile pins).
import { createScriptTag } from '@allurereport/core-api';
import { deferAppScript } from './defer-app-script.ts';

const app = createScriptTag('data:text/javascript;base64,QUJD');
const page = (body: string) => `<body><div id="app"></div>${body}<script async>window.allureReportData = {};</script></body>`;

describe('the single-file report runs its app after its embedded data (deferAppScript)', () => {
  it("defers the app's script tag as the awesome template writes it, and nothing else", () => {
    const html = page(app);
    expect(deferAppScript(html)).toBe(page('<script defer src="data:text/javascript;base64,QUJD"></script>'));
  });

  it('refuses a page without the app script, or with two: the template changed', () => {
    expect(() => deferAppScript(page(''))).toThrow(/does not hold exactly one app script.*the awesome template changed/);
    expect(() => deferAppScript(page(app + app))).toThrow(/exactly one app script/);
  });
});
