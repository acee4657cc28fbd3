import { describe, expect, it } from 'vitest';

import { neighbour, rememberOrder } from './queue-order';

describe('queue order', () => {
  it('steps to the next and previous request of the last queue', () => {
    rememberOrder(['a', 'b', 'c']);
    expect(neighbour('b', 1)).toBe('c');
    expect(neighbour('b', -1)).toBe('a');
    expect(neighbour('c', 1)).toBeNull();
    expect(neighbour('z', 1)).toBeNull();
  });
});
