// Polling instead of fixed sleeps: every wait in the suite is "until this holds, or fail after a
// timeout with a message saying what was expected and what was last seen".

export class TimeoutError extends Error {}

/**
 * Calls `probe` until it returns a truthy value (which is returned), or throws a TimeoutError.
 * A probe that throws counts as "not yet"; its last error is reported on timeout.
 * `describe(lastValue)` may add what was last observed to the failure message.
 */
export async function pollUntil(probe, { timeout = 30_000, interval = 100, message = 'condition', describe } = {}) {
  const deadline = Date.now() + timeout;
  let lastValue;
  let lastError;
  for (;;) {
    try {
      lastValue = await probe();
      if (lastValue) return lastValue;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const seen = describe ? `; last seen: ${describe(lastValue)}` : '';
      const cause = lastError ? `; last error: ${lastError.message}` : '';
      throw new TimeoutError(`timed out after ${timeout} ms waiting for ${message}${seen}${cause}`);
    }
    await delay(interval);
  }
}

export function delay(ms) {
  return new Promise((resolveDelay) => setTimeout(resolveDelay, ms));
}

/** Rejects with a TimeoutError if `promise` has not settled within `ms`. */
export async function withTimeout(promise, ms, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`${message} did not finish within ${ms} ms`)), ms);
  });
  // If the timeout wins, `promise` may still reject later (its page closed under it): that is
  // expected, not an unhandled rejection that would end the whole run.
  promise.catch(() => {});
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
