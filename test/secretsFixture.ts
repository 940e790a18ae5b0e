/**
 * A metabase whose passwords break the file: a value that holds a quote, an unquoted or
 * single-quoted one, one with '<' or a bare '&' in it, a space before the quote, under schema
 * SECURE properties, a <Custom> SECURE one and an unknown `*Password` name. The secrets tests
 * (unit and protocol) search every output for each fragment of them.
 */
import { metabase } from './helpers';

// Passwords that break the start tag they stand in. The fragments are the pieces of each one
// that the scanner may see apart (before and after a quote, a '<' or a space).
export const BROKEN_FRAGMENTS = [
  'Quote-Pa55',
  'Foxtrot-Tail',
  'Unquoted-Pa55',
  'Single-Pa55',
  'Lt<Pa55',
  'Pa55-Sierra',
  'Amp&Pa55',
  'Pa55-Tango',
  'Spaced-Pa55',
  'Whiskey',
  'Words-Pa55',
  'Quote-Xray',
  'Yankee-Tail',
  'CustVal9',
  'Zulu-Tail',
  'Victor-Pa55',
];

export const BROKEN = metabase(
  `<IIsWebService\tLocation ="/LM/W3SVC"
\t\tIIs5IsolationModeEnabled="FALSE"
\t\tLogOdbcPassword="Lt<Pa55-Sierra"
\t>
</IIsWebService>
<IIsApplicationPools\tLocation ="/LM/W3SVC/AppPools"
\t>
</IIsApplicationPools>
<IIsApplicationPool\tLocation ="/LM/W3SVC/AppPools/Intranet"
\t\tAppPoolIdentityType="3"
\t\tWAMUserName="CONTOSO\\svc-intranet"
\t\tWAMUserPass='Single-Pa55'
\t>
</IIsApplicationPool>
<IIsWebServer\tLocation ="/LM/W3SVC/1"
\t\tServerBindings=":80:"
\t\tServerComment="Intranet"
\t>
</IIsWebServer>
<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT"
\t\tAnonymousUserPass="Quote-Pa55"Foxtrot-Tail"
\t\tAppPoolId="Intranet"
\t\tAppRoot="/LM/W3SVC/1/ROOT"
\t\tPath="C:\\Inetpub\\wwwroot"
\t>
\t<Custom\tName="ShopPassword"
\t\tID="60001"
\t\tValue="CustVal9"Zulu-Tail"
\t\tType="STRING"
\t\tUserType="IIS_MD_UT_FILE"
\t\tAttributes="INHERIT | SECURE"
\t/>
</IIsWebVirtualDir>
<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT/share"
\t\tPath="\\\\fileserver\\share"
\t\tUNCUserName="CONTOSO\\reader"
\t\tUNCPassword=Unquoted-Pa55
\t>
</IIsWebVirtualDir>
<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT/amp"
\t\tAnonymousUserPass="Amp&Pa55-Tango"
\t\tUNCPassword= "Spaced-Pa55" Whiskey"
\t\tShopDbPassword="Quote-Xray"Yankee-Tail"
\t>
</IIsWebVirtualDir>
<IIsWebVirtualDir\tLocation ="/LM/W3SVC/1/ROOT/words"
\t\tAnonymousUserPass = "Two Words-Pa55"
\t\tUNCPassword="Victor-Pa55
\t>
</IIsWebVirtualDir>`,
  true,
);

/** Every fragment of the broken passwords (or the start of one) found in `output`. */
export function brokenLeaks(output: unknown): string[] {
  const s = typeof output === 'string' ? output : JSON.stringify(output) ?? '';
  return BROKEN_FRAGMENTS.filter((f) => s.includes(f) || (f.length > 8 && s.includes(f.slice(0, 8))));
}
