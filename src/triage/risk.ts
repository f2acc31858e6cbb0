/**
 * Risk terms that raise urgency whatever the post's language, scored or not: lawyer, refund,
 * chargeback, cancelling the account, safety, press, regulator, in every language triage scores
 * and a few it does not. Matched on the masked text, not tokens, so they work the same on every path.
 */
interface RiskGroup {
  reason: string;
  points: number;
  re: RegExp;
}

const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
/** Alternatives are regex fragments; each group matches as whole words, case-insensitively. */
const group = (reason: string, points: number, alternatives: string[]): RiskGroup => ({
  reason,
  points,
  re: new RegExp(`${B}(?:${alternatives.join('|')})${E}`, 'iu'),
});

/** Arabic writes "and", "with", "for" and "the" onto the word: بمحامي is "with a lawyer". */
function ar(term: string): string {
  return `[وفبلك]?(?:ال)?${term}`;
}

// Per group: English first, then Spanish, Portuguese, French, German, Italian, Arabic, Hindi
// (Devanagari and Latin), then a few languages triage does not score (Dutch, Nordic, Polish,
// Turkish, Russian), so their risk terms still raise urgency. Japanese and Chinese have no spaces
// between words, so their terms are matched without word boundaries (UNBOUNDED below).
const GROUPS: RiskGroup[] = [
  group('safety concern', 45, [
    'unsafe',
    'not safe',
    'safety',
    'danger',
    'dangerous',
    'emergency',
    'injur(?:ed|y|ies)',
    'hospital',
    'smoke',
    'fumes',
    'caught fire',
    'peligro(?:so|sa)?',
    'insegur[oa]',
    'no es seguro',
    'seguridad',
    'perigos[oa]',
    'não é seguro',
    'dangereu(?:x|se)',
    'pas sûr',
    'sécurité',
    'gefährlich',
    'unsicher',
    'sicherheit',
    'pericolos[oa]',
    'pericolo',
    'non sicur[oa]',
    'sicurezza',
    ar('خطير'),
    ar('غير آمن'),
    'खतरनाक',
    'असुरक्षित',
    'khatarnak',
    'onveilig',
    'gevaarlijk',
    'farlig',
    'niebezpieczn[a-ząęy]*',
    'tehlikeli',
    'опасно',
  ]),
  group('mentions a lawyer', 40, [
    'lawyers?',
    'attorneys?',
    'sue',
    'suing',
    'lawsuit',
    'legal action',
    'small claims',
    'abogad[oa]s?',
    'demanda(?:r|ré)?',
    'advogad[oa]s?',
    'processar',
    'avocats?',
    'procès',
    'anwalt',
    'anwältin',
    'anwälte',
    'rechtsanwalt',
    'klage',
    'verklagen',
    'avvocat[oi]',
    'avvocata',
    'denuncia',
    ar('محامي'),
    ar('محام'),
    'वकील',
    'vakil',
    'advocaat',
    'rechtszaak',
    'advokat',
    'prawnik',
    'avukat',
    'адвокат',
    'юрист',
  ]),
  group('press / journalist asking', 40, [
    'reporter',
    'journalist',
    'newsroom',
    'press (?:inquiry|enquiry|office)',
    'for (?:a )?comment',
    'story runs',
    'on the record',
    'for (?:our|my|a|an) (?:story|article|piece|report)',
    'periodista',
    'reporter[oa]',
    'journaliste',
    'giornalista',
    'jornalista',
    'repórter',
    'prensa',
    'presse',
    'imprensa',
    ar('صحفي'),
    'पत्रकार',
    'patrakar',
    'journalistin',
    'dziennikarz',
    'gazeteci',
    'журналист',
  ]),
  group('mentions police', 30, [
    'police',
    'cops',
    'arrested',
    'policía',
    'polizei',
    'polizia',
    'polícia',
    'gendarmerie',
    ar('شرطة'),
    'पुलिस',
    'politie',
    'polis',
    'policja',
    'полиция',
  ]),
  group('discrimination / harassment', 30, [
    'discriminat(?:ed|ion|ing)',
    'racist',
    'racism',
    'harass(?:ed|ment|ing)',
    'discriminación',
    'discriminação',
    'discrimination',
    'diskriminierung',
    'discriminazione',
    'acoso',
    'assédio',
    'harcèlement',
    'belästigung',
    'molestie',
    'racista',
    'rassistisch',
  ]),
  group('mentions a regulator', 25, [
    'faa',
    'dot complaint',
    'ntsb',
    'regulator',
    'aviation authority',
    'civil aviation',
    'ombudsman',
    'consumer protection',
    'bbb',
    'caa',
    'file a complaint',
    'formal complaint',
    'profeco',
    'defensa del consumidor',
    'oficina del consumidor',
    'procon',
    'reclame aqui',
    'anatel',
    'anac',
    'dgccrf',
    'médiateur',
    'régulateur',
    'verbraucherzentrale',
    'bundesnetzagentur',
    'schlichtungsstelle',
    'aufsichtsbehörde',
    'agcom',
    'codacons',
    'antitrust',
    'garante',
    ar('حماية المستهلك'),
    'उपभोक्ता',
    'consumer court',
    'consumer forum',
    'toezichthouder',
    'konsumentverket',
  ]),
  group('threatens a chargeback', 25, [
    'chargeback',
    'charge back',
    'dispute the charge',
    'dispute with my bank',
    'credit card company',
    'contracargo',
    'estorno',
    'rétrofacturation',
    'faire opposition',
    'rückbuchung',
    'zurückbuchen',
    'riaddebito',
    'storno',
  ]),
  group('people stranded', 20, [
    'stranded',
    '(?:stuck|sitting|trapped) on (?:the )?(?:tarmac|plane|aircraft|train|bus)',
    'on the tarmac',
    'no (?:food|water) (?:for|or|and)',
    'varad[oa]s?',
    'bloqué(?:e|s)?',
    'gestrandet',
    'bloccat[oi]',
  ]),
  group('billing error', 15, [
    '(?:charged|billed) (?:me )?(?:twice|double|two times)',
    'double[- ](?:charged|billed)',
    'overcharged',
    'cobr(?:o|aron) dos veces',
    'cobrado duas vezes',
    'débité deux fois',
    'doppelt abgebucht',
    'addebitato due volte',
  ]),
  group('threatens to leave', 12, [
    'cancel my (?:account|membership|subscription|card)',
    'close my account',
    'never fly(?:ing)? (?:with )?(?:you|them) again',
    'switching to',
    'lost a customer',
    'cancelar mi cuenta',
    'dar(?:me)? de baja',
    'cancelar (?:a )?minha conta',
    'résilier',
    'fermer mon compte',
    'supprimer mon compte',
    'kündigen',
    'kündige',
    'konto (?:löschen|schließen|kündigen)',
    'disdire',
    'disdetta',
    '(?:chiudere|cancellare) il mio (?:conto|account)',
    ar('إلغاء حسابي'),
    ar('الغاء حسابي'),
    'account band',
    'opzeggen',
  ]),
  group('asks for a refund', 8, [
    'refund',
    'money back',
    'reembolso',
    'devolución (?:del|de mi) dinero',
    'remboursement',
    'rembourser',
    'erstattung',
    'rückerstattung',
    'geld zurück',
    'rimborso',
    'rimborsare',
    'dinheiro de volta',
    ar('استرداد'),
    ar('استرجاع المبلغ'),
    'पैसे वापस',
    'paise wapas',
    'terugbetaling',
    'geld terug',
    'återbetalning',
    'zwrot pieniędzy',
    'iade',
    'возврат',
  ]),
];

