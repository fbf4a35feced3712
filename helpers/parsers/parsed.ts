/** A parser's result and the lines it did not understand (never dropped silently: probes report them). */
export interface Parsed<T> {
  value: T;
  unparsed: string[];
}
