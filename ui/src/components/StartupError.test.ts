import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';

import StartupError from './StartupError.svelte';

describe('StartupError', () => {
  it('says what is wrong and what to do for a database from a newer app', () => {
    render(StartupError, {
      dataDir: '/data',
      error: { kind: 'too_new', path: '/data/tenin.db', found: 7, supported: 1 },
    });
    expect(screen.getByRole('alert')).toHaveTextContent('スキーマ 7、このアプリは 1 まで');
    expect(screen.getByText('アプリを最新版に更新してから開いてください。')).toBeInTheDocument();
    expect(screen.getByText('対象: /data/tenin.db')).toBeInTheDocument();
    expect(screen.getByText('ファイルは変更・削除していません。')).toBeInTheDocument();
  });

  it('shows the detail of a corrupt database', () => {
    render(StartupError, {
      dataDir: '/data',
      error: { kind: 'corrupt', path: '/data/tenin.db', detail: '*** in database main *** Page 3' },
    });
    expect(screen.getByText('データベースが破損しています。')).toBeInTheDocument();
    expect(screen.getByText(/Page 3/)).toBeInTheDocument();
  });
});
