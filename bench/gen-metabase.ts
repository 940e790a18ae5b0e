/**
 * Seeded generator of realistic IIS 6.0 MetaBase.xml files, for benchmarks of the language server.
 *
 *   npx tsx bench/gen-metabase.ts --sites N [--seed S] [--mistakes RATE] [--out FILE] [--stats]
 *
 * The output follows the layout IIS 6 writes (UTF-8 BOM, `<?xml version ="1.0"?>`, CRLF line
 * ends, `<Type\tLocation ="...">`, one attribute per line indented with two tabs and sorted by
 * name, continuation lines of multi-string values indented with three tabs, `\t>` before the end
 * tag, keys in metabase-tree order). No dependencies beyond Node; a mulberry32 PRNG makes the
 * output byte-identical for the same arguments.
 *
 * `--mistakes RATE` (default 0.01) puts one deliberate mistake into about RATE of the sites: an
 * AppPoolId naming a pool that does not exist, a misspelt boolean, a ServerBindings entry copied
 * from another site, an unknown (misspelt) property name, or an AppRoot that does not match the
 * key's Location. Mistakes are drawn from their own PRNG stream, so the sites themselves are the
 * same for every rate and `--mistakes 0` gives a clean file.
 */
import { writeFileSync } from 'node:fs';

export interface GenerateOptions {
  /** Number of web sites (IIsWebServer keys). The first one is the "Default Web Site" at /LM/W3SVC/1. */
  sites: number;
  /** PRNG seed (default 42). */
  seed?: number;
  /** Share of sites that get one deliberate mistake (default 0.01; 0 = clean file). */
  mistakes?: number;
}

export type MistakeKind = 'unknown-pool' | 'misspelt-boolean' | 'duplicate-binding' | 'unknown-property' | 'approot-mismatch';

export interface InjectedMistake {
  kind: MistakeKind;
  /** Location of the key that carries the mistake. */
  location: string;
  property: string;
  value: string;
}

export interface GenerateResult {
  text: string;
  keys: number;
  lines: number;
  sites: number;
  pools: number;
  applications: number;
  mistakes: InjectedMistake[];
}

const EOL = '\r\n';

// ---------------------------------------------------------------------------------------------
// PRNG

/** mulberry32: a small seeded PRNG (numbers in [0, 1)); also used by the tests and the fuzzer. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  /** Lowercase hex of `chars` characters (chars is a multiple of 8). */
  hex(chars: number): string {
    let s = '';
    for (let i = 0; i < chars; i += 8) s += (Math.floor(this.next() * 4294967296) >>> 0).toString(16).padStart(8, '0');
    return s;
  }
  /** An encrypted metabase blob as IIS writes it: "49634462" header, then lowercase hex. */
  secret(chars: number): string {
    return '49634462' + this.hex(chars);
  }
}

// ---------------------------------------------------------------------------------------------
// Output

type Attr = [name: string, value: string | string[]];

interface Key {
  type: string;
  location: string;
  attrs: Attr[];
  /** Raw lines of child elements (<Custom .../>), without line ends. */
  children?: string[];
}

function escapeXml(s: string): string {
  if (!/[&<>"]/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function byName(a: Attr, b: Attr): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; // IIS sorts attribute names ordinally
}

class Writer {
  private parts: string[] = [];
  lines = 0;
  keys = 0;

  raw(line: string): void {
    this.parts.push(line, EOL);
    this.lines++;
  }

  key(k: Key): void {
    this.keys++;
    const p = this.parts;
    p.push('<', k.type, '\tLocation ="', escapeXml(k.location), '"', EOL);
    let lines = 1;
    const attrs = k.attrs.slice().sort(byName);
    for (const [name, value] of attrs) {
      if (typeof value === 'string') {
        p.push('\t\t', name, '="', escapeXml(value), '"', EOL);
        lines++;
      } else {
        p.push('\t\t', name, '="');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) p.push(EOL, '\t\t\t');
          p.push(escapeXml(value[i]!));
        }
        p.push('"', EOL);
        lines += Math.max(1, value.length);
      }
    }
    p.push('\t>', EOL);
    lines++;
    if (k.children) {
      for (const c of k.children) {
        p.push(c, EOL);
        lines += c.split(EOL).length;
      }
    }
    p.push('</', k.type, '>', EOL);
    lines++;
    this.lines += lines;
  }

  text(): string {
    return this.parts.join('');
  }
}