/** Scripts written without spaces: matched as plain substrings. */
const UNBOUNDED: Array<[string, string[]]> = [
  ['mentions a lawyer', ['弁護士', '律师', '律師', '訴訟', '起诉']],
  ['asks for a refund', ['返金', '退款']],
  ['safety concern', ['危険', '危险']],
  ['press / journalist asking', ['記者', '记者']],
  ['mentions police', ['警察']],
];
for (const [reason, terms] of UNBOUNDED) {
  const g = GROUPS.find((x) => x.reason === reason);
  if (g) g.re = new RegExp(`${g.re.source}|${terms.join('|')}`, 'iu');
}

export interface RiskHit {
  reason: string;
  points: number;
}

// Most posts name no risk at all. One pass without Unicode mode (much faster) finds every
// candidate and some false ones; only then do the exact per-group patterns run. Its only boundary
// is "not after an ASCII letter or digit", which every exact match also needs: without it the
// alternatives were tried at every letter of the post instead of only where a word starts.
const bounded = (g: RiskGroup): string =>
  g.re.source
    .split('|')
    .filter((alt) => !UNBOUNDED_TERMS.has(alt))
    .join('|');
const UNBOUNDED_TERMS = new Set(UNBOUNDED.flatMap(([, terms]) => terms));
const ANY = new RegExp(
  `(?<![a-z0-9])(?:${GROUPS.map((g) => bounded(g).split(B).join('').split(E).join('')).join('|')})|${[...UNBOUNDED_TERMS].join('|')}`,
  'i',
);

export function riskHits(text: string): RiskHit[] {
  const hits: RiskHit[] = [];
  if (!ANY.test(text)) return hits;
  for (const g of GROUPS) if (g.re.test(text)) hits.push({ reason: g.reason, points: g.points });
  return hits;
}
