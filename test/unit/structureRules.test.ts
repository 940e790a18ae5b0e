import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { diagnosticsFor, diagnosticsOf, expectedDiagnostic, metabase, parse, positionOf, service } from '../helpers';

/** Expected diagnostic on the first occurrence of `needle` in `text`. */
function at(text: string, needle: string, code: string, message: string, severity: Parameters<typeof expectedDiagnostic>[6], data: Record<string, unknown>, skip = 0) {
  const s = positionOf(text, needle, skip);
  const e = positionOf(text, needle, needle.length);
  return expectedDiagnostic(code, message, s.line, s.character, e.line, e.character, severity, data);
}

describe('structure rules', () => {
  test('a clean document has no findings', () => {
    const text = metabase('<IIsWebServer Location ="/LM/W3SVC/1" ServerAutoStart="TRUE" ServerSize="1" AccessFlags="AccessRead | AccessScript" >\n</IIsWebServer>');
    assert.deepEqual(diagnosticsOf(text), []);
  });

  test('unknown key type, with a suggestion', () => {
    const text = metabase('<IIsWebserver Location ="/LM/W3SVC/1" >\n</IIsWebserver>');
    assert.deepEqual(diagnosticsFor('unknown-key-type', text), [
      at(text, 'IIsWebserver', 'unknown-key-type',
        '<IIsWebserver> is not a key type IIS knows. ADSI treats the key as a generic object, so its properties may not apply. Did you mean <IIsWebServer>?',
        'warning', { keyType: 'IIsWebserver', location: '/LM/W3SVC/1', property: null, suggestions: ['IIsWebServer'] }),
    ]);
  });

  test('unknown property, with a did-you-mean; a case-only difference says so', () => {
    const text = metabase('<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AspEnableParentPath="TRUE" apppoolid="X" >\n</IIsWebVirtualDir>');
    assert.deepEqual(diagnosticsFor('unknown-property', text), [
      at(text, 'AspEnableParentPath', 'unknown-property',
        'AspEnableParentPath is not a metabase property, so IIS ignores it. Custom properties belong in a <Custom> element. Did you mean AspEnableParentPaths?',
        'warning', { keyType: 'IIsWebVirtualDir', location: '/LM/W3SVC/1/ROOT', property: 'AspEnableParentPath', suggestions: ['AspEnableParentPaths'] }),
      at(text, 'apppoolid', 'unknown-property',
        'apppoolid is spelt AppPoolId: names are case-sensitive, so IIS ignores this one.',
        'warning', { keyType: 'IIsWebVirtualDir', location: '/LM/W3SVC/1/ROOT', property: 'apppoolid', suggestions: ['AppPoolId'] }),
    ]);
  });

  test('a property the schema does not allow on this key type', () => {
    const text = metabase('<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" ServerBindings=":80:" >\n</IIsWebVirtualDir>');
    const [d] = diagnosticsFor('property-not-allowed', text);
    assert.equal(d.message, 'IIS does not read ServerBindings on <IIsWebVirtualDir>: the schema does not allow it there. It belongs on IIsWebServer, IIsWebService, IIsFtpServer, IIsFtpService….');
    assert.deepEqual(d.range, { start: positionOf(text, 'ServerBindings'), end: positionOf(text, ':80:"', 5) });
  });

  test('an application-pool property on a site is reported once, by its own rule', () => {
    const text = metabase('<IIsWebServer Location ="/LM/W3SVC/1" MaxProcesses="2" >\n</IIsWebServer>');
    assert.deepEqual(diagnosticsOf(text).map((d) => d.code), ['pool-property-outside-pool']);
  });

  test('wrong types: DWORD, BOOL, flags', () => {
    const text = metabase('<IIsWebServer Location ="/LM/W3SVC/1" ServerSize="one" ServerAutoStart="ture" AccessFlags="AccessRead | AccessScipt" >\n</IIsWebServer>');
    assert.deepEqual(diagnosticsFor('invalid-value', text), [
      at(text, 'one', 'invalid-value', 'ServerSize is a number (DWORD): "one" is not a decimal value. IIS cannot read it and logs an error, so the property is lost.', 'error',
        { keyType: 'IIsWebServer', location: '/LM/W3SVC/1', property: 'ServerSize', problem: 'not-a-number', replacement: '1' }),
      at(text, 'ture', 'invalid-value', 'ServerAutoStart is a BOOL: write TRUE or FALSE, not "ture". IIS cannot read this value and logs an error, so the property is lost.', 'error',
        { keyType: 'IIsWebServer', location: '/LM/W3SVC/1', property: 'ServerAutoStart', problem: 'not-a-bool', replacement: 'TRUE' }),
      at(text, 'AccessRead | AccessScipt', 'invalid-value',
        '"AccessScipt" is not a flag of AccessFlags. Valid flags: AccessExecute, AccessSource, AccessRead, AccessWrite, AccessScript, AccessNoRemoteExecute, AccessNoRemoteRead, AccessNoRemoteWrite….', 'error',
        { keyType: 'IIsWebServer', location: '/LM/W3SVC/1', property: 'AccessFlags', problem: 'unknown-flag', unknownFlags: 'AccessScipt' }),
    ]);
  });

  test('booleans as IIS and people write them: TRUE, false, 1, 0 are all fine; flags may be numbers or lower case', () => {
    const text = metabase('<IIsWebServer Location ="/LM/W3SVC/1" ServerAutoStart="true" AllowKeepAlive="0" AuthFlags="0" AccessFlags="accessread | AccessScript" >\n</IIsWebServer>');
    assert.deepEqual(diagnosticsOf(text), []);
  });

  test('out of range, with the bounds in data', () => {
    const text = metabase('<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P" AppPoolQueueLength="5" PeriodicRestartTime="100000" >\n</IIsApplicationPool>');
    assert.deepEqual(diagnosticsFor('value-out-of-range', text).map((d) => [d.message, d.data]), [
      ['AppPoolQueueLength="5" is outside the allowed range 10–65535 requests. IIS rejects a value outside this range when it reads the metabase and logs an event.',
        { keyType: 'IIsApplicationPool', location: '/LM/W3SVC/AppPools/P', property: 'AppPoolQueueLength', bound: 10, schemaDefault: '1000', min: 10, max: 65535 }],
      ['PeriodicRestartTime="100000" is outside the allowed range 0–71582 minutes. IIS rejects a value outside this range when it reads the metabase and logs an event.',
        { keyType: 'IIsApplicationPool', location: '/LM/W3SVC/AppPools/P', property: 'PeriodicRestartTime', bound: 71582, schemaDefault: '60', min: undefined, max: 71582 }],
    ]);
  });

  test('an undocumented enumeration value: the documented ones by what they mean', () => {
    const text = metabase('<IIsWebVirtualDir Location ="/LM/W3SVC/1/ROOT" AppIsolated="7" >\n</IIsWebVirtualDir>\n<IIsWebServer Location ="/LM/W3SVC/1" ServerSize="7" >\n</IIsWebServer>');
    assert.deepEqual(diagnosticsFor('unknown-enum-value', text).map((d) => d.message), [
      'AppIsolated="7" is not a documented value. Use one of 0 (In-process), 1 (Out-of-process), 2 (Pooled).',
      'ServerSize="7" is not a documented value. Use one of 0 (Small), 1 (Medium), 2 (Large).',
    ]);
  });

  test('duplicate Location (case-insensitive) points at the first key', () => {
    const text = metabase('<IIsWebServer Location ="/LM/W3SVC/1" >\n</IIsWebServer>\n<IIsWebServer Location ="/lm/w3svc/1" >\n</IIsWebServer>');
    assert.deepEqual(diagnosticsFor('duplicate-location', text).map((d) => [d.range.start.line, d.message]), [
      [5, 'Location "/lm/w3svc/1" is already used on line 4. A path holds only one key, so one of the two would be lost; merge this key into the <IIsWebServer> there.'],
    ]);
  });

  test('a key without Location', () => {
    const text = metabase('<IIsWebServer ServerSize="1" >\n</IIsWebServer>');
    assert.deepEqual(diagnosticsFor('missing-location', text).map((d) => d.range.start), [{ line: 3, character: 1 }]);
  });

  test('a key under a parent that may not contain it; missing levels in between are not judged', () => {
    const text = metabase(
      '<IIsApplicationPool Location ="/LM/W3SVC/AppPools/P" >\n</IIsApplicationPool>\n<IIsWebVirtualDir Location ="/LM/W3SVC/AppPools/P/ROOT" >\n</IIsWebVirtualDir>\n' +
        '<IIsWebService Location ="/LM/W3SVC" >\n</IIsWebService>\n<IIsWebDirectory Location ="/LM/W3SVC/1/ROOT/a" >\n</IIsWebDirectory>',
    );
    assert.deepEqual(diagnosticsFor('invalid-parent', text).map((d) => d.message), [
      '<IIsWebVirtualDir> cannot sit under <IIsApplicationPool>. That key (/LM/W3SVC/AppPools/P) may not contain other keys; check the Location path.',
    ]);
  });

  test('a Location that does not fit its key type', () => {
    const text = metabase('<IIsApplicationPool Location ="/LM/W3SVC/Pools/Web" >\n</IIsApplicationPool>\n<IIsWebServer Location ="/LM/W3SVC/Site1" >\n</IIsWebServer>');
    assert.deepEqual(diagnosticsFor('location-mismatch', text).map((d) => d.message), [
      'This Location does not fit the key type <IIsApplicationPool>. It belongs at /LM/W3SVC/AppPools/<pool name>, not at "/LM/W3SVC/Pools/Web". Applications name a pool by the last part of this path (AppPoolId="Web"), and IIS looks for pools only under /LM/W3SVC/AppPools.',
      'This Location does not fit the key type <IIsWebServer>. It belongs at /LM/W3SVC/<site number>, not at "/LM/W3SVC/Site1".',
    ]);
  });

  test('syntax errors are errors; ignored markup is a warning', () => {
    const text = '<?xml version ="1.0"?>\n<!DOCTYPE x>\n<configuration>\n<MBProperty>\n<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="A<B" >\n</MBProperty>\n</configuration>\n';
    assert.deepEqual(diagnosticsOf(text).map((d) => [d.code, d.severity, d.range.start.line]), [
      ['xml-ignored-markup', 2, 1],
      ['xml-syntax', 1, 4],
      ['xml-syntax', 1, 4],
    ]);
  });

  test('an external entity, a processing instruction and CDATA: reported, nothing read or expanded, no key made of them', () => {
    const text =
      '<?xml version ="1.0"?>\n<!DOCTYPE configuration [\n <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n<?xml-stylesheet href="http://example.com/x.xsl"?>\n' +
      metabase('<IIsWebServer Location ="/LM/W3SVC/1" ServerComment="&xxe;" >\n<![CDATA[<IIsWebServer Location ="/LM/W3SVC/9" >]]>\n</IIsWebServer>').replace('<?xml version ="1.0"?>\n', '');
    const ls = service();
    const doc = parse(text, ls);
    const ignored = ls.doValidation(doc).filter((d) => d.code === 'xml-ignored-markup' || d.code === 'xml-syntax');
    // One finding each for the DOCTYPE, the processing instruction, the CDATA section and the unknown entity reference.
    assert.deepEqual(ignored.map((d) => text.slice(doc.offsetAt(d.range.start), doc.offsetAt(d.range.start) + 9)), ['<!DOCTYPE', '<?xml-sty', '&xxe;" >\n', '<![CDATA['].sort((a, b) => text.indexOf(a) - text.indexOf(b)));
    assert.deepEqual(doc.model.keys.map((k) => k.location), ['/LM/W3SVC/1'], 'the CDATA section makes no key');
    assert.equal(doc.model.get(doc.model.keys[0], 'ServerComment'), '&xxe;', 'the entity is not expanded (no file is read)');
  });

  test('a Custom property element that lacks Name and Type', () => {
    const text = metabase('<IIsWebService Location ="/LM/W3SVC" IIs5IsolationModeEnabled="FALSE" >\n\t<Custom\n\t\tName=""\n\t\tID="2166"\n\t\tValue="1"\n\t/>\n</IIsWebService>');
    assert.deepEqual(diagnosticsOf(text).map((d) => [d.code, d.message]), [
      ['invalid-custom-property', 'This <Custom> property lacks a Name and a Type. IIS loads a custom property only with a Name, a numeric ID and a Type.'],
    ]);
  });
});

