/**
 * ssl-required-without-binding: content that requires SSL (AccessSSL, AccessSSL128 in
 * AccessSSLFlags) on a site with neither SecureBindings nor a certificate (SSLCertHash).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { diagnosticsFor, diagnosticsOf, expectedDiagnostic, findSharedDir, fixturesDir, metabase, positionOf, repoRoot, service } from '../helpers';

const RULE = 'ssl-required-without-binding';

/** Expected diagnostic on the first `length` characters of the first occurrence of `needle`. */
function at(text: string, needle: string, length: number, message: string, data: Record<string, unknown>) {
  const s = positionOf(text, needle);
  const e = positionOf(text, needle, length);
  return expectedDiagnostic(RULE, message, s.line, s.character, e.line, e.character, 'warning', data);
}

const SHOP = `<IIsWebServer	Location ="/LM/W3SVC/1962875481"
		ServerBindings=":80:shop.example.com"
		ServerComment="Shop"
	>
</IIsWebServer>
<IIsWebVirtualDir	Location ="/LM/W3SVC/1962875481/root"
		AppRoot="/LM/W3SVC/1962875481/Root"
		Path="D:\\Sites\\Shop"
	>
</IIsWebVirtualDir>`;

describe(RULE, () => {
  test('a folder that requires SSL on a site without SSL binding or certificate: on the flag, naming the site', () => {
    const text = metabase(`${SHOP}
<IIsWebVirtualDir	Location ="/LM/W3SVC/1962875481/root/Checkout"
		AccessSSLFlags="AccessSSLNegotiateCert | AccessSSL"
		Path="D:\\Sites\\Checkout"
	>
</IIsWebVirtualDir>`);
    assert.deepEqual(diagnosticsFor(RULE, text), [
      at(text, 'AccessSSL"', 'AccessSSL'.length,
        'AccessSSL requires HTTPS here, but site Shop (/LM/W3SVC/1962875481) has no SSL binding. Neither SecureBindings nor a server certificate (SSLCertHash) is set on the site, so every request here is refused with 403.4 (SSL required) and there is no HTTPS endpoint to go to. Give the site an SSL binding and a certificate, or remove AccessSSL.',
        { keyType: 'IIsWebVirtualDir', location: '/LM/W3SVC/1962875481/root/Checkout', property: 'AccessSSLFlags', sites: ['/LM/W3SVC/1962875481'] }),
    ]);
  });

  test('a number with the SSL bit: the whole value; AccessSSL128 alone names both status codes', () => {
    const text = metabase(`${SHOP.replace('Path="D:\\Sites\\Shop"', 'AccessSSLFlags="256"\n\t\tPath="D:\\Sites\\Shop"')}`);
    const [d] = diagnosticsFor(RULE, text);
    assert.deepEqual(d.range, { start: positionOf(text, '256'), end: positionOf(text, '256', 3) });
    assert.match(String(d.message), /^AccessSSLFlags="256" requires HTTPS here, .* refused with 403\.4 or 403\.5 \(SSL, 128-bit SSL required\)/);
  });

  test('an SSL binding, or a certificate on the site or inherited from /LM/W3SVC, is enough', () => {
    const vdir = `<IIsWebVirtualDir	Location ="/LM/W3SVC/1962875481/root/Checkout"
		AccessSSLFlags="AccessSSL"
	>
</IIsWebVirtualDir>`;
    const withBinding = metabase(`${SHOP.replace('ServerComment="Shop"', 'SecureBindings=":443:"\n\t\tServerComment="Shop"')}\n${vdir}`);
    const withCert = metabase(`${SHOP.replace('ServerComment="Shop"', 'SSLCertHash="40da7e6686d698efae7172220f4da438025dfeea"\n\t\tServerComment="Shop"')}\n${vdir}`);
    const inherited = metabase(`<IIsWebService	Location ="/LM/W3SVC"
		SSLCertHash="40da7e6686d698efae7172220f4da438025dfeea"
	>
</IIsWebService>
${SHOP}
${vdir}`);
    const without = metabase(`${SHOP}\n${vdir}`);
    assert.deepEqual(diagnosticsFor(RULE, withBinding), []);
    assert.deepEqual(diagnosticsFor(RULE, withCert), []);
    assert.deepEqual(diagnosticsFor(RULE, inherited), []);
    assert.equal(diagnosticsFor(RULE, without).length, 1);
  });

  test('flags without AccessSSL or AccessSSL128, and AccessFlags, are not this rule\'s business', () => {
    const text = metabase(`${SHOP}
<IIsWebVirtualDir	Location ="/LM/W3SVC/1962875481/root/Checkout"
		AccessFlags="AccessRead | AccessSSL"
		AccessSSLFlags="AccessSSLNegotiateCert"
	>
</IIsWebVirtualDir>`);
    assert.deepEqual(diagnosticsFor(RULE, text), []);
    // AccessFlags has no SSL flag in IIS 6: the name is reported as a value AccessFlags cannot hold.
    assert.ok(diagnosticsOf(text).some((d) => d.code === 'invalid-value' && (d.data as { property: string }).property === 'AccessFlags'));
  });

  test('on /LM/W3SVC: reported once, naming the sites without SSL that inherit it', () => {
    const text = metabase(`<IIsWebService	Location ="/LM/W3SVC"
		AccessSSLFlags="AccessSSL"
	>
</IIsWebService>
<IIsWebServer	Location ="/LM/W3SVC/1"
		ServerBindings=":80:"
		ServerComment="Default Web Site"
	>
</IIsWebServer>
<IIsWebServer	Location ="/LM/W3SVC/2"
		SSLCertHash="40da7e6686d698efae7172220f4da438025dfeea"
		SecureBindings=":443:"
		ServerBindings=":80:secure.example.com"
		ServerComment="Secure"
	>
</IIsWebServer>
<IIsWebServer	Location ="/LM/W3SVC/3"
		ServerBindings=":80:open.example.com"
		ServerComment="Open"
	>
</IIsWebServer>
<IIsWebVirtualDir	Location ="/LM/W3SVC/3/ROOT"
		AccessSSLFlags="0"
	>
</IIsWebVirtualDir>
<IIsWebServer	Location ="/LM/W3SVC/4"
		ServerBindings=":80:intranet.example.com"
	>
</IIsWebServer>
<IIsWebServer	Location ="/LM/W3SVC/Info/Templates/Public Web Site"
		ServerComment="Allows all users to browse static and dynamic content."
	>
</IIsWebServer>`);
    assert.deepEqual(diagnosticsFor(RULE, text), [
      at(text, 'AccessSSL"', 'AccessSSL'.length,
        'AccessSSL requires HTTPS on 2 sites that have no SSL binding. Neither SecureBindings nor a server certificate (SSLCertHash) is set on Default Web Site (/LM/W3SVC/1) and /LM/W3SVC/4, so every request is refused with 403.4 (SSL required) and there is no HTTPS endpoint to go to. Give those sites an SSL binding and a certificate, set AccessSSLFlags on them, or remove AccessSSL here.',
        { keyType: 'IIsWebService', location: '/LM/W3SVC', property: 'AccessSSLFlags', sites: ['/LM/W3SVC/1', '/LM/W3SVC/4'] }),
    ]);
  });

  test('site templates and SSL flags outside the Web service are left alone', () => {
    const text = metabase(`<IIsWebVirtualDir	Location ="/LM/W3SVC/Info/Templates/Secure Web Site/Root"
		AccessSSLFlags="AccessSSL"
	>
</IIsWebVirtualDir>
<IIsSmtpServer	Location ="/LM/SMTPSVC/1"
		AccessSSLFlags="AccessSSL"
	>
</IIsSmtpServer>`);
    assert.deepEqual(diagnosticsFor(RULE, text), []);
  });

  test('editing in a binding or a certificate clears the finding, taking it out brings it back', () => {
    const ls = service();
    const text = metabase(`${SHOP}
<IIsWebVirtualDir	Location ="/LM/W3SVC/1962875481/root/Checkout"
		AccessSSLFlags="AccessSSL"
	>
</IIsWebVirtualDir>`);
    let doc = ls.parse('file:///t/MetaBase.xml', 1, text);
    assert.equal(ls.doValidation(doc).filter((d) => d.code === RULE).length, 1);
    const at = doc.lines.positionAt(text.indexOf('ServerComment='));
    doc = doc.update(2, [{ range: { start: at, end: at }, text: 'SecureBindings=":443:"\n\t\t' }]);
    assert.deepEqual(ls.doValidation(doc).filter((d) => d.code === RULE), []);
    doc = doc.update(3, [{ range: { start: at, end: doc.lines.positionAt(text.indexOf('ServerComment=') + 'SecureBindings=":443:"\n\t\t'.length) }, text: '' }]);
    assert.equal(ls.doValidation(doc).filter((d) => d.code === RULE).length, 1);
  });
});

describe(`${RULE} on real files and fixtures`, () => {
  /** The files that really have the mistake, with the line of the flag (1-based). */
  const KNOWN: Record<string, number[]> = {
    // The modSIC export: /LM/W3SVC/1/ROOT requires SSL (AccessSSLFlags="AccessSSL") while the site
    // has neither SecureBindings nor SSLCertHash (only a certificate trust list, SslCtlIdentifier).
    'modsic-oval-iis6-a-metabase.xml': [779],
    'modsic-oval-iis6-a-metabase-incomplete-custom.xml': [777],
    '32-ssl-required-no-binding.xml': [105],
  };
  const shared = findSharedDir();
  const dirs = [path.join(fixturesDir, 'realworld'), path.join(fixturesDir, 'misconfigs'), path.join(repoRoot, 'examples'), ...(shared ? [path.join(shared, 'realworld')] : [])];
  for (const dir of dirs) {
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
      test(`${path.basename(dir)}/${name}`, () => {
        const lines = diagnosticsOf(readFileSync(path.join(dir, name), 'utf8'))
          .filter((d) => d.code === RULE)
          .map((d) => d.range.start.line + 1);
        assert.deepEqual(lines, KNOWN[name] ?? []);
      });
    }
  }
});
