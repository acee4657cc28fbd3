// English for what the core reports as codes (errors, rules, field details, package refusals, the
// request checklist). The core's own sentences are Japanese — the Japanese UI shows them as they
// are, and the CLI prints them — so this catalogue holds the other language. Each table is typed
// against the generated contract: a code added in Rust is a type error here until it is worded.
import type { CheckCode, Detail, ErrorCode, RefusalCode, Rule } from '../bindings';

type Worded<K extends string> = { [Code in K]: string };

const code: Worded<ErrorCode> = {
  validation: 'Please check the input ({{count}})',
  not_found: 'Not found: it may have been removed. Reload the screen.',
  stale_version: 'Someone else changed this in the meantime. Reload the screen, then try again.',
  rule: 'A rule of the desk does not allow this now.',
  invalid_transition: 'The request cannot move to that state from where it is.',
  storage: 'The database could not be used. Nothing was changed; try again, or see the log.',
  io: 'A file or folder could not be read or written (missing, full disk or no permission).',
  reference_data: 'The reference data is not in a valid form.',
  possible_duplicate: 'This patient may already have a request. Merge, or register as a new request.',
  needs_confirmation: 'Please confirm the warnings ({{count}}), then register again.',
  not_signed_in: 'Please sign in.',
  locked: 'Locked after a time without use. Please sign in again.',
  forbidden: 'Your role does not allow this.',
  sign_in_failed: 'Wrong login name or password (after repeated mistakes, wait a few minutes).',
  package_refused: 'The file was refused and kept for review.',
  cancelled: 'Cancelled. Nothing was changed.',
  not_open: 'The desk is not open.',
  chain_broken: 'The audit log is broken. Ask the administrator.',
  internal: 'Something went wrong inside the app. Nothing was changed; see the log.',
  wrong_edition: 'This is done in the other edition of the app (desk or hospital).',
};

const rule: Worded<Rule['rule']> = {
  administrator_exists: 'An administrator already exists. Please sign in.',
  last_administrator: 'No administrator would be left who can sign in.',
  no_acceptance:
    'No hospital has accepted. Record an answer “can accept” in the inquiry log, or name the receiving hospital.',
  no_consent: 'No consent is recorded for sending patient details to candidates. Ask the referrer, then record it.',
  demo_needs_empty_desk: 'Demo data can be loaded only into an empty desk.',
  demo_for_another_pack: 'The demo data is for the region pack “{{data}}” (this desk uses “{{desk}}”).',
  region_pack_loaded: 'The region pack “{{loaded}}” is already loaded.',
  not_a_backup: 'Not a backup this desk can use: {{path}}',
  nothing_to_undo:
    'Nothing to undo (your own last state change can be undone within a minute, while nothing else changed).',
  merge_into_closed: 'Request {{ref_no}} is closed ({{status}}). Register this one as a new request instead.',
  backup_chain_broken:
    'The backup’s audit log is broken or was altered (entry {{seq}}). An administrator must accept that to restore it.',
  conflict_decided: 'This conflict was already decided. Reload the screen.',
  only_keep_desk: 'For this conflict only “keep the desk’s record” can be chosen.',
  already_answered: 'An answer is already recorded for this inquiry. Reload the screen.',
  no_inquiry_in_state: 'No inquiry can be logged on a request that is {{status}}. Move it back to coordinating first.',
  booking_move: 'A booking cannot move from {{from}} to {{to}}.',
  database_in_use: 'Another program (such as the tenin command) has the database open. Close it, then try again.',
  ambiguous_request: 'Several requests match “{{text}}”: {{matches}}. Give the reference number instead.',
};

