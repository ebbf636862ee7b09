// One turn of the event loop and back, for long loops that let messages, I/O and timers through between steps.

/**
 * Resolves after one turn of the event loop: setImmediate where there is one, since Node clamps a setTimeout of 0 to
 * 1 ms (a 10,000-point t-SNE yielding every 16 ms paid it some 250 times, 0.5 s a layout).
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) =>
    typeof setImmediate === "function" ? setImmediate(resolve) : setTimeout(resolve, 0),
  );
}
