import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';

import type { ErrorReport, HospitalSummary, MunicipalityInfo } from '../lib/bindings';
import { route } from '../lib/router.svelte';
import NewRequestForm from './NewRequestForm.svelte';

const hospital: HospitalSummary = {
  id: 'h1',
  code: '1410110009',
  name: '桜総合病院',
  name_kana: 'さくらそうごうびょういん',
  short_name: '桜総合',
  municipality_code: '141011',
  municipality_name: '横浜市鶴見区',
  jurisdiction_id: 'yokohama',
  jurisdiction_name: '横浜市保健所',
  region_id: 'p8-yokohama',
  region_name: '横浜',
  address: '',
  latitude: null,
  longitude: null,
  contacts: [],
  capacity: [],
  requirements: {},
  beyond_criteria: [],
  own_rule_declines: 0,
  is_referring: true,
  is_receiving: false,
  is_priority: true,
  is_cooperating: false,
  active: true,
};
const receiverOnly: HospitalSummary = { ...hospital, id: 'h2', name: '受入専門病院', is_referring: false };
const municipality: MunicipalityInfo = {
  code: '141003',
  name: '横浜市',
  kana: 'よこはまし',
  jurisdiction_id: 'yokohama',
  jurisdiction_name: '横浜市保健所',
  report_group_name: '横浜市',
  region_name: '横浜',
};

function refusal(): ErrorReport {
  return {
    code: 'validation',
    message: '入力内容に問題があります（2件）',
    problems: [
      {
        field: 'patient_age',
        problem: { kind: 'out_of_range', min: 0, max: 120 },
        detail: null,
        message: '0〜120の範囲で入力してください',
      },
      { field: 'patient_sex', problem: { kind: 'required' }, detail: null, message: '必須項目です' },
    ],
    rule: null,
    refusal: null,
  };
}

/** What the form loads on mount. */
function answers(cmd: string, hospitals: HospitalSummary[] = [hospital]): unknown {
  if (cmd === 'list_hospitals') return hospitals;
  if (cmd === 'list_municipalities') return [municipality];
  if (cmd === 'intake_choices') return { bed_types: [{ id: 'general', name: '一般' }], regions: [] };
  // No draft kept; the form's drafts are saved as it is typed.
  if (cmd === 'draft' || cmd === 'save_draft' || cmd === 'discard_draft') return null;
  throw new Error(`unexpected command ${cmd}`);
}

afterEach(() => clearMocks());

describe('NewRequestForm', () => {
  it('offers only hospitals that can refer', async () => {
    mockIPC((cmd) => answers(cmd, [hospital, receiverOnly]));
    render(NewRequestForm);
    expect(await screen.findByRole('option', { name: /桜総合病院/ })).toBeInTheDocument();
    expect(screen.queryByRole('option', { name: /受入専門病院/ })).not.toBeInTheDocument();
  });

  it('shows each refusal from the core next to its field and sends the raw text', async () => {
    let sent: unknown = null;
    mockIPC((cmd, payload) => {
      if (cmd === 'create_request') {
        sent = payload;
        throw refusal();
      }
      return answers(cmd);
    });
    render(NewRequestForm);
    const user = userEvent.setup();
    await user.type(await screen.findByTestId('field-age'), '１３０');
    await user.click(screen.getByTestId('submit-request'));

    expect(await screen.findByText('0〜120の範囲で入力してください')).toBeInTheDocument();
    expect(screen.getByText('必須項目です')).toBeInTheDocument();
    expect(screen.getByTestId('field-age')).toHaveAttribute('aria-invalid', 'true');
    expect(sent).toMatchObject({ input: { patient_age: '１３０' } });
    await waitFor(() => expect(screen.getByTestId('field-age')).toHaveFocus());
  });

  it('opens the new request once the core accepts it', async () => {
    mockIPC((cmd) => (cmd === 'create_request' ? { summary: { id: 'r-new', ref_no: '261121-001' } } : answers(cmd)));
    render(NewRequestForm);
    await userEvent.setup().click(await screen.findByTestId('submit-request'));
    await waitFor(() => expect(route()).toEqual({ name: 'request', id: 'r-new' }));
  });
});

describe('NewRequestForm after a refusal', () => {
  it('drops a field’s message once the nurse edits that field', async () => {
    mockIPC((cmd) => {
      if (cmd === 'create_request') throw refusal();
      return answers(cmd);
    });
    render(NewRequestForm);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('submit-request'));
    expect(await screen.findByText('0〜120の範囲で入力してください')).toBeInTheDocument();
    await user.type(screen.getByTestId('field-age'), '8');
    expect(screen.queryByText('0〜120の範囲で入力してください')).not.toBeInTheDocument();
    expect(screen.getByText('必須項目です')).toBeInTheDocument();
  });
});

describe('NewRequestForm and duplicates', () => {
  it('asks before registering a possible duplicate, then keeps both when the nurse says so', async () => {
    const calls: unknown[] = [];
    const existing = {
      id: 'r-old',
      ref_no: '261120-004',
      patient_initials: 'T.K.',
      patient_age: 85,
      patient_sex: 'female',
      referring_hospital_name: '桜総合病院',
      status: 'coordinating',
    };
    mockIPC((cmd, payload) => {
      if (cmd === 'create_request') {
        calls.push(payload);
        if (!(payload as { keepBoth: boolean }).keepBoth) {
          throw { code: 'possible_duplicate', message: '同じ患者の依頼が既にある可能性があります', problems: [] };
        }
        return { summary: { id: 'r-new', ref_no: '261121-009' } };
      }
      if (cmd === 'find_duplicates') return [{ request: existing, reasons: ['同じ依頼元・同じ患者番号（K-1）'] }];
      return answers(cmd);
    });
    render(NewRequestForm);
    const user = userEvent.setup();
    await user.click(await screen.findByTestId('submit-request'));
    expect(await screen.findByText(/同じ依頼元・同じ患者番号/)).toBeInTheDocument();
    expect(screen.getByTestId('duplicate-merge')).toHaveTextContent('261120-004 に統合する');
    await waitFor(() => expect(document.activeElement?.closest('[data-testid="duplicates"]')).not.toBeNull());
    await user.click(screen.getByTestId('duplicate-keep-both'));
    await waitFor(() => expect(route()).toEqual({ name: 'request', id: 'r-new' }));
    expect(calls).toMatchObject([{ keepBoth: false }, { keepBoth: true }]);
  });
});
