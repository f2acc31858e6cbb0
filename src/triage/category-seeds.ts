import type { Category } from '../triage-types.js';

/**
 * Categories pick the drafted reply, so they come from a trained head (model.ts) over the post's
 * features; these keyword seeds are two things for it: dense features the head weighs (so a
 * word it never saw in training, in another industry or language, still counts), and weak labels
 * for posts that have no human reason (complaints in other industries, customer-support tweets).
 * Seeds are written for any business, not airlines only: a late delivery is a delay, a declined
 * card is billing. Non-English seeds cover the languages triage scores.
 */
export const SEED_CATEGORIES = [
  'delay_cancellation',
  'lost_damaged_item',
  'billing_refund',
  'staff_service',
  'product_defect_outage',
  'account_login',
  'safety_legal_press',
] as const satisfies readonly Category[];
export type SeedCategory = (typeof SEED_CATEGORIES)[number];

/** The category head's classes: the seeded problems plus "none of these". */
export const MODEL_CATEGORIES = [...SEED_CATEGORIES, 'other'] as const;

export interface Group {
  category: SeedCategory;
  /** Higher = more specific, wins close calls: "my lost bag was charged a fee" is a lost-bag case first. */
  weight: number;
  words: string;
  phrases: RegExp[];
  /** Words of which one must also appear: "add a bag" is not a lost bag. */
  requires?: string;
}

export const GROUPS: Group[] = [
  {
    category: 'delay_cancellation',
    weight: 1.8,
    words: `delay delayed delays late later canceled cancelled cancellation cancellations tarmac rebook rebooked rebooking
      diverted postponed misconnect stranded overdue
      retraso retrasado retrasada demora cancelado cancelada atraso atrasado atrasada retard retardé annulé annulée
      verspätung verspätet verspätete storniert annulliert ritardo annullato cancellato`,
    phrases: [
      / missed (my )?connection\b/,
      / stuck (on|at|in)\b/,
      / (flight|train|bus) (was |is )?(moved|changed)\b/,
      / (not|never) (arrived|delivered|came|come|shown up|showed up|turned up)\b/,
      / (still|yet) to (arrive|be delivered)\b/,
      / (order|package|parcel|delivery|food|pizza|driver|shipment) (is |was |still )?(late|delayed|missing)\b/,
      / where is (my|our) (order|package|parcel|delivery|food)\b/,
      / (nunca|no) (llegó|llego|ha llegado)\b/,
      / (não|nunca) (chegou|foi entregue)\b/,
      / (jamais|pas) (arrivé|arrivée|livré|livrée)\b/,
      / (nicht|nie) (angekommen|geliefert)\b/,
      / (mai|non è) (arrivato|arrivata)\b/,
      / en retard\b/,
      / in ritardo\b/,
    ],
  },
  {
    category: 'lost_damaged_item',
    weight: 2.5,
    words: `bag bags luggage baggage suitcase suitcases stroller wheelchair belongings carseat
      maleta maletas equipaje mala bagagem valise bagage bagages koffer gepäck valigia bagaglio bagagli`,
    requires: `lost missing damaged broken stolen ripped torn smashed snapped cracked delayed where waiting arrived arrive
      located tracker found claim perdido perdida perdidas extraviado extraviada roto rota dañado perdu perdue perdus cassé cassée
      endommagé verloren verschwunden kaputt beschädigt perso persa smarrito smarrita rotto danneggiato extraviada quebrada danificada`,
    phrases: [
      / (lost|missing|damaged|stolen|broken|ripped) (item|items|property|package|parcel)\b/,
      / lost and found\b/,
      / car seat\b/,
      / (arrived|came|delivered) (broken|damaged|smashed|cracked|opened)\b/,
    ],
  },
  {
    // Goods that arrive broken: a damaged item, not a product defect or outage.
    category: 'lost_damaged_item',
    weight: 2.5,
    words: `package parcel box order delivery shipment item jug lid screen`,
    requires: `damaged broken cracked smashed dented torn crushed shattered opened leaking`,
    phrases: [/ arrived (with |in )?(a |the )?\w* ?(broken|damaged|smashed|cracked|dented|torn|crushed|shattered)\b/],
  },
  {
    category: 'billing_refund',
    weight: 2.2,
    words: `refund refunds refunded charged charge charges overcharged fee fees billing billed bill payment payments chargeback
      reimburse reimbursement reimbursed compensation voucher vouchers receipt invoice declined card transaction transactions
      paid pay price overpaid
      reembolso reembolsar cobro cobrado cobraron factura tarjeta pago cobrança cobrado cartão fatura pagamento
      remboursement rembourser facture facturé carte paiement prélèvement erstattung rückerstattung rechnung karte zahlung
      abgebucht rimborso fattura carta addebito pagamento`,
    phrases: [
      / money back\b/,
      / credit card\b/,
      / (charged|billed) twice\b/,
      / (card|payment) (was |got |is )?(declined|rejected|refused)\b/,
    ],
  },
  {
    category: 'account_login',
    weight: 2,
    words: `login password account accounts username verification 2fa locked signin hacked
      contraseña cuenta senha conta compte passe konto passwort anmeldung`,
    phrases: [/ log ?in\b/, / sign ?in\b/, / reset (my )?password\b/, / locked out\b/, / mot de passe\b/],
  },
  {
    category: 'product_defect_outage',
    weight: 1.5,
    words: `broken crash crashed crashes crashing outage down bug glitch error errors app website site wifi
      wi-fi entertainment screen outlet defective freezing frozen faulty
      roto rota avería caído fallo quebrado defeito panne bug kaputt defekt störung absturz guasto rotto difettoso`,
    phrases: [
      / (not|never) (working|work|loading|load)\b/,
      / is down\b/,
      / stopped working\b/,
      / (no|não) funciona\b/,
      / ne marche (pas|plus)\b/,
      / funktioniert (nicht|nie)\b/,
      / non funziona\b/,
    ],
  },
  {
    category: 'staff_service',
    weight: 1.2,
    words: `rude unhelpful staff agent agents attendant attendants crew employee employees representative rep reps
      manager supervisor attitude unprofessional hung desk queue counter
      grosero grosera atención personal empleado atendimento atendente grosseiro impoli personnel accueil
      unfreundlich mitarbeiter kundenservice personale scortese maleducato`,
    phrases: [
      / customer service\b/,
      / on hold\b/,
      / (hung|hangs|hang) up\b/,
      / phone line\b/,
      / call back\b/,
      / (no|nobody) (response|reply|answer|answers|answered)\b/,
      / service client\b/,
      / servicio al cliente\b/,
      / servizio clienti\b/,
    ],
  },
  {
    category: 'safety_legal_press',
    weight: 3,
    words: `lawyer lawyers attorney sue suing lawsuit legal unsafe safety dangerous danger emergency injured
      injury hospital police reporter journalist newsroom newspaper smoke fumes faa ntsb regulator authority
      discrimination discriminated racist harassed harassment
      abogado abogada demanda peligroso periodista policía advogado perigoso jornalista polícia avocat dangereux journaliste
      anwalt gefährlich journalist polizei avvocato pericoloso giornalista polizia`,
    phrases: [
      / for (a )?comment\b/,
      / (on|for) (a |my |our |the )?(story|article)\b/,
      / story runs\b/,
      / on the record\b/,
      / small claims\b/,
      / not safe\b/,
    ],
  },
];