describe('settings and suppression', () => {
  const text = metabase('<IIsWebServer Location ="/LM/W3SVC/1" ServerSize="one" Bogus="1" >\n</IIsWebServer>');

  test('a rule can be turned off or given another severity', () => {
    assert.deepEqual(diagnosticsOf(text, { rules: { 'invalid-value': 'off', 'unknown-property': 'error' } }).map((d) => [d.code, d.severity]), [['unknown-property', 1]]);
  });

  test('disable-next-line silences the listed rules on the next key only', () => {
    const suppressed = metabase('<!-- iis6-metabase-disable-next-line unknown-property -->\n<IIsWebServer Location ="/LM/W3SVC/1"\n\tBogus="1"\n\tServerSize="one"\n\t>\n</IIsWebServer>\n<IIsWebServer Location ="/LM/W3SVC/2" Bogus="1" >\n</IIsWebServer>');
    assert.deepEqual(diagnosticsOf(suppressed).map((d) => [d.code, d.range.start.line]), [['invalid-value', 6], ['unknown-property', 9]]);
  });

  test('a disable comment without rule ids silences every rule on the whole file', () => {
    assert.deepEqual(diagnosticsOf('<!-- iis6-metabase-disable -->\n' + text), []);
  });

  test('the number of diagnostics is capped', () => {
    const many = metabase(Array.from({ length: 30 }, (_, i) => `<IIsWebServer Location ="/LM/W3SVC/${i + 1}" ServerSize="x" >\n</IIsWebServer>`).join('\n'));
    assert.equal(diagnosticsOf(many, { maxDiagnostics: 10 }).length, 10);
  });
});
