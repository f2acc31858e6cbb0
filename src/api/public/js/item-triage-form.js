// @ts-check
// "Correct the triage": a person's sentiment, category and complaint, which feed retraining.
import { api, categories, may } from './api.js';
import { el, label } from './dom.js';
import { button, current, run } from './item-run.js';

/**
 * "Correct the triage": feeds retraining. Served by POST /api/items/:id/triage.
 * @param {Api.ItemDetailAnswer} detail
 * @param {() => Promise<void>} reload
 */
export function triageForm(detail, reload) {
  if (!may('edit') || !detail.triage) return null;
  const t = detail.triage;
  const sentiment = el(
    'select',
    { id: 'fix-sentiment', 'aria-label': 'Sentiment' },
    /** @type {Api.Sentiment[]} */ (['positive', 'neutral', 'negative']).map((s) =>
      el('option', { value: s, selected: s === t.sentiment }, s),
    ),
  );
  const category = el(
    'select',
    { id: 'fix-category', 'aria-label': 'Category' },
    categories().map((c) => el('option', { value: c, selected: c === t.category }, label(c))),
  );
  const complaint = el('input', { type: 'checkbox', id: 'fix-complaint', checked: Boolean(t.complaint) });
  const submit = (/** @type {SubmitEvent} */ e) => {
    e.preventDefault();
    current.reload = reload;
    run(button('fix-triage'), () =>
      api('POST', `/api/items/${detail.item.id}/triage`, {
        sentiment: sentiment.value,
        category: category.value,
        complaint: complaint.checked,
      }),
    );
  };
  return el(
    'details',
    { class: 'fix-triage' },
    el('summary', {}, 'Correct the triage'),
    el(
      'form',
      { onsubmit: submit, class: 'inline-form' },
      sentiment,
      category,
      el('label', { class: 'check' }, complaint, ' complaint'),
      el('button', { type: 'submit', id: 'fix-triage' }, 'Save correction'),
    ),
  );
}
