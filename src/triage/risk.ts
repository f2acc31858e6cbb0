/**
 * Risk terms that raise urgency whatever the post's language, so a few common non-English
 * forms are listed beside the English ones. Matched on the masked text, not tokens, because
 * the tokenizer is English-only.
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

const GROUPS: RiskGroup[] = [
  group('safety concern', 45, [
    'unsafe', 'not safe', 'safety', 'danger', 'dangerous', 'emergency', 'injur(?:ed|y|ies)', 'hospital',
    'smoke', 'fumes', 'caught fire', 'peligro(?:so)?', 'seguridad', 'dangereux', 'sécurité', 'gefährlich',
    'sicherheit', 'pericolo(?:so)?', 'sicurezza',
  ]),
  group('mentions a lawyer', 40, [
    'lawyers?', 'attorneys?', 'sue', 'suing', 'lawsuit', 'legal action', 'small claims', 'abogad[oa]s?',
    'demanda', 'avocats?', 'procès', 'anwalt', 'anwältin', 'klage', 'advogad[oa]', 'avvocat[oi]',
  ]),
  group('press / journalist asking', 40, [
    'reporter', 'journalist', 'newsroom', 'press (?:inquiry|enquiry|office)', 'for (?:a )?comment',
    'story runs', 'on the record', 'for (?:our|my|a|an) (?:story|article|piece|report)', 'periodista',
    'journaliste', 'giornalista', 'jornalista', 'prensa', 'presse',
  ]),
  group('mentions police', 30, [
    'police', 'cops', 'arrested', 'policía', 'polizei', 'polizia', 'polícia', 'gendarmerie',
  ]),
  group('discrimination / harassment', 30, [
    'discriminat(?:ed|ion|ing)', 'racist', 'racism', 'harass(?:ed|ment|ing)', 'discriminación',
    'discrimination',
  ]),
  group('mentions a regulator', 25, [
    'faa', 'dot complaint', 'ntsb', 'regulator', 'aviation authority', 'civil aviation', 'ombudsman',
    'consumer protection', 'bbb', 'caa', 'file a complaint', 'formal complaint',
  ]),
  group('threatens a chargeback', 25, [
    'chargeback', 'charge back', 'dispute the charge', 'dispute with my bank', 'credit card company',
  ]),
  group('people stranded', 20, [
    'stranded', '(?:stuck|sitting|trapped) on (?:the )?(?:tarmac|plane|aircraft|train|bus)', 'on the tarmac',
    'no (?:food|water) (?:for|or|and)',
  ]),
  group('billing error', 15, [
    '(?:charged|billed) (?:me )?(?:twice|double|two times)', 'double[- ](?:charged|billed)', 'overcharged',
  ]),
  group('threatens to leave', 12, [
    'cancel my (?:account|membership|subscription|card)', 'close my account',
    'never fly(?:ing)? (?:with )?(?:you|them) again', 'switching to', 'lost a customer',
  ]),
  group('asks for a refund', 8, [
    'refund', 'money back', 'reembolso', 'remboursement', 'rembourser', 'erstattung', 'rückerstattung',
    'rimborso',
  ]),
];

export interface RiskHit {
  reason: string;
  points: number;
}

// Most posts name no risk at all. One pass without word boundaries or Unicode mode (much faster)
// finds every candidate and some false ones; only then do the exact per-group patterns run.
const ANY = new RegExp(GROUPS.map((g) => g.re.source.replace(B, '').replace(E, '')).join('|'), 'i');

export function riskHits(text: string): RiskHit[] {
  const hits: RiskHit[] = [];
  if (!ANY.test(text)) return hits;
  for (const g of GROUPS) if (g.re.test(text)) hits.push({ reason: g.reason, points: g.points });
  return hits;
}