const detail: Worded<Detail['detail']> = {
  weights_all_zero: 'Make at least one weight greater than 0',
  contact_needs_one: 'Enter a phone number, a fax number or an email address',
  upload_unreadable: 'The file could not be read. Please choose it again',
  phone_format: 'Not a phone number (10–11 digits starting with 0)',
  provider_phone_required: 'Enter the phone number for bookings',
  booking_without_placement:
    'No receiving hospital is recorded. Record “can accept” in the inquiry log before booking transport',
  booking_in_state: 'Transport cannot be booked while the request is {{status}}',
  pickup_before_placement: 'The pickup is before the placement',
  provider_inactive: 'This provider is inactive',
  vehicle_too_small: 'The patient needs {{needed}} (not possible with {{chosen}})',
  provider_lacks_vehicle: '{{provider}} has no {{vehicle}}',
  provider_without_oxygen: 'The patient needs oxygen, and {{provider}}’s vehicles carry none',
  oxygen_on_board_required: 'The patient is on {{flow}} L/min of oxygen: enter the flow for the journey',
  outside_provider_area: 'The referrer’s area is outside {{provider}}’s service area',
  outside_provider_hours: 'The pickup is outside {{provider}}’s hours ({{hours}}); check with the provider',
  not_publicly_funded: '{{provider}} is not registered for publicly funded transport',
  no_escort: '{{provider}} does not arrange escorts (the referrer or the receiver must provide one)',
  pickup_in_past: 'The pickup is in the past',
  oxygen_not_stated: 'Whether the patient needs oxygen is not known. Ask the referrer before booking',
  json_unreadable: 'Not readable as JSON',
  too_short: 'At least {{min}} characters',
  password_is_login: 'The password cannot be the login name',
  password_one_character: 'The password cannot be one character repeated',
  not_a_month: '“{{text}}” is not a month (e.g. {{example}})',
  months_reversed: 'The last month is before the first',
  date_unreadable:
    '“{{text}}” is not a date this desk reads. Write e.g. 2026/11/29, 11/29, R8.11.29 or 令和8年11月29日 (full-width is fine)',
  age_range_reversed: 'The upper age is below the lower',
  no_adl_accepted: 'Choose at least one ADL level accepted',
  memo_required: 'Enter in the memo why the request becomes {{status}}',
  not_an_outcome: '“{{outcome}}” cannot be an outcome',
  code_taken: 'This institution code is already registered ({{name}})',
  not_a_referrer:
    '“{{name}}” is not registered as a referrer (mark it as one on the Hospitals screen, then import again)',
  hospital_inactive: '“{{name}}” is inactive (make it active on the Hospitals screen, then import again)',
  wrong_current_passphrase: 'The current passphrase is wrong',
  not_a_png: 'Not a PNG image, or too large',
  own_role: 'You cannot change or deactivate your own role',
  wrong_current_password: 'The current password is wrong',
  login_characters: 'Use letters, digits and . _ - only',
  login_reserved: 'This login name is used by the desk itself',
  login_taken: 'This login name is taken',
  dates_reversed: 'The start date is after the end date',
};

const refusal: Worded<RefusalCode> = {
  too_large: 'The file is too large.',
  unreadable: 'The file cannot be read (damaged or cut short).',
  unsafe_path: 'A file name inside the zip is not safe.',
  unexpected_file: 'The zip holds a file a package does not have.',
  too_many_files: 'The zip holds too many files.',
  zip_bomb: 'A file inside the zip would be too large once unpacked.',
  missing_manifest: 'manifest.json is missing.',
  bad_manifest: 'manifest.json cannot be read.',
  unknown_format: 'Not an exchange package of the coordination desk.',
  unknown_version: 'This version of the package format is not supported.',
  missing_signature: 'The signature (manifest.sig) is missing.',
  bad_signature: 'The signature is wrong: not signed with the sender’s key, or the content was changed.',
  unknown_sender: 'The sender is not in the hospital directory.',
  no_sender_key: 'No signing key is registered for the sender.',
  wrong_recipient: 'The package is not addressed to this desk.',
  hash_mismatch: 'A file does not match its digest in manifest.json (altered or damaged).',
  missing_file: 'A file listed in manifest.json is missing from the zip.',
  cannot_decrypt: 'The package is encrypted for someone else and cannot be opened.',
  not_inbound: 'This kind of package is not imported by the desk.',
  count_mismatch: 'The number of records does not match manifest.json.',
  bad_records: 'The records cannot be read.',
  stale_sequence: 'An older package than one already received (sent again or out of order): not imported.',
};

const check: Worded<CheckCode['code']> = {
  residence_missing: 'The residence is missing (candidates cannot be narrowed by distance or region)',
  bed_type_missing: 'The bed type wanted is missing',
  adl_not_stated: 'ADL not yet asked (the help needed cannot be judged)',
  missing: '{{field}} is missing',
  not_stated: '{{field}} not yet asked (answer “none” if none)',
  criteria_before_onset: 'The date the discharge criteria were met is before the onset',
  positive_long_before_onset: 'The positive test is more than 14 days before the onset',
  in_future: '{{field}} is in the future',
  age_to_check: 'Please check the age: {{age}}',
  oxygen_high: '{{flow}} L/min of oxygen is a lot for a downward transfer (check)',
  phone_digits: 'The phone number does not have 10–11 digits',
  not_open: 'This request is {{status}}: candidates are shown for new, reviewing and coordinating requests',
  bed_type_unknown: 'The bed type is not in the region pack',
};

/** Notes the core writes into a request's history itself (the nurse's own notes are shown as typed). */
const note = {
  undo: 'Undone',
  towards_placement: 'On the way to the placement',
  placed_by_phone: 'Placement agreed by phone',
  transport_booked: 'Transport booked ({{provider}})',
  transferred_with: 'Transferred ({{provider}})',
  withdrawn_by_referrer: 'Withdrawn by the referrer',
  withdrawn_by_referrer_because: 'Withdrawn by the referrer: {{note}}',
};

/** The core's one-line summaries of a file taken in or written. */
const summary = {
  counts: 'new {{new}}, updated {{changed}}, unchanged {{unchanged}}, to check {{conflicts}}, errors {{errors}}',
  already_imported: 'This file was already imported. Nothing was changed.',
  to_inbox: 'To the inbox (preview it, then import)',
  records: '{{count}} records',
};

export const coreEn = { code, rule, detail, refusal, check, note, summary };
