import { AttemptBudget } from './attempt-budget';

describe('AttemptBudget', () => {
  it('given a budget of 3, when an event fails three times, then the third failure exhausts it and the count starts over', () => {
    const budget = new AttemptBudget(3);
    expect([budget.exhausted('e1'), budget.exhausted('e1'), budget.exhausted('e1')]).toEqual([false, false, true]);
    expect(budget.exhausted('e1')).toBe(false);
  });

  it('counts per event, and a success resets the count', () => {
    const budget = new AttemptBudget(2);
    expect(budget.exhausted('a')).toBe(false);
    expect(budget.exhausted('b')).toBe(false);
    budget.succeeded('a');
    expect(budget.exhausted('a')).toBe(false);
    expect(budget.exhausted('b')).toBe(true);
  });
});
