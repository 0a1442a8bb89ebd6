import { DomainError } from '@eventide/util';
import { MongoNetworkError, MongoServerError } from 'mongodb';
import { ConcurrencyError, isDuplicateKey, StoreUnavailableError, translateStoreError } from './event-store.errors';

describe('event store errors', () => {
  it('a concurrency error is a DomainError with a stable code, reason and the versions', () => {
    const error = new ConcurrencyError(3, 5);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe('concurrency');
    expect(error.reason).toBe('wrong-expected-version');
    expect(error.details).toEqual({ expectedVersion: 3, actualVersion: 5 });
    expect(new ConcurrencyError(3).details).toEqual({ expectedVersion: 3 });
  });

  it('turns network and shutting-down server errors into StoreUnavailableError, keeping the cause', () => {
    const network = new MongoNetworkError('connection reset');
    const translated = translateStoreError(network);
    expect(translated).toBeInstanceOf(StoreUnavailableError);
    expect((translated as StoreUnavailableError).cause).toBe(network);
    expect(translateStoreError(new MongoServerError({ message: 'shutting down', code: 91 }))).toBeInstanceOf(StoreUnavailableError);
  });

  it('passes every other error through unchanged', () => {
    const badQuery = new MongoServerError({ message: 'bad query', code: 2 });
    const bug = new TypeError('bug');
    expect(translateStoreError(badQuery)).toBe(badQuery);
    expect(translateStoreError(bug)).toBe(bug);
  });

  it('recognises a duplicate key', () => {
    expect(isDuplicateKey(new MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).toBe(true);
    expect(isDuplicateKey(new MongoServerError({ message: 'other', code: 2 }))).toBe(false);
  });
});