function customElement(name: string, id: number, value: string[], type: string, userType: string, attributes: string): string[] {
  const lines = ['\t<Custom', `\t\tName="${name}"`, `\t\tID="${id}"`];
  lines.push(`\t\tValue="${value.map(escapeXml).join(EOL + '\t\t\t')}"`);
  lines.push(`\t\tType="${type}"`, `\t\tUserType="${userType}"`, `\t\tAttributes="${attributes}"`, '\t/>');
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Fixed data (values as IIS 6.0 on Windows Server 2003 SP2 writes them)

const WINDIR = 'C:\\WINDOWS';
const INETSRV = WINDIR + '\\system32\\inetsrv';
const ASP_DLL = INETSRV + '\\asp.dll';
const NET11 = 'v1.1.4322';
const NET20 = 'v2.0.50727';
type NetVersion = typeof NET11 | typeof NET20;

const ASP_SCRIPT_MAPS = [
  `.asp,${ASP_DLL},5,GET,HEAD,POST,TRACE`,
  `.cer,${ASP_DLL},5,GET,HEAD,POST,TRACE`,
  `.cdx,${ASP_DLL},5,GET,HEAD,POST,TRACE`,
  `.asa,${ASP_DLL},5,GET,HEAD,POST,TRACE`,
];
/** The install-time maps of /LM/W3SVC also map IDC and SSI (whose extensions stay prohibited). */
const CLASSIC_SCRIPT_MAPS = [
  ...ASP_SCRIPT_MAPS,
  `.idc,${INETSRV}\\httpodbc.dll,5,GET,POST`,
  `.shtm,${INETSRV}\\ssinc.dll,5,GET,POST`,
  `.shtml,${INETSRV}\\ssinc.dll,5,GET,POST`,
  `.stm,${INETSRV}\\ssinc.dll,5,GET,POST`,
];

const ASPNET_EXTENSIONS: ReadonlyArray<[ext: string, flags: number, verbs: string]> = [
  ['.asax', 5, 'GET,HEAD,POST,DEBUG'],
  ['.ascx', 5, 'GET,HEAD,POST,DEBUG'],
  ['.ashx', 1, 'GET,HEAD,POST,DEBUG'],
  ['.asmx', 1, 'GET,HEAD,POST,DEBUG'],
  ['.aspx', 1, 'GET,HEAD,POST,DEBUG'],
  ['.axd', 1, 'GET,HEAD,POST,DEBUG'],
  ['.vsdisco', 1, 'GET,HEAD,POST,DEBUG'],
  ['.rem', 1, 'GET,HEAD,POST,DEBUG'],
  ['.soap', 1, 'GET,HEAD,POST,DEBUG'],
  ['.config', 5, 'GET,HEAD,POST,DEBUG'],
  ['.cs', 5, 'GET,HEAD,POST,DEBUG'],
  ['.csproj', 5, 'GET,HEAD,POST,DEBUG'],
  ['.vb', 5, 'GET,HEAD,POST,DEBUG'],
  ['.vbproj', 5, 'GET,HEAD,POST,DEBUG'],
  ['.webinfo', 5, 'GET,HEAD,POST,DEBUG'],
  ['.licx', 5, 'GET,HEAD,POST,DEBUG'],
  ['.resx', 5, 'GET,HEAD,POST,DEBUG'],
  ['.resources', 5, 'GET,HEAD,POST,DEBUG'],
];
const ASPNET20_ONLY: ReadonlyArray<[ext: string, flags: number, verbs: string]> = [
  ['.master', 5, 'GET,HEAD,POST,DEBUG'],
  ['.skin', 5, 'GET,HEAD,POST,DEBUG'],
  ['.compiled', 5, 'GET,HEAD,POST,DEBUG'],
  ['.browser', 5, 'GET,HEAD,POST,DEBUG'],
  ['.mdb', 5, 'GET,HEAD,POST,DEBUG'],
  ['.jsl', 5, 'GET,HEAD,POST,DEBUG'],
  ['.vjsproj', 5, 'GET,HEAD,POST,DEBUG'],
  ['.sitemap', 5, 'GET,HEAD,POST,DEBUG'],
  ['.msgx', 1, 'GET,HEAD,POST,DEBUG'],
  ['.ad', 5, 'GET,HEAD,POST,DEBUG'],
  ['.dd', 5, 'GET,HEAD,POST,DEBUG'],
  ['.ldd', 5, 'GET,HEAD,POST,DEBUG'],
  ['.sd', 5, 'GET,HEAD,POST,DEBUG'],
  ['.cd', 5, 'GET,HEAD,POST,DEBUG'],
  ['.adprototype', 5, 'GET,HEAD,POST,DEBUG'],
  ['.lddprototype', 5, 'GET,HEAD,POST,DEBUG'],
  ['.sdm', 5, 'GET,HEAD,POST,DEBUG'],
  ['.sdmDocument', 5, 'GET,HEAD,POST,DEBUG'],
  ['.ldb', 5, 'GET,HEAD,POST,DEBUG'],
  ['.svc', 1, 'GET,HEAD,POST,DEBUG'],
  ['.mdf', 5, 'GET,HEAD,POST,DEBUG'],
  ['.ldf', 5, 'GET,HEAD,POST,DEBUG'],
  ['.java', 5, 'GET,HEAD,POST,DEBUG'],
  ['.exclude', 5, 'GET,HEAD,POST,DEBUG'],
  ['.refresh', 5, 'GET,HEAD,POST,DEBUG'],
];

function aspnetIsapi(version: NetVersion): string {
  return `${WINDIR}\\Microsoft.NET\\Framework\\${version}\\aspnet_isapi.dll`;
}

/**
 * ScriptMaps with the ASP.NET maps of one version, after the ASP maps (`aspnet_regiis -s` output on a
 * server whose unused IDC/SSI maps were removed); /LM/W3SVC keeps the IDC/SSI maps as well.
 */
function scriptMaps(version: NetVersion, lowerCasePath: boolean, classic = ASP_SCRIPT_MAPS): string[] {
  let dll = aspnetIsapi(version);
  if (lowerCasePath) dll = dll.toLowerCase();
  const exts = version === NET20 ? [...ASPNET_EXTENSIONS, ...ASPNET20_ONLY] : ASPNET_EXTENSIONS;
  return [...classic, ...exts.map(([ext, flags, verbs]) => `${ext},${dll},${flags},${verbs}`)];
}

const HELP = `${WINDIR}\\help\\iisHelp\\common`;
const HTTP_ERRORS: string[] = [
  '400,*', '401,1', '401,2', '401,3', '401,4', '401,5', '401,7:401-1', '403,1', '403,2', '403,3', '403,4', '403,5',
  '403,6', '403,7', '403,8', '403,9', '403,10', '403,11', '403,12', '403,13', '403,15', '403,16', '403,17',
  '403,18:403', '403,19:403', '403,20', '404,*:404b', '404,2:404b', '404,3:404b', '405,*', '406,*', '407,*',
  '412,*', '414,*', '415,*', '500,12', '500,13', '500,15', '500,16:500', '500,17:500', '500,18:500', '500,19:500',
].map((spec) => {
  const [code, file] = spec.split(':');
  const [status, sub] = code!.split(',');
  const name = file ?? (sub === '*' ? status : `${status}-${sub}`);
  return `${code},FILE,${HELP}\\${name}.htm`;
}).concat(['500,100,URL,/iisHelp/common/500-100.asp', '501,*,FILE,' + HELP + '\\501.htm', '502,*,FILE,' + HELP + '\\502.htm']);

const CUSTOM_ERROR_DESCRIPTIONS = [
  '400,0,Bad Request,,0', '401,1,Unauthorized,Logon failed,1', '401,2,Unauthorized,Logon failed due to server configuration,1',
  '401,3,Unauthorized,Unauthorized due to ACL on resource,1', '401,4,Unauthorized,Authorization failed by filter,1',
  '401,5,Unauthorized,Authorization failed by ISAPI/CGI app,1', '401,7,Unauthorized,Denied due to URL Authorization policy,0',
  '403,1,Forbidden,Execute access denied,0', '403,2,Forbidden,Read access denied,0', '403,3,Forbidden,Write access denied,0',
  '403,4,Forbidden,SSL required,0', '403,5,Forbidden,SSL128 required,0', '403,6,Forbidden,IP address rejected,0',
  '403,7,Forbidden,Client certificate required,0', '403,8,Forbidden,Site access denied,0', '403,9,Forbidden,Too many users,0',
  '403,10,Forbidden,Invalid Configuration,0', '403,11,Forbidden,Password Change,0', '403,12,Forbidden,Mapper Denied Access,0',
  '403,13,Forbidden,Client certificate revoked,0', '403,14,Forbidden,Directory Listing Denied,0',
  '403,15,Forbidden,Client Access Licenses Exceeded,0', '403,16,Forbidden,Client certificate untrusted or ill-formed,0',
  '403,17,Forbidden,Client certificate has expired or is not yet valid,0',
  '403,18,Forbidden,Cannot execute request from this application pool,0', '403,19,Forbidden,CGI Access denied,0',
  '403,20,Forbidden,Passport Login failed,0', '404,0,Not Found,,0', '404,2,Not Found,Denied due to Lockdown Policy,0',
  '404,3,Not Found,Denied due to MIMEMAP Policy,0', '405,0,Method Not Allowed,,0', '406,0,Not Acceptable,,0',
  '407,0,Proxy Authentication Required,,1', '412,0,Precondition Failed,,0', '414,0,Request-URI Too Long,,0',
  '415,0,Unsupported Media Type,,0', '500,0,Internal Server Error,,0', '500,12,Internal Server Error,Application restarting,0',
  '500,13,Internal Server Error,Server too busy,0', '500,15,Internal Server Error,Direct requests for GLOBAL.ASA forbidden,0',
  '500,16,Internal Server Error,UNC Access Error,0', '500,17,Internal Server Error,URL Authorization store not found,0',
  '500,18,Internal Server Error,URL Authorization store cannot be opened,0', '500,19,Internal Server Error,Bad file metadata,0',
  '500,100,Internal Server Error,ASP error,0', '501,0,Not Implemented,,0', '502,0,Bad Gateway,,1',
];

/** Extension/MIME-type pairs of the IIS 6 default MIME map plus the Office 2007 and other later additions. */
const MIME_TYPES: string = [
  'asx video/x-ms-asf', 'xml text/xml', 'tsv text/tab-separated-values', 'ra audio/x-pn-realaudio', 'sv4crc application/x-sv4crc',
  'spc application/x-pkcs7-certificates', 'pmc application/x-perfmon', 'lit application/x-ms-reader', 'crd application/x-mscardfile',
  'isp application/x-internet-signup', 'wmlsc application/vnd.wap.wmlscriptc', 'vst application/vnd.visio',
  'xlam application/vnd.ms-excel.addin.macroEnabled.12', 'ttf application/octet-stream', 'pfm application/octet-stream',
  'csv application/octet-stream', 'aaf application/octet-stream', 'one application/onenote', 'hta application/hta',
  'atom application/atom+xml', '323 text/h323', 'mhtml message/rfc822', 'midi audio/mid', 'p7r application/x-pkcs7-certreqresp',
  'mny application/x-msmoney', 'clp application/x-msclip', 'vsd application/vnd.visio', 'lpk application/octet-stream',
  'bin application/octet-stream', 'onetoc application/onenote', 'x application/directx', 'wvx video/x-ms-wvx', 'vcf text/x-vcard',
  'htc text/x-component', 'htt text/webviewhtml', 'h text/plain', 'mht message/rfc822', 'mid audio/mid',
  'p7b application/x-pkcs7-certificates', 'gz application/x-gzip', 'dvi application/x-dvi', 'cpio application/x-cpio',
  'vdx application/vnd.ms-visio.viewer', 'sldm application/vnd.ms-powerpoint.slide.macroEnabled.12', 'xlm application/vnd.ms-excel',
  'fdf application/vnd.fdf', 'setreg application/set-registration-initiation', 'eps application/postscript',
  'p7s application/pkcs7-signature', 'toc application/octet-stream', 'mdp application/octet-stream', 'ics application/octet-stream',
  'chm application/octet-stream', 'asi application/octet-stream', 'afm application/octet-stream', 'evy application/envoy',
  'wmp video/x-ms-wmp', 'qt video/quicktime', 'mpv2 video/mpeg', 'xslt text/xml', 'etx text/x-setext', 'png image/png',
  'cod image/cis-cod', 'snd audio/basic', 'au audio/basic', 'man application/x-troff-man', 'qtl application/x-quicktimeplayer',
  'pmw application/x-perfmon', 'class application/x-java-applet', 'iii application/x-iphone', 'csh application/x-csh',
  'z application/x-compress', 'vtx application/vnd.visio', 'vsw application/vnd.visio', 'wps application/vnd.ms-works',
  'potx application/vnd.openxmlformats-officedocument.presentationml.template', 'ps application/postscript',
  'p7c application/pkcs7-mime', 'thn application/octet-stream', 'mso application/octet-stream', 'dot application/msword',
  'doc application/msword', 'sgml text/sgml', 'nws message/rfc822', 'pbm image/x-portable-bitmap', 'ief image/ief',
  'wav audio/wav', 'texi application/x-texinfo', 'mvb application/x-msmediaview', 'hdf application/x-hdf',
  'vsx application/vnd.visio', 'dotm application/vnd.ms-word.template.macroEnabled.12',
  'docm application/vnd.ms-word.document.macroEnabled.12',
  'pptx application/vnd.openxmlformats-officedocument.presentationml.presentation', 'psm application/octet-stream',
  'java application/octet-stream', 'eot application/octet-stream', 'jar application/java-archive', 'mpeg video/mpeg',
  'xsf text/xml', 'map text/plain', 'uls text/iuls', 'rf image/vnd.rn-realflash', 'm3u audio/x-mpegurl', 'wma audio/x-ms-wma',
  'aifc audio/aiff', 'mdb application/x-msaccess', 'mvc application/x-miva-compiled', 'stl application/vnd.ms-pki.stl',
  'ppsx application/vnd.openxmlformats-officedocument.presentationml.slideshow',
  'xlsb application/vnd.ms-excel.sheet.binary.macroEnabled.12', 'setpay application/set-payment-initiation',
  'prm application/octet-stream', 'mix application/octet-stream', 'lzh application/octet-stream', 'hhk application/octet-stream',
  'onepkg application/onenote', 'xaf x-world/x-vrml', 'flr x-world/x-vrml', 'IVF video/x-ivf', 'cnf text/plain', 'asm text/plain',
  'tiff image/tiff', 'wax audio/x-ms-wax', 'ms application/x-troff-ms', 'tcl application/x-tcl', 'shar application/x-shar',
  'sh application/x-sh', 'nc application/x-netcdf', 'hlp application/winhlp', 'oda application/oda', 'pfb application/octet-stream',
  'fla application/octet-stream', 'wm video/x-ms-wm', 'rgb image/x-rgb', 'ppm image/x-portable-pixmap', 'ram audio/x-pn-realaudio',
  'sit application/x-stuffit', 'dir application/x-director', 'mpp application/vnd.ms-project', 'xla application/vnd.ms-excel',
  'ssm application/streamingmedia', 'axs application/olescript', 'ods application/oleobject', 'psp application/octet-stream',
  'jpb application/octet-stream', 'wrz x-world/x-vrml', 'm1v video/mpeg', 'mno text/xml', 'cmx image/x-cmx', 'jpeg image/jpeg',
  'dib image/bmp', 'rmi audio/mid', 'aiff audio/aiff', 'wmd application/x-ms-wmd', 'wri application/x-mswrite',
  'pub application/x-mspublisher', 'ins application/x-internet-signup', 'wks application/vnd.ms-works',
  'xls application/vnd.ms-excel', 'ai application/postscript', 'crl application/pkix-crl', 'qxd application/octet-stream',
  'dwp application/octet-stream', 'xof x-world/x-vrml', 'wmv video/x-ms-wmv', 'nsc video/x-ms-asf', 'mpa video/mpeg',
  'pnm image/x-portable-anymap', 'rpm audio/x-pn-realaudio-plugin', 'aif audio/x-aiff', 'me application/x-troff-me',
  'pml application/x-perfmon', 'trm application/x-msterminal', 'm13 application/x-msmediaview', 'js application/x-javascript',
  'dxr application/x-director', 'potm application/vnd.ms-powerpoint.template.macroEnabled.12',
  'xltx application/vnd.openxmlformats-officedocument.spreadsheetml.template', 'xlt application/vnd.ms-excel',
  'xlc application/vnd.ms-excel', 'p10 application/pkcs10', 'smi application/octet-stream', 'sea application/octet-stream',
  'hqx application/mac-binhex40', 'spl application/futuresplash', 'movie video/x-sgi-movie', 'lsf video/x-la-asf',
  'txt text/plain', 'jfif image/pjpeg', 'jpe image/jpeg', 'zip application/x-zip-compressed', 'wmf application/x-msmetafile',
  'm14 application/x-msmediaview', 'latex application/x-latex', 'wcm application/vnd.ms-works',
  'pptm application/vnd.ms-powerpoint.presentation.macroEnabled.12',
  'xlsx application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'hhp application/octet-stream',
  'aca application/octet-stream', 'accdb application/msaccess', 'jcz application/liquidmotion', 'wrl x-world/x-vrml',
  'wmx video/x-ms-wmx', 'asr video/x-ms-asf', 'lsx video/x-la-asf', 'xsl text/xml', 'html text/html', 'tif image/tiff',
  'der application/x-x509-ca-cert', 'pfx application/x-pkcs12', 'p12 application/x-pkcs12',
  'ppsm application/vnd.ms-powerpoint.slideshow.macroEnabled.12', 'cur application/octet-stream', 'accdt application/msaccess',
  'hdml text/x-hdml', 'htm text/html', 'xbm image/x-xbitmap', 'jpg image/jpeg', 'texinfo application/x-texinfo',
  'ppam application/vnd.ms-powerpoint.addin.macroEnabled.12', 'xlw application/vnd.ms-excel', 'rm application/vnd.rn-realmedia',
  'pdf application/pdf', 'rar application/octet-stream', 'psd application/octet-stream', 'inf application/octet-stream',
  'emz application/octet-stream', 'dsp application/octet-stream', 'onea application/onenote', 'jck application/liquidmotion',
  'mpe video/mpeg', 'mp2 video/mpeg', 'sct text/scriptlet', 'ras image/x-cmu-raster', 'swf application/x-shockwave-flash',
  'wmz application/x-ms-wmz', 'gtar application/x-gtar', 'dcr application/x-director',
  'sldx application/vnd.openxmlformats-officedocument.presentationml.slide', 'pps application/vnd.ms-pps',
  'p7m application/pkcs7-mime', 'xsn application/octet-stream', 'ocx application/octet-stream', 'accde application/msaccess',
  'mov video/quicktime', 'wmls text/vnd.wap.wmlscript', 'cpp text/plain', 'c text/plain', 'bas text/plain', 'css text/css',
  'art image/x-jg', 'mp3 audio/mpeg', 't application/x-troff', 'roff application/x-troff', 'tar application/x-tar',
  'hhc application/x-oleobject', 'scd application/x-msschedule', 'pko application/vnd.ms-pki.pko',
  'sst application/vnd.ms-pki.certstore', 'ppt application/vnd.ms-powerpoint', 'xtp application/octet-stream',
  'u32 application/octet-stream', 'pcx application/octet-stream', 'msi application/octet-stream', 'exe application/octet-stream',
  'asd application/octet-stream', 'onetoc2 application/onenote', 'fif application/fractals', 'mpg video/mpeg', 'vml text/xml',
  'xdr text/plain', 'vcs text/plain', 'hxt text/html', 'eml message/rfc822', 'xpm image/x-xpixmap', 'ico image/x-icon',
  'gif image/gif', 'dwf drawing/x-dwf', 'src application/x-wais-source', 'tr application/x-troff', 'pmr application/x-perfmon',
  'pma application/x-perfmon', 'dll application/x-msdownload', 'bcpio application/x-bcpio', 'wmlc application/vnd.wap.wmlc',
  'wdb application/vnd.ms-works', 'dotx application/vnd.openxmlformats-officedocument.wordprocessingml.template',
  'docx application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'pot application/vnd.ms-powerpoint',
  'xltm application/vnd.ms-excel.template.macroEnabled.12', 'rtf application/rtf', 'prf application/pics-rules',
  'snp application/octet-stream', 'cab application/octet-stream', 'avi video/x-msvideo', 'asf video/x-ms-asf', 'dtd text/xml',
  'wml text/vnd.wap.wml', 'vbs text/vbscript', 'rtx text/richtext', 'dlm text/dlm', 'xwd image/x-xwindowdump',
  'pgm image/x-portable-graymap', 'wbmp image/vnd.wap.wbmp', 'bmp image/bmp', 'crt application/x-x509-ca-cert',
  'ustar application/x-ustar', 'tex application/x-tex', 'sv4cpio application/x-sv4cpio', 'tgz application/x-compressed',
  'cdf application/x-cdf', 'vss application/vnd.visio', 'cat application/vnd.ms-pki.seccat', 'thmx application/vnd.ms-officetheme',
  'xlsm application/vnd.ms-excel.sheet.macroEnabled.12', 'prx application/octet-stream', 'pcz application/octet-stream',
  'onetmp application/onenote', 'acx application/internet-property-stream', 'xap application/x-silverlight-app',
  'xaml application/xaml+xml', 'xbap application/x-ms-xbap', 'manifest application/x-ms-manifest',
  'application application/x-ms-application', 'deploy application/octet-stream', 'flv video/x-flv', 'mp4 video/mp4',
  'm4a audio/mp4', 'm4v video/mp4', 'json application/json', 'svg image/svg+xml', 'woff application/font-woff',
  'ogg audio/ogg', 'ogv video/ogg', 'webm video/webm', 'xps application/vnd.ms-xpsdocument', 'mkv video/x-matroska',
  'appcache text/cache-manifest', 'vtt text/vtt',
].map((s) => '.' + s.replace(' ', ',')).join('\n');

const LOG_EXT_FLAGS_DEFAULT =
  'LogExtFileDate | LogExtFileTime | LogExtFileClientIp | LogExtFileUserName | LogExtFileSiteName | LogExtFileServerIp | ' +
  'LogExtFileMethod | LogExtFileUriStem | LogExtFileUriQuery | LogExtFileHttpStatus | LogExtFileWin32Status | ' +
  'LogExtFileServerPort | LogExtFileUserAgent | LogExtFileHttpSubStatus';
const LOG_EXT_FLAGS_FULL = LOG_EXT_FLAGS_DEFAULT + ' | LogExtFileBytesSent | LogExtFileBytesRecv | LogExtFileTimeTaken | LogExtFileReferer | LogExtFileHost';
const W3C_CLSID = '{FF160663-DE82-11CF-BC0A-00AA006111E0}';

// ---------------------------------------------------------------------------------------------
// Names

const COMPANIES = [
  'Contoso', 'Fabrikam', 'Northwind', 'Adventure Works', 'Tailspin', 'Litware', 'Proseware', 'Wingtip', 'Woodgrove',
  'Coho Winery', 'Lucerne Publishing', 'Margie\'s Travel', 'Fourth Coffee', 'Alpine Ski House', 'Blue Yonder', 'Humongous Insurance',
  'Trey Research', 'Graphic Design Institute', 'City Power & Light', 'Southridge Video', 'Wide World Importers', 'Consolidated Messenger',
];
const PURPOSES = ['Intranet', 'Shop', 'Portal', 'Extranet', 'Web Services', 'Reporting', 'CRM', 'Help Desk', 'Wiki', 'Timesheets',
  'Partner Portal', 'Careers', 'Press', 'Support', 'Webmail', 'Catalogue', 'Booking', 'Payroll', 'Documents', 'Marketing'];
const STAGES = ['', '', '', '', ' (staging)', ' (test)', ' (old)', ' - "Legacy"'];
const CHILD_NAMES = ['api', 'admin', 'reports', 'images', 'css', 'downloads', 'services', 'blog', 'shop', 'legacy', 'aspnet_client',
  'help', 'webservices', 'portal', 'mobile', 'static', 'forum', 'search', 'cms', 'media', 'uploads', 'scripts', 'news', 'docs'];
const CHILD_FILES = ['login.aspx', 'default.asp', 'global.asa', 'robots.txt', 'upload.aspx', 'web.config', 'status.asp', 'export.ashx'];
const DOMAINS = ['example.com', 'example.net', 'example.org'];
// every application runs ASP.NET, so every list has Default.aspx
const DEFAULT_DOCS = ['Default.htm,Default.asp,index.htm,Default.aspx', 'Default.aspx,Default.htm,Default.asp,index.htm',
  'index.html,index.htm,default.aspx', 'Default.aspx,Default.asp,Default.htm'];
const VOLUMES = ['D:\\Sites', 'E:\\inetpub', 'D:\\Web', 'E:\\WebRoot'];
const FILE_SERVERS = ['\\\\fs01\\webcontent$', '\\\\nas02\\sites', '\\\\fileserver\\wwwroot$'];
const DOMAIN_USERS = ['CORP\\svc_web', 'CORP\\svc_content', 'WEBFARM\\iis_unc', 'CORP\\svc_reports'];

function slug(name: string): string {
  return name.replace(/[^A-Za-z0-9]+/g, '');
}

// ---------------------------------------------------------------------------------------------
// Model of what we generate (needed before writing, since keys are written in tree order)

interface Pool {
  name: string;
  version: NetVersion;
  /** MaxProcesses > 1: its applications keep no ASP session state (sessions would be lost). */
  webGarden: boolean;
  attrs: Attr[];
}

interface Site {
  index: number;
  id: string;
  keys: Key[];
  bindings: string[];
}

const MISTAKE_KINDS: readonly MistakeKind[] = ['unknown-pool', 'misspelt-boolean', 'duplicate-binding', 'unknown-property', 'approot-mismatch'];

function compareKeyNames(a: string, b: string): number {
  const x = a.toUpperCase();
  const y = b.toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Generates the file and some counts. */
export function generateMetabaseWithInfo(options: GenerateOptions): GenerateResult {
  const nSites = Math.max(1, Math.floor(options.sites));
  const seed = (options.seed ?? 42) >>> 0;
  const mistakeRate = options.mistakes ?? 0.01;
  const rng = new Rng(seed);
  const mrng = new Rng((seed ^ 0x9e3779b9) >>> 0); // mistakes only: the sites do not depend on the rate
  const machine = 'WEB' + String(rng.int(1, 99)).padStart(2, '0');
  const injected: InjectedMistake[] = [];

  // ---- application pools: one ASP.NET version per pool; DefaultAppPool runs v2.0 (the W3SVC default)
  const nPools = Math.max(2, Math.round(nSites / 20));
  const pools: Pool[] = [];
  pools.push({ name: 'DefaultAppPool', version: NET20, webGarden: false, attrs: [
    ['AppPoolAutoStart', 'TRUE'],
    ['PeriodicRestartMemory', '512000'],
    ['PeriodicRestartPrivateMemory', '196608'],
  ] });
  for (let p = 1; p <= nPools; p++) {
    const version: NetVersion = p % 4 === 1 ? NET11 : NET20;
    const attrs: Attr[] = [['AppPoolAutoStart', rng.chance(0.95) ? 'TRUE' : 'FALSE']];
    const identity = rng.pick([2, 2, 2, 2, 3, 3, 1]); // NetworkService, a domain account, LocalService (never LocalSystem)
    if (identity !== 2) attrs.push(['AppPoolIdentityType', String(identity)]);
    if (identity === 3) {
      attrs.push(['WAMUserName', rng.pick(DOMAIN_USERS) + String(p)]);
      attrs.push(['WAMUserPass', rng.secret(rng.pick([64, 80, 96]))]);
    }
    if (rng.chance(0.7)) attrs.push(['PeriodicRestartMemory', String(rng.pick([512000, 716800, 1048576, 307200]))]);
    if (rng.chance(0.6)) attrs.push(['PeriodicRestartPrivateMemory', String(rng.pick([196608, 262144, 409600, 524288]))]);
    if (rng.chance(0.3)) attrs.push(['PeriodicRestartRequests', String(rng.pick([35000, 50000, 100000]))]);
    if (rng.chance(0.3)) attrs.push(['PeriodicRestartTime', String(rng.pick([0, 720, 1440, 2880]))]);
    if (rng.chance(0.2)) attrs.push(['PeriodicRestartSchedule', [rng.pick(['02:00', '03:00', '03:30', '04:15']), ...(rng.chance(0.3) ? ['14:00'] : [])]]);
    if (rng.chance(0.25)) attrs.push(['IdleTimeout', String(rng.pick([0, 10, 60, 120]))]);
    const webGarden = rng.chance(0.15);
    if (webGarden) attrs.push(['MaxProcesses', String(rng.pick([2, 3, 4]))]);
    if (rng.chance(0.2)) attrs.push(['AppPoolQueueLength', String(rng.pick([2000, 4000, 5000]))]);
    if (rng.chance(0.15)) {
      attrs.push(['CPULimit', String(rng.pick([20000, 50000, 80000]))]);
      attrs.push(['CPUAction', String(rng.pick([0, 1]))]);
      attrs.push(['CPUResetInterval', String(rng.pick([5, 10, 15]))]);
    }
    if (rng.chance(0.1)) attrs.push(['RapidFailProtection', 'FALSE']);
    if (rng.chance(0.1)) attrs.push(['PingResponseTime', String(rng.pick([120, 180]))]);
    pools.push({ name: 'Pool' + String(p).padStart(4, '0'), version, webGarden, attrs });
  }
  const poolsByVersion: Record<NetVersion, Pool[]> = { [NET11]: [], [NET20]: [] };
  for (const pool of pools) poolsByVersion[pool.version].push(pool);

  // ---- site ids: site 1 is the Default Web Site; a few low sequential ids (scripted installs), the rest
  //      look like IIS 6's hash of the site name (9-10 digits)
  const usedIds = new Set<string>(['1']);
  let nextSmall = 2;
  const siteIds: string[] = ['1'];
  for (let i = 1; i < nSites; i++) {
    let id: string;
    if (rng.chance(0.04)) {
      id = String(nextSmall++);
    } else {
      do id = String(rng.int(100000000, 2147483646)); while (usedIds.has(id));
    }
    if (usedIds.has(id)) id = String(nextSmall++);
    usedIds.add(id);
    siteIds.push(id);
  }

  // ---- sites
  const sites: Site[] = [];
  let applications = 0;
  const allBindings: string[] = [];
  for (let i = 0; i < nSites; i++) {
    const id = siteIds[i]!;
    const base = `/LM/W3SVC/${id}`;
    const isDefault = i === 0;
    const company = rng.pick(COMPANIES);
    const purpose = rng.pick(PURPOSES);
    const comment = isDefault ? 'Default Web Site' : `${company} ${purpose}${rng.pick(STAGES)}`;
    const siteSlug = isDefault ? 'wwwroot' : slug(company + purpose) + i;
    const keys: Key[] = [];

    // bindings: unique host names per site; a few IP-based sites; some with SSL on a unique IP
    const bindings: string[] = [];
    const ip = `10.${1 + Math.floor(i / 62500)}.${Math.floor(i / 250) % 250}.${(i % 250) + 1}`; // unique per site
    if (isDefault) {
      bindings.push(':80:');
    } else if (rng.chance(0.03)) {
      bindings.push(`${ip}:80:`);
    } else {
      const domain = rng.pick(DOMAINS);
      const useIp = rng.chance(0.3);
      const port = rng.chance(0.9) ? 80 : rng.pick([8080, 8081, 81]);
      const prefix = useIp ? ip : '';
      bindings.push(`${prefix}:${port}:site${i}.${domain}`);
      const extra = rng.int(0, 2);
      if (extra >= 1) bindings.push(`${prefix}:${port}:www.site${i}.${domain}`);
      if (extra >= 2) bindings.push(`${prefix}:${port}:site${i}-${rng.pick(['old', 'intranet', 'test', 'cdn'])}.${domain}`);
    }
    const ssl = !isDefault && rng.chance(0.2);

    const server: Attr[] = [
      ['ServerAutoStart', rng.chance(0.93) ? 'TRUE' : 'FALSE'],
      ['ServerBindings', bindings],
      ['ServerComment', comment],
      ['ServerSize', '1'],
      ['LogFilePeriod', String(rng.pick([1, 1, 1, 4, 2, 3]))],
      ['LogFileLocaltimeRollover', rng.chance(0.3) ? 'TRUE' : 'FALSE'],
      ['LogFileTruncateSize', '20971520'],
      ['LogPluginClsid', W3C_CLSID],
      ['LogType', '1'],
    ];
    if (rng.chance(0.5)) server.push(['LogExtFileFlags', rng.chance(0.6) ? LOG_EXT_FLAGS_DEFAULT : LOG_EXT_FLAGS_FULL]);
    if (rng.chance(0.5)) server.push(['LogFileDirectory', rng.pick(['D:\\LogFiles', 'E:\\Logs\\IIS', `D:\\LogFiles\\${siteSlug}`])]);
    if (rng.chance(0.6)) server.push(['MaxConnections', String(rng.pick([1000, 5000, 10000, 4294967295]))]);
    if (rng.chance(0.2)) server.push(['MaxBandwidth', String(rng.pick([1048576, 4194304, 4294967295]))]);
    if (rng.chance(0.5)) server.push(['ConnectionTimeout', String(rng.pick([60, 120, 300, 900]))]);
    if (rng.chance(0.45)) server.push(['AllowKeepAlive', rng.chance(0.8) ? 'TRUE' : 'FALSE']);
    if (rng.chance(0.3)) server.push(['DefaultDoc', rng.pick(DEFAULT_DOCS)]);
    if (ssl) {
      server.push(['SecureBindings', `${ip}:443:`]);
      server.push(['SSLCertHash', rng.hex(40)]);
      server.push(['SSLStoreName', 'MY']);
    }
    keys.push({ type: 'IIsWebServer', location: base, attrs: server });
    if (!isDefault && rng.chance(0.05)) keys.push({ type: 'IIsCertMapper', location: `${base}/IIsCertMapper`, attrs: [] });
    keys.push({ type: 'IIsFilters', location: `${base}/Filters`, attrs: rng.chance(0.6) ? [['AdminACL', rng.secret(rng.pick([160, 200, 240]))]] : [] });

    // ROOT: always an application
    const rootName = rng.chance(0.8) ? 'ROOT' : rng.pick(['Root', 'root']);
    const rootLoc = `${base}/${rootName}`;
    const appRootName = rng.chance(0.75) ? 'ROOT' : 'Root';
    const rootAppRoot = `${base}/${appRootName}`;
    // effective ASP.NET version: W3SVC maps are v2.0; an own ScriptMaps may say v1.1 or repeat v2.0
    let rootVersion: NetVersion = NET20;
    let rootMaps: string[] | undefined;
    const r = rng.next();
    if (r < 0.1) {
      rootVersion = NET11;
      rootMaps = scriptMaps(NET11, rng.chance(0.5));
    } else if (r < 0.18) {
      rootMaps = scriptMaps(NET20, rng.chance(0.5));
    }
    const rootPool = isDefault ? pools[0]! : rng.pick(poolsByVersion[rootVersion]);
    const unc = !isDefault && rng.chance(0.1);
    const rootPath = isDefault ? 'C:\\Inetpub\\wwwroot' : unc ? `${rng.pick(FILE_SERVERS)}\\${siteSlug}` : `${rng.pick(VOLUMES)}\\${siteSlug}\\wwwroot`;
    const root: Attr[] = [
      ['AccessFlags', rng.chance(0.8) ? 'AccessRead | AccessScript' : 'AccessRead'],
      ['AppFriendlyName', isDefault ? 'Default Application' : rng.chance(0.5) ? 'Default Application' : comment],
      ['AppIsolated', '2'],
      ['AppPoolId', rootPool.name],
      ['AppRoot', rootAppRoot],
      ['Path', rootPath],
    ];
    if (rng.chance(0.85)) root.push(['AuthFlags', rng.pick(['AuthAnonymous', 'AuthAnonymous | AuthNTLM', 'AuthNTLM', 'AuthBasic | AuthNTLM'])]);
    if (rootMaps) root.push(['ScriptMaps', rootMaps]);
    if (unc) {
      root.push(['UNCUserName', rng.pick(DOMAIN_USERS)]);
      root.push(['UNCPassword', rng.secret(rng.pick([64, 96]))]);
    }
    if (rng.chance(0.4)) root.push(['AspEnableParentPaths', rng.chance(0.5) ? 'TRUE' : 'FALSE']);
    if (rng.chance(0.5)) root.push(['AspSessionTimeout', String(rng.pick([20, 30, 60, 120]))]);
    if (rng.chance(0.4)) root.push(['AspScriptTimeout', String(rng.pick([90, 180, 300, 600]))]);
    if (rootPool.webGarden) root.push(['AspAllowSessionState', 'FALSE']);
    else if (rng.chance(0.3)) root.push(['AspAllowSessionState', rng.chance(0.7) ? 'TRUE' : 'FALSE']);
    if (rng.chance(0.3)) root.push(['AspBufferingOn', 'TRUE']);
    if (rng.chance(0.1)) root.push(['AspScriptLanguage', rng.pick(['VBScript', 'JScript'])]);
    if (rng.chance(0.25)) root.push(['AspMaxRequestEntityAllowed', String(rng.pick([204800, 1048576, 4194304, 10485760]))]);
    if (rng.chance(0.1)) root.push(['AspCodepage', rng.pick(['65001', '1252'])]);
    if (rng.chance(0.2)) root.push(['AppAllowDebugging', 'FALSE'], ['AppAllowClientDebug', 'FALSE']);
    if (rng.chance(0.3)) root.push(['DefaultDoc', rng.pick(DEFAULT_DOCS)]);
    if (rng.chance(0.1)) root.push(['DontLog', 'FALSE']);
    if (rng.chance(0.15)) {
      root.push(['AnonymousUserName', `IUSR_${siteSlug.slice(0, 12)}`]);
      root.push(['AnonymousUserPass', rng.secret(rng.pick([64, 96]))]);
      root.push(['AnonymousPasswordSync', 'FALSE']);
    }
    if (rng.chance(0.15)) root.push(['AccessSSLFlags', 'AccessSSL']);
    if (rng.chance(0.1)) root.push(['HttpCustomHeaders', ['X-Powered-By: ASP.NET', ...(rng.chance(0.5) ? ['P3P: CP="CAO PSA OUR"'] : [])]]);
    if (rng.chance(0.1)) root.push(['HttpExpires', rng.pick(['D, 0x15180', 'D, 0x93a80'])]);
    if (rng.chance(0.1)) root.push(['ContentIndexed', 'FALSE']);
    keys.push({ type: 'IIsWebVirtualDir', location: rootLoc, attrs: root });
    if (isDefault || rng.chance(0.5)) server.push(['AppPoolId', rootPool.name]);
    if (rng.chance(0.3)) server.push(['AuthFlags', rng.pick(['AuthAnonymous', 'AuthAnonymous | AuthNTLM'])]);
    applications++;

    // children of ROOT
    const nChildren = isDefault ? 1 : rng.int(0, 3);
    const used = new Set<string>();
    for (let c = 0; c < nChildren; c++) {
      const kind = isDefault ? 'vdir' : rng.pick(['vdir', 'vdir', 'vdir', 'dir', 'dir', 'file']);
      let name: string;
      do name = kind === 'file' ? rng.pick(CHILD_FILES) : isDefault ? 'aspnet_client' : rng.pick(CHILD_NAMES);
      while (used.has(name.toLowerCase()));
      used.add(name.toLowerCase());
      const loc = `${rootLoc}/${name}`;
      const attrs: Attr[] = [];
      if (kind === 'file') {
        attrs.push(['AccessFlags', rng.pick(['AccessRead', 'AccessRead | AccessScript', 'AccessScript'])]);
        if (rng.chance(0.5)) attrs.push(['AuthFlags', rng.pick(['AuthNTLM', 'AuthBasic'])]);
        if (rng.chance(0.4)) attrs.push(['AccessSSLFlags', 'AccessSSL | AccessSSL128']);
        if (rng.chance(0.2)) attrs.push(['HttpRedirect', `https://site${i}.example.com/${name}?from=http&secure=1, EXACT_DESTINATION`]);
        keys.push({ type: 'IIsWebFile', location: loc, attrs });
        continue;
      }
      const isApp = !isDefault && rng.chance(kind === 'vdir' ? 0.5 : 0.15);
      if (kind === 'vdir') attrs.push(['Path', rng.chance(0.8) ? `${rootPath}\\${name}` : `${rng.pick(VOLUMES)}\\Shared\\${name}`]);
      attrs.push(['AccessFlags', rng.pick(['AccessRead', 'AccessRead | AccessScript', 'AccessRead | AccessScript', 'AccessRead | AccessWrite'])]);
      if (rng.chance(0.3)) attrs.push(['DirBrowseFlags', 'DirBrowseShowDate | DirBrowseShowTime | DirBrowseShowSize | DirBrowseShowExtension']);
      if (rng.chance(0.5)) attrs.push(['AuthFlags', rng.pick(['AuthAnonymous', 'AuthNTLM', 'AuthBasic | AuthNTLM'])]);
      if (rng.chance(0.2)) attrs.push(['AccessSSLFlags', 'AccessSSL']);
      if (rng.chance(0.25)) attrs.push(['AspEnableParentPaths', 'TRUE']);
      if (rng.chance(0.2)) attrs.push(['DefaultDoc', rng.pick(DEFAULT_DOCS)]);
      if (rng.chance(0.15)) attrs.push(['ContentIndexed', 'FALSE']);
      if (isApp) {
        applications++;
        let version = rootVersion;
        const v = rng.next();
        if (v < 0.1) {
          version = NET11;
          attrs.push(['ScriptMaps', scriptMaps(NET11, rng.chance(0.5))]);
        } else if (v < 0.18) {
          version = NET20;
          attrs.push(['ScriptMaps', scriptMaps(NET20, rng.chance(0.5))]);
        }
        const pool = version === rootVersion && rng.chance(0.6) ? rootPool : rng.pick(poolsByVersion[version]);
        const appRootPrefix = rng.chance(0.8) ? rootAppRoot : rootLoc;
        attrs.push(['AppRoot', `${appRootPrefix}/${name}`]);
        attrs.push(['AppIsolated', '2']);
        attrs.push(['AppPoolId', pool.name]);
        attrs.push(['AppFriendlyName', name]);
        if (pool.webGarden) attrs.push(['AspAllowSessionState', 'FALSE']);
      }
      keys.push({ type: kind === 'vdir' ? 'IIsWebVirtualDir' : 'IIsWebDirectory', location: loc, attrs });
    }
    sites.push({ index: i, id, keys, bindings });
    allBindings.push(...bindings);
  }

  // ---- mistakes (own PRNG stream)
  const missingPools = new Map<string, number>();
  if (mistakeRate > 0) {
    for (const site of sites) {
      if (!mrng.chance(mistakeRate)) continue;
      let kind = mrng.pick(MISTAKE_KINDS);
      if (kind === 'duplicate-binding' && sites.length < 2) kind = 'misspelt-boolean';
      const server = site.keys[0]!;
      const root = site.keys.find((k) => k.type === 'IIsWebVirtualDir' && k.attrs.some(([n]) => n === 'AppRoot'))!;
      const set = (key: Key, name: string, value: string | string[]): void => {
        const a = key.attrs.find(([n]) => n === name);
        if (a) a[1] = value;
        else key.attrs.push([name, value]);
        injected.push({ kind, location: key.location, property: name, value: Array.isArray(value) ? value.join('\n') : value });
      };
      switch (kind) {
        case 'unknown-pool': {
          // each missing pool name is used once, so the mistake does not also put two ASP.NET versions in one pool
          const base = mrng.pick(['DefualtAppPool', 'Pool', 'AppPool #', 'AppPool0']);
          const n = (missingPools.get(base) ?? 0) + 1;
          missingPools.set(base, n);
          const name = base === 'Pool' ? 'Pool' + String(nPools + n).padStart(4, '0') : base === 'DefualtAppPool' && n === 1 ? base : base + String(n);
          set(root, 'AppPoolId', name);
          break;
        }
        case 'misspelt-boolean':
          if (mrng.chance(0.5)) set(server, 'ServerAutoStart', mrng.pick(['ture', 'flase', 'TRUEE', 'Ture']));
          else set(root, 'AspEnableParentPaths', mrng.pick(['ture', 'Treu', 'fasle']));
          break;
        case 'duplicate-binding': {
          let other = site;
          while (other === site) other = mrng.pick(sites);
          const copied = mrng.pick(other.bindings);
          set(server, 'ServerBindings', [...site.bindings, copied]);
          break;
        }
        case 'unknown-property': {
          const [key, name, value] = mrng.pick<[Key, string, string]>([
            [root, 'AspEnableParentPath', 'TRUE'],
            [root, 'AppPoolID', root.attrs.find(([n]) => n === 'AppPoolId')![1] as string],
            [server, 'ServerAutoStrat', 'TRUE'],
            [root, 'AccessFlag', 'AccessRead'],
            [server, 'LogFileTruncSize', '20971520'],
          ]);
          set(key, name, value);
          break;
        }
        case 'approot-mismatch': {
          const other = sites[(site.index + 1) % sites.length]!;
          set(root, 'AppRoot', other !== site && mrng.chance(0.5) ? `/LM/W3SVC/${other.id}/ROOT` : `${root.location}/App`);
          break;
        }
      }
    }
  }

  // ---- write, in metabase tree order
  const w = new Writer();
  w.raw('\ufeff<?xml version ="1.0"?>');
  w.raw('<configuration xmlns="urn:microsoft-catalog:XML_Metabase_V64_0">');
  w.raw('<MBProperty>');
  w.key({ type: 'IIS_Global', location: '.', attrs: [
    ['BINSchemaTimeStamp', rng.hex(16)],
    ['ChangeNumber', String(rng.int(1000, 99999))],
    ['HistoryMajorVersionNumber', String(rng.int(50, 900))],
    ['SessionKey', rng.secret(312)],
    ['XMLSchemaTimeStamp', rng.hex(16)],
  ] });
  const adminAcl = rng.secret(392);
  w.key({ type: 'IIS_ROOT', location: '/', attrs: [['AdminACL', adminAcl]] });
  w.key({ type: 'IIsComputer', location: '/LM', attrs: [
    ['EnableEditWhileRunning', '1'],
    ['EnableHistory', '1'],
    ['MaxBandwidth', '4294967295'],
    ['MaxHistoryFiles', '10'],
  ] });
  w.key({ type: 'IIsConfigObject', location: '/LM/IISADMIN', attrs: [] });
  w.key({ type: 'IIsConfigObject', location: '/LM/IISADMIN/EXTENSIONS', attrs: [] });
  w.key({ type: 'IIsConfigObject', location: '/LM/IISADMIN/EXTENSIONS/DCOMCLSIDS', attrs: [], children:
    customElement('MD_IISADMIN_EXTENSIONS', 1028, ['{61738644-F196-11D0-9953-00C04FD919C1}'], 'MULTISZ', 'IIS_MD_UT_SERVER', 'NO_ATTRIBUTES') });
  w.key({ type: 'IIsConfigObject', location: '/LM/IISADMIN/PROPERTYREGISTRATION', attrs: [], children:
    customElement('MD_METADATA_ID_REGISTRATION', 1030, ['0-65535;Microsoft Reserved', '65536-524288;Microsoft IIS Admin Objects Reserved'],
      'MULTISZ', 'IIS_MD_UT_SERVER', 'INHERIT') });
  w.key({ type: 'IIsLogModules', location: '/LM/Logging', attrs: [['AdminACL', rng.secret(272)]] });
  for (const [name, id, ui] of [
    ['Microsoft IIS Log File Format', '{FF160657-DE82-11CF-BC0A-00AA006111E0}', '{31DCAB87-BB3E-11d0-9299-00C04FB6678B}'],
    ['NCSA Common Log File Format', '{FF16065F-DE82-11CF-BC0A-00AA006111E0}', '{31DCAB85-BB3E-11d0-9299-00C04FB6678B}'],
    ['ODBC Logging', '{FF16065B-DE82-11CF-BC0A-00AA006111E0}', '{31DCAB86-BB3E-11d0-9299-00C04FB6678B}'],
    ['W3C Extended Log File Format', W3C_CLSID, '{31DCAB88-BB3E-11d0-9299-00C04FB6678B}'],
  ] as const) {
    w.key({ type: 'IIsLogModule', location: `/LM/Logging/${name}`, attrs: [['LogModuleId', id], ['LogModuleUiId', ui]] });
  }
  w.key({ type: 'IIsMimeMap', location: '/LM/MimeMap', attrs: [['MimeMap', MIME_TYPES.split('\n')]] });

  const netDeps = (v: NetVersion): string => `ASP.NET ${v};ASP.NET ${v}`;
  w.key({ type: 'IIsWebService', location: '/LM/W3SVC', attrs: [
    ['AllowKeepAlive', 'TRUE'],
    ['AnonymousUserName', `IUSR_${machine}`],
    ['AnonymousUserPass', rng.secret(216)],
    ['AppAllowClientDebug', 'FALSE'],
    ['AppAllowDebugging', 'FALSE'],
    ['AppPoolId', 'DefaultAppPool'],
    ['ApplicationDependencies', ['Active Server Pages;ASP', netDeps(NET11), netDeps(NET20), 'Internet Data Connector;HTTPODBC',
      'Server Side Includes;SSINC', 'WebDAV;WEBDAV']],
    ['AspAllowOutOfProcComponents', 'TRUE'],
    ['AspAllowSessionState', 'TRUE'],
    ['AspAppServiceFlags', '0'],
    ['AspBufferingLimit', '4194304'],
    ['AspBufferingOn', 'TRUE'],
    ['AspCalcLineNumber', 'TRUE'],
    ['AspCodepage', '0'],
    ['AspDiskTemplateCacheDirectory', '%windir%\\system32\\inetsrv\\ASP Compiled Templates'],
    ['AspEnableApplicationRestart', 'TRUE'],
    ['AspEnableAspHtmlFallback', 'FALSE'],
    ['AspEnableChunkedEncoding', 'TRUE'],
    ['AspEnableParentPaths', 'FALSE'],
    ['AspEnableTypelibCache', 'TRUE'],
    ['AspErrorsToNTLog', 'FALSE'],
    ['AspExceptionCatchEnable', 'TRUE'],
    ['AspExecuteInMTA', '0'],
    ['AspKeepSessionIDSecure', '0'],
    ['AspLCID', '2048'],
    ['AspLogErrorRequests', 'TRUE'],
    ['AspMaxDiskTemplateCacheFiles', '2000'],
    ['AspMaxRequestEntityAllowed', '204800'],
    ['AspProcessorThreadMax', '25'],
    ['AspQueueConnectionTestTime', '3'],
    ['AspQueueTimeout', '4294967295'],
    ['AspRequestQueueMax', '3000'],
    ['AspRunOnEndAnonymously', 'TRUE'],
    ['AspScriptEngineCacheMax', '250'],
    ['AspScriptErrorMessage', 'An error occurred on the server when processing the URL.  Please contact the system administrator.'],
    ['AspScriptErrorSentToBrowser', 'TRUE'],
    ['AspScriptFileCacheSize', '500'],
    ['AspScriptLanguage', 'VBScript'],
    ['AspScriptTimeout', '90'],
    ['AspSessionMax', '4294967295'],
    ['AspSessionTimeout', '20'],
    ['AspTrackThreadingModel', 'FALSE'],
    ['AuthChangeURL', '/iisadmpwd/achg.asp'],
    ['AuthExpiredURL', '/iisadmpwd/aexp.asp'],
    ['AuthExpiredUnsecureURL', '/iisadmpwd/aexp3.asp'],
    ['AuthFlags', 'AuthAnonymous'],
    ['AuthNotifyPwdExpURL', '/iisadmpwd/anot.asp'],
    ['AuthNotifyPwdExpUnsecureURL', '/iisadmpwd/anot3.asp'],
    ['CGITimeout', '300'],
    ['CacheISAPI', 'TRUE'],
    ['CentralBinaryLoggingEnabled', 'FALSE'],
    ['ConnectionTimeout', '120'],
    ['ContentIndexed', 'TRUE'],
    ['DefaultDoc', 'Default.htm,Default.asp,index.htm,Default.aspx'],
    ['DirBrowseFlags', 'DirBrowseShowDate | DirBrowseShowTime | DirBrowseShowSize | DirBrowseShowExtension | DirBrowseShowLongDate | EnableDefaultDoc'],
    ['DownlevelAdminInstance', '1'],
    ['HttpErrors', HTTP_ERRORS],
    ['IIs5IsolationModeEnabled', 'FALSE'],
    ['InProcessIsapiApps', [`${INETSRV}\\httpext.dll`, `${INETSRV}\\httpodbc.dll`, `${INETSRV}\\ssinc.dll`, `${WINDIR}\\system32\\msw3prt.dll`,
      aspnetIsapi(NET11), aspnetIsapi(NET20)]],
    ['LogExtFileFlags', LOG_EXT_FLAGS_DEFAULT],
    ['LogFileDirectory', `${WINDIR}\\system32\\LogFiles`],
    ['LogFilePeriod', '1'],
    ['LogFileTruncateSize', '20971520'],
    ['LogInUTF8', 'FALSE'],
    ['LogOdbcDataSource', 'HTTPLOG'],
    ['LogOdbcPassword', rng.secret(216)],
    ['LogOdbcTableName', 'InternetLog'],
    ['LogOdbcUserName', 'InternetAdmin'],
    ['LogPluginClsid', W3C_CLSID],
    ['LogType', '1'],
    ['MaxConnections', '4294967295'],
    ['MaxGlobalBandwidth', '4294967295'],
    ['MinFileBytesPerSec', '240'],
    ['PasswordChangeFlags', 'AuthChangeDisable | AuthAdvNotifyDisable'],
    ['ScriptMaps', scriptMaps(NET20, true, CLASSIC_SCRIPT_MAPS)],
    ['WAMUserName', `IWAM_${machine}`],
    ['WAMUserPass', rng.secret(216)],
    ['WebSvcExtRestrictionList', [
      '0,*.dll',
      '0,*.exe',
      `1,${ASP_DLL},0,ASP,Active Server Pages`,
      `0,${INETSRV}\\httpodbc.dll,0,HTTPODBC,Internet Data Connector`,
      `0,${INETSRV}\\ssinc.dll,0,SSINC,Server Side Includes`,
      `0,${INETSRV}\\httpext.dll,0,WEBDAV,WebDAV`,
      `1,${aspnetIsapi(NET11)},1,ASP.NET ${NET11},ASP.NET ${NET11}`,
      `1,${aspnetIsapi(NET20)},1,ASP.NET ${NET20},ASP.NET ${NET20}`,
    ]],
  ], children: [
    ...customElement('MD_ISM_ACCESS_CHECK', 6269, ['65535'], 'DWORD', 'IIS_MD_UT_FILE', 'NO_ATTRIBUTES'),
    ...customElement('UnknownName_2166', 2166, ['1'], 'DWORD', 'IIS_MD_UT_SERVER', 'NO_ATTRIBUTES'),
    ...customElement('UnknownName_9202', 9202, ['4294967295'], 'DWORD', 'IIS_MD_UT_SERVER', 'NO_ATTRIBUTES'),
  ] });

  // children of /LM/W3SVC in key-name order: site ids, AppPools, Filters, Info
  const w3svcChildren: Array<{ name: string; write: () => void }> = sites.map((s) => ({
    name: s.id,
    write: () => {
      // a site's own keys in tree order (the ROOT's children by name)
      const [server, ...rest] = s.keys;
      w.key(server!);
      rest.sort((a, b) => compareKeyNames(a.location, b.location));
      for (const k of rest) w.key(k);
    },
  }));
  w3svcChildren.push({ name: 'AppPools', write: () => {
    w.key({ type: 'IIsApplicationPools', location: '/LM/W3SVC/AppPools', attrs: [
      ['AdminACL', adminAcl],
      ['AppPoolIdentityType', '2'],
      ['AppPoolQueueLength', '1000'],
      ['CPULimit', '0'],
      ['CPUResetInterval', '5'],
      ['DisallowOverlappingRotation', 'FALSE'],
      ['DisallowRotationOnConfigChange', 'FALSE'],
      ['IdleTimeout', '20'],
      ['LoadBalancerCapabilities', '2'],
      ['LogEventOnRecycle', 'AppPoolRecycleTime | AppPoolRecycleMemory | AppPoolRecyclePrivateMemory'],
      ['MaxProcesses', '1'],
      ['OrphanWorkerProcess', 'FALSE'],
      ['PeriodicRestartMemory', '0'],
      ['PeriodicRestartPrivateMemory', '0'],
      ['PeriodicRestartRequests', '0'],
      ['PeriodicRestartTime', '1740'],
      ['PingInterval', '30'],
      ['PingResponseTime', '90'],
      ['PingingEnabled', 'TRUE'],
      ['RapidFailProtection', 'TRUE'],
      ['RapidFailProtectionInterval', '5'],
      ['RapidFailProtectionMaxCrashes', '5'],
      ['SMPAffinitized', 'FALSE'],
      ['SMPProcessorAffinityMask', '4294967295'],
      ['ShutdownTimeLimit', '90'],
      ['StartupTimeLimit', '90'],
    ] });
    for (const pool of pools) w.key({ type: 'IIsApplicationPool', location: `/LM/W3SVC/AppPools/${pool.name}`, attrs: pool.attrs });
  } });
  w3svcChildren.push({ name: 'Filters', write: () => {
    w.key({ type: 'IIsFilters', location: '/LM/W3SVC/Filters', attrs: [['AdminACL', adminAcl], ['FilterLoadOrder', 'Compression,URLSCAN']] });
    w.key({ type: 'IIsFilter', location: '/LM/W3SVC/Filters/Compression', attrs: [
      ['FilterEnabled', 'TRUE'],
      ['FilterPath', `${INETSRV}\\gzip.dll`],
    ] });
    for (const [scheme, flags, staticComp] of [['deflate', '0', 'FALSE'], ['gzip', '1', 'TRUE']] as const) {
      w.key({ type: 'IIsCompressionScheme', location: `/LM/W3SVC/Filters/Compression/${scheme}`, attrs: [
        ['HcCompressionDll', '%windir%\\system32\\inetsrv\\gzip.dll'],
        ['HcCreateFlags', flags],
        ['HcDoDynamicCompression', 'TRUE'],
        ['HcDoOnDemandCompression', 'TRUE'],
        ['HcDoStaticCompression', staticComp],
        ['HcDynamicCompressionLevel', '0'],
        ['HcFileExtensions', ['htm', 'html', 'txt', 'css', 'js']],
        ['HcOnDemandCompLevel', '10'],
        ['HcPriority', '1'],
        ['HcScriptFileExtensions', ['asp', 'dll', 'exe', 'aspx', 'asmx', 'ashx']],
      ] });
    }
    w.key({ type: 'IIsCompressionSchemes', location: '/LM/W3SVC/Filters/Compression/Parameters', attrs: [
      ['HcCacheControlHeader', 'max-age=86400'],
      ['HcCompressionBufferSize', '8192'],
      ['HcCompressionDirectory', '%windir%\\IIS Temporary Compressed Files'],
      ['HcDoDiskSpaceLimiting', 'FALSE'],
      ['HcDoDynamicCompression', 'FALSE'],
      ['HcDoOnDemandCompression', 'TRUE'],
      ['HcDoStaticCompression', 'FALSE'],
      ['HcExpiresHeader', 'Wed, 01 Jan 1997 12:00:00 GMT'],
      ['HcFilesDeletedPerDiskFree', '256'],
      ['HcIoBufferSize', '8192'],
      ['HcMaxDiskSpaceUsage', '100000000'],
      ['HcMaxQueueLength', '1000'],
      ['HcMinFileSizeForComp', '1'],
      ['HcNoCompressionForHttp10', 'TRUE'],
      ['HcNoCompressionForProxies', 'TRUE'],
      ['HcNoCompressionForRange', 'FALSE'],
      ['HcSendCacheHeaders', 'FALSE'],
    ] });
    w.key({ type: 'IIsFilter', location: '/LM/W3SVC/Filters/URLSCAN', attrs: [
      ['FilterDescription', 'UrlScan ISAPI Filter'],
      ['FilterEnableCache', 'TRUE'],
      ['FilterFlags', 'NotifyPreProcHeaders | NotifyOrderHigh'],
      ['FilterPath', `${INETSRV}\\urlscan\\urlscan.dll`],
      ['FilterState', '1'],
    ] });
  } });
  w3svcChildren.push({ name: 'Info', write: () => {
    w.key({ type: 'IIsWebInfo', location: '/LM/W3SVC/Info', attrs: [
      ['AdminACL', rng.secret(272)],
      ['CustomErrorDescriptions', CUSTOM_ERROR_DESCRIPTIONS],
      ['LogModuleList', 'NCSA Common Log File Format,Microsoft IIS Log File Format,W3C Extended Log File Format,ODBC Logging'],
      ['MD_SERVER_CAPABILITIES', '129983'],
      ['MD_SERVER_PLATFORM', '1'],
      ['MajorIIsVersionNumber', '6'],
      ['MinorIIsVersionNumber', '0'],
    ] });
    w.key({ type: 'IIsConfigObject', location: '/LM/W3SVC/Info/Templates', attrs: [] });
    w.key({ type: 'IIsWebServer', location: '/LM/W3SVC/Info/Templates/Public Web Site', attrs: [
      ['ServerComment', 'Allows all users to browse static and dynamic content.'],
    ] });
    w.key({ type: 'IIsWebVirtualDir', location: '/LM/W3SVC/Info/Templates/Public Web Site/Root', attrs: [
      ['AccessFlags', 'AccessRead | AccessScript'],
      ['AuthFlags', 'AuthAnonymous'],
      ['IPSecurity', ''],
    ] });
    w.key({ type: 'IIsWebServer', location: '/LM/W3SVC/Info/Templates/Secure Web Site', attrs: [
      ['ServerComment', 'Allows users with a Windows account to view static and dynamic content.'],
    ] });
    w.key({ type: 'IIsWebVirtualDir', location: '/LM/W3SVC/Info/Templates/Secure Web Site/Root', attrs: [
      ['AccessFlags', 'AccessRead | AccessScript'],
      ['AuthFlags', 'AuthBasic | AuthNTLM | AuthMD5'],
      ['IPSecurity', ''],
    ] });
  } });
  w3svcChildren.sort((a, b) => compareKeyNames(a.name, b.name));
  for (const c of w3svcChildren) c.write();

  w.raw('</MBProperty>');
  w.raw('</configuration>');

  return {
    text: w.text(),
    keys: w.keys,
    lines: w.lines,
    sites: nSites,
    pools: pools.length,
    applications,
    mistakes: injected,
  };
}

/** The MetaBase.xml text for `sites` web sites; the same options always give the same string. */
export function generateMetabase(options: GenerateOptions): string {
  return generateMetabaseWithInfo(options).text;
}

// ---------------------------------------------------------------------------------------------
// CLI

function main(argv: string[]): number {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  if (argv.includes('--help') || argv.includes('-h') || get('--sites') === undefined) {
    process.stderr.write('Usage: npx tsx bench/gen-metabase.ts --sites N [--seed S] [--mistakes RATE] [--out FILE] [--stats]\n');
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  const sites = Number(get('--sites'));
  const seed = Number(get('--seed') ?? 42);
  const mistakes = Number(get('--mistakes') ?? 0.01);
  if (!Number.isInteger(sites) || sites < 1 || !Number.isInteger(seed) || !(mistakes >= 0 && mistakes <= 1)) {
    process.stderr.write('gen-metabase: --sites must be a positive integer, --seed an integer, --mistakes a rate between 0 and 1\n');
    return 2;
  }
  const t0 = process.hrtime.bigint();
  const result = generateMetabaseWithInfo({ sites, seed, mistakes });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const out = get('--out');
  if (out) writeFileSync(out, result.text, 'utf8');
  else process.stdout.write(result.text);
  if (argv.includes('--stats')) {
    const bytes = Buffer.byteLength(result.text, 'utf8');
    process.stderr.write(
      `gen-metabase: ${result.sites} sites, ${result.pools} pools, ${result.applications} applications, ${result.keys} keys, ` +
      `${result.lines} lines, ${bytes} bytes (${(bytes / 1e6).toFixed(2)} MB), ${result.mistakes.length} mistakes, ${ms.toFixed(0)} ms\n`);
    for (const m of result.mistakes) process.stderr.write(`  ${m.kind}: ${m.location} ${m.property}=${JSON.stringify(m.value)}\n`);
  }
  return 0;
}

// Run as a script only: bundled into bench/out/bench.js this module is part of the main module,
// and its usage message set the bench's exit code to 2.
if (require.main === module && /gen-metabase\.[cm]?[jt]s$/.test(process.argv[1] ?? '')) {
  process.exitCode = main(process.argv.slice(2));
}
